"""Importing the city's appendix table from .docx (kehoach_gen.importer).

The city document is built from seed 002 by tests/make_city_docx.py, rows split by page
breaks and the footnote as a real Word footnote, exactly as the city sends it; expectations
come from the seed text itself, rejoined independently of the importer.
"""

from __future__ import annotations

import copy
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from kehoach_gen.errors import InputError
from kehoach_gen.importer import (
    AGENCY_ALIASES,
    AgencyTable,
    ImportResult,
    agency_key,
    import_appendix,
)
from kehoach_gen.loading import load_yaml_text
from kehoach_gen.model import Appendix, Assignment, CityTemplate, Role, Task
from kehoach_gen.validate import load_city

from . import make_city_docx as mk
from .conftest import REPO

ROLES_MD = REPO / "docs" / "roles.md"
CITY_TEMPLATE = REPO / "city_template.yaml"
COUNT = re.compile(r"\s*\((\d+) nhiệm vụ\)$")

# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def seed() -> mk.Seed:
    return mk.parse_seed()


@pytest.fixture(scope="module")
def city_docx(seed: mk.Seed, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return mk.build_docx(seed.appendix(), tmp_path_factory.mktemp("city") / "ke_hoach_159.docx")


@pytest.fixture(scope="module")
def imported(city_docx: Path) -> ImportResult:
    return import_appendix(city_docx)


def tasks(result: ImportResult) -> dict[str, Task]:
    return {t.id: t for _, _, t in result.appendix.all_tasks()}


def a(*items: str | dict[str, str]) -> list[Assignment]:
    return [Assignment.model_validate(i) for i in items]


def strip_end(text: str) -> str:
    text = text.strip().rstrip(";,").rstrip()
    ellipsis_and_stop = text.endswith("....")
    return text[:-1].rstrip() if ellipsis_and_stop or not text.endswith("..") and text.endswith(
        ".") else text


def expected_items(raw: str) -> list[str]:
    """A seed cell as list items: one per "- …", "+ …" lines kept under their item."""
    items: list[str] = []
    for piece in mk.split_bullets(raw):
        if piece.startswith("+") and items:
            items[-1] += "\n" + piece
        else:
            items.append(re.sub(r"^-\s*", "", piece))
    return [strip_end(i) for i in items]


def labelled(result: ImportResult) -> list[tuple[str, str, Any]]:
    """(city's label, text or title, task-or-None) for every row, in table order."""
    out: list[tuple[str, str, Any]] = []

    def label(task_id: str) -> str:
        return re.sub(r"^[A-ZĐ]-?0*", "", task_id)

    for g in result.appendix.groups:
        out.append((g.id, g.title, None))
        out += [(label(t.id), t.text, t) for t in g.tasks]
        for s in g.sections:
            if s.task is not None:
                out.append((label(s.task.id), s.task.text, s.task))
            else:
                out.append((label(s.id), s.title or "", None))
                out += [(label(t.id), t.text, t) for t in s.tasks]
    return out


_WRITTEN: dict[int, tuple[ImportResult, str, dict[str, Any]]] = {}


def written(result: ImportResult) -> str:
    """``result.to_yaml()``, written once per result: the module's import (``imported``) is
    shared by its tests, which only read it, and several start from its YAML (0.1 s each)."""
    return _written(result)[1]


def written_data(result: ImportResult) -> dict[str, Any]:
    """``load_yaml_text(result.to_yaml()).data``, parsed once per result; a deep copy for each
    caller to change."""
    return copy.deepcopy(_written(result)[2])


def _written(result: ImportResult) -> tuple[ImportResult, str, dict[str, Any]]:
    entry = _WRITTEN.get(id(result))
    if entry is None or entry[0] is not result:
        text = result.to_yaml()
        entry = _WRITTEN[id(result)] = (result, text, load_yaml_text(text).data)
    return entry


def template(result: ImportResult, **replaced: Any) -> CityTemplate:
    """A complete city template around an import's YAML, as a person finishes it; ``replaced``
    top-level parts (``roles``, ``appendix``) as a reviewer edited them."""
    data = written_data(result)
    data.pop("body_source", None)
    data["plan"] = {"issuer": "Ủy ban nhân dân thành phố Hải Phòng", "issuer_short": "UBND TP",
                    "province": "Hải Phòng", "number": "159/KH-UBND", "date": "2026-05-02",
                    "name": "Kế hoạch triển khai Đề án"}
    data["body"] = {"trich_yeu": "Triển khai Đề án", "can_cu": ["Căn cứ …"],
                    "sections": [{"heading": "Nhiệm vụ", "content": [{"tasks": True}]}],
                    "closing": "Trên đây là Kế hoạch …/."}
    data.update(replaced)
    return CityTemplate.model_validate(data)


def find(rows: list[mk.Row], tt: str) -> mk.Row:
    return next(r for r in rows if r.tt == tt)


def small(rows: list[mk.Row], **kw: Any) -> mk.CityAppendix:
    return mk.CityAppendix(rows=[mk.Row("A", [["NHIỆM VỤ CHUNG"], [], [], [], []], span=True),
                                 *rows], **kw)


def task_row(tt: str, text: str, lead: list[str], coop: list[str] | None = None,
             outputs: list[str] | None = None, deadline: list[str] | None = None) -> mk.Row:
    return mk.Row(tt, [[text] if text else [], lead, coop or [], outputs or ["Báo cáo"],
                       deadline or ["Hằng năm"]])


# --------------------------------------------------------------------------- structure


def test_groups_and_sections_with_their_numbers_titles_and_counts(imported: ImportResult,
                                                                    seed: mk.Seed) -> None:
    groups = imported.appendix.groups
    assert [g.id for g in groups] == ["A", "B"]
    assert [g.title for g in groups] == ["NHIỆM VỤ CHUNG", "NHIỆM VỤ CỤ THỂ"]
    assert [t.id for t in groups[0].tasks] == ["A1", "A2", "A3", "A4", "A5"]
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert [s.id for s in groups[1].sections] == [f"B-{r}" for r in romans]
    stated = {r.tt: COUNT.search(r.cells[0]) for r in seed.logical_rows() if mk.is_section(r.tt)}
    for s, roman in zip(groups[1].sections[1:], romans[1:], strict=True):
        count = stated[roman]
        assert s.show_count is (count is not None), roman
        assert s.title and not COUNT.search(s.title)
    assert [len(s.tasks) for s in groups[1].sections] == [0, 5, 6, 11, 5, 6, 6, 4, 4, 2, 3]
    assert groups[1].sections[10].title == "Tổ chức sơ kết, tổng kết việc thực hiện Đề án"
    viii = groups[1].sections[7].title or ""
    assert viii.endswith("đáp ứng yêu cầu nhiệm vụ trong tình hình mới")


def test_section_one_is_a_task_led_by_so_tu_phap(imported: ImportResult) -> None:
    first = imported.appendix.groups[1].sections[0]
    assert first.title is None and first.task is not None and not first.tasks
    assert first.task.id == "B-I"
    assert first.task.text.startswith("Ban hành Bộ tiêu chí “Thành phố thượng tôn")
    assert first.task.lead == a("tu_phap")
    assert first.task.coop == a("so_nganh", "lien_quan", "ubnd_cap_xa")
    assert first.task.outputs == ["Quyết định ban hành Bộ tiêu chí"]
    assert first.task.deadline == ["Trong quý II năm 2026"]


def test_task_ids_follow_the_city_numbering(imported: ImportResult) -> None:
    ids = [t.id for _, _, t in imported.appendix.all_tasks()]
    assert ids == ([f"A{n}" for n in range(1, 6)] + ["B-I"]
                   + [f"B{n:02d}" for n in range(1, 53)])


def test_every_row_matches_the_seed_rejoined(imported: ImportResult, seed: mk.Seed) -> None:
    expected = []
    for row in seed.logical_rows():
        text = COUNT.sub("", row.cells[0]).replace("[^1]", "[^fn1]")
        expected.append((row.tt, text))
    assert [(lbl, text) for lbl, text, _ in labelled(imported)] == expected


def test_outputs_and_deadlines_are_lists_as_in_the_seed(imported: ImportResult,
                                                        seed: mk.Seed) -> None:
    rows = [r for r in seed.logical_rows() if r.tt.isdigit() or r.tt == "I"]
    got = [t for _, _, t in labelled(imported) if t is not None]
    assert len(rows) == len(got) == 58
    for row, task in zip(rows, got, strict=True):
        assert task.outputs == expected_items(row.cells[3]), task.id
        assert task.deadline == expected_items(row.cells[4]), task.id


def test_rows_split_by_a_page_break_are_merged(imported: ImportResult) -> None:
    t = tasks(imported)
    assert t["B13"].text == "Ban hành Kế hoạch và tổ chức triển khai thực hiện công tác PBGDPL"
    assert t["B13"].lead == a(
        {"text": "Sở Tư pháp tham mưu xây dựng Kế hoạch của Ủy ban nhân dân thành phố"},
        {"text": "Sở, ban, ngành thành phố, Ủy ban nhân dân cấp xã xây dựng Kế hoạch của cơ quan, "
                 "đơn vị, địa phương"},
    )
    assert t["B13"].deadline == ["Quý I, hàng năm"]
    assert t["B34"].text == (
        "Tăng cường hiệu quả hoạt động của cơ quan thanh tra trong quản lý nhà nước; tăng cường "
        "thanh tra đột xuất trên địa bàn, lĩnh vực phức tạp, vi phạm pháp luật cao, có nhiều phản "
        "ánh, kiến nghị, đơn thư khiếu nại nhằm phát hiện hạn chế, bất cập trong cơ chế quản lý, "
        "chính sách, pháp luật để kiến nghị với cơ quan nhà nước có thẩm quyền có giải pháp, biện "
        "pháp khắc phục; phòng ngừa, phát hiện và xử lý hành vi vi phạm pháp luật, bảo vệ lợi ích "
        "của Nhà nước, quyền và lợi ích hợp pháp của cơ quan, tổ chức, cá nhân"
    )
    assert t["B34"].lead == a("thanh_tra")
    assert t["B10"].text.endswith("phối hợp xử lý triệt để, đúng quy định, nhất là đối với văn bản "
                                  "có quy định trái pháp luật, gây trở ngại đến quyền, lợi ích hợp "
                                  "pháp, chính đáng của người dân, tổ chức, môi trường sản xuất, "
                                  "kinh doanh.")
    assert t["B10"].lead == a({"text": "Các Sở, ngành tham mưu ban hành văn bản phải xử lý"},
                              "ubnd_cap_xa")
    assert t["B23"].text == (
        "Xây dựng Kế hoạch và tổ chức triển khai thực hiện có hiệu quả Chương trình hành động "
        "quốc gia của Việt Nam về đăng ký và thống kê hộ tịch giai đoạn 2026-2030 theo Quyết định "
        "số 2836/QĐ-TTg ngày 31/12/2025 của Thủ tướng Chính phủ"
    )
    assert t["B23"].deadline == ["Ban hành Kế hoạch năm 2026", "Tổ chức thực hiện: 2026-2030"]
    assert t["B07"].deadline[1] == ("Kế hoạch của Sở, ban, ngành, Ủy ban nhân dân cấp xã ban "
                                    "hành trong thời hạn 15 ngày kể từ ngày ban hành kế hoạch của "
                                    "UBND TP")
    assert t["B16"].coop == a("noi_vu", "to_chuc_lien_quan")
    merged = [w.message for w in imported.warnings if "được ghép từ 2 hàng" in w.message]
    assert any(m.startswith("nhiệm vụ 13 ") for m in merged)
    assert any(m.startswith("mục VIII ") for m in merged)
    assert len(merged) == 12


def test_sub_bullets_stay_under_their_item(imported: ImportResult) -> None:
    assert tasks(imported)["B07"].outputs == [
        "Kế hoạch",
        "Các hoạt động tổ chức thi hành pháp luật:\n+ Hướng dẫn áp dụng pháp luật;\n"
        "+ Tập huấn, bồi dưỡng nghiệp vụ;\n+ Thanh tra, kiểm tra;\n+ Điều tra khảo sát;\n"
        "+ Sơ kết, tổng kết...",
    ]


def test_leads_and_cooperators_map_to_role_keys(imported: ImportResult) -> None:
    t = tasks(imported)
    assert t["B44"].lead == a("khcn")
    assert t["B32"].lead == a("cong_an", "toa_an", {
        "role": "tu_phap", "note": "Trung tâm trợ giúp pháp lý Nhà nước thành phố"})
    assert t["B28"].lead == a({"role": "tu_phap",
                               "note": "Trung tâm Trợ giúp pháp lý Nhà nước thành phố"})
    assert t["A1"].lead == a("so_nganh", "ubnd_cap_xa")
    assert t["A2"].coop == a("noi_vu", "lien_quan")
    assert t["B06"].lead == a("so_nganh", "ubnd_cap_xa")
    assert t["B03"].coop == a("tu_phap", "van_phong_cap_xa")
    assert t["B08"].coop == a("ca_nhan_lien_quan")
    assert t["B14"].lead == a("so_nganh_doan_the", "ubnd_cap_xa")
    assert t["B15"].coop == a("bao_chi", "vtv", "lien_quan")
    assert t["B21"].lead == a("giao_duc")
    assert t["B22"].lead == a("doan_luat_su", "luat_gia")  # "Đoàn luật sư, Hội Luật gia thành phố"
    assert t["B27"].lead == a("ho_tich")
    assert t["B31"].coop == a("doan_luat_su", "luat_gia", "mttq")
    assert t["B35"].lead == a("cong_an", "toa_an", "vien_kiem_sat", "thi_hanh_an",
                              {"text": "Sở Tư pháp theo chức năng nhiệm vụ quản lý ngành"})
    assert t["B42"].lead == a("thanh_tra", "thi_hanh_an", "to_tung")
    assert t["B47"].lead == a("toa_an", "vien_kiem_sat", "cong_an", "thi_hanh_an")
    assert t["B49"].lead == a("so_nganh", "ubnd_cap_xa")
    assert t["B50"].lead == a("tu_phap", "ubnd_15_thi_diem")


def test_unknown_agencies_are_kept_as_text_and_listed(imported: ImportResult) -> None:
    assert imported.unknown_agencies == [
        "Sở Tư pháp tham mưu Kế hoạch của Ủy ban nhân dân thành phố",
        "Các Sở, ban, ngành thành phố, Ủy ban nhân dân cấp xã: ban hành kế hoạch và tổ chức thực "
        "hiện tại cơ quan, đơn vị, địa phương",
        "Các Sở, ngành tham mưu ban hành văn bản phải xử lý",
        "Sở Tư pháp tham mưu xây dựng Kế hoạch của Ủy ban nhân dân thành phố",
        "Sở, ban, ngành thành phố, Ủy ban nhân dân cấp xã xây dựng Kế hoạch của cơ quan, đơn vị, "
        "địa phương",
        "Sở Tư pháp theo chức năng nhiệm vụ quản lý ngành",
    ]
    text = written(imported)
    assert "# - 6 cơ quan chưa có mã vai trò" in text
    assert "#     Sở Tư pháp theo chức năng nhiệm vụ quản lý ngành" in text


def test_stated_count_that_disagrees_with_the_rows_is_a_warning(imported: ImportResult) -> None:
    counts = [w for w in imported.warnings if "nhiệm vụ) nhưng bảng có" in w.message]
    assert [w.message for w in counts] == ["mục IX ghi (03 nhiệm vụ) nhưng bảng có 4 nhiệm vụ"]
    assert counts[0].warning and counts[0].key == "appendix.groups[1].sections[8].title"
    assert counts[0].file is not None and counts[0].file.endswith("ke_hoach_159.docx")


def test_word_footnote_becomes_a_marker_and_a_note(imported: ImportResult, seed: mk.Seed) -> None:
    assert imported.appendix.footnotes == {"fn1": "\n".join(seed.footnotes[1])}
    assert imported.appendix.footnotes["fn1"].startswith("Mô hình ba tốt: Nội dung tốt")
    assert "mô hình “ba tốt”, “năm tốt”[^fn1] trong thượng tôn" in tasks(imported)["B17"].text
    assert sum("[^" in t.text for _, _, t in imported.appendix.all_tasks()) == 1


def test_heading_title_and_columns(imported: ImportResult) -> None:
    assert imported.appendix.heading == "PHỤ LỤC"
    assert imported.appendix.title == "PHÂN CÔNG NHIỆM VỤ"
    assert imported.appendix.columns == mk.COLUMNS


# --------------------------------------------------------------------------- YAML


def test_yaml_round_trips_and_lists_every_role(imported: ImportResult) -> None:
    text = imported.to_yaml()
    head = text.split("\nroles:", 1)[0].splitlines()
    assert all(line.startswith("#") for line in head)
    assert any("ke_hoach_159.docx" in line for line in head)
    assert any("Tệp chỉ có phụ lục" in line for line in head)
    loaded = load_yaml_text(text).data
    assert set(loaded) == {"roles", "appendix"}
    assert Appendix.model_validate(loaded["appendix"]) == imported.appendix
    roles = {k: Role.model_validate(v) for k, v in loaded["roles"].items()}
    used = {x.role for _, _, t in imported.appendix.all_tasks() for x in [*t.lead, *t.coop]
            if x.role}
    assert set(roles) == used
    assert roles["tu_phap"].city == "Sở Tư pháp"
    assert roles["khcn"].city == "Sở Khoa học và Công nghệ"
    assert "lead:\n                - cong_an\n" in text  # a role is a bare key


def test_body_before_the_appendix_is_kept_raw(seed: mk.Seed, tmp_path: Path) -> None:
    path = mk.build_docx(seed.appendix(), tmp_path / "plan.docx", body=mk.BODY)
    result = import_appendix(path)
    assert result.body_paragraphs == mk.BODY
    assert len(result.appendix.all_tasks()) == 58
    text = result.to_yaml()
    loaded = load_yaml_text(text).data
    assert loaded["body_source"] == mk.BODY
    assert "soạn từ 5 đoạn thân kế hoạch ở 'body_source'" in text


def test_the_builder_script_writes_an_importable_document(tmp_path: Path) -> None:
    out = tmp_path / "seed.docx"
    assert mk.main([str(out), "--body"]) == 0
    assert import_appendix(out.read_bytes()).body_paragraphs == mk.BODY


# --------------------------------------------------------------------------- re-import


def revise(app: mk.CityAppendix) -> mk.CityAppendix:
    """The city's revised table: 21's deadline changed, 24 reworded, a task inserted after 15
    in section IV, 38 removed, tasks renumbered and section counts updated."""
    app = copy.deepcopy(app)
    rows = app.rows
    find(rows, "21").cells[4] = ["Quý III hằng năm"]
    find(rows, "24").cells[0] = [
        "Tăng cường tuyên truyền, phổ biến, nâng cao nhận thức của người dân, doanh nghiệp, cơ "
        "quan, tổ chức về quyền, nghĩa vụ đăng ký hộ tịch"]
    rows.insert(rows.index(find(rows, "15")) + 1, task_row(
        "16", "Tổ chức cuộc thi trực tuyến tìm hiểu pháp luật cho học sinh, sinh viên",
        ["Sở Giáo dục và Đào tạo"], ["- Sở Tư pháp;", "- Các cơ quan, đơn vị liên quan."],
        ["Cuộc thi trực tuyến"], ["Quý III hằng năm"]))
    rows.remove(find(rows, "38"))
    for tt, old, new in (("IV", "(11 nhiệm vụ)", "(12 nhiệm vụ)"),
                         ("VII", "(06 nhiệm vụ)", "(05 nhiệm vụ)")):
        find(rows, tt).cells[0] = [find(rows, tt).cells[0][0].replace(old, new)]
    app.renumber()
    return app


@pytest.fixture(scope="module")
def reimport(seed: mk.Seed, imported: ImportResult, tmp_path_factory: pytest.TempPathFactory
             ) -> tuple[CityTemplate, ImportResult]:
    previous = template(imported)
    path = mk.build_docx(revise(seed.appendix()), tmp_path_factory.mktemp("rev") / "rev.docx")
    return previous, import_appendix(path, previous=previous)


def test_reimport_keeps_ids_of_unchanged_and_revised_tasks(
        imported: ImportResult, reimport: tuple[CityTemplate, ImportResult]) -> None:
    _, again = reimport
    old, new = tasks(imported), tasks(again)
    assert set(old) - set(new) == {"B38"}
    assert set(new) - set(old) == {"B15a"}
    for tid in set(old) - {"B38", "B21", "B24"}:
        assert new[tid] == old[tid], tid
    assert new["B21"].deadline == ["Quý III hằng năm"] and new["B21"].text == old["B21"].text
    assert new["B24"].text.startswith("Tăng cường tuyên truyền")
    assert new["B24"].lead == old["B24"].lead
    assert new["B15a"].text.startswith("Tổ chức cuộc thi trực tuyến")
    order = [t.id for t in again.appendix.groups[1].sections[3].tasks]
    assert order[:5] == ["B12", "B13", "B14", "B15", "B15a"] and len(order) == 12
    assert again.new_task_ids == ["B15a"] and again.removed_task_ids == ["B38"]
    messages = [w.message for w in again.warnings]
    assert "nhiệm vụ B21 đã sửa so với mẫu cũ: tiến độ" in messages
    assert "nhiệm vụ B24 đã sửa so với mẫu cũ: nội dung" in messages
    assert "nhiệm vụ B38 của mẫu cũ không còn trong bảng mới (đã bỏ)" in messages
    assert [m for m in messages if "nhiệm vụ) nhưng" in m] == [
        "mục IX ghi (03 nhiệm vụ) nhưng bảng có 4 nhiệm vụ"]
    assert [s.id for s in again.appendix.groups[1].sections] == [
        s.id for s in imported.appendix.groups[1].sections]


def test_reimport_of_a_revised_task_worded_for_any_level_asks_to_review_that_wording(
        seed: mk.Seed, imported: ImportResult, tmp_path: Path) -> None:
    """Levels are data: a template of districts (quận, huyện) carries a reviewer's wording for
    'quan' across a re-import, and a city revision of that task asks to review it, as for xã."""
    data = written_data(imported)
    b24 = next(t for g in data["appendix"]["groups"] for s in g.get("sections", [])
               for t in s.get("tasks", []) if t["id"] == "B24")
    b24["quan"] = {"text": "Tuyên truyền trên địa bàn {{ cap }}"}
    levels = {"quan": {"name": "quận"}, "huyen": {"name": "huyện"}}
    style = {"numbering": ["1.", "1.1.", "a)", "-", "+"], "date_format": "d/m/yyyy"}
    previous = template(imported, appendix=data["appendix"], levels=levels, style=style)
    path = mk.build_docx(revise(seed.appendix()), tmp_path / "rev.docx")
    again = import_appendix(path, previous=previous)
    assert tasks(again)["B24"].by_level["quan"].text == "Tuyên truyền trên địa bàn {{ cap }}"
    revised = [w for w in again.warnings if w.message == "nhiệm vụ B24 đã sửa so với mẫu cũ: nội dung"]
    assert [w.hint for w in revised] == ["Xem lại cách diễn đạt riêng cho cấp xã (unit và khóa của từng cấp)"]
    unworded = [w for w in again.warnings if w.message == "nhiệm vụ B21 đã sửa so với mẫu cũ: tiến độ"]
    assert [w.hint for w in unworded] == [""]
    full = CityTemplate.model_validate(load_yaml_text(again.to_yaml()).data)
    assert full.levels.keys() == levels.keys() and full.appendix == again.appendix
    assert full.style == previous.style and full.body == previous.body  # nothing else is lost


def test_reimport_writes_a_complete_template(reimport: tuple[CityTemplate, ImportResult]) -> None:
    previous, again = reimport
    text = again.to_yaml()
    full = CityTemplate.model_validate(load_yaml_text(text).data)
    assert full.appendix == again.appendix
    assert full.plan == previous.plan and full.body == previous.body
    assert set(previous.roles) <= set(full.roles)


def test_reimport_of_the_same_table_changes_nothing(imported: ImportResult, city_docx: Path
                                                    ) -> None:
    again = import_appendix(city_docx, previous=template(imported))
    assert again.appendix == imported.appendix
    assert not again.new_task_ids and not again.removed_task_ids
    assert not [w for w in again.warnings if "mẫu cũ" in w.message]


def test_reimport_carries_reviewed_wording_and_template_aliases(
        imported: ImportResult, city_docx: Path) -> None:
    data = written_data(imported)
    groups = data["appendix"]["groups"]
    b13 = groups[1]["sections"][3]["tasks"][1]
    assert b13["id"] == "B13"
    b13["xa"] = {"text": "Ban hành Kế hoạch PBGDPL của {{ don_vi }}"}
    b13["lead"][0] = "stp_tham_muu"
    b02 = groups[1]["sections"][1]["tasks"][1]
    assert b02["id"] == "B02"
    b02["text"] = b02["text"].replace("trên địa bàn thành phố", "trên địa bàn {{ cap }}")
    roles = dict(data["roles"], stp_tham_muu={
        "city": "Sở Tư pháp tham mưu xây dựng Kế hoạch của Ủy ban nhân dân thành phố",
        "unit": "Văn phòng HĐND và UBND"})
    previous = template(imported, appendix=data["appendix"], roles=roles)
    again = import_appendix(city_docx, previous=previous)
    b13_new = tasks(again)["B13"]
    assert b13_new.xa is not None and b13_new.xa.text == "Ban hành Kế hoạch PBGDPL của {{ don_vi }}"
    assert b13_new.lead[0] == Assignment(role="stp_tham_muu")
    assert "Sở Tư pháp tham mưu xây dựng Kế hoạch của Ủy ban nhân dân thành phố" not in (
        again.unknown_agencies)
    b02_new = tasks(again)["B02"]  # the person's wording for units is kept as 'unit.text'
    assert b02_new.text == tasks(imported)["B02"].text
    assert b02_new.unit is not None and b02_new.unit.text == b02["text"]
    assert "nhiệm vụ B02: 'text' cũ có chỗ điền, đã chuyển sang 'unit.text'; 'text' lấy theo " \
        "bảng mới" in [w.message for w in again.warnings]


# --------------------------------------------------------------------------- other tables


def test_reordered_and_renamed_headers_are_understood(seed: mk.Seed, imported: ImportResult,
                                                      tmp_path: Path) -> None:
    app = seed.appendix()
    app.columns = ["STT", "Nội dung nhiệm vụ", "Đơn vị chủ trì", "Cơ quan phối hợp",
                   "Sản phẩm đầu ra", "Thời gian hoàn thành"]
    path = mk.build_docx(app, tmp_path / "reordered.docx", order=[0, 1, 5, 2, 4, 3])
    result = import_appendix(path)
    assert result.appendix.groups == imported.appendix.groups
    assert result.appendix.columns == app.columns


def test_inline_bullets_case_and_tone_marks(tmp_path: Path) -> None:
    app = small([
        task_row("1", "Nhiệm vụ thứ nhất", ["- Sở Tư pháp; - Uỷ ban nhân dân cấp xã."],
                 ["Toà án nhân dân thành phố; CÔNG AN  THÀNH PHỐ."],
                 ["- Kế hoạch; - Báo cáo kết quả."], ["- Quý IV;- Hằng năm."]),
        task_row("2", "Nhiệm vụ thứ hai", ["UBND các xã, phường, đặc khu"],
                 ["Sở Nội vụ và các cơ quan, đơn vị có liên quan"]),
    ])
    result = import_appendix(mk.build_docx(app, tmp_path / "small.docx"))
    t = tasks(result)
    assert t["A1"].lead == a("tu_phap", "ubnd_cap_xa")
    assert t["A1"].coop == a("toa_an", "cong_an")
    assert t["A1"].outputs == ["Kế hoạch", "Báo cáo kết quả"]
    assert t["A1"].deadline == ["Quý IV", "Hằng năm"]
    assert t["A2"].lead == a("ubnd_cap_xa")
    assert t["A2"].coop == a("noi_vu", "lien_quan")
    assert not result.unknown_agencies


def test_numbering_gaps_and_unnumbered_rows_are_warned(tmp_path: Path) -> None:
    app = small([
        task_row("1", "Nhiệm vụ một.", ["Sở Tư pháp"]),
        task_row("", "Một nhiệm vụ không có số.", ["Sở Nội vụ"]),
        task_row("3", "Nhiệm vụ ba", ["Sở Tư pháp"]),
    ])
    result = import_appendix(mk.build_docx(app, tmp_path / "gaps.docx"))
    messages = [w.message for w in result.warnings]
    assert any("không có số thứ tự; đã ghép vào hàng 1" in m for m in messages)
    assert any("số thứ tự 3 đứng sau 1 (mong đợi 2)" in m for m in messages)
    assert [t.id for _, _, t in result.appendix.all_tasks()] == ["A1", "A3"]


def test_vertically_merged_number_cell_joins_the_two_halves(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("PHỤ LỤC")
    table = doc.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Tiến độ"],
                          strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "Tổ chức tuyên truyền về", "Sở Tư pháp",
                                                "Hằng năm"], strict=True):
        cell.text = text
    table.rows[2].cells[1].text = "pháp luật cho Nhân dân"
    table.cell(1, 0).merge(table.cell(2, 0))
    for cell, text in zip(table.rows[3].cells, ["2", "Nhiệm vụ khác", "Sở Nội vụ", "Quý I"],
                          strict=True):
        cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    result = import_appendix(buf.getvalue())
    group = result.appendix.groups[0]
    assert group.title == "" and [t.text for t in group.tasks] == [
        "Tổ chức tuyên truyền về pháp luật cho Nhân dân", "Nhiệm vụ khác"]
    assert result.appendix.columns[4:] == ["Sản phẩm đầu ra", "Tiến độ"]
    assert any("không có cột 'Cơ quan phối hợp'" in w.message for w in result.warnings)


