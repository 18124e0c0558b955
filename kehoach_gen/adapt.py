"""Pure adaptation: (city template, unit profile) → the unit's plan, as data.

No files and no Word here. Roles become the unit's own departments, per-level wording and the
profile's overrides are applied, tasks that do not apply are dropped, the rest renumbered and
the section counts recomputed; the header, Nơi nhận and signer are composed. Placeholders in
texts run in a Jinja sandbox with strict undefined, so a misspelled one is an error naming the
key, never a gap in the document. Every problem is collected before :class:`InputError` is
raised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from .errors import InputError, Problem
from .model import (
    LEVEL_NAMES,
    Assignment,
    Block,
    CityTemplate,
    Level,
    LocalTask,
    PartialDate,
    RoleDuty,
    Section,
    Task,
    TaskWording,
    UnitProfile,
)

Loc = tuple[str | int, ...]
Source = Literal["city", "profile"]
# (source file, location in it, message, hint) → a Problem with file and line
Locator = Callable[[Source, Loc, str, str], Problem]

BLANK = "      "  # what a draft leaves for the office to fill in after signing
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII",
         "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"]
VI_ALPHABET = tuple("abcdđeghiklmnopqrstuvxy")  # the Vietnamese alphabet has no f, j, w, z
FOOTNOTE_RE = re.compile(r"\[\^([A-Za-z0-9_\-]+)\]")
UNSIGNED = "………………………"


# ---------------------------------------------------------------------------------------------
# The adapted plan


@dataclass(frozen=True)
class Para:
    """A body paragraph: ``h1`` (I. CAPITALS), ``h2`` (1. bold), ``h3`` (a) bold), ``text``."""

    kind: Literal["h1", "h2", "h3", "text"]
    text: str
    number: str = ""

    @property
    def full(self) -> str:
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Row:
    """A row of the appendix table: a group (A, B), a section (I …) or a task."""

    kind: Literal["group", "section", "section_task", "task"]
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
        """Group and section title rows span the table; a section that is a task does not."""
        return self.kind in ("group", "section")


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


# ---------------------------------------------------------------------------------------------
# Text rendering


MAX_TEXT = 100_000  # no text of a plan is longer; a placeholder that makes one is refused


class _Sandbox(SandboxedEnvironment):
    """The Jinja sandbox, also refusing arithmetic that would make huge values
    (``{{ 'x' * 10**9 }}``) and loops over huge ranges."""

    intercepted_binops = frozenset({"*", "**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**" and isinstance(right, int) and abs(right) > 64:
            raise jinja2.exceptions.SecurityError("số mũ quá lớn")
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > MAX_TEXT:
                    raise jinja2.exceptions.SecurityError("chuỗi quá dài")
        return super().call_binop(context, operator, left, right)


# optimized=False: no constant folding at compile time, where 10**10**10 would hang unchecked
_ENV = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False, optimized=False)
_ENV.globals.pop("range", None)  # no loops of a billion steps; plans need no range()


@lru_cache(maxsize=8192)
def _compile(text: str) -> jinja2.Template:
    return _ENV.from_string(text)


def _capitalize(s: str) -> str:
    return s[:1].upper() + s[1:]


def format_date_line(place: str, date: PartialDate) -> str:
    """``Tân An, ngày 05 tháng 5 năm 2026``; leading 0 for days < 10 and months 1 and 2 only."""
    day = f"{date.day:02d}" if date.day else BLANK
    if date.month is None:
        month = BLANK
    elif date.month <= 2:
        month = f"{date.month:02d}"
    else:
        month = str(date.month)
    year = str(date.year) if date.year else BLANK
    return f"{place}, ngày {day} tháng {month} năm {year}"


def format_number(number: str | None, symbol: str) -> str:
    """``05/KH-UBND`` (leading 0 below 10), or ``      /KH-UBND`` in a draft."""
    if not number:
        return f"{BLANK}/{symbol}"
    n = int(number)
    return f"{n:02d}/{symbol}" if n < 10 else f"{n}/{symbol}"


def _key(s: str) -> str:
    return unicodedata.normalize("NFC", s).strip().rstrip(";.,").casefold()


class _Adapter:
    def __init__(self, city: CityTemplate, profile: UnitProfile, locate: Locator, draft: bool):
        self.city = city
        self.p = profile
        self.level: Level = profile.level
        self.locate = locate
        self.draft = draft
        self.problems: list[Problem] = []
        self.footnotes: dict[str, tuple[int, str]] = {}
        self._roles_done: dict[str, tuple[str, ...]] = {}
        cap = LEVEL_NAMES[self.level]
        plan = city.plan
        self.context: dict[str, Any] = {
            "cap": cap,
            "Cap": _capitalize(cap),
            "ten": profile.name,
            "don_vi": profile.full_name,
            "ubnd": f"Ủy ban nhân dân {profile.full_name}",
            "tinh": f"thành phố {plan.province}",
            "kh_so": plan.number,
            "kh_ngay": plan.date.strftime("%d/%m/%Y"),
            "thi_diem": profile.pilot,
            "vai_tro": self._role_text,
        }

    # -- problems -----------------------------------------------------------------------------
    def error(self, source: Source, loc: Loc, message: str, hint: str = "") -> None:
        self.problems.append(self.locate(source, loc, message, hint))

    # -- text -----------------------------------------------------------------------------------
    def text(self, source: Source, loc: Loc, text: str) -> str:
        if "{" not in text:  # no placeholder: most texts; Jinja would return them as they are
            return " ".join(text.split()) if "\n" not in text else text.strip()
        try:
            out = _compile(text).render(self.context)
        except jinja2.UndefinedError as exc:
            name = re.search(r"'([^']+)' is undefined", str(exc))
            self.error(
                source, loc,
                f"chỗ điền '{name.group(1) if name else exc}' không tồn tại",
                "Các chỗ điền dùng được: " + ", ".join(k for k in self.context if k != "vai_tro")
                + ", vai_tro('mã')",
            )
            return text
        except jinja2.TemplateSyntaxError:
            self.error(source, loc, "chỗ điền viết sai cú pháp (thiếu hoặc thừa dấu ngoặc nhọn)",
                       "Chỗ điền có dạng {{ don_vi }}")
            return text
        except jinja2.exceptions.SecurityError as exc:
            what = str(exc) if str(exc) in ("số mũ quá lớn", "chuỗi quá dài") else \
                "dùng thuộc tính ẩn (dạng __…__)"
            self.error(source, loc, f"chỗ điền {what}, không được phép",
                       "Chỉ dùng các chỗ điền có sẵn, ví dụ {{ don_vi }}")
            return text
        except (TypeError, ValueError, KeyError) as exc:
            self.error(source, loc, f"chỗ điền lỗi: {exc}")
            return text
        return " ".join(out.split()) if "\n" not in text else out.strip()

    # -- roles ----------------------------------------------------------------------------------
    def role_names(self, key: str, loc: Loc, source: Source, seen: tuple[str, ...] = ()) -> list[str]:
        """The unit's names for role ``key`` (empty if the role is dropped at unit level)."""
        if not seen and key in self._roles_done:
            return list(self._roles_done[key])
        errors = len(self.problems)
        names = self._role_names(key, loc, source, seen)
        if not seen and len(self.problems) == errors:
            self._roles_done[key] = tuple(names)
        return names

    def _role_names(self, key: str, loc: Loc, source: Source, seen: tuple[str, ...]) -> list[str]:
        if key in seen:
            self.error("city", ("roles", key), f"vai trò '{key}' tự dẫn về chính nó qua {' → '.join(seen)}")
            return []
        role = self.city.roles.get(key)
        if key in self.p.departments:
            value = self.p.departments[key]
            src: Source = "profile"
            vloc: Loc = ("departments", key)
        elif role is None:
            self.error(source, loc, f"mã vai trò '{key}' chưa được định nghĩa",
                       _did_you_mean(key, self.city.roles) or "Thêm nó vào mục 'roles' của mẫu thành phố")
            return []
        elif role.drop:
            return []
        else:
            value = role.for_level(self.level)
            src, vloc = "city", ("roles", key, "unit")
            if value is None:
                return [self.text("city", ("roles", key, "city"), role.city)]
        if value is None:
            return []
        if isinstance(value, str):
            return [self.text(src, vloc, value)]
        out: list[str] = []
        for i, sub in enumerate(value):
            out.extend(self.role_names(sub, (*vloc, i), src, (*seen, key)))
        return out

    def _role_text(self, key: str) -> str:
        names = self.role_names(str(key), ("vai_tro",), "city")
        return "; ".join(names)

    def assignments(self, items: Sequence[Assignment], source: Source, loc: Loc) -> tuple[str, ...]:
        out: list[str] = []
        for i, a in enumerate(items):
            if a.text is not None:
                names = [self.text(source, (*loc, i, "text"), a.text)]
            else:
                assert a.role is not None
                names = self.role_names(a.role, (*loc, i), source)
            if names and a.note:
                names[-1] = f"{names[-1]} ({self.text(source, (*loc, i, 'note'), a.note)})"
            out.extend(names)
        return _dedupe(out)

    # -- tasks ----------------------------------------------------------------------------------
    def task_row(self, task: Task, loc: Loc, number: str, kind: Literal["task", "section_task"],
                 source: Source = "city") -> Row | None:
        override = self.p.overrides.get(task.id)
        if override is not None and override.drop:
            return None
        layers: list[tuple[Source, Loc, TaskWording | Task]] = [(source, loc, task)]
        layers += [("city", (*loc, name), w) for name, w in
                   (("unit", task.unit), (self.level, getattr(task, self.level))) if w is not None]
        if override is not None:
            layers.append(("profile", ("overrides", task.id), override))

        def pick(name: str) -> tuple[Source, Loc, Any]:
            chosen = layers[0]
            for layer in layers:
                if getattr(layer[2], name) is not None:
                    chosen = layer
            src, lloc, obj = chosen
            return src, (*lloc, name), getattr(obj, name)

        src, tloc, text = pick("text")
        row_text = self.text(src, tloc, text)
        self._register_footnotes(row_text)
        errors = len(self.problems)
        lead = self.assignments(*_swap(pick("lead")))
        lead_reported = len(self.problems) > errors
        # a body does not cooperate with itself: drop coop entries that lead (after mapping)
        leading = {_key(x) for x in lead}
        coop = tuple(c for c in self.assignments(*_swap(pick("coop"))) if _key(c) not in leading)
        if not lead and not lead_reported:
            src, lloc, _ = pick("lead")
            self.error(src, lloc,
                       f"nhiệm vụ {task.id} không còn đơn vị chủ trì khi chuyển cho {self.p.full_name}",
                       "Ghi 'unit: {lead: [...]}' cho nhiệm vụ này trong mẫu thành phố, "
                       "hoặc 'overrides' trong hồ sơ đơn vị")
        return Row(
            kind=kind, number=number, text=row_text, task_id=task.id, lead=lead, coop=coop,
            outputs=self.strings(*pick("outputs")), deadline=self.strings(*pick("deadline")),
        )

    def strings(self, source: Source, loc: Loc, values: Iterable[str]) -> tuple[str, ...]:
        return tuple(self.text(source, (*loc, i), v) for i, v in enumerate(values))

    def applies(self, task: Task) -> bool:
        return self.level in task.levels and (self.p.pilot or not task.pilot_only)

    def _register_footnotes(self, text: str) -> None:
        for key in FOOTNOTE_RE.findall(text):
            if key in self.footnotes:
                continue
            note = self.city.appendix.footnotes.get(key)
            if note is None:
                self.error("city", ("appendix", "footnotes"), f"chú thích '[^{key}]' chưa có nội dung",
                           f"Thêm '{key}: …' vào appendix.footnotes")
                continue
            self.footnotes[key] = (len(self.footnotes) + 1,
                                   self.text("city", ("appendix", "footnotes", key), note))

    def local_tasks_for(self, section_id: str) -> list[tuple[int, LocalTask]]:
        return [(i, t) for i, t in enumerate(self.p.local_tasks) if t.section == section_id]

    def _merge_local(self, tasks: list[tuple[Loc, Task, Source]], section_id: str
                     ) -> list[tuple[Loc, Task, Source]]:
        out = list(tasks)
        for i, lt in self.local_tasks_for(section_id):
            entry: tuple[Loc, Task, Source] = (("local_tasks", i), lt, "profile")
            if lt.after is None:
                out.append(entry)
                continue
            pos = next((j for j, (_, t, _) in enumerate(out) if t.id == lt.after), None)
            if pos is None:
                self.error("profile", ("local_tasks", i, "after"),
                           f"không có nhiệm vụ '{lt.after}' trong mục {section_id}",
                           "Ghi mã một nhiệm vụ của cùng mục, hoặc bỏ 'after' để thêm vào cuối mục")
                out.append(entry)
            else:
                out.insert(pos + 1, entry)
        return out

    def appendix_rows(self) -> list[Row]:
        rows: list[Row] = []
        for gi, group in enumerate(self.city.appendix.groups):
            gloc: Loc = ("appendix", "groups", gi)
            group_rows: list[Row] = []
            counter = 0
            direct = [((*gloc, "tasks", ti), t, "city") for ti, t in enumerate(group.tasks)]
            for tloc, task, src in self._merge_local(direct, group.id):  # type: ignore[arg-type]
                if not self.applies(task):
                    continue
                row = self.task_row(task, tloc, str(counter + 1), "task", src)
                if row is not None:
                    counter += 1
                    group_rows.append(row)
            numeral = 0
            for si, section in enumerate(group.sections):
                sloc: Loc = (*gloc, "sections", si)
                section_rows, counter, numeral = self._section_rows(section, sloc, counter, numeral)
                group_rows.extend(section_rows)
            if group_rows:
                rows.append(Row(kind="group", number=group.id,
                                text=self.text("city", (*gloc, "title"), group.title)))
                rows.extend(group_rows)
        return rows

    def _section_rows(self, section: Section, sloc: Loc, counter: int, numeral: int
                      ) -> tuple[list[Row], int, int]:
        if section.task is not None:
            if not self.applies(section.task):
                return [], counter, numeral
            row = self.task_row(section.task, (*sloc, "task"), ROMAN[numeral], "section_task")
            return ([row], counter, numeral + 1) if row else ([], counter, numeral)
        entries = [((*sloc, "tasks", ti), t, "city") for ti, t in enumerate(section.tasks)]
        task_rows: list[Row] = []
        for tloc, task, src in self._merge_local(entries, section.id):  # type: ignore[arg-type]
            if not self.applies(task):
                continue
            row = self.task_row(task, tloc, str(counter + len(task_rows) + 1), "task", src)
            if row is not None:
                task_rows.append(row)
        if not task_rows:
            return [], counter, numeral
        title = self.text("city", (*sloc, "title"), section.title_for(self.level))
        if section.show_count:
            title = f"{title} ({len(task_rows):02d} nhiệm vụ)"
        head = Row(kind="section", number=ROMAN[numeral], text=title)
        return [head, *task_rows], counter + len(task_rows), numeral + 1

    # -- body -----------------------------------------------------------------------------------
    def body(self, rows: list[Row], inline: bool) -> list[Para]:
        out: list[Para] = []
        self._blocks(self.city.body.sections, ("body", "sections"), 0, out, rows, inline)
        return out

    def _visible(self, block: Block | RoleDuty) -> bool:
        """Whether a body block or a role paragraph applies to this unit (level, pilot)."""
        levels = getattr(block, "levels", None)
        if levels is not None and self.level not in levels:
            return False
        pilot = getattr(block, "pilot", None)
        return pilot is None or pilot == self.p.pilot

    def _blocks(self, blocks: Sequence[Block], loc: Loc, depth: int, out: list[Para],
                rows: list[Row], inline: bool) -> None:
        n = 0
        for i, block in enumerate(blocks):
            bloc: Loc = (*loc, i)
            if not self._visible(block):
                continue
            wording = getattr(block, self.level)
            if block.heading is not None:
                text = self.text("city", bloc if wording else (*bloc, "heading"), wording or block.heading)
                out.append(_heading(depth, n, text))
                n += 1
                self._blocks(block.content, (*bloc, "content"), depth + 1, out, rows, inline)
            elif block.text is not None:
                out.append(Para("text", self.text("city", bloc if wording else (*bloc, "text"),
                                                  wording or block.text)))
            elif block.roles is not None:
                n = self._roles(block, bloc, depth, n, out)
            elif block.tasks:
                if inline:
                    out.extend(_inline_tasks(rows, depth))
                else:
                    out.append(Para("text", "(Chi tiết theo Phụ lục kèm theo)"))

    def _roles(self, block: Block, bloc: Loc, depth: int, n: int, out: list[Para]) -> int:
        assert block.roles is not None
        for ri, duty in enumerate(block.roles):
            rloc: Loc = (*bloc, "roles", ri)
            if not self._visible(duty):
                continue
            names = self.role_names(duty.role, (*rloc, "role"), "city")
            if not names:
                continue
            role = self.city.roles.get(duty.role)
            dept = self.p.departments.get(duty.role)
            if duty.title is not None:
                title = self.text("city", (*rloc, "title"), duty.title)
            elif isinstance(dept, str):
                title = self.text("profile", ("departments", duty.role), dept)
            elif role is not None and role.full:
                title = self.text("city", ("roles", duty.role, "full"), role.full)
            else:
                title = "; ".join(names)
            if role is not None and role.outside:
                title = f"Đề nghị {title}"
            out.append(_heading(depth, n, title))
            n += 1
            out.extend(Para("text", self.text("city", (*rloc, "duties", di), d))
                       for di, d in enumerate(duty.duties))
        return n

    # -- header, Nơi nhận, signer ---------------------------------------------------------------
    def noi_nhan(self) -> tuple[str, ...]:
        entries = [self.text("city", ("noi_nhan", "city", i), e) for i, e in enumerate(self.city.noi_nhan.city)]
        entries += [self.text("city", ("noi_nhan", "unit", i), e) for i, e in enumerate(self.city.noi_nhan.unit)]
        entries += [self.text("profile", ("noi_nhan", "add", i), e) for i, e in enumerate(self.p.noi_nhan.add)]
        existing = {_key(e) for e in entries}
        for i, r in enumerate(self.p.noi_nhan.remove):
            if _key(r) not in existing:
                self.error("profile", ("noi_nhan", "remove", i),
                           f"không có '{r}' trong Nơi nhận để bỏ",
                           "Ghi đúng như trong danh sách Nơi nhận: " + "; ".join(entries))
        removed = {_key(r) for r in self.p.noi_nhan.remove}
        kept = _dedupe([e.strip().rstrip(";.,") for e in entries if _key(e) not in removed])
        luu = self.p.luu if self.p.luu is not None else self.city.luu
        return (*[f"- {e};" for e in kept], f"- Lưu: {', '.join(luu)}.")

    def signer(self) -> tuple[tuple[str, ...], str]:
        s = self.p.signer
        position = s.position.strip()
        is_chair = position.casefold() == "chủ tịch"
        authority = s.authority or ("TM." if is_chair else "KT.")
        org = "TM. ỦY BAN NHÂN DÂN"
        lines: tuple[str, ...]
        if authority == "TM.":
            lines = (org, position.upper())
        elif authority == "KT.":
            lines = (org, "KT. CHỦ TỊCH", position.upper())
        elif authority == "Q.":
            lines = (org, "Q. CHỦ TỊCH")
        else:
            lines = (f"{authority} CHỦ TỊCH", position.upper())
        name = s.name.strip()
        if not name:
            if self.draft:
                name = UNSIGNED
            else:
                self.error("profile", ("signer", "name"), "chưa điền họ tên người ký",
                           "Điền 'signer: name: …' trong hồ sơ đơn vị, hoặc chạy với --draft để để trống")
        return lines, name


