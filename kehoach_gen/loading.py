"""YAML in: a safe loader that remembers where every value came from.

PyYAML's ``safe_load`` silently keeps the last of two duplicate keys, turns ``no`` into
``False`` and ``05`` into ``5``, and forgets line numbers. Here the document is *composed* into
nodes and built by hand, so that every problem can name its file, line and dotted key: duplicate
keys, tabs, unknown or unsafe tags (``!!python/…``), control characters, text that is not UTF-8,
an empty file, aliases that expand without end. Nothing in a file is ever executed: only the
plain YAML types are built. All strings are normalised to Unicode NFC.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from .errors import InputError, Loc, Problem, dotted, number, rel

_YAML_TAG = "tag:yaml.org,2002:"
_SAFE_TAGS = {_YAML_TAG + t for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")}
# Bounds far above any real input (the Hải Phòng city template is 112 KB with 1,709 values and
# no text over 2,000 characters), so that no file, however made, can stall or exhaust the
# machine: a file is refused above MAX_FILE_BYTES before it is read, a text above MAX_TEXT
# characters, and an alias "bomb" (&a [*b, *b, …]) once its values, or the characters they
# expand to, pass MAX_VALUES or MAX_EXPANDED.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_TEXT = 50_000
MAX_VALUES = 50_000
MAX_EXPANDED = 4_000_000
_EMPTY_HINT = ("Sao chép một tệp mẫu rồi sửa (hồ sơ đơn vị: unit_profiles/tan_an.yaml; "
               "mẫu thành phố: city_template.yaml)")


def bad_char(ch: str) -> bool:
    """A character that may not appear in an input text: it cannot be printed, YAML refuses it,
    or Word's XML cannot hold it (control characters, lone surrogates, U+FFFE, U+FFFF)."""
    if ch in "\n\r\t":
        return False
    # U+2028/U+2029 break lines for YAML but not for editors: the line numbers would be wrong.
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in "\ufffe\uffff\u2028\u2029"


def _char_text(ch: str) -> str:
    """``ký tự điều khiển không in được (U+0007, chuông)``."""
    kind = "ký tự điều khiển không in được" if unicodedata.category(ch) == "Cc" else "ký tự không hợp lệ"
    return f"{kind} ({_char_name(ch)})"


def _char_name(ch: str) -> str:
    name = {"\x00": "NUL", "\x07": "chuông", "\x08": "xóa lùi", "\x0b": "tab dọc", "\x0c": "sang trang",
            "\x1b": "ESC", "\x7f": "DEL", "\u2028": "ngắt dòng", "\u2029": "ngắt đoạn"}.get(ch)
    return f"U+{ord(ch):04X}" + (f", {name}" if name else "")


def show_tag(tag: str) -> str:
    """A tag as it is written in the file: ``!!python/name:os.system``, ``!foo``."""
    return "!!" + tag.removeprefix(_YAML_TAG) if tag.startswith(_YAML_TAG) else tag


# libyaml's parser when PyYAML was built with it (ten times faster): the same safe constructor
# and resolver, so the same nodes, line marks and data as yaml.SafeLoader
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Loaded:
    """A YAML document as plain Python data, with the line and source text of every value."""

    data: Any
    path: Path | None
    lines: dict[Loc, int] = field(default_factory=dict)
    sources: dict[Loc, tuple[str, str]] = field(default_factory=dict)  # loc -> (tag, text)
    # Problems found while reading that did not stop it (``recover=True``): validation adds its own.
    problems: list[Problem] = field(default_factory=list)
    # the SHA-256 of the file's bytes as read (:func:`load_yaml`; "" for a text): what a plan
    # made from it records, read once with the data so that both are of the same bytes
    sha256: str = ""

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

    def key_at(self, line: int) -> Loc:
        """The innermost key written on ``line`` (``()`` if none)."""
        at = [loc for loc, n in self.lines.items() if n == line and loc]
        return max(at, key=len) if at else ()

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


