"""A Word template compiled once and rendered for any number of plans.

Compiling reads the .docx within size limits, finds the page geometry and the short rules
(:mod:`.layout`), lets docxtpl clean the tags Word split across runs, checks the Jinja against
the whitelist (:mod:`.sandbox`), deflates the parts no document changes, and renders a made-up
plan in both layouts (:mod:`.trial`), so a broken or hostile template fails here with a located
:class:`InputError`. Rendering is then one bounded Jinja pass that writes the final XML, a
string pass that numbers the footnotes, and a zip written around the pre-deflated parts.
"""

from __future__ import annotations

import hashlib
import marshal
import re
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import CodeType, MappingProxyType
from typing import Any

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from ..adapt import UnitPlan
from ..errors import InputError, Problem, rel
from ..ooxml.package import Say, Wording, read_source, screen_package
from . import notes as footnotes
from . import sandbox
from .context import CONTEXT_NAMES, VIEW_TYPES, RowGeometry, context
from .layout import RULE_MARK, Rule, drop_last_section, mark_rules, row_geometry
from .package import Entry, PackageError, deflate, packing_digest, parse_xml, read_parts, write_zip
from .properties import (
    CUSTOM_PROPS,
    PROP_CONTENT,
    PROP_PACKING,
    UNHASHED,
    custom_xml,
    with_custom_content_type,
    with_custom_rel,
)
from .text import INLINE_CACHE, Xml, inline, runs
from .trial import sample_plans

DOCUMENT = "word/document.xml"
CONSTANT_LEVEL = 9      # the parts every document shares are deflated once
_RUN_LEVEL = re.compile(r"(?<=</w:r>)\{\{(.*?)\}\}(?=<w:r>)", re.DOTALL)  # where docxtpl put a {{r …}}
_EMPTY_RUN = '<w:r><w:t xml:space="preserve"></w:t></w:r>'
_SYNTAX_HINT = "Mở mẫu trong Word và sửa thẻ {{ … }} / {%p … %} bị hỏng"
_RESAVE = "Mở mẫu trong Word và lưu lại dưới dạng Tài liệu Word (.docx)"
_WORDING = Wording(  # how the shared reader words the ordinary problems of a Word template
    missing=Say("không tìm thấy mẫu Word", "Kiểm tra tùy chọn --templates"),
    directory=Say("đây là một thư mục, không phải mẫu Word", "Chỉ ra tệp mẫu, ví dụ templates/ke_hoach.docx"),
    unreadable=Say("không đọc được mẫu Word: {reason}", "Kiểm tra đường dẫn và quyền đọc tệp"),
    not_docx=Say("tệp không phải tài liệu Word (.docx) hợp lệ", _RESAVE),
    broken=Say("mẫu Word bị hỏng: {reason}", _RESAVE),
)


# the footnotes of the plan being rendered (a context variable: renders may run in threads)
_NOTES: ContextVar[Mapping[str, Any]] = ContextVar("kehoach_render_notes", default=MappingProxyType({}))


def _finalize(value: Any) -> Any:
    """What ``{{ value }}`` writes inside a run: rich values (:class:`.text.Xml`, already XML) as
    they are; anything else as text, escaped, with line breaks and footnote references (for
    the plan's notes). The environment does not autoescape: this is the escape."""
    if type(value) is not str:
        if isinstance(value, Xml):
            return value
        value = str(value)
    return INLINE_CACHE.get(value) or inline(value, _NOTES.get())


def _as_runs(value: Any) -> Any:
    """What ``{{r value }}`` writes between runs: rich values as they are, text as a run."""
    if isinstance(value, Xml):
        return value
    return runs(str(value), _NOTES.get())


class _Pieces:
    """What the loop bodies wrote while one document is rendered, as UTF-8, in the order
    asked, and how many characters that is (counted against the output limit)."""

    __slots__ = ("chars", "data")

    def __init__(self) -> None:
        self.data: list[bytes] = []
        self.chars = 0


# the pieces of the document being rendered (a context variable: renders may run in threads)
_PIECES: ContextVar[_Pieces | None] = ContextVar("kehoach_render_pieces", default=None)
_MARK = "\x00"  # around a piece's number in the rendered text: no XML holds it (escape drops it)


