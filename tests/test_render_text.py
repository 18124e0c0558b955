"""Line breaks are kept, list items start with a capital, and no raw newline is left in text.

A newline becomes a new paragraph in a cell or a body paragraph, or ``w:br`` inside a run
(the task text, one-line values); nothing is left for LibreOffice to run together.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from typing import Any

import pytest

from kehoach_gen.adapt import Para, Row, UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.render.text import cell_lines, inline, runs

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import LazyTemplate, appendix_table, open_docx, texts

TEMPLATE = LazyTemplate(REPO / "templates" / "ke_hoach.docx")
RAW_NEWLINE = re.compile(r"<w:t(?:\s[^>]*)?>[^<]*\n")


def mini(**changes: Any) -> UnitPlan:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return adapt(CityTemplate.model_validate(parse_yaml(MINI_CITY)), UnitProfile.model_validate(data))


def document_xml(data: bytes) -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")


# -- cell lines ------------------------------------------------------------------------------


def test_one_item_is_one_paragraph_without_a_bullet_and_with_a_capital() -> None:
    assert cell_lines(["các tổ dân phố"]) == ("Các tổ dân phố",)


def test_several_items_get_bullets_and_capitals() -> None:
    assert cell_lines(["Công an xã", "các trường học", "đoàn thể"]) == (
        "- Công an xã", "- Các trường học", "- Đoàn thể")


def test_an_item_on_several_lines_becomes_several_paragraphs_keeping_its_marks() -> None:
    task7 = "Các hoạt động tổ chức thi hành pháp luật:\n+ Hướng dẫn áp dụng pháp luật;\n+ tập huấn, bồi dưỡng;"
    assert cell_lines(["Kế hoạch", task7]) == (
        "- Kế hoạch", "- Các hoạt động tổ chức thi hành pháp luật:", "+ Hướng dẫn áp dụng pháp luật;",
        "+ Tập huấn, bồi dưỡng;")


def test_an_item_that_has_its_own_mark_keeps_it_and_blank_lines_go() -> None:
    assert cell_lines(["- các trường học", "+ các doanh nghiệp\r\n\r\n  và khác "]) == (
        "- Các trường học", "+ Các doanh nghiệp", "và khác")
    assert cell_lines([]) == ("",)


def test_inline_text_is_escaped_and_breaks_are_xml() -> None:
    assert inline('a & <b> "c"\nd', {}) == 'a &amp; &lt;b&gt; "c"</w:t><w:br/><w:t xml:space="preserve">d'
    assert "\n" not in runs("x\ny\r\nz", {})
    assert runs("x\ny", {}).count("<w:br/>") == 1


def test_characters_xml_forbids_are_dropped() -> None:
    assert inline("a\x00b\x07c\x1bd\ufffe", {}) == "abcd"


# -- rendered documents ----------------------------------------------------------------------


def _with_lines(plan: UnitPlan) -> UnitPlan:
    """The MINI plan with task 7's outputs and Lê Chân task 21's text, as the issue quotes them."""
    body = (*plan.body, Para("text", "- Dòng một;\n- dòng hai."))
    if plan.appendix is None:
        return dataclasses.replace(plan, body=(*body, Para("text", "- Tăng cường;\n- Phối hợp.", "a)")))
    rows = list(plan.appendix.rows)
    i = next(k for k, r in enumerate(rows) if r.kind == "task")
    rows[i] = dataclasses.replace(
        rows[i], text="- Tăng cường tuyên truyền;\n- Phối hợp tổ chức PBGDPL;\n- Phát huy vai trò hòa giải.",
        outputs=("Kế hoạch", "Các hoạt động:\n+ Hướng dẫn áp dụng pháp luật;\n+ Tập huấn, bồi dưỡng nghiệp vụ;"),
        coop=("các trường học", "các doanh nghiệp"))
    return dataclasses.replace(plan, body=body, appendix=dataclasses.replace(plan.appendix, rows=tuple(rows)))


def test_cells_keep_their_lines_as_paragraphs() -> None:
    doc = open_docx(TEMPLATE.render(_with_lines(mini())))
    row = appendix_table(doc).rows[2]
    assert [p.text for p in row.cells[4].paragraphs] == [
        "- Kế hoạch", "- Các hoạt động:", "+ Hướng dẫn áp dụng pháp luật;", "+ Tập huấn, bồi dưỡng nghiệp vụ;"]
    assert [p.text for p in row.cells[3].paragraphs] == ["- Các trường học", "- Các doanh nghiệp"]
    # the task text keeps its three lines (line breaks inside its paragraph)
    assert row.cells[1].paragraphs[0].text == (
        "- Tăng cường tuyên truyền;\n- Phối hợp tổ chức PBGDPL;\n- Phát huy vai trò hòa giải.")


def test_a_body_paragraph_on_several_lines_becomes_paragraphs_of_its_style() -> None:
    doc = open_docx(TEMPLATE.render(_with_lines(mini())))
    lines = texts(doc)
    i = lines.index("- Dòng một;")
    assert lines[i + 1] == "- dòng hai."
    assert doc.paragraphs[i].style.name == doc.paragraphs[i + 1].style.name == "KH Noi dung"


@pytest.mark.parametrize("layout", ["appendix", "inline"])
def test_no_raw_newline_is_left_in_any_text(layout: str) -> None:
    xml = document_xml(TEMPLATE.render(_with_lines(mini(task_layout=layout))))
    assert not RAW_NEWLINE.search(xml)


def test_no_raw_newline_in_the_bundled_plans() -> None:
    from kehoach_gen.validate import load_city, load_profile

    city, _ = load_city(REPO / "city_template.yaml")
    count = 0
    for stem in ("tan_an", "le_chan", "cat_hai"):
        profile, _ = load_profile(REPO / "unit_profiles" / f"{stem}.yaml", city)
        for layout in ("appendix", "inline"):
            p = profile.model_copy(update={"task_layout": layout})
            xml = document_xml(TEMPLATE.render(adapt(city, p, draft=True)))
            count += len(RAW_NEWLINE.findall(xml))
            if layout == "appendix" and stem == "le_chan":
                assert xml.count("<w:br/>") >= 2  # task 21's three lines
    assert count == 0


def test_a_row_text_with_a_marker_and_a_break() -> None:
    plan = mini()
    assert plan.appendix is not None
    rows = tuple(dataclasses.replace(r, text="Dòng một\ndòng hai[^ba_tot]") if r.task_id == "B01" else r
                 for r in plan.appendix.rows)
    data = TEMPLATE.render(dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows)))
    cell = appendix_table(open_docx(data)).rows[7].cells[1].paragraphs[0]
    assert cell.text == "Dòng một\ndòng hai"
    assert cell._p.xml.count("footnoteReference") == 1


def test_rows_that_are_not_tasks_render_their_text() -> None:
    plan = mini()
    assert plan.appendix is not None
    note = Row(kind="note", number="", text="Giới thiệu\nhai dòng")
    rows = (plan.appendix.rows[0], note, *plan.appendix.rows[1:])
    data = TEMPLATE.render(dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows)))
    table = appendix_table(open_docx(data))
    assert table.rows[2].cells[1].text == "Giới thiệu\nhai dòng"
