"""The signature block follows Nghị định 30 (Phụ lục I): the authority follows from the
position unless written, contradictions are located errors with their fix, and the head
signing in person is a declared choice."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kehoach_gen.adapt import adapt
from kehoach_gen.cli import main
from kehoach_gen.errors import InputError
from kehoach_gen.model import CityTemplate, LevelSpec, Signer, UnitProfile
from kehoach_gen.signing import lines, problems

from .conftest import MINI_CITY, MINI_PROFILE, parse_yaml, write

UBND = LevelSpec(name="xã")
SO = LevelSpec(name="trung tâm", body="Trung tâm Y tế", head="Giám đốc", collective=False)


def signer(**kw: Any) -> Signer:
    return Signer.model_validate({"name": "Nguyễn Văn A", **kw})


@pytest.mark.parametrize(("spec", "kw", "expected"), [
    (UBND, {}, ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    (UBND, {"position": "Chủ tịch"}, ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")),
    (UBND, {"position": "Phó Chủ tịch"}, ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")),
    (UBND, {"position": "Phó Chủ tịch Thường trực"},
     ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH THƯỜNG TRỰC")),
    (UBND, {"position": "Quyền Chủ tịch"}, ("TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH")),
    (UBND, {"position": "Chủ tịch", "authority": "không"}, ("CHỦ TỊCH",)),
    (UBND, {"position": "Chánh Văn phòng", "authority": "TL."}, ("TL. CHỦ TỊCH", "CHÁNH VĂN PHÒNG")),
    (UBND, {"position": "Giám đốc Sở Tư pháp", "authority": "TUQ"}, ("TUQ. CHỦ TỊCH", "GIÁM ĐỐC SỞ TƯ PHÁP")),
    (SO, {}, ("GIÁM ĐỐC",)),
    (SO, {"position": "Phó Giám đốc"}, ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")),
])
def test_the_lines_follow_the_position(spec: LevelSpec, kw: dict[str, Any], expected: tuple[str, ...]) -> None:
    s = signer(**kw)
    assert problems(spec, s) == []
    assert lines(spec, s) == expected


@pytest.mark.parametrize(("spec", "kw", "key", "says", "fix"), [
    # the three slips the review found
    (UBND, {"position": "Chủ tịch", "authority": "KT."}, "authority", "không ký thay ('KT.') chính mình",
     "ghi 'authority: TM.'"),
    (UBND, {"position": "Phó Chủ tịch", "authority": "TM."}, "authority", "không ký 'TM.' mà ký thay",
     "Ghi 'authority: KT.'"),
    (UBND, {"position": "Giám đốc Sở", "authority": "KT."}, "position", "không phải Phó Chủ tịch",
     "'authority: TUQ.'"),
    # and their kin
    (UBND, {"position": "Giám đốc Sở"}, "position", "không phải Chủ tịch, Phó Chủ tịch", "'authority: TL.'"),
    (UBND, {"position": "Phó Chủ tịch", "authority": "không"}, "authority", "chỉ Chủ tịch ký trực tiếp",
     "Bỏ 'authority'"),
    (UBND, {"position": "Chủ tịch", "authority": "TL."}, "authority", "không ký thừa lệnh", "Bỏ 'authority'"),
    (SO, {"authority": "TM."}, "authority", "chế độ tập thể", "Bỏ 'authority'"),
])
def test_a_contradiction_is_a_problem_with_its_fix(spec: LevelSpec, kw: dict[str, Any], key: str, says: str,
                                                   fix: str) -> None:
    [p] = problems(spec, signer(**kw))
    assert p.key == key and says in p.message and fix in p.hint


def test_contradictions_are_located_errors_in_validate_and_generate(tmp_path: Path) -> None:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    profile = write(tmp_path / "p.yaml", MINI_PROFILE.replace("  position: Phó Chủ tịch\n  authority: KT.",
                                                               "  position: Chủ tịch\n  authority: KT."))
    for command in (["validate"], ["generate", "-o", str(tmp_path / "out"), "--no-check"]):
        result = CliRunner().invoke(main, [*command, "--city", str(city), str(profile)])
        assert result.exit_code == 1, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert "p.yaml:7: lỗi: signer.authority: Chủ tịch không ký thay ('KT.') chính mình" in result.output
    assert not (tmp_path / "out").exists()


def test_the_plan_carries_the_in_person_choice() -> None:
    city = CityTemplate.model_validate(parse_yaml(MINI_CITY))
    data = parse_yaml(MINI_PROFILE)
    data["signer"] = {"name": "Nguyễn Văn A", "position": "Chủ tịch", "authority": "không"}
    plan = adapt(city, UnitProfile.model_validate(data))
    assert plan.signer_lines == ("CHỦ TỊCH",)
    data["signer"] = {"name": "Nguyễn Văn A", "position": "Chủ tịch", "authority": "KT."}
    with pytest.raises(InputError) as exc:
        adapt(city, UnitProfile.model_validate(data))
    assert exc.value.problems[0].key == "signer.authority"


def test_a_level_signed_by_its_head_has_no_tm_line() -> None:
    data = parse_yaml(MINI_CITY)
    data["levels"] = {"ttyt": {"name": "trung tâm y tế", "cap": "Trung tâm Y tế", "issuer": [
        "SỞ Y TẾ", "{{ don_vi | upper }}"], "body": "Trung tâm Y tế", "head": "Giám đốc", "collective": False}}
    for role in data["roles"].values():
        for level in ("xa", "phuong", "dac_khu"):
            role.pop(level, None)
    data["appendix"]["groups"][1]["sections"][2]["tasks"][1].pop("phuong")
    data["appendix"]["groups"][1]["sections"][1]["tasks"][2]["levels"] = ["ttyt"]
    data["body"]["sections"][0]["content"][0]["content"][1]["levels"] = ["ttyt"]
    city = CityTemplate.model_validate(data)
    profile = UnitProfile.model_validate({"level": "trung tâm y tế", "name": "Lê Chân",
                                          "signer": {"name": "Trần B", "position": "Phó Giám đốc"}})
    plan = adapt(city, profile)
    assert plan.issuer_lines == ("SỞ Y TẾ", "TRUNG TÂM Y TẾ LÊ CHÂN")
    assert plan.signer_lines == ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC")