class ItemBodies:
    """The loop bodies :func:`.sandbox.split_loops` moved apart, and what each wrote for the
    items it was given: ``{{ item|_kh_item(k) }}`` writes body ``k`` for ``item``.

    A body reads only its item, so its output is kept for that very object (kept alive with
    it, so its id stays its own; a text by its value) and the plan's footnotes (the text of a
    cell may show their markers): the rows of an appendix shared by units of one kind
    (:class:`kehoach_gen.tasklists.TaskLists`, :data:`.context.ROW_VIEWS`) are written once.
    It is kept encoded: while a document is rendered, the template writes only a piece's
    number in its place, and the document's bytes are joined around the pieces (:func:`_spliced`),
    so that most of a document (its rows and paragraphs) is never text again. Bounded: past
    ``size`` outputs or ``chars`` characters the memo starts again."""

    def __init__(self, env: SandboxedEnvironment, codes: tuple[tuple[str, Any], ...],
                 size: int = 4096, chars: int = 4_000_000):
        self.bodies = [(var, sandbox.from_code(env, code)) for var, code in codes]
        self.size, self.chars = size, chars
        self._memo: dict[tuple[int, Any, tuple[Any, ...]], tuple[Any, bytes, int]] = {}
        self._total = 0
        self._notes: tuple[Any, tuple[Any, ...]] = (None, ())

    def _marks(self) -> tuple[Any, ...]:
        notes = _NOTES.get()
        last, marks = self._notes
        if notes is not last:
            marks = tuple(notes.items())
            self._notes = (notes, marks)
        return marks

    def __call__(self, item: Any, k: int) -> Xml:
        key = (k, item if type(item) is str else id(item), self._marks())
        found = self._memo.get(key)
        if found is None:
            var, body = self.bodies[k]
            text = "".join(body.root_render_func(body.new_context({var: item})))
            if len(self._memo) >= self.size or self._total + len(text) > self.chars:
                self._memo.clear()
                self._total = 0
            found = self._memo[key] = (item, text.encode("utf-8"), len(text))
            self._total += len(text)
        pieces = _PIECES.get()
        if pieces is None:  # (the template rendered outside a document)
            return Xml(found[1].decode("utf-8"))
        pieces.data.append(found[1])
        pieces.chars += found[2]
        return Xml(f"{_MARK}{len(pieces.data) - 1}{_MARK}")


def _spliced(text: str, pieces: list[bytes]) -> bytes:
    """The rendered ``text`` as UTF-8 with each piece's number replaced by the piece."""
    parts = text.encode("utf-8").split(_MARK.encode())
    if len(parts) % 2 == 0:  # (never: escape() drops the mark from every value)
        raise ValueError("văn bản điền ra có ký tự NUL")
    for at in range(1, len(parts), 2):
        parts[at] = pieces[int(parts[at])]
    return b"".join(parts)


@dataclass(frozen=True)
class Rendered:
    """A rendered .docx: its bytes, the content hash recorded in it, and each of its parts as
    (the deflated bytes the archive holds, the bytes they inflate to), which whoever reads the
    file next may use instead of inflating (:func:`kehoach_gen.ooxml.opc.remember_inflated`)."""

    data: bytes
    digest: str
    parts: tuple[tuple[bytes, bytes], ...]


