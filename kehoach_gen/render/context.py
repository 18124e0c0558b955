"""The values a Word template sees: a plan turned into views whose text is already XML.

Rich values (``para.rich``, ``row.rich``) are runs; plain values (``row.cells.lead`` lines, the
header texts) are strings that the environment's ``finalize`` writes as escaped text with line
breaks and footnote references (:func:`.text.inline`). Each task row also knows whether it is
``tall``: estimated taller than a third of the appendix page, so it may break across pages.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..adapt import Para, Row, UnitPlan
from ..ooxml.cache import LRU
from .text import cell_lines, plain_lines, runs

# Every name a template may use, for check-template and for strict rendering.
CONTEXT_NAMES = frozenset({
    "issuer_lines", "number_line", "place_date", "title", "trich_yeu", "body", "noi_nhan",
    "signer_lines", "signer_name", "appendix", "footnote_list", "unit_name",
})

CELL_FIELDS = ("lead", "coop", "outputs", "deadline")
_EM_PER_CHAR = 0.5   # average advance of Times New Roman in Vietnamese text, in em
_WRAP_SLACK = 1.08   # words do not fill a line exactly
_LINE_EM = 1.15      # Times New Roman's single line height, in em


@dataclass(frozen=True)
class RowGeometry:
    """What it takes to estimate a task row's height: each field's usable column width (pt),
    the table text's size and spacing, and the height above which a row may split."""

    widths: Mapping[str, float] = field(default_factory=lambda: {
        "number": 26.6, "text": 250.0, "lead": 102.6, "coop": 119.6, "outputs": 91.8, "deadline": 71.9})
    size_pt: float = 12.0
    line_factor: float = 1.0
    spacing_pt: float = 4.0
    split_above_pt: float = 482.0 / 3

    def __post_init__(self) -> None:
        char_pt = self.size_pt * _EM_PER_CHAR * _WRAP_SLACK
        object.__setattr__(self, "_per_line", {k: max(w / char_pt, 1.0) for k, w in self.widths.items()})
        object.__setattr__(self, "_line_pt", self.size_pt * _LINE_EM * self.line_factor)

    def height(self, name: str, paragraphs: Iterable[Iterable[str]]) -> float:
        """Points taken in column ``name`` by ``paragraphs``, each a list of lines split at breaks."""
        per_line: float = self._per_line.get(name, 40.0)  # type: ignore[attr-defined]
        line_pt: float = self._line_pt  # type: ignore[attr-defined]
        total = 0.0
        for lines in paragraphs:
            total += self.spacing_pt + line_pt * sum(max(1, math.ceil(len(ln) / per_line)) for ln in lines)
        return total

    def tall(self, text: str, cells: Mapping[str, Sequence[str]]) -> bool:
        """Whether a task row with ``text`` and these cell lines is taller than the limit."""
        per: Mapping[str, float] = self._per_line  # type: ignore[attr-defined]
        line_pt: float = self._line_pt  # type: ignore[attr-defined]
        limit, ceil = self.split_above_pt, math.ceil
        chars = per.get("text", 40.0)
        n = 0
        for line in text.split("\n"):
            n += ceil(len(line) / chars) or 1
        if self.spacing_pt + n * line_pt > limit:
            return True
        spacing = self.spacing_pt
        for name, lines in cells.items():
            chars = per.get(name, 0.0)
            if not chars:
                continue
            # ceil(x) <= x + 1: most cells are clearly short enough without counting line by line
            if len(lines) * (spacing + line_pt) + sum(map(len, lines)) / chars * line_pt <= limit:
                continue
            n = 0
            for line in lines:
                n += ceil(len(line) / chars) or 1
            if len(lines) * spacing + n * line_pt > limit:
                return True
        return False


DEFAULT_GEOMETRY = RowGeometry()


class Cells:
    """A task row's cell lines: ``row.cells.lead`` (or ``row.cells['lead']``)."""

    __slots__ = CELL_FIELDS

    def __init__(self, lead: Sequence[str], coop: Sequence[str], outputs: Sequence[str], deadline: Sequence[str]):
        self.lead, self.coop, self.outputs, self.deadline = lead, coop, outputs, deadline

    def __getitem__(self, name: str) -> Sequence[str]:
        if name not in CELL_FIELDS:
            raise KeyError(name)
        return getattr(self, name)


class RowView:
    """An appendix row as the template sees it: the plan's row and its rendered parts."""

    __slots__ = ("row", "kind", "number", "text", "task_id", "lead", "coop", "outputs", "deadline",
                 "is_task", "spans", "rich", "cells", "tall")

    def __init__(self, row: Row, notes: Mapping[str, Any], geometry: RowGeometry):
        self.row = row
        self.kind = kind = row.kind
        self.number, self.text, self.task_id = row.number, row.text, row.task_id
        self.lead, self.coop, self.outputs, self.deadline = row.lead, row.coop, row.outputs, row.deadline
        self.is_task = kind in ("task", "section_task")
        self.spans = kind in ("group", "section", "note")
        self.rich = runs(row.text, notes)
        cells = self.cells = Cells(cell_lines(row.lead), cell_lines(row.coop), cell_lines(row.outputs),
                                   cell_lines(row.deadline))
        self.tall = self.is_task and geometry.tall(row.text, {
            "lead": cells.lead, "coop": cells.coop, "outputs": cells.outputs, "deadline": cells.deadline})


