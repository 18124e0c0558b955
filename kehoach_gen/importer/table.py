"""Reading the appendix table: its header (columns in any order and wording), its rows as
typed :class:`Row` objects, tables that continue it, and rows a page break split in two."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Protocol

from ..errors import InputError
from ..model import Appendix
from ..ooxml.element import El, own
from ..ooxml.ns import TBL, TR, P
from ..ooxml.tables import row_grid
from ..ooxml.text import Marker, lines
from .text import BULLET_RE, ends_sentence, fold


class Session(Protocol):
    """Where reading the table reports what it had to guess, and what stops it (an import's
    :class:`~.session.Session`; named here, not imported: the session reads rows of this module)."""

    def warn(self, message: str, hint: str = "", key: str = "") -> None: ...

    def error(self, message: str, hint: str = "") -> InputError: ...


# Header words per column (matched on folded text, first field that matches wins: "Thời gian
# thực hiện" is a deadline before "thực hiện" can make it a lead).
FIELDS = ("number", "text", "lead", "coop", "outputs", "deadline")
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deadline", ("tiến độ", "thời gian", "thời hạn", "hoàn thành")),
    ("outputs", ("sản phẩm", "kết quả")),
    ("coop", ("phối hợp",)),
    ("lead", ("chủ trì", "đơn vị thực hiện", "cơ quan thực hiện")),
    ("text", ("nhiệm vụ", "nội dung", "công việc", "giải pháp")),
)
NUMBER_HEADERS = {"tt", "stt", "so tt", "so thu tu", "thu tu"}
MAX_ROWS = 5_000  # rows of the appendix table (the city's has about 70)
DEFAULTS = Appendix(groups=[])
DEFAULT_COLUMNS = dict(zip(FIELDS, DEFAULTS.columns, strict=True))

_ROMAN_RE = re.compile(r"(X{0,3})(IX|IV|V?I{0,3})")
_LABEL_PREFIX_RE = re.compile(r"^(phần|mục|nhóm)\s+", re.I)
_SPANNED_LABEL_RE = re.compile(
    r"^\s*((?:phần|mục|nhóm)\s+)?([A-ZĐ]|[IVX]+)\s*[.):\-–]?\s+(\S.*)$", re.S)


def label_of(label: str) -> str:
    """"Phần A." → "A", "13." → "13"."""
    return _LABEL_PREFIX_RE.sub("", label.strip()).rstrip(".):").strip()


def label_kind(label: str) -> str:
    """"task" (1, 12a), "section" (I, IV), "group" (A, B), "empty" or "other"."""
    s = label_of(label)
    if not s:
        return "empty"
    if re.fullmatch(r"\d+[a-zđ]?", s, re.I):
        return "task"
    if _ROMAN_RE.fullmatch(s):
        return "section"
    if re.fullmatch(r"[A-ZĐ]", s):
        return "group"
    return "other"


@dataclass
class Row:
    """One logical row of the appendix table: the city's label and the lines of each cell."""

    line: int  # 1-based row of the Word table, for messages
    label: str
    text: list[str]
    lead: list[str]
    coop: list[str]
    outputs: list[str]
    deadline: list[str]
    parts: int = 1  # Word rows joined into this one (a row split by a page break)

    def cell(self, name: str) -> list[str]:
        """The lines of the cell of field ``name`` ("text", "lead" …)."""
        found: list[str] = getattr(self, name)
        return found

    @property
    def kind(self) -> str:
        return label_kind(self.label)

    def content(self, *names: str) -> bool:
        return any(self.cell(n) for n in names or FIELDS[1:])

    @property
    def text_starts_lower(self) -> bool:
        first = next((ch for ch in " ".join(self.text) if ch.isalpha()), "")
        return first.islower()

    @property
    def looks_continued(self) -> bool:
        """The number row of a task whose first half is the row before it."""
        return not self.text or self.text_starts_lower


_CELL_FIELDS = tuple(f.name for f in fields(Row) if f.name in FIELDS)


