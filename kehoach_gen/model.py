"""Typed model of the two inputs: the city template and a unit profile.

The YAML files are validated into these read-only pydantic models. Text fields may hold
placeholders (``{{ don_vi }}``, ``{{ cap }}`` …, see :mod:`kehoach_gen.placeholders`) filled for
each unit; who does what is written as *role keys* (``tu_phap``, ``cong_an`` …) that each unit
maps to its own departments. The kinds of unit a template serves (xã, phường, đặc khu by
default; quận, huyện … when a template declares them) are data too: a role, task, section or
body block may carry wording for one level under that level's key. Every field has a Vietnamese
description, from which ``kehoach-gen schema`` writes the JSON Schemas and ``docs/schema.md``.
Nothing here reads files or renders Word; cross-references (role keys, task ids, levels) are
checked in :mod:`kehoach_gen.validate`.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_serializer,
    model_validator,
)

Level = str  # a level key of the city template: "xa", "phuong", "dac_khu", "quan" …
Loc = tuple[str | int, ...]  # where a value is in its file: ("appendix", "groups", 1, "tasks", 3)

# ---------------------------------------------------------------------------------------------
# Levels: the kinds of unit a template serves


def level_key_text(text: str) -> str:
    """A comparison form of a level name: "Đặc khu" → "đặc khu", "dac_khu" → "dac khu"."""
    return " ".join(unicodedata.normalize("NFC", text).replace("_", " ").lower().split())


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _as_list(value: Any) -> Any:
    """A single string where a list is expected is a one-item list; blank/None is empty."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


StrList = Annotated[list[str], BeforeValidator(_as_list)]


class LevelSpec(_Model):
    """One kind of unit the template serves: its name, header, signing body and default
    department names. Adding a level is data, no code."""

    name: str = Field(description="Tên cấp, chữ thường, như viết trước tên đơn vị: 'xã', 'quận', "
                                  "'thành phố thuộc tỉnh'.")
    cap: str | None = Field(None, description="Chữ mà chỗ điền {{ cap }} cho ra và đứng trước tên "
                                               "đơn vị ('thành phố' cho 'thành phố thuộc tỉnh'); mặc "
                                               "định bằng 'name'.")
    aliases: StrList = Field(default_factory=list, description="Cách viết khác được chấp nhận ở "
                                                               "khóa 'level' của hồ sơ (ví dụ 'quan').")
    issuer: StrList = Field(
        default_factory=lambda: ["{{ co_quan | upper }}", "{{ don_vi | upper }}"],
        description="Các dòng tên cơ quan ban hành ở góc trái phần đầu, có thể có chỗ điền "
                    "(mặc định: 'ỦY BAN NHÂN DÂN' / 'XÃ TÂN AN').")
    body: str = Field("Ủy ban nhân dân", description="Loại cơ quan ban hành: 'Ủy ban nhân dân' "
                                                     "(chỗ điền {{ co_quan }}; dòng 'TM. …' khi ký).")
    head: str = Field("Chủ tịch", description="Chức vụ người đứng đầu ('Chủ tịch', 'Giám đốc'); cấp "
                                              "phó là 'Phó ' + chức vụ này.")
    collective: bool = Field(True, description="true: cơ quan làm việc theo chế độ tập thể, người ký "
                                               "ghi 'TM. ỦY BAN NHÂN DÂN'; false: thủ trưởng ký trực tiếp.")
    official: str | None = Field(None, description="Loại đơn vị trong danh mục đơn vị hành chính "
                                                   "chính thức ('xã', 'phường', 'đặc khu') để đối chiếu "
                                                   "tên; bỏ trống nếu cấp này không có trong danh mục.")
    departments: dict[str, str | list[str]] = Field(
        default_factory=dict, description="Tên mặc định của các vai trò ở cấp này (mã vai trò: tên, hoặc "
                                          "danh sách mã vai trò), ví dụ tu_phap: Phòng Tư pháp.")

    @property
    def noun(self) -> str:
        """The common noun before a unit's name: "xã" in "xã Tân An"."""
        return self.cap or self.name

    def unit_name(self, name: str) -> str:
        """``xã Tân An``: the common noun in lower case, as Phụ lục II of Nghị định 30 wants
        inside a sentence."""
        return f"{self.noun} {name}"

    def spellings(self, key: str) -> set[str]:
        return {level_key_text(s) for s in (key, self.name, self.noun, *self.aliases)}


