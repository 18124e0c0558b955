"""Footnote markers become real Word footnotes: the part, its relationship, content type,
settings and styles, the references in document order, in both layouts. Checked by reopening
the file (zip + XML, and python-docx)."""

from __future__ import annotations

import dataclasses
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from kehoach_gen.adapt import Para, UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.render import CompiledTemplate

from .conftest import MINI_CITY, MINI_PROFILE, REPO, parse_yaml
from .docx_helpers import LazyTemplate, open_docx, texts

TEMPLATE = LazyTemplate(REPO / "templates" / "ke_hoach.docx")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
NOTE = "Mô hình ba tốt: Nội dung tốt, hình thức tốt, hiệu quả tốt."


def plan(**changes: Any) -> UnitPlan:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return adapt(CityTemplate.model_validate(parse_yaml(MINI_CITY)), UnitProfile.model_validate(data))


def parts(data: bytes) -> dict[str, bytes]:
    zf = zipfile.ZipFile(io.BytesIO(data))
    return {n: zf.read(n) for n in zf.namelist()}


def xml(data: bytes) -> etree._Element:
    return etree.fromstring(data)


def notes_of(data: bytes) -> dict[str, str]:
    """Normal footnotes of a document: id → text."""
    root = xml(parts(data)["word/footnotes.xml"])
    return {n.get(f"{{{W}}}id"): "".join(n.itertext())
            for n in root.findall("w:footnote", NS) if n.get(f"{{{W}}}type") in (None, "normal")}


def references(data: bytes) -> list[etree._Element]:
    return xml(parts(data)["word/document.xml"]).findall(".//w:footnoteReference", NS)


def test_the_footnotes_part_is_wired_into_the_package() -> None:
    p = parts(TEMPLATE.render(plan()))
    assert 'PartName="/word/footnotes.xml"' in p["[Content_Types].xml"].decode()
    assert "wordprocessingml.footnotes+xml" in p["[Content_Types].xml"].decode()
    rels = xml(p["word/_rels/document.xml.rels"])
    assert [r.get("Target") for r in rels if r.get("Type", "").endswith("/footnotes")] == ["footnotes.xml"]
    settings = xml(p["word/settings.xml"])
    assert [f.get(f"{{{W}}}id") for f in settings.findall("w:footnotePr/w:footnote", NS)] == ["-1", "0"]
    # CT_Settings is a sequence: footnotePr before compat
    names = [etree.QName(c).localname for c in settings]
    assert names.index("footnotePr") < names.index("compat")
    notes = xml(p["word/footnotes.xml"])
    special = {n.get(f"{{{W}}}type"): n.get(f"{{{W}}}id") for n in notes if n.get(f"{{{W}}}type")}
    assert special == {"separator": "-1", "continuationSeparator": "0"}
    assert notes.find("w:footnote[@w:type='separator']//w:separator", NS) is not None
    assert notes.find("w:footnote[@w:type='continuationSeparator']//w:continuationSeparator", NS) is not None


def test_the_note_is_a_footnote_with_its_mark_and_text() -> None:
    data = TEMPLATE.render(plan())
    assert notes_of(data) == {"1": " " + NOTE}
    note = xml(parts(data)["word/footnotes.xml"]).find("w:footnote[@w:id='1']", NS)
    assert note.find("w:p/w:pPr/w:pStyle", NS).get(f"{{{W}}}val") == "FootnoteText"
    mark = note.find("w:p/w:r", NS)
    assert mark.find("w:footnoteRef", NS) is not None
    assert mark.find("w:rPr/w:rStyle", NS).get(f"{{{W}}}val") == "FootnoteReference"
    (ref,) = references(data)
    assert ref.get(f"{{{W}}}id") == "1"
    assert ref.getparent().find("w:rPr/w:rStyle", NS).get(f"{{{W}}}val") == "FootnoteReference"
    assert NOTE not in "\n".join(texts(open_docx(data)))  # not printed under the table any more


def test_the_footnote_styles_are_times_new_roman_and_the_reference_superscript() -> None:
    doc = open_docx(TEMPLATE.render(plan()))
    text, ref = doc.styles["footnote text"], doc.styles["footnote reference"]
    assert text.style_id == "FootnoteText" and ref.style_id == "FootnoteReference"
    assert text.font.name == "Times New Roman" and ref.font.name == "Times New Roman"
    assert ref.font.superscript is True


