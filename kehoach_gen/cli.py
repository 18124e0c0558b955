"""The ``kehoach-gen`` command: thin wrappers over the library, in Vietnamese.

This is the one place where errors become messages and exit codes: 0 success, 1 invalid input
(every problem printed, one per line), 2 wrong command-line usage. No traceback reaches the
user unless ``--debug`` is given.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import InputError, KehoachError, Problem

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        click.secho(p.format(), fg="yellow" if p.warning else "red", err=True)


class _Group(click.Group):
    """Turns every error into a message and an exit code; never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = bool(ctx.params.get("debug"))
        try:
            return super().invoke(ctx)
        except InputError as exc:
            if debug:
                traceback.print_exc()
            _echo_problems(exc.problems)
            n = len(exc.errors)
            if n > 1:
                click.secho(f"Có {n} lỗi; sửa rồi chạy lại.", fg="red", err=True)
            ctx.exit(1)
        except KehoachError as exc:
            if debug:
                traceback.print_exc()
            click.secho(f"lỗi: {exc}", fg="red", err=True)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.secho("Đã dừng; các tệp đã ghi trước đó vẫn nguyên vẹn.", err=True)
            ctx.exit(130)
        except Exception as exc:  # the last line of defence: no traceback for users
            if debug:
                traceback.print_exc()
            else:
                click.secho(
                    f"lỗi không mong đợi: {type(exc).__name__}: {exc}. "
                    "Chạy lại với --debug để xem chi tiết và báo cho nhóm phát triển.",
                    fg="red", err=True,
                )
            ctx.exit(1)


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="kehoach-gen")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback) cho nhà phát triển.")
def main(debug: bool) -> None:
    """Soạn Kế hoạch của UBND xã, phường, đặc khu từ Kế hoạch của thành phố.

    \b
    Ví dụ:
      kehoach-gen generate                         # xã Tân An, mẫu Hải Phòng có sẵn
      kehoach-gen generate unit_profiles/le_chan.yaml -o out/
      kehoach-gen validate                         # kiểm tra mọi hồ sơ trong unit_profiles/
      kehoach-gen check out/xa_tan_an.docx         # kiểm tra thể thức Nghị định 30

    Mỗi lệnh có --help riêng, ví dụ: kehoach-gen generate --help
    """


def _city_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--city", "city", type=click.Path(dir_okay=False, path_type=Path), default=None,
        help="Mẫu Kế hoạch của thành phố (mặc định: ./city_template.yaml, hoặc mẫu Hải Phòng có sẵn).",
    )(f)


def _templates_option(f: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--templates", "templates", type=click.Path(file_okay=False, path_type=Path), default=None,
        help="Thư mục mẫu Word (mặc định: ./templates).",
    )(f)


