"""Build templates/ke_hoach.docx: the Word template of a unit's plan.

The template is an ordinary Word file with docxtpl tags; a person may restyle it in Word (the
styles "KH …" carry all formatting). This script is how it was made, so it can be made again:

    python scripts/make_templates.py

Layout per Nghị định 30/2020 (see ../shared/docs/nd30-format.md): A4 portrait body, margins
20/20/30/15 mm, header table, page numbers in the header from page 2; the appendix is a
landscape section with its own page numbering restarting at 1.
"""

from __future__ import annotations

import io
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

FONT = "Times New Roman"
OUT = Path(__file__).resolve().parents[1] / "templates" / "ke_hoach.docx"


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
    _style(doc, "KH Dau trang", size=13, align=C, after=0, line=1.0)
    _style(doc, "KH Chu thich", size=10, align=J, after=0, line=1.0)


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
    table = doc.add_table(rows=8, cols=6)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, widths)
    head = table.rows[0]
    for i, cell in enumerate(head.cells):
        _cell(cell, [("{{ appendix.columns[" + str(i) + "] }}", "KH Bang dam giua")])
    _row_flags(head, header=True)
    control = {1: "{%tr for row in appendix.rows %}", 2: "{%tr if row.spans %}",
               4: "{%tr elif row.kind == 'section_task' %}", 6: "{%tr else %}"}
    for idx, tag in control.items():
        _cell(table.rows[idx].cells[0], [(tag, "KH Bang")])
    # group / section title row: number + title across the other five columns
    grp = table.rows[3]
    _span(grp, 1, 5)
    _cell(grp.cells[0], [("{{ row.number }}", "KH Bang dam giua")])
    _cell(grp.cells[1], [("{{r row.rich }}", "KH Bang dam")])
    _row_flags(grp)

    def task_cells(row, text_style, number_style):
        _cell(row.cells[0], [("{{ row.number }}", number_style)])
        _cell(row.cells[1], [("{{r row.rich }}", text_style)])
        for col, attr in ((2, "lead"), (3, "coop"), (4, "outputs"), (5, "deadline")):
            _cell(row.cells[col], [
                ("{%p for line in row.cells." + attr + " %}", "KH Bang"),
                ("{{ line }}", "KH Bang"),
                ("{%p endfor %}", "KH Bang"),
            ])
        _row_flags(row)

    task_cells(table.rows[5], "KH Bang dam", "KH Bang dam giua")
    task_cells(table.rows[7], "KH Bang", "KH Bang giua")
    # close the conditionals and the loop: one more control row
    end = table.add_row()
    _cell(end.cells[0], [("{%tr endif %}", "KH Bang")])
    end2 = table.add_row()
    _cell(end2.cells[0], [("{%tr endfor %}", "KH Bang")])

    _para(doc, "{%p for note in footnote_list %}", "KH Chu thich")
    _para(doc, "{{r note }}", "KH Chu thich")
    _para(doc, "{%p endfor %}", "KH Chu thich")
    _para(doc, "{%p endif %}", "KH Noi dung")

    buf = io.BytesIO()
    doc.core_properties.title = "Kế hoạch"
    doc.core_properties.author = "kehoach-gen"
    doc.save(buf)
    return buf.getvalue()


def main() -> int:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = build()
    # normalise zip timestamps so the file only changes when its content does
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(zi, src.read(info.filename))
    OUT.write_bytes(out.getvalue())
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
