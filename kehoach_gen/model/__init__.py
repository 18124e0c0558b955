"""Typed model of the two inputs: the city template and a unit profile.

The YAML files are validated into these read-only pydantic models. Text fields may hold
placeholders (``{{ don_vi }}``, ``{{ cap }}`` …, see :mod:`kehoach_gen.placeholders`) filled for
each unit; who does what is written as *role keys* (``tu_phap``, ``cong_an`` …) that each unit
maps to its own departments. The kinds of unit a template serves (xã, phường, đặc khu by
default; quận, huyện … when a template declares them) are data too: a role, task, section or
body block may carry wording for one level under that level's key. Every field has a Vietnamese
description, from which ``kehoach-gen schema`` writes the JSON Schemas and ``docs/schema.md``.
Nothing here reads files or renders Word; cross-references (role keys, task ids, levels) are
checked in :mod:`kehoach_gen.validate`. Modules: :mod:`.base` (levels and the scope models are
validated in), :mod:`.city` (the city template), :mod:`.profile` (the unit profile).
"""

from __future__ import annotations

from .base import (
    DEFAULT_LEVELS,
    LEVEL_NAMES,
    LEVELS,
    Level,
    LevelField,
    LevelSpec,
    Loc,
    StrList,
    Variants,
    as_list,
    level_key_text,
    level_scope,
    normalize_level,
    resolve_level,
    unit_full_name,
)
from .city import (
    ASSIGNMENT_FIELDS,
    DEFAULT_COLUMNS,
    Appendix,
    Assignment,
    AssignmentField,
    Assignments,
    Block,
    Body,
    CityPlan,
    CityTemplate,
    Container,
    FieldLine,
    FieldName,
    Group,
    InlineStyle,
    NoiNhanDefaults,
    NumberFormat,
    Role,
    RoleDuty,
    Section,
    SectionWording,
    Style,
    Task,
    TaskLayout,
    TaskWording,
    UnitName,
    pick,
)
from .profile import (
    IN_PERSON,
    SIGNER_AUTHORITIES,
    LocalTask,
    NoiNhanChanges,
    PartialDate,
    Signer,
    TaskOverride,
    UnitProfile,
)

__all__ = [
    "ASSIGNMENT_FIELDS",
    "Appendix",
    "Assignment",
    "AssignmentField",
    "Assignments",
    "Block",
    "Body",
    "CityPlan",
    "CityTemplate",
    "Container",
    "DEFAULT_COLUMNS",
    "DEFAULT_LEVELS",
    "FieldLine",
    "FieldName",
    "Group",
    "IN_PERSON",
    "InlineStyle",
    "LEVELS",
    "LEVEL_NAMES",
    "Level",
    "LevelField",
    "LevelSpec",
    "Loc",
    "LocalTask",
    "NoiNhanChanges",
    "NoiNhanDefaults",
    "NumberFormat",
    "PartialDate",
    "Role",
    "RoleDuty",
    "SIGNER_AUTHORITIES",
    "Section",
    "SectionWording",
    "Signer",
    "StrList",
    "Style",
    "Task",
    "TaskLayout",
    "TaskOverride",
    "TaskWording",
    "UnitName",
    "UnitProfile",
    "Variants",
    "as_list",
    "level_key_text",
    "level_scope",
    "normalize_level",
    "pick",
    "resolve_level",
    "unit_full_name",
]
