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
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from .element import El, attr, count, first_child, flatten, parse_xml
from .ns import A_NS, FALLBACK, NSMAP, P_PR, R_NS, SECT_PR, TBL, TXBX_CONTENT, VML_NS, P, qn
from .styles import SOLID, ParaProps, RunProps, StyleSheet, signature
from .tables import grid_cells, table_rows
from .text import own_runs, run_parts, run_text

P_STYLE = qn("w:pStyle")
_SECTION_BREAKS = etree.XPath(".//w:p/w:pPr[w:sectPr]", namespaces=NSMAP)

_RID = f"{{{R_NS}}}id"
_PRST_GEOM = f"{{{A_NS}}}prstGeom"
_VML_LINE = f"{{{VML_NS}}}line"


class Para:
    """A paragraph with its place: top-level, in a table cell (``table``, ``row``, ``col``), in a
    header or footer, or in a text box (``kind``); its runs, their texts, its ``pPr`` and
    paragraph style. Resolved formatting is cached on it by :class:`DocModel`."""

    __slots__ = ("el", "where", "section", "runs", "texts", "rprs", "ppr", "style", "tbl",
                 "table", "row", "col", "kind", "i", "siblings", "pos", "text", "_key",
                 "_props", "_look", "_align", "_para_props")

    def __init__(self, el: El, where: str, section: int, runs: list[El], texts: list[str],
                 rprs: list[El | None], ppr: El | None, *, tbl: El | None = None,
                 table: int | None = None, row: int | None = None, col: int | None = None,
                 kind: str = "body", i: int = -1, siblings: list[Para] | None = None,
                 pos: int = -1):
        self.el, self.where, self.section = el, where, section
        self.runs, self.texts, self.rprs, self.ppr = runs, texts, rprs, ppr
        self.style: str | None = None if ppr is None else attr(first_child(ppr, P_STYLE), "val")
        self.tbl, self.table, self.row, self.col, self.kind = tbl, table, row, col, kind
        self.i, self.pos = i, pos
        self.siblings: list[Para] = [] if siblings is None else siblings
        self.text = "".join(texts)
        self._key: Any = None
        self._props: list[RunProps] | None = None
        self._look: Look | None = None
        self._align: str | None = None
        self._para_props: ParaProps | None = None

    def __repr__(self) -> str:
        return f"Para({self.where!r}, {self.text[:30]!r})"

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def after(self) -> Iterator[Para]:
        """Following paragraphs in the same cell, or the same run of top-level paragraphs."""
        siblings = self.siblings
        return (siblings[k] for k in range(self.pos + 1, len(siblings)))

    def next(self) -> Para | None:
        """The paragraph right after this one among its siblings."""
        k = self.pos + 1
        return self.siblings[k] if k < len(self.siblings) else None


def _read_para(el: El) -> tuple[list[El], list[str], list[El | None], El | None]:
    """A paragraph's own runs, their texts and rPr elements, and its pPr."""
    runs = own_runs(el)
    texts, rprs = [], []
    for r in runs:
        text, rpr = run_parts(r)
        texts.append(text)
        rprs.append(rpr)
    return runs, texts, rprs, first_child(el, P_PR)


Cell = tuple[int, El, list[Para]]  # (first grid column, tc, paragraphs)


@dataclass(eq=False)
class Table:
    el: El
    index: int
    section: int
    rows: list[list[Cell]]
    first: int = -1  # document-order index of its first paragraph, -1 when it has none


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


