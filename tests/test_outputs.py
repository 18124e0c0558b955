"""Where plans are written: unique names, safe names, colleagues' permissions, and a person's
edits never lost (kept beside, or moved aside and said so)."""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from kehoach_gen.build import build_units
from kehoach_gen.cli import main
from kehoach_gen.errors import InputError
from kehoach_gen.outputs import EDITED_SUFFIX, output_name
from kehoach_gen.pipeline import Project, generate_unit

from .conftest import MINI_CITY, MINI_PROFILE, REPO, write


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.load(write(tmp_path / "city.yaml", MINI_CITY), REPO / "templates")


def _two_cam_giang(folder: Path) -> list[Path]:
    # Hải Phòng really has both: xã Cẩm Giang and xã Cẩm Giàng
    return [write(folder / "Cẩm Giang.yaml", MINI_PROFILE.replace("Tân An", "Cẩm Giang")),
            write(folder / "Cẩm Giàng.yaml", MINI_PROFILE.replace("Tân An", "Cẩm Giàng"))]


def test_two_profiles_that_would_write_one_file_stop_the_build_before_anything_is_written(
        project: Project, tmp_path: Path) -> None:
    paths = _two_cam_giang(tmp_path / "p")
    assert output_name(paths[0]) == output_name(paths[1]) == "cam_giang.docx"
    with pytest.raises(InputError) as exc:
        build_units(project, paths, tmp_path / "out", check=False, jobs=1)
    [problem] = exc.value.problems
    assert problem.file is not None and problem.file.endswith("Cẩm Giàng.yaml")
    assert "ghi ra cùng tệp" in problem.message and "Cẩm Giang.yaml" in problem.message
    assert not (tmp_path / "out").exists()


