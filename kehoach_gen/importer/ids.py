"""Stable task and section ids: from the city's numbering on a first import; on a re-import,
the id of the previous template's task (or section) with the most similar text, so that unit
profiles that name tasks by id keep working after the city revises its table."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from ..model import Appendix, Section, Task
from .drafts import GroupDraft, SectionDraft, TaskDraft
from .text import JINJA, digits, fold, number, similarity_text

if TYPE_CHECKING:
    from .session import Session

SIMILARITY = 0.6  # difflib ratio above which two task texts are the same task, revised
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


class Ids:
    """Task and section ids: from the city's numbering on a first import; from the previous
    template's tasks with the most similar text on a re-import."""

    def __init__(self, session: Session, groups: list[GroupDraft]):
        self.session = session
        self.groups = groups
        self.previous = session.previous
        self.old_tasks: dict[str, Task] = self.previous.task_index() if self.previous else {}
        self.old_sections: dict[str, Section] = {
            s.id: s for g in self.previous.appendix.groups for s in g.sections
        } if self.previous else {}
        self.new: list[str] = []
        self.removed: list[str] = []

    def origins(self) -> dict[str, str]:
        """Where each group, section and task came from (id → "phụ lục, hàng 12")."""
        out = {g.id: g.where for g in self.groups if g.where}
        for g in self.groups:
            out.update({s.id: s.where for s in g.sections if s.id and s.where})
        out.update({t.id: t.where for _, t, _ in self._entries() if t.id and t.where})
        return out

    def _entries(self) -> Iterator[tuple[GroupDraft, TaskDraft, SectionDraft | None]]:
        """(group, task, section-or-None) in document order; a section's own task included."""
        for g in self.groups:
            for t in g.tasks:
                yield g, t, None
            for s in g.sections:
                if s.task is not None:
                    yield g, s.task, s
                for t in s.tasks:
                    yield g, t, s

    def assign(self) -> None:
        entries = list(self._entries())
        widths = {g.id: max((len(digits(n)) for n in g.numbers), default=1) for g in self.groups}
        old_ids = list(self.old_tasks)
        match = best_matches(
            [similarity_text(t.text) for _, t, _ in entries],
            [similarity_text(self.old_tasks[i].text) for i in old_ids],
        )
        used: set[str] = set()
        for n, (_, task, _) in enumerate(entries):
            if n in match:
                task.id = old_ids[match[n]]
                used.add(task.id)
        prev_in_group: dict[str, str] = {}
        for g, task, s in entries:
            if task.id is None:
                natural = natural_id(g.id, task.label, widths[g.id],
                                     section_task=s is not None and s.task is task)
                task.id = self._fresh(natural, prev_in_group.get(g.id), g.id, used)
                used.add(task.id)
                if self.previous is not None:
                    self.new.append(task.id)
                    self.session.warn(f"nhiệm vụ mới số {task.label} (hàng {task.line}) nhận "
                                      f"mã {task.id}", "Xem lại: nhiệm vụ này chưa có trong mẫu cũ")
            prev_in_group[g.id] = task.id
        self.removed = [i for i in old_ids if i not in used]
        for i in self.removed:
            self.session.warn(f"nhiệm vụ {i} của mẫu cũ không còn trong bảng mới (đã bỏ)",
                              "Nếu hồ sơ đơn vị có 'overrides' cho mã này, hãy xóa")
        self._sections()
        self._carry_wording()

    def _fresh(self, natural: str, prev: str | None, group: str, used: set[str]) -> str:
        taken = set(self.old_tasks) | used
        if natural not in taken:
            return natural
        if prev and "-" not in prev:
            base = prev.rstrip(_LETTERS) if prev[-1:].islower() else prev
            for letter in _LETTERS:
                if f"{base}{letter}" not in taken:
                    return f"{base}{letter}"
        numbers = [m.group(1) for i in taken
                   if (m := re.fullmatch(rf"{re.escape(group)}(\d+)\D*", i))]
        width = max((len(n) for n in numbers), default=1)
        values = [v for n in numbers if (v := number(n)) is not None]
        return f"{group}{max(values, default=0) + 1:0{width}d}"

    def _sections(self) -> None:
        """Section ids: a titled section takes the id of the previous one with the most
        similar title, a section that is itself a task the id of the section its task was
        in; the others a fresh id from the group and label."""
        used: set[str] = set()
        self._match_titled(used)
        self._match_section_tasks(used)
        self._fresh_sections(used)

    def _match_titled(self, used: set[str]) -> None:
        titled_old = [s for s in self.old_sections.values() if s.title is not None]
        titled_new = [s for g in self.groups for s in g.sections if s.task is None]
        match = best_matches([similarity_text(s.title or "") for s in titled_new],
                             [similarity_text(s.title or "") for s in titled_old])
        for n, s in enumerate(titled_new):
            if n in match:
                s.id = titled_old[match[n]].id
                used.add(s.id)

    def _match_section_tasks(self, used: set[str]) -> None:
        old_of_task = {
            s.task.id: s.id for s in self.old_sections.values() if s.task is not None
        }
        for s in self._all_sections():
            if s.task is not None and s.task.id in old_of_task:
                s.id = old_of_task[s.task.id]
                used.add(s.id)

    def _fresh_sections(self, used: set[str]) -> None:
        """``<group>-<label>``, with a letter added while the previous template or this one
        already has it."""
        for g in self.groups:
            for s in g.sections:
                if s.id is None:
                    natural = f"{g.id}-{s.label}"
                    candidate, k = natural, 0
                    while candidate in set(self.old_sections) | used:
                        candidate = f"{natural}{_LETTERS[k]}"
                        k += 1
                    s.id = candidate
                    used.add(candidate)

    def _all_sections(self) -> Iterator[SectionDraft]:
        for g in self.groups:
            yield from g.sections

    def _carry_wording(self) -> None:
        """A reviewer's per-level wording on a matched task or section survives re-import.

        A previous text with placeholders ("trên địa bàn {{ cap }}") was written by a person
        for the units, never by the city: it moves to ``unit`` so that units keep it, while
        ``text``/``title`` take the city's new wording."""
        # "by_level": the wording of every level the template has (dumped under each level's key:
        # xa, phuong, quan …), whatever the levels are
        keep = {"levels", "pilot_only", "unit", "by_level"}
        for _, task, _ in self._entries():
            old = self.old_tasks.get(task.id or "")
            if old is not None:
                task.carried.update(old.model_dump(include=keep, exclude_defaults=True))
                self._keep_unit_wording(task, "text", task.text, old.text,
                                        old.unit is not None and old.unit.text is not None,
                                        f"nhiệm vụ {task.id}")
        for g in self.groups:
            for s in g.sections:
                old_s = self.old_sections.get(s.id or "")
                if old_s is not None and s.task is None:
                    s.carried.update(old_s.model_dump(
                        include={"unit", "by_level"}, exclude_none=True))
                    self._keep_unit_wording(s, "title", s.title or "", old_s.title or "",
                                            old_s.unit is not None, f"mục {s.id}")

    def _keep_unit_wording(self, new: TaskDraft | SectionDraft, name: str, current: str,
                           old: str, has_unit: bool, what: str) -> None:
        if JINJA.search(old) and old != current and not has_unit:
            new.carried["unit"] = {**new.carried.get("unit", {}), name: old}
            self.session.warn(f"{what}: '{name}' cũ có chỗ điền, đã chuyển sang 'unit.{name}'; "
                              f"'{name}' lấy theo bảng mới",
                              f"So sánh 'unit.{name}' với bảng mới nếu thành phố đã sửa nội dung")

    def report_changes(self, appendix: Appendix) -> None:
        names = {"text": "nội dung", "lead": "cơ quan chủ trì", "coop": "cơ quan phối hợp",
                 "outputs": "sản phẩm đầu ra", "deadline": "tiến độ"}
        for _, _, task in appendix.all_tasks():
            old = self.old_tasks.get(task.id)
            if old is None:
                continue
            changed = [label for f, label in names.items() if getattr(old, f) != getattr(task, f)]
            if changed:
                reworded = old.unit is not None or bool(old.by_level)
                self.session.warn(
                    f"nhiệm vụ {task.id} đã sửa so với mẫu cũ: {', '.join(changed)}",
                    "Xem lại cách diễn đạt riêng cho cấp xã (unit và khóa của từng cấp)"
                    if reworded else "",
                )


