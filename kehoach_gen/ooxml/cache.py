"""Caches shared by every document a process reads, and the switch that turns them off.

A build checks each unit's plan right after writing it, in the same process, and all those
plans come from one Word template: their styles, theme, numbering, settings and page headers
are the same bytes, and most of their paragraphs and tables are too. Readers keep what they
derive from such bytes here, keyed by the bytes themselves (never by a file name or a weak
hash), so that a document pays only for what is new in it.

Every cache is bounded (least recently used entries go first), and :func:`disabled` turns all
of them off, so that tests can check that a document read with and without them gives the same
result.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

_state = {"enabled": True}
_ALL: list[LRU[Any, Any]] = []


class LRU(Generic[K, V]):
    """A dictionary that keeps its ``size`` most recently used entries, and whose entries may
    weigh something (``weight``): past ``budget`` in total, the oldest go too."""

    def __init__(self, size: int, budget: int | None = None,
                 weight: Callable[[K, V], int] | None = None):
        self.size, self.budget, self._weight = size, budget, weight
        self._data: OrderedDict[K, V] = OrderedDict()
        self._weights: dict[K, int] = {}
        self._total = 0
        _ALL.append(self)

    def get(self, key: K) -> V | None:
        if not _state["enabled"]:
            return None
        found = self._data.get(key)
        if found is not None:
            self._data.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        if not _state["enabled"]:
            return value
        if key in self._data:
            self._forget(key)
        self._data[key] = value
        if self._weight is not None:
            w = self._weights[key] = self._weight(key, value)
            self._total += w
        while len(self._data) > self.size or (
                self.budget is not None and self._total > self.budget and len(self._data) > 1):
            self._forget(next(iter(self._data)))
        return value

    def _forget(self, key: K) -> None:
        del self._data[key]
        self._total -= self._weights.pop(key, 0)

    def clear(self) -> None:
        self._data.clear()
        self._weights.clear()
        self._total = 0

    def __len__(self) -> int:
        return len(self._data)


def enabled() -> bool:
    """Whether the caches are in use."""
    return _state["enabled"]


def clear() -> None:
    """Empty every cache (the next document is read as the first one of a process is)."""
    for cache in _ALL:
        cache.clear()


@contextmanager
def disabled() -> Iterator[None]:
    """Read without any cache (nothing is looked up, nothing is kept): what a document gives
    then is what it gives on its own."""
    was = _state["enabled"]
    _state["enabled"] = False
    try:
        yield
    finally:
        _state["enabled"] = was
