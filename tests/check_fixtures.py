"""Small Kế hoạch .docx files, written as python-docx writes them, for the checker's tests.

``make_plan_docx()`` is a fully conforming commune plan laid out the way our generator lays it
out (header table, title, body, Nơi nhận / signature table, a landscape appendix section with
its task table), with fonts coming from docDefaults so that the resolution chain matters. Every
keyword changes one thing, usually to break one rule; unknown keywords are an error.

How a plan is made, in a few milliseconds instead of a tenth of a second: python-docx writes
the package once per style sheet (:func:`_base`: its default template with our fonts and
styles, kept for the process); the document and its headers and footers are then written with
lxml exactly as python-docx writes them (the same elements, attributes and order: the steps
below mirror python-docx's, step by step), and zipped as python-docx zips them (deflated, in
its order), reusing the compressed bytes of the parts that do not change. The same knobs give
the same bytes, built once per process.
"""

from __future__ import annotations

import copy
import functools
import io
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import docx
from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.simpletypes import ST_HpsMeasure, ST_SignedTwipsMeasure, ST_TwipsMeasure
from docx.shared import Cm, Emu, Mm, Pt, RGBColor, Twips
from lxml import etree

TNR = "Times New Roman"
VML = "urn:schemas-microsoft-com:vml"

Task = tuple[str, str, str, str, str, str]

DEFAULT_TASKS: tuple[Task, ...] = (
    ("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm đầu ra",
     "Tiến độ thực hiện"),
    ("A", "NHIỆM VỤ CHUNG", "", "", "", ""),
    ("1", "Tổ chức triển khai Kế hoạch", "Văn phòng HĐND và UBND", "Các phòng chuyên môn",
     "Kế hoạch triển khai", "Năm 2026"),
    ("2", "Kiện toàn tổ chức bộ máy", "Phòng Văn hóa - Xã hội", "Các phòng chuyên môn",
     "Quyết định kiện toàn", "Năm 2026"),
    ("B", "NHIỆM VỤ CỤ THỂ", "", "", "", ""),
    ("I", "Hoàn thiện thể chế trên địa bàn xã (02 nhiệm vụ)", "", "", "", ""),
    ("1", "Rà soát văn bản quy phạm pháp luật", "Văn phòng HĐND và UBND", "Công an xã",
     "Danh mục văn bản", "Hằng quý"),
    ("2", "Tham mưu ban hành văn bản", "Văn phòng HĐND và UBND", "Các phòng chuyên môn",
     "Quyết định", "Thường xuyên"),
    ("II", "Tổ chức thi hành pháp luật (02 nhiệm vụ)", "", "", "", ""),
    ("3", "Theo dõi thi hành pháp luật", "Văn phòng HĐND và UBND", "Công an xã",
     "Báo cáo", "Hằng năm"),
    ("4", "Xử lý vi phạm hành chính", "Công an xã", "Các phòng chuyên môn",
     "Báo cáo", "Thường xuyên"),
)

DEFAULT_BODY: tuple[str, ...] = (
    "Thực hiện Kế hoạch số 159/KH-UBND ngày 02/5/2026 của Ủy ban nhân dân thành phố Hải "
    "Phòng, Ủy ban nhân dân xã Tân An ban hành Kế hoạch thực hiện như sau:",
    "#I. MỤC ĐÍCH, YÊU CẦU",
    "#1. Mục đích",
    "- Triển khai thực hiện có hiệu quả Kế hoạch số 159/KH-UBND của thành phố; xây dựng văn "
    "hóa tuân thủ pháp luật trong Nhân dân.",
    "#2. Yêu cầu",
    "a) Bám sát chủ trương của Đảng, pháp luật của Nhà nước.",
    "b) Phân công nhiệm vụ cụ thể cho các phòng chuyên môn, bảo đảm hòa hợp, hiệu quả.",
    "#II. NHIỆM VỤ, GIẢI PHÁP",
    "Chi tiết theo Phụ lục kèm theo.",
    "#III. TỔ CHỨC THỰC HIỆN",
    "Văn phòng HĐND và UBND xã chủ trì, theo dõi, đôn đốc việc thực hiện Kế hoạch.",
    "Trên đây là Kế hoạch triển khai thực hiện Đề án trên địa bàn xã Tân An./.",
)