def _profiles(paths: Sequence[Path]) -> list[Path]:
    from .pipeline import default_profiles_dir

    if paths:
        out: list[Path] = []
        for p in paths:
            out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
        return out
    folder = default_profiles_dir()
    return sorted(folder.glob("*.yaml"))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@_templates_option
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Thư mục ghi kết quả (mặc định out/), hoặc tên tệp .docx khi chỉ có một hồ sơ.")
@click.option("--force", is_flag=True, help="Ghi đè cả tệp đã được sửa tay.")
@click.option("--draft", is_flag=True, help="Bản nháp: cho phép chưa có tên người ký (để trống).")
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF (cần LibreOffice).")
@click.option("--no-check", is_flag=True, help="Không kiểm tra thể thức Nghị định 30 sau khi tạo.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
def generate(profiles: tuple[Path, ...], city: Path | None, templates: Path | None,
             out: Path | None, force: bool, draft: bool, pdf: bool, no_check: bool,
             strict: bool) -> None:
    """Tạo Kế hoạch (.docx) cho một hoặc vài đơn vị.

    PROFILES là các hồ sơ đơn vị (unit_profiles/*.yaml). Không ghi gì thì tạo Kế hoạch của
    xã Tân An (hồ sơ mẫu). Tệp đã được sửa tay sau khi tạo sẽ không bị ghi đè: bản mới được
    ghi bên cạnh, tên có thêm "(bản mới)".
    """
    from .pipeline import Project, default_profile_path, generate_unit

    paths = list(profiles) or [default_profile_path()]
    if out is not None and out.suffix.lower() == ".docx" and len(paths) > 1:
        raise click.UsageError("-o là một tệp .docx nhưng có nhiều hồ sơ; hãy cho -o là thư mục.")
    project = Project.load(city, templates)
    written: list[Path] = []
    for path in paths:
        result = generate_unit(project, path, out, force=force, draft=draft)
        _echo_problems(result.warnings)
        if strict and result.warnings:
            raise InputError(result.warnings)
        assert result.output is not None and result.plan is not None
        name = result.plan.unit_name
        if result.status == "unchanged":
            click.echo(f"Không đổi: {result.output} ({name}); dùng --force để tạo lại.")
        elif result.status == "kept-edited":
            click.secho(
                f"Tệp {result.edited_path} đã được sửa tay nên được giữ nguyên; "
                f"bản mới ghi vào {result.output}. Dùng --force để ghi đè.", fg="yellow")
            written.append(result.output)
        else:
            verb = "Đã cập nhật" if result.status in ("updated", "forced") else "Đã tạo"
            click.echo(f"{verb} {result.output} ({name}).")
            written.append(result.output)
    if written and not no_check:
        _check_outputs(written, strict)
    if pdf and written:
        _pdf(written)


def _check_outputs(paths: Sequence[Path], strict: bool) -> None:
    from .check import check_document

    failed = False
    for path in paths:
        report = check_document(path)
        if report.findings:
            click.echo(report.to_text())
        else:
            click.echo(f"{path}: đạt thể thức Nghị định 30 (không có phát hiện nào).")
        if report.errors or (strict and report.warnings):
            failed = True
    if failed:
        raise click.exceptions.Exit(1)


def _pdf(paths: Sequence[Path]) -> None:
    from .pdf import convert_to_pdf

    for pdf in convert_to_pdf(list(paths)):
        click.echo(f"Đã xuất {pdf}.")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
def validate(profiles: tuple[Path, ...], city: Path | None, strict: bool) -> None:
    """Kiểm tra mẫu thành phố và hồ sơ đơn vị, không tạo tệp nào.

    Mặc định kiểm tra mọi hồ sơ trong unit_profiles/. Mọi lỗi của mọi tệp được liệt kê một
    lượt, mỗi lỗi một dòng: tệp:dòng, khóa, sai gì và sửa thế nào.
    """
    from .pipeline import Project, plan_unit

    project = Project.load(city)
    paths = _profiles(profiles)
    if not paths:
        raise click.UsageError("không có hồ sơ nào để kiểm tra (thư mục unit_profiles/ trống).")
    bad = 0
    warned = 0
    for path in paths:
        try:
            _, _, _, warnings = plan_unit(project, path, draft=True)
        except InputError as exc:
            _echo_problems(exc.problems)
            bad += 1
            continue
        _echo_problems(warnings)
        warned += bool(warnings)
    ok = len(paths) - bad
    click.echo(f"{ok}/{len(paths)} hồ sơ hợp lệ" + (f", {warned} có cảnh báo" if warned else "") + ".")
    if bad or (strict and warned):
        raise click.exceptions.Exit(1)


@main.command("check-template", context_settings=CONTEXT_SETTINGS)
@click.argument("template", type=click.Path(dir_okay=False, path_type=Path))
def check_template(template: Path) -> None:
    """Liệt kê các biến một mẫu Word dùng, biến dữ liệu không có, và thẻ bị Word tách/đổi nháy."""
    from .render import CONTEXT_NAMES, CompiledTemplate, template_tag_problems

    compiled = CompiledTemplate(template)
    used = sorted(compiled.variables)
    missing = sorted(set(used) - CONTEXT_NAMES)
    click.echo("Biến mẫu dùng: " + (", ".join(used) or "(không có)"))
    click.echo("Biến dữ liệu cung cấp: " + ", ".join(sorted(CONTEXT_NAMES)))
    problems = template_tag_problems(compiled)
    if missing:
        problems.append(Problem(message="mẫu dùng biến dữ liệu không có: " + ", ".join(missing),
                                file=str(template),
                                hint="Sửa tên biến cho đúng một trong các biến dữ liệu cung cấp"))
    if problems:
        raise InputError(problems)
    click.echo("Mẫu hợp lệ.")


STATUS_WORDS = {
    "written": "đã tạo", "updated": "đã cập nhật", "forced": "đã ghi đè", "unchanged": "không đổi",
    "kept-edited": "giữ bản sửa tay (ghi bản mới bên cạnh)", "failed": "lỗi",
}


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@_templates_option
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Thư mục ghi kết quả.")
@click.option("--force", is_flag=True, help="Tạo lại tất cả, kể cả đơn vị không đổi và tệp đã sửa tay.")
@click.option("--draft", is_flag=True, help="Bản nháp: cho phép chưa có tên người ký.")
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF cho các tệp vừa tạo (một lần chạy LibreOffice).")
@click.option("--no-check", is_flag=True, help="Không kiểm tra thể thức Nghị định 30.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Số tiến trình chạy song song (mặc định: số lõi CPU).")
def build(profiles: tuple[Path, ...], city: Path | None, templates: Path | None, out: Path,
          force: bool, draft: bool, pdf: bool, no_check: bool, jobs: int | None) -> None:
    """Tạo Kế hoạch cho mọi đơn vị trong unit_profiles/ (hoặc các hồ sơ được chỉ ra).

    Chỉ tạo lại đơn vị có thay đổi (mẫu thành phố, hồ sơ, mẫu Word hoặc phiên bản chương
    trình); tệp đã được sửa tay được giữ nguyên. Một hồ sơ lỗi không làm dừng các đơn vị khác;
    cuối cùng in bảng tổng kết và trả mã 1 nếu có đơn vị lỗi.
    """
    from .pipeline import Project, build_units

    paths = _profiles(profiles)
    if not paths:
        raise click.UsageError("không có hồ sơ nào (thư mục unit_profiles/ trống); chạy 'kehoach-gen init-units'.")
    project = Project(city, templates)  # parsed only if some unit needs building
    with click.progressbar(length=len(paths), label="Đang tạo Kế hoạch", file=sys.stderr,
                           show_pos=True) as bar:
        items = build_units(project, paths, out, force=force, draft=draft, check=not no_check,
                            jobs=jobs, progress=lambda _item: bar.update(1))
    counts: dict[str, int] = {}
    for item in items:
        counts[item.status] = counts.get(item.status, 0) + 1
    click.echo("Kết quả: " + ", ".join(f"{n} {STATUS_WORDS[k]}" for k, n in sorted(counts.items())) + ".")
    for item in items:
        if item.status == "kept-edited":
            click.secho(f"  {item.unit}: tệp cũ đã được sửa tay, giữ nguyên; bản mới: {item.output}", fg="yellow")
        for w in item.warnings:
            click.secho("  " + w, fg="yellow", err=True)
        if item.check_text:
            click.echo(item.check_text)
    failed = [i for i in items if i.status == "failed"]
    if failed:
        click.secho(f"{len(failed)} đơn vị lỗi:", fg="red", err=True)
        for item in failed:
            for m in item.messages:
                click.secho("  " + m, fg="red", err=True)
    bad_check = [i for i in items if i.check_errors]
    if bad_check:
        click.secho(f"{len(bad_check)} văn bản chưa đạt thể thức Nghị định 30 (xem trên).", fg="red", err=True)
    written = [Path(i.output) for i in items if i.output and i.status not in ("unchanged", "failed")]
    if pdf and written:
        _pdf(written)
    if failed or bad_check:
        raise click.exceptions.Exit(1)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-p", "--profiles", "profiles", multiple=True, type=click.Path(path_type=Path),
              help="Hồ sơ hoặc thư mục hồ sơ để xét ảnh hưởng (mặc định: unit_profiles/).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON cho chương trình khác.")
