"""Build templates/ke_hoach.docx: the Word template of a unit's plan.

The template is an ordinary Word file with docxtpl tags; a person may restyle it in Word (the
styles "KH …" carry all formatting). This script is how it was made, so it can be made again:

    python scripts/make_templates.py

Layout per Nghị định 30/2020 (see ../shared/docs/nd30-format.md): A4 portrait body, margins
20/20/30/15 mm, header table, page numbers in the header from page 2; the appendix is a
landscape section with its own page numbering restarting at 1.

The appendix table has one sample row per kind of row: a group or section title (its styles
"KH Bang nhom …" keep it on the page of the row below it), a section that is itself a task, a
task tall enough that it may break across pages (``row.tall``: no "keep row together") and an
ordinary task that may not. The closing paragraph of the body (``para.closing``, "Trên
đây là Kế hoạch …") has the style "KH Ket thuc", which keeps it on the page of Nơi nhận and the
signature. Footnote markers become real Word footnotes, styled by "footnote
text" and "footnote reference".

The file is slimmed after python-docx writes it: only the styles the document uses (and the
"KH …" and footnote styles) are kept, without latent styles, stylesWithEffects.xml, the
thumbnail or the customXml bibliography part. Every generated plan copies these parts, so
they should stay small. The result is written to ``templates/ke_hoach.docx`` and, byte for
byte, to ``kehoach_gen/data/ke_hoach.docx`` (the copy the package ships).
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from lxml import etree

FONT = "Times New Roman"
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "templates" / "ke_hoach.docx"
SHIPPED = ROOT / "kehoach_gen" / "data" / "ke_hoach.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _rfonts(rpr) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)


def _style(doc, name, *, size=14, bold=False, italic=False, align=None, indent=None,
           before=0, after=6, line=1.15, keep_next=False, base="Normal"):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles[base]
    st.quick_style = True
    f = st.font
    f.name, f.size, f.bold, f.italic = FONT, Pt(size), bold, italic
    f.color.rgb = RGBColor(0, 0, 0)
    _rfonts(st.element.get_or_add_rPr())
    pf = st.paragraph_format
    pf.space_before, pf.space_after, pf.line_spacing = Pt(before), Pt(after), line
    if align is not None:
        pf.alignment = align
    if indent is not None:
        pf.first_line_indent = indent
    pf.keep_with_next = keep_next
    return st


def _border(p_or_style_ppr, side="bottom", sz=6) -> None:
    ppr = p_or_style_ppr
    bdr = OxmlElement("w:pBdr")
    el = OxmlElement(f"w:{side}")
    el.set(qn("w:val"), "single")
    el.set(qn("w:sz"), str(sz))
    el.set(qn("w:space"), "1")
    el.set(qn("w:color"), "000000")
    bdr.append(el)
    ppr.append(bdr)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(14)
    normal.font.color.rgb = RGBColor(0, 0, 0)
    _rfonts(normal.element.get_or_add_rPr())
    # docDefaults: every run resolves to Times New Roman even without a style
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _rfonts(rpr_default)
    for theme_attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts = rpr_default.find(qn("w:rFonts"))
        if fonts.get(qn(theme_attr)) is not None:
            del fonts.attrib[qn(theme_attr)]
    J, C = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    _style(doc, "KH Noi dung", align=J, indent=Cm(1.27), after=6)
    # the closing paragraph ("Trên đây là Kế hoạch …") goes to the page of Nơi nhận and the
    # signature (whose row never splits): no page holds a signature and nothing of the text
    _style(doc, "KH Ket thuc", align=J, indent=Cm(1.27), after=6, keep_next=True)
    _style(doc, "KH Muc I", bold=True, align=J, indent=Cm(1.27), before=6, after=6, keep_next=True)
    _style(doc, "KH Muc 1", bold=True, align=J, indent=Cm(1.27), after=6, keep_next=True)
    _style(doc, "KH Muc a", bold=True, italic=False, align=J, indent=Cm(1.27), after=6, keep_next=True)
    _style(doc, "KH Tieu de", size=14, bold=True, align=C, after=0, line=1.0, keep_next=True)
    _style(doc, "KH Dau co quan", size=13, bold=True, align=C, after=0, line=1.0)
    _style(doc, "KH Quoc hieu", size=12, bold=True, align=C, after=0, line=1.0)
    _style(doc, "KH Tieu ngu", size=13, bold=True, align=C, after=0, line=1.0)
    _style(doc, "KH So", size=13, align=C, before=6, after=0, line=1.0)
    _style(doc, "KH Ngay thang", size=14, italic=True, align=C, before=6, after=0, line=1.0)
    rule = _style(doc, "KH Gach ngang", size=2, align=C, after=0, line=1.0)
    _border(rule.element.get_or_add_pPr())
    rule_full = _style(doc, "KH Gach ngang du", size=2, align=C, after=0, line=1.0)
    _border(rule_full.element.get_or_add_pPr())
    _style(doc, "KH Noi nhan tieu de", size=12, bold=True, italic=True, after=0, line=1.0)
    _style(doc, "KH Noi nhan", size=11, after=0, line=1.0)
    _style(doc, "KH Ky", size=14, bold=True, align=C, after=0, line=1.0)
    _style(doc, "KH Phu luc", size=14, bold=True, align=C, after=0, line=1.0, keep_next=True)
    _style(doc, "KH Kem theo", size=14, italic=True, align=C, after=0, line=1.0, keep_next=True)
    _style(doc, "KH Bang", size=12, after=2, before=2, line=1.0)
    _style(doc, "KH Bang giua", size=12, align=C, after=2, before=2, line=1.0)
    _style(doc, "KH Bang dam", size=12, bold=True, after=2, before=2, line=1.0)
    _style(doc, "KH Bang dam giua", size=12, bold=True, align=C, after=2, before=2, line=1.0)
    # a group or section title row: "keep with next" keeps it on the page of the row below it
    # (Word reads it from every paragraph of the row, LibreOffice from the first cell's)
    _style(doc, "KH Bang nhom", size=12, bold=True, after=2, before=2, line=1.0, keep_next=True)
    _style(doc, "KH Bang nhom giua", size=12, bold=True, align=C, after=2, before=2, line=1.0,
           keep_next=True)
    _style(doc, "KH Dau trang", size=13, align=C, after=0, line=1.0)
    _footnote_styles(doc)


def _footnote_styles(doc) -> None:
    """Word's built-in "footnote text" and "footnote reference", in Times New Roman."""
    fonts = f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}" w:eastAsia="{FONT}"/>'
    xml = (
        f'<w:styles xmlns:w="{W_NS}">'
        '<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr>'
        f'<w:rPr>{fonts}<w:color w:val="000000"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>'
        '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f'<w:rPr>{fonts}<w:vertAlign w:val="superscript"/></w:rPr></w:style>'
        '</w:styles>'
    )
    for style in etree.fromstring(xml):
        doc.styles.element.append(style)


