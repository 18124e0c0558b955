"""Placeholders in template texts (``{{ don_vi }}``, ``{% if thi_diem %}…{% endif %}``).

A text is parsed once with Jinja's parser, then checked against a short list of what a plan's
wording needs, and compiled into a tiny program of its own: literal text, the names of
:data:`NAMES`, the filters of :data:`FILTERS` (or the same words as methods, ``cap.upper()``),
``vai_tro('mã')`` for a role's name at the unit, ``~`` to join, and ``if``/``elif``/``else``
on names and constants. Anything else (arithmetic, loops, attributes, other functions) is
refused with a message naming it, so no text can run code, loop, or build a huge value: the
output of a text is at most the sum of its parts, and :data:`MAX_TEXT` caps it besides.
Evaluating a compiled text is a walk over a few nodes, with no Jinja at run time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes

from .errors import number
from .model import CityTemplate, UnitProfile

MAX_TEXT = 100_000  # no text of a plan is longer; a placeholder that makes one is refused

# Every name a text may use, with what it gives (for messages and docs/roles.md).
NAMES: dict[str, str] = {
    "cap": "cấp của đơn vị, chữ thường: xã / phường / đặc khu",
    "Cap": "cấp viết hoa chữ đầu: Xã / Phường / Đặc khu",
    "ten": "tên riêng của đơn vị: Tân An",
    "don_vi": "cấp và tên: xã Tân An",
    "co_quan": "loại cơ quan ban hành: Ủy ban nhân dân",
    "ubnd": "cơ quan ban hành đầy đủ: Ủy ban nhân dân xã Tân An",
    "tinh": "tỉnh, thành phố: thành phố Hải Phòng",
    "kh_so": "số, ký hiệu Kế hoạch của thành phố: 159/KH-UBND",
    "kh_ngay": "ngày Kế hoạch của thành phố: 02/05/2026 (hoặc 2/5/2026 theo style.date_format)",
    "kh_ten": "tên (trích yếu) Kế hoạch của thành phố",
    "kh_co_quan": "cơ quan ban hành Kế hoạch của thành phố",
    "thi_diem": "đúng nếu đơn vị làm điểm (dùng trong {% if thi_diem %}…{% endif %})",
}
ROLE_FUNCTION = "vai_tro"
FILTERS = ("upper", "lower", "capitalize", "title", "trim")
_METHODS = {"upper": "upper", "lower": "lower", "capitalize": "capitalize", "title": "title",
            "strip": "trim"}
ALLOWED = ("Chỗ điền chỉ gồm tên có sẵn (ví dụ {{ don_vi }}), bộ lọc " + ", ".join(FILTERS)
           + ", vai_tro('mã vai trò'), dấu ~ để nối và {% if thi_diem %}…{% else %}…{% endif %}")

_PARSER = jinja2.Environment(autoescape=False)  # parsing only: nothing is ever rendered by Jinja


class PlaceholderError(Exception):
    """A text whose placeholders cannot be used: ``message`` and ``hint`` are Vietnamese."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


def names_hint() -> str:
    return "Các chỗ điền dùng được: " + ", ".join(NAMES) + f", {ROLE_FUNCTION}('mã')"


# ---------------------------------------------------------------------------------------------
# The compiled form: literal text, a name, a role, a join, a choice


@dataclass(frozen=True)
class _Lit:
    value: Any


@dataclass(frozen=True)
class _Name:
    name: str


@dataclass(frozen=True)
class _Role:
    key: str


@dataclass(frozen=True)
class _Filter:
    inner: _Expr
    name: str


@dataclass(frozen=True)
class _Join:
    parts: tuple[_Expr, ...]


@dataclass(frozen=True)
class _Not:
    inner: _Expr


@dataclass(frozen=True)
class _Bool:
    op: str  # "and" / "or"
    left: _Expr
    right: _Expr


@dataclass(frozen=True)
class _Compare:
    left: _Expr
    ops: tuple[tuple[str, _Expr], ...]


@dataclass(frozen=True)
class _Choice:
    test: _Expr
    then: tuple[_Piece, ...]
    otherwise: tuple[_Piece, ...]


