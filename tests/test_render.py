"""The rendered document, reopened with python-docx: text, tables, sections, formatting."""

from __future__ import annotations

from typing import Any

import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from kehoach_gen.adapt import adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.pipeline import TEMPLATE_NAME
from kehoach_gen.render import read_properties

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import (
    LazyTemplate,
    all_text,
    appendix_table,
    effective,
    grid_span,
    open_docx,
    paragraph,
    table_rows,
    texts,
)

TEMPLATE = LazyTemplate(REPO / "templates" / TEMPLATE_NAME)


def render(city_text: str = MINI_CITY, **changes: Any) -> bytes:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    plan = adapt(CityTemplate.model_validate(parse_yaml(city_text)), UnitProfile.model_validate(data))
    return TEMPLATE.render(plan)


@pytest.fixture(scope="module")
def doc() -> Any:
    return open_docx(render())


def test_header_table_holds_issuer_motto_number_and_date(doc: Any) -> None:
    header = doc.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs]
    right = [p.text for p in header.cell(0, 1).paragraphs]
    assert left[:2] == ["ỦY BAN NHÂN DÂN", "XÃ TÂN AN"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(1, 0).text == "Số:       /KH-UBND"
    assert header.cell(1, 1).text == "Tân An, ngày        tháng 5 năm 2026"
    issuer = header.cell(0, 0).paragraphs[1]
    assert effective(issuer, "bold") is True
    assert effective(issuer, "size") == Pt(13)
    date = header.cell(1, 1).paragraphs[0]
    assert effective(date, "italic") is True
    assert effective(date, "size") == Pt(14)
    # the short lines: an empty bordered paragraph under the issuer and under the tiêu ngữ
    for cell in (header.cell(0, 0), header.cell(0, 1)):
        rule = cell.paragraphs[2]
        assert rule.text == ""
        assert rule.style.element.find(qn("w:pPr") + "/" + qn("w:pBdr")) is not None


def test_issuer_rule_is_a_third_to_a_half_of_the_text(doc: Any) -> None:
    cell = doc.tables[0].cell(0, 0)
    rule = cell.paragraphs[2]
    cell_cm = Cm(6.5)
    ind = rule.paragraph_format
    length = cell_cm - ind.left_indent - ind.right_indent
    # "ỦY BAN NHÂN DÂN" in 13 pt bold is about 4.3 cm wide
    assert Cm(4.3) / 3 <= length <= Cm(4.3) / 2


def test_title_body_and_closing(doc: Any) -> None:
    lines = texts(doc)
    assert lines[0] == "KẾ HOẠCH"
    assert lines[1] == "Triển khai thực hiện Đề án trên địa bàn xã Tân An"
    assert "I. MỤC ĐÍCH, YÊU CẦU" in lines
    assert "- Xây dựng xã Tân An văn minh." in lines
    assert "Trên đây là Kế hoạch của Ủy ban nhân dân xã Tân An./." in lines
    body = paragraph(doc, "- Xây dựng xã Tân An văn minh.")
    assert body.paragraph_format.alignment or body.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert body.style.paragraph_format.first_line_indent == Cm(1.27)
    assert body.style.paragraph_format.space_after == Pt(6)
    assert effective(body, "size") == Pt(14)
    heading = paragraph(doc, "I. MỤC ĐÍCH, YÊU CẦU")
    assert effective(heading, "bold") is True


def test_noi_nhan_and_signer(doc: Any) -> None:
    sign = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    left = [p.text for p in sign.cell(0, 0).paragraphs]
    assert left == ["Nơi nhận:", "- Sở Tư pháp thành phố;", "- Thường trực Đảng ủy xã;",
                    "- Thường trực HĐND xã;", "- Cổng thông tin điện tử xã;", "- Lưu: VT, VP."]
    title = sign.cell(0, 0).paragraphs[0]
    assert effective(title, "bold") and effective(title, "italic") and effective(title, "size") == Pt(12)
    assert effective(sign.cell(0, 0).paragraphs[1], "size") == Pt(11)
    right = [p.text for p in sign.cell(0, 1).paragraphs if p.text]
    assert right == ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Minh Ngạn"]
    assert all(effective(p, "bold") for p in sign.cell(0, 1).paragraphs if p.text)


def mm(*lengths: Any) -> tuple[int, ...]:
    return tuple(round(x.mm) for x in lengths)


def test_sections_portrait_body_landscape_appendix(doc: Any) -> None:
    body, appendix = doc.sections
    assert body.orientation == WD_ORIENT.PORTRAIT
    assert mm(body.page_width, body.page_height) == (210, 297)
    assert mm(body.top_margin, body.bottom_margin, body.left_margin, body.right_margin) == (
        20, 20, 30, 15)
    assert appendix.orientation == WD_ORIENT.LANDSCAPE
    assert mm(appendix.page_width, appendix.page_height) == (297, 210)
    for section in (body, appendix):
        assert section.different_first_page_header_footer
        assert "PAGE" in section.header._element.xml
        assert "PAGE" not in section.first_page_header._element.xml
    start = appendix._sectPr.find(qn("w:pgNumType"))
    assert start is not None and start.get(qn("w:start")) == "1"


def test_appendix_heading_and_kem_theo(doc: Any) -> None:
    lines = texts(doc)
    i = lines.index("Phụ lục")
    assert lines[i + 1] == "PHÂN CÔNG NHIỆM VỤ"
    assert lines[i + 2] == (
        "(Kèm theo Kế hoạch số       /KH-UBND ngày        tháng 5 năm 2026 của Ủy ban nhân dân xã Tân An)")
    assert effective(paragraph(doc, "Phụ lục"), "bold") is True
    assert effective(doc.paragraphs[i + 2], "italic") is True


def test_appendix_table_rows(doc: Any) -> None:
    table = appendix_table(doc)
    rows = table_rows(table)
    assert rows[0] == ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
                       "Sản phẩm đầu ra", "Tiến độ thực hiện"]
    assert rows[1] == ["A", "NHIỆM VỤ CHUNG"]
    assert rows[2] == ["1", "Chỉ đạo chung", "Các phòng chuyên môn, đơn vị thuộc xã", "Công an xã", "",
                       "Thường xuyên"]
    assert rows[4] == ["B", "NHIỆM VỤ CỤ THỂ"]
    assert rows[5][:2] == ["I", "Ban hành Bộ tiêu chí “Xã thượng tôn”"]
    assert rows[6] == ["II", "Thể chế trên địa bàn xã (02 nhiệm vụ)"]
    assert rows[7][:4] == [
        "1", "Rà soát “năm tốt”", "Văn phòng HĐND và UBND (Trung tâm Trợ giúp pháp lý Nhà nước thành phố)",
        "- Các phòng chuyên môn, đơn vị thuộc xã\n- Ủy ban MTTQ Việt Nam và các đoàn thể"]
    assert len(rows) == 11


