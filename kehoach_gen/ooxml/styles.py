"""Property resolution: the one place that knows Word's inheritance order.

:class:`StyleSheet` holds the styles, document defaults, numbering and theme of one document
and resolves what a run or a paragraph finally looks like, and *where* each property comes
from (so that a finding can say "phông 'Arial' lấy từ kiểu đoạn 'Normal'"). Messages about
sources are Vietnamese because they end up in findings.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree

from .element import El, attr, child, children, int_value, is_on
from .ns import A_NS, TC, W_NS, qn

_W = f"{{{W_NS}}}"
_TC_PR, _TC_BORDERS = qn("w:tcPr"), qn("w:tcBorders")
_W_LEN = len(_W)

_WORD_DEFAULT_SIZE = 10.0  # Word's size when no level of the hierarchy sets one
_AUTO_SPACING = 280  # "auto" paragraph spacing is 14 pt in Word
SOLID = frozenset({"single", "thick"})  # border styles that draw a solid line
_THEME_COLOUR_KEYS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1",
    "text2": "dk2", "dark2": "dk2", "background2": "lt2", "light2": "lt2",
    "hyperlink": "hlink", "followedHyperlink": "folHlink",
    **{f"accent{i}": f"accent{i}" for i in range(1, 7)},
}


class Layer:
    """One level of the style hierarchy: its rPr or pPr, where it comes from, and its kind
    ("direct", "numbering", "character", "paragraph", "table", "defaults").

    Its children are indexed once by local name: resolution asks each layer for a dozen
    properties, and an lxml ``find`` costs more than the whole dictionary."""

    __slots__ = ("el", "source", "kind", "_kids")

    def __init__(self, el: El | None, source: str, kind: str):
        self.el, self.source, self.kind = el, source, kind
        kids: dict[str, El] = {}
        for item in () if el is None else el:
            tag = item.tag
            if isinstance(tag, str) and tag.startswith(_W):
                kids.setdefault(tag[_W_LEN:], item)
        self._kids = kids

    def find(self, tag: str) -> El | None:
        """The first ``w:tag`` child, as ``el.find(qn("w:" + tag))`` would return it."""
        return self._kids.get(tag)


@dataclass(frozen=True)
class Font:
    name: str | None
    source: str
    kind: str  # the Layer kind it comes from, "" when nowhere
    theme: bool = False


@dataclass(frozen=True)
class RunProps:
    ascii: Font
    hansi: Font
    size: float | None
    bold: bool
    italic: bool
    caps: bool
    colour: str
    colour_source: str
    colour_direct: bool


@dataclass(frozen=True)
class ParaProps:
    style_id: str
    align: str
    first_line: int  # twips; negative for a hanging indent
    before: int
    after: int
    line: int
    line_rule: str
    contextual: bool
    outline: int | None
    borders: dict[str, str]  # side → border style, only visible borders


KEEP = 100_000  # resolutions a shared style sheet keeps


class TooManyFormats(Exception):
    """More distinct run and paragraph formats than the reader allows."""


def style_chain(styles: Mapping[str, El], defaults: Mapping[str, str], style_id: str | None,
                kind: str) -> list[El]:
    """The style and its basedOn ancestors, nearest first; the default style of ``kind``
    when the id is missing, unknown or of another kind (as Word does). A loop of basedOn, or a
    chain longer than 50, ends the walk."""
    st = styles.get(style_id or "")
    if st is None or (attr(st, "type") or "paragraph") != kind:
        st = styles.get(defaults.get(kind, ""))
    out: list[El] = []
    while st is not None and st not in out and len(out) < 50:
        out.append(st)
        st = styles.get(attr(child(st, "basedOn"), "val") or "")
    return out


class StyleSheet:
    """Styles, document defaults, numbering and theme of one document.

    Run properties resolve direct → character style chain → paragraph style chain → table style
    chain → docDefaults, theme fonts/colours last; toggles (bold, italic, caps) toggle across
    style types as Word does. Paragraph properties resolve direct → numbering (when the
    paragraph itself is numbered) → paragraph style chain → numbering (from the style) → table
    style chain → docDefaults. Attributes of rFonts, ind and spacing inherit one by one.
    """

    def __init__(self, styles: El | None, numbering: El | None, theme: El | None, *,
                 max_formats: int | None = None):
        self._formats_left = max_formats  # distinct formats it may still resolve
        self.styles: dict[str, El] = {}
        self.defaults: dict[str, str] = {}
        for st in [] if styles is None else styles.findall(qn("w:style")):
            sid, kind = attr(st, "styleId"), attr(st, "type") or "paragraph"
            if sid:
                self.styles[sid] = st
                if attr(st, "default") in ("1", "true", "on"):
                    self.defaults[kind] = sid
        self._layers: dict[tuple[str | None, str, str, str], list[Layer]] = {}
        dd = child(styles, "docDefaults")
        self.default_rpr = child(dd, "rPrDefault", "rPr")
        self.default_ppr = child(dd, "pPrDefault", "pPr")
        # indexed once: a lookup per numbered paragraph must not scan the numbering part
        self._nums: dict[str | None, El] = {}
        self._abstracts: dict[str | None, list[El]] = {}
        for num in [] if numbering is None else numbering.findall(qn("w:num")):
            self._nums.setdefault(attr(num, "numId"), num)
        for ab in [] if numbering is None else numbering.findall(qn("w:abstractNum")):
            self._abstracts.setdefault(attr(ab, "abstractNumId"), []).append(ab)
        self._has_numbering = numbering is not None
        self._theme_fonts, self._theme_colours = read_theme(theme)
        self._run_cache: dict[Any, RunProps] = {}
        self._para_cache: dict[Any, ParaProps] = {}
        self._align_cache: dict[Any, str] = {}
        self._tabs_cache: dict[Any, tuple[tuple[int, str], ...]] = {}
        self._kept = 0
        self._names: dict[str, str] = {}

    def _spend(self) -> None:
        """One more distinct format resolved: a plan has dozens, and each costs a resolution
        through every layer, so past ``max_formats`` :class:`TooManyFormats` is raised. A
        sheet shared by many documents (no ``max_formats``: each document counts its own)
        forgets its resolutions past :data:`KEEP` of them, so that it never grows without end."""
        if self._formats_left is not None:
            self._formats_left -= 1
            if self._formats_left < 0:
                raise TooManyFormats
        self._kept += 1
        if self._kept > KEEP:
            self._kept = 0
            for cache_ in (self._run_cache, self._para_cache, self._align_cache,
                           self._tabs_cache):
                cache_.clear()

    # -- styles
    def name(self, style_id: str) -> str:
        found = self._names.get(style_id)
        if found is None:
            st = self.styles.get(style_id)
            found = (attr(child(st, "name"), "val") or style_id) if st is not None else style_id
            self._names[style_id] = found
        return found

    def chain(self, style_id: str | None, kind: str) -> list[El]:
        return style_chain(self.styles, self.defaults, style_id, kind)

    def _style_layers(self, style_id: str | None, kind: str, label: str, tag: str) -> list[Layer]:
        key = (style_id, kind, label, tag)
        if key not in self._layers:
            self._layers[key] = [
                Layer(child(st, tag), f"{label} '{self.name(attr(st, 'styleId') or '')}'", kind)
                for st in self.chain(style_id, kind)]
        return self._layers[key]

    # -- runs
    def run_layers(self, r: El | None, p: El, tbl: El | None) -> list[Layer]:
        rpr = child(r, "rPr")
        layers = [Layer(rpr, "định dạng trực tiếp", "direct")]
        rstyle = attr(child(rpr, "rStyle"), "val")
        if rstyle:
            layers += self._style_layers(rstyle, "character", "kiểu ký tự", "rPr")
        layers += self._style_layers(attr(child(p, "pPr", "pStyle"), "val"), "paragraph",
                                     "kiểu đoạn", "rPr")
        if tbl is not None:
            layers += self._style_layers(attr(child(tbl, "tblPr", "tblStyle"), "val"), "table",
                                         "kiểu bảng", "rPr")
        layers.append(Layer(self.default_rpr, "mặc định của văn bản (docDefaults)", "defaults"))
        return layers

    def run_props(self, r: El | None, p: El, tbl: El | None, key: Any = None) -> RunProps:
        """The resolved look of run ``r`` in paragraph ``p`` (in table ``tbl``). Runs formatted
        alike share one resolution; ``key`` (from :meth:`run_key`) saves computing it again."""
        if key is None:
            key = self.run_key(r, attr(child(p, "pPr", "pStyle"), "val"), self.table_key(tbl))
        found = self._run_cache.get(key)
        if found is None:
            self._spend()
            found = self._run_cache[key] = self._resolve_run(r, p, tbl)
        return found

    @staticmethod
    def run_key(r: El | None, para_style: str | None, table: Any) -> Any:
        """What a run's resolved look depends on: its rPr, its paragraph's style, its table's
        style (``table`` from :meth:`table_key`)."""
        return signature(child(r, "rPr")), para_style, table

    @staticmethod
    def table_key(tbl: El | None) -> tuple[str | None] | None:
        """What resolution needs of a paragraph's table: whether there is one, and its style."""
        return None if tbl is None else (attr(child(tbl, "tblPr", "tblStyle"), "val"),)

    @staticmethod
    def para_key(p: El, table: Any) -> Any:
        """What a paragraph's resolved layout depends on: its pPr and its table's style."""
        return signature(child(p, "pPr")), table

    def _resolve_run(self, r: El | None, p: El, tbl: El | None) -> RunProps:
        layers = self.run_layers(r, p, tbl)
        sz = first(layers, "sz")
        colour, colour_source, colour_direct = self._colour(layers)
        return RunProps(
            ascii=self._font(layers, "ascii"), hansi=self._font(layers, "hAnsi"),
            size=int_value(attr(sz[0], "val")) / 2 if sz else _WORD_DEFAULT_SIZE,
            bold=toggle(layers, "b"), italic=toggle(layers, "i"),
            caps=toggle(layers, "caps") or toggle(layers, "smallCaps"),
            colour=colour, colour_source=colour_source, colour_direct=colour_direct)

    def _font(self, layers: list[Layer], slot: str) -> Font:
        for layer in layers:
            rf = layer.find("rFonts")
            theme = attr(rf, slot + "Theme")
            if theme:
                return Font(self._theme_fonts.get(theme),
                            f"{layer.source}, phông chủ đề {theme}", layer.kind, True)
            name = attr(rf, slot)
            if name:
                return Font(name, layer.source, layer.kind)
        return Font(None, "không khai báo ở kiểu nào", "")

    def _colour(self, layers: list[Layer]) -> tuple[str, str, bool]:
        found = first(layers, "color")
        if not found:
            return "AUTO", "mặc định", False
        el, layer = found
        value = (attr(el, "val") or "auto").upper()
        source = layer.source
        theme = attr(el, "themeColor")
        if theme:
            value = self._theme_colours.get(_THEME_COLOUR_KEYS.get(theme, theme), value)
            source += f", màu chủ đề {theme}"
            tint = (attr(el, "themeTint") or "FF").upper()
            if tint != "FF" and value in ("000000", "AUTO"):
                value = f"000000 làm nhạt {tint}"
        return value, source, layer.kind == "direct"

    # -- paragraphs
    def para_layers(self, p: El, tbl: El | None) -> list[Layer]:
        ppr = child(p, "pPr")
        pstyle = attr(child(ppr, "pStyle"), "val")
        styled = self._style_layers(pstyle, "paragraph", "kiểu đoạn", "pPr")
        layers = [Layer(ppr, "định dạng trực tiếp", "direct")]
        direct_num = child(ppr, "numPr")
        if direct_num is not None:
            layers += self._numbering_layer(direct_num)
        layers += styled
        if direct_num is None:
            style_num = next((n for lay in styled if (n := lay.find("numPr")) is not None), None)
            if style_num is not None:
                layers += self._numbering_layer(style_num)
        if tbl is not None:
            layers += self._style_layers(attr(child(tbl, "tblPr", "tblStyle"), "val"), "table",
                                         "kiểu bảng", "pPr")
        layers.append(Layer(self.default_ppr, "mặc định của văn bản (docDefaults)", "defaults"))
        return layers

    def alignment(self, p: El, tbl: El | None, key: Any = None) -> str:
        """The paragraph's alignment (``key`` from :meth:`para_key`)."""
        key = self.para_key(p, self.table_key(tbl)) if key is None else key
        found = self._align_cache.get(key)
        if found is None:
            self._spend()
            found = self._align_cache[key] = _alignment(self.para_layers(p, tbl))
        return found

    def tab_stops(self, p: El, tbl: El | None, key: Any = None) -> tuple[tuple[int, str], ...]:
        """The paragraph's own tab stops (position in twips, kind: "left", "center", "right",
        "decimal", "bar" …), left to right: those of its styles and numbering, then its own,
        a nearer layer replacing or clearing a stop at the same position (ECMA-376 17.3.1.38)."""
        key = self.para_key(p, self.table_key(tbl)) if key is None else key
        found = self._tabs_cache.get(key)
        if found is None:
            stops: dict[int, str] = {}
            for layer in reversed(self.para_layers(p, tbl)):
                for tab in children(layer.find("tabs")):
                    pos = int_value(attr(tab, "pos"))
                    kind = attr(tab, "val") or "left"
                    if kind == "clear":
                        stops.pop(pos, None)
                    else:
                        stops[pos] = kind
            self._spend()
            found = self._tabs_cache[key] = tuple(sorted(stops.items()))
        return found

    def para_props(self, p: El, tbl: El | None, char_pt: float, key: Any = None) -> ParaProps:
        """The resolved layout of paragraph ``p``; paragraphs formatted alike share one."""
        key = (self.para_key(p, self.table_key(tbl)) if key is None else key, char_pt)
        found = self._para_cache.get(key)
        if found is None:
            self._spend()
            found = self._para_cache[key] = self._resolve_para(p, tbl, char_pt)
        return found

    def _resolve_para(self, p: El, tbl: El | None, char_pt: float) -> ParaProps:
        layers = self.para_layers(p, tbl)
        spacing = _spacing(layers, char_pt)
        ctx = first(layers, "contextualSpacing")
        outline = first(layers, "outlineLvl")
        return ParaProps(
            style_id=attr(child(p, "pPr", "pStyle"), "val") or self.defaults.get("paragraph", ""),
            align=_alignment(layers),
            first_line=_first_line(layers, char_pt), before=spacing[0], after=spacing[1],
            line=spacing[2], line_rule=spacing[3], contextual=bool(ctx and is_on(ctx[0])),
            outline=int_value(attr(outline[0], "val")) if outline else None,
            borders=_borders(layers))

    def _numbering_layer(self, num_pr: El) -> list[Layer]:
        num_id = attr(child(num_pr, "numId"), "val")
        ilvl = attr(child(num_pr, "ilvl"), "val") or "0"
        if not self._has_numbering or not num_id or num_id == "0":
            return []
        num = self._nums.get(num_id)
        if num is None:
            return []
        for ov in num.findall(qn("w:lvlOverride")):
            lvl = child(ov, "lvl")
            if attr(ov, "ilvl") == ilvl and lvl is not None:
                return [Layer(child(lvl, "pPr"), "định dạng danh sách", "numbering")]
        for ab in self._abstracts.get(attr(child(num, "abstractNumId"), "val"), []):
            for lvl in ab.findall(qn("w:lvl")):
                if attr(lvl, "ilvl") == ilvl:
                    return [Layer(child(lvl, "pPr"), "định dạng danh sách", "numbering")]
        return []

    def table_borders(self, tbl: El, cells: Sequence[El] | None = None) -> list[str]:
        """Visible borders of a table (its own, its style's, its cells': those of ``cells``, its
        cells as the document shows them, when given, else those under ``tbl``)."""
        sources = [child(tbl, "tblPr", "tblBorders")] + [
            child(st, "tblPr", "tblBorders")
            for st in self.chain(attr(child(tbl, "tblPr", "tblStyle"), "val"), "table")]
        # each side from the first source that sets it (the first of its tag in a source)
        given: dict[str, El] = {}
        for s in reversed(sources):
            if s is not None:
                given.update({e.tag: e for e in reversed(s)})
        sides = []
        for side in ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"):
            el = given.get(_W + side)
            if el is not None and attr(el, "val") not in ("nil", "none", None):
                sides.append(side)
        if any(attr(b, "val") not in ("nil", "none", None)
               for b in (_cell_borders(tbl) if cells is None else
                         (b for tc in cells for b in _cell_borders(tc)))):
            sides.append("ô")
        return sides


