"""PDF out: convert finished .docx files with LibreOffice headless.

A build is split into a few shares, one per CPU core (``jobs``), and each share is converted by
**one** ``soffice`` process; the processes run at the same time. Starting LibreOffice with a fresh
profile costs a few seconds, as much as converting a plan or more, so one process per share rather
than per file, and shares balanced by file size (largest first, each to the lightest share) so
they end together. One deadline (``timeout``) covers the whole run; a process still running then
is killed with its whole process group, and none of its PDFs, perhaps half written, is used.
The inputs are copied into a private staging folder under short ASCII names (``0000.docx``,
``0001.docx`` …), so files with the same stem in different folders cannot collide in one
``--outdir``, and non-ASCII names such as ``xã Tân An.docx`` or paths with spaces never reach
LibreOffice's command line. Each process uses its own fresh user profile
(``-env:UserInstallation=file:///tmp/…``), removed afterwards: LibreOffice hands work to a running
instance with the same profile, so shared profiles would serialise (or lose) the shares.

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
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
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
#: Most LibreOffice processes started when ``jobs`` is not given (each takes ~200 MB of memory).
MAX_DEFAULT_JOBS = 8


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




def _soffice_env() -> dict[str, str]:
    env = dict(os.environ)
    # Inputs and outputs are ASCII, but keep LibreOffice's own messages readable.
    if not any(env.get(k) for k in ("LC_ALL", "LC_CTYPE", "LANG")):
        env["LC_ALL"] = "C.UTF-8"
    return env


def _place(staged: Path, target: Path) -> None:
    """Move ``staged`` to ``target`` atomically via a temp folder inside the target folder."""
    try:
        tmp_dir = Path(tempfile.mkdtemp(prefix=".kehoach-pdf-", dir=target.parent))
        try:
            tmp = tmp_dir / target.name
            shutil.copyfile(staged, tmp)  # a new file: permissions follow the umask
            os.replace(tmp, target)
        finally:
            shutil.rmtree(tmp_dir, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"không ghi được {rel(target)}: {exc.strerror or exc}") from exc


# --------------------------------------------------------------------------- the steps


@dataclass(frozen=True)
class _Target:
    """One input and the PDF it becomes."""

    index: int  # position among the distinct inputs; also its ASCII staging name
    source: Path
    pdf: Path
    size: int


@dataclass(frozen=True)
class _Share:
    """The files one soffice process converts, in its own folder: ``profile/``, ``in/``, ``out/``."""

    folder: Path
    targets: tuple[_Target, ...]
    staged: tuple[Path, ...]

    @property
    def out(self) -> Path:
        return self.folder / "out"


@dataclass(frozen=True)
class _Run:
    """How one soffice process ended: exit code (``None``: killed at the timeout) and output."""

    code: int | None
    output: str


def convert_to_pdf(
    docx_paths: Sequence[Path],
    out_dir: Path | None = None,
    *,
    timeout: float = 600,
    jobs: int | None = None,
) -> list[Path]:
    """Convert every file in ``docx_paths`` to PDF with ``jobs`` LibreOffice processes at once.

    Each PDF gets the stem of its .docx and goes next to it, or into ``out_dir`` (created when
    missing) when given. ``jobs`` defaults to the number of CPU cores (at most
    :data:`MAX_DEFAULT_JOBS`) and is never more than the number of files; each process converts
    its share of the files. Returns the PDF paths in the order of ``docx_paths`` (a file given
    twice is converted and listed once). Raises :class:`OutputError` when LibreOffice is missing,
    an input is missing, two inputs would produce the same PDF, LibreOffice runs longer than
    ``timeout`` seconds (every process group is killed), or a PDF did not appear — naming the
    files that failed, with a summary of LibreOffice's stderr. PDFs that did convert are written
    even when others failed. Raises :class:`ValueError` when ``jobs`` is less than 1.
    """
    if jobs is not None and jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    targets = _plan_targets(_sources(docx_paths), out_dir)
    if not targets:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise OutputError(_missing_soffice_message())
    _make_folders(targets)
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as work:
        shares = _stage(_split(targets, _job_count(jobs, len(targets))), Path(work))
        runs = _run_shares(soffice, shares, timeout)
        failed = _collect(shares, runs)
    if failed:
        raise OutputError(_failure_message(failed, timeout))
    return [target.pdf for target in targets]


def _sources(docx_paths: Sequence[Path]) -> list[Path]:
    """The inputs, resolved, each once, in their order; every one must exist."""
    sources = list(dict.fromkeys(Path(raw).expanduser().resolve() for raw in docx_paths))
    missing = [s for s in sources if not s.is_file()]
    if missing:
        names = ", ".join(str(rel(s)) for s in missing)
        raise OutputError(f"không có tệp để xuất PDF: {names}")
    return sources


def _plan_targets(sources: list[Path], out_dir: Path | None) -> list[_Target]:
    """Where each PDF goes; two inputs writing the same PDF are an error before any work."""
    target_dir = Path(out_dir).expanduser().resolve() if out_dir is not None else None
    by_pdf: dict[Path, Path] = {}
    targets: list[_Target] = []
    for index, src in enumerate(sources):
        pdf = (target_dir or src.parent) / (src.stem + ".pdf")
        if pdf in by_pdf:
            raise OutputError(
                f"{rel(by_pdf[pdf])} và {rel(src)} cùng xuất ra {rel(pdf)}; "
                "đổi tên một tệp hoặc bỏ out_dir"
            )
        by_pdf[pdf] = src
        targets.append(_Target(index, src, pdf, src.stat().st_size))
    return targets


def _make_folders(targets: list[_Target]) -> None:
    try:
        for folder in {t.pdf.parent for t in targets}:
            folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"không tạo được thư mục {rel(exc.filename)}: {exc.strerror}") from exc


def _job_count(jobs: int | None, files: int) -> int:
    """``jobs``, or the CPU cores up to :data:`MAX_DEFAULT_JOBS`; never more than ``files``."""
    if jobs is None:
        jobs = min(os.cpu_count() or 1, MAX_DEFAULT_JOBS)
    return max(1, min(jobs, files))


def _split(targets: list[_Target], jobs: int) -> list[list[_Target]]:
    """Deal the files into ``jobs`` shares of about equal bytes: largest first, to the lightest."""
    shares: list[list[_Target]] = [[] for _ in range(jobs)]
    loads = [0] * jobs
    for target in sorted(targets, key=lambda t: t.size, reverse=True):
        lightest = min(range(jobs), key=lambda k: (loads[k], len(shares[k])))
        shares[lightest].append(target)
        loads[lightest] += target.size
    return [share for share in shares if share]


def _stage(parts: list[list[_Target]], work: Path) -> list[_Share]:
    """Copy each share's inputs under ASCII names into its own folder, beside an empty profile."""
    shares: list[_Share] = []
    for k, part in enumerate(parts):
        folder = work / f"share{k}"
        for sub in ("profile", "in", "out"):
            (folder / sub).mkdir(parents=True)
        staged = tuple(_copy_in(target, folder / "in") for target in part)
        shares.append(_Share(folder, tuple(part), staged))
    return shares