@dataclass(frozen=True)
class _Variant:
    """The parts of a document without or with footnotes: their order, the pre-deflated
    constant parts and the content hash of the constant parts that sort before the first part
    that changes."""

    order: tuple[str, ...]
    data: Mapping[str, bytes]
    entries: Mapping[str, Entry]
    prefix: Any
    rest: tuple[str, ...]
    hashed: tuple[str, ...] = ()  # the parts hashed into ``prefix``, in order

    def __reduce__(self) -> tuple[Any, ...]:
        # a hash object does not pickle: it is made again from the parts it hashed
        return (_Variant._restore, (self.order, dict(self.data), dict(self.entries), self.rest, self.hashed))

    @staticmethod
    def _restore(order: tuple[str, ...], data: dict[str, bytes], entries: dict[str, Entry],
                 rest: tuple[str, ...], hashed: tuple[str, ...]) -> _Variant:
        prefix = hashlib.sha256()
        for name in hashed:
            prefix.update(name.encode())
            prefix.update(data[name])
        return _Variant(order, data, entries, prefix, rest, hashed)

    @classmethod
    def of(cls, parts: Mapping[str, bytes], order: Iterable[str], varying: set[str],
           cache: dict[tuple[str, bytes], Entry]) -> _Variant:
        order = tuple(order)
        entries = {}
        for name in order:
            if name not in varying:
                key = (name, parts[name])
                if key not in cache:
                    cache[key] = deflate(name, parts[name], CONSTANT_LEVEL)
                entries[name] = cache[key]
        hashed = sorted(n for n in order if n not in UNHASHED)
        first = next((i for i, n in enumerate(hashed) if n in varying), len(hashed))
        prefix = hashlib.sha256()
        for name in hashed[:first]:
            prefix.update(name.encode())
            prefix.update(parts[name])
        return cls(order, {n: parts[n] for n in order if n not in varying}, entries, prefix,
                   tuple(hashed[first:]), tuple(hashed[:first]))

    def digest(self, files: Mapping[str, bytes]) -> str:
        h = self.prefix.copy()
        for name in self.rest:
            h.update(name.encode())
            h.update(files[name] if name in files else self.data[name])
        return h.hexdigest()

    def parts(self, files: Mapping[str, bytes], packed: Mapping[str, Entry]) -> list[tuple[Entry, bytes]]:
        """Each part of the document, in order, deflated and as it is (``files``: the parts
        that change, deflated in ``packed``; the others were deflated once)."""
        return [(packed[n], files[n]) if n in files else (self.entries[n], self.data[n]) for n in self.order]

    def packing(self, packed: Mapping[str, Entry]) -> str:
        """The :func:`~.package.packing_digest` of every part but the properties, in order
        (``packed``: the parts that change, deflated)."""
        return packing_digest((packed[n] if n in packed else self.entries[n]).fingerprint
                              for n in self.order if n != CUSTOM_PROPS)


