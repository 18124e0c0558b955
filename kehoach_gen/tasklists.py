"""The task lists made so far in this process, to be given again to a unit they fit.

A unit's task list reads the city template, a few fields of its profile (level, pilot,
overrides, local tasks: its *kind*, see :func:`kehoach_gen.adapt._kind`) and, while filling
texts, some placeholder values and role names: in the bundled templates, the level's words
("xã") and the bodies' names, never the unit's own name. Each list is kept with what it read
(:class:`~kehoach_gen.roles.Uses`); another unit of the same kind whose values of exactly those
names and roles are equal gets the same list, footnotes included, without filling a text.
Nothing else is trusted: a template whose task texts name the unit itself simply never finds a
list made for another unit.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .model import CityTemplate
from .roles import RoleBook, Uses


@dataclass(frozen=True)
class Made:
    """A task list (the adapter's blocks, never changed once made), its footnotes, and what
    making it read."""

    city: CityTemplate
    uses: Uses
    read: tuple[Any, ...]
    blocks: list[Any]
    footnotes: dict[str, tuple[int, str]]


class TaskLists:
    """Bounded: at most ``size`` kinds of unit, ``per_kind`` lists each, the least recently
    used kind going first."""

    def __init__(self, size: int = 64, per_kind: int = 8):
        self.size, self.per_kind = size, per_kind
        self._kinds: OrderedDict[tuple[Any, ...], list[Made]] = OrderedDict()
        self.enabled = True

    def find(self, kind: tuple[Any, ...], city: CityTemplate, book: RoleBook) -> Made | None:
        """A list made for a unit of ``kind`` that read what ``book``'s unit has, or None."""
        if not self.enabled:
            return None
        for m in self._kinds.get(kind) or ():
            if m.city is city and m.uses.of(book) == m.read:
                return m
        return None

    def keep(self, kind: tuple[Any, ...], made: Made) -> None:
        if not self.enabled:
            return
        kept = self._kinds.setdefault(kind, [])
        self._kinds.move_to_end(kind)
        kept.insert(0, made)
        del kept[self.per_kind:]
        while len(self._kinds) > self.size:
            self._kinds.popitem(last=False)

    def clear(self) -> None:
        self._kinds.clear()
