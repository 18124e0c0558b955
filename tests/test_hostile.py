"""Every hostile input gets one located Vietnamese answer, within 5 s and 500 MB, and nothing
escapes as a traceback: checked in-process (click's runner keeps exceptions, so the exception
is asserted, not the output) and, for a sample, through a real process."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main

from .hostile import CASES, MEMORY_BOUND_MB, TIME_BOUND_S, Hostile, run_cli

# the hostile corpus against its 5 s / 500 MB bounds, some in real processes
pytestmark = [pytest.mark.slow, pytest.mark.serial]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_hostile_input_gets_one_located_answer_quickly(case: Hostile, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    args = case.make(tmp_path)
    start = time.perf_counter()
    result = CliRunner().invoke(main, args)
    elapsed = time.perf_counter() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case.code, result.output
    assert any(all(piece in line for piece in case.says) for line in result.output.splitlines()), result.output
    assert "lỗi không mong đợi" not in result.output
    assert elapsed < TIME_BOUND_S, f"{case.name}: {elapsed:.1f} s"


@pytest.mark.parametrize("case", [c for c in CASES if c.name in ("alias_text", "huge_line", "dev_zero_city")],
                         ids=lambda c: c.name)
def test_a_real_process_answers_within_the_bounds(case: Hostile, tmp_path: Path) -> None:
    args = case.make(tmp_path)
    run = run_cli(args, tmp_path)
    assert run.code == case.code, run.out + run.err
    assert "Traceback" not in run.err
    assert any(all(p in line for p in case.says) for line in (run.out + run.err).splitlines())
    assert run.seconds < TIME_BOUND_S + 3, run.seconds  # a fresh interpreter's start-up on top
    assert run.peak_mb < MEMORY_BOUND_MB, run.peak_mb


def test_files_already_written_survive_a_hostile_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    case = next(c for c in CASES if c.name == "import_into_a_file")
    args = case.make(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(main, args)
    assert result.exit_code == case.code and isinstance(result.exception, SystemExit)
    assert (tmp_path / "afile").read_text(encoding="utf-8") == "giữ nguyên"
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing added
