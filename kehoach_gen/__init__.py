"""kehoach-gen: draft a commune's Kế hoạch from its city's plan.

The library in five calls::

    import kehoach_gen as kg

    city = kg.load_city_template("city_template.yaml")
    profile = kg.load_profile("unit_profiles/tan_an.yaml")
    plan = kg.build_plan(city, profile)          # pure data: kg.UnitPlan
    kg.render_plan(plan, "out/xa_tan_an.docx")   # or render_plan(plan) -> bytes
    report = kg.check_document("out/xa_tan_an.docx")  # Nghị định 30 checks

Every function raises :class:`kehoach_gen.errors.InputError` (with ``.problems``, each naming
its file, line and key) on bad input.
"""

from __future__ import annotations

__version__ = "0.1.0"

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .adapt import Para, Row, UnitPlan, adapt
from .errors import InputError, KehoachError, OutputError, Problem
from .model import CityTemplate, UnitProfile

if TYPE_CHECKING:
    from .render import CompiledTemplate

__all__ = [
    "CityTemplate", "InputError", "KehoachError", "OutputError", "Para", "Problem", "Row",
    "UnitPlan", "UnitProfile", "__version__", "build_plan", "check_document", "load_city_template",
    "load_profile", "render_plan",
]


def load_city_template(path: str | Path) -> CityTemplate:
    """Load and validate a city template (YAML)."""
    from .validate import load_city

    return load_city(path)[0]


def load_profile(path: str | Path) -> UnitProfile:
    """Load and validate a unit profile (YAML)."""
    from .validate import load_profile as _load

    return _load(path)[0]


def build_plan(city: CityTemplate, profile: UnitProfile, *, draft: bool = False) -> UnitPlan:
    """The unit's plan as data: the city plan worded, filtered and renumbered for the unit."""
    return adapt(city, profile, draft=draft)


def render_plan(plan: UnitPlan, path: str | Path | None = None, *,
                template: str | Path | CompiledTemplate | None = None) -> bytes:
    """Render ``plan`` to .docx bytes, and write them to ``path`` if given (atomically)."""
    from .files import atomic_write
    from .pipeline import TEMPLATE_NAME, default_templates_dir
    from .render import CompiledTemplate

    if template is None:
        template = default_templates_dir() / TEMPLATE_NAME
    compiled = template if isinstance(template, CompiledTemplate) else CompiledTemplate(template)
    data = compiled.render(plan)
    if path is not None:
        atomic_write(Path(path), data)
    return data


def check_document(source: str | Path | bytes, **options: Any) -> Any:
    """Check a .docx against Nghị định 30/2020 (see :mod:`kehoach_gen.check`)."""
    from .check import check_document as _check

    return _check(source, **options)
