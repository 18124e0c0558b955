"""Build the importer's source documents as Word files, as a city or a commune would send them.

The city's appendix comes from seed 002 (the Hải Phòng appendix as extracted text):
:func:`parse_seed` cleans the extraction (``<ul …>`` tags, footnote marks "¹") and keeps the
rows split where a page broke, as the table arrives; :func:`build_docx` writes any
:class:`CityAppendix` to .docx with python-docx: merged (gridSpan) group and section rows, one
paragraph per "- …" bullet and a real Word footnote (footnotes part added with lxml;
python-docx has no footnote API).

A commune's finished plan comes from seed 000 (xã Tân An's body as extracted text):
:func:`parse_commune_seed` and :func:`build_plan_docx` write it as the commune typed it: the
header table, "KẾ HOẠCH", the trích yếu, every paragraph with its number typed in front (headings
in bold), the Nơi nhận and signature table; nothing is corrected.

    python tests/make_city_docx.py OUT.docx [--body | --commune]
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

SEED_DIR = Path(__file__).resolve().parent / "data" / "seeds"
SEED_002 = SEED_DIR / "002_928656384eeaf606.txt"
SEED_000 = SEED_DIR / "000_b8074be7cda55ac5.txt"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
COLUMNS = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm đầu ra",
           "Tiến độ thực hiện"]
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
FOOTNOTE_TOKEN = re.compile(r"\[\^(\d+)\]")
ROMAN = re.compile(r"(X{0,3})(IX|IV|V?I{0,3})")
BODY = [
    "KẾ HOẠCH",
    "Triển khai thực hiện Đề án xây dựng mô hình “Thành phố thượng tôn và tuân thủ pháp luật”",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Nâng cao nhận thức, ý thức tuân thủ pháp luật của cán bộ, công chức, viên chức và Nhân dân.",
]


# --------------------------------------------------------------------------------- the data


@dataclass
class Row:
    """A row of the Word table: TT and the five other cells, each a list of paragraphs."""

    tt: str
    cells: list[list[str]]
    span: bool = False  # a group or section title: one cell across the five columns


@dataclass
class CityAppendix:
    """What :func:`build_docx` writes: the appendix heading, its table and its footnotes."""

    rows: list[Row]
    columns: list[str] = field(default_factory=lambda: list(COLUMNS))
    heading: str = "PHỤ LỤC"
    title: str = "PHÂN CÔNG NHIỆM VỤ"
    kem_theo: str = "(Kèm theo Kế hoạch số /KH-UBND ngày / /2026 của Ủy ban nhân dân thành phố)"
    footnotes: dict[int, list[str]] = field(default_factory=dict)

    def renumber(self) -> None:
        """Number the tasks 1, 2 … again in every group, as a city does after editing."""
        n = 0
        for row in self.rows:
            if row.span and re.fullmatch(r"[A-Z]", row.tt):
                n = 0
            elif row.tt.isdigit():
                n += 1
                row.tt = str(n)


@dataclass
class SeedRow:
    """A row of seed 002 as extracted: TT and five raw cell texts."""

    tt: str
    cells: list[str]
    break_before: bool = False  # a page broke just before this row
    break_after: bool = False

    def joined(self, other: SeedRow) -> SeedRow:
        cells = [" ".join(p for p in (a, b) if p)
                 for a, b in zip(self.cells, other.cells, strict=True)]
        return SeedRow(self.tt or other.tt, cells, self.break_before, other.break_after)



R = TypeVar("R", bound="Breakable")


class Breakable(Protocol):
    break_before: bool
    break_after: bool

    def joined(self: R, other: R) -> R: ...


def rejoin_broken_rows(rows: Iterable[R], number: Callable[[R], str]) -> list[R]:
    """A seed's table rows rejoined where its page broke: an unnumbered row after a break
    continues the row before; an unnumbered row before a break is completed by the row after."""
    out: list[R] = []
    pending: R | None = None
    for row in rows:
        if pending is not None:
            row, pending = pending.joined(row), None
        elif not number(row) and row.break_before and out:
            out[-1] = out[-1].joined(row)
            continue
        if not number(row) and row.break_after:
            pending = row
            continue
        out.append(row)
    assert pending is None, "the seed ends with half a row"
    return out

@dataclass
class Seed:
    heading: str
    title: str
    kem_theo: str
    columns: list[str]
    rows: list[SeedRow]
    footnotes: dict[int, list[str]]

    def logical_rows(self) -> list[SeedRow]:
        """Rows rejoined where the page broke: a row after a break with an empty TT continues the
        row before; a row before a break with an empty TT is completed by the numbered row after."""
        return rejoin_broken_rows(self.rows, lambda row: row.tt)

    def appendix(self) -> CityAppendix:
        """The data of the Word document: rows as split in the seed, bullets as paragraphs."""
        rows: list[Row] = []
        for r in self.rows:
            title_only = not any(r.cells[1:])
            heading = is_group(r.tt) or is_section(r.tt) or (not r.tt and rows[-1].span)
            span = title_only and heading
            cells = [[r.cells[0]] if r.cells[0] else [], *(split_bullets(c) for c in r.cells[1:])]
            rows.append(Row(r.tt, cells, span))
        return CityAppendix(
            rows=rows, columns=list(self.columns), heading=self.heading, title=self.title,
            kem_theo=self.kem_theo, footnotes={k: list(v) for k, v in self.footnotes.items()},
        )


def is_group(tt: str) -> bool:
    return bool(re.fullmatch(r"[A-Z]", tt)) and not is_section(tt)


def is_section(tt: str) -> bool:
    return bool(tt) and bool(ROMAN.fullmatch(tt))


def clean_cell(text: str) -> str:
    """An extracted cell without HTML list tags, footnote marks as ``[^N]`` tokens."""
    text = re.sub(r"</?ul[^>]*>|</?li>", " ", text)
    text = re.sub(r"\s*([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", lambda m: f"[^{m.group(1).translate(SUPERSCRIPTS)}]", text)
    return " ".join(text.split())


def split_bullets(text: str) -> list[str]:
    """"- a; - b - C" → ["- a;", "- b", "- C"]: a new paragraph at each "- " or "+ " that starts
    an item (before a capital, not inside “…”, not a hyphen inside a word or a number)."""
    if not text:
        return []
    out: list[str] = []
    start = 0
    quoted = False
    for i, ch in enumerate(text):
        if ch in "“”":
            quoted = ch == "“"
        if (ch in "-+" and i > 0 and not quoted and text[i - 1] in " ;.:"
                and text[i + 1:i + 2] == " " and text[i + 2:i + 3].isupper()):
            out.append(text[start:i].strip())
            start = i
    out.append(text[start:].strip())
    return [p for p in out if p]


def parse_seed(path: Path = SEED_002) -> Seed:
    """Seed 002 as rows; fails loudly when the seed is missing."""
    assert path.is_file(), f"seed file missing: {path} (the tests need tests/data/seeds)"
    lines = path.read_text(encoding="utf-8").splitlines()
    header_at = next(i for i, ln in enumerate(lines) if ln.startswith("TT\tNhiệm vụ"))
    intro = [ln.strip() for ln in lines[:header_at] if ln.strip()]
    heading, title, kem_theo = intro
    rows: list[SeedRow] = []
    footnotes: dict[int, list[str]] = {}
    current_note: int | None = None
    page_break = False
    for line in lines[header_at + 1:]:
        if not line.strip():
            page_break = True
            if rows:
                rows[-1].break_after = True
            continue
        if line.startswith("---"):
            continue
        if "\t" not in line:  # a footnote at the foot of the page
            m = re.match(r"([⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(.*)", line.strip())
            if m:
                current_note = int(m.group(1).translate(SUPERSCRIPTS))
                footnotes[current_note] = [m.group(2)]
            else:
                assert current_note is not None, f"unexpected line in the seed: {line!r}"
                footnotes[current_note].append(line.strip())
            continue
        fields = [clean_cell(f) for f in line.split("\t")]
        fields += [""] * (6 - len(fields))
        tt, cells = fields[0], fields[1:6]
        if tt and not (tt.isdigit() or is_group(tt) or is_section(tt)):
            tt, cells = "", [" ".join(p for p in (tt, cells[0]) if p), *cells[1:]]
        rows.append(SeedRow(tt, cells, break_before=page_break))
        page_break = False
    return Seed(heading, title, kem_theo, lines[header_at].split("\t"), rows, footnotes)


# --------------------------------------------------------------------------------- the .docx


def _add_text(paragraph: Paragraph, text: str) -> None:
    """Write ``text`` into ``paragraph``, each ``[^N]`` token a reference to Word footnote N."""
    pos = 0
    for m in FOOTNOTE_TOKEN.finditer(text):
        if m.start() > pos:
            paragraph.add_run(text[pos:m.start()])
        run = paragraph.add_run()
        rpr = run._r.get_or_add_rPr()
        align = OxmlElement("w:vertAlign")
        align.set(qn("w:val"), "superscript")
        rpr.append(align)
        ref = OxmlElement("w:footnoteReference")
        ref.set(qn("w:id"), m.group(1))
        run._r.append(ref)
        pos = m.end()
    if pos < len(text):
        paragraph.add_run(text[pos:])


def _fill(cell: _Cell, paragraphs: Sequence[str], *, bold: bool = False) -> None:
    for i, text in enumerate(paragraphs):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        _add_text(p, text)
        for run in p.runs:
            run.bold = bold or None


def _footnotes_xml(notes: dict[int, list[str]]) -> bytes:
    w = f"{{{W_NS}}}"
    root = etree.Element(f"{w}footnotes", nsmap={"w": W_NS})
    for note_id, kind, mark in ((-1, "separator", "separator"),
                                (0, "continuationSeparator", "continuationSeparator")):
        fn = etree.SubElement(root, f"{w}footnote", {f"{w}type": kind, f"{w}id": str(note_id)})
        etree.SubElement(etree.SubElement(etree.SubElement(fn, f"{w}p"), f"{w}r"), f"{w}{mark}")
    for note_id, paragraphs in sorted(notes.items()):
        fn = etree.SubElement(root, f"{w}footnote", {f"{w}id": str(note_id)})
        for i, text in enumerate(paragraphs):
            p = etree.SubElement(fn, f"{w}p")
            if i == 0:
                r = etree.SubElement(p, f"{w}r")
                rpr = etree.SubElement(r, f"{w}rPr")
                etree.SubElement(rpr, f"{w}vertAlign", {f"{w}val": "superscript"})
                etree.SubElement(r, f"{w}footnoteRef")
                text = f" {text}"
            t = etree.SubElement(etree.SubElement(p, f"{w}r"), f"{w}t")
            t.text = text
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


CITY_HEAD = ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"]
CITY_BODY = [
    "Căn cứ Quyết định số 1234/QĐ-TTg ngày 15/3/2026 của Thủ tướng Chính phủ phê duyệt Đề án;",
    "Ủy ban nhân dân thành phố ban hành Kế hoạch triển khai thực hiện Đề án như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "- Nâng cao nhận thức, ý thức tuân thủ pháp luật của cán bộ, công chức, viên chức và Nhân dân.",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "(Chi tiết theo Phụ lục kèm theo)",
    "III. TỔ CHỨC THỰC HIỆN",
    "1. Sở Tư pháp",
    "- Chủ trì, theo dõi, đôn đốc các cơ quan, đơn vị triển khai Kế hoạch.",
    "2. Công an thành phố",
    "- Chủ trì triển khai các nhiệm vụ được giao tại phụ lục.",
    "Trên đây là Kế hoạch triển khai thực hiện Đề án của Ủy ban nhân dân thành phố./.",
]


_BUILT: dict[str, bytes] = {}


def _saved(key: str, build: Callable[[], Any], path: Path) -> Path:
    """Write to ``path`` the .docx the python-docx Document ``build()`` makes, made once per
    process for one ``key`` (the full repr of what it is made from): several tests write the
    same appendix or plan. Bytes, so nothing a test does to its file reaches another."""
    if key not in _BUILT:
        buf = io.BytesIO()
        build().save(buf)
        _BUILT[key] = buf.getvalue()
    path = Path(path)
    path.write_bytes(_BUILT[key])
    return path


def build_docx(app: CityAppendix, path: Path, *, body: Sequence[str] = (),
               order: Sequence[int] | None = None, plan: bool = False) -> Path:
    """Write ``app`` to ``path`` as a city's .docx; ``order`` permutes the six columns (the
    group and section titles must stay contiguous); ``body`` paragraphs come first. With
    ``plan``, the whole plan of the city: header, title, trích yếu, :data:`CITY_BODY`, Nơi nhận
    and signature, then the appendix."""
    key = repr(("city", app, list(body), list(order or range(6)), plan))
    return _saved(key, lambda: _city_document(app, body, order, plan), path)


def _city_document(app: CityAppendix, body: Sequence[str], order: Sequence[int] | None,
                   plan: bool) -> Any:
    order = list(order or range(6))
    assert sorted(order) == list(range(6))
    doc = Document()
    if plan:
        header = doc.add_table(rows=2, cols=2)
        _cell_lines(header.cell(0, 0), CITY_HEAD, bold=True)
        _cell_lines(header.cell(0, 1), ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
                    bold=True)
        _cell_lines(header.cell(1, 0), ["Số: 159/KH-UBND"])
        _cell_lines(header.cell(1, 1), ["Hải Phòng, ngày 02 tháng 5 năm 2026"], italic=True)
        for text in BODY[:2]:
            p = doc.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p.add_run(text).bold = True
        doc.add_paragraph()
        for text in CITY_BODY:
            p = doc.add_paragraph()
            p.add_run(text).bold = bool(re.match(r"^(?:[IVX]+|\d+)\.\s", text)) or None
        signature = doc.add_table(rows=1, cols=2)
        _cell_lines(signature.cell(0, 0), ["Nơi nhận:", "- Bộ Tư pháp;", "- Các Sở, ban, ngành thành phố;",
                                           "- Lưu: VT."], center=False)
        _cell_lines(signature.cell(0, 1), ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "Nguyễn Văn A"], bold=True)
    for text in body:
        doc.add_paragraph(text)
    if body or plan:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for text, bold, italic in ((app.heading, True, False), (app.title, True, False),
                               (app.kem_theo, False, True)):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None
    # the table is the costly part (0.15 s for the seed's 80 rows) and the same whatever comes
    # before it (the plan, a body): made once per process for its rows, columns and order, a
    # copy of it placed as add_table places a new table (same width: the page is set above)
    key = repr((app.columns, app.rows, order))
    if key in _TABLES:
        doc.element.body._insert_tbl(copy.deepcopy(_TABLES[key]))
    else:
        _TABLES[key] = copy.deepcopy(_appendix_table(doc, app, order)._tbl)
    if app.footnotes:
        part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES,
                    _footnotes_xml(app.footnotes), doc.part.package)
        doc.part.relate_to(part, RT.FOOTNOTES)
    return doc


_TABLES: dict[str, Any] = {}


def _appendix_table(doc: Any, app: CityAppendix, order: list[int]) -> Any:
    table = doc.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for pos, field_index in enumerate(order):
        _fill(header.cells[pos], [app.columns[field_index]], bold=True)
    for row in app.rows:
        values = [[row.tt] if row.tt else [], *row.cells]
        cells = table.add_row().cells
        if row.span:
            positions = sorted(order.index(f) for f in range(1, 6))
            assert positions == list(range(positions[0], positions[0] + 5)), "title not contiguous"
            title = cells[positions[0]].merge(cells[positions[-1]])
            _fill(cells[order.index(0)], values[0], bold=True)
            _fill(title, values[1], bold=True)
            continue
        for pos, field_index in enumerate(order):
            _fill(cells[pos], values[field_index], bold=is_section(row.tt) and field_index < 2)
    return table


def seed_appendix() -> CityAppendix:
    return parse_seed().appendix()


# --------------------------------------------------------------------------------- a commune's plan


@dataclass
class CommunePlan:
    """A unit's finished plan as typed: header, title, trích yếu, body, Nơi nhận, signer."""

    issuer: list[str]
    number: str
    place_date: str
    title: str
    trich_yeu: str
    body: list[str]
    noi_nhan: list[str]
    signer: list[str]


