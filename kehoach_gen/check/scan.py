"""Which paragraphs can match a pattern at all, found with one regex pass over all of them.

Most checks on text look for something rare ("{{", "Ủy Ban", "trên địa bàn thành phố", a
word ending in "oà"). Running a regex per paragraph costs more than the regex itself; one
pass over the texts joined by NUL (which XML text cannot contain, and which no pattern here
matches) tells which few paragraphs need the exact, per-paragraph check.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

SEPARATOR = "\x00"


class Scan:
    """Texts joined once; :meth:`which` gives the indexes of those a pattern matches in."""

    def __init__(self, texts: Sequence[str]):
        self.count = len(texts)
        self.joined = SEPARATOR.join(texts)
        self._ends = list(accumulate(len(t) + 1 for t in texts))  # where each text's slot ends

    def which(self, pattern: re.Pattern[str]) -> set[int]:
        """Indexes of the texts in which ``pattern`` matches (a match across a separator adds
        a text needlessly, never misses one)."""
        ends = self._ends
        return {bisect_right(ends, m.start()) for m in pattern.finditer(self.joined)}

    def map(self, change: Callable[[str], str]) -> Scan:
        """The scan of every text changed by ``change``, a change made character by character
        that leaves the separator alone (NFC, lower case)."""
        return Scan(change(self.joined).split(SEPARATOR) if self.count else [])

    def normalized(self) -> bool:
        """Whether every text is NFC (NUL composes with nothing, so the joined text is NFC
        exactly when each text is)."""
        return unicodedata.is_normalized("NFC", self.joined)
