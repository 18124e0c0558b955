"""The agency dictionary: the names plans give agencies, mapped to role keys.

The dictionary is data, ``kehoach_gen/data/agencies.yaml`` (found with
:mod:`importlib.resources`), extended by a user's own file (``--agencies``; its entries win) and
by the default department names of a template's levels. :class:`Dictionary` is the loaded
file; :class:`AgencyTable` is the lookup one import uses: for a city's plan the city names, for
a unit's plan the names that unit gives its own departments ("Công an xã" at a xã, from the
pattern "Công an {{ cap }}"). Matching ignores case, spacing, punctuation, tone-mark placement
(Hòa/Hoà, Ủy/Uỷ), a leading "Các" and the abbreviations of ``_ABBREVIATIONS`` (UBND, HĐND …).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem, rel
from ..loading import load_yaml, load_yaml_text
from ..model import CityTemplate, LevelSpec
from ..units import canonical_name
from .text import words

DICTIONARY_NAME = "agencies.yaml"
_ROLE_KEYS = {"city", "unit", "full", "outside", "drop", "names"}
_TOP_KEYS = {"levels", "tiers", "provinces", "not_references", "generic_before", "roles", "noi_nhan",
             "spelling"}
UnitName = str | list[str]

_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "tp": "thành phố",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "tgpl": "trợ giúp pháp lý",
    "chqs": "chỉ huy quân sự",
}

MAX_PARTS = 64  # agencies one item may be split into


# ---------------------------------------------------------------------------------------------
# Comparison keys


def _agency_words(name: str) -> list[str]:
    return words(canonical_name(name.replace("&", " và ")))


_ABBREV_WORDS = {_agency_words(k)[0]: _agency_words(v) for k, v in _ABBREVIATIONS.items()}


def agency_key(name: str) -> str:
    """The comparison key of an agency name (see the module docstring)."""
    parts = [w for word in _agency_words(name) for w in _ABBREV_WORDS.get(word, [word])]
    if parts[:1] == ["các"]:
        parts = parts[1:]
    return " ".join(parts)


_FILL_RE = re.compile(r"\{\{\s*(cap|Cap|ten|don_vi)\s*\}\}")


def fill_name(text: str, cap: str, name: str = "") -> str:
    """A dictionary name for one unit: ``Công an {{ cap }}`` → ``Công an xã``."""
    values = {"cap": cap, "Cap": cap[:1].upper() + cap[1:], "ten": name,
              "don_vi": f"{cap} {name}".strip()}
    return _FILL_RE.sub(lambda m: values[m.group(1)], text)


# ---------------------------------------------------------------------------------------------
# The dictionary file


@dataclass(frozen=True)
class DictRole:
    """One role of the dictionary: the template's :class:`~kehoach_gen.model.Role` plus the
    names it is recognised by."""

    key: str
    city: tuple[str, ...]
    unit: UnitName | None = None
    by_level: Mapping[str, UnitName] = field(default_factory=dict)
    full: str | None = None
    outside: bool = False
    drop: bool = False
    names: tuple[str, ...] = ()

    def value(self, level: str) -> UnitName | None:
        """The name (or role list) at ``level``; None: the city's name is kept."""
        if self.drop:
            return []
        found = self.by_level.get(level)
        return found if found is not None else self.unit

    def template_data(self, levels: Sequence[str]) -> dict[str, Any]:
        """The role as a template writes it, for the template's ``levels``."""
        out: dict[str, Any] = {"city": self.city[0] if self.city else self.display(levels)}
        values = {lv: self.value(lv) for lv in levels}
        if self.drop or (values and all(v == [] for v in values.values())):
            out["drop"] = True
            return out
        if self.unit is not None:
            out["unit"] = self.unit
        for lv in levels:
            if lv in self.by_level:
                out[lv] = self.by_level[lv]
        if self.full:
            out["full"] = self.full
        if self.outside:
            out["outside"] = True
        return out

    def display(self, levels: Sequence[str]) -> str:
        for lv in levels:
            v = self.value(lv)
            if isinstance(v, str):
                return v
        return self.names[0] if self.names else self.key