def test_generate_refuses_them_too_and_never_overwrites_another_units_plan(project: Project, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    paths = _two_cam_giang(tmp_path / "p")
    result = CliRunner().invoke(main, ["generate", "--city", "city.yaml", *map(str, paths), "--no-check"])
    assert result.exit_code == 1 and "ghi ra cùng tệp out/cam_giang.docx" in result.output
    assert not (tmp_path / "out").exists()
    # one at a time: the second finds the first unit's plan in its place and leaves it
    first = generate_unit(project, paths[0], tmp_path / "out")
    kept = first.output.read_bytes() if first.output else b""
    with pytest.raises(InputError) as exc:
        generate_unit(project, paths[1], tmp_path / "out")
    assert "đã là Kế hoạch của xã Cẩm Giang" in exc.value.problems[0].message
    assert (tmp_path / "out" / "cam_giang.docx").read_bytes() == kept


@pytest.mark.parametrize("stem", ["CON", "prn", "Aux", "NUL", "com1", "LPT9"])
def test_windows_reserved_names_get_a_safe_name(stem: str) -> None:
    name = output_name(Path(f"{stem}.yaml"))
    assert name == f"{stem.lower()}_.docx"


def test_files_respect_the_umask(project: Project, tmp_path: Path) -> None:
    profile = write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    old = os.umask(0o002)  # a shared office folder: the group may write
    try:
        from kehoach_gen import files

        files._umask.cache_clear()
        result = generate_unit(project, profile, tmp_path / "out")
        assert result.output is not None
        assert stat.S_IMODE(result.output.stat().st_mode) == 0o664
    finally:
        os.umask(old)
        files._umask.cache_clear()


def test_force_over_a_hand_edit_says_so_and_keeps_the_edit_aside(project: Project, tmp_path: Path) -> None:
    profile = write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    out = tmp_path / "out"
    generate_unit(project, profile, out)
    document = docx.Document(str(out / "tan_an.docx"))
    document.add_paragraph("Ghi chú của văn phòng.")
    document.save(str(out / "tan_an.docx"))
    edited = (out / "tan_an.docx").read_bytes()
    result = CliRunner().invoke(main, ["generate", "--city", str(tmp_path / "city.yaml"), str(profile), "-o",
                                       str(out), "--force", "--no-check", "--templates", str(REPO / "templates")])
    assert result.exit_code == 0, result.output
    aside = out / f"tan_an{EDITED_SUFFIX}.docx"
    assert f"Đã ghi đè bản sửa tay {out / 'tan_an.docx'}" in result.output
    assert f"bản sửa tay được chuyển sang {aside}" in result.output
    assert aside.read_bytes() == edited
    assert "Ghi chú của văn phòng" not in "\n".join(p.text for p in docx.Document(str(out / "tan_an.docx")).paragraphs)


def test_regenerating_over_its_own_plan_knows_it_without_inflating_it(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plan still as kehoach-gen wrote it is known by the hash of its parts as packed (about
    40 KB), read once per unit; its megabyte of XML is never inflated and hashed."""
    from kehoach_gen.render import properties

    profile = write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    first = generate_unit(project, profile, tmp_path / "out")
    assert first.status == "written"
    packed: list[int] = []
    inflated: list[int] = []
    real_packing, real_digest = properties.archive_packing, properties.document_digest
    monkeypatch.setattr(properties, "archive_packing",
                        lambda zf, data, skip: packed.append(len(data)) or real_packing(zf, data, skip))
    monkeypatch.setattr(properties, "document_digest", lambda data: inflated.append(len(data)) or real_digest(data))
    again = generate_unit(project, profile, tmp_path / "out", force=True)
    assert again.status in ("updated", "unchanged", "written") and again.output == first.output
    assert len(packed) == 1 and inflated == []
    assert not list((tmp_path / "out").glob(f"*{EDITED_SUFFIX}*"))  # still known as ours


def _rezipped(data: bytes, change: Callable[[str, bytes], bytes] = lambda name, part: part, *,
              level: int = 9) -> bytes:
    """``data`` written again part by part, as another program saves it (other compression)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as dst:
        for name in src.namelist():
            dst.writestr(name, change(name, src.read(name)))
    return out.getvalue()


@pytest.mark.parametrize(("case", "expected", "inflates"), [
    ("as written", "ours", False),
    ("saved again, same content", "ours", True),      # other compressed bytes: the content decides
    ("its document properties changed", "ours", True),  # core.xml is not content
    ("a word changed", "edited", True),
    ("a part added", "edited", True),
    ("packing record of another file", "edited", True),
])
def test_a_plan_is_ours_exactly_when_its_content_is_as_written(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, expected: str,
        inflates: bool) -> None:
    from kehoach_gen import outputs
    from kehoach_gen.render import properties

    profile = write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    target = generate_unit(project, profile, tmp_path / "out").output
    assert target is not None
    data = target.read_bytes()
    word = "Chỉ đạo chung".encode()
    assert word in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml")
    if case == "saved again, same content":
        data = _rezipped(data)
    elif case == "its document properties changed":
        data = _rezipped(data, lambda name, part: part.replace(b"</cp:coreProperties>",
                                                               b"<dc:title>Ban sua</dc:title></cp:coreProperties>")
                         if name == "docProps/core.xml" else part, level=1)
    elif case == "a word changed":
        data = _rezipped(data, lambda name, part: part.replace(word, "Chỉ đạo".encode()))
    elif case == "a part added":
        grown = io.BytesIO(data)
        with zipfile.ZipFile(grown, "a") as z:
            z.writestr("customXml/item9.xml", "<a/>")
        data = grown.getvalue()
    elif case == "packing record of another file":  # same recorded content hash, other parts
        other = _rezipped(data, lambda name, part: part.replace(word, "Chỉ đạo".encode()) if name == "word/document.xml"
                          else part)
        props = zipfile.ZipFile(io.BytesIO(data)).read(properties.CUSTOM_PROPS)
        data = _rezipped(other, lambda name, part: props if name == properties.CUSTOM_PROPS else part)
    target.write_bytes(data)
    inflated: list[int] = []
    real = properties.document_digest
    monkeypatch.setattr(properties, "document_digest", lambda d: inflated.append(len(d)) or real(d))
    state, props = outputs.existing_state(target)
    assert state == expected
    assert props[properties.PROP_CONTENT]
    assert bool(inflated) == inflates
