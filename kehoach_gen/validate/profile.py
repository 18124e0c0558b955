"""A unit profile against its city template: every cross-reference, checked before adapting.

The level is one the template serves; department keys, overrides, local tasks and their
sections name things the template has; Nơi nhận removes entries that are there; the signer's
position and authority agree (Nghị định 30); every task the unit keeps still has someone to
lead it once roles become the unit's departments; texts' placeholders can be used. A missing
signer name is a warning in a draft and an error otherwise; a profile of another province than
the template's is a warning.
"""

from __future__ import annotations

from typing import Any

from .. import signing
from ..errors import Loc, Problem, did_you_mean
from ..model import CityTemplate, Section, Task, UnitProfile, pick, resolve_level
from ..placeholders import PlaceholderError
from ..roles import RoleBook, RoleCycle, UnknownRole
from ..spelling import canonical_name
from .city import containers, tasks_with_places
from .texts import text_problems, unknown_role
from .where import Where


def level_of(profile: UnitProfile, city: CityTemplate) -> str | None:
    """The key of the profile's level among the template's levels (None: not one of them)."""
    if profile.level in city.levels:
        return profile.level
    return resolve_level(profile.level, city.levels)


def check_profile(profile: UnitProfile, city: CityTemplate, where: Where, *, draft: bool = True,
                  raw: Any = None, book: RoleBook | None = None) -> list[Problem]:
    """Every problem of ``profile`` against ``city`` (errors, and warnings with
    ``warning=True``). ``raw`` is the profile's YAML data, for locating its texts; ``book``,
    the unit's :class:`RoleBook` when the caller goes on to adapt with it (see
    :func:`kehoach_gen.adapt.adapt_valid`): its role names are then filled once."""
    problems: list[Problem] = level_problems(profile.level, city, where)
    level = level_of(profile, city)
    problems += _departments(profile, city, where)
    problems += _overrides(profile, city, where)
    problems += _local_tasks(profile, city, where)
    data = raw if isinstance(raw, dict) else profile.model_dump(mode="json", exclude_defaults=True)
    problems += text_problems(data, where, "profile", city.roles)
    problems += _signer(profile, city, level, where, draft)
    problems += _province(profile, city, where)
    if level is not None:
        if book is None or not book.serves(city, profile, level):
            book = RoleBook(city, profile, level)
        problems += _noi_nhan(profile, city, book, where)
        problems += _leads(profile, city, book, where)
    return problems


def level_problems(level: Any, city: CityTemplate, where: Where) -> list[Problem]:
    """A level that is not one of the template's (also for a profile that failed validation)."""
    if not isinstance(level, str) or level in city.levels or resolve_level(level, city.levels):
        return []
    listed = ", ".join(v.name for v in city.levels.values())
    return [where("profile", ("level",), f"cấp '{level}' không hợp lệ", f"Dùng một trong: {listed}")]


def _departments(profile: UnitProfile, city: CityTemplate, where: Where) -> list[Problem]:
    return department_problems(profile.departments, city, where)


def department_problems(departments: Any, city: CityTemplate, where: Where) -> list[Problem]:
    """Role keys of a profile's ``departments`` (also for a profile that failed validation)."""
    problems = []
    for key, value in departments.items():
        if key not in city.roles:
            problems.append(unknown_role(where, "profile", ("departments", key), str(key), city.roles))
        if isinstance(value, list):
            for i, sub in enumerate(value):
                if isinstance(sub, str) and sub not in city.roles:
                    problems.append(unknown_role(where, "profile", ("departments", key, i), sub, city.roles))
    return problems


def _assignment_roles(model: Any, loc: Loc, city: CityTemplate, where: Where) -> list[Problem]:
    problems = []
    for field in ("lead", "coop"):
        for i, a in enumerate(getattr(model, field) or []):
            if a.role is not None and a.role not in city.roles:
                problems.append(unknown_role(where, "profile", (*loc, field, i), a.role, city.roles))
    return problems


def _overrides(profile: UnitProfile, city: CityTemplate, where: Where) -> list[Problem]:
    known = city.task_index()
    problems = []
    for tid, override in profile.overrides.items():
        if tid not in known:
            problems.append(where("profile", ("overrides", tid), f"không có nhiệm vụ mã '{tid}' trong mẫu thành phố",
                                  did_you_mean(tid, known) or "Xem mã nhiệm vụ ('id') trong city_template.yaml"))
        problems += _assignment_roles(override, ("overrides", tid), city, where)
    return problems


