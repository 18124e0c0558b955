"""The body's outline, recognised as a clerk recognises it: a Roman numeral, "1.", "1.1.",
"a)" at the start of a paragraph opens a heading or a numbered point; "-" and "+" are list
items; the rest is text. Depth comes from the kind of number, never from the wording: "1.1."
is always under "1.", a letter under whatever number precedes it.

Before that, the slips a typist makes and Nghị định 30 does not allow are put right, each one
listed: a paragraph broken in mid-sentence, two list items typed as one, a hyphen or slash
spaced on one side only, a heading ending in ".", "a." for "a)", a list whose last item ends
with ";".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from .source import Line
from .wording import Notes

ROMAN_RE = re.compile(r"^(?P<label>[IVXL]{1,6})\s*\.\s+(?P<title>\S.*)$")
MULTI_RE = re.compile(r"^(?P<label>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<title>\S.*)$")
DECIMAL_RE = re.compile(r"^(?P<label>\d{1,2})\s*(?P<mark>[.)])\s+(?P<title>\S.*)$")
LETTER_RE = re.compile(r"^(?P<label>[a-zđ])\s*(?P<mark>[).])\s+(?P<title>\S.*)$")
BULLET_RE = re.compile(r"^(?P<mark>[-–—•+])\s*(?P<title>\S.*)$")
FIELD_RE = re.compile(
    r"^(?:[-–—•+]\s*)?(?P<label>(?:[Đđ]ơn vị|[Cc]ơ quan)\s+(?:chủ trì|phối hợp|thực hiện)(?:\s+chính)?"
    r"|[Tt]hời gian(?:\s+(?:thực hiện|hoàn thành))?|[Tt]hời hạn(?:\s+(?:thực hiện|hoàn thành))?"
    r"|[Tt]iến độ(?:\s+(?:thực hiện|hoàn thành))?|[Ss]ản phẩm(?:\s+đầu ra)?|[Kk]ết quả(?:\s+đầu ra)?)"
    r"\s*:\s*(?P<value>.*)$")
APPENDIX_CITE_RE = re.compile(r"^\(?\s*(?:chi tiết|nội dung chi tiết|cụ thể)\s+(?:theo|tại|tai)\s+(?:các\s+)?"
                              r"phụ\s*lục\b.*$", re.I)
_END = (".", ";", ":", "!", "?", "”", "\"", ")", "…")


@dataclass
class Node:
    """A line of the outline with the lines under it."""

    line: Line | None
    fmt: str = ""            # "I.", "1.", "1.1.", "a)"; "" for text
    label: str = ""          # "II", "3", "2.1", "b"
    title: str = ""          # the text after the number (the whole text for a text line)
    typed: str = ""          # the number as typed ("a.", "3.")
    children: list[Node] = field(default_factory=list)

    @property
    def numbered(self) -> bool:
        return bool(self.fmt)

    @property
    def bold(self) -> bool:
        return self.line is not None and self.line.bold

    @property
    def where(self) -> str:
        return self.line.where if self.line is not None else ""

    @property
    def text(self) -> str:
        return self.line.text if self.line is not None else ""

    @property
    def field(self) -> re.Match[str] | None:
        return None if self.fmt else FIELD_RE.match(self.title)

    def walk(self) -> Iterator[Node]:
        for child in self.children:
            yield child
            yield from child.walk()


def classify(text: str) -> tuple[str, str, str, str]:
    """(format, label, title, typed number) of a line; format "" for text."""
    for regex, fmt in ((ROMAN_RE, "I."), (MULTI_RE, "1.1."), (DECIMAL_RE, "1."), (LETTER_RE, "a)")):
        m = regex.match(text)
        if m:
            return fmt, m.group("label"), m.group("title"), text[:m.start("title")].strip()
    return "", "", text, ""


def rank(fmt: str, label: str) -> int:
    if fmt == "I.":
        return 0
    if fmt == "1.":
        return 1
    if fmt == "1.1.":
        return label.count(".") + 1
    return 99


def build(lines: Sequence[Line]) -> Node:
    """The outline of body lines (corrected first)."""
    root = Node(None)
    stack: list[Node] = []
    for line in lines:
        fmt, label, title, typed = classify(line.text)
        if fmt == "I." and not (line.bold or title.isupper()):
            fmt = ""  # "I. " in running text that is no heading
        if not fmt:
            (stack[-1] if stack else root).children.append(Node(line, title=line.text))
            continue
        node = Node(line, fmt, label, title, typed)
        if fmt == "a)":
            letter = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].fmt == "a)"), None)
            if letter is not None:
                del stack[letter:]
        else:
            r = rank(fmt, label)
            while stack and (stack[-1].fmt == "a)" or rank(stack[-1].fmt, stack[-1].label) >= r):
                stack.pop()
        (stack[-1] if stack else root).children.append(node)
        stack.append(node)
    return root


# ---------------------------------------------------------------------------------------------
# Typing slips


_ONE_SIDED_DASH = re.compile(r"(?<=[^\W\d_])(?:- (?=[^\W\d_])| -(?=[^\W\d_]))")
_ONE_SIDED_SLASH = re.compile(r"(?<=\w)(?:/ (?=\w)| /(?=\w))")
_GLUED_ITEM = re.compile(r"(?<=[.;])\s*-\s+(?=[^\W\d_])")


def correct(lines: Sequence[Line], notes: Notes) -> list[Line]:
    """Lines with the typist's slips put right (see the module docstring), each one noted."""
    out: list[Line] = []
    for line in lines:
        text = line.text
        prev = out[-1] if out else None
        if (prev is not None and not prev.text.rstrip().endswith(_END) and text[:1].islower()
                and not classify(text)[0] and not BULLET_RE.match(text) and not prev.bold):
            joined = f"{prev.text} {text}"
            notes.add("sua", f"{prev.where} và {line.where}", joined,
                      "nối hai đoạn: đoạn trước bị ngắt giữa câu")
            out[-1] = prev.replace(joined)
            continue
        fixed = _ONE_SIDED_DASH.sub(" - ", text)
        fixed = _ONE_SIDED_SLASH.sub("/", fixed)
        if fixed != text:
            notes.add("sua", line.where, text, "dấu '-' hoặc '/' có khoảng trắng một bên: viết lại cho đều")
            text = fixed
        if BULLET_RE.match(text) and _GLUED_ITEM.search(text):
            parts = _GLUED_ITEM.split(text)
            notes.add("sua", line.where, text, f"tách {len(parts)} gạch đầu dòng bị gõ liền nhau")
            out += [line.replace(parts[0])] + [line.replace(f"- {p}") for p in parts[1:]]
            continue
        out.append(line.replace(text))
    return out


def tidy_lists(root: Node, notes: Notes) -> None:
    """A run of "-" items ends with "."; an item ending with ";" among items ending with "."
    ends with "." too."""
    for node in [root, *root.walk()]:
        runs: list[list[Node]] = [[]]
        for child in node.children:
            if not child.numbered and BULLET_RE.match(child.title) and not child.field \
                    and child.title.lstrip()[:1] == "-":
                runs[-1].append(child)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            if len(run) < 2:
                continue
            ends = [c.title.rstrip()[-1:] for c in run]
            mostly_stops = ends.count(".") > len(run) // 2
            for i, c in enumerate(run):
                last = i == len(run) - 1
                if c.title.rstrip().endswith(";") and (last or mostly_stops):
                    fixed = c.title.rstrip()[:-1] + "."
                    notes.add("sua", c.where, c.title, "gạch đầu dòng cuối danh sách kết thúc bằng '.'"
                              if last else "gạch đầu dòng kết thúc bằng ';' giữa các mục kết thúc bằng '.': "
                              "đổi thành '.'")
                    assert c.line is not None
                    c.line = c.line.replace(fixed)
                    c.title = fixed
