"""Every bundled profile, generated end to end from the bundled city template, checked by
content against the seeds (tests/data/seeds) and the plan-level rules of issue 2."""

from __future__ import annotations

import difflib
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.validate import load_profile

from .conftest import REPO, SEEDS
from .docx_helpers import all_text, appendix_table, open_docx, table_rows, texts

PROFILES = sorted((REPO / "unit_profiles").glob("*.yaml"))
SEED_000 = SEEDS / "000_b8074be7cda55ac5.txt"
SEED_003 = SEEDS / "003_8387a6d0d6d8eed1.txt"


@pytest.fixture(scope="module")
def project() -> Project:
    return Project.load(REPO / "city_template.yaml", REPO / "templates")


@pytest.fixture(scope="module")
def generated(project: Project, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out")
    result = {}
    for path in PROFILES:
        r = generate_unit(project, path, out)
        assert r.status == "written" and r.output is not None
        result[path.stem] = r.output
    return result


def by_level(level: str) -> str:
    for path in PROFILES:
        if load_profile(path)[0].level == level:
            return path.stem
    raise AssertionError(f"no bundled profile of level {level}")


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).rstrip(" .;,")


def test_the_bundled_profiles_cover_every_level() -> None:
    levels = {load_profile(p)[0].level for p in PROFILES}
    assert levels == {"xa", "phuong", "dac_khu"}
    assert (REPO / "unit_profiles" / "tan_an.yaml") in PROFILES
    assert SEED_000.exists(), f"seeds missing at {SEEDS}"


def test_tan_an_body_matches_seed_000(generated: dict[str, Path]) -> None:
    doc = open_docx(generated["tan_an"])
    ours = [norm(t) for t in texts(doc) if t.strip()]
    seed = SEED_000.read_text(encoding="utf-8")
    body = seed[seed.index("Thực hiện Kế hoạch số"): seed.index("Nơi nhận:")]
    # the seed's paragraphs, re-joined where the extraction broke one ("xây dựng, tập\n\nhuấn")
    paragraphs = [norm(p) for p in re.split(r"\n\s*\n", body.replace("tập\n\nhuấn", "tập huấn")) if p.strip()]
    missing = []
    for para in paragraphs:
        for piece in re.split(r"(?<=\.)- (?=[A-ZĐ])", para):  # one glued paragraph in the seed
            best = best_ratio(norm(piece), ours)
            if best < 0.9:
                missing.append((round(best, 2), piece[:90]))
    assert missing == []


def best_ratio(text: str, candidates: list[str]) -> float:
    """max(SequenceMatcher(None, text, c).ratio() for c in candidates), the same number,
    without the ratios that cannot beat the best so far. real_quick_ratio (from the two
    lengths alone) and quick_ratio are upper bounds of ratio (the same 2*M/T over a count of
    matches at least as large): candidates are tried by their real_quick_ratio, highest
    first, until it is no longer above the best; one whose quick_ratio is not above it is
    skipped."""
    best = 0.0
    for bound, candidate in sorted(((_length_bound(text, c), c) for c in candidates), reverse=True):
        if bound <= best:
            break
        matcher = difflib.SequenceMatcher(None, text, candidate)
        if matcher.quick_ratio() > best:
            best = max(best, matcher.ratio())
    return best


def _length_bound(a: str, b: str) -> float:
    """SequenceMatcher(None, a, b).real_quick_ratio(), without building the matcher."""
    return 2.0 * min(len(a), len(b)) / (len(a) + len(b)) if a or b else 1.0


def test_tan_an_headings_are_seed_000s(generated: dict[str, Path]) -> None:
    doc = open_docx(generated["tan_an"])
    headings = [t for t in texts(doc) if re.match(r"^([IVX]+|\d+)\. ", t)]
    assert headings == [
        "I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "2. Yêu cầu",
        "II. MỤC TIÊU", "1. Mục tiêu chung", "2. Mục tiêu đến năm 2030",
        "III. NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN",
        "IV. LỘ TRÌNH THỰC HIỆN ĐỀ ÁN", "1. Năm 2026-2027",
        "2. Giai đoạn từ năm 2028-2030: Triển khai thực hiện Đề án", "3. Định hướng sau năm 2030",
        "V. KINH PHÍ THỰC HIỆN", "VI. TỔ CHỨC THỰC HIỆN",
        "1. Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã", "2. Phòng Văn hóa - Xã hội",
        "3. Phòng Kinh tế", "4. Công an xã",
        "5. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã và các tổ chức thành viên",
    ]