def _para(container, text, style):
    p = container.add_paragraph(text, style=style)
    return p


def _cell(cell, lines):
    """Fill a cell: the first paragraph exists already."""
    first = True
    for text, style in lines:
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        p.text = text
        p.style = style
    return cell


def _no_borders(table) -> None:
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tblpr.append(borders)


def _widths(table, widths) -> None:
    table.autofit = False
    tblpr = table._tbl.tblPr
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    tblpr.append(layout)
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w.twips)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w


def _row_flags(row, *, header=False) -> None:
    trpr = row._tr.get_or_add_trPr()
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _span(row, start, count) -> None:
    """Merge ``count`` cells from ``start`` (gridSpan)."""
    first = row.cells[start]
    first.merge(row.cells[start + count - 1])


def _page_field(paragraph) -> None:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    run.append(t)
    fld.append(run)
    paragraph._p.append(fld)


def _page_numbers(section, *, restart: bool) -> None:
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    hp = section.header.paragraphs[0]
    hp.style = "KH Dau trang"
    _page_field(hp)
    section.first_page_header.is_linked_to_previous = False
    section.first_page_header.paragraphs[0].text = ""
    if restart:
        pg = OxmlElement("w:pgNumType")
        pg.set(qn("w:start"), "1")
        section._sectPr.append(pg)


