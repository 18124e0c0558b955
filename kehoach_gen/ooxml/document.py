"""A Word document as the checker reads it: paragraphs with their place, tables on their grid,
sections, header and footer parts, text boxes, and each paragraph's resolved formatting.

:class:`DocModel` walks the body once, in document order, through content controls; every
paragraph (top-level or in a table cell) gets a place in words ("đoạn 12", "bảng 3, hàng 5,
ô 1") that findings quote. Formatting comes from :class:`~kehoach_gen.ooxml.styles.StyleSheet`
and is cached per paragraph and run. Work is linear in the size of the document: every
lookup a check repeats (following paragraphs, a header part, the first paragraph of a table)
is an index, never a search.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from lxml import etree

from . import cache
from .blocks import ends_sections, items, totals, within_limits
from .element import El, attr, parse_xml
from .nodes import (
    Cell,
    Core,
    HeaderPart,
    Look,
    Para,
    Resolved,
    Section,
    Shape,
    Span,
    Table,
    TooManyParagraphs,
    _Format,
    _format,
    _shape_key,
    _shown,
)
from .ns import A_NS, FALLBACK, R_NS, TBL, TXBX_CONTENT, VML_NS, P, qn
from .opc import (
    ROW_ELEMENTS,
    ROWS_KEPT,
    RT_FOOTNOTES,
    RT_NUMBERING,
    RT_SETTINGS,
    RT_STYLES,
    RT_THEME,
    TABLE_CUT,
    XML_PART_TYPES,
    Block,
    Package,
    cut_cells,
    cut_rows,
    parse_rows,
    parse_table,
)
from .styles import SOLID, ParaProps, RunProps, StyleSheet, TooManyFormats
from .tables import grid_cells, table_rows
from .text import run_text

_RID = f"{{{R_NS}}}id"
_PRST_GEOM = f"{{{A_NS}}}prstGeom"
_VML_LINE = f"{{{VML_NS}}}line"


# one style sheet per (styles, numbering, theme) parts: its resolutions serve every document
_SHEETS: cache.LRU[tuple[Block | None, ...], StyleSheet] = cache.LRU(16)


def shared_sheet(styles: Block | None, numbering: Block | None, theme: Block | None
                 ) -> StyleSheet:
    key = (styles, numbering, theme)
    found = _SHEETS.get(key)
    if found is None:
        found = _SHEETS.put(key, StyleSheet(*(None if b is None else b.el for b in key)))
    return found


class Row:
    """A table row as the checker reads it: its cells, each (first grid column, tc, the cores of
    the paragraphs shown in it), and what readers derive from those paragraphs (``memo``,
    theirs to key: the same wherever the row stands)."""

    __slots__ = ("_paras", "_placed", "cells", "memo")

    def __init__(self, cells: list[tuple[int, El, list[Core]]]):
        self.cells = cells
        self.memo: dict[Any, Any] = {}
        self._placed: dict[int, list[tuple[int, El, list[Core], list[str]]]] = {}
        self._paras: dict[tuple[Any, ...], tuple[StyleSheet, list[Cell], list[list[Para]], list[Para]]] = {}

    def paras_at(self, place: tuple[Any, ...], sheet: StyleSheet
                 ) -> tuple[list[Cell], list[list[Para]], list[Para]] | None:
        """The paragraphs a document before made for this row standing at ``place`` (table,
        section, row, first paragraph, first sibling group) under ``sheet``: (the row's cells,
        their paragraph groups, all its paragraphs), or None."""
        found = self._paras.get(place)
        if found is None or found[0] is not sheet:
            return None
        return found[1], found[2], found[3]

    def keep_paras(self, place: tuple[Any, ...], sheet: StyleSheet, cells: list[Cell],
                   groups: list[list[Para]], paras: list[Para]) -> None:
        """Keep what :meth:`paras_at` gives (the latest few places only: a row of a task table
        stands at one or two places across units)."""
        if len(self._paras) >= 2:
            self._paras.clear()
        self._paras[place] = (sheet, cells, groups, paras)

    def placed(self, index: int) -> list[tuple[int, El, list[Core], list[str]]]:
        """Its cells standing as row ``index`` of a table: each with the places of its
        paragraphs in words (kept: a row mostly stands where it stood)."""
        found = self._placed.get(index)
        if found is None:
            found = self._placed[index] = [(grid, tc, cores, _places(index, c, len(cores)))
                                           for c, (grid, tc, cores) in enumerate(self.cells)]
        return found


# the rows of tables read before, by (the table's head, the row): see DocModel._rows. A row
# keeps alive the tree it was read from: its table's alone (opc parses a new table by itself),
# or a table of the new rows of a table like one read before. Parsed and read, a row costs
# many times its bytes, as a block does (_BLOCKS); 8 MB of weight holds the rows of a few task
# tables (2 MB each), enough for each level's and the latest units' (32 MB let 114 units that
# each name three departments their own way peak at 221 MB instead of 139)
_ROWS: cache.LRU[tuple[bytes, bytes], Row] = cache.LRU(
    4096, budget=8 << 20, weight=lambda k, v: 16 * (len(k[0]) + len(k[1])))
# the cores of table cells read before, by (the table's head, the cell): see DocModel._cells,
# weighed as rows are
_CELLS: cache.LRU[tuple[bytes, bytes], list[Core]] = cache.LRU(
    16384, budget=8 << 20, weight=lambda k, v: 16 * (len(k[0]) + len(k[1])))
# a table block's memo: each row with where its paragraphs start among the block's, and how many
ROWS = "rows"
_HEAD_TABLE = "head table"
_READ = "rows read"  # a table block's memo: its rows (document.Row), by the table's element


def _offsets(rows: list[Row]) -> list[tuple[Row, int, int]]:
    out, at = [], 0
    for row in rows:
        n = sum(len(cores) for _, _, cores in row.cells)
        out.append((row, at, n))
        at += n
    return out

_ALONE = "a paragraph alone"  # a block's memo: (core, whether it may end a section)


class DocModel:
    """Paragraphs, tables, sections and headers of a document, with resolved formatting.

    Built from a :class:`~kehoach_gen.ooxml.opc.Package`. Before anything is built per
    paragraph, the ``w:p`` and ``w:r`` elements of the body and of the other XML parts are
    counted inside libxml2 (once per block): past ``max_paragraphs`` or ``max_runs``,
    :class:`Oversized` is raised. ``max_paragraphs`` also bounds the walk:
    past it (text boxes counted once per box that shows them) :class:`TooManyParagraphs` is
    raised; past ``max_formats`` distinct formats used by this document (run formats, paragraph
    alignments and layouts, counted as a style sheet of its own would count its resolutions)
    :class:`~kehoach_gen.ooxml.styles.TooManyFormats` is raised when they are asked for.

    The style sheet is shared by every document with the same styles, numbering and theme
    parts, and paragraphs of blocks read before keep what was resolved for them; what is
    this document's own (places, siblings, sections, what it has used) is built here."""

    def __init__(self, package: Package, *, max_paragraphs: int | None = None,
                 max_runs: int | None = None, max_formats: int | None = None):
        self._budget = max_paragraphs
        self._formats_left = max_formats
        self._seen_runs: set[Any] = set()
        self._seen_aligns: set[Any] = set()
        self._seen_layouts: set[Any] = set()
        # the cores whose formats this document has counted (kept: their ids stay theirs)
        self._counted_props: dict[int, Core] = {}
        self._counted_aligns: dict[int, Core] = {}
        self._counted_layouts: dict[int, Core] = {}
        self._package = package
        rels = package.rels(package.main)
        related = {r.reltype: r.target for r in rels.values() if not r.external}
        parts = [package.block(related.get(t)) for t in (RT_STYLES, RT_NUMBERING, RT_THEME)]
        self.settings = package.element(related.get(RT_SETTINGS))
        self.paras: list[Para] = []
        self.extra: list[Para] = []  # text boxes: checked for fonts and text only
        self.tables: list[Table] = []
        self.sections: list[Section] = [Section(0, None)]
        blocks = package.body_blocks()
        others = [b for rel in rels.values() if not rel.external and rel.target != package.main
                  and package.content_type(rel.target) in XML_PART_TYPES
                  and (b := package.block(rel.target)) is not None]
        # a body parsed whole (not from the cache) is counted whole, its blocks one by one
        whole = package.whole_body
        counted = [Block(whole)] if whole is not None else blocks
        # blocks of the process cache: what readers keep in them serves the next document;
        # a body parsed whole has blocks of its own, that no other document will show
        self.shared_blocks = whole is None
        others = list(dict.fromkeys(others))
        in_body, elsewhere = totals(counted), totals(others)
        found = {tag: n + elsewhere[tag] for tag, n in in_body.items()}
        within_limits(found, {"w:p": max_paragraphs, "w:r": max_runs})
        # else no paragraph is searched for text boxes
        self._has_boxes = in_body["w:txbxContent"] > 0
        self.sheet = self._style_sheet(parts, None if whole is not None else found, max_formats)
        self._cores: dict[int, Core] = {}
        # the body's cores made for this document (none of a block read before): the only
        # ones a reader's per-core memo can lack, when every paragraph is in a shared block
        self.fresh: list[Core] | None = [] if self.shared_blocks else None
        # a table's paragraphs may be those a document before made for it (_placed_before)
        self._reuse_tables = self.shared_blocks and self._formats_left is None and not self._has_boxes
        self.spans: list[Span] = []
        self.groups: list[list[Para]] = []  # runs of sibling paragraphs (see Para.group)
        self._walk(blocks)
        self._related = {rid: r.target for rid, r in rels.items() if not r.external}
        self._rel_els: dict[str, El | None] = {}
        self._parts_by_el: dict[int, HeaderPart] = {}
        self.parts = self._header_parts()
        self._looks: dict[tuple[int, tuple[int, ...]], Look] = {}
        self._formats: dict[Any, tuple[bool, _Format]] = {}
        self._shapes: dict[Any, Shape] = {}
        self._run_props: dict[tuple[int, int], tuple[RunProps, El | None]] = {}

    def _style_sheet(self, parts: list[Block | None], shared: dict[str, int] | None,
                     max_formats: int | None) -> StyleSheet:
        """The sheet shared by every document with these style parts, or one of this document's
        own (a body parsed whole: ``shared`` is None; caches off) that counts its formats.
        ``shared``: the :func:`~.blocks.totals` of the blocks of the body and the other parts."""
        if shared is None or not cache.enabled():
            self._formats_left = None
            return StyleSheet(*(None if b is None else b.el for b in parts), max_formats=max_formats)
        runs, paragraphs = shared["w:r"], shared["w:p"]
        if max_formats is not None and runs + 2 * paragraphs <= max_formats:
            # each run has one format, each paragraph one alignment and one layout:
            # this document cannot use more formats than allowed, no need to count
            self._formats_left = None
        return shared_sheet(*parts)

    # -- walking the body
    def _walk(self, blocks: list[Block]) -> None:
        self._new_group()
        top_run = len(self.groups) - 1  # the group of the top-level paragraphs since a table
        n_top = 0
        spans, paras = self.spans, self.paras
        # most blocks are one paragraph of the body read before: placed here straight from
        # what its block keeps (the paragraph's core, whether it ends a section)
        quick = not self._has_boxes
        for block in blocks:
            memo = block.memo
            if quick and (alone := memo.get(_ALONE)) is not None:
                core, ends = alone
                start = len(paras)
                self._place(core, f"đoạn {n_top + 1}", top_run)
                n_top += 1
                if ends and (sect := core.sect()) is not None:  # it ends its section
                    self._end_section(sect)
                spans.append(Span(block, start, start + 1, len(self.extra), len(self.extra)))
                continue
            self._cores = memo.setdefault("cores", {})
            start, extra_start = len(self.paras), len(self.extra)
            sections_inside = ends_sections(block)
            from_rows = self._reuse_tables and TABLE_CUT in memo  # (its element never parsed)
            for item in [self._head_table(block)] if from_rows else items(block.el):
                if item.tag == P:
                    p = self._para(item, f"đoạn {n_top + 1}", top_run, top=True)
                    n_top += 1
                    sect = p.core.sect() if item in sections_inside else None
                    if sect is not None:  # this paragraph ends its section
                        self._end_section(sect)
                elif item.tag == TBL:
                    self._table(item, block)
                    self._new_group()
                    top_run = len(self.groups) - 1
                else:  # the body's own sectPr: the last section's
                    self.sections[-1].sectpr = item
            spans.append(Span(block, start, len(self.paras), extra_start, len(self.extra)))
            if not from_rows and block.el.tag == P and len(self.paras) == start + 1 and self.shared_blocks:
                memo[_ALONE] = (self.paras[start].core, block.el in sections_inside)
        if self.sections[-1].sectpr is None and not self.sections[-1].paras \
                and len(self.sections) > 1:
            self.sections.pop()

    def _core(self, el: El, top: bool) -> Core:
        found = self._cores.get(id(el))
        if found is None:
            anc = None
            if not top:  # a paragraph of the body itself is in no table
                anc = el.getparent()
                while anc is not None and anc.tag != TBL:
                    anc = anc.getparent()
            found = self._cores[id(el)] = Core(el, anc)
            if self.fresh is not None:
                self.fresh.append(found)
        return found

    def _new_group(self) -> list[Para]:
        self.groups.append([])
        return self.groups[-1]

    def after(self, p: Para) -> Iterator[Para]:
        """Following paragraphs in the same cell, or the same run of top-level paragraphs."""
        if p.group < 0:
            return iter(())
        siblings = self.groups[p.group]
        return (siblings[k] for k in range(p.pos + 1, len(siblings)))

    def next(self, p: Para) -> Para | None:
        """The paragraph right after ``p`` among its siblings."""
        if p.group < 0:
            return None
        siblings, k = self.groups[p.group], p.pos + 1
        return siblings[k] if k < len(siblings) else None

    def _end_section(self, sectpr: El) -> None:
        """The section so far ends with ``sectpr``; the next paragraphs are in a new one."""
        self.sections[-1].sectpr = sectpr
        self.sections.append(Section(len(self.sections), None))

    def _para(self, el: El, where: str, group: int, *, top: bool = False) -> Para:
        return self._place(self._core(el, top), where, group)

    def _place(self, core: Core, where: str, group: int) -> Para:
        """A paragraph of ``core`` placed next in the body, in sibling ``group``."""
        sec = self.sections[-1]
        siblings = self.groups[group]
        p = Para(core, where, sec.index, i=len(self.paras), group=group, pos=len(siblings))
        siblings.append(p)
        self.paras.append(p)
        sec.paras.append(p)
        if self._budget is not None:
            self._spend()
        if self._has_boxes:
            self._textboxes(p, where, sec.index)
        return p

    def _spend(self) -> None:
        if self._budget is not None:
            self._budget -= 1
            if self._budget < 0:
                raise TooManyParagraphs

    def _textboxes(self, host: Para, where: str, section: int) -> None:
        for q in host.core.box_paragraphs():
            found = self._cores.get(id(q))
            if found is None:
                found = self._cores[id(q)] = Core(q, None)
            self.extra.append(Para(found, f"hộp văn bản ở {where}", section, kind="textbox",
                                   host=host))
            self._spend()

    def _table(self, tbl: El, block: Block) -> None:
        t = len(self.tables)
        sec = self.sections[-1]
        table = Table(tbl, t, sec.index, [], block=block)
        self.tables.append(table)
        start, groups_start = len(self.paras), len(self.groups)
        place = (id(tbl), t, sec.index, start, groups_start)
        if self._placed_before(table, block, place):
            return
        key = ("table", id(tbl))
        shape = block.memo.get(key)
        if shape is None:  # per row, per cell: first grid column, tc, cores, places in it
            read = self._rows(tbl, block)
            shape = block.memo[key] = [row.placed(r) for r, row in enumerate(read)]
            block.memo[(_READ, id(tbl))] = read
            if block.raw and (TABLE_CUT in block.memo or block.el is tbl):  # the block is this table
                block.memo[ROWS] = _offsets(read)
        # a row of the cache standing where it stood in a document before gets the paragraphs
        # made for it then (a unit's new task table is mostly rows of earlier units' tables)
        read_rows: list[Row] | None = block.memo.get((_READ, id(tbl))) if self._reuse_tables else None
        prefix = f"bảng {t + 1}, "
        paras, index, groups = self.paras, sec.index, self.groups
        n = start
        rows = table.rows
        for r, cells in enumerate(shape):
            place = (t, index, r, n, len(groups))
            if read_rows is not None:
                kept = read_rows[r].paras_at(place, self.sheet)
                if kept is not None:
                    rows.append(kept[0])
                    groups += kept[1]
                    paras += kept[2]
                    n += len(kept[2])
                    continue
            row_start, groups_start = len(paras), len(groups)
            row = []
            for c, (grid, tc, cores, places) in enumerate(cells):
                cell: list[Para] = []
                group = len(groups)
                groups.append(cell)
                if len(cores) == 1:  # (nearly every cell)
                    cell.append(Para(cores[0], prefix + places[0], index, t, r, c, "body", n,
                                     group, 0))
                    n += 1
                else:
                    for k, core in enumerate(cores):
                        cell.append(Para(core, prefix + places[k], index, t, r, c, "body", n,
                                         group, k))
                        n += 1
                paras += cell
                row.append((grid, tc, cell))
            rows.append(row)
            if read_rows is not None:
                read_rows[r].keep_paras(place, self.sheet, row, groups[groups_start:], paras[row_start:])
        sec.paras += paras[start:]
        if self._budget is not None:
            self._budget -= n - start
            if self._budget < 0:
                raise TooManyParagraphs
        if self._has_boxes:  # (in the same order as paragraph by paragraph)
            for p in paras[start:]:
                self._textboxes(p, p.where, index)
        table.first = self.paras[start].i if len(self.paras) > start else -1
        self._keep_placed(table, block, place, start, groups_start)

    def _rows(self, tbl: El, block: Block) -> list[Row]:
        """Each row's cells: (first grid column, tc, the cores of the paragraphs shown in it).

        A row whose bytes a table read before had under the same head (start tag, ``tblPr``,
        ``tblGrid``) is given that row's cells and cores, elements of the other table's tree
        holding the same bytes, so that its paragraphs come with all readers derived from them
        (:data:`_ROWS`). A unit's task table is the city's but for a few rows: a task it drops,
        the numbers after it, a department it names. Only when the table's paragraphs may be
        those of another document anyway (:meth:`_placed_before`), and for a table of
        :data:`ROWS_KEPT` rows or more: a table of a few rows costs little to read, and the
        header table names the unit in each of its rows (kept, they would only fill memory).

        A table block left unparsed (:func:`~.opc._table_from_rows`) comes with its new rows
        parsed in a table of their own; a table parsed whole that is like one read before but
        for a few rows has those parsed so here. Either way a few rows kept for the tables
        after it do not keep this block's tree alive whole. Any other new row is read from the
        block (parsed now, if it was left unparsed), which such rows weigh most of."""
        trs: list[El] | None = None
        cut: tuple[bytes, list[bytes]] | None = block.memo.get(TABLE_CUT) if self._reuse_tables else None
        if cut is None:
            trs = list(table_rows(tbl))
            cut = cut_rows(block.raw) if self._reuse_tables and block.raw and len(trs) >= ROWS_KEPT else None
            if cut is None or len(cut[1]) != len(trs):
                return [Row(self._cells(tr)) for tr in trs]
        head, rows = cut
        out = [_ROWS.get((head, raw)) for raw in rows]
        new = [n for n, row in enumerate(out) if row is None]
        own: dict[int, El] = block.memo.pop(ROW_ELEMENTS, {})
        if trs is not None and 0 < 2 * len(new) < len(rows):
            parsed = parse_rows(block.head, head, [rows[n] for n in new])
            if parsed is None:
                return [Row(self._cells(tr)) for tr in trs]
            own = dict(zip(new, parsed, strict=True))
        saved, self._cores = self._cores, {}  # (their cores are kept with the rows, not the block)
        try:
            for n in new:
                if n in own:
                    out[n] = _ROWS.put((head, rows[n]), Row(self._cells(own[n], head, rows[n])))
        finally:
            self._cores = saved
        rest = [n for n in new if out[n] is None]
        if rest:
            trs = trs if trs is not None else list(table_rows(block.el))
            for n in rest:
                out[n] = _ROWS.put((head, rows[n]), Row(self._cells(trs[n], head, rows[n])))
        return [row for row in out if row is not None]

    def _head_table(self, block: Block) -> El:
        """A table block left unparsed stands in the document as its head alone (start tag,
        ``tblPr``, ``tblGrid``), parsed once: what a table's own properties are read from; its
        rows are :meth:`_rows`'s."""
        found: El | None = block.memo.get(_HEAD_TABLE)
        if found is None:
            head, _ = block.memo[TABLE_CUT]
            found = parse_table(block.head, head, [])
            assert found is not None  # (it parsed with the table's rows: see opc)
            block.memo[_HEAD_TABLE] = found
        return found

    def _cells(self, tr: El, head: bytes = b"", raw: bytes = b"") -> list[tuple[int, El, list[Core]]]:
        """Each cell of row ``tr``: (first grid column, tc, the cores of its paragraphs). Given the
        row's bytes (``raw``, in a table of ``head``), a cell whose bytes a row read before had
        is given that cell's cores: a unit that names a department its own way changes that
        cell of each row it leads, not the task's text, its outputs or its deadline."""
        cells = list(grid_cells(tr))
        cut = cut_cells(raw) if raw else None
        if cut is None or len(cut) != len(cells):
            return [(grid, tc, self._cores_of(tc)) for grid, tc in cells]
        out = []
        for (grid, tc), cell in zip(cells, cut, strict=True):
            cores = _CELLS.get((head, cell))
            if cores is None:
                cores = _CELLS.put((head, cell), self._cores_of(tc))
            out.append((grid, tc, cores))
        return out

    def _cores_of(self, tc: El) -> list[Core]:
        return [self._core(q, False) for q in tc.iter(P) if _visible_in(q, tc)]

    def _keep_placed(self, table: Table, block: Block, place: tuple[int, ...], start: int,
                     groups_start: int) -> None:
        """Keep what ``table`` was given at ``place``, for :meth:`_placed_before`."""
        if self._reuse_tables:
            kept = block.memo.setdefault("placed tables", {})
            if len(kept) >= 8:  # (a table shown at many places: keep the latest few)
                kept.clear()
            kept[place] = (self.sheet, table.rows, self.paras[start:], self.groups[groups_start:],
                           table.first)

    def _placed_before(self, table: Table, block: Block, place: tuple[int, ...]) -> bool:
        """Give ``table`` the paragraphs made for it by a document before, when it stood at the
        same ``place`` (its element, index, section, first paragraph and sibling group) under
        the same style sheet: the same paragraphs, places and resolved formatting. Only when
        this document neither counts its formats nor has text boxes (then every paragraph is
        its own)."""
        if not self._reuse_tables:
            return False
        found = block.memo.get("placed tables", {}).get(place)
        if found is None or found[0] is not self.sheet:
            return False
        _, table.rows, paras, groups, table.first = found
        self.paras += paras
        self.groups += groups
        self.sections[-1].paras += paras
        if self._budget is not None:
            self._budget -= len(paras)
            if self._budget < 0:
                raise TooManyParagraphs
        return True

    # -- headers and footers
    def _header_parts(self) -> list[HeaderPart]:
        """Each header/footer part once, in the order sections first use it."""
        for sec in self.sections:
            for kind, tag in (("header", "headerReference"), ("footer", "footerReference")):
                for ref in [] if sec.sectpr is None else sec.sectpr.findall(qn(f"w:{tag}")):
                    block = self._package.block(self._related.get(ref.get(_RID) or ""))
                    el = None if block is None else block.el
                    self._rel_els.setdefault(ref.get(_RID) or "", el)
                    if block is None or id(el) in self._parts_by_el:
                        continue
                    label = "đầu trang" if kind == "header" else "chân trang"
                    if attr(ref, "type") == "first":
                        label += " trang đầu"
                    where = f"{label} (phần {sec.index + 1})"
                    cores = block.memo.get("header cores")
                    if cores is None:
                        cores = block.memo["header cores"] = [
                            Core(q, next((a for a in q.iterancestors(TBL)), None))
                            for q in block.el.iter(P)
                            if not any(a.tag == FALLBACK for a in q.iterancestors())]
                    siblings = self._new_group()
                    for core in cores:
                        siblings.append(Para(core, where, sec.index, kind=kind,
                                             group=len(self.groups) - 1, pos=len(siblings)))
                        self._spend()
                    self._parts_by_el[id(el)] = HeaderPart(kind, el, where, siblings)
        return list(self._parts_by_el.values())

    def rel_el(self, rid: str | None) -> El | None:
        """The root element of a related part (parsed on first use), by relationship id."""
        rid = rid or ""
        if rid not in self._rel_els:
            self._rel_els[rid] = self._package.element(self._related.get(rid))
        return self._rel_els[rid]

    def header_part(self, el: El | None) -> HeaderPart | None:
        return None if el is None else self._parts_by_el.get(id(el))

    # -- formatting
    def _use(self, seen: set[Any], keys: frozenset[Any] | tuple[Any, ...]) -> None:
        """Count formats this document uses; past ``max_formats`` it is refused."""
        if self._formats_left is None:
            return
        before = len(seen)
        seen.update(keys)
        self._formats_left -= len(seen) - before
        if self._formats_left < 0:
            raise TooManyFormats

    @property
    def counting(self) -> bool:
        """Whether this document counts the formats it uses (it may have more than allowed):
        then every paragraph's formatting must be asked for, none skipped."""
        return self._formats_left is not None

    def kept(self, p: Para) -> dict[Any, Any] | None:
        """A memo for what a reader derives from ``p``'s core and the style sheet alone, kept
        with its core from one document to the next; None when this document counts the
        formats it uses (then every paragraph's formatting must be asked for, none answered
        from a memo), or when its body was parsed whole (no document after it shows those
        paragraphs: a memo would only cost memory, 15 MB for 50,000 paragraphs)."""
        if self._formats_left is not None or not self.shared_blocks:
            return None
        return self._resolved(p.core).memo

    def formatted(self, p: Para) -> dict[Any, Any]:
        """A memo for what a reader derives from ``p``'s text and resolved run formatting
        (kept with its core for the same style sheet; its run formats are counted as used
        by this document)."""
        self.props(p)
        return p.core.resolved.memo  # type: ignore[union-attr]  # (props made it)

    def _resolved(self, core: Core) -> Resolved:
        found = core.resolved
        if found is None or found.sheet is not self.sheet:
            found = core.resolved = Resolved(self.sheet)
        return found

    def props(self, p: Para) -> list[RunProps]:
        """The resolved look of each of ``p``'s runs."""
        if p._props is not None:
            return p._props
        core = p.core
        res = core.resolved
        if res is None or res.sheet is not self.sheet:
            res = self._resolved(core)
        if res.props is None:
            run_props, el, tbl = self.sheet.run_props, core.el, core.tbl
            res.props = [run_props(r, el, tbl, key)
                         for r, key in zip(core.runs, core.run_keys(), strict=True)]
        self._count_props(core)
        p._props = res.props
        return res.props

    def _count_props(self, core: Core) -> None:
        """Count the run formats of ``core`` as used by this document (when it counts)."""
        if self._formats_left is not None and id(core) not in self._counted_props:
            self._counted_props[id(core)] = core
            self._use(self._seen_runs, core.run_keyset())

    def _count_align(self, core: Core) -> None:
        """Count the alignment of ``core`` as used by this document (when it counts)."""
        if self._formats_left is not None and id(core) not in self._counted_aligns:
            self._counted_aligns[id(core)] = core
            self._use(self._seen_aligns, (core.para_key(),))

    def run_props(self, r: El | None, p: Para) -> RunProps:
        """The resolved look of run ``r`` shown in ``p`` (one of its runs or not)."""
        runs = p.core.runs
        for k, own in enumerate(runs):  # one of its own runs: resolved with the others
            if own is r:
                return self.props(p)[k]
        key = (id(r), id(p.el))
        found = self._run_props.get(key)
        if found is None:
            run_key = self.sheet.run_key(r, p.style, p.core.table_key)
            self._use(self._seen_runs, (run_key,))
            props = self.sheet.run_props(r, p.el, p.tbl, run_key)
            self._run_props[key] = found = (props, r)  # r kept alive: its id stays its own
        return found[0]

    def alignment(self, p: Para) -> str:
        core = p.core
        res = self._resolved(core)
        if res.align is None:
            res.align = self.sheet.alignment(core.el, core.tbl, core.para_key())
        self._count_align(core)
        return res.align

    def para_props(self, p: Para) -> ParaProps:
        if p._pprops is not None:
            return p._pprops
        core = p.core
        res = self._resolved(core)
        if res.para_props is not None and self._formats_left is None:
            p._pprops = res.para_props[1]  # (resolved for its core before: no look needed)
            return p._pprops
        look = self.look(p)  # its size sets the indent of a paragraph indented in characters
        if res.para_props is None:
            shape = res.shape  # (its layout: by its pPr and its sizes, both the shape's)
            if shape is not None and shape.layout is not None:
                res.para_props = shape.layout
            else:
                sizes = [s for s in look.sizes if s]
                char_pt = max(sizes, default=14.0)
                res.para_props = ((core.para_key(), char_pt), self.sheet.para_props(
                    core.el, core.tbl, char_pt, core.para_key()))
                if shape is not None:
                    shape.layout = res.para_props
        if self._formats_left is not None and id(core) not in self._counted_layouts:
            self._counted_layouts[id(core)] = core
            self._use(self._seen_layouts, (res.para_props[0],))
        p._pprops = res.para_props[1]
        return p._pprops

    def tab_stops(self, p: Para) -> tuple[tuple[int, str], ...]:
        """The paragraph's tab stops, left to right: (position in twips, kind)."""
        return self.sheet.tab_stops(p.el, p.tbl, p.core.para_key())

    def look(self, p: Para, runs: Sequence[El] | None = None) -> Look:
        """Displayed text and formatting of the text runs (all of them, or ``runs``)."""
        if runs is None:
            found = p._look
            if found is None:
                found = p._look = self._own_look(p)
            return found
        chosen = list(runs)
        key = (id(p.el), tuple(map(id, chosen)))
        found = self._looks.get(key)
        if found is None:
            props = [self.run_props(r, p) for r in chosen]
            align = self.alignment(p)
            own = p.core.resolved  # (made by alignment)
            memo = own.memo if own is not None and p.core.owns(chosen) else {}
            look_key = ("look of runs", tuple(map(id, chosen)))  # its own runs: alive with it
            found = memo.get(look_key)
            if found is None:
                found = memo[look_key] = self._make_look(p, [run_text(r) for r in chosen],
                                                         props, align)
            self._looks[key] = found
        return found

    def _own_look(self, p: Para) -> Look:
        """The look of all of ``p``'s runs, and their formats and alignment on the way.

        A long document repeats a few formats over thousands of paragraphs: paragraphs with
        the same pPr, run properties, paragraph style, table style and the same runs inked
        (the *shape* of :func:`_shape_key`) look alike but for their text, so the runs'
        formats, the alignment and the sizes, bold and italic are resolved once per shape
        and document, and each further paragraph of that shape only gets its own text."""
        core = p.core
        res = self._resolved(core)
        if res.look is not None:  # resolved for a document before: counted for this one
            self.props(p)
            self.alignment(p)
            return res.look
        inked = tuple(bool(t.strip()) for t in core.texts)
        key = _shape_key(core, inked)
        shape = self._shapes.get(key)
        if shape is None:
            props, align = self.props(p), self.alignment(p)
            shape = self._shapes[key] = Shape(props, align, *self._format_of(props, inked))
        else:  # the same formats: the style sheet gave them for this shape already
            if res.props is None:
                res.props = shape.props
            if res.align is None:
                res.align = shape.align
            self._count_props(core)
            self._count_align(core)
            p._props = res.props
        res.shape = shape
        sizes, bold, any_bold, italic, any_italic = shape.format
        res.look = Look(_shown(core.texts, shape.props) if shape.caps else p.text, sizes, bold,
                        any_bold, italic, any_italic, shape.align)
        return res.look

    def _format_of(self, props: Sequence[RunProps], inked: tuple[bool, ...]
                   ) -> tuple[bool, _Format]:
        """:func:`_format` of runs of these formats, these inked, once per document."""
        key = (tuple(map(id, props)), inked)  # RunProps are the style sheet's, alive all along
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = _format(props, inked)
        return found

    def _make_look(self, p: Para, texts: Sequence[str], props: Sequence[RunProps],
                   align: str) -> Look:
        inked = tuple(bool(t.strip()) for t in texts)
        caps, (sizes, bold, any_bold, italic, any_italic) = self._format_of(props, inked)
        if caps:
            shown = _shown(texts, props)
        elif texts is p.texts:
            shown = p.text
        else:
            shown = "".join(texts)
        return Look(shown, sizes, bold, any_bold, italic, any_italic, align)

    def lines(self, p: Para) -> list[tuple[str, list[El]]]:
        """The paragraph split at line breaks: (text, runs showing that line)."""
        out: list[tuple[list[str], list[El]]] = [([], [])]
        for r, text in zip(p.runs, p.texts, strict=True):
            for piece_i, piece in enumerate(text.split("\n")):
                if piece_i:
                    out.append(([], []))
                texts, runs = out[-1]
                texts.append(piece)
                if piece.strip():
                    runs.append(r)
        joined = (("".join(texts), runs) for texts, runs in out)
        return [(t, rs) for t, rs in joined if t.strip()]

    def line_below(self, p: Para) -> bool:
        """A solid line under ``p``: its bottom border, a border of a following empty paragraph,
        or a drawn line in it or near it."""
        if self.para_props(p).borders.get("bottom") in SOLID or has_line_shape(p.el):
            return True
        for q in self.after(p):
            if not q.blank:
                return has_line_shape(q.el)
            borders = self.para_props(q).borders
            if SOLID & set(borders.values()) or has_line_shape(q.el):
                return True
        return False


