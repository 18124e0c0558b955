"""Errors and problems reported to the user.

Every problem found in user input is a :class:`Problem` that knows its file, line, dotted key,
what is wrong and how to fix it. Loading and validation collect *all* problems of a file before
raising :class:`InputError`, so a clerk sees every mistake at once. The CLI is the one place that
turns these into messages and exit codes.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

Loc = tuple[str | int, ...]


def dotted(loc: Loc) -> str:
    """``("appendix", "groups", 1, "tasks", 3, "lead")`` → ``appendix.groups[1].tasks[3].lead``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def number(n: int) -> str:
    """``100000`` → ``100.000``: thousands grouped with dots, as Vietnamese writes them."""
    return f"{n:,}".replace(",", ".")


def did_you_mean(word: str, choices: Iterable[str], *, n: int = 3, cutoff: float = 0.6,
                 template: str = "Có phải: {}?") -> str:
    """"Có phải: B01, B02?" for the choices that look like ``word``; "" when none does.
    ``template`` shapes the question ("Có phải ý bạn là '{}'?" for one key)."""
    close = difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)
    return template.format(", ".join(close)) if close else ""


@dataclass(frozen=True)
class Problem:
    """One finding about an input file: an error, or a warning with ``warning=True``."""

    message: str
    file: str | None = None
    line: int | None = None
    key: str = ""
    hint: str = ""
    warning: bool = False

    def format(self) -> str:
        """One line: ``file:line: key: message. hint`` (Vietnamese, for the user)."""
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
            where += ": "
        kind = "cảnh báo: " if self.warning else "lỗi: "
        key = f"{self.key}: " if self.key else ""
        text = f"{where}{kind}{key}{self.message}"
        if self.hint:
            text = (text if text.endswith(("?", ".", "!")) else text + ".") + f" {self.hint}"
        return text

    def __str__(self) -> str:
        return self.format()


class KehoachError(Exception):
    """Root of every error kehoach-gen raises on purpose."""

    exit_code = 1

    def messages(self) -> list[str]:
        return [str(self)]


class InputError(KehoachError):
    """Invalid input: one or more problems (errors, possibly with warnings beside them)."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(p.format() for p in self.problems))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    def messages(self) -> list[str]:
        return [p.format() for p in self.problems]


class OutputError(KehoachError):
    """Something could not be written (permissions, a missing program such as LibreOffice)."""


def rel(path: str | Path | None) -> str | None:
    """A path as the user wrote it, relative to the working directory when possible."""
    if path is None:
        return None
    return _rel(str(path), os.getcwd())


@functools.lru_cache(maxsize=4096)
def _rel(path: str, cwd: str) -> str:
    """(Resolving a path asks the file system at each step: once per path, and its folder once
    for all the files in it, see :func:`~kehoach_gen.files.resolved`.)"""
    from .files import resolved

    p = Path(path)
    if len(_FOLDERS) > 4096:
        _FOLDERS.clear()
    try:
        return str(resolved(p, _FOLDERS).relative_to(resolved(Path(cwd), _FOLDERS)))
    except ValueError:
        return str(p)


_FOLDERS: dict[str, Path] = {}  # folders resolved for rel(), by folder and working directory
