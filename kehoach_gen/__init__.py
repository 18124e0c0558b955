"""kehoach-gen: draft a commune's Kế hoạch from its city's plan.

The library in five calls::

    import kehoach_gen as kg

    city = kg.load_city_template("city_template.yaml")
    profile = kg.load_profile("unit_profiles/tan_an.yaml", city)
    plan = kg.build_plan(city, profile)          # pure data: kg.UnitPlan
    kg.render_plan(plan, "out/tan_an.docx")      # or render_plan(plan) -> bytes
    report = kg.check_document("out/tan_an.docx")  # Nghị định 30 checks

Every function raises :class:`kehoach_gen.errors.InputError` (with ``.problems``, each naming
its file, line and key) on bad input. Submodules load on first use, so ``import kehoach_gen``
is cheap.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import InputError, KehoachError, OutputError, Problem

if TYPE_CHECKING:
    from .adapt import Para, Row, UnitPlan
    from .check import Report
    from .model import CityTemplate, UnitProfile
    from .render import CompiledTemplate

__all__ = [
    "CityTemplate", "InputError", "KehoachError", "OutputError", "Para", "Problem", "Row",
    "UnitPlan", "UnitProfile", "__version__", "build_plan", "check_document", "load_city_template",
    "load_profile", "render_plan",
]

_LAZY = {"Para": "adapt", "Row": "adapt", "UnitPlan": "adapt", "CityTemplate": "model", "UnitProfile": "model"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'kehoach_gen' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)


def load_city_template(path: str | Path) -> CityTemplate:
    """Load and validate a city template (YAML)."""
    from .validate import load_city

    return load_city(path)[0]


def load_profile(path: str | Path, city: CityTemplate | None = None) -> UnitProfile:
    """Load and validate a unit profile (YAML); given the ``city``, also against it."""
    from .validate import check_profile
    from .validate import load_profile as _load

    profile, loaded = _load(path, city)
    if city is not None:
        errors = [p for p in check_profile(profile, loaded, city, draft=True) if not p.warning]
        if errors:
            raise InputError(errors)
    return profile


def build_plan(city: CityTemplate, profile: UnitProfile, *, draft: bool = False) -> UnitPlan:
    """The unit's plan as data: the city plan worded, filtered and renumbered for the unit."""
    from .adapt import adapt

    return adapt(city, profile, draft=draft)


def render_plan(plan: UnitPlan, path: str | Path | None = None, *,
                template: str | Path | CompiledTemplate | None = None) -> bytes:
    """Render ``plan`` to .docx bytes, and write them to ``path`` if given (atomically)."""
    from .files import atomic_write
    from .render import CompiledTemplate
    from .resources import default_template_path

    if template is None:
        template = default_template_path()
    compiled = template if isinstance(template, CompiledTemplate) else CompiledTemplate(template)
    data = compiled.render(plan)
    if path is not None:
        atomic_write(Path(path), data)
    return data


def check_document(source: str | Path | bytes, **options: Any) -> Report:
    """Check a .docx against Nghị định 30/2020 (see :mod:`kehoach_gen.check`)."""
    from .check import check_document as _check

    return _check(source, **options)