def test_two_row_header_whole_row_group_title_and_column_numbers() -> None:
    doc = Document()
    doc.add_paragraph("Phụ lục I")
    doc.add_paragraph("PHÂN CÔNG NHIỆM VỤ")
    table = doc.add_table(rows=6, cols=5)
    top, sub = table.rows[0].cells, table.rows[1].cells
    top[0].text, top[1].text, top[2].text, top[4].text = (
        "STT", "Nội dung công việc", "Cơ quan thực hiện", "Thời hạn")
    top[2].merge(top[3])
    sub[2].text, sub[3].text = "Chủ trì", "Phối hợp"
    for c in (0, 1, 4):
        table.cell(0, c).merge(table.cell(1, c))
    cells = table.rows[2].cells
    cells[0].merge(cells[4]).text = "A. NHIỆM VỤ CHUNG"
    rows = [["1", "Tuyên truyền", "Sở Tư pháp", "UBND cấp xã", "Quý I"],
            ["(1)", "(2)", "(3)", "(4)", "(5)"],
            ["2", "Kiểm tra", "Sở Nội vụ", "", "Quý II"]]
    for r, values in enumerate(rows, start=3):
        for cell, text in zip(table.rows[r].cells, values, strict=True):
            cell.text = text
    buf = io.BytesIO()
    doc.save(buf)
    result = import_appendix(buf.getvalue())
    assert (result.appendix.heading, result.appendix.title) == ("Phụ lục I", "PHÂN CÔNG NHIỆM VỤ")
    assert result.appendix.columns == ["STT", "Nội dung công việc", "Chủ trì", "Phối hợp",
                                       "Sản phẩm đầu ra", "Thời hạn"]
    (group,) = result.appendix.groups
    assert (group.id, group.title) == ("A", "NHIỆM VỤ CHUNG")
    assert [(t.id, t.text, t.lead, t.coop, t.deadline) for t in group.tasks] == [
        ("A1", "Tuyên truyền", a("tu_phap"), a("ubnd_cap_xa"), ["Quý I"]),
        ("A2", "Kiểm tra", a("noi_vu"), [], ["Quý II"]),
    ]
    assert [w.message for w in result.warnings] == [
        "bảng không có cột 'Sản phẩm đầu ra'; cột này để trống"]


