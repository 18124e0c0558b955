"""What every check group shares: the context a check runs in, the expected look of an element
(:class:`Spec`) and how a look is compared with it, and the solid line under a heading."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ..ooxml.document import DocModel
from ..ooxml.element import El
from ..ooxml.nodes import Look, Para
from .layout import Layout, Line
from .report import Finding, Severity
from .rules import Rule, rule
from .words import is_upper, pt, quote

LINE_BELOW = rule("ND30-LINE-BELOW", "Đường kẻ nét liền dưới tên cơ quan, tiêu ngữ, trích yếu và "
                                     "dòng 'Kèm theo' của phụ lục.")

ALIGN_NAMES = {"left": "trái", "start": "trái", "right": "phải", "end": "phải",
               "both": "đều hai bên", "distribute": "đều hai bên", "center": "giữa"}


@dataclass
class Ctx:
    """One check run: the document, where its parts are, and whether blanks are allowed."""

    doc: DocModel
    lay: Layout
    draft_ok: bool
    memo: dict[Any, Any] = field(default_factory=dict)  # results a check reads more than once

    def find(self, rule: Rule, where: Para | Line | str, message: str, hint: str,
             severity: Severity | None = None, quote_text: str | None = None) -> Finding:
        """A finding of ``rule`` at a paragraph or one of its lines (quoting its text) or a
        named place."""
        level = severity or rule.severity
        if isinstance(where, Line):
            return Finding(rule.id, level, where.para.where,
                           quote(where.text if quote_text is None else quote_text), message, hint)
        if isinstance(where, Para):
            return Finding(rule.id, level, where.where,
                           quote(where.text if quote_text is None else quote_text), message, hint)
        return Finding(rule.id, level, where, quote(quote_text or ""), message, hint)


@dataclass(frozen=True)
class Spec:
    """Expected look of an element: size range, bold / italic (None: either), case, centred."""

    label: str
    size: tuple[float, float] | None
    bold: bool | None = True
    italic: bool | None = False
    case: Literal["upper", "normal"] | None = None
    centred: bool = True

    def describe(self) -> str:
        parts = []
        if self.size:
            lo, hi = self.size
            parts.append(f"cỡ {pt(lo)}–{pt(hi)} pt" if lo != hi else f"cỡ {pt(lo)} pt")
        parts += {True: ["in đậm"], False: ["không đậm"], None: []}[self.bold]
        parts += {True: ["in nghiêng"], False: ["chữ đứng"], None: []}[self.italic]
        parts += {"upper": ["chữ in hoa"], "normal": ["chữ thường"], None: []}[self.case]
        parts += ["căn giữa"] if self.centred else []
        return ", ".join(parts)


# each way a look can differ from its spec: (test, what to say); the size and the alignment,
# which quote the look's own values, are judged in look_problems
_LOOK_CHECKS: tuple[tuple[Callable[[Look, Spec], bool], str], ...] = (
    (lambda look, spec: spec.bold is True and not look.bold, "chưa in đậm"),
    (lambda look, spec: spec.bold is False and look.any_bold, "không được in đậm"),
    (lambda look, spec: spec.italic is True and not look.italic, "chưa in nghiêng"),
    (lambda look, spec: spec.italic is False and look.any_italic, "không được in nghiêng"),
    (lambda look, spec: spec.case == "upper" and not is_upper(look.text), "chưa viết chữ in hoa"),
    (lambda look, spec: spec.case == "normal" and is_upper(look.text),
     "không được viết toàn chữ in hoa"),
)


def look_problems(look: Look, spec: Spec) -> list[str]:
    """What in ``look`` differs from ``spec``, each in a few words."""
    out = []
    lo, hi = spec.size or (0, 1000)
    bad = [s for s in look.sizes if s is None or not lo <= s <= hi]
    if bad:
        out.append("cỡ chữ " + ", ".join(pt(s) for s in bad) + " pt")
    out += [say for test, say in _LOOK_CHECKS if test(look, spec)]
    if spec.centred and look.align != "center":
        out.append(f"đang căn {ALIGN_NAMES.get(look.align, look.align)}, chưa căn giữa")
    return out


def line_look(ctx: Ctx, line: Line) -> Look:
    """How a line is shown: a whole paragraph's look, or that of the runs showing the line,
    with the line's own text (in capitals where a run shows capitals) and the alignment a tab
    stop gives it."""
    if line.whole:
        return ctx.doc.look(line.para)
    runs = line.runs or []
    look = ctx.doc.look(line.para, runs)
    caps = any(ctx.doc.run_props(r, line.para).caps for r in runs)
    return look._replace(text=line.text.upper() if caps else line.text,
                         align=line.align or look.align)


def check_look(ctx: Ctx, rule: Rule, p: Para | Line, spec: Spec,
               runs: Sequence[El] | None = None, quote_text: str | None = None) -> list[Finding]:
    """One finding listing everything in which ``p`` (a paragraph, its ``runs``, or a line)
    differs from ``spec``."""
    problems = _look_problems_of(ctx, p, spec, runs)
    if not problems:
        return []
    return [ctx.find(rule, p, f"{spec.label}: " + "; ".join(problems) + ".",
                     f"Định dạng đúng: {spec.describe()}.", quote_text=quote_text)]


def _look_problems_of(ctx: Ctx, p: Para | Line, spec: Spec, runs: Sequence[El] | None
                      ) -> tuple[str, ...]:
    """:func:`look_problems` of ``p``'s look. A look is made of the paragraph's core (its runs,
    their formats), the style sheet and, for a line, its text, runs and tab alignment: what it
    gives is kept with the core by those, so a unit's plan judges again only the looks of its
    new paragraphs."""
    para = p.para if isinstance(p, Line) else p
    memo = ctx.doc.kept(para)
    shown = p.runs if isinstance(p, Line) else runs
    if memo is None or (shown is not None and not para.core.owns(shown)):
        return tuple(look_problems(_look_of(ctx, p, runs), spec))  # (runs not its own: no memo)
    ids = None if shown is None else tuple(map(id, shown))  # its own runs: alive with it
    key = (_LOOK_PROBLEMS, spec, ids, (p.text, p.align) if isinstance(p, Line) else None)
    found: tuple[str, ...] | None = memo.get(key)
    if found is None:
        found = memo[key] = tuple(look_problems(_look_of(ctx, p, runs), spec))
    return found


_LOOK_PROBLEMS = "look problems"


def _look_of(ctx: Ctx, p: Para | Line, runs: Sequence[El] | None) -> Look:
    return line_look(ctx, p) if isinstance(p, Line) else ctx.doc.look(p, runs)


def missing(ctx: Ctx, rule: Rule, what: str, hint: str) -> Finding:
    return ctx.find(rule, "phần đầu văn bản", f"Không tìm thấy {what}.", hint)


def no_line(ctx: Ctx, p: Para | Line, what: str, length: str) -> Finding:
    return ctx.find(LINE_BELOW, p, f"Thiếu đường kẻ nét liền dưới {what}.",
                    f"Thêm đường kẻ ngang nét liền ({length}): viền dưới của đoạn hoặc một "
                    "đoạn trống có viền, hoặc vẽ một đường thẳng.")
