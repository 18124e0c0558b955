"""What the checker keeps from one document for the next never changes what it finds.

A build checks each unit's plan right after the previous one, in one process: blocks, style
sheets and the paragraphs of a table placed as before are kept (:mod:`kehoach_gen.ooxml.cache`).
Every document here is checked after the others, and its findings must be those it gives
read on its own, with every cache off.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from kehoach_gen.check import check_document
from kehoach_gen.ooxml import cache
from kehoach_gen.pipeline import Project, generate_unit

from .conftest import REPO

PROFILES = sorted((REPO / "unit_profiles").glob("*.yaml"))


def _rezip(data: bytes, change: dict[str, tuple[str, str]]) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for name in src.namelist():
            part = src.read(name)
            if name in change:
                old, new = change[name]
                text = part.decode("utf-8")
                assert old in text, (name, old)
                part = text.replace(old, new).encode("utf-8")
            dst.writestr(name, part)
    return out.getvalue()


def _findings(data: bytes) -> list[tuple[str, str, str, str]]:
    return [(f.rule, f.severity, f.where, f.message) for f in check_document(data).findings]


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("cache")
    project = Project(REPO / "city_template.yaml")
    docs = {p.stem: generate_unit(project, p, out, draft=True).output.read_bytes()  # type: ignore[union-attr]
            for p in PROFILES}
    first = docs[PROFILES[0].stem]
    # the same tables under another style sheet: fonts the checker must see again
    docs["arial"] = _rezip(first, {"word/styles.xml": ("Times New Roman", "Arial")})
    # the same tables further down: one more paragraph before them
    docs["moved"] = _rezip(docs["arial"], {"word/document.xml": ("<w:body>", "<w:body><w:p/>")})
    return docs


def test_every_document_checked_after_the_others_finds_what_it_finds_alone(documents: dict[str, bytes]) -> None:
    order = [*documents, *reversed(documents), *documents]
    in_a_row = [(name, _findings(documents[name])) for name in order]
    with cache.disabled():
        alone = {name: _findings(data) for name, data in documents.items()}
    for name, found in in_a_row:
        assert found == alone[name], name
    assert alone["arial"] != alone[PROFILES[0].stem]  # the variants differ where it matters
    assert any("bảng" in where for _, _, where, _ in alone["arial"])
    assert alone["moved"] != alone["arial"]
