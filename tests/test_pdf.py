"""PDF export through LibreOffice headless (kehoach_gen.pdf).

Tests marked by the ``soffice`` fixture run the real LibreOffice: CI installs it
(``apt-get install libreoffice-writer-nogui fonts-liberation poppler-utils``), so a missing
soffice fails them with a clear message instead of skipping. The other tests use a fake soffice
script to check the orchestration: one process per share, run at the same time, each with its
own profile, each file converted once, timeouts, failures.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from kehoach_gen import pdf
from kehoach_gen.errors import OutputError
from kehoach_gen.pdf import convert_to_pdf, find_soffice

pytestmark = pytest.mark.slow  # real and stand-in LibreOffice processes, timeouts

INSTALL = "sudo apt-get install libreoffice-writer-nogui fonts-liberation poppler-utils"

# --------------------------------------------------------------------------- helpers


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found on PATH; install it with: {INSTALL}"
    return path


@pytest.fixture
def soffice() -> str:
    path = find_soffice()
    assert path, f"LibreOffice (soffice) not found; install it with: {INSTALL}"
    return path


def _page_sizes(pdf_file: Path) -> list[tuple[float, float]]:
    info = subprocess.run(
        [_tool("pdfinfo"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))  # type: ignore[union-attr]
    out = subprocess.run(
        [_tool("pdfinfo"), "-f", "1", "-l", str(pages), str(pdf_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    sizes = [
        (float(w), float(h))
        for w, h in re.findall(r"^Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out, re.M)
    ]
    assert len(sizes) == pages, out
    return sizes


def _text(pdf_file: Path) -> str:
    return subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", str(pdf_file), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=True,
    ).stdout


def _fonts(pdf_file: Path) -> str:
    return subprocess.run(
        [_tool("pdffonts"), str(pdf_file)], capture_output=True, text=True, check=True
    ).stdout


A4 = (595.3, 841.9)


def _is(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) < 1.5 and abs(size[1] - expected[1]) < 1.5


def _times(doc: DocxDocument) -> None:
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(14)
    rfonts = style.element.rPr.rFonts
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), "Times New Roman")


def _plan_docx(path: Path) -> Path:
    """Two sections: portrait A4 with the heading and signer, landscape A4 with a table."""
    doc = Document()
    _times(doc)
    first = doc.sections[0]
    first.orientation = WD_ORIENT.PORTRAIT
    first.page_width, first.page_height = Mm(210), Mm(297)
    first.left_margin, first.right_margin = Mm(30), Mm(20)
    doc.add_paragraph("ỦY BAN NHÂN DÂN")
    doc.add_paragraph("XÃ TÂN AN")
    doc.add_paragraph("KẾ HOẠCH thực hiện nhiệm vụ năm 2026")
    doc.add_paragraph("CHỦ TỊCH")
    doc.add_paragraph("Phạm Minh Ngạn")

    second = doc.add_section(WD_SECTION.NEW_PAGE)
    second.orientation = WD_ORIENT.LANDSCAPE
    second.page_width, second.page_height = Mm(297), Mm(210)
    doc.add_paragraph("Phụ lục: danh mục nhiệm vụ")
    table = doc.add_table(rows=4, cols=4)
    table.style = "Table Grid"
    for c, head in enumerate(("STT", "Nhiệm vụ", "Chủ trì", "Thời hạn")):
        table.cell(0, c).text = head
    for r in range(1, 4):
        for c, value in enumerate((str(r), f"Nhiệm vụ số {r}", "Công an xã", "Quý IV/2026")):
            table.cell(r, c).text = value
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _simple_docx(path: Path, text: str) -> Path:
    doc = Document()
    _times(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


# --------------------------------------------------------------------------- real LibreOffice


@pytest.mark.slow
def test_fonts_liberation_stands_in_for_times_new_roman() -> None:
    fc_match = shutil.which("fc-match")
    assert fc_match, f"fc-match not found; install fontconfig and fonts-liberation ({INSTALL})"
    out = subprocess.run(
        [fc_match, "Times New Roman"], capture_output=True, text=True, check=True
    ).stdout
    assert "Liberation Serif" in out or "Times New Roman" in out, (
        f"Times New Roman resolves to {out.strip()!r}; install fonts-liberation ({INSTALL})"
    )


@pytest.mark.slow
def test_two_files_one_call(soffice: str, tmp_path: Path) -> None:
    plan = _plan_docx(tmp_path / "thư mục có dấu cách" / "xã Tân An.docx")
    other = _simple_docx(tmp_path / "khác" / "Kế hoạch số 2.docx", "Phường Bến Thành")

    pdfs = convert_to_pdf([plan, other])

    assert pdfs == [plan.with_suffix(".pdf"), other.with_suffix(".pdf")]
    assert all(p.is_file() for p in pdfs)

    sizes = _page_sizes(pdfs[0])
    assert len(sizes) == 2, sizes
    assert _is(sizes[0], A4), f"page 1 is not portrait A4: {sizes[0]}"
    assert _is(sizes[-1], (A4[1], A4[0])), f"last page is not landscape A4: {sizes[-1]}"
    text = _text(pdfs[0])
    assert "ỦY BAN NHÂN DÂN" in text
    assert "Phạm Minh Ngạn" in text
    assert "Nhiệm vụ số 3" in text
    fonts = _fonts(pdfs[0])
    assert "LiberationSerif" in fonts or "TimesNewRoman" in fonts, fonts

    assert len(_page_sizes(pdfs[1])) == 1
    assert "Phường Bến Thành" in _text(pdfs[1])
    # nothing left behind next to the outputs
    assert sorted(p.name for p in plan.parent.iterdir()) == ["xã Tân An.docx", "xã Tân An.pdf"]


@pytest.mark.slow
def test_out_dir_and_same_stem_in_two_folders(soffice: str, tmp_path: Path) -> None:
    a = _simple_docx(tmp_path / "a" / "kế hoạch.docx", "Xã A")
    b = _simple_docx(tmp_path / "b" / "kế hoạch.docx", "Xã B")
    pdfs = convert_to_pdf([a, b])
    assert "Xã A" in _text(pdfs[0]) and pdfs[0].parent == a.parent
    assert "Xã B" in _text(pdfs[1]) and pdfs[1].parent == b.parent

    out = tmp_path / "pdf ra"
    (one,) = convert_to_pdf([a], out)
    assert one == out / "kế hoạch.pdf" and one.is_file()


@pytest.mark.slow
def test_two_conversions_at_once_both_succeed(soffice: str, tmp_path: Path) -> None:
    docs = [_plan_docx(tmp_path / f"run{i}" / f"xã số {i}.docx") for i in range(2)]
    barrier = threading.Barrier(len(docs))
    results: dict[int, list[Path] | BaseException] = {}

    def work(i: int) -> None:
        barrier.wait()
        try:
            results[i] = convert_to_pdf([docs[i]], timeout=300)
        except BaseException as exc:  # reported by the assertion below
            results[i] = exc

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(docs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(400)
    assert not any(t.is_alive() for t in threads), "a conversion hung"
    for i, doc in enumerate(docs):
        assert results[i] == [doc.with_suffix(".pdf")], results[i]
        assert len(_page_sizes(doc.with_suffix(".pdf"))) == 2


@pytest.mark.slow
def test_unreadable_input_is_named(soffice: str, tmp_path: Path) -> None:
    good = _simple_docx(tmp_path / "tốt.docx", "Được")
    # a truncated .docx: LibreOffice cannot load it, so no PDF appears
    data = _simple_docx(tmp_path / "đủ.docx", "Đủ").read_bytes()
    bad = tmp_path / "hỏng.docx"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(OutputError) as info:
        convert_to_pdf([good, bad])
    assert "hỏng.docx" in str(info.value)
    assert "tốt.docx" not in str(info.value)
    assert "could not be loaded" in str(info.value)
    assert good.with_suffix(".pdf").is_file()
    assert not bad.with_suffix(".pdf").exists()


@pytest.mark.slow
def test_four_files_in_two_processes(
    soffice: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    real_popen = subprocess.Popen
    commands: list[list[str]] = []

    def popen(args: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
        if args[0] == soffice:  # not pdfinfo, pdftotext
            commands.append(list(args))
        return real_popen(args, **kwargs)  # type: ignore[call-overload,no-any-return]

    monkeypatch.setattr(pdf.subprocess, "Popen", popen)
    docs = [_plan_docx(tmp_path / "xã Tân An.docx")] + [
        _simple_docx(tmp_path / f"phường số {i}.docx", f"Phường số {i} năm 2026") for i in range(1, 4)
    ]
    pdfs = convert_to_pdf(docs, tmp_path / "pdf ra", jobs=2, timeout=300)

    assert pdfs == [tmp_path / "pdf ra" / (d.stem + ".pdf") for d in docs]
    assert len(_page_sizes(pdfs[0])) == 2 and "Phạm Minh Ngạn" in _text(pdfs[0])
    for i, out in enumerate(pdfs[1:], start=1):
        assert len(_page_sizes(out)) == 1
        assert f"Phường số {i} năm 2026" in _text(out)
    assert len(commands) == 2
    profiles = {next(a for a in c if a.startswith("-env:")) for c in commands}
    assert len(profiles) == 2
    staged = sorted(Path(a).stem for c in commands for a in c[c.index("--outdir") + 2 :])
    assert staged == ["0000", "0001", "0002", "0003"]


# --------------------------------------------------------------------------- missing LibreOffice


def test_missing_soffice_env_and_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doc = _simple_docx(tmp_path / "a.docx", "x")
    monkeypatch.setenv("KEHOACH_SOFFICE", str(tmp_path / "không có" / "soffice"))
    monkeypatch.setenv("PATH", "")
    assert find_soffice() is None
    with pytest.raises(OutputError) as info:
        convert_to_pdf([doc])
    message = str(info.value)
    assert "apt-get install libreoffice-writer-nogui" in message
    assert "KEHOACH_SOFFICE" in message
    assert not doc.with_suffix(".pdf").exists()


def test_missing_soffice_nowhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    doc = _simple_docx(tmp_path / "a.docx", "x")
    monkeypatch.delenv("KEHOACH_SOFFICE", raising=False)
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(pdf, "SOFFICE_LOCATIONS", (str(tmp_path / "opt*" / "soffice"),))
    assert find_soffice() is None
    with pytest.raises(OutputError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf([doc])


def test_missing_soffice_monkeypatched(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(pdf, "find_soffice", lambda: None)
    with pytest.raises(OutputError, match="apt-get install libreoffice-writer-nogui"):
        convert_to_pdf([_simple_docx(tmp_path / "a.docx", "x")])


# --------------------------------------------------------------------------- fake soffice

# Modes: ok; hang (every process, after half a PDF); fail-first (the first input, staged as 0000, gives no PDF);
# crash-with:NNNN / hang-with:NNNN (the process given staged file NNNN exits 81 / hangs).
FAKE = r"""
import hashlib, json, os, sys, time
start = time.time()
args = sys.argv[1:]
log = os.environ["FAKE_SOFFICE_LOG"]
mode = os.environ.get("FAKE_SOFFICE_MODE", "ok")
outdir = args[args.index("--outdir") + 1]
files = [a for a in args[args.index("--outdir") + 2:]]
stems = [os.path.splitext(os.path.basename(name))[0] for name in files]
profile = next(a for a in args if a.startswith("-env:UserInstallation=file://"))
profile_dir = profile.split("file://", 1)[1]
record = {"args": args, "profile_exists": os.path.isdir(profile_dir), "pid": os.getpid(),
          "start": start}