_Expr = _Lit | _Name | _Role | _Filter | _Join | _Not | _Bool | _Compare | _Choice
_Piece = _Expr


@dataclass(frozen=True)
class Compiled:
    """A checked text, ready to be filled for any unit."""

    source: str
    pieces: tuple[_Piece, ...]
    names: frozenset[str]       # the names it uses
    roles: tuple[str, ...]      # the role keys of its vai_tro('…') calls

    def render(self, values: Mapping[str, Any], role: Callable[[str], str]) -> str:
        """The text for a unit: ``values`` of :data:`NAMES`, ``role(key)`` for vai_tro."""
        out: list[str] = []
        size = 0
        for piece in self.pieces:
            text = _text(_eval(piece, values, role, out_of_text=True))
            size += len(text)
            if size > MAX_TEXT:
                raise PlaceholderError(f"chỗ điền cho ra văn bản quá dài (trên {number(MAX_TEXT)} ký tự)",
                                       "Rút gọn văn bản hoặc chỗ điền")
            out.append(text)
        return "".join(out)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _eval(e: _Expr, values: Mapping[str, Any], role: Callable[[str], str], out_of_text: bool = False) -> Any:
    if isinstance(e, _Lit):
        return e.value
    if isinstance(e, _Name):
        return values[e.name]
    if isinstance(e, _Role):
        return role(e.key)
    if isinstance(e, _Filter):
        s = _text(_eval(e.inner, values, role))
        return {"upper": s.upper, "lower": s.lower, "capitalize": s.capitalize, "title": s.title,
                "trim": s.strip}[e.name]()
    if isinstance(e, _Join):
        return "".join(_text(_eval(p, values, role)) for p in e.parts)
    if isinstance(e, _Not):
        return not _eval(e.inner, values, role)
    if isinstance(e, _Bool):
        left = _eval(e.left, values, role)
        if e.op == "and":
            return left and _eval(e.right, values, role)
        return left or _eval(e.right, values, role)
    if isinstance(e, _Compare):
        left = _eval(e.left, values, role)
        for op, right_e in e.ops:
            right = _eval(right_e, values, role)
            if not (left == right if op == "eq" else left != right):
                return False
            left = right
        return True
    assert isinstance(e, _Choice)
    branch = e.then if _eval(e.test, values, role) else e.otherwise
    return "".join(_text(_eval(p, values, role)) for p in branch)


# ---------------------------------------------------------------------------------------------
# Checking and compiling


_NODE_NAMES = {
    "For": "vòng lặp 'for'", "Macro": "'macro'", "CallBlock": "'call'", "FilterBlock": "khối 'filter'",
    "With": "'with'", "Assign": "lệnh 'set'", "AssignBlock": "lệnh 'set'", "Include": "'include'",
    "Import": "'import'", "FromImport": "'import'", "Extends": "'extends'", "Block": "khối 'block'",
    "Add": "phép tính '+'", "Sub": "phép tính '-'", "Mul": "phép tính '*'", "Div": "phép tính '/'",
    "FloorDiv": "phép tính '//'", "Mod": "phép tính '%'", "Pow": "phép tính '**'", "Neg": "dấu '-'",
    "Pos": "dấu '+'", "Getitem": "chỉ số '[…]'", "Slice": "cắt chuỗi '[…:…]'", "List": "danh sách '[…]'",
    "Tuple": "bộ giá trị", "Dict": "bảng '{…}'", "Test": "phép thử 'is'", "ScopedEvalContextModifier":
    "'autoescape'", "EvalContextModifier": "'autoescape'",
}


def _refuse(what: str) -> PlaceholderError:
    return PlaceholderError(f"chỗ điền dùng {what}, không được phép", ALLOWED)


