"""Cross-references inside a city template, checked once when it is loaded.

Task and section ids are unique; every role key a task, section, role, level or body paragraph
names is defined; no role becomes itself through others; every level a task or block is
limited to is declared; every footnote marker has its note; every task has someone to lead it
(its own lead or its section's shared one); every text's placeholders can be used.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from ..errors import Loc, Problem, did_you_mean
from ..loading import Loaded
from ..model import Block, CityTemplate, Container, Group, Section, Task
from .texts import strings, text_problems, unknown_role
from .where import Where

FOOTNOTE_MARK = r"\[\^([A-Za-z0-9_\-]+)\]"


def containers(city: CityTemplate) -> Iterator[tuple[Loc, Group | Section, Group]]:
    """Every group and section with its place and its group."""
    for gi, group in enumerate(city.appendix.groups):
        gloc: Loc = ("appendix", "groups", gi)
        yield gloc, group, group
        for si, s in enumerate(group.sections):
            yield (*gloc, "sections", si), s, group


def tasks_with_places(city: CityTemplate) -> Iterator[tuple[Loc, Task, Group | Section]]:
    """Every task of the appendix with its place and its container."""
    for loc, container, _ in containers(city):
        if isinstance(container, Section) and container.task is not None:
            yield (*loc, "task"), container.task, container
        yield from (((*loc, "tasks", ti), t, container) for ti, t in enumerate(container.tasks))


def check_city(city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """Every cross-reference problem of ``city`` (errors and warnings)."""
    where = Where(city=loaded)
    problems: list[Problem] = []
    problems += _unique_ids(city, where)
    problems += _role_references(city, where)
    problems += _level_references(city, where)
    problems += _role_cycles(city, where)
    problems += _footnotes(city, loaded, where)
    problems += _leads(city, where)
    problems += text_problems(loaded.data, where, "city", city.roles)
    return problems


def _unique_ids(city: CityTemplate, where: Where) -> list[Problem]:
    problems: list[Problem] = []
    seen: dict[str, int | None] = {}
    for loc, task, _ in tasks_with_places(city):
        if task.id in seen:
            problems.append(where("city", (*loc, "id"), f"mã nhiệm vụ '{task.id}' bị trùng (đã dùng ở dòng "
                                  f"{seen[task.id]})", "Mỗi nhiệm vụ cần một mã riêng không đổi"))
        else:
            seen[task.id] = _line(where, (*loc, "id"))
    section_ids: dict[str, int | None] = {}
    for loc, container, _ in containers(city):
        if container.id in section_ids:
            problems.append(where(
                "city", (*loc, "id"), f"mã mục '{container.id}' bị trùng (đã dùng ở dòng "
                f"{section_ids[container.id]})",
                "Mỗi nhóm, mỗi mục cần một mã riêng (hồ sơ đơn vị dùng mã này ở 'local_tasks')"))
        else:
            section_ids[container.id] = _line(where, (*loc, "id"))
    return problems


def _line(where: Where, loc: Loc) -> int | None:
    return where.city.line_of(loc) if where.city is not None else None


def _assignment_layers(model: Task | Container, loc: Loc) -> Iterator[tuple[Loc, Any]]:
    yield loc, model
    if model.unit is not None:
        yield (*loc, "unit"), model.unit
    for level, wording in model.by_level.items():
        yield (*loc, level), wording


def _role_references(city: CityTemplate, where: Where) -> list[Problem]:
    roles = city.roles
    problems: list[Problem] = []

    def check(loc: Loc, key: str) -> None:
        if key not in roles:
            problems.append(unknown_role(where, "city", loc, key, roles))

    models: list[tuple[Loc, Task | Container]] = [(loc, t) for loc, t, _ in tasks_with_places(city)]
    models += [(loc, c) for loc, c, _ in containers(city)]
    for loc, model in models:
        for lloc, layer in _assignment_layers(model, loc):
            for field in ("lead", "coop"):
                for ai, a in enumerate(getattr(layer, field) or []):
                    if a.role is not None:
                        check((*lloc, field, ai), a.role)
    for key, role in roles.items():
        names = [("unit", role.unit), *role.by_level.items()]
        for name, value in names:
            if isinstance(value, list):
                for i, sub in enumerate(value):
                    check(("roles", key, name, i), sub)
    for lkey, spec in city.levels.items():
        for role_key, value in spec.departments.items():
            check(("levels", lkey, "departments", role_key), role_key)
            for i, sub in enumerate(value if isinstance(value, list) else []):
                check(("levels", lkey, "departments", role_key, i), sub)
    for loc, duty_role in _body_roles(city.body.sections, ("body", "sections")):
        check(loc, duty_role)
    return problems


def _body_roles(blocks: Sequence[Block], loc: Loc) -> Iterator[tuple[Loc, str]]:
    for i, block in enumerate(blocks):
        for ri, duty in enumerate(block.roles or []):
            yield (*loc, i, "roles", ri, "role"), duty.role
        yield from _body_roles(block.content, (*loc, i, "content"))


def _body_levels(blocks: Sequence[Block], loc: Loc) -> Iterator[tuple[Loc, list[str]]]:
    for i, block in enumerate(blocks):
        if block.levels is not None:
            yield (*loc, i, "levels"), block.levels
        for ri, duty in enumerate(block.roles or []):
            if duty.levels is not None:
                yield (*loc, i, "roles", ri, "levels"), duty.levels
        yield from _body_levels(block.content, (*loc, i, "content"))


def _level_references(city: CityTemplate, where: Where) -> list[Problem]:
    declared = city.levels
    listed = ", ".join(f"{k} ({v.name})" for k, v in declared.items())
    problems: list[Problem] = []
    places = [((*loc, "levels"), t.levels) for loc, t, _ in tasks_with_places(city)]
    places += list(_body_levels(city.body.sections, ("body", "sections")))
    for loc, levels in places:
        for i, level in enumerate(levels):
            if level not in declared:
                problems.append(where("city", (*loc, i), f"cấp '{level}' không hợp lệ",
                                      did_you_mean(level, declared) or f"Dùng một trong: {listed}"))
    return problems


def _role_cycles(city: CityTemplate, where: Where) -> list[Problem]:
    """A role that becomes, through other roles, itself (``a: [b]``, ``b: [a]``): once per cycle."""
    graph: dict[str, set[str]] = {}
    for key, role in city.roles.items():
        graph[key] = set()
        for value in (role.unit, *role.by_level.values()):
            if isinstance(value, list):
                graph[key].update(v for v in value if v in city.roles)
    problems: list[Problem] = []
    state: dict[str, bool] = {}  # False: being visited, True: done

    def visit(key: str, path: list[str]) -> None:
        state[key] = False
        for nxt in sorted(graph[key]):
            if state.get(nxt) is False:
                cycle = path[path.index(nxt):]
                problems.append(where(
                    "city", ("roles", cycle[0]), f"vai trò '{cycle[0]}' dẫn về chính nó: {' → '.join([*cycle, nxt])}",
                    "Ở cấp đơn vị, một vai trò chỉ được chuyển thành các vai trò khác, không vòng lại"))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[key] = True

    for key in city.roles:
        if key not in state:
            visit(key, [key])
    return problems


def _footnotes(city: CityTemplate, loaded: Loaded, where: Where) -> list[Problem]:
    problems = []
    data = loaded.data.get("appendix") if isinstance(loaded.data, dict) else None
    for loc, text in strings(data, ("appendix",)):
        if loc[:2] == ("appendix", "footnotes"):
            continue
        for key in re.findall(FOOTNOTE_MARK, text):
            if key not in city.appendix.footnotes:
                problems.append(where(
                    "city", loc, f"chú thích '[^{key}]' chưa có nội dung trong appendix.footnotes",
                    did_you_mean(key, city.appendix.footnotes, n=1, template="Có phải '[^{}]'?")
                    or f"Thêm '{key}: …' vào appendix.footnotes"))
    return problems


def _leads(city: CityTemplate, where: Where) -> list[Problem]:
    """Every task has a lead of its own, or its section (group) shares one."""
    problems = []
    groups = {id(s): g for _, s, g in containers(city)}
    for loc, task, container in tasks_with_places(city):
        if task.lead or container.shares_lead() or groups[id(container)].shares_lead() \
                or (task.unit is not None and task.unit.lead) or any(w.lead for w in task.by_level.values()):
            continue
        problems.append(where("city", (*loc, "lead"), f"nhiệm vụ {task.id} chưa có cơ quan chủ trì",
                              "Ghi 'lead:' cho nhiệm vụ, hoặc 'lead:' chung cho cả mục chứa nó"))
    return problems
