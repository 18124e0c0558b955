"""What changed between two versions of a city template, and which units it affects.

Tasks are compared by their stable id (added, removed, moved between sections, and which
fields changed); the body section by section. The impact on a unit is found by adapting both
versions for it and comparing the two plans: a change to a task that does not apply to the
unit's level affects none of its units, and a unit that overrides the changed field keeps its
override ("override kept, review"). An override whose task disappeared is reported, never
silently dropped. Tasks that only moved up or down in numbering are renumbering, not change.

The text leads with one line per change and the number of units it reaches, then groups the
units that share the same effect, with renumbering as one line per range; each unit's detail
is behind ``verbose`` and in the JSON.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .adapt import Row, UnitPlan, adapt
from .errors import InputError
from .model import CityTemplate, Task, UnitProfile

TASK_FIELDS = ("text", "lead", "coop", "outputs", "deadline", "levels", "pilot_only", "unit")
OVERRIDABLE = ("text", "lead", "coop", "outputs", "deadline")
FIELD_NAMES = {
    "text": "nội dung", "lead": "chủ trì", "coop": "phối hợp", "outputs": "sản phẩm",
    "deadline": "tiến độ", "levels": "cấp áp dụng", "pilot_only": "chỉ đơn vị làm điểm",
    "unit": "cách viết cho cấp đơn vị",
}
_SHOWN_VALUES = ("text", "deadline", "lead", "coop", "outputs")


@dataclass
class TaskChange:
    id: str
    kind: str                      # added | removed | changed
    fields: list[str] = field(default_factory=list)
    moved: tuple[str, str] | None = None   # (old section, new section)
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)
    units: int = 0                 # how many of the units compared it reaches

    def describe(self) -> str:
        """``~ B07: đổi tiến độ`` and the like."""
        if self.kind == "added":
            return f"+ {self.id}: thêm mới — {_short(self.new.get('text', ''))}"
        if self.kind == "removed":
            return f"- {self.id}: bỏ — {_short(self.old.get('text', ''))}"
        what = ", ".join(FIELD_NAMES.get(f, f"cách viết cho cấp {f}") for f in self.fields)
        if self.moved:
            what = (what + "; " if what else "") + f"chuyển từ mục {self.moved[0]} sang {self.moved[1]}"
        return f"~ {self.id}: đổi {what}"


@dataclass
class UnitImpact:
    profile: str
    unit: str
    status: str                    # changed | review (only an override kept) | unchanged | error
    tasks: list[str] = field(default_factory=list)       # task ids whose rows changed (not renumbering)
    renumbered: list[str] = field(default_factory=list)  # "23–51 → 22–50", one range each
    body: bool = False
    header: bool = False
    sections: bool = False
    overrides_kept: list[str] = field(default_factory=list)   # "B07.deadline"
    orphan_overrides: list[str] = field(default_factory=list)  # override ids no longer in the city
    errors: list[str] = field(default_factory=list)

    def effect(self) -> str:
        """The change to this unit's plan in words (the same words for the same change)."""
        parts = []
        if self.tasks:
            parts.append("nhiệm vụ " + ", ".join(self.tasks))
        if self.renumbered:
            parts.append("đánh số lại " + "; ".join(self.renumbered))
        if self.body:
            parts.append("nội dung Kế hoạch")
        if self.sections:
            parts.append("tiêu đề mục của phụ lục")
        if self.header:
            parts.append("phần đầu/Nơi nhận")
        return "; ".join(parts) or "Kế hoạch không đổi vì đơn vị đã có thay đổi riêng"