# The characters bad_char() refuses, as one class, so a long line is scanned in C.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u2028\u2029]")
_TAB_INDENT = re.compile(r"^[ ]*(?:-[ ]*)?\t", re.MULTILINE)


def _scan_text(text: str, name: str | None) -> tuple[list[Problem], bool]:
    """Problems visible in the raw text, and whether the text can still be parsed (a tab in the
    indentation cannot be guessed away; a stray control character can be set aside)."""
    problems: list[Problem] = []
    if not _TAB_INDENT.search(text) and not _BAD_CHARS.search(text):
        return problems, True
    parsable = True
    for lineno, line in enumerate(text.split("\n"), start=1):  # not splitlines(): it breaks at \x0b too
        if line.lstrip(" ").startswith("\t") or re.match(r"^[ ]*-\t", line):
            parsable = False
            problems.append(Problem(
                message="dòng thụt lề bằng phím Tab; YAML chỉ cho phép dấu cách",
                file=name, line=lineno, hint="Thay mỗi Tab ở đầu dòng bằng dấu cách (2 dấu cách một cấp)",
            ))
        for m in _BAD_CHARS.finditer(line):
            problems.append(Problem(
                message=f"có {_char_text(m.group())} ở cột {m.start() + 1}",
                file=name, line=lineno, hint="Xóa ký tự đó (thường do sao chép từ Word hoặc PDF)",
            ))
            if len(problems) > 50:  # a binary file: the first ones say enough
                return problems, False
    return problems, parsable


# PyYAML's English complaints, as a clerk would understand them.
_SYNTAX = [
    ("found unexpected end of stream", "thiếu dấu nháy đóng", "Thêm dấu nháy đóng cuối văn bản, "
     "hoặc viết dấu nháy đơn trong văn bản thành hai dấu nháy đơn ('')"),
    ("could not find expected ':'", "thiếu dấu ':' sau khóa, hoặc dòng này thụt lề sai",
     "Mỗi dòng có dạng 'khóa: giá trị'; dòng viết tiếp của một văn bản dài phải thụt lề sâu hơn khóa"),
    ("mapping values are not allowed here", "dấu ':' không được phép ở đây",
     "Văn bản có dấu ': ' phải đặt trong dấu nháy kép; nếu là khóa con, kiểm tra thụt lề"),
    ("sequence entries are not allowed here", "dấu '- ' (mục danh sách) không được phép ở đây",
     "Mỗi mục danh sách viết trên một dòng riêng, thụt lề dưới khóa"),
    ("expected <block end>", "thụt lề không đều",
     "Các khóa cùng cấp phải thẳng cột; mục danh sách bắt đầu bằng '- '"),
    ("did not find expected key", "thụt lề không đều",
     "Các khóa cùng cấp phải thẳng cột; mục danh sách bắt đầu bằng '- '"),
    ("did not find expected '-' indicator", "thụt lề không đều",
     "Các mục của một danh sách phải thẳng cột, mỗi mục bắt đầu bằng '- '"),
    ("that cannot start any token", "giá trị bắt đầu bằng ký tự đặc biệt",
     "Đặt văn bản trong dấu nháy kép"),
    ("found unknown escape character", "dấu '\\' trong dấu nháy kép tạo mã thoát không hợp lệ",
     "Dùng dấu nháy đơn, hoặc viết '\\\\' thay cho '\\'"),
    ("found undefined alias", "bí danh '*…' chưa được định nghĩa bằng '&…'",
     "Văn bản bắt đầu bằng '*' phải đặt trong dấu nháy kép"),
    ("but found another document", "tệp có nhiều tài liệu (dòng '---' thứ hai)",
     "Mỗi tệp chỉ chứa một hồ sơ; xóa dòng '---' thừa"),
    ("expected ',' or ']'", "thiếu dấu ']' đóng danh sách", "Kiểm tra các cặp [ ] trên dòng này"),
    ("expected ',' or '}'", "thiếu dấu '}' đóng bảng", "Kiểm tra các cặp { } trên dòng này"),
]


