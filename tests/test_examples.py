"""The library example in examples/ runs and writes a document that passes the checker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO
from .docx_helpers import open_docx


@pytest.mark.slow  # a fresh interpreter runs the example end to end, as the wheel test does
def test_library_example_runs(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(REPO / "examples" / "library_usage.py"), str(tmp_path)],
                            capture_output=True, text=True, encoding="utf-8", cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Kiểm tra Nghị định 30: 0 lỗi" in result.stdout
    assert "trên địa bàn phường Lê Chân" in result.stdout
    assert "Ví dụ lỗi: " in result.stdout and "Traceback" not in result.stderr
    doc = open_docx(tmp_path / "tan_an.docx")
    assert doc.paragraphs[1].text.endswith("trên địa bàn xã Tân An")
