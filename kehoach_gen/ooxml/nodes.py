"""The pieces of a document as the checker reads them: a paragraph's core (what every
document holding the same XML shares) and its place in one document, tables, spans of cached
blocks, sections, header parts, looks, and what paragraphs formatted alike share.

:mod:`kehoach_gen.ooxml.document` builds them; the checks read them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from .element import El, attr, first_child
from .ns import FALLBACK, P_PR, SECT_PR, TXBX_CONTENT, P, qn
from .opc import Block
from .styles import ParaProps, RunProps, StyleSheet, signature
from .text import own_runs, run_parts

P_STYLE = qn("w:pStyle")


# not looked for yet (not the core itself: a core referring to itself would live until the
# garbage collector finds the cycle, and a long document's cores would all wait for it)
_UNSEEN = object()


class Core:
    """A paragraph by itself, whatever document shows it: its runs, their texts and rPr, its
    pPr and style, its table (for a cell's paragraph), the sectPr it ends a section with, the
    paragraphs of its text boxes, and the keys its formatting resolves by. A paragraph of a
    cached block (:class:`~kehoach_gen.ooxml.opc.Block`) keeps its core, and what was resolved
    for it (:attr:`resolved`, for one style sheet), from one document to the next."""

    __slots__ = ("el", "runs", "texts", "rprs", "ppr", "style", "text", "tbl", "_sect", "boxes",
                 "table_key", "_run_keys", "_run_keyset", "_para_key", "resolved", "memo")

    def __init__(self, el: El, tbl: El | None):
        self.el, self.tbl = el, tbl
        runs = own_runs(el)
        texts, rprs = [], []
        for r in runs:
            text, rpr = run_parts(r)
            texts.append(text)
            rprs.append(rpr)
        self.runs, self.texts, self.rprs = runs, texts, rprs
        ppr = self.ppr = first_child(el, P_PR)
        self.style: str | None = None if ppr is None else attr(first_child(ppr, P_STYLE), "val")
        self._sect: Any = _UNSEEN
        self.text = "".join(texts)
        self.boxes: list[El] | None = None  # the paragraphs of its text boxes, when asked
        self.table_key = None if tbl is None else StyleSheet.table_key(tbl)
        self._run_keys: list[Any] | None = None
        self._run_keyset: frozenset[Any] | None = None
        self._para_key: Any = None
        self.resolved: Resolved | None = None
        self.memo: dict[Any, Any] = {}  # what readers derive from its text alone, by their key

    def owns(self, runs: Sequence[El]) -> bool:
        """Whether each of ``runs`` is one of its own runs (alive as long as it is: what is
        kept with it may be keyed by their ids)."""
        return all(any(r is q for q in self.runs) for r in runs)

    def sect(self) -> El | None:
        """The sectPr this paragraph ends its section with, if any."""
        if self._sect is _UNSEEN:
            self._sect = None if self.ppr is None else first_child(self.ppr, SECT_PR)
        found: El | None = self._sect
        return found

    def run_keys(self) -> list[Any]:
        """What each run's look depends on (:meth:`StyleSheet.run_key`)."""
        if self._run_keys is None:
            style, table = self.style, self.table_key
            self._run_keys = [(signature(rpr), style, table) for rpr in self.rprs]
        return self._run_keys

    def run_keyset(self) -> frozenset[Any]:
        if self._run_keyset is None:
            self._run_keyset = frozenset(self.run_keys())
        return self._run_keyset

    def para_key(self) -> Any:
        """What its layout depends on (:meth:`StyleSheet.para_key`)."""
        if self._para_key is None:
            self._para_key = (signature(self.ppr), self.table_key)
        return self._para_key

    def box_paragraphs(self) -> list[El]:
        """The paragraphs of its text boxes (not the copies under ``mc:Fallback``), once per
        box that shows them."""
        if self.boxes is None:
            self.boxes = [q for box in self.el.iter(TXBX_CONTENT)
                          if not any(a.tag == FALLBACK for a in box.iterancestors())
                          for q in box.iter(P)]
        return self.boxes


class Resolved:
    """What a core's formatting resolves to under one style sheet, and what checks derived
    from it (``memo``, keyed by each check): the same for every document that shows it."""

    __slots__ = ("sheet", "props", "look", "align", "para_props", "shape", "memo")

    def __init__(self, sheet: StyleSheet):
        self.sheet = sheet
        self.props: list[RunProps] | None = None
        self.look: Look | None = None
        self.align: str | None = None
        self.para_props: tuple[Any, ParaProps] | None = None  # (its key, the layout)
        self.shape: Shape | None = None  # what it shares with paragraphs formatted alike
        self.memo: dict[Any, Any] = {}


class Para:
    """A paragraph with its place: top-level, in a table cell (``table``, ``row``, ``col``), in a
    header or footer, or in a text box (``kind``; ``host``: the paragraph holding the box);
    its runs, their texts, its ``pPr`` and paragraph style come from its :class:`Core`, its
    resolved formatting from :class:`DocModel`. Made for every paragraph of every document,
    so it holds no more than its place."""

    __slots__ = ("core", "el", "text", "where", "section", "table", "row", "col", "kind", "i",
                 "group", "pos", "host", "_props", "_look", "_pprops")

    def __init__(self, core: Core, where: str, section: int, table: int | None = None,
                 row: int | None = None, col: int | None = None, kind: str = "body",
                 i: int = -1, group: int = -1, pos: int = -1, host: Para | None = None):
        self.core, self.el, self.text = core, core.el, core.text
        self.where, self.section = where, section
        self.table, self.row, self.col, self.kind = table, row, col, kind
        # its siblings are DocModel.groups[group] (no list of them here: a paragraph held by
        # a list it holds would live until the garbage collector finds the cycle)
        self.i, self.group, self.pos, self.host = i, group, pos, host
        # what DocModel resolved for it in this document (its core keeps it across documents)
        self._props: list[RunProps] | None = None
        self._look: Look | None = None
        self._pprops: ParaProps | None = None

    @property
    def runs(self) -> list[El]:
        return self.core.runs

    @property
    def texts(self) -> list[str]:
        return self.core.texts

    @property
    def rprs(self) -> list[El | None]:
        return self.core.rprs

    @property
    def ppr(self) -> El | None:
        return self.core.ppr

    @property
    def style(self) -> str | None:
        return self.core.style

    @property
    def tbl(self) -> El | None:
        return self.core.tbl

    def __repr__(self) -> str:
        return f"Para({self.where!r}, {self.text[:30]!r})"

    @property
    def blank(self) -> bool:
        return not self.text.strip()


Cell = tuple[int, El, list[Para]]  # (first grid column, tc, paragraphs)


@dataclass(eq=False)
class Table:
    el: El
    index: int
    section: int
    rows: list[list[Cell]]
    first: int = -1  # document-order index of its first paragraph, -1 when it has none
    block: Block | None = None  # the block it was read from (its memo outlives the document)


class Span(NamedTuple):
    """Where a block's paragraphs are in :attr:`DocModel.paras` and its text boxes' in
    :attr:`DocModel.extra` (start, end): always the same paragraphs, in the same order."""

    block: Block
    start: int
    end: int
    extra_start: int
    extra_end: int


@dataclass(eq=False)
class Section:
    index: int
    sectpr: El | None
    paras: list[Para] = field(default_factory=list)


class Look(NamedTuple):
    """How some text of a paragraph is shown."""

    text: str
    sizes: tuple[float | None, ...]
    bold: bool
    any_bold: bool
    italic: bool
    any_italic: bool
    align: str


@dataclass(frozen=True)
class HeaderPart:
    kind: str  # "header" / "footer"
    el: El
    where: str
    paras: list[Para]


class TooManyParagraphs(Exception):
    """More paragraphs (text boxes and headers included) than the reader allows."""


class Oversized(Exception):
    """More ``what`` ("w:p" or "w:r" elements) in the document than the reader allows."""

    def __init__(self, what: str, found: int):
        super().__init__(what, found)
        self.what, self.found = what, found


_Format = tuple[tuple[float | None, ...], bool, bool, bool, bool]


class Shape:
    """What paragraphs formatted alike share (see :meth:`DocModel._own_look`): their runs'
    formats, alignment, whether a run shows capitals, sizes / bold / italic, and their
    layout once asked for (with its key)."""

    __slots__ = ("props", "align", "caps", "format", "layout")

    def __init__(self, props: list[RunProps], align: str, caps: bool, format_: _Format):
        self.props, self.align, self.caps, self.format = props, align, caps, format_
        self.layout: tuple[Any, ParaProps] | None = None


def _shape_key(core: Core, inked: tuple[bool, ...]) -> Any:
    """Everything the look of a paragraph's runs depends on but their text: its layout key
    (pPr, table style), its runs' keys (rPr, paragraph style, table style) and which runs
    show ink."""
    return core.para_key(), tuple(core.run_keys()), inked


def _shown(texts: Sequence[str], props: Sequence[RunProps]) -> str:
    """The text as shown, in capitals where a run's format says so."""
    return "".join(t.upper() if rp.caps else t for t, rp in zip(texts, props, strict=True))


def _format(props: Sequence[RunProps], inked: Sequence[bool]) -> tuple[bool, _Format]:
    """Whether any run is in capitals, and the sizes, bold and italic of the inked runs."""
    sizes: set[float | None] = set()
    bold: list[bool] = []
    italic: list[bool] = []
    for rp, ink in zip(props, inked, strict=True):
        if ink:
            sizes.add(rp.size)
            bold.append(rp.bold)
            italic.append(rp.italic)
    return any(rp.caps for rp in props), (
        tuple(sorted(sizes, key=lambda s: s or 0)), bool(bold) and all(bold), any(bold),
        bool(italic) and all(italic), any(italic))
