"""Jinja for untrusted Word templates: a whitelist, and bounded time and output.

A template may print values (``{{ … }}``), test them (``{% if %}/{% elif %}/{% else %}``) and
loop over the plan's lists (``{% for %}``, at most three deep). It may read the variables of
:data:`.context.CONTEXT_NAMES` and of its loops, their attributes and items (never a name that
starts with ``_``), compare, combine with ``and``/``or``/``not``/``~``/``+``/``-`` and use a
short list of filters. Everything else (calls, ``range``, ``{% set %}``, macros, includes,
``*``, ``**``, ``%`` …) is refused when the template is compiled: allow what is known to be
safe rather than forbid a list of dangers.

At render time every loop draws on an iteration budget and the output is counted while it
streams, so neither nested loops nor a growing output can run away.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from itertools import islice
from types import CodeType
from typing import Any, NoReturn

import jinja2
from jinja2 import nodes
from jinja2.sandbox import SandboxedEnvironment
from jinja2.tests import TESTS

MAX_LOOP_DEPTH = 3
MAX_ITERATIONS = 100_000
MAX_OUTPUT_CHARS = 20_000_000
MAX_EXPRESSION_NODES = 64
MAX_JOIN_SEPARATOR = 20
FILTERS = ("upper", "lower", "capitalize", "title", "trim", "length", "count", "first", "last",
           "join", "default", "d", "wordcount")
INTERNAL_NAMES = frozenset({"_kh_rules"})
_CHUNKS = 32  # output chunks taken at a time while counting the output
_INTERNAL_FILTERS = ("_kh_runs", "_kh_loop")
ITEM_FILTER = "_kh_item"  # what a loop body wrote for an item (added after the whitelist check)


class TemplateRule(Exception):
    """A template construct that is not allowed, found when the template is compiled."""

    def __init__(self, message: str, hint: str, lineno: int | None, token: str = ""):
        super().__init__(message)
        self.message, self.hint, self.lineno, self.token = message, hint, lineno, token


class TemplateLimit(Exception):
    """A render that went over its iteration or output budget, or looped over a non-list."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message, self.hint = message, hint


_LOOP_HINT = "Kiểm tra các vòng {% for %} lồng nhau trong mẫu: mỗi vòng chỉ nên chạy trên một danh sách của kế hoạch"


class Budget:
    """Iterations left for one render."""

    __slots__ = ("left",)

    def __init__(self, iterations: int = MAX_ITERATIONS):
        self.left = iterations

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise TemplateLimit(f"mẫu Word lặp quá nhiều lần (hơn {MAX_ITERATIONS:,} lượt) khi điền dữ liệu"
                                .replace(",", "."), _LOOP_HINT)


_BUDGET: ContextVar[Budget | None] = ContextVar("kehoach_render_budget", default=None)
_SEQUENCES = frozenset({list, tuple})


def _loop(value: Any) -> Any:
    """Wraps the sequence of every ``{% for %}``: lists only, counted against the budget."""
    if type(value) in _SEQUENCES:
        budget = _BUDGET.get()
        if budget is not None:
            budget.take(len(value))
        return value
    if isinstance(value, jinja2.Undefined):
        return value
    if isinstance(value, str) or not isinstance(value, (list, tuple, dict)):
        raise TemplateLimit(
            "vòng lặp {% for %} trong mẫu chạy trên một giá trị không phải danh sách",
            "Chỉ lặp trên các danh sách: body, noi_nhan, signer_lines, issuer_lines, appendix.rows, "
            "appendix.columns, row.cells.lead/coop/outputs/deadline")
    budget = _BUDGET.get()
    if budget is not None:
        budget.take(len(value))
    return value


def _join(value: Any, d: str = "") -> str:
    if isinstance(value, str) or not isinstance(value, (list, tuple)):
        raise TemplateLimit("bộ lọc |join trong mẫu chỉ dùng được cho danh sách",
                            "Dùng |join cho một danh sách, ví dụ {{ noi_nhan|join(', ') }}")
    return str(d).join(str(v) for v in value)