@dataclass(frozen=True)
class PlanSpec:
    """Every knob of the builder; the defaults make a conforming draft plan."""

    # page
    page_mm: tuple[float, float] = (210, 297)
    margins_mm: tuple[float, float, float, float] = (20, 20, 30, 15)  # top, bottom, left, right
    title_page: bool = True
    page_field: str = "simple"  # simple, complex, none, footer
    page_field_pt: float = 13
    first_header_text: str = ""  # "PAGE" puts a page field there
    # fonts and colours
    default_font: str | None = TNR  # docDefaults rFonts ascii/hAnsi
    default_theme_font: str | None = None  # e.g. "minorHAnsi": docDefaults use the theme font
    theme_minor_font: str | None = None  # replaces theme1.xml minor latin typeface
    normal_font: str | None = None  # rFonts on the Normal style
    body_style_font: str | None = None  # rFonts on the body paragraph style
    odd_char_style_font: str | None = None  # a character style on one body run
    odd_run_font: str | None = None  # direct rFonts on one body run
    odd_colour: str | None = None  # direct colour on one body run
    odd_theme_colour: str | None = None  # direct themeColor on one body run
    # header
    issuer: tuple[str, ...] = ("ỦY BAN NHÂN DÂN", "XÃ TÂN AN")
    issuer_bold: bool = True
    issuer_line: str = "border"  # border, own-border, shape, none
    quoc_hieu: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    quoc_hieu_pt: float = 12
    tieu_ngu: str = "Độc lập - Tự do - Hạnh phúc"
    tieu_ngu_line: bool = True
    so: str = "Số:      /KH-UBND"
    so_italic: bool = False
    date: str = "Tân An, ngày      tháng 5 năm 2026"
    date_italic: bool = True
    second_row: bool = False  # Số and date in a second row of the header table
    header_table_style: str | None = None
    header_layout: str = "table"  # table, textboxes (two text boxes), tabs (columns by tab stops)
    # line breaks (Shift+Enter) instead of paragraphs: issuer, Quốc hiệu + tiêu ngữ, title +
    # trích yếu, Nơi nhận, signature, appendix heading + title + "Kèm theo"
    breaks: bool = False
    # font sizes (pt) by element: issuer, quoc_hieu, tieu_ngu, so, date, title, body (the
    # document default: title, trích yếu, headings), noi_nhan, noi_nhan_item, signer,
    # appendix_heading, page
    sizes: tuple[tuple[str, float], ...] = ()
    # title and body
    title: str = "KẾ HOẠCH"
    title_bold: bool = True
    trich_yeu: str = ("Triển khai thực hiện Đề án xây dựng mô hình “Thành phố thượng tôn và tuân "
                      "thủ pháp luật” trên địa bàn xã Tân An")
    trich_yeu_line: bool = True
    body: tuple[str, ...] = DEFAULT_BODY  # "#…" is a bold heading
    extra_body: tuple[str, ...] = ()  # ordinary paragraphs inserted before the closing one
    odd_align: str | None = None  # alignment of the first ordinary body paragraph
    odd_indent_cm: float | None = None
    odd_space_after_pt: float | None = None
    odd_line_spacing: float | None = None  # lines ("auto"), or points ("exact", "atLeast")
    odd_line_rule: str = "auto"
    body_contextual: bool = False  # "don't add space between paragraphs of the same style"
    odd_size_pt: float | None = None
    heading_bold: bool = True
    # closing
    noi_nhan: tuple[str, ...] = ("Nơi nhận:", "- UBND thành phố (để b/c);",
                                 "- Thường trực Đảng ủy xã;", "- Chủ tịch, các PCT UBND xã;",
                                 "- Lưu: VT, VP.")
    noi_nhan_italic: bool = True
    signer: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    signer_name: str = "Phạm Minh Ngạn"
    signature_table_style: str | None = None
    # appendix
    appendix: bool = True
    appendix_new_section: bool = True
    appendix_landscape: bool = True
    appendix_restart: bool = True
    appendix_heading: str = "Phụ lục"
    appendix_heading_bold: bool = True
    appendix_title: str = "PHÂN CÔNG NHIỆM VỤ"
    kem_theo: str = ("(Kèm theo Kế hoạch số      /KH-UBND ngày      tháng 5 năm 2026 của Ủy ban "
                     "nhân dân xã Tân An)")
    kem_theo_line: bool = True
    tasks: tuple[Task, ...] = DEFAULT_TASKS


_SIZES = {"issuer": 13, "quoc_hieu": 12, "tieu_ngu": 14, "so": 13, "date": 14, "title": 14,
          "body": 14, "noi_nhan": 12, "noi_nhan_item": 11, "signer": 14,
          "appendix_heading": 14, "page": 13}
# what Nghị định 30 allows for each (nd30-format.md)
SIZE_RANGES = {"issuer": (12, 13), "quoc_hieu": (12, 13), "tieu_ngu": (13, 14), "so": (13, 13),
               "date": (13, 14), "title": (13, 14), "body": (13, 14), "noi_nhan": (12, 12),
               "noi_nhan_item": (11, 11), "signer": (13, 14), "appendix_heading": (14, 14),
               "page": (13, 14)}


def make_plan_docx(**changes: Any) -> bytes:
    """A small plan as .docx bytes; ``changes`` override :class:`PlanSpec` fields."""
    known = {f.name for f in fields(PlanSpec)}
    unknown = set(changes) - known
    if unknown:
        raise TypeError(f"unknown plan knobs: {sorted(unknown)}")
    spec = replace(PlanSpec(), **changes)
    try:
        hash(spec)
    except TypeError:  # a list where a tuple belongs: build it, just not cached
        return _Builder(spec).build()
    return _build(spec)


@functools.cache
def _build(spec: PlanSpec) -> bytes:
    return _Builder(spec).build()


_MARK = "ĐOẠN-MẪU-NHÂN-BẢN"


def make_long_plan_docx(paragraphs: int, text: str | None = None) -> bytes:
    """:func:`make_plan_docx` with ``paragraphs`` more ordinary body paragraphs (``text``, or
    numbered sentences), a conforming plan however long. The copies are written straight
    into word/document.xml: python-docx adds a paragraph by searching the body, so 50,000 of
    them one by one would take minutes."""
    data = make_plan_docx(extra_body=(_MARK,))
    source = zipfile.ZipFile(io.BytesIO(data))
    xml = source.read("word/document.xml").decode("utf-8")
    at = xml.index(_MARK)
    start = max(xml.rfind("<w:p>", 0, at), xml.rfind("<w:p ", 0, at))
    end = xml.index("</w:p>", at) + len("</w:p>")
    paragraph = xml[start:end]
    copies = (paragraph.replace(_MARK, escape(text) if text is not None else
                                f"Đoạn thứ {n + 1}: tăng cường tuyên truyền, phổ biến pháp luật "
                                "cho Nhân dân trên địa bàn xã Tân An.")
              for n in range(paragraphs))
    xml = xml[:start] + "".join(copies) + xml[end:]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = xml.encode("utf-8") if item.filename == "word/document.xml" else (
                source.read(item))
            target.writestr(item.filename, content)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------
# The base package: python-docx's default template with our style sheet, once per style sheet

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)  # python-docx's
# the knobs the style sheet depends on (and the body and date sizes)
_STYLE_KNOBS = ("default_font", "default_theme_font", "theme_minor_font", "normal_font",
                "body_style_font", "odd_char_style_font", "date_italic", "body_contextual")
_THUMBNAIL = "docProps/thumbnail.jpeg"  # the first part after the document's own
Entry = tuple[str, int, int, bytes]  # a zip member: name, CRC, size, deflated bytes


