"""The city template: roles, tasks and the appendix, the body, the house style, the levels."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator, model_validator

from .base import (
    _SCOPE,
    DEFAULT_LEVELS,
    Level,
    LevelField,
    LevelSpec,
    Loc,
    StrList,
    Variants,
    _Model,
    as_list,
    level_scope,
)

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


Assignments = Annotated[list[Assignment], BeforeValidator(as_list)]

# A unit-level name: a text (placeholders allowed), or a list of other role keys it becomes.
UnitName = str | list[str]


class Role(Variants):
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


class Task(Variants):
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


class Container(Variants):
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

    def layers(self, level: Level) -> list[tuple[Loc, Container | SectionWording]]:
        """The container and its wordings for ``level``, least specific first."""
        return _layers(self, level)

    def shares_lead(self) -> bool:
        """Whether the container gives its tasks a lead, for some level."""
        wordings = [self.unit, *self.by_level.values()]
        return bool(self.lead) or any(w is not None and w.lead for w in wordings)


class Section(Container):
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


class Group(Container):
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


class Block(Variants):
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
