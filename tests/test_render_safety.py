"""A hostile Word template gives a located InputError, quickly, and nothing runs away.

Every template here is made at run time from templates/ke_hoach.docx by rewriting its
word/document.xml (or its zip). The time bound is a bound, not a benchmark: 5 s per template.
"""

from __future__ import annotations

import functools
import io
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_gen.errors import InputError
from kehoach_gen.render import CompiledTemplate

from .check_fixtures import deflated_entry, write_zip
from .conftest import REPO

TEMPLATE = REPO / "templates" / "ke_hoach.docx"
SECONDS = 5.0
TITLE_TAG = "{{ title }}"


def _parts() -> dict[str, bytes]:
    src = zipfile.ZipFile(TEMPLATE)
    return {name: src.read(name) for name in src.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in parts.items():
            dst.writestr(name, data)
    return out.getvalue()


def _with_document(change: Callable[[str], str]) -> bytes:
    parts = _parts()
    xml = parts["word/document.xml"].decode("utf-8")
    changed = change(xml)
    assert changed != xml, "the hostile edit did not apply"
    parts["word/document.xml"] = changed.encode("utf-8")
    return _zip(parts)


def _title(tag: str) -> Callable[[str], str]:
    """Put ``tag`` where the template prints the title."""
    return lambda xml: xml.replace(TITLE_TAG, tag.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def _at_end(text: str) -> Callable[[str], str]:
    """A last paragraph holding ``text``, after everything else."""
    def change(xml: str) -> str:
        at = xml.rfind("<w:sectPr")
        return xml[:at] + f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>" + xml[at:]
    return change


@functools.cache
def _bomb() -> bytes:
    """The template with a word/document.xml of 256 MB of zeros, a quarter of a megabyte in the
    zip. A megabyte of zeros is deflated once and its stream written 256 times: ended by a full
    flush, it stands alone (byte-aligned, nothing referred back to), so the copies chain into
    one deflate stream, made in a fraction of the second deflating 256 MB takes."""
    chunk = b"\0" * (1 << 20)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(256):
        crc = zlib.crc32(chunk, crc)
    document = ("word/document.xml", crc, 256 * len(chunk), block * 256 + packer.flush())
    return write_zip([document if name == document[0] else deflated_entry(name, data, 9)
                      for name, data in _parts().items()])


def _lying_bomb() -> bytes:
    """The bomb, its headers claiming document.xml inflates to 1,000 bytes."""
    data = bytearray(_bomb())
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        while at >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = (1000).to_bytes(4, "little")
            at = data.find(signature, at + 4)
    return bytes(data)


def _without_document() -> bytes:
    parts = _parts()
    del parts["word/document.xml"]
    return _zip(parts)


ROWS = "appendix.rows"
CASES: dict[str, tuple[Callable[[], bytes], tuple[str, ...]]] = {
    "not a zip": (lambda: b"PK\x03\x04 this is not really a zip" * 100,
                  ("không phải tài liệu Word (.docx) hợp lệ",)),
    "zip bomb": (_bomb, ("giải nén ra hơn",)),
    "zip bomb with lying sizes": (_lying_bomb, ("'word/document.xml'", "giải nén ra nhiều hơn kích thước ghi")),
    "no document.xml": (_without_document, ("thiếu phần 'word/document.xml'",)),
    "malformed XML": (lambda: _with_document(lambda x: x.replace("</w:body>", "<w:p></w:body>")),
                      ("không phải XML hợp lệ", "dòng")),
    "Jinja syntax error": (lambda: _with_document(_title("{{ title ")),
                           ("thẻ mẫu viết sai", "ở thẻ '{{ title {{ trich_yeu }}'")),
    "tag never closed": (lambda: _with_document(_at_end("{{ title")), ("mở mà không đóng",)),
    "Jinja syntax error inside a tag": (lambda: _with_document(_title("{{ title ) }}")),
                                        ("thẻ mẫu viết sai", "ở thẻ '{{ title ) }}'")),
    "class escape": (lambda: _with_document(_title("{{ ''.__class__ }}")),
                     ("thuộc tính '__class__'", "không được phép", "ở thẻ '{{ ''.__class__ }}'")),
    "class escape deeper": (lambda: _with_document(_title("{{ title.__class__.__mro__[1].__subclasses__ }}")),
                            ("không được phép",)),
    "item escape": (lambda: _with_document(_title("{{ title['__class__'] }}")),
                    ("mục '__class__'", "không được phép")),
    "range": (lambda: _with_document(_title("{% for i in range(10**9) %}x{% endfor %}")),
              ("gọi hàm",)),
    "range without a call": (lambda: _with_document(_title("{% for i in range %}x{% endfor %}")),
                             ("biến không có: range", "không dùng range")),
    "lipsum": (lambda: _with_document(_title("{{ lipsum }}")), ("biến không có: lipsum",)),
    "power": (lambda: _with_document(_title("{{ 9 ** 9 ** 9 }}")), ("lũy thừa",)),
    "string repetition": (lambda: _with_document(_title("{{ title * 1000000000 }}")), ("phép nhân",)),
    "set doubling": (lambda: _with_document(_title("{% set x = title ~ title %}{{ x }}")), ("{% set %}",)),
    "method call": (lambda: _with_document(_title("{{ title.format() }}")), ("gọi hàm",)),
    "unsafe filter": (lambda: _with_document(_title("{{ title|replace('a', title) }}")), ("bộ lọc '|replace'",)),
    "include": (lambda: _with_document(_title("{% include 'x' %}")), ("{% include %}",)),
    "four nested loops": (lambda: _with_document(_title(
        "{% for a in appendix.rows %}{% for b in appendix.rows %}{% for c in appendix.rows %}"
        "{% for d in appendix.rows %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}")),
        ("lồng quá 3 tầng",)),
    "three loops over the rows": (lambda: _with_document(_title(
        "{% for a in appendix.rows %}{% for b in appendix.rows %}{% for c in appendix.rows %}"
        "{% endfor %}{% endfor %}{% endfor %}")),
        ("lặp quá nhiều lần", "khi thử điền một kế hoạch mẫu")),
    "loop over a long text": (lambda: _with_document(_title(
        "{% for a in trich_yeu %}{% for b in trich_yeu %}{% for c in trich_yeu %}{% endfor %}{% endfor %}"
        "{% endfor %}")), ("không phải danh sách",)),
    "output without bound": (lambda: _with_document(_title(
        "{% for a in appendix.rows %}{% for b in appendix.rows %}"
        + "{{ " + " ~ ".join(["a.text"] * 30) + " }}" + "{% endfor %}{% endfor %}")),
        ("văn bản quá lớn",)),
    # a loop body reading its item alone is written once per item and numbered in the output
    # (ItemBodies): what it wrote counts against the limit all the same
    "output of item bodies without bound": (lambda: _with_document(_title(
        "{% for a in appendix.rows %}{% for b in appendix.rows %}"
        + "{{ " + " ~ ".join(["b.text"] * 30) + " }}" + "{% endfor %}{% endfor %}")),
        ("văn bản quá lớn",)),
    "join bomb": (lambda: _with_document(_title("{{ trich_yeu|join(',')|join(',')|join(',') }}")),
                  ("|join trong mẫu chỉ dùng được cho danh sách",)),
    "join with a long separator": (lambda: _with_document(_title("{{ noi_nhan|join(trich_yeu) }}")),
                                   ("bộ lọc |join chỉ nhận",)),
    # a value in an attribute: the footnote reference it becomes is XML, which breaks the attribute
    "XML broken by a value": (lambda: _with_document(
        lambda x: x.replace('w:val="KHTieude"', 'w:val="{{ body[-2].text }}"', 1)),
        ("mẫu Word sinh ra XML hỏng", "khi thử điền một kế hoạch mẫu")),
}


def _compile(tmp_path: Path, data: bytes) -> tuple[InputError, float]:
    path = tmp_path / "mau.docx"
    path.write_bytes(data)
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        CompiledTemplate(path)
    return info.value, time.perf_counter() - start


@pytest.mark.parametrize("case", [c for c in CASES if CASES[c][1]])
def test_a_hostile_template_gives_a_located_message_quickly(case: str, tmp_path: Path) -> None:
    make, expected = CASES[case]
    error, seconds = _compile(tmp_path, make())
    assert seconds < SECONDS, f"{case}: {seconds:.1f} s"
    (problem,) = error.problems
    assert problem.file and problem.file.endswith("mau.docx")
    assert problem.hint, problem
    for text in expected:
        assert text in problem.format(), problem.format()
    assert "lỗi không mong đợi" not in problem.format()


def test_a_template_whose_tags_still_fit_compiles(tmp_path: Path) -> None:
    """The control: the same edits with allowed Jinja compile and render."""
    path = tmp_path / "mau.docx"
    path.write_bytes(_with_document(_title(
        "{% if appendix %}{% for a in appendix.rows if a.spans %}{{ a.number|lower }} {% endfor %}{% endif %}"
        "{{ title|upper }}{{ noi_nhan|join(', ') }}{{ issuer_lines|length }}{{ title if title is string else '' }}"
        "{{ body[0].kind ~ '-' ~ (body|first).text }}{% for p in body %}{{ loop.index }}{% endfor %}")))
    CompiledTemplate(path)


@pytest.mark.slow  # hostile inputs against their bound: a zip bomb and a growing output, memory traced
def test_memory_stays_bounded_for_the_zip_bomb_and_the_growing_output(tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        for case in ("zip bomb", "output without bound"):
            make, _ = CASES[case]
            data = make()
            tracemalloc.reset_peak()
            _compile(tmp_path, data)
            peak = tracemalloc.get_traced_memory()[1]
            assert peak < 500 * 1024 * 1024, f"{case}: {peak / 2**20:.0f} MB"
    finally:
        tracemalloc.stop()


def test_check_template_prints_the_message_without_a_traceback(tmp_path: Path) -> None:
    from kehoach_gen.cli import main

    path = tmp_path / "mau.docx"
    path.write_bytes(CASES["class escape"][0]())
    result = CliRunner().invoke(main, ["check-template", str(path)])
    assert result.exit_code == 1
    assert "__class__" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, (AttributeError, TypeError, KeyError))