class CompiledTemplate:
    """A Word template read and compiled once, ready to render any number of plans."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        name = rel(self.path)
        raw, _ = read_source(self.path, _WORDING)  # a regular file, size-capped: InputError otherwise
        screen_package(raw, name)  # no zip bomb, no DOCTYPE, not too much markup
        try:
            self._compile(raw)
        except InputError:
            raise
        except PackageError as exc:
            raise InputError([Problem(message=exc.message, file=name, hint=exc.hint)]) from None
        except sandbox.TemplateRule as exc:
            raise self._located(exc.message, exc.hint, exc.lineno, exc.token) from None
        except jinja2.TemplateSyntaxError as exc:
            raise self._located(f"thẻ mẫu viết sai: {exc.message}", _SYNTAX_HINT, exc.lineno) from None
        except (RecursionError, MemoryError):
            raise InputError([Problem(message="mẫu Word lồng nhau quá sâu hoặc quá lớn để đọc", file=name,
                                      hint="Dùng mẫu Word gốc (templates/ke_hoach.docx)")]) from None
        except Exception as exc:  # an untrusted file: never a traceback
            raise InputError([Problem(message=f"không đọc được mẫu Word ({type(exc).__name__}: {exc})"[:300],
                                      file=name, hint="Dùng mẫu Word gốc (templates/ke_hoach.docx)")]) from None

    # -- compiling --------------------------------------------------------------------------
    def _compile(self, raw: bytes) -> None:
        parts = read_parts(raw)
        for required in (DOCUMENT, "[Content_Types].xml", "_rels/.rels"):
            if required not in parts:
                raise PackageError(f"tệp .docx thiếu phần '{required}'",
                                   "Mở mẫu trong Word và lưu lại dưới dạng .docx")
        try:
            self.document_xml = parts[DOCUMENT].decode("utf-8")
        except UnicodeDecodeError:
            raise PackageError(f"phần '{DOCUMENT}' không phải văn bản UTF-8",
                               "Mở mẫu trong Word và lưu lại dưới dạng .docx") from None
        root = parse_xml(parts[DOCUMENT], DOCUMENT)
        styles = parse_xml(parts["word/styles.xml"], "word/styles.xml") if "word/styles.xml" in parts else None
        specs = mark_rules(root)
        self.geometry: RowGeometry = row_geometry(root, styles)
        xml = etree.tostring(root, encoding="unicode")
        start, end = xml.find("<w:body"), xml.rfind("</w:body>")
        if start < 0 or end < 0:
            raise PackageError(f"phần '{DOCUMENT}' không có thân văn bản <w:body>",
                               "Mở mẫu trong Word và lưu lại dưới dạng .docx")
        end += len("</w:body>")
        # (as bytes: a document is its body encoded between them, joined without a copy of text)
        self._head = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml[:start]).encode("utf-8")
        self._tail = xml[end:].encode("utf-8")
        self.source = self._source(xml[start:end], len(specs))

        self._env = sandbox.environment(_finalize, _as_runs, fast_types=VIEW_TYPES)
        self._code, self._item_codes = sandbox.compile_split(self._env, self.source, _NAMES)
        self._jinja()
        self._rule_codes = _rule_codes(specs)
        self._rules = _rules(self._rule_codes)
        self._package(parts)
        self._xml_checked = False
        for plan in sample_plans():
            self._trial(plan)

    def _source(self, body: str, rules: int) -> str:
        last_close, last_open = body.rfind("%}"), body.rfind("{%")
        if last_open > last_close or body.rfind("{{") > body.rfind("}}"):
            raise sandbox.TemplateRule("có thẻ {{ … hoặc {% … mở mà không đóng", _SYNTAX_HINT, None)
        from docxtpl import DocxTemplate  # only when compiling: a cached template needs none of it

        source = DocxTemplate("").patch_xml(body)
        source = _RUN_LEVEL.sub(lambda m: "{{ (" + m.group(1).strip() + ")|_kh_runs }}", source)
        source = source.replace(_EMPTY_RUN, "")
        for k in range(rules):
            source = source.replace(RULE_MARK.format(k), f"{{{{ _kh_rules[{k}] }}}}")
        # one paragraph per line, so an error's line number points at a paragraph; the line
        # break sits in a Jinja comment, so the output does not carry it
        return re.sub(r"<w:p([ >])", r"{#\n#}<w:p\1", source)

    def _package(self, parts: dict[str, bytes]) -> None:
        parts = dict(parts)
        parts["[Content_Types].xml"] = with_custom_content_type(
            parts["[Content_Types].xml"].decode("utf-8")).encode("utf-8")
        parts["_rels/.rels"] = with_custom_rel(parts["_rels/.rels"].decode("utf-8")).encode("utf-8")
        if "word/styles.xml" in parts:
            parts["word/styles.xml"] = footnotes.with_note_styles(parts["word/styles.xml"])
        self._notes = footnotes.NoteSetup.of(parts)
        order = [n for n in parts if n != CUSTOM_PROPS] + [CUSTOM_PROPS]
        cache: dict[tuple[str, bytes], Entry] = {}
        self._plain = _Variant.of(parts, order, {DOCUMENT, CUSTOM_PROPS}, cache)
        with_notes = {**parts, **self._notes.changed}
        if self._notes.part not in with_notes:
            order.append(self._notes.part)
        self._with_notes = _Variant.of(with_notes, order, {DOCUMENT, CUSTOM_PROPS, self._notes.part}, cache)

    def __getstate__(self) -> dict[str, Any]:
        """What a compiled template keeps on disk (:func:`compile_template`): everything but the
        Jinja objects, which are made again from the compiled code."""
        state = {k: v for k, v in self.__dict__.items()
                 if k not in ("_env", "template", "_rules", "variables", "_items")}
        state["_code"] = marshal.dumps(self._code)
        state["_item_codes"] = marshal.dumps(self._item_codes)
        state["_rule_codes"] = marshal.dumps(self._rule_codes)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._code = marshal.loads(state["_code"])  # noqa: S302 - written by __getstate__
        self._item_codes = marshal.loads(state["_item_codes"])  # noqa: S302 - written by __getstate__
        self._rule_codes = marshal.loads(state["_rule_codes"])  # noqa: S302 - written by __getstate__
        self._env = sandbox.environment(_finalize, _as_runs, fast_types=VIEW_TYPES)
        self._jinja()
        self._rules = _rules(self._rule_codes)

    def _jinja(self) -> None:
        """The Jinja template of the compiled code, with its loop bodies (:class:`ItemBodies`)."""
        self._items = ItemBodies(self._env, self._item_codes)
        self._env.filters[sandbox.ITEM_FILTER] = self._items
        self.template = sandbox.from_code(self._env, self._code)

    def _located(self, message: str, hint: str, lineno: int | None, token: str = "") -> InputError:
        tags = [_user_tag(t) for t in sandbox.tags_at(getattr(self, "source", ""), lineno)]
        tag = next((t for t in tags if token and token in t), tags[0] if tags else "")
        where = f" (ở thẻ '{tag}')" if tag else ""
        return InputError([Problem(message=message + where, file=rel(self.path), hint=hint)])

    def _trial(self, plan: UnitPlan) -> None:
        try:
            self.render(plan)
        except InputError as exc:
            raise InputError([Problem(message=f"{p.message} (khi thử điền một kế hoạch mẫu)", file=p.file,
                                      hint=p.hint) for p in exc.problems]) from None

    @cached_property
    def variables(self) -> set[str]:
        """The top-level variables the template uses."""
        return set(meta.find_undeclared_variables(self._env.parse(self.source))) - sandbox.INTERNAL_NAMES

    # -- rendering --------------------------------------------------------------------------
    def render_xml(self, plan: UnitPlan) -> str:
        """The document.xml of ``plan``'s document."""
        return self._document(plan)[0].decode("utf-8")

    def _document(self, plan: UnitPlan) -> tuple[bytes, list[tuple[int, str]]]:
        """The document.xml (UTF-8), and the footnotes it references as (id, key).

        Jinja gives the body as text, its rows and paragraphs as the numbers of pieces already
        encoded (:class:`ItemBodies`); the rest is encoded once, joined around them, and what
        follows is done on the bytes, where a search and a join cost a fraction of what they
        cost on Vietnamese text (a character of which takes two bytes in a Python string)."""
        values = context(plan, self.geometry)
        values["_kh_rules"] = [rule.indent(values) for rule in self._rules]
        token = _NOTES.set(plan.footnotes)
        pieces = _Pieces()
        pieces_token = _PIECES.set(pieces)
        try:
            data = _spliced(sandbox.render(self.template, values, lambda: pieces.chars), pieces.data)
        except sandbox.TemplateLimit as exc:
            raise self._failed(exc.message, exc.hint) from None
        except jinja2.UndefinedError as exc:
            raise self._failed(f"mẫu Word dùng biến không có: {exc.message}",
                               "Các biến dùng được: " + ", ".join(sorted(CONTEXT_NAMES))) from None
        except (jinja2.TemplateError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError,
                RecursionError) as exc:
            raise self._failed(f"mẫu Word lỗi khi điền dữ liệu: {type(exc).__name__}: {exc}"[:300],
                               "Kiểm tra các thẻ {{ … }} và {% … %} của mẫu") from None
        finally:
            _PIECES.reset(pieces_token)
            _NOTES.reset(token)
        if plan.appendix is None:  # (the last section is cut from the text)
            data = drop_last_section(data.decode("utf-8")).encode("utf-8")
        if plan.footnotes:
            return footnotes.number(self._head, data, self._tail, self._notes.first_id)
        return b"".join((self._head, data, self._tail)), []

    def render_document(self, plan: UnitPlan, properties: Mapping[str, str] | None = None
                        ) -> Rendered:
        """``plan`` as the bytes of a .docx file, the content hash recorded in it, and its parts.

        ``properties`` are recorded as custom document properties, together with
        :data:`PROP_CONTENT`, the hash of the document's content, by which a later run tells
        whether a person edited the file, and :data:`PROP_PACKING`, the hash of its other parts
        as packed, by which it tells so without inflating them.
        """
        xml, used = self._document(plan)
        variant, files = self._plain, {}
        if used:
            variant = self._with_notes
            files[self._notes.part] = footnotes.part(self._notes, used, plan.footnotes)
        files[DOCUMENT] = xml
        if not self._xml_checked:  # the trial render: the template must produce well-formed XML
            try:
                parse_xml(files[DOCUMENT], DOCUMENT)
            except PackageError as exc:
                raise self._failed(f"mẫu Word sinh ra XML hỏng: {exc.message}",
                                   "Chỉ đặt thẻ {{r … }} một mình trong đoạn, và {%p %}, {%tr %} "
                                   "một mình trong đoạn, dòng của bảng") from None
            self._xml_checked = True
        digest = variant.digest(files)
        packed = {name: deflate(name, data, fast=True) for name, data in files.items()}
        props = dict(properties or {})
        props[PROP_CONTENT] = digest
        props[PROP_PACKING] = variant.packing(packed)
        files[CUSTOM_PROPS] = custom_xml(props).encode("utf-8")
        packed[CUSTOM_PROPS] = deflate(CUSTOM_PROPS, files[CUSTOM_PROPS], fast=True)
        parts = variant.parts(files, packed)
        return Rendered(write_zip([entry for entry, _ in parts]), digest,
                        tuple((entry.data, data) for entry, data in parts))

    def render_with_digest(self, plan: UnitPlan,
                           properties: Mapping[str, str] | None = None) -> tuple[bytes, str]:
        """``plan`` as the bytes of a .docx file, and the content hash recorded in it (see
        :meth:`render_document`)."""
        found = self.render_document(plan, properties)
        return found.data, found.digest

    def render(self, plan: UnitPlan, properties: Mapping[str, str] | None = None) -> bytes:
        """``plan`` as the bytes of a .docx file (see :meth:`render_document`)."""
        return self.render_document(plan, properties).data

    def _failed(self, message: str, hint: str) -> InputError:
        return InputError([Problem(message=message, file=rel(self.path), hint=hint)])


