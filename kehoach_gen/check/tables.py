"""Tables of a plan: the header and signature tables without borders, the task tables' counts
and numbering, and city wording left in a commune's plan."""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ..ooxml.document import ROWS, DocModel
from ..ooxml.nodes import Cell, Table
from .common import Ctx
from .layout import Unit
from .report import Finding
from .rules import rule
from .scan import Fact, Texts, each, fact, remember_facts
from .words import fold, squash

BORDERLESS = rule("ND30-BORDERLESS", "Bảng phần đầu và bảng nơi nhận/chữ ký không có đường viền.")
PLAN_COUNT = rule("PLAN-COUNT", "Số nhiệm vụ ghi ở dòng nhóm '(05 nhiệm vụ)' khớp số dòng nhiệm "
                                "vụ của nhóm.")
PLAN_NUMBERING = rule("PLAN-NUMBERING", "Số thứ tự nhiệm vụ liên tục, không lặp, không bỏ số (nhóm "
                                        "B đánh tiếp qua các mục).")
PLAN_CITY = rule("PLAN-CITY", "Kế hoạch của cấp dưới (xã, phường, đặc khu; huyện, quận, thị xã, "
                              "thành phố thuộc tỉnh) không còn từ ngữ, cơ quan của cấp trên "
                              "('trên địa bàn thành phố', 'trên địa bàn tỉnh', 'Sở …').")

_TASK_NO = re.compile(r"^(\d+)\.?$")
_LETTER_GROUP = re.compile(r"^([A-HJ-UWYZ])\.?$")
_ROMAN_GROUP = re.compile(r"^([IVXL]+)\.?$")
_COUNT = re.compile(r"\((\d+)\s+nhiệm vụ\)")
_CITY_PHRASE = re.compile(r"(?i)(?P<phrase>trên địa bàn thành phố)(?P<next>\s+\S)?")


