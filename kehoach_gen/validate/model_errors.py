"""pydantic's errors as located Vietnamese problems.

pydantic reports errors by location (``("appendix", "groups", 1, …)``) in English; here each
becomes a :class:`Problem` with the file's line, the dotted key, a Vietnamese message and a
fix: an unknown key gets "did you mean", a value YAML read as something else (``no`` → false,
``05`` → 5, ``2026-05-02`` → a date) is explained with the text as written, a missing key is
named.
"""

from __future__ import annotations

import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import InputError, Loc, Problem, did_you_mean
from ..loading import Loaded, describe_source
from ..model import DEFAULT_LEVELS, Assignment, CityTemplate, UnitProfile

M = TypeVar("M", bound=BaseModel)

_QUOTE_HINT = 'Nếu đó là văn bản, đặt nó trong dấu nháy kép, ví dụ "{text}"'
_SAMPLE = {CityTemplate: "city_template.yaml đi kèm chương trình", UnitProfile: "unit_profiles/tan_an.yaml"}
# Names pydantic puts into a location for the branch of a union (``str | list[str]``).
_BRANCH_RE = re.compile(r"^(str|int|float|bool|list|dict|none|date|constrained-str|[a-z-]+\[.*\])$")
_DATE_ERRORS = ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact")
_EXPECTED = {
    "string_type": "văn bản", "int_type": "số nguyên", "int_parsing": "số nguyên",
    "float_type": "số", "float_parsing": "số",
    "bool_type": "true hoặc false", "bool_parsing": "true hoặc false",
    "list_type": "danh sách", "dict_type": "bảng 'khóa: giá trị'", "model_type": "bảng 'khóa: giá trị'",
}


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
                if field is None and "by_level" in cand.model_fields:
                    field = cand.model_fields["by_level"]  # a level's key: its wording
                    nxt = typing.get_args(_unwrap(field.annotation)[0])[1]
                    break
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


_MISSING = object()


def _value_at(data: Any, loc: Loc) -> Any:
    for part in loc:
        in_dict = isinstance(data, dict) and part in data
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not (in_dict or in_list):
            return _MISSING
        data = data[part]
    return data


def _split_branch(loc: tuple[Any, ...], data: Any) -> tuple[Loc, str | None, Loc]:
    """``(prefix, union branch, rest)`` of a pydantic location; the branch is ``None`` if the
    location names no union branch. A part that is a key of the data is never a branch."""
    for i, part in enumerate(loc):
        if isinstance(part, str) and _BRANCH_RE.match(part):
            node = _value_at(data, tuple(loc[:i]))
            if not (isinstance(node, dict) and part in node):
                return tuple(loc[:i]), part, tuple(loc[i + 1:])
    return tuple(loc), None, ()


def _shape(value: Any) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "dict"
    return "scalar"


def _branch_shape(branch: str) -> str:
    if branch.startswith("list"):
        return "list"
    if branch in ("str", "int", "float", "bool", "none", "date", "constrained-str"):
        return "scalar"
    return "dict"


