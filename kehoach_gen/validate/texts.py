"""Placeholders in every text of an input: each one is checked once, statically.

A text's placeholders are compiled (:func:`kehoach_gen.placeholders.compile_text`): a name
that does not exist, a construct that is not allowed, a syntax slip, or ``vai_tro('…')`` of a
role the template does not define is a problem located at the text, found even in a text no
unit being generated would reach.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ..errors import Loc, Problem, did_you_mean
from ..placeholders import PlaceholderError, compile_text, has_placeholder
from .where import Source, Where


def strings(data: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every text in plain YAML data, with its place."""
    if isinstance(data, str):
        yield loc, data
    elif isinstance(data, dict):
        for k, v in data.items():
            yield from strings(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from strings(v, (*loc, i))


def text_problems(data: Any, where: Where, source: Source, roles: Mapping[str, Any],
                  base: Loc = ()) -> list[Problem]:
    """A problem for every text of ``data`` whose placeholders cannot be used."""
    problems: list[Problem] = []
    for loc, text in strings(data, base):
        if not has_placeholder(text):
            continue
        try:
            compiled = compile_text(text)
        except PlaceholderError as exc:
            problems.append(where(source, loc, exc.message, exc.hint))
            continue
        for key in compiled.roles:
            if key not in roles:
                problems.append(unknown_role(where, source, loc, key, roles))
    return problems


def unknown_role(where: Where, source: Source, loc: Loc, key: str, roles: Mapping[str, Any]) -> Problem:
    hint = did_you_mean(key, roles) or "Xem danh sách vai trò trong mục 'roles' của city_template.yaml"
    return where(source, loc, f"mã vai trò '{key}' chưa được định nghĩa", hint)