def check_borderless(ctx: Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    noi_nhan = next((p for p in lay.closing if p.table is not None), None)
    header = lay.quoc_hieu or lay.so
    for label, p in (("phần đầu (cơ quan, Quốc hiệu)", header.para if header else None),
                     ("nơi nhận, chữ ký", noi_nhan)):
        if p is None or p.table is None:
            continue
        table = ctx.doc.tables[p.table]
        sides = ctx.doc.sheet.table_borders(table.el, [tc for row in table.rows for _, tc, _ in row])
        if sides:
            yield ctx.find(BORDERLESS, f"bảng {p.table + 1}", f"Bảng {label} có đường viền.",
                           "Chọn bảng > Borders > No Border.", quote_text=p.text)


def _number(digits: str) -> int | None:
    """The value of a run of digits; None for one ``int`` refuses (thousands of digits)."""
    try:
        return int(digits)
    except ValueError:
        return None


@dataclass(eq=False)
class _Row:
    """A row of a task table, with what the checks read of it."""

    table: Table
    index: int
    cells: list[Cell]
    first: str  # the first cell's text, squashed
    kind: str  # "task" (a number), "letter" (group A, B …), "roman" (section I, II …), "other"
    rest: str  # the other cells' texts
    grid: dict[int, str]  # each cell's text by its first grid column

    def text(self, n: int) -> str:
        if n >= len(self.cells):
            return ""
        return "\n".join(p.text for p in self.cells[n][2])

    def at_grid(self, col: int) -> str:
        return self.grid.get(col, "")

    @property
    def where(self) -> str:
        return f"bảng {self.table.index + 1}, hàng {self.index + 1}"


def _kind(first: str) -> str:
    if _TASK_NO.match(first):
        return "task"
    if _LETTER_GROUP.match(first):
        return "letter"
    if _ROMAN_GROUP.match(first):
        return "roman"
    return "other"


_RowFacts = tuple[str, str, str, dict[int, str]]


def _row_facts(t: Table) -> list[_RowFacts]:
    """What each row of a table says (first cell, kind, the rest, cells by grid column): the
    same for every document holding the table's block, so kept with it."""
    memo = t.block.memo if t.block is not None else {}
    key = ("row facts", id(t.el))
    found: list[_RowFacts] | None = memo.get(key)
    if found is None:
        rows = memo.get(ROWS)  # (kept only in the block of a table alone: this one)
        if rows is None:
            found = [_facts_of([(g, [p.text for p in ps]) for g, _, ps in cells]) for cells in t.rows]
        else:  # what a row says is the same wherever it stands: kept with the row
            found = [row.memo.get(_ROW_FACTS) or row.memo.setdefault(_ROW_FACTS, _facts_of(
                [(g, [c.text for c in cores]) for g, _, cores in row.cells])) for row, _, _ in rows]
        memo[key] = found
    return found


_ROW_FACTS = "row facts"


def _facts_of(cells: list[tuple[int, list[str]]]) -> _RowFacts:
    """A row's facts from each cell's first grid column and the texts of its paragraphs."""
    texts = ["\n".join(ps) for _, ps in cells]
    first = squash(texts[0]) if texts else ""
    grid: dict[int, str] = {}
    for (g, _), text in zip(cells, texts, strict=True):
        grid.setdefault(g, text)
    return first, _kind(first), " ".join(texts[1:]), grid


def _is_task_table(t: Table) -> bool:
    memo = t.block.memo if t.block is not None else {}
    key = ("task table", id(t.el))
    found: bool | None = memo.get(key)
    if found is None:
        head = [fold("\n".join(p.text for p in ps)) for _, _, ps in t.rows[0]] if t.rows else []
        found = memo[key] = bool(head and head[0] in ("tt", "stt") and any(
            "nhiem vu" in h for h in head[1:]))
    return found


def _task_tables(doc: DocModel) -> list[Table]:
    return [t for t in doc.tables if _is_task_table(t)]


def _task_rows(ctx: Ctx) -> list[list[_Row]]:
    """Rows of the task tables, one list per appendix (numbering runs on across tables)."""
    if "task rows" not in ctx.memo:
        heads = sorted(a.heading.i for a in ctx.lay.appendices)
        streams: dict[int, list[_Row]] = {}
        for t in _task_tables(ctx.doc):
            key = bisect.bisect_left(heads, t.first)  # appendix headings before the table
            streams.setdefault(key, []).extend(
                _Row(t, n, cells, *facts)
                for n, (cells, facts) in enumerate(zip(t.rows, _row_facts(t), strict=True)))
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
        m = _COUNT.search(row.rest)
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


_OPENING, _CLOSING = "“«", "”»"


def _unquoted(text: str, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
    """The matches of ``pattern`` not inside quotes: “…”, «…» or straight double quotes (the
    quoted name of a document is cited as written). Quotes are counted once along the text,
    not again for each match."""
    opened = closed = straight = seen = 0
    for m in pattern.finditer(text):
        at = m.start()
        opened += sum(text.count(q, seen, at) for q in _OPENING)
        closed += sum(text.count(q, seen, at) for q in _CLOSING)
        straight += text.count('"', seen, at)
        seen = at
        if opened <= closed and straight % 2 == 0:
            yield m


def _first_unquoted(text: str, pattern: re.Pattern[str] = _CITY_PHRASE) -> re.Match[str] | None:
    """The first match of ``pattern`` ("trên địa bàn thành phố") not inside quotes."""
    return next(_unquoted(text, pattern), None)


def _above(unit: Unit) -> tuple[str, ...]:
    """The words naming the level above the issuer's own territory: a commune's plan copied
    from its city's or province's, a district's from its province's (or city's)."""
    if unit.tier == "commune":
        return ("thành phố", "tỉnh")
    if unit.tier == "district":
        return ("tỉnh",) if unit.key == "thanh pho" else ("tỉnh", "thành phố")
    return ()


@functools.lru_cache(maxsize=16)
def _lead(above: tuple[str, ...], tier: str) -> re.Pattern[str]:
    """What a body of the level above, or the issuer's own level spoken of from above
    ("Ủy ban nhân dân cấp xã" in a commune's plan), looks like at the start of an entry."""
    up = "|".join(above)
    own = "xã" if tier == "commune" else "huyện"
    return re.compile(
        rf"(?i)^(các\s+sở\b|sở\s+\S|công an (?:{up})|(ủy|uỷ) ban nhân dân cấp {own}"
        rf"|ubnd cấp {own}|thanh tra (?:{up})|to[àa] án nhân dân (?:{up})"
        rf"|viện kiểm sát nhân dân (?:{up})|văn phòng hđnd và ubnd cấp {own})")


_ABOVE_PHRASE = re.compile(r"(?i)(?P<phrase>trên địa bàn (?P<word>thành phố|tỉnh))"
                           r"(?P<next>\s+\S)?")
_CITY = "phrases of the level above"
CityHit = tuple[str, str, bool, int, int]  # phrase, its last word (lower), capital after, span


def _city_hits(text: str) -> tuple[CityHit, ...]:
    """Every "trên địa bàn thành phố/tỉnh" not inside quotes, in order. (Any subset of the
    two words is matched by a pattern whose matches are a subset of these: the phrases
    cannot overlap, so the first unquoted one of a subset is the first of these in it.)"""
    out = []
    for m in _unquoted(text, _ABOVE_PHRASE):
        named = bool(m.group("next")) and m.group("next").strip()[0].isupper()
        out.append((m.group("phrase"), m.group("word").lower(), named, m.start(), m.end()))
    return tuple(out)


# Every _ABOVE_PHRASE match is in the lower case of the NFC text, as one of these: their
# letters match only their own capitals under re.IGNORECASE (unlike "i", "k" or "s"), and NFC
# composes no combining mark into a letter followed by another letter or a space (the last
# letter of the phrase is left out: a mark after it may compose with it).
_ABOVE_HINT = ("trên địa bàn thành ph", "trên địa bàn tỉn")


def _city_candidates(texts: Texts) -> set[int]:
    return texts.lower.containing(*_ABOVE_HINT)


fact(Fact(_CITY, (), _city_hits, _city_candidates))


def check_city(ctx: Ctx) -> Iterator[Finding]:
    unit = ctx.lay.issuer_unit
    above = _above(unit) if unit else ()
    if not unit or not above:
        return
    noun = unit.noun
    for p, hits in each(ctx.doc, _CITY, lambda p: p.core.memo[_CITY], body_only=True,
                        prepare=lambda ps: remember_facts(p.core for p in ps)):
        found = next((h for h in hits if h[1] in above), None)
        if found is None:
            continue
        phrase, _, named, start, end = found
        yield ctx.find(PLAN_CITY, p, f"Kế hoạch của {noun} còn cụm '{phrase}'.",
                       f"Sửa thành 'trên địa bàn {noun}' (nếu không phải trích tên văn bản "
                       "của cấp trên).", "warning" if named else "error",
                       quote_text=p.text[max(0, start - 20):end + 20])
    lead = _lead(above, unit.tier)
    for rows in _task_rows(ctx):
        lead_col = _lead_column(rows)
        if lead_col is None:
            continue
        for table_rows in _by_table(rows):
            for row, entry in _leads_above(table_rows, lead, lead_col):
                yield ctx.find(PLAN_CITY, f"{row.where}, cột Cơ quan chủ trì",
                               f"Cơ quan chủ trì '{entry}' là cơ quan cấp trên.",
                               f"Giao cho phòng, đơn vị của {noun} tương ứng (theo hồ sơ "
                               "đơn vị).", quote_text=entry)


def _by_table(rows: list[_Row]) -> Iterator[list[_Row]]:
    """The rows of a stream, table by table (each table's rows are together, in order)."""
    for _, group in itertools.groupby(rows, key=lambda row: row.table):
        yield list(group)


def _leads_above(rows: list[_Row], lead: re.Pattern[str], col: int) -> Iterator[tuple[_Row, str]]:
    """The entries of column ``col`` (grid) of one table's task and section rows that
    ``lead`` matches: the same for every document holding the table's block, so the matches
    (row, entry) are kept with the block."""
    t = rows[0].table
    memo = t.block.memo if t.block is not None else {}
    key = ("leads above", id(t.el), lead, col)
    found: list[tuple[int, str]] | None = memo.get(key)
    if found is None:
        found = memo[key] = [
            (n, entry) for n, row in enumerate(rows) if row.kind in ("task", "roman")
            for entry in (e.strip().lstrip("-–+ ").strip()
                          for e in re.split(r"[;\n]", row.at_grid(col)))
            if lead.match(entry)]
    for n, entry in found:
        yield rows[n], entry


def _lead_column(rows: list[_Row]) -> int | None:
    if not rows:
        return None
    return next((g for g, _, ps in rows[0].cells
                 if "chu tri" in fold(" ".join(p.text for p in ps))), None)
