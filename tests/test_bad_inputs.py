"""Every mistake a clerk can make gets one clear message: where (file:line, dotted key), what,
how to fix it, and exit code 1; never a traceback.

The profiles are the corpus in ``tests/bad_inputs/`` (one file per mistake, its first line says
which); the city template's mistakes are made by changing ``MINI_CITY`` here. Each case runs the
real command, ``kehoach-gen validate --city city.yaml PROFILE``, in a temporary folder.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kehoach_gen.cli import main

from .conftest import MINI_CITY, MINI_PROFILE, write

CORPUS = Path(__file__).parent / "bad_inputs"


@dataclass(frozen=True)
class Case:
    """A mistake and the one message it must produce."""

    file: str
    line: int
    key: str
    says: tuple[str, ...]  # the message, in pieces that must all be on its line
    code: int = 1
    kind: str = "lỗi"  # or "cảnh báo"


PROFILE_CASES = [
    Case("profile_unknown_key.yaml", 9, "pilott", ("khóa 'pilott' không có trong mẫu", "Có phải ý bạn là 'pilot'?")),
    Case("profile_unknown_nested_key.yaml", 7, "signer.postion",
         ("khóa 'postion' không có trong mẫu", "Có phải ý bạn là 'position'?")),
    Case("profile_level_huyen.yaml", 2, "level", ("cấp 'huyện' không hợp lệ", "Dùng một trong: xã, phường, đặc khu")),
    Case("profile_level_missing.yaml", 2, "level", ("thiếu khóa bắt buộc 'level'", "unit_profiles/tan_an.yaml")),
    Case("profile_name_blank.yaml", 3, "name", ("chưa điền tên đơn vị", "ví dụ Tân An")),
    Case("profile_date_feb30.yaml", 4, "date",
         ("ngày 30/02/2026 không có trong lịch; tháng 2 năm 2026 có 28 ngày",)),
    Case("profile_date_slashes.yaml", 4, "date",
         ("ngày '02/05/2026' không đúng dạng", "NĂM-THÁNG-NGÀY (2026-05-15)")),
    Case("profile_date_month13.yaml", 4, "date", ("tháng 13 không có; tháng từ 1 đến 12",)),
    Case("profile_number_letters.yaml", 9, "number",
         ("số văn bản '15/KH-UBND' không hợp lệ", "ký hiệu ghi ở khóa 'symbol'")),
    Case("profile_number_zero.yaml", 9, "number", ("số văn bản '0' không hợp lệ", "từ 1 trở lên")),
    Case("profile_symbol_spaces.yaml", 9, "symbol",
         ("ký hiệu 'KH UBND' không đúng Nghị định 30", "(ví dụ KH-UBND)")),
    Case("profile_authority_KT_slash.yaml", 8, "signer.authority",
         ("thẩm quyền ký 'KT/' không hợp lệ", "dùng một trong: TM., KT., TL., TUQ., Q.")),
    Case("profile_authority_TT.yaml", 8, "signer.authority", ("thẩm quyền ký 'TT.' không hợp lệ",)),
    Case("profile_signer_title_ThS.yaml", 6, "signer.name",
         ("tên người ký 'ThS. Phạm Minh Ngạn' có học hàm, học vị", "chỉ ghi 'Phạm Minh Ngạn'")),
    Case("profile_signer_is_text.yaml", 5, "signer",
         ("đây là giá trị đơn 'Phạm Minh Ngạn', nhưng ở đây cần bảng khóa con (name, position, authority)",
          "thụt lề 2 dấu cách")),
    Case("profile_tab_indent.yaml", 7, "",
         ("dòng thụt lề bằng phím Tab; YAML chỉ cho phép dấu cách", "Thay mỗi Tab ở đầu dòng bằng dấu cách")),
    Case("profile_duplicate_key.yaml", 9, "name",
         ("khóa 'name' xuất hiện hai lần (lần đầu ở dòng 3)", "YAML chỉ giữ lần cuối")),
    Case("profile_no_as_bool.yaml", 3, "name",
         ("YAML hiểu 'no' là giá trị đúng/sai (false), nhưng ở đây cần văn bản", 'ví dụ "no"')),
    Case("profile_leading_zero.yaml", 9, "place",
         ("YAML hiểu '05' là số 5, nhưng ở đây cần văn bản", 'ví dụ "05"')),
    Case("profile_time_as_number.yaml", 9, "place", ("YAML hiểu '12:30' là số 750", 'ví dụ "12:30"')),
    Case("profile_date_as_text.yaml", 6, "signer.name",
         ("YAML hiểu '2026-05-02' là ngày tháng, nhưng ở đây cần văn bản", 'ví dụ "2026-05-02"')),
    Case("profile_yes_task_text.yaml", 12, "local_tasks[0].text",
         ("YAML hiểu 'yes' là giá trị đúng/sai (true), nhưng ở đây cần văn bản", 'ví dụ "yes"')),
    Case("profile_empty.yaml", 1, "", ("tệp rỗng", "Sao chép một tệp mẫu")),
    Case("profile_not_mapping.yaml", 2, "", ("tệp phải là một bảng 'khóa: giá trị' ở cấp ngoài cùng",)),
    Case("profile_python_tag.yaml", 9, "place",
         ("thẻ YAML '!!python/object/apply:os.system' không được phép",)),
    Case("profile_python_open.yaml", 9, "place",
         ("thẻ YAML '!!python/object/apply:builtins.open' không được phép",)),
    Case("profile_python_name.yaml", 9, "place", ("thẻ YAML '!!python/name:os.system' không được phép",)),
    Case("profile_unknown_tag.yaml", 9, "place", ("thẻ YAML '!foo' không được phép", "Xóa '!foo'")),
    Case("profile_override_missing_task.yaml", 10, "overrides.B1",
         ("không có nhiệm vụ mã 'B1' trong mẫu thành phố", "Có phải: B01?")),
    Case("profile_unknown_role.yaml", 10, "departments.tu_phapp",
         ("mã vai trò 'tu_phapp' chưa được định nghĩa", "Có phải: tu_phap?")),
    Case("profile_unknown_role_in_lead.yaml", 13, "local_tasks[0].lead[0]",
         ("mã vai trò 'cong_ann' chưa được định nghĩa", "Có phải: cong_an")),
    Case("profile_bad_placeholder.yaml", 12, "local_tasks[0].text",
         ("chỗ điền 'don_vii' không tồn tại", "Các chỗ điền dùng được: cap, Cap, ten, don_vi")),
    Case("profile_sandbox_escape.yaml", 12, "local_tasks[0].text", ("chỗ điền", "không được phép")),
    Case("profile_local_task_bad_section.yaml", 11, "local_tasks[0].section",
         ("không có mục 'B-IV' để thêm nhiệm vụ", "Có phải: B-II, B-III?")),
    Case("profile_local_task_missing_text.yaml", 10, "local_tasks[0].text", ("thiếu khóa bắt buộc 'text'",)),
    Case("profile_control_char.yaml", 9, "place",
         ("có ký tự điều khiển không in được (U+0007, chuông) ở cột 11", "Xóa ký tự đó")),
    Case("profile_control_escape.yaml", 9, "place",
         ("văn bản có ký tự điều khiển không in được (U+0007, chuông)", "Xóa mã thoát")),
    Case("profile_noncharacter.yaml", 9, "place", ("có ký tự không hợp lệ (U+FFFE) ở cột 11",)),
    Case("profile_list_instead_of_text.yaml", 9, "place",
         ("đây là danh sách, nhưng ở đây cần văn bản", "bỏ các dấu '- ' hoặc [ ]")),
    Case("profile_colon_in_list_item.yaml", 11, "noi_nhan.add[0]",
         ("đây là bảng khóa con, nhưng ở đây cần văn bản", "phải đặt trong dấu nháy kép")),
    Case("profile_colon_in_text.yaml", 9, "",
         ("cú pháp YAML sai: dấu ':' không được phép ở đây (cột 14)", "phải đặt trong dấu nháy kép")),
    Case("profile_unclosed_quote.yaml", 9, "", ("cú pháp YAML sai: thiếu dấu nháy đóng",)),
    Case("profile_bad_indent.yaml", 7, "",
         ("cú pháp YAML sai: dòng này thụt lề không thẳng với các khóa cùng cấp", "cùng một cột")),
    Case("profile_backslash.yaml", 9, "",
         ("cú pháp YAML sai: dấu '\\' trong dấu nháy kép tạo mã thoát không hợp lệ", "Dùng dấu nháy đơn")),
    Case("profile_two_documents.yaml", 9, "", ("cú pháp YAML sai: tệp có nhiều tài liệu", "xóa dòng '---' thừa")),
    Case("profile_pilot_text.yaml", 9, "pilot",
         ("giá trị 'có' không hợp lệ: cần true hoặc false", "Ghi true (có) hoặc false (không)")),
    Case("profile_layout_unknown.yaml", 9, "task_layout",
         ("giá trị 'bang' không hợp lệ", "Dùng một trong: appendix, inline")),
    Case("profile_department_number.yaml", 10, "departments.tu_phap",
         ("YAML hiểu '5' là số 5, nhưng ở đây cần văn bản hoặc danh sách",)),
    Case("profile_noi_nhan_remove_missing.yaml", 11, "noi_nhan.remove[0]",
         ("không có 'Sở Xây dựng thành phố' trong Nơi nhận để bỏ", "Sở Tư pháp thành phố")),
    Case("profile_recursive_alias.yaml", 9, "luu[1]", ("bí danh (*…) trỏ về chính giá trị chứa nó",)),
    Case("profile_alias_bomb.yaml", 13, "x5", ("tệp có quá nhiều giá trị", "khi mở rộng bí danh")),
    Case("profile_unknown_unit.yaml", 3, "name",
         ("không có xã 'Tân Ann' trong danh sách đơn vị hành chính của thành phố Hải Phòng",
          "có phải: xã Tân An"), code=0, kind="cảnh báo"),
    Case("profile_level_mismatch.yaml", 3, "level",
         ("Lê Chân là phường, không phải xã", "Sửa 'level' thành phuong"), code=0, kind="cảnh báo"),
]


def invoke(args: Sequence[str]) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_no_escape(result: Result) -> None:
    """Nothing escaped the command: click's runner keeps an exception instead of printing its
    traceback, so the exception itself is what shows a failure (a message and an exit code only
    ever end in SystemExit)."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def message_lines(result: Result) -> list[str]:
    return [ln for ln in result.output.splitlines() if ": lỗi: " in ln or ": cảnh báo: " in ln]


