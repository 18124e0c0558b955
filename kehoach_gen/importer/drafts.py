"""The appendix as read from the table, before it becomes a validated :class:`Appendix`:
typed groups, sections and tasks that keep the city's numbering for ids and messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Assignment = dict[str, str]  # {"role": …}, {"role": …, "note": …} or {"text": …}


@dataclass
class TaskDraft:
    label: str  # the city's number: "12", "12a" (or "IV" for a section that is a task)
    line: int  # its row in the Word table, for messages
    text: str
    lead: list[Assignment]
    coop: list[Assignment]
    outputs: list[str]
    deadline: list[str]
    id: str | None = None
    carried: dict[str, Any] = field(default_factory=dict)  # kept from the previous template
    where: str = ""

    def data(self) -> dict[str, Any]:
        """The task as the template's YAML has it."""
        return {"text": self.text, "lead": self.lead, "coop": self.coop,
                "outputs": self.outputs, "deadline": self.deadline, "id": self.id,
                **self.carried}


@dataclass
class SectionDraft:
    """A Roman-numbered section: titled, with tasks, or (``task``) itself a task."""

    label: str
    title: str | None = None  # None for a section that is itself a task
    task: TaskDraft | None = None
    show_count: bool = False
    count: int | None = None  # the count the city wrote: "(05 nhiệm vụ)"
    tasks: list[TaskDraft] = field(default_factory=list)
    id: str | None = None
    carried: dict[str, Any] = field(default_factory=dict)  # kept from the previous template
    intro: list[str] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)  # lead, coop … printed once after the tasks
    where: str = ""

    def data(self) -> dict[str, Any]:
        if self.task is not None:
            return {"task": self.task.data(), "id": self.id, **self.shared}
        extra = {"intro": self.intro} if self.intro else {}
        return {"title": self.title, "show_count": self.show_count, **extra, **self.shared,
                "tasks": [t.data() for t in self.tasks], "id": self.id, **self.carried}


@dataclass
class GroupDraft:
    """A lettered group (A, B …) with its tasks before any section, and its sections."""

    id: str
    title: str
    tasks: list[TaskDraft] = field(default_factory=list)
    sections: list[SectionDraft] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)  # its task labels, for the numbering check
    intro: list[str] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)
    where: str = ""

    def data(self) -> dict[str, Any]:
        extra = {"intro": self.intro} if self.intro else {}
        return {"id": self.id, "title": self.title, **extra, **self.shared,
                "tasks": [t.data() for t in self.tasks], "sections": [s.data() for s in self.sections]}
