"""The CLI wrappers: check, import, diff, check-template, help; messages and exit codes."""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_gen.cli import main
from kehoach_gen.validate import load_city

from . import make_city_docx
from .check_fixtures import make_plan_docx
from .conftest import MINI_CITY, MINI_PROFILE, REPO, read_yaml, write


def run(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_help_teaches_in_vietnamese() -> None:
    result = run("--help")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    for word in ("generate", "build", "diff", "check", "import", "init-units", "validate", "Ví dụ"):
        assert word in result.output  # type: ignore[attr-defined]
    assert "Tạo Kế hoạch (.docx)" in run("generate", "--help").output  # type: ignore[attr-defined]


def test_check_a_conforming_and_a_broken_document(tmp_path: Path) -> None:
    good = tmp_path / "good.docx"
    good.write_bytes(make_plan_docx())
    result = run("check", good)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Đạt" in result.output  # type: ignore[attr-defined]
    bad = tmp_path / "bad.docx"
    kem_theo = "(Kèm theo Kế hoạch số 5/KH-UBND ngày      tháng 5 năm 2026 của Ủy ban nhân dân xã Tân An)"
    bad.write_bytes(make_plan_docx(so="Số: 5/KH-UBND", kem_theo=kem_theo))
    result = run("check", bad, "--json")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    data = json.loads(result.output)  # type: ignore[attr-defined]
    assert "ND30-SO" in {f["rule"] for f in data["findings"]}


def test_check_lists_every_rule_and_asks_for_a_file() -> None:
    from kehoach_gen.check.rules import registered

    result = CliRunner().invoke(main, ["check", "--rules"])
    assert result.exit_code == 0 and result.exception is None
    lines = result.output.splitlines()
    assert len(lines) == len(registered()) and len(lines) >= 30
    assert any(line.startswith("ND30-AUTHORITY") and "lỗi" in line for line in lines)
    assert any(line.startswith("STYLE-TONE") and "cảnh báo" in line for line in lines)
    listed = json.loads(CliRunner().invoke(main, ["check", "--rules", "--json"]).output)
    assert {r["rule"] for r in listed} == {r.id for r in registered()}
    bare = CliRunner().invoke(main, ["check"])
    assert bare.exit_code == 2 and "Thiếu tệp .docx" in bare.output


def test_check_a_file_that_is_not_a_docx(tmp_path: Path) -> None:
    bogus = write(tmp_path / "x.docx", "không phải Word")
    result = run("check", bogus)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "x.docx" in result.output  # type: ignore[attr-defined]
    exc = result.exception  # type: ignore[attr-defined]
    assert exc is None or isinstance(exc, SystemExit), repr(exc)


def test_import_writes_a_template_and_never_overwrites_without_force(tmp_path: Path) -> None:
    source = tmp_path / "thanh_pho.docx"
    make_city_docx.build_docx(make_city_docx.seed_appendix(), source)
    out = tmp_path / "imported.yaml"
    result = run("import", source, "-o", out)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "Đã nhập 58 nhiệm vụ" in result.output  # type: ignore[attr-defined]
    data = read_yaml(out.read_text(encoding="utf-8"))
    assert [g["id"] for g in data["appendix"]["groups"]] == ["A", "B"]
    before = out.read_bytes()
    result = run("import", source, "-o", out)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert out.read_bytes() == before
    # a re-import against the reviewed template gives a complete, valid city template
    full = tmp_path / "full.yaml"
    result = run("import", source, "-o", full, "--previous", REPO / "city_template.yaml")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    city = load_city(full)[0]
    assert len(city.task_index()) == 58


def test_import_of_a_non_table_document_is_a_clear_error(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_paragraph("Chỉ có chữ, không có bảng.")
    source = tmp_path / "van_ban.docx"
    doc.save(str(source))
    result = run("import", source, "-o", tmp_path / "x.yaml")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "van_ban.docx" in result.output and "bảng" in result.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.yaml").exists()


def test_diff_cli_text_and_json(tmp_path: Path) -> None:
    old = write(tmp_path / "old.yaml", MINI_CITY)
    new = write(tmp_path / "new.yaml", MINI_CITY.replace("deadline: Hàng quý", "deadline: Quý IV"))
    profile = write(tmp_path / "p" / "tan_an.yaml", MINI_PROFILE)
    result = run("diff", old, new, "-p", profile.parent)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert "~ B01: đổi tiến độ" in result.output  # type: ignore[attr-defined]
    assert "xã Tân An" in result.output  # type: ignore[attr-defined]
    data = json.loads(run("diff", old, new, "-p", profile.parent, "--json").output)  # type: ignore[attr-defined]
    assert data["units"][0]["tasks"] == ["B01"]


def test_check_template_reports_smart_quotes(tmp_path: Path) -> None:
    raw = (REPO / "templates" / "ke_hoach.docx").read_bytes()
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":
                data = data.replace(b"para.kind == 'h1'", "para.kind == ‘h1’".encode())
            dst.writestr(name, data)
    bad = tmp_path / "mau.docx"
    bad.write_bytes(out.getvalue())
    assert run("check-template", REPO / "templates" / "ke_hoach.docx").exit_code == 0  # type: ignore[attr-defined]
    result = run("check-template", bad)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "dấu nháy cong" in result.output  # type: ignore[attr-defined]


def test_click_speaks_vietnamese_too() -> None:
    """Click's own words (help, usage errors) come in Vietnamese like the rest."""
    help_text = run("generate", "--help").output  # type: ignore[attr-defined]
    assert "Cách dùng:" in help_text and "Tùy chọn" in help_text and "Hiện hướng dẫn này rồi thoát." in help_text
    assert "Show this message and exit." not in help_text and "Usage:" not in help_text
    for args, says in ((["validate", "--nope"], "Lỗi: Không có tùy chọn '--nope'."),
                       (["nocmd"], "Lỗi: Không có lệnh 'nocmd'."),
                       (["build", "-j", "99"], "không nằm trong khoảng"),
                       (["generate", "--layout", "x"], "không phải một trong 'appendix', 'inline'")):
        result = run(*args)
        assert result.exit_code == 2  # type: ignore[attr-defined]
        assert says in result.output and "Error:" not in result.output, result.output  # type: ignore[attr-defined]


def test_the_help_examples_name_the_files_the_tool_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The main help says `check out/tan_an.docx`: the file `generate` really writes."""
    import re

    monkeypatch.chdir(tmp_path)
    generated = run("generate", "--no-check")
    assert generated.exit_code == 0, generated.output  # type: ignore[attr-defined]
    named = re.findall(r"check (out/\S+\.docx)", run("--help").output)  # type: ignore[attr-defined]
    assert named
    for name in named:
        assert (tmp_path / name).is_file(), name


def test_the_command_tunes_the_garbage_collector_and_importing_the_library_does_not() -> None:
    """``kehoach-gen`` (the console script ``kehoach_gen.cli:run``) runs with a young generation
    of 200,000 objects; a program that only imports kehoach_gen keeps Python's settings."""
    import configparser
    import subprocess
    import sys

    from kehoach_gen.cli import GC_THRESHOLDS

    setup = configparser.ConfigParser()
    setup.read(REPO / "setup.cfg", encoding="utf-8")
    assert "kehoach-gen = kehoach_gen.cli:run" in setup["options.entry_points"]["console_scripts"]
    code = ("import gc, sys\nimport kehoach_gen.cli, kehoach_gen.pipeline, kehoach_gen.check\n"
            "imported = gc.get_threshold()\n"
            "def main():\n    print(imported, gc.get_threshold())\n    sys.exit(0)\n"
            "kehoach_gen.cli.main = main\nkehoach_gen.cli.run()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    imported, ran = done.stdout.strip().splitlines()[-1].split(") (")
    assert imported == "(700, 10, 10", "importing kehoach_gen changed the collector's thresholds"
    assert ran == ", ".join(map(str, GC_THRESHOLDS)) + ")"


@pytest.mark.parametrize("ending, status, said", [
    ("sys.exit(0)", 0, ""), ("sys.exit(None)", 0, ""), ("sys.exit(2)", 2, ""),
    ("sys.exit('thông báo lỗi')", 1, "thông báo lỗi\n")])
def test_the_command_ends_with_its_code_and_everything_it_wrote(ending: str, status: int,
                                                                said: str) -> None:
    """``run`` ends the process at once (``cli.leave``: no heap torn down, so no exit handler
    runs), with click's exit code, and with all it wrote on both streams flushed, however much
    is still buffered."""
    import subprocess
    import sys

    code = ("import atexit, sys\nimport kehoach_gen.cli as cli\n"
            "def main():\n"
            "    atexit.register(print, 'tearing down')\n"
            "    sys.stdout.write('x' * 100_000)\n"
            "    sys.stdout.write('hết')\n"  # (kept in the buffer: no line ends it)
            "    sys.stderr.write('lỗi ở dòng cuối')\n"
            f"    {ending}\n"
            "cli.main = main\ncli.run()\nprint('never here')\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (buffered, as a user has it)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, env=env)
    assert done.returncode == status, done.stderr
    assert done.stdout.decode() == "x" * 100_000 + "hết"
    assert done.stderr.decode() == "lỗi ở dòng cuối" + said


@pytest.mark.parametrize("args", [["check", "--help"], ["--help"], ["check", "--rules"]])
def test_output_cut_short_by_its_reader_is_no_error(args: list[str]) -> None:
    """``kehoach-gen … | head``: when what reads the output closes it, the command ends quietly
    (click's exit code 1), with no "lỗi không mong đợi" and no traceback."""
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-m", "kehoach_gen.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=REPO)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # (before the command writes: it is still importing)
    said = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 1
    assert said == ""


def test_another_pipe_broken_is_still_an_unexpected_error() -> None:
    """A BrokenPipeError that is not about the command's own output (a helper process that
    died) is reported as the unexpected error it is."""
    @main.command("vo-ong-thu")
    def broken() -> None:
        raise BrokenPipeError(32, "Broken pipe")

    try:
        result = CliRunner().invoke(main, ["vo-ong-thu"])
    finally:
        main.commands.pop("vo-ong-thu")
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "lỗi không mong đợi: BrokenPipeError" in result.output
