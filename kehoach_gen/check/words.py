"""Text helpers of the checker: folding for comparisons, quotes, sizes in Vietnamese."""

from __future__ import annotations

import functools
import re
import unicodedata

_FEW_MARKS = 8  # Vietnamese has five tone marks and three letter marks


def _strip_marks(s: str) -> str:
    """``s`` without its combining marks. The few marks it holds are each removed by
    ``str.replace``, a pass at C speed several times faster than a regex over the text (or
    testing every character); past :data:`_FEW_MARKS` of them, one regex pass, so that a
    text of many marks is not read once per mark."""
    marks = [c for c in set(s) if unicodedata.combining(c)]
    if len(marks) > _FEW_MARKS:
        return re.sub(f"[{re.escape(''.join(marks))}]", "", s)
    for mark in marks:
        s = s.replace(mark, "")
    return s


def fold(s: str) -> str:
    """Case-, accent- and space-insensitive key: 'ỦY  BAN' → 'uy ban'."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    return " ".join(_strip_marks(s).casefold().split())


def starts_folded(text: str, prefix: str, head: int = 32) -> bool:
    """``fold(text).startswith(prefix)``, read from the first character when it rules the
    prefix out, else folding only the start of a long text when that decides it (the fold of
    a text's start is the start of the text's fold)."""
    stripped = text.lstrip()
    first = fold_short(stripped[0]) if stripped else ""
    n = min(len(first), len(prefix))
    if first[:n] != prefix[:n]:
        return False
    if len(text) > head:
        start = fold(text[:head])
        if len(start) > len(prefix):
            return start.startswith(prefix)
    return fold(text).startswith(prefix)


# fold for the short texts every plan repeats (words, letters, a header's lines)
fold_short = functools.lru_cache(maxsize=4096)(fold)


def fold_all(texts: list[str]) -> list[str]:
    """``[fold(t) for t in texts]`` in one pass over their concatenation. The separator, NUL,
    cannot occur in XML text; it starts a new character for NFD and has no case, so each part
    folds exactly as it would alone."""
    if not texts:
        return []
    joined = "\x00".join(texts)
    joined = unicodedata.normalize("NFD", joined.replace("đ", "d").replace("Đ", "D"))
    return [" ".join(part.split()) for part in _strip_marks(joined).casefold().split("\x00")]


def is_word_char(c: str) -> bool:
    """What ``\\w`` matches in a str pattern: a letter or a digit (``str.isalnum``), or "_"."""
    return c.isalnum() or c == "_"


def word_start(text: str, end: int, stop: int = 0) -> int:
    """Where the word (a run of ``\\w``) that ends at ``end`` begins, walking back no further
    than ``stop``."""
    begin = end
    while begin > stop and is_word_char(text[begin - 1]):
        begin -= 1
    return begin


def name_key(s: str) -> str:
    """Folded name of a body with the usual abbreviations spelt out, for comparisons."""
    key = f" {fold(s)} "
    for short, full in ((" ubnd ", " uy ban nhan dan "), (" hdnd ", " hoi dong nhan dan ")):
        key = key.replace(short, full)
    return key.strip()


def squash(s: str) -> str:
    return " ".join(s.split())


def quote(s: str, limit: int = 60) -> str:
    s = squash(s)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def is_upper(s: str) -> bool:
    return any(c.isalpha() for c in s) and s == s.upper()


def pt(value: float | None) -> str:
    if value is None:
        return "không rõ"
    return f"{value:g}".replace(".", ",")


def mm(twips: int) -> float:
    return twips * 25.4 / 1440