_NAMES = CONTEXT_NAMES | sandbox.INTERNAL_NAMES


# each short rule as marshal can keep it: the code of every template text above it with its size
# (a text that is no valid template left out), the width it is centred in, and whether it is full
_RuleCode = tuple[tuple[tuple[CodeType, float], ...], float, bool]


def _rule_codes(specs: Iterable[Any]) -> list[_RuleCode]:
    """Each short rule's template texts compiled (checked against the whitelist) to code, once:
    a template loaded from the cache makes its rules from this code, without parsing again."""
    env = sandbox.environment(None, _as_runs, fast_types=VIEW_TYPES)
    return [(tuple((code, size) for text, size in spec.above if (code := _mini_code(env, text)) is not None),
             spec.width_cm, spec.full) for spec in specs]


def _rules(codes: Iterable[_RuleCode]) -> list[Rule]:
    """Each short rule, its texts' code made into functions of a document's values."""
    env = sandbox.environment(None, _as_runs, fast_types=VIEW_TYPES)
    return [Rule(tuple((_mini(env, code), size) for code, size in above), width, full)
            for above, width, full in codes]


def compile_template(path: str | Path) -> CompiledTemplate:
    """The Word template at ``path``, compiled, from the cache on disk when this very file was
    compiled (and tried) before (:mod:`kehoach_gen.cache`): a second run skips docxtpl, the
    whitelist check and the trial renders."""
    from .. import cache

    raw, _ = read_source(Path(path), _WORDING)
    name = cache.key("word-template", raw)
    found = cache.load(name)
    if isinstance(found, CompiledTemplate):
        found.path = Path(path)
        return found
    compiled = CompiledTemplate(path)
    cache.store(name, compiled)
    return compiled


