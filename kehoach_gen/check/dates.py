"""Reading "ngày … tháng … năm …" in linear time.

Two regular expressions describe what the checker has always read:

* ``ngày\\s*(?P<d>\\S*?)\\s+tháng\\s*(?P<m>\\S*?)\\s+năm\\s*(?P<y>\\S*)\\s*$`` (searched in a
  place-and-date line as written), and
* ``ngày\\s*(\\S*?)\\s*tháng\\s*(\\S*?)\\s*năm\\s*(\\S*)`` (searched in a line whose spaces
  were squeezed to one).

Python's engine retries them from every "ngày" and, inside, from every split of a run of
spaces (the first) or every letter of a word (the second): quadratic on a line of thousands of
"ngày" or spaces. :func:`loose_date` and :func:`squashed_date` return the same groups by
looking at each "ngày" once, with the runs of spaces and of other characters indexed first.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

_RUNS = re.compile(r"\s+|\S+")


class _Runs:
    """Where each run of whitespace or of other characters ends, for any position."""

    def __init__(self, text: str):
        self.text = text
        self._ends = [m.end() for m in _RUNS.finditer(text)]

    def end(self, at: int) -> int:
        """The end of the run ``at`` is in (``at`` itself at the end of the text)."""
        k = bisect_right(self._ends, at)
        return self._ends[k] if k < len(self._ends) else at

    def space(self, at: int) -> bool:
        return at < len(self.text) and self.text[at].isspace()


def _positions(text: str, word: str) -> list[int]:
    out, at = [], text.find(word)
    while at >= 0:
        out.append(at)
        at = text.find(word, at + 1)
    return out


def _after(runs: _Runs, at: int, word: str) -> list[tuple[str, int]]:
    """For ``\\s*(?P<g>\\S*?)\\s+word`` at ``at``: the (g, where ``word`` starts) the engine
    would try, in its order. ``g`` is either the whole word after the spaces (followed by
    spaces, then ``word``), or empty with ``word`` right after the spaces."""
    text = runs.text
    gap_end = runs.end(at) if runs.space(at) else at  # the \s* it takes, greedily
    out = []
    word_end = runs.end(gap_end) if not runs.space(gap_end) and gap_end < len(text) else gap_end
    if word_end > gap_end and runs.space(word_end):
        after = runs.end(word_end)
        if text.startswith(word, after):
            out.append((text[gap_end:word_end], after))
    if gap_end > at and text.startswith(word, gap_end):  # \s* gives one space back to \s+
        out.append(("", gap_end))
    return out


def loose_date(text: str) -> tuple[str, str, str] | None:
    """(d, m, y) as ``ngày\\s*(?P<d>\\S*?)\\s+tháng\\s*(?P<m>\\S*?)\\s+năm\\s*(?P<y>\\S*)\\s*$``
    finds them with ``search`` (None when it finds nothing)."""
    runs = _Runs(text)
    last = len(text.rstrip())  # everything from here on is whitespace
    for at in _positions(text, "ngày"):
        for d, month_at in _after(runs, at + len("ngày"), "tháng"):
            for m, year_at in _after(runs, month_at + len("tháng"), "năm"):
                start = year_at + len("năm")
                start = runs.end(start) if runs.space(start) else start
                end = runs.end(start) if start < len(text) and not runs.space(start) else start
                if end >= last:
                    return d, m, text[start:end]
    return None


def _lazy(text: str, runs: _Runs, at: int, word: str, places: list[int]) -> list[tuple[str, int]]:
    r"""For ``\s*(?P<g>\S*?)\s*word`` at ``at`` in a squashed line: (g, where ``word``
    starts), in the engine's order. ``g`` runs over the word after the optional space up to a
    ``word`` inside it, or to its end when ``word`` follows the next space. Of the ``word``s
    inside the run only two can lead anywhere different: the first (what follows it inside
    the run is the most), and one ending the run (what follows it is the next run)."""
    start = at + 1 if runs.space(at) else at
    run_end = runs.end(start) if start < len(text) and not runs.space(start) else start
    out = []
    k = bisect_left(places, start)
    if k < len(places) and places[k] < run_end:
        out.append((text[start:places[k]], places[k]))
    last = run_end - len(word)
    if last >= start and text.startswith(word, last) and (not out or out[0][1] != last):
        out.append((text[start:last], last))
    if runs.space(run_end) and text.startswith(word, run_end + 1):
        out.append((text[start:run_end], run_end + 1))
    return out


def squashed_date(text: str) -> tuple[str, str, str] | None:
    """(d, m, y) as ``ngày\\s*(\\S*?)\\s*tháng\\s*(\\S*?)\\s*năm\\s*(\\S*)`` finds them with
    ``search`` in ``text``, whose whitespace is single spaces (None when it finds nothing)."""
    runs = _Runs(text)
    months, years = _positions(text, "tháng"), _positions(text, "năm")
    for at in _positions(text, "ngày"):
        for d, month_at in _lazy(text, runs, at + len("ngày"), "tháng", months):
            for m, year_at in _lazy(text, runs, month_at + len("tháng"), "năm", years):
                start = year_at + len("năm")
                start = start + 1 if runs.space(start) else start
                end = runs.end(start) if start < len(text) and not runs.space(start) else start
                return d, m, text[start:end]
    return None
