"""What changed between two versions of a city template, and which units it affects.

Tasks are compared by their stable id (added, removed, moved between sections, and which
fields changed); the body section by section. The impact on a unit is found by adapting both
versions for it and comparing the two plans: a change to a task that does not apply to the
unit's level affects none of its units, and a unit that overrides the changed field keeps its
override ("override kept, review"). An override whose task disappeared is reported, never
silently dropped.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .adapt import UnitPlan, adapt
from .errors import InputError
from .model import CityTemplate, Task, UnitProfile

TASK_FIELDS = ("text", "lead", "coop", "outputs", "deadline", "levels", "pilot_only",
               "unit", "xa", "phuong", "dac_khu")
OVERRIDABLE = ("text", "lead", "coop", "outputs", "deadline")
FIELD_NAMES = {
    "text": "nội dung", "lead": "chủ trì", "coop": "phối hợp", "outputs": "sản phẩm",
    "deadline": "tiến độ", "levels": "cấp áp dụng", "pilot_only": "chỉ đơn vị làm điểm",
    "unit": "cách viết cho cấp xã", "xa": "cách viết cho xã", "phuong": "cách viết cho phường",
    "dac_khu": "cách viết cho đặc khu",
}


@dataclass
class TaskChange:
    id: str
    kind: str                      # added | removed | changed
    fields: list[str] = field(default_factory=list)
    moved: tuple[str, str] | None = None   # (old section, new section)
    old: dict[str, Any] = field(default_factory=dict)
    new: dict[str, Any] = field(default_factory=dict)


@dataclass
class UnitImpact:
    profile: str
    unit: str
    status: str                    # changed | review (only an override kept) | unchanged | error
    tasks: list[str] = field(default_factory=list)       # task ids whose rows changed
    body: bool = False
    header: bool = False
    sections: bool = False
    overrides_kept: list[str] = field(default_factory=list)   # "B07.deadline"
    orphan_overrides: list[str] = field(default_factory=list)  # override ids no longer in the city
    errors: list[str] = field(default_factory=list)


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

    def to_text(self) -> str:
        lines: list[str] = []
        if self.empty:
            lines.append("Hai mẫu thành phố giống nhau về nội dung.")
        if self.tasks:
            lines.append(f"Nhiệm vụ thay đổi ({len(self.tasks)}):")
            for c in self.tasks:
                if c.kind == "added":
                    lines.append(f"  + {c.id}: thêm mới — {_short(c.new.get('text', ''))}")
                elif c.kind == "removed":
                    lines.append(f"  - {c.id}: bỏ — {_short(c.old.get('text', ''))}")
                else:
                    what = ", ".join(FIELD_NAMES.get(f, f) for f in c.fields)
                    if c.moved:
                        what = (what + "; " if what else "") + f"chuyển từ mục {c.moved[0]} sang {c.moved[1]}"
                    lines.append(f"  ~ {c.id}: đổi {what}")
                    for f in c.fields:
                        if f in ("text", "deadline", "lead", "coop", "outputs"):
                            lines.append(f"      {FIELD_NAMES[f]}: {_short(c.old.get(f))} → {_short(c.new.get(f))}")
        if self.sections:
            lines.append("Phần khác thay đổi:")
            lines.extend(f"  ~ {s}" for s in self.sections)
        if self.units:
            changed = [u for u in self.units if u.status in ("changed", "review")]
            errors = [u for u in self.units if u.status == "error"]
            same = [u for u in self.units if u.status == "unchanged"]
            lines.append(f"Đơn vị bị ảnh hưởng hoặc cần xem lại: {len(changed)}/{len(self.units)}")
            for u in changed:
                parts = []
                if u.tasks:
                    parts.append("nhiệm vụ " + ", ".join(u.tasks))
                if u.body:
                    parts.append("nội dung Kế hoạch")
                if u.sections:
                    parts.append("tiêu đề mục của phụ lục")
                if u.header:
                    parts.append("phần đầu/Nơi nhận")
                if not parts:
                    parts.append("Kế hoạch không đổi vì đơn vị đã có thay đổi riêng")
                lines.append(f"  * {u.unit} ({u.profile}): {'; '.join(parts)}")
                for o in u.overrides_kept:
                    lines.append(f"      giữ thay đổi riêng của đơn vị, cần xem lại: {o}")
            for u in self.units:
                for o in u.orphan_overrides:
                    lines.append(f"  ! {u.unit} ({u.profile}): thay đổi riêng cho nhiệm vụ {o} "
                                 "nhưng thành phố đã bỏ nhiệm vụ này; xóa hoặc chuyển thành nhiệm vụ riêng")
            for u in errors:
                lines.append(f"  ! {u.unit} ({u.profile}): lỗi với mẫu mới: {'; '.join(u.errors)}")
            if same:
                lines.append(f"Không đổi: {len(same)} đơn vị"
                             + (": " + ", ".join(u.unit for u in same) if len(same) <= 10 else ""))
        return "\n".join(lines)


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
    out: dict[str, tuple[str, Task]] = {}
    for group, section, task in city.appendix.all_tasks():
        out[task.id] = (section.id if section else group.id, task)
    return out


def diff_tasks(old: CityTemplate, new: CityTemplate) -> list[TaskChange]:
    a, b = _task_sections(old), _task_sections(new)
    changes: list[TaskChange] = []
    for tid, (_, task) in a.items():
        if tid not in b:
            changes.append(TaskChange(tid, "removed", old=_task_dump(task)))
    for tid, (sec, task) in b.items():
        if tid not in a:
            changes.append(TaskChange(tid, "added", new=_task_dump(task)))
            continue
        old_sec, old_task = a[tid]
        od, nd = _task_dump(old_task), _task_dump(task)
        fields = [f for f in TASK_FIELDS if od.get(f) != nd.get(f)]
        moved = (old_sec, sec) if old_sec != sec else None
        if fields or moved:
            changes.append(TaskChange(tid, "changed", fields=fields, moved=moved,
                                      old={f: od.get(f) for f in fields}, new={f: nd.get(f) for f in fields}))
    return changes


def diff_sections(old: CityTemplate, new: CityTemplate) -> list[str]:
    out: list[str] = []
    ob, nb = old.body, new.body
    for name, label in (("trich_yeu", "trích yếu"), ("can_cu", "căn cứ"), ("closing", "câu kết")):
        if getattr(ob, name) != getattr(nb, name):
            out.append(f"thân Kế hoạch: {label}")
    old_secs = {s.heading or str(i): s for i, s in enumerate(ob.sections)}
    new_secs = {s.heading or str(i): s for i, s in enumerate(nb.sections)}
    for heading, sec in new_secs.items():
        if heading not in old_secs:
            out.append(f"thân Kế hoạch: thêm mục '{heading}'")
        elif old_secs[heading] != sec:
            out.append(f"thân Kế hoạch: mục '{heading}'")
    out.extend(f"thân Kế hoạch: bỏ mục '{h}'" for h in old_secs if h not in new_secs)
    if old.plan != new.plan:
        out.append("thông tin Kế hoạch của thành phố (số, ngày, tên)")
    for key in sorted(set(old.roles) | set(new.roles)):
        if old.roles.get(key) != new.roles.get(key):
            out.append(f"vai trò '{key}'")
    for og, ng in zip(old.appendix.groups, new.appendix.groups, strict=False):
        if og.title != ng.title:
            out.append(f"phụ lục: tiêu đề nhóm {ng.id}")
        old_s = {s.id: s for s in og.sections}
        for s in ng.sections:
            if s.id in old_s and (old_s[s.id].title, old_s[s.id].unit, old_s[s.id].xa, old_s[s.id].phuong,
                                  old_s[s.id].dac_khu) != (s.title, s.unit, s.xa, s.phuong, s.dac_khu):
                out.append(f"phụ lục: tiêu đề mục {s.id}")
    if old.appendix.footnotes != new.appendix.footnotes:
        out.append("phụ lục: chú thích")
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
    _compare(before, after, impact)
    for c in changes:
        ov = profile.overrides.get(c.id)
        if ov is not None and c.kind == "changed":
            kept = [f for f in c.fields if f in OVERRIDABLE and getattr(ov, f) is not None]
            impact.overrides_kept.extend(f"{c.id}.{f}" for f in kept)
    if impact.tasks or impact.body or impact.header or impact.sections or impact.orphan_overrides:
        impact.status = "changed"
    elif impact.overrides_kept:
        impact.status = "review"
    return impact


def _overriding(profile: UnitProfile, ids: set[str]) -> UnitProfile:
    """``profile`` with only the overrides of tasks in ``ids``."""
    return profile.model_copy(update={"overrides": {k: v for k, v in profile.overrides.items() if k in ids}})


def _compare(before: UnitPlan, after: UnitPlan, impact: UnitImpact) -> None:
    rows_b = {r.task_id: r for r in before.tasks()}
    rows_a = {r.task_id: r for r in after.tasks()}
    ids = list(dict.fromkeys([*rows_b, *rows_a]))
    impact.tasks = [tid for tid in ids if tid is not None and rows_b.get(tid) != rows_a.get(tid)]
    impact.body = before.body != after.body or before.trich_yeu != after.trich_yeu
    impact.sections = [r for r in before.rows() if not r.is_task] != [r for r in after.rows() if not r.is_task]
    impact.header = (before.noi_nhan, before.issuer_lines, before.footnotes) != (
        after.noi_nhan, after.issuer_lines, after.footnotes)


def diff_cities(old: CityTemplate, new: CityTemplate,
                profiles: list[tuple[str, UnitProfile]] | None = None) -> CityDiff:
    """Everything that changed from ``old`` to ``new``, and its impact on each profile."""
    changes = diff_tasks(old, new)
    result = CityDiff(tasks=changes, sections=diff_sections(old, new))
    old_ids, new_ids = set(old.task_index()), set(new.task_index())
    for name, profile in profiles or []:
        result.units.append(unit_impact(old, new, profile, name, changes, old_ids, new_ids))
    return result