# --------------------------------------------------------------------------- agency dictionary


def test_agency_names_match_across_case_spacing_and_tone_marks() -> None:
    table = AgencyTable()
    for name in ("Sở Tư pháp", "SỞ TƯ PHÁP", " Sở  Tư   pháp. ", "Sở Tư pháp thành phố",
                 "Sở Tư pháp TP", "Sở Tư pháp;"):
        assert table.role(name) == "tu_phap", name
    assert agency_key("Hoà") == agency_key("Hòa") and agency_key("Thuỷ") == agency_key("Thủy")
    assert table.role("Uỷ ban nhân dân cấp xã") == table.role("UBND cấp xã") == "ubnd_cap_xa"
    assert table.role("Toà án nhân dân TP") == table.role("TAND thành phố") == "toa_an"
    assert table.role("So Tu phap") is None  # diacritics other than the tone placement count
    nfd = "Sở Tư pháp".encode().decode()
    import unicodedata

    assert table.role(unicodedata.normalize("NFD", nfd)) == "tu_phap"
    assert table.assign("Sở Tư pháp (Trung tâm Trợ giúp pháp lý Nhà nước thành phố)") == [
        {"role": "tu_phap", "note": "Trung tâm Trợ giúp pháp lý Nhà nước thành phố"}]
    assert table.assign("Đài truyền hình Việt Nam (VTV1)") == [{"role": "vtv"}]
    assert table.assign("Các Sở, ban, ngành thành phố, Ủy ban nhân dân cấp xã") == [
        {"role": "so_nganh"}, {"role": "ubnd_cap_xa"}]
    assert table.assign("Sở Tư pháp tham mưu Kế hoạch") is None
    assert table.assign("Sở Lạ (ghi chú)") is None