@dataclass(frozen=True)
class Tier:
    levels: tuple[str, ...]
    until: dt.date | None = None


@dataclass(frozen=True)
class Dictionary:
    """The loaded agency dictionary (bundled file, then the user's)."""

    roles: Mapping[str, DictRole]
    levels: Mapping[str, LevelSpec]
    tiers: tuple[Tier, ...]
    provinces: tuple[str, ...]
    not_references: tuple[str, ...]
    generic_before: tuple[str, ...]
    noi_nhan_unit: tuple[str, ...]
    spelling: Mapping[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def tier_of(self, level: str, when: dt.date | None) -> tuple[str, ...]:
        """The levels a template made from a plan of ``level`` (issued ``when``) serves: a
        tier that ended after ``when`` first, else one still in force."""
        candidates = [t for t in self.tiers if level in t.levels]
        if when is not None:
            dated = [t for t in candidates if t.until is not None and when <= t.until]
            if dated:
                return dated[0].levels
        current = [t for t in candidates if t.until is None]
        if current:
            return current[0].levels
        return candidates[0].levels if candidates else (level,)


def bundled_dictionary_path() -> Path:
    return Path(str(resources.files("kehoach_gen").joinpath("data", DICTIONARY_NAME)))


@lru_cache(maxsize=1)
def _bundled() -> Dictionary:
    return _parse(_raw(bundled_dictionary_path()), None)


def load_dictionary(extra: str | Path | None = None) -> Dictionary:
    """The bundled dictionary, extended by the user's file ``extra`` (its entries win).

    Raises :class:`InputError` locating every problem of the user's file."""
    base = _bundled()
    if extra is None:
        return base
    return _parse(_raw(Path(extra)), base)


def _raw(path: Path) -> tuple[Any, Any]:
    loaded = load_yaml(path)
    return loaded, path


def _parse(raw: tuple[Any, Any], base: Dictionary | None) -> Dictionary:
    loaded, path = raw
    return _DictionaryReader(loaded, path, base).read()


class _DictionaryReader:
    """One reading of a dictionary file extending ``base``: every problem is collected with
    its line and key, so that the user sees them all at once."""

    def __init__(self, loaded: Any, path: Path, base: Dictionary | None):
        self.loaded, self.path, self.base = loaded, path, base
        self.name = rel(path)
        self.problems: list[Problem] = []

    def bad(self, loc: tuple[Any, ...], message: str, hint: str = "") -> None:
        self.problems.append(Problem(message=message, file=self.name, line=self.loaded.line_of(loc),
                                     key=".".join(str(x) for x in loc), hint=hint))

    def read(self) -> Dictionary:
        data = self.loaded.data
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise InputError([Problem(message="từ điển cơ quan phải là một bảng (các khóa roles, levels …)",
                                      file=self.name, hint="Xem mẫu: kehoach_gen/data/agencies.yaml")])
        for key in data:
            if key not in _TOP_KEYS:
                self.bad((key,), f"khóa '{key}' không có trong từ điển cơ quan",
                         "Các khóa: " + ", ".join(sorted(_TOP_KEYS)))
        levels = self._levels(data)
        roles = self._roles(data, levels)
        tiers = self._tiers(data, levels)
        noi_nhan = data.get("noi_nhan") or {}
        unit_nn = tuple(noi_nhan.get("unit") or ()) if isinstance(noi_nhan, dict) else ()
        spelling = self._spelling(data)
        provinces, not_references, generic_before = (
            self._merged(data, key) for key in ("provinces", "not_references", "generic_before"))
        if self.problems:
            raise InputError(self.problems)
        return Dictionary(
            roles=roles, levels=levels, tiers=tuple(tiers),
            provinces=provinces, not_references=not_references, generic_before=generic_before,
            noi_nhan_unit=unit_nn or self._base("noi_nhan_unit", ()),
            spelling=spelling, sources=(*self._base("sources", ()), self.name or str(self.path)),
        )

    def _base(self, attr: str, empty: Any) -> Any:
        """The base dictionary's ``attr``, or ``empty`` when there is no base."""
        return getattr(self.base, attr) if self.base else empty

    def _levels(self, data: dict[str, Any]) -> dict[str, LevelSpec]:
        levels: dict[str, LevelSpec] = dict(self._base("levels", {}))
        for key, value in (data.get("levels") or {}).items():
            try:
                levels[str(key)] = LevelSpec.model_validate(value)
            except Exception as exc:  # pydantic's message, located
                self.bad(("levels", key), f"cấp '{key}' không hợp lệ: {_short(exc)}")
        return levels

    def _roles(self, data: dict[str, Any], levels: Mapping[str, LevelSpec]) -> dict[str, DictRole]:
        roles: dict[str, DictRole] = dict(self._base("roles", {}))
        for key, value in (data.get("roles") or {}).items():
            role = _role(str(key), value, levels, self.bad)
            if role is not None:
                roles[str(key)] = role
        return roles

    def _tiers(self, data: dict[str, Any], levels: Mapping[str, LevelSpec]) -> list[Tier]:
        """The user's tiers first, then the base's."""
        tiers: list[Tier] = []
        for i, t in enumerate(data.get("tiers") or []):
            if not isinstance(t, dict) or not isinstance(t.get("levels"), list):
                self.bad(("tiers", i), "mỗi tầng cần khóa 'levels' (danh sách mã cấp)")
                continue
            unknown = [lv for lv in t["levels"] if lv not in levels]
            if unknown:
                self.bad(("tiers", i, "levels"), f"cấp chưa khai báo: {', '.join(map(str, unknown))}")
                continue
            until = t.get("until")
            tiers.append(Tier(tuple(t["levels"]), until if isinstance(until, dt.date) else None))
        return tiers + list(self._base("tiers", ()))

    def _spelling(self, data: dict[str, Any]) -> dict[str, str]:
        spelling: dict[str, str] = dict(self._base("spelling", {}))
        given = data.get("spelling") or {}
        if not isinstance(given, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in given.items()):
            self.bad(("spelling",), "'spelling' là bảng chữ: cách viết cần sửa → cách viết thống nhất")
        else:
            spelling.update(given)
        return spelling

    def _strings(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        value = data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad((key,), f"'{key}' phải là danh sách chữ")
            return ()
        return tuple(value)

    def _merged(self, data: dict[str, Any], key: str) -> tuple[str, ...]:
        """The base's list ``key`` with the user's added, each once."""
        return tuple(dict.fromkeys([*self._base(key, ()), *self._strings(data, key)]))


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:200]


def _role(key: str, value: Any, levels: Mapping[str, LevelSpec], bad: Any) -> DictRole | None:
    if not isinstance(value, dict):
        bad(("roles", key), "mỗi vai trò là một bảng (city, unit, names …)")
        return None
    ok = True
    for k in value:
        if k not in _ROLE_KEYS and k not in levels:
            bad(("roles", key, k), f"khóa '{k}' không có trong một vai trò",
                "Dùng city, unit, full, outside, drop, names hoặc mã một cấp (xa, phuong …)")
            ok = False
    city_names, names = _texts(value.get("city")), _texts(value.get("names"))
    for k, found in (("city", city_names), ("names", names)):
        if found is None:
            bad(("roles", key, k), f"'{k}' là tên cơ quan (chữ) hoặc danh sách tên cơ quan")
            ok = False
    by_level = {k: v for k, v in value.items() if k in levels and k not in _ROLE_KEYS}
    for k, v in [("unit", value.get("unit")), *by_level.items()]:
        if v is not None and not isinstance(v, (str, list)):
            bad(("roles", key, k), "tên ở cấp đơn vị là chữ, hoặc danh sách mã vai trò")
            ok = False
    if not ok:
        return None
    return DictRole(key=key, city=city_names or (), unit=value.get("unit"), by_level=by_level,
                    full=value.get("full"), outside=bool(value.get("outside")),
                    drop=bool(value.get("drop")), names=names or ())


def _texts(value: Any) -> tuple[str, ...] | None:
    """A name or a list of names as a tuple (empty when absent); None when it is neither."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def dictionary_from_text(text: str, base: Dictionary | None = None) -> Dictionary:
    """A dictionary from YAML text (tests, and a user's file given inline)."""
    loaded = load_yaml_text(text)
    return _parse((loaded, Path("<từ điển>")), base if base is not None else _bundled())


def _other_spellings(role: DictRole) -> list[str]:
    """A role's other names, and its names at every level, as another unit may write them."""
    return [*role.names, *[v for v in (role.unit, *role.by_level.values()) if isinstance(v, str)]]


def _aliases() -> dict[str, tuple[str, ...]]:
    return {k: r.city for k, r in _bundled().roles.items() if r.city}


# The city names of every role of the bundled dictionary, the first being the name written
# under ``roles: <key>: city:`` (kept for callers of the appendix importer).
AGENCY_ALIASES: dict[str, tuple[str, ...]] = _aliases()


# ---------------------------------------------------------------------------------------------
# The lookup


@dataclass(frozen=True)
class UnitContext:
    """The unit whose plan is read: its level key and noun ("xã"), its own name."""

    level: str
    cap: str
    name: str


@dataclass(frozen=True)
class Match:
    """How a name was recognised: the role and what matched ("tên ở cấp xã", "tên cấp tỉnh" …)."""

    role: str
    how: str
    pattern: str = ""  # the dictionary's text that matched ("Công an {{ cap }}")


class AgencyTable:
    """Agency names → role keys for one import.

    Without ``unit`` (a city's plan) the city names of the dictionary, plus (``extra``) a
    template's ``roles`` names and (``phrases``) whole items a reviewer mapped to a role with a
    note. With ``unit`` (a unit's plan), the names that unit gives its departments, first as
    its level names them, then their full names, then other spellings; a city body is
    recognised only when units keep its name (Trung tâm Trợ giúp pháp lý …); the other city
    names are kept as written (:meth:`city_body` says which role they are).
    """

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None,
                 phrases: Mapping[str, Mapping[str, str]] | None = None, *,
                 dictionary: Dictionary | None = None, unit: UnitContext | None = None,
                 departments: Mapping[str, UnitName] | None = None):
        self.dictionary = dictionary or _bundled()
        self.unit = unit
        self.city_names: dict[str, str] = {}
        self._keys: dict[str, Match] = {}
        self._city: dict[str, str] = {}
        self._phrases = {agency_key(k): dict(v) for k, v in (phrases or {}).items()}
        roles = self.dictionary.roles
        for key, role in roles.items():
            self.city_names[key] = role.city[0] if role.city else role.display([unit.level] if unit else [])
        if unit is None:
            self._add_city(extra or {})
        else:
            self._add_unit(unit, extra or {}, departments or {})

    def _add_city(self, extra: Mapping[str, Iterable[str]]) -> None:
        """A city's plan: the city names of the dictionary, then a template's own names,
        which win."""
        for key, role in self.dictionary.roles.items():
            for name in role.city:
                self._add(name, key, "tên cấp tỉnh")
        for key, extra_names in extra.items():
            for i, name in enumerate(extra_names):
                if i == 0:
                    self.city_names[key] = name
                self._keys[agency_key(name)] = Match(key, "tên trong mẫu cũ")

    def _add_unit(self, unit: UnitContext, extra: Mapping[str, Iterable[str]],
                  departments: Mapping[str, UnitName]) -> None:
        """A unit's plan: its names, in the order they win (:meth:`_add` keeps the first)."""
        roles = self.dictionary.roles
        noun = self.dictionary.levels[unit.level].noun if unit.level in self.dictionary.levels else unit.cap

        def add(text: str, key: str, how: str) -> None:
            self._add(fill_name(text, noun, unit.name), key, how, text)

        for key, value in departments.items():
            if isinstance(value, str):
                add(value, key, f"tên mặc định ở cấp {noun}")
        for key, role in roles.items():
            own = role.value(unit.level)
            if isinstance(own, str):
                add(own, key, f"tên ở cấp {noun}")
        for key, role in roles.items():
            if role.full:
                add(role.full, key, "tên đầy đủ")
        for key, role in roles.items():
            for name in _other_spellings(role):
                add(name, key, "cách viết khác")
        for key, extra_names in extra.items():
            for name in extra_names:
                add(name, key, "tên trong mẫu cũ")
        self._add_city_bodies(unit)

    def _add_city_bodies(self, unit: UnitContext) -> None:
        """City bodies named in a unit's plan: recognised when the unit's level keeps the
        city's name, else only remembered (:meth:`city_body`)."""
        for key, role in self.dictionary.roles.items():
            kept = role.value(unit.level) is None
            for name in role.city:
                if kept:
                    self._add(name, key, "cơ quan cấp tỉnh, giữ nguyên tên")
                else:
                    self._city.setdefault(agency_key(name), key)

    def _add(self, name: str, role: str, how: str, pattern: str = "") -> None:
        k = agency_key(name)
        if k and k not in self._keys:
            self._keys[k] = Match(role, how, pattern or name)

    @classmethod
    def for_template(cls, city: CityTemplate | None, *, dictionary: Dictionary | None = None) -> AgencyTable:
        """The table a re-import against ``city`` uses: its role names win, and an item it
        wrote as ``{role: tu_phap, note: "theo chức năng …"}`` is recognised again."""
        if city is None:
            return cls(dictionary=dictionary)
        phrases: dict[str, dict[str, str]] = {}
        for _, _, task in city.appendix.all_tasks():
            for item in (*task.lead, *task.coop):
                if item.role in city.roles and item.note:
                    phrases[f"{city.roles[item.role].city} {item.note}"] = {
                        "role": item.role, "note": item.note}
        return cls({k: [r.city] for k, r in city.roles.items()}, phrases, dictionary=dictionary)

    def match(self, name: str) -> Match | None:
        return self._keys.get(agency_key(name)) if name.strip() else None

    def role(self, name: str) -> str | None:
        found = self.match(name)
        return found.role if found else None

    def city_body(self, name: str) -> str | None:
        """The role of a city body named in a unit's plan (kept as written there)."""
        return self._city.get(agency_key(name)) if name.strip() else None

    def assign(self, item: str) -> list[dict[str, str]] | None:
        """Role assignments for one agency item, or ``None`` when it is not known.

        ``Sở Tư pháp (Trung tâm …)`` keeps the parenthesis as a note; ``A, B và C`` is split
        when every part is a known agency.
        """
        if item.strip().startswith("(") and item.strip().endswith(")"):
            return None  # a remark in parentheses, not a body
        role = self.role(item)
        if role:
            return [{"role": role}]
        m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", item)
        if m and (role := self.role(m.group(1))):
            return [{"role": role, "note": m.group(2).strip()}]
        phrase = self._phrases.get(agency_key(item))
        if phrase:
            return [dict(phrase)]
        parts = self._split(item)
        return [{"role": r} for r in parts] if parts else None

    def _split(self, item: str) -> list[str] | None:
        """The fewest known agencies that, joined by ',', ';' or 'và', make up ``item``.
        (Every pair of separators is tried: an item with more than :data:`MAX_PARTS` parts,
        never a real list of agencies, is not split.)"""
        seps = list(re.finditer(r"\s*[,;]\s*|\s+và\s+", item, re.I))
        if len(seps) >= MAX_PARTS:
            return None
        starts = [0] + [m.end() for m in seps]
        ends = [m.start() for m in seps] + [len(item)]
        best: list[list[str] | None] = [[]] + [None] * len(starts)
        for j in range(1, len(starts) + 1):
            for i in range(j):
                prefix, current = best[i], best[j]
                if prefix is None or (current is not None and len(current) <= len(prefix) + 1):
                    continue
                role = self.role(item[starts[i]:ends[j - 1]])
                if role:
                    best[j] = [*prefix, role]
        found = best[-1]
        return found if found and len(found) > 1 else None