class DocModel:
    """Paragraphs, tables, sections and headers of a document, with resolved formatting.

    ``max_paragraphs`` bounds the work: past it (text boxes counted once per box that shows
    them) :class:`TooManyParagraphs` is raised; past ``max_formats`` distinct formats, the
    style sheet raises :class:`~kehoach_gen.ooxml.styles.TooManyFormats` when asked."""

    def __init__(self, document: Any, *, max_paragraphs: int | None = None,
                 max_formats: int | None = None):
        self._budget = max_paragraphs
        part = document.part
        related = {r.reltype: r.target_part for r in part.rels.values() if not r.is_external}
        self.sheet = StyleSheet(part_element(related.get(RT.STYLES)),
                                part_element(related.get(RT.NUMBERING)),
                                part_element(related.get(RT.THEME)), max_formats=max_formats)
        self.settings = part_element(related.get(RT.SETTINGS))
        self.paras: list[Para] = []
        self.extra: list[Para] = []  # text boxes: checked for fonts and text only
        self.tables: list[Table] = []
        self.sections: list[Section] = [Section(0, None)]
        body = document.element.body
        self._has_boxes = count(body, "w:txbxContent") > 0  # else no paragraph is searched
        self._walk(body)
        self._related = dict(part.related_parts)
        self._rel_els: dict[str, El | None] = {}
        self._parts_by_el: dict[int, HeaderPart] = {}
        self.parts = self._header_parts()
        self._looks: dict[tuple[int, tuple[int, ...]], Look] = {}
        self._formats: dict[Any, tuple[bool, _Format]] = {}
        self._run_props: dict[tuple[int, int], tuple[RunProps, El | None]] = {}
        self._table_keys: dict[int, tuple[Any, El | None]] = {}

    # -- walking the body
    def _walk(self, body: El) -> None:
        top_run: list[Para] = []
        n_top = 0
        # the pPr elements holding a sectPr, found in one search (kept alive: same proxies)
        breaks = _SECTION_BREAKS(body)
        ends = {id(ppr) for ppr in breaks}
        for item in flatten(body, {P, TBL, SECT_PR}):
            sec = self.sections[-1]
            if item.tag == P:
                p = self._para(item, f"đoạn {n_top + 1}", top_run, top=True)
                n_top += 1
                sp = first_child(p.ppr, SECT_PR) if id(p.ppr) in ends else None
                if sp is not None:  # this paragraph ends its section
                    sec.sectpr = sp
                    self.sections.append(Section(len(self.sections), None))
            elif item.tag == TBL:
                self._table(item)
                top_run = []
            else:
                sec.sectpr = item
        if self.sections[-1].sectpr is None and not self.sections[-1].paras \
                and len(self.sections) > 1:
            self.sections.pop()

    def _para(self, el: El, where: str, siblings: list[Para], *, top: bool = False,
              **place: Any) -> Para:
        sec = self.sections[-1]
        anc = None
        if not top:  # a paragraph of the body itself is in no table
            anc = el.getparent()
            while anc is not None and anc.tag != TBL:
                anc = anc.getparent()
        p = Para(el, where, sec.index, *_read_para(el), tbl=anc, i=len(self.paras),
                 siblings=siblings, pos=len(siblings), **place)
        siblings.append(p)
        self.paras.append(p)
        sec.paras.append(p)
        if self._budget is not None:
            self._spend()
        if self._has_boxes:
            self._textboxes(el, where, sec.index)
        return p

    def _spend(self) -> None:
        if self._budget is not None:
            self._budget -= 1
            if self._budget < 0:
                raise TooManyParagraphs

    def _textboxes(self, el: El, where: str, section: int) -> None:
        if not self._has_boxes:
            return
        for box in el.iter(TXBX_CONTENT):
            if any(a.tag == FALLBACK for a in box.iterancestors()):
                continue
            for q in box.iter(P):
                self.extra.append(Para(q, f"hộp văn bản ở {where}", section, *_read_para(q),
                                       kind="textbox"))
                self._spend()

    def _table(self, tbl: El) -> None:
        t = len(self.tables)
        table = Table(tbl, t, self.sections[-1].index, [])
        self.tables.append(table)
        start = len(self.paras)
        for r, tr in enumerate(table_rows(tbl)):
            row = []
            for c, (grid, tc) in enumerate(grid_cells(tr)):
                paras = [q for q in tc.iter(P) if _visible_in(q, tc)]
                cell: list[Para] = []
                for k, q in enumerate(paras):
                    where = f"bảng {t + 1}, hàng {r + 1}, ô {c + 1}"
                    if len(paras) > 1:
                        where += f", đoạn {k + 1}"
                    self._para(q, where, cell, table=t, row=r, col=c)
                row.append((grid, tc, cell))
            table.rows.append(row)
        table.first = self.paras[start].i if len(self.paras) > start else -1

    # -- headers and footers
    def _header_parts(self) -> list[HeaderPart]:
        """Each header/footer part once, in the order sections first use it."""
        for sec in self.sections:
            for kind, tag in (("header", "headerReference"), ("footer", "footerReference")):
                for ref in [] if sec.sectpr is None else sec.sectpr.findall(qn(f"w:{tag}")):
                    el = self.rel_el(ref.get(_RID))
                    if el is None or id(el) in self._parts_by_el:
                        continue
                    label = "đầu trang" if kind == "header" else "chân trang"
                    if attr(ref, "type") == "first":
                        label += " trang đầu"
                    where = f"{label} (phần {sec.index + 1})"
                    siblings: list[Para] = []
                    paras = []
                    for q in el.iter(P):
                        if any(a.tag == FALLBACK for a in q.iterancestors()):
                            continue
                        anc = next((a for a in q.iterancestors(TBL)), None)
                        hp = Para(q, where, sec.index, *_read_para(q), tbl=anc, kind=kind,
                                  siblings=siblings, pos=len(siblings))
                        siblings.append(hp)
                        paras.append(hp)
                        self._spend()
                    self._parts_by_el[id(el)] = HeaderPart(kind, el, where, paras)
        return list(self._parts_by_el.values())

    def rel_el(self, rid: str | None) -> El | None:
        """The root element of a related part (parsed on first use), by relationship id."""
        rid = rid or ""
        if rid not in self._rel_els:
            self._rel_els[rid] = part_element(self._related.get(rid))
        return self._rel_els[rid]

    def header_part(self, el: El | None) -> HeaderPart | None:
        return None if el is None else self._parts_by_el.get(id(el))

    # -- formatting
    def _table_key(self, tbl: El | None) -> Any:
        found = self._table_keys.get(id(tbl))
        if found is None:
            found = self._table_keys[id(tbl)] = (self.sheet.table_key(tbl), tbl)
        return found[0]

    def _para_key(self, p: Para) -> Any:
        """What ``p``'s layout depends on (see :meth:`StyleSheet.para_key`), computed once."""
        if p._key is None:
            p._key = (signature(p.ppr), self._table_key(p.tbl))
        return p._key

    def props(self, p: Para) -> list[RunProps]:
        """The resolved look of each of ``p``'s runs."""
        if p._props is None:
            table = self._table_key(p.tbl)
            run_props, el, tbl, style = self.sheet.run_props, p.el, p.tbl, p.style
            p._props = [run_props(r, el, tbl, (signature(rpr), style, table))
                        for r, rpr in zip(p.runs, p.rprs, strict=True)]
        return p._props

    def run_props(self, r: El | None, p: Para) -> RunProps:
        """The resolved look of run ``r`` shown in ``p`` (one of its runs or not)."""
        key = (id(r), id(p.el))
        found = self._run_props.get(key)
        if found is None:
            props = self.sheet.run_props(
                r, p.el, p.tbl, self.sheet.run_key(r, p.style, self._table_key(p.tbl)))
            self._run_props[key] = found = (props, r)  # r kept alive: its id stays its own
        return found[0]

    def alignment(self, p: Para) -> str:
        if p._align is None:
            p._align = self.sheet.alignment(p.el, p.tbl, self._para_key(p))
        return p._align

    def para_props(self, p: Para) -> ParaProps:
        if p._para_props is None:
            sizes = [s for s in self.look(p).sizes if s]
            p._para_props = self.sheet.para_props(p.el, p.tbl, max(sizes, default=14.0),
                                                  self._para_key(p))
        return p._para_props

    def look(self, p: Para, runs: Sequence[El] | None = None) -> Look:
        """Displayed text and formatting of the text runs (all of them, or ``runs``)."""
        if runs is None:
            if p._look is None:
                p._look = self._make_look(p, p.texts, self.props(p))
            return p._look
        chosen = list(runs)
        key = (id(p.el), tuple(map(id, chosen)))
        found = self._looks.get(key)
        if found is None:
            found = self._looks[key] = self._make_look(
                p, [run_text(r) for r in chosen], [self.run_props(r, p) for r in chosen])
        return found

    def _make_look(self, p: Para, texts: Sequence[str], props: Sequence[RunProps]) -> Look:
        inked = tuple(bool(t.strip()) for t in texts)
        key = (tuple(map(id, props)), inked)  # RunProps are the style sheet's, alive all along
        found = self._formats.get(key)
        if found is None:
            found = self._formats[key] = _format(props, inked)
        caps, (sizes, bold, any_bold, italic, any_italic) = found
        if caps:
            shown = "".join(t.upper() if rp.caps else t for t, rp in zip(texts, props, strict=True))
        else:
            shown = p.text if texts is p.texts else "".join(texts)
        return Look(shown, sizes, bold, any_bold, italic, any_italic, self.alignment(p))

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
        for q in p.after():
            if not q.blank:
                return has_line_shape(q.el)
            borders = self.para_props(q).borders
            if SOLID & set(borders.values()) or has_line_shape(q.el):
                return True
        return False


_Format = tuple[tuple[float | None, ...], bool, bool, bool, bool]


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


def has_line_shape(el: El) -> bool:
    """A drawn straight line (DrawingML or VML) inside ``el``."""
    for geom in el.iter(_PRST_GEOM):
        if geom.get("prst") in ("line", "straightConnector1"):
            return True
    return any(True for _ in el.iter(_VML_LINE))


def _visible_in(q: El, container: El) -> bool:
    anc = q.getparent()
    while anc is not None and anc is not container:
        if anc.tag in (FALLBACK, TXBX_CONTENT):
            return False
        anc = anc.getparent()
    return True


FOOTNOTES = RT.FOOTNOTES


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
