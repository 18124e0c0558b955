"""Text normalisation of the importer: folding for comparisons, the end of a list item, a
cell's lines as list items."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..units import ascii_fold

BULLET_RE = re.compile(r"^[-–—•+*]\s*")
_INLINE_BULLET_RE = re.compile(r"(?<=[;.:])\s*(?=[-–—•+]\s)")
JINJA = re.compile(r"\{\{|\{%|\{#")


def words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text).split()


def fold(text: str) -> str:
    """Text reduced for loose comparison (headers, task similarity): no diacritics, no case,
    words only."""
    return " ".join(words(ascii_fold(text)))


def strip_end(text: str) -> str:
    """``"Kế hoạch;"`` → ``"Kế hoạch"``; an ellipsis is kept ("tổng kết...." → "tổng kết...")."""
    text = text.strip().rstrip(";,").rstrip()
    if text.endswith("....") or (text.endswith(".") and not text.endswith("..")):
        text = text[:-1].rstrip()
    return text


def similarity_text(text: str) -> str:
    """What task texts are compared on: folded, footnote markers left out."""
    return fold(re.sub(r"\[\^[^\]]*\]", " ", text))


def one_line(text: str) -> str:
    return " ".join(text.split())


def ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", ";", ":", "!", "?"))


def items(lines: Sequence[str]) -> list[str]:
    """A cell's lines as list items: "- a; - b" split, "+ sub" kept under its item."""
    out: list[str] = []
    for line in lines:
        pieces = _INLINE_BULLET_RE.split(line) if BULLET_RE.match(line) else [line]
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith("+") and out:
                out[-1] = f"{out[-1]}\n{piece}"
            else:
                out.append(BULLET_RE.sub("", piece))
    return [s for s in (strip_end(i) for i in out) if s]


def digits(label: str) -> str:
    """The number of a task label: "12a" → "12"."""
    return re.sub(r"\D", "", label)


def number(text: str) -> int | None:
    """The value of a run of digits; None for one ``int`` refuses (thousands of digits, or
    digits such as "²" that are not decimal)."""
    try:
        return int(text)
    except ValueError:
        return None