with open(log, "a", encoding="utf-8") as f:
    f.write(json.dumps(record) + "\n")
kind, _, which = mode.partition("-with:")
if mode == "hang" or (kind == "hang" and which in stems):
    import subprocess
    with open(os.path.join(outdir, stems[0] + ".pdf"), "wb") as f:
        f.write(b"%PDF-1.4 half written")  # killed mid-write
    child = subprocess.Popen(["sleep", "120"])
    with open(os.environ["FAKE_SOFFICE_PID"], "a") as f:
        f.write(f"{child.pid}\n")
    time.sleep(120)
time.sleep(float(os.environ.get("FAKE_SOFFICE_SLEEP", "0")))
if kind == "crash" and which in stems:
    print("Error: soffice.bin crashed", file=sys.stderr)
    sys.exit(81)
for name, stem in zip(files, stems):
    if mode == "fail-first" and stem == "0000":
        print("Error: source file could not be loaded", file=sys.stderr)
        continue
    with open(os.path.join(outdir, stem + ".pdf"), "wb") as f:
        digest = hashlib.sha256(open(name, "rb").read()).hexdigest()
        f.write(b"%PDF-1.4 fake " + digest.encode())
print("Warning: failed to launch javaldx - java may not function correctly", file=sys.stderr)
with open(log, "a", encoding="utf-8") as f:
    f.write(json.dumps({"pid": os.getpid(), "end": time.time()}) + "\n")
