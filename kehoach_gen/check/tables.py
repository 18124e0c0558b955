"""Tables of a plan: the header and signature tables without borders, the task tables' counts
and numbering, and city wording left in a commune's plan."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from ..ooxml.document import Cell, DocModel, Table
from .common import Ctx
from .layout import LEVELS
from .report import Finding
from .rules import rule
from .scan import Scan
from .words import fold, squash

BORDERLESS = rule("ND30-BORDERLESS", "Bảng phần đầu và bảng nơi nhận/chữ ký không có đường viền.")
PLAN_COUNT = rule("PLAN-COUNT", "Số nhiệm vụ ghi ở dòng nhóm '(05 nhiệm vụ)' khớp số dòng nhiệm "
                                "vụ của nhóm.")
PLAN_NUMBERING = rule("PLAN-NUMBERING", "Số thứ tự nhiệm vụ liên tục, không lặp, không bỏ số (nhóm "
                                        "B đánh tiếp qua các mục).")
PLAN_CITY = rule("PLAN-CITY", "Kế hoạch của xã/phường/đặc khu không còn từ ngữ, cơ quan cấp thành "
                              "phố.")

_TASK_NO = re.compile(r"^(\d+)\.?$")
_LETTER_GROUP = re.compile(r"^([A-HJ-UWYZ])\.?$")
_ROMAN_GROUP = re.compile(r"^([IVXL]+)\.?$")
_COUNT = re.compile(r"\((\d+)\s+nhiệm vụ\)")
_CITY_PHRASE = re.compile(r"(?i)(?P<phrase>trên địa bàn thành phố)(?P<next>\s+\S)?")
_CITY_LEAD = re.compile(
    r"(?i)^(các\s+sở\b|sở\s+\S|công an thành phố|(ủy|uỷ) ban nhân dân cấp xã|ubnd cấp xã"
    r"|thanh tra thành phố|to[àa] án nhân dân thành phố|viện kiểm sát nhân dân thành phố"
    r"|văn phòng hđnd và ubnd cấp xã)")


def check_borderless(ctx: Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    noi_nhan = next((p for p in lay.closing if p.table is not None), None)
    for label, p in (("phần đầu (cơ quan, Quốc hiệu)", lay.quoc_hieu or lay.so),
                     ("nơi nhận, chữ ký", noi_nhan)):
        if p is None or p.table is None:
            continue
        table = ctx.doc.tables[p.table]
        sides = ctx.doc.sheet.table_borders(table.el)
        if sides:
            yield ctx.find(BORDERLESS, f"bảng {p.table + 1}", f"Bảng {label} có đường viền.",
                           "Chọn bảng > Borders > No Border.", quote_text=p.text)


def _number(digits: str) -> int | None:
    """The value of a run of digits; None for one ``int`` refuses (thousands of digits)."""
    try:
        return int(digits)
    except ValueError:
        return None


@dataclass
class _Row:
    table: Table
    index: int
    cells: list[Cell]

    def text(self, n: int) -> str:
        if n >= len(self.cells):
            return ""
        return "\n".join(p.text for p in self.cells[n][2])

    def at_grid(self, col: int) -> str:
        return next(("\n".join(p.text for p in ps) for g, _, ps in self.cells if g == col), "")

    @cached_property
    def first(self) -> str:
        return squash(self.text(0))

    @property
    def where(self) -> str:
        return f"bảng {self.table.index + 1}, hàng {self.index + 1}"

    @cached_property
    def kind(self) -> str:
        if _TASK_NO.match(self.first):
            return "task"
        if _LETTER_GROUP.match(self.first):
            return "letter"
        if _ROMAN_GROUP.match(self.first):
            return "roman"
        return "other"


def _task_tables(doc: DocModel) -> list[Table]:
    out = []
    for t in doc.tables:
        head = [fold("\n".join(p.text for p in ps)) for _, _, ps in t.rows[0]] if t.rows else []
        if head and head[0] in ("tt", "stt") and any("nhiem vu" in h for h in head[1:]):
            out.append(t)
    return out


def _task_rows(ctx: Ctx) -> list[list[_Row]]:
    """Rows of the task tables, one list per appendix (numbering runs on across tables)."""
    if "task rows" not in ctx.memo:
        heads = sorted(a.heading.i for a in ctx.lay.appendices)
        streams: dict[int, list[_Row]] = {}
        for t in _task_tables(ctx.doc):
            key = bisect.bisect_left(heads, t.first)  # appendix headings before the table
            streams.setdefault(key, []).extend(_Row(t, n, cells) for n, cells in enumerate(t.rows))
        ctx.memo["task rows"] = list(streams.values())
    rows: list[list[_Row]] = ctx.memo["task rows"]
    return rows


def check_task_tables(ctx: Ctx) -> Iterator[Finding]:
    for rows in _task_rows(ctx):
        yield from _check_counts(ctx, rows)
        yield from _check_task_numbers(ctx, rows)


def _check_counts(ctx: Ctx, rows: list[_Row]) -> Iterator[Finding]:
    for n, row in enumerate(rows):
        if row.kind not in ("letter", "roman"):
            continue
        m = _COUNT.search(" ".join(row.text(k) for k in range(1, len(row.cells))))
        stated = _number(m.group(1)) if m else None
        if m is None or stated is None:
            continue
        stop = ("letter",) if row.kind == "letter" else ("letter", "roman")
        count = 0
        for k in range(n + 1, len(rows)):  # by index: a slice per group would copy the rest
            if rows[k].kind in stop:
                break
            count += rows[k].kind == "task"
        if count != stated:
            yield ctx.find(PLAN_COUNT, row.where + ", ô 2",
                           f"Nhóm {row.first} ghi '{m.group()}' nhưng có {count} nhiệm vụ.",
                           f"Sửa thành '({count:02d} nhiệm vụ)' hoặc kiểm tra lại các dòng "
                           "nhiệm vụ của nhóm.", quote_text=m.group())


def _check_task_numbers(ctx: Ctx, rows: list[_Row]) -> Iterator[Finding]:
    last = 0
    group = ""
    for row in rows:
        if row.kind == "letter":
            last, group = 0, row.first
            continue
        if row.kind != "task":
            continue
        number = _number(_TASK_NO.match(row.first).group(1))  # type: ignore[union-attr]
        if number is None:
            continue
        label = f" trong nhóm {group}" if group else ""
        if number == last:
            yield ctx.find(PLAN_NUMBERING, row.where + ", ô 1",
                           f"Số thứ tự {number} lặp lại{label}.",
                           "Đánh lại số thứ tự liên tục.", quote_text=f"{number}. {row.text(1)}")
        elif number != last + 1:
            what = f"bỏ qua {last + 1}" if number > last + 1 else f"đứng sau {last}"
            yield ctx.find(PLAN_NUMBERING, row.where + ", ô 1",
                           f"Số thứ tự {number} {what}{label}.",
                           "Đánh lại số thứ tự liên tục (nhóm B đánh tiếp qua các mục La Mã).",
                           quote_text=f"{number}. {row.text(1)}")
        last = number


def _first_unquoted(text: str) -> re.Match[str] | None:
    """The first "trên địa bàn thành phố" not inside “…” (the quoted name of a document is
    cited as written). Quotes are counted once along the text, not again for each match."""
    opened = closed = seen = 0
    for m in _CITY_PHRASE.finditer(text):
        opened += text.count("“", seen, m.start())
        closed += text.count("”", seen, m.start())
        seen = m.start()
        if opened <= closed:
            return m
    return None


def check_city(ctx: Ctx) -> Iterator[Finding]:
    level = ctx.lay.issuer_level
    if level not in LEVELS:
        return
    unit = LEVELS[level]
    candidates = Scan([p.text for p in ctx.doc.paras]).which(_CITY_PHRASE)
    for k, p in enumerate(ctx.doc.paras):
        if k not in candidates:
            continue
        m = _first_unquoted(p.text)
        if not m:
            continue
        named = bool(m.group("next")) and m.group("next").strip()[0].isupper()
        yield ctx.find(PLAN_CITY, p, f"Kế hoạch của {unit} còn cụm '{m.group('phrase')}'.",
                       f"Sửa thành 'trên địa bàn {unit}' (nếu không phải trích tên văn bản "
                       "của thành phố).", "warning" if named else "error",
                       quote_text=p.text[max(0, m.start() - 20):m.end() + 20])
    for rows in _task_rows(ctx):
        lead_col = _lead_column(rows)
        if lead_col is None:
            continue
        for row in rows:
            if row.kind not in ("task", "roman"):
                continue
            for entry in re.split(r"[;\n]", row.at_grid(lead_col)):
                entry = entry.strip().lstrip("-–+ ").strip()
                if _CITY_LEAD.match(entry):
                    yield ctx.find(PLAN_CITY, f"{row.where}, cột Cơ quan chủ trì",
                                   f"Cơ quan chủ trì '{entry}' là cơ quan cấp thành phố.",
                                   f"Giao cho phòng, đơn vị của {unit} tương ứng (theo hồ sơ "
                                   "đơn vị).", quote_text=entry)


def _lead_column(rows: list[_Row]) -> int | None:
    if not rows:
        return None
    return next((g for g, _, ps in rows[0].cells
                 if "chu tri" in fold(" ".join(p.text for p in ps))), None)