def _cell_borders(el: El) -> Iterator[El]:
    """The borders each cell under ``el`` (a table, or a cell: nested tables' too) gives
    itself: those of the first tcBorders of its first tcPr, found inside libxml2 (most cells
    have none)."""
    for borders in el.iter(_TC_BORDERS):
        pr = borders.getparent()
        tc = None if pr is None else pr.getparent()
        if tc is not None and pr.tag == _TC_PR and tc.tag == TC and child(tc, "tcPr") is pr \
                and borders is child(pr, "tcBorders"):
            yield from children(borders)


def _alignment(layers: Sequence[Layer]) -> str:
    jc = first(layers, "jc")
    return (attr(jc[0], "val") or "left") if jc else "left"


def signature(el: El | None) -> tuple[Any, ...] | None:
    """A property element's tags, attributes and shape, in document order: everything
    resolution reads of it, so equal signatures resolve to equal properties. (Cheaper than
    serialising it: ``etree.tostring`` of a sub-element reconciles namespaces every time.)"""
    if el is None:
        return None
    if len(el) == 1 and not el.attrib:  # the usual pPr/rPr: one bare property, said shortly
        only = el[0]
        if not len(only):
            return only.tag, tuple(only.items())  # a str first: never equal to the long form
    return tuple((e.tag, tuple(e.items()), len(e)) for e in el.iter())


