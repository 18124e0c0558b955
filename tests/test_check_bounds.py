"""Hostile .docx files get an answer in bounded time and memory (ooxml.package, the checker).

Every file is made at run time in tmp_path (nothing binary is committed). Each test asserts
the kind of answer (the message, or the findings) and that it came within a generous bound:
5 seconds measured with time.perf_counter, and for the bombs less than 500 MB of peak memory
growth, measured with resource.getrusage in a fresh subprocess. These are bounds, not
benchmarks: benchmarks/check_scaling.py is the benchmark.
"""

from __future__ import annotations

import io
import json
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kehoach_gen.check import MAX_FORMATS, MAX_PARAGRAPHS, check_document
from kehoach_gen.errors import InputError
from kehoach_gen.importer import import_appendix
from kehoach_gen.ooxml import package

from .check_fixtures import make_long_plan_docx, make_plan_docx

pytestmark = [pytest.mark.slow, pytest.mark.serial]  # bombs and 50,000 paragraphs, each against a 5 s bound

REPO = Path(__file__).resolve().parents[1]
SECONDS = 5.0
MEGABYTES = 500
MiB = 1 << 20
READERS: dict[str, Callable[[Any], Any]] = {"check": check_document, "import": import_appendix}


def timed(reader: Callable[[Any], Any], source: Any) -> tuple[Any, float]:
    """(the report, or the InputError raised, and the seconds it took)."""
    start = time.perf_counter()
    try:
        outcome: Any = reader(source)
    except InputError as exc:
        outcome = exc
    return outcome, time.perf_counter() - start


def refusal(outcome: Any) -> str:
    assert isinstance(outcome, InputError), f"expected a refusal, got {outcome!r}"
    (problem,) = outcome.problems
    assert "\n" not in problem.format() and problem.hint  # one located line with a way out
    return problem.message


_PROBE = r"""
import json, resource, sys, time
from kehoach_gen.check import check_document
from kehoach_gen.errors import InputError
from kehoach_gen.importer import import_appendix
reader = {"check": check_document, "import": import_appendix}[sys.argv[2]]
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    reader(sys.argv[1])
    message = None
except InputError as exc:
    message = exc.problems[0].message
seconds = time.perf_counter() - start
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
print(json.dumps({"message": message, "seconds": seconds, "grown_mb": grown * scale / 2**20}))
"""


