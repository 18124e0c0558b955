"""Word footnotes referenced from the appendix table, and the keys they get in the template."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import Problem
from ..ooxml.document import FOOTNOTES, related_root
from ..ooxml.ns import qn
from ..ooxml.text import lines
from .ids import best_matches
from .text import fold

_FOOTNOTE, _ID, _TYPE = qn("w:footnote"), qn("w:id"), qn("w:type")


class Footnotes:
    """Word footnotes referenced from the table, keyed ``fn1``, ``fn2`` … (or a previous
    template's key for the same text)."""

    def __init__(self, texts: dict[str, str], previous: Mapping[str, str], problems: list[Problem],
                 source: str | None):
        self.texts = texts
        self.previous = dict(previous)
        self.keys: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.problems = problems
        self.source = source

    def marker(self, word_id: str) -> str:
        """The marker written in the text for Word's footnote ``word_id`` ("[^fn1]")."""
        if word_id not in self.keys:
            text = self.texts.get(word_id)
            if text is None:
                self.problems.append(Problem(
                    message=f"không đọc được nội dung chú thích số {word_id} của Word",
                    file=self.source, warning=True,
                    hint="Thêm nội dung chú thích vào appendix.footnotes bằng tay",
                ))
                text = ""
            key = self._match(text) or self._fresh()
            self.keys[word_id] = key
            self.used[key] = text
        return f"[^{self.keys[word_id]}]"

    def _match(self, text: str) -> str | None:
        free = [k for k in self.previous if k not in self.used]
        found = best_matches([fold(text)], [fold(self.previous[k]) for k in free])
        return free[found[0]] if found else None

    def _fresh(self) -> str:
        n = 1
        while f"fn{n}" in self.used or f"fn{n}" in self.previous:
            n += 1
        return f"fn{n}"


def read_footnotes(document: Any) -> dict[str, str]:
    """The text of every normal footnote of the document, by Word's id."""
    root = related_root(document, FOOTNOTES)
    if root is None:
        return {}
    return {
        note.get(_ID, ""): "\n".join(lines(note))
        for note in root.iter(_FOOTNOTE)
        if note.get(_TYPE) in (None, "normal")
    }