_HEADING = re.compile(r"^(?:[IVX]+\.|\d+\.)\s")


def parse_commune_seed(path: Path = SEED_000) -> CommunePlan:
    """Seed 000 as the parts of a plan; its header (not in the extraction) as a draft has it."""
    assert path.is_file(), f"seed file missing: {path} (the tests need tests/data/seeds)"
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    text = [ln for ln in lines if ln]
    title = text[0]
    trich_yeu = text[1]
    at = text.index("Nơi nhận:")
    tm = next(i for i, ln in enumerate(text) if ln.startswith("TM. "))
    return CommunePlan(
        issuer=["ỦY BAN NHÂN DÂN", "XÃ TÂN AN"], number="Số:      /KH-UBND",
        place_date="Tân An, ngày      tháng 5 năm 2026", title=title, trich_yeu=trich_yeu,
        body=text[2:at], noi_nhan=text[at:tm], signer=text[tm:],
    )


def _cell_lines(cell: _Cell, lines: Sequence[str], *, bold: bool = False, italic: bool = False,
                center: bool = True) -> None:
    for i, text in enumerate(lines):
        p = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
        if center:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold or None, italic or None


def build_plan_docx(plan: CommunePlan, path: Path) -> Path:
    """Write ``plan`` as a commune types it in Word: headings are bold paragraphs with their
    number typed in front, other paragraphs justified; header and signature in tables."""
    return _saved(repr(("plan", plan)), lambda: _plan_document(plan), path)