def diff(old: Path, new: Path, profiles: tuple[Path, ...], as_json: bool) -> None:
    """So sánh hai phiên bản mẫu thành phố: nhiệm vụ nào, mục nào thay đổi, đơn vị nào bị ảnh hưởng.

    \b
    Ví dụ:
      kehoach-gen diff city_template.cu.yaml city_template.yaml
      kehoach-gen diff cu.yaml moi.yaml -p unit_profiles/ --json
    """
    from .diff import diff_cities
    from .validate import load_city, load_profile

    old_city, _ = load_city(old)
    new_city, _ = load_city(new)
    loaded = []
    problems: list[Problem] = []
    for path in _profiles(profiles):
        try:
            loaded.append((str(path), load_profile(path)[0]))
        except InputError as exc:
            problems.extend(exc.problems)
    _echo_problems(problems)
    result = diff_cities(old_city, new_city, loaded)
    click.echo(result.to_json() if as_json else result.to_text())


@main.command("init-units", context_settings=CONTEXT_SETTINGS)
@click.option("--province", default="Hải Phòng", show_default=True, help="Tỉnh, thành phố.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("unit_profiles"),
              show_default=True, help="Thư mục ghi hồ sơ.")
@_city_option
def init_units(province: str, out: Path, city: Path | None) -> None:
    """Tạo hồ sơ cho mọi xã, phường, đặc khu của tỉnh/thành phố theo danh mục chính thức.

    Hồ sơ đã có được giữ nguyên. Tên người ký phải điền tay trước khi tạo Kế hoạch.
    """
    from .pipeline import default_city_path
    from .units import init_units as _init
    from .validate import load_city

    city_template, _ = load_city(city or default_city_path())
    result = _init(province, out, city_roles=dict(city_template.roles))
    click.echo(f"Đã tạo {len(result.written)} hồ sơ trong {out}; giữ nguyên {len(result.skipped)} hồ sơ đã có.")
    if result.written:
        click.echo("Hãy điền tên người ký (signer: name) trong từng hồ sơ trước khi chạy 'kehoach-gen build'.")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def check(files: tuple[Path, ...], as_json: bool) -> None:
    """Kiểm tra thể thức văn bản (.docx) theo Nghị định 30/2020, kể cả văn bản soạn tay.

    Mỗi phát hiện ghi: mã quy tắc, mức (lỗi/cảnh báo), vị trí, trích đoạn, quy định và cách sửa.
    Trả mã 1 nếu có lỗi.
    """
    from .check import check_document

    failed = False
    outputs = []
    for path in files:
        report = check_document(path)
        failed = failed or bool(report.errors)
        if as_json:
            outputs.append(report.to_json())
        else:
            click.echo(f"== {path}")
            click.echo(report.to_text() if report.findings else "Đạt: không có phát hiện nào.")
    if as_json:
        click.echo(outputs[0] if len(outputs) == 1 else "[" + ",\n".join(outputs) + "]")
    if failed:
        raise click.exceptions.Exit(1)