def _syntax_problem(exc: yaml.MarkedYAMLError, name: str | None, text: str) -> Problem:
    problem = exc.problem or ""
    # An unclosed quote or a line without ':' is best shown where it starts.
    starts_at = (exc.context or "").startswith(("while scanning a quoted", "while scanning a simple key"))
    mark = (exc.context_mark if starts_at else None) or exc.problem_mark or exc.context_mark
    where = f" (cột {mark.column + 1})" if mark and mark.column and not starts_at else ""
    if mark and "mapping values are not allowed" in problem:
        line = (text.splitlines() + [""])[mark.line]
        if line.find(":") == mark.column and re.fullmatch(r"\s*[\w.-]+", line[: mark.column]):
            # "   position: …" under "  name: …": the first ':' of a key line, so the indentation
            return Problem(message="cú pháp YAML sai: dòng này thụt lề không thẳng với các khóa cùng cấp",
                           file=name, line=mark.line + 1,
                           hint="Các khóa cùng cấp phải bắt đầu ở cùng một cột (thường 2 dấu cách mỗi cấp)")
    for english, message, hint in _SYNTAX:
        if english in problem or english in (exc.context or ""):
            return Problem(message=f"cú pháp YAML sai: {message}{where}", file=name,
                           line=(mark.line + 1) if mark else None, hint=hint)
    return Problem(
        message=f"cú pháp YAML sai{where} ({problem or exc.context})",
        file=name, line=(mark.line + 1) if mark else None,
        hint="Kiểm tra thụt lề, dấu ':' sau mỗi khóa và dấu nháy đóng mở",
    )


