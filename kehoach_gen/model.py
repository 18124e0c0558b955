"""Typed model of the two inputs: the city template and a unit profile.

The YAML files are validated into these read-only pydantic models. Text fields may hold Jinja
placeholders (``{{ don_vi }}``, ``{{ cap }}`` …) that :mod:`kehoach_gen.adapt` fills for a unit;
who does what is written as *role keys* (``tu_phap``, ``cong_an`` …) that each unit maps to its
own departments. Nothing here reads files or renders Word.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

Level = Literal["xa", "phuong", "dac_khu"]
LEVELS: tuple[Level, ...] = ("xa", "phuong", "dac_khu")
LEVEL_NAMES: dict[str, str] = {"xa": "xã", "phuong": "phường", "dac_khu": "đặc khu"}
_LEVEL_ALIASES = {
    "xa": "xa", "xã": "xa",
    "phuong": "phuong", "phường": "phuong",
    "dac_khu": "dac_khu", "dac khu": "dac_khu", "đặc khu": "dac_khu", "đặc_khu": "dac_khu",
}
SIGNER_AUTHORITIES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
TASK_LAYOUTS = ("appendix", "inline")


def normalize_level(value: Any) -> Any:
    """Accept ``xã``/``xa``, ``phường``/``phuong``, ``đặc khu``/``dac_khu`` (any case)."""
    if isinstance(value, str):
        return _LEVEL_ALIASES.get(value.strip().lower(), value)
    return value


def unit_full_name(level: str, name: str) -> str:
    """``xã Tân An``: the common noun in lower case, as Phụ lục II of Nghị định 30 wants inside
    a sentence."""
    return f"{LEVEL_NAMES[level]} {name}"


LevelField = Annotated[Level, BeforeValidator(normalize_level)]


def _as_list(value: Any) -> Any:
    """A single string where a list is expected is a one-item list; blank/None is empty."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


# ---------------------------------------------------------------------------------------------
# Roles and assignments


class Assignment(_Model):
    """Who leads or cooperates on a task: a role key, or literal text the city wrote.

    In YAML a bare string is a role key (``tu_phap``); ``{role: tu_phap, note: "…"}`` keeps a
    note in parentheses after the name; ``{text: "…"}`` is literal text used as written.
    """

    role: str | None = None
    text: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"role": value}
        return value

    @model_validator(mode="after")
    def _one_of(self) -> Assignment:
        if (self.role is None) == (self.text is None):
            raise ValueError("cần đúng một trong hai khóa 'role' (mã vai trò) hoặc 'text' (văn bản)")
        return self


Assignments = Annotated[list[Assignment], BeforeValidator(_as_list)]

# A unit-level name: a text (Jinja allowed), or a list of role keys the role maps to.
UnitName = str | list[str]


class Role(_Model):
    """A body the plan assigns work to, named for the city and for each commune level.

    ``unit`` is the name at commune level (``Công an {{ cap }}``) or a list of other role keys it
    becomes there; ``xa``/``phuong``/``dac_khu`` refine it per level. Without ``unit`` the city's
    name is kept (a city body a commune cooperates with). ``drop`` removes it from a unit's plan
    (the unit's own People's Committee, which issues the plan). ``outside`` marks a body the
    committee cannot order (MTTQ, đoàn thể): "Đề nghị …" in Tổ chức thực hiện.
    """

    city: str
    unit: UnitName | None = None
    xa: UnitName | None = None
    phuong: UnitName | None = None
    dac_khu: UnitName | None = None
    full: str | None = None
    drop: bool = False
    outside: bool = False

    def for_level(self, level: Level) -> UnitName | None:
        """The unit-level name or role list for ``level`` (``None``: keep the city's name)."""
        by_level: UnitName | None = getattr(self, level)
        return by_level if by_level is not None else self.unit


# ---------------------------------------------------------------------------------------------
# Tasks and the appendix


class TaskWording(_Model):
    """Fields of a task that a level variant or a unit override may replace."""

    text: str | None = None
    lead: Assignments | None = None
    coop: Assignments | None = None
    outputs: StrList | None = None
    deadline: StrList | None = None


class Task(_Model):
    """One row of the appendix: the city's wording plus per-level wording.

    ``id`` is stable: it never changes when tasks are renumbered. ``unit`` holds wording for
    every commune level, ``xa``/``phuong``/``dac_khu`` for one level (most specific wins).
    """

    id: str
    text: str
    lead: Assignments = Field(default_factory=list)
    coop: Assignments = Field(default_factory=list)
    outputs: StrList = Field(default_factory=list)
    deadline: StrList = Field(default_factory=list)
    levels: list[LevelField] = Field(default_factory=lambda: list(LEVELS))
    pilot_only: bool = False
    unit: TaskWording | None = None
    xa: TaskWording | None = None
    phuong: TaskWording | None = None
    dac_khu: TaskWording | None = None

    def wording(self, level: Level) -> list[TaskWording]:
        """Variants that apply to ``level``, least specific first."""
        return [w for w in (self.unit, getattr(self, level)) if w is not None]


