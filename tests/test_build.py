"""`build`: many units, in parallel, incremental, one failure does not stop the others."""

from __future__ import annotations

from pathlib import Path

import docx
from click.testing import CliRunner

from kehoach_gen.cli import main
from kehoach_gen.pipeline import Project, build_units

from .conftest import MINI_CITY, MINI_PROFILE, REPO, write
from .docx_helpers import open_docx

UNITS = {
    "tan_an": ("xã", "Tân An"),
    "le_chan": ("phường", "Lê Chân"),
    "cat_hai": ("đặc khu", "Cát Hải"),
    "kien_hai": ("xã", "Kiến Hải"),
}


def make_profiles(folder: Path) -> list[Path]:
    paths = []
    for stem, (level, name) in UNITS.items():
        text = MINI_PROFILE.replace("level: xã", f"level: {level}").replace("name: Tân An", f"name: {name}")
        paths.append(write(folder / f"{stem}.yaml", text))
    return paths


def build(tmp: Path, city: Path, **kw: object) -> dict[str, str]:
    project = Project.load(city, REPO / "templates")
    items = build_units(project, sorted((tmp / "p").glob("*.yaml")), tmp / "out", check=False, **kw)  # type: ignore[arg-type]
    return {Path(i.profile).stem: i.status for i in items}


def test_builds_every_unit_in_parallel_with_its_own_header(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    assert build(tmp_path, city, jobs=2) == {k: "written" for k in UNITS}
    for stem, (level, name) in UNITS.items():
        doc = open_docx(tmp_path / "out" / f"{stem}.docx")
        assert doc.tables[0].cell(0, 0).paragraphs[1].text == f"{level} {name}".upper()
        assert doc.paragraphs[1].text == f"Triển khai thực hiện Đề án trên địa bàn {level} {name}"


def test_incremental_only_changed_inputs_are_rebuilt(tmp_path: Path) -> None:
    paths = make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    build(tmp_path, city, jobs=2)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    assert set(build(tmp_path, city, jobs=2).values()) == {"unchanged"}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before
    # one profile changes: only that unit is rebuilt
    paths[0].write_text(paths[0].read_text(encoding="utf-8").replace("Phạm Minh Ngạn", "Trần Văn B"),
                        encoding="utf-8")
    statuses = build(tmp_path, city, jobs=2)
    assert statuses.pop("tan_an") == "updated"
    assert set(statuses.values()) == {"unchanged"}
    # the city template changes: every unit is rebuilt
    write(tmp_path / "city.yaml", MINI_CITY.replace("Hàng quý", "Hàng tháng"))
    assert set(build(tmp_path, city, jobs=2).values()) == {"updated"}
    assert set(build(tmp_path, city, jobs=2, force=True).values()) == {"updated"}


def test_one_bad_profile_does_not_stop_the_others(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    write(tmp_path / "p" / "bad.yaml", "level: huyện\nname: Tân An\n")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    statuses = build(tmp_path, city, jobs=2)
    assert statuses.pop("bad") == "failed"
    assert set(statuses.values()) == {"written"}


def test_a_hand_edited_document_is_reported_and_kept(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    build(tmp_path, city, jobs=1)
    target = tmp_path / "out" / "tan_an.docx"
    doc = docx.Document(str(target))
    doc.add_paragraph("Ghi chú của văn phòng")
    doc.save(str(target))
    edited = target.read_bytes()
    write(tmp_path / "city.yaml", MINI_CITY.replace("Hàng quý", "Hàng tháng"))
    statuses = build(tmp_path, city, jobs=2)
    assert statuses["tan_an"] == "kept-edited"
    assert target.read_bytes() == edited
    new = tmp_path / "out" / "tan_an (bản mới).docx"
    assert "Hàng tháng" in "\n".join(c.text for r in open_docx(new).tables[-1].rows for c in r.cells)


def test_build_cli_summary_and_exit_code(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    write(tmp_path / "p" / "bad.yaml", "level: xã\nname: Tân An\nsigner: {name: ''}\n")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "p"), "--city", str(city), "-o",
                                       str(tmp_path / "out"), "--no-check", "-j", "2"])
    assert result.exit_code == 1
    assert "Kết quả: 1 lỗi, 4 đã tạo." in result.output
    assert "bad.yaml:3: lỗi: signer.name: chưa điền họ tên người ký" in result.output
    result = CliRunner().invoke(main, ["build", str(tmp_path / "p"), "--city", str(city), "-o",
                                       str(tmp_path / "out"), "--no-check", "--draft"])
    assert result.exit_code == 0, result.output
    assert "4 đã cập nhật" in result.output and "1 đã tạo" in result.output