def _swap(picked: tuple[Source, Loc, Any]) -> tuple[Any, Source, Loc]:
    src, loc, value = picked
    return value, src, loc


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=3, cutoff=0.6)
    return f"Có phải: {', '.join(close)}?" if close else ""


def _dedupe(items: Iterable[str]) -> tuple[str, ...]:
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        k = _key(item)
        if k and k not in seen:
            seen.add(k)
            out.append(item)
    return tuple(out)


def _heading(depth: int, n: int, text: str) -> Para:
    if depth == 0:
        return Para("h1", text.upper(), f"{ROMAN[n]}.")
    if depth == 1:
        return Para("h2", text, f"{n + 1}.")
    return Para("h3", text, f"{VI_ALPHABET[n % len(VI_ALPHABET)]})")


def _inline_tasks(rows: Sequence[Row], depth: int) -> list[Para]:
    """The task list written into the body, for units that issue their plan without appendix.

    It follows the body's own hierarchy (Nghị định 30: I. › 1. › a) › -): inside the Roman
    section, group A and each section of group B are numbered 1., 2. …; tasks are points a),
    b) … of their section, each followed by "- Đơn vị chủ trì: …" and the rest.
    """
    out: list[Para] = []
    heading = 0
    point = 0
    groups_with_sections = {r.number for r, nxt in zip(rows, rows[1:], strict=False)
                            if r.kind == "group" and nxt.kind in ("section", "section_task")}

    def lines(row: Row) -> None:
        out.append(Para("text", f"- Đơn vị chủ trì: {'; '.join(row.lead)}."))
        if row.coop:
            out.append(Para("text", f"- Đơn vị phối hợp: {'; '.join(row.coop)}."))
        if row.deadline:
            out.append(Para("text", f"- Thời gian thực hiện: {'; '.join(row.deadline)}."))

    for row in rows:
        if row.kind == "group" and row.number in groups_with_sections:
            continue  # its sections are the headings
        if row.kind in ("group", "section", "section_task"):
            heading += 1
            point = 0
            text = row.text[:1] + row.text[1:].lower() if row.text.isupper() else row.text
            out.append(Para("h2", text, f"{heading}."))
            if row.kind == "section_task":
                lines(row)
        else:
            out.append(Para("text", row.text, f"{VI_ALPHABET[point % len(VI_ALPHABET)]})"))
            point += 1
            lines(row)
    return out