class AppendixView:
    """The appendix: ``appendix.rows`` (or ``appendix['rows']``), heading, title, kem_theo, columns."""

    __slots__ = ("heading", "title", "kem_theo", "columns", "rows")

    def __init__(self, heading: str, title: str, kem_theo: str, columns: list[str], rows: list[RowView]):
        self.heading, self.title, self.kem_theo, self.columns, self.rows = heading, title, kem_theo, columns, rows

    def __getitem__(self, name: str) -> Any:
        if name not in self.__slots__:
            raise KeyError(name)
        return getattr(self, name)


class ParaView:
    """A body paragraph (one line of a plan paragraph written on several lines).

    ``kind`` is "h1", "h2", "h3" or "text"; the plan's closing paragraph ("Trên đây là Kế
    hoạch …", or the last paragraph of the text; of one written on several lines, its last
    line) is "text" with ``closing`` true, so that a template that does not know it writes it
    as any other paragraph, and one that does keeps it on the page of the signature."""

    __slots__ = ("kind", "closing", "number", "text", "full", "rich")

    def __init__(self, kind: str, number: str, text: str, notes: Mapping[str, Any]):
        self.closing = kind == "closing"
        self.kind = "text" if self.closing else kind
        self.number, self.text = number, text
        self.full = f"{number} {text}" if number else text
        self.rich = runs(self.full, notes)


VIEW_TYPES = (RowView, Cells, AppendixView, ParaView)


# Views made before, shared by the units of one kind (their task rows are the same objects, see
# kehoach_gen.tasklists; most body paragraphs have the same text), and what the template wrote
# for them (template.ItemBodies). A view is never changed once made. Row views are keyed by the
# row itself (kept beside its view, so its id stays its own) and the geometry; paragraph views by
# kind, number and text; both by the plan's footnotes.
ROW_VIEWS: LRU[tuple[int, int, tuple[Any, ...]], tuple[Row, RowGeometry, RowView]] = LRU(4096)
PARA_VIEWS: LRU[tuple[str, str, str, tuple[Any, ...]], ParaView] = LRU(4096)


def _row_views(rows: Sequence[Row], notes: Mapping[str, Any], marks: tuple[Any, ...],
               geometry: RowGeometry) -> list[RowView]:
    out = []
    for row in rows:
        key = (id(row), id(geometry), marks)
        found = ROW_VIEWS.get(key) or ROW_VIEWS.put(key, (row, geometry, RowView(row, notes, geometry)))
        out.append(found[2])
    return out


def _para_view(kind: str, number: str, text: str, notes: Mapping[str, Any], marks: tuple[Any, ...]) -> ParaView:
    key = (kind, number, text, marks)
    return PARA_VIEWS.get(key) or PARA_VIEWS.put(key, ParaView(kind, number, text, notes))


def _paragraphs(para: Para, notes: Mapping[str, Any], marks: tuple[Any, ...]) -> list[ParaView]:
    """A paragraph written on several lines becomes several paragraphs of its kind (a line break
    in a justified paragraph would stretch the line before it)."""
    first, *rest = plain_lines(para.text)
    if not rest:
        return [_para_view(para.kind, para.number, first, notes, marks)]
    # of a closing paragraph, the last line goes with the signature; the others flow
    kind = "text" if para.kind == "closing" else para.kind
    return [_para_view(kind, para.number, first, notes, marks),
            *(_para_view(kind, "", line, notes, marks) for line in rest[:-1]),
            _para_view(para.kind, "", rest[-1], notes, marks)]


def context(plan: UnitPlan, geometry: RowGeometry = DEFAULT_GEOMETRY) -> dict[str, Any]:
    """The template's variables for ``plan``: everything a Word template may use.

    ``footnote_list`` stays for templates written before footnotes were real Word footnotes;
    it is empty, the notes now being at the foot of the page of their marker.
    """
    notes = plan.footnotes
    marks = tuple(notes.items())
    appendix: AppendixView | None = None
    if plan.appendix is not None:
        a = plan.appendix
        appendix = AppendixView(a.heading, a.title, a.kem_theo, list(a.columns),
                                _row_views(a.rows, notes, marks, geometry))
    body: list[ParaView] = []
    for p in plan.body:
        if "\n" in p.text or "\r" in p.text:
            body.extend(_paragraphs(p, notes, marks))
        else:
            body.append(_para_view(p.kind, p.number, p.text, notes, marks))
    return {
        "issuer_lines": list(plan.issuer_lines),
        "number_line": plan.number_line,
        "place_date": plan.place_date,
        "title": plan.title,
        "trich_yeu": plan.trich_yeu,
        "body": body,
        "noi_nhan": list(plan.noi_nhan),
        "signer_lines": list(plan.signer_lines),
        "signer_name": plan.signer_name,
        "appendix": appendix,
        "footnote_list": [],
        "unit_name": plan.unit_name,
    }
