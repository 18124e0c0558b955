"""Plan text as WordprocessingML: escaped text, line breaks, footnote references, cell lines.

Everything here is string building: a value becomes the exact XML it renders to, so the
rendered document needs no second parse. A footnote marker ``[^key]`` becomes a run holding a
``w:footnoteReference`` whose id is the placeholder ``kh:key``; :mod:`.notes` numbers them in
document order once the whole document is rendered.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable

from ..adapt import FOOTNOTE_RE


class Xml(str):
    """Text that is already WordprocessingML (runs), written as it is. ``__html__`` makes
    Jinja's autoescape (and docxtpl's) leave it alone too."""

    __slots__ = ()

    def __html__(self) -> str:
        return self

REF_ID = "kh:"  # placeholder footnote id prefix, replaced by a number after rendering
_OPEN_T = '<w:t xml:space="preserve">'
BREAK = f"</w:t><w:br/>{_OPEN_T}"  # a line break inside an open w:t
_EMPTY_RUN = f"<w:r>{_OPEN_T}</w:t></w:r>"
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")  # not allowed in XML 1.0


def escape(text: str) -> str:
    """``text`` as XML character data (line ends normalised to ``\\n``, characters XML forbids
    dropped)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.isprintable() and _INVALID.search(text):  # printable text has none of them
        text = _INVALID.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def reference_run(key: str) -> str:
    """The run of a footnote reference (styled "footnote reference": a superscript number)."""
    return ('<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{REF_ID}{key}"/></w:r>')


def _with_refs(xml: str, notes: Container[str], before: str, after: str) -> str:
    def ref(m: re.Match[str]) -> str:
        return before + reference_run(m.group(1)) + after if m.group(1) in notes else m.group(0)

    return FOOTNOTE_RE.sub(ref, xml)


def runs(text: str, notes: Container[str]) -> Xml:
    """``text`` as complete runs (for ``{{r … }}``): ``\\n`` → ``w:br``, ``[^key]`` → a footnote
    reference. A marker whose key has no note stays as typed."""
    xml = f"<w:r>{_OPEN_T}{escape(text).replace(chr(10), BREAK)}</w:t></w:r>"
    if "[^" in xml:
        xml = _with_refs(xml, notes, "</w:t></w:r>", f"<w:r>{_OPEN_T}").replace(_EMPTY_RUN, "")
    return Xml(xml)


INLINE_CACHE: dict[str, str] = {}  # the same cell lines recur in most rows and in every unit
INLINE_CACHE_SIZE = 4096


def inline(text: str, notes: Container[str]) -> str:
    """``text`` for the inside of an open ``<w:t xml:space="preserve">`` (a ``{{ … }}`` tag)."""
    xml = INLINE_CACHE.get(text)
    if xml is not None:
        return xml
    xml = escape(text)
    if "\n" in xml:
        xml = xml.replace("\n", BREAK)
    if "[^" in xml:  # depends on the plan's notes: not cached
        return _with_refs(xml, notes, "</w:t></w:r>", f"<w:r>{_OPEN_T}")
    if len(INLINE_CACHE) >= INLINE_CACHE_SIZE:
        INLINE_CACHE.clear()
    INLINE_CACHE[text] = xml
    return xml


_MARK = re.compile(r"[-+–•]\s+")
_MARKS = "-+–•"


def _capital(text: str) -> str:
    return text[0].upper() + text[1:] if text[:1].islower() else text


def _item_lines(item: str, bullet: bool) -> list[str]:
    lines = item.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    out: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        mark = _MARK.match(line) if line[0] in _MARKS else None
        if mark:
            out.append(mark.group(0) + _capital(line[mark.end():]))
        elif not out:
            out.append(("- " if bullet else "") + _capital(line))
        else:
            out.append(line)
    return out


_LINES_CACHE: dict[tuple[str, ...], tuple[str, ...]] = {}  # the same cells recur in most rows


def cell_lines(items: Iterable[str]) -> tuple[str, ...]:
    """A table cell's paragraphs: one per item, or several for an item written on several lines;
    several items get "- " bullets; a line that starts with "- " or "+ " keeps its mark; every
    item (and every marked line) starts with a capital. A cell is never empty."""
    items = tuple(items)
    cached = _LINES_CACHE.get(items)
    if cached is None:
        if len(_LINES_CACHE) >= INLINE_CACHE_SIZE:
            _LINES_CACHE.clear()
        cached = _LINES_CACHE[items] = tuple(_cell_lines(items))
    return cached


def clear_caches() -> None:
    """Forget the texts already converted (for honest timing of a first document)."""
    INLINE_CACHE.clear()
    _LINES_CACHE.clear()


def _cell_lines(items: tuple[str, ...]) -> list[str]:
    bullet = len(items) > 1
    out: list[str] = []
    for item in items:
        if "\n" in item or "\r" in item or item[:1] in _MARKS or item[:1].isspace():
            out.extend(_item_lines(item, bullet))
        elif item:
            out.append(("- " if bullet else "") + (item[0].upper() + item[1:] if item[0].islower() else item))
    return out or [""]


def plain_lines(text: str) -> list[str]:
    """``text`` split at line breaks (a body paragraph written on several lines)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
