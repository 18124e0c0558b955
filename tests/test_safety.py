"""Nothing a person wrote is ever lost, and nothing in an input file runs.

YAML is data only: ``!!python/…`` and other tags are refused before anything is built, alias
bombs stop. An output a person edited is kept and the new version written beside it; a write
that fails half-way leaves the old file as it was; output names cannot leave the output folder.
"""

from __future__ import annotations

import errno
import os
import unicodedata
from pathlib import Path

import docx
import pytest
import yaml

from kehoach_gen import files
from kehoach_gen.errors import InputError, OutputError
from kehoach_gen.loading import load_yaml, load_yaml_text
from kehoach_gen.pipeline import NEW_SUFFIX, Project, generate_unit, output_name
from kehoach_gen.units import slug

from .conftest import MINI_CITY, MINI_PROFILE, parse_yaml, write
from .docx_helpers import all_text, open_docx

# ---------------------------------------------------------------------------------------------
# YAML runs nothing

PAYLOADS = {
    "os_system": '!!python/object/apply:os.system ["touch {marker}"]',
    "builtins_open": '!!python/object/apply:builtins.open ["{marker}", "w"]',
    "object_new": '!!python/object/new:builtins.open ["{marker}", "w"]',
    "subprocess": '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    "pathlib_touch": '!!python/object/apply:pathlib.Path.touch [!!python/object/apply:pathlib.Path ["{marker}"]]',
}


@pytest.mark.parametrize("position", ["value", "list item", "nested"])
@pytest.mark.parametrize("payload", list(PAYLOADS), ids=list(PAYLOADS))
def test_python_tags_are_refused_and_nothing_runs(payload: str, position: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned.txt"
    tag = PAYLOADS[payload].format(marker=marker)
    text = {"value": f"place: {tag}\n", "list item": f"luu:\n  - VT\n  - {tag}\n",
            "nested": f"signer:\n  name: {tag}\n"}[position]
    with pytest.raises(InputError) as info:
        load_yaml_text(MINI_PROFILE.replace("signer:", "old_signer:") + text)
    assert any("thẻ YAML '!!python/" in p.message and "không được phép" in p.message
               for p in info.value.problems)
    assert not marker.exists()


def test_the_payload_is_live_with_an_unsafe_loader(tmp_path: Path) -> None:
    """The control: the very tag the loader refuses creates the file when PyYAML obeys it."""
    marker = tmp_path / "pwned.txt"
    yaml.unsafe_load("place: " + PAYLOADS["builtins_open"].format(marker=marker)).get("place").close()
    assert marker.exists()


@pytest.mark.parametrize("text", [
    "place: !foo Tân An\n",
    "place: !!binary aGVsbG8=\n",
    "luu: !!set {VT: null}\n",
    "noi_nhan: !!omap [{add: x}]\n",
    "!!python/name:os.system : x\n",
    "place: !<tag:yaml.org,2002:python/name:os.system> ''\n",
])
def test_every_tag_that_is_not_plain_data_is_refused(text: str) -> None:
    with pytest.raises(InputError) as info:
        load_yaml_text(MINI_PROFILE + text)
    assert any("thẻ YAML" in p.message for p in info.value.problems)


def test_an_alias_bomb_stops_quickly() -> None:
    bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]\n" for i in range(1, 12))
    with pytest.raises(InputError) as info:
        load_yaml_text(bomb)
    assert "quá nhiều giá trị" in info.value.problems[0].message


def test_a_self_containing_alias_is_refused() -> None:
    with pytest.raises(InputError) as info:
        load_yaml_text("a: &x {b: *x}\n")
    assert "trỏ về chính giá trị chứa nó" in info.value.problems[0].message


def test_merge_keys_still_work() -> None:
    loaded = load_yaml_text("base: &b {city: A, drop: true}\nrole:\n  <<: *b\n  city: B\n")
    assert loaded.data["role"] == {"city": "B", "drop": True}


