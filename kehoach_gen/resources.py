"""The files kehoach-gen ships inside the package, and which copy a command uses.

The bundled Hải Phòng template (``city_template.yaml``), the Word template (``ke_hoach.docx``),
the three sample unit profiles and the agency dictionary live in ``kehoach_gen/data`` and are
found through :mod:`importlib.resources`, as python-docx finds its default template, so an
installed wheel works from any folder. A working copy in the current folder
(``./city_template.yaml``, ``./templates/ke_hoach.docx``, ``./unit_profiles/``) wins: that is
what a clerk edits.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

TEMPLATE_NAME = "ke_hoach.docx"
CITY_NAME = "city_template.yaml"
PROFILES_NAME = "unit_profiles"
DEFAULT_PROFILE = "tan_an.yaml"


def bundled(*parts: str) -> Path:
    """A file of the package's ``data`` folder (installed as plain files by the wheel)."""
    return Path(str(resources.files("kehoach_gen").joinpath("data", *parts)))


def default_city_path() -> Path:
    """``./city_template.yaml`` if there is one, else the bundled Hải Phòng template."""
    local = Path(CITY_NAME)
    return local if local.is_file() else bundled(CITY_NAME)


def default_template_path(city_path: Path | None = None, word_template: str | None = None) -> Path:
    """The Word template: the city template's own ``word_template`` (relative to the city
    template's folder), else ``./templates/ke_hoach.docx``, else the bundled one."""
    if word_template:
        candidate = Path(word_template)
        if not candidate.is_absolute() and city_path is not None:
            candidate = city_path.parent / candidate
        return candidate
    local = Path("templates") / TEMPLATE_NAME
    return local if local.is_file() else bundled(TEMPLATE_NAME)


def default_templates_dir() -> Path:
    """The folder of the Word template used when none is named."""
    return default_template_path().parent


def default_profiles_dir() -> Path:
    local = Path(PROFILES_NAME)
    return local if local.is_dir() else bundled(PROFILES_NAME)


def default_profile_path() -> Path:
    return default_profiles_dir() / DEFAULT_PROFILE