def test_group_rows_span_and_are_bold_header_repeats_rows_do_not_split(doc: Any) -> None:
    table = appendix_table(doc)
    head = table.rows[0]._tr
    assert head.trPr.find(qn("w:tblHeader")) is not None
    for row in table.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    group = table.rows[1]
    assert grid_span(group.cells[1]) == 5
    assert effective(group.cells[1].paragraphs[0], "bold") is True
    assert effective(table.rows[5].cells[1].paragraphs[0], "bold") is True  # I: a task as heading
    assert effective(table.rows[2].cells[1].paragraphs[0], "bold") is not True


def test_footnote_marker_is_a_superscript_reference_and_the_note_a_real_footnote(doc: Any) -> None:
    # The note used to be printed under the table ("1 Mô hình …" in the body, pages away from
    # its marker); it is now a Word footnote at the foot of the marker's page.
    cell = appendix_table(doc).rows[7].cells[1].paragraphs[0]
    refs = [r for r in cell.runs if r._r.find(qn("w:footnoteReference")) is not None]
    assert len(refs) == 1 and refs[0].text == ""
    assert refs[0].style.name == "footnote reference" and refs[0].style.font.superscript is True
    assert cell.runs[-1]._r is refs[0]._r  # right after "Rà soát “năm tốt”"
    note_id = refs[0]._r.find(qn("w:footnoteReference")).get(qn("w:id"))
    notes = doc.part.part_related_by(RT.FOOTNOTES).blob.decode("utf-8")
    assert f'w:id="{note_id}"' in notes and "<w:footnoteRef/>" in notes
    assert " Mô hình ba tốt: Nội dung tốt, hình thức tốt, hiệu quả tốt." in notes
    assert not any("Mô hình ba tốt" in t for t in texts(doc))


def test_no_leftover_tags_anywhere(doc: Any) -> None:
    text = all_text(doc)
    for tag in ("{{", "}}", "{%", "%}", "[^"):
        assert tag not in text


def test_special_characters_appear_as_typed() -> None:
    nasty = 'Công an & <Ban> "Chỉ huy" \'X\' 10 > 5'
    data = render(departments={"cong_an": nasty}, name="Tân An")
    doc = open_docx(data)
    table = appendix_table(doc)
    assert table.rows[2].cells[3].text == nasty


def test_inline_layout_has_one_portrait_section_and_tasks_in_body() -> None:
    doc = open_docx(render(task_layout="inline"))
    assert len(doc.sections) == 1
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    lines = texts(doc)
    assert "a) Chỉ đạo chung" in lines
    assert "- Đơn vị chủ trì: Các phòng chuyên môn, đơn vị thuộc xã." in lines
    assert "Phụ lục" not in lines
    assert not any(t.rows[0].cells[0].text == "TT" for t in doc.tables)


def test_properties_are_recorded() -> None:
    plan = adapt(CityTemplate.model_validate(parse_yaml(MINI_CITY)),
                 UnitProfile.model_validate(parse_yaml(MINI_PROFILE)))
    data = TEMPLATE.render(plan, {"kehoach-gen:inputs": "abc & <d>"})
    props = read_properties(data)
    assert props["kehoach-gen:inputs"] == "abc & <d>"
    assert len(props["kehoach-gen:content"]) == 64
    open_docx(data)  # still opens


def test_short_lines_under_trich_yeu_and_kem_theo(doc: Any) -> None:
    lines = texts(doc)
    for above in ("Triển khai thực hiện Đề án trên địa bàn xã Tân An",
                  "(Kèm theo Kế hoạch số       /KH-UBND ngày        tháng 5 năm 2026 của Ủy ban nhân dân xã Tân An)"):
        rule = doc.paragraphs[lines.index(above) + 1]
        assert rule.text == "" and rule.style.name == "KH Gach ngang"
        ind = rule.paragraph_format
        assert ind.left_indent is not None and ind.left_indent == ind.right_indent
        assert ind.left_indent > Cm(2)  # a short centred line, not the page's width