class _Compiler:
    def __init__(self) -> None:
        self.names: set[str] = set()
        self.roles: list[str] = []

    def body(self, items: list[nodes.Node]) -> tuple[_Piece, ...]:
        out: list[_Piece] = []
        for node in items:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    out.append(_Lit(child.data) if isinstance(child, nodes.TemplateData) else self.expr(child))
            elif isinstance(node, nodes.If):
                out.append(self.choice(node))
            else:
                raise _refuse(_NODE_NAMES.get(type(node).__name__, f"'{type(node).__name__}'"))
        return tuple(out)

    def choice(self, node: nodes.If) -> _Choice:
        otherwise: tuple[_Piece, ...] = self.body(node.else_)
        for elif_ in reversed(node.elif_):
            otherwise = (_Choice(self.expr(elif_.test), self.body(elif_.body), otherwise),)
        return _Choice(self.expr(node.test), self.body(node.body), otherwise)

    def expr(self, node: nodes.Node) -> _Expr:
        """The compiled form of an expression the whitelist allows (else PlaceholderError)."""
        make = getattr(self, f"_make_{type(node).__name__}", None)
        if make is None:
            raise _refuse(_NODE_NAMES.get(type(node).__name__, f"'{type(node).__name__}'"))
        return make(node)

    def _make_Name(self, node: nodes.Name) -> _Expr:  # noqa: N802 - named after the Jinja node
        if node.name not in NAMES:
            if node.name == ROLE_FUNCTION:
                raise PlaceholderError(f"{ROLE_FUNCTION} cần mã vai trò trong ngoặc: {ROLE_FUNCTION}('tu_phap')",
                                       names_hint())
            raise PlaceholderError(f"chỗ điền '{node.name}' không tồn tại", names_hint())
        self.names.add(node.name)
        return _Name(node.name)

    def _make_Const(self, node: nodes.Const) -> _Expr:  # noqa: N802
        value = node.value
        if isinstance(value, bool | str) or value is None or (isinstance(value, int) and abs(value) < 10**6):
            return _Lit(value)
        raise _refuse(f"hằng số '{value!r}'"[:80])

    def _make_Filter(self, node: nodes.Filter) -> _Expr:  # noqa: N802
        if node.name not in FILTERS or node.args or node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise _refuse(f"bộ lọc '{node.name}'")
        assert node.node is not None
        return _Filter(self.expr(node.node), node.name)

    def _make_Call(self, node: nodes.Call) -> _Expr:  # noqa: N802
        return self.call(node)

    def _make_Getattr(self, node: nodes.Getattr) -> _Expr:  # noqa: N802
        raise _refuse(f"thuộc tính '{node.attr}'")

    def _make_Concat(self, node: nodes.Concat) -> _Expr:  # noqa: N802
        return _Join(tuple(self.expr(n) for n in node.nodes))

    def _make_Not(self, node: nodes.Not) -> _Expr:  # noqa: N802
        return _Not(self.expr(node.node))

    def _make_And(self, node: nodes.And) -> _Expr:  # noqa: N802
        return _Bool("and", self.expr(node.left), self.expr(node.right))

    def _make_Or(self, node: nodes.Or) -> _Expr:  # noqa: N802
        return _Bool("or", self.expr(node.left), self.expr(node.right))

    def _make_Compare(self, node: nodes.Compare) -> _Expr:  # noqa: N802
        ops = []
        for op in node.ops:
            if op.op not in ("eq", "ne"):
                raise _refuse(f"phép so sánh '{op.op}'")
            ops.append((op.op, self.expr(op.expr)))
        return _Compare(self.expr(node.expr), tuple(ops))

    def _make_CondExpr(self, node: nodes.CondExpr) -> _Expr:  # noqa: N802
        otherwise = (self.expr(node.expr2),) if node.expr2 is not None else ()
        return _Choice(self.expr(node.test), (self.expr(node.expr1),), otherwise)

    def call(self, node: nodes.Call) -> _Expr:
        if node.kwargs or node.dyn_args or node.dyn_kwargs:
            raise _refuse("tham số có tên")
        target = node.node
        if isinstance(target, nodes.Name) and target.name == ROLE_FUNCTION:
            if len(node.args) != 1 or not isinstance(node.args[0], nodes.Const) \
                    or not isinstance(node.args[0].value, str):
                raise PlaceholderError(f"{ROLE_FUNCTION} cần một mã vai trò viết trong dấu nháy: "
                                       f"{ROLE_FUNCTION}('tu_phap')", ALLOWED)
            key = node.args[0].value
            self.roles.append(key)
            return _Role(key)
        if isinstance(target, nodes.Getattr) and target.attr in _METHODS and not node.args:
            return _Filter(self.expr(target.node), _METHODS[target.attr])
        if isinstance(target, nodes.Getattr):
            raise _refuse(f"thuộc tính '{target.attr}'")
        name = target.name if isinstance(target, nodes.Name) else type(target).__name__
        raise _refuse(f"hàm '{name}'")


