"""PDF out: convert finished .docx files with LibreOffice headless.

A whole build is converted by **one** ``soffice`` process: the inputs are copied into a private
staging folder under short ASCII names (``0000.docx``, ``0001.docx`` …), so files with the same
stem in different folders cannot collide in the single ``--outdir``, and non-ASCII names such as
``xã Tân An.docx`` or paths with spaces never reach LibreOffice's command line. Each run uses a
fresh user profile (``-env:UserInstallation=file:///tmp/…``), removed afterwards, so two runs at
the same time do not hand their work to each other's LibreOffice instance.

Each PDF is written next to its .docx (or into ``out_dir``) atomically: it is copied into a temp
folder inside the target folder and moved into place with :func:`os.replace`, so a reader never
sees half a PDF and an old PDF is only replaced by a complete new one.

Times New Roman: documents name Times New Roman; on Linux fonts-liberation provides the
metric-compatible Liberation Serif (``fc-match "Times New Roman"`` → Liberation Serif), so line
and page breaks match Word.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import OutputError, rel

ENV_VAR = "KEHOACH_SOFFICE"
INSTALL_HINT = "sudo apt-get install libreoffice-writer-nogui fonts-liberation"

#: Names looked up on PATH, in order.
SOFFICE_NAMES: tuple[str, ...] = ("soffice", "libreoffice")
#: Well-known install locations (globs), tried after PATH.
SOFFICE_LOCATIONS: tuple[str, ...] = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice*/program/soffice",
)

# stderr lines LibreOffice prints on every run; they say nothing about the conversion.
_NOISE = re.compile(r"javaldx|java may not function|^\s*$", re.IGNORECASE)
_STDERR_LINES = 8
_STDERR_CHARS = 800


def _natural_key(text: str) -> list[int | str]:
    """Sort key so ``/opt/libreoffice24.8`` comes after ``/opt/libreoffice7.6``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _from_env() -> str | None:
    """``$KEHOACH_SOFFICE`` as a program path, or a program name looked up on PATH."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    if os.sep in value or (os.altsep and os.altsep in value):
        path = os.path.expanduser(value)
        return os.path.abspath(path) if _executable(path) else None
    return shutil.which(value)


def find_soffice() -> str | None:
    """The LibreOffice program to run, or ``None`` when there is none.

    ``$KEHOACH_SOFFICE`` wins when set (a path or a program name); when it is set but does not
    name a runnable program the answer is ``None``, so a wrong setting is reported rather than
    silently replaced by another LibreOffice. Otherwise ``soffice`` and ``libreoffice`` on PATH,
    then ``/usr/lib/libreoffice/program/soffice`` and ``/opt/libreoffice*/program/soffice``
    (newest version first).
    """
    if os.environ.get(ENV_VAR, "").strip():
        return _from_env()
    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    for pattern in SOFFICE_LOCATIONS:
        for candidate in sorted(glob.glob(pattern), key=_natural_key, reverse=True):
            if _executable(candidate):
                return candidate
    return None


def _missing_soffice_message() -> str:
    message = f"không tìm thấy LibreOffice (soffice) để xuất PDF; cài bằng: {INSTALL_HINT}"
    value = os.environ.get(ENV_VAR, "").strip()
    if value:
        message += f" (biến môi trường {ENV_VAR}={value!r} không trỏ tới chương trình chạy được)"
    else:
        message += f" (hoặc đặt biến môi trường {ENV_VAR} trỏ tới soffice)"
    return message


def _summarise(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if not _NOISE.search(line)]
    text = "; ".join(lines[-_STDERR_LINES:])
    if len(text) > _STDERR_CHARS:
        text = "…" + text[-_STDERR_CHARS:]
    return text


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill soffice and everything it started (the wrapper script, oosplash, soffice.bin)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):  # an unkillable process: give up
        proc.communicate(timeout=10)


def _run_soffice(soffice: str, args: list[str], timeout: float) -> tuple[int, str]:
    """Run soffice in its own process group; return (exit code, stdout+stderr text)."""
    env = dict(os.environ)
    # Inputs and outputs are ASCII, but keep LibreOffice's own messages readable.
    if not any(env.get(k) for k in ("LC_ALL", "LC_CTYPE", "LANG")):
        env["LC_ALL"] = "C.UTF-8"
    try:
        proc = subprocess.Popen(
            [soffice, *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise OutputError(
            f"không chạy được LibreOffice ({soffice}) để xuất PDF: {exc.strerror or exc}; "
            f"cài bằng: {INSTALL_HINT}"
        ) from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        raise OutputError(
            f"LibreOffice không xuất xong PDF sau {timeout:g} giây; đã dừng tiến trình"
        ) from None
    except BaseException:  # Ctrl-C: leave no soffice behind
        _kill_group(proc)
        raise
    text = err.decode("utf-8", "replace")
    if proc.returncode:
        text = out.decode("utf-8", "replace") + "\n" + text
    return proc.returncode, text


def _place(staged: Path, target: Path) -> None:
    """Move ``staged`` to ``target`` atomically via a temp folder inside the target folder."""
    tmp_dir = Path(tempfile.mkdtemp(prefix=".kehoach-pdf-", dir=target.parent))
    try:
        tmp = tmp_dir / target.name
        shutil.copyfile(staged, tmp)  # a new file: permissions follow the umask
        os.replace(tmp, target)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


def convert_to_pdf(
    docx_paths: Sequence[Path], out_dir: Path | None = None, *, timeout: float = 600
) -> list[Path]:
    """Convert every file in ``docx_paths`` to PDF with one LibreOffice process.

    Each PDF gets the stem of its .docx and goes next to it, or into ``out_dir`` (created when
    missing) when given. Returns the PDF paths in the order of ``docx_paths`` (a file given twice is
    converted and listed once). Raises
    :class:`OutputError` when LibreOffice is missing, an input is missing, two inputs would
    produce the same PDF, LibreOffice runs longer than ``timeout`` seconds (its whole process
    group is killed), or a PDF did not appear — naming the files that failed, with a summary of
    LibreOffice's stderr. PDFs that did convert are written even when others failed.
    """
    sources: list[Path] = []
    for raw in docx_paths:
        src = Path(raw).expanduser().resolve()
        if src not in sources:
            sources.append(src)
    if not sources:
        return []

    missing = [s for s in sources if not s.is_file()]
    if missing:
        names = ", ".join(str(rel(s)) for s in missing)
        raise OutputError(f"không có tệp để xuất PDF: {names}")

    target_dir = Path(out_dir).expanduser().resolve() if out_dir is not None else None
    targets: list[Path] = []
    by_target: dict[Path, Path] = {}
    for src in sources:
        target = (target_dir or src.parent) / (src.stem + ".pdf")
        if target in by_target:
            raise OutputError(
                f"{rel(by_target[target])} và {rel(src)} cùng xuất ra {rel(target)}; "
                "đổi tên một tệp hoặc bỏ out_dir"
            )
        by_target[target] = src
        targets.append(target)

    soffice = find_soffice()
    if soffice is None:
        raise OutputError(_missing_soffice_message())

    try:
        for folder in {t.parent for t in targets}:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục {rel(exc.filename)}: {exc.strerror}") from exc

    with (
        tempfile.TemporaryDirectory(prefix="kehoach-lo-profile-") as profile,
        tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as work,
    ):
        stage_in = Path(work) / "in"
        stage_out = Path(work) / "out"
        stage_in.mkdir()
        stage_out.mkdir()
        staged: list[Path] = []
        for i, src in enumerate(sources):
            copy = stage_in / f"{i:04d}{src.suffix.lower() or '.docx'}"
            try:
                shutil.copyfile(src, copy)
            except OSError as exc:
                raise OutputError(f"không đọc được {rel(src)}: {exc.strerror or exc}") from exc
            staged.append(copy)

        args = [
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--norestore",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(stage_out),
            *(str(p) for p in staged),
        ]
        code, stderr = _run_soffice(soffice, args, timeout)

        failed: list[Path] = []
        for src, copy, target in zip(sources, staged, targets, strict=True):
            pdf = stage_out / (copy.stem + ".pdf")
            if not pdf.is_file() or pdf.stat().st_size == 0:
                failed.append(src)
                continue
            try:
                _place(pdf, target)
            except OSError as exc:
                raise OutputError(f"không ghi được {rel(target)}: {exc.strerror or exc}") from exc

    if failed:
        names = ", ".join(str(rel(s)) for s in failed)
        detail = _summarise(stderr)
        message = f"LibreOffice không xuất được PDF cho {len(failed)} tệp: {names}"
        if code:
            message += f" (mã thoát {code})"
        if detail:
            message += f"; LibreOffice báo: {detail}"
        raise OutputError(message)
    return targets