def read_theme(theme: El | None) -> tuple[dict[str, str], dict[str, str]]:
    """Theme fonts ("minorHAnsi" → "Cambria") and colours ("accent1" → "4F81BD")."""
    fonts: dict[str, str] = {}
    colours: dict[str, str] = {}
    if theme is None:
        return fonts, colours
    for which in ("major", "minor"):
        font = theme.find(f".//{{{A_NS}}}{which}Font")
        if font is None:
            continue
        for slot, tag in (("Ascii", "latin"), ("HAnsi", "latin"), ("EastAsia", "ea"),
                          ("Bidi", "cs")):
            face = font.find(f"{{{A_NS}}}{tag}")
            if face is not None and face.get("typeface"):
                fonts[which + slot] = face.get("typeface")
    scheme = theme.find(f".//{{{A_NS}}}clrScheme")
    for entry in [] if scheme is None else scheme:  # (``slot`` above is a font slot's name)
        if not isinstance(entry.tag, str):
            continue
        name = etree.QName(entry).localname
        for c in entry:
            value = c.get("lastClr") or c.get("val")
            if value:
                colours[name] = value.upper()
    return fonts, colours


def first(layers: Sequence[Layer], tag: str) -> tuple[El, Layer] | None:
    """The nearest ``tag`` element in the hierarchy and its layer."""
    for layer in layers:
        el = layer.find(tag)
        if el is not None:
            return el, layer
    return None


