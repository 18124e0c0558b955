"""The batch workflow tells the truth: scaffold then build a draft cleanly, report open findings
on every rebuild until they are fixed, write only the plans that change (exactly the units
`diff` names), and keep or produce the PDF asked for."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main

from .conftest import MINI_CITY, MINI_PROFILE, REPO, write


def run(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.mark.slow
def test_init_units_then_build_draft_is_clean(tmp_path: Path) -> None:
    """Exactly what a new user runs first, on the bundled Hải Phòng template."""
    profiles = tmp_path / "unit_profiles"
    result = run("init-units", "--province", "Hải Phòng", "-o", profiles, "--city", REPO / "city_template.yaml")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    result = run("build", profiles, "--draft", "-o", tmp_path / "out", "--city", REPO / "city_template.yaml",
                 "--templates", REPO / "templates", "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(result.stdout)  # type: ignore[attr-defined]
    units = data["units"]
    assert len(units) == 114 and {u["status"] for u in units} == {"written"}
    assert [u for u in units if u["check_errors"] or u["check_warnings"]] == []  # zero findings
    # the only warning is the one a clerk must act on: the signer's name
    assert all(len(u["warnings"]) == 1 and "chưa điền họ tên người ký" in u["warnings"][0] for u in units)
    # an empty date prints the city plan's year, day and month left blank
    import docx

    doc = docx.Document(str(tmp_path / "out" / "an_bien.docx"))
    assert doc.tables[0].cell(1, 1).text.strip().endswith("tháng        năm 2026")


def _mini(tmp_path: Path) -> tuple[Path, Path]:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    folder = tmp_path / "p"
    write(folder / "tan_an.yaml", MINI_PROFILE)
    write(folder / "kien_hai.yaml", MINI_PROFILE.replace("Tân An", "Kiến Hải"))
    return city, folder


def test_open_findings_are_reported_on_every_rebuild_until_fixed(tmp_path: Path) -> None:
    city, folder = _mini(tmp_path)
    # a Nghị định 30 slip only the checker sees: "UBND" spelled out wrongly in the Nơi nhận
    write(folder / "tan_an.yaml", MINI_PROFILE + "noi_nhan:\n  add: [\"Ủy Ban nhân dân huyện cũ\"]\n")
    args = ["build", str(folder), "--city", str(city), "-o", str(tmp_path / "out"), "--templates",
            str(REPO / "templates")]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 1 and "ND30-CAPS" in first.output, first.output
    again = CliRunner().invoke(main, args)
    assert "2 không đổi" in again.output
    assert again.exit_code == 1 and "ND30-CAPS" in again.output  # still open, still said
    write(folder / "tan_an.yaml", MINI_PROFILE)
    fixed = CliRunner().invoke(main, args)
    assert fixed.exit_code == 0 and "ND30-CAPS" not in fixed.output, fixed.output
    assert "Kết quả: 1 không đổi, 1 đã cập nhật." in fixed.output


def test_only_plans_that_change_are_written(tmp_path: Path) -> None:
    city, folder = _mini(tmp_path)
    args = ["build", str(folder), "--city", str(city), "-o", str(tmp_path / "out"), "--no-check", "--templates",
            str(REPO / "templates")]
    assert CliRunner().invoke(main, args).exit_code == 0
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.docx")}
    # a change that only phường units see: both xã plans stay as they are, not even rewritten
    write(tmp_path / "city.yaml", MINI_CITY.replace("text: Chỉ ở phường", "text: Chỉ ở phường (sửa)"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and "Kết quả: 2 không đổi." in result.output, result.output
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").glob("*.docx")} == before


@pytest.mark.slow
def test_generate_pdf_on_an_unchanged_plan_keeps_or_makes_the_pdf(tmp_path: Path) -> None:
    city, folder = _mini(tmp_path)
    args = ["generate", str(folder / "tan_an.yaml"), "--city", str(city), "-o", str(tmp_path / "out"), "--no-check",
            "--templates", str(REPO / "templates")]
    assert CliRunner().invoke(main, args).exit_code == 0
    pdf = tmp_path / "out" / "tan_an.pdf"
    assert not pdf.exists()
    made = CliRunner().invoke(main, [*args, "--pdf"])  # the plan is unchanged, the PDF is asked for
    assert made.exit_code == 0 and "Không đổi" in made.output and f"Đã xuất {pdf}" in made.output, made.output
    assert pdf.stat().st_size > 0
    kept = CliRunner().invoke(main, [*args, "--pdf"])
    assert kept.exit_code == 0 and f"Không đổi: {pdf}" in kept.output


@pytest.mark.slow
@pytest.mark.serial  # its workers must be gone within 10 s
def test_workers_end_when_the_build_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    subprocess.run([sys.executable, "-m", "kehoach_gen.cli", "init-units", "-o", str(folder)], check=True,
                   capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "kehoach_gen.cli", "build", str(folder), "--draft", "-j", "2",
                             "-o", str(tmp_path / "out"), "--city", str(REPO / "city_template.yaml")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children: set[int] = set()
    deadline = time.monotonic() + 60
    while len(children) < 2 and time.monotonic() < deadline and proc.poll() is None:
        for task in Path(f"/proc/{proc.pid}/task").glob("*/children"):
            children |= {int(c) for c in task.read_text().split()}
        time.sleep(0.05)
    assert len(children) >= 2, "the build did not start its workers"
    os.kill(proc.pid, signal.SIGKILL)  # only the parent
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{c}").exists() and not _zombie(c) for c in children):
        time.sleep(0.1)
    assert not [c for c in children if Path(f"/proc/{c}").exists() and not _zombie(c)]


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True
