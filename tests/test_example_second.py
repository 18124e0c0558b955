"""The second bundled example (examples/nghe_an_cds/): a province plan for its huyện, thị xã and
thành phố, written as data only.

Levels outside the three defaults (declared under ``levels:``), "1.1." numbering, a single
"Đơn vị thực hiện" line under each inline task, a section's shared assignment printed once after
its tasks, section and group introductions, numbered plain paragraphs in Tổ chức thực hiện, no
closing paragraph, ``d/m/yyyy`` dates. Every profile loads without a problem, generates through
the real pipeline, reads as expected when reopened, and passes the Nghị định 30 checker with no
finding at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.text.paragraph import Paragraph

from kehoach_gen.adapt import adapt
from kehoach_gen.check import check_document
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.validate import check_profile, load_city, load_profile

from .docx_helpers import style_value

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "nghe_an_cds"
CITY = EXAMPLE / "city_template.yaml"
PROFILES = EXAMPLE / "unit_profiles"


@dataclass(frozen=True)
class Unit:
    """What one profile's document must show."""

    stem: str
    name: str             # the unit's own name
    level: str            # level key in the template
    cap: str              # {{ cap }}
    issuer: tuple[str, str]
    place_date: str
    number_line: str
    signer: tuple[str, ...]
    ubnd_xa: str          # the unit's name for role ubnd_xa
    cap_uy: str           # Huyện ủy / Thị ủy / Thành ủy


UNITS = {
    "nam_dan": Unit("nam_dan", "Nam Đàn", "huyen", "huyện", ("ỦY BAN NHÂN DÂN", "HUYỆN NAM ĐÀN"),
                    "Nam Đàn, ngày        tháng 3 năm 2024", "Số:       /KH-UBND",
                    ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Trần Minh Khôi"),
                    "UBND các xã, thị trấn", "Huyện ủy"),
    "cua_lo": Unit("cua_lo", "Cửa Lò", "thi_xa", "thị xã", ("ỦY BAN NHÂN DÂN", "THỊ XÃ CỬA LÒ"),
                   "Cửa Lò, ngày 18 tháng 3 năm 2024", "Số: 45/KH-UBND",
                   ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Lê Thị Hồng Nhung"),
                   "UBND các phường", "Thị ủy"),
    "vinh": Unit("vinh", "Vinh", "thanh_pho", "thành phố", ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ VINH"),
                 "Vinh, ngày 20 tháng 3 năm 2024", "Số: 102/KH-UBND",
                 ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Hoàng Văn Tiến"),
                 "UBND các phường, xã", "Thành ủy"),
}
STEMS = list(UNITS)

FIELD = "- Đơn vị thực hiện: "
TIME = "- Thời gian: "


# ---------------------------------------------------------------------------------------------
# Generating once per module


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    project = Project.load(CITY)
    out = tmp_path_factory.mktemp("nghe_an") / "out"
    paths = {}
    for stem in STEMS:
        result = generate_unit(project, PROFILES / f"{stem}.yaml", out)
        assert result.output is not None and result.output.exists()
        paths[stem] = result.output
    return paths


@pytest.fixture(scope="module")
def documents(outputs: dict[str, Path]) -> dict[str, docx.document.Document]:
    return {stem: docx.Document(str(path)) for stem, path in outputs.items()}


