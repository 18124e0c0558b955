"""Which paragraphs can match a pattern at all, found with one regex pass over all of them;
and what checks derive from a paragraph's text, kept with its core (:func:`remember`).

Most checks on text look for something rare ("{{", "Ủy Ban", "trên địa bàn thành phố", a
word ending in "oà"). Running a regex per paragraph costs more than the regex itself; one
pass over the texts joined by NUL (which XML text cannot contain, and which no pattern here
matches) tells which few paragraphs need the exact, per-paragraph check.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, TypeVar

from ..ooxml import cache
from ..ooxml.document import ROWS, DocModel, Row
from ..ooxml.nodes import Core, Para, Span

SEPARATOR = "\x00"


class Scan:
    """Texts joined once; :meth:`which` gives the indexes of those a pattern matches in."""

    def __init__(self, texts: Sequence[str]):
        self.count = len(texts)
        self.joined = SEPARATOR.join(texts)
        self.ends = list(accumulate(len(t) + 1 for t in texts))  # where each text's slot ends

    def index(self, at: int) -> int:
        """Which text a position of the joined texts falls in."""
        return bisect_right(self.ends, at)

    def which(self, pattern: re.Pattern[str]) -> set[int]:
        """Indexes of the texts in which ``pattern`` matches (a match across a separator adds
        a text needlessly, never misses one)."""
        ends = self.ends
        return {bisect_right(ends, m.start()) for m in pattern.finditer(self.joined)}

    def containing(self, *words: str) -> set[int]:
        """Indexes of the texts that contain one of ``words`` (plain strings, none holding the
        separator): ``str.find`` runs at C speed where a regex steps character by character,
        and after a hit the search resumes at the next text, so each text is found once."""
        joined, ends, found = self.joined, self.ends, set()
        for word in words:
            at = joined.find(word)
            while at >= 0:
                k = bisect_right(ends, at)
                found.add(k)
                at = joined.find(word, ends[k]) if k < len(ends) else -1
        return found

    def map(self, change: Callable[[str], str]) -> Scan:
        """The scan of every text changed by ``change``, a change made character by character
        that leaves the separator alone (NFC, lower case)."""
        return Scan(change(self.joined).split(SEPARATOR) if self.count else [])

    def normalized(self) -> bool:
        """Whether every text is NFC (NUL composes with nothing, so the joined text is NFC
        exactly when each text is)."""
        return unicodedata.is_normalized("NFC", self.joined)


T = TypeVar("T")


class Texts:
    """The texts of some paragraphs, scanned as they are, in NFC and in lower case (each made
    once, when first asked for)."""

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        self.raw = Scan(texts)
        self._nfc: Scan | None = None
        self._lower: Scan | None = None

    @property
    def nfc(self) -> Scan:
        if self._nfc is None:
            self._nfc = self.raw if self.raw.normalized() else self.raw.map(
                lambda s: unicodedata.normalize("NFC", s))
        return self._nfc

    @property
    def lower(self) -> Scan:
        """Lower case of the NFC texts."""
        if self._lower is None:
            self._lower = self.nfc.map(str.lower)
        return self._lower


@dataclass(frozen=True)
class Fact:
    """Something a check derives from a paragraph's text alone, kept with its core under
    ``name``: ``compute(text)``, or ``blank`` for the texts ``candidates`` rules out (None:
    none are); or, for a search best made over all texts at once, ``compute_all(texts,
    candidates)`` giving the value of each text that has one (the others get ``blank``)."""

    name: str
    blank: Any
    compute: Callable[[str], Any] | None = None
    candidates: Callable[[Texts], set[int]] | None = None
    compute_all: Callable[[Texts], dict[int, Any]] | None = None


FACTS: list[Fact] = []
_DONE = "text facts"


def fact(found: Fact) -> Fact:
    """Declare a fact (each check module declares its own at import)."""
    if any(f.name == found.name for f in FACTS):
        raise ValueError(f"fact {found.name!r} declared twice")
    FACTS.append(found)
    return found


# the facts of texts seen before, by text: a unit's new blocks (its header table, Nơi nhận,
# the paragraphs that name it) are new bytes, yet most of their paragraphs say what the same
# paragraphs of the unit before said ("Nơi nhận:", "- Sở Tư pháp thành phố;")
_BY_TEXT: cache.LRU[str, dict[str, Any]] = cache.LRU(4096)


def remember_facts(cores: Iterable[Core]) -> None:
    """Give every core that lacks them all the declared facts, scanning the texts of the new
    cores together once: a paragraph of a block read before already has them, and a
    paragraph whose text was seen before gets what that text gave."""
    new = []
    for c in dict.fromkeys(cores):
        if _DONE not in c.memo:
            known = _BY_TEXT.get(c.text)
            if known is None:
                new.append(c)
            else:
                c.memo.update(known)
    if not new:
        return
    texts = Texts([c.text for c in new])
    blanks = {f.name: f.blank for f in FACTS}
    for c in new:  # every fact blank at first, in one update: most texts have none
        c.memo.update(blanks)
    for f in FACTS:
        if f.compute_all is not None:
            for k, value in f.compute_all(texts).items():
                new[k].memo[f.name] = value
            continue
        hits = f.candidates(texts) if f.candidates is not None else range(len(new))
        compute = f.compute
        assert compute is not None
        for k in hits:
            new[k].memo[f.name] = compute(new[k].text)
    for c in new:
        c.memo[_DONE] = True
        _BY_TEXT.put(c.text, {name: c.memo[name] for name in (*blanks, _DONE)})


def remember_all(cores: Iterable[Core], name: str, compute: Callable[[list[str]], list[T]]
                 ) -> None:
    """Give every core that lacks it ``core.memo[name]``, ``compute`` taking the texts of
    all new cores at once."""
    new = [c for c in dict.fromkeys(cores) if name not in c.memo]
    if new:
        for c, value in zip(new, compute([c.text for c in new]), strict=True):
            c.memo[name] = value


def every_para(doc: DocModel) -> Iterator[Para]:
    """The body's paragraphs (tables included), then those of text boxes, then those of the
    headers and footers."""
    yield from doc.paras
    yield from doc.extra
    for part in doc.parts:
        yield from part.paras


def each(doc: DocModel, key: Any, value: Callable[[Para], T | None], *,
         prepare: Callable[[list[Para]], None] | None = None, formatted: bool = False,
         body_only: bool = False) -> Iterator[tuple[Para, T]]:
    """``(p, value(p))`` for every paragraph, in :func:`every_para` order (``body_only``:
    :attr:`DocModel.paras` alone), whose value is not empty.

    A block of the process cache always holds the same paragraphs in the same order, so what
    they give is kept with the block: a document skips every block read before but for what it found there,
    and only the new blocks' paragraphs are looked at (``prepare`` is given them first).
    ``formatted`` values also depend on the style sheet, and are asked of every paragraph
    when the document counts the formats it uses."""
    if not doc.shared_blocks or (formatted and doc.counting):
        # blocks no other document will show (a long body parsed whole): nothing to keep
        # with them, every paragraph is asked once (``counting`` asks every one anyway)
        yield from _asked(list(doc.paras if body_only else every_para(doc)), value, prepare)
        return
    memo_key = (key, doc.sheet) if formatted else key
    _remember_new_blocks(doc, memo_key, value, prepare)
    yield from _remembered(doc, memo_key, 0)
    if body_only:
        return
    if doc.extra:  # (no text box: no block keeps anything for one)
        yield from _remembered(doc, memo_key, 1)
    yield from _asked([p for part in doc.parts for p in part.paras], value, prepare)


def _asked(paras: list[Para], value: Callable[[Para], T | None],
           prepare: Callable[[list[Para]], None] | None) -> Iterator[tuple[Para, T]]:
    """``(p, value(p))`` for each of ``paras`` whose value is not empty, asked now."""
    if prepare is not None:
        prepare(paras)
    for p in paras:
        found = value(p)
        if found:
            yield p, found


def _remember_new_blocks(doc: DocModel, memo_key: Any, value: Callable[[Para], Any],
                         prepare: Callable[[list[Para]], None] | None) -> None:
    """Keep with each block not seen before what ``value`` gives its paragraphs: (offset in
    the block, value) for the body's, then for the text boxes'. A table's block is the rows
    of tables read before but for a few: what a row's paragraphs give is kept with the row,
    and only the rows not seen before are asked."""
    new = [span for span in doc.spans if memo_key not in span.block.memo]
    if not new:
        return
    asked: list[tuple[Span, list[tuple[Row, int, int]] | None]] = []
    paras: list[Para] = []
    for span in new:
        rows = span.block.memo.get(ROWS) if span.extra_start == span.extra_end else None
        if rows is None:
            paras += doc.paras[span.start:span.end]
            paras += doc.extra[span.extra_start:span.extra_end]
        else:
            rows = [r for r in rows if memo_key not in r[0].memo]
            for _, at, n in rows:
                paras += doc.paras[span.start + at:span.start + at + n]
        asked.append((span, rows))
    if paras and prepare is not None:
        prepare(paras)
    for span, rows in asked:
        if rows is None:
            span.block.memo[memo_key] = (_found(doc.paras[span.start:span.end], value),
                                         _found(doc.extra[span.extra_start:span.extra_end], value))
            continue
        for row, at, n in rows:
            row.memo[memo_key] = _found(doc.paras[span.start + at:span.start + at + n], value)
        span.block.memo[memo_key] = (tuple((at + k, found) for row, at, _ in span.block.memo[ROWS]
                                           for k, found in row.memo[memo_key]), ())


def _found(paras: list[Para], value: Callable[[Para], Any]) -> tuple[tuple[int, Any], ...]:
    """(offset, value) for each of ``paras`` whose value is not empty."""
    return tuple((k, found) for k, p in enumerate(paras) if (found := value(p)))


def _remembered(doc: DocModel, memo_key: Any, which: int) -> Iterator[tuple[Para, Any]]:
    """What the blocks keep for ``memo_key``, placed in this document: ``which`` 0 for the
    body's paragraphs, 1 for the text boxes'."""
    paras = doc.paras if which == 0 else doc.extra
    for span in doc.spans:
        start = span.start if which == 0 else span.extra_start
        for k, found in span.block.memo[memo_key][which]:
            yield paras[start + k], found