@dataclass
class CityDiff:
    tasks: list[TaskChange]
    sections: list[str]            # body / appendix parts that changed, described
    units: list[UnitImpact] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.tasks and not self.sections

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, default=str)

    def to_text(self, *, verbose: bool = False) -> str:
        lines: list[str] = []
        if self.empty:
            lines.append("Hai mẫu thành phố giống nhau về nội dung.")
        lines += self._changes_text()
        if self.units:
            lines += self._units_text(verbose)
        return "\n".join(lines)

    def _changes_text(self) -> list[str]:
        lines = []
        reach = f"/{len(self.units)} đơn vị" if self.units else ""
        if self.tasks:
            lines.append(f"Nhiệm vụ thay đổi ({len(self.tasks)}):")
            for c in self.tasks:
                lines.append(f"  {c.describe()}" + (f" — ảnh hưởng {c.units}{reach}" if self.units else ""))
                for f in c.fields:
                    lines += _value_lines(f, c.old.get(f), c.new.get(f))
        if self.sections:
            lines.append("Phần khác thay đổi:")
            lines.extend(f"  ~ {s}" for s in self.sections)
        return lines

    def _units_text(self, verbose: bool) -> list[str]:
        changed = [u for u in self.units if u.status in ("changed", "review")]
        same = [u for u in self.units if u.status == "unchanged"]
        lines = [f"Đơn vị bị ảnh hưởng hoặc cần xem lại: {len(changed)}/{len(self.units)}"]
        if verbose:
            lines += [f"  * {u.unit} ({u.profile}): {u.effect()}" for u in changed]
        else:
            groups: dict[str, list[UnitImpact]] = {}
            for u in changed:
                groups.setdefault(u.effect(), []).append(u)
            for effect, units in sorted(groups.items(), key=lambda kv: -len(kv[1])):
                lines.append(f"  * {_names(units)}: {effect}")
        for u in changed:
            lines += [f"      {u.unit}: giữ thay đổi riêng của đơn vị, cần xem lại: {o}" for o in u.overrides_kept]
        for u in self.units:
            lines += [f"  ! {u.unit} ({u.profile}): thay đổi riêng cho nhiệm vụ {o} nhưng thành phố đã bỏ "
                      "nhiệm vụ này; xóa hoặc chuyển thành nhiệm vụ riêng" for o in u.orphan_overrides]
        lines += [f"  ! {u.unit} ({u.profile}): lỗi với mẫu mới: {'; '.join(u.errors)}"
                  for u in self.units if u.status == "error"]
        if same:
            lines.append(f"Không đổi: {_names(same, limit=10)}")
        if not verbose and changed:
            lines.append("(Chi tiết từng đơn vị: --verbose; đầy đủ: --json.)")
        return lines


def _value_lines(name: str, old: Any, new: Any) -> list[str]:
    """``tiến độ: A → B``; for a wording (unit:, a level's key) each field it changes."""
    if name in _SHOWN_VALUES:
        return [f"      {FIELD_NAMES[name]}: {_change(old, new)}"]
    if isinstance(old, dict) or isinstance(new, dict):
        old, new = old or {}, new or {}
        label = FIELD_NAMES.get(name, f"cách viết cho cấp {name}")
        return [f"      {label}, {FIELD_NAMES[k]}: {_change(old.get(k), new.get(k))}"
                for k in _SHOWN_VALUES if old.get(k) != new.get(k)]
    return []


def _change(old: Any, new: Any) -> str:
    """``A → B``; of two lists of the same length, only the items that differ."""
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new) > 1:
        return "; ".join(f"mục {i + 1}: {_short(a)} → {_short(b)}"
                         for i, (a, b) in enumerate(zip(old, new, strict=True)) if a != b)
    return f"{_short(old)} → {_short(new)}"


def _names(units: list[UnitImpact], limit: int = 3) -> str:
    shown = ", ".join(u.unit for u in units[:limit])
    more = f" và {len(units) - limit} đơn vị khác" if len(units) > limit else ""
    return f"{len(units)} đơn vị ({shown}{more})" if len(units) > 1 else shown


def _short(value: Any, n: int = 90) -> str:
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    text = str(value or "")
    return text if len(text) <= n else text[: n - 1] + "…"


def _task_dump(task: Task) -> dict[str, Any]:
    data = task.model_dump(mode="json", exclude_none=True)
    for f in ("lead", "coop"):
        data[f] = [a.get("role") or a.get("text") if not a.get("note") else
                   f"{a.get('role') or a.get('text')} ({a['note']})" for a in data.get(f, [])]
    return data


def _task_sections(city: CityTemplate) -> dict[str, tuple[str, Task]]:
    return {task.id: (section.id if section else group.id, task)
            for group, section, task in city.appendix.all_tasks()}