def probe(path: Path, reader: str) -> dict[str, Any]:
    """Read ``path`` in a fresh interpreter: its message, seconds and peak memory growth."""
    pytest.importorskip("resource")
    done = subprocess.run([sys.executable, "-c", _PROBE, str(path), reader], cwd=REPO,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def with_document_xml(xml: bytes, *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A generated plan whose word/document.xml is ``xml``."""
    source = zipfile.ZipFile(io.BytesIO(make_plan_docx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", method) as target:
        for item in source.infolist():
            target.writestr(item.filename, xml if item.filename == "word/document.xml"
                            else source.read(item))
    return out.getvalue()


def streamed_member(path: Path, name: str, size: int, unit: bytes = b" ") -> None:
    """A .docx whose ``name`` inflates to ``size`` bytes of ``unit``, written in chunks (the
    test never holds the inflated part)."""
    source = zipfile.ZipFile(io.BytesIO(make_plan_docx()))
    chunk = unit * (MiB // len(unit))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
        for item in source.infolist():
            if item.filename != name:
                target.writestr(item.filename, source.read(item))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as member:  # under 2 GB: plain 32-bit sizes
            for _ in range(size // len(chunk)):
                member.write(chunk)


# ---------------------------------------------------------------------------------------------
# Zip bombs


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bomb") / "bom.docx"
    streamed_member(path, "word/document.xml", 768 * MiB)  # 768 MB of spaces, 1 MB on disk
    return path


@pytest.fixture(scope="module")
def liar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("liar") / "noi_doi.docx"
    _lying_docx(path, 768 * MiB, 1000)
    return path


@pytest.mark.parametrize("reader", READERS)
def test_a_zip_bomb_is_refused_before_it_inflates(bomb: Path, reader: str) -> None:
    assert bomb.stat().st_size < 2 * MiB
    result = probe(bomb, reader)
    assert "phần 'word/document.xml' của tệp .docx giải nén ra hơn" in result["message"]
    assert result["seconds"] < SECONDS and result["grown_mb"] < MEGABYTES


def _lying_docx(path: Path, inflated: int, declared: int) -> None:
    """word/document.xml really inflates to ``inflated`` bytes, but its local header and its
    central directory entry say ``declared``, with the CRC of the first ``declared`` bytes:
    a reader that trusts them inflates it all, and the CRC check passes."""
    head = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/' \
           b'wordprocessingml/2006/main"><w:body>'
    streamed_member(path, "word/document.xml", inflated, b" ")
    data = bytearray(path.read_bytes())
    crc = zlib.crc32((head + b" " * declared)[:declared])
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("word/document.xml")
    local = info.header_offset
    struct.pack_into("<L", data, local + 14, crc)
    struct.pack_into("<L", data, local + 22, declared)
    central = data.find(b"PK\x01\x02", info.header_offset)
    while data[central + 46:central + 46 + len(info.filename)] != info.filename.encode():
        central = data.find(b"PK\x01\x02", central + 4)
    struct.pack_into("<L", data, central + 16, crc)
    struct.pack_into("<L", data, central + 24, declared)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("reader", READERS)
def test_a_member_whose_header_lies_about_its_size(liar: Path, reader: str) -> None:
    info = zipfile.ZipFile(liar).getinfo("word/document.xml")
    assert info.file_size == 1000  # what python-docx would believe
    result = probe(liar, reader)
    assert "nhiều hơn kích thước ghi trong tệp nén" in result["message"]
    assert result["seconds"] < SECONDS and result["grown_mb"] < MEGABYTES


def test_too_many_parts_and_too_much_markup() -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for n in range(package.MAX_PARTS + 1):
            z.writestr(f"p{n}.txt", "")
    outcome, seconds = timed(check_document, many.getvalue())
    assert "phần (giới hạn 2.000)" in refusal(outcome) and seconds < SECONDS
    tags = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            b"<w:body>" + b"<w:p/>" * package.MAX_XML_MARKUP + b"</w:body></w:document>")
    # stored: it would compress 600 to 1
    outcome, seconds = timed(check_document, with_document_xml(tags, method=zipfile.ZIP_STORED))
    assert "thẻ XML" in refusal(outcome) and seconds < SECONDS


# ---------------------------------------------------------------------------------------------
# XML attacks


_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "aaaaaaaaaa">'
           + b"".join(b'<!ENTITY %c "%s">' % (98 + n, (b"&%c;" % (97 + n)) * 10)
                      for n in range(9))
           + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
             b'main"><w:body><w:p><w:r><w:t>&j;</w:t></w:r></w:p></w:body></w:document>')
_XXE = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b"<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>")


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("xml", [_LAUGHS, _XXE, _XXE.decode().encode("utf-16"),
                                 b"\xfe\xff" + _XXE.decode().encode("utf-16-be")],
                         ids=["billion laughs", "external entity", "external entity, UTF-16",
                              "external entity, UTF-16 big-endian"])
def test_a_doctype_is_refused(reader: str, xml: bytes) -> None:
    outcome, seconds = timed(READERS[reader], with_document_xml(xml))
    assert "phần 'word/document.xml' của tệp .docx có khai báo DOCTYPE" in refusal(outcome)
    assert seconds < SECONDS


def test_a_part_full_of_exclamation_marks_is_screened_at_c_speed() -> None:
    """The DOCTYPE hint of the screening, and the body cutter's search for comments, look back
    from each "!" (rare in a plan); a part of millions of them must not turn that into a loop
    in Python: past a few dozen, the pairs are searched instead (16 MB: about 0.1 s for both,
    against seconds one "!" at a time)."""
    from kehoach_gen.ooxml.opc import _markup_after
    from kehoach_gen.ooxml.package import _dtd_hint

    window = b"a!" * 8_000_000
    start = time.perf_counter()
    assert _dtd_hint(window) is False
    assert _dtd_hint(window + b"<!") is True
    assert _dtd_hint(window + "<!".encode("utf-16-le")) is True
    assert _markup_after(window, b"!", 0) is False
    assert _markup_after(window + b"<!", b"!", 0) is True
    assert time.perf_counter() - start < 1.0


def test_the_parser_leaves_entities_unresolved() -> None:
    from kehoach_gen.ooxml.element import parse_xml

    root = parse_xml(_XXE)  # a DOCTYPE past the screening would still read nothing
    assert "root:" not in "".join(root.itertext())


# ---------------------------------------------------------------------------------------------
# Files that are not files


@pytest.mark.skipif(sys.platform == "win32" or not os.path.exists("/dev/zero"),
                    reason="no /dev/zero or symbolic links")
@pytest.mark.parametrize("reader", READERS)
def test_a_link_to_dev_zero_or_a_fifo_is_not_read(tmp_path: Path, reader: str) -> None:
    zero = tmp_path / "zero.docx"
    zero.symlink_to("/dev/zero")
    fifo = tmp_path / "fifo.docx"
    os.mkfifo(fifo)  # nobody writes: opening it for reading would wait for ever
    for path in (zero, fifo):
        outcome, seconds = timed(READERS[reader], path)
        assert "không phải tệp thông thường" in refusal(outcome) and seconds < SECONDS


def test_a_file_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    path = tmp_path / "to.docx"
    with path.open("wb") as f:
        f.truncate(package.MAX_DOCX_BYTES + 1)  # sparse: nothing written
    outcome, seconds = timed(check_document, path)
    assert refusal(outcome).startswith("tệp quá lớn") and seconds < SECONDS


def _ole(*streams: str) -> bytes:
    """An OLE compound file: its header, then one directory sector naming ``streams``."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    entries = b""
    for name in ("Root Entry", *streams):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entries += raw.ljust(64, b"\x00") + struct.pack("<H", len(raw)) + bytes(62)
    return header + entries.ljust(512, b"\x00")


@pytest.mark.parametrize(("reader", "plain_doc"), [
    ("check", "tệp không phải văn bản Word .docx"),
    ("import", "tệp là định dạng Word 97-2003 (.doc)"),
])
def test_a_password_protected_word_file_is_named_as_such(reader: str, plain_doc: str) -> None:
    outcome, seconds = timed(READERS[reader], _ole("EncryptionInfo", "EncryptedPackage"))
    assert refusal(outcome).startswith("tệp Word được đặt mật khẩu") and seconds < SECONDS
    assert "File > Info > Protect Document" in outcome.problems[0].hint
    outcome, _ = timed(READERS[reader], _ole("WordDocument", "1Table"))
    assert refusal(outcome).startswith(plain_doc)  # an old .doc keeps its message


# ---------------------------------------------------------------------------------------------
# Long documents: the checker is linear


def test_one_word_of_a_hundred_thousand_letters() -> None:
    # after a capitalised unit name, so that the capitalisation check reads the whole word
    text = "Giao cho Xã Tân An " + "ạ" * 100_000
    outcome, seconds = timed(check_document, make_long_plan_docx(1, text))
    assert [(f.rule, f.severity) for f in outcome.findings] == [("ND30-CAPS", "warning")]
    assert seconds < SECONDS


@pytest.mark.parametrize(("changes", "rule"), [
    pytest.param({"so": "Số: 05/KH-UBND" + " " * 100_000 + "x"}, "ND30-SO", id="spaces in the So line"),
    pytest.param({"date": "Tân An, ngày" + " " * 100_000 + "x"}, "ND30-DATE", id="spaces in the date"),
    pytest.param({"date": "Tân An, " + "ngày" * 25_000}, "ND30-DATE", id="ngay glued"),
    pytest.param({"extra_body": ("a Xã " * 20_001 + "B",)}, "ND30-CAPS", id="Xa repeated"),
    pytest.param({"extra_body": ("“" + "trên địa bàn thành phố " * 5_000,)}, None,
                 id="quoted city phrase"),
    pytest.param({"kem_theo": "(Kèm theo a số" * 7_000}, "ND30-APPENDIX-REF",
                 id="Kem theo repeated"),
])
def test_long_hostile_lines(changes: dict[str, Any], rule: str | None) -> None:
    outcome, seconds = timed(check_document, make_plan_docx(**changes))
    assert seconds < SECONDS
    found = {f.rule for f in outcome.findings}
    assert rule in found if rule else "PLAN-CITY" not in found


def test_fifty_thousand_paragraphs() -> None:
    data = make_long_plan_docx(50_000)
    outcome, seconds = timed(check_document, data)
    assert outcome.findings == [] and seconds < SECONDS


def test_more_formats_than_any_plan_are_refused_quickly() -> None:
    body = b"".join(b'<w:p><w:pPr><w:spacing w:after="%d"/></w:pPr><w:r><w:t>x</w:t></w:r></w:p>'
                    % n for n in range(MAX_FORMATS + 1))
    xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b"<w:body>" + body + b"</w:body></w:document>")
    outcome, seconds = timed(check_document, with_document_xml(xml))
    assert "kiểu định dạng khác nhau, vượt giới hạn" in refusal(outcome) and seconds < SECONDS


def test_more_paragraphs_than_any_plan_are_refused_quickly() -> None:
    body = b"<w:p/>" * (MAX_PARAGRAPHS + 1)
    xml = (b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           b"<w:body>" + body + b"</w:body></w:document>")
    outcome, seconds = timed(check_document, with_document_xml(xml))
    assert "vượt giới hạn" in refusal(outcome) and seconds < SECONDS


def test_an_endless_appendix_table_is_refused_by_the_importer() -> None:
    from kehoach_gen.importer.table import MAX_ROWS

    source = zipfile.ZipFile(io.BytesIO(make_plan_docx()))
    xml = source.read("word/document.xml").decode()
    start = xml.rfind("<w:tbl>")
    end = xml.index("</w:tbl>", start)
    row = re.findall(r"<w:tr[ >].*?</w:tr>", xml[start:end], re.S)[2]  # a task row
    table = xml[start:end].replace(row, row * (MAX_ROWS + 1), 1)
    outcome, seconds = timed(import_appendix,
                             with_document_xml((xml[:start] + table + xml[end:]).encode()))
    assert "vượt giới hạn" in refusal(outcome) and seconds < SECONDS
