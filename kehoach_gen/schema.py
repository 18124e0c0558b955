"""JSON Schemas and a Markdown reference of the two inputs, from the pydantic models.

``kehoach-gen schema`` writes ``city_template.schema.json`` and ``unit_profile.schema.json``
(editors such as VS Code complete and check a YAML file whose first line is
``# yaml-language-server: $schema=…``) and, on request, ``docs/schema.md``. All three come
from the models' own Vietnamese field descriptions, so they cannot drift from the code; a test
compares the committed copies with a fresh generation.
"""

from __future__ import annotations

import functools
import json
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .files import atomic_write
from .model import CityTemplate, UnitProfile, as_list

SCHEMAS: dict[str, type[BaseModel]] = {
    "city_template.schema.json": CityTemplate,
    "unit_profile.schema.json": UnitProfile,
}
PROFILE_SCHEMA = "unit_profile.schema.json"
_TITLES = {CityTemplate: "Mẫu Kế hoạch của thành phố (kehoach-gen)", UnitProfile: "Hồ sơ đơn vị (kehoach-gen)"}
# What each part is, for a person reading the schema or docs/schema.md.
_NAMES = {
    "CityTemplate": "Mẫu Kế hoạch của thành phố (city_template.yaml).",
    "CityPlan": "Kế hoạch của thành phố mà các đơn vị triển khai.",
    "LevelSpec": "Một cấp đơn vị mà mẫu phục vụ: tên, dòng cơ quan ban hành, người ký, tên phòng ban mặc định.",
    "Style": "Cách trình bày của kế hoạch.",
    "InlineStyle": "Cách trình bày nhiệm vụ ghi ngay trong phần nội dung.",
    "FieldLine": "Một dòng dưới mỗi nhiệm vụ (ghi trong nội dung).",
    "Role": "Một cơ quan được giao việc: tên ở thành phố và ở đơn vị.",
    "Body": "Phần nội dung của kế hoạch.",
    "Block": "Một khối của phần nội dung: đoạn văn, đề mục, các đoạn theo vai trò hoặc chỗ đặt nhiệm vụ.",
    "RoleDuty": "Một đoạn 'Tổ chức thực hiện' của một vai trò.",
    "Appendix": "Phụ lục phân công nhiệm vụ.",
    "Group": "Một nhóm nhiệm vụ (A, B).",
    "Section": "Một mục La Mã của nhóm; có thể là một nhiệm vụ.",
    "SectionWording": "Cách viết của một mục cho một cấp.",
    "Task": "Một nhiệm vụ; mã (id) không đổi khi đánh số lại.",
    "TaskWording": "Các trường của nhiệm vụ mà một cấp hoặc một đơn vị viết lại.",
    "TaskOverride": "Thay đổi riêng của đơn vị cho một nhiệm vụ của thành phố.",
    "LocalTask": "Nhiệm vụ riêng của đơn vị.",
    "Assignment": "Một cơ quan chủ trì hoặc phối hợp: mã vai trò, hoặc tên ghi nguyên văn.",
    "NoiNhanDefaults": "Nơi nhận mặc định.",
    "UnitProfile": "Hồ sơ đơn vị (unit_profiles/*.yaml).",
    "Signer": "Người ký.",
    "NoiNhanChanges": "Thay đổi Nơi nhận của đơn vị.",
    "PartialDate": "Ngày ký, có thể để trống ngày hoặc tháng khi là bản nháp.",
}


# Models a YAML file may also write as a plain value: a role key for an assignment, a text for
# a body block, "2026-05" for a date.
_SCALAR_TOO = {"Assignment": [{"type": "string"}], "Block": [{"type": "string"}],
               "PartialDate": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}