class _Environment(SandboxedEnvironment):
    """The sandbox, with a fast path for the view classes the context is made of: their
    attributes are all plain data, so the per-access safety checks are skipped for them."""

    fast_types: frozenset[type] = frozenset()

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) in self.fast_types and attribute[:1] != "_":
            try:
                return getattr(obj, attribute)
            except AttributeError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


def environment(finalize: Callable[..., Any] | None, runs: Callable[..., Any],
                fast_types: Iterable[type] = ()) -> SandboxedEnvironment:
    """A sandboxed environment with no globals and only the whitelisted filters. It does not
    autoescape: ``finalize`` writes every value (the template's XML is data, not HTML)."""
    env = _Environment(undefined=jinja2.StrictUndefined, autoescape=False, finalize=finalize)
    env.fast_types = frozenset(fast_types)
    env.globals.clear()
    builtin = dict(env.filters)
    env.filters.clear()
    env.filters.update({name: builtin[name] for name in FILTERS if name != "join"})
    env.filters.update({"join": _join, "_kh_runs": runs, "_kh_loop": _loop, ITEM_FILTER: _no_bodies})
    return env


def _no_bodies(item: Any, k: int) -> NoReturn:
    raise RuntimeError("loop bodies of a compiled template used before they were given")  # (a bug)


# ---------------------------------------------------------------------------------------------
# The whitelist


_WHAT = {
    nodes.Call: ("lời gọi hàm", "Bỏ phần '(…)': mẫu chỉ đọc giá trị, ví dụ {{ row.text }} hoặc {{ title|upper }}"),
    nodes.Assign: ("lệnh {% set %}", "Viết thẳng giá trị cần in vào thẻ {{ … }}"),
    nodes.AssignBlock: ("lệnh {% set %}", "Viết thẳng giá trị cần in vào thẻ {{ … }}"),
    nodes.Macro: ("lệnh {% macro %}", "Lặp lại đoạn cần dùng trong mẫu"),
    nodes.CallBlock: ("lệnh {% call %}", "Lặp lại đoạn cần dùng trong mẫu"),
    nodes.Include: ("lệnh {% include %}", "Mẫu Word phải tự chứa mọi nội dung"),
    nodes.Import: ("lệnh {% import %}", "Mẫu Word phải tự chứa mọi nội dung"),
    nodes.FromImport: ("lệnh {% from … import %}", "Mẫu Word phải tự chứa mọi nội dung"),
    nodes.Extends: ("lệnh {% extends %}", "Mẫu Word phải tự chứa mọi nội dung"),
    nodes.Block: ("lệnh {% block %}", "Bỏ thẻ {% block %}"),
    nodes.FilterBlock: ("lệnh {% filter %}", "Dùng bộ lọc trong thẻ {{ giá_trị|bộ_lọc }}"),
    nodes.With: ("lệnh {% with %}", "Viết thẳng giá trị cần in vào thẻ {{ … }}"),
    nodes.Mul: ("phép nhân '*'", "Mẫu chỉ so sánh và ghép chữ (~), không tính toán"),
    nodes.Pow: ("phép lũy thừa '**'", "Mẫu chỉ so sánh và ghép chữ (~), không tính toán"),
    nodes.Div: ("phép chia '/'", "Mẫu chỉ so sánh và ghép chữ (~), không tính toán"),
    nodes.FloorDiv: ("phép chia '//'", "Mẫu chỉ so sánh và ghép chữ (~), không tính toán"),
    nodes.Mod: ("phép '%'", "Mẫu chỉ so sánh và ghép chữ (~), không tính toán"),
}
_NAMES_HINT = ("Tên dùng được: {names} và biến của vòng lặp {{% for … %}}; "
               "không dùng range, lipsum, cycler, joiner, namespace, dict")
