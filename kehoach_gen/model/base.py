"""The ground the models stand on: levels (the kinds of unit a template serves), the scope
they are validated in, and models that take a level's wording under the level's key."""

from __future__ import annotations

import contextlib
import unicodedata
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
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


def as_list(value: Any) -> Any:
    """A single string where a list is expected is a one-item list; blank/None is empty."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    return value


StrList = Annotated[list[str], BeforeValidator(as_list)]


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


# made without validation (the values are valid as written): validating here would build the
# model's validator at every start, which a run that reads its template from the cache never needs
DEFAULT_LEVELS: dict[str, LevelSpec] = {
    "xa": LevelSpec.model_construct(name="xã", aliases=["xa"], official="xã"),
    "phuong": LevelSpec.model_construct(name="phường", aliases=["phuong"], official="phường"),
    "dac_khu": LevelSpec.model_construct(name="đặc khu", aliases=["dac khu", "dac_khu"],
                                         official="đặc khu"),
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


class Variants(_Model):
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