"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    script = tmp_path / "bin dir" / "fake-soffice"
    script.parent.mkdir()
    script.write_text(f"#!{sys.executable}\n{FAKE}", encoding="utf-8")
    script.chmod(0o755)
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("KEHOACH_SOFFICE", str(script))
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    return log


def _calls(log: Path) -> list[dict[str, object]]:
    """One dict per fake soffice process, in start order; ``end`` is added when it finished."""
    calls: dict[int, dict[str, object]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        calls.setdefault(record["pid"], {}).update(record)
    return list(calls.values())


def _staged(call: dict[str, object]) -> list[str]:
    """The staged file stems (``0000`` …) one call converted, in its order."""
    args = call["args"]
    assert isinstance(args, list)
    return [Path(a).stem for a in args[args.index("--outdir") + 2 :]]


def _profile(call: dict[str, object]) -> Path:
    args = call["args"]
    assert isinstance(args, list)
    flag = next(a for a in args if a.startswith("-env:UserInstallation=file:///"))
    return Path(flag.split("file://", 1)[1])


def _made_from(pdf_file: Path, source: Path) -> bool:
    return pdf_file.read_bytes().endswith(hashlib.sha256(source.read_bytes()).hexdigest().encode())


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie waiting for its reaper is dead enough
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True
    return "\nState:\tZ" not in status


def _all_dead(pids: list[int]) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.1)
    return not any(_alive(p) for p in pids)