def _margins(section, *, landscape: bool) -> None:
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def build() -> bytes:
    doc = Document()
    _styles(doc)
    body = doc.sections[0]
    _margins(body, landscape=False)
    _page_numbers(body, restart=False)

    header = doc.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(header)
    _widths(header, [Cm(6.5), Cm(10.0)])
    _cell(header.cell(0, 0), [
        ("{{ issuer_lines[0] }}", "KH Dau co quan"),
        ("{{ issuer_lines[1] }}", "KH Dau co quan"),
        ("", "KH Gach ngang"),
    ])
    _cell(header.cell(0, 1), [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "KH Quoc hieu"),
        ("Độc lập - Tự do - Hạnh phúc", "KH Tieu ngu"),
        ("", "KH Gach ngang du"),
    ])
    _cell(header.cell(1, 0), [("{{ number_line }}", "KH So")])
    _cell(header.cell(1, 1), [("{{ place_date }}", "KH Ngay thang")])

    p = _para(doc, "{{ title }}", "KH Tieu de")
    p.paragraph_format.space_before = Pt(18)
    _para(doc, "{{ trich_yeu }}", "KH Tieu de")
    rule = _para(doc, "", "KH Gach ngang")
    rule.paragraph_format.space_after = Pt(12)

    _para(doc, "{%p for para in body %}", "KH Noi dung")
    _para(doc, "{%p if para.kind == 'h1' %}", "KH Noi dung")
    _para(doc, "{{r para.rich }}", "KH Muc I")
    _para(doc, "{%p elif para.kind == 'h2' %}", "KH Noi dung")
    _para(doc, "{{r para.rich }}", "KH Muc 1")
    _para(doc, "{%p elif para.kind == 'h3' %}", "KH Noi dung")
    _para(doc, "{{r para.rich }}", "KH Muc a")
    _para(doc, "{%p elif para.closing %}", "KH Noi dung")
    _para(doc, "{{r para.rich }}", "KH Ket thuc")
    _para(doc, "{%p else %}", "KH Noi dung")
    _para(doc, "{{r para.rich }}", "KH Noi dung")
    _para(doc, "{%p endif %}", "KH Noi dung")
    _para(doc, "{%p endfor %}", "KH Noi dung")

    sign = doc.add_table(rows=1, cols=2)
    _no_borders(sign)
    _widths(sign, [Cm(8.0), Cm(8.5)])
    left, right = sign.cell(0, 0), sign.cell(0, 1)
    _cell(left, [
        ("Nơi nhận:", "KH Noi nhan tieu de"),
        ("{%p for line in noi_nhan %}", "KH Noi nhan"),
        ("{{ line }}", "KH Noi nhan"),
        ("{%p endfor %}", "KH Noi nhan"),
    ])
    _cell(right, [
        ("{%p for line in signer_lines %}", "KH Ky"),
        ("{{ line }}", "KH Ky"),
        ("{%p endfor %}", "KH Ky"),
        ("", "KH Ky"), ("", "KH Ky"), ("", "KH Ky"), ("", "KH Ky"),
        ("{{ signer_name }}", "KH Ky"),
    ])
    _row_flags(sign.rows[0])

    # --- appendix: a landscape section with its own page numbers ------------------------------
    appendix = doc.add_section(WD_SECTION.NEW_PAGE)
    _margins(appendix, landscape=True)
    _page_numbers(appendix, restart=True)
    _para(doc, "{%p if appendix %}", "KH Phu luc")
    _para(doc, "{{ appendix.heading }}", "KH Phu luc")
    _para(doc, "{{ appendix.title }}", "KH Phu luc")
    _para(doc, "{{ appendix.kem_theo }}", "KH Kem theo")
    rule = _para(doc, "", "KH Gach ngang")
    rule.paragraph_format.space_after = Pt(12)

    widths = [Cm(1.3), Cm(9.2), Cm(4.0), Cm(4.6), Cm(3.6), Cm(2.9)]
    # header, then per kind of row a control row ({%tr …%}) and a sample row
    table = doc.add_table(rows=12, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    head = table.rows[0]
    for i, cell in enumerate(head.cells):
        _cell(cell, [("{{ appendix.columns[" + str(i) + "] }}", "KH Bang dam giua")])
    _row_flags(head, header=True)
    control = {1: "{%tr for row in appendix.rows %}", 2: "{%tr if row.spans %}",
               4: "{%tr elif row.kind == 'section_task' and not row.tall %}",
               6: "{%tr elif row.kind == 'section_task' %}",
               8: "{%tr elif row.tall %}", 10: "{%tr else %}"}
    for idx, tag in control.items():
        _cell(table.rows[idx].cells[0], [(tag, "KH Bang")])
    # group / section title row: number + title across the other five columns, kept with the
    # row below it by its styles
    grp = table.rows[3]
    _span(grp, 1, 5)
    _cell(grp.cells[0], [("{{ row.number }}", "KH Bang nhom giua")])
    _cell(grp.cells[1], [("{{r row.rich }}", "KH Bang nhom")])
    _row_flags(grp)

    def task_cells(row, text_style, number_style, *, may_split=False):
        _cell(row.cells[0], [("{{ row.number }}", number_style)])
        _cell(row.cells[1], [("{{r row.rich }}", text_style)])
        for col, attr in ((2, "lead"), (3, "coop"), (4, "outputs"), (5, "deadline")):
            _cell(row.cells[col], [
                ("{%p for line in row.cells." + attr + " %}", "KH Bang"),
                ("{{ line }}", "KH Bang"),
                ("{%p endfor %}", "KH Bang"),
            ])
        if not may_split:
            _row_flags(row)

    task_cells(table.rows[5], "KH Bang dam", "KH Bang dam giua")
    task_cells(table.rows[7], "KH Bang dam", "KH Bang dam giua", may_split=True)
    task_cells(table.rows[9], "KH Bang", "KH Bang giua", may_split=True)
    task_cells(table.rows[11], "KH Bang", "KH Bang giua")
    # close the conditionals and the loop: one more control row
    end = table.add_row()
    _cell(end.cells[0], [("{%tr endif %}", "KH Bang")])
    end2 = table.add_row()
    _cell(end2.cells[0], [("{%tr endfor %}", "KH Bang")])
    _para(doc, "{%p endif %}", "KH Noi dung")

    buf = io.BytesIO()
    doc.core_properties.title = "Kế hoạch"
    doc.core_properties.author = "kehoach-gen"
    doc.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# Slimming: what python-docx's default template carries and no plan needs


_DROPPED = re.compile(r"^(word/stylesWithEffects\.xml|customXml/.*|docProps/thumbnail\.jpeg)$")
_KEPT_STYLES = re.compile(r"^(KH.*|FootnoteText|FootnoteReference)$")


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def _xml(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _used_styles(parts: dict[str, bytes], styles) -> set[str]:
    """Style ids the document and its headers use, the defaults and the "KH …"/footnote
    styles, with every style they are based on, linked to or followed by."""
    used: set[str] = set()
    for name, data in parts.items():
        if name.startswith("word/") and name.endswith(".xml") and name not in (
                "word/styles.xml", "word/numbering.xml"):
            used.update(re.findall(rb'<w:(?:pStyle|rStyle|tblStyle) w:val="([^"]+)"', data))
    ids = {s.decode() for s in used}
    by_id = {st.get(_w("styleId")): st for st in styles.iter(_w("style"))}
    ids |= {sid for sid, st in by_id.items() if st.get(_w("default")) == "1" or _KEPT_STYLES.match(sid)}
    todo = list(ids)
    while todo:
        st = by_id.get(todo.pop())
        if st is None:
            continue
        for tag in ("basedOn", "link", "next"):
            el = st.find(_w(tag))
            ref = el.get(_w("val")) if el is not None else None
            if ref and ref not in ids:
                ids.add(ref)
                todo.append(ref)
    return ids


def slim(data: bytes) -> list[tuple[str, bytes]]:
    """The parts of the python-docx file, without what no generated plan needs."""
    src = zipfile.ZipFile(io.BytesIO(data))
    parts = {n: src.read(n) for n in src.namelist() if not _DROPPED.match(n)}
    styles = etree.fromstring(parts["word/styles.xml"])
    for latent in styles.findall(_w("latentStyles")):
        styles.remove(latent)
    keep = _used_styles(parts, styles)
    for st in styles.findall(_w("style")):
        if st.get(_w("styleId")) not in keep:
            styles.remove(st)
    parts["word/styles.xml"] = _xml(styles)
    if not any(b"<w:numPr" in parts[n] for n in ("word/styles.xml", "word/document.xml")):
        parts.pop("word/numbering.xml", None)
    settings = etree.fromstring(parts["word/settings.xml"])
    for el in settings.findall(_w("savePreviewPicture")):
        settings.remove(el)
    parts["word/settings.xml"] = _xml(settings)

    def targets(rels_name: str, base: str) -> None:
        rels = etree.fromstring(parts[rels_name])
        for rel in list(rels):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else base + target
            path = re.sub(r"[^/]+/\.\./", "", path)
            if rel.get("TargetMode") != "External" and path not in parts:
                rels.remove(rel)
        parts[rels_name] = _xml(rels)

    targets("_rels/.rels", "")
    targets("word/_rels/document.xml.rels", "word/")
    types = etree.fromstring(parts["[Content_Types].xml"])
    for el in list(types):
        part = el.get("PartName")
        if part is not None and part.lstrip("/") not in parts:
            types.remove(el)
        ext = el.get("Extension")
        if ext is not None and ext not in ("rels", "xml") and not any(n.endswith("." + ext) for n in parts):
            types.remove(el)
    parts["[Content_Types].xml"] = _xml(types)
    return [(n, parts[n]) for n in src.namelist() if n in parts]


def package(parts: list[tuple[str, bytes]]) -> bytes:
    """A zip with fixed timestamps, so the file only changes when its content does."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for name, data in parts:
            zi = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, data, compresslevel=9)
    return out.getvalue()


def main() -> int:
    data = package(slim(build()))
    for path in (OUT, SHIPPED):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