def _texts(doc: docx.document.Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def _section(texts: list[str], start: str, stop: str) -> list[str]:
    """The paragraphs after the one starting ``start``, up to the one starting ``stop``."""
    i = next(n for n, t in enumerate(texts) if t.startswith(start))
    j = next(n for n, t in enumerate(texts) if n > i and t.startswith(stop))
    return texts[i + 1:j]


def _bold(p: Paragraph) -> bool:
    """Whether the paragraph's text is bold: its runs, else its style and the styles it is
    based on."""
    runs = [r for r in p.runs if r.text.strip()]
    if runs and all(r.bold is not None for r in runs):
        return all(r.bold for r in runs)
    return bool(style_value(p.style, lambda style: style.font.bold))


# ---------------------------------------------------------------------------------------------
# The inputs


def test_template_and_every_profile_load_without_problems() -> None:
    city, city_loaded = load_city(CITY)
    assert set(city.levels) == {"huyen", "thi_xa", "thanh_pho"}
    assert city.task_layout == "inline"
    assert city.style.date_format == "d/m/yyyy"
    assert (city.style.inline.group, city.style.inline.section) == ("1.", "1.1.")
    assert [(f.label, f.show) for f in city.style.inline.fields] == [
        ("Đơn vị thực hiện", ["lead", "coop"]), ("Thời gian", ["deadline"])]
    assert city.body.closing is None
    found = sorted(p.stem for p in PROFILES.glob("*.yaml"))
    assert found == sorted(STEMS)
    levels = set()
    for stem in STEMS:
        profile, loaded = load_profile(PROFILES / f"{stem}.yaml", city)
        problems = check_profile(profile, loaded, city, city_loaded=city_loaded)
        assert problems == [], "\n".join(str(p) for p in problems)
        assert profile.level == UNITS[stem].level
        levels.add(profile.level)
    assert len(levels) >= 2


@pytest.mark.parametrize("stem", STEMS)
def test_plan_as_data_is_inline_without_appendix(stem: str) -> None:
    city, _ = load_city(CITY)
    profile, _ = load_profile(PROFILES / f"{stem}.yaml", city)
    plan = adapt(city, profile)
    unit = UNITS[stem]
    assert plan.appendix is None
    assert plan.issuer_lines == unit.issuer
    assert plan.signer_lines + (plan.signer_name,) == unit.signer
    numbers = [p.number for p in plan.body if p.kind == "h3"]
    assert "1.1." in numbers and "2.3." in numbers


# ---------------------------------------------------------------------------------------------
# The documents


@pytest.mark.parametrize("stem", STEMS)
def test_header_shows_the_custom_level(stem: str, documents: dict) -> None:
    doc = documents[stem]
    unit = UNITS[stem]
    header = doc.tables[0]
    issuer = [line for line in header.cell(0, 0).text.split("\n") if line.strip()]
    assert issuer == list(unit.issuer)
    cells = {c.text.strip() for row in header.rows for c in row.cells}
    assert unit.number_line in cells
    assert unit.place_date in cells
    texts = _texts(doc)
    title = texts.index("KẾ HOẠCH")
    assert texts[title + 1] == f"Chuyển đổi số năm 2024 trên địa bàn {unit.cap} {unit.name}"
    # {{ kh_ngay }} in d/m/yyyy
    assert any("Kế hoạch số 68/KH-UBND ngày 5/3/2024 của Ủy ban nhân dân tỉnh Nghệ An" in t for t in texts)


@pytest.mark.parametrize("stem", STEMS)
def test_sections_are_numbered_1_1(stem: str, documents: dict) -> None:
    texts = _texts(documents[stem])
    numbered = [t.split(" ", 1)[0] for t in texts if t[:1].isdigit() and t.split(" ", 1)[0].count(".") == 2]
    # II.2 of the body (style.numbering "1.1."), then III's sections (style.inline.section "1.1.")
    assert numbered == ["2.1.", "2.2.", "1.1.", "1.2.", "2.1.", "2.2.", "2.3."]
    assert "1.1. Tuyên truyền, nâng cao nhận thức về chuyển đổi số" in texts
    assert "2.2. Nâng cao chất lượng giải quyết thủ tục hành chính trên môi trường số" in texts
    assert "2.3. Bảo đảm an toàn thông tin mạng theo mô hình 4 lớp; rà soát, khắc phục điểm yếu của các " \
           "hệ thống thông tin" in texts
    groups = _section(texts, "III. NHIỆM VỤ, GIẢI PHÁP", "IV. KINH PHÍ")
    assert [t for t in groups if t[:2] in ("1.", "2.", "3.") and t[2] == " "] == [
        "1. Chuyển đổi nhận thức, phát triển nguồn nhân lực chuyển đổi số",
        "2. Phát triển chính quyền số",
        "3. Phát triển kinh tế số và xã hội số",
    ]


@pytest.mark.parametrize("stem", STEMS)
def test_one_line_for_who_and_one_for_when(stem: str, documents: dict) -> None:
    texts = _texts(documents[stem])
    tasks = _section(texts, "III. NHIỆM VỤ, GIẢI PHÁP", "IV. KINH PHÍ")
    assert not any("Đơn vị chủ trì" in t or "Đơn vị phối hợp" in t or "Sản phẩm" in t for t in tasks)
    lines = [t for t in tasks if t.startswith("- ")]
    assert lines and all(t.startswith((FIELD, TIME)) for t in lines)
    # lead then coop on one line, "; "-separated, ended by "."
    section = _section(texts, "1.2. Kiện toàn", "2. Phát triển chính quyền số")
    assert section[:3] == [
        "a) Kiện toàn Ban Chỉ đạo chuyển đổi số; ban hành quy chế hoạt động và phân công nhiệm vụ các thành viên.",
        f"{FIELD}Phòng Văn hóa và Thông tin; Phòng Nội vụ.",
        f"{TIME}Quý I năm 2024.",
    ]
    unit = UNITS[stem]
    assert f"{FIELD}Phòng Nội vụ; Các phòng, ban, đơn vị thuộc UBND {unit.cap}; {unit.ubnd_xa}." in section
    # the section that is a task: its lines right under its heading
    after = _section(texts, "2.3. Bảo đảm an toàn thông tin mạng", "3. Phát triển kinh tế số")
    assert after == [f"{FIELD}Phòng Văn hóa và Thông tin; Công an {unit.cap}; "
                     f"Các phòng, ban, đơn vị thuộc UBND {unit.cap}.", f"{TIME}Năm 2024."]


@pytest.mark.parametrize("stem", STEMS)
def test_shared_assignment_is_printed_once_after_its_tasks(stem: str, documents: dict) -> None:
    texts = _texts(documents[stem])
    unit = UNITS[stem]
    section = _section(texts, "1.1. Tuyên truyền", "1.2. Kiện toàn")
    shared = (f"{FIELD}Trung tâm Văn hóa - Thể thao và Truyền thông {unit.cap}; Phòng Văn hóa và Thông tin; "
              f"{unit.ubnd_xa}.")
    assert [t[:3] for t in section[:3]] == ["a) ", "b) ", "c) "]
    assert section[3:] == [shared, f"{TIME}Thường xuyên trong năm 2024."]
    assert sum(t.startswith(FIELD) for t in section) == 1
    assert sum("Thường xuyên trong năm 2024" in t for t in texts) == 1


@pytest.mark.parametrize("stem", STEMS)
def test_intros_come_before_the_first_task(stem: str, documents: dict) -> None:
    texts = _texts(documents[stem])
    group = _section(texts, "1. Chuyển đổi nhận thức", "1.1. Tuyên truyền")
    assert group == ["Chuyển đổi nhận thức là nhiệm vụ đầu tiên, có ý nghĩa quyết định; người đứng đầu các cơ "
                     "quan, đơn vị, địa phương phải gương mẫu, trực tiếp chỉ đạo và là người đi đầu trong "
                     "chuyển đổi số."]
    section = _section(texts, "2.2. Nâng cao chất lượng", "2.3. Bảo đảm")
    assert section[0].startswith("Lấy người dân, doanh nghiệp làm trung tâm;")
    assert section[1].startswith("a) Tiếp nhận, giải quyết hồ sơ thủ tục hành chính")


@pytest.mark.parametrize("stem", STEMS)
def test_to_chuc_thuc_hien_numbers_plain_paragraphs_and_roles(stem: str, documents: dict) -> None:
    doc = documents[stem]
    unit = UNITS[stem]
    paras = doc.paragraphs
    start = next(i for i, p in enumerate(paras) if p.text == "V. TỔ CHỨC THỰC HIỆN")
    numbered = [p for p in paras[start + 1:] if p.text[:1].isdigit()]
    assert [p.text.split(".", 1)[0] for p in numbered] == [str(n) for n in range(1, 9)]
    plain = [numbered[0], numbered[6], numbered[7]]
    assert plain[0].text.startswith(f"1. Các phòng, ban, đơn vị thuộc Ủy ban nhân dân {unit.cap} và ")
    assert plain[1].text.startswith("7. Định kỳ hằng quý")
    assert plain[2].text.startswith("8. Trong quá trình tổ chức thực hiện")
    assert not any(_bold(p) for p in plain)
    roles = numbered[1:6]
    assert all(_bold(p) for p in roles)
    assert roles[0].text == "2. Phòng Văn hóa và Thông tin"
    assert roles[3].text == ("5. Ủy ban nhân dân các xã, thị trấn" if unit.level == "huyen"
                             else "5. Ủy ban nhân dân các phường, xã")
    assert roles[4].text == (f"6. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam {unit.cap} "
                             "và các tổ chức chính trị - xã hội")
    # no closing paragraph: the body ends with the last numbered paragraph, "/."
    assert paras[-1].text.endswith("xem xét, chỉ đạo./.")
    assert not any(p.text.startswith("Trên đây là Kế hoạch") for p in paras)


@pytest.mark.parametrize("stem", STEMS)
def test_signer_and_noi_nhan(stem: str, documents: dict) -> None:
    doc = documents[stem]
    unit = UNITS[stem]
    noi_nhan, signer = doc.tables[-1].rows[0].cells
    assert [line for line in signer.text.split("\n") if line.strip()] == list(unit.signer)
    items = noi_nhan.text.split("\n")
    assert items[0] == "Nơi nhận:"
    assert f"- Thường trực {unit.cap_uy};" in items
    assert f"- {unit.ubnd_xa};" in items
    assert items[-1] == "- Lưu: VT, VHTT."


@pytest.mark.parametrize("stem", STEMS)
def test_no_appendix_section(stem: str, documents: dict) -> None:
    doc = documents[stem]
    assert len(doc.sections) == 1
    assert doc.sections[0].orientation == WD_ORIENT.PORTRAIT
    texts = _texts(doc)
    assert not any(t.strip().lower().startswith(("phụ lục", "(kèm theo")) for t in texts)
    assert not any("Phụ lục kèm theo" in t for t in texts)
    assert len(doc.tables) == 2  # the header and Nơi nhận / signer, no task table


def test_per_level_wording(documents: dict) -> None:
    nam_dan, cua_lo, vinh = (_texts(documents[s]) for s in ("nam_dan", "cua_lo", "vinh"))
    # a task only for huyện; a role's huyen: name; a task's huyen: text; the unit's own task
    assert any(t.startswith("a) Hỗ trợ các hợp tác xã, chủ thể sản phẩm OCOP") for t in nam_dan)
    assert f"{FIELD}Phòng Nông nghiệp và Phát triển nông thôn; Phòng Kinh tế và Hạ tầng; " \
           "UBND các xã, thị trấn." in nam_dan
    assert any(t.endswith("hồ sơ sức khỏe điện tử tại các trạm y tế xã, thị trấn.") for t in nam_dan)
    assert any("Khu di tích Kim Liên" in t for t in nam_dan)
    assert not any("cơ sở lưu trú, điểm du lịch" in t for t in nam_dan)
    # thị xã, thành phố: levels.<key>.departments defaults, a body block's per-level text
    for texts in (cua_lo, vinh):
        assert not any("OCOP" in t for t in texts)
        assert not any("lõm sóng" in t for t in texts)
        assert any(t.startswith("- Từng bước triển khai các dịch vụ đô thị thông minh") for t in texts)
    assert any(t.startswith("- Trên 70% cơ sở lưu trú, nhà hàng") for t in cua_lo)
    assert any(t.startswith("- Trên 70% chợ, trung tâm thương mại") for t in vinh)
    assert any(t.startswith("- Trên 50% hợp tác xã") for t in nam_dan)
    task = "Đẩy mạnh thanh toán không dùng tiền mặt tại các chợ"
    for texts, deadline in ((cua_lo, "Trước mùa du lịch, tháng 5 năm 2024"), (vinh, "Năm 2024")):
        i = next(n for n, t in enumerate(texts) if task in t)
        assert texts[i + 1:i + 3] == [f"{FIELD}Phòng Kinh tế; UBND các phường{', xã' if texts is vinh else ''}.",
                                      f"{TIME}{deadline}."]


@pytest.mark.parametrize("stem", STEMS)
def test_checker_finds_nothing(stem: str, outputs: dict[str, Path]) -> None:
    report = check_document(outputs[stem])
    assert report.findings == [], report.to_text(limit_per_rule=None)
    assert not report.errors and not report.warnings