def local_containers(city: CityTemplate) -> dict[str, list[str]]:
    """The groups and sections a unit may add tasks to, with their task ids."""
    out: dict[str, list[str]] = {}
    for _, c, group in containers(city):
        if (isinstance(c, Section) and c.task is None) or (c is group and (group.tasks or not group.sections)):
            out[c.id] = [t.id for t in c.tasks]
    return out


def _local_tasks(profile: UnitProfile, city: CityTemplate, where: Where) -> list[Problem]:
    known = city.task_index()
    places = local_containers(city)
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, lt in enumerate(profile.local_tasks):
        loc: Loc = ("local_tasks", i)
        if lt.section not in places:
            problems.append(where("profile", (*loc, "section"), f"không có mục '{lt.section}' để thêm nhiệm vụ",
                                  did_you_mean(lt.section, places) or f"Các mục: {', '.join(sorted(places))}"))
        elif lt.after is not None and lt.after not in places[lt.section] + [
                t.id for t in profile.local_tasks if t.section == lt.section and t.id != lt.id]:
            problems.append(where("profile", (*loc, "after"), f"không có nhiệm vụ '{lt.after}' trong mục {lt.section}",
                                  "Ghi mã một nhiệm vụ của cùng mục, hoặc bỏ 'after' để thêm vào cuối mục"))
        if lt.id in known:
            problems.append(where("profile", (*loc, "id"), f"mã '{lt.id}' đã là mã một nhiệm vụ của thành phố",
                                  "Đặt mã riêng cho nhiệm vụ của đơn vị, ví dụ 'DV1'"))
        elif lt.id in seen:
            problems.append(where("profile", (*loc, "id"), f"mã '{lt.id}' bị trùng giữa các nhiệm vụ riêng",
                                  "Mỗi nhiệm vụ riêng cần một mã khác nhau: DV1, DV2 …"))
        seen.add(lt.id)
        problems += _assignment_roles(lt, loc, city, where)
    return problems


def _signer(profile: UnitProfile, city: CityTemplate, level: str | None, where: Where,
            draft: bool) -> list[Problem]:
    problems = []
    if level is not None:
        for p in signing.problems(city.level(level), profile.signer):
            problems.append(where("profile", ("signer", p.key), p.message, p.hint))
    if not profile.signer.name.strip():
        problems.append(where(
            "profile", ("signer", "name"), "chưa điền họ tên người ký",
            "Điền 'signer: name: …' trong hồ sơ đơn vị" + ("" if draft else
                                                          ", hoặc chạy với --draft để để trống"),
            warning=draft))
    return problems


def _province(profile: UnitProfile, city: CityTemplate, where: Where) -> list[Problem]:
    if not profile.province:
        return []
    mine, theirs = canonical_name(profile.province), canonical_name(city.plan.province)
    for prefix in ("thành phố ", "tỉnh "):
        mine, theirs = mine.removeprefix(prefix), theirs.removeprefix(prefix)
    if mine == theirs:
        return []
    return [where("profile", ("province",), f"hồ sơ của tỉnh, thành phố '{profile.province}' nhưng mẫu là "
                  f"Kế hoạch của {city.plan.issuer}",
                  f"Dùng mẫu thành phố của {profile.province} (--city), hoặc sửa 'province'", warning=True)]


def _key(s: str) -> str:
    return " ".join(s.split()).strip().rstrip(";.,").casefold()


def noi_nhan_entries(city: CityTemplate, profile: UnitProfile, book: RoleBook) -> list[tuple[Loc, str, str]]:
    """The Nơi nhận entries before removals: (place, source, filled text)."""
    out = [(("noi_nhan", "city", i), "city", e) for i, e in enumerate(city.noi_nhan.city)]
    out += [(("noi_nhan", "unit", i), "city", e) for i, e in enumerate(city.noi_nhan.unit)]
    out += [(("noi_nhan", "add", i), "profile", e) for i, e in enumerate(profile.noi_nhan.add)]
    filled: list[tuple[Loc, str, str]] = []
    for loc, src, text in out:
        try:
            filled.append((loc, src, book.fill(text)))
        except PlaceholderError:
            continue  # reported with the texts
    return filled


