"""Importing a whole plan (kehoach_gen.importer.import_document): who issued it, placeholders
by reference, the agency dictionary as data, structure, inline tasks, the review report, the
command line, and bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document

from kehoach_gen.cli import main
from kehoach_gen.errors import InputError
from kehoach_gen.importer import ImportReport, import_appendix, import_document, load_dictionary
from kehoach_gen.importer.agencies import DICTIONARY_NAME, AgencyTable, UnitContext, bundled_dictionary_path
from kehoach_gen.importer.wording import BLANKED, Notes, Wording
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.validate import load_city

from . import make_city_docx as mk
from .conftest import REPO, read_yaml

HP = REPO / "city_template.yaml"
NA = REPO / "examples" / "nghe_an_cds" / "city_template.yaml"
CAN_CU = ("Thực hiện Kế hoạch số 159/KH-UBND ngày 02/05/2026 của Ủy ban nhân dân thành phố Hải Phòng về "
          "việc triển khai Đề án. Ủy ban nhân dân xã Tân An ban hành Kế hoạch như sau:")


def plan_docx(path: Path, body: list[str], *, issuer: tuple[str, str] = ("ỦY BAN NHÂN DÂN", "XÃ TÂN AN"),
              place: str = "Tân An", signer: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn Bình"),
              noi_nhan: tuple[str, ...] = ("Nơi nhận:", "- Sở Tư pháp thành phố;", "- Thường trực HĐND xã;",
                                           "- Lưu: VT.")) -> Path:
    plan = mk.CommunePlan(issuer=list(issuer), number="Số: 12/KH-UBND",
                          place_date=f"{place}, ngày 05 tháng 6 năm 2026", title="KẾ HOẠCH",
                          trich_yeu="Triển khai Đề án trên địa bàn xã Tân An", body=body,
                          noi_nhan=list(noi_nhan), signer=list(signer))
    return mk.build_plan_docx(plan, path)


def template_of(report: ImportReport) -> dict[str, Any]:
    data: dict[str, Any] = read_yaml(written(report))
    return data


_WRITTEN: dict[int, tuple[ImportReport, str]] = {}


def written(report: ImportReport) -> str:
    """``report.template_yaml()``, written once per report: a test reads a report's template
    more than once (its data, then the file), and the module's ``simple`` report is shared by
    tests that only read it."""
    entry = _WRITTEN.get(id(report))
    if entry is None or entry[0] is not report:
        entry = _WRITTEN[id(report)] = (report, report.template_yaml())
    return entry[1]


SIMPLE_BODY = [
    CAN_CU,
    "I. MỤC ĐÍCH, YÊU CẦU",
    "- Nâng cao ý thức tuân thủ pháp luật trên địa bàn xã Tân An và của cán bộ xã.",
    "II. NHIỆM VỤ",
    "1. Tuyên truyền, phổ biến pháp luật cho Nhân dân trên địa bàn xã",
    "- Đơn vị chủ trì: Văn phòng HĐND và UBND.",
    "- Đơn vị phối hợp: Công an xã; Ủy ban MTTQ Việt Nam và các đoàn thể.",
    "- Thời gian thực hiện: Hằng năm.",
    "2. Rà soát văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân xã",
    "- Đơn vị chủ trì: Văn phòng HĐND và UBND.",
    "- Thời gian thực hiện: Quý IV hằng năm.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Giao đồng chí Nguyễn Văn Bình, Chủ tịch Ủy ban nhân dân xã chỉ đạo thực hiện Kế hoạch.",
    "1. Công an xã",
    "- Chủ trì bảo đảm an ninh trật tự trên địa bàn xã.",
    "2. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức thành viên",
    "- Tuyên truyền, vận động Nhân dân chấp hành pháp luật.",
]


@pytest.fixture(scope="module")
def simple(tmp_path_factory: pytest.TempPathFactory) -> ImportReport:
    path = plan_docx(tmp_path_factory.mktemp("simple") / "ke_hoach.docx", SIMPLE_BODY)
    return import_document(path)


# --------------------------------------------------------------------------- who and what


def test_the_issuer_its_level_and_the_plan_it_implements(simple: ImportReport) -> None:
    data = template_of(simple)
    assert data["plan"] == {"issuer": "Ủy ban nhân dân thành phố Hải Phòng", "issuer_short": "UBND thành phố",
                            "province": "Hải Phòng", "number": "159/KH-UBND", "date": "2026-05-02",
                            "name": "Triển khai Đề án"}
    assert "levels" not in data  # xã is one of the default levels
    profile = read_yaml(simple.profile_yaml() or "")
    assert profile == {"level": "xã", "name": "Tân An", "province": "Hải Phòng", "number": "12",
                       "date": "2026-06-05",
                       "signer": {"name": "Nguyễn Văn Bình", "position": "Chủ tịch", "authority": "TM."}}


@pytest.mark.parametrize(("issuer", "place", "level", "name"), [
    (("ỦY BAN NHÂN DÂN", "THỊ XÃ CỬA LÒ"), "Cửa Lò", "thị xã", "Cửa Lò"),
    (("ỦY BAN NHÂN DÂN", "ĐẶC KHU CÁT HẢI"), "Cát Hải", "đặc khu", "Cát Hải"),
    (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ VINH"), "Vinh", "thành phố thuộc tỉnh", "Vinh"),
    (("ỦY BAN NHÂN DÂN PHƯỜNG LÊ CHÂN", ""), "Lê Chân", "phường", "Lê Chân"),
])
def test_any_level_noun_of_the_header(issuer: tuple[str, str], place: str, level: str, name: str,
                                      tmp_path: Path) -> None:
    path = plan_docx(tmp_path / "p.docx", SIMPLE_BODY, issuer=tuple(x for x in issuer if x), place=place)  # type: ignore[arg-type]
    report = import_document(path)
    profile = read_yaml(report.profile_yaml() or "")
    assert (profile["level"], profile["name"]) == (level, name)
    data = template_of(report)
    if level in ("thị xã", "thành phố thuộc tỉnh"):  # not a default level: the tier is declared
        assert set(data["levels"]) == {"huyen", "quan", "thi_xa", "thanh_pho"}
    else:
        assert "levels" not in data


def test_a_city_plan_with_its_appendix(tmp_path: Path) -> None:
    path = mk.build_docx(mk.seed_appendix(), tmp_path / "ke_hoach_159.docx", plan=True)
    report = import_document(path)
    assert report.kind == "thanh_pho" and report.profile_yaml() is None
    data = template_of(report)
    assert data["plan"]["number"] == "159/KH-UBND" and data["plan"]["date"] == "2026-05-02"
    assert data["plan"]["issuer"] == "Ủy ban nhân dân thành phố Hải Phòng"
    out = tmp_path / "city_template.yaml"
    out.write_text(written(report), encoding="utf-8")
    city, _ = load_city(out)
    assert list(city.task_index()) == [t.id for _, _, t in import_appendix(path).appendix.all_tasks()]
    assert city.roles["tu_phap"].unit == "Văn phòng HĐND và UBND"  # from the dictionary
    sections = city.body.sections
    assert [s.heading for s in sections] == ["MỤC ĐÍCH, YÊU CẦU", "NHIỆM VỤ, GIẢI PHÁP", "TỔ CHỨC THỰC HIỆN"]
    assert [d.role for d in sections[2].content[0].roles or []] == ["tu_phap", "cong_an"]
    plan = generate_unit(Project.load(out), REPO / "unit_profiles" / "tan_an.yaml", tmp_path / "tan_an.docx",
                         draft=True).output
    assert plan is not None
    text = mk.paragraphs(plan)
    assert "1. Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã" in text and "2. Công an xã" in text


# --------------------------------------------------------------------------- placeholders


def wording(notes: Notes) -> Wording:
    d = load_dictionary()
    nouns = [*(s.noun for s in d.levels.values()), *(s.name for s in d.levels.values()), *d.provinces]
    return Wording(cap="xã", name="Tân An", nouns=nouns, not_references=d.not_references,
                   generic_before=d.generic_before, notes=notes, plan_number="159/KH-UBND",
                   plan_date="02/05/2026", persons=["Phạm Minh Ngạn"], other_names=["Hải Phòng"])


@pytest.mark.parametrize(("text", "expected"), [
    ("trên địa bàn xã Tân An", "trên địa bàn {{ don_vi }}"),
    ("Ủy ban nhân dân xã Tân An ban hành", "{{ ubnd }} ban hành"),
    ("báo cáo Ủy ban nhân dân xã chỉ đạo", "báo cáo Ủy ban nhân dân {{ cap }} chỉ đạo"),
    ("Bộ tiêu chí “Xã thượng tôn pháp luật”", "Bộ tiêu chí “{{ Cap }} thượng tôn pháp luật”"),
    ("ỦY BAN NHÂN DÂN XÃ TÂN AN", "{{ ubnd | upper }}"),
    ("Kế hoạch số 159/KH-UBND ngày 02/05/2026 của Ủy ban nhân dân thành phố Hải Phòng",
     "Kế hoạch số {{ kh_so }} ngày {{ kh_ngay }} của Ủy ban nhân dân thành phố Hải Phòng"),
    # the city's own bodies and words stay
    ("Trung tâm Trợ giúp pháp lý Nhà nước thành phố; UBND thành phố",
     "Trung tâm Trợ giúp pháp lý Nhà nước thành phố; UBND thành phố"),
    # the level in general, words that only contain the noun, another noun
    ("Ủy ban nhân dân cấp xã; các xã, phường; một số xã", "Ủy ban nhân dân cấp xã; các xã, phường; một số xã"),
    ("trật tự an toàn xã hội; hợp tác xã; thị xã Cửa Lò", "trật tự an toàn xã hội; hợp tác xã; thị xã Cửa Lò"),
    ("giao đồng chí Phạm Minh Ngạn chỉ đạo", f"giao đồng chí {BLANKED} chỉ đạo"),
    ("ghi {{ ten }} như thế", "ghi {{ '{{' }} ten }} như thế"),
])
def test_placeholders_by_reference(text: str, expected: str) -> None:
    assert wording(Notes())(text, "đoạn 1") == expected


def test_doubtful_non_substitutions_are_reported() -> None:
    notes = Notes()
    w = wording(notes)
    assert w("phối hợp với xã Hòa Bình; mô hình xã/thôn", "đoạn 7") == "phối hợp với xã Hòa Bình; mô hình xã/thôn"
    kept = [(n.where, n.doubtful, n.decision) for n in notes.items]
    assert [k[:2] for k in kept] == [("đoạn 7", True), ("đoạn 7", True)]
    assert "Hòa Bình" in kept[0][2] and "'/'" in kept[1][2]


def test_every_text_of_the_template_is_free_of_the_source_unit(simple: ImportReport) -> None:
    text = written(simple).split("\nplan:", 1)[1]
    assert "Tân An" not in text and "TÂN AN" not in text and "Nguyễn Văn Bình" not in text
    data = template_of(simple)
    assert data["body"]["trich_yeu"] == "Triển khai Đề án trên địa bàn {{ don_vi }}"
    assert data["body"]["can_cu"][0].endswith("{{ ubnd }} ban hành Kế hoạch như sau:")
    assert data["noi_nhan"] == {"city": ["Sở Tư pháp thành phố"], "unit": ["Thường trực HĐND {{ cap }}"]}
    assert data["body"]["sections"][2]["content"][0] == {
        "text": f"Giao đồng chí {BLANKED}, Chủ tịch Ủy ban nhân dân {{{{ cap }}}} chỉ đạo thực hiện Kế hoạch."}
    assert any(n.doubtful and "tên người ký" in n.decision for n in simple.notes)
    assert data["luu"] == ["VT"]


# --------------------------------------------------------------------------- roles and the dictionary


def test_departments_become_roles_with_their_general_names(simple: ImportReport) -> None:
    data = template_of(simple)
    roles = data["roles"]
    assert roles["cong_an"]["unit"] == "Công an {{ cap }}"
    assert roles["mttq"]["outside"] is True
    task = data["appendix"]["groups"][0]["tasks"][0]
    assert task["lead"] == ["tu_phap"] and task["coop"] == ["cong_an", "mttq"]
    duties = data["body"]["sections"][2]["content"][1]["roles"]
    assert [d["role"] for d in duties] == ["cong_an", "mttq"]
    assert "title" not in duties[0] and "title" not in duties[1]
    assert any(n.decision.startswith("'Công an xã' → vai trò cong_an") for n in simple.notes)


def test_a_name_only_the_source_unit_uses_goes_to_its_profile(tmp_path: Path) -> None:
    body = [*SIMPLE_BODY[:6], "- Đơn vị phối hợp: Ban Chỉ huy Quân sự; Phòng Kinh tế, Hạ tầng và Đô thị.",
            *SIMPLE_BODY[7:]]
    body.insert(3, "- Phối hợp với Phòng Kinh tế, Hạ tầng và Đô thị trong việc này.")
    report = import_document(plan_docx(tmp_path / "p.docx", body))
    profile = read_yaml(report.profile_yaml() or "")
    assert profile["departments"] == {"quan_su": "Ban Chỉ huy Quân sự", "kinh_te": "Phòng Kinh tế, Hạ tầng và Đô thị"}
    data = template_of(report)
    assert data["roles"]["quan_su"]["unit"] == "Ban Chỉ huy Quân sự {{ cap }}"
    assert "{{ vai_tro('kinh_te') }} trong việc này" in data["body"]["sections"][0]["content"][1]["text"]


def test_the_dictionary_is_data_in_the_package() -> None:
    path = bundled_dictionary_path()
    assert path.name == DICTIONARY_NAME and path.parent.name == "data" and path.is_file()
    d = load_dictionary()
    assert d.roles["cong_an"].unit == "Công an {{ cap }}" and "xa" in d.levels


def test_a_users_dictionary_extends_the_bundled_one(tmp_path: Path) -> None:
    own = tmp_path / "tu_dien.yaml"
    own.write_text("roles:\n  chu_thap_do:\n    city: [Hội Chữ thập đỏ thành phố]\n"
                   "    unit: Hội Chữ thập đỏ {{ cap }}\n    outside: true\n", encoding="utf-8")
    body = [*SIMPLE_BODY[:6], "- Đơn vị phối hợp: Hội Chữ thập đỏ xã.", *SIMPLE_BODY[7:]]
    source = plan_docx(tmp_path / "p.docx", body)
    without = import_document(source)
    assert without.unknown_agencies == ["Hội Chữ thập đỏ xã"]
    report = import_document(source, agencies=own)
    assert not report.unknown_agencies
    assert template_of(report)["roles"]["chu_thap_do"] == {
        "city": "Hội Chữ thập đỏ thành phố", "unit": "Hội Chữ thập đỏ {{ cap }}", "outside": True}
    table = AgencyTable(unit=UnitContext("xa", "xã", "Tân An"), dictionary=load_dictionary(own))
    assert table.role("Hội Chữ thập đỏ xã") == "chu_thap_do" and table.role("Công an xã") == "cong_an"


def test_a_broken_users_dictionary_is_a_located_error(tmp_path: Path) -> None:
    own = tmp_path / "tu_dien.yaml"
    own.write_text("roles:\n  x:\n    city: [A]\n    tên: B\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dictionary(own)
    problem = info.value.errors[0]
    assert problem.line == 4 and "tên" in problem.message and problem.file and problem.file.endswith("tu_dien.yaml")


@pytest.mark.parametrize(("text", "line", "key"), [
    ("roles:\n  x:\n    city: 3\n", 3, "roles.x.city"),
    ("roles:\n  x:\n    city: [A]\n    names: 5\n", 4, "roles.x.names"),
    ("provinces: Hải Phòng\n", 1, "provinces"),
    ("not_references: [1, 2]\n", 1, "not_references"),
    ("generic_before: {a: b}\n", 1, "generic_before"),
])
def test_a_dictionary_value_of_the_wrong_kind_is_a_located_error(tmp_path: Path, text: str, line: int,
                                                                 key: str) -> None:
    own = tmp_path / "tu_dien.yaml"
    own.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_dictionary(own)
    (problem,) = info.value.errors
    assert (problem.line, problem.key) == (line, key) and problem.file.endswith("tu_dien.yaml")


def test_the_levels_default_department_names_are_recognised(tmp_path: Path) -> None:
    own = tmp_path / "tu_dien.yaml"
    own.write_text("levels:\n  xa:\n    name: xã\n    departments:\n      kinh_te: Phòng Kinh tế - Tài chính\n",
                   encoding="utf-8")
    body = [*SIMPLE_BODY[:6], "- Đơn vị phối hợp: Phòng Kinh tế - Tài chính.", *SIMPLE_BODY[7:]]
    report = import_document(plan_docx(tmp_path / "p.docx", body), agencies=own)
    assert not report.unknown_agencies
    assert template_of(report)["appendix"]["groups"][0]["tasks"][0]["coop"] == ["kinh_te"]


# --------------------------------------------------------------------------- structure


def test_inline_tasks_with_one_shared_line_after_a_section(tmp_path: Path) -> None:
    body = [
        CAN_CU, "I. NHIỆM VỤ",
        "1. Tuyên truyền",
        "1.1. Tuyên truyền pháp luật",
        "a) Tổ chức hội nghị.", "b) Phát tờ rơi.",
        "- Đơn vị thực hiện: Văn phòng HĐND và UBND; Công an xã.",
        "- Thời gian: Năm 2026.",
        "1.2. Kiểm tra",
        "a) Kiểm tra việc thực hiện.",
        "- Đơn vị thực hiện: Công an xã.",
        "- Thời gian: Quý IV.",
        "II. TỔ CHỨC THỰC HIỆN", "Các phòng thực hiện Kế hoạch này./.",
    ]
    report = import_document(plan_docx(tmp_path / "p.docx", body))
    data = template_of(report)
    assert data["task_layout"] == "inline"
    assert data["style"]["inline"]["fields"] == [{"label": "Đơn vị thực hiện", "show": ["lead", "coop"]},
                                                 {"label": "Thời gian", "show": ["deadline"]}]
    group = data["appendix"]["groups"][0]
    assert group["title"] == "Tuyên truyền"
    first, second = group["sections"]
    assert first["lead"] == ["tu_phap", "cong_an"] and first["deadline"] == ["Năm 2026"]
    assert [t["text"] for t in first["tasks"]] == ["Tổ chức hội nghị.", "Phát tờ rơi."]
    assert all("lead" not in t for t in first["tasks"])
    assert second["tasks"][0]["lead"] == ["cong_an"]
    assert "numbering" not in data["style"]  # I. › 1. › a): the default
    out = tmp_path / "t.yaml"
    out.write_text(written(report), encoding="utf-8")
    prof = tmp_path / "u.yaml"
    prof.write_text(report.profile_yaml() or "", encoding="utf-8")
    again = generate_unit(Project.load(out), prof, tmp_path / "again.docx", draft=True).output
    assert again is not None
    text = mk.paragraphs(again)
    i = text.index("b) Phát tờ rơi.")
    assert text[i + 1:i + 3] == ["- Đơn vị thực hiện: Văn phòng HĐND và UBND; Công an xã.", "- Thời gian: Năm 2026."]


def test_typing_slips_are_put_right_and_listed(tmp_path: Path) -> None:
    body = [CAN_CU, "I. MỤC ĐÍCH",
            "- Phối hợp các tổ chức chính trị- xã hội; báo cáo công tác tư pháp/ phổ biến.- Tham mưu khen thưởng.",
            "- Xây dựng, tập", "huấn đội ngũ hòa giải viên;",
            "II. YÊU CẦU", "1. Yêu cầu chung", "a. Bám sát chủ trương.", "b. Phân công cụ thể.",
            "III. TỔ CHỨC THỰC HIỆN", "1. Phòng Kinh tế.", "- Chủ trì thực hiện."]
    report = import_document(plan_docx(tmp_path / "p.docx", body))
    data = template_of(report)
    first = [b["text"] for b in data["body"]["sections"][0]["content"]]
    assert first == ["- Phối hợp các tổ chức chính trị - xã hội; báo cáo công tác tư pháp/phổ biến.",
                     "- Tham mưu khen thưởng.", "- Xây dựng, tập huấn đội ngũ hòa giải viên."]
    assert data["body"]["sections"][1]["content"][0]["content"] == [{"numbered": "Bám sát chủ trương."},
                                                                    {"numbered": "Phân công cụ thể."}]
    assert data["body"]["sections"][2]["content"] == [
        {"roles": [{"role": "kinh_te", "duties": ["- Chủ trì thực hiện."]}]}]
    fixes = {n.decision for n in report.notes if n.kind == "sua"}
    assert {"nối hai đoạn: đoạn trước bị ngắt giữa câu", "tách 2 gạch đầu dòng bị gõ liền nhau",
            "bỏ dấu '.' cuối đề mục", "đánh số 'a.' viết lại 'a)' theo Nghị định 30"} <= fixes


def test_word_numbered_headings_are_read_like_typed_ones(tmp_path: Path) -> None:
    doc = Document()
    header = doc.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nXÃ TÂN AN"
    header.cell(1, 0).text = "Số: 12/KH-UBND"
    header.cell(1, 1).text = "Tân An, ngày 05 tháng 6 năm 2026"
    for text in ("KẾ HOẠCH", "Triển khai Đề án trên địa bàn xã Tân An"):
        doc.add_paragraph().add_run(text).bold = True
    doc.add_paragraph()
    doc.add_paragraph(CAN_CU)
    doc.add_paragraph().add_run("I. TỔ CHỨC THỰC HIỆN").bold = True
    for name, duty in (("Công an xã", "- Bảo đảm an ninh."), ("Phòng Kinh tế", "- Bố trí kinh phí.")):
        p = doc.add_paragraph(style="List Number")  # Word draws the "1.", "2."
        p.add_run(name).bold = True
        doc.add_paragraph(duty)
    sig = doc.add_table(rows=1, cols=2)
    sig.cell(0, 0).text = "Nơi nhận:\n- Lưu: VT."
    sig.cell(0, 1).text = "TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\nNguyễn Văn Bình"
    path = tmp_path / "p.docx"
    doc.save(str(path))
    data = template_of(import_document(path))
    roles = data["body"]["sections"][0]["content"][0]["roles"]
    assert [r["role"] for r in roles] == ["cong_an", "kinh_te"]


def test_no_appendix_and_no_tasks_is_said(tmp_path: Path) -> None:
    report = import_document(plan_docx(tmp_path / "p.docx", [CAN_CU, "I. MỤC ĐÍCH", "- Nâng cao nhận thức."]))
    assert any("không có nhiệm vụ" in n.decision for n in report.doubtful)


def test_reimport_keeps_task_ids(tmp_path: Path) -> None:
    source = plan_docx(tmp_path / "p.docx", SIMPLE_BODY)
    first = import_document(source)
    out = tmp_path / "t.yaml"
    out.write_text(written(first), encoding="utf-8")
    previous, _ = load_city(out)
    body = list(SIMPLE_BODY)
    body[4] = "1. Rà soát văn bản quy phạm pháp luật của Hội đồng nhân dân, Ủy ban nhân dân xã"
    del body[8:11]  # the first task removed, the second renumbered 1.
    again = import_document(plan_docx(tmp_path / "q.docx", body), previous=previous)
    ids = [t["id"] for t in template_of(again)["appendix"]["groups"][0]["tasks"]]
    assert ids == [t["id"] for t in template_of(first)["appendix"]["groups"][0]["tasks"]][1:]


# --------------------------------------------------------------------------- the report


def test_the_report_as_text_and_json(simple: ImportReport) -> None:
    text = simple.to_text()
    assert text.startswith("Nhập văn bản: ")
    assert "Đơn vị ban hành: Ủy ban nhân dân xã Tân An (cấp xã)" in text
    assert "Chỗ điền thay cho tên, cấp của đơn vị" in text
    data = json.loads(simple.to_json())
    assert data["loai"] == "don_vi" and data["tom_tat"]["nhiem_vu"] == 2
    note = next(n for n in data["ghi_chu"] if n["quyet_dinh"] == "'xã Tân An' → {{ don_vi }}")
    assert note["vi_tri"].startswith("đoạn ") and "Tân An" in note["trich"] and note["can_xem"] is False
    assert written(simple).startswith("# Nhập văn bản:")


# --------------------------------------------------------------------------- command line


def run(*args: object) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_cli_writes_the_template_and_the_profile_and_prints_the_report(tmp_path: Path) -> None:
    source = plan_docx(tmp_path / "p.docx", SIMPLE_BODY)
    out, prof = tmp_path / "t.yaml", tmp_path / "tan_an.yaml"
    result = run("import", source, "-o", out, "--unit-profile", prof)
    assert result.exit_code == 0, result.output
    assert "Đơn vị ban hành: Ủy ban nhân dân xã Tân An" in result.output
    assert f"Đã ghi hồ sơ đơn vị vào {prof}" in result.output
    load_city(out)
    assert read_yaml(prof.read_text(encoding="utf-8"))["name"] == "Tân An"
    result = run("import", source, "-o", tmp_path / "t2.yaml", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["loai"] == "don_vi" and data["ghi_chu"]


def test_cli_clean_errors(tmp_path: Path) -> None:
    source = plan_docx(tmp_path / "p.docx", SIMPLE_BODY)
    a_file = tmp_path / "a_file"
    a_file.write_text("x", encoding="utf-8")
    result = run("import", source, "-o", a_file / "t.yaml")
    assert result.exit_code == 2 and "là một tệp" in result.output
    result = run("import", source, "-o", tmp_path / "x.yaml", "--unit-profile", tmp_path / "x.yaml")
    assert result.exit_code == 2
    bogus = tmp_path / "bogus.docx"
    bogus.write_bytes(b"not a zip at all" * 10)
    result = run("import", bogus, "-o", tmp_path / "y.yaml")
    assert result.exit_code == 1 and "bogus.docx" in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = run("import", source, "-o", tmp_path / "z.yaml", "--agencies", tmp_path / "khong_co.yaml")
    assert result.exit_code == 1 and "khong_co.yaml" in result.output and not (tmp_path / "z.yaml").exists()


@pytest.mark.parametrize("body", [
    [],
    ["Chỉ một câu không có đề mục."],
    ["I. MỤC ĐÍCH", "1.", "a)", "- ", "- Đơn vị chủ trì:"],
    ["1. Nhiệm vụ", "- Thời gian: Năm 2026."],
])
def test_odd_plans_give_a_valid_template_or_one_located_error(body: list[str], tmp_path: Path) -> None:
    source = plan_docx(tmp_path / "p.docx", [CAN_CU, *body])
    try:
        report = import_document(source)
    except InputError as exc:
        assert exc.errors and exc.errors[0].file
        return
    out = tmp_path / "t.yaml"
    out.write_text(report.template_yaml(), encoding="utf-8")
    load_city(out)


def test_a_document_that_is_no_plan(tmp_path: Path) -> None:
    doc = Document()
    doc.add_paragraph("Chỉ có chữ.")
    path = tmp_path / "x.docx"
    doc.save(str(path))
    with pytest.raises(InputError, match="không nhận ra văn bản"):
        import_document(path)


def test_a_bare_appendix_is_imported_as_always(tmp_path: Path) -> None:
    path = mk.build_docx(mk.seed_appendix(), tmp_path / "phu_luc.docx")
    report = import_document(path)
    assert report.kind == "phu_luc" and report.tasks == 58
    assert report.template_yaml() == report.appendix_result.to_yaml()  # type: ignore[union-attr]


def test_a_users_dictionary_serves_the_city_appendix_too(tmp_path: Path) -> None:
    own = tmp_path / "tu_dien.yaml"
    own.write_text("roles:\n  chu_thap_do:\n    city: [Hội Chữ thập đỏ thành phố]\n"
                   "    unit: Hội Chữ thập đỏ {{ cap }}\n", encoding="utf-8")
    app = mk.CityAppendix(rows=[mk.Row("A", [["NHIỆM VỤ CHUNG"], [], [], [], []], span=True),
                                mk.Row("1", [["Hiến máu nhân đạo"], ["Hội Chữ thập đỏ thành phố"], [], ["Báo cáo"],
                                             ["Hằng năm"]])])
    path = mk.build_docx(app, tmp_path / "phu_luc.docx")
    assert import_appendix(path).unknown_agencies == ["Hội Chữ thập đỏ thành phố"]
    task = import_appendix(path, agencies=own).appendix.groups[0].tasks[0]
    assert task.lead[0].role == "chu_thap_do"
    report = import_document(path, agencies=own)
    assert report.kind == "phu_luc" and not report.unknown_agencies