DEFAULT_LEVELS: dict[str, LevelSpec] = {
    "xa": LevelSpec(name="xã", aliases=["xa"], official="xã"),
    "phuong": LevelSpec(name="phường", aliases=["phuong"], official="phường"),
    "dac_khu": LevelSpec(name="đặc khu", aliases=["dac khu", "dac_khu"], official="đặc khu"),
}
LEVELS: tuple[str, ...] = tuple(DEFAULT_LEVELS)
LEVEL_NAMES: dict[str, str] = {k: v.name for k, v in DEFAULT_LEVELS.items()}

# The levels in force while a template (or a profile against it) is validated, so that a key
# such as ``quan:`` in a role reads as the wording for that level. Outside a template, the
# three post-2025 levels.
_SCOPE: ContextVar[Mapping[str, LevelSpec]] = ContextVar("kehoach_levels", default=DEFAULT_LEVELS)


@contextlib.contextmanager
def level_scope(levels: Mapping[str, LevelSpec]) -> Iterator[None]:
    """Validate models against ``levels`` (the declared levels of a city template)."""
    token = _SCOPE.set(levels)
    try:
        yield
    finally:
        _SCOPE.reset(token)


def resolve_level(value: str, levels: Mapping[str, LevelSpec] | None = None) -> str | None:
    """The key of the level written ``value`` ("xã", "Xa", "phường", "quận" …), or None."""
    levels = _SCOPE.get() if levels is None else levels
    wanted = level_key_text(value)
    return next((k for k, spec in levels.items() if wanted in spec.spellings(k)), None)


def normalize_level(value: Any) -> Any:
    """``xã``/``xa``/``Xã`` → ``xa`` (the key of a level in force); anything else as written."""
    if isinstance(value, str):
        return resolve_level(value) or value.strip()
    return value


def unit_full_name(level: str, name: str) -> str:
    """``xã Tân An`` for a level in force (its noun), else the level as written."""
    spec = _SCOPE.get().get(level) or DEFAULT_LEVELS.get(level)
    return spec.unit_name(name) if spec else f"{level} {name}"


LevelField = Annotated[str, BeforeValidator(normalize_level)]


