"""Tasks written in the body ("a) … - Đơn vị chủ trì: … - Thời gian thực hiện: …") as groups,
sections and tasks of the template, with the house style they were written in.

A task is a numbered paragraph with field lines under it ("Đơn vị chủ trì/phối hợp/thực
hiện", "Cơ quan chủ trì", "Thời gian (thực hiện)", "Tiến độ", "Thời hạn", "Sản phẩm"); the
headings above tasks are sections, and the headings above those, groups. A heading with field
lines and no tasks is a section that is itself a task. Field lines printed once after the last
task of a section or group, when the tasks before have none of their own, are shared by all
its tasks ("Đơn vị thực hiện" for the whole section).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..model import FieldLine, InlineStyle
from ..numbering import roman
from .drafts import GroupDraft, SectionDraft, TaskDraft
from .outline import Node
from .session import Session
from .structure import _split_count
from .text import fold, strip_end
from .wording import Notes

_ASSIGN = ("lead", "coop")


def field_show(label: str) -> list[str]:
    """What a field line shows, from its label."""
    f = fold(label)
    if "chu tri" in f:
        return ["lead"]
    if "phoi hop" in f:
        return ["coop"]
    if f.startswith(("thoi gian", "thoi han", "tien do")):
        return ["deadline"]
    if f.startswith(("san pham", "ket qua")):
        return ["outputs"]
    return ["lead", "coop"]  # "Đơn vị thực hiện": who does it, leading or not


def has_fields(node: Node) -> bool:
    return any(c.field for c in node.children)


@dataclass
class Inline:
    """What the task area held."""

    groups: list[GroupDraft]
    before: list[Node]
    after: list[Node]
    style: InlineStyle
    count: int = 0


class InlineReader:
    """Reads one task area (the content of a top-level heading) for ``session``."""

    def __init__(self, session: Session, notes: Notes):
        self.session = session
        self.notes = notes
        self.labels: list[tuple[str, tuple[str, ...]]] = []
        self.markers: Counter[str] = Counter()

    # -- fields ------------------------------------------------------------------------------
    def fields(self, lines: Sequence[Node]) -> dict[str, Any]:
        """The values of field lines (and the "+" lines continuing them)."""
        out: dict[str, Any] = {}
        current: tuple[list[str], list[str]] | None = None  # (show, value lines)
        pending: list[tuple[list[str], list[str], str]] = []
        for node in lines:
            m = node.field
            if m is not None:
                label = " ".join(m.group("label").split())
                show = field_show(label)
                marker = node.title[:1] if node.title[:1] in "-–—•+" else ""
                self.markers["-" if marker in "–—•" and marker else marker] += 1
                key = (label[:1].upper() + label[1:], tuple(show))
                if key not in self.labels:
                    self.labels.append(key)
                current = (show, [m.group("value").strip()])
                pending.append((show, current[1], node.where))
            elif current is not None:
                current[1].append(node.title.strip())
        for show, value_lines, where in pending:
            value = strip_end("\n".join(value_lines))
            if show[0] in _ASSIGN:
                out["lead" if show == ["lead", "coop"] else show[0]] = self.assignments(value, where)
            else:
                out[show[0]] = items(value)
        return out

    def assignments(self, value: str, where: str) -> list[dict[str, str]]:
        parts = [p for p in re.split(r"\s*;\s*", " ".join(value.split())) if p]
        return self.session.assignments(parts, where)

    # -- structure ---------------------------------------------------------------------------
    def read(self, area: Node) -> Inline:
        """The groups, sections and tasks of ``area``, read by the layout its headings have
        (see :func:`_layout_of`), with the text before and after the tasks."""
        task_fmt = _task_format(area)
        parts = _AreaParts.of(area)
        read_layout = {"flat": self._flat, "mixed": self._mixed, "grouped": self._grouped}
        shape = read_layout[_layout_of(parts.heads, task_fmt)](area, parts, task_fmt)
        style = self._style(shape.group_fmt, shape.section_fmt, task_fmt)
        return Inline(shape.groups, parts.before, parts.after, style, _task_count(shape.groups))

    def _flat(self, area: Node, parts: _AreaParts, task_fmt: str) -> _Shape:
        """Every heading is a task: one untitled group holds them all."""
        group = GroupDraft("A", "", where=area.where)
        self._tasks(group, None, parts.heads, parts.trailing)
        return _Shape([group], task_fmt)

    def _mixed(self, area: Node, parts: _AreaParts, task_fmt: str) -> _Shape:
        """One level of headings, some of them tasks: sections of an untitled group."""
        group = GroupDraft("A", "", where=area.where)
        tasks = [h for h in parts.heads if _is_task(h, task_fmt)]
        self._tasks(group, None, tasks, parts.trailing)
        others = [h for h in parts.heads if h not in tasks]
        for n, h in enumerate(others, start=1):
            group.sections.append(self._section(h, task_fmt, n, group))
        return _Shape([group], next((h.fmt for h in others), "1."))

    def _grouped(self, area: Node, parts: _AreaParts, task_fmt: str) -> _Shape:
        """Every heading a group, with its own tasks and sections."""
        groups: list[GroupDraft] = []
        section_fmt = ""
        for gn, h in enumerate(parts.heads, start=1):
            group, sections = self._group(gn, h, task_fmt)
            groups.append(group)
            section_fmt = section_fmt or next((s.fmt for s in sections if s.fmt), "")
        return _Shape(groups, parts.heads[0].fmt if parts.heads else "1.", section_fmt)

    def _group(self, n: int, node: Node, task_fmt: str) -> tuple[GroupDraft, list[Node]]:
        """The ``n``-th group, read from heading ``node``, and the headings of its sections."""
        group = GroupDraft(_letter(n), node.title, where=node.where)
        group.intro = [c.title for c in _leading_text(node)]
        tasks = [c for c in node.children if c.numbered and _is_task(c, task_fmt)]
        self._tasks(group, None, tasks, [c for c in _trailing(node) if c.field])
        sections = [c for c in node.children if c.numbered and c not in tasks]
        for sn, s in enumerate(sections, start=1):
            group.sections.append(self._section(s, task_fmt, sn, group))
        if sections and tasks and node.children.index(tasks[0]) > node.children.index(sections[0]):
            self.notes.add("cau_truc", tasks[0].where, tasks[0].title,
                           "nhiệm vụ đứng sau các mục của nhóm: mẫu in nhiệm vụ của nhóm trước các mục",
                           doubtful=True)
        return group, sections

    def _section(self, node: Node, task_fmt: str, n: int, group: GroupDraft) -> SectionDraft:
        label = roman(n)
        tasks = [c for c in node.children if c.numbered and _is_task(c, task_fmt)]
        own_fields = [c for c in node.children if c.field or (c.title.startswith("+") and not c.numbered)]
        title, count = _split_count(node.title)
        if not tasks and own_fields:
            fields = self.fields(_field_lines(node.children))
            return SectionDraft(label, task=_draft(label, node.title, fields, node.where), where=node.where)
        section = SectionDraft(label, title.strip(), show_count=count is not None, count=count, where=node.where)
        section.intro = [c.title for c in _leading_text(node)]
        self._tasks(group, section, tasks, [c for c in _trailing(node) if c.field or c.title.startswith("+")])
        if count is not None and count != len(section.tasks):
            self.notes.add("cau_truc", node.where, node.title,
                           f"mục ghi ({count:02d} nhiệm vụ) nhưng có {len(section.tasks)} nhiệm vụ; khi soạn "
                           "cho đơn vị, số nhiệm vụ được tính lại", doubtful=True)
        return section

    def _tasks(self, group: GroupDraft, section: SectionDraft | None, tasks: Sequence[Node],
               trailing: Sequence[Node]) -> None:
        """Tasks with their own fields; the field lines after the last task are shared when
        a task before it has none of its own."""
        target: Any = section if section is not None else group
        owned = [_field_lines(t.children) for t in tasks]
        shared_lines = _shared_lines(owned, trailing)
        if shared_lines:
            target.shared = self.fields(shared_lines)
        for t, lines in zip(tasks, owned, strict=True):
            extra = [c.title for c in t.children if not c.numbered and c not in lines and not c.field]
            group.numbers.append(str(len(group.numbers) + 1))
            draft = _draft(group.numbers[-1], "\n".join([t.title, *extra]), self.fields(lines), t.where)
            target.tasks.append(draft)
            if not draft.lead and not target.shared.get("lead") and not group.shared.get("lead"):
                self.notes.add("cau_truc", t.where, t.title,
                               "nhiệm vụ không ghi đơn vị chủ trì: tạm ghi '{{ ubnd }}', cần sửa", doubtful=True)
                draft.lead = [{"text": "{{ ubnd }}"}]

    def _style(self, group_fmt: str, section_fmt: str, task_fmt: str) -> InlineStyle:
        marker = self.markers.most_common(1)[0][0] if self.markers else "-"
        fields = [FieldLine.model_validate({"label": label, "show": list(show)}) for label, show in self.labels]
        default = InlineStyle()
        return InlineStyle(group=group_fmt or default.group, section=section_fmt or default.section,
                           task=task_fmt or default.task, field=marker if marker in ("-", "+") else "",
                           fields=fields or default.fields)


@dataclass
class _AreaParts:
    """A task area cut at its numbered children: the text before the first, the headings
    themselves, the text after the last, and the field lines after the last (shared)."""

    before: list[Node]
    heads: list[Node]
    after: list[Node]
    trailing: list[Node]

    @classmethod
    def of(cls, area: Node) -> _AreaParts:
        children = area.children
        first = next((i for i, c in enumerate(children) if c.numbered), len(children))
        last = max((i for i, c in enumerate(children) if c.numbered), default=-1)
        tail = children[last + 1:]
        return cls(before=children[:first],
                   heads=[c for c in children[first:last + 1] if c.numbered],
                   after=[c for c in tail if not c.field],
                   trailing=[c for c in tail if c.field or c.title.startswith("+")])


@dataclass
class _Shape:
    """What one layout reader made of an area: its groups and the numbering formats seen."""

    groups: list[GroupDraft]
    group_fmt: str
    section_fmt: str = ""


def _task_format(area: Node) -> str:
    """The numbering of tasks ("a)"): the most common among numbered paragraphs with field
    lines, preferring those not bold, then those without numbered children."""
    with_fields = [n for n in area.walk() if n.numbered and has_fields(n)]
    leaves = [n for n in with_fields if not _has_numbered(n)]
    plain = (Counter(n.fmt for n in with_fields if not n.bold) or Counter(n.fmt for n in leaves)
             or Counter(n.fmt for n in with_fields))
    return plain.most_common(1)[0][0] if plain else "a)"


def _layout_of(heads: Sequence[Node], task_fmt: str) -> str:
    """How an area's headings hold its tasks: "flat" (every heading a task), "mixed" (some
    headings tasks, the others sections) or "grouped" (every heading a group)."""
    all_leaves = all(has_fields(h) and not _has_numbered(h) for h in heads)
    if heads and all(h.fmt == task_fmt and (not h.bold or all_leaves) for h in heads):
        return "flat"
    if any(has_fields(h) and not _has_numbered(h) for h in heads):
        return "mixed"
    return "grouped"


def _has_numbered(node: Node) -> bool:
    return any(c.numbered for c in node.children)


def _is_task(node: Node, task_fmt: str) -> bool:
    """A heading numbered as tasks are and not bold (a bold one heads a section)."""
    return node.fmt == task_fmt and not node.bold


def _task_count(groups: Sequence[GroupDraft]) -> int:
    """Tasks of groups and sections, a section that is itself a task counting one."""
    return sum(len(g.tasks) + sum(len(s.tasks) + (s.task is not None) for s in g.sections) for g in groups)


def _shared_lines(owned: list[list[Node]], trailing: Sequence[Node]) -> list[Node]:
    """The field lines shared by a run of tasks: ``trailing``, and, when a task before the
    last has no field lines, those of the last from the first label it repeats (all of them
    when it repeats none). ``owned[-1]`` then keeps only the lines before."""
    shared = list(trailing)
    if len(owned) > 1 and any(not o for o in owned[:-1]) and owned[-1]:
        last = owned[-1]
        labels = [n.field.group("label") for n in last if n.field]
        field_nodes = [n for n in last if n.field]
        split = next((i for i, lb in enumerate(labels) if lb in labels[:i]), None)
        cut = last.index(field_nodes[split]) if split is not None else 0
        shared = [*last[cut:], *shared]
        owned[-1] = last[:cut]
    return shared


def _draft(label: str, text: str, fields: dict[str, Any], where: str) -> TaskDraft:
    """A task draft from the values of its field lines."""
    return TaskDraft(label, 0, text, lead=fields.get("lead", []), coop=fields.get("coop", []),
                     outputs=fields.get("outputs", []), deadline=fields.get("deadline", []), where=where)


def _field_lines(children: Sequence[Node]) -> list[Node]:
    """The field lines among a task's lines, with the "+" lines that continue them."""
    out: list[Node] = []
    inside = False
    for c in children:
        if c.field:
            out.append(c)
            inside = True
        elif inside and not c.numbered and c.title.startswith("+"):
            out.append(c)
        else:
            inside = False
    return out


def _leading_text(node: Node) -> list[Node]:
    out = []
    for c in node.children:
        if c.numbered or c.field:
            break
        out.append(c)
    return out


def _trailing(node: Node) -> list[Node]:
    last = max((i for i, c in enumerate(node.children) if c.numbered), default=-1)
    return node.children[last + 1:] if last >= 0 else [c for c in node.children if c.field or c.title.startswith("+")]


def items(value: str) -> list[str]:
    """Outputs or deadlines: "; " separates items on the first line; "+" lines stay with the
    item they continue."""
    first, _, rest = value.partition("\n")
    parts = [p.strip() for p in first.split("; ") if p.strip()]
    if rest and parts:
        parts[-1] = parts[-1] + "\n" + rest
    elif rest:
        parts = [rest]
    return parts


def _letter(n: int) -> str:
    return chr(ord("A") + n - 1) if n <= 26 else f"G{n}"


__all__ = ["Inline", "InlineReader", "field_show", "items"]