def _resolve_unions(errors: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    """One set of errors per value that failed a union (``str | list[str]``): those of the
    branch that has the value's shape, else one "expected A or B" error."""
    out: list[dict[str, Any]] = []
    groups: dict[Loc, list[tuple[str, dict[str, Any]]]] = {}
    for err in errors:
        prefix, branch, rest = _split_branch(err["loc"], data)
        if branch is None:
            out.append(err)
        else:
            groups.setdefault(prefix, []).append((branch, {**err, "loc": (*prefix, *rest)}))
    for prefix, items in groups.items():
        shape = _shape(_value_at(data, prefix))
        same = [e for b, e in items if _branch_shape(b) == shape]
        if same and shape != "scalar":
            out.extend(same)
            continue
        expected: list[str] = []
        for b, e in items:
            text = "danh sách" if _branch_shape(b) == "list" else _EXPECTED.get(e["type"], "văn bản")
            if text not in expected:
                expected.append(text)
        first = items[0][1]
        out.append({**first, "loc": prefix, "type": "union_type", "expected": " hoặc ".join(expected)})
    return out


def _shown(loaded: Loaded, loc: Loc, value: Any) -> str:
    """A value as the user wrote it."""
    source = loaded.sources.get(loc)
    if source is not None:
        return source[1]
    if isinstance(value, list):
        return "(danh sách)"
    if isinstance(value, dict):
        return "(bảng khóa con)"
    return str(value)


def _wrong_type(loaded: Loaded, loc: Loc, value: Any, expected: str, model: type[BaseModel]) -> Problem:
    """A value of the wrong kind, explained by what the user wrote and what YAML made of it."""
    key = str(loc[-1]) if loc and isinstance(loc[-1], str) else ""
    if value is None and (loaded.sources.get(loc) or ("", ""))[1] == "":
        parent = _model_at(model, loc[:-1])
        field = parent.model_fields.get(key) if parent else None
        optional = field is not None and not field.is_required()
        return loaded.problem(loc, "chưa điền giá trị",
                              "Điền giá trị sau dấu ':'" + (", hoặc xóa cả dòng" if optional else ""))
    if isinstance(value, list):
        return loaded.problem(loc, f"đây là danh sách, nhưng ở đây cần {expected}",
                              "Viết giá trị ngay sau dấu ':', bỏ các dấu '- ' hoặc [ ]")
    if isinstance(value, dict):
        return loaded.problem(loc, f"đây là bảng khóa con, nhưng ở đây cần {expected}",
                              "Viết giá trị ngay sau dấu ':'; văn bản có dấu ': ' phải đặt trong dấu nháy kép")
    source = loaded.sources.get(loc)
    if source is not None and "văn bản" in expected:
        how = describe_source(source[0], source[1], value)
        if how:
            return loaded.problem(loc, f"{how}, nhưng ở đây cần {expected}", _QUOTE_HINT.format(text=source[1]))
    return loaded.problem(loc, f"giá trị '{_shown(loaded, loc, value)}' không hợp lệ: cần {expected}")


def _need_mapping(loaded: Loaded, loc: Loc, value: Any, model: type[BaseModel]) -> Problem:
    target = _model_at(model, loc)
    if target is Assignment:
        return loaded.problem(
            loc, f"'{_shown(loaded, loc, value)}' không phải mã vai trò",
            "Ghi mã vai trò (ví dụ tu_phap), hoặc {role: tu_phap, note: …}, hoặc {text: \"…\"}")
    fields = list(target.model_fields) if target else []
    key = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    what = "danh sách" if isinstance(value, list) else f"giá trị đơn '{_shown(loaded, loc, value)}'"
    listed = f" ({', '.join(fields)})" if fields else ""
    example = f", ví dụ dòng '  {fields[0]}: …'" if fields else ""
    return loaded.problem(loc, f"đây là {what}, nhưng ở đây cần bảng khóa con{listed}",
                          f"Viết các khóa con trên các dòng dưới '{key}:', thụt lề 2 dấu cách{example}")


def _keys(model: type[BaseModel] | None, levels: list[str]) -> list[str]:
    """The keys a mapping of ``model`` may hold: its fields, and the level keys where it takes
    wording per level."""
    if model is None:
        return []
    fields = [f for f in model.model_fields if f != "by_level"]
    return fields + (levels if "by_level" in model.model_fields else [])


def _translate(err: dict[str, Any], loaded: Loaded, model: type[BaseModel], levels: list[str]) -> Problem:
    loc: Loc = tuple(err["loc"])
    etype = err["type"]
    value = err.get("input")
    shown = _shown(loaded, loc, value)
    if etype == "extra_forbidden":
        key = str(loc[-1])
        choices = _keys(_model_at(model, loc[:-1]), levels)
        hint = did_you_mean(key, choices, n=1, cutoff=0.5, template="Có phải ý bạn là '{}'?") or (
            f"Các khóa dùng được: {', '.join(choices)}" if choices else "")
        return loaded.problem(loc, f"khóa '{key}' không có trong mẫu", hint)
    if etype == "missing":
        return loaded.problem(loc, f"thiếu khóa bắt buộc '{loc[-1]}'",
                              f"Thêm khóa này (xem tệp mẫu {_SAMPLE.get(model, 'đi kèm chương trình')})")
    if etype == "union_type":
        return _wrong_type(loaded, loc, value, err["expected"], model)
    if etype in ("model_type", "model_attributes_type"):
        return _need_mapping(loaded, loc, value, model)
    if etype in _DATE_ERRORS:
        return loaded.problem(loc, f"ngày '{shown}' không hợp lệ",
                              "Viết NĂM-THÁNG-NGÀY, một ngày có trong lịch, ví dụ 2026-05-02")
    if etype in _EXPECTED:
        expected = _EXPECTED[etype]
        if etype == "list_type":
            return loaded.problem(loc, f"giá trị '{shown}' không phải danh sách",
                                  "Viết mỗi mục trên một dòng bắt đầu bằng '- ', hoặc [mục 1, mục 2]")
        if etype in ("bool_type", "bool_parsing"):
            return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ: cần true hoặc false",
                                  "Ghi true (có) hoặc false (không)")
        return _wrong_type(loaded, loc, value, expected, model)
    if etype == "literal_error":
        expected = str(err.get("ctx", {}).get("expected", "")).replace(" or ", ", ").replace("'", "")
        return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ", f"Dùng một trong: {expected}")
    if etype in ("value_error", "assertion_error"):
        msg = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return loaded.problem(loc, msg)
    if etype == "int_from_float":
        return loaded.problem(loc, f"giá trị '{shown}' phải là số nguyên")
    return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ ({err.get('msg')})")