@functools.cache
def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def deflated_entry(name: str, data: bytes, level: int = zlib.Z_DEFAULT_COMPRESSION) -> Entry:
    """A zip member deflated as zipfile deflates it (at zipfile's default level)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return name, zlib.crc32(data), len(data), packer.compress(data) + packer.flush()


@functools.lru_cache(maxsize=64)
def _static_entry(name: str, data: bytes) -> Entry:
    """A part most style sheets share (the template's own), compressed once."""
    return deflated_entry(name, data)


@dataclass(frozen=True)
class _Base:
    doc: Any  # the python-docx Document, only to ask it for style ids
    entries: tuple[Entry, ...]  # every part python-docx writes, in its order
    document: bytes  # word/document.xml: an empty body and its section
    rels: bytes  # word/_rels/document.xml.rels
    rids: frozenset[str]
    types: bytes  # [Content_Types].xml


@functools.cache
def _base(key: tuple[Any, ...]) -> _Base:
    doc = Document()
    _style_sheet(doc, dict(zip(_STYLE_KNOBS, key[:-2], strict=True)), *key[-2:])
    buf = io.BytesIO()
    doc.save(buf)
    package = zipfile.ZipFile(buf)
    parts = {info.filename: package.read(info) for info in package.infolist()}
    rels = parts["word/_rels/document.xml.rels"]
    rids = frozenset(etree.fromstring(rels).xpath("//@Id"))
    return _Base(doc, tuple(_static_entry(name, data) for name, data in parts.items()),
                 parts["word/document.xml"], rels, rids, parts["[Content_Types].xml"])


@functools.cache
def _style_id(key: tuple[Any, ...], name: str, kind: WD_STYLE_TYPE) -> str | None:
    """The id python-docx writes for the style ``name`` (None for the type's default)."""
    doc = _base(key).doc
    return doc.part.get_style_id(doc.styles[name], kind)


@functools.cache
def _hdrftr_template(kind: str) -> bytes:
    """python-docx's new header or footer (its templates/default-header.xml)."""
    return (Path(docx.__file__).parent / "templates" / f"default-{kind}.xml").read_bytes()


def _style_sheet(doc: Any, s: dict[str, Any], body_pt: float, date_pt: float) -> None:
    """Our fonts and styles on python-docx's default template."""
    styles = doc.styles.element
    rpr = styles.find(_w("docDefaults")).find(_w("rPrDefault")).find(_w("rPr"))
    _set_fonts(rpr, s["default_font"], s["default_theme_font"])
    half_points = str(int(body_pt * 2))
    rpr.find(_w("sz")).set(_w("val"), half_points)
    rpr.find(_w("szCs")).set(_w("val"), half_points)
    ppr = styles.find(_w("docDefaults")).find(_w("pPrDefault")).find(_w("pPr"))
    spacing = ppr.find(_w("spacing"))
    spacing.set(_w("after"), "0")
    spacing.set(_w("line"), "240")
    if s["normal_font"]:
        _set_fonts(doc.styles["Normal"].element.get_or_add_rPr(), s["normal_font"])
    body = doc.styles.add_style("Plan Body", 1)  # paragraph style
    body.base_style = doc.styles["Normal"]
    body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    body.paragraph_format.first_line_indent = Cm(1.27)
    body.paragraph_format.space_after = Pt(6)
    body.paragraph_format.line_spacing = 1.15
    if s["body_contextual"]:
        body.element.get_or_add_pPr().append(etree.Element(_w("contextualSpacing")))
    if s["body_style_font"]:
        _set_fonts(body.element.get_or_add_rPr(), s["body_style_font"])
    if s["odd_char_style_font"]:
        char = doc.styles.add_style("Odd Char", 2)
        _set_fonts(char.element.get_or_add_rPr(), s["odd_char_style_font"])
    title = doc.styles.add_style("Plan Title", 1)
    title.base_style = doc.styles["Normal"]
    title.font.bold = True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    date = doc.styles.add_style("Plan Date", 1)
    date.font.italic = s["date_italic"]
    date.font.size = Pt(date_pt)
    date.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if s["theme_minor_font"]:
        theme = next(r.target_part for r in doc.part.rels.values()
                     if r.reltype.endswith("/theme"))
        root = etree.fromstring(theme.blob)
        a = "http://schemas.openxmlformats.org/drawingml/2006/main"
        root.find(f".//{{{a}}}minorFont/{{{a}}}latin").set("typeface", s["theme_minor_font"])
        theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                     standalone=True)


def write_zip(entries: list[Entry]) -> bytes:
    """The zip file zipfile.ZipFile.writestr writes for these parts (deflated, no extras)."""
    y, mo, d, h, mi, sec = time.localtime(time.time())[:6]
    dos_date, dos_time = (y - 1980) << 9 | mo << 5 | d, h << 11 | mi << 5 | sec // 2
    out, directory = bytearray(), bytearray()
    for name, crc, size, packed in entries:
        raw = name.encode("ascii")
        fixed = (8, dos_time, dos_date, crc, len(packed), size, len(raw), 0)
        directory += struct.pack("<4s4B4HL2L5H2L", b"PK\001\002", 20, 3, 20, 0, 0, *fixed, 0, 0,
                                 0, 0o600 << 16, len(out)) + raw
        out += struct.pack("<4s2B4HL2L2H", b"PK\003\004", 20, 0, 0, *fixed) + raw + packed
    end = struct.pack("<4s4H2LH", b"PK\005\006", 0, 0, len(entries), len(entries),
                      len(directory), len(out), 0)
    return bytes(out + directory + end)


# ---------------------------------------------------------------------------------------------
# The elements, as python-docx makes them

_PPR = ("pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
        "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku",
        "wordWrap", "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi",
        "adjustRightInd", "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents",
        "suppressOverlap", "jc", "textDirection", "textAlignment", "textboxTightWrap",
        "outlineLvl", "divId", "cnfStyle", "rPr", "sectPr", "pPrChange")
_RPR = ("rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
        "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
        "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect",
        "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout",
        "specVanish", "oMath")
_SECT = ("footnotePr", "endnotePr", "type", "pgSz", "pgMar", "paperSrc", "pgBorders",
         "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote", "titlePg",
         "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange")
_TBLPR = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
          "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
          "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange")
_TCPR = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap",
         "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns",
         "cellDel", "cellMerge", "tcPrChange")