def test_find_soffice_prefers_env(fake: Path, tmp_path: Path) -> None:
    assert find_soffice() == str(tmp_path / "bin dir" / "fake-soffice")


def test_one_process_per_share_and_one_with_jobs_1(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 2)
    docs = [
        _simple_docx(tmp_path / "Phường 1" / "kế hoạch.docx", "1"),
        _simple_docx(tmp_path / "Phường 2" / "kế hoạch.docx", "2"),
        _simple_docx(tmp_path / "Phường 2" / "xã Tân An.docx", "3"),
    ]
    for jobs, processes in ((None, 2), (1, 1)):
        fake.unlink(missing_ok=True)
        pdfs = convert_to_pdf(docs, jobs=jobs)
        assert pdfs == [d.with_suffix(".pdf") for d in docs]
        # each PDF came from its own source, despite the shared stem
        for doc, out in zip(docs, pdfs, strict=True):
            assert _made_from(out, doc)

        calls = _calls(fake)
        assert len(calls) == processes, jobs
        for call in calls:
            args = call["args"]
            assert isinstance(args, list)
            for flag in ("--headless", "--norestore", "--convert-to", "--outdir"):
                assert flag in args
            assert call["profile_exists"] is True
            assert not _profile(call).exists(), "profile not removed"
            assert all(s.isascii() and " " not in s for s in args[args.index("--outdir") + 2 :])
        assert sorted(s for c in calls for s in _staged(c)) == ["0000", "0001", "0002"]
        assert len({_profile(c) for c in calls}) == processes
        for folder in {d.parent for d in docs}:
            assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temp left behind"


