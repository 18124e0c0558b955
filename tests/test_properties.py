"""Any text a clerk can type, in any field of a profile: a clear error or a document that opens.

Arbitrary Unicode (markup characters, emoji, combining marks, control characters, 10,000
characters) goes through the whole input path: YAML text → safe loader → model → adaptation →
Word. The outcome is an :class:`InputError` (never another exception) or a document that
python-docx reopens with the text in it as typed, normalised to NFC.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kehoach_gen.adapt import FOOTNOTE_RE, adapt
from kehoach_gen.errors import InputError
from kehoach_gen.loading import load_yaml_text
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.pipeline import TEMPLATE_NAME
from kehoach_gen.render import CompiledTemplate
from kehoach_gen.validate import check_profile, validate_model

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import all_text, open_docx

pytestmark = pytest.mark.slow  # generated inputs (hypothesis)

SPECIAL = ["&", "<", ">", '"', "'", "&amp;", "<w:t>", "]]>", "😀", "👩‍👩‍👧", "\u0301", "\u0323", "\u0300",
           "a\u0302\u0301", "Ð", "ß", " ", "\u00a0", "\n", "\t", ":", "- ", "#", "{", "}", "%", "*", "!",
           "\\", "\u200b", "\u202e", "\ufeff", "\x07", "\x00", "\x1b", "\x85"]

TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.sampled_from(SPECIAL) | st.text(max_size=3), max_size=12).map("".join),
    st.text(min_size=1, max_size=6).map(lambda s: (s * 10_000)[:10_000]),
)

# field → (how to put the text into the profile data, how the document shows it)
Setter = Callable[[dict[str, Any], str], None]


def _set(path: str) -> Setter:
    def setter(data: dict[str, Any], text: str) -> None:
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = text
    return setter


def _local_task(data: dict[str, Any], text: str) -> None:
    data["local_tasks"] = [{"id": "DV1", "section": "B-II", "text": text, "lead": ["tu_phap"]}]


def _override(data: dict[str, Any], text: str) -> None:
    data["overrides"] = {"B01": {"text": text}}


def _position(data: dict[str, Any], text: str) -> None:
    # any title is a valid position for one signing by authorisation of the chairman (TUQ.);
    # the chairman's and deputies' own titles have rules of their own (tests/test_signing.py)
    data["signer"].update(position=text, authority="TUQ.")


def _noi_nhan(data: dict[str, Any], text: str) -> None:
    data["noi_nhan"] = {"add": [text]}


def _collapse(text: str) -> str:
    return " ".join(text.split())


FIELDS: dict[str, tuple[Setter, Callable[[str], str]]] = {
    "name": (_set("name"), _collapse),
    "place": (_set("place"), _collapse),
    "signer.name": (_set("signer.name"), _collapse),
    "signer.position": (_position, lambda t: _collapse(t.upper())),
    "noi_nhan.add": (_noi_nhan, lambda t: _collapse(_collapse(t).rstrip(";.,"))),
    "departments.tu_phap": (_set("departments.tu_phap"), _collapse),
    "local_tasks.text": (_local_task, _collapse),
    "overrides.text": (_override, _collapse),
}


@cache
def _city() -> CityTemplate:
    return CityTemplate.model_validate(parse_yaml(MINI_CITY))


@cache
def _template() -> CompiledTemplate:
    return CompiledTemplate(REPO / "templates" / TEMPLATE_NAME)


def _generate(data: dict[str, Any]) -> bytes:
    """The profile as YAML text, through every step a profile file goes through."""
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**9)
    loaded = load_yaml_text(text)
    profile = validate_model(loaded, UnitProfile)
    problems = check_profile(profile, loaded, _city())
    if problems:
        raise InputError(problems)
    return _template().render(adapt(_city(), profile, draft=True))


def _jinja_or_footnote(text: str) -> bool:
    """Text the plan reads as a placeholder or a footnote marker, so not shown as typed."""
    return any(m in text for m in ("{{", "{%", "{#")) or bool(FOOTNOTE_RE.search(text))


@pytest.mark.parametrize("field", list(FIELDS))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXT)
def test_any_text_gives_a_clear_error_or_a_document_with_the_text(field: str, text: str) -> None:
    setter, shown = FIELDS[field]
    data = parse_yaml(MINI_PROFILE)
    setter(data, text)
    try:
        docx_bytes = _generate(data)
    except InputError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    doc_text = _collapse(all_text(open_docx(docx_bytes)))
    expected = shown(unicodedata.normalize("NFC", text))
    if expected and not _jinja_or_footnote(text):
        assert expected in doc_text


@settings(max_examples=30, deadline=None)
@given(name=TEXT, position=TEXT, place=TEXT)
def test_several_odd_fields_at_once(name: str, position: str, place: str) -> None:
    data = parse_yaml(MINI_PROFILE)
    data["name"], data["place"] = name, place
    data["signer"]["position"] = position
    try:
        docx_bytes = _generate(data)
    except InputError:
        return
    open_docx(docx_bytes)


@pytest.mark.parametrize("text", [
    "Tân An & Hòa <Bình> \"số 1\" 'A'",
    "x" * 10_000,
    "Công an xã 👮 (mới)",
])
def test_markup_and_long_values_render_as_typed_and_the_document_opens(text: str) -> None:
    for field, (setter, shown) in FIELDS.items():
        data = parse_yaml(MINI_PROFILE)
        setter(data, text)
        doc_text = _collapse(all_text(open_docx(_generate(data))))
        assert shown(text) in doc_text, field


def test_decomposed_text_ends_up_composed_in_the_plan() -> None:
    nfd = unicodedata.normalize("NFD", "Tân An")
    assert nfd != "Tân An"
    data = parse_yaml(MINI_PROFILE)
    data["name"] = nfd
    data["signer"]["name"] = unicodedata.normalize("NFD", "Phạm Minh Ngạn")
    doc_text = all_text(open_docx(_generate(data)))
    assert "xã Tân An" in doc_text and "Phạm Minh Ngạn" in doc_text
    assert nfd not in doc_text
    assert unicodedata.is_normalized("NFC", doc_text)
