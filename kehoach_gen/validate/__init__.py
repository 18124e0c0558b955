"""Validation: every problem of an input, located and explained, before anything is made.

Validate once, then trust: a city template is checked when it is loaded (its model, then its
cross-references, see :mod:`.city`); a unit profile is checked against the template before it
is adapted (:mod:`.profile`). Adaptation assumes what passed here. Every problem names its
file, line and dotted key, says what is wrong and how to fix it, in Vietnamese; all problems of
a file are reported at once.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..loading import Loaded, load_yaml
from ..model import DEFAULT_LEVELS, CityTemplate, UnitProfile, level_scope
from ..roles import RoleBook
from .city import check_city
from .model_errors import unique, validate_model
from .profile import check_profile as _check_profile
from .profile import department_problems, level_of, level_problems
from .where import Where

__all__ = ["Where", "check_city", "check_profile", "level_of", "load_city", "load_profile",
           "profile_problems", "validate_model"]


def load_city(path: str | Path) -> tuple[CityTemplate, Loaded]:
    """Load and check the city template; :class:`InputError` lists every problem."""
    loaded = load_yaml(path, recover=True)
    city = validate_model(loaded, CityTemplate)
    problems = unique(check_city(city, loaded))
    if any(not p.warning for p in problems):
        raise InputError(problems)
    return city, loaded


def load_profile(path: str | Path, city: CityTemplate | None = None) -> tuple[UnitProfile, Loaded]:
    """Load and validate a unit profile (its own model; see :func:`check_profile` for the
    rest). Given the ``city``, its level is read among the city's levels, and a profile that
    fails validation also reports its unknown role keys, so that every mistake shows in one run."""
    loaded = load_yaml(path, recover=True)
    with level_scope(city.levels if city is not None else DEFAULT_LEVELS):
        try:
            return validate_model(loaded, UnitProfile), loaded
        except InputError as exc:
            data = loaded.data if isinstance(loaded.data, dict) else {}
            if city is None:
                raise
            where = Where(profile=loaded)
            extra = level_problems(data.get("level"), city, where)
            if isinstance(data.get("departments"), dict):
                extra += department_problems(data["departments"], city, where)
            if not extra:
                raise
            problems = unique(exc.problems + extra)
            raise InputError(sorted(problems, key=lambda p: p.line or 0)) from None


def check_profile(profile: UnitProfile, loaded: Loaded | None, city: CityTemplate, *,
                  city_loaded: Loaded | None = None, draft: bool = False,
                  book: RoleBook | None = None) -> list[Problem]:
    """Every problem of ``profile`` against ``city``: errors, and warnings (``warning=True``).
    ``book``: the unit's role book, to adapt with afterwards (its names filled once)."""
    where = Where(city=city_loaded, profile=loaded)
    return unique(_check_profile(profile, city, where, draft=draft,
                                 raw=loaded.data if loaded is not None else None, book=book))


def profile_problems(city: CityTemplate, profile: UnitProfile, *, draft: bool = False) -> list[Problem]:
    """:func:`check_profile` for a profile that did not come from a file."""
    return check_profile(profile, None, city, draft=draft)