@pytest.mark.serial  # timed against the clock
def test_batch_runs_in_two_concurrent_processes(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_SLEEP", "1")
    docs = [_simple_docx(tmp_path / f"xã số {i}.docx", f"Xã {i}" * (i + 1)) for i in range(6)]
    pdfs = convert_to_pdf(docs, tmp_path / "pdf", jobs=2)
    assert pdfs == [tmp_path / "pdf" / f"xã số {i}.pdf" for i in range(6)]
    assert all(_made_from(out, doc) for doc, out in zip(docs, pdfs, strict=True))

    calls = _calls(fake)
    assert len(calls) == 2
    assert _profile(calls[0]) != _profile(calls[1])
    assert all(c["profile_exists"] is True and not _profile(c).exists() for c in calls)
    # each file converted exactly once, by one of the two
    staged = [s for c in calls for s in _staged(c)]
    assert sorted(staged) == [f"{i:04d}" for i in range(6)]
    assert all(len(_staged(c)) == 3 for c in calls)
    # concurrent: each started before the other ended
    starts = [c["start"] for c in calls]
    ends = [c["end"] for c in calls]
    assert max(starts) < min(ends), (starts, ends)  # type: ignore[type-var]


def test_shares_balanced_by_size_largest_first(fake: Path, tmp_path: Path) -> None:
    sizes = [3000, 9000, 1000, 5000, 4000]
    docs = []
    for i, size in enumerate(sizes):
        path = tmp_path / f"{i}.docx"
        path.write_bytes(bytes([i]) * size)  # the fake soffice reads any bytes
        docs.append(path)
    convert_to_pdf(docs, jobs=2)
    # largest first, each to the lighter share: 9000+3000 and 5000+4000+1000
    shares = sorted(_staged(c) for c in _calls(fake))
    assert shares == [["0001", "0000"], ["0003", "0004", "0002"]]


def test_default_jobs_cores_capped(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    docs = [_simple_docx(tmp_path / f"{i}.docx", str(i)) for i in range(12)]
    cases = [(16, docs[:3], 3), (16, docs, pdf.MAX_DEFAULT_JOBS), (16, docs[:1], 1), (None, docs, 1)]
    for cores, batch, processes in cases:
        monkeypatch.setattr(pdf.os, "cpu_count", lambda cores=cores: cores)
        fake.unlink(missing_ok=True)
        assert convert_to_pdf(batch) == [d.with_suffix(".pdf") for d in batch]
        assert len(_calls(fake)) == processes, (cores, len(batch))
    fake.unlink()
    assert len(convert_to_pdf(docs[:2], jobs=64)) == 2
    assert len(_calls(fake)) == 2
    with pytest.raises(ValueError, match="jobs"):
        convert_to_pdf(docs, jobs=0)


def test_failure_in_one_share_places_the_other(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "crash-with:0000")
    docs = [_simple_docx(tmp_path / f"xã số {i}.docx", str(i)) for i in range(6)]
    old = docs[0].with_suffix(".pdf")
    old.write_bytes(b"old")
    with pytest.raises(OutputError) as info:
        convert_to_pdf(docs, jobs=2)
    message = str(info.value)

    crashed, fine = sorted(_calls(fake), key=lambda c: "0000" not in _staged(c))
    lost = [docs[int(s)] for s in _staged(crashed)]
    kept = [docs[int(s)] for s in _staged(fine)]
    assert len(lost) == len(kept) == 3
    assert "cho 3 tệp: " in message, message
    named = message.split("cho 3 tệp: ", 1)[1].split(" (mã thoát", 1)[0].split(", ")
    assert [Path(n).name for n in named] == [d.name for d in lost]
    assert not any(d.name in message for d in kept)
    assert "mã thoát 81" in message and "soffice.bin crashed" in message
    assert "javaldx" not in message
    assert old.read_bytes() == b"old"
    assert not any(d.with_suffix(".pdf").exists() for d in lost[1:])
    assert all(_made_from(d.with_suffix(".pdf"), d) for d in kept)


def test_failed_file_named_with_stderr(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "fail-first")
    old = tmp_path / "xã Tân An.pdf"
    old.write_bytes(b"old")
    first = _simple_docx(tmp_path / "xã Tân An.docx", "1")
    second = _simple_docx(tmp_path / "xã Bình Minh.docx", "2")
    with pytest.raises(OutputError) as info:
        convert_to_pdf([first, second])
    message = str(info.value)
    assert "xã Tân An.docx" in message
    assert "Bình Minh" not in message
    assert "source file could not be loaded" in message
    assert "javaldx" not in message
    assert old.read_bytes() == b"old", "a failed conversion must not touch the old PDF"
    assert second.with_suffix(".pdf").is_file()


def test_profiles_differ_between_runs(fake: Path, tmp_path: Path) -> None:
    doc = _simple_docx(tmp_path / "a.docx", "x")
    convert_to_pdf([doc])
    convert_to_pdf([doc])
    profiles = [_profile(c) for c in _calls(fake)]
    assert len(profiles) == 2 and profiles[0] != profiles[1]


@pytest.mark.serial  # timed against the clock
def test_timeout_kills_process_group(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    monkeypatch.setenv("FAKE_SOFFICE_PID", str(pid_file))
    doc = _simple_docx(tmp_path / "a.docx", "x")
    start = time.monotonic()
    with pytest.raises(OutputError, match="2 giây"):
        convert_to_pdf([doc], timeout=2)
    assert time.monotonic() - start < 30
    child = int(pid_file.read_text())
    assert _all_dead([child]), "soffice's child survived the timeout"
    assert not doc.with_suffix(".pdf").exists()


@pytest.mark.serial  # timed against the clock
def test_timeout_kills_every_process_group(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    monkeypatch.setenv("FAKE_SOFFICE_PID", str(pid_file))
    docs = [_simple_docx(tmp_path / f"{i}.docx", str(i)) for i in range(4)]
    start = time.monotonic()
    with pytest.raises(OutputError, match="3 giây"):
        convert_to_pdf(docs, timeout=3, jobs=2)
    # one deadline for the whole run: not 3 s for one process, then 3 s more for the other
    assert time.monotonic() - start < 5.5
    children = [int(line) for line in pid_file.read_text().split()]
    assert len(children) == 2
    assert _all_dead(children), "a soffice's child survived the timeout"
    assert not any(d.with_suffix(".pdf").exists() for d in docs)


@pytest.mark.serial  # timed against the clock
def test_timeout_in_one_share_places_the_other(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang-with:0000")
    monkeypatch.setenv("FAKE_SOFFICE_PID", str(pid_file))
    docs = [_simple_docx(tmp_path / f"xã số {i}.docx", str(i)) for i in range(4)]
    with pytest.raises(OutputError, match="3 giây") as info:
        convert_to_pdf(docs, timeout=3, jobs=2)
    hung, fine = sorted(_calls(fake), key=lambda c: "0000" not in _staged(c))
    assert "end" not in hung and "end" in fine
    assert all(docs[int(s)].name in str(info.value) for s in _staged(hung))
    assert not any(docs[int(s)].name in str(info.value) for s in _staged(fine))
    assert all(_made_from(docs[int(s)].with_suffix(".pdf"), docs[int(s)]) for s in _staged(fine))
    assert not any(docs[int(s)].with_suffix(".pdf").exists() for s in _staged(hung))
    assert _all_dead([int(pid_file.read_text())])


@pytest.mark.serial  # races a real process, waits on the clock
def test_interrupt_kills_the_processes_already_started(
    fake: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pid_file = tmp_path / "child.pid"
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    monkeypatch.setenv("FAKE_SOFFICE_PID", str(pid_file))
    real_popen = subprocess.Popen
    started: list[int] = []

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        if started:  # Ctrl-C while starting the second soffice
            deadline = time.monotonic() + 10
            while not pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
            raise KeyboardInterrupt
        proc = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc.pid)
        return proc  # type: ignore[no-any-return]

    monkeypatch.setattr(pdf.subprocess, "Popen", popen)
    docs = [_simple_docx(tmp_path / f"{i}.docx", str(i)) for i in range(2)]
    with pytest.raises(KeyboardInterrupt):
        convert_to_pdf(docs, jobs=2)
    monkeypatch.undo()
    assert _all_dead([*started, int(pid_file.read_text())]), "a soffice survived Ctrl-C"


def test_missing_input_and_clashing_outputs(fake: Path, tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="không có tệp"):
        convert_to_pdf([tmp_path / "không có.docx"])
    a = _simple_docx(tmp_path / "a" / "x.docx", "a")
    b = _simple_docx(tmp_path / "b" / "x.docx", "b")
    with pytest.raises(OutputError, match="cùng xuất ra"):
        convert_to_pdf([a, b], tmp_path / "out")
    assert convert_to_pdf([]) == []
    assert convert_to_pdf([a, a]) == [a.with_suffix(".pdf")]
    assert len(_calls(fake)) == 1