def toggle(layers: Sequence[Layer], tag: str) -> bool:
    """Direct formatting sets a toggle; in styles each style type flips it (ECMA-376 17.7.3)."""
    direct = layers[0].find(tag)
    if direct is not None:
        return is_on(direct)
    value = False
    for kind in ("character", "paragraph", "table", "defaults"):
        el = next((e for lay in layers if lay.kind == kind and (e := lay.find(tag)) is not None),
                  None)
        if el is not None and is_on(el):
            value = not value
    return value


def _first_attr(layers: Sequence[Layer], tag: str, names: Sequence[str]) -> El | None:
    """The nearest ``tag`` element that sets any of ``names``."""
    for layer in layers:
        el = layer.find(tag)
        if el is not None and any(attr(el, n) is not None for n in names):
            return el
    return None


def _first_line(layers: Sequence[Layer], char_pt: float) -> int:
    ind = _first_attr(layers, "ind", ("firstLine", "hanging", "firstLineChars", "hangingChars"))
    if ind is None:
        return 0
    chars = {n: int_value(attr(ind, n)) for n in ("firstLineChars", "hangingChars")}
    if chars["hangingChars"]:
        return -round(chars["hangingChars"] / 100 * char_pt * 20)
    if chars["firstLineChars"]:
        return round(chars["firstLineChars"] / 100 * char_pt * 20)
    if attr(ind, "hanging") is not None:
        return -int_value(attr(ind, "hanging"))
    return int_value(attr(ind, "firstLine"))


def _spacing(layers: Sequence[Layer], char_pt: float) -> tuple[int, int, int, str]:
    out: list[int] = []
    for side in ("before", "after"):
        sp = _first_attr(layers, "spacing", (side, side + "Lines", side + "Autospacing"))
        if sp is None:
            out.append(0)
        elif attr(sp, side + "Autospacing") in ("1", "true", "on"):
            out.append(_AUTO_SPACING)
        elif attr(sp, side + "Lines") is not None:
            out.append(round(int_value(attr(sp, side + "Lines")) / 100 * char_pt * 1.15 * 20))
        else:
            out.append(int_value(attr(sp, side)))
    line = _first_attr(layers, "spacing", ("line",))
    if line is None:
        return out[0], out[1], 240, "auto"
    return out[0], out[1], int_value(attr(line, "line"), 240), attr(line, "lineRule") or "auto"


def _borders(layers: Sequence[Layer]) -> dict[str, str]:
    out = {}
    for side in ("top", "bottom"):
        for layer in layers:
            el = child(layer.find("pBdr"), side)
            if el is not None:
                val = attr(el, "val") or "none"
                if val not in ("nil", "none"):
                    out[side] = val
                break
    return out
