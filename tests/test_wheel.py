"""The installed package works anywhere: a wheel in a fresh virtual environment, run from an
empty folder, generates, validates and checks with its bundled templates."""

from __future__ import annotations

import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=600)


def test_the_wheel_runs_from_an_empty_folder(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(REPO)], tmp_path)
    assert built.returncode == 0, built.stderr
    [wheel] = wheels.glob("kehoach_gen-*.whl")
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for part in ("kehoach_gen/data/city_template.yaml", "kehoach_gen/data/ke_hoach.docx",
                 "kehoach_gen/data/unit_profiles/tan_an.yaml", "kehoach_gen/data/agencies.yaml"):
        assert part in names, part
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = _run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    tool = env_dir / "bin" / "kehoach-gen"
    where = _run([str(python), "-c", "import kehoach_gen, sys; print(kehoach_gen.__file__)"], empty)
    assert str(env_dir) in where.stdout, where.stdout  # the installed copy, not the checkout
    generated = _run([str(tool), "generate"], empty)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert (empty / "out" / "tan_an.docx").is_file()
    assert "đạt thể thức Nghị định 30" in generated.stdout
    validated = _run([str(tool), "validate", "--draft"], empty)
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "3/3 hồ sơ hợp lệ" in validated.stdout
    checked = _run([str(tool), "check", "out/tan_an.docx"], empty)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "Traceback" not in generated.stderr + validated.stderr + checked.stderr
