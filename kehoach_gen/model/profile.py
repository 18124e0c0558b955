"""The unit profile: who the unit is, who signs, and how it differs from its level's defaults."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema, field_validator, model_validator

from .base import _SCOPE, DEFAULT_LEVELS, LevelField, StrList, _Model, unit_full_name
from .city import Task, TaskLayout, TaskWording, UnitName

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