def _join_cells(a: list[str], b: list[str]) -> list[str]:
    """Lines of a cell continued in the next row: a sentence cut by the page is rejoined."""
    if a and b and not BULLET_RE.match(b[0]) and (
        not ends_sentence(a[-1]) or b[0][:1].islower()
    ):
        return [*a[:-1], f"{a[-1]} {b[0]}", *b[1:]]
    return a + b


def _merge(a: Row, b: Row) -> Row:
    joined = {f: _join_cells(a.cell(f), b.cell(f)) for f in _CELL_FIELDS}
    return Row(line=a.line, label=a.label or b.label, parts=a.parts + b.parts, **joined)


# ---------------------------------------------------------------------------------------------
# The header


@dataclass
class Header:
    columns: dict[str, int]  # field → grid column
    labels: dict[str, str]  # field → the city's column title
    rows: int  # header rows
    width: int  # grid columns
    ignored: list[str]


def find_header(rows: Sequence[list[El | None]]) -> Header | None:
    """The header among the first rows of a table (one or two rows deep), if it has one."""
    best: Header | None = None
    for r in range(min(3, len(rows))):
        for depth in (1, 2):
            if r + depth > len(rows):
                continue
            header = _header_from(rows[r:r + depth], r + depth)
            if header and (best is None or len(header.columns) > len(best.columns)):
                best = header
    return best


def _header_from(rows: Sequence[list[El | None]], end: int) -> Header | None:
    width = max(len(r) for r in rows)
    grid = [[row[c] if c < len(row) else None for c in range(width)] for row in rows]
    texts = [[" ".join(lines(tc)) if tc is not None else "" for tc in row] for row in grid]
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    seen: set[tuple[int, ...]] = set()
    for c in range(width):
        cells = tuple(id(row[c]) for row in grid)  # a title spanning columns counts once
        if cells in seen:
            continue
        seen.add(cells)
        combined = " ".join(t[c] for t in texts if t[c])
        if not combined:
            continue
        name = header_field(combined)
        if name is None or name in columns:
            ignored.append(combined)
            continue
        columns[name] = c
        labels[name] = next((t[c] for t in reversed(texts) if t[c]), combined)
    if "text" not in columns or len(columns) < 3:
        return None
    return Header(columns, labels, end, width, ignored)


def header_field(text: str) -> str | None:
    folded = fold(text)
    if folded in NUMBER_HEADERS:
        return "number"
    for name, words in _HEADER_WORDS:
        if any(fold(w) in folded for w in words):
            return name
    return None


def find_table(blocks: Sequence[El]) -> tuple[int, Header] | None:
    """The appendix table among the body's blocks: the first with a number column, else the
    first with a header at all."""
    candidate: tuple[int, Header] | None = None
    for i, block in enumerate(blocks):
        if block.tag != TBL:
            continue
        header = find_header([row_grid(tr) for tr in own(block, TR, TBL)[:4]])
        if header and "number" in header.columns:
            return i, header
        if header and candidate is None:
            candidate = (i, header)
    return candidate


# ---------------------------------------------------------------------------------------------
# The rows


def read_rows(blocks: Sequence[El], index: int, header: Header, marker: Marker,
              session: Session) -> list[Row]:
    """Data rows of the table and of the tables that continue it, page-split rows merged."""
    raw: list[Row] = []
    trs = own(blocks[index], TR, TBL)[header.rows:]
    line0 = header.rows
    for block in blocks[index + 1:]:  # the table may go on in another table
        if block.tag == P:
            if lines(block):
                break
            continue
        more = own(block, TR, TBL)
        again = find_header([row_grid(tr) for tr in more[:4]])
        if again is not None and again.columns == header.columns:
            trs += more[again.rows:]
        elif again is None and more and len(row_grid(more[0])) == header.width:
            trs += more
        else:
            break
    if len(trs) > MAX_ROWS:  # reading a row costs about a millisecond: bound the wait
        found, cap = (f"{n:,}".replace(",", ".") for n in (len(trs), MAX_ROWS))
        raise session.error(
            f"bảng phụ lục có {found} hàng, vượt giới hạn {cap} (bảng phân công của thành phố "
            "thường có vài trăm hàng)",
            "Kiểm tra đúng tệp; nếu bảng thật sự dài vậy, tách thành nhiều phụ lục")
    for n, tr in enumerate(trs, start=line0 + 1):
        row = _row(tr, n, header, marker)
        if row is not None:
            raw.append(row)
    return _join(raw, session)


