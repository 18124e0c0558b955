"""Page geometry read from the template, and the lengths and sections it drives.

When a template is compiled: each section's text area, the appendix table's column widths and
text size (so a task row can tell whether it is tall), and the short rules (empty paragraphs
styled "KH Gach ngang" / "KH Gach ngang du") with the paragraphs above them, whose indents get
a placeholder. When a document is rendered: each rule's indent from the rendered text above it
(1/3–1/2 of the text under the issuing body and the trích yếu, the whole tiêu ngữ under it),
and, for the inline layout, the body without its last (landscape) section. Both are string
work on the rendered XML: no second parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .context import DEFAULT_GEOMETRY, RowGeometry
from .package import W_NS, W

TWIPS_PER_CM = 567.0
# Approximate advance widths of Times New Roman, in em, for sizing the short rules.
_UPPER_EM, _LOWER_EM, _SPACE_EM, _OTHER_EM = 0.70, 0.48, 0.25, 0.50
RULE_STYLES = {"KHGachngang": False, "KHGachngangdu": True}  # style → as long as the text (tiêu ngữ)
SIZED_STYLES = {"KHDaucoquan": 13, "KHTieude": 14, "KHTieungu": 13, "KHKemtheo": 14}
RULE_MARK = "@KHRULE{}@"
_RULE_SHARE = 0.4  # a rule under the issuing body or the trích yếu: 1/3–1/2 of the text, aim 0.4
# what may follow w:ind in w:pPr (CT_PPrBase is a sequence)
_AFTER_IND = {W + t for t in ("contextualSpacing", "mirrorIndents", "suppressOverlap", "jc", "textDirection",
                              "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
                              "sectPr", "pPrChange")}


def estimate_cm(text: str, size_pt: float) -> float:
    """The printed width of ``text`` in Times New Roman at ``size_pt``, roughly."""
    em = 0.0
    for ch in text:
        if ch.isspace():
            em += _SPACE_EM
        elif ch.isupper():
            em += _UPPER_EM
        elif ch.islower():
            em += _LOWER_EM
        else:
            em += _OTHER_EM
    return em * size_pt * 2.54 / 72


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _style(p: etree._Element) -> str:
    st = p.find(f"{W}pPr/{W}pStyle")
    return st.get(f"{W}val", "") if st is not None else ""


def _int(el: etree._Element | None, attr: str, default: int = 0) -> int:
    value = el.get(f"{W}{attr}") if el is not None else None
    try:
        return abs(int(value)) if value is not None else default
    except ValueError:
        return default


# ---------------------------------------------------------------------------------------------
# Sections


@dataclass(frozen=True)
class TextArea:
    width_cm: float
    height_pt: float


def _area(sect: etree._Element | None) -> TextArea:
    if sect is None:
        return TextArea(16.5, 257 * 72 / 25.4)
    size, margin = sect.find(f"{W}pgSz"), sect.find(f"{W}pgMar")
    width = _int(size, "w", 11906) - _int(margin, "left", 1701) - _int(margin, "right", 850)
    height = _int(size, "h", 16838) - _int(margin, "top", 1134) - _int(margin, "bottom", 1134)
    return TextArea(max(width, 567) / TWIPS_PER_CM, max(height, 567) / 20)


def section_areas(body: etree._Element) -> dict[etree._Element, TextArea]:
    """The text area of the section each top-level element of ``body`` belongs to."""
    out: dict[etree._Element, TextArea] = {}
    pending: list[etree._Element] = []
    for child in body:
        if child.tag == f"{W}sectPr":
            continue
        pending.append(child)
        sect = child.find(f"{W}pPr/{W}sectPr") if child.tag == f"{W}p" else None
        if sect is not None:
            area = _area(sect)
            out.update((el, area) for el in pending)
            pending = []
    final = _area(body.find(f"{W}sectPr"))
    out.update((el, final) for el in pending)
    return out


def _top(el: etree._Element, body: etree._Element) -> etree._Element:
    while el.getparent() is not None and el.getparent() is not body:
        el = el.getparent()
    return el


# ---------------------------------------------------------------------------------------------
# Short rules


@dataclass(frozen=True)
class RuleSpec:
    """A short rule: the template texts above it with their sizes, the width it is centred in,
    and whether it is as long as the text (the tiêu ngữ's) or a share of it."""

    above: tuple[tuple[str, float], ...]
    width_cm: float
    full: bool


def mark_rules(root: etree._Element) -> list[RuleSpec]:
    """Find the short rules of the document ``root``, give each a placeholder indent
    (:data:`RULE_MARK`) and describe how to size it."""
    body = root.find(f"{W}body")
    if body is None:
        return []
    areas = section_areas(body)
    specs: list[RuleSpec] = []
    for p in body.iter(f"{W}p"):
        full = RULE_STYLES.get(_style(p))
        if full is None or _text(p):
            continue
        above: list[tuple[str, float]] = []
        prev = p.getprevious()
        while prev is not None and prev.tag == f"{W}p" and _style(prev) in SIZED_STYLES:
            text = _text(prev)
            if "{%" in text:
                break
            above.append((text, SIZED_STYLES[_style(prev)]))
            if full:
                break
            prev = prev.getprevious()
        if not above:
            continue
        tc = next(p.iterancestors(f"{W}tc"), None)
        tcw = tc.find(f"{W}tcPr/{W}tcW") if tc is not None else None
        if tcw is not None and tcw.get(f"{W}type") == "dxa" and _int(tcw, "w"):
            width = _int(tcw, "w") / TWIPS_PER_CM
        else:
            width = areas.get(_top(p, body), _area(None)).width_cm
        _set_indent(p, RULE_MARK.format(len(specs)))
        specs.append(RuleSpec(tuple(above), width, full))
    return specs


def _set_indent(p: etree._Element, value: str) -> None:
    ppr = p.find(f"{W}pPr")
    if ppr is None:
        ppr = etree.Element(f"{W}pPr")
        p.insert(0, ppr)
    for old in ppr.findall(f"{W}ind"):
        ppr.remove(old)
    ind = etree.Element(f"{W}ind", {f"{W}left": value, f"{W}right": value})
    at = next((i for i, child in enumerate(ppr) if child.tag in _AFTER_IND), len(ppr))
    ppr.insert(at, ind)


@dataclass(frozen=True)
class Rule:
    """A rule ready to size: ``above`` renders the texts above it from a document's values."""

    above: tuple[tuple[Callable[[Mapping[str, Any]], str], float], ...]
    width_cm: float
    full: bool

    def indent(self, values: Mapping[str, Any]) -> int:
        """The left and right indent (twips) that centre the rule under the text above it."""
        widths = []
        for render, size in self.above:
            try:
                widths.append(estimate_cm(render(values), size))
            except Exception:  # a text that does not render for this plan is left out
                continue
        if not widths:
            return 0
        text_w = min(max(widths), self.width_cm)
        rule = text_w * (1.0 if self.full else _RULE_SHARE)
        return int(max((self.width_cm - rule) / 2, 0) * TWIPS_PER_CM)


# ---------------------------------------------------------------------------------------------
# The appendix table


class _Styles:
    """Just enough of styles.xml to know a paragraph style's size and spacing."""

    def __init__(self, root: etree._Element | None):
        self.by_id = {} if root is None else {st.get(f"{W}styleId"): st for st in root.iter(f"{W}style")}
        self.defaults = root.find(f"{W}docDefaults") if root is not None else None

    def _chain(self, style_id: str) -> list[etree._Element]:
        out: list[etree._Element] = []
        seen: set[int] = set()
        st = self.by_id.get(style_id)
        while st is not None and id(st) not in seen and len(out) < 20:
            seen.add(id(st))
            out.append(st)
            based = st.find(f"{W}basedOn")
            st = self.by_id.get(based.get(f"{W}val")) if based is not None else None
        return out

    def metrics(self, style_id: str) -> tuple[float, float, float]:
        """(size pt, space before + after pt, line factor) of paragraph style ``style_id``."""
        layers = [(st.find(f"{W}rPr/{W}sz"), st.find(f"{W}pPr/{W}spacing")) for st in self._chain(style_id)]
        if self.defaults is not None:
            layers.append((self.defaults.find(f"{W}rPrDefault/{W}rPr/{W}sz"),
                           self.defaults.find(f"{W}pPrDefault/{W}pPr/{W}spacing")))
        found: dict[str, float] = {}
        for sz, spacing in layers:
            if sz is not None:
                found.setdefault("size", _int(sz, "val", 24) / 2)
            if spacing is None:
                continue
            for attr in ("before", "after"):
                if spacing.get(f"{W}{attr}") is not None:
                    found.setdefault(attr, _int(spacing, attr) / 20)
            if spacing.get(f"{W}line") is not None and spacing.get(f"{W}lineRule", "auto") == "auto":
                found.setdefault("line", _int(spacing, "line", 240) / 240)
        return (found.get("size", 12.0), found.get("before", 0.0) + found.get("after", 0.0),
                found.get("line", 1.0))


_FIELD = re.compile(r"row\.(?:cells\.(\w+)|cells\[['\"](\w+)['\"]\]|(rich|text|number))")


def row_geometry(root: etree._Element, styles_root: etree._Element | None) -> RowGeometry:
    """The appendix table's geometry (the table whose rows loop over ``appendix.rows``), or the
    defaults of the bundled template when there is none."""
    body = root.find(f"{W}body")
    tbl = None if body is None else next(
        (t for t in body.iter(f"{W}tbl") if "appendix.rows" in _text(t)), None)
    if body is None or tbl is None:
        return DEFAULT_GEOMETRY
    grid = [_int(col, "w") for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]
    rows = [tr for tr in tbl.findall(f"{W}tr") if "row.cells" in _text(tr)]
    if not grid or not rows:
        return DEFAULT_GEOMETRY
    widths, text_style = _column_widths(rows[-1], grid, _cell_margins(tbl))
    size, spacing, line = _Styles(styles_root).metrics(text_style or "Normal")
    area = section_areas(body).get(_top(tbl, body), _area(None))
    return RowGeometry(widths=widths or DEFAULT_GEOMETRY.widths, size_pt=size, line_factor=line,
                       spacing_pt=spacing, split_above_pt=area.height_pt / 3)


def _cell_margins(tbl: etree._Element) -> int:
    """The left and right cell margins of a table, in twips (Word's default 108 each)."""
    mar = tbl.find(f"{W}tblPr/{W}tblCellMar")
    return sum(_int(mar.find(f"{W}{side}") if mar is not None else None, "w", 108)
               for side in ("left", "right"))


def _column_widths(row: etree._Element, grid: list[int], margins: int) -> tuple[dict[str, float], str]:
    """The text width (pt) of each field's column in a task row ("text", "number", or the
    cell's name), and the paragraph style of the task text's cell."""
    widths: dict[str, float] = {}
    text_style = ""
    col = 0
    for tc in row.findall(f"{W}tc"):
        span = _int(tc.find(f"{W}tcPr/{W}gridSpan"), "val", 1) or 1
        width_pt = max(sum(grid[col:col + span]) - margins, 100) / 20
        col += span
        m = _FIELD.search(_text(tc))
        if not m:
            continue
        name = m.group(1) or m.group(2) or ("number" if m.group(3) == "number" else "text")
        widths[name] = width_pt
        p = tc.find(f"{W}p") if name == "text" else None
        if p is not None:
            text_style = _style(p)
    return widths, text_style


# ---------------------------------------------------------------------------------------------
# Inline layout: no appendix section


def _end_of(xml: str, start: int, tag: str) -> int:
    """The index just past the element ``tag`` starting at ``start``."""
    gt = xml.find(">", start)
    if gt > 0 and xml[gt - 1] == "/":
        return gt + 1
    close = xml.find(f"</{tag}>", start)
    return close + len(tag) + 3 if close >= 0 else -1


_HAS_TEXT = re.compile(r"<w:t(?:\s[^>]*)?>[^<]")


def drop_last_section(body: str) -> str:
    """``body`` (the rendered ``w:body``) without its last section: what follows the paragraph
    that ends the previous section goes, and that section's properties become the body's."""
    final = body.rfind("<w:sectPr")
    holder = body.rfind("<w:sectPr", 0, final) if final >= 0 else -1
    if holder < 0:
        return body
    holder_end = _end_of(body, holder, "w:sectPr")
    p_start = max(body.rfind("<w:p>", 0, holder), body.rfind("<w:p ", 0, holder))
    p_end = body.find("</w:p>", holder_end) if holder_end >= 0 else -1
    final_end = _end_of(body, final, "w:sectPr")
    if p_start < 0 or p_end < 0 or final_end < 0:
        return body
    paragraph = body[p_start:holder] + body[holder_end:p_end + len("</w:p>")]
    keep = paragraph if _HAS_TEXT.search(paragraph) else ""
    return body[:p_start] + keep + body[holder:holder_end] + body[final_end:]


__all__ = ["RULE_MARK", "W_NS", "Rule", "RuleSpec", "TextArea", "drop_last_section", "estimate_cm",
           "mark_rules", "row_geometry", "section_areas"]