class SectionWording(_Model):
    title: str


class Section(_Model):
    """A Roman-numbered section of group B: a title with its tasks, or a heading row that is
    itself a task (``task``, as section I of the Hải Phòng appendix)."""

    id: str
    title: str | None = None
    show_count: bool = True
    unit: SectionWording | None = None
    xa: SectionWording | None = None
    phuong: SectionWording | None = None
    dac_khu: SectionWording | None = None
    task: Task | None = None
    tasks: list[Task] = Field(default_factory=list)

    @model_validator(mode="after")
    def _title_or_task(self) -> Section:
        if (self.title is None) == (self.task is None):
            raise ValueError("mục cần đúng một trong hai: 'title' (tiêu đề) hoặc 'task' (mục là một nhiệm vụ)")
        if self.task is not None and self.tasks:
            raise ValueError("mục là một nhiệm vụ ('task') thì không có 'tasks'")
        return self

    def title_for(self, level: Level | None) -> str:
        if self.task is not None:
            return self.task.text
        assert self.title is not None
        if level is None:
            return self.title
        for w in (getattr(self, level), self.unit):
            if w is not None:
                return str(w.title)
        return self.title


class Group(_Model):
    """Group A (tasks directly) or B (Roman-numbered sections)."""

    id: str
    title: str
    tasks: list[Task] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)


class Appendix(_Model):
    heading: str = "Phụ lục"
    title: str = "PHÂN CÔNG NHIỆM VỤ"
    columns: list[str] = Field(
        default_factory=lambda: [
            "TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp",
            "Sản phẩm đầu ra", "Tiến độ thực hiện",
        ]
    )
    groups: list[Group]
    footnotes: dict[str, str] = Field(default_factory=dict)

    def all_tasks(self) -> list[tuple[Group, Section | None, Task]]:
        """Every task in document order with its group and section."""
        out: list[tuple[Group, Section | None, Task]] = []
        for g in self.groups:
            out.extend((g, None, t) for t in g.tasks)
            for s in g.sections:
                if s.task is not None:
                    out.append((g, s, s.task))
                out.extend((g, s, t) for t in s.tasks)
        return out


# ---------------------------------------------------------------------------------------------
# The body


class RoleDuty(_Model):
    """One numbered paragraph of "Tổ chức thực hiện": a role and its duties."""

    role: str
    title: str | None = None
    duties: StrList = Field(default_factory=list)
    levels: list[LevelField] | None = None


class Block(_Model):
    """A piece of the body: a paragraph (``text``), a numbered heading with nested ``content``,
    the role paragraphs of Tổ chức thực hiện (``roles``), or the place of the task list
    (``tasks: true``: "Chi tiết theo Phụ lục kèm theo", or the tasks inline).

    ``levels`` and ``pilot`` limit a block to some units; ``xa``/``phuong``/``dac_khu`` give
    its wording for one level.
    """

    text: str | None = None
    heading: str | None = None
    content: list[Block] = Field(default_factory=list)
    roles: list[RoleDuty] | None = None
    tasks: bool = False
    levels: list[LevelField] | None = None
    pilot: bool | None = None
    xa: str | None = None
    phuong: str | None = None
    dac_khu: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value}
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        kinds = [self.text is not None, self.heading is not None, self.roles is not None, self.tasks]
        if sum(kinds) != 1:
            raise ValueError("mỗi khối cần đúng một trong: 'text', 'heading', 'roles', 'tasks: true'")
        return self


class Body(_Model):
    title: str = "KẾ HOẠCH"
    trich_yeu: str
    can_cu: StrList
    sections: list[Block]
    closing: str


class CityPlan(_Model):
    """The city's own plan that the units implement."""

    issuer: str
    issuer_short: str
    province: str
    number: str
    date: dt.date
    name: str


class NoiNhanDefaults(_Model):
    city: StrList = Field(default_factory=list)
    unit: StrList = Field(default_factory=list)


class CityTemplate(_Model):
    """The whole city template (``city_template.yaml``)."""

    plan: CityPlan
    task_layout: Literal["appendix", "inline"] = "appendix"
    roles: dict[str, Role]
    body: Body
    appendix: Appendix
    noi_nhan: NoiNhanDefaults = Field(default_factory=NoiNhanDefaults)
    luu: StrList = Field(default_factory=lambda: ["VT", "VP"])

    def task_index(self) -> dict[str, Task]:
        return {t.id: t for _, _, t in self.appendix.all_tasks()}

    def section_ids(self) -> list[str]:
        return [s.id for g in self.appendix.groups for s in g.sections] + [
            g.id for g in self.appendix.groups
        ]


# ---------------------------------------------------------------------------------------------
# The unit profile

_NUMBER_RE = re.compile(r"^\d+$")
_SYMBOL_RE = re.compile(r"^[A-ZĐa-zđ]+(-[A-ZĐa-zđ0-9]+)*$")