def _mini_code(env: SandboxedEnvironment, text: str) -> CodeType | None:
    """A paragraph's template text (``{{ issuer_lines[1] }}``) compiled, None if it is not one."""
    for smart, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(smart, straight)
    try:
        return sandbox.compile_code(env, text, _NAMES)
    except (jinja2.TemplateError, sandbox.TemplateRule):
        return None


def _mini(env: SandboxedEnvironment, code: CodeType) -> Callable[[Mapping[str, Any]], str]:
    """The text's code as a function of the values."""
    template = sandbox.from_code(env, code)
    return lambda values: sandbox.render_text(template, values)


def _user_tag(tag: str) -> str:
    """A tag of the compiled source as the person wrote it in Word."""
    return re.sub(r"^\{\{ \((.*)\)\|_kh_runs \}\}$", r"{{r \1 }}", tag, flags=re.DOTALL)


_TAG_RE = re.compile(r"\{[{%](?:(?![}%]\}).)*[}%]\}", re.DOTALL)
_SMART_QUOTES = "“”‘’"


def template_tag_problems(template: CompiledTemplate) -> list[Problem]:
    """Tags Word split across runs (still usable, but fragile) or whose quotes it curled."""
    problems: list[Problem] = []
    name = rel(template.path)
    for m in _TAG_RE.finditer(template.document_xml):
        raw = m.group(0)
        text = re.sub(r"<[^>]+>", "", raw)
        if "<w:t" in raw:
            problems.append(Problem(
                message=f"thẻ '{text}' bị Word tách thành nhiều đoạn định dạng", file=name,
                warning=True,
                hint="Gõ lại cả thẻ một lần, không sửa định dạng giữa chừng",
            ))
        if any(q in text for q in _SMART_QUOTES):
            problems.append(Problem(
                message=f"thẻ '{text}' có dấu nháy cong “ ” do Word tự đổi", file=name,
                hint="Tắt AutoCorrect 'Straight quotes with smart quotes' và gõ lại bằng dấu nháy thẳng",
            ))
    return problems
