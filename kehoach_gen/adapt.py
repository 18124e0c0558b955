"""Pure adaptation: (city template, unit profile) → the unit's plan, as data.

No files and no Word here. Roles become the unit's own departments, per-level wording and the
profile's overrides are applied, tasks that do not apply are dropped, the rest renumbered and
the section counts recomputed; the header, Nơi nhận and signer are composed; the task list is
laid out as an appendix table or in the body, numbered as the template's style says.

Validate once, then trust: :func:`adapt` checks the profile against the template
(:mod:`kehoach_gen.validate`) and raises :class:`InputError` with every problem;
:func:`adapt_valid` assumes that was done (the pipeline validates with file locations first).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from .errors import InputError, Loc, Problem, dotted
from .model import (
    ASSIGNMENT_FIELDS,
    Block,
    CityTemplate,
    Group,
    Level,
    LocalTask,
    RoleDuty,
    Section,
    Task,
    TaskOverride,
    TaskWording,
    UnitProfile,
    pick,
)
from .numbering import BLANK, alpha, format_date_line, format_number, label, roman
from .placeholders import PlaceholderError
from .roles import RoleBook
from .signing import lines as signer_lines
from .tasklists import Made, MadePieces, TaskLists
from .validate import level_of, profile_problems

T = TypeVar("T")

FOOTNOTE_RE = re.compile(r"\[\^([A-Za-z0-9_\-]+)\]")
UNSIGNED = "………………………"
APPENDIX_CITE = "(Chi tiết theo Phụ lục kèm theo)"

# ---------------------------------------------------------------------------------------------
# The adapted plan

ParaKind = Literal["h1", "h2", "h3", "text", "closing"]


@dataclass(frozen=True)
class Para:
    """A body paragraph: ``h1`` (I. CAPITALS), ``h2`` (1. bold), ``h3`` (a) bold), ``text``
    (a plain paragraph, possibly numbered), ``closing`` (the last paragraph of the text: the
    city's closing, "Trên đây là Kế hoạch …", or else the last paragraph of the last section;
    the Word template keeps it on the page of the signature, for a page holding only Nơi nhận
    and the signature is no page to sign; a template sees it as ``text`` with ``para.closing``
    true). ``text`` may hold line breaks (``\\n``)."""

    kind: ParaKind
    text: str
    number: str = ""

    @property
    def full(self) -> str:
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Row:
    """A row of the appendix table: a group (A, B), a section (I …), a section's introduction
    (``note``) or a task."""

    kind: Literal["group", "section", "section_task", "task", "note"]
    number: str
    text: str
    task_id: str | None = None
    lead: tuple[str, ...] = ()
    coop: tuple[str, ...] = ()
    outputs: tuple[str, ...] = ()
    deadline: tuple[str, ...] = ()

    @property
    def is_task(self) -> bool:
        return self.kind in ("task", "section_task")

    @property
    def spans(self) -> bool:
        """Group and section title rows (and introductions) span the table; a section that is a
        task does not."""
        return self.kind in ("group", "section", "note")


@dataclass(frozen=True)
class AppendixPlan:
    heading: str
    title: str
    kem_theo: str
    columns: tuple[str, ...]
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class UnitPlan:
    """Everything the document shows, already worded for the unit."""

    level: Level
    unit_name: str                     # "xã Tân An"
    issuer_lines: tuple[str, ...]      # ("ỦY BAN NHÂN DÂN", "XÃ TÂN AN")
    number_line: str                   # "Số:      /KH-UBND"
    place_date: str                    # "Tân An, ngày      tháng 5 năm 2026"
    title: str
    trich_yeu: str
    body: tuple[Para, ...]
    noi_nhan: tuple[str, ...]          # ("- Sở Tư pháp thành phố;", …, "- Lưu: VT, VP.")
    signer_lines: tuple[str, ...]
    signer_name: str
    appendix: AppendixPlan | None
    footnotes: dict[str, tuple[int, str]] = field(default_factory=dict)

    def rows(self) -> tuple[Row, ...]:
        return self.appendix.rows if self.appendix else ()

    def tasks(self) -> list[Row]:
        """The task rows in order (appendix layout), for tests and diffs."""
        return [r for r in self.rows() if r.is_task]


def plain(text: str) -> str:
    """``text`` without footnote markers."""
    return FOOTNOTE_RE.sub("", text)


@functools.lru_cache(maxsize=16384)
def _key(s: str) -> str:
    """What two names of a body must share to be one ("Công an xã;" = "công an xã"); the same
    few hundred names come back for every task of every unit."""
    return unicodedata.normalize("NFC", s).strip().rstrip(";.,").casefold()


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        k = _key(item)
        if k and k not in seen:
            seen.add(k)
            out.append(item)
    return tuple(out)


# ---------------------------------------------------------------------------------------------
# The adapter


@dataclass
class _Entry:
    """A task in the list of its container, with where its wording comes from."""

    loc: Loc
    task: Task
    source: Literal["city", "profile"]


@dataclass
class _Block:
    """A group or section of the adapted task list, for both layouts."""

    kind: Literal["group", "section", "section_task"]
    number: str
    title: str
    intro: tuple[str, ...] = ()
    shared: dict[str, tuple[str, ...]] = field(default_factory=dict)
    task: Row | None = None               # a section that is itself a task
    tasks: list[Row] = field(default_factory=list)
    children: list[_Block] = field(default_factory=list)
    count: bool = False                   # show "(05 nhiệm vụ)"


TASK_LISTS = TaskLists()
TASK_ROWS = MadePieces()  # by what a row is made from (see _Adapter.task_row)
# the paragraphs of a section of the body (I., II., …), by what they are made from (see
# _Adapter._body_section): most sections read only the level's words, the same for every unit
BODY_SECTIONS = MadePieces(size=256)


def _marked(row: Row) -> bool:
    """Whether a text of ``row`` carries a footnote marker."""
    return "[^" in row.text or any("[^" in t for f in (row.lead, row.coop, row.outputs, row.deadline) for t in f)


# Rows equal in value are one object: what is made from a row is kept for that very object
# (its view, render.context.ROW_VIEWS, and what the template wrote for it, render.template.
# ItemBodies), so a row that an earlier unit had too, word for word, is written once, whatever
# else in its unit's list differs (a task dropped, a department named another way). Bounded:
# past ROWS_KEPT rows it starts again.
ROWS: dict[Row, Row] = {}
ROWS_KEPT = 8192


def _same(row: Row) -> Row:
    """The row equal to ``row`` made before, else ``row`` itself, kept."""
    found = ROWS.get(row)
    if found is None:
        if len(ROWS) >= ROWS_KEPT:
            ROWS.clear()
        found = ROWS[row] = row
    return found


def _kind(a: _Adapter) -> tuple[Any, ...]:
    """What of a unit, besides the values its texts read, its task list depends on."""
    p = a.p
    return (id(a.city), a.level, p.pilot, a.draft,
            tuple((k, o.model_dump_json()) for k, o in sorted(p.overrides.items())),
            tuple(t.model_dump_json() for t in p.local_tasks))


class _Adapter:
    def __init__(self, city: CityTemplate, profile: UnitProfile, level: Level, draft: bool,
                 book: RoleBook | None = None):
        self.city = city
        self.p = profile
        self.level = level
        self.spec = city.level(level)
        self.draft = draft
        self.book = book if book is not None and book.serves(city, profile, level) else RoleBook(city, profile, level)
        self.footnotes: dict[str, tuple[int, str]] = {}

    # -- text -----------------------------------------------------------------------------------
    def text(self, loc: Loc, text: str) -> str:
        try:
            out = self.book.fill(text)
        except PlaceholderError as exc:  # validated texts fail only on a huge result
            raise InputError([Problem(message=exc.message, key=dotted(loc), hint=exc.hint)]) from None
        if "[^" in out:
            self._register_footnotes(out)
        return out

    def _register_footnotes(self, text: str) -> None:
        for key in FOOTNOTE_RE.findall(text):
            note = self.city.appendix.footnotes.get(key)
            if key in self.footnotes or note is None:
                continue
            self.footnotes[key] = (len(self.footnotes) + 1,
                                   self.text(("appendix", "footnotes", key), note))

    def names(self, key: str) -> list[str]:
        return list(self.book.names(key))

    def assignments(self, items: Sequence[Any], loc: Loc) -> tuple[str, ...]:
        out: list[str] = []
        for i, a in enumerate(items or ()):
            names = [self.text((*loc, i, "text"), a.text)] if a.text is not None else self.names(a.role)
            if names and a.note:
                names[-1] = f"{names[-1]} ({self.text((*loc, i, 'note'), a.note)})"
            out.extend(names)
        return _dedupe(out)

    def strings(self, loc: Loc, values: Iterable[str] | None) -> tuple[str, ...]:
        return tuple(self.text((*loc, i), v) for i, v in enumerate(values or ()))

    # -- tasks ----------------------------------------------------------------------------------
    def applies(self, task: Task) -> bool:
        return task.applies_to(self.level) and (self.p.pilot or not task.pilot_only)

    def _fields(self, layers: list[tuple[Loc, Any]]) -> dict[str, tuple[str, ...]]:
        out: dict[str, tuple[str, ...]] = {}
        for name in ASSIGNMENT_FIELDS:
            loc, value = pick(layers, name)
            out[name] = self.assignments(value, loc) if name in ("lead", "coop") else self.strings(loc, value)
        return out

    def task_row(self, entry: _Entry, number: str, kind: Literal["task", "section_task"],
                 shared: dict[str, tuple[str, ...]]) -> Row | None:
        """The row of ``entry`` numbered ``number`` (None when the unit drops it): given again
        when an earlier unit made it from the same task, override, number and shared fields and
        its texts read the same values there (:data:`TASK_ROWS`)."""
        task = entry.task
        override = self.p.overrides.get(task.id)
        if override is not None and override.drop:
            return None
        key = (self.level, self.draft, entry.loc, number, kind, tuple(shared.items()),
               id(task) if entry.source == "city" else task.model_dump_json(),
               override.model_dump_json() if override is not None else None)
        return self._kept(TASK_ROWS, key, lambda: self._task_row(entry, task, override, number, kind, shared),
                          _marked)

    def _kept(self, memo: MadePieces, key: tuple[Any, ...], make: Callable[[], T],
              marked: Callable[[T], bool]) -> T:
        """What ``memo`` keeps under ``key`` for a unit that reads what this one does, else
        ``make()``, kept with what it read, unless it has a footnote (``marked``, or one
        registered while making it): a footnote's number is the unit's own, so that is made
        each time."""
        found: T | None = memo.find(key, self.city, self.book)
        if found is not None:
            return found
        notes = len(self.footnotes)
        uses = self.book.start()
        try:
            made = make()
        finally:
            self.book.stop()
        if len(self.footnotes) == notes and not marked(made):
            memo.keep(key, self.city, uses, self.book, made)
        return made

    def _task_row(self, entry: _Entry, task: Task, override: TaskOverride | None, number: str,
                  kind: Literal["task", "section_task"], shared: dict[str, tuple[str, ...]]) -> Row:
        layers: list[tuple[Loc, Task | TaskWording]] = [((*entry.loc, *sub), w) for sub, w in task.layers(self.level)]
        if override is not None:
            layers.append((("overrides", task.id), override))
        text_loc, text = pick(layers, "text")
        fields = self._fields(layers)
        for name, value in shared.items():
            if not fields[name]:
                fields[name] = value
        # a body does not cooperate with itself: drop coop entries that lead (after mapping)
        leading = {_key(x) for x in fields["lead"]}
        fields["coop"] = tuple(c for c in fields["coop"] if _key(c) not in leading)
        return _same(Row(kind=kind, number=number, text=self.text(text_loc, text), task_id=task.id, **fields))

    def _entries(self, container: Group | Section, loc: Loc) -> list[_Entry]:
        out = [_Entry((*loc, "tasks", i), t, "city") for i, t in enumerate(container.tasks)]
        for i, lt in enumerate(self.p.local_tasks):
            if lt.section != container.id:
                continue
            entry = _Entry(("local_tasks", i), lt, "profile")
            pos = next((j for j, e in enumerate(out) if e.task.id == lt.after), None)
            if lt.after is None or pos is None:
                out.append(entry)
            else:
                out.insert(pos + 1, entry)
        return out

    def _shared(self, container: Group | Section, loc: Loc) -> dict[str, tuple[str, ...]]:
        layers = [((*loc, *sub), w) for sub, w in container.layers(self.level)]
        return {k: v for k, v in self._fields(layers).items() if v}

    def _intro(self, container: Group | Section, loc: Loc) -> tuple[str, ...]:
        layers = [((*loc, *sub), w) for sub, w in container.layers(self.level)]
        iloc, intro = pick(layers, "intro")
        return self.strings(iloc, intro)

    def blocks(self) -> list[_Block]:
        """The task list: groups with their sections and tasks, numbered for the appendix
        (groups A, B; sections I, II … across a group; tasks 1, 2 … across a group).

        Given again when an earlier unit's list fits this one (:class:`.tasklists.TaskLists`); the lists
        and their rows are never changed once made."""
        if self.footnotes:  # (a list is made first, before any other text)
            return self._make_blocks()
        kind = _kind(self)
        found = TASK_LISTS.find(kind, self.city, self.book)
        if found is not None:
            self.footnotes = dict(found.footnotes)
            return list(found.value)
        with self.book.tracking() as uses:
            out = self._make_blocks()
        TASK_LISTS.keep(kind, Made.of(self.city, uses, self.book, tuple(out), self.footnotes))
        return out

    def _make_blocks(self) -> list[_Block]:
        out: list[_Block] = []
        for gi, group in enumerate(self.city.appendix.groups):
            gloc: Loc = ("appendix", "groups", gi)
            shared = self._shared(group, gloc)
            block = _Block("group", _letter(len(out) + 1), self.text((*gloc, "title"), group.title or ""),
                           intro=self._intro(group, gloc), shared=shared)
            counter = 0
            for entry in self._entries(group, gloc):
                if self.applies(entry.task):
                    row = self.task_row(entry, str(counter + 1), "task", shared)
                    if row is not None:
                        counter += 1
                        block.tasks.append(row)
            numeral = 0
            for si, section in enumerate(group.sections):
                child = self._section(section, (*gloc, "sections", si), counter, numeral + 1, shared)
                if child is not None:
                    numeral += 1
                    counter += len(child.tasks)
                    block.children.append(child)
            if block.tasks or block.children:
                out.append(block)
        return out

    def _section(self, section: Section, sloc: Loc, counter: int, numeral: int,
                 inherited: dict[str, tuple[str, ...]]) -> _Block | None:
        # what the group shares holds for its sections' tasks too, unless the section says otherwise
        shared = {**inherited, **self._shared(section, sloc)}
        if section.task is not None:
            if not self.applies(section.task):
                return None
            row = self.task_row(_Entry((*sloc, "task"), section.task, "city"), roman(numeral),
                                "section_task", shared)
            if row is None:
                return None
            return _Block("section_task", roman(numeral), row.text, task=row, shared=shared)
        rows: list[Row] = []
        for entry in self._entries(section, sloc):
            if self.applies(entry.task):
                row = self.task_row(entry, str(counter + len(rows) + 1), "task", shared)
                if row is not None:
                    rows.append(row)
        if not rows:
            return None
        layers = [((*sloc, *sub), w) for sub, w in section.layers(self.level)]
        tloc, title = pick(layers, "title")
        return _Block("section", roman(numeral), self.text(tloc, title), intro=self._intro(section, sloc),
                      shared=shared, tasks=rows, count=section.show_count)

    # -- body -----------------------------------------------------------------------------------
    def body(self, blocks: list[_Block], inline: bool) -> list[Para]:
        out: list[Para] = []
        loc: Loc = ("body", "sections")
        if inline:  # a section may hold the unit's own task list
            self._blocks(self.city.body.sections, loc, 0, "", out, blocks, inline)
            return out
        n = 0
        for i, section in enumerate(self.city.body.sections):
            n = self._body_section(section, i, n, out, blocks)
        return out

    def _body_section(self, section: Block, i: int, n: int, out: list[Para], tasks: list[_Block]) -> int:
        """Section ``i`` of the body after ``n`` numbered ones (its paragraphs added to ``out``),
        and how many are numbered with it: given again when an earlier unit made it from the same
        level, pilot flag, draft and numbering, with its departments written as text for the
        same roles, and its texts read the same values there (:data:`BODY_SECTIONS`)."""
        key = (self.level, self.p.pilot, self.draft, i, n,
               frozenset(k for k, v in self.p.departments.items() if isinstance(v, str)))

        def make() -> tuple[tuple[Para, ...], int]:
            made: list[Para] = []
            after = self._blocks([section], ("body", "sections"), 0, "", made, tasks, False, n=n, first=i)
            return tuple(made), after

        paras, after = self._kept(BODY_SECTIONS, key, make,
                                  lambda found: any("[^" in para.text for para in found[0]))
        out += paras
        return after

    def _visible(self, block: Block | RoleDuty) -> bool:
        """Whether a body block or a role paragraph applies to this unit (level, pilot)."""
        levels = block.levels
        if levels is not None and self.level not in levels:
            return False
        pilot = getattr(block, "pilot", None)
        return pilot is None or pilot == self.p.pilot

    def _heading(self, depth: int, n: int, parent: str, text: str, *, plain: bool = False) -> Para:
        numbering = self.city.style.numbering
        fmt = numbering[min(depth, len(numbering) - 1)]
        number = label(fmt, n, parent)
        if plain:
            return Para("text", text, number)
        kind: ParaKind = "h1" if depth == 0 else "h2" if depth == 1 else "h3"
        return Para(kind, text.upper() if depth == 0 else text, number)

    def _blocks(self, blocks: Sequence[Block], loc: Loc, depth: int, parent: str, out: list[Para],
                tasks: list[_Block], inline: bool, *, n: int = 0, first: int = 0) -> int:
        """The paragraphs of ``blocks`` (the first at ``loc`` index ``first``, after ``n``
        numbered ones) added to ``out``; how many are numbered at this depth after them."""
        for i, block in enumerate(blocks, first):
            bloc: Loc = (*loc, i)
            if not self._visible(block):
                continue
            wording = block.by_level.get(self.level)
            if block.heading is not None:
                n += 1
                head = self._heading(depth, n, parent, self.text(bloc if wording else (*bloc, "heading"),
                                                                 wording or block.heading))
                out.append(head)
                self._blocks(block.content, (*bloc, "content"), depth + 1, head.number, out, tasks, inline)
            elif block.numbered is not None:
                n += 1
                out.append(self._heading(depth, n, parent, self.text(bloc if wording else (*bloc, "numbered"),
                                                                     wording or block.numbered), plain=True))
            elif block.text is not None:
                out.append(Para("text", self.text(bloc if wording else (*bloc, "text"), wording or block.text)))
            elif block.roles is not None:
                n = self._roles(block, bloc, depth, n, parent, out)
            elif block.tasks:
                out.extend(self._inline(tasks, parent) if inline else [Para("text", APPENDIX_CITE)])
        return n

    def _roles(self, block: Block, bloc: Loc, depth: int, n: int, parent: str, out: list[Para]) -> int:
        assert block.roles is not None
        for ri, duty in enumerate(block.roles):
            rloc: Loc = (*bloc, "roles", ri)
            if not self._visible(duty):
                continue
            names = self.names(duty.role)
            if not names:
                continue
            role = self.city.roles.get(duty.role)
            dept = self.p.departments.get(duty.role)
            if duty.title is not None:
                title = self.text((*rloc, "title"), duty.title)
            elif isinstance(dept, str):
                title = self.text(("departments", duty.role), dept)
            elif role is not None and role.full:
                title = self.text(("roles", duty.role, "full"), role.full)
            else:
                title = "; ".join(names)
            if role is not None and role.outside:
                title = f"Đề nghị {title}"
            n += 1
            out.append(self._heading(depth, n, parent, title))
            out.extend(Para("text", self.text((*rloc, "duties", di), d)) for di, d in enumerate(duty.duties))
        return n

    def _inline(self, blocks: list[_Block], parent: str) -> list[Para]:
        """The task list written into the body, for units that issue their plan without an
        appendix: groups, sections, tasks and the lines under them numbered as the template's
        ``style.inline`` says (default: 1. › 1.1. › a) › -)."""
        style = self.city.style.inline
        out: list[Para] = []
        gn = 0
        for block in blocks:
            if block.title:
                gn += 1
                head = Para("h2", _sentence(block.title), label(style.group, gn, parent))
                out.append(head)
                level_parent, section_fmt = head.number, style.section
            else:
                level_parent, section_fmt = parent, style.group
            out.extend(Para("text", t) for t in block.intro)
            self._inline_tasks(block.tasks, block.shared, level_parent, out)
            for sn, child in enumerate(block.children, start=1):
                title = child.title + (f" ({len(child.tasks):02d} nhiệm vụ)" if child.count else "")
                head = Para("h3", _sentence(title), label(section_fmt, sn, level_parent))
                out.append(head)
                out.extend(Para("text", t) for t in child.intro)
                if child.task is not None:
                    out.extend(self._field_lines(child.task))
                self._inline_tasks(child.tasks, child.shared, head.number, out)
        return out

    def _inline_tasks(self, rows: list[Row], shared: dict[str, tuple[str, ...]], parent: str,
                      out: list[Para]) -> None:
        fmt = self.city.style.inline.task
        for n, row in enumerate(rows, start=1):
            out.append(Para("text", row.text, label(fmt, n, parent)))
            out.extend(self._field_lines(row, skip=shared))
        if shared and rows:
            out.extend(self._field_lines(Row("task", "", "", lead=shared.get("lead", ()),
                                             coop=shared.get("coop", ()), outputs=shared.get("outputs", ()),
                                             deadline=shared.get("deadline", ()))))

    def _field_lines(self, row: Row, skip: dict[str, tuple[str, ...]] | None = None) -> list[Para]:
        """"- Đơn vị chủ trì: …." and the other lines under a task; what the task shares with
        its section (``skip``) is printed once after the section instead."""
        style = self.city.style.inline
        out = []
        for line in style.fields:
            values: list[str] = []
            for name in line.show:
                own = getattr(row, name)
                if skip and own == skip.get(name):
                    continue
                values.extend(own)
            if values:
                out.append(Para("text", f"{line.label}: {'; '.join(values)}.", style.field))
        return out

    # -- header, Nơi nhận, signer ---------------------------------------------------------------
    def noi_nhan(self) -> tuple[str, ...]:
        entries = [self.text(("noi_nhan", "city", i), e) for i, e in enumerate(self.city.noi_nhan.city)]
        entries += [self.text(("noi_nhan", "unit", i), e) for i, e in enumerate(self.city.noi_nhan.unit)]
        entries += [self.text(("noi_nhan", "add", i), e) for i, e in enumerate(self.p.noi_nhan.add)]
        removed = {_key(r) for r in self.p.noi_nhan.remove}
        kept = _dedupe([e.strip().rstrip(";.,") for e in entries if _key(e) not in removed])
        luu = self.p.luu if self.p.luu is not None else self.city.luu
        return (*[f"- {e};" for e in kept], f"- Lưu: {', '.join(luu)}.")

    def signer(self) -> tuple[tuple[str, ...], str]:
        name = self.p.signer.name.strip()
        return signer_lines(self.spec, self.p.signer), name or UNSIGNED


def _letter(n: int) -> str:
    """Groups are lettered by position: A, B, C … (their ids are only ids)."""
    return alpha(n).upper() if n > 26 else chr(ord("A") + n - 1)


def _sentence(text: str) -> str:
    """A title written in capitals (a group row "NHIỆM VỤ CHUNG") in sentence case for the body."""
    return text[:1] + text[1:].lower() if text.isupper() else text


def _rows(blocks: list[_Block]) -> list[Row]:
    """The appendix table's rows."""
    rows: list[Row] = []
    for block in blocks:
        if block.title:
            rows.append(_same(Row(kind="group", number=block.number, text=block.title)))
        rows.extend(_same(Row(kind="note", number="", text=t)) for t in block.intro)
        rows.extend(block.tasks)
        for child in block.children:
            if child.task is not None:
                rows.append(child.task)
                continue
            title = child.title + (f" ({len(child.tasks):02d} nhiệm vụ)" if child.count else "")
            rows.append(_same(Row(kind="section", number=child.number, text=title)))
            rows.extend(_same(Row(kind="note", number="", text=t)) for t in child.intro)
            rows.extend(child.tasks)
    return rows