def diff_tasks(old: CityTemplate, new: CityTemplate) -> list[TaskChange]:
    a, b = _task_sections(old), _task_sections(new)
    changes = [TaskChange(tid, "removed", old=_task_dump(task)) for tid, (_, task) in a.items() if tid not in b]
    for tid, (sec, task) in b.items():
        if tid not in a:
            changes.append(TaskChange(tid, "added", new=_task_dump(task)))
            continue
        old_sec, old_task = a[tid]
        od, nd = _task_dump(old_task), _task_dump(task)
        levels = sorted(set(old_task.by_level) | set(task.by_level))  # wording for one level
        fields = [f for f in (*TASK_FIELDS, *levels) if od.get(f) != nd.get(f)]
        moved = (old_sec, sec) if old_sec != sec else None
        if fields or moved:
            changes.append(TaskChange(tid, "changed", fields=fields, moved=moved,
                                      old={f: od.get(f) for f in fields}, new={f: nd.get(f) for f in fields}))
    return changes


def _body_changes(old: CityTemplate, new: CityTemplate) -> list[str]:
    ob, nb = old.body, new.body
    out = [f"thân Kế hoạch: {label}" for name, label in
           (("trich_yeu", "trích yếu"), ("can_cu", "căn cứ"), ("closing", "câu kết"))
           if getattr(ob, name) != getattr(nb, name)]
    old_secs = {s.heading or str(i): s for i, s in enumerate(ob.sections)}
    new_secs = {s.heading or str(i): s for i, s in enumerate(nb.sections)}
    for heading, sec in new_secs.items():
        if heading not in old_secs:
            out.append(f"thân Kế hoạch: thêm mục '{heading}'")
        elif old_secs[heading] != sec:
            out.append(f"thân Kế hoạch: mục '{heading}'")
    out.extend(f"thân Kế hoạch: bỏ mục '{h}'" for h in old_secs if h not in new_secs)
    return out


def _appendix_changes(old: CityTemplate, new: CityTemplate) -> list[str]:
    out = []
    for og, ng in zip(old.appendix.groups, new.appendix.groups, strict=False):
        if og.title != ng.title:
            out.append(f"phụ lục: tiêu đề nhóm {ng.id}")
        old_s = {s.id: s for s in og.sections}
        for s in ng.sections:
            before = old_s.get(s.id)
            if before is not None and before.model_dump(exclude={"tasks", "task"}) != s.model_dump(
                    exclude={"tasks", "task"}):
                out.append(f"phụ lục: tiêu đề mục {s.id}")
    if old.appendix.footnotes != new.appendix.footnotes:
        out.append("phụ lục: chú thích")
    return out


def diff_sections(old: CityTemplate, new: CityTemplate) -> list[str]:
    out = _body_changes(old, new)
    if old.plan != new.plan:
        out.append("thông tin Kế hoạch của thành phố (số, ngày, tên)")
    out += [f"vai trò '{key}'" for key in sorted(set(old.roles) | set(new.roles))
            if old.roles.get(key) != new.roles.get(key)]
    if old.levels != new.levels or old.style != new.style:
        out.append("cấp đơn vị hoặc cách trình bày")
    out += _appendix_changes(old, new)
    if old.noi_nhan != new.noi_nhan or old.luu != new.luu:
        out.append("Nơi nhận")
    return out


def unit_impact(old: CityTemplate, new: CityTemplate, profile: UnitProfile, name: str,
                changes: list[TaskChange], old_ids: set[str] | None = None,
                new_ids: set[str] | None = None) -> UnitImpact:
    impact = UnitImpact(profile=name, unit=profile.full_name, status="unchanged")
    old_ids = set(old.task_index()) if old_ids is None else old_ids
    new_ids = set(new.task_index()) if new_ids is None else new_ids
    impact.orphan_overrides = [tid for tid in profile.overrides if tid not in new_ids]
    # the orphans are reported; each version is adapted with the overrides it knows
    try:
        before = adapt(old, _overriding(profile, old_ids), draft=True)
        after = adapt(new, _overriding(profile, new_ids), draft=True)
    except InputError as exc:
        impact.status = "error"
        impact.errors = [p.format() for p in exc.problems]
        return impact
    _compare(before, after, impact, {c.id for c in changes if c.moved})
    impact.overrides_kept = _kept_overrides(profile, changes)
    if impact.tasks or impact.renumbered or impact.body or impact.header or impact.sections \
            or impact.orphan_overrides:
        impact.status = "changed"
    elif impact.overrides_kept:
        impact.status = "review"
    return impact


