"""Validation of loaded YAML against the model, with every problem located and explained.

pydantic reports errors by location (``("appendix", "groups", 1, …)``) in English; here each
becomes a :class:`Problem` with the file's line, the dotted key, a Vietnamese message and a
fix: an unknown key gets "did you mean", a value YAML read as something else (``no`` → false,
``05`` → 5, ``2026-05-02`` → a date) is explained with the text as written, a missing key is
named. The city template's cross-references (role keys, ids, placeholders) are checked here
too, so that a mistake is found before any unit is generated.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from .errors import InputError, Problem
from .loading import Loaded, Loc, describe_source, load_yaml
from .model import LEVELS, Assignment, Block, CityTemplate, UnitProfile

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


def _translate(err: dict[str, Any], loaded: Loaded, model: type[BaseModel]) -> Problem:
    loc: Loc = tuple(err["loc"])
    etype = err["type"]
    value = err.get("input")
    shown = _shown(loaded, loc, value)
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
        if "level" in loc or "levels" in loc:
            return loaded.problem(loc, f"cấp '{shown}' không hợp lệ", "Dùng một trong: xã, phường, đặc khu")
        return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ", f"Dùng một trong: {expected}")
    if etype in ("value_error", "assertion_error"):
        msg = str(err.get("msg", "")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return loaded.problem(loc, msg)
    if etype == "int_from_float":
        return loaded.problem(loc, f"giá trị '{shown}' phải là số nguyên")
    return loaded.problem(loc, f"giá trị '{shown}' không hợp lệ ({err.get('msg')})")


def _problems(exc: ValidationError, loaded: Loaded, model: type[BaseModel]) -> list[Problem]:
    errors = _resolve_unions([dict(e) for e in exc.errors()], loaded.data)
    # "numbr" (unknown, did you mean 'number') and "number" (missing) are one mistake.
    suggested = set()
    for e in errors:
        if e["type"] == "extra_forbidden":
            parent = _model_at(model, tuple(e["loc"][:-1]))
            close = difflib.get_close_matches(str(e["loc"][-1]), list(parent.model_fields) if parent else [],
                                              n=1, cutoff=0.5)
            if close:
                suggested.add((*e["loc"][:-1], close[0]))
    errors = [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in suggested)]
    return _unique([_translate(e, loaded, model) for e in errors])


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
        raise InputError(sorted(_unique(early + late), key=lambda p: p.line or 0)) from None
    if early:
        raise InputError(early)
    return result


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
    """Load and check the city template; :class:`InputError` lists every problem."""
    loaded = load_yaml(path, recover=True)
    city = validate_model(loaded, CityTemplate)
    problems = check_city(city, loaded)
    if [p for p in problems if not p.warning]:
        raise InputError(problems)
    return city, loaded


def load_profile(path: str | Path, city: CityTemplate | None = None) -> tuple[UnitProfile, Loaded]:
    """Load and validate a unit profile. Given the ``city``, a profile that fails validation
    also reports its unknown role keys, so that every mistake shows in one run."""
    loaded = load_yaml(path, recover=True)
    try:
        return validate_model(loaded, UnitProfile), loaded
    except InputError as exc:
        departments = loaded.data.get("departments") if isinstance(loaded.data, dict) else None
        if city is None or not isinstance(departments, dict):
            raise
        extra = _department_problems(departments, loaded, city)
        raise InputError(_unique(exc.problems + extra)) from None


def _entries(city: CityTemplate) -> Iterator[tuple[Loc, Any]]:
    for gi, group in enumerate(city.appendix.groups):
        yield from ((("appendix", "groups", gi, "tasks", ti), t) for ti, t in enumerate(group.tasks))
        for si, s in enumerate(group.sections):
            sloc: Loc = ("appendix", "groups", gi, "sections", si)
            if s.task is not None:
                yield (*sloc, "task"), s.task
            yield from (((*sloc, "tasks", ti), t) for ti, t in enumerate(s.tasks))


def check_city(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """Cross-references inside the city template: role keys, unique ids, placeholders."""
    problems: list[Problem] = []
    roles = city.roles
    seen: dict[str, int | None] = {}
    for loc, task in _entries(city):
        if task.id in seen:
            problems.append(loaded.problem(
                (*loc, "id"), f"mã nhiệm vụ '{task.id}' bị trùng (đã dùng ở dòng {seen[task.id]})",
                "Mỗi nhiệm vụ cần một mã riêng không đổi"))
        else:
            seen[task.id] = loaded.line_of((*loc, "id"))
        for field in ("lead", "coop"):
            layers = [(loc, task)] + [((*loc, lv), getattr(task, lv))
                                      for lv in ("unit", "xa", "phuong", "dac_khu")
                                      if getattr(task, lv) is not None]
            for lloc, layer in layers:
                for ai, a in enumerate(getattr(layer, field) or []):
                    if a.role is not None and a.role not in roles:
                        problems.append(_unknown_role(loaded, (*lloc, field, ai), a.role, roles))
    section_ids: dict[str, int | None] = {}
    for gi, group in enumerate(city.appendix.groups):
        ids: list[tuple[Loc, str]] = [(("appendix", "groups", gi, "id"), group.id)]
        ids += [(("appendix", "groups", gi, "sections", si, "id"), s.id) for si, s in enumerate(group.sections)]
        for loc, sid in ids:
            if sid in section_ids:
                problems.append(loaded.problem(
                    loc, f"mã mục '{sid}' bị trùng (đã dùng ở dòng {section_ids[sid]})",
                    "Mỗi nhóm, mỗi mục cần một mã riêng (hồ sơ đơn vị dùng mã này ở 'local_tasks')"))
            else:
                section_ids[sid] = loaded.line_of(loc)
    for key, role in roles.items():
        for lv in ("unit", "xa", "phuong", "dac_khu"):
            value = getattr(role, lv)
            if isinstance(value, list):
                for i, sub in enumerate(value):
                    if sub not in roles:
                        problems.append(_unknown_role(loaded, ("roles", key, lv, i), sub, roles))
    for loc, duty_role in _body_roles(city.body.sections, ("body", "sections")):
        if duty_role not in roles:
            problems.append(_unknown_role(loaded, loc, duty_role, roles))
    problems += _role_cycles(city, loaded)
    problems += _footnote_problems(city, loaded)
    return _unique(problems + check_city_texts(city, loaded))


def _role_cycles(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """A role that becomes, through other roles, itself (``a: [b]``, ``b: [a]``): once per cycle."""
    graph: dict[str, set[str]] = {}
    for key, role in city.roles.items():
        graph[key] = set()
        for lv in ("unit", "xa", "phuong", "dac_khu"):
            value = getattr(role, lv)
            if isinstance(value, list):
                graph[key].update(v for v in value if v in city.roles)
    problems: list[Problem] = []
    state: dict[str, bool] = {}  # False: being visited, True: done

    def visit(key: str, path: list[str]) -> None:
        state[key] = False
        for nxt in sorted(graph[key]):
            if state.get(nxt) is False:
                cycle = path[path.index(nxt):]
                problems.append(loaded.problem(
                    ("roles", cycle[0]), f"vai trò '{cycle[0]}' dẫn về chính nó: {' → '.join([*cycle, nxt])}",
                    "Ở cấp xã, một vai trò chỉ được chuyển thành các vai trò khác, không vòng lại"))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[key] = True

    for key in city.roles:
        if key not in state:
            visit(key, [key])
    return problems


def _footnote_problems(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    from .adapt import FOOTNOTE_RE

    problems = []
    for loc, text in _strings(loaded.data.get("appendix"), ("appendix",)):
        if loc[:2] == ("appendix", "footnotes"):
            continue
        for key in FOOTNOTE_RE.findall(text):
            if key not in city.appendix.footnotes:
                close = difflib.get_close_matches(key, list(city.appendix.footnotes), n=1, cutoff=0.6)
                problems.append(loaded.problem(
                    loc, f"chú thích '[^{key}]' chưa có nội dung trong appendix.footnotes",
                    f"Có phải '[^{close[0]}]'?" if close else f"Thêm '{key}: …' vào appendix.footnotes"))
    return problems


def _body_roles(blocks: list[Block], loc: Loc) -> Iterator[tuple[Loc, str]]:
    for i, block in enumerate(blocks):
        for ri, duty in enumerate(block.roles or []):
            yield (*loc, i, "roles", ri, "role"), duty.role
        yield from _body_roles(block.content, (*loc, i, "content"))


def _strings(data: Any, loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from _strings(v, (*loc, i))


def check_city_texts(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """Placeholders in every text of the city template, for every level and pilot or not: a
    misspelled one is found even in a text no unit being generated reaches."""
    # The adapter's own text rendering, so that the messages are those of generation.
    from .adapt import Source, _Adapter

    texts = [(loc, s) for loc, s in _strings(loaded.data, ()) if any(m in s for m in ("{{", "{%", "{#"))]
    if not texts:
        return []
    current: list[Loc] = [()]

    def locate(source: Source, loc: Loc, message: str, hint: str) -> Problem:
        return loaded.problem(current[0], message, hint)  # vai_tro('…') reports its own loc

    problems: list[Problem] = []
    for level in LEVELS:
        for pilot in (False, True):
            probe = _Adapter(city, UnitProfile(level=level, name="Tân An", pilot=pilot), locate, True)
            for loc, text in texts:
                current[0] = loc
                probe.text("city", loc, text)
            problems.extend(probe.problems)
    return _unique(problems)


def check_profile(profile: UnitProfile, loaded: Loaded, city: CityTemplate) -> list[Problem]:
    """The profile against the city template: role keys of its departments."""
    return _department_problems(profile.departments, loaded, city)


def _department_problems(departments: Mapping[Any, Any], loaded: Loaded, city: CityTemplate) -> list[Problem]:
    problems = []
    for key, value in departments.items():
        if key not in city.roles:
            problems.append(_unknown_role(loaded, ("departments", key), str(key), city.roles))
        if isinstance(value, list):
            for i, sub in enumerate(value):
                if isinstance(sub, str) and sub not in city.roles:
                    problems.append(_unknown_role(loaded, ("departments", key, i), sub, city.roles))
    return problems


def _unknown_role(loaded: Loaded, loc: Loc, key: str, roles: dict[str, Any]) -> Problem:
    close = difflib.get_close_matches(key, list(roles), n=3, cutoff=0.6)
    hint = (f"Có phải: {', '.join(close)}?" if close
            else "Xem danh sách vai trò trong mục 'roles' của city_template.yaml")
    return loaded.problem(loc, f"mã vai trò '{key}' chưa được định nghĩa", hint)
