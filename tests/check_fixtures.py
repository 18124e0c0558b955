"""Small Kế hoạch .docx files, built with python-docx, for the checker's tests.

``make_plan_docx()`` is a fully conforming commune plan laid out the way our generator lays it
out (header table, title, body, Nơi nhận / signature table, a landscape appendix section with
its task table), with fonts coming from docDefaults so that the resolution chain matters. Every
keyword changes one thing, usually to break one rule; unknown keywords are an error.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, fields, replace
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
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
    odd_line_spacing: float | None = None
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
    return _Builder(replace(PlanSpec(), **changes)).build()


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


def _set_fonts(rpr: Any, font: str | None = None, theme: str | None = None) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    if font:
        for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{slot}"), font)
    if theme:
        rfonts.set(qn("w:asciiTheme"), theme)
        rfonts.set(qn("w:hAnsiTheme"), theme)


def _border(paragraph: Any, side: str = "bottom") -> None:
    ppr = paragraph._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    edge = OxmlElement(f"w:{side}")
    for k, v in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        edge.set(qn(f"w:{k}"), v)
    bdr.append(edge)
    ppr.insert_element_before(bdr, "w:shd", "w:tabs", "w:spacing", "w:ind", "w:jc")


def _line_shape(paragraph: Any) -> None:
    run = paragraph.add_run()
    pict = OxmlElement("w:pict")
    line = etree.SubElement(pict, f"{{{VML}}}line")
    line.set("from", "40pt,2pt")
    line.set("to", "120pt,2pt")
    run._r.append(pict)


def _page_field(paragraph: Any, kind: str, size_pt: float) -> None:
    if kind == "simple":
        fld = OxmlElement("w:fldSimple")
        fld.set(qn("w:instr"), " PAGE ")
        paragraph._p.append(fld)
        run = OxmlElement("w:r")
        fld.append(run)
        rpr = OxmlElement("w:rPr")
        sz = OxmlElement("w:sz")
        sz.set(qn("w:val"), str(int(size_pt * 2)))
        rpr.append(sz)
        run.append(rpr)
        t = OxmlElement("w:t")
        t.text = "2"
        run.append(t)
        return
    for part in ("begin", " PAGE ", "separate", "2", "end"):
        run = paragraph.add_run()
        run.font.size = Pt(size_pt)
        if part in ("begin", "separate", "end"):
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), part)
            run._r.append(fc)
        elif part == "2":
            run.text = part
        else:
            instr = OxmlElement("w:instrText")
            instr.text = part
            run._r.append(instr)


def _add_lines(paragraph: Any, lines: list[tuple[str, float, bool | None, bool | None]]) -> None:
    """Lines of one paragraph separated by line breaks (Shift+Enter): (text, size, bold,
    italic); an empty text is an empty line."""
    for n, (text, size, bold, italic) in enumerate(lines):
        if n:
            paragraph.add_run().add_break()
        if text:
            _add_text(paragraph, text, size=size, bold=bold, italic=italic)


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
    return parse_xml(xml)


def _add_text(paragraph: Any, text: str, *, size: float | None = None, bold: bool | None = None,
              italic: bool | None = None, centred: bool = False) -> Any:
    run = paragraph.add_run(text)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if centred:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return run


class _Builder:
    def __init__(self, spec: PlanSpec):
        self.s = spec
        self.doc = Document()
        self.first_ordinary = True
        unknown = {k for k, _ in spec.sizes} - set(_SIZES)
        if unknown:
            raise TypeError(f"unknown sizes: {sorted(unknown)}")
        self.pt = {**_SIZES, "quoc_hieu": spec.quoc_hieu_pt, "page": spec.page_field_pt,
                   **dict(spec.sizes)}

    def build(self) -> bytes:
        self._styles()
        self._page(self.doc.sections[0], landscape=False)
        self._header()
        self._title()
        self._body()
        self._closing()
        if self.s.appendix:
            self._appendix()
        self._headers()
        buf = io.BytesIO()
        self.doc.save(buf)
        return buf.getvalue()

    # -- styles and page
    def _styles(self) -> None:
        s = self.s
        styles = self.doc.styles.element
        rpr = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        _set_fonts(rpr, s.default_font, s.default_theme_font)
        half_points = str(int(self.pt["body"] * 2))
        rpr.find(qn("w:sz")).set(qn("w:val"), half_points)
        rpr.find(qn("w:szCs")).set(qn("w:val"), half_points)
        ppr = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        if s.normal_font:
            _set_fonts(self.doc.styles["Normal"].element.get_or_add_rPr(), s.normal_font)
        body = self.doc.styles.add_style("Plan Body", 1)  # paragraph style
        body.base_style = self.doc.styles["Normal"]
        body.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        body.paragraph_format.first_line_indent = Cm(1.27)
        body.paragraph_format.space_after = Pt(6)
        body.paragraph_format.line_spacing = 1.15
        if s.body_style_font:
            _set_fonts(body.element.get_or_add_rPr(), s.body_style_font)
        if s.odd_char_style_font:
            char = self.doc.styles.add_style("Odd Char", 2)
            _set_fonts(char.element.get_or_add_rPr(), s.odd_char_style_font)
        title = self.doc.styles.add_style("Plan Title", 1)
        title.base_style = self.doc.styles["Normal"]
        title.font.bold = True
        title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        date = self.doc.styles.add_style("Plan Date", 1)
        date.font.italic = s.date_italic
        date.font.size = Pt(self.pt["date"])
        date.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if s.theme_minor_font:
            theme = next(r.target_part for r in self.doc.part.rels.values()
                         if r.reltype.endswith("/theme"))
            root = etree.fromstring(theme.blob)
            a = "http://schemas.openxmlformats.org/drawingml/2006/main"
            root.find(f".//{{{a}}}minorFont/{{{a}}}latin").set("typeface", s.theme_minor_font)
            theme._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                         standalone=True)

    def _page(self, section: Any, *, landscape: bool) -> None:
        w, h = self.s.page_mm
        top, bottom, left, right = self.s.margins_mm
        if landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            w, h = h, w
        section.page_width, section.page_height = Mm(w), Mm(h)
        section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
        section.left_margin, section.right_margin = Mm(left), Mm(right)

    # -- page 1 header
    def _header(self) -> None:
        s, pt = self.s, self.pt
        if s.header_layout == "textboxes":
            self._header_boxes()
            return
        if s.header_layout == "tabs":
            self._header_tabs()
            return
        table = self.doc.add_table(rows=2 if s.second_row else 1, cols=2)
        if s.header_table_style:
            table.style = self.doc.styles[s.header_table_style]
        left, right = table.rows[0].cells
        low_left, low_right = table.rows[-1].cells
        first = left.paragraphs[0]
        if s.breaks:
            _add_lines(first, [(line, pt["issuer"], s.issuer_bold, None) for line in s.issuer])
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            p = first
        else:
            for n, line in enumerate(s.issuer):
                p = first if n == 0 else left.add_paragraph()
                _add_text(p, line, size=pt["issuer"], bold=s.issuer_bold, centred=True)
        if s.issuer_line == "own-border":
            _border(p)
        elif s.issuer_line in ("border", "shape"):
            line_p = left.add_paragraph()
            line_p.paragraph_format.left_indent = Cm(2)
            line_p.paragraph_format.right_indent = Cm(2)
            _border(line_p) if s.issuer_line == "border" else _line_shape(line_p)
        so_cell = low_left if s.second_row else left
        so_p = so_cell.paragraphs[0] if s.second_row else so_cell.add_paragraph()
        _add_text(so_p, s.so, size=pt["so"], italic=s.so_italic or None, centred=True)
        if s.breaks:
            qh = right.paragraphs[0]
            _add_lines(qh, [(s.quoc_hieu, pt["quoc_hieu"], True, None),
                            (s.tieu_ngu, pt["tieu_ngu"], True, None)])
            qh.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            _add_text(right.paragraphs[0], s.quoc_hieu, size=pt["quoc_hieu"], bold=True,
                      centred=True)
            tn = right.add_paragraph()
            _add_text(tn, s.tieu_ngu, size=pt["tieu_ngu"], bold=True, centred=True)
        if s.tieu_ngu_line:
            line_p = right.add_paragraph()
            line_p.paragraph_format.left_indent = Cm(2.2)
            line_p.paragraph_format.right_indent = Cm(2.2)
            _border(line_p)
        date_cell = low_right if s.second_row else right
        date_p = date_cell.paragraphs[0] if s.second_row else date_cell.add_paragraph()
        date_p.style = self.doc.styles["Plan Date"]  # italic from the style, as generated
        date_p.add_run(s.date)

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
        anchor = self.doc.add_paragraph()
        anchor._p.append(_textbox_run(1, left, 0, 7.0))
        anchor._p.append(_textbox_run(2, right, 7.5, 9.5))
        for _ in range(5):  # room for the boxes
            self.doc.add_paragraph()

    def _header_tabs(self) -> None:
        """The header typed on the page itself: two columns set by centred tab stops."""
        s, pt = self.s, self.pt
        issuer = list(s.issuer) + [""] * (2 - len(s.issuer))

        def row(left: tuple[str, float, bool | None, bool | None],
                right: tuple[str, float, bool | None, bool | None]) -> Any:
            p = self.doc.add_paragraph()
            stops = p.paragraph_format.tab_stops
            stops.add_tab_stop(Cm(3.5), WD_TAB_ALIGNMENT.CENTER)
            stops.add_tab_stop(Cm(11.5), WD_TAB_ALIGNMENT.CENTER)
            p.paragraph_format.first_line_indent = Cm(0)
            for text, size, bold, italic in (left, right):
                p.add_run().add_tab()
                if text:
                    _add_text(p, text, size=size, bold=bold, italic=italic)
            return p

        row((issuer[0], pt["issuer"], s.issuer_bold, None),
            (s.quoc_hieu, pt["quoc_hieu"], True, None))
        row((issuer[1], pt["issuer"], s.issuer_bold, None),
            (s.tieu_ngu, pt["tieu_ngu"], True, None))
        lines = self.doc.add_paragraph()
        _line_shape(lines)
        _line_shape(lines)
        row((s.so, pt["so"], None, s.so_italic or None), (s.date, pt["date"], None, True))

    def _title(self) -> None:
        pt = self.pt
        s = self.doc.add_paragraph(style="Plan Title")  # bold from the style, as generated
        if self.s.breaks:
            _add_lines(s, [(self.s.title, pt["title"], None if self.s.title_bold else False,
                            None), (self.s.trich_yeu, pt["title"], None, None)])
            ty = s
        else:
            run = s.add_run(self.s.title)
            run.font.size = Pt(pt["title"])
            if not self.s.title_bold:
                run.bold = False
            ty = self.doc.add_paragraph(style="Plan Title")
            ty.add_run(self.s.trich_yeu).font.size = Pt(pt["title"])
        s.paragraph_format.space_before = Pt(12)
        if self.s.trich_yeu_line:
            line_p = self.doc.add_paragraph()
            line_p.paragraph_format.left_indent = Cm(6)
            line_p.paragraph_format.right_indent = Cm(6)
            _border(line_p)

    # -- body
    def _body(self) -> None:
        texts = list(self.s.body)
        texts[-1:-1] = self.s.extra_body
        for text in texts:
            if text.startswith("#"):
                p = self.doc.add_paragraph(style="Plan Body")
                _add_text(p, text[1:], bold=self.s.heading_bold)
                p.paragraph_format.first_line_indent = Cm(0)
                continue
            p = self.doc.add_paragraph(style="Plan Body")
            run = _add_text(p, text)
            if self.first_ordinary:
                self.first_ordinary = False
                self._odd(p, run)

    def _odd(self, p: Any, run: Any) -> None:
        s = self.s
        pf = p.paragraph_format
        if s.odd_align:
            pf.alignment = getattr(WD_ALIGN_PARAGRAPH, s.odd_align.upper())
        if s.odd_indent_cm is not None:
            pf.first_line_indent = Cm(s.odd_indent_cm)
        if s.odd_space_after_pt is not None:
            pf.space_after = Pt(s.odd_space_after_pt)
        if s.odd_line_spacing is not None:
            pf.line_spacing = s.odd_line_spacing
        if s.odd_size_pt is not None:
            run.font.size = Pt(s.odd_size_pt)
        if s.odd_run_font:
            _set_fonts(run._r.get_or_add_rPr(), s.odd_run_font)
        if s.odd_char_style_font:
            run.style = self.doc.styles["Odd Char"]
        if s.odd_colour:
            run.font.color.rgb = RGBColor.from_string(s.odd_colour)
        if s.odd_theme_colour:
            color = OxmlElement("w:color")
            color.set(qn("w:val"), "4F81BD")
            color.set(qn("w:themeColor"), s.odd_theme_colour)
            run._r.get_or_add_rPr().append(color)

    # -- Nơi nhận and signature
    def _closing(self) -> None:
        s, pt = self.s, self.pt
        table = self.doc.add_table(rows=1, cols=2)
        if s.signature_table_style:
            table.style = self.doc.styles[s.signature_table_style]
        left, right = table.rows[0].cells
        lines = [*s.signer, "", "", "", s.signer_name]
        if s.breaks:
            _add_lines(left.paragraphs[0], [(line, pt["noi_nhan"], True, s.noi_nhan_italic)
                                            if n == 0 else (line, pt["noi_nhan_item"], None, None)
                                            for n, line in enumerate(s.noi_nhan)])
            sign = right.paragraphs[0]
            _add_lines(sign, [(line, pt["signer"], True, None) for line in lines])
            sign.alignment = WD_ALIGN_PARAGRAPH.CENTER
            return
        for n, line in enumerate(s.noi_nhan):
            p = left.paragraphs[0] if n == 0 else left.add_paragraph()
            if n == 0:
                _add_text(p, line, size=pt["noi_nhan"], bold=True, italic=s.noi_nhan_italic)
            else:
                _add_text(p, line, size=pt["noi_nhan_item"])
        for n, line in enumerate(lines):
            p = right.paragraphs[0] if n == 0 else right.add_paragraph()
            if line:
                _add_text(p, line, size=pt["signer"], bold=True, centred=True)

    # -- appendix
    def _appendix(self) -> None:
        s = self.s
        if s.appendix_new_section:
            section = self.doc.add_section(WD_SECTION.NEW_PAGE)
            self._page(section, landscape=s.appendix_landscape)
            if s.appendix_restart:
                pg = OxmlElement("w:pgNumType")
                pg.set(qn("w:start"), "1")
                section._sectPr.append(pg)
        head = self.doc.add_paragraph()
        if s.breaks:
            _add_lines(head, [(s.appendix_heading, self.pt["appendix_heading"],
                               s.appendix_heading_bold, None),
                              (s.appendix_title, self.pt["body"], True, None),
                              (s.kem_theo, self.pt["body"], None, True)])
            head.alignment = WD_ALIGN_PARAGRAPH.CENTER
            kem = head
        else:
            _add_text(head, s.appendix_heading, size=self.pt["appendix_heading"],
                      bold=s.appendix_heading_bold, centred=True)
            title = self.doc.add_paragraph()
            _add_text(title, s.appendix_title, bold=True, centred=True)
            kem = self.doc.add_paragraph()
            _add_text(kem, s.kem_theo, italic=True, centred=True)
        if s.kem_theo_line:
            line_p = self.doc.add_paragraph()
            line_p.paragraph_format.left_indent = Cm(10)
            line_p.paragraph_format.right_indent = Cm(10)
            _border(line_p)
        self._task_table()

    def _task_table(self) -> None:
        rows = self.s.tasks
        table = self.doc.add_table(rows=len(rows), cols=6)
        table.style = self.doc.styles["Table Grid"]
        for row, values in zip(table.rows, rows, strict=True):
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(OxmlElement("w:cantSplit"))
            if values[0] == "TT":
                tr_pr.append(OxmlElement("w:tblHeader"))
            group = not values[0].isdigit() and values[0] != "TT"
            if group:
                cell = row.cells[1].merge(row.cells[5])
                _add_text(row.cells[0].paragraphs[0], values[0], size=13, bold=True)
                _add_text(cell.paragraphs[0], values[1], size=13, bold=True)
                continue
            for cell, value in zip(row.cells, values, strict=True):
                _add_text(cell.paragraphs[0], value, size=13, bold=values[0] == "TT" or None)

    # -- page headers
    def _headers(self) -> None:
        s = self.s
        sections = self.doc.sections
        first = sections[0]
        first.different_first_page_header_footer = s.title_page
        self._number(first.footer if s.page_field == "footer" else first.header)
        if s.title_page:
            fh = first.first_page_header
            fh.is_linked_to_previous = False
            if s.first_header_text == "PAGE":
                p = fh.paragraphs[0]
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _page_field(p, "simple", 13)
            elif s.first_header_text:
                fh.paragraphs[0].add_run(s.first_header_text)
        if len(sections) > 1:
            second = sections[1]
            second.different_first_page_header_footer = True
            second.header.is_linked_to_previous = False
            self._number(second.footer if s.page_field == "footer" else second.header)

    def _number(self, part: Any) -> None:
        part.is_linked_to_previous = False
        if self.s.page_field == "none":
            return
        p = part.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        kind = "simple" if self.s.page_field == "footer" else self.s.page_field
        _page_field(p, kind, self.pt["page"])
