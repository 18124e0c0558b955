"""Appendix pagination in the document: title rows stay with the row below them, short task
rows never split, tall ones may, the header row repeats; the geometry comes from the template."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from kehoach_gen.adapt import Row, UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.render import CompiledTemplate, context
from kehoach_gen.render.context import DEFAULT_GEOMETRY, RowGeometry
from kehoach_gen.render.layout import drop_last_section

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import LazyTemplate, appendix_table, open_docx, style_value

TEMPLATE = LazyTemplate(REPO / "templates" / "ke_hoach.docx")
LONG = "Tổ chức tuyên truyền, phổ biến, giáo dục pháp luật cho cán bộ, công chức và Nhân dân trên địa bàn. "


def mini(**changes: Any) -> UnitPlan:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return adapt(CityTemplate.model_validate(parse_yaml(MINI_CITY)), UnitProfile.model_validate(data))


def with_tall_task(plan: UnitPlan) -> UnitPlan:
    assert plan.appendix is not None
    rows = tuple(dataclasses.replace(r, text=LONG * 12) if r.task_id == "A2" else r for r in plan.appendix.rows)
    return dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows))


def keeps_with_next(paragraph: Any) -> bool:
    return bool(style_value(paragraph.style, lambda style: style.paragraph_format.keep_with_next))


def test_title_rows_keep_with_the_next_row_through_their_styles() -> None:
    table = appendix_table(open_docx(TEMPLATE.render(mini())))
    kinds = [r.kind for r in mini().rows()]
    for kind, row in zip(kinds, table.rows[1:], strict=True):
        paragraphs = [p for cell in row.cells for p in cell.paragraphs]
        if kind in ("group", "section", "note"):
            # LibreOffice reads the first paragraph of the first cell, Word every paragraph
            assert all(keeps_with_next(p) for p in paragraphs), kind
            assert paragraphs[0].paragraph_format.keep_with_next is None  # the style decides: restylable
        else:
            assert not any(keeps_with_next(p) for p in paragraphs), kind


def _with_closing(closing: str | None, layout: str) -> UnitPlan:
    city = parse_yaml(MINI_CITY)
    if closing is None:
        del city["body"]["closing"]
    else:
        city["body"]["closing"] = closing
    profile = UnitProfile.model_validate({**parse_yaml(MINI_PROFILE), "task_layout": layout})
    return adapt(CityTemplate.model_validate(city), profile)


def _before_signature(plan: UnitPlan, count: int) -> list[Paragraph]:
    """The ``count`` paragraphs right before the table of Nơi nhận and the signature, whose
    row must not split."""
    doc = open_docx(TEMPLATE.render(plan))
    sign = next(t for t in doc.tables if t.cell(0, 0).text.startswith("Nơi nhận"))
    row = sign.rows[0]._tr
    assert row.trPr is not None and row.trPr.find(qn("w:cantSplit")) is not None
    body = list(doc.element.body.iterchildren())
    at = body.index(sign._tbl)
    assert [el.tag for el in body[at - count:at]] == [qn("w:p")] * count
    return [Paragraph(el, doc._body) for el in body[at - count:at]]


@pytest.mark.parametrize("layout", ["appendix", "inline"])
@pytest.mark.parametrize("closing", ["Trên đây là Kế hoạch của {{ ubnd }}./.", None])
def test_the_last_paragraph_of_the_text_keeps_to_the_page_of_the_signature(closing: str | None,
                                                                           layout: str) -> None:
    """The last paragraph of the body keeps with the table of Nơi nhận and the signature: the
    city's closing ("Trên đây là Kế hoạch …"), or, in a plan without one, the last paragraph of
    its last section. No page holds a signature and nothing of the text. Only that paragraph:
    the body before it flows as it will."""
    plan = _with_closing(closing, layout)
    assert plan.body[-1].kind == "closing"
    assert plan.body[-1].text == ("Trên đây là Kế hoạch của Ủy ban nhân dân xã Tân An./." if closing
                                  else "- Vận động.")
    before = _before_signature(plan, 2)
    assert before[-1].text == plan.body[-1].text
    assert keeps_with_next(before[-1])
    assert before[-1].paragraph_format.keep_with_next is None  # the style decides: restylable
    # the one before it keeps with it only if it is a heading (as every heading does)
    assert keeps_with_next(before[0]) == before[0].style.name.startswith("KH Muc"), before[0].text
    assert before[0].style.name.startswith("KH Muc") == (closing is None)


def test_of_a_closing_paragraph_on_several_lines_the_last_line_goes_with_the_signature() -> None:
    plan = _with_closing("Trên đây là Kế hoạch của {{ ubnd }}.\nĐề nghị các phòng\nthực hiện./.", "appendix")
    lines = _before_signature(plan, 4)
    assert [p.text for p in lines[1:]] == ["Trên đây là Kế hoạch của Ủy ban nhân dân xã Tân An.",
                                           "Đề nghị các phòng", "thực hiện./."]
    assert [keeps_with_next(p) for p in lines] == [False, False, False, True]


def test_a_template_that_does_not_know_the_closing_paragraph_writes_it_as_text(tmp_path: Path) -> None:
    """A template written before ``para.closing`` (its body loop knows h1, h2, h3 and text, and
    may name "text" without an ``else``) still writes the closing paragraph, as body text."""
    data = (REPO / "templates" / "ke_hoach.docx").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    xml = parts["word/document.xml"].decode("utf-8")
    branch = re.compile(r"<w:p>(?:(?!<w:p>).)*?\{%p elif para\.closing %\}.*?</w:p><w:p>.*?</w:p>")
    assert len(branch.findall(xml)) == 1
    xml = branch.sub("", xml).replace("{%p else %}", "{%p elif para.kind == 'text' %}")
    assert "closing" not in xml and "{%p else %}" not in xml
    parts["word/document.xml"] = xml.encode("utf-8")
    old = tmp_path / "old.docx"
    with zipfile.ZipFile(old, "w", zipfile.ZIP_DEFLATED) as out:
        for name, part in parts.items():
            out.writestr(name, part)
    plan = mini()
    doc = open_docx(CompiledTemplate(old).render(plan))
    sign = next(t for t in doc.tables if t.cell(0, 0).text.startswith("Nơi nhận"))
    before = sign._tbl.getprevious()
    closing = Paragraph(before, doc._body)
    assert closing.text == plan.body[-1].text and closing.style.name == "KH Noi dung"
    assert not keeps_with_next(closing)


def test_short_rows_do_not_split_a_tall_task_may_and_the_header_repeats() -> None:
    plan = with_tall_task(mini())
    table = appendix_table(open_docx(TEMPLATE.render(plan)))
    head = table.rows[0]._tr.trPr
    assert head.find(qn("w:tblHeader")) is not None and head.find(qn("w:cantSplit")) is not None
    tall = [r.task_id for r in context(plan, TEMPLATE.geometry)["appendix"].rows if r.tall]
    assert tall == ["A2"]
    for row, plan_row in zip(table.rows[1:], plan.rows(), strict=True):
        tr_pr = row._tr.trPr
        splits = tr_pr is None or tr_pr.find(qn("w:cantSplit")) is None
        assert splits == (plan_row.task_id == "A2"), plan_row


def test_a_tall_section_task_stays_bold() -> None:
    plan = mini()
    assert plan.appendix is not None
    rows = tuple(dataclasses.replace(r, text=LONG * 12) if r.kind == "section_task" else r
                 for r in plan.appendix.rows)
    plan = dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows))
    table = appendix_table(open_docx(TEMPLATE.render(plan)))
    row = table.rows[5]
    assert row.cells[0].text == "I"
    assert row.cells[1].paragraphs[0].style.name == "KH Bang dam"
    assert row._tr.trPr is None or row._tr.trPr.find(qn("w:cantSplit")) is None


def test_the_geometry_is_read_from_the_template() -> None:
    g = TEMPLATE.geometry
    # the template's grid (1.3, 9.2, 4.0, 4.6, 3.6, 2.9 cm) less the cells' 2 × 0.19 cm margins
    assert g.widths["text"] == pytest.approx((5216 - 216) / 20)
    assert g.widths["deadline"] == pytest.approx((1644 - 216) / 20)
    assert set(g.widths) == {"number", "text", "lead", "coop", "outputs", "deadline"}
    assert g.size_pt == 12 and g.spacing_pt == 4
    # landscape A4 less 20 mm top and bottom, a third of it
    assert g.split_above_pt == pytest.approx((11906 - 2 * 1134) / 20 / 3)


def test_a_third_of_the_page_is_the_line_between_short_and_tall() -> None:
    g = RowGeometry()
    per_line = g.widths["text"] / (12 * 0.5 * 1.08)
    lines_allowed = int((g.split_above_pt - g.spacing_pt) // (12 * 1.15))
    assert not g.tall("x" * int(per_line * lines_allowed), {})
    assert g.tall("x" * int(per_line * (lines_allowed + 1)), {})
    assert g.tall("ngắn", {"coop": ["- Một đơn vị"] * 12})
    assert not g.tall("ngắn", {"coop": ["- Một đơn vị"] * 8})
    assert RowGeometry() == DEFAULT_GEOMETRY


def test_a_row_is_tall_by_any_of_its_cells() -> None:
    plan = mini()
    assert plan.appendix is not None
    long_coop = tuple(f"Đơn vị số {i}" for i in range(14))
    rows = tuple(dataclasses.replace(r, coop=long_coop) if r.task_id == "A1" else r for r in plan.appendix.rows)
    plan = dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows))
    assert [r.tall for r in context(plan)["appendix"].rows if r.is_task][:2] == [True, False]


def test_the_inline_layout_drops_the_landscape_section() -> None:
    doc = open_docx(TEMPLATE.render(mini(task_layout="inline")))
    assert len(doc.sections) == 1
    body = doc.element.body
    assert body[-1].tag == qn("w:sectPr")
    assert body[-1].find(qn("w:pgSz")).get(qn("w:orient")) in (None, "portrait")
    assert not [p for p in body.iter(qn("w:pPr")) if p.find(qn("w:sectPr")) is not None]


def test_drop_last_section_keeps_a_holder_paragraph_with_text() -> None:
    body = ('<w:body><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:pPr><w:sectPr><w:pgSz w:w="1"/></w:sectPr>'
            '</w:pPr><w:r><w:t>kept</w:t></w:r></w:p><w:p><w:r><w:t>gone</w:t></w:r></w:p>'
            '<w:sectPr><w:pgSz w:w="2"/></w:sectPr></w:body>')
    assert drop_last_section(body) == (
        '<w:body><w:p><w:r><w:t>a</w:t></w:r></w:p><w:p><w:pPr></w:pPr><w:r><w:t>kept</w:t></w:r></w:p>'
        '<w:sectPr><w:pgSz w:w="1"/></w:sectPr></w:body>')
    one = '<w:body><w:p/><w:sectPr/></w:body>'
    assert drop_last_section(one) == one


def test_rows_of_every_kind_render() -> None:
    plan = mini()
    assert plan.appendix is not None
    rows = (*plan.appendix.rows, Row("section", "IV", "Mục mới"), Row("note", "", "Ghi chú"),
            Row("task", "9", "Việc cuối", task_id="Z", lead=("Công an xã",)))
    plan = dataclasses.replace(plan, appendix=dataclasses.replace(plan.appendix, rows=rows))
    table = appendix_table(open_docx(TEMPLATE.render(plan)))
    assert [r.cells[0].text for r in table.rows[-3:]] == ["IV", "", "9"]