def _levels_of(data: Any) -> list[str]:
    declared = data.get("levels") if isinstance(data, dict) else None
    if isinstance(declared, dict) and declared:
        return [str(k) for k in declared]
    return list(DEFAULT_LEVELS)


def _problems(exc: ValidationError, loaded: Loaded, model: type[BaseModel]) -> list[Problem]:
    # a level's wording is validated under ``by_level``; the user wrote it at the level's key
    raw = [{**e, "loc": tuple(p for p in e["loc"] if p != "by_level")} for e in exc.errors()]
    errors = _resolve_unions(raw, loaded.data)
    levels = _levels_of(loaded.data) if model is CityTemplate else list(DEFAULT_LEVELS)
    # "numbr" (unknown, did you mean 'number') and "number" (missing) are one mistake.
    suggested = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            close = did_you_mean(str(e["loc"][-1]), _keys(_model_at(model, tuple(e["loc"][:-1])), levels),
                                 n=1, cutoff=0.5, template="{}")
            if close:
                suggested.add((*e["loc"][:-1], close))
    errors = [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in suggested)]
    return unique([_translate(e, loaded, model, levels) for e in errors])


def validate_model(loaded: Loaded, model: type[M]) -> M:
    """``loaded.data`` as ``model``, or :class:`InputError` listing every problem, those found
    while reading (``loaded.problems``) included."""
    early = list(loaded.problems)
    if not isinstance(loaded.data, dict):
        raise InputError(early + [loaded.problem((), "tệp phải là một bảng 'khóa: giá trị' ở cấp ngoài cùng",
                                                 f"Xem tệp mẫu {_SAMPLE.get(model, '')}".strip())])
    try:
        result = model.model_validate(loaded.data)
    except ValidationError as exc:
        # A value set aside while reading (a refused tag) is not also "missing" or "empty".
        taken = {p.key for p in early if p.key}
        late = [p for p in _problems(exc, loaded, model)
                if not any(p.key == k or p.key.startswith((k + ".", k + "[")) for k in taken)]
        raise InputError(sorted(unique(early + late), key=lambda p: p.line or 0)) from None
    if early:
        raise InputError(early)
    return result


def unique(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        k = (p.line, p.key, p.message)
        if k not in seen:
            seen.add(k)
            out.append(p)
    return out