def natural_id(group: str, label: str, width: int, *, section_task: bool) -> str:
    if section_task:
        return f"{group}-{label}"
    m = re.fullmatch(r"(\d+)(.*)", label)
    if m:
        value = number(m.group(1))
        if value is not None:
            return f"{group}{value:0{width}d}{m.group(2).lower()}"
    return f"{group}-{re.sub(r'[^A-Za-z0-9]+', '', fold(label)) or 'x'}"


def best_matches(new: Sequence[str], old: Sequence[str]) -> dict[int, int]:
    """new index → old index: the most similar pairs first (the nearest in position among
    equals), each side used once. Equal texts pair first: they are the best possible match,
    and a re-import of a barely revised table then compares only the few changed texts."""
    pairs = [(-1.0, abs(n - o), n, o) for n, new_text in enumerate(new)
             for o, old_text in enumerate(old) if old_text == new_text]
    out = _pair_off(pairs, {}, set())
    taken = set(out.values())
    sm = difflib.SequenceMatcher(autojunk=False)
    pairs = []
    for o, old_text in enumerate(old):
        if o in taken:
            continue
        sm.set_seq2(old_text)
        for n, new_text in enumerate(new):
            if n in out:
                continue
            sm.set_seq1(new_text)
            if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
                continue
            ratio = sm.ratio()
            if ratio >= SIMILARITY:
                pairs.append((-ratio, abs(n - o), n, o))
    return _pair_off(pairs, out, taken)


def _pair_off(pairs: list[tuple[float, int, int, int]], out: dict[int, int], taken: set[int]
              ) -> dict[int, int]:
    for _, _, n, o in sorted(pairs):
        if n not in out and o not in taken:
            out[n] = o
            taken.add(o)
    return out