def _element(tag: str, *attrs: tuple[str, str]) -> Any:
    """A new w: element on its own (python-docx's OxmlElement)."""
    el = etree.Element(_w(tag), nsmap={"w": W_NS})
    for name, value in attrs:
        el.set(_w(name), value)
    return el


def _insert_before(parent: Any, el: Any, successors: tuple[str, ...]) -> Any:
    """python-docx's insert_element_before: before the first successor found, in the order the
    successors are named, else at the end."""
    rank = _ranks(successors)
    best: tuple[int, Any] | None = None
    for child in parent:
        n = rank.get(child.tag)
        if n is not None and (best is None or n < best[0]):
            best = (n, child)
    if best is None:
        parent.append(el)
    else:
        best[1].addprevious(el)
    return el


@functools.cache
def _ranks(tags: tuple[str, ...]) -> dict[str, int]:
    return {_w(tag): n for n, tag in enumerate(tags)}


def _get_or_add(parent: Any, tag: str, order: tuple[str, ...]) -> Any:
    found = parent.find(_w(tag))
    if found is not None:
        return found
    return _insert_before(parent, _element(tag), order[order.index(tag) + 1:])


def _first(parent: Any, tag: str) -> Any:
    """The ``pPr``, ``rPr`` or ``trPr`` of a paragraph, run or row, added first if missing."""
    found = parent.find(_w(tag))
    if found is None:
        found = _element(tag)
        parent.insert(0, found)
    return found


def _ppr(p: Any, tag: str) -> Any:
    return _get_or_add(_first(p, "pPr"), tag, _PPR)


def _rpr(r: Any, tag: str) -> Any:
    return _get_or_add(_first(r, "rPr"), tag, _RPR)


def _twips(length: int) -> str:
    return ST_TwipsMeasure.convert_to_xml(length)


def _signed_twips(length: int) -> str:
    return ST_SignedTwipsMeasure.convert_to_xml(length)


def _set_on_off(r: Any, tag: str, value: bool) -> None:
    el = _rpr(r, tag)
    if value:
        el.attrib.pop(_w("val"), None)
    else:
        el.set(_w("val"), "0")


def _size(r: Any, size: float) -> None:
    _rpr(r, "sz").set(_w("val"), ST_HpsMeasure.convert_to_xml(Pt(size)))


def _align(p: Any, alignment: Any) -> None:
    _ppr(p, "jc").set(_w("val"), alignment.xml_value)


def _indent(p: Any, side: str, length: int) -> None:
    _ppr(p, "ind").set(_w(side), _signed_twips(length))


def _first_line_indent(p: Any, length: int) -> None:
    ind = _ppr(p, "ind")
    for side in ("firstLine", "hanging"):
        ind.attrib.pop(_w(side), None)
    if length < 0:
        ind.set(_w("hanging"), _twips(-length))
    else:
        ind.set(_w("firstLine"), _twips(length))


def _style(p: Any, style_id: str | None) -> None:
    if style_id is not None:
        _ppr(p, "pStyle").set(_w("val"), style_id)


def _add_p(container: Any) -> Any:
    """A new paragraph at the end of a cell or header, or of the body before its section."""
    p = _element("p")
    if container.tag == _w("body"):
        _insert_before(container, p, ("sectPr",))
    else:
        container.append(p)
    return p


def _add_r(p: Any, text: str = "") -> Any:
    r = _element("r")
    p.append(r)
    chars: list[str] = []

    def flush() -> None:
        if chars:
            t = _element("t")
            t.text = "".join(chars)
            if len(t.text.strip()) < len(t.text):
                t.set(XML_SPACE, "preserve")
            r.append(t)
            chars.clear()

    for char in text:
        if char == "\t":
            flush()
            r.append(_element("tab"))
        elif char in "\r\n":
            flush()
            r.append(_element("br"))
        else:
            chars.append(char)
    flush()
    return r


