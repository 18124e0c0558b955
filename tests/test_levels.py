"""Levels are data: a template declares the kinds of unit it serves (the three post-2025
levels by default), each with its name, header, signing body and default department names;
roles, tasks and blocks take wording for a level under the level's key. No code names a level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from kehoach_gen.adapt import adapt, roman
from kehoach_gen.cli import main
from kehoach_gen.errors import InputError
from kehoach_gen.model import CityTemplate, UnitProfile

from .conftest import MINI_CITY, MINI_PROFILE, parse_yaml, write

DISTRICT_LEVELS = {
    "quan": {"name": "quận", "aliases": ["quan"], "departments": {"tu_phap": "Phòng Tư pháp"}},
    "huyen": {"name": "huyện", "departments": {"tu_phap": "Phòng Tư pháp"}},
    "tp_thuoc_tinh": {"name": "thành phố thuộc tỉnh", "cap": "thành phố"},
}


def district_city(edit: Any = None) -> dict[str, Any]:
    """The mini template, for the districts of a province before the 2025 reform."""
    data = parse_yaml(MINI_CITY)
    data["levels"] = DISTRICT_LEVELS
    data["roles"]["cong_an"]["quan"] = "Công an quận {{ ten }}"
    data["roles"]["khu_dan_cu"] = {"city": "thôn, tổ dân phố", "huyen": "các thôn, tổ dân phố",
                                   "quan": "các tổ dân phố", "tp_thuoc_tinh": "các tổ dân phố"}
    b = data["appendix"]["groups"][1]["sections"]
    b[1]["tasks"][2]["levels"] = ["quan"]   # B03 only in quận
    b[2]["tasks"][1]["huyen"] = b[2]["tasks"][1].pop("phuong")  # B05 worded for huyện
    data["body"]["sections"][0]["content"][0]["content"][1]["levels"] = ["quan"]
    if edit:
        edit(data)
    return data


def profile(**kw: Any) -> UnitProfile:
    data = parse_yaml(MINI_PROFILE)
    data.update(kw)
    return UnitProfile.model_validate(data)


def test_a_declared_level_works_with_no_code() -> None:
    city = CityTemplate.model_validate(district_city())
    plan = adapt(city, profile(level="quận", name="Lê Chân"))
    assert plan.level == "quan"
    assert plan.issuer_lines == ("ỦY BAN NHÂN DÂN", "QUẬN LÊ CHÂN")
    assert plan.unit_name == "quận Lê Chân"
    assert plan.trich_yeu == "Triển khai thực hiện Đề án trên địa bàn quận Lê Chân"
    rows = {r.task_id: r for r in plan.tasks()}
    assert rows["B02"].lead == ("Công an quận Lê Chân", "Các phòng chuyên môn, đơn vị thuộc quận")
    assert rows["B02"].coop == ("các tổ dân phố",)
    assert rows["B-I"].lead == ("Phòng Tư pháp",)  # levels.quan.departments
    assert "B03" in rows and "- Dành cho phường." in [p.text for p in plan.body]
    town = adapt(city, profile(level="thành phố thuộc tỉnh", name="Vinh"))
    assert town.unit_name == "thành phố Vinh" and town.issuer_lines[1] == "THÀNH PHỐ VINH"
    assert "B03" not in {r.task_id for r in town.tasks()}
    district = adapt(city, profile(level="huyện", name="Kỳ Sơn"))
    assert {r.task_id: r.text for r in district.tasks()}["B05"] == "Sơ kết (phường)"


def test_the_default_levels_made_without_validation_are_what_validation_makes() -> None:
    """DEFAULT_LEVELS are built with ``model_construct`` (no validator at start-up): each must
    equal the level validated from the same values, defaults and all."""
    from kehoach_gen.model import DEFAULT_LEVELS, LevelSpec

    for key, spec in DEFAULT_LEVELS.items():
        given = spec.model_dump(include=spec.model_fields_set)
        validated = LevelSpec.model_validate(given)
        assert validated.model_dump() == spec.model_dump(), key
        assert validated.model_fields_set == spec.model_fields_set, key
        assert validated == spec, key


def test_the_default_levels_are_not_there_once_a_template_declares_its_own(tmp_path: Path) -> None:
    data = district_city(lambda d: d["roles"]["khu_dan_cu"].update(phuong="các tổ dân phố"))
    city = write(tmp_path / "city.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    profile_path = write(tmp_path / "p.yaml", MINI_PROFILE.replace("level: xã", "level: phường"))
    result = CliRunner().invoke(main, ["validate", "--draft", "--city", str(city), str(profile_path)])
    assert result.exit_code == 1
    assert "roles.khu_dan_cu.phuong: khóa 'phuong' không có trong mẫu. Có phải ý bạn là 'huyen'?" in result.output
    write(tmp_path / "city.yaml", yaml.safe_dump(district_city(), allow_unicode=True, sort_keys=False))
    result = CliRunner().invoke(main, ["validate", "--draft", "--city", str(city), str(profile_path)])
    assert result.exit_code == 1
    assert "p.yaml:1: lỗi: level: cấp 'phường' không hợp lệ. Dùng một trong: quận, huyện, thành phố thuộc tỉnh" \
        in result.output


def test_a_task_limited_to_an_undeclared_level_is_named() -> None:
    data = district_city(lambda d: d["appendix"]["groups"][1]["sections"][1]["tasks"][2].update(levels=["quann"]))
    from kehoach_gen.loading import load_yaml_text
    from kehoach_gen.validate import check_city, validate_model

    loaded = load_yaml_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    city = validate_model(loaded, CityTemplate)
    [problem] = check_city(city, loaded)
    assert problem.key == "appendix.groups[1].sections[1].tasks[2].levels[0]"
    assert problem.message == "cấp 'quann' không hợp lệ" and "quan" in problem.hint


def test_more_than_twenty_sections_are_numbered() -> None:
    assert [roman(n) for n in (1, 4, 9, 14, 20, 21, 25, 40, 49)] == [
        "I", "IV", "IX", "XIV", "XX", "XXI", "XXV", "XL", "XLIX"]
    data = parse_yaml(MINI_CITY)
    sections = data["appendix"]["groups"][1]["sections"]
    sections += [{"id": f"S{i}", "title": f"Mục {i}", "tasks": [{"id": f"T{i}", "text": "Việc", "lead": ["tu_phap"],
                                                                 "deadline": "Năm 2026"}]} for i in range(25)]
    plan = adapt(CityTemplate.model_validate(data), profile())
    numerals = [r.number for r in plan.rows() if r.kind in ("section", "section_task")]
    assert numerals[-1] == "XXVIII" and len(numerals) == 28


def test_a_profile_of_another_province_is_a_warning(tmp_path: Path) -> None:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    write(tmp_path / "p.yaml", MINI_PROFILE + "province: Hà Nội\n")
    result = CliRunner().invoke(main, ["validate", "--city", str(city), str(tmp_path / "p.yaml")])
    assert result.exit_code == 0, result.output
    assert "cảnh báo: province: hồ sơ của tỉnh, thành phố 'Hà Nội' nhưng mẫu là Kế hoạch của Ủy ban nhân dân " \
           "thành phố Hải Phòng" in result.output
    strict = CliRunner().invoke(main, ["validate", "--strict", "--city", str(city), str(tmp_path / "p.yaml")])
    assert strict.exit_code == 1


def test_init_units_of_another_province_warns(tmp_path: Path) -> None:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    result = CliRunner().invoke(main, ["init-units", "--province", "Hà Nội", "-o", str(tmp_path / "hn"),
                                       "--city", str(city)])
    assert result.exit_code == 0, result.output
    assert "cảnh báo: province: mẫu thành phố là Kế hoạch của Ủy ban nhân dân thành phố Hải Phòng, còn hồ sơ là " \
           "của thành phố Hà Nội" in result.output


def test_init_units_gives_each_unit_the_templates_level(tmp_path: Path) -> None:
    data = parse_yaml(MINI_CITY)
    data["levels"] = {"x": {"name": "xã", "official": "xã"}, "p": {"name": "phường", "official": "phường",
                                                                  "departments": {"tu_phap": "Văn phòng phường"}}}
    for role in data["roles"].values():
        for key in ("xa", "phuong", "dac_khu"):
            role.pop(key, None)
    data["appendix"]["groups"][1]["sections"][1]["tasks"][2]["levels"] = ["p"]
    data["appendix"]["groups"][1]["sections"][2]["tasks"][1].pop("phuong")
    data["body"]["sections"][0]["content"][0]["content"][1]["levels"] = ["p"]
    city = write(tmp_path / "city.yaml", yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    result = CliRunner().invoke(main, ["init-units", "-o", str(tmp_path / "hp"), "--city", str(city)])
    assert result.exit_code == 0, result.output
    assert "bỏ qua 2 đặc khu: mẫu thành phố không có cấp 'đặc khu'" in result.output
    text = (tmp_path / "hp" / "le_chan.yaml").read_text(encoding="utf-8")
    assert "\nlevel: p\n" in text and "#   tu_phap  = Văn phòng phường" in text
    assert not (tmp_path / "hp" / "cat_hai.yaml").exists()


def test_an_unknown_level_in_a_profile_is_one_error_however_it_fails() -> None:
    city = CityTemplate.model_validate(parse_yaml(MINI_CITY))
    with pytest.raises(InputError) as exc:
        adapt(city, profile(level="quận"))
    [p] = exc.value.problems
    assert (p.key, p.message) == ("level", "cấp 'quận' không hợp lệ")