def test_tan_an_header_noi_nhan_and_signer(generated: dict[str, Path]) -> None:
    doc = open_docx(generated["tan_an"])
    assert [p.text for p in doc.tables[0].cell(0, 0).paragraphs][:2] == ["ỦY BAN NHÂN DÂN", "XÃ TÂN AN"]
    assert doc.tables[0].cell(1, 0).text.startswith("Số:") and doc.tables[0].cell(1, 0).text.endswith("/KH-UBND")
    assert re.fullmatch(r"Tân An, ngày\s+tháng 5 năm 2026", doc.tables[0].cell(1, 1).text)
    sign = next(t for t in doc.tables if t.cell(0, 0).paragraphs[0].text == "Nơi nhận:")
    # seed 000's list, with its slips corrected ("Công thông tin", "Đảng ủy," without the unit)
    assert [p.text for p in sign.cell(0, 0).paragraphs] == [
        "Nơi nhận:", "- Sở Tư pháp thành phố;", "- Thường trực Đảng ủy xã;", "- Thường trực HĐND xã;",
        "- Chủ tịch, các Phó Chủ tịch UBND xã;", "- Các phòng, ban, ngành của xã;",
        "- Cổng thông tin điện tử xã;", "- Lưu: VT, VP.",
    ]
    assert [p.text for p in sign.cell(0, 1).paragraphs if p.text] == [
        "TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Phạm Minh Ngạn"]


def seed_003_leads() -> dict[str, str]:
    """Task number → lead text in the ward's hand-adapted appendix (seed 003)."""
    out = {}
    for line in SEED_003.read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) >= 3 and cells[0].strip().isdigit():
            out.setdefault(cells[0].strip(), norm(re.sub(r"<[^>]+>", "", cells[2])))
    return out


def test_ward_leads_match_seed_003_where_it_only_remapped_bodies(generated: dict[str, Path]) -> None:
    ward = generated[by_level("phuong")]
    rows = table_rows(appendix_table(open_docx(ward)))
    b_rows = rows[[r[0] for r in rows].index("B") + 1:]
    ours = {r[0]: norm(r[2]) for r in b_rows if r[0].isdigit()}
    seed = seed_003_leads()
    for number in ("1", "4", "9", "12", "19", "24", "26", "44"):
        assert ours[number] == seed[number], number


def test_section_i_criteria_named_for_the_level(generated: dict[str, Path]) -> None:
    for stem, path in generated.items():
        level = load_profile(REPO / "unit_profiles" / f"{stem}.yaml")[0].level_name
        rows = table_rows(appendix_table(open_docx(path)))
        row_i = next(r for r in rows if r[0] == "I")
        assert f"“{level[:1].upper() + level[1:]} thượng tôn và tuân thủ pháp luật”" in row_i[1]
        assert "quý III năm 2026" in row_i[-1]


CITY_BODIES = ("Sở Tư pháp", "Sở Nội vụ", "Công an thành phố", "Các Sở, ban, ngành", "Ủy ban nhân dân cấp xã",
               "UBND cấp xã", "Tòa án nhân dân thành phố", "Thanh tra thành phố", "Sở Khoa học",
               "Sở Giáo dục", "Viện Kiểm sát", "Hội Luật gia thành phố")


@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_no_city_body_leads_no_leftovers_and_counts_agree(stem: str, generated: dict[str, Path]) -> None:
    doc = open_docx(generated[stem])
    rows = table_rows(appendix_table(doc))
    for row in rows[1:]:
        if len(row) == 6:
            lead = re.sub(r"\([^)]*\)", "", row[2])  # a city body kept in parentheses is fine
            assert not any(body in lead for body in CITY_BODIES), (row[0], row[2])
    text = all_text(doc)
    for leftover in ("Ủy ban nhân dân cấp xã", "{{", "{%", "}}", "[^", "Công thông tin"):
        assert leftover not in text, leftover
    # "trên địa bàn thành phố Hải Phòng" names the city's own Đề án (section X) and stays
    assert not re.search(r"trên địa bàn thành phố(?! Hải Phòng)", text)
    # each "(NN nhiệm vụ)" equals the task rows under it; numbers run 1..n in A and in B
    section, counted, stated = None, 0, {}
    numbers: dict[str, list[int]] = {"A": [], "B": []}
    group = ""
    for row in rows[1:]:
        if row[0] in ("A", "B"):
            group = row[0]
        elif len(row) == 2:
            section, counted = row[0], 0
            m = re.search(r"\((\d{2}) nhiệm vụ\)$", row[1])
            stated[section] = (int(m.group(1)) if m else None, 0)
        elif row[0].isdigit():
            numbers[group].append(int(row[0]))
            if section:
                counted += 1
                stated[section] = (stated[section][0], counted)
    for sec, (says, has) in stated.items():
        assert says in (None, has), sec
    assert numbers["A"] == list(range(1, len(numbers["A"]) + 1))
    assert numbers["B"] == list(range(1, len(numbers["B"]) + 1))
    assert len(numbers["A"]) == 5


