"""The files shipped inside the package are the working copies a user sees at the top of the
repository (city_template.yaml, templates/, unit_profiles/): a change to one without the other
fails here, with the command that brings them together."""

from __future__ import annotations

import filecmp

from kehoach_gen.resources import bundled

from .conftest import REPO

SYNC = "python scripts/make_templates.py (mẫu Word); cp city_template.yaml unit_profiles/*.yaml kehoach_gen/data/…"


def test_the_bundled_city_template_is_the_working_copy() -> None:
    assert filecmp.cmp(REPO / "city_template.yaml", bundled("city_template.yaml"), shallow=False), SYNC


def test_the_bundled_word_template_is_the_working_copy() -> None:
    assert filecmp.cmp(REPO / "templates" / "ke_hoach.docx", bundled("ke_hoach.docx"), shallow=False), SYNC


def test_the_bundled_profiles_are_the_working_copies() -> None:
    working = sorted(p.name for p in (REPO / "unit_profiles").glob("*.yaml"))
    shipped = sorted(p.name for p in bundled("unit_profiles").glob("*.yaml"))
    assert working == shipped
    for name in working:
        assert filecmp.cmp(REPO / "unit_profiles" / name, bundled("unit_profiles", name), shallow=False), SYNC
