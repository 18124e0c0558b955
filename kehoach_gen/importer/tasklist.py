"""The template's task list (``appendix``) as plain data, after the tasks are read.

Drafts written without their empty values (the template's defaults), the roles the tasks name
(so that the template lists them), and every text of the list reworded for every unit, each
text placed where it was read (for the notes).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def clean(data: Any) -> Any:
    """Draft data without empty values (the template's defaults)."""
    if isinstance(data, dict):
        return {k: clean(v) for k, v in data.items() if v not in (None, [], {}) or k in ("title",)}
    if isinstance(data, list):
        return [clean(v) for v in data]
    return data


def roles_in(appendix: dict[str, Any]) -> list[str]:
    """The roles the tasks name (as ``lead`` or ``coop``), in the order first named."""
    out: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                if k in ("lead", "coop") and isinstance(v, list):
                    for item in v:
                        role = item if isinstance(item, str) else item.get("role") if isinstance(item, dict) else None
                        if role and role not in out:
                            out.append(role)
                else:
                    visit(v)
        elif isinstance(value, list):
            for v in value:
                visit(v)

    visit(appendix)
    return out


def reword_appendix(appendix: dict[str, Any], wording: Callable[[str, str], str], origins: dict[str, str]) -> None:
    """Every text of the task list reworded for every unit."""

    def assignments(items: list[Any], where: str) -> None:
        for i, item in enumerate(items):
            if isinstance(item, dict):
                for k in ("text", "note"):
                    if item.get(k):
                        item[k] = wording(item[k], where)
                if set(item) == {"role"}:
                    items[i] = item["role"]

    def fields(node: dict[str, Any], where: str) -> None:
        for k in ("text", "title"):
            if isinstance(node.get(k), str) and node[k]:
                node[k] = wording(node[k], where)
        for k in ("intro", "outputs", "deadline"):
            if isinstance(node.get(k), list):
                node[k] = [wording(v, where) for v in node[k]]
        for k in ("lead", "coop"):
            if isinstance(node.get(k), list):
                assignments(node[k], where)

    for g in appendix.get("groups", []):
        gwhere = origins.get(g.get("id", ""), "phụ lục")
        fields(g, gwhere)
        for t in g.get("tasks", []):
            fields(t, origins.get(t.get("id", ""), gwhere))
        for s in g.get("sections", []):
            swhere = origins.get(s.get("id", ""), gwhere)
            fields(s, swhere)
            if isinstance(s.get("task"), dict):
                fields(s["task"], origins.get(s["task"].get("id", ""), swhere))
            for t in s.get("tasks", []):
                fields(t, origins.get(t.get("id", ""), swhere))


__all__ = ["clean", "reword_appendix", "roles_in"]