def test_pilot_and_non_pilot_units(generated: dict[str, Path]) -> None:
    profiles = {p.stem: load_profile(p)[0] for p in PROFILES}
    for stem, path in generated.items():
        lines = texts(open_docx(path))
        rows = table_rows(appendix_table(open_docx(path)))
        pilot_task = any("Triển khai thực hiện điểm Đề án" in r[1] for r in rows if len(r) == 6)
        assert pilot_task == profiles[stem].pilot, stem
        said_not_pilot = any("không được lựa chọn là đơn vị thực hiện làm điểm" in t for t in lines)
        assert said_not_pilot == (not profiles[stem].pilot), stem


def test_generate_default_from_the_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["generate", "--city", str(REPO / "city_template.yaml"),
                                       "--templates", str(REPO / "templates"), "-o", str(tmp_path / "kh.docx"),
                                       str(REPO / "unit_profiles" / "tan_an.yaml")])
    assert result.exit_code == 0, result.output
    assert "Đã tạo" in result.output
    assert "đạt thể thức Nghị định 30" in result.output
    doc: Any = open_docx(tmp_path / "kh.docx")
    assert doc.paragraphs[1].text.endswith("trên địa bàn xã Tân An")


@pytest.mark.parametrize("stem", [p.stem for p in PROFILES])
def test_every_bundled_plan_passes_the_nd30_checker(stem: str, generated: dict[str, Path]) -> None:
    from kehoach_gen.check import check_document

    report = check_document(generated[stem])
    assert [(f.rule, f.where, f.message) for f in report.findings] == []


@pytest.mark.slow
def test_bundled_plans_convert_to_pdf(generated: dict[str, Path], tmp_path: Path) -> None:
    from kehoach_gen.pdf import convert_to_pdf

    from .test_pdf import A4, _is, _page_sizes, _text

    pdfs = convert_to_pdf(list(generated.values()), tmp_path)
    assert [p.stem for p in pdfs] == list(generated)
    for stem, pdf in zip(generated, pdfs, strict=True):
        sizes = _page_sizes(pdf)
        assert len(sizes) >= 5, stem
        assert _is(sizes[0], A4), stem  # the plan: portrait
        assert _is(sizes[-1], (A4[1], A4[0])), stem  # the appendix: landscape
        portrait = sum(1 for s in sizes if _is(s, A4))
        assert 2 <= portrait < len(sizes) - 1, stem
        text = " ".join(_text(pdf).split())
        profile = load_profile(REPO / "unit_profiles" / f"{stem}.yaml")[0]
        assert "ỦY BAN NHÂN DÂN" in text and profile.full_name.upper() in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert profile.signer.name in text
        assert "PHÂN CÔNG NHIỆM VỤ" in text


def test_inline_layout_of_a_bundled_plan_passes_the_checker(tmp_path: Path, project: Project) -> None:
    from kehoach_gen.check import check_document

    profile = write_inline(tmp_path)
    result = generate_unit(project, profile, tmp_path / "out")
    assert result.output is not None
    doc = open_docx(result.output)
    lines = texts(doc)
    assert len(doc.sections) == 1 and "Phụ lục" not in lines
    start = lines.index("III. NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN")
    assert lines[start + 1] == "1. Nhiệm vụ chung"
    assert lines[start + 2].startswith("a) Xác định việc xây dựng")
    assert lines[start + 3].startswith("- Đơn vị chủ trì: ")
    # group B keeps its heading, and its sections are numbered under it
    assert "2. Nhiệm vụ cụ thể" in lines
    assert any(t.startswith("2.1. Ban hành Bộ tiêu chí “Xã thượng tôn") for t in lines)
    assert any(t.startswith("2.2. Tập trung rà soát") and t.endswith("(05 nhiệm vụ)") for t in lines)
    assert sum(1 for t in lines if t.startswith("- Đơn vị chủ trì: ")) == 5 + 1 + 51
    # everything the appendix carries is there: the outputs too
    assert sum(1 for t in lines if t.startswith("- Sản phẩm đầu ra: ")) == 5 + 1 + 51
    report = check_document(result.output)
    assert [(f.rule, f.where, f.message) for f in report.findings] == []


def write_inline(tmp_path: Path) -> Path:
    text = (REPO / "unit_profiles" / "tan_an.yaml").read_text(encoding="utf-8")
    path = tmp_path / "tan_an.yaml"
    path.write_text(text + "\ntask_layout: inline\n", encoding="utf-8")
    return path