def adapt(city: CityTemplate, profile: UnitProfile, *, draft: bool = False) -> UnitPlan:
    """The plan of the unit ``profile`` describes, worded from ``city``.

    Raises :class:`InputError` with every problem found (unknown role keys or placeholders,
    overrides of tasks that do not exist, a task left without a lead …).
    """
    errors = [p for p in profile_problems(city, profile, draft=draft) if not p.warning]
    if errors:
        raise InputError(errors)
    return adapt_valid(city, profile, draft=draft)


def adapt_valid(city: CityTemplate, profile: UnitProfile, *, draft: bool = False,
                book: RoleBook | None = None) -> UnitPlan:
    """:func:`adapt` for a profile already checked against ``city`` (see
    :func:`kehoach_gen.validate.check_profile`). ``book``: the unit's :class:`RoleBook` that
    check was given, whose role names are already filled (ignored if it is another unit's)."""
    level = level_of(profile, city) or profile.level
    a = _Adapter(city, profile, level, draft, book)
    spec = a.spec
    inline = (profile.task_layout or city.task_layout) == "inline"
    blocks = a.blocks()
    body = a.body(blocks, inline)
    if city.body.closing:
        body.append(Para("closing", a.text(("body", "closing"), city.body.closing)))
    elif body and body[-1].kind == "text":  # the last paragraph of a section ends the text
        body[-1] = Para("closing", body[-1].text, body[-1].number)
    signer, signer_name = a.signer()
    number = format_number(profile.number, profile.symbol)
    year = city.plan.date.year
    full = spec.unit_name(profile.name)
    appendix = None
    if not inline:
        date_text = format_date_line("", profile.date, year).removeprefix(", ")
        kind = city.body.title[:1].upper() + city.body.title[1:].lower()
        kem_theo = f"(Kèm theo {kind} số {number} {date_text} của {a.book.values['ubnd']})"
        appendix = AppendixPlan(
            heading=city.appendix.heading, title=city.appendix.title, kem_theo=kem_theo,
            columns=tuple(city.appendix.columns), rows=tuple(_rows(blocks)),
        )
    can_cu = [Para("text", a.text(("body", "can_cu", i), t)) for i, t in enumerate(city.body.can_cu)]
    return UnitPlan(
        level=level,
        unit_name=full,
        issuer_lines=tuple(a.text(("levels", level, "issuer", i), t) for i, t in enumerate(spec.issuer)),
        number_line=f"Số: {number}",
        place_date=format_date_line(profile.place or profile.name, profile.date, year),
        title=city.body.title,
        trich_yeu=a.text(("body", "trich_yeu"), city.body.trich_yeu),
        body=(*can_cu, *body),
        noi_nhan=a.noi_nhan(),
        signer_lines=signer,
        signer_name=signer_name,
        appendix=appendix,
        footnotes=a.footnotes,
    )


__all__ = ["APPENDIX_CITE", "BLANK", "FOOTNOTE_RE", "UNSIGNED", "AppendixPlan", "LocalTask", "Para", "Row",
           "UnitPlan", "adapt", "adapt_valid", "alpha", "format_date_line", "format_number", "label", "plain",
           "roman"]