def _default_locator(source: Source, loc: Loc, message: str, hint: str) -> Problem:
    from .loading import dotted

    return Problem(message=message, file="city_template.yaml" if source == "city" else None,
                   key=dotted(loc), hint=hint)


def adapt(city: CityTemplate, profile: UnitProfile, *, draft: bool = False,
          locate: Locator | None = None) -> UnitPlan:
    """The plan of the unit ``profile`` describes, worded from ``city``.

    Raises :class:`InputError` with every problem found (unknown role keys or placeholders,
    overrides of tasks that do not exist, a task left without a lead …).
    """
    a = _Adapter(city, profile, locate or _default_locator, draft)
    known = city.task_index()
    for tid in profile.overrides:
        if tid not in known:
            a.error("profile", ("overrides", tid), f"không có nhiệm vụ mã '{tid}' trong mẫu thành phố",
                    _did_you_mean(tid, known) or "Xem mã nhiệm vụ ('id') trong city_template.yaml")
    containers = {s.id for g in city.appendix.groups for s in g.sections if s.task is None}
    containers |= {g.id for g in city.appendix.groups if not g.sections}
    for i, lt in enumerate(profile.local_tasks):
        if lt.section not in containers:
            a.error("profile", ("local_tasks", i, "section"), f"không có mục '{lt.section}' để thêm nhiệm vụ",
                    _did_you_mean(lt.section, containers) or f"Các mục: {', '.join(sorted(containers))}")
        if lt.id in known:
            a.error("profile", ("local_tasks", i, "id"), f"mã '{lt.id}' đã là mã một nhiệm vụ của thành phố",
                    "Đặt mã riêng cho nhiệm vụ của đơn vị, ví dụ 'DV1'")
    inline = (profile.task_layout or city.task_layout) == "inline"
    rows = a.appendix_rows()
    body = a.body(rows, inline)
    closing = a.text("city", ("body", "closing"), city.body.closing)
    body.append(Para("text", closing))
    signer_lines, signer_name = a.signer()
    noi_nhan = a.noi_nhan()
    number = format_number(profile.number, profile.symbol)
    place = profile.place or profile.name
    date_line = format_date_line(place, profile.date)
    trich_yeu = a.text("city", ("body", "trich_yeu"), city.body.trich_yeu)
    can_cu = [Para("text", a.text("city", ("body", "can_cu", i), t)) for i, t in enumerate(city.body.can_cu)]
    appendix = None
    if not inline:
        d = profile.date
        date_text = format_date_line("", d).removeprefix(", ")
        kem_theo = (f"(Kèm theo Kế hoạch số {number} {date_text} "
                    f"của Ủy ban nhân dân {profile.full_name})")
        appendix = AppendixPlan(
            heading=city.appendix.heading, title=city.appendix.title, kem_theo=kem_theo,
            columns=tuple(city.appendix.columns), rows=tuple(rows),
        )
    if a.problems:
        raise InputError(a.problems)
    return UnitPlan(
        level=profile.level,
        unit_name=profile.full_name,
        issuer_lines=("ỦY BAN NHÂN DÂN", profile.full_name.upper()),
        number_line=f"Số: {number}",
        place_date=date_line,
        title=city.body.title,
        trich_yeu=trich_yeu,
        body=(*can_cu, *body),
        noi_nhan=noi_nhan,
        signer_lines=signer_lines,
        signer_name=signer_name,
        appendix=appendix,
        footnotes=a.footnotes,
    )