def test_the_inline_layout_carries_the_note_too() -> None:
    data = TEMPLATE.render(plan(task_layout="inline"))
    assert notes_of(data) == {"1": " " + NOTE}
    (ref,) = references(data)
    paragraph = ref.getparent().getparent()
    assert "Rà soát “năm tốt”" in "".join(paragraph.itertext())
    assert paragraph.getparent().tag == f"{{{W}}}body"  # in the body, not in a table


def test_a_note_referenced_twice_is_one_footnote_and_the_second_mark_repeats_its_number() -> None:
    base = plan()
    twice = dataclasses.replace(base, body=(*base.body, Para("text", "Xem thêm “ba tốt”[^ba_tot] ở trên.")))
    data = TEMPLATE.render(twice)
    assert notes_of(data) == {"1": " " + NOTE}
    assert len(references(data)) == 1
    doc = xml(parts(data)["word/document.xml"])
    repeat = [r for r in doc.iter(f"{{{W}}}r")
              if r.find("w:rPr/w:rStyle[@w:val='FootnoteReference']", NS) is not None
              and r.find("w:t", NS) is not None]
    assert ["".join(r.itertext()) for r in repeat] == ["1"]


def test_references_are_numbered_in_document_order_whatever_the_plan_numbers() -> None:
    base = plan()
    notes = {"ba_tot": (2, NOTE), "dau": (1, "Chú thích ở đầu.")}
    body = (Para("text", "Căn cứ[^dau] đầu tiên."), *base.body)
    data = TEMPLATE.render(dataclasses.replace(base, body=body, footnotes=notes))
    assert notes_of(data) == {"1": " Chú thích ở đầu.", "2": " " + NOTE}
    assert [r.get(f"{{{W}}}id") for r in references(data)] == ["1", "2"]


def test_a_marker_without_a_note_stays_as_typed_and_a_plan_without_notes_has_no_part() -> None:
    base = plan()
    data = TEMPLATE.render(dataclasses.replace(base, footnotes={}))
    p = parts(data)
    assert "word/footnotes.xml" not in p and b"footnotes" not in p["[Content_Types].xml"]
    assert b"<w:footnotePr" not in p["word/settings.xml"]
    assert "Rà soát “năm tốt”[^ba_tot]" in "".join(xml(p["word/document.xml"]).itertext())


def test_notes_with_line_breaks_and_markup_characters() -> None:
    base = plan()
    data = TEMPLATE.render(dataclasses.replace(base, footnotes={"ba_tot": (1, "Dòng <một> & \"hai\"\ndòng ba")}))
    note = xml(parts(data)["word/footnotes.xml"]).find("w:footnote[@w:id='1']", NS)
    assert "".join(note.itertext()) == " Dòng <một> & \"hai\"dòng ba"
    assert note.find(".//w:br", NS) is not None


def test_a_template_with_its_own_footnotes_keeps_them_and_ours_follow(tmp_path: Path) -> None:
    src = zipfile.ZipFile(REPO / "templates" / "ke_hoach.docx")
    own = (f'<w:footnotes xmlns:w="{W}"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/>'
           '</w:r></w:p></w:footnote><w:footnote w:type="continuationSeparator" w:id="1"><w:p><w:r>'
           '<w:continuationSeparator/></w:r></w:p></w:footnote><w:footnote w:id="2"><w:p><w:r><w:t>Của mẫu'
           '</w:t></w:r></w:p></w:footnote></w:footnotes>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/_rels/document.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/footnotes" '
                                    b'Target="notes.xml"/></Relationships>')
            if name == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/word/notes.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/></Types>')
            dst.writestr(name, data)
        dst.writestr("word/notes.xml", own)
    path = tmp_path / "mau.docx"
    path.write_bytes(out.getvalue())
    data = CompiledTemplate(path).render(plan())
    p = parts(data)
    assert "word/footnotes.xml" not in p
    root = xml(p["word/notes.xml"])
    assert [n.get(f"{{{W}}}id") for n in root] == ["0", "1", "2", "3"]
    assert "".join(root[2].itertext()) == "Của mẫu" and NOTE in "".join(root[3].itertext())
    assert [r.get(f"{{{W}}}id") for r in references(data)] == ["3"]
    open_docx(data)


@pytest.mark.parametrize("layout", ["appendix", "inline"])
def test_python_docx_reopens_the_document_and_finds_the_footnotes_part(layout: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE as RT

    doc = open_docx(TEMPLATE.render(plan(task_layout=layout)))
    part = doc.part.part_related_by(RT.FOOTNOTES)
    assert NOTE in part.blob.decode("utf-8")