_SIMPLE = (nodes.Name, nodes.Const, nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Compare,
           nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.CondExpr,
           nodes.Concat, nodes.Add, nodes.Sub, nodes.List, nodes.Tuple, nodes.Filter, nodes.Test,
           nodes.Keyword)


class _Checker:
    def __init__(self, names: frozenset[str]):
        self.names = names

    def fail(self, node: nodes.Node, message: str, hint: str, token: str = "") -> NoReturn:
        raise TemplateRule(message, hint, getattr(node, "lineno", None), token)

    def statements(self, body: Iterable[nodes.Node], scope: frozenset[str], depth: int) -> None:
        for node in body:
            self.statement(node, scope, depth)

    def statement(self, node: nodes.Node, scope: frozenset[str], depth: int) -> None:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expression(child, scope)
        elif isinstance(node, nodes.If):
            self.expression(node.test, scope)
            self.statements(node.body, scope, depth)
            for branch in node.elif_:
                self.statement(branch, scope, depth)
            self.statements(node.else_, scope, depth)
        elif isinstance(node, nodes.For):
            self.loop(node, scope, depth)
        else:
            what, hint = _WHAT.get(type(node), (f"lệnh '{type(node).__name__}'", ""))
            self.fail(node, f"mẫu dùng {what}, không được phép trong mẫu Word",
                      hint or "Mẫu chỉ dùng {{ … }}, {% if %}/{% elif %}/{% else %} và {% for %}")

    def loop(self, node: nodes.For, scope: frozenset[str], depth: int) -> None:
        if depth >= MAX_LOOP_DEPTH:
            self.fail(node, f"vòng lặp {{% for %}} lồng quá {MAX_LOOP_DEPTH} tầng",
                      "Giảm số vòng {% for %} lồng nhau", "for")
        if node.recursive:
            self.fail(node, "vòng lặp đệ quy (recursive) không được phép", "Bỏ chữ 'recursive'", "recursive")
        targets = [node.target] if isinstance(node.target, nodes.Name) else list(
            node.target.items if isinstance(node.target, nodes.Tuple) else [node.target])
        if not all(isinstance(t, nodes.Name) for t in targets):
            self.fail(node, "biến của vòng lặp phải là một tên", "Viết {% for x in danh_sách %}", "for")
        self.expression(node.iter, scope)
        inner = scope | {t.name for t in targets if isinstance(t, nodes.Name)} | {"loop"}
        if node.test is not None:
            self.expression(node.test, inner)
        self.statements(node.body, inner, depth + 1)
        self.statements(node.else_, scope, depth)

    def expression(self, node: nodes.Node, scope: frozenset[str]) -> None:
        count = sum(1 for _ in node.find_all(nodes.Node)) + 1
        if count > MAX_EXPRESSION_NODES:
            self.fail(node, f"biểu thức trong thẻ quá dài (hơn {MAX_EXPRESSION_NODES} thành phần)",
                      "Tách thành nhiều thẻ ngắn")
        self._expr(node, scope)

    def _expr(self, node: nodes.Node, scope: frozenset[str]) -> None:
        if not isinstance(node, _SIMPLE):
            what, hint = _WHAT.get(type(node), (f"'{type(node).__name__}'", ""))
            self.fail(node, f"mẫu dùng {what}, không được phép trong mẫu Word",
                      hint or "Mẫu chỉ đọc và so sánh giá trị của kế hoạch")
        if isinstance(node, nodes.Name):
            if node.name not in self.names and node.name not in scope:
                self.fail(node, f"mẫu dùng biến không có: {node.name}",
                          _NAMES_HINT.format(names=", ".join(sorted(self.names - INTERNAL_NAMES))), node.name)
        elif isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            self.fail(node, f"mẫu đọc thuộc tính '{node.attr}' (tên bắt đầu bằng '_'), không được phép",
                      "Chỉ đọc các trường của kế hoạch, ví dụ {{ row.text }}", node.attr)
        elif (isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const)
              and isinstance(node.arg.value, str) and node.arg.value.startswith("_")):
            self.fail(node, f"mẫu đọc mục '{node.arg.value}' (tên bắt đầu bằng '_'), không được phép",
                      "Chỉ đọc các trường của kế hoạch, ví dụ {{ row.text }}", node.arg.value)
        elif isinstance(node, (nodes.Filter, nodes.Test)):
            self._callable(node)
        for child in node.iter_child_nodes():
            self._expr(child, scope)

    def _callable(self, node: nodes.Filter | nodes.Test) -> None:
        if node.dyn_args is not None or node.dyn_kwargs is not None:
            self.fail(node, "bộ lọc không nhận *args/**kwargs", "Bỏ * và ** khỏi thẻ", node.name)
        if isinstance(node, nodes.Test):
            if node.name not in TESTS:
                self.fail(node, f"phép thử 'is {node.name}' không có", "Dùng is defined, is none, is string …",
                          node.name)
            return
        if node.name not in FILTERS and node.name not in _INTERNAL_FILTERS:
            self.fail(node, f"bộ lọc '|{node.name}' không được phép trong mẫu Word",
                      "Các bộ lọc dùng được: " + ", ".join(FILTERS), node.name)
        if node.name == "join":
            args = [*node.args, *(k.value for k in node.kwargs)]
            if len(args) > 1 or any(not (isinstance(a, nodes.Const) and isinstance(a.value, str)
                                         and len(a.value) <= MAX_JOIN_SEPARATOR) for a in args):
                self.fail(node, "bộ lọc |join chỉ nhận một dấu ngăn cách ngắn viết sẵn",
                          "Viết ví dụ {{ noi_nhan|join(', ') }}", "join")


