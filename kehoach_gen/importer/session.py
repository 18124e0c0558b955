"""The state of one import: where problems go, the agency dictionary in use, the agencies
nobody knows yet and the roles used."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..errors import InputError, Problem
from ..model import CityTemplate
from .agencies import AgencyTable
from .drafts import Assignment, TaskDraft
from .table import Row
from .text import JINJA, items, strip_end


class Session:
    """One import of one file (``source``), possibly against a ``previous`` template."""

    def __init__(self, source: str | None, previous: CityTemplate | None,
                 agencies: AgencyTable | None = None):
        self.source = source
        self.previous = previous
        self.problems: list[Problem] = []
        self.agencies = agencies if agencies is not None else AgencyTable.for_template(previous)
        self.unknown: list[str] = []
        self.used_roles: dict[str, None] = {}
        # every agency item read: (role or None, the item as written, where)
        self.observed: list[tuple[str | None, str, str]] = []

    def warn(self, message: str, hint: str = "", key: str = "") -> None:
        self.problems.append(Problem(message=message, file=self.source, key=key, hint=hint,
                                     warning=True))

    def error(self, message: str, hint: str = "") -> InputError:
        return InputError([Problem(message=message, file=self.source, hint=hint)])

    def task(self, row: Row, label: str) -> TaskDraft:
        """The task of a row: its text, agencies mapped to roles, outputs and deadlines."""
        text = "\n".join(row.text)
        if not text:
            self.warn(f"nhiệm vụ {label} (hàng {row.line}) không có nội dung",
                      "Điền 'text' cho nhiệm vụ này")
        where = f"phụ lục, hàng {row.line}"
        task = TaskDraft(label, row.line, text, lead=self.assignments(row.lead, where),
                         coop=self.assignments(row.coop, where), outputs=items(row.outputs),
                         deadline=items(row.deadline), where=where)
        if any(JINJA.search(line) for name in ("text", "lead", "coop", "outputs", "deadline")
               for line in row.cell(name)):
            self.warn(f"nhiệm vụ {label} (hàng {row.line}) có '{{{{', '{{%' hoặc '{{#': mẫu hiểu "
                      "đó là chỗ điền", "Bọc đoạn đó trong {% raw %}…{% endraw %} hoặc sửa lại")
        return task

    def assignments(self, lines: Sequence[str], where: str = "") -> list[Assignment]:
        """The role assignments of an agency cell; unknown agencies kept as text and listed."""
        out: list[Assignment] = []
        for item in items(lines):
            for part in re.split(r"\s*;\s*", item.replace("\n", " ")):
                part = strip_end(part).rstrip(":").strip()
                if not part:
                    continue
                found = self.agencies.assign(part)
                if found is None:
                    if part not in self.unknown:
                        self.unknown.append(part)
                    found = [{"text": part}]
                    self.observed.append((None, part, where))
                elif len(found) == 1:
                    self.observed.append((found[0]["role"], part, where))
                else:
                    self.observed += [(a["role"], part, where) for a in found]
                for a in found:
                    if "role" in a:
                        self.used_roles[a["role"]] = None
                    if a not in out:
                        out.append(a)
        return out

    def role_order(self) -> list[str]:
        """The roles used, in the dictionary's order (the template lists them so)."""
        known = {role: n for n, role in enumerate(self.agencies.city_names)}
        return sorted(self.used_roles, key=lambda r: known.get(r, len(known)))
