"""Where the cells of a table row sit on the table's grid (``gridBefore``, ``gridSpan``,
``vMerge``).

Two readings, each kept as its reader has always used it: :func:`grid_cells` (the checker:
every cell with its first grid column, cells found through content controls) and
:func:`row_grid` (the importer: the cell covering each grid column, ``None`` for a column no
cell covers or one merged from the row above).
"""

from __future__ import annotations

from collections.abc import Iterator

from .element import El, attr, child, flatten, int_value, own
from .ns import TC, TR, VAL, qn

_GRID_BEFORE = f"{qn('w:trPr')}/{qn('w:gridBefore')}"
_V_MERGE = f"{qn('w:tcPr')}/{qn('w:vMerge')}"
_GRID_SPAN = f"{qn('w:tcPr')}/{qn('w:gridSpan')}"
MAX_SPAN = 64  # the importer ignores spans wider than any real table


def grid_cells(tr: El) -> Iterator[tuple[int, El]]:
    """(first grid column, cell) for each cell of the row, in order."""
    grid = int_value(attr(child(tr, "trPr", "gridBefore"), "val"))
    for tc in flatten(tr, {TC}):
        yield grid, tc
        grid += max(1, int_value(attr(child(tc, "tcPr", "gridSpan"), "val"), 1))


def table_rows(tbl: El) -> Iterator[El]:
    """The rows of a table, through content controls (not those of nested tables)."""
    return flatten(tbl, {TR})


def _count(el: El | None, default: int) -> int:
    value = el.get(VAL, "") if el is not None else ""
    return min(int(value), MAX_SPAN) if value.isdigit() else default


def row_grid(tr: El) -> list[El | None]:
    """The row's cell element for every grid column (``None``: no cell, or merged from above)."""
    cells: list[El | None] = [None] * _count(tr.find(_GRID_BEFORE), 0)
    for tc in own(tr, TC, TR):
        vmerge = tc.find(_V_MERGE)
        continued = vmerge is not None and vmerge.get(VAL) != "restart"
        span = max(1, _count(tc.find(_GRID_SPAN), 1))
        cells += [None if continued else tc] * span
    return cells