def _copy_in(target: _Target, folder: Path) -> Path:
    suffix = target.source.suffix.lower()
    if not re.fullmatch(r"\.[a-z0-9]+", suffix):  # keep the staged name plain ASCII
        suffix = ".docx"
    copy = folder / f"{target.index:04d}{suffix}"
    try:
        shutil.copyfile(target.source, copy)
    except OSError as exc:
        raise OutputError(f"không đọc được {rel(target.source)}: {exc.strerror or exc}") from exc
    return copy


def _soffice_args(share: _Share) -> list[str]:
    return [
        f"-env:UserInstallation={(share.folder / 'profile').as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        "--convert-to",
        "pdf:writer_pdf_Export",
        "--outdir",
        str(share.out),
        *(str(p) for p in share.staged),
    ]


def _run_shares(soffice: str, shares: list[_Share], timeout: float) -> list[_Run]:
    """Start one soffice per share, all at once; wait for all, ``timeout`` seconds at most.

    Whatever interrupts the wait, Ctrl-C included, kills every process started: they run in
    sessions of their own, so the terminal's Ctrl-C does not reach them.
    """
    env = _soffice_env()
    deadline = time.monotonic() + timeout
    started: list[_Process] = []
    try:
        for share in shares:
            started.append(_Process(soffice, _soffice_args(share), env))
        return [process.finish(deadline) for process in started]
    except BaseException:
        for process in started:
            process.kill()
        raise


class _Process:
    """A soffice started in its own process group, its output read by a thread of its own (so
    a full pipe cannot stall it while we wait for another one)."""

    def __init__(self, soffice: str, args: list[str], env: dict[str, str]) -> None:
        try:
            self.proc = subprocess.Popen(
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
        self._out = self._err = b""
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        self._out, self._err = self.proc.communicate()

    def finish(self, deadline: float) -> _Run:
        """Wait until ``deadline`` (``time.monotonic()``); past it, kill the process group."""
        self._reader.join(max(0.0, deadline - time.monotonic()))
        if self._reader.is_alive():
            self.kill()
            return _Run(None, self._err.decode("utf-8", "replace"))
        text = self._err.decode("utf-8", "replace")
        if self.proc.returncode:
            text = self._out.decode("utf-8", "replace") + "\n" + text
        return _Run(self.proc.returncode, text)

    def kill(self) -> None:
        """Kill soffice and everything it started (the wrapper script, oosplash, soffice.bin)."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if hasattr(os, "killpg"):
                os.killpg(self.proc.pid, signal.SIGKILL)
            else:  # pragma: no cover - Windows
                self.proc.kill()
        self._reader.join(10)  # an unkillable process: give up


def _collect(shares: list[_Share], runs: list[_Run]) -> list[tuple[_Target, _Run]]:
    """Place every PDF that appeared; return the files without one (in input order), with their run.

    A process killed at the timeout may have left a PDF half written: none of its PDFs is used.
    """
    failed: list[tuple[_Target, _Run]] = []
    for share, run in zip(shares, runs, strict=True):
        for target, copy in zip(share.targets, share.staged, strict=True):
            pdf = share.out / (copy.stem + ".pdf")
            if run.code is None or not pdf.is_file() or pdf.stat().st_size == 0:
                failed.append((target, run))
            else:
                _place(pdf, target.pdf)
    return sorted(failed, key=lambda item: item[0].index)


def _failure_message(failed: list[tuple[_Target, _Run]], timeout: float) -> str:
    names = ", ".join(str(rel(target.source)) for target, _ in failed)
    runs = list({id(run): run for _, run in failed}.values())
    if any(run.code is None for run in runs):
        message = (
            f"LibreOffice không xuất xong PDF sau {timeout:g} giây; đã dừng tiến trình; "
            f"chưa xuất được {len(failed)} tệp: {names}"
        )
    else:
        message = f"LibreOffice không xuất được PDF cho {len(failed)} tệp: {names}"
    codes = sorted({run.code for run in runs if run.code})
    if codes:
        message += f" (mã thoát {', '.join(map(str, codes))})"
    details = [d for d in dict.fromkeys(_summarise(run.output) for run in runs) if d]
    if details:
        message += "; LibreOffice báo: " + " | ".join(details)
    return message