def _set_fonts(rpr: Any, font: str | None = None, theme: str | None = None) -> None:
    rfonts = rpr.find(_w("rFonts"))
    if rfonts is None:
        rfonts = _element("rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    if font:
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(_w(slot), font)
    if theme:
        rfonts.set(_w("asciiTheme"), theme)
        rfonts.set(_w("hAnsiTheme"), theme)


def _border(p: Any, side: str = "bottom") -> None:
    ppr = _first(p, "pPr")
    bdr = _element("pBdr")
    bdr.append(_element(side, ("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")))
    _insert_before(ppr, bdr, ("shd", "tabs", "spacing", "ind", "jc"))


def _line_shape(p: Any) -> None:
    run = _add_r(p)
    pict = _element("pict")
    line = etree.SubElement(pict, f"{{{VML}}}line")
    line.set("from", "40pt,2pt")
    line.set("to", "120pt,2pt")
    run.append(pict)


def _page_field(p: Any, kind: str, size_pt: float) -> None:
    if kind == "simple":
        fld = _element("fldSimple", ("instr", " PAGE "))
        p.append(fld)
        run = _element("r")
        fld.append(run)
        rpr = _element("rPr")
        rpr.append(_element("sz", ("val", str(int(size_pt * 2)))))
        run.append(rpr)
        t = _element("t")
        t.text = "2"
        run.append(t)
        return
    for part in ("begin", " PAGE ", "separate", "2", "end"):
        run = _add_r(p)
        _size(run, size_pt)
        if part in ("begin", "separate", "end"):
            run.append(_element("fldChar", ("fldCharType", part)))
        elif part == "2":
            t = _element("t")
            t.text = part
            run.append(t)
        else:
            instr = _element("instrText")
            instr.text = part
            run.append(instr)


def _add_lines(p: Any, lines: list[tuple[str, float, bool | None, bool | None]]) -> None:
    """Lines of one paragraph separated by line breaks (Shift+Enter): (text, size, bold,
    italic); an empty text is an empty line."""
    for n, (text, size, bold, italic) in enumerate(lines):
        if n:
            _add_r(p).append(_element("br"))
        if text:
            _add_text(p, text, size=size, bold=bold, italic=italic)


def _add_text(p: Any, text: str, *, size: float | None = None, bold: bool | None = None,
              italic: bool | None = None, centred: bool = False) -> Any:
    run = _add_r(p, text)
    if size is not None:
        _size(run, size)
    if bold is not None:
        _set_on_off(run, "b", bold)
    if italic is not None:
        _set_on_off(run, "i", italic)
    if centred:
        _align(p, WD_ALIGN_PARAGRAPH.CENTER)
    return run


_BOX_NS = ('xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
           'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
           'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
           'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
           'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
           'xmlns:v="urn:schemas-microsoft-com:vml"')
_EMU_PER_CM = 360000


def _p_xml(text: str, size: float, *, bold: bool = False, italic: bool = False,
           border: bool = False) -> str:
    """A centred paragraph of one run, as XML for a text box."""
    bdr = ('<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="1" w:color="auto"/></w:pBdr>'
           if border else "")
    rpr = (("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
           + f'<w:sz w:val="{int(size * 2)}"/><w:szCs w:val="{int(size * 2)}"/>')
    return (f'<w:p><w:pPr>{bdr}<w:jc w:val="center"/></w:pPr><w:r><w:rPr>{rpr}</w:rPr>'
            f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')


def _textbox_run(n: int, paragraphs: str, left_cm: float, width_cm: float) -> Any:
    """A run holding a text box: DrawingML (mc:Choice) and the same text in VML
    (mc:Fallback), as Word and LibreOffice write them."""
    x, cx, cy = (int(v * _EMU_PER_CM) for v in (left_cm, width_cm, 3.0))
    xml = (
        f'<w:r {_BOX_NS}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        f'<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" '
        f'relativeHeight="{n}" behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1">'
        '<wp:simplePos x="0" y="0"/>'
        f'<wp:positionH relativeFrom="column"><wp:posOffset>{x}</wp:posOffset></wp:positionH>'
        '<wp:positionV relativeFrom="paragraph"><wp:posOffset>0</wp:posOffset></wp:positionV>'
        f'<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>'
        f'<wp:wrapNone/><wp:docPr id="{n}" name="Text Box {n}"/><wp:cNvGraphicFramePr/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/'
        'wordprocessingShape"><wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr>'
        f'<a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom><a:noFill/><a:ln><a:noFill/></a:ln>'
        f'</wps:spPr><wps:txbx><w:txbxContent>{paragraphs}</w:txbxContent></wps:txbx>'
        '<wps:bodyPr rot="0" vert="horz" wrap="square" lIns="0" tIns="0" rIns="0" bIns="0" '
        'anchor="t"><a:noAutofit/></wps:bodyPr></wps:wsp></a:graphicData></a:graphic>'
        '</wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict>'
        f'<v:shape style="position:absolute;margin-left:{left_cm}cm;width:{width_cm}cm;'
        'height:3cm" stroked="f" filled="f"><v:textbox inset="0,0,0,0"><w:txbxContent>'
        f'{paragraphs}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>')
    return etree.fromstring(xml, _PARSER)


# ---------------------------------------------------------------------------------------------
# The plan


class _Builder:
    def __init__(self, spec: PlanSpec):
        self.s = spec
        self.first_ordinary = True
        unknown = {k for k, _ in spec.sizes} - set(_SIZES)
        if unknown:
            raise TypeError(f"unknown sizes: {sorted(unknown)}")
        self.pt = {**_SIZES, "quoc_hieu": spec.quoc_hieu_pt, "page": spec.page_field_pt,
                   **dict(spec.sizes)}
        self.key = (*(getattr(spec, knob) for knob in _STYLE_KNOBS), self.pt["body"],
                    self.pt["date"])
        self.base = _base(self.key)
        self.root = etree.fromstring(self.base.document, _PARSER)
        self.body = self.root.find(_w("body"))
        self.parts: list[tuple[str, str, Any]] = []  # part name, content type, root
        self.rels: list[tuple[str, str, str]] = []  # rId, type, target
        self.by_rid: dict[str, Any] = {}  # rId of a header or footer: its root

    def build(self) -> bytes:
        self._page(self._sections()[0], landscape=False)
        self._header()
        self._title()
        self._body()
        self._closing()
        if self.s.appendix:
            self._appendix()
        self._headers()
        return self._package()

    def _package(self) -> bytes:
        base = self.base
        parts = {"word/document.xml": _xml(self.root)}
        rels = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
                       for rid, kind, target in self.rels).encode("utf-8")
        end = b"</Relationships>"
        assert base.rels.endswith(end)
        parts["word/_rels/document.xml.rels"] = base.rels[:-len(end)] + rels + end
        types = etree.fromstring(base.types)
        overrides = [(o.get("PartName"), o.get("ContentType")) for o in types
                     if o.tag == f"{{{CT_NS}}}Override"]
        for o in types.findall(f"{{{CT_NS}}}Override"):
            types.remove(o)
        for name, content_type in sorted([*overrides, *((f"/{name}", content_type)
                                                        for name, content_type, _ in self.parts)]):
            etree.SubElement(types, f"{{{CT_NS}}}Override", PartName=name,
                             ContentType=content_type)
        parts["[Content_Types].xml"] = _xml(types)
        entries = []
        for entry in base.entries:
            if entry[0] == _THUMBNAIL:
                entries += [deflated_entry(name, _xml(root)) for name, _, root in self.parts]
            entries.append(deflated_entry(entry[0], parts[entry[0]]) if entry[0] in parts else entry)
        return write_zip(entries)

    def _style_id(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str | None:
        return _style_id(self.key, name, kind)

    def _sections(self) -> list[Any]:
        return self.body.xpath("./w:p/w:pPr/w:sectPr | ./w:sectPr", namespaces={"w": W_NS})

    def _page(self, sect: Any, *, landscape: bool) -> None:
        w, h = self.s.page_mm
        top, bottom, left, right = self.s.margins_mm
        size = _get_or_add(sect, "pgSz", _SECT)
        if landscape:
            size.set(_w("orient"), "landscape")
            w, h = h, w
        size.set(_w("w"), _twips(Mm(w)))
        size.set(_w("h"), _twips(Mm(h)))
        margins = _get_or_add(sect, "pgMar", _SECT)
        for side, mm in (("top", top), ("bottom", bottom), ("left", left), ("right", right)):
            margins.set(_w(side), _signed_twips(Mm(mm)))

    def _add_table(self, rows: int, cols: int, style: str | None = None) -> Any:
        """python-docx's Document.add_table: the width between the last section's margins
        shared evenly, every cell an empty paragraph."""
        sect = self._sections()[-1]
        size, margins = sect.find(_w("pgSz")), sect.find(_w("pgMar"))
        width = Emu(Twips(int(size.get(_w("w")))) - Twips(int(margins.get(_w("left"))))
                    - Twips(int(margins.get(_w("right")))))
        twips = Emu(width // cols).twips
        tbl = _element("tbl")
        _insert_before(self.body, tbl, ("sectPr",))
        tbl_pr = etree.SubElement(tbl, _w("tblPr"))
        etree.SubElement(tbl_pr, _w("tblW"), {_w("type"): "auto", _w("w"): "0"})
        etree.SubElement(tbl_pr, _w("tblLook"), {
            _w("firstColumn"): "1", _w("firstRow"): "1", _w("lastColumn"): "0",
            _w("lastRow"): "0", _w("noHBand"): "0", _w("noVBand"): "1", _w("val"): "04A0"})
        grid = etree.SubElement(tbl, _w("tblGrid"))
        for _ in range(cols):
            etree.SubElement(grid, _w("gridCol"), {_w("w"): str(twips)})
        for _ in range(rows):
            tr = etree.SubElement(tbl, _w("tr"))
            for _ in range(cols):
                tc = etree.SubElement(tr, _w("tc"))
                tc_pr = etree.SubElement(tc, _w("tcPr"))
                etree.SubElement(tc_pr, _w("tcW"), {_w("type"): "dxa", _w("w"): str(twips)})
                etree.SubElement(tc, _w("p"))
        style_id = self._style_id(style, WD_STYLE_TYPE.TABLE) if style else None
        if style_id is not None:
            _get_or_add(tbl_pr, "tblStyle", _TBLPR).set(_w("val"), style_id)
        return tbl

    @staticmethod
    def _cells(tr: Any) -> list[Any]:
        return tr.findall(_w("tc"))

    @staticmethod
    def _paragraphs(container: Any) -> list[Any]:
        return container.findall(_w("p"))

    # -- page 1 header
    def _header(self) -> None:
        s, pt = self.s, self.pt
        if s.header_layout == "textboxes":
            self._header_boxes()
            return
        if s.header_layout == "tabs":
            self._header_tabs()
            return
        table = self._add_table(2 if s.second_row else 1, 2, s.header_table_style)
        rows = table.findall(_w("tr"))
        left, right = self._cells(rows[0])
        low_left, low_right = self._cells(rows[-1])
        first = self._paragraphs(left)[0]
        if s.breaks:
            _add_lines(first, [(line, pt["issuer"], s.issuer_bold, None) for line in s.issuer])
            _align(first, WD_ALIGN_PARAGRAPH.CENTER)
            p = first
        else:
            for n, line in enumerate(s.issuer):
                p = first if n == 0 else _add_p(left)
                _add_text(p, line, size=pt["issuer"], bold=s.issuer_bold, centred=True)
        if s.issuer_line == "own-border":
            _border(p)
        elif s.issuer_line in ("border", "shape"):
            line_p = _add_p(left)
            _indent(line_p, "left", Cm(2))
            _indent(line_p, "right", Cm(2))
            _border(line_p) if s.issuer_line == "border" else _line_shape(line_p)
        so_cell = low_left if s.second_row else left
        so_p = self._paragraphs(so_cell)[0] if s.second_row else _add_p(so_cell)
        _add_text(so_p, s.so, size=pt["so"], italic=s.so_italic or None, centred=True)
        if s.breaks:
            qh = self._paragraphs(right)[0]
            _add_lines(qh, [(s.quoc_hieu, pt["quoc_hieu"], True, None),
                            (s.tieu_ngu, pt["tieu_ngu"], True, None)])
            _align(qh, WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _add_text(self._paragraphs(right)[0], s.quoc_hieu, size=pt["quoc_hieu"], bold=True,
                      centred=True)
            tn = _add_p(right)
            _add_text(tn, s.tieu_ngu, size=pt["tieu_ngu"], bold=True, centred=True)
        if s.tieu_ngu_line:
            line_p = _add_p(right)
            _indent(line_p, "left", Cm(2.2))
            _indent(line_p, "right", Cm(2.2))
            _border(line_p)
        date_cell = low_right if s.second_row else right
        date_p = self._paragraphs(date_cell)[0] if s.second_row else _add_p(date_cell)
        _style(date_p, self._style_id("Plan Date"))  # italic from the style, as generated
        _add_r(date_p, s.date)

    def _header_boxes(self) -> None:
        """The header as two text boxes anchored in an empty first paragraph (as Word writes
        them: DrawingML, with a VML copy under mc:Fallback for old readers)."""
        s, pt = self.s, self.pt
        left = "".join(_p_xml(line, pt["issuer"], bold=s.issuer_bold,
                              border=n == len(s.issuer) - 1) for n, line in enumerate(s.issuer))
        left += _p_xml(s.so, pt["so"])
        right = (_p_xml(s.quoc_hieu, pt["quoc_hieu"], bold=True)
                 + _p_xml(s.tieu_ngu, pt["tieu_ngu"], bold=True, border=s.tieu_ngu_line)
                 + _p_xml(s.date, pt["date"], italic=True))
        anchor = _add_p(self.body)
        anchor.append(_textbox_run(1, left, 0, 7.0))
        anchor.append(_textbox_run(2, right, 7.5, 9.5))
        for _ in range(5):  # room for the boxes
            _add_p(self.body)

    def _header_tabs(self) -> None:
        """The header typed on the page itself: two columns set by centred tab stops."""
        s, pt = self.s, self.pt
        issuer = list(s.issuer) + [""] * (2 - len(s.issuer))

        def row(left: tuple[str, float, bool | None, bool | None],
                right: tuple[str, float, bool | None, bool | None]) -> Any:
            p = _add_p(self.body)
            tabs = _ppr(p, "tabs")
            for position in (Cm(3.5), Cm(11.5)):
                tab = _element("tab", ("pos", _signed_twips(position)), ("val", "center"))
                later = [t for t in tabs if int(t.get(_w("pos"))) > int(tab.get(_w("pos")))]
                later[0].addprevious(tab) if later else tabs.append(tab)
            _first_line_indent(p, Cm(0))
            for text, size, bold, italic in (left, right):
                _add_r(p).append(_element("tab"))
                if text:
                    _add_text(p, text, size=size, bold=bold, italic=italic)
            return p

        row((issuer[0], pt["issuer"], s.issuer_bold, None),
            (s.quoc_hieu, pt["quoc_hieu"], True, None))
        row((issuer[1], pt["issuer"], s.issuer_bold, None),
            (s.tieu_ngu, pt["tieu_ngu"], True, None))
        lines = _add_p(self.body)
        _line_shape(lines)
        _line_shape(lines)
        row((s.so, pt["so"], None, s.so_italic or None), (s.date, pt["date"], None, True))

    def _title(self) -> None:
        pt = self.pt
        title_style = self._style_id("Plan Title")  # bold from the style, as generated
        s = _add_p(self.body)
        _style(s, title_style)
        if self.s.breaks:
            _add_lines(s, [(self.s.title, pt["title"], None if self.s.title_bold else False,
                            None), (self.s.trich_yeu, pt["title"], None, None)])
        else:
            run = _add_r(s, self.s.title)
            _size(run, pt["title"])
            if not self.s.title_bold:
                _set_on_off(run, "b", False)
            ty = _add_p(self.body)
            _style(ty, title_style)
            _size(_add_r(ty, self.s.trich_yeu), pt["title"])
        _ppr(s, "spacing").set(_w("before"), _twips(Pt(12)))
        if self.s.trich_yeu_line:
            line_p = _add_p(self.body)
            _indent(line_p, "left", Cm(6))
            _indent(line_p, "right", Cm(6))
            _border(line_p)

    # -- body
    def _body(self) -> None:
        body_style = self._style_id("Plan Body")
        texts = list(self.s.body)
        texts[-1:-1] = self.s.extra_body
        for text in texts:
            p = _add_p(self.body)
            _style(p, body_style)
            if text.startswith("#"):
                _add_text(p, text[1:], bold=self.s.heading_bold)
                _first_line_indent(p, Cm(0))
                continue
            run = _add_text(p, text)
            if self.first_ordinary:
                self.first_ordinary = False
                self._odd(p, run)

    def _odd(self, p: Any, run: Any) -> None:
        s = self.s
        if s.odd_align:
            _align(p, getattr(WD_ALIGN_PARAGRAPH, s.odd_align.upper()))
        if s.odd_indent_cm is not None:
            _first_line_indent(p, Cm(s.odd_indent_cm))
        if s.odd_space_after_pt is not None:
            _ppr(p, "spacing").set(_w("after"), _twips(Pt(s.odd_space_after_pt)))
        if s.odd_line_spacing is not None:
            spacing = _ppr(p, "spacing")
            line = Twips(240) * s.odd_line_spacing if s.odd_line_rule == "auto" \
                else Pt(s.odd_line_spacing)
            spacing.set(_w("line"), _signed_twips(Emu(line)))
            spacing.set(_w("lineRule"), s.odd_line_rule)
        if s.odd_size_pt is not None:
            _size(run, s.odd_size_pt)
        if s.odd_run_font:
            _set_fonts(_first(run, "rPr"), s.odd_run_font)
        if s.odd_char_style_font:
            style_id = self._style_id("Odd Char", WD_STYLE_TYPE.CHARACTER)
            _rpr(run, "rStyle").set(_w("val"), style_id)
        if s.odd_colour:
            rpr = _first(run, "rPr")
            for old in rpr.findall(_w("color")):
                rpr.remove(old)
            _rpr(run, "color").set(_w("val"), str(RGBColor.from_string(s.odd_colour)))
        if s.odd_theme_colour:
            _first(run, "rPr").append(_element("color", ("val", "4F81BD"),
                                               ("themeColor", s.odd_theme_colour)))

    # -- Nơi nhận and signature
    def _closing(self) -> None:
        s, pt = self.s, self.pt
        table = self._add_table(1, 2, s.signature_table_style)
        left, right = self._cells(table.find(_w("tr")))
        lines = [*s.signer, "", "", "", s.signer_name]
        if s.breaks:
            _add_lines(self._paragraphs(left)[0],
                       [(line, pt["noi_nhan"], True, s.noi_nhan_italic) if n == 0
                        else (line, pt["noi_nhan_item"], None, None)
                        for n, line in enumerate(s.noi_nhan)])
            sign = self._paragraphs(right)[0]
            _add_lines(sign, [(line, pt["signer"], True, None) for line in lines])
            _align(sign, WD_ALIGN_PARAGRAPH.CENTER)
            return
        for n, line in enumerate(s.noi_nhan):
            p = self._paragraphs(left)[0] if n == 0 else _add_p(left)
            if n == 0:
                _add_text(p, line, size=pt["noi_nhan"], bold=True, italic=s.noi_nhan_italic)
            else:
                _add_text(p, line, size=pt["noi_nhan_item"])
        for n, line in enumerate(lines):
            p = self._paragraphs(right)[0] if n == 0 else _add_p(right)
            if line:
                _add_text(p, line, size=pt["signer"], bold=True, centred=True)

    # -- appendix
    def _appendix(self) -> None:
        s = self.s
        if s.appendix_new_section:
            # python-docx's add_section: the last section's copy (no rsids) ends the body
            # part in a paragraph; the last one loses its header and footer references
            sentinel = self.body.find(_w("sectPr"))
            copy = etree.fromstring(etree.tostring(sentinel), _PARSER)
            copy.attrib.clear()
            _first(_add_p(self.body), "pPr").append(copy)
            for ref in sentinel.xpath("w:headerReference|w:footerReference",
                                      namespaces={"w": W_NS}):
                sentinel.remove(ref)
            self._page(sentinel, landscape=s.appendix_landscape)
            if s.appendix_restart:
                sentinel.append(_element("pgNumType", ("start", "1")))
        head = _add_p(self.body)
        if s.breaks:
            _add_lines(head, [(s.appendix_heading, self.pt["appendix_heading"],
                               s.appendix_heading_bold, None),
                              (s.appendix_title, self.pt["body"], True, None),
                              (s.kem_theo, self.pt["body"], None, True)])
            _align(head, WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _add_text(head, s.appendix_heading, size=self.pt["appendix_heading"],
                      bold=s.appendix_heading_bold, centred=True)
            title = _add_p(self.body)
            _add_text(title, s.appendix_title, bold=True, centred=True)
            kem = _add_p(self.body)
            _add_text(kem, s.kem_theo, italic=True, centred=True)
        if s.kem_theo_line:
            line_p = _add_p(self.body)
            _indent(line_p, "left", Cm(10))
            _indent(line_p, "right", Cm(10))
            _border(line_p)
        self._task_table()

    def _task_table(self) -> None:
        """The appendix table, made once per process for its rows, its width and the style
        sheet's id of "Table Grid" (most plans share DEFAULT_TASKS: ~3 ms of a build), a copy
        of it placed where _add_table places a new table."""
        sect = self._sections()[-1]
        size, margins = sect.find(_w("pgSz")), sect.find(_w("pgMar"))
        key = (self.s.tasks, size.get(_w("w")), margins.get(_w("left")), margins.get(_w("right")),
               self._style_id("Table Grid", WD_STYLE_TYPE.TABLE))
        if key in _TASK_TABLES:
            _insert_before(self.body, copy.deepcopy(_TASK_TABLES[key]), ("sectPr",))
        else:
            _TASK_TABLES[key] = copy.deepcopy(self._new_task_table())

    def _new_task_table(self) -> Any:
        rows = self.s.tasks
        table = self._add_table(len(rows), 6, "Table Grid")
        for tr, values in zip(table.findall(_w("tr")), rows, strict=True):
            tr_pr = _first(tr, "trPr")
            tr_pr.append(_element("cantSplit"))
            if values[0] == "TT":
                tr_pr.append(_element("tblHeader"))
            cells = self._cells(tr)
            group = not values[0].isdigit() and values[0] != "TT"
            if group:  # python-docx's merge of cells 1 to 5: one cell spanning five columns
                merged = cells[1]
                tc_w = merged.find(_w("tcPr")).find(_w("tcW"))
                width = sum(int(c.find(_w("tcPr")).find(_w("tcW")).get(_w("w")))
                            for c in cells[1:])
                tc_w.set(_w("type"), "dxa")
                tc_w.set(_w("w"), str(width))
                _get_or_add(merged.find(_w("tcPr")), "gridSpan", _TCPR).set(_w("val"), "5")
                for cell in cells[2:]:
                    tr.remove(cell)
                _add_text(self._paragraphs(cells[0])[0], values[0], size=13, bold=True)
                _add_text(self._paragraphs(merged)[0], values[1], size=13, bold=True)
                continue
            for cell, value in zip(cells, values, strict=True):
                _add_text(self._paragraphs(cell)[0], value, size=13,
                          bold=values[0] == "TT" or None)
        return table

    # -- page headers
    def _definition(self, sect: Any, kind: str, which: str) -> Any:
        """The header or footer (``kind``) of a section, of type ``which`` (default, first),
        python-docx's ``is_linked_to_previous = False``: a new part if it has none."""
        ref = sect.xpath(f"w:{kind}Reference[@w:type='{which}']", namespaces={"w": W_NS})
        if ref:
            return self.by_rid[ref[0].get(f"{{{R_NS}}}id")]
        names = {name for name, _, _ in self.parts}
        n = next(n for n in range(1, len(names) + 2) if f"word/{kind}{n}.xml" not in names)
        name = f"word/{kind}{n}.xml"
        root = etree.fromstring(_hdrftr_template(kind), _PARSER)
        self.parts.append((name, CT.WML_HEADER if kind == "header" else CT.WML_FOOTER, root))
        used = self.base.rids | {rid for rid, _, _ in self.rels}
        rid = next(f"rId{n}" for n in range(1, len(used) + 2) if f"rId{n}" not in used)
        self.rels.append((rid, RT.HEADER if kind == "header" else RT.FOOTER, f"{kind}{n}.xml"))
        self.by_rid[rid] = root
        ref_el = _element(f"{kind}Reference", ("type", which))
        ref_el.set(f"{{{R_NS}}}id", rid)
        _insert_before(sect, ref_el, _SECT)
        return root

    def _headers(self) -> None:
        s = self.s
        sections = self._sections()
        first = sections[0]
        self._title_page(first, s.title_page)
        self._number(first, "footer" if s.page_field == "footer" else "header")
        if s.title_page:
            fh = self._definition(first, "header", "first")
            if s.first_header_text == "PAGE":
                p = self._paragraphs(fh)[0]
                _align(p, WD_ALIGN_PARAGRAPH.CENTER)
                _page_field(p, "simple", 13)
            elif s.first_header_text:
                _add_r(self._paragraphs(fh)[0], s.first_header_text)
        if len(sections) > 1:
            second = sections[1]
            self._title_page(second, True)
            self._definition(second, "header", "default")
            self._number(second, "footer" if s.page_field == "footer" else "header")

    @staticmethod
    def _title_page(sect: Any, value: bool) -> None:
        if value:
            _get_or_add(sect, "titlePg", _SECT)
        else:
            for old in sect.findall(_w("titlePg")):
                sect.remove(old)

    def _number(self, sect: Any, kind: str) -> None:
        part = self._definition(sect, kind, "default")
        if self.s.page_field == "none":
            return
        p = self._paragraphs(part)[0]
        _align(p, WD_ALIGN_PARAGRAPH.CENTER)
        field = "simple" if self.s.page_field == "footer" else self.s.page_field
        _page_field(p, field, self.pt["page"])


_TASK_TABLES: dict[tuple[Any, ...], Any] = {}


def _xml(root: Any) -> bytes:
    """A part as python-docx serialises it."""
    return etree.tostring(root, encoding="UTF-8", standalone=True)
