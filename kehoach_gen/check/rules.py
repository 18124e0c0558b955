"""The rule registry: every rule is declared once, with its id, its text and its severity.

As ruff and flake8 keep a rule's code, message and check together, each check module declares
its rules at the top (``DATE = rule("ND30-DATE", "Địa danh, ngày tháng: …")``) and refers to
the :class:`Rule` objects, never to the id as a string. :data:`kehoach_gen.check.RULES` (id →
text) is derived from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from .report import Severity


@dataclass(frozen=True)
class Rule:
    """One rule: a stable id, what it requires (Vietnamese), and the severity of its findings
    when a check does not say otherwise."""

    id: str
    text: str
    severity: Severity = "error"


_REGISTRY: dict[str, Rule] = {}


def rule(rule_id: str, text: str, severity: Severity = "error") -> Rule:
    """Declare a rule; an id declared twice is a programming error."""
    if rule_id in _REGISTRY:
        raise ValueError(f"rule {rule_id} is declared twice")
    declared = Rule(rule_id, text, severity)
    _REGISTRY[rule_id] = declared
    return declared


def registered() -> tuple[Rule, ...]:
    """Every declared rule, in the order the check modules declare them."""
    return tuple(_REGISTRY.values())
