"""The official list of units: spelling, look-up, checks, file names and blank profiles."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from kehoach_gen.errors import InputError
from kehoach_gen.loading import load_yaml
from kehoach_gen.model import Role, UnitProfile
from kehoach_gen.units import (
    OfficialUnit,
    canonical_name,
    check_unit,
    closest_units,
    init_units,
    modern_spelling,
    official_units,
    profile_filename,
    profile_filenames,
    profile_text,
    province_name,
    slug,
)

from .conftest import read_yaml

HP = "Hải Phòng"


@pytest.fixture(scope="module")
def hp() -> list[OfficialUnit]:
    return official_units(HP)


def unit(units: list[OfficialUnit], name: str) -> OfficialUnit:
    (found,) = [u for u in units if u.name == name]
    return found


# ---------------------------------------------------------------------------------------------
# Spelling


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Thuỷ Nguyên", "Thủy Nguyên"),
        ("Hoà Bình", "Hòa Bình"),
        ("Uỷ ban nhân dân", "Ủy ban nhân dân"),
        ("HOÀ BÌNH", "HÒA BÌNH"),
        ("hoá, hoả, hoã, hoạ", "hóa, hỏa, hõa, họa"),
        ("Khoẻ, hoè, loé", "Khỏe, hòe, lóe"),
        ("tuỳ, tuý, thuỷ, luỹ, luỵ", "tùy, túy, thủy, lũy, lụy"),
        ("Thuý Kiều", "Thúy Kiều"),  # th + uy: the tone moves like in "thủy"
    ],
)
def test_modern_spelling_puts_the_tone_on_the_first_vowel_of_open_oa_oe_uy(old: str, new: str):
    assert modern_spelling(old) == new


@pytest.mark.parametrize(
    "word",
    [
        "Quý", "quỳ", "quỷ", "quỹ", "quỵ", "QUÝ", "Quỳnh",  # qu is a consonant: y is the vowel
        "quà", "quả",  # qu + a
        "hoàng", "toán", "huỳnh", "huyện", "Nguyễn", "thuyết",  # final consonant / marked vowel
        "hoài", "xoáy", "khuỷu", "ngoẹo",  # three vowels
        "thuở", "mùa", "già", "gìn", "Hòa", "Thủy", "Hải Phòng", "Đồ Sơn",
    ],
)
def test_modern_spelling_leaves_other_words_alone(word: str):
    assert modern_spelling(word) == word


def test_modern_spelling_accepts_decomposed_text():
    import unicodedata

    assert modern_spelling(unicodedata.normalize("NFD", "Thuỷ Nguyên")) == "Thủy Nguyên"


def test_canonical_name_ignores_case_spacing_and_tone_placement():
    key = canonical_name("Thủy Nguyên")
    assert canonical_name("Thuỷ Nguyên") == key
    assert canonical_name("THỦY NGUYÊN") == key
    assert canonical_name("  thuỷ   nguyên ") == key
    assert canonical_name("Hoà") == canonical_name("Hòa")
    assert canonical_name("Uỷ") == canonical_name("Ủy")
    assert canonical_name("Chân Mây – Lăng Cô") == canonical_name("Chân Mây-Lăng Cô")


def test_canonical_name_keeps_tones_and_letters_apart():
    assert canonical_name("Cẩm Giang") != canonical_name("Cẩm Giàng")
    assert canonical_name("Tân An") != canonical_name("Tan An")
    assert canonical_name("Quý") != canonical_name("Quy")


# ---------------------------------------------------------------------------------------------
# The list


def test_hai_phong_has_114_units(hp: list[OfficialUnit]):
    assert len(hp) == 114
    assert Counter(u.level for u in hp) == {"xa": 67, "phuong": 45, "dac_khu": 2}
    assert len({u.code for u in hp}) == 114
    assert {u.province for u in hp} == {HP}
    assert hp[0].province_full_name == "thành phố Hải Phòng"


def test_names_are_bare_and_in_modern_spelling(hp: list[OfficialUnit]):
    names = {u.name for u in hp}
    assert {"Thủy Nguyên", "Hòa Bình", "Tân An", "Lê Chân", "Cát Hải"} <= names
    assert "Thuỷ Nguyên" not in names
    assert all(n == modern_spelling(n) == " ".join(n.split()) for n in names)
    assert not any(n.lower().startswith(("xã ", "phường ", "đặc khu ")) for n in names)
    tan_an = unit(hp, "Tân An")
    assert (tan_an.level, tan_an.code, tan_an.codename) == ("xa", 11167, "xa_tan_an")
    assert tan_an.full_name == "xã Tân An"
    assert unit(hp, "Cát Hải").full_name == "đặc khu Cát Hải"


@pytest.mark.parametrize(
    "written", ["Hải Phòng", "Thành phố Hải Phòng", "thành phố hải phòng", "hai phong",
                "HAI PHONG", "TP. Hải Phòng", "  Hải   Phòng "],
)
def test_province_is_found_however_it_is_written(written: str, hp: list[OfficialUnit]):
    assert official_units(written) == hp
    assert province_name(written) == HP


def test_province_in_old_tone_placement():
    assert province_name("Khánh Hoà") == "Khánh Hòa"
    assert province_name("Thanh Hoá") == "Thanh Hóa"


def test_unknown_province_is_an_error_naming_close_ones():
    with pytest.raises(InputError) as info:
        official_units("Hải Phon")
    (problem,) = info.value.problems
    assert not problem.warning
    assert "không có tỉnh, thành phố 'Hải Phon'" in problem.message
    assert "thành phố Hải Phòng" in problem.message
    with pytest.raises(InputError):
        official_units("Hải Dương")  # merged into Hải Phòng in 2025


def test_the_cached_list_cannot_be_changed_by_a_caller():
    first = official_units(HP)
    first.clear()
    assert len(official_units(HP)) == 114


def test_closest_units_copes_with_missing_diacritics(hp: list[OfficialUnit]):
    assert closest_units("Tan An", hp)[0].name == "Tân An"
    assert closest_units("Thuy Nguyen", hp)[0].name == "Thủy Nguyên"


# ---------------------------------------------------------------------------------------------
# check_unit


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("Tân An", "xa"), ("Lê Chân", "phuong"), ("Cát Hải", "dac_khu"),
        ("Thuỷ Nguyên", "phuong"), ("THỦY NGUYÊN", "phuong"), ("Hoà Bình", "phường"),
        ("Xã Tân An", "xa"), ("Đặc khu Bạch Long Vĩ", "đặc khu"), ("Cẩm Giàng", "xa"),
    ],
)
def test_check_unit_accepts_official_units(name: str, level: str):
    assert check_unit(name, level, HP) == []


def test_check_unit_names_the_closest_units():
    (p,) = check_unit("Tân Ann", "xa", "Thành phố Hải Phòng", file="tan_an.yaml", key_line=7)
    assert p.warning
    assert (p.file, p.line, p.key) == ("tan_an.yaml", 7, "name")
    assert p.message.startswith(
        "không có xã 'Tân Ann' trong danh sách đơn vị hành chính của thành phố Hải Phòng; "
        "có phải: xã Tân An"
    )
    assert p.message.endswith("?")
    assert p.message.count(",") <= 2  # at most three suggestions


def test_check_unit_without_any_close_name():
    (p,) = check_unit("Zzzzzz Qqqq", "xa", HP)
    assert p.warning and "có phải" not in p.message and p.hint


def test_check_unit_wrong_level():
    (p,) = check_unit("Tân An", "phuong", HP)
    assert p.warning and p.key == "level"
    assert p.message == "Tân An là xã, không phải phường"
    (p,) = check_unit("Thuỷ Nguyên", "xã", HP)
    assert p.message == "Thủy Nguyên là phường, không phải xã"


def test_check_unit_type_word_contradicting_the_level():
    (p,) = check_unit("Phường Tân An", "xa", HP)
    assert p.warning and "ghi phường" in p.message


def test_check_unit_unknown_province_is_a_warning():
    (p,) = check_unit("Tân An", "xa", "Hải Phon", file="x.yaml")
    assert p.warning and p.key == "province" and p.file == "x.yaml"


# ---------------------------------------------------------------------------------------------
# File names


def test_slug_is_ascii_lower_case_with_underscores(hp: list[OfficialUnit]):
    assert slug("Tân An") == "tan_an"
    assert slug("Đồ Sơn") == "do_son"
    assert slug(unit(hp, "Thủy Nguyên")) == "thuy_nguyen"
    assert slug("Ea H’leo") == "ea_h_leo"
    assert slug("Chân Mây – Lăng Cô") == "chan_may_lang_co"


@pytest.mark.parametrize("odd", ["../x", "a/b", "a\\b", "..", "", "   ", "///", "C:\\x", "\x00"])
def test_slug_is_safe(odd: str):
    s = slug(odd)
    assert s
    assert set(s) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")
    assert Path(s).name == s and s not in (".", "..")


def test_profile_filenames_are_unique_and_short(hp: list[OfficialUnit]):
    names = [profile_filename(u, hp) for u in hp]
    assert len(set(names)) == 114
    assert profile_filename(unit(hp, "Tân An"), hp) == "tan_an.yaml"
    # "Cẩm Giang" and "Cẩm Giàng" are two xã with one ASCII spelling (and one package codename).
    assert profile_filename(unit(hp, "Cẩm Giang"), hp) == "cam_giang_10888.yaml"
    assert profile_filename(unit(hp, "Cẩm Giàng"), hp) == "cam_giang_10903.yaml"


def test_profile_filename_adds_the_level_for_a_name_at_two_levels():
    xa = OfficialUnit("Tân An", "xa", 1, "xa_tan_an", HP)
    phuong = OfficialUnit("Tân An", "phuong", 2, "phuong_tan_an", HP)
    other = OfficialUnit("Lê Chân", "phuong", 3, "phuong_le_chan", HP)
    units = [xa, phuong, other]
    assert profile_filename(xa, units) == "xa_tan_an.yaml"
    assert profile_filename(phuong, units) == "phuong_tan_an.yaml"
    assert profile_filename(other, units) == "le_chan.yaml"


# ---------------------------------------------------------------------------------------------
# init_units


@pytest.fixture(scope="module")
def hp_written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    """init_units for Hải Phòng in a fresh folder, once for the tests that only read it."""
    folder = tmp_path_factory.mktemp("hai_phong")
    return init_units(HP, folder), folder


def test_init_units_writes_one_valid_profile_per_unit(hp_written: tuple[Any, Path], hp: list[OfficialUnit]):
    result, folder = hp_written
    assert len(result.written) == 114 and result.skipped == []
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".yaml") == sorted(p.name for p in result.written)
    # beside them, the JSON Schema their first line names, so an editor completes and checks them
    assert (folder / "unit_profile.schema.json").is_file()
    assert all(p.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=unit_profile.schema.json\n")
               for p in result.written)
    by_file = {profile_filename(u, hp): u for u in hp}
    for path in result.written:
        raw = path.read_bytes()
        assert raw.decode("utf-8").isprintable() is False  # has newlines; decodes as UTF-8
        assert b"\r" not in raw and not raw.startswith(b"\xef\xbb\xbf")
        profile = UnitProfile.model_validate(read_yaml(raw))
        official = by_file[path.name]
        assert (profile.level, profile.name, profile.place) == (
            official.level, official.name, official.name
        )
        assert profile.province == HP
        assert profile.number is None and profile.date.year is None and not profile.pilot
        assert profile.departments == {} and profile.overrides == {}
        assert profile.signer.name == "" and profile.signer.position == "Chủ tịch"
        assert profile.signer.authority is None  # follows from the position: TM. for the chairman
        assert check_unit(profile.name, profile.level, profile.province or "") == []
        # The project's strict loader reads it too (no tabs, no duplicate keys, no odd tags).
        UnitProfile.model_validate(load_yaml(path).data)


def test_written_profile_explains_itself(hp_written: tuple[Any, Path]):
    text = (hp_written[1] / "thuy_nguyen.yaml").read_text(encoding="utf-8")
    assert 'name: "Thủy Nguyên"' in text
    assert "BẮT BUỘC ĐIỀN" in text
    comments = [ln for ln in text.splitlines() if ln.lstrip().startswith("#")]
    keys = [ln for ln in text.splitlines() if ln and not ln.lstrip().startswith("#")]
    assert len(comments) >= len([k for k in keys if not k.startswith(" ")])


def test_init_units_is_safe_to_run_again(tmp_path: Path):
    init_units(HP, tmp_path)
    edited = tmp_path / "tan_an.yaml"
    text = edited.read_text(encoding="utf-8").replace('name: ""', 'name: "Phạm Minh Ngạn"')
    edited.write_bytes(text.encode("utf-8"))
    before = edited.read_bytes()
    (tmp_path / "le_chan.yaml").unlink()

    again = init_units(HP, tmp_path)
    assert [p.name for p in again.written] == ["le_chan.yaml"]
    assert len(again.skipped) == 113
    assert edited.read_bytes() == before
    third = init_units(HP, tmp_path)
    assert third.written == [] and len(third.skipped) == 114
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files


def test_init_units_creates_the_folder(tmp_path: Path):
    folder = tmp_path / "a" / "b"
    assert len(init_units("hai phong", folder).written) == 114


def test_init_units_unknown_province(tmp_path: Path):
    with pytest.raises(InputError):
        init_units("Atlantis", tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_default_department_names_are_listed_for_the_level(hp: list[OfficialUnit]):
    roles = {
        "tu_phap": Role(city="Sở Tư pháp", unit="Văn phòng HĐND và UBND"),
        "cong_an": Role(city="Công an thành phố", unit="Công an {{ cap }}"),
        "kinh_te": Role(
            city="Phòng Kinh tế", xa="Phòng Kinh tế", phuong="Phòng Kinh tế, Hạ tầng và Đô thị"
        ),
        "toa_an": Role(city="Tòa án nhân dân thành phố", unit=["cong_an"]),
        "ubnd_cap_xa": Role(city="Ủy ban nhân dân cấp xã", drop=True),
        "tgpl": Role(city="Trung tâm Trợ giúp pháp lý Nhà nước thành phố"),
    }
    text = profile_text(unit(hp, "Lê Chân"), roles)
    assert "#   cong_an = Công an phường" in text
    assert "#   kinh_te = Phòng Kinh tế, Hạ tầng và Đô thị" in text
    for absent in ("toa_an", "ubnd_cap_xa", "tgpl", "{{"):
        assert absent not in text
    xa_text = profile_text(unit(hp, "Tân An"), {"cong_an": "Công an {{cap}}\nx: 1"})
    assert "#   cong_an = Công an xã x: 1" in xa_text  # one line: stays a comment
    assert UnitProfile.model_validate(yaml.safe_load(xa_text)).departments == {}


def test_init_units_with_city_roles(tmp_path: Path):
    result = init_units(HP, tmp_path, city_roles={"cong_an": "Công an {{ cap }}"})
    text = (tmp_path / "cat_hai.yaml").read_text(encoding="utf-8")
    assert "#   cong_an = Công an đặc khu" in text
    assert len(result.written) == 114


@pytest.mark.parametrize("province", ["Hải Phòng", "Hà Nội", "Nghệ An", "Thành phố Hồ Chí Minh"])
def test_file_names_made_together_are_those_made_one_by_one(province: str) -> None:
    units = official_units(province)
    together = profile_filenames(units)
    assert together == [profile_filename(u, units) for u in units]
    assert len(set(together)) == len(units)  # no two units write the same profile