def check(tree: nodes.Template, names: frozenset[str]) -> None:
    """Raise :class:`TemplateRule` for the first construct the whitelist does not allow."""
    _Checker(names).statements(tree.body, frozenset(), 0)


def bound_loops(tree: nodes.Template) -> None:
    """Route every loop's sequence through the budgeted ``_kh_loop`` filter."""
    for loop in tree.find_all(nodes.For):
        loop.iter = nodes.Filter(loop.iter, "_kh_loop", [], [], None, None, lineno=loop.lineno)


def _checked(env: SandboxedEnvironment, source: str, names: frozenset[str]) -> nodes.Template:
    """``source`` parsed, checked against the whitelist, loops bounded."""
    tree = env.parse(source)
    check(tree, names)
    bound_loops(tree)
    return tree


def compile_code(env: SandboxedEnvironment, source: str, names: frozenset[str]) -> CodeType:
    """``source`` parsed, checked against the whitelist, loops bounded, compiled to Python code."""
    return env.compile(_checked(env, source, names))


def compile_split(env: SandboxedEnvironment, source: str, names: frozenset[str]
                  ) -> tuple[CodeType, tuple[tuple[str, CodeType], ...]]:
    """:func:`compile_code`, with the body of every outermost loop whose output depends on its
    item alone (:func:`split_loops`) compiled apart: the template's code, and each body's loop
    variable and code, the k-th written by ``{{ item|_kh_item(k) }}``."""
    tree = _checked(env, source, names)
    bodies = split_loops(tree)
    return env.compile(tree), tuple((var, env.compile(body)) for var, body in bodies)


