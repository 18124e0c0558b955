"""Nghị định 30/2020 format checks on any .docx (``kehoach-gen check``).

The checker reads a Word file the way Word lays it out (:mod:`kehoach_gen.ooxml`: every run's
properties resolved through direct formatting, character style, paragraph style, numbering,
table style, document defaults and theme). The parts of a plan are recognised by their text
(:mod:`.layout`), never by our own style names, so documents typed by hand are checked as
fairly as generated ones. Every deviation from ``docs/nd30-format.md`` and every plan-level
slip (stale task counts, numbering gaps, city wording left in a commune's plan) becomes a
:class:`Finding` of a rule declared once in its group's module (:mod:`.rules`), with a place,
what the rule says and how to fix it, in Vietnamese.

Groups: :mod:`.page` (page size, margins, page numbers), :mod:`.header`, :mod:`.body` (title,
trích yếu, body), :mod:`.closing` (Nơi nhận, signer, authority), :mod:`.appendix`,
:mod:`.tables` (layout tables, task tables, wording of the level above), :mod:`.leftovers`
(other units of the province named in a commune's plan), :mod:`.text` (fonts, colours, text,
tone marks), :mod:`.variants` (two spellings of one phrase). Rules whose id starts with
``STYLE-`` are house style, always warnings, not rules of the decree.

Work is bounded: the file is screened before parsing (:mod:`kehoach_gen.ooxml.package`), a
document with more paragraphs or runs than any plan is refused with a message, and every check
is linear in the size of the document (``benchmarks/check_scaling.py`` shows it).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import InputError, Problem
from ..ooxml.document import DocModel
from ..ooxml.nodes import Oversized, TooManyParagraphs
from ..ooxml.opc import open_package
from ..ooxml.package import Say, Wording
from ..ooxml.styles import TooManyFormats
from . import appendix, body, closing, header, leftovers, page, tables, text, variants
from .common import Ctx
from .header import DATE_RE, SO_RE, date_problems
from .layout import Layout
from .report import Finding, Report, Severity
from .rules import Rule, registered

__all__ = ["DATE_RE", "RULES", "SO_RE", "Finding", "Report", "Rule", "Severity", "check_document"]

RULES: dict[str, str] = {r.id: r.text for r in registered()}
_date_problems = date_problems  # the name the tests have always used

# A plan of a hundred pages has a few thousand paragraphs, a few dozen distinct formats. Past
# these a file is no plan, and checking it would take longer than anyone waits: the checker
# spends some 50 µs a paragraph (on a machine where ``sum(range(1000))`` takes 10 µs), 5 µs a
# run, and 40 µs resolving each distinct format, so that with these caps any file is answered
# in about 5 s. (50,000 paragraphs of an ordinary plan take about 3 to 4 s.)
MAX_PARAGRAPHS = 60_000
MAX_RUNS = 200_000
MAX_FORMATS = 5_000

# in the order findings are reported
_CHECKS: tuple[Callable[[Ctx], Iterable[Finding]], ...] = (
    page.check_pages, page.check_page_numbers, header.check_header, body.check_title,
    body.check_body, closing.check_closing, appendix.check_appendices, tables.check_borderless,
    tables.check_task_tables, tables.check_city, leftovers.check_neighbours, text.check_fonts,
    text.check_colours, text.check_text, text.check_tone, variants.check_variants,
)

WORDING = Wording(
    missing=Say("không tìm thấy tệp", "Kiểm tra lại đường dẫn tệp"),
    directory=Say("đây là thư mục, không phải tệp .docx", "Chỉ ra từng tệp .docx cần kiểm tra"),
    unreadable=Say("không đọc được tệp ({reason})", "Kiểm tra quyền đọc tệp"),
    not_docx=Say("tệp không phải văn bản Word .docx",
                 "Mở bằng Word và lưu lại dạng 'Word Document (*.docx)'; tệp .doc cũ phải "
                 "chuyển sang .docx"),
    broken=Say("tệp .docx bị hỏng hoặc không phải văn bản Word ({reason})",
               "Mở bằng Word, kiểm tra nội dung rồi lưu lại dạng .docx"),
)


def check_document(source: str | Path | bytes, *, draft_ok: bool = True) -> Report:
    """Check a .docx (path or bytes) against Nghị định 30/2020 and the plan-level rules.

    ``draft_ok`` allows the number and day to be left blank ("Số:      /KH-UBND",
    "ngày      tháng 5 năm 2026"), as in a draft waiting for signature. Raises
    :class:`InputError` when ``source`` is not a readable .docx, or is far larger than a plan.
    """
    with _collector_paused():
        return _check(source, draft_ok)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while checking: the model makes hundreds of thousands
    of objects that live until the end, and each collection would walk them all again."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _check(source: str | Path | bytes, draft_ok: bool) -> Report:
    package = open_package(source, WORDING)
    name = package.name
    findings: list[Finding] = []
    try:
        doc = DocModel(package, max_paragraphs=MAX_PARAGRAPHS, max_runs=MAX_RUNS,
                       max_formats=MAX_FORMATS)
        ctx = Ctx(doc, Layout.detect(doc), draft_ok)
        for check in _CHECKS:
            findings.extend(check(ctx))
    except Oversized as exc:  # counted inside libxml2, before anything per paragraph
        what, cap = (("đoạn văn", MAX_PARAGRAPHS) if exc.what == "w:p"
                     else ("đoạn chữ (run)", MAX_RUNS))
        raise _too_large(name, what, exc.found, cap) from None
    except TooManyParagraphs:  # text boxes shown inside text boxes, each counted again
        raise _too_large(name, "đoạn văn", None, MAX_PARAGRAPHS) from None
    except TooManyFormats:
        raise _too_large(name, "kiểu định dạng khác nhau", None, MAX_FORMATS) from None
    return Report(findings, name)


def _too_large(name: str | None, what: str, found: int | None, cap: int) -> InputError:
    """``found``: how many there are, None when the count stopped at the cap."""
    def number(n: int) -> str:
        return f"{n:,}".replace(",", ".")

    amount = f"hơn {number(cap)}" if found is None else number(found)
    usual, hint = _USUAL[what]
    return InputError([Problem(
        message=f"văn bản có {amount} {what}, vượt giới hạn {number(cap)} để kiểm tra (một kế "
                f"hoạch thường có {usual})", file=name, hint=hint)])


_LONG = "Kiểm tra đúng tệp kế hoạch; tách phụ lục dài thành tệp riêng"
_USUAL = {
    "đoạn văn": ("vài nghìn", _LONG),
    "đoạn chữ (run)": ("vài nghìn", _LONG),
    "kiểu định dạng khác nhau": ("vài chục", "Kiểm tra đúng tệp kế hoạch; tệp chuyển từ PDF thì "
                                              "chọn hết, xóa định dạng (Ctrl+Space, Ctrl+Q) rồi "
                                              "áp lại kiểu"),
}
