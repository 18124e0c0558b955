"""Rows of the appendix table → groups, sections and tasks (:mod:`.drafts`), with a warning
for everything that does not fit the city's usual shape."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .drafts import GroupDraft, SectionDraft
from .session import Session
from .table import Row, label_of
from .text import digits, number

_COUNT_RE = re.compile(
    r"\s*\(\s*(?:gồm\s+)?(\d+)\s+(?:nhiệm\s+vụ|nội\s+dung)\s*\)\s*[.:;]?\s*$", re.I)


def build_groups(rows: Sequence[Row], session: Session) -> list[GroupDraft]:
    groups: list[GroupDraft] = []
    section: SectionDraft | None = None
    for row in rows:
        kind = row.kind
        label = label_of(row.label)
        text = "\n".join(row.text)
        if kind == "group":
            title, count = _split_count(text)
            if count is not None:
                session.warn(f"nhóm {label} ghi số nhiệm vụ ({count:02d}); mẫu không hiển thị số "
                             "nhiệm vụ của nhóm nên đã bỏ")
            groups.append(GroupDraft(label, title, where=f"phụ lục, hàng {row.line}"))
            section = None
            continue
        if not groups:
            session.warn(f"hàng {row.line} ('{label}') đứng trước nhóm A/B đầu tiên; đã tạo "
                         "nhóm không tên", "Điền 'title' cho nhóm này")
            groups.append(GroupDraft("A", ""))
        group = groups[-1]
        if kind == "section":
            if row.content("lead", "coop", "outputs", "deadline"):
                group.sections.append(SectionDraft(label, task=session.task(row, label),
                                                   where=f"phụ lục, hàng {row.line}"))
                section = None
            else:
                title, count = _split_count(text)
                section = SectionDraft(label, title, show_count=count is not None, count=count,
                                       where=f"phụ lục, hàng {row.line}")
                group.sections.append(section)
            continue
        if kind == "other":
            session.warn(f"số thứ tự '{row.label}' ở hàng {row.line} không rõ; coi là một nhiệm "
                         "vụ", "Kiểm tra lại hàng này")
        task = session.task(row, label)
        if section is not None:
            section.tasks.append(task)
        else:
            if group.sections:
                session.warn(f"nhiệm vụ {label} đứng sau mục {group.sections[-1].label} (mục là "
                             "một nhiệm vụ); đã đưa vào nhóm, trước các mục",
                             "Chuyển nhiệm vụ vào mục đúng của nó")
            group.tasks.append(task)
        if kind == "task":
            group.numbers.append(label)
    _check_counts(groups, session)
    return groups


def _split_count(text: str) -> tuple[str, int | None]:
    """"Hoàn thiện thể chế (05 nhiệm vụ)" → ("Hoàn thiện thể chế", 5)."""
    flat = " ".join(text.split())
    m = _COUNT_RE.search(flat)
    found = number(m.group(1)) if m else None
    if m is None or found is None:
        return text, None
    return flat[:m.start()].rstrip(), found


def _check_counts(groups: Sequence[GroupDraft], session: Session) -> None:
    for gi, group in enumerate(groups):
        for si, s in enumerate(group.sections):
            if s.count is not None and s.count != len(s.tasks):
                session.warn(
                    f"mục {s.label} ghi ({s.count:02d} nhiệm vụ) nhưng bảng có "
                    f"{len(s.tasks)} nhiệm vụ",
                    "Kiểm tra lại với văn bản của thành phố; khi soạn cho đơn vị, số nhiệm "
                    "vụ được tính lại", key=f"appendix.groups[{gi}].sections[{si}].title",
                )
        expected = 1
        for label in group.numbers:
            n = number(digits(label))
            if n is None:
                continue
            if label.isdigit() and n != expected:
                session.warn(f"nhóm {group.id}: số thứ tự {label} đứng sau "
                             f"{expected - 1} (mong đợi {expected})",
                             "Kiểm tra hàng bị thiếu, trùng hoặc đánh số sai")
            expected = n + 1