class PartialDate(_Model):
    """A signing date that may be partly blank in a draft (the office fills it after signing)."""

    day: int | None = None
    month: int | None = None
    year: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, value: Any) -> Any:
        if value is None or value == "":
            return {}
        if isinstance(value, dt.date):
            return {"day": value.day, "month": value.month, "year": value.year}
        if isinstance(value, int):
            return {"year": value}
        if isinstance(value, str):
            m = re.fullmatch(r"\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*", value)
            if not m:
                raise ValueError(
                    f"ngày '{value}' không đúng dạng; viết NĂM-THÁNG-NGÀY (2026-05-15), "
                    "hoặc NĂM-THÁNG (2026-05) khi chưa có ngày"
                )
            y, mo, d = m.groups()
            return {"year": int(y), "month": int(mo) if mo else None, "day": int(d) if d else None}
        return value

    @model_validator(mode="after")
    def _valid(self) -> PartialDate:
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"tháng {self.month} không có; tháng từ 1 đến 12")
        if self.day is not None:
            if self.month is None or self.year is None:
                raise ValueError("có ngày thì phải có cả tháng và năm")
            try:
                dt.date(self.year, self.month, self.day)
            except ValueError:
                days = calendar.monthrange(self.year, self.month)[1] if 1 <= self.year <= 9999 else 31
                raise ValueError(
                    f"ngày {self.day:02d}/{self.month:02d}/{self.year} không có trong lịch; "
                    f"tháng {self.month} năm {self.year} có {days} ngày"
                ) from None
        return self


_TITLES_RE = re.compile(r"^(?:(?:ThS|TS|TSKH|PGS|GS|CN|KS|BS|ThS\.BS|NGƯT|NGND)(?:\.\s*|\s+))+")


class Signer(_Model):
    """Who signs: ``Chủ tịch`` signs TM.; a ``Phó Chủ tịch`` signs KT. CHỦ TỊCH."""

    name: str = ""
    position: str = "Chủ tịch"
    authority: str | None = None

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: str | None) -> str | None:
        if value is None:
            return None
        v = value.strip().upper()
        if not v.endswith("."):
            v += "."
        if v not in SIGNER_AUTHORITIES:
            raise ValueError(
                f"thẩm quyền ký '{value}' không hợp lệ; dùng một trong: {', '.join(SIGNER_AUTHORITIES)}"
            )
        return v

    @field_validator("name", mode="before")
    @classmethod
    def _blank_name(cls, value: Any) -> Any:
        return "" if value is None else value  # "name:" left empty: a draft, signed later

    @field_validator("name")
    @classmethod
    def _no_titles(cls, value: str) -> str:
        bare = _TITLES_RE.sub("", value)
        if bare != value:
            raise ValueError(
                f"tên người ký '{value}' có học hàm, học vị; Nghị định 30 không ghi học hàm, học vị: "
                f"chỉ ghi '{bare}'"
            )
        return value


class NoiNhanChanges(_Model):
    add: StrList = Field(default_factory=list)
    remove: StrList = Field(default_factory=list)


class TaskOverride(TaskWording):
    """A unit's change to one city task: drop it, or replace some of its fields."""

    drop: bool = False


class LocalTask(Task):
    """A task the unit adds to one of the appendix's sections (or group A)."""

    section: str
    after: str | None = None


class UnitProfile(_Model):
    """What a clerk edits: who the unit is and how it differs from its level's defaults."""

    level: LevelField
    name: str
    province: str | None = None
    place: str | None = None
    number: str | None = None
    symbol: str = "KH-UBND"
    date: PartialDate = Field(default_factory=PartialDate)
    pilot: bool = False
    task_layout: Literal["appendix", "inline"] | None = None
    departments: dict[str, UnitName | None] = Field(default_factory=dict)
    signer: Signer = Field(default_factory=Signer)
    noi_nhan: NoiNhanChanges = Field(default_factory=NoiNhanChanges)
    luu: StrList | None = None
    overrides: dict[str, TaskOverride] = Field(default_factory=dict)
    local_tasks: list[LocalTask] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value:
            raise ValueError("chưa điền tên đơn vị; ghi tên không kèm chữ xã, phường (ví dụ Tân An)")
        return value

    @field_validator("number", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str):
            v = value.strip()
            if v and (not _NUMBER_RE.match(v) or int(v) == 0):
                raise ValueError(
                    f"số văn bản '{value}' không hợp lệ; chỉ ghi chữ số từ 1 trở lên (ví dụ 15), "
                    "ký hiệu ghi ở khóa 'symbol'; để trống khi chưa cấp số"
                )
            return v or None
        return value

    @field_validator("symbol")
    @classmethod
    def _symbol(cls, value: str) -> str:
        if not _SYMBOL_RE.match(value):
            raise ValueError(
                f"ký hiệu '{value}' không đúng Nghị định 30: các nhóm chữ nối bằng dấu '-', "
                "không có dấu cách (ví dụ KH-UBND)"
            )
        return value

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def full_name(self) -> str:
        return unit_full_name(self.level, self.name)
