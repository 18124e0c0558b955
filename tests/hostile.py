"""Hostile inputs, made at run time (nothing of the kind is committed): files that try to stall or
exhaust the machine, or to make kehoach-gen lose what is already written.

Each case is a function that writes its files into a folder and returns the command line to
run there, with what the answer must say. tests/test_hostile.py runs every case and asserts
the message, the exit code and the bounds; benchmarks/hostile_inputs.py times each one and
measures its peak memory in a fresh process.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .conftest import MINI_CITY, MINI_PROFILE

TIME_BOUND_S = 5.0
MEMORY_BOUND_MB = 500


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path], list[str]]  # writes the files, returns the kehoach-gen arguments
    says: tuple[str, ...]               # pieces of the one message
    code: int = 1


def _base(folder: Path) -> None:
    (folder / "city.yaml").write_text(MINI_CITY, encoding="utf-8")


def _profile(folder: Path, extra: str) -> list[str]:
    _base(folder)
    (folder / "p.yaml").write_text(MINI_PROFILE + extra, encoding="utf-8")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def alias_values(folder: Path) -> list[str]:
    """Nested lists of aliases: ten to the ninth values from 12 short lines."""
    lines = ["x1: &a1 [a, a, a, a, a, a, a, a, a, a]"]
    lines += [f"x{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(2, 10)]
    return _profile(folder, "\n".join(lines) + "\n")


def alias_text(folder: Path) -> list[str]:
    """One 10 KB text referenced 111,110 times: a 13 KB file that expands to 1.1 GB."""
    text = "y" * 10_000
    lines = [f"s: &s \"{text}\"", "l1: &l1 [" + ", ".join(["*s"] * 10) + "]"]
    lines += [f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 10) + "]" for i in range(2, 6)]
    return _profile(folder, "\n".join(lines) + "\n")


def alias_merge(folder: Path) -> list[str]:
    """Merge keys (<<) fanning out: every level doubles the keys it copies."""
    lines = ["m0: &m0 {k0: \"" + "z" * 5_000 + "\"}"]
    lines += [f"m{i}: &m{i} {{<<: [*m{i - 1}], k{i}: *m{i - 1}, j{i}: *m{i - 1}}}" for i in range(1, 24)]
    return _profile(folder, "\n".join(lines) + "\n")


def huge_line(folder: Path) -> list[str]:
    """A 50 MB single-line text field."""
    _base(folder)
    with open(folder / "p.yaml", "w", encoding="utf-8") as f:
        f.write(MINI_PROFILE + "place: \"")
        chunk = "Tân An " * 10_000
        for _ in range(50 * 1024 * 1024 // len(chunk.encode("utf-8")) + 1):
            f.write(chunk)
        f.write("\"\n")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def long_word(folder: Path) -> list[str]:
    """One 100,000-character word in a field (a placeholder could build such a text too)."""
    return _profile(folder, "place: " + "A" * 100_000 + "\n")


def dev_zero_profile(folder: Path) -> list[str]:
    _base(folder)
    os.symlink("/dev/zero", folder / "p.yaml")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def dev_zero_city(folder: Path) -> list[str]:
    (folder / "p.yaml").write_text(MINI_PROFILE, encoding="utf-8")
    os.symlink("/dev/zero", folder / "city.yaml")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def fifo_profile(folder: Path) -> list[str]:
    _base(folder)
    os.mkfifo(folder / "p.yaml")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def deep_nesting(folder: Path) -> list[str]:
    return _profile(folder, "x: " + "[" * 5_000 + "]" * 5_000 + "\n")


def many_keys(folder: Path) -> list[str]:
    """300,000 keys in a 4 MB file: refused by size or by count, never slowly."""
    _base(folder)
    with open(folder / "p.yaml", "w", encoding="utf-8") as f:
        f.write(MINI_PROFILE + "overrides:\n")
        for i in range(300_000):
            f.write(f"  T{i}: {{drop: true}}\n")
    return ["validate", "--city", "city.yaml", "p.yaml"]


def import_into_a_file(folder: Path) -> list[str]:
    """`import -o afile/x.yaml` where afile is a file."""
    (folder / "afile").write_text("giữ nguyên", encoding="utf-8")
    (folder / "src.docx").write_bytes(b"PK\x05\x06" + b"\0" * 18)
    return ["import", "src.docx", "-o", "afile/x.yaml"]


CASES = [
    Hostile("alias_values", alias_values, ("p.yaml:", "tệp có quá nhiều giá trị", "bí danh")),
    Hostile("alias_text", alias_text, ("p.yaml:", "quá nhiều chữ", "bí danh")),
    Hostile("alias_merge", alias_merge, ("p.yaml:", "bí danh")),
    Hostile("huge_line", huge_line, ("p.yaml: lỗi: tệp quá lớn", "hồ sơ đơn vị chỉ vài KB")),
    Hostile("long_word", long_word, ("p.yaml:8: lỗi: place: văn bản dài 100.000 ký tự",)),
    Hostile("dev_zero_profile", dev_zero_profile, ("p.yaml: lỗi: không phải tệp thường",)),
    Hostile("dev_zero_city", dev_zero_city, ("city.yaml: lỗi: không phải tệp thường",)),
    Hostile("fifo_profile", fifo_profile, ("p.yaml: lỗi: không phải tệp thường",)),
    Hostile("deep_nesting", deep_nesting, ("p.yaml", "lồng nhau quá sâu")),
    Hostile("many_keys", many_keys, ("p.yaml", "lỗi: ")),
    Hostile("import_into_a_file", import_into_a_file, ("afile là một tệp, không phải thư mục",), code=2),
]
