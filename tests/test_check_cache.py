"""What the checker keeps from one document for the next never changes what it finds.

A build checks each unit's plan right after the previous one, in one process: blocks, style
sheets and the paragraphs of a table placed as before are kept (:mod:`kehoach_gen.ooxml.cache`).
Every document here is checked after the others, and its findings must be those it gives
read on its own, with every cache off.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
    # one body paragraph (the same bytes, so the same block) followed by a paragraph with no
    # space before it, then by one with space: the gap after it differs, not the paragraph
    for name, before in (("next tight", 0), ("next loose", 240)):
        docs[name] = _rezip(first, {"word/document.xml": (
            _BODY_END, _body_paragraph("Các phòng báo cáo kết quả.")
            + _body_paragraph("Hằng năm tổng kết.", before) + _BODY_END)})
    return docs


_BODY_END = '<w:p><w:pPr><w:pStyle w:val="KHKetthuc"/></w:pPr><w:r><w:t xml:space="preserve">Trên đây'


def _body_paragraph(text: str, before: int = 0) -> str:
    return (f'<w:p><w:pPr><w:pStyle w:val="KHNoidung"/><w:spacing w:before="{before}" '
            f'w:after="0"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>')


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
    gap = [(where, message) for rule, _, where, message in alone["next tight"]
           if rule == "ND30-BODY-SPACING" and message.startswith("Khoảng cách tới đoạn sau 0 pt")]
    assert len(gap) == 2, alone["next tight"]  # the first added paragraph, then the second
    assert gap[0] not in [(where, message) for _, _, where, message in alone["next loose"]]


# pieces a body is made of; the long ones share their first 128 bytes (the cutter's key)
_SAME = '<w:p><w:pPr><w:pStyle w:val="BodyText"/><w:jc w:val="both"/></w:pPr><w:r><w:rPr>' \
        '<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/></w:rPr><w:t>'
_PIECES = [
    _SAME + "a</w:t></w:r></w:p>",
    _SAME + "a</w:t></w:r><w:r><w:t>b</w:t></w:r></w:p>",
    _SAME + "ab</w:t></w:r></w:p>",
    "<w:p/>",
    "<w:p><w:r><w:t>x</w:t></w:r></w:p>",
    '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>ô</w:t></w:r></w:p></w:tc></w:tr></w:tbl>',
    '<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>',
    '<w:sdt><w:sdtContent>' + _SAME + "a</w:t></w:r></w:p></w:sdtContent></w:sdt>",
    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>',
]
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w=' \
        '"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'


@given(st.lists(st.lists(st.integers(0, len(_PIECES) - 1), max_size=12), min_size=2, max_size=6),
       st.lists(st.integers(0, 2), max_size=6))
@settings(max_examples=300, deadline=None)
def test_a_block_the_cutter_knows_is_taken_whole_only_where_it_is_whole(
        bodies: list[list[int]], glue: list[int]) -> None:
    """The body cutter takes a block it cut before in one piece (the one that followed the
    same block in the body cut before, or one found by its first bytes); documents made of
    the same pieces, in any order, some of them starting where another piece starts and going
    on, or nested in a cell, are cut as they are cut alone, with every cache off."""
    from kehoach_gen.ooxml.opc import split_body

    def body(picks: list[int], k: int) -> bytes:
        pieces = [_PIECES[n] for n in picks]
        change = glue[k] if k < len(glue) else 0
        if change and pieces and pieces[0].endswith("</w:r></w:p>"):
            # the first piece goes on where a known piece ends: one run more, or a paragraph
            # nested in it (an end tag that closes the inner one first)
            more = "<w:r><w:t>c</w:t></w:r>" if change == 1 else "<w:p><w:r/></w:p>"
            pieces[0] = pieces[0][:-len("</w:p>")] + more + "</w:p>"
        return (_HEAD + "".join(pieces) + "</w:body></w:document>").encode()

    documents = [body(picks, k) for k, picks in enumerate(bodies)]
    with cache.disabled():
        alone = [split_body(xml) for xml in documents]
    cache.clear()
    for _ in range(2):
        for xml, expected in zip(documents, alone, strict=True):
            assert split_body(xml) == expected
            if expected is not None and expected[1]:  # no more blocks than asked for
                assert split_body(xml, most=len(expected[1])) == expected
                assert split_body(xml, most=len(expected[1]) - 1) is None


def test_a_unit_checked_after_another_looks_only_at_its_own_new_paragraphs(
        documents: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """Layout detection folds the first characters of the paragraphs not seen before, and it
    looks for them among the paragraphs made for this document only: a unit checked right
    after another of its kind goes through the paragraphs of its own blocks (its header, the
    paragraphs that name it, Nơi nhận), not through all of them again."""
    from kehoach_gen.check import layout

    first = documents["tan_an"]
    second = _rezip(first, {"word/document.xml": ("Tân An", "Tân Hòa")})  # another xã
    cache.clear()
    check_document(first)
    looked: list[int] = []
    real = layout.remember_all

    def counting(cores: Any, name: str, compute: Any) -> None:
        cores = list(cores)
        looked.append(len(cores))
        real(cores, name, compute)

    monkeypatch.setattr(layout, "remember_all", counting)
    report = check_document(second)
    with zipfile.ZipFile(io.BytesIO(second)) as z:
        paragraphs = z.read("word/document.xml").count(b"</w:p>")
    assert looked and 0 < sum(looked) < paragraphs / 4, (looked, paragraphs)
    with cache.disabled():
        assert [f.message for f in check_document(second).findings] == \
            [f.message for f in report.findings]


def _counting_inflations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The parts the checker inflates (and screens) from now on, by name."""
    from kehoach_gen.ooxml import opc

    inflated: list[str] = []
    real = opc._screen_part

    def counting(data: bytes, info: zipfile.ZipInfo, *args: Any, **kwargs: Any) -> Any:
        inflated.append(info.filename)
        return real(data, info, *args, **kwargs)

    monkeypatch.setattr(opc, "_screen_part", counting)
    return inflated


