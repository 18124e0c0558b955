"""The outline of a plan's body as the template's ``body.sections``: headings with their
content, numbered points, text, the place of the task list, and the "Tổ chức thực hiện"
paragraphs of each department as ``roles`` (a heading that names a body the dictionary knows,
"Đề nghị …" for one the committee cannot order).

Numbers are not kept in the text: the generator numbers again, in the style found here
(``style.numbering``), so a point is written as ``numbered`` only when its number is the one
the generator would give it; otherwise it stays text, as typed, and the report says so.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..adapt import label as number_label
from ..model import Style
from .agencies import AgencyTable, Match
from .outline import APPENDIX_CITE_RE, Node
from .wording import Notes

DEFAULT_NUMBERING = Style().numbering
_DE_NGHI = re.compile(r"^đề\s+nghị\s+", re.I)


def numbering_of(root: Node, skip: Node | None) -> list[str]:
    """The number format of each depth of the body (the most common one there)."""
    headings: dict[int, Counter[str]] = {}
    points: dict[int, Counter[str]] = {}

    def visit(node: Node, depth: int) -> None:
        for child in node.children:
            if not child.numbered:
                continue
            heading = child.bold or any(c.numbered for c in child.children)
            (headings if heading else points).setdefault(depth, Counter())[child.fmt] += 1
            if child is not skip:
                visit(child, depth + 1)

    visit(root, 0)
    out = list(DEFAULT_NUMBERING)
    for depth in sorted({*headings, *points}):
        counts = headings.get(depth) or points[depth]  # headings decide; points when there are none
        fmt = counts.most_common(1)[0][0]
        if depth < len(out):
            out[depth] = fmt
        else:
            out.append(fmt)
    return out


@dataclass
class RoleHeading:
    """A heading of "Tổ chức thực hiện" that names one body."""

    node: Node
    role: str
    match: Match
    name: str           # the heading without "Đề nghị"
    outside: bool


def role_heading(node: Node, table: AgencyTable) -> RoleHeading | None:
    if not node.numbered or any(c.numbered for c in node.children):
        return None
    title = node.title.rstrip()
    if title.endswith(".") and not title.endswith("/."):
        title = title[:-1].rstrip()
    outside = bool(_DE_NGHI.match(title))
    name = _DE_NGHI.sub("", title)
    found = table.match(name)
    if found is None:
        return None
    return RoleHeading(node, found.role, found, name, outside)


@dataclass
class BodyWriter:
    """Turns outline nodes into template blocks, texts reworded for every unit."""

    wording: Callable[[str, str], str]
    table: AgencyTable
    notes: Notes
    numbering: list[str]
    title_for: Callable[[RoleHeading], str | None]   # the role heading's title to write, or None
    task_area: Node | None = None
    area_content: Callable[[], list[dict[str, Any]]] | None = None  # the task area's blocks
    cited: bool = False          # the place of the task list was written
    outside: dict[str, bool] = field(default_factory=dict)
    used_roles: list[str] = field(default_factory=list)

    def sections(self, root: Node) -> list[dict[str, Any]]:
        return self.blocks(root.children, 0, "")

    def blocks(self, nodes: Sequence[Node], depth: int, parent: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        n = 0
        fmt = self.numbering[min(depth, len(self.numbering) - 1)]
        roles: list[dict[str, Any]] | None = None
        for node in nodes:
            if not node.numbered:
                roles = None
                out.append(self.text(node))
                continue
            heading = role_heading(node, self.table) if depth > 0 and node.fmt == fmt else None
            n += 1
            expected = number_label(fmt, n, parent)
            if heading is not None:
                self._number_note(node, expected, fmt)
                if roles is None:
                    roles = []
                    out.append({"roles": roles})
                roles.append(self.duty(heading))
                continue
            roles = None
            if node is self.task_area or node.bold or any(c.numbered for c in node.children):
                out.append(self.heading(node, depth, expected, fmt))
                continue
            if node.fmt == fmt and node.label == expected.rstrip(".)"):
                if node.typed not in (expected, expected.rstrip()):
                    self.notes.add("sua", node.where, node.text, f"đánh số '{node.typed}' viết lại '{expected}' "
                                   "theo Nghị định 30")
                out.append({"numbered": self.wording(node.title, node.where)})
            else:
                n -= 1
                self.notes.add("cau_truc", node.where, node.text,
                               f"số '{node.typed}' không theo thứ tự hoặc cách đánh số của cấp này (chương trình "
                               f"sẽ đánh '{expected}'): giữ nguyên là đoạn văn, không đánh số tự động", doubtful=True)
                out.append({"text": self.wording(node.text, node.where)})
            out += [self.text(c) for c in node.children]
        return out

    def _number_note(self, node: Node, expected: str, fmt: str) -> None:
        if node.typed.rstrip(".)") != expected.rstrip(".)"):
            self.notes.add("cau_truc", node.where, node.text,
                           f"đề mục số '{node.typed}' sẽ được đánh số lại thành '{expected}'", doubtful=True)
        elif node.typed != expected and node.fmt == fmt:
            self.notes.add("sua", node.where, node.text, f"đánh số '{node.typed}' viết lại '{expected}'")

    def heading(self, node: Node, depth: int, expected: str, fmt: str) -> dict[str, Any]:
        self._number_note(node, expected, fmt)
        if node.fmt != fmt:
            self.notes.add("cau_truc", node.where, node.text,
                           f"đề mục đánh số kiểu '{node.fmt}' ở cấp đề mục đánh số kiểu '{fmt}': sẽ in '{expected}'",
                           doubtful=True)
        title = node.title.rstrip()
        if title.endswith(".") and not title.endswith(("/.", "..")):
            self.notes.add("sua", node.where, node.text, "bỏ dấu '.' cuối đề mục")
            title = title[:-1].rstrip()
        if node is self.task_area and self.area_content is not None:
            return {"heading": self.wording(title, node.where), "content": self.area_content()}
        content = self.blocks(node.children, depth + 1, expected)
        block: dict[str, Any] = {"heading": self.wording(title, node.where)}
        if content:
            block["content"] = content
        else:
            block["content"] = []
        return block

    def text(self, node: Node) -> dict[str, Any]:
        if APPENDIX_CITE_RE.match(node.title) and not self.cited:
            self.cited = True
            if node.title != "(Chi tiết theo Phụ lục kèm theo)":
                self.notes.add("sua", node.where, node.title,
                               "câu dẫn phụ lục in theo mẫu: '(Chi tiết theo Phụ lục kèm theo)'")
            return {"tasks": True}
        return {"text": self.wording(node.title, node.where)}

    def duty(self, heading: RoleHeading) -> dict[str, Any]:
        node = heading.node
        if node.title.rstrip().endswith(".") and not node.title.rstrip().endswith(("/.", "..")):
            self.notes.add("sua", node.where, node.text, "bỏ dấu '.' cuối đề mục")
        title = self.title_for(heading)
        duty: dict[str, Any] = {"role": heading.role}
        if title is not None:
            duty["title"] = self.wording(title, node.where)
        duty["duties"] = [self.wording(c.title, c.where) for c in node.children]
        previous = self.outside.get(heading.role)
        if previous is not None and previous != heading.outside:
            self.notes.add("vai_tro", node.where, node.text,
                           f"vai trò {heading.role} lúc có lúc không 'Đề nghị': theo lần đầu", doubtful=True)
        else:
            self.outside[heading.role] = heading.outside
        self.notes.add("vai_tro", node.where, node.text,
                       f"đoạn của cơ quan '{heading.name}' → vai trò {heading.role} ({heading.match.how})"
                       + ("; có 'Đề nghị': tổ chức ngoài bộ máy (outside)" if heading.outside else ""))
        if heading.role not in self.used_roles:
            self.used_roles.append(heading.role)
        return duty


def role_headings(root: Node, table: AgencyTable, skip: Node | None) -> list[RoleHeading]:
    """Every heading of the body (outside the task area) that names one body."""
    out: list[RoleHeading] = []

    def visit(node: Node, depth: int) -> None:
        for child in node.children:
            if child is skip:
                continue
            if depth > 0:
                found = role_heading(child, table)
                if found is not None:
                    out.append(found)
                    continue
            visit(child, depth + 1)

    visit(root, 0)
    return out