def test_dictionary_keys_and_city_names_follow_docs_roles() -> None:
    """Every role key docs/roles.md lists is in the dictionary (kehoach_gen/data/agencies.yaml)
    under the city name the doc gives it; no city name is listed under two roles."""
    documented: dict[str, str] = {}
    for line in ROLES_MD.read_text(encoding="utf-8").splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) >= 3 and re.fullmatch(r"[a-z_0-9]+", cols[0]):
            documented[cols[0]] = cols[1]
    documented.pop("key", None)  # the table's header row
    assert set(documented) <= set(AGENCY_ALIASES)
    for key, name in documented.items():  # the doc may add a remark in parentheses
        if not name.startswith("("):
            assert name.startswith(AGENCY_ALIASES[key][0]), key
    keys = [agency_key(n) for names in AGENCY_ALIASES.values() for n in names]
    assert len(keys) == len(set(keys)), "an alias is listed under two roles"


def test_dictionary_city_names_are_the_bundled_templates() -> None:
    city, _ = load_city(CITY_TEMPLATE)
    for key, role in city.roles.items():
        assert AGENCY_ALIASES[key][0] == role.city, key


# --------------------------------------------------------------------------- bad input


def _zip(**files: str) -> bytes:
    """A zip of ``files``, dated once and for all: its bytes name a test, and every pytest-xdist
    worker must collect the same names."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, content in files.items():
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 5, 2, 0, 0, 0)), content)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "expected"), [
    (b"\x00\x01 random bytes \xff\xfe" * 20, "không phải tài liệu Word .docx"),
    (_zip(**{"a.txt": "xin chào"}), "không phải tài liệu Word .docx hợp lệ"),
    (b"%PDF-1.7\n%...", "tệp là PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "Word 97-2003 (.doc)"),
])
def test_malformed_files_are_input_errors(data: bytes, expected: str) -> None:
    with pytest.raises(InputError) as info:
        import_appendix(data)
    assert expected in str(info.value)
    assert info.value.errors[0].hint


def test_broken_docx_is_an_input_error(city_docx: Path) -> None:
    src = zipfile.ZipFile(city_docx)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for item in src.infolist():
            data = src.read(item)
            out.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml"
                         else data)
    with pytest.raises(InputError, match="không phải tài liệu Word .docx hợp lệ|bị hỏng"):
        import_appendix(buf.getvalue())


def test_document_without_an_appendix_table(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("KẾ HOẠCH")
    doc.add_table(rows=2, cols=2).cell(0, 0).text = "Họ và tên"
    path = tmp_path / "no_table.docx"
    doc.save(str(path))
    with pytest.raises(InputError) as info:
        import_appendix(path)
    problem = info.value.errors[0]
    assert "không tìm thấy bảng phụ lục có cột" in problem.message
    assert "'Nhiệm vụ'" in problem.message
    assert problem.file is not None and problem.file.endswith("no_table.docx")


def test_a_missing_file_is_said_plainly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="không tìm thấy tệp"):
        import_appendix(tmp_path / "khong_co.docx")


def test_reimport_against_the_reviewed_city_template(city_docx: Path, tmp_path: Path) -> None:
    """The repository's hand-reviewed template of the same appendix: every id, the footnote
    key and the per-level wording survive; a base text a person gave placeholders moves to
    'unit' so that units keep it; the result passes the template checks."""
    assert CITY_TEMPLATE.is_file(), f"missing {CITY_TEMPLATE}"
    previous, _ = load_city(CITY_TEMPLATE)
    result = import_appendix(city_docx, previous=previous)
    assert list(tasks(result)) == list(previous.task_index())
    assert not result.new_task_ids and not result.removed_task_ids
    assert list(result.appendix.footnotes) == list(previous.appendix.footnotes)
    key = next(iter(previous.appendix.footnotes))
    assert f"[^{key}]" in tasks(result)["B17"].text
    old, new = previous.task_index(), tasks(result)
    for tid, task in new.items():
        for level in ("xa", "phuong", "dac_khu"):
            assert getattr(task, level) == getattr(old[tid], level), tid
        assert task.pilot_only == old[tid].pilot_only and task.levels == old[tid].levels
    for tid in ("B02", "B32", "B33"):  # base text with placeholders, but a 'unit' text too
        assert "{{" not in new[tid].text and new[tid].unit == old[tid].unit
    assert not [w for w in result.warnings if "mẫu hiểu đó là chỗ điền" in w.message]
    out = tmp_path / "city_template.yaml"
    out.write_text(result.to_yaml(), encoding="utf-8")
    full, _ = load_city(out)  # validation and the template checks (roles, ids, placeholders)
    assert full.roles == previous.roles and full.body == previous.body
    assert full.appendix == result.appendix
