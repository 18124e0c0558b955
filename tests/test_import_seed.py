"""A real finished plan: xã Tân An's plan (seed 000) as the commune typed it, imported, then
generated for two other Hải Phòng units and compared with the bundled template's output for
the same units, a careful hand adaptation of the same plan (body only: the seed has no
appendix). The figures are printed; the README states them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kehoach_gen.importer import ImportReport, import_document
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.units import init_units
from kehoach_gen.validate import check_profile, load_city, load_profile

from . import make_city_docx as mk
from .conftest import REPO

TARGET = 0.90
LEFTOVERS = ("Tân An", "Phạm Minh Ngạn")


@pytest.fixture(scope="module")
def seed_import(tmp_path_factory: pytest.TempPathFactory) -> tuple[ImportReport, Path, Path]:
    folder = tmp_path_factory.mktemp("seed000")
    source = mk.build_plan_docx(mk.parse_commune_seed(), folder / "ke_hoach_tan_an.docx")
    report = import_document(source)
    template = folder / "city_template.yaml"
    template.write_text(report.template_yaml(), encoding="utf-8")
    profile = folder / "tan_an.yaml"
    profile.write_text(report.profile_yaml() or "", encoding="utf-8")
    return report, template, profile


@pytest.fixture(scope="module")
def a_commune(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A xã of Hải Phòng other than Tân An, as ``kehoach-gen init-units`` writes it."""
    folder = tmp_path_factory.mktemp("units")
    init_units("Hải Phòng", folder)
    return next(p for p in sorted(folder.glob("*.yaml"))
                if re.search(r"^level: xa\b", p.read_text(encoding="utf-8"), re.M) and p.stem != "tan_an")


def test_what_is_written_loads_and_validates(seed_import: tuple[ImportReport, Path, Path]) -> None:
    _, template, profile = seed_import
    city, city_loaded = load_city(template)
    unit, loaded = load_profile(profile, city)
    assert not [p for p in check_profile(unit, loaded, city, city_loaded=city_loaded, draft=True) if not p.warning]
    assert (unit.name, unit.level, unit.signer.name, unit.signer.authority) == ("Tân An", "xa", "Phạm Minh Ngạn", "KT.")
    assert city.plan.number == "159/KH-UBND" and city.plan.province == "Hải Phòng"
    assert city.plan.name.startswith("Triển khai thực hiện Đề án xây dựng mô hình")
    text = template.read_text(encoding="utf-8")
    for word in LEFTOVERS:
        assert word not in text.split("\nplan:", 1)[1], word


@pytest.mark.parametrize("unit", ["le_chan", "a_commune"])
def test_generated_for_other_units_like_the_hand_adaptation(
        unit: str, seed_import: tuple[ImportReport, Path, Path], a_commune: Path, tmp_path: Path) -> None:
    _, template, _ = seed_import
    profile = REPO / "unit_profiles" / "le_chan.yaml" if unit == "le_chan" else a_commune
    bundled = generate_unit(Project.load(REPO / "city_template.yaml"), profile, tmp_path / "hand.docx",
                            draft=True).output
    made = generate_unit(Project.load(template), profile, tmp_path / "imported.docx", draft=True).output
    assert bundled is not None and made is not None
    expected, got = mk.body_paragraphs(bundled), mk.body_paragraphs(made)
    equal, unequal = mk.compare(expected, got)
    print(f"seed 000 → {profile.stem}: {equal}/{len(expected)} paragraphs equal "
          f"({equal / len(expected):.1%})")
    for line in unequal:
        print("   ", line[:150])
    assert equal / len(expected) >= TARGET, "\n".join(unequal)
    everything = "\n".join(mk.paragraphs(made))
    assert not [w for w in LEFTOVERS if w.lower() in everything.lower()]


def test_the_review_report_lists_every_guess(seed_import: tuple[ImportReport, Path, Path]) -> None:
    report, _, _ = seed_import
    text = report.to_text()
    kinds = {n.kind for n in report.notes}
    assert {"thong_tin", "vai_tro", "cho_dien", "sua", "ho_so"} <= kinds
    decisions = [(n.where, n.decision) for n in report.notes]
    assert ("đoạn 4", "'Ủy ban nhân dân xã Tân An' → {{ ubnd }}") in decisions
    assert any(d.startswith("'xã Tân An' → {{ don_vi }}") for _, d in decisions)
    assert any("→ vai trò cong_an" in d for _, d in decisions)
    assert any("'Đề nghị'" in d and "mttq" in d for _, d in decisions)
    assert any("'a.' viết lại 'a)'" in d for _, d in decisions)
    assert any("nối hai đoạn" in d for _, d in decisions)
    assert any("tách 2 gạch đầu dòng" in d for _, d in decisions)
    assert any("'hàng năm' viết thống nhất là 'hằng năm'" in d for _, d in decisions)
    assert any("người ký: Phạm Minh Ngạn, Phó Chủ tịch, KT." in d for _, d in decisions)
    # kept, and said so: the city's own bodies and words, and the level in general
    assert "Trung tâm Trợ giúp pháp lý" not in text or "giữ" in text
    doubtful = [n for n in report.doubtful]
    assert [n.decision for n in doubtful] == [
        "văn bản không có nhiệm vụ (không có bảng phụ lục, không có nhiệm vụ ghi trong nội dung): thêm "
        "nhiệm vụ vào 'appendix' trước khi tạo văn bản"]
    assert "CẦN NGƯỜI XEM LẠI (1):" in text
    print(text)


def test_words_of_the_city_and_of_the_level_in_general_stay(seed_import: tuple[ImportReport, Path, Path]) -> None:
    _, template, _ = seed_import
    city, _ = load_city(template)
    texts = [city.body.trich_yeu, *city.body.can_cu]
    assert texts[0].endswith("trên địa bàn {{ don_vi }}")
    assert "của Ủy ban nhân dân thành phố Hải Phòng về việc" in texts[1]
    assert "Kế hoạch số {{ kh_so }} ngày {{ kh_ngay }}" in texts[1]
    assert "{{ ubnd }} ban hành Kế hoạch triển khai thực hiện Đề án trên địa bàn {{ cap }}" in texts[1]
    body = template.read_text(encoding="utf-8")
    assert "Chủ nghĩa xã hội" in body and "“Thành phố văn minh; xã, phường hạnh phúc”" in body
    assert "tại một số xã phường, {{ don_vi }} không được lựa chọn" in body