class _Variants(_Model):
    """A model that may carry wording for one level under the level's key (``xa:``, ``quan:``).

    Keys naming a level in force are gathered into ``by_level`` before validation; any other
    unknown key stays an error ("khóa không có trong mẫu"). ``model.xa`` reads the wording for
    level ``xa`` (None when there is none).
    """

    @model_validator(mode="before")
    @classmethod
    def _gather_levels(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        levels = _SCOPE.get()
        found = {k: v for k, v in value.items() if k in levels and k not in cls.model_fields}
        if not found:
            return value
        rest = {k: v for k, v in value.items() if k not in found}
        given = rest.get("by_level")
        rest["by_level"] = {**(given if isinstance(given, dict) else {}), **found}
        return rest

    @model_serializer(mode="wrap")
    def _flatten_levels(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Dumped as it is written: each level's wording under the level's key."""
        data = handler(self)
        if isinstance(data, dict) and "by_level" in data:
            by_level = data.pop("by_level") or {}
            data.update(by_level)
        return data

    def __getattr__(self, name: str) -> Any:
        if not name.startswith("_"):
            by_level = self.__dict__.get("by_level")
            if by_level is not None and (name in by_level or name in DEFAULT_LEVELS):
                return by_level.get(name)
        return super().__getattr__(name)  # type: ignore[misc]


# ---------------------------------------------------------------------------------------------
# Roles and assignments


class Assignment(_Model):
    """Who leads or cooperates on a task: a role key, or literal text the city wrote.

    In YAML a bare string is a role key (``tu_phap``); ``{role: tu_phap, note: "…"}`` keeps a
    note in parentheses after the name; ``{text: "…"}`` is literal text used as written.
    """

    role: str | None = Field(None, description="Mã vai trò (xem mục roles).")
    text: str | None = Field(None, description="Tên ghi nguyên văn (khi không dùng mã vai trò).")
    note: str | None = Field(None, description="Ghi chú đặt trong ngoặc đơn sau tên.")

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

# A unit-level name: a text (placeholders allowed), or a list of other role keys it becomes.
UnitName = str | list[str]


class Role(_Variants):
    """A body the plan assigns work to, named for the city and for each unit level.

    ``unit`` is the name at unit level (``Công an {{ cap }}``) or a list of other role keys it
    becomes there; a level's key (``xa:``, ``phuong:``, ``quan:`` …) refines it for that level.
    Without either the city's name is kept (a city body a unit cooperates with). ``drop``
    removes it from a unit's plan (the unit's own People's Committee, which issues the plan).
    ``outside`` marks a body the committee cannot order (MTTQ, đoàn thể): "Đề nghị …".
    """

    city: str = Field(description="Tên cơ quan ở cấp thành phố, như trong Kế hoạch của thành phố.")
    unit: UnitName | None = Field(None, description="Tên ở cấp đơn vị, hoặc danh sách mã vai trò mà "
                                                    "nó chuyển thành.")
    by_level: dict[str, UnitName] = Field(default_factory=dict, description="Tên riêng cho từng cấp: "
                                          "viết thẳng khóa cấp (xa:, phuong:, quan: …) trong vai trò.")
    full: str | None = Field(None, description="Tên đầy đủ làm đầu đoạn trong mục Tổ chức thực hiện.")
    drop: bool = Field(False, description="true: không có ở cấp đơn vị, bỏ khỏi kế hoạch của đơn vị.")
    outside: bool = Field(False, description="true: tổ chức mà Ủy ban không chỉ đạo được; đoạn của nó "
                                             "bắt đầu bằng 'Đề nghị …'.")

    def for_level(self, level: Level) -> UnitName | None:
        """The unit-level name or role list for ``level`` (``None``: keep the city's name)."""
        by_level = self.by_level.get(level)
        return by_level if by_level is not None else self.unit


# ---------------------------------------------------------------------------------------------
# Tasks and the appendix

AssignmentField = Literal["lead", "coop", "outputs", "deadline"]
ASSIGNMENT_FIELDS: tuple[AssignmentField, ...] = ("lead", "coop", "outputs", "deadline")


def _layers(model: Any, level: Level) -> list[tuple[Loc, Any]]:
    out: list[tuple[Loc, Any]] = [((), model)]
    if model.unit is not None:
        out.append((("unit",), model.unit))
    variant = model.by_level.get(level)
    if variant is not None:
        out.append(((level,), variant))
    return out


def pick(layers: list[tuple[Loc, Any]], name: str) -> tuple[Loc, Any]:
    """The most specific layer's value of field ``name`` (a layer's None means "as above"),
    with the place it was written."""
    loc, value = layers[0][0], getattr(layers[0][1], name)
    for layer_loc, layer in layers[1:]:
        v = getattr(layer, name, None)
        if v is not None:
            loc, value = layer_loc, v
    return (*loc, name), value


class TaskWording(_Model):
    """Fields of a task that a level variant or a unit override may replace."""

    text: str | None = Field(None, description="Nội dung nhiệm vụ.")
    lead: Assignments | None = Field(None, description="Cơ quan chủ trì (mã vai trò).")
    coop: Assignments | None = Field(None, description="Cơ quan phối hợp (mã vai trò).")
    outputs: StrList | None = Field(None, description="Sản phẩm đầu ra.")
    deadline: StrList | None = Field(None, description="Tiến độ, thời gian thực hiện.")


class Task(_Variants):
    """One task: the city's wording plus wording for unit levels.

    ``id`` is stable: it never changes when tasks are renumbered. ``unit`` holds wording for
    every unit level, a level's key (``xa:`` …) for one level (most specific wins). A task of a
    section or group with a shared assignment may leave its own ``lead`` empty.
    """

    id: str = Field(description="Mã cố định của nhiệm vụ (không đổi khi đánh số lại), ví dụ B07.")
    text: str = Field(description="Nội dung nhiệm vụ; [^khoa] đánh dấu chú thích.")
    lead: Assignments = Field(default_factory=list, description="Cơ quan chủ trì (mã vai trò).")
    coop: Assignments = Field(default_factory=list, description="Cơ quan phối hợp (mã vai trò).")
    outputs: StrList = Field(default_factory=list, description="Sản phẩm đầu ra.")
    deadline: StrList = Field(default_factory=list, description="Tiến độ, thời gian thực hiện.")
    levels: list[LevelField] = Field(default_factory=lambda: list(_SCOPE.get()),
                                     description="Chỉ áp dụng cho các cấp này (mặc định: mọi cấp của mẫu).")
    pilot_only: bool = Field(False, description="true: chỉ đơn vị làm điểm thực hiện.")
    unit: TaskWording | None = Field(None, description="Cách viết cho mọi cấp đơn vị (chỉ ghi trường "
                                                       "thay đổi).")
    by_level: dict[str, TaskWording] = Field(default_factory=dict, description="Cách viết cho một cấp: "
                                             "viết thẳng khóa cấp (xa:, phuong: …) trong nhiệm vụ.")

    def applies_to(self, level: Level) -> bool:
        return level in self.levels

    def layers(self, level: Level) -> list[tuple[Loc, Task | TaskWording]]:
        """The task and its wordings for ``level``, least specific first, with their places."""
        return _layers(self, level)


class SectionWording(_Model):
    """A section's title and shared assignment as one level words them."""

    title: str | None = Field(None, description="Tiêu đề mục.")
    intro: StrList | None = Field(None, description="Đoạn mở đầu mục.")
    lead: Assignments | None = Field(None, description="Cơ quan chủ trì chung.")
    coop: Assignments | None = Field(None, description="Cơ quan phối hợp chung.")
    outputs: StrList | None = Field(None, description="Sản phẩm chung.")
    deadline: StrList | None = Field(None, description="Tiến độ chung.")


class _Container(_Variants):
    """What groups and sections share: an introduction and an assignment shared by their tasks
    ("Đơn vị thực hiện" printed once after the group of tasks)."""

    intro: StrList = Field(default_factory=list, description="Đoạn mở đầu, in trước các nhiệm vụ.")
    lead: Assignments = Field(default_factory=list, description="Cơ quan chủ trì chung của mọi nhiệm "
                                                                "vụ trong mục (in một lần sau các nhiệm vụ).")
    coop: Assignments = Field(default_factory=list, description="Cơ quan phối hợp chung.")
    outputs: StrList = Field(default_factory=list, description="Sản phẩm chung.")
    deadline: StrList = Field(default_factory=list, description="Tiến độ chung.")
    unit: SectionWording | None = Field(None, description="Cách viết cho mọi cấp đơn vị.")
    by_level: dict[str, SectionWording] = Field(default_factory=dict, description="Cách viết cho một "
                                                "cấp: viết thẳng khóa cấp (xa:, phuong: …).")

    def layers(self, level: Level) -> list[tuple[Loc, _Container | SectionWording]]:
        """The container and its wordings for ``level``, least specific first."""
        return _layers(self, level)

    def shares_lead(self) -> bool:
        """Whether the container gives its tasks a lead, for some level."""
        wordings = [self.unit, *self.by_level.values()]
        return bool(self.lead) or any(w is not None and w.lead for w in wordings)


class Section(_Container):
    """A Roman-numbered section of a group: a title with its tasks, or a heading row that is
    itself a task (``task``, as section I of the Hải Phòng appendix)."""

    id: str = Field(description="Mã cố định của mục, ví dụ B-II (hồ sơ đơn vị dùng ở local_tasks).")
    title: str | None = Field(None, description="Tiêu đề mục (không ghi số La Mã và số nhiệm vụ).")
    show_count: bool = Field(True, description="true: ghi '(05 nhiệm vụ)' sau tiêu đề.")
    task: Task | None = Field(None, description="Mục là một nhiệm vụ (thay cho title và tasks).")
    tasks: list[Task] = Field(default_factory=list, description="Các nhiệm vụ của mục.")

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
        for w in (self.by_level.get(level), self.unit):
            if w is not None and w.title is not None:
                return str(w.title)
        return self.title


class Group(_Container):
    """Group A (tasks directly) or B (Roman-numbered sections). Without a title the group has no
    row of its own (a plan whose tasks are only in sections)."""

    id: str = Field(description="Mã nhóm, ví dụ A, B.")
    title: str | None = Field(None, description="Tiêu đề nhóm, ví dụ NHIỆM VỤ CHUNG.")
    tasks: list[Task] = Field(default_factory=list, description="Nhiệm vụ trực tiếp của nhóm.")
    sections: list[Section] = Field(default_factory=list, description="Các mục của nhóm.")


DEFAULT_COLUMNS = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm đầu ra",
                   "Tiến độ thực hiện"]


class Appendix(_Model):
    heading: str = Field("Phụ lục", description="Dòng tiêu đề phụ lục.")
    title: str = Field("PHÂN CÔNG NHIỆM VỤ", description="Tên phụ lục (in hoa).")
    columns: list[str] = Field(default_factory=lambda: list(DEFAULT_COLUMNS),
                               description="Tên 6 cột của bảng: TT, nhiệm vụ, chủ trì, phối hợp, sản "
                                           "phẩm, tiến độ.")
    groups: list[Group] = Field(description="Các nhóm nhiệm vụ (A, B …).")
    footnotes: dict[str, str] = Field(default_factory=dict, description="Nội dung chú thích: khóa → "
                                      "văn bản; trong nội dung ghi [^khoa] ở chỗ đặt số chú thích.")

    @field_validator("columns")
    @classmethod
    def _six(cls, value: list[str]) -> list[str]:
        if len(value) != len(DEFAULT_COLUMNS):
            raise ValueError(f"bảng phụ lục có đúng {len(DEFAULT_COLUMNS)} cột ({', '.join(DEFAULT_COLUMNS)}); "
                             f"đang ghi {len(value)}")
        return value

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

    role: str = Field(description="Mã vai trò; đoạn lấy tên của vai trò ở đơn vị.")
    title: str | None = Field(None, description="Tiêu đề đoạn thay cho tên vai trò.")
    duties: StrList = Field(default_factory=list, description="Các nhiệm vụ của vai trò (mỗi mục một đoạn).")
    levels: list[LevelField] | None = Field(None, description="Chỉ có ở các cấp này.")


class Block(_Variants):
    """A piece of the body: a paragraph (``text``), a numbered plain paragraph (``numbered``), a
    numbered heading with nested ``content``, the role paragraphs of Tổ chức thực hiện
    (``roles``), or the place of the task list (``tasks: true``: "Chi tiết theo Phụ lục kèm
    theo", or the tasks inline).

    ``levels`` and ``pilot`` limit a block to some units; a level's key gives its wording for
    that level.
    """

    text: str | None = Field(None, description="Một đoạn văn.")
    numbered: str | None = Field(None, description="Một đoạn văn được đánh số tự động (1., 2. …) như "
                                                   "đề mục cùng cấp nhưng không in đậm.")
    heading: str | None = Field(None, description="Đề mục (không ghi số: chương trình tự đánh I., 1., a)).")
    content: list[Block] = Field(default_factory=list, description="Nội dung dưới đề mục.")
    roles: list[RoleDuty] | None = Field(None, description="Các đoạn 'Tổ chức thực hiện' theo vai trò.")
    tasks: bool = Field(False, description="true: chỗ đặt danh sách nhiệm vụ (phụ lục hoặc ghi ngay ở đây).")
    levels: list[LevelField] | None = Field(None, description="Chỉ có ở các cấp này.")
    pilot: bool | None = Field(None, description="true: chỉ đơn vị làm điểm; false: chỉ đơn vị không làm điểm.")
    by_level: dict[str, str] = Field(default_factory=dict, description="Cách viết cho một cấp: viết thẳng "
                                     "khóa cấp (xa:, phuong: …).")

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if isinstance(value, str):
            return {"text": value}
        return value

    @model_validator(mode="after")
    def _one_kind(self) -> Block:
        kinds = [self.text is not None, self.numbered is not None, self.heading is not None,
                 self.roles is not None, self.tasks]
        if sum(kinds) != 1:
            raise ValueError("mỗi khối cần đúng một trong: 'text', 'numbered', 'heading', 'roles', 'tasks: true'")
        return self


class Body(_Model):
    title: str = Field("KẾ HOẠCH", description="Tên loại văn bản.")
    trich_yeu: str = Field(description="Trích yếu: dòng tóm tắt dưới tên loại văn bản.")
    can_cu: StrList = Field(default_factory=list, description="Các đoạn căn cứ, mở đầu văn bản.")
    sections: list[Block] = Field(description="Các phần I, II … của văn bản.")
    closing: str | None = Field(None, description="Câu kết ('Trên đây là Kế hoạch …/.'); có thể bỏ.")


FieldName = Literal["lead", "coop", "outputs", "deadline"]


class FieldLine(_Model):
    """One line under an inline task: a label and the fields it shows."""

    label: str = Field(description="Nhãn của dòng, ví dụ 'Đơn vị chủ trì', 'Đơn vị thực hiện', 'Thời gian'.")
    show: list[FieldName] = Field(description="Các trường in trên dòng: lead (chủ trì), coop (phối "
                                              "hợp), outputs (sản phẩm), deadline (thời gian).")


NumberFormat = Annotated[str, Field(pattern=r"^(I\.|1\.|1\.1\.|a\)|-|\+|)$")]


class InlineStyle(_Model):
    """How tasks read when written in the body (``task_layout: inline``)."""

    group: NumberFormat = Field("1.", description="Cách đánh số nhóm nhiệm vụ: 'I.', '1.', '1.1.', "
                                                  "'a)', '-', '+' hoặc '' (không đánh số).")
    section: NumberFormat = Field("1.1.", description="Cách đánh số mục trong nhóm ('1.1.' là số của "
                                                      "nhóm, dấu chấm, số thứ tự).")
    task: NumberFormat = Field("a)", description="Cách đánh số nhiệm vụ.")
    field: NumberFormat = Field("-", description="Dấu đầu các dòng đơn vị thực hiện, thời gian.")
    fields: list[FieldLine] = Field(
        default_factory=lambda: [
            FieldLine(label="Đơn vị chủ trì", show=["lead"]),
            FieldLine(label="Đơn vị phối hợp", show=["coop"]),
            FieldLine(label="Sản phẩm đầu ra", show=["outputs"]),
            FieldLine(label="Thời gian thực hiện", show=["deadline"]),
        ],
        description="Các dòng in dưới mỗi nhiệm vụ, theo thứ tự.")


class Style(_Model):
    """The house style of the plan: numbering of the body's levels, inline tasks, dates."""

    numbering: list[NumberFormat] = Field(
        default_factory=lambda: ["I.", "1.", "a)", "-", "+"],
        description="Cách đánh số đề mục theo từng cấp của phần nội dung (Nghị định 30: I., 1., a)).")
    inline: InlineStyle = Field(default_factory=InlineStyle,
                                description="Cách trình bày nhiệm vụ khi ghi ngay trong phần nội dung.")
    date_format: Literal["dd/mm/yyyy", "d/m/yyyy"] = Field(
        "dd/mm/yyyy", description="Cách ghi ngày của chỗ điền {{ kh_ngay }}: 'dd/mm/yyyy' (02/05/2026) "
                                  "hoặc 'd/m/yyyy' (2/5/2026).")


class CityPlan(_Model):
    """The city's own plan that the units implement."""

    issuer: str = Field(description="Cơ quan ban hành Kế hoạch của thành phố.")
    issuer_short: str = Field(description="Tên viết tắt, ví dụ 'UBND thành phố'.")
    province: str = Field(description="Tỉnh, thành phố, ví dụ 'Hải Phòng'.")
    province_full: str | None = Field(None, description="Tên đầy đủ cho chỗ điền {{ tinh }} ('thành phố "
                                                        "Hải Phòng', 'tỉnh Nghệ An'); mặc định lấy từ "
                                                        "'issuer'.")
    number: str = Field(description="Số, ký hiệu, ví dụ '159/KH-UBND'.")
    date: dt.date = Field(description="Ngày ban hành, NĂM-THÁNG-NGÀY.")
    name: str = Field(description="Tên (trích yếu) của Kế hoạch của thành phố.")

    @property
    def province_name(self) -> str:
        """``thành phố Hải Phòng`` / ``tỉnh Nghệ An``."""
        if self.province_full:
            return self.province_full
        m = re.search(r"\b(thành phố|tỉnh)\s+(.+)$", self.issuer, re.IGNORECASE)
        if m:
            return f"{m.group(1).lower()} {m.group(2)}"
        return f"thành phố {self.province}"


class NoiNhanDefaults(_Model):
    city: StrList = Field(default_factory=list, description="Nơi nhận cấp thành phố.")
    unit: StrList = Field(default_factory=list, description="Nơi nhận trong đơn vị (có chỗ điền).")


TaskLayout = Literal["appendix", "inline"]


class CityTemplate(_Model):
    """The whole city template (``city_template.yaml``)."""

    plan: CityPlan = Field(description="Kế hoạch của thành phố mà các đơn vị triển khai.")
    levels: dict[str, LevelSpec] = Field(default_factory=lambda: dict(DEFAULT_LEVELS),
                                         description="Các cấp đơn vị mẫu phục vụ (mặc định: xã, phường, "
                                                     "đặc khu). Khóa là mã cấp dùng trong mẫu và hồ sơ.")
    style: Style = Field(default_factory=Style, description="Cách trình bày: đánh số, nhiệm vụ ghi "
                                                            "trong nội dung, cách ghi ngày.")
    task_layout: TaskLayout = Field("appendix", description="'appendix': nhiệm vụ ở phụ lục kèm theo; "
                                                            "'inline': ghi ngay trong phần nội dung.")
    word_template: str | None = Field(None, description="Mẫu Word riêng (.docx) của kế hoạch này, đường "
                                                        "dẫn tương đối so với thư mục chứa tệp này.")
    roles: dict[str, Role] = Field(description="Các cơ quan được giao việc, theo mã vai trò.")
    body: Body = Field(description="Phần nội dung của kế hoạch.")
    appendix: Appendix = Field(description="Phụ lục phân công nhiệm vụ.")
    noi_nhan: NoiNhanDefaults = Field(default_factory=NoiNhanDefaults, description="Nơi nhận mặc định.")
    luu: StrList = Field(default_factory=lambda: ["VT", "VP"], description="Dòng 'Lưu': VT và đơn vị soạn thảo.")

    @model_validator(mode="wrap")
    @classmethod
    def _in_its_levels(cls, value: Any, handler: Any) -> Any:
        """Validate the template's roles, tasks and blocks against the levels it declares."""
        levels: Mapping[str, LevelSpec] = DEFAULT_LEVELS
        declared = value.get("levels") if isinstance(value, dict) else None
        if isinstance(declared, dict) and declared:
            parsed = {}
            for k, v in declared.items():
                try:
                    parsed[str(k)] = v if isinstance(v, LevelSpec) else LevelSpec.model_validate(v)
                except Exception:  # reported by the field's own validation
                    parsed[str(k)] = LevelSpec(name=str(k))
            levels = parsed
        with level_scope(levels):
            return handler(value)

    def level(self, key: Level) -> LevelSpec:
        """The spec of level ``key`` (a key of :attr:`levels`)."""
        return self.levels[key]

    def task_index(self) -> dict[str, Task]:
        return {t.id: t for _, _, t in self.appendix.all_tasks()}


# ---------------------------------------------------------------------------------------------
# The unit profile

_NUMBER_RE = re.compile(r"^\d+$")
_SYMBOL_RE = re.compile(r"^[A-ZĐa-zđ]+(-[A-ZĐa-zđ0-9]+)*$")


class PartialDate(_Model):
    """A signing date that may be partly blank in a draft (the office fills it after signing)."""

    day: int | None = Field(None, description="Ngày (để trống trong bản nháp).")
    month: int | None = Field(None, description="Tháng.")
    year: int | None = Field(None, description="Năm.")

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
SIGNER_AUTHORITIES = ("TM.", "KT.", "TL.", "TUQ.", "Q.")
# The head signs in person: only the position, no "TM." line (a declared choice, never a guess).
IN_PERSON = ""
_IN_PERSON_WORDS = {"không", "khong", "none", "trực tiếp", "truc tiep", "ký trực tiếp"}


class Signer(_Model):
    """Who signs. The authority follows from the position unless written: the head of a
    collective body signs "TM."; a deputy signs "KT." for the head."""

    name: str = Field("", description="Họ tên người ký, không ghi học hàm, học vị; để trống khi chưa biết.")
    position: str | None = Field(None, description="Chức vụ: 'Chủ tịch', 'Phó Chủ tịch' (mặc định: người "
                                                   "đứng đầu); với TL., TUQ. là chức vụ của người ký thừa "
                                                   "lệnh, thừa ủy quyền (ví dụ 'Chánh Văn phòng').")
    authority: str | None = Field(None, description="Thẩm quyền ký: TM., KT., TL., TUQ., Q.; 'không' khi "
                                                    "người đứng đầu ký trực tiếp (chỉ ghi chức vụ). Mặc "
                                                    "định theo chức vụ.")

    @field_validator("authority")
    @classmethod
    def _authority(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if " ".join(value.lower().split()) in _IN_PERSON_WORDS:
            return IN_PERSON
        v = value.strip().upper()
        if not v.endswith("."):
            v += "."
        if v not in SIGNER_AUTHORITIES:
            raise ValueError(
                f"thẩm quyền ký '{value}' không hợp lệ; dùng một trong: {', '.join(SIGNER_AUTHORITIES)}, "
                "hoặc 'không' khi người đứng đầu ký trực tiếp"
            )
        return v

    @field_validator("name", mode="before")
    @classmethod
    def _blank_name(cls, value: Any) -> Any:
        return "" if value is None else value  # "name:" left empty: a draft, signed later

    @field_validator("position", mode="before")
    @classmethod
    def _blank_position(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

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
    add: StrList = Field(default_factory=list, description="Thêm nơi nhận, mỗi nơi một mục.")
    remove: StrList = Field(default_factory=list, description="Bỏ nơi nhận có sẵn (ghi đúng như trong danh sách).")


class TaskOverride(TaskWording):
    """A unit's change to one city task: drop it, or replace some of its fields."""

    drop: bool = Field(False, description="true: bỏ nhiệm vụ này (các nhiệm vụ sau được đánh số lại).")


class LocalTask(Task):
    """A task the unit adds to one of the appendix's sections (or group A)."""

    section: str = Field(description="Mã mục (hoặc nhóm) để thêm vào, ví dụ B-IV.")
    after: str | None = Field(None, description="Đặt sau nhiệm vụ mã này (mặc định: cuối mục).")


class UnitProfile(_Model):
    """What a clerk edits: who the unit is and how it differs from its level's defaults."""

    level: LevelField = Field(description="Cấp đơn vị, theo các cấp của mẫu (mặc định: xã, phường, đặc khu).")
    name: str = Field(description="Tên riêng của đơn vị, không ghi chữ xã, phường (ví dụ Tân An).")
    province: str | None = Field(None, description="Tỉnh, thành phố; phải trùng với mẫu của thành phố.")
    place: str | None = Field(None, description="Địa danh ở dòng ngày tháng (mặc định: tên đơn vị).")
    number: Annotated[str | None, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"},
                                                              {"type": "null"}]})] = Field(
        None, description="Số văn bản, chỉ chữ số; để trống khi chưa cấp số.")
    symbol: str = Field("KH-UBND", description="Ký hiệu văn bản, ví dụ KH-UBND.")
    date: PartialDate = Field(default_factory=PartialDate, description="Ngày ký: NĂM-THÁNG-NGÀY, hoặc "
                              "NĂM-THÁNG khi chưa có ngày, hoặc để trống (in năm của Kế hoạch thành phố).")
    pilot: bool = Field(False, description="true nếu đơn vị là đơn vị làm điểm.")
    task_layout: TaskLayout | None = Field(None, description="'appendix' hoặc 'inline' (mặc định: theo mẫu).")
    departments: dict[str, UnitName | None] = Field(default_factory=dict, description="Tên phòng, ban của đơn "
                                                    "vị theo mã vai trò, chỉ khi khác mặc định; để trống "
                                                    "(~) để bỏ vai trò đó.")
    signer: Signer = Field(default_factory=Signer, description="Người ký.")
    noi_nhan: NoiNhanChanges = Field(default_factory=NoiNhanChanges, description="Thay đổi Nơi nhận.")
    luu: StrList | None = Field(None, description="Dòng 'Lưu' riêng, ví dụ [VT, VP].")
    overrides: dict[str, TaskOverride] = Field(default_factory=dict, description="Thay đổi riêng theo mã "
                                               "nhiệm vụ: drop (bỏ), text, lead, coop, outputs, deadline.")
    local_tasks: list[LocalTask] = Field(default_factory=list, description="Nhiệm vụ riêng của đơn vị.")

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
        spec = _SCOPE.get().get(self.level) or DEFAULT_LEVELS.get(self.level)
        return spec.noun if spec else self.level

    @property
    def full_name(self) -> str:
        return unit_full_name(self.level, self.name)