@main.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp YAML ghi kết quả (ví dụ city_template.yaml).")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Mẫu thành phố đã có: giữ nguyên mã các nhiệm vụ khi nhập bản sửa đổi.")
@click.option("--force", is_flag=True, help="Ghi đè tệp -o nếu đã có.")
def import_(source: Path, out: Path, previous: Path | None, force: bool) -> None:
    """Nhập bảng phụ lục phân công nhiệm vụ từ tệp Word của thành phố thành mẫu YAML để rà soát."""
    from .files import atomic_write
    from .importer import import_appendix
    from .validate import load_city

    if out.exists() and not force:
        raise click.UsageError(f"{out} đã có; dùng --force để ghi đè, hoặc chọn tên khác với -o.")
    prev = load_city(previous)[0] if previous else None
    result = import_appendix(source, previous=prev)
    _echo_problems(result.warnings)
    atomic_write(out, result.to_yaml())
    tasks = sum(1 for _ in result.appendix.all_tasks())
    click.echo(f"Đã nhập {tasks} nhiệm vụ vào {out}.")
    if result.unknown_agencies:
        click.secho("Các cơ quan chưa có mã vai trò (cần ánh xạ tay):", fg="yellow")
        for name in result.unknown_agencies:
            click.echo(f"  - {name}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