def has_placeholder(text: str) -> bool:
    return "{{" in text or "{%" in text or "{#" in text


_COMPILED: dict[str, Compiled] = {}  # every text compiled in this process (and those cached on disk)
_MAX_COMPILED = 65536


def compiled_texts() -> dict[str, Compiled]:
    """The texts compiled so far (a checked city template keeps them in the cache on disk)."""
    return dict(_COMPILED)


def remember(compiled: dict[str, Compiled]) -> None:
    """Texts compiled before (from the cache on disk): not compiled again."""
    if len(_COMPILED) + len(compiled) <= _MAX_COMPILED:
        _COMPILED.update(compiled)


def compile_text(text: str) -> Compiled:
    """``text`` checked and compiled; :class:`PlaceholderError` says what is not allowed."""
    found = _COMPILED.get(text)
    if found is None:
        found = _compile(text)
        if len(_COMPILED) < _MAX_COMPILED:
            _COMPILED[text] = found
    return found


def _compile(text: str) -> Compiled:
    try:
        tree = _PARSER.parse(text)
    except jinja2.TemplateSyntaxError:
        raise PlaceholderError("chỗ điền viết sai cú pháp (thiếu hoặc thừa dấu ngoặc nhọn)",
                               "Chỗ điền có dạng {{ don_vi }}") from None
    except RecursionError:
        raise PlaceholderError("chỗ điền lồng nhau quá sâu", ALLOWED) from None
    compiler = _Compiler()
    try:
        pieces = compiler.body(tree.body)
    except RecursionError:
        raise PlaceholderError("chỗ điền lồng nhau quá sâu", ALLOWED) from None
    return Compiled(text, pieces, frozenset(compiler.names), tuple(compiler.roles))


def fill(text: str, values: Mapping[str, Any], role: Callable[[str], str]) -> str:
    """``text`` with its placeholders filled, spaces tidied as the plan shows them: a one-line
    text has single spaces, a multi-line one keeps its lines."""
    if not has_placeholder(text):
        return _tidy(text, "\n" in text)
    return _tidy(compile_text(text).render(values, role), "\n" in text)


@functools.lru_cache(maxsize=16384)
def _tidy(text: str, lines: bool) -> str:
    """Spaces as the plan shows them (the same few thousand texts come back for every unit)."""
    return text.strip() if lines else " ".join(text.split())


# ---------------------------------------------------------------------------------------------
# What the names give for one unit


def reference_date(date: dt.date, style: str) -> str:
    """``02/05/2026`` (``dd/mm/yyyy``) or ``2/5/2026`` (``d/m/yyyy``)."""
    if style == "d/m/yyyy":
        return f"{date.day}/{date.month}/{date.year}"
    return date.strftime("%d/%m/%Y")


def unit_values(city: CityTemplate, profile: UnitProfile, level: str) -> dict[str, Any]:
    """The value of every name of :data:`NAMES` for the unit ``profile`` describes."""
    spec = city.level(level)
    cap = spec.noun
    full = spec.unit_name(profile.name)
    plan = city.plan
    return {
        "cap": cap,
        "Cap": cap[:1].upper() + cap[1:],
        "ten": profile.name,
        "don_vi": full,
        "co_quan": spec.body,
        "ubnd": f"{spec.body} {full}",
        "tinh": plan.province_name,
        "kh_so": plan.number,
        "kh_ngay": reference_date(plan.date, city.style.date_format),
        "kh_ten": plan.name,
        "kh_co_quan": plan.issuer,
        "thi_diem": profile.pilot,
    }
