"""The checker never fails a correctly formatted plan, however it was typed (issue 10).

A corpus of well-formed variants, each generated here at run time, each at zero findings:
the header as a table, as two text boxes or as tab-separated paragraphs, each with and without
line breaks (Shift+Enter) in place of paragraphs; every font size at both ends of the range
Nghị định 30 allows; the text of a real signed plan (seed 000); a file saved again by
LibreOffice. Its twin, the corpus of broken documents where every rule has a failing example,
is ``BREAKAGES`` in test_check.py.

``python3 -m pytest tests/test_check_wellformed.py -q -rA`` prints the figure the README
quotes (variants checked, errors found).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from kehoach_gen.check import check_document

from .check_fixtures import SIZE_RANGES, make_plan_docx
from .test_check import LEGITIMATE

SEED_000 = Path(__file__).parent / "data" / "seeds" / "000_b8074be7cda55ac5.txt"

LAYOUTS = [pytest.param({"header_layout": layout, "breaks": breaks},
                        id=f"header {layout}{', line breaks' if breaks else ''}")
           for layout in ("table", "textboxes", "tabs") for breaks in (False, True)]

SIZES = [pytest.param({"sizes": ((element, size),)}, id=f"{element} {size:g} pt")
         for element, (low, high) in SIZE_RANGES.items() for size in sorted({low, high})]
SIZES.append(pytest.param({"sizes": tuple((e, low) for e, (low, _) in SIZE_RANGES.items())},
                          id="every size at its minimum"))
SIZES.append(pytest.param({"sizes": tuple((e, high) for e, (_, high) in SIZE_RANGES.items())},
                          id="every size at its maximum"))

WORDING = [
    pytest.param({"extra_body": ("Bảo đảm sự hoà hợp giữa các lực lượng.",)},
                 id="old tone placement beside HÒA (a style warning, never an error)"),
    pytest.param({"extra_body": ("Thực hiện Chỉ thị “Tăng cường quản lý trật tự đô thị trên địa "
                                 "bàn thành phố” của Ủy ban nhân dân thành phố.",)},
                 id="city wording inside a quoted title"),
]


def _seed_plan() -> dict[str, Any]:
    """The body, Nơi nhận and signer of seed 000 (a signed plan of xã Tân An), as typed.

    Headings are the lines "I. …" (capitals) and "1. …"; the body runs from the first line after
    the trích yếu to the line before "Nơi nhận:"."""
    lines = [line.strip() for line in SEED_000.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line]
    start = next(k for k, line in enumerate(lines) if line.startswith("Thực hiện Kế hoạch"))
    end = lines.index("Nơi nhận:")
    body = tuple(f"#{line}" if re.match(r"^([IVX]+|\d+)\. \S", line) and len(line) < 90 else line
                 for line in lines[start:end])
    noi_nhan = tuple(lines[end:lines.index("TM. ỦY BAN NHÂN DÂN")])
    signer_at = lines.index("TM. ỦY BAN NHÂN DÂN")
    return {"body": body, "noi_nhan": noi_nhan, "signer": tuple(lines[signer_at:signer_at + 3]),
            "signer_name": lines[signer_at + 3], "appendix": False}


def _errors(data: bytes) -> list[str]:
    report = check_document(data)
    return [f"{f.rule}: {f.message} «{f.quote}»" for f in report.findings
            if f.severity == "error"]


@pytest.mark.parametrize("changes", [*LAYOUTS, *SIZES, *WORDING])
def test_well_formed_variant_has_no_errors(changes: dict[str, Any]) -> None:
    assert _errors(make_plan_docx(**changes)) == []


@pytest.mark.parametrize("changes", LAYOUTS)
def test_header_layouts_give_no_warnings_either(changes: dict[str, Any]) -> None:
    assert check_document(make_plan_docx(**changes)).findings == []


def test_mixed_tone_is_a_warning() -> None:
    report = check_document(make_plan_docx(extra_body=("Bảo đảm sự hoà hợp.",)))
    assert [(f.rule, f.severity) for f in report.findings] == [("STYLE-TONE", "warning")]


def test_a_real_signed_plans_text_has_no_errors() -> None:
    plan = _seed_plan()
    assert len(plan["body"]) > 60 and plan["signer"][-1] == "PHÓ CHỦ TỊCH"
    assert _errors(make_plan_docx(**plan)) == []


def test_the_seed_text_is_really_read() -> None:
    """The seed's own words reach the checker: its real slips are warnings (points written
    "a." and "b.", "hàng năm" beside "hằng năm", a Nơi nhận line ending in a comma)."""
    report = check_document(make_plan_docx(**_seed_plan()))
    assert {f.rule for f in report.findings} == {"ND30-POINT", "STYLE-VARIANT", "ND30-NOI-NHAN"}
    assert {f.severity for f in report.findings} == {"warning"}


@pytest.mark.slow
def test_a_plan_saved_again_by_libreoffice_has_no_errors(tmp_path: Path) -> None:
    source = tmp_path / "ke_hoach.docx"
    source.write_bytes(make_plan_docx())
    out = tmp_path / "resaved"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out),
                    str(source)], check=True, capture_output=True, timeout=180)
    resaved = (out / "ke_hoach.docx").read_bytes()
    assert resaved != source.read_bytes()
    assert _errors(resaved) == []


@pytest.mark.slow
def test_no_well_formed_variant_gets_an_error() -> None:
    """The README's figure: how many well-formed variants, and how many errors among them."""
    variants = [*LAYOUTS, *SIZES, *WORDING, *LEGITIMATE]
    errors = sum(len(_errors(make_plan_docx(**p.values[0]))) for p in variants)
    errors += len(_errors(make_plan_docx(**_seed_plan())))
    print(f"\n{len(variants) + 1} biến thể đúng thể thức (cộng bản lưu lại bằng LibreOffice): "
          f"{errors} lỗi")
    assert errors == 0
