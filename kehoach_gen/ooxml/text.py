"""The text of runs, paragraphs and cells as Word shows it, and the fields of a paragraph.

Two readers use this module and read text slightly differently, on purpose and since long:
the checker (:mod:`kehoach_gen.check`) keeps tabs as ``"\\t"`` and looks at the runs a
paragraph itself shows (not deleted text, not text boxes, not ``mc:Fallback`` copies); the
importer (:mod:`kehoach_gen.importer`) reads every visible run of a paragraph, turns tabs into
spaces, skips hidden text and writes footnote references as markers. The differences are
parameters here, so that both read the same XML with the same code.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from .element import El, attr
from .ns import DEL, FALLBACK, FLD_CHAR, FLD_SIMPLE, INSTR_TEXT, MOVE_FROM, R_PR, TXBX_CONTENT, W_NS, P, R, T, qn

Marker = Callable[[str], str]  # Word footnote id → the marker written in the text

_W = f"{{{W_NS}}}"
_ID = qn("w:id")
_VANISH = qn("w:vanish")
# runs under these are not shown as part of the paragraph (deleted, duplicate or in a text box)
_NOT_OWN = frozenset({DEL, MOVE_FROM, FALLBACK, TXBX_CONTENT, P})
_DELETED = frozenset({DEL, MOVE_FROM})


def _piece(name: str, el: El, tab: str, marker: Marker | None) -> str | None:
    if name == "t":
        return el.text or ""
    if name in ("tab", "ptab"):
        return tab
    if name in ("br", "cr"):
        return "\n"
    if name == "noBreakHyphen":
        return "-"
    if name == "footnoteReference" and marker is not None:
        return marker(el.get(_ID, ""))
    return None


def run_text(r: El, *, tab: str = "\t", marker: Marker | None = None,
             any_namespace: bool = False) -> str:
    """The text of one run: text, tabs (``tab``), breaks ("\\n"), non-breaking hyphens, and
    footnote references written by ``marker``. ``any_namespace`` matches the run's children
    by local name only, as the importer always did."""
    parts = []
    for ch in r:
        tag = ch.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            continue
        if any_namespace:
            name = etree.QName(tag).localname
        elif tag.startswith(_W):
            name = tag[len(_W):]
        else:
            continue
        piece = _piece(name, ch, tab, marker)
        if piece is not None:
            parts.append(piece)
    return "".join(parts)


def run_parts(r: El) -> tuple[str, El | None]:
    """``run_text(r)`` and the run's first ``w:rPr``, in one pass over its children."""
    parts = []
    rpr = None
    for ch in r:
        tag = ch.tag
        if tag == T:
            parts.append(ch.text or "")
        elif tag == R_PR:
            if rpr is None:
                rpr = ch
        elif isinstance(tag, str) and tag.startswith(_W):
            piece = _piece(tag[len(_W):], ch, "\t", None)
            if piece is not None:
                parts.append(piece)
    return "".join(parts), rpr


def own_runs(p: El) -> list[El]:
    """The runs shown as this paragraph's text (not deleted, not in text boxes or fallbacks,
    not in a paragraph nested inside it)."""
    out = []
    for r in p.iter(R):
        anc = r.getparent()
        while anc is not None and anc is not p and anc.tag not in _NOT_OWN:
            anc = anc.getparent()
        if anc is p:
            out.append(r)
    return out


def is_hidden(run: El) -> bool:
    """Hidden text (``<w:vanish/>`` set directly on the run)."""
    rpr = run.find(R_PR)
    vanish = None if rpr is None else rpr.find(_VANISH)
    return vanish is not None and attr(vanish, "val") not in ("0", "false")


def visible_runs(p: El) -> list[El]:
    """Every run in ``p`` (text boxes included) that is neither hidden nor deleted."""
    return [run for run in p.iter(R)
            if not is_hidden(run) and not any(a.tag in _DELETED for a in run.iterancestors())]


def paragraph_text(p: El, marker: Marker | None = None) -> str:
    """The importer's reading of a paragraph: visible runs, tabs as spaces, footnote markers."""
    return "".join(run_text(r, tab=" ", marker=marker, any_namespace=True)
                   for r in visible_runs(p))


# control characters (category Cc: U+0000-001F, U+007F-009F) but the line break, and the
# zero-width space, byte order mark and soft hyphen
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\ufeff\u00ad]")


def clean_text(text: str) -> str:
    """NFC, no control or zero-width characters, single spaces, lines kept."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def lines(container: El, marker: Marker | None = None) -> list[str]:
    """Non-empty, cleaned lines of every paragraph in ``container`` (a cell, a footnote)."""
    out: list[str] = []
    for p in container.iter(P):
        out += [ln for ln in clean_text(paragraph_text(p, marker)).split("\n") if ln]
    return out


# ---------------------------------------------------------------------------------------------
# Fields


@dataclass
class Field:
    """A simple or complex field: its instruction and the runs showing its result."""

    instr: str = ""
    result: list[El] = field(default_factory=list)
    separated: bool = False
    _instr_parts: list[str] = field(default_factory=list, repr=False)


def fields(p: El) -> list[Field]:
    """Simple and complex fields of a paragraph with their result runs."""
    out: list[Field] = []
    stack: list[Field] = []
    for el in p.iter(FLD_SIMPLE, R):
        if el.tag == FLD_SIMPLE:
            out.append(Field(attr(el, "instr") or "", list(el.iter(R)), True))
            continue
        if el.getparent().tag == FLD_SIMPLE:
            continue
        fc = el.find(FLD_CHAR)
        kind = attr(fc, "fldCharType")
        if kind == "begin":
            stack.append(Field())
        elif kind == "separate" and stack:
            stack[-1].separated = True
        elif kind == "end" and stack:
            done = stack.pop()
            done.instr = "".join(done._instr_parts)  # joined once: many pieces stay linear
            out.append(done)
        elif stack:
            instr = el.find(INSTR_TEXT)
            if instr is not None:
                stack[-1]._instr_parts.append(instr.text or "")
            elif stack[-1].separated:
                stack[-1].result.append(el)
    return out
