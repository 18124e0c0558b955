"""Who a role key is at one unit, and the unit's words: placeholders and role names filled.

A role key (``tu_phap``) becomes, in order of precedence: the unit profile's own
``departments`` entry; the role's wording for the unit's level (``roles.tu_phap.quan``); the
level's default department names (``levels.quan.departments.tu_phap``); the role's ``unit``
name; else the city's own name (a city body the unit works with). A name may be a list of
other role keys, followed in turn; ``drop`` (and an empty department) removes the role. The
raw result (:meth:`RoleBook.texts`) is a list of *unfilled* texts with where each came from,
so that validation can count and locate them; :meth:`RoleBook.names` fills them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from .model import CityTemplate, Level, UnitProfile
from .placeholders import fill, unit_values

Loc = tuple[str | int, ...]
Source = Literal["city", "profile"]


@dataclass(frozen=True)
class RoleText:
    """One name of a role at a unit, before its placeholders are filled."""

    source: Source
    loc: Loc
    text: str


class UnknownRole(Exception):
    """``key`` is not a role of the template (met at ``loc`` of ``source``)."""

    def __init__(self, key: str, source: Source, loc: Loc):
        super().__init__(key)
        self.key, self.source, self.loc = key, source, loc


class RoleCycle(Exception):
    def __init__(self, path: tuple[str, ...]):
        super().__init__(" → ".join(path))
        self.path = path


class _Recording(dict[str, Any]):
    """Placeholder values that note which of them a text reads, in each :meth:`RoleBook.tracking`
    block open."""

    def __init__(self, values: dict[str, Any]):
        super().__init__(values)
        self.open: list[set[str]] = []

    def __getitem__(self, key: str) -> Any:
        for used in self.open:
            used.add(key)
        return super().__getitem__(key)


@dataclass
class Uses:
    """What some filling read of a unit: placeholder names and role keys."""

    names: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)

    def of(self, book: RoleBook) -> tuple[tuple[tuple[str, Any], ...], tuple[tuple[str, tuple[str, ...]], ...]]:
        """What these names and roles are at ``book``'s unit: two units for which this is
        equal get the same texts from anything that read only these."""
        return (tuple((n, book.values[n]) for n in sorted(self.names)),
                tuple((r, book.names(r)) for r in sorted(self.roles)))

    def key(self) -> tuple[frozenset[str], frozenset[str]]:
        """These names and roles, as a key: equal for what read the same."""
        return frozenset(self.names), frozenset(self.roles)


class RoleBook:
    """The words of one unit (its level, its profile): placeholder values and role names."""

    def __init__(self, city: CityTemplate, profile: UnitProfile, level: Level):
        self.city = city
        self.profile = profile
        self.level = level
        self._spec_departments = city.levels[level].departments if level in city.levels else {}
        self._cache: dict[str, tuple[RoleText, ...]] = {}
        self._names: dict[str, tuple[str, ...]] = {}
        self._busy: set[str] = set()
        self.values = _Recording(unit_values(city, profile, level))
        self._open: list[Uses] = []
        self._reads: dict[tuple[frozenset[str], frozenset[str]], tuple[Any, ...]] = {}

    def serves(self, city: CityTemplate, profile: UnitProfile, level: Level) -> bool:
        """Whether this is the book of ``profile`` at ``level`` of ``city`` (these very objects)."""
        return self.city is city and self.profile is profile and self.level == level

    @contextmanager
    def tracking(self) -> Iterator[Uses]:
        """Note every placeholder value and role name read inside the ``with`` block (and in
        the blocks it is in, when nested)."""
        uses = self.start()
        try:
            yield uses
        finally:
            self.stop()

    def start(self) -> Uses:
        """Open a :meth:`tracking` block by hand (closed by :meth:`stop`): no generator, for the
        one made around every task row."""
        uses = Uses()
        self._open.append(uses)
        self.values.open.append(uses.names)
        return uses

    def stop(self) -> None:
        """Close the last block :meth:`start` opened."""
        self._open.pop()
        self.values.open.pop()

    def note(self, uses: Uses) -> None:
        """Count ``uses`` (what something given again had read) as read now, in every
        :meth:`tracking` block open."""
        for outer in self._open:
            outer.names |= uses.names
            outer.roles |= uses.roles

    def reads(self, key: tuple[frozenset[str], frozenset[str]], uses: Uses) -> tuple[Any, ...]:
        """``uses.of(self)`` (``key``: ``uses.key()``), worked out once per unit: the many
        things made before that read the same names are compared with one value."""
        found = self._reads.get(key)
        if found is None:  # comparing is not reading: nothing open notes it (note() does, on a match)
            opened, self._open, self.values.open = (self._open, self.values.open), [], []
            try:
                found = self._reads[key] = uses.of(self)
            finally:
                self._open, self.values.open = opened
        return found

    def fill(self, text: str) -> str:
        """``text`` with its placeholders filled for this unit (PlaceholderError if it cannot)."""
        return fill(text, self.values, self.role_text)

    def names(self, key: str) -> tuple[str, ...]:
        """The unit's names for role ``key``, filled (empty when the role is dropped)."""
        for uses in self._open:
            uses.roles.add(key)
        got = self._names.get(key)
        if got is None:
            if key in self._busy:  # a role's name that says vai_tro() of itself
                raise RoleCycle((key, key))
            self._busy.add(key)
            try:
                got = tuple(self.fill(t.text) for t in self.texts(key))
            finally:
                self._busy.discard(key)
            self._names[key] = got
        return got

    def role_text(self, key: str) -> str:
        """``vai_tro('key')``: the role's names at this unit, joined by "; "."""
        return "; ".join(self.names(key))

    def texts(self, key: str, source: Source = "city", loc: Loc = ()) -> tuple[RoleText, ...]:
        """The unfilled names of ``key`` at this unit (empty when the role is dropped).

        Raises :class:`UnknownRole` or :class:`RoleCycle`.
        """
        cached = self._cache.get(key)
        if cached is None:
            cached = tuple(self._walk(key, source, loc, ()))
            self._cache[key] = cached
        return cached

    def _walk(self, key: str, source: Source, loc: Loc, seen: tuple[str, ...]) -> Iterator[RoleText]:
        if key in seen:
            raise RoleCycle((*seen, key))
        role = self.city.roles.get(key)
        value: str | list[str] | None
        vloc: Loc
        if key in self.profile.departments:
            value, src, vloc = self.profile.departments[key], "profile", ("departments", key)
        elif role is None:
            raise UnknownRole(key, source, loc)
        elif role.drop:
            return
        elif self.level in role.by_level:
            value, src, vloc = role.by_level[self.level], "city", ("roles", key, self.level)
        elif key in self._spec_departments:
            value, src, vloc = self._spec_departments[key], "city", ("levels", self.level, "departments", key)
        elif role.unit is not None:
            value, src, vloc = role.unit, "city", ("roles", key, "unit")
        else:
            yield RoleText("city", ("roles", key, "city"), role.city)
            return
        if value is None:
            return
        if isinstance(value, str):
            yield RoleText(src, vloc, value)  # type: ignore[arg-type]
            return
        for i, sub in enumerate(value):
            yield from self._walk(sub, src, (*vloc, i), (*seen, key))  # type: ignore[arg-type]