class _Builder:
    """Builds Python values from YAML nodes, recording lines and problems."""

    def __init__(self, loaded: Loaded, problems: list[Problem]):
        self.loaded = loaded
        self.problems = problems
        self.constructor = SafeConstructor()
        self.count = 0
        self.expanded = 0  # characters of every text built, aliases counted each time
        self.path: set[int] = set()  # nodes being built: an alias to one of them is a cycle

    def build(self, node: yaml.Node, loc: Loc) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise InputError([self.loaded.problem(
                loc[:1], f"tệp có quá nhiều giá trị (trên {number(MAX_VALUES)}) khi mở rộng bí danh (*…)",
                "Bỏ các bí danh (&…, *…) lồng nhau; viết thẳng giá trị")])
        self.loaded.lines[loc] = node.start_mark.line + 1
        if node.tag not in _SAFE_TAGS:
            tag = show_tag(node.tag)
            self.problems.append(self.loaded.problem(
                loc, f"thẻ YAML '{tag}' không được phép (tệp chỉ chứa dữ liệu, không chứa lệnh hay đối tượng)",
                f"Xóa '{tag}'; tệp chỉ chứa văn bản, số, danh sách và bảng khóa",
            ))
            return None
        if id(node) in self.path:
            self.problems.append(self.loaded.problem(
                loc, "bí danh (*…) trỏ về chính giá trị chứa nó", "Xóa bí danh đó; viết thẳng giá trị"))
            return None
        if isinstance(node, yaml.MappingNode | yaml.SequenceNode):
            self.path.add(id(node))
            try:
                if isinstance(node, yaml.MappingNode):
                    return self._mapping(node, loc)
                return [self.build(item, (*loc, i)) for i, item in enumerate(node.value)]
            finally:
                self.path.discard(id(node))
        assert isinstance(node, yaml.ScalarNode)
        tag = node.tag.removeprefix(_YAML_TAG)
        self.loaded.sources[loc] = (tag, node.value)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (ConstructorError, ValueError, OverflowError):
            if tag == "timestamp":
                # "2026-02-30" looks like a date but is none: keep the text, the model explains it.
                value = node.value
            else:
                self.problems.append(self.loaded.problem(loc, f"giá trị '{node.value}' không đọc được",
                                                         'Đặt giá trị trong dấu nháy kép nếu đó là văn bản'))
                return None
        if isinstance(value, str):
            self.expanded += len(value)
            if self.expanded > MAX_EXPANDED:
                raise InputError([self.loaded.problem(
                    loc[:1], f"tệp mở rộng thành quá nhiều chữ (trên {number(MAX_EXPANDED)} ký tự) qua bí danh (*…)",
                    "Bỏ các bí danh (&…, *…) trỏ tới văn bản dài; viết thẳng giá trị")])
            if len(value) > MAX_TEXT:
                self.problems.append(self.loaded.problem(
                    loc, f"văn bản dài {number(len(value))} ký tự, quá giới hạn {number(MAX_TEXT)} ký tự",
                    "Một đoạn của kế hoạch không dài như vậy; kiểm tra tệp có bị dán nhầm nội dung"))
                return None
            value = unicodedata.normalize("NFC", value)
            found = _BAD_CHARS.search(value)  # in C: a long text costs no Python loop per character
            bad = found.group() if found else None
            if bad is not None:
                # Only an escape in double quotes ("\a", "\x07", "\uFFFE") gets one this far.
                self.problems.append(self.loaded.problem(
                    loc, f"văn bản có {_char_text(bad)}",
                    "Xóa mã thoát dạng \\a, \\x07, \\u0007 trong dấu nháy kép"))
        return value

    def _mapping(self, node: yaml.MappingNode, loc: Loc) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_line: dict[Any, int] = {}
        explicit = {id(k) for k, _ in node.value if k.tag != _YAML_TAG + "merge"}
        try:
            self.constructor.flatten_mapping(node)  # resolves YAML merge keys (<<)
        except ConstructorError:
            self.problems.append(self.loaded.problem(
                loc, "khóa gộp '<<' phải trỏ tới một bảng",
                "Viết '<<: *ten' với một bảng đã đặt tên bằng '&ten'"))
            return out
        # Keys written here override those merged in with '<<' (the last merged one wins).
        written = [(k, v) for k, v in node.value if id(k) in explicit]
        written_keys = {str(k.value) for k, _ in written if isinstance(k, yaml.ScalarNode)}
        merged = {str(k.value): (k, v) for k, v in node.value
                  if id(k) not in explicit and isinstance(k, yaml.ScalarNode) and str(k.value) not in written_keys}
        for key_node, value_node in [*merged.values(), *written]:
            line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(
                    message="khóa phải là một chữ, không phải danh sách hay bảng", file=self.loaded.name,
                    line=line, key=dotted(loc), hint="Viết 'khóa: giá trị'"))
                continue
            if key_node.tag not in _SAFE_TAGS:
                tag = show_tag(key_node.tag)
                self.problems.append(Problem(
                    message=f"thẻ YAML '{tag}' không được phép ở khóa", file=self.loaded.name,
                    line=line, key=dotted(loc), hint=f"Xóa '{tag}'"))
                continue
            key = unicodedata.normalize("NFC", str(key_node.value))
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


def _too_deep(name: str | None) -> Problem:
    return Problem(message="tệp lồng nhau quá sâu (danh sách trong danh sách … hàng trăm cấp)", file=name,
                   hint="Kiểm tra các dấu [ và { thừa")


def _is_blank(text: str) -> bool:
    return all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.split("\n"))