def test_a_plan_just_written_is_checked_without_inflating_it_again(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """generate and build tell the check what the parts they wrote inflate to; it then
    inflates nothing, and finds what it finds in the file read on its own."""
    from kehoach_gen.pipeline import check_output

    result = generate_unit(Project(REPO / "city_template.yaml"), PROFILES[0], tmp_path, draft=True)
    assert result.output is not None and len(result.parts) >= 8
    cache.clear()
    inflated = _counting_inflations(monkeypatch)
    told = check_output(result.output, result.parts)
    assert inflated == []
    cache.clear()
    alone = check_output(result.output)
    assert "word/document.xml" in inflated and "word/styles.xml" in inflated
    assert (told.errors, told.warnings, told.text) == (alone.errors, alone.warnings, alone.text)


def test_a_plan_changed_after_it_was_written_is_read_as_it_is_now(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A part whose compressed bytes are not exactly those written is inflated, screened and
    checked as any other. Here document.xml was changed after writing (to the same size: only
    its bytes tell), the other parts kept byte for byte, and the check finds what was changed."""
    from kehoach_gen.pipeline import check_output
    from kehoach_gen.render.package import Entry, deflate, write_zip

    result = generate_unit(Project(REPO / "city_template.yaml"), REPO / "unit_profiles" / "tan_an.yaml",
                           tmp_path, draft=True)
    assert result.output is not None
    data = result.output.read_bytes()
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            part = z.read(info)
            if info.filename == "word/document.xml":
                ours, city = "trên địa bàn xã Tân An.".encode(), "trên địa bàn thành phố".encode()
                assert ours in part and len(ours) == len(city)
                entries.append(deflate(info.filename, part.replace(ours, city, 1)))
            else:  # the very bytes written
                start = info.header_offset + 30 + len(info.filename.encode())
                raw = data[start:start + info.compress_size]
                assert zlib.decompressobj(-15).decompress(raw) == part
                entries.append(Entry(info.filename.encode(), info.flag_bits, info.CRC,
                                     info.file_size, raw))
    result.output.write_bytes(write_zip(entries))
    cache.clear()
    inflated = _counting_inflations(monkeypatch)
    told = check_output(result.output, result.parts)
    assert inflated == ["word/document.xml"]
    with cache.disabled():
        alone = check_output(result.output)
    assert (told.errors, told.warnings, told.text) == (alone.errors, alone.warnings, alone.text)
    assert "trên địa bàn thành phố" in told.text


def test_build_and_generate_check_their_plans_without_inflating_them(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Both commands that write a plan and then check it hand the check the parts they wrote."""
    from click.testing import CliRunner

    from kehoach_gen.build import build_units
    from kehoach_gen.cli import main

    inflated = _counting_inflations(monkeypatch)
    cache.clear()
    items = build_units(Project(REPO / "city_template.yaml"), PROFILES[:3], tmp_path / "build",
                        draft=True, check=True, jobs=1)
    assert [i.checked for i in items] == [True, True, True] and inflated == []
    cache.clear()
    result = CliRunner().invoke(main, ["generate", str(PROFILES[0]), "-o", str(tmp_path / "gen"),
                                       "--draft", "--city", str(REPO / "city_template.yaml")])
    assert result.exception is None and result.exit_code == 0, result.output
    assert "Nghị định 30" in result.output and inflated == []


def test_a_task_table_kept_from_one_plan_is_judged_anew_for_another_level() -> None:
    """What the checker keeps with a task table's block about its lead column depends on the
    issuer's level: "Ủy ban nhân dân cấp xã" leading a task is the level above in a district's
    plan only when the issuer is a commune. The same table, checked for a commune, then for a
    district, then for the commune again, gives what each gives with every cache off."""
    from .check_fixtures import DEFAULT_TASKS, make_plan_docx

    tasks = list(DEFAULT_TASKS)
    tasks[6] = ("1", "Rà soát", "Văn phòng HĐND và UBND; Ủy ban nhân dân cấp xã", "", "", "")
    commune = make_plan_docx(tasks=tuple(tasks))
    district = make_plan_docx(tasks=tuple(tasks), issuer=("ỦY BAN NHÂN DÂN", "HUYỆN AN LÃO"))

    def leads(data: bytes) -> list[str]:
        return [f.message for f in check_document(data).findings if "Cơ quan chủ trì" in f.message]

    with cache.disabled():
        alone = {"commune": leads(commune), "district": leads(district)}
    assert len(alone["commune"]) == 1 and alone["district"] == []
    cache.clear()
    for name, data in (("commune", commune), ("district", district), ("commune", commune)):
        assert leads(data) == alone[name], name


def test_a_paragraph_followed_by_another_units_each_time_keeps_one_answer(
        documents: dict[str, bytes]) -> None:
    """A body paragraph's problems are kept with its core by the layout of the paragraph after
    it, not by that paragraph: one followed in every plan by a paragraph naming another unit
    keeps one answer, not one per plan (each holding that plan's paragraphs alive: a country
    build grew by 40 MB per worker)."""
    from kehoach_gen.check import WORDING, DocModel, body, open_package

    shared = "Các phòng báo cáo kết quả."
    cache.clear()
    for n in range(8):
        data = _rezip(documents["tan_an"], {"word/document.xml": (
            _BODY_END, _body_paragraph(shared) + _body_paragraph(f"Đơn vị thứ {n} tổng kết.", 240)
            + _BODY_END)})
        check_document(data)
    doc = DocModel(open_package(data, WORDING))
    memo = doc.kept(next(p for p in doc.paras if p.text == shared))
    assert memo is not None
    assert [k for k in memo if k[0] == body._BODY_PROBLEMS] == [(body._BODY_PROBLEMS, id(
        doc.para_props(next(p for p in doc.paras if p.text.startswith("Đơn vị thứ 7")))))]


def test_what_is_kept_stops_growing_once_the_block_cache_is_full(
        documents: dict[str, bytes], monkeypatch: pytest.MonkeyPatch) -> None:
    """Plans of many units checked in a row keep no more paragraphs alive than the block cache
    holds: once it is full, checking more units adds none. A memo that keeps a paragraph of
    another block (another unit's) keeps that unit's parsed block alive past the cache, and the
    count grows with every unit (ef7cf2a's memo, fixed in 241ccfc: each worker of the country
    build at 206 MB instead of 130)."""
    import gc

    from kehoach_gen.ooxml import document, opc
    from kehoach_gen.ooxml.nodes import Core

    monkeypatch.setattr(opc._BLOCKS, "size", 150)  # a plan's shared blocks, and a few units'
    # rows of tables read before: a few (a row of a table whose block stays cached is not
    # asked for again, and goes first once newer rows fill the cache)
    monkeypatch.setattr(document._ROWS, "size", 10)
    monkeypatch.setattr(document._CELLS, "size", 40)
    cache.clear()

    def alive_after(units: range) -> int:
        for n in units:
            check_document(_rezip(documents["tan_an"],
                                  {"word/document.xml": ("Tân An", f"Tân An {n}")}))
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is Core)

    full = alive_after(range(30))
    assert alive_after(range(30, 70)) <= full + 5


def _moved_tasks() -> tuple[bytes, bytes, str]:
    """A plan whose task table has a lead of the level above, and the same plan with one task
    more ahead of it: every row after it one lower down, with the same bytes."""
    from .check_fixtures import DEFAULT_TASKS, make_plan_docx

    tasks = list(DEFAULT_TASKS)
    tasks[6] = ("1", "Rà soát", "Văn phòng HĐND và UBND; Ủy ban nhân dân cấp xã", "", "", "")
    added = "Phổ biến Kế hoạch tới cán bộ"
    moved = [*tasks[:3], ("1", added, "Văn phòng HĐND và UBND", "", "", ""), *tasks[3:]]
    return make_plan_docx(tasks=tuple(tasks)), make_plan_docx(tasks=tuple(moved)), added


def test_rows_shared_with_a_table_read_before_are_reported_where_they_now_stand(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A task table like one read before (a unit that drops a task, or adds one) takes the rows
    the two share as they were read, and reads only its own: a row found wrong is reported at
    the row it now stands in, and the plan gives what it gives read alone."""
    from kehoach_gen.ooxml import document

    before, moved, _ = _moved_tasks()
    with cache.disabled():
        alone = {"before": _findings(before), "moved": _findings(moved)}

    def leads(found: list[tuple[str, str, str, str]]) -> list[str]:
        return [where for rule, _, where, _ in found if rule == "PLAN-CITY"]

    assert len(leads(alone["before"])) == 1 and "hàng 7," in leads(alone["before"])[0]
    assert len(leads(alone["moved"])) == 1 and "hàng 8," in leads(alone["moved"])[0]
    cache.clear()
    assert _findings(before) == alone["before"]
    read: list[object] = []
    real = document.DocModel._cells

    def counting(self: document.DocModel, tr: Any, *rest: Any) -> Any:
        read.append(tr)
        return real(self, tr, *rest)

    monkeypatch.setattr(document.DocModel, "_cells", counting)
    assert _findings(moved) == alone["moved"]
    tables = [t for t in document.DocModel(_package(moved)).tables if len(t.rows) > 10]
    assert len(tables) == 1 and len(read) == 1, (len(read), [len(t.rows) for t in tables])


def test_what_checks_find_in_a_row_is_kept_with_the_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a check finds in a row's paragraphs (their fonts, here) is kept with the row: a
    table like one read before asks it of its new rows only, not of every cell again."""
    from kehoach_gen.check import text

    before, moved, added = _moved_tasks()
    cache.clear()
    check_document(before)
    asked: list[str] = []
    real = text._run_facts

    def counting(ctx: Any, p: Any) -> Any:
        asked.append(p.text)
        return real(ctx, p)

    monkeypatch.setattr(text, "_run_facts", counting)
    report = check_document(moved)
    rows = [[p.text for _, _, ps in row for p in ps] for t in _tables(moved) for row in t.rows]
    own = next(row for row in rows if added in row)
    others = {text for row in rows if row is not own for text in row if len(text) > 3} - set(own)
    assert added in asked and len(others) > 20
    assert not others & set(asked), sorted(others & set(asked))
    assert [f.message for f in report.findings] == [f.message for f in _alone(moved)]


def _tables(data: bytes) -> list[Any]:
    from kehoach_gen.ooxml import document

    with cache.disabled():
        return [t for t in document.DocModel(_package(data)).tables if len(t.rows) > 10]


def test_a_row_read_for_a_table_like_another_keeps_only_itself_alive() -> None:
    """The new rows of a table like one read before are read in a table of their own: a row
    kept for the next plans keeps alive that table, not the whole table of this plan (which
    the block cache lets go)."""
    from kehoach_gen.ooxml import document
    from kehoach_gen.ooxml.tables import table_rows

    before, moved, added = _moved_tasks()
    cache.clear()
    check_document(before)
    doc = document.DocModel(_package(moved))
    new = next(p for p in doc.paras if p.text == added)
    kept = next(p for p in doc.paras if p.text == "Rà soát")
    table = next(t for t in doc.tables if len(t.rows) > 10)
    assert new.core.tbl is not None and len(list(table_rows(new.core.tbl))) == 1
    assert kept.core.tbl is not table.el  # read with the plan before
    # a table read for the first time is parsed on its own, not with the document's other new
    # blocks: its rows, kept for later tables, keep alive that table only
    for t in document.DocModel(_package(before)).tables:
        body = t.rows[0][0][2][0].core.el.getroottree().getroot()[0]
        assert len(body) == 1 and body[0].tag.endswith("}tbl")
    assert [f.rule for f in check_document(moved).findings] == [f.rule for f in _alone(moved)]


def _package(data: bytes) -> Any:
    from kehoach_gen.check import WORDING, open_package

    return open_package(data, WORDING)


def _alone(data: bytes) -> list[Any]:
    with cache.disabled():
        return check_document(data).findings


@pytest.mark.parametrize(("table", "rows"), [
    ("<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc><w:p/></w:tc></w:tr>\n <w:tr/></w:tbl>", 2),
    ('<w:tbl w:x="1"><w:tr><w:tc><w:tbl><w:tr><w:tc><w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr>'
     "<w:tr><w:trPr/><w:tc><w:p/></w:tc></w:tr></w:tbl>", 2),  # a row's own table stays in it
    ("<w:tbl><w:tblPr/><w:sdt><w:sdtContent><w:tr/></w:sdtContent></w:sdt></w:tbl>", None),
    ("<w:tbl><w:tr/><w:bookmarkStart/><w:tr/></w:tbl>", None),
    ("<w:tbl><w:tr/><w:tblPr/></w:tbl>", None),
    ("<w:tbl><w:tblPr/></w:tbl>", None),
    ("<w:tbl><w:tr/>x<w:tr/></w:tbl>", None),
    ("<w:tbl><w:tr><w:tc></w:tbl>", None),
    ("<w:p><w:r/></w:p>", None),
])
def test_a_table_is_cut_into_rows_only_when_it_is_rows_alone(table: str, rows: int | None) -> None:
    from kehoach_gen.ooxml.opc import cut_rows

    raw = table.encode()
    found = cut_rows(raw)
    if rows is None:
        assert found is None
        return
    assert found is not None
    head, cut = found
    assert len(cut) == rows and all(r.startswith(b"<w:tr") for r in cut)
    assert head + b"".join(cut) + b"</w:tbl>" == raw.replace(b"\n <w:tr", b"<w:tr")


def test_only_the_rows_of_long_tables_are_kept(documents: dict[str, bytes]) -> None:
    """The header table names the unit in each of its rows, and a table of a few rows costs
    little to read: only the rows of tables of ROWS_KEPT rows or more are kept for later
    tables (the header tables' rows kept over the country cost each worker 47 MB)."""
    from kehoach_gen.ooxml import document
    from kehoach_gen.ooxml.tables import table_rows

    tables = [len(t.rows) for t in _all_tables(documents["tan_an"])]
    assert min(tables) < document.ROWS_KEPT <= max(tables)
    cache.clear()
    check_document(documents["tan_an"])
    kept = list(document._ROWS._data.values())
    assert 0 < len(kept) <= sum(n for n in tables if n >= document.ROWS_KEPT)
    for row in kept:
        core = next(c for _, _, cores in row.cells for c in cores)
        assert core.tbl is not None and len(list(table_rows(core.tbl))) >= document.ROWS_KEPT


def _all_tables(data: bytes) -> list[Any]:
    from kehoach_gen.ooxml import document

    with cache.disabled():
        return document.DocModel(_package(data)).tables


def test_a_department_named_its_own_way_changes_only_the_cells_that_name_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit that names a department its own way changes the cell of each row that department
    leads, not the task's text, its outputs or its deadline: those cells are taken as read
    for the plan before, and the plan still gives what it gives read alone."""
    from kehoach_gen.ooxml import document

    from .check_fixtures import DEFAULT_TASKS, make_plan_docx

    own = tuple(tuple(c.replace("Văn phòng HĐND và UBND", "Văn phòng Ủy ban") for c in row)
                for row in DEFAULT_TASKS)
    before, renamed = make_plan_docx(), make_plan_docx(tasks=own)
    changed = sum(1 for row in DEFAULT_TASKS for c in row if "Văn phòng HĐND và UBND" in c)
    rows = sum(1 for a, b in zip(DEFAULT_TASKS, own, strict=True) if a != b)
    assert changed >= 4 and rows >= 4
    with cache.disabled():
        alone = _findings(renamed)
    cache.clear()
    check_document(before)
    read: list[object] = []
    real = document.DocModel._cores_of

    def counting(self: document.DocModel, tc: Any) -> Any:
        read.append(tc)
        return real(self, tc)

    monkeypatch.setattr(document.DocModel, "_cores_of", counting)
    assert _findings(renamed) == alone
    distinct = {c for row in own for c in row if "Văn phòng Ủy ban" in c}  # (cells alike: one read)
    assert 1 <= len(read) <= len(distinct) < changed, (len(read), distinct)


@pytest.mark.parametrize(("row", "cells"), [
    ("<w:tr><w:trPr/><w:tc><w:p/></w:tc>\n<w:tc/></w:tr>", 2),
    ("<w:tr w:rsidR='1'><w:tblPrEx/><w:trPr/><w:tc><w:tbl><w:tr><w:tc/></w:tr></w:tbl></w:tc></w:tr>", 1),
    ("<w:tr><w:tc/><w:trPr/></w:tr>", None),
    ("<w:tr><w:sdt><w:sdtContent><w:tc/></w:sdtContent></w:sdt></w:tr>", None),
    ("<w:tr><w:tc/><w:bookmarkStart/><w:tc/></w:tr>", None),
    ("<w:tr><w:trPr/></w:tr>", None),
])
def test_a_row_is_cut_into_cells_only_when_it_is_cells_alone(row: str, cells: int | None) -> None:
    from kehoach_gen.ooxml.opc import cut_cells

    found = cut_cells(row.encode())
    assert (None if found is None else len(found)) == cells
    if found is not None:
        assert all(c.startswith(b"<w:tc") and c.endswith((b"</w:tc>", b"/>")) for c in found)


def test_a_table_mostly_new_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table most of whose rows no table before had (another level's task table) is read from
    its own block, not parsed a second time for its new rows; its plan gives what it gives
    read alone."""
    from kehoach_gen.ooxml import document

    from .check_fixtures import DEFAULT_TASKS, make_plan_docx

    other = (DEFAULT_TASKS[0], *(tuple(c + " mới" if c else c for c in row) for row in DEFAULT_TASKS[1:]))
    before, mostly_new = make_plan_docx(), make_plan_docx(tasks=other)
    with cache.disabled():
        alone = _findings(mostly_new)
    cache.clear()
    check_document(before)
    parsed: list[int] = []
    real = document.parse_rows

    def counting(block: Any, head: bytes, rows: list[bytes]) -> Any:
        parsed.append(len(rows))
        return real(block, head, rows)

    monkeypatch.setattr(document, "parse_rows", counting)
    assert _findings(mostly_new) == alone
    assert parsed == []


def _table_block(data: bytes) -> Any:
    """The cached block of the plan's task table (the longest table)."""
    from kehoach_gen.ooxml import opc

    package = _package(data)
    xml = package.blob(package.main)
    head, blocks = opc.split_body(xml)
    raw = max((b for b in blocks if b.startswith(b"<w:tbl")), key=len)
    return opc._BLOCKS.get(raw)


def test_a_table_like_one_read_before_is_never_parsed_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table like one read before is read from its rows: its new rows alone are parsed, its
    tags counted row by row (the same counts as the table parsed whole), and the table itself
    is parsed only if a reader asks for it whole, as a document with a text box does."""
    from kehoach_gen.ooxml import opc
    from kehoach_gen.ooxml.blocks import count_of
    from kehoach_gen.ooxml.element import count

    before, moved, _ = _moved_tasks()
    cache.clear()
    check_document(before)
    parsed: list[int] = []
    real = opc.parse_oxml

    def counting(blob: bytes) -> Any:
        parsed.append(len(blob))
        return real(blob)

    monkeypatch.setattr(opc, "parse_oxml", counting)
    found = _findings(moved)
    block = _table_block(moved)
    assert block is not None and block._el is None  # (read from its rows: never parsed whole)
    assert max(parsed) < len(block.raw), (parsed, len(block.raw))
    monkeypatch.setattr(opc, "parse_oxml", real)
    counted = {t: count_of(block, t) for t in opc.COUNTED}
    whole = block.el  # parsed now, on demand
    assert whole.tag.endswith("}tbl")
    assert counted == {t: count(whole, t) for t in opc.COUNTED}
    with cache.disabled():
        assert found == _findings(moved)


def test_a_table_read_from_its_rows_is_read_whole_in_a_document_with_a_text_box() -> None:
    """A document with a text box reads every paragraph as its own (no table placed as
    before): the same table bytes, left unparsed for a plan before, are parsed whole for it,
    and it gives what it gives read alone."""
    before, moved, _ = _moved_tasks()
    boxed = _rezip(moved, {"word/document.xml": (
        "<w:body>", '<w:body><w:p><w:r><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml">'
        "<v:textbox><w:txbxContent><w:p><w:r><w:t>Hộp</w:t></w:r></w:p></w:txbxContent>"
        "</v:textbox></v:shape></w:pict></w:r></w:p>")})
    with cache.disabled():
        alone = _findings(boxed)
    cache.clear()
    check_document(before)
    check_document(moved)  # the task table is now a block read from its rows
    block = _table_block(moved)
    assert block is not None and block._el is None
    assert _findings(boxed) == alone
    assert block._el is not None  # (parsed whole for the document with a text box)


def test_a_table_parsed_whole_but_like_one_read_before_keeps_its_new_rows_apart() -> None:
    """When the table is parsed whole (opc no longer knows its rows parse: another document's
    start tags, or forgotten) yet the reader still keeps most of its rows, the few new ones
    are read in a table of their own all the same: kept for later tables, they keep alive
    that table only."""
    from kehoach_gen.ooxml import document, opc
    from kehoach_gen.ooxml.tables import table_rows

    before, moved, added = _moved_tasks()
    cache.clear()
    check_document(before)
    opc._GOOD_ROWS.clear()
    assert _findings(moved) == _alone_findings(moved)
    block = _table_block(moved)
    assert block is not None and block._el is not None  # (parsed whole this time)
    doc = document.DocModel(_package(moved))
    new = next(p for p in doc.paras if p.text == added)
    assert new.core.tbl is not None and len(list(table_rows(new.core.tbl))) == 1


def _alone_findings(data: bytes) -> list[tuple[str, str, str, str]]:
    with cache.disabled():
        return _findings(data)


def _late_change() -> tuple[bytes, bytes, bytes]:
    """A plan; the same plan with its last task reworded (a new table block whose other rows
    stand where they stood); and that plan with one paragraph more ahead of the table (the same
    rows, one paragraph further down)."""
    from .check_fixtures import DEFAULT_TASKS, make_plan_docx

    tasks = list(DEFAULT_TASKS)
    first = make_plan_docx(tasks=tuple(tasks))
    tasks[-1] = (*tasks[-1][:1], "Xử lý vi phạm hành chính trên địa bàn", *tasks[-1][2:])
    late = make_plan_docx(tasks=tuple(tasks))
    return first, late, _rezip(late, {"word/document.xml": ("<w:body>", "<w:body><w:p/>")})


def _placed_right(doc: Any) -> None:
    """Every paragraph of ``doc`` is where it says it is: its index, its sibling group, its table
    row and column."""
    for k, p in enumerate(doc.paras):
        assert p.i == k and p in doc.groups[p.group], (k, p.where)
    for t, table in enumerate(doc.tables):
        for r, row in enumerate(table.rows):
            for c, (_, _, cell) in enumerate(row):
                assert all((p.table, p.row, p.col) == (t, r, c) and p.where.startswith(f"bảng {t + 1}, ")
                           for p in cell), (t, r, c)


def test_a_row_standing_where_it_stood_gets_the_paragraphs_made_for_it_then() -> None:
    """A new task table made of rows read before (a unit that rewords or drops a task) gives
    each row standing at the same place as in a document before (same table, section, row,
    first paragraph, sibling group, style sheet) the paragraphs made for it then; a row one
    paragraph further down gets its own. Either way every paragraph is where it says, and the
    plan gives what it gives read alone."""
    from kehoach_gen.ooxml import document

    first, late, lower = _late_change()
    cache.clear()
    before = document.DocModel(_package(first))
    again = document.DocModel(_package(late))
    big = [n for n, t in enumerate(again.tables) if len(t.rows) >= document.ROWS_KEPT]
    assert len(big) == 1
    old, new = before.tables[big[0]].rows, again.tables[big[0]].rows
    assert len(old) == len(new)
    assert all(new[r] is old[r] for r in range(len(new) - 1)) and new[-1] is not old[-1]
    moved = document.DocModel(_package(lower))
    assert not any(row is o for row, o in zip(moved.tables[big[0]].rows, old, strict=True))
    for doc in (before, again, moved):
        _placed_right(doc)
    arial = _rezip(late, {"word/styles.xml": ("Times New Roman", "Arial")})  # the same rows, another sheet
    assert any(f.rule == "ND30-FONT" for f in _alone(arial))
    for data in (late, lower, arial):
        assert _findings(data) == [(f.rule, f.severity, f.where, f.message) for f in _alone(data)]
