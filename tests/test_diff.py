"""`diff`: what changed between two city templates, and which units it affects."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from kehoach_gen.diff import diff_cities
from kehoach_gen.model import CityTemplate, UnitProfile

from .conftest import MINI_CITY, MINI_PROFILE, parse_yaml


def city(edit: Any = None) -> CityTemplate:
    data = parse_yaml(MINI_CITY)
    if edit:
        edit(data)
    return CityTemplate.model_validate(data)


def unit(**changes: Any) -> UnitProfile:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return UnitProfile.model_validate(data)


def sections(data: dict[str, Any]) -> list[dict[str, Any]]:
    return data["appendix"]["groups"][1]["sections"]


def profiles() -> list[tuple[str, UnitProfile]]:
    return [
        ("xa.yaml", unit()),
        ("phuong.yaml", unit(level="phường", name="Lê Chân")),
        ("override.yaml", unit(name="Kiến Hải", overrides={"B02": {"deadline": "Quý IV"}})),
    ]


def by_name(result: Any) -> dict[str, Any]:
    return {u.profile: u for u in result.units}


def test_identical_templates_change_nothing() -> None:
    result = diff_cities(city(), city(), profiles())
    assert result.empty
    assert {u.status for u in result.units} == {"unchanged"}
    assert "giống nhau" in result.to_text()


def test_a_new_deadline_is_reported_by_task_and_unit() -> None:
    def edit(d: dict[str, Any]) -> None:
        sections(d)[1]["tasks"][1]["deadline"] = "Quý III năm 2026"

    result = diff_cities(city(), city(edit), profiles())
    [change] = result.tasks
    assert (change.id, change.kind, change.fields) == ("B02", "changed", ["deadline"])
    units = by_name(result)
    assert units["xa.yaml"].status == "changed" and units["xa.yaml"].tasks == ["B02"]
    assert units["phuong.yaml"].tasks == ["B02"]
    # the unit that overrides the deadline keeps its own: nothing changes in its plan
    assert units["override.yaml"].tasks == []
    assert units["override.yaml"].status == "review"
    assert units["override.yaml"].overrides_kept == ["B02.deadline"]
    text = result.to_text()
    assert "~ B02: đổi tiến độ" in text
    assert "Thường xuyên → Quý III năm 2026" in text
    assert "cần xem lại: B02.deadline" in text


def test_a_change_to_a_task_of_another_level_affects_no_unit_of_this_level() -> None:
    def edit(d: dict[str, Any]) -> None:
        sections(d)[1]["tasks"][2]["text"] = "Chỉ ở phường (sửa)"  # B03 applies to phường only

    units = by_name(diff_cities(city(), city(edit), profiles()))
    assert units["xa.yaml"].status == "unchanged"
    assert units["override.yaml"].status == "unchanged"
    assert units["phuong.yaml"].tasks == ["B03"]


def test_added_removed_and_moved_tasks_renumber_the_rest() -> None:
    def edit(d: dict[str, Any]) -> None:
        b = sections(d)
        b[1]["tasks"].insert(0, {"id": "B00", "text": "Mới", "lead": ["tu_phap"], "deadline": "Năm 2026"})
        moved = b[1]["tasks"].pop(1)  # B01 moves to section B-III
        b[2]["tasks"].append(moved)
        d["appendix"]["groups"][0]["tasks"].pop(1)  # A2 removed

    result = diff_cities(city(), city(edit), profiles())
    kinds = {(c.id, c.kind) for c in result.tasks}
    assert kinds == {("B00", "added"), ("A2", "removed"), ("B01", "changed")}
    moved = next(c for c in result.tasks if c.id == "B01")
    assert moved.moved == ("B-II", "B-III") and moved.fields == []
    xa = by_name(result)["xa.yaml"]
    assert set(xa.tasks) == {"B00", "A2", "B01"}  # B01 is now task 4, in III
    assert not xa.sections  # II still holds two tasks, III shows no count


def test_an_override_of_a_removed_task_is_reported_not_dropped() -> None:
    def edit(d: dict[str, Any]) -> None:
        sections(d)[1]["tasks"].pop(1)  # B02 removed

    units = by_name(diff_cities(city(), city(edit), profiles()))
    assert units["override.yaml"].orphan_overrides == ["B02"]
    assert units["override.yaml"].status == "changed"
    assert units["xa.yaml"].sections  # "(02 nhiệm vụ)" became "(01 nhiệm vụ)"
    assert "thành phố đã bỏ nhiệm vụ này" in diff_cities(city(), city(edit), profiles()).to_text()


def test_body_and_role_changes() -> None:
    def edit(d: dict[str, Any]) -> None:
        d["roles"]["cong_an"]["unit"] = "Công an {{ cap }} (Đồn)"
        d["body"]["sections"][0]["content"][0]["content"][0] = "- Xây dựng {{ don_vi }} hiện đại."

    result = diff_cities(city(), city(edit), profiles())
    assert "vai trò 'cong_an'" in result.sections
    assert "thân Kế hoạch: mục 'MỤC ĐÍCH, YÊU CẦU'" in result.sections
    xa = by_name(result)["xa.yaml"]
    assert xa.body and xa.tasks == ["A1", "B02"]  # A1 coop and B02 lead (thanh_tra) name Công an


def test_json_output_is_machine_readable() -> None:
    def edit(d: dict[str, Any]) -> None:
        sections(d)[1]["tasks"][1]["deadline"] = "Quý III năm 2026"

    data = json.loads(diff_cities(city(), city(edit), profiles()).to_json())
    assert data["tasks"][0]["id"] == "B02"
    assert [u["status"] for u in data["units"]] == ["changed", "changed", "review"]


@pytest.mark.slow
def test_the_city_wide_diff_leads_with_a_summary_and_groups_the_units(tmp_path: Path) -> None:
    """One dropped task and one new deadline, 114 units: a page, not every unit's 48 codes."""
    from click.testing import CliRunner

    from kehoach_gen.cli import main

    from .conftest import REPO

    old = REPO / "city_template.yaml"
    text = old.read_text(encoding="utf-8")
    start, end = text.index("            - id: B22"), text.index("        # ---- V. Hộ tịch")
    new = tmp_path / "new.yaml"
    new.write_text((text[:start] + text[end:]).replace(
        "Về tổ chức các hoạt động theo dõi thi hành pháp luật: Thường xuyên\"\n\n",
        "Về tổ chức các hoạt động theo dõi thi hành pháp luật: Hằng quý\"\n\n"), encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init-units", "-o", str(tmp_path / "p"), "--city", str(old)]).exit_code == 0
    result = runner.invoke(main, ["diff", str(old), str(new), "-p", str(tmp_path / "p")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert len(out.encode("utf-8")) < 2_000, out
    lines = out.splitlines()
    assert lines[1].startswith("  - B22: bỏ") and lines[1].endswith("ảnh hưởng 114/114 đơn vị")
    assert lines[2] == "  ~ B07: đổi cách viết cho cấp đơn vị — ảnh hưởng 114/114 đơn vị"
    assert "mục 3: Về tổ chức các hoạt động theo dõi thi hành pháp luật: Thường xuyên → " in lines[3]
    [group] = [ln for ln in lines if ln.startswith("  * 114 đơn vị (")]
    assert "đánh số lại nhóm B: 23–51 → 22–50" in group
    verbose = runner.invoke(main, ["diff", str(old), str(new), "-p", str(tmp_path / "p"), "--verbose"]).stdout
    assert len([ln for ln in verbose.splitlines() if ln.startswith("  * ")]) == 114
    data = json.loads(runner.invoke(main, ["diff", str(old), str(new), "-p", str(tmp_path / "p"), "--json"]).stdout)
    assert len(data["units"]) == 114 and data["units"][0]["renumbered"] == ["nhóm B: 23–51 → 22–50"]
