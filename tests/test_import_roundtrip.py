"""Round trip: a bundled plan P, generated from template T for unit U, imported back.

For every bundled unit (the three Hải Phòng profiles in both layouts, the three Nghệ An ones
inline): importing P and generating for U again from the imported template and profile gives
P again, paragraph by paragraph (body paragraphs and table cells); generating for another
unit V leaves no trace of U (its name in any case, its signer, its own department names).
What the import writes loads and validates as ``kehoach-gen`` loads it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from kehoach_gen.importer import ImportReport, import_document
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.validate import check_profile, load_city, load_profile

from . import make_city_docx as mk
from .conftest import REPO

pytestmark = pytest.mark.slow  # import then generate every bundled plan

HP = REPO / "city_template.yaml"
NA = REPO / "examples" / "nghe_an_cds" / "city_template.yaml"
HP_UNITS = REPO / "unit_profiles"
NA_UNITS = NA.parent / "unit_profiles"
CASES = [(HP, HP_UNITS / f"{u}.yaml", layout) for u in ("tan_an", "le_chan", "cat_hai")
         for layout in ("appendix", "inline")]
CASES += [(NA, NA_UNITS / f"{u}.yaml", "inline") for u in ("nam_dan", "cua_lo", "vinh")]
OTHER = {"tan_an": "le_chan", "le_chan": "tan_an", "cat_hai": "tan_an",
         "nam_dan": "cua_lo", "cua_lo": "vinh", "vinh": "nam_dan"}
TARGET = 0.95

_PROJECTS: dict[Path, Project] = {}


def project(path: Path) -> Project:
    if path not in _PROJECTS:
        _PROJECTS[path] = Project.load(path)
    return _PROJECTS[path]


def imported(report: ImportReport, folder: Path) -> tuple[Path, Path]:
    """The template and profile the import writes, checked as ``kehoach-gen`` checks them."""
    template, profile = folder / "city_template.yaml", folder / "profile.yaml"
    template.write_text(report.template_yaml(), encoding="utf-8")
    text = report.profile_yaml()
    assert text is not None
    profile.write_text(text, encoding="utf-8")
    city, city_loaded = load_city(template)
    unit, loaded = load_profile(profile, city)
    errors = [p for p in check_profile(unit, loaded, city, city_loaded=city_loaded, draft=True) if not p.warning]
    assert not errors, errors
    return template, profile


def generated_and_imported(template: Path, unit: Path, layout: str, folder: Path
                           ) -> tuple[Path, ImportReport]:
    """P (U's plan generated from T in ``layout``) and what importing it gives."""
    source = generate_unit(project(template), unit, folder / "source.docx", draft=True,
                           layout=layout).output
    assert source is not None
    return source, import_document(source)


def portable(profile: Path, template: Project, folder: Path) -> Path:
    """V's profile with what refers to T alone left out (task ids, roles the imported template
    does not have), so that it can be used with the imported template."""
    data: dict[str, Any] = yaml.safe_load(profile.read_text(encoding="utf-8"))
    roles, ids = template.city.roles, template.city.task_index()
    data["departments"] = {k: v for k, v in (data.get("departments") or {}).items() if k in roles}
    data["overrides"] = {k: v for k, v in (data.get("overrides") or {}).items() if k in ids}
    data.pop("local_tasks", None)
    out = folder / profile.name
    out.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return out


def traces(unit: Path, text: str, baseline: str) -> list[str]:
    """U's name, signer and own department names found in ``text`` (a department name that
    the right plan for V also has, "Trung tâm Phục vụ hành chính công", is no trace)."""
    data = yaml.safe_load(unit.read_text(encoding="utf-8"))
    words = [data["name"], (data.get("signer") or {}).get("name") or ""]
    words += [v for v in (data.get("departments") or {}).values() if isinstance(v, str)]

    def found(word: str, hay: str) -> bool:
        return bool(re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", hay, re.IGNORECASE))

    return [w for w in words if w and found(w, text) and (w == data["name"] or not found(w, baseline))]


@pytest.mark.parametrize(("template", "unit", "layout"), CASES,
                         ids=[f"{u.stem}-{layout}" for _, u, layout in CASES])
def test_import_then_generate_gives_the_same_plan(template: Path, unit: Path, layout: str,
                                                  tmp_path: Path) -> None:
    source, report = generated_and_imported(template, unit, layout, tmp_path)
    assert report.kind == "don_vi"
    template_path, profile_path = imported(report, tmp_path)
    again = generate_unit(Project.load(template_path), profile_path, tmp_path / "again.docx", draft=True).output
    assert again is not None
    expected, got = mk.paragraphs(source), mk.paragraphs(again)
    equal, unequal = mk.compare(expected, got)
    print(f"{unit.stem} ({layout}): {equal}/{len(expected)} paragraphs equal")
    assert equal / len(expected) >= TARGET, "\n".join(unequal)


@pytest.mark.parametrize(("template", "unit", "layout"), CASES,
                         ids=[f"{u.stem}-{layout}" for _, u, layout in CASES])
def test_another_unit_gets_no_trace_of_the_source_unit(template: Path, unit: Path, layout: str,
                                                       tmp_path: Path) -> None:
    _, report = generated_and_imported(template, unit, layout, tmp_path)
    template_path, _ = imported(report, tmp_path)
    other = unit.parent / f"{OTHER[unit.stem]}.yaml"
    new = Project.load(template_path)
    plan = generate_unit(new, portable(other, new, tmp_path), tmp_path / "other.docx", draft=True).output
    right = generate_unit(project(template), other, tmp_path / "right.docx", draft=True, layout=layout).output
    assert plan is not None and right is not None
    text, baseline = "\n".join(mk.paragraphs(plan)), "\n".join(mk.paragraphs(right))
    assert not traces(unit, text, baseline), f"{unit.stem} → {other.stem}: {traces(unit, text, baseline)}"
    other_name = yaml.safe_load(other.read_text(encoding="utf-8"))["name"]
    assert other_name in text


def test_the_trace_finder_finds_traces() -> None:
    unit = HP_UNITS / "le_chan.yaml"
    assert traces(unit, "Ủy ban nhân dân PHƯỜNG LÊ CHÂN; Trần Quang Huy", "") == ["Lê Chân", "Trần Quang Huy"]
    assert traces(unit, "Phòng Xây dựng, Nông nghiệp và Môi trường", "") == [
        "Phòng Xây dựng, Nông nghiệp và Môi trường"]
    assert traces(unit, "Trung tâm Phục vụ hành chính công", "Trung tâm Phục vụ hành chính công") == []
