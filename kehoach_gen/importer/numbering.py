"""Numbers Word draws itself: the label ("II.", "1.", "a)") of a paragraph numbered by Word's
list numbering (``w:numPr``, directly or through its style), which is not in its text.

A clerk sees these numbers exactly like typed ones, so the importer must too. Counters run in
document order per abstract numbering, a level restarting when a higher one advances, as Word
does for ordinary outline lists; bullets read as "-".
"""

from __future__ import annotations

from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT

from ..numbering import roman
from ..ooxml.element import El, attr, child, int_value
from ..ooxml.ns import qn
from .looks import Looks, part_root

_LEVELS = 9


def _letters(n: int) -> str:
    # Word's lowerLetter: a … z, then aa, bb … (the letter repeated)
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _format(n: int, fmt: str) -> str:
    if fmt in ("upperRoman",):
        return roman(n)
    if fmt == "lowerRoman":
        return roman(n).lower()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "none":
        return ""
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)


class AutoNumbers:
    """Labels of Word-numbered paragraphs; call :meth:`label` in document order."""

    def __init__(self, document: Any, looks: Looks):
        self.looks = looks
        root = part_root(document, RT.NUMBERING)
        self._abstracts: dict[str, dict[int, El]] = {}
        self._nums: dict[str, tuple[str, dict[int, El], dict[int, int]]] = {}
        self._counters: dict[str, list[int]] = {}
        if root is None:
            return
        for ab in root.findall(qn("w:abstractNum")):
            levels = {int_value(attr(lvl, "ilvl")): lvl for lvl in ab.findall(qn("w:lvl"))}
            self._abstracts.setdefault(attr(ab, "abstractNumId") or "", levels)
        for num in root.findall(qn("w:num")):
            overrides: dict[int, El] = {}
            starts: dict[int, int] = {}
            for ov in num.findall(qn("w:lvlOverride")):
                ilvl = int_value(attr(ov, "ilvl"))
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    overrides[ilvl] = lvl
                start = ov.find(qn("w:startOverride"))
                if start is not None:
                    starts[ilvl] = int_value(attr(start, "val"), 1)
            self._nums.setdefault(attr(num, "numId") or "",
                                  (attr(child(num, "abstractNumId"), "val") or "", overrides, starts))

    def _num_pr(self, p: El) -> tuple[str, int] | None:
        ppr = p.find(qn("w:pPr"))
        direct = child(ppr, "numPr") if ppr is not None else None
        if direct is not None:
            num_id = attr(child(direct, "numId"), "val")
            return (num_id, int_value(attr(child(direct, "ilvl"), "val"))) if num_id else None
        style = attr(child(ppr, "pStyle"), "val") if ppr is not None else None
        for st in self.looks.chain(style, "paragraph"):
            num_pr = child(st, "pPr", "numPr")
            if num_pr is not None:
                num_id = attr(child(num_pr, "numId"), "val")
                return (num_id, int_value(attr(child(num_pr, "ilvl"), "val"))) if num_id else None
        return None

    def label(self, p: El) -> str | None:
        """The number Word shows before ``p`` ("1.", "a)", "-" for a bullet), or None."""
        if not self._nums:
            return None
        found = self._num_pr(p)
        if found is None or found[0] == "0" or found[0] not in self._nums:
            return None
        num_id, ilvl = found
        ilvl = min(max(ilvl, 0), _LEVELS - 1)
        abstract_id, overrides, starts = self._nums[num_id]
        levels = {**self._abstracts.get(abstract_id, {}), **overrides}
        lvl = levels.get(ilvl)
        if lvl is None:
            return None
        fmt = attr(child(lvl, "numFmt"), "val") or "decimal"
        if fmt == "bullet":
            return "-"
        counters = self._counters.setdefault(f"{abstract_id}", [0] * _LEVELS)
        start = starts.get(ilvl, int_value(attr(child(lvl, "start"), "val"), 1))
        counters[ilvl] = start if counters[ilvl] == 0 else counters[ilvl] + 1
        for k in range(ilvl + 1, _LEVELS):
            counters[k] = 0
        text = attr(child(lvl, "lvlText"), "val") or ""
        for k in range(ilvl + 1):
            other = levels.get(k)
            value, other_fmt = counters[k], "decimal"
            if other is not None:
                other_fmt = attr(child(other, "numFmt"), "val") or "decimal"
                value = value or int_value(attr(child(other, "start"), "val"), 1)
            text = text.replace(f"%{k + 1}", _format(value, other_fmt))
        return text.strip() or None