def has_line_shape(el: El) -> bool:
    """A drawn straight line (DrawingML or VML) inside ``el``."""
    for geom in el.iter(_PRST_GEOM):
        if geom.get("prst") in ("line", "straightConnector1"):
            return True
    return any(True for _ in el.iter(_VML_LINE))


def _places(row: int, col: int, paragraphs: int) -> list[str]:
    """Where each paragraph of a cell is, in words ("hàng 3, ô 2", "hàng 3, ô 2, đoạn 1")."""
    cell = f"hàng {row + 1}, ô {col + 1}"
    return [cell] if paragraphs == 1 else [f"{cell}, đoạn {k + 1}" for k in range(paragraphs)]


def _visible_in(q: El, container: El) -> bool:
    anc = q.getparent()
    while anc is not None and anc is not container:
        if anc.tag in (FALLBACK, TXBX_CONTENT):
            return False
        anc = anc.getparent()
    return True


FOOTNOTES = RT_FOOTNOTES


def related_root(document: Any, reltype: str) -> El | None:
    """The root of the first part of the main document related by ``reltype`` (FOOTNOTES …),
    parsed from its bytes; None without one. Raises ``etree.XMLSyntaxError`` when broken."""
    for rel_ in document.part.rels.values():
        if rel_.reltype == reltype and not rel_.is_external:
            return parse_xml(rel_.target_part.blob)
    return None


def part_element(part: Any) -> El | None:
    """The root element of a package part: python-docx's for XML parts, else its blob parsed
    safely (None when it is not XML)."""
    if part is None:
        return None
    el = getattr(part, "element", None)
    if el is not None:
        return el
    if str(getattr(part, "content_type", "")).startswith("image/"):
        return None  # an SVG is a picture: the screening let its DOCTYPE through
    try:
        return parse_xml(part.blob)
    except (etree.XMLSyntaxError, ValueError):
        return None