def load_yaml_text(text: str, path: Path | None = None, *, recover: bool = False) -> Loaded:
    """Parse YAML text; raise :class:`InputError` with every problem found.

    With ``recover``, problems that leave the data readable (a stray control character, a
    duplicate key, a refused tag: the value is set aside) are kept in ``Loaded.problems``
    instead, so that validation can report them together with its own.
    """
    loaded = Loaded(data=None, path=path)
    name = loaded.name
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # lines as YAML counts them
    problems, parsable = _scan_text(text, name)
    if not parsable:
        raise InputError(problems)
    if problems:
        # Set the stray characters aside to find the file's other problems in the same run.
        text = _BAD_CHARS.sub(" ", text)
    if _is_blank(text):
        raise InputError([Problem(message="tệp rỗng", file=name, line=1, hint=_EMPTY_HINT)])
    try:
        try:
            node = yaml.compose(text, Loader=SAFE_LOADER)
        except yaml.YAMLError:
            # the pure-Python parser's messages and marks are the ones explained to the user
            node = yaml.compose(text, Loader=yaml.SafeLoader)
    except RecursionError:
        raise InputError([_too_deep(name)]) from None
    except yaml.MarkedYAMLError as exc:
        raise InputError([*problems, _syntax_problem(exc, name, text)]) from None
    except yaml.reader.ReaderError as exc:  # a character the scan above let through
        line = text[: exc.position].count("\n") + 1
        raise InputError([*problems, Problem(message=f"có ký tự không hợp lệ (U+{exc.character:04X})"
                                             if isinstance(exc.character, int) else "có ký tự không hợp lệ",
                                             file=name, line=line, hint="Xóa ký tự đó")]) from None
    except yaml.YAMLError as exc:
        raise InputError([*problems, Problem(message=f"cú pháp YAML sai ({exc})", file=name)]) from None
    if node is None:
        raise InputError([Problem(message="tệp rỗng", file=name, line=1, hint=_EMPTY_HINT)])
    builder = _Builder(loaded, problems)
    scanned = len(problems)
    try:
        loaded.data = builder.build(node, ())
    except RecursionError:
        raise InputError([_too_deep(name)]) from None
    # A character found in the raw text is named by its key too, once the keys are known.
    problems[:scanned] = [replace(p, key=dotted(loaded.key_at(p.line)) if p.line else "")
                          for p in problems[:scanned]]
    if problems and not recover:
        raise InputError(problems)
    loaded.problems = problems
    return loaded


def load_yaml(path: str | Path, *, recover: bool = False) -> Loaded:
    """Read and parse a YAML file (UTF-8) safely (``recover``: see :func:`load_yaml_text`)."""
    p = Path(path)
    try:
        raw = read_bounded(p, MAX_FILE_BYTES, "tệp YAML")
    except FileNotFoundError:
        raise InputError([Problem(message="không tìm thấy tệp", file=rel(p),
                                  hint="Kiểm tra lại đường dẫn")]) from None
    except IsADirectoryError:
        raise InputError([Problem(message="đây là thư mục, không phải tệp YAML", file=rel(p))]) from None
    except OSError as exc:
        raise InputError([Problem(message=f"không đọc được tệp: {exc.strerror}", file=rel(p))]) from None
    loaded = load_yaml_text(_decode(raw, rel(p)), p, recover=recover)
    loaded.sha256 = hashlib.sha256(raw).hexdigest()
    return loaded


def read_bounded(path: Path, limit: int, what: str) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else :class:`InputError`.

    A device, a pipe or a symlink to one (``/dev/zero``) is refused before reading, and never
    more than ``limit`` + 1 bytes are read, so no file can stall or exhaust the machine.
    """
    import os
    import stat

    st = os.stat(path)  # FileNotFoundError, IsADirectoryError … are the caller's
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(str(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError([Problem(message=f"không phải tệp thường (thiết bị hoặc ống dẫn), không đọc {what}",
                                  file=rel(path), hint="Chỉ ra một tệp trên đĩa")])
    with open(path, "rb") as f:
        # the size the file has (a buffer of ``limit`` bytes would be made for every read),
        # and more only if it grew meanwhile
        raw = f.read(min(st.st_size, limit) + 1)
        if st.st_size < len(raw) <= limit:
            raw += f.read(limit + 1 - len(raw))
    if len(raw) > limit:
        raise InputError([Problem(
            message=f"tệp quá lớn (trên {limit // (1024 * 1024)} MB) để là {what}",
            file=rel(path), hint="Kiểm tra lại đường dẫn: hồ sơ đơn vị chỉ vài KB, mẫu thành phố dưới 1 MB")])
    return raw


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
