"""The zip we write, the content hash we record, and the slim template it is made from."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import platform
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from kehoach_gen.adapt import UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.render import (
    CUSTOM_PROPS,
    PROP_CONTENT,
    document_digest,
    read_properties,
)

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import LazyTemplate, open_docx

TEMPLATE_PATH = REPO / "templates" / "ke_hoach.docx"
TEMPLATE = LazyTemplate(TEMPLATE_PATH)


def mini(**changes: Any) -> UnitPlan:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return adapt(CityTemplate.model_validate(parse_yaml(MINI_CITY)), UnitProfile.model_validate(data))


def previous_formula(data: bytes) -> str:
    """The content hash as the first version computed it (kept so its documents stay ours)."""
    zf = zipfile.ZipFile(io.BytesIO(data))
    h = hashlib.sha256()
    for name in sorted(zf.namelist()):
        if name not in (CUSTOM_PROPS, "docProps/core.xml", "docProps/app.xml"):
            h.update(name.encode())
            h.update(zf.read(name))
    return h.hexdigest()


def test_the_zip_is_valid_deterministic_and_its_content_types_come_first() -> None:
    plan = mini()
    data = TEMPLATE.render(plan, {"kehoach-gen:inputs": "x"})
    assert data == TEMPLATE.render(plan, {"kehoach-gen:inputs": "x"})
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert zf.testzip() is None  # every CRC checks
    infos = zf.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2026, 1, 1, 0, 0, 0)}
    assert {i.compress_type for i in infos} == {zipfile.ZIP_DEFLATED}
    assert len({i.filename for i in infos}) == len(infos)
    open_docx(data)


def test_the_recorded_digest_is_the_content_hash_by_the_previous_formula() -> None:
    for plan in (mini(), mini(task_layout="inline")):
        data, digest = TEMPLATE.render_with_digest(plan, {"kehoach-gen:unit": "xã Tân An"})
        assert digest == previous_formula(data) == document_digest(data)
        props = read_properties(data)
        assert props[PROP_CONTENT] == digest and props["kehoach-gen:unit"] == "xã Tân An"


def test_a_person_s_edit_changes_the_digest() -> None:
    data = TEMPLATE.render(mini())
    zf = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in zf.namelist():
            part = zf.read(name)
            dst.writestr(name, part.replace("Chỉ đạo chung".encode(), "Chỉ đạo".encode()))
    assert document_digest(out.getvalue()) != read_properties(data)[PROP_CONTENT]


def test_reading_properties_and_digests_of_garbage_is_harmless() -> None:
    assert read_properties(b"not a zip") == {}
    assert document_digest(b"not a zip") == ""
    empty = io.BytesIO()
    with zipfile.ZipFile(empty, "w") as z:
        z.writestr(CUSTOM_PROPS, "<not xml")
    assert read_properties(empty.getvalue()) == {}


def test_the_template_is_slim() -> None:
    zf = zipfile.ZipFile(TEMPLATE_PATH)
    names = set(zf.namelist())
    assert not names & {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml"}
    assert not any(n.startswith("customXml/") for n in names)
    styles = zf.read("word/styles.xml")
    assert b"<w:latentStyles" not in styles and len(styles) < 40_000
    assert sum(i.file_size for i in zf.infolist()) < 120_000
    rels = zf.read("word/_rels/document.xml.rels").decode()
    for target in ("stylesWithEffects", "customXml", "thumbnail"):
        assert target not in rels and target not in zf.read("[Content_Types].xml").decode()
    doc = open_docx(TEMPLATE_PATH)  # python-docx opens it: every style it names exists
    assert {"KH Bang nhom", "KH Bang nhom giua", "footnote text", "footnote reference"} <= {
        s.name for s in doc.styles}


def test_the_shipped_template_is_the_repository_one_byte_for_byte() -> None:
    assert (REPO / "kehoach_gen" / "data" / "ke_hoach.docx").read_bytes() == TEMPLATE_PATH.read_bytes()


def test_make_templates_writes_the_same_file_as_the_template_and_its_shipped_copy(tmp_path: Path) -> None:
    """scripts/make_templates.py builds, slims and packages the Word template byte for byte as it
    is in templates/ and in the package (one build: main() writes package(slim(build())))."""
    spec = importlib.util.spec_from_file_location("make_templates", REPO / "scripts" / "make_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.OUT, module.SHIPPED = tmp_path / "templates" / "ke_hoach.docx", tmp_path / "data" / "ke_hoach.docx"
    assert module.main() == 0
    assert module.OUT.read_bytes() == module.SHIPPED.read_bytes() == TEMPLATE_PATH.read_bytes()


@pytest.mark.parametrize("with_isal", [True, False])
def test_the_parts_that_change_deflate_to_the_same_bytes_with_or_without_isal(
        monkeypatch: pytest.MonkeyPatch, with_isal: bool) -> None:
    """ISA-L when its wheel is installed, zlib where it cannot be imported: either way a valid
    archive whose parts inflate to what was rendered."""
    from kehoach_gen.render import package

    if not with_isal:
        monkeypatch.setattr(package, "_isal_zlib", None)
    elif platform.machine() in ("x86_64", "AMD64", "aarch64", "arm64"):  # (setup.cfg's marker)
        assert package._isal_zlib is not None  # a dependency there: installed with kehoach-gen
    found = TEMPLATE.render_document(mini())
    zf = zipfile.ZipFile(io.BytesIO(found.data))
    assert zf.testzip() is None
    for deflated, part in found.parts:
        assert zlib.decompress(deflated, -15) == part
    assert document_digest(found.data) == found.digest
