"""The shared read layer (kehoach_gen.ooxml): names, the two readings of text, table grids, and
the sniffing of files that are not .docx."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from kehoach_gen.errors import InputError
from kehoach_gen.ooxml import NSMAP, W_NS, qn
from kehoach_gen.ooxml.element import flatten, parse_xml
from kehoach_gen.ooxml.ns import TC, TR, P
from kehoach_gen.ooxml.package import is_encrypted_office_file, screen_package
from kehoach_gen.ooxml.tables import grid_cells, row_grid
from kehoach_gen.ooxml.text import fields, own_runs, paragraph_text, run_text

from .check_fixtures import make_plan_docx


def xml(fragment: str) -> Any:
    return parse_xml(f'<w:root xmlns:w="{W_NS}" xmlns:mc="{NSMAP["mc"]}">{fragment}</w:root>'
                     .encode())[0]


def test_it_names_elements_in_clark_notation() -> None:
    assert qn("w:p") == f"{{{W_NS}}}p" == P
    assert qn("mc:Fallback") == "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


PARAGRAPH = xml(
    "<w:p><w:r><w:t>Một</w:t><w:tab/><w:t>hai</w:t><w:noBreakHyphen/><w:br/></w:r>"
    '<w:r><w:rPr><w:vanish/></w:rPr><w:t>ẩn</w:t></w:r>'
    '<w:del><w:r><w:delText>xóa</w:delText><w:t>đã xóa</w:t></w:r></w:del>'
    '<w:r><w:footnoteReference w:id="3"/></w:r></w:p>')


def test_the_checker_reads_what_the_paragraph_shows() -> None:
    texts = [run_text(r) for r in own_runs(PARAGRAPH)]
    assert texts == ["Một\thai-\n", "ẩn", ""]  # tabs kept, hidden text is text, deleted is not


def test_the_importer_reads_visible_text_with_footnote_markers() -> None:
    assert paragraph_text(PARAGRAPH, lambda n: f"[^{n}]") == "Một hai-\n[^3]"


def test_a_merged_row_on_the_grid() -> None:
    row = xml('<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>'
              '<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p/></w:tc>'
              '<w:sdt><w:sdtContent><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>'
              "</w:sdtContent></w:sdt><w:tc><w:p/></w:tc></w:tr>")
    cells = list(row.iter(TC))
    assert [(col, tc) for col, tc in grid_cells(row)] == [(1, cells[0]), (3, cells[1]),
                                                          (4, cells[2])]
    assert row_grid(row) == [None, cells[0], cells[0], None, cells[2]]  # merged from above


def test_content_controls_are_looked_through() -> None:
    body = xml("<w:body><w:sdt><w:sdtContent><w:p/><w:tbl/></w:sdtContent></w:sdt>"
               "<w:smartTag><w:p/></w:smartTag></w:body>")
    assert [etree.QName(e).localname for e in flatten(body, {P, qn("w:tbl")})] == ["p", "tbl", "p"]
    assert len(list(flatten(body, {TR}))) == 0


def test_page_fields_simple_and_complex() -> None:
    p = xml('<w:p><w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
            '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText>NUM</w:instrText></w:r>'
            "<w:r><w:instrText>PAGES</w:instrText></w:r>"
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>9</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>')
    found = fields(p)
    assert [(f.instr, [run_text(r) for r in f.result]) for f in found] == [
        (" PAGE ", ["1"]), ("NUMPAGES", ["9"])]


def test_an_encrypted_package_is_a_directory_entry_not_a_word_in_the_text() -> None:
    name = "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
    entry = name.ljust(64, b"\x00") + len(name).to_bytes(2, "little") + bytes(62)
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert is_encrypted_office_file(header + entry)
    assert not is_encrypted_office_file(header + b"xx" + entry)  # mentioned in some text


def test_a_drawing_may_declare_a_doctype_a_word_part_may_not() -> None:
    def with_part(name: str, content: bytes) -> bytes:
        source = zipfile.ZipFile(io.BytesIO(make_plan_docx()))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(b"<Default ", b'<Default Extension="svg" '
                                        b'ContentType="image/svg+xml"/><Default ', 1)
                target.writestr(item.filename, data)
            target.writestr(name, content)
        return out.getvalue()

    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>')
    screen_package(with_part("word/media/logo.svg", svg), "a.docx")  # Illustrator writes that
    with pytest.raises(InputError, match="DOCTYPE"):
        screen_package(with_part("word/custom.xml", svg), "a.docx")


_SIDES = ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV")
_VALS = ("single", "nil", "none", None)
_side = st.tuples(st.sampled_from(_SIDES), st.sampled_from(_VALS))


def _borders_xml(sides: list[tuple[str, str | None]], tag: str = "tblBorders") -> str:
    inner = "".join(f"<w:{s}/>" if v is None else f'<w:{s} w:val="{v}"/>' for s, v in sides)
    return f"<w:{tag}>{inner}</w:{tag}>"


def _borders_as_read(sheet: Any, tbl: Any) -> list[str]:
    """What a table's borders are, read the plain way: for each side the first source that
    has it (the table's own, then its style and the styles it is based on), then any cell's."""
    from kehoach_gen.ooxml.element import attr, child, children

    sources = [child(tbl, "tblPr", "tblBorders")] + [
        child(st_, "tblPr", "tblBorders")
        for st_ in sheet.chain(attr(child(tbl, "tblPr", "tblStyle"), "val"), "table")]
    out = []
    for side in _SIDES:
        el = next((e for s in sources if (e := child(s, side)) is not None), None)
        if el is not None and attr(el, "val") not in ("nil", "none", None):
            out.append(side)
    cells = (b for tc in tbl.iter(TC) for b in children(child(tc, "tcPr", "tcBorders")))
    if any(attr(b, "val") not in ("nil", "none", None) for b in cells):
        out.append("ô")
    return out


@given(own=st.lists(_side, max_size=5), styled=st.lists(_side, max_size=5),
       base=st.lists(_side, max_size=5), cells=st.lists(st.lists(_side, max_size=2), max_size=3),
       nested=st.booleans(), with_style=st.booleans())
@settings(max_examples=300, deadline=None)
def test_the_borders_of_a_table_are_those_its_sources_give(
        own: list[Any], styled: list[Any], base: list[Any], cells: list[Any], nested: bool,
        with_style: bool) -> None:
    """Sides repeated in one source, sources that disagree, cells with and without borders and
    a table in a cell: the borders found are those read source by source, side by side."""
    from kehoach_gen.ooxml.styles import StyleSheet

    styles = parse_xml(
        f'<w:styles xmlns:w="{W_NS}">'
        f'<w:style w:type="table" w:styleId="Base"><w:tblPr>{_borders_xml(base)}</w:tblPr></w:style>'
        f'<w:style w:type="table" w:styleId="Grid"><w:basedOn w:val="Base"/>'
        f'<w:tblPr>{_borders_xml(styled)}</w:tblPr></w:style></w:styles>'.encode())
    tcs = "".join(f"<w:tc><w:tcPr><w:tcW w:w=\"1\"/>{_borders_xml(c, 'tcBorders')}</w:tcPr><w:p/></w:tc>"
                  if c else "<w:tc><w:p/></w:tc>" for c in cells)
    if nested:
        tcs += f"<w:tc><w:tbl><w:tr>{tcs or '<w:tc><w:p/></w:tc>'}</w:tr></w:tbl><w:p/></w:tc>"
    style = '<w:tblStyle w:val="Grid"/>' if with_style else ""
    tbl = xml(f"<w:tbl><w:tblPr>{style}{_borders_xml(own)}</w:tblPr><w:tr>{tcs}</w:tr></w:tbl>")
    sheet = StyleSheet(styles, None, None)
    assert sheet.table_borders(tbl) == _borders_as_read(sheet, tbl)