def _kept_overrides(profile: UnitProfile, changes: list[TaskChange]) -> list[str]:
    """"B07.deadline": a field the city changed that the unit's own override still decides."""
    out = []
    for c in changes:
        ov = profile.overrides.get(c.id)
        if ov is not None and c.kind == "changed":
            out += [f"{c.id}.{f}" for f in c.fields if f in OVERRIDABLE and getattr(ov, f) is not None]
    return out


def _overriding(profile: UnitProfile, ids: set[str]) -> UnitProfile:
    """``profile`` with only the overrides of tasks in ``ids``."""
    return profile.model_copy(update={"overrides": {k: v for k, v in profile.overrides.items() if k in ids}})


def _groups(plan: UnitPlan) -> dict[str | None, str]:
    """The group (A, B …) of each task row: numbers restart in each group."""
    out: dict[str | None, str] = {}
    group = ""
    for r in plan.rows():
        if r.kind == "group":
            group = r.number
        elif r.is_task:
            out[r.task_id] = group
    return out


def _compare(before: UnitPlan, after: UnitPlan, impact: UnitImpact, moved: set[str]) -> None:
    impact.tasks, impact.renumbered = _task_changes(before, after, moved)
    impact.body = before.body != after.body or before.trich_yeu != after.trich_yeu
    impact.sections = [r for r in before.rows() if not r.is_task] != [r for r in after.rows() if not r.is_task]
    impact.header = (before.noi_nhan, before.issuer_lines, before.footnotes) != (
        after.noi_nhan, after.issuer_lines, after.footnotes)


def _task_changes(before: UnitPlan, after: UnitPlan, moved: set[str]) -> tuple[list[str], list[str]]:
    """The tasks whose rows changed, and the renumbering of the others, one line per range."""
    rows_b = {r.task_id: r for r in before.tasks()}
    rows_a = {r.task_id: r for r in after.tasks()}
    groups_b, groups_a = _groups(before), _groups(after)
    changed: list[str] = []
    moves: dict[str, list[tuple[int, int]]] = {}
    for tid in dict.fromkeys([*rows_b, *rows_a]):
        b, a = rows_b.get(tid), rows_a.get(tid)
        if b == a or tid is None:
            continue
        if b is None or a is None or tid in moved or groups_b[tid] != groups_a[tid] or not _same_but_number(b, a):
            changed.append(tid)
        elif b.number.isdigit() and a.number.isdigit():
            moves.setdefault(groups_b[tid], []).append((int(b.number), int(a.number)))
    return changed, [f"nhóm {g}: {r}" if g else r for g, pairs in moves.items() for r in _ranges(pairs)]


def _same_but_number(b: Row, a: Row) -> bool:
    return b.kind == a.kind and (b.text, b.lead, b.coop, b.outputs, b.deadline) == (
        a.text, a.lead, a.coop, a.outputs, a.deadline)


def _ranges(moves: list[tuple[int, int]]) -> list[str]:
    """``[(23, 22), (24, 23), (25, 24)]`` → ``["23–25 → 22–24"]``: one line per run of tasks
    that moved by the same step."""
    out: list[str] = []
    run: list[tuple[int, int]] = []
    for old, new in sorted(moves):
        if run and old == run[-1][0] + 1 and new - old == run[-1][1] - run[-1][0]:
            run.append((old, new))
            continue
        if run:
            out.append(_range(run))
        run = [(old, new)]
    if run:
        out.append(_range(run))
    return out


def _range(run: list[tuple[int, int]]) -> str:
    if len(run) == 1:
        return f"{run[0][0]} → {run[0][1]}"
    return f"{run[0][0]}–{run[-1][0]} → {run[0][1]}–{run[-1][1]}"


def diff_cities(old: CityTemplate, new: CityTemplate,
                profiles: list[tuple[str, UnitProfile]] | None = None) -> CityDiff:
    """Everything that changed from ``old`` to ``new``, and its impact on each profile."""
    changes = diff_tasks(old, new)
    result = CityDiff(tasks=changes, sections=diff_sections(old, new))
    old_ids, new_ids = set(old.task_index()), set(new.task_index())
    for name, profile in profiles or []:
        result.units.append(unit_impact(old, new, profile, name, changes, old_ids, new_ids))
    for c in changes:
        c.units = sum(1 for u in result.units if c.id in u.tasks)
    return result