def assert_reports(result: Result, file: str, case: Case) -> None:
    """One line ``file:line: kind: key: message`` holds every piece; exit code; no traceback."""
    key = f"{case.key}: " if case.key else ""
    prefix = f"{file}:{case.line}: {case.kind}: {key}"
    lines = [ln for ln in message_lines(result) if ln.startswith(prefix)]
    assert lines, f"no line starts with {prefix!r}:\n{result.output}"
    assert any(all(piece in ln for piece in case.says) for ln in lines), result.output
    assert result.exit_code == case.code, result.output
    assert_no_escape(result)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with the mini city template, as the working directory (messages name files
    relative to it)."""
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "city.yaml", MINI_CITY)
    write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    return tmp_path


def test_the_corpus_has_a_case_for_every_file() -> None:
    assert {c.file for c in PROFILE_CASES} | {"profile_three_mistakes.yaml", "profile_signer_name_missing.yaml"} \
        == {p.name for p in CORPUS.glob("*.yaml")}
    for path in CORPUS.glob("*.yaml"):
        assert path.read_text(encoding="utf-8").startswith("# "), path.name  # says what the mistake is


@pytest.mark.parametrize("case", PROFILE_CASES, ids=lambda c: c.file.removesuffix(".yaml"))
def test_each_mistake_in_a_profile_gets_one_located_message(case: Case, workdir: Path) -> None:
    shutil.copy(CORPUS / case.file, workdir / case.file)
    result = invoke(["validate", "--city", "city.yaml", case.file])
    assert_reports(result, case.file, case)
    if case.kind == "lỗi":
        assert "0/1 hồ sơ hợp lệ" in result.output


@pytest.mark.parametrize("case", [c for c in PROFILE_CASES if c.kind == "lỗi"][::4],
                         ids=lambda c: c.file.removesuffix(".yaml"))
def test_generate_runs_the_same_checks_and_writes_nothing(case: Case, workdir: Path) -> None:
    shutil.copy(CORPUS / case.file, workdir / case.file)
    result = invoke(["generate", "--city", "city.yaml", case.file, "-o", "out"])
    assert_reports(result, case.file, case)
    assert not list(workdir.glob("out/*.docx"))


def test_a_file_with_three_mistakes_reports_all_three_in_one_run(workdir: Path) -> None:
    name = "profile_three_mistakes.yaml"
    shutil.copy(CORPUS / name, workdir / name)
    result = invoke(["validate", "--city", "city.yaml", name])
    assert result.exit_code == 1
    assert message_lines(result) == [
        f"{name}:2: lỗi: level: cấp 'huyện' không hợp lệ. Dùng một trong: xã, phường, đặc khu",
        f"{name}:4: lỗi: date: ngày 30/02/2026 không có trong lịch; tháng 2 năm 2026 có 28 ngày",
        f"{name}:9: lỗi: pilott: khóa 'pilott' không có trong mẫu. Có phải ý bạn là 'pilot'?",
    ]


def test_stray_characters_do_not_hide_the_files_other_mistakes(workdir: Path) -> None:
    write(workdir / "p.yaml", MINI_PROFILE + "place: Tân\x0bAn\npilott: true\n")
    lines = message_lines(invoke(["validate", "--city", "city.yaml", "p.yaml"]))
    assert [ln.split(": lỗi: ")[0] for ln in lines] == ["p.yaml:8", "p.yaml:9"]
    assert "place: có ký tự điều khiển không in được (U+000B, tab dọc) ở cột 11" in lines[0]


def test_a_file_that_is_not_utf8_names_the_line_and_says_save_as_utf8(workdir: Path) -> None:
    # profile_cp1258: "Tân An" as Windows-1258 writes it (â = 0xE2), after five good lines
    raw = MINI_PROFILE.encode("utf-8")[: MINI_PROFILE.encode("utf-8").index(b"signer")] + b"place: T\xe2n An\n"
    (workdir / "profile_cp1258.yaml").write_bytes(raw)
    assert raw.decode("cp1258").endswith("place: Tân An\n")
    result = invoke(["validate", "--city", "city.yaml", "profile_cp1258.yaml"])
    assert_reports(result, "profile_cp1258.yaml", Case(
        "profile_cp1258.yaml", 4, "",
        ("tệp không phải văn bản UTF-8", "Windows-1258", "lưu lại với bảng mã UTF-8")))


def test_a_byte_order_mark_is_accepted(workdir: Path) -> None:
    (workdir / "bom.yaml").write_bytes(b"\xef\xbb\xbf" + MINI_PROFILE.encode("utf-8"))
    result = invoke(["validate", "--city", "city.yaml", "bom.yaml"])
    assert result.exit_code == 0, result.output


def test_nesting_hundreds_deep_is_refused_not_a_crash(workdir: Path) -> None:
    write(workdir / "deep.yaml", MINI_PROFILE + "luu: " + "[" * 5000 + "]" * 5000 + "\n")
    result = invoke(["validate", "--city", "city.yaml", "deep.yaml"])
    assert result.exit_code == 1
    assert "deep.yaml: lỗi: tệp lồng nhau quá sâu" in result.output
    assert_no_escape(result)


def test_a_missing_file_is_named(workdir: Path) -> None:
    result = invoke(["validate", "--city", "city.yaml", "khong_co.yaml"])
    assert result.exit_code == 1
    assert "khong_co.yaml: lỗi: không tìm thấy tệp. Kiểm tra lại đường dẫn" in result.output


def test_no_signer_is_an_error_for_generate_and_fine_for_a_draft(workdir: Path) -> None:
    name = "profile_signer_name_missing.yaml"
    shutil.copy(CORPUS / name, workdir / name)
    result = invoke(["generate", "--city", "city.yaml", name, "-o", "out"])
    assert_reports(result, name, Case(name, 5, "signer.name", ("chưa điền họ tên người ký", "--draft")))
    # validate tells the same: an error for the signed plan, a warning for a draft
    strict = invoke(["validate", "--city", "city.yaml", name])
    assert_reports(strict, name, Case(name, 5, "signer.name", ("chưa điền họ tên người ký", "--draft")))
    draft = invoke(["validate", "--city", "city.yaml", name, "--draft"])
    assert_reports(draft, name, Case(name, 5, "signer.name", ("chưa điền họ tên người ký",), code=0,
                                     kind="cảnh báo"))
    assert invoke(["generate", "--city", "city.yaml", name, "-o", "out", "--draft", "--no-check"]).exit_code == 0


@pytest.mark.parametrize("command", ["validate", "generate"])
def test_strict_turns_warnings_into_errors(command: str, workdir: Path) -> None:
    name = "profile_unknown_unit.yaml"
    shutil.copy(CORPUS / name, workdir / name)
    extra = ["-o", "out", "--no-check"] if command == "generate" else []
    relaxed = invoke([command, "--city", "city.yaml", name, *extra])
    strict = invoke([command, "--city", "city.yaml", name, *extra, "--strict"])
    assert relaxed.exit_code == 0, relaxed.output
    assert strict.exit_code == 1, strict.output
    for result in (relaxed, strict):
        assert f"{name}:3: cảnh báo: name: không có xã 'Tân Ann'" in result.output


def test_validate_checks_every_profile_of_unit_profiles_by_default(workdir: Path) -> None:
    folder = workdir / "unit_profiles"
    folder.mkdir()
    for name in ("profile_level_huyen.yaml", "profile_no_as_bool.yaml"):
        shutil.copy(CORPUS / name, folder / name)
    shutil.copy(workdir / "tan_an.yaml", folder / "tan_an.yaml")
    result = invoke(["validate", "--city", "city.yaml"])
    assert result.exit_code == 1
    files = sorted({ln.split(":")[0] for ln in message_lines(result)})
    assert files == ["unit_profiles/profile_level_huyen.yaml", "unit_profiles/profile_no_as_bool.yaml"]
    assert "1/3 hồ sơ hợp lệ." in result.output


# ---------------------------------------------------------------------------------------------
# The city template: its mistakes are made by changing MINI_CITY.


def _replace(old: str, new: str) -> Callable[[str], str]:
    def mutate(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return mutate


@dataclass(frozen=True)
class CityCase:
    name: str
    mutate: Callable[[str], str]
    at: str  # text on the line the message must name
    key: str
    says: tuple[str, ...]


CITY_CASES = [
    CityCase("city_duplicate_task_id", _replace("{id: B02,", "{id: B01,"), "{id: B01, text: Thanh tra",
             "appendix.groups[1].sections[1].tasks[1].id", ("mã nhiệm vụ 'B01' bị trùng (đã dùng ở dòng 66)",)),
    CityCase("city_duplicate_section_id", _replace("id: B-III", "id: B-II"), "id: B-II\n          title: Sơ kết",
             "appendix.groups[1].sections[2].id", ("mã mục 'B-II' bị trùng (đã dùng ở dòng 63)",)),
    CityCase("city_missing_plan_key", _replace("  number: 159/KH-UBND\n", ""), "plan:", "plan.number",
             ("thiếu khóa bắt buộc 'number'", "city_template.yaml")),
    CityCase("city_plan_key_typo", _replace("  number: 159", "  numbr: 159"), "numbr:", "plan.numbr",
             ("khóa 'numbr' không có trong mẫu", "Có phải ý bạn là 'number'?")),
    CityCase("city_plan_date_feb30", _replace("date: 2026-05-02", "date: 2026-02-30"), "date: 2026-02-30",
             "plan.date", ("ngày '2026-02-30' không hợp lệ", "ví dụ 2026-05-02")),
    CityCase("city_bad_placeholder", _replace("trên địa bàn {{ don_vi }}\"", "trên địa bàn {{ don_vị }}\""),
             "trich_yeu:", "body.trich_yeu", ("chỗ điền 'don_vị' không tồn tại", "don_vi")),
    CityCase("city_bad_placeholder_in_other_level",  # a phường text, checked with a xã profile
             _replace('phuong: {text: "Sơ kết (phường)"}', 'phuong: {text: "Sơ kết {{ phuong }}"}'),
             "{id: B05", "appendix.groups[1].sections[2].tasks[1].phuong.text", ("chỗ điền 'phuong' không tồn tại",)),
    CityCase("city_placeholder_syntax", _replace('"- Xây dựng {{ don_vi }} văn minh."', '"- Xây dựng {{ don_vi } ."'),
             "- Xây dựng", "body.sections[0].content[0].content[0]",
             ("chỗ điền viết sai cú pháp", "Chỗ điền có dạng {{ don_vi }}")),
    CityCase("city_sandbox_escape", _replace('"- Xây dựng {{ don_vi }} văn minh."', '"{{ cap.__class__.__mro__ }}"'),
             "__mro__", "body.sections[0].content[0].content[0]", ("chỗ điền", "không được phép")),
    CityCase("city_unknown_role_in_placeholder",
             _replace('"- Xây dựng {{ don_vi }} văn minh."', "\"- Giao {{ vai_tro('cong_ann') }}.\""),
             "vai_tro", "body.sections[0].content[0].content[0]", ("mã vai trò 'cong_ann' chưa được định nghĩa",)),
    CityCase("city_section_both_title_and_task",
             _replace("        - id: B-I\n          task:", "        - id: B-I\n          title: X\n          task:"),
             "- id: B-I", "appendix.groups[1].sections[0]",
             ("mục cần đúng một trong hai: 'title' (tiêu đề) hoặc 'task' (mục là một nhiệm vụ)",)),
    CityCase("city_block_of_two_kinds",
             _replace('            - "- Xây dựng {{ don_vi }} văn minh."', '            - {text: "- X.", heading: Y}'),
             "heading: Y", "body.sections[0].content[0].content[0]",
             ("mỗi khối cần đúng một trong: 'text', 'numbered', 'heading', 'roles', 'tasks: true'",)),
    CityCase("city_assignment_role_and_text",
             _replace("lead: [thanh_tra]", "lead: [{role: thanh_tra, text: Thanh tra}]"), "{id: B02",
             "appendix.groups[1].sections[1].tasks[1].lead[0]", ("cần đúng một trong hai khóa 'role'",)),
    CityCase("city_unknown_role_in_task", _replace("lead: [thanh_tra]", "lead: [thanh_traa]"), "{id: B02",
             "appendix.groups[1].sections[1].tasks[1].lead[0]",
             ("mã vai trò 'thanh_traa' chưa được định nghĩa", "Có phải: thanh_tra?")),
    CityCase("city_unknown_role_in_body", _replace("{role: cong_an, duties", "{role: cong_ann, duties"),
             "{role: cong_ann", "body.sections[3].content[0].roles[1].role",
             ("mã vai trò 'cong_ann' chưa được định nghĩa", "Có phải: cong_an")),
    CityCase("city_unknown_role_in_unit_list", _replace("unit: [cong_an, so_nganh]", "unit: [cong_an, so_ngnh]"),
             "thanh_tra: {", "roles.thanh_tra.unit[1]", ("mã vai trò 'so_ngnh' chưa được định nghĩa",)),
    CityCase("city_role_cycle",
             _replace('cong_an: {city: Công an thành phố, unit: "Công an {{ cap }}"}',
                      "cong_an: {city: Công an thành phố, unit: [thanh_tra]}"),
             "cong_an: {", "roles.cong_an", ("vai trò 'cong_an' dẫn về chính nó: cong_an → thanh_tra → cong_an",)),
    CityCase("city_footnote_missing", _replace("[^ba_tot]", "[^bon_tot]"), "“năm tốt”",
             "appendix.groups[1].sections[1].tasks[0].text",
             ("chú thích '[^bon_tot]' chưa có nội dung", "Có phải '[^ba_tot]'?")),
    CityCase("city_task_level_huyen", _replace("levels: [phuong], deadline", "levels: [huyen], deadline"),
             "{id: B03", "appendix.groups[1].sections[1].tasks[2].levels[0]", ("cấp 'huyen' không hợp lệ",)),
    CityCase("city_task_without_lead_for_units",
             _replace("lead: [so_nganh, ubnd_cap_xa]", "lead: [ubnd_cap_xa]"), "{id: A1",
             "appendix.groups[0].tasks[0].lead", ("nhiệm vụ A1 không còn đơn vị chủ trì khi chuyển cho xã Tân An",)),
    CityCase("city_empty", lambda _: "# chưa viết gì\n", "# chưa viết", "", ("tệp rỗng",)),
]


def line_of(text: str, marker: str) -> int:
    return text[: text.index(marker)].count("\n") + 1


@pytest.mark.parametrize("case", CITY_CASES, ids=lambda c: c.name)
def test_each_mistake_in_the_city_template_gets_one_located_message(case: CityCase, workdir: Path) -> None:
    text = case.mutate(MINI_CITY)
    file = f"{case.name}.yaml"
    write(workdir / file, text)
    result = invoke(["validate", "--city", file, "tan_an.yaml"])
    assert_reports(result, file, Case(file, line_of(text, case.at), case.key, case.says))
    assert len(message_lines(result)) == 1, result.output


def test_a_typo_in_a_key_is_one_mistake_not_also_a_missing_key(workdir: Path) -> None:
    write(workdir / "city.yaml", MINI_CITY.replace("  number: 159", "  numbr: 159"))
    result = invoke(["validate", "--city", "city.yaml", "tan_an.yaml"])
    assert "thiếu khóa" not in result.output


# ---------------------------------------------------------------------------------------------
# Exit codes and tracebacks


@pytest.mark.parametrize("args", [["validate", "--nope"], ["no-such-command"], ["generate", "--strict=3"]])
def test_wrong_command_line_usage_exits_2(args: list[str], workdir: Path) -> None:
    result = invoke(args)
    assert result.exit_code == 2, result.output
    assert_no_escape(result)


def test_a_valid_profile_exits_0(workdir: Path) -> None:
    result = invoke(["validate", "--city", "city.yaml", "tan_an.yaml"])
    assert result.exit_code == 0, result.output
    assert "1/1 hồ sơ hợp lệ." in result.output


def test_an_unexpected_failure_is_a_message_and_debug_shows_the_traceback(
        workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kehoach_gen.pipeline

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("hỏng")

    monkeypatch.setattr(kehoach_gen.pipeline, "plan_unit", boom)
    quiet = invoke(["validate", "--city", "city.yaml", "tan_an.yaml"])
    assert quiet.exit_code == 1
    assert "lỗi không mong đợi: RuntimeError: hỏng" in quiet.output and "--debug" in quiet.output
    assert_no_escape(quiet)
    assert "Traceback" not in quiet.output  # the _Group catches it: nothing printed as a traceback
    loud = invoke(["--debug", "validate", "--city", "city.yaml", "tan_an.yaml"])
    assert loud.exit_code == 1
    assert "Traceback" in loud.output


def test_debug_shows_a_traceback_for_invalid_input_too(workdir: Path) -> None:
    write(workdir / "city.yaml", "plan: [\n")
    quiet = invoke(["validate", "--city", "city.yaml", "tan_an.yaml"])
    assert quiet.exit_code == 1 and "city.yaml:" in quiet.output
    assert_no_escape(quiet)
    loud = invoke(["--debug", "validate", "--city", "city.yaml", "tan_an.yaml"])
    assert loud.exit_code == 1
    assert "Traceback" in loud.output and "city.yaml:" in loud.output


# ---------------------------------------------------------------------------------------------


def test_a_schema_mistake_and_an_unknown_role_are_reported_in_one_run(workdir: Path) -> None:
    write(workdir / "p.yaml", MINI_PROFILE + "pilott: true\ndepartments:\n  tu_phapp: Văn phòng\n")
    lines = message_lines(invoke(["validate", "--city", "city.yaml", "p.yaml"]))
    assert len(lines) == 2
    assert "khóa 'pilott'" in lines[0] and "mã vai trò 'tu_phapp'" in lines[1]


@pytest.mark.parametrize("text", ["{{ ''.__class__ }}", "{{ don_vi } ."])
def test_placeholder_errors_are_in_vietnamese(text: str, workdir: Path) -> None:
    write(workdir / "p.yaml", MINI_PROFILE + f"local_tasks:\n  - {{id: DV1, section: B-II, lead: [tu_phap], "
                                             f"text: \"{text}\"}}\n")
    [line] = message_lines(invoke(["validate", "--city", "city.yaml", "p.yaml"]))
    assert "p.yaml:9: lỗi: local_tasks[0].text: chỗ điền" in line
    for english in ("unsafe", "access to attribute", "unexpected", "expected token"):
        assert english not in line


def test_an_unknown_lead_role_is_one_message(workdir: Path) -> None:
    name = "profile_unknown_role_in_lead.yaml"
    shutil.copy(CORPUS / name, workdir / name)
    assert len(message_lines(invoke(["validate", "--city", "city.yaml", name]))) == 1
