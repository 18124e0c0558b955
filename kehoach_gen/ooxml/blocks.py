"""What a block of a body holds, read once per block and kept in its memo: how many
paragraphs, runs and text boxes (counted inside libxml2), which paragraphs end a section, and
the items a walk takes from it."""

from __future__ import annotations

from .element import CONTAINERS, El, count, flatten
from .nodes import Oversized
from .ns import P_PR, SECT_PR, TBL, P, qn
from .opc import COUNTED as _COUNTED
from .opc import Block

_ITEMS = frozenset({P, TBL, SECT_PR})  # what the walk takes from a body, through containers
_BODY = qn("w:body")


def count_of(block: Block, tag: str) -> int:
    """How many ``tag`` elements (one of :data:`_COUNTED`) a block holds, itself included,
    counted once per block: in one walk for a paragraph, inside libxml2 for anything else."""
    counts = block.memo.get("counts")
    if counts is None:
        el = block.el
        if el.tag == P:  # (a whole body is counted below: its own tag is not one of these)
            tags = {qn(t): n for n, t in enumerate(_COUNTED)}
            found = [0, 0, 0]
            for item in el.iter(*tags):
                found[tags[item.tag]] += 1
            counts = dict(zip(_COUNTED, found, strict=True))
        else:
            counts = {t: int(el.tag == qn(t)) + count(el, t) for t in _COUNTED}
        block.memo["counts"] = counts
    return counts[tag]


def ends_sections(block: Block) -> set[El]:
    """The paragraphs of the block that may end a section (those with a sectPr in a pPr),
    found inside libxml2: a document has a few, and no other paragraph's pPr is searched.
    (The set keeps them alive: each stays the same Python object while the block lives.)"""
    found: set[El] | None = block.memo.get("ends sections")
    if found is None:
        found = block.memo["ends sections"] = {
            up.getparent() for s in block.el.iter(SECT_PR)
            if (up := s.getparent()) is not None and up.tag == P_PR}
    return found


def items(el: El) -> list[El]:
    """What the walk takes from one block: a top-level child of the body, or the whole body
    (looking through content controls and custom XML, as :func:`~.element.flatten` does)."""
    if el.tag in _ITEMS:
        return [el]
    return list(flatten(el, _ITEMS)) if el.tag in CONTAINERS or el.tag == _BODY else []


def totals(blocks: list[Block]) -> dict[str, int]:
    """How many of each counted tag (:data:`_COUNTED`) ``blocks`` hold together."""
    found = dict.fromkeys(_COUNTED, 0)
    for b in blocks:
        count_of(b, "w:p")  # (counts every tag of the block once)
        for tag, n in b.memo["counts"].items():
            found[tag] += n
    return found


def within_limits(found: dict[str, int], caps: dict[str, int | None]) -> None:
    """Raise :class:`Oversized` when the :func:`totals` ``found`` exceed a tag's cap."""
    for tag, cap in caps.items():
        if cap is not None and found[tag] > cap:
            raise Oversized(tag, found[tag])
