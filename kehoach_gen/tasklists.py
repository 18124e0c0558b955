"""The task lists, and the task rows, made so far in this process, to be given again to a unit
they fit.

A unit's task list reads the city template, a few fields of its profile (level, pilot,
overrides, local tasks: its *kind*, see :func:`kehoach_gen.adapt._kind`) and, while filling
texts, some placeholder values and role names: in the bundled templates, the level's words
("xã") and the bodies' names, never the unit's own name. Each list is kept with what it read
(:class:`~kehoach_gen.roles.Uses`); another unit of the same kind whose values of exactly those
names and roles are equal gets the same list, footnotes included, without filling a text.
Nothing else is trusted: a template whose task texts name the unit itself simply never finds a
list made for another unit.

Units rarely share a whole list: one drops a task, another names a department its own way. A
task row is kept the same way, under what it is made from (the task, the unit's override of
it, its number, what its section shares: see :meth:`kehoach_gen.adapt._Adapter.task_row`) and
with what its texts read, so such a unit fills only the rows that differ. The sections of the
body are kept the same way (:data:`kehoach_gen.adapt.BODY_SECTIONS`): most read only the
level's words, and a unit fills only those that name it.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from .model import CityTemplate
from .roles import RoleBook, Uses


@dataclass(frozen=True)
class Made:
    """A task list (the adapter's blocks) or a task row, never changed once made, its
    footnotes, and what making it read."""

    city: CityTemplate
    uses: Uses
    read: tuple[Any, ...]
    value: Any
    footnotes: dict[str, tuple[int, str]]
    key: tuple[frozenset[str], frozenset[str]]  # uses.key()

    @classmethod
    def of(cls, city: CityTemplate, uses: Uses, book: RoleBook, value: Any,
           footnotes: dict[str, tuple[int, str]] | None = None) -> Made:
        """``value`` made for ``book``'s unit, having read ``uses``."""
        key = uses.key()
        return cls(city, uses, book.reads(key, uses), value, dict(footnotes or {}), key)


class TaskLists:
    """What was made for units, by kind. Bounded: at most ``size`` kinds, ``per_kind`` things
    made each, the least recently used kind going first."""

    def __init__(self, size: int = 64, per_kind: int = 8):
        self.size, self.per_kind = size, per_kind
        self._kinds: OrderedDict[tuple[Any, ...], list[Made]] = OrderedDict()
        self.enabled = True
        self._lock = threading.Lock()  # units adapted in threads: one keeps at a time

    def find(self, kind: tuple[Any, ...], city: CityTemplate, book: RoleBook) -> Made | None:
        """A list made for a unit of ``kind`` that read what ``book``'s unit has, or None."""
        if not self.enabled:
            return None
        for m in self._kinds.get(kind) or ():
            if m.city is city and book.reads(m.key, m.uses) == m.read:
                return m
        return None

    def keep(self, kind: tuple[Any, ...], made: Made) -> None:
        if not self.enabled:
            return
        with self._lock:
            kept = self._kinds.setdefault(kind, [])
            self._kinds.move_to_end(kind)
            kept.insert(0, made)
            del kept[self.per_kind:]
            while len(self._kinds) > self.size:
                self._kinds.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._kinds.clear()


@dataclass
class _Reading:
    """The rows made from one key whose texts read the same names and roles, by what those
    were at the unit each was made for."""

    city: CityTemplate
    key: tuple[frozenset[str], frozenset[str]]  # uses.key()
    uses: Uses
    rows: dict[tuple[Any, ...], Any]


class MadePieces:
    """Pieces of plans made so far, by what each was made from (its *key*), then by what its
    texts read: the task rows (:data:`kehoach_gen.adapt.TASK_ROWS`) and the sections of the
    body (:data:`kehoach_gen.adapt.BODY_SECTIONS`), each kept in one of its own. A piece is
    called a row below.

    Finding a row costs one comparison of what it reads at this unit, worked out once a unit
    (:meth:`~kehoach_gen.roles.RoleBook.reads`), and a dictionary lookup, whether or not it is
    found: a unit whose rows mostly differ (a department named its own way) pays little for
    looking. Bounded: ``size`` keys, the least recently used first, ``per_key`` rows each."""

    def __init__(self, size: int = 2048, per_key: int = 4):
        self.size, self.per_key = size, per_key
        self._keys: OrderedDict[tuple[Any, ...], list[_Reading]] = OrderedDict()
        self.enabled = True
        self._lock = threading.Lock()  # units adapted in threads: one keeps at a time

    def find(self, key: tuple[Any, ...], city: CityTemplate, book: RoleBook) -> Any:
        """The row made from ``key`` whose texts read what ``book``'s unit has, or None; what
        it read counts as read now (:meth:`~kehoach_gen.roles.RoleBook.note`)."""
        if not self.enabled:
            return None
        for reading in self._keys.get(key) or ():
            if reading.city is city:
                row = reading.rows.get(book.reads(reading.key, reading.uses))
                if row is not None:
                    book.note(reading.uses)
                    return row
        return None

    def keep(self, key: tuple[Any, ...], city: CityTemplate, uses: Uses, book: RoleBook, row: Any) -> None:
        """``row``, made from ``key`` for ``book``'s unit, having read ``uses``."""
        if not self.enabled:
            return
        ukey = uses.key()
        reads = book.reads(ukey, uses)  # (outside the lock: it may fill role names)
        with self._lock:
            readings = self._keys.get(key)
            if readings is None:
                readings = self._keys[key] = []
                if len(self._keys) > self.size:
                    self._keys.popitem(last=False)
            else:
                self._keys.move_to_end(key)
            reading = next((r for r in readings if r.key == ukey and r.city is city), None)
            if reading is None:
                reading = _Reading(city, ukey, uses, {})
                readings.append(reading)
                del readings[:-4]  # a few ways of reading one row at most (roles named by other roles)
            reading.rows[reads] = row
            while len(reading.rows) > self.per_key:
                del reading.rows[next(iter(reading.rows))]

    def clear(self) -> None:
        with self._lock:
            self._keys.clear()