def _row(tr: El, line: int, header: Header, marker: Marker) -> Row | None:
    grid = row_grid(tr)
    tcs = {f: grid[c] if c < len(grid) else None for f, c in header.columns.items()}
    cells: dict[str, list[str]] = dict.fromkeys(FIELDS, [])
    seen: set[int] = set()
    for name in sorted(tcs, key=header.columns.__getitem__):  # a merged cell counts once
        tc = tcs[name]
        if tc is not None and id(tc) not in seen:
            seen.add(id(tc))
            cells[name] = lines(tc, marker)
    label = " ".join(cells.pop("number"))
    if tcs["number"] is not None and tcs["number"] is tcs["text"]:
        # one cell across the row: "A. NHIỆM VỤ CHUNG"
        m = _SPANNED_LABEL_RE.match(label)
        label, cells["text"] = (m.group(2), [m.group(3)]) if m else ("", [label])
    if not label and not any(cells.values()):
        return None
    if _is_column_numbers(label, cells) or (
        fold(label) in NUMBER_HEADERS and header_field(" ".join(cells["text"])) == "text"
    ):
        return None  # "(1) (2) …" under the header, or the header repeated
    return Row(line, label, text=cells["text"], lead=cells["lead"], coop=cells["coop"],
               outputs=cells["outputs"], deadline=cells["deadline"])


def _is_column_numbers(label: str, cells: Mapping[str, list[str]]) -> bool:
    """The row "(1) (2) (3) …" some tables put under the header."""
    values = [label, *(" ".join(v) for v in cells.values())]
    filled = [v for v in values if v]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d+\)?", v) for v in filled)


def _join(rows: list[Row], session: Session) -> list[Row]:
    """Rows cut by a page joined again: a row without a number goes with the task below it
    (when that one reads as its continuation) or the row above; a task whose number is
    repeated on the next row takes that row in."""
    out: list[Row] = []
    for i, row in enumerate(rows):
        if row.kind == "empty":
            _place_unnumbered(rows, i, out, session)
        elif out and row.kind == "task" and out[-1].kind == "task" and out[-1].label == row.label:
            out[-1] = _merge(out[-1], row)  # the number repeated on the continuation row
        else:
            out.append(row)
    _warn_merged(out, session)
    return out


def _place_unnumbered(rows: list[Row], i: int, out: list[Row], session: Session) -> None:
    """Row ``i``, without a number: merged into the next row (``rows[i + 1]`` is replaced)
    when that task looks continued, else into the last row read, else left out."""
    row = rows[i]
    nxt = rows[i + 1] if i + 1 < len(rows) else None
    starts_anew = bool(row.text) and not row.text_starts_lower
    if starts_anew and nxt is not None and nxt.kind == "task" and nxt.looks_continued:
        rows[i + 1] = _merge(row, nxt)
    elif out:
        prev = out[-1]
        if starts_anew and prev.text and ends_sentence(prev.text[-1]):
            session.warn(f"hàng {row.line} của bảng không có số thứ tự; đã ghép vào hàng "
                         f"{prev.label or prev.line} phía trên",
                         "Kiểm tra lại: có thể đây là một nhiệm vụ riêng bị thiếu số")
        out[-1] = _merge(prev, row)
    else:
        session.warn(f"bỏ qua hàng {row.line} của bảng: không có số thứ tự và không "
                     "thuộc nhóm nào")


def _warn_merged(out: Sequence[Row], session: Session) -> None:
    """A warning for every row made of several rows of the table."""
    nouns = {"task": "nhiệm vụ", "section": "mục", "group": "nhóm"}
    for row in out:
        if row.parts > 1:
            session.warn(f"{nouns.get(row.kind, 'hàng')} {label_of(row.label)} (từ hàng "
                         f"{row.line}) được ghép từ {row.parts} hàng của bảng (hàng bị tách khi "
                         "sang trang)", "Kiểm tra lại nội dung đã ghép")
