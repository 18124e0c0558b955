"""A loop body that reads only its item is written once per item; any other loop as it was."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kehoach_gen.pipeline import Project, plan_unit
from kehoach_gen.render import CompiledTemplate, sandbox

from .conftest import REPO

TEMPLATE = REPO / "templates" / "ke_hoach.docx"
PROFILES = sorted((REPO / "unit_profiles").glob("*.yaml"))
NGHE_AN = REPO / "examples" / "nghe_an_cds"


def split(source: str) -> list[str]:
    env = sandbox.environment(None, str)
    tree = env.parse(source)
    return [var for var, _ in sandbox.split_loops(tree)]


@pytest.mark.parametrize(("source", "kept"), [
    ("{% for x in a %}<p>{{ x }}</p>{% endfor %}", ["x"]),
    ("{% for x in a %}{{ x.b|upper }}{% if x.c %}c{% endif %}{% endfor %}", ["x"]),
    ("{% for x in a %}{{ loop.index }}{{ x }}{% endfor %}", []),
    ("{% for x in a %}{{ title }}{{ x }}{% endfor %}", []),
    ("{% for x in a %}{{ x }}{% else %}trống{% endfor %}", []),
    ("{% for x, y in a %}{{ x }}{% endfor %}", []),
    # an inner loop's own variable and its `loop` belong to it
    ("{% for x in a %}{% for y in x.b %}{{ loop.index }}{{ y }}{% endfor %}{% endfor %}", ["x"]),
    # a name read after the inner loop that bound it is an outer one: only the inner loop is kept
    ("{% for x in a %}{% for y in x.b %}{{ y }}{% endfor %}{{ y }}{% endfor %}", ["y"]),
    ("{% if a %}{% for x in a %}{{ x }}{% endfor %}{% endif %}{% for z in b %}{{ z }}{% endfor %}", ["x", "z"]),
])
def test_only_a_loop_whose_output_depends_on_its_item_alone_is_kept(source: str, kept: list[str]) -> None:
    assert split(source) == kept


def _unsplit(monkeypatch: pytest.MonkeyPatch, path: Path) -> CompiledTemplate:
    monkeypatch.setattr(sandbox, "split_loops", lambda tree, out=None: [])
    plain = CompiledTemplate(path)
    monkeypatch.undo()
    assert not plain._item_codes
    return plain


@pytest.mark.parametrize("layout", ["appendix", "inline"])
def test_every_bundled_plan_is_written_as_the_plain_template_writes_it(
        monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    plain = _unsplit(monkeypatch, TEMPLATE)
    kept = CompiledTemplate(TEMPLATE)
    assert len(kept._item_codes) >= 4  # body, Nơi nhận, signer, appendix rows
    for city, profiles in ((REPO / "city_template.yaml", PROFILES),
                           (NGHE_AN / "city_template.yaml", sorted((NGHE_AN / "unit_profiles").glob("*.yaml")))):
        project = Project(city)
        for _ in range(2):  # the second time from what was kept
            for path in profiles:
                plan = plan_unit(project, path, layout=layout, official_check=False)[0]
                assert kept.render_xml(plan) == plain.render_xml(plan), path.name


def _template_with(tag_after: str, extra: str, tmp_path: Path) -> Path:
    src = zipfile.ZipFile(TEMPLATE)
    parts = {n: src.read(n) for n in src.namelist()}
    xml = parts["word/document.xml"].decode("utf-8")
    assert xml.count(tag_after) >= 1
    parts["word/document.xml"] = xml.replace(tag_after, tag_after + extra).encode("utf-8")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    path = tmp_path / "ke_hoach.docx"
    path.write_bytes(out.getvalue())
    return path


def test_a_row_that_prints_the_unit_name_shows_each_units_own(tmp_path: Path) -> None:
    template = CompiledTemplate(_template_with("{{ row.number }}", " {{ unit_name }}", tmp_path))
    project = Project(REPO / "city_template.yaml")
    two = [p for p in PROFILES if p.stem in ("tan_an", "le_chan", "cat_hai")][:2]
    assert len(two) == 2
    for path in two:
        plan = plan_unit(project, path, official_check=False)[0]
        xml = template.render_xml(plan)
        assert plan.unit_name in xml
        others = [plan_unit(project, p, official_check=False)[0].unit_name for p in two if p != path]
        assert all(f"> {other}<" not in xml and f" {other}</w:t>" not in xml for other in others)


def test_a_row_that_prints_its_position_is_numbered_in_every_plan(tmp_path: Path) -> None:
    template = CompiledTemplate(_template_with("{{ row.number }}", "#{{ loop.index }}", tmp_path))
    project = Project(REPO / "city_template.yaml")
    plans = [plan_unit(project, p, official_check=False)[0] for p in PROFILES[:2]]
    for plan in plans * 2:
        xml = template.render_xml(plan)
        assert plan.appendix is not None
        last = len(plan.appendix.rows)
        assert f"#{last}<" in xml or f"#{last} " in xml or f"#{last}</w:t>" in xml


def test_what_the_kept_bodies_wrote_is_joined_in_as_bytes_where_the_template_numbered_it() -> None:
    """A document is rendered with each kept body's output as a numbered mark, its bytes joined
    in afterwards; a NUL the marks did not put there is refused, never taken for a mark."""
    from kehoach_gen.render.template import _spliced

    pieces = [b"<w:p>1</w:p>", "<w:t>Ủy ban</w:t>".encode()]
    assert _spliced("<b>\x001\x00 \x000\x00\x001\x00</b>", pieces) == \
        "<b><w:t>Ủy ban</w:t> <w:p>1</w:p><w:t>Ủy ban</w:t></b>".encode()
    assert _spliced("<b>không có gì</b>", []) == "<b>không có gì</b>".encode()
    for stray in ("<b>\x00</b>", "<b>\x001"):  # (the second would read as a mark left open)
        with pytest.raises(ValueError):
            _spliced(stray, pieces)
