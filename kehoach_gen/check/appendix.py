"""Appendices (Mẫu 2.1): heading, title, the "(Kèm theo …)" line and its reference to the plan."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from .common import Ctx, Spec, check_look, no_line
from .dates import squashed_date
from .header import so_parts
from .layout import Appendix, Line
from .page import PAGE_NUMBER
from .report import Finding
from .rules import rule
from .words import fold, name_key, squash

APPENDIX = rule("ND30-APPENDIX", "Phụ lục: 'Phụ lục' đậm căn giữa 14 pt, tên phụ lục in hoa đậm, "
                                 "dòng '(Kèm theo …)' nghiêng căn giữa.")
APPENDIX_REF = rule("ND30-APPENDIX-REF", "Dòng 'Kèm theo Kế hoạch số …' ghi đúng số, ngày và cơ "
                                         "quan của kế hoạch.")

_HEADING = Spec("Tiêu đề phụ lục", (14, 14), italic=None)
_TITLE = Spec("Tên phụ lục", None, italic=None, case="upper")
_KEM_THEO = Spec("Dòng 'Kèm theo'", None, bold=None, italic=True)
_PREFIX = "(Kèm theo "
_SYMBOL = re.compile(r"\S*")


class Reference(NamedTuple):
    """The parts of "(Kèm theo Kế hoạch số 05/KH-UBND ngày … của …)"."""

    kind: str
    num: str
    sym: str
    date: str
    by: str


def kem_theo_parts(text: str) -> Reference | None:
    r"""What ``^\(Kèm theo (?P<kind>.+?) số(?P<num>[^/]*)/(?P<sym>\S*)\s+ngày(?P<date>.*?)
    \s+của\s+(?P<by>.+?)\)$`` matches in a squashed line (single spaces, no line breaks),
    found without that regex: it retries the rest of the line after every " số", which is
    quadratic on a line of many. The rest only depends on the first "/" after the " số",
    so it is tried once per such slash, and each try only looks ahead."""
    if not text.startswith(_PREFIX) or not text.endswith(")"):
        return None
    at, slash, tried = len(_PREFIX) + 1, -1, set()
    while (so := text.find(" số", at)) >= 0:
        num_at = so + len(" số")
        if slash < num_at:
            slash = text.find("/", num_at)
            if slash < 0:
                return None
        if slash not in tried:
            tried.add(slash)
            sym_end = _SYMBOL.match(text, slash + 1).end()  # type: ignore[union-attr]
            if text.startswith(" ngày", sym_end):
                date_at = sym_end + len(" ngày")
                cua = text.find(" của ", date_at)
                if cua >= 0 and cua + len(" của ") < len(text) - 1:
                    return Reference(text[len(_PREFIX):so], text[num_at:slash],
                                     text[slash + 1:sym_end], text[date_at:cua],
                                     text[cua + len(" của "):-1])
        at = so + 1
    return None

Date = tuple[int | None, int | None, int | None]
_SLASHED_DATE = re.compile(r"ngày\s*([\d\s.…]*)/([\d\s.…]*)/\s*(\d{4})")


def check_appendices(ctx: Ctx) -> Iterator[Finding]:
    apps = ctx.lay.appendices
    for n, app in enumerate(apps):
        head = app.heading
        first_line, head_runs = ctx.doc.lines(head)[0]
        yield from check_look(ctx, APPENDIX, head, _HEADING, head_runs, first_line)
        word = first_line.strip().split()
        if " ".join(word[:2]) not in ("Phụ lục", "PHỤ LỤC"):
            yield ctx.find(APPENDIX, head, "Tiêu đề phụ lục viết sai kiểu chữ.",
                           "Viết 'Phụ lục' (hoặc 'PHỤ LỤC').", quote_text=first_line)
        if len(apps) > 1 and len(word) < 3:
            yield ctx.find(APPENDIX, head, "Có nhiều phụ lục nhưng phụ lục chưa đánh số.",
                           "Đánh số 'Phụ lục I', 'Phụ lục II' …", quote_text=first_line)
        if n and head.section == apps[n - 1].heading.section:
            yield ctx.find(PAGE_NUMBER, head, "Phụ lục không bắt đầu phần (section) "
                           "riêng nên không đánh số trang riêng được.",
                           "Chèn Layout > Breaks > Next Page trước phụ lục.")
        head_lines = ctx.doc.lines(head)[1:]
        if app.kem_theo is not None and app.kem_theo.para is head:  # "(Kèm theo …)" and after
            head_lines = head_lines[:next((k for k, (t, _) in enumerate(head_lines)
                                           if t == app.kem_theo.text), len(head_lines))]
        title_lines = [(head, t, rs) for t, rs in head_lines] + [
            (p, t, rs) for p in app.title for t, rs in ctx.doc.lines(p)]
        if not title_lines:
            yield ctx.find(APPENDIX, head, "Thiếu tên phụ lục dưới tiêu đề.",
                           "Ghi tên phụ lục (in hoa, đậm) dưới 'Phụ lục'.", quote_text=first_line)
        for p, text, runs in title_lines:
            yield from check_look(ctx, APPENDIX, p, _TITLE, runs, text)
        yield from _check_kem_theo(ctx, app)


def _check_kem_theo(ctx: Ctx, app: Appendix) -> Iterator[Finding]:
    p = app.kem_theo
    if p is None:
        yield ctx.find(APPENDIX, app.heading, "Thiếu dòng '(Kèm theo Kế hoạch số … "
                       "ngày … của …)' dưới tên phụ lục.",
                       "Thêm dòng '(Kèm theo Kế hoạch số …/KH-UBND ngày … của …)', nghiêng, "
                       "căn giữa.")
        return
    yield from check_look(ctx, APPENDIX, p, _KEM_THEO)
    if not ctx.doc.line_below(p.para):
        yield no_line(ctx, p, "dòng 'Kèm theo' của phụ lục", "ngắn, căn giữa")
    m = kem_theo_parts(squash(p.text))
    if m is None:
        yield ctx.find(APPENDIX_REF, p, "Dòng 'Kèm theo' không đúng dạng.",
                       "Viết '(Kèm theo Kế hoạch số …/KH-UBND ngày … tháng … năm … của …)'.")
        return
    yield from _compare_reference(ctx, p, m)


def _compare_reference(ctx: Ctx, p: Line, m: Reference) -> Iterator[Finding]:
    lay = ctx.lay
    problems = []
    so = so_parts(lay.so.text.strip()) if lay.so else None
    if so:
        if _number(so.num) != _number(m.num):
            problems.append(f"số '{m.num.strip() or '(trống)'}' khác số của kế hoạch "
                            f"'{so.num.strip() or '(trống)'}'")
        if so.sym != m.sym:
            problems.append(f"ký hiệu '{m.sym}' khác '{so.sym}'")
    plan_date = _parse_date(lay.date.text) if lay.date else None
    ref_date = _parse_date("ngày" + m.date)
    if plan_date and ref_date and plan_date != ref_date:
        problems.append(f"ngày {_show_date(ref_date)} khác ngày của kế hoạch "
                        f"{_show_date(plan_date)}")
    if problems:
        yield ctx.find(APPENDIX_REF, p, "Dòng 'Kèm theo': " + "; ".join(problems) + ".",
                       "Ghi đúng số, ký hiệu và ngày của kế hoạch (bản dự thảo để trống cả hai "
                       "nơi).")
    issuer = name_key(lay.issuer_text)
    by = name_key(m.by)
    if issuer and by != issuer:
        yield ctx.find(APPENDIX_REF, p, f"Dòng 'Kèm theo' ghi cơ quan '{m.by}' "
                       "khác cơ quan ban hành.",
                       f"Ghi đầy đủ tên cơ quan ban hành ('{_sentence_case(lay.issuer_text)}').",
                       "warning")


def _sentence_case(s: str) -> str:
    words = s.split()
    if len(words) > 3 and fold(" ".join(words[:4])) == "uy ban nhan dan":
        return "Ủy ban nhân dân " + " ".join(words[4:]).title().replace("Xã ", "xã ", 1) \
            .replace("Phường ", "phường ", 1).replace("Đặc Khu ", "đặc khu ", 1)
    return s


def _number(s: str) -> int | None:
    s = s.strip()
    if not s.isdigit():
        return None
    try:
        return int(s)
    except ValueError:  # "²" is a digit int() refuses; so is a number of thousands of digits
        return None


def _parse_date(text: str) -> Date | None:
    """Day, month, year from 'ngày 05 tháng 5 năm 2026' or 'ngày 05/5/2026' (None = blank)."""
    text = squash(text)
    found = squashed_date(text)
    if found is None:
        m = _SLASHED_DATE.search(text)
        if m is None:
            return None
        found = m.group(1), m.group(2), m.group(3)
    day, month, year = found
    return _number(day), _number(month), _number(year.strip(".)"))


def _show_date(d: Date) -> str:
    return "/".join("…" if v is None else str(v) for v in d)