def _one_or_list(model: type[BaseModel], definition: dict[str, Any]) -> None:
    """A list field that also takes a single item (``deadline: Thường xuyên``)."""
    for name, f in model.model_fields.items():
        if not any(getattr(m, "func", None) is as_list for m in f.metadata):
            continue
        prop = definition.get("properties", {}).get(name)
        if prop is None:
            continue
        branches = prop.get("anyOf", [prop])
        for branch in list(branches):
            if branch.get("type") == "array" and "items" in branch:
                branches.append(branch["items"])
        if "anyOf" not in prop:
            definition["properties"][name] = {k: v for k, v in prop.items() if k in ("description", "default",
                                                                                      "title")}
            definition["properties"][name]["anyOf"] = branches


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema of ``model``, as a person writes the YAML: a level's wording is a key
    named after the level (``xa:``, ``quan:``), not ``by_level``; a single item may stand for a
    list of one; an assignment may be a bare role key."""
    schema = model.model_json_schema(mode="validation")
    models = {m.__name__: m for m in _models(model)}
    _one_or_list(model, schema)
    for name, definition in schema.get("$defs", {}).items():
        if name in models:
            _one_or_list(models[name], definition)
    for name, extra in _SCALAR_TOO.items():
        if name in schema.get("$defs", {}):
            definition = schema["$defs"][name]
            schema["$defs"][name] = {"anyOf": [*extra, definition]}
    for definition in [schema, *(d["anyOf"][-1] if "anyOf" in d else d for d in schema.get("$defs", {}).values())]:
        definition.pop("description", None)  # the models' docstrings are for developers (English)
        title = _NAMES.get(definition.get("title", ""))
        if title:
            definition["description"] = title
        props = definition.get("properties", {})
        by_level = props.pop("by_level", None)
        if by_level is not None:
            definition["additionalProperties"] = by_level.get("additionalProperties", True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = _TITLES[model]
    return schema


@functools.cache  # made from the model class alone (about 60 ms): init-units writes it per folder
def schema_text(model: type[BaseModel]) -> str:
    return json.dumps(json_schema(model), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _type_name(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_name(args[0])
    if origin in (typing.Union, types.UnionType):
        return " hoặc ".join(_type_name(a) for a in args if a is not type(None))
    if origin is list:
        return f"danh sách {_type_name(args[0])}" if args else "danh sách"
    if origin is dict:
        return f"bảng (khóa: {_type_name(args[1])})" if len(args) == 2 else "bảng"
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in args)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    simple = {str: "văn bản", int: "số", bool: "true/false"}
    return simple.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _models(root: type[BaseModel]) -> list[type[BaseModel]]:
    seen: list[type[BaseModel]] = []

    def visit(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.append(model)
        for f in model.model_fields.values():
            for t in _leaves(f.annotation):
                visit(t)

    visit(root)
    return seen


def _leaves(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [t for a in typing.get_args(annotation) for t in _leaves(a)]


def markdown() -> str:
    """docs/schema.md: every key of both inputs, its type and what it means."""
    lines = ["# Các khóa của mẫu thành phố và hồ sơ đơn vị", "",
             "Tệp này được tạo tự động bởi `kehoach-gen schema --markdown docs/schema.md` từ mô tả trong "
             "mã (kehoach_gen/model/); đừng sửa tay.", "",
             "Trong vai trò, nhiệm vụ, mục và khối nội dung, một khóa trùng mã cấp (`xa:`, `phuong:`, "
             "`dac_khu:` hoặc cấp mẫu tự khai báo ở `levels`) ghi cách viết riêng cho cấp đó.", ""]
    done: set[type[BaseModel]] = set()
    for root in (CityTemplate, UnitProfile):
        for model in _models(root):
            if model in done:
                continue
            done.add(model)
            lines += [f"## {model.__name__}", ""]
            if model.__name__ in _NAMES:
                lines += [_NAMES[model.__name__], ""]
            lines += ["| khóa | kiểu | bắt buộc | ý nghĩa |", "|---|---|---|---|"]
            for name, f in model.model_fields.items():
                if name == "by_level":
                    name = "*(mã cấp)*"
                desc = (f.description or "").replace("|", "\\|")
                lines.append(f"| `{name}` | {_type_name(f.annotation)} | {'có' if f.is_required() else ''} | {desc} |")
            lines.append("")
    return "\n".join(lines)


def write_schemas(folder: Path, markdown_path: Path | None = None) -> list[Path]:
    """Write both JSON Schemas into ``folder`` (and the Markdown reference); the paths written."""
    written = []
    for name, model in SCHEMAS.items():
        atomic_write(folder / name, schema_text(model))
        written.append(folder / name)
    if markdown_path is not None:
        atomic_write(markdown_path, markdown())
        written.append(markdown_path)
    return written
