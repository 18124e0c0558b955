"""Validation of loaded YAML against the model, with every problem located and explained.

pydantic reports errors by location (``("appendix", "groups", 1, …)``) in English; here each
becomes a :class:`Problem` with the file's line, the dotted key, a Vietnamese message and a
fix: an unknown key gets "did you mean", a value YAML read as something else (``no`` → false,
``05`` → 5, ``2026-05-02`` → a date) is explained, a missing key is named.
"""

from __future__ import annotations

import difflib
import types
import typing
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .loading import Loaded, Loc, describe_source, load_yaml
from .model import CityTemplate, UnitProfile

M = TypeVar("M", bound=BaseModel)

_QUOTE_HINT = 'Nếu đó là văn bản, đặt nó trong dấu nháy kép, ví dụ "{text}"'


def _unwrap(annotation: Any) -> list[Any]:
    """The model classes and containers an annotation may hold."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """The model class that holds the value at ``loc`` (for "did you mean" suggestions)."""
    current: Any = model
    for part in loc:
        candidates = _unwrap(current)
        nxt = None
        for cand in candidates:
            origin = typing.get_origin(cand)
            if isinstance(cand, type) and issubclass(cand, BaseModel) and isinstance(part, str):
                field = cand.model_fields.get(part)
                if field is not None:
                    nxt = field.annotation
                    break
            elif origin is list and isinstance(part, int):
                nxt = typing.get_args(cand)[0]
                break
            elif origin is dict and isinstance(part, str):
                nxt = typing.get_args(cand)[1]
                break
        if nxt is None:
            return None
        current = nxt
    for cand in _unwrap(current):
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
    return None


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    """pydantic adds union branch names ("str", "list[str]", "function-before[…]") to paths."""
    out: list[str | int] = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part in ("str", "int", "bool", "list", "dict")):
            continue
        out.append(part)
    return tuple(out)


def _translate(err: dict[str, Any], loaded: Loaded, model: type[BaseModel]) -> Problem:
    loc = _clean_loc(err["loc"])
    etype = err["type"]
    value = err.get("input")
    if etype == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        key = str(loc[-1])
        choices = list(parent.model_fields) if parent else []
        close = difflib.get_close_matches(key, choices, n=1, cutoff=0.5)
        hint = f"Có phải ý bạn là '{close[0]}'?" if close else (
            f"Các khóa dùng được: {', '.join(choices)}" if choices else "")
        return loaded.problem(loc, f"khóa '{key}' không có trong mẫu", hint)
    if etype == "missing":
        return loaded.problem(loc, f"thiếu khóa bắt buộc '{loc[-1]}'",
                              "Thêm khóa này (xem tệp mẫu unit_profiles/tan_an.yaml)")
    source = loaded.sources.get(loc)
    if etype in ("string_type", "int_type", "bool_type", "list_type", "dict_type",
                 "model_type", "int_parsing", "bool_parsing", "date_type", "date_from_datetime_parsing"):
        expected = {"string_type": "văn bản", "int_type": "số nguyên", "int_parsing": "số nguyên",
                    "bool_type": "true hoặc false", "bool_parsing": "true hoặc false",
                    "list_type": "danh sách (mỗi mục một dòng bắt đầu bằng '- ')",
                    "dict_type": "bảng khóa: giá trị", "model_type": "bảng khóa: giá trị",
                    "date_type": "ngày (NĂM-THÁNG-NGÀY)",
                    "date_from_datetime_parsing": "ngày (NĂM-THÁNG-NGÀY)"}[etype]
        if source is not None and etype == "string_type":
            how = describe_source(source[0], source[1], value)
            if how:
                return loaded.problem(loc, f"{how}, nhưng ở đây cần {expected}",
                                      _QUOTE_HINT.format(text=source[1]))
        shown = source[1] if source else value
        return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ: cần {expected}")
    if etype == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        shown = source[1] if source else value
        if loc and loc[-1] == "level":
            return loaded.problem(loc, f"cấp '{shown}' không hợp lệ",
                                  "Dùng một trong: xã, phường, đặc khu")
        return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ", f"Dùng một trong: {expected}")
    if etype == "value_error":
        msg = str(err.get("msg", "")).removeprefix("Value error, ")
        return loaded.problem(loc, msg)
    if etype == "int_from_float":
        return loaded.problem(loc, f"giá trị '{value}' phải là số nguyên")
    return loaded.problem(loc, f"giá trị không hợp lệ ({err.get('msg')})")


def validate_model(loaded: Loaded, model: type[M]) -> M:
    """``loaded.data`` as ``model``, or :class:`InputError` listing every problem."""
    if not isinstance(loaded.data, dict):
        raise InputError([loaded.problem((), "tệp phải là một bảng 'khóa: giá trị' ở cấp ngoài cùng",
                                         "Xem tệp mẫu để biết cách viết")])
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        problems = [_translate(dict(e), loaded, model) for e in exc.errors()]
        raise InputError(_unique(problems)) from None


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        k = (p.line, p.key, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out


def load_city(path: str | Path) -> tuple[CityTemplate, Loaded]:
    loaded = load_yaml(path)
    city = validate_model(loaded, CityTemplate)
    problems = check_city(city, loaded)
    if [p for p in problems if not p.warning]:
        raise InputError(problems)
    return city, loaded


def load_profile(path: str | Path) -> tuple[UnitProfile, Loaded]:
    loaded = load_yaml(path)
    return validate_model(loaded, UnitProfile), loaded


def check_city(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """Cross-references inside the city template: role keys, unique task ids."""
    problems: list[Problem] = []
    roles = city.roles
    seen: dict[str, int] = {}
    for gi, group in enumerate(city.appendix.groups):
        entries: list[tuple[Loc, Any]] = [
            (("appendix", "groups", gi, "tasks", ti), t) for ti, t in enumerate(group.tasks)]
        for si, s in enumerate(group.sections):
            sloc: Loc = ("appendix", "groups", gi, "sections", si)
            if s.task is not None:
                entries.append(((*sloc, "task"), s.task))
            entries += [((*sloc, "tasks", ti), t) for ti, t in enumerate(s.tasks)]
        for loc, task in entries:
            if task.id in seen:
                problems.append(loaded.problem((*loc, "id"), f"mã nhiệm vụ '{task.id}' bị trùng",
                                               "Mỗi nhiệm vụ cần một mã riêng không đổi"))
            seen[task.id] = 1
            for field in ("lead", "coop"):
                layers = [(loc, task)] + [((*loc, lv), getattr(task, lv))
                                          for lv in ("unit", "xa", "phuong", "dac_khu")
                                          if getattr(task, lv) is not None]
                for lloc, layer in layers:
                    for ai, a in enumerate(getattr(layer, field) or []):
                        if a.role is not None and a.role not in roles:
                            problems.append(_unknown_role(loaded, (*lloc, field, ai), a.role, roles))
    for key, role in roles.items():
        for lv in ("unit", "xa", "phuong", "dac_khu"):
            value = getattr(role, lv)
            if isinstance(value, list):
                for i, sub in enumerate(value):
                    if sub not in roles:
                        problems.append(_unknown_role(loaded, ("roles", key, lv, i), sub, roles))
    return problems


def check_profile(profile: UnitProfile, loaded: Loaded, city: CityTemplate) -> list[Problem]:
    """The profile against the city template: role keys of its departments."""
    problems = []
    for key, value in profile.departments.items():
        if key not in city.roles:
            problems.append(_unknown_role(loaded, ("departments", key), key, city.roles))
        if isinstance(value, list):
            for i, sub in enumerate(value):
                if sub not in city.roles:
                    problems.append(_unknown_role(loaded, ("departments", key, i), sub, city.roles))
    return problems


def _unknown_role(loaded: Loaded, loc: Loc, key: str, roles: dict[str, Any]) -> Problem:
    close = difflib.get_close_matches(key, list(roles), n=3, cutoff=0.6)
    hint = (f"Có phải: {', '.join(close)}?" if close
            else "Xem danh sách vai trò trong mục 'roles' của city_template.yaml")
    return loaded.problem(loc, f"mã vai trò '{key}' chưa được định nghĩa", hint)