def split_loops(tree: nodes.Node, out: list[tuple[str, nodes.Template]] | None = None
                ) -> list[tuple[str, nodes.Template]]:
    """Move the body of every outermost ``{% for x in … %}`` that reads no name but ``x`` and
    what it binds itself (no ``loop``, no outer variable, no ``else``) into a template of its
    own, the loop printing ``{{ x|_kh_item(k) }}`` instead: what such a body writes for an item is
    the same wherever and whenever the item comes, so it can be kept (see
    :class:`kehoach_gen.render.template.ItemBodies`). Returns each body's variable and template."""
    out = [] if out is None else out
    for child in list(tree.iter_child_nodes()):
        if isinstance(child, nodes.For) and _item_only(child):
            var = child.target.name  # type: ignore[attr-defined]  # (a Name: _item_only)
            body = nodes.Template(child.body, lineno=child.lineno)
            written = nodes.Filter(nodes.Name(var, "load", lineno=child.lineno), ITEM_FILTER,
                                   [nodes.Const(len(out), lineno=child.lineno)], [], None, None,
                                   lineno=child.lineno)
            child.body = [nodes.Output([written], lineno=child.lineno)]
            out.append((var, body))
        else:
            split_loops(child, out)
    return out


def _item_only(loop: nodes.For) -> bool:
    if not isinstance(loop.target, nodes.Name) or loop.else_ or loop.test is not None or loop.recursive:
        return False
    return not _free(loop.body, frozenset({loop.target.name}))


def _names(target: nodes.Node) -> set[str]:
    """The names a loop's variable (``x``, or ``a, b``) binds."""
    if isinstance(target, nodes.Name):
        return {target.name}
    return {n.name for n in target.find_all(nodes.Name)}


def _free(body: Iterable[nodes.Node], bound: frozenset[str]) -> set[str]:
    """The names ``body`` reads that it does not bind (a loop binds its variable and ``loop``
    inside itself only)."""
    free: set[str] = set()
    for node in body:
        if isinstance(node, nodes.For):
            free |= _free([node.iter], bound)
            inner = bound | _names(node.target) | {"loop"}
            free |= _free(node.body, inner)
            free |= _free(node.else_, bound)
            if node.test is not None:
                free |= _free([node.test], inner)
        elif isinstance(node, nodes.Name):
            if node.name not in bound:
                free.add(node.name)
        else:
            free |= _free(node.iter_child_nodes(), bound)
    return free


def from_code(env: SandboxedEnvironment, code: CodeType) -> jinja2.Template:
    """The template of code :func:`compile_code` made (also from the cache on disk)."""
    return env.template_class.from_code(env, code, env.make_globals(None), None)


def render(template: jinja2.Template, values: Mapping[str, Any],
           elsewhere: Callable[[], int] = lambda: 0) -> str:
    """The template's output, counted while it streams: over :data:`MAX_OUTPUT_CHARS` stops
    (``elsewhere()``: the characters written so far that the output only numbers, see
    :class:`kehoach_gen.render.template.ItemBodies`). Loops draw on a fresh :class:`Budget`."""
    token = _BUDGET.set(Budget())
    try:
        chunks: list[str] = []
        size = 0
        # the render function itself, not generate(): one generator less for every chunk
        stream = template.root_render_func(template.new_context(dict(values)))
        while batch := list(islice(stream, _CHUNKS)):
            size += sum(map(len, batch))
            if size + elsewhere() > MAX_OUTPUT_CHARS:
                raise TemplateLimit(
                    f"mẫu Word sinh ra văn bản quá lớn (hơn {MAX_OUTPUT_CHARS // 1_000_000} triệu ký tự)",
                    _LOOP_HINT)
            chunks += batch
        return "".join(chunks)
    finally:
        _BUDGET.reset(token)


def render_text(template: jinja2.Template, values: Mapping[str, Any]) -> str:
    """A short text template (the paragraph above a rule), rendered with a small budget."""
    token = _BUDGET.set(Budget(1000))
    try:
        return "".join(islice(template.generate(values), 200))[:10_000]
    finally:
        _BUDGET.reset(token)


_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)


def tags_at(source: str, lineno: int | None) -> Iterator[str]:
    """The template tags on line ``lineno`` of ``source`` (a line is about one paragraph)."""
    if not lineno:
        return iter(())
    lines = source.split("\n")
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    return (m.group(0) for m in _TAG.finditer(line))