def _plan_document(plan: CommunePlan) -> Any:
    doc = Document()
    header = doc.add_table(rows=2, cols=2)
    _cell_lines(header.cell(0, 0), plan.issuer, bold=True)
    _cell_lines(header.cell(0, 1), ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
                bold=True)
    _cell_lines(header.cell(1, 0), [plan.number])
    _cell_lines(header.cell(1, 1), [plan.place_date], italic=True)
    for text in (plan.title, plan.trich_yeu):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run(text).bold = True
    doc.add_paragraph()  # the line under the trích yếu
    for text in plan.body:
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        run = p.add_run(text)
        heading = bool(re.match(r"^[IVX]+\.\s", text)) or (bool(_HEADING.match(text)) and len(text) <= 100)
        run.bold = heading or None
    signature = doc.add_table(rows=1, cols=2)
    left, right = signature.cell(0, 0), signature.cell(0, 1)
    _cell_lines(left, plan.noi_nhan, center=False)
    left.paragraphs[0].runs[0].bold = True
    left.paragraphs[0].runs[0].italic = True
    _cell_lines(right, [*plan.signer[:-1], "", "", plan.signer[-1]], bold=True)
    return doc


# --------------------------------------------------------------------------------- reading back


def paragraphs(path: Path) -> list[str]:
    """Every non-empty paragraph of a .docx in order, a table cell (merged cells once) as one."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    out: list[str] = []
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:p"):
            text = Paragraph(el, doc).text.strip()
            if text:
                out.append(text)
        elif el.tag == qn("w:tbl"):
            for row in Table(el, doc).rows:
                seen: set[int] = set()
                for cell in row.cells:
                    if id(cell._tc) not in seen:
                        seen.add(id(cell._tc))
                        if cell.text.strip():
                            out.append(cell.text.strip())
    return out


def body_paragraphs(path: Path) -> list[str]:
    """The body of a plan: the paragraphs after the title and trích yếu, up to the Nơi nhận
    and signature table."""
    from docx.text.paragraph import Paragraph

    doc = Document(str(path))
    out: list[str] = []
    seen_title = seen_trich_yeu = False
    for el in doc.element.body.iterchildren():
        if el.tag == qn("w:tbl"):
            if seen_trich_yeu:
                break
            continue
        if el.tag != qn("w:p"):
            continue
        text = Paragraph(el, doc).text.strip()
        if not seen_title:
            seen_title = text == "KẾ HOẠCH"
        elif not seen_trich_yeu:
            seen_trich_yeu = bool(text)
        elif text:
            out.append(text)
    return out


def compare(expected: Sequence[str], got: Sequence[str]) -> tuple[int, list[str]]:
    """How many paragraphs of ``expected`` are in ``got`` in the same order, and the others
    (``-`` expected, ``+`` got)."""
    import difflib

    matcher = difflib.SequenceMatcher(a=list(expected), b=list(got), autojunk=False)
    equal = sum(block.size for block in matcher.get_matching_blocks())
    unequal = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            unequal += [f"- {t}" for t in expected[i1:i2]] + [f"+ {t}" for t in got[j1:j2]]
    return equal, unequal


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the .docx to write")
    parser.add_argument("--body", action="store_true", help="put a plan body before the appendix")
    parser.add_argument("--commune", action="store_true", help="xã Tân An's finished plan (seed 000)")
    args = parser.parse_args(argv)
    if args.commune:
        build_plan_docx(parse_commune_seed(), args.out)
    else:
        build_docx(seed_appendix(), args.out, body=BODY if args.body else ())
    print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
