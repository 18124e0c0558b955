"""Hostile inputs, made at run time (nothing of the kind is committed): files that try to stall or
exhaust the machine, or to make kehoach-gen lose what is already written.

Each case is a function that writes its files into a folder and returns the command line to
run there, with what the answer must say. tests/test_hostile.py runs every case and asserts
the message, the exit code and the bounds; benchmarks/hostile_inputs.py times each one and
measures its peak memory in a fresh process.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

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


def _docx_with(folder: Path, document_xml: bytes, name: str = "x.docx") -> list[str]:
    """The bundled Word template with its document.xml replaced: a real package around it."""
    import io
    import zipfile

    from .conftest import REPO

    source = zipfile.ZipFile(io.BytesIO((REPO / "templates" / "ke_hoach.docx").read_bytes()))
    with zipfile.ZipFile(folder / name, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, document_xml if item.filename == "word/document.xml"
                            else source.read(item))
    return ["check", name]


_W = b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


def docx_bomb(folder: Path) -> list[str]:
    """A 300 KB .docx whose document.xml inflates to 300 MB."""
    import zipfile

    with zipfile.ZipFile(folder / "x.docx", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            block = b" " * (1024 * 1024)
            for _ in range(300):
                f.write(block)
    return ["check", "x.docx"]


def docx_laughs(folder: Path) -> list[str]:
    """Billion laughs in document.xml."""
    entities = "".join(f'<!ENTITY l{i} "&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};&l{i - 1};">' for i in range(1, 10))
    return _docx_with(folder, f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY l0 "ha">{entities}]><d>&l9;</d>'.encode())


def docx_long_word(folder: Path) -> list[str]:
    """One paragraph holding one 100,000-character word (after "Xã Tân An")."""
    text = "Xã Tân An ".encode() + b"A" * 100_000
    return _docx_with(folder, _W + b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p></w:body></w:document>")


def docx_many_paragraphs(folder: Path) -> list[str]:
    """50,000 different paragraphs."""
    paras = b"".join(f"<w:p><w:r><w:t>- Đoạn văn số {i}, nhiệm vụ {i * 7919 % 10007}.</w:t></w:r></w:p>".encode()
                     for i in range(50_000))
    return _docx_with(folder, _W + paras + b"</w:body></w:document>")


def docx_dev_zero(folder: Path) -> list[str]:
    os.symlink("/dev/zero", folder / "x.docx")
    return ["check", "x.docx"]


def docx_encrypted(folder: Path) -> list[str]:
    """A password-protected Word file: an OLE compound file naming an EncryptedPackage stream."""
    import struct

    entries = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entries += raw.ljust(64, b"\x00") + struct.pack("<H", len(raw)) + bytes(62)
    (folder / "x.docx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + entries.ljust(512, b"\x00"))
    return ["check", "x.docx"]


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
    Hostile("docx_bomb", docx_bomb, ("x.docx", "giải nén")),
    Hostile("docx_laughs", docx_laughs, ("x.docx", "DOCTYPE")),
    Hostile("docx_long_word", docx_long_word, ("x.docx", "Không tìm thấy")),
    Hostile("docx_many_paragraphs", docx_many_paragraphs, ("x.docx", "Không tìm thấy")),
    Hostile("docx_dev_zero", docx_dev_zero, ("x.docx", "không phải tệp thông thường")),
    Hostile("docx_encrypted", docx_encrypted, ("x.docx", "mật khẩu")),
]


class Run(NamedTuple):
    code: int
    out: str
    err: str
    seconds: float  # wall time, start-up included
    peak_mb: float  # peak RSS of that process alone


def run_cli(args: list[str], cwd: Path, timeout: float = 60) -> Run:
    """``kehoach-gen args`` as a real process in ``cwd``, measured.

    ``os.wait4`` gives the child's own peak memory; ``getrusage(RUSAGE_CHILDREN)`` would give
    the largest of every child the caller ever waited for."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "kehoach_gen.cli", *args], cwd=cwd,
                                stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        return Run(code, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   seconds, usage.ru_maxrss / 1024)
