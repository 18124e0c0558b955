"""Editors understand the inputs: JSON Schemas and docs/schema.md come from the models and
cannot drift; the bundled files validate against them, and a misspelled key does not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.schema import markdown, schema_text

from .conftest import REPO, read_yaml

CITIES = [REPO / "city_template.yaml", *sorted((REPO / "examples").glob("*/city_template.yaml"))]
PROFILES = sorted((REPO / "unit_profiles").glob("*.yaml")) + sorted((REPO / "examples").glob("*/unit_profiles/*.yaml"))


def _json(data: Any) -> Any:
    return json.loads(json.dumps(data, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def _errors(schema_name: str, path: Path) -> list[str]:
    schema = json.loads((REPO / "schemas" / schema_name).read_text(encoding="utf-8"))
    data = _json(read_yaml(path.read_text(encoding="utf-8")))
    return [e.message for e in jsonschema.Draft202012Validator(schema).iter_errors(data)]


def test_the_committed_schemas_and_docs_are_generated_from_the_models() -> None:
    assert (REPO / "schemas" / "city_template.schema.json").read_text(encoding="utf-8") == schema_text(CityTemplate)
    assert (REPO / "schemas" / "unit_profile.schema.json").read_text(encoding="utf-8") == schema_text(UnitProfile)
    assert (REPO / "docs" / "schema.md").read_text(encoding="utf-8") == markdown(), \
        "chạy: kehoach-gen schema -o schemas --markdown docs/schema.md"


@pytest.mark.parametrize("path", CITIES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_bundled_city_template_validates_against_its_schema(path: Path) -> None:
    assert _errors("city_template.schema.json", path) == []


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: str(p.relative_to(REPO)))
def test_every_bundled_profile_validates_against_its_schema(path: Path) -> None:
    assert _errors("unit_profile.schema.json", path) == []


def test_a_misspelled_key_fails_the_schema_as_it_fails_validation(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text((REPO / "unit_profiles" / "tan_an.yaml").read_text(encoding="utf-8") + "pilott: true\n",
                   encoding="utf-8")
    assert any("pilott" in e for e in _errors("unit_profile.schema.json", bad))


def test_every_field_has_a_vietnamese_description() -> None:
    for model in (CityTemplate, UnitProfile):
        schema = json.loads(schema_text(model))
        for name, definition in schema["$defs"].items():
            body = definition["anyOf"][-1] if "anyOf" in definition else definition
            for key, prop in body.get("properties", {}).items():
                assert prop.get("description"), f"{name}.{key}"


def test_the_schema_command_writes_them(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["schema", "-o", str(tmp_path / "s"), "--markdown", str(tmp_path / "s.md")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "s" / "unit_profile.schema.json").read_text(encoding="utf-8") == schema_text(UnitProfile)
    assert (tmp_path / "s.md").read_text(encoding="utf-8") == markdown()


def test_profiles_name_their_schema_on_the_first_line() -> None:
    for path in sorted((REPO / "unit_profiles").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schemas/unit_profile.schema.json", path
