"""YAML in: a safe loader that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, turns ``no`` into
``False`` and ``05`` into ``5``, and forgets line numbers. Here the document is *composed* into
nodes and built by hand, so that every problem can name its file, line and dotted key: duplicate
keys, tabs, unknown or unsafe tags (``!!python/…``), control characters, text that is not UTF-8,
an empty file. All strings are normalised to Unicode NFC.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import InputError, Problem, rel

Loc = tuple[str | int, ...]

_SAFE_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp", "binary")
}
_KEEP_CONTROL = {"\n", "\r", "\t"}


def dotted(loc: Loc) -> str:
    """``("appendix", "groups", 1, "tasks", 3, "lead")`` → ``appendix.groups[1].tasks[3].lead``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Loaded:
    """A YAML document as plain Python data, with the line and source text of every value."""

    data: Any
    path: Path | None
    lines: dict[Loc, int] = field(default_factory=dict)
    sources: dict[Loc, tuple[str, str]] = field(default_factory=dict)  # loc -> (tag, text)

    @property
    def name(self) -> str | None:
        return rel(self.path)

    def line_of(self, loc: Loc) -> int | None:
        """The line of ``loc``, or of its nearest enclosing value."""
        loc = tuple(loc)
        while loc:
            if loc in self.lines:
                return self.lines[loc]
            loc = loc[:-1]
        return self.lines.get(())

    def problem(self, loc: Loc, message: str, hint: str = "", *, warning: bool = False) -> Problem:
        return Problem(
            message=message, file=self.name, line=self.line_of(loc), key=dotted(loc),
            hint=hint, warning=warning,
        )


def _decode(raw: bytes, name: str | None) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError([Problem(
            message="tệp không phải văn bản UTF-8 (có thể được lưu bằng bảng mã Windows-1258 hoặc TCVN3)",
            file=name, line=line,
            hint="Mở tệp bằng trình soạn thảo (Notepad, VS Code) và lưu lại với bảng mã UTF-8",
        )]) from None
    return text


def _scan_text(text: str, name: str | None) -> list[Problem]:
    problems: list[Problem] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            problems.append(Problem(
                message="dòng thụt lề bằng phím Tab; YAML chỉ cho phép dấu cách",
                file=name, line=lineno, hint="Thay mỗi Tab ở đầu dòng bằng dấu cách (2 dấu cách một cấp)",
            ))
        for col, ch in enumerate(line, start=1):
            if ch not in _KEEP_CONTROL and unicodedata.category(ch) == "Cc":
                problems.append(Problem(
                    message=f"có ký tự điều khiển không in được (U+{ord(ch):04X}) ở cột {col}",
                    file=name, line=lineno, hint="Xóa ký tự đó (thường do sao chép từ Word hoặc PDF)",
                ))
    return problems


class _Builder:
    """Builds Python values from YAML nodes, recording lines and problems."""

    def __init__(self, loaded: Loaded, problems: list[Problem]):
        self.loaded = loaded
        self.problems = problems
        self.constructor = SafeConstructor()

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.loaded.lines[loc] = node.start_mark.line + 1
        if node.tag not in _SAFE_TAGS:
            self.problems.append(self.loaded.problem(
                loc, f"thẻ YAML '{node.tag}' không được phép",
                "Xóa thẻ bắt đầu bằng '!' (tệp chỉ chứa văn bản, số, danh sách và bảng khóa)",
            ))
            return None
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        self.loaded.sources[loc] = (node.tag.rsplit(":", 1)[-1], node.value)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError) as exc:
            self.problems.append(self.loaded.problem(loc, f"giá trị '{node.value}' không đọc được: {exc}"))
            return None
        if isinstance(value, str):
            value = unicodedata.normalize("NFC", value)
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(self.loaded.problem(loc, "khóa phải là một chữ, không phải danh sách"))
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
            line = key_node.start_mark.line + 1
            if key in first_line:
                self.problems.append(Problem(
                    message=f"khóa '{key}' xuất hiện hai lần (lần đầu ở dòng {first_line[key]})",
                    file=self.loaded.name, line=line, key=dotted((*loc, key)),
                    hint="YAML chỉ giữ lần cuối; xóa hoặc gộp một trong hai",
                ))
                continue
            first_line[key] = line
            out[key] = self.build(value_node, (*loc, key))
            self.loaded.lines[(*loc, key)] = line
        return out


def load_yaml_text(text: str, path: Path | None = None) -> Loaded:
    """Parse YAML text; raise :class:`InputError` with every problem found."""
    loaded = Loaded(data=None, path=path)
    name = loaded.name
    problems = _scan_text(text, name)
    if problems:
        raise InputError(problems)
    if not text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()
    ):
        raise InputError([Problem(
            message="tệp rỗng", file=name, line=1,
            hint="Sao chép một tệp mẫu (ví dụ unit_profiles/tan_an.yaml) rồi sửa",
        )])
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError([Problem(
            message=f"cú pháp YAML sai: {exc.problem or exc.context}",
            file=name, line=(mark.line + 1) if mark else None,
            hint="Kiểm tra thụt lề, dấu ':' sau mỗi khóa và dấu nháy đóng mở",
        )]) from None
    except yaml.YAMLError as exc:
        raise InputError([Problem(message=f"cú pháp YAML sai: {exc}", file=name)]) from None
    if node is None:
        raise InputError([Problem(message="tệp rỗng", file=name, line=1)])
    builder = _Builder(loaded, problems)
    loaded.data = builder.build(node, ())
    if problems:
        raise InputError(problems)
    return loaded


def load_yaml(path: str | Path) -> Loaded:
    """Read and parse a YAML file (UTF-8) safely."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(message="không tìm thấy tệp", file=rel(p),
                                  hint="Kiểm tra lại đường dẫn")]) from None
    except IsADirectoryError:
        raise InputError([Problem(message="đây là thư mục, không phải tệp YAML", file=rel(p))]) from None
    except OSError as exc:
        raise InputError([Problem(message=f"không đọc được tệp: {exc.strerror}", file=rel(p))]) from None
    return load_yaml_text(_decode(raw, rel(p)), p)


def describe_source(tag: str, text: str, value: Any) -> str:
    """Explain how YAML read ``text`` when it turned into something other than text."""
    if isinstance(value, bool):
        return f"YAML hiểu '{text}' là giá trị đúng/sai ({'true' if value else 'false'})"
    if isinstance(value, int | float):
        return f"YAML hiểu '{text}' là số {value}"
    if isinstance(value, dt.date):
        return f"YAML hiểu '{text}' là ngày tháng"
    if value is None:
        return f"YAML hiểu '{text}' là giá trị rỗng" if text else "giá trị để trống"
    return ""