def test_every_string_and_key_is_nfc(tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", "Tân An")
    path = tmp_path / "p.yaml"
    path.write_text(f"{unicodedata.normalize('NFD', 'tên')}: {nfd}\nlist: [{nfd}]\n", encoding="utf-8")
    data = load_yaml(path).data
    assert data == {"tên": "Tân An", "list": ["Tân An"]}


# ---------------------------------------------------------------------------------------------
# Generated files: kept when edited, never half-written, always inside the output folder


@pytest.fixture
def project(tmp_path: Path) -> Project:
    return Project.load(write(tmp_path / "city.yaml", MINI_CITY))


@pytest.fixture
def profile(tmp_path: Path) -> Path:
    return write(tmp_path / "profiles" / "tan_an.yaml", MINI_PROFILE)


def _tree(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _edit(path: Path) -> bytes:
    """What a clerk does: open the document in a word processor, add a line, save."""
    document = docx.Document(str(path))
    document.add_paragraph("Ghi chú của văn phòng: đã trình ký.")
    document.save(str(path))
    return path.read_bytes()


def test_an_edited_output_is_kept_and_the_new_version_written_beside_it(
        project: Project, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = generate_unit(project, profile, out)
    assert first.status == "written" and first.output == out / "tan_an.docx"
    edited = _edit(out / "tan_an.docx")

    again = generate_unit(project, profile, out)
    assert again.status == "kept-edited"
    assert (out / "tan_an.docx").read_bytes() == edited
    assert again.edited_path == out / "tan_an.docx"
    assert again.output == out / f"tan_an{NEW_SUFFIX}.docx" == out / "tan_an (bản mới).docx"
    assert "xã Tân An" in all_text(open_docx(again.output))

    # a third run neither touches the edited file nor piles up copies
    generate_unit(project, profile, out)
    assert (out / "tan_an.docx").read_bytes() == edited
    assert sorted(p.name for p in out.iterdir()) == ["tan_an (bản mới).docx", "tan_an.docx"]

    forced = generate_unit(project, profile, out, force=True)
    assert forced.status == "forced" and forced.output == out / "tan_an.docx"
    assert (out / "tan_an.docx").read_bytes() != edited
    assert "đã trình ký" not in all_text(open_docx(out / "tan_an.docx"))


def test_an_unchanged_unit_is_not_rewritten(project: Project, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate_unit(project, profile, out)
    before = (out / "tan_an.docx").stat().st_mtime_ns, (out / "tan_an.docx").read_bytes()
    assert generate_unit(project, profile, out).status == "unchanged"
    assert ((out / "tan_an.docx").stat().st_mtime_ns, (out / "tan_an.docx").read_bytes()) == before


def test_a_file_that_is_not_a_document_is_kept_too(project: Project, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "tan_an.docx").write_bytes(b"ban nhap viet tay")
    result = generate_unit(project, profile, out)
    assert result.status == "kept-edited"
    assert (out / "tan_an.docx").read_bytes() == b"ban nhap viet tay"


def test_a_document_with_broken_properties_is_kept(project: Project, profile: Path, tmp_path: Path) -> None:
    import zipfile

    out = tmp_path / "out"
    out.mkdir()
    with zipfile.ZipFile(out / "tan_an.docx", "w") as z:
        z.writestr("docProps/custom.xml", "<Properties")
        z.writestr("word/document.xml", "<w:document/>")
    kept = (out / "tan_an.docx").read_bytes()
    assert generate_unit(project, profile, out).status == "kept-edited"
    assert (out / "tan_an.docx").read_bytes() == kept


def _changed_profile(profile: Path) -> None:
    profile.write_text(MINI_PROFILE + "place: Hải Phòng\n", encoding="utf-8")


@pytest.mark.parametrize("where", ["os.replace", "write", "fsync"])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
        where: str, project: Project, profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    generate_unit(project, profile, out)
    old = (out / "tan_an.docx").read_bytes()
    _changed_profile(profile)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    if where == "os.replace":
        monkeypatch.setattr(files.os, "replace", disk_full)
    elif where == "fsync":
        monkeypatch.setattr(files.os, "fsync", disk_full)
    else:
        real_fdopen = os.fdopen

        class HalfWritten:
            def __init__(self, fd: int, mode: str) -> None:
                self.f = real_fdopen(fd, mode)

            def __enter__(self) -> HalfWritten:
                return self

            def __exit__(self, *exc: object) -> None:
                self.f.close()

            def write(self, data: bytes) -> None:
                self.f.write(data[: len(data) // 2])
                disk_full()

        monkeypatch.setattr(files.os, "fdopen", HalfWritten)

    with pytest.raises(OutputError) as info:
        generate_unit(project, profile, out)
    assert "không ghi được tệp" in str(info.value)
    assert (out / "tan_an.docx").read_bytes() == old
    assert sorted(p.name for p in out.iterdir()) == ["tan_an.docx"]


def test_ctrl_c_during_the_write_leaves_the_old_file(
        project: Project, profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    generate_unit(project, profile, out)
    old = (out / "tan_an.docx").read_bytes()
    _changed_profile(profile)

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        generate_unit(project, profile, out)
    assert (out / "tan_an.docx").read_bytes() == old
    assert sorted(p.name for p in out.iterdir()) == ["tan_an.docx"]


def test_a_plan_is_flushed_to_disk_before_it_replaces_one_and_not_when_it_replaces_nothing(
        project: Project, profile: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[int] = []
    real_fsync = os.fsync

    def counted(fd: int) -> None:
        flushed.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(files.os, "fsync", counted)
    out = tmp_path / "out"
    assert generate_unit(project, profile, out).status == "written"
    assert flushed == []  # nothing to lose: a crash leaves at most an empty file
    _changed_profile(profile)
    assert generate_unit(project, profile, out).status == "updated"
    assert len(flushed) == 1  # the old plan is kept until the new one is on the disk


def test_an_empty_file_where_a_crash_left_the_plan_is_written_over(
        project: Project, profile: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "tan_an.docx").write_bytes(b"")
    result = generate_unit(project, profile, out)
    assert (result.status, result.edited_path) == ("written", None)
    assert sorted(p.name for p in out.iterdir()) == ["tan_an.docx"]  # no "(bản mới)" beside it
    assert "KẾ HOẠCH" in all_text(open_docx(out / "tan_an.docx"))


def test_a_profile_path_with_dot_dot_cannot_write_outside_the_output_folder(
        project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)
    write(tmp_path / "evil.yaml", MINI_PROFILE)
    out = tmp_path / "a" / "out"
    before = _tree(tmp_path)
    result = generate_unit(project, "../../evil.yaml", out)
    assert result.output == out / "evil.docx"
    assert set(_tree(tmp_path)) - set(before) == {out / "evil.docx"}


@pytest.mark.parametrize("unit_name", ["../../../evil", "Tân/An", "..", "C:\\Windows\\evil", "a\\..\\..\\b"])
def test_a_unit_name_cannot_choose_where_the_file_goes(unit_name: str, project: Project, tmp_path: Path) -> None:
    data = parse_yaml(MINI_PROFILE)
    data["name"] = unit_name
    profile = tmp_path / "profiles" / "x.yaml"
    profile.parent.mkdir()
    profile.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out"
    before = _tree(tmp_path)
    result = generate_unit(project, profile, out)
    assert set(_tree(tmp_path)) - set(before) == {out / "x.docx"}
    assert result.plan is not None and unit_name in result.plan.unit_name


@pytest.mark.parametrize("stem", ["../../evil", "..", ".", "", "a/b", "..\\..\\evil", "CON", "~", "Tân An 😀",
                                  "-rf", "x" * 300])
def test_output_names_are_plain_file_names(stem: str) -> None:
    name = output_name(Path(f"{stem}.yaml"))
    assert name.endswith(".docx")
    assert "/" not in name and "\\" not in name and not name.startswith(".")
    assert Path(name).name == name
    assert slug(stem) and set(slug(stem)) <= set("abcdefghijklmnopqrstuvwxyz0123456789_")


def test_a_symlink_planted_in_the_output_folder_is_not_followed(
        project: Project, profile: Path, tmp_path: Path) -> None:
    outside = tmp_path / "important.docx"
    outside.write_bytes(b"do not touch")
    out = tmp_path / "out"
    out.mkdir()
    (out / "tan_an.docx").symlink_to(outside)
    generate_unit(project, profile, out)
    assert outside.read_bytes() == b"do not touch"


def test_a_decomposed_name_in_a_profile_file_is_composed_in_the_document(
        project: Project, tmp_path: Path) -> None:
    nfd = unicodedata.normalize("NFD", MINI_PROFILE)
    assert nfd != MINI_PROFILE
    profile = tmp_path / "tan_an.yaml"
    profile.write_text(nfd, encoding="utf-8")
    result = generate_unit(project, profile, tmp_path / "out")
    assert result.plan is not None and result.plan.unit_name == "xã Tân An"
    text = all_text(open_docx(result.output))  # type: ignore[arg-type]
    assert "XÃ TÂN AN" in text and "Phạm Minh Ngạn" in text
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(("written", "limit", "whole"), [
    (b"level: xa\n" * 10, 1000, True),       # as large as it was when looked at
    (b"level: xa\n" * 10, 50, False),        # larger than allowed
])
def test_a_file_read_whole_even_when_it_grew_since_it_was_looked_at(
        written: bytes, limit: int, whole: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file is read up to the size it had when looked at (no buffer of the whole limit is
    made), and on if it grew meanwhile, up to the limit."""
    from kehoach_gen import loading

    path = tmp_path / "p.yaml"
    path.write_bytes(written)
    real_stat = os.stat

    def looked_at_smaller(p: object, *args: object, **kwargs: object) -> os.stat_result:
        st = real_stat(p, *args, **kwargs)  # type: ignore[arg-type]
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, st.st_uid, st.st_gid,
                               10, st.st_atime, st.st_mtime, st.st_ctime))

    monkeypatch.setattr(os, "stat", looked_at_smaller)
    if whole:
        assert loading.read_bounded(path, limit, "tệp YAML") == written
    else:
        with pytest.raises(InputError, match="tệp quá lớn"):
            loading.read_bounded(path, limit, "tệp YAML")