def _noi_nhan(profile: UnitProfile, city: CityTemplate, book: RoleBook, where: Where) -> list[Problem]:
    entries = [text for _, _, text in noi_nhan_entries(city, profile, book)]
    existing = {_key(e) for e in entries}
    return [where("profile", ("noi_nhan", "remove", i), f"không có '{r}' trong Nơi nhận để bỏ",
                  "Ghi đúng như trong danh sách Nơi nhận: " + "; ".join(entries))
            for i, r in enumerate(profile.noi_nhan.remove) if _key(r) not in existing]


def _names(book: RoleBook, assignments: Any) -> list[str]:
    out: list[str] = []
    for a in assignments or []:
        out += [a.text] if a.role is None else list(book.names(a.role))
    return out


def _leads(profile: UnitProfile, city: CityTemplate, book: RoleBook, where: Where) -> list[Problem]:
    """Every task the unit keeps still has a lead at the unit."""
    level = book.level
    full = city.level(level).unit_name(profile.name)
    problems: list[Problem] = []
    overrides = profile.overrides
    try:
        for task, lead_loc, lead, container_lead in _level_leads(city, level):
            if task.pilot_only and not profile.pilot:
                continue
            override = overrides.get(task.id) if overrides else None
            if override is not None:
                if override.drop:
                    continue
                if override.lead is not None:  # (an empty one leaves the task its group's)
                    lead_loc, lead = ("profile", "overrides", task.id, "lead"), override.lead
                    if not lead:
                        lead_loc, lead = container_lead
            if not _names(book, lead):
                source, *rest = lead_loc
                problems.append(where(source, tuple(rest),
                                      f"nhiệm vụ {task.id} không còn đơn vị chủ trì khi chuyển cho {full}",
                                      "Ghi 'unit: {lead: [...]}' cho nhiệm vụ này trong mẫu thành phố, "
                                      "hoặc 'overrides' trong hồ sơ đơn vị"))
        for i, lt in enumerate(profile.local_tasks):
            if not _names(book, lt.lead):
                problems.append(where("profile", ("local_tasks", i, "lead"),
                                      f"nhiệm vụ {lt.id} chưa có đơn vị chủ trì",
                                      "Ghi 'lead: [mã vai trò]' cho nhiệm vụ riêng"))
    except UnknownRole:
        return problems  # reported where the key is written
    except RoleCycle as exc:
        problems.append(where("profile", ("departments", exc.path[0]),
                              f"vai trò '{exc.path[0]}' dẫn về chính nó: {' → '.join(exc.path)}",
                              "Một phòng, ban chỉ được chuyển thành các vai trò khác, không vòng lại"))
    except PlaceholderError:
        pass  # reported with the texts
    return problems


# The tasks of a level, each with its lead there and that lead's place, and its group's or
# section's lead (the same for every unit of the level: worked out once per template and
# level, not per unit). The template is kept with its list, so that its id is not another's.
_Lead = tuple[tuple[Any, ...], Any]  # (place: "city" or "profile", then the keys), lead
_LEVEL_LEADS: dict[tuple[int, str], tuple[CityTemplate, list[tuple[Task, tuple[Any, ...], Any, _Lead]]]] = {}


def _level_leads(city: CityTemplate, level: str) -> list[tuple[Task, tuple[Any, ...], Any, _Lead]]:
    found = _LEVEL_LEADS.get((id(city), level))
    if found is not None and found[0] is city:
        return found[1]
    leads = []
    for loc, task, container in tasks_with_places(city):
        if not task.applies_to(level):
            continue
        inherited_loc, inherited = pick(container.layers(level), "lead")
        container_lead = (("city", *_under(loc, container, task), *inherited_loc), inherited)
        lead_loc, lead = _city_lead(task, level, loc)
        if not lead:
            lead_loc, lead = container_lead
        leads.append((task, lead_loc, lead, container_lead))
    if len(_LEVEL_LEADS) >= 16:  # a few templates' levels: a program may load many templates
        _LEVEL_LEADS.clear()
    _LEVEL_LEADS[(id(city), level)] = (city, leads)
    return leads


def _under(task_loc: Loc, container: Any, task: Task) -> Loc:
    """The place of ``container`` from the place of one of its tasks."""
    if isinstance(container, Section) and container.task is task:
        return task_loc[:-1]  # (…, "task")
    return task_loc[:-2]  # (…, "tasks", i)


def _city_lead(task: Task, level: str, loc: Loc) -> _Lead:
    """The lead the city gives ``task`` (at ``loc``) at ``level``, and its place."""
    lead_loc, lead = pick(task.layers(level), "lead")
    return ("city", *loc, *lead_loc), lead
