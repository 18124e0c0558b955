"""Placeholders allow only what a plan's wording needs; everything else is refused by name,
quickly, with a Vietnamese message located at the text."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main
from kehoach_gen.placeholders import MAX_TEXT, PlaceholderError, compile_text, fill

from .conftest import MINI_CITY, MINI_PROFILE, write

VALUES = {"cap": "xã", "Cap": "Xã", "ten": "Tân An", "don_vi": "xã Tân An", "co_quan": "Ủy ban nhân dân",
          "ubnd": "Ủy ban nhân dân xã Tân An", "tinh": "thành phố Hải Phòng", "kh_so": "159/KH-UBND",
          "kh_ngay": "02/05/2026", "kh_ten": "Tên", "kh_co_quan": "UBND TP", "thi_diem": True}


def role(key: str) -> str:
    return {"tu_phap": "Văn phòng HĐND và UBND"}[key]


@pytest.mark.parametrize(("text", "expected"), [
    ("Xây dựng {{ don_vi }} văn minh", "Xây dựng xã Tân An văn minh"),
    ("{{ Cap }} thượng tôn", "Xã thượng tôn"),
    ("{{ cap | upper }} {{ ten|upper }}", "XÃ TÂN AN"),
    ("{{ cap.upper() }}", "XÃ"),
    ("{{ vai_tro('tu_phap') }} chủ trì", "Văn phòng HĐND và UBND chủ trì"),
    ("{{ 'Ủy ban nhân dân ' ~ don_vi }}", "Ủy ban nhân dân xã Tân An"),
    ("{% if thi_diem %}làm điểm{% else %}không{% endif %}", "làm điểm"),
    ("{% if not thi_diem %}a{% elif cap == 'xã' %}b{% endif %}", "b"),
    ("{{ 'x' if cap != 'xã' else 'y' }}", "y"),
])
def test_what_a_plan_needs_renders(text: str, expected: str) -> None:
    assert fill(text, VALUES, role) == expected


# The payloads of the hostile-input review, and more of the same kind.
REFUSED = [
    ("{{ 'a'.center(10**9) }}", "thuộc tính 'center'"),
    ("{{ '%01000000000d' % 1 }}", "phép tính '%'"),
    ("{{ lipsum(10**5) }}", "hàm 'lipsum'"),
    ("{{ (((10**64)**64)**64)**64 }}", "phép tính '**'"),
    ("{{ 'x' * 10**9 }}", "phép tính '*'"),
    ("{% for i in range(10**8) %}x{% endfor %}", "vòng lặp 'for'"),
    ("{% for c in don_vi %}{% for d in don_vi %}x{% endfor %}{% endfor %}", "vòng lặp 'for'"),
    ("{{ cap.__class__.__mro__ }}", "thuộc tính '__mro__'"),
    ("{{ ''.__class__ }}", "thuộc tính '__class__'"),
    ("{{ cycler }}", "'cycler' không tồn tại"),
    ("{% set x = 1 %}", "lệnh 'set'"),
    ("{{ don_vi[0] }}", "chỉ số"),
    ("{{ cap | replace('x', 'y' * 5) }}", "bộ lọc 'replace'"),
    ("{{ vai_tro(cap) }}", "vai_tro cần một mã vai trò"),
    ("{% macro m() %}{% endmacro %}", "'macro'"),
    ("{% include 'x' %}", "'include'"),
    ("{{ 10**100 }}", "phép tính '**'"),
    ("{{ 99999999999999999999 }}", "hằng số"),
]


@pytest.mark.parametrize(("text", "says"), REFUSED)
def test_anything_else_is_refused_by_name_and_quickly(text: str, says: str) -> None:
    start = time.perf_counter()
    with pytest.raises(PlaceholderError) as exc:
        compile_text(text)
    assert time.perf_counter() - start < 1.0
    assert says in exc.value.message
    assert "{{ don_vi }}" in exc.value.hint or "vai_tro" in exc.value.hint


def test_joining_texts_is_bounded() -> None:
    # '~' joins texts; the result can never pass MAX_TEXT characters, however long the joins
    text = "{{ " + " ~ ".join(["don_vi"] * 5000) + " }}"
    with pytest.raises(PlaceholderError) as exc:
        fill(text, {**VALUES, "don_vi": "x" * 100}, role)
    assert "quá dài" in exc.value.message
    assert len(fill("{{ don_vi ~ don_vi }}", VALUES, role)) < MAX_TEXT


@pytest.mark.parametrize(("text", "says"), REFUSED[:6])
def test_a_refused_placeholder_is_one_located_line_through_the_cli(text: str, says: str, tmp_path: Path) -> None:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    profile = write(tmp_path / "p.yaml", MINI_PROFILE + f"noi_nhan:\n  add: [\"{text}\"]\n")
    start = time.perf_counter()
    result = CliRunner().invoke(main, ["validate", "--city", str(city), str(profile)])
    assert time.perf_counter() - start < 5.0
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = [ln for ln in result.output.splitlines() if "lỗi:" in ln]
    assert len(lines) == 1 and "p.yaml:9: lỗi: noi_nhan.add[0]: chỗ điền dùng" in lines[0] and says in lines[0]
