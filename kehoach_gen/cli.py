"""The ``kehoach-gen`` command: thin wrappers over the library, in Vietnamese.

Each command parses its options, calls the library, prints the report it gets back and exits
with the report's code. This is the one place where errors become messages and exit codes: 0
success, 1 invalid input (every problem printed, one per line), 2 wrong command-line usage. No
traceback reaches the user unless ``--debug`` is given.
"""

from __future__ import annotations

import contextlib
import gc
import gettext
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from ._version import __version__
from .errors import InputError, KehoachError, Problem

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# Click marks its own words for gettext; they are shown in Vietnamese like the rest. The catalog
# is installed on click's modules only: the process locale (which LibreOffice inherits) is left alone.
_CLICK_VI = {
    "Show this message and exit.": "Hiện hướng dẫn này rồi thoát.",
    "Show the version and exit.": "Hiện phiên bản rồi thoát.",
    "%(prog)s, version %(version)s": "%(prog)s, phiên bản %(version)s",
    "Usage:": "Cách dùng:",
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Error: {message}": "Lỗi: {message}",
    "Try '{command} {option}' for help.": "Xem hướng dẫn: '{command} {option}'.",
    "No such option: {name}": "Không có tùy chọn {name}",
    "No such option {name!r}.": "Không có tùy chọn {name!r}.",
    "No such command {name!r}.": "Không có lệnh {name!r}.",
    "Did you mean {possibility}?": "Có phải ý bạn là {possibility}?",
    "(Possible options: {possibilities})": "(Các tùy chọn gần giống: {possibilities})",
    "Missing argument": "Thiếu tham số",
    "Missing option": "Thiếu tùy chọn",
    "Missing parameter": "Thiếu tham số",
    "Missing command.": "Thiếu lệnh.",
    "Missing {param_type}": "Thiếu {param_type}",
    "Missing parameter: {param_name}": "Thiếu tham số: {param_name}",
    "Invalid value for {param_hint}: {message}": "Giá trị không hợp lệ cho {param_hint}: {message}",
    "Invalid value: {message}": "Giá trị không hợp lệ: {message}",
    "Option {name!r} does not take a value.": "Tùy chọn {name!r} không nhận giá trị.",
    "Option {name!r} requires an argument.": "Tùy chọn {name!r} cần một giá trị.",
    "Got unexpected extra argument ({args})": "Thừa tham số ({args})",
    "Got unexpected extra arguments ({args})": "Thừa các tham số ({args})",
    "{value!r} is not a valid {number_type}.": "{value!r} không phải {number_type} hợp lệ.",
    "{value} is not in the range {range}.": "{value} không nằm trong khoảng {range}.",
    "{name} {filename!r} does not exist.": "{name} {filename!r} không tồn tại.",
    "{name} {filename!r} is a directory.": "{name} {filename!r} là thư mục.",
    "{name} {filename!r} is a file.": "{name} {filename!r} là tệp, không phải thư mục.",
    "{value!r} is not {choice}.": "{value!r} không phải {choice}.",
    "{value!r} is not one of {choices}.": "{value!r} không phải một trong {choices}.",
    "Aborted!": "Đã dừng!",
    "integer": "số nguyên", "file": "tệp", "directory": "thư mục", "path": "đường dẫn",
    "default: {default}": "mặc định: {default}",
}


class _Catalog(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return _CLICK_VI.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _CLICK_VI.get(singular if n == 1 else plural, singular if n == 1 else plural)


def _speak_vietnamese() -> None:
    catalog = _Catalog()
    for name in ("core", "exceptions", "parser", "types", "formatting", "decorators", "termui", "utils"):
        module = sys.modules.get(f"click.{name}")
        if module is not None:
            if hasattr(module, "_"):
                module._ = catalog.gettext  # type: ignore[attr-defined]
            if hasattr(module, "ngettext"):
                module.ngettext = catalog.ngettext  # type: ignore[attr-defined]


_speak_vietnamese()


def _echo_problems(problems: Sequence[Problem]) -> None:
    for p in problems:
        click.secho(p.format(), fg="yellow" if p.warning else "red", err=True)


def _stdout_gone() -> bool:
    """Whether nobody reads the standard output any more (a pipe whose reader closed it)."""
    import select  # (asked only after a broken pipe)

    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        return any(events & select.POLLERR for _, events in poller.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), no file descriptor
        return False


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
        except MemoryError:
            click.secho("lỗi: không đủ bộ nhớ để xử lý dữ liệu này; kiểm tra tệp đầu vào có quá lớn không.",
                        fg="red", err=True)
            ctx.exit(1)
        except BrokenPipeError as exc:
            if _stdout_gone():
                # what read the output stopped reading (kehoach-gen check … | head): nothing
                # is wrong, and nothing more can be said there; click ends quietly with 1,
                # as it does for kehoach-gen --help
                raise
            _unexpected(exc, debug)  # another pipe broke
            ctx.exit(1)
        except Exception as exc:  # the last line of defence: no traceback for users
            _unexpected(exc, debug)
            ctx.exit(1)


def _unexpected(exc: Exception, debug: bool) -> None:
    if debug:
        traceback.print_exc()
    else:
        click.secho(f"lỗi không mong đợi: {type(exc).__name__}: {exc}. "
                    "Chạy lại với --debug để xem chi tiết và báo cho nhóm phát triển.",
                    fg="red", err=True)


@click.group(cls=_Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "-V", "--version", prog_name="kehoach-gen")
@click.option("--debug", is_flag=True, help="Hiện chi tiết lỗi (traceback) cho nhà phát triển.")
def main(debug: bool) -> None:
    """Soạn Kế hoạch của UBND xã, phường, đặc khu từ Kế hoạch của thành phố.

    \b
    Ví dụ:
      kehoach-gen generate                         # xã Tân An, mẫu Hải Phòng có sẵn → out/tan_an.docx
      kehoach-gen generate unit_profiles/le_chan.yaml -o out/
      kehoach-gen validate --draft                 # kiểm tra mọi hồ sơ trong unit_profiles/
      kehoach-gen check out/tan_an.docx            # kiểm tra thể thức Nghị định 30
      kehoach-gen init-units --province "Hải Phòng" && kehoach-gen build --draft

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
        help="Thư mục chứa mẫu Word ke_hoach.docx (mặc định: mẫu riêng của mẫu thành phố, "
             "./templates, hoặc mẫu có sẵn).",
    )(f)


def _profiles(paths: Sequence[Path]) -> list[Path]:
    from .resources import default_profiles_dir

    if paths:
        out: list[Path] = []
        for p in paths:
            out.extend(sorted(p.glob("*.yaml")) if p.is_dir() else [p])
        return out
    return sorted(default_profiles_dir().glob("*.yaml"))


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@_templates_option
@click.option("-o", "--out", type=click.Path(path_type=Path), default=None,
              help="Thư mục ghi kết quả (mặc định out/), hoặc tên tệp .docx khi chỉ có một hồ sơ.")
@click.option("--layout", type=click.Choice(["appendix", "inline"]), default=None,
              help="Cách trình bày nhiệm vụ: appendix (phụ lục kèm theo) hoặc inline (ghi trong mục "
                   "nhiệm vụ); mặc định theo hồ sơ, rồi theo mẫu thành phố.")
@click.option("--force", is_flag=True, help="Tạo lại kể cả khi không đổi; ghi đè tệp đã sửa tay (bản sửa "
                                            "tay được chuyển sang tệp '(bản sửa tay)').")
@click.option("--draft", is_flag=True, help="Bản nháp: cho phép chưa có tên người ký (để trống).")
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF (cần LibreOffice); PDF cũ hơn văn bản được tạo lại.")
@click.option("--no-check", is_flag=True, help="Không kiểm tra thể thức Nghị định 30 sau khi tạo.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
def generate(profiles: tuple[Path, ...], city: Path | None, templates: Path | None, out: Path | None,
             layout: str | None, force: bool, draft: bool, pdf: bool, no_check: bool, strict: bool) -> None:
    """Tạo Kế hoạch (.docx) cho một hoặc vài đơn vị.

    PROFILES là các hồ sơ đơn vị (unit_profiles/*.yaml). Không ghi gì thì tạo Kế hoạch của
    xã Tân An (hồ sơ mẫu) vào out/tan_an.docx. Tệp đã được sửa tay sau khi tạo sẽ không bị ghi
    đè: bản mới được ghi bên cạnh, tên có thêm "(bản mới)".

    \b
    Ví dụ:
      kehoach-gen generate unit_profiles/le_chan.yaml --pdf
      kehoach-gen generate unit_profiles/le_chan.yaml --layout inline -o le_chan_inline.docx
    """
    from .outputs import collisions
    from .pipeline import Project, check_output, generate_unit
    from .resources import default_profile_path

    paths = list(profiles) or [default_profile_path()]
    if out is not None and out.suffix.lower() == ".docx" and len(paths) > 1:
        raise click.UsageError("-o là một tệp .docx nhưng có nhiều hồ sơ; hãy cho -o là thư mục.")
    clashes = collisions(paths, out)
    if clashes:
        raise InputError(clashes)
    project = Project.load(city, templates)
    outputs: list[Path] = []
    failed = False
    for path in paths:
        result = generate_unit(project, path, out, force=force, draft=draft, layout=layout)
        _echo_problems(result.warnings)
        if strict and result.warnings:
            raise InputError(result.warnings)
        assert result.output is not None and result.plan is not None
        click.echo(_said(result.status or "", result.output, result.edited_path, result.plan.unit_name))
        outputs.append(result.output)
        if not no_check:
            found = check_output(result.output, result.parts)
            click.echo(found.text or f"{result.output}: đạt thể thức Nghị định 30 (không có phát hiện nào).")
            failed = failed or bool(found.errors) or (strict and bool(found.warnings))
    if pdf:
        _pdf(outputs)
    if failed:
        raise click.exceptions.Exit(1)


def _said(status: str, output: Path, edited: Path | None, unit: str) -> str:
    """One line on what happened to one unit's file."""
    if status == "unchanged":
        return f"Không đổi: {output} ({unit}); dùng --force để tạo lại."
    if status == "kept-edited":
        return (f"Tệp {edited} đã được sửa tay nên được giữ nguyên; bản mới ghi vào {output}. "
                "Dùng --force để ghi đè.")
    if status == "forced":
        return f"Đã ghi đè bản sửa tay {output} ({unit}); bản sửa tay được chuyển sang {edited}."
    verb = "Đã cập nhật" if status == "updated" else "Đã tạo"
    return f"{verb} {output} ({unit})."


def _pdf(docx_files: Sequence[Path], jobs: int | None = None) -> list[Path]:
    """PDFs of ``docx_files``: made again only where missing or older than the document."""
    from .pdf import convert_to_pdf

    stale = [p for p in docx_files if not _pdf_fresh(p)]
    for p in docx_files:
        if p not in stale:
            click.echo(f"Không đổi: {p.with_suffix('.pdf')}.")
    made = convert_to_pdf(stale) if stale else []
    for pdf in made:
        click.echo(f"Đã xuất {pdf}.")
    return made


def _pdf_fresh(docx_path: Path) -> bool:
    pdf = docx_path.with_suffix(".pdf")
    try:
        return pdf.stat().st_mtime_ns >= docx_path.stat().st_mtime_ns and pdf.stat().st_size > 0
    except OSError:
        return False


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@click.option("--draft", is_flag=True, help="Bản nháp: chưa có tên người ký chỉ là cảnh báo.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def validate(profiles: tuple[Path, ...], city: Path | None, draft: bool, strict: bool, as_json: bool) -> None:
    """Kiểm tra mẫu thành phố và hồ sơ đơn vị, không tạo tệp nào.

    Mặc định kiểm tra mọi hồ sơ trong unit_profiles/. Mọi lỗi của mọi tệp được liệt kê một
    lượt, mỗi lỗi một dòng: tệp:dòng, khóa, sai gì và sửa thế nào. Hồ sơ chưa có tên người ký
    là lỗi, hoặc cảnh báo với --draft.
    """
    from . import pipeline
    from .reports import ValidateReport

    project = pipeline.Project.load(city)
    paths = _profiles(profiles)
    if not paths:
        raise click.UsageError("không có hồ sơ nào để kiểm tra (thư mục unit_profiles/ trống).")
    report = ValidateReport(total=len(paths), strict=strict)
    for path in paths:
        try:
            _, _, _, warnings = pipeline.plan_unit(project, path, draft=draft)
        except InputError as exc:
            report.problems.append((str(path), [p.format() for p in exc.problems], False))
            if not as_json:
                _echo_problems(exc.problems)
            continue
        report.problems.append((str(path), [w.format() for w in warnings], True))
        if not as_json:
            _echo_problems(warnings)
    click.echo(report.to_json() if as_json else report.summary())
    if report.exit_code:
        raise click.exceptions.Exit(report.exit_code)


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


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("profiles", nargs=-1, type=click.Path(path_type=Path))
@_city_option
@_templates_option
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
              show_default=True, help="Thư mục ghi kết quả.")
@click.option("--force", is_flag=True, help="Tạo lại tất cả, kể cả đơn vị không đổi và tệp đã sửa tay.")
@click.option("--draft", is_flag=True, help="Bản nháp: cho phép chưa có tên người ký.")
@click.option("--pdf", is_flag=True, help="Xuất thêm PDF cho các văn bản chưa có PDF mới (LibreOffice chạy "
                                          "song song, số tiến trình theo --jobs).")
@click.option("--no-check", is_flag=True, help="Không kiểm tra thể thức Nghị định 30.")
@click.option("--strict", is_flag=True, help="Coi cảnh báo là lỗi.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (từng đơn vị).")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help="Số tiến trình chạy song song, khi tạo văn bản và khi xuất PDF (mặc định: số lõi CPU).")
def build(profiles: tuple[Path, ...], city: Path | None, templates: Path | None, out: Path, force: bool,
          draft: bool, pdf: bool, no_check: bool, strict: bool, as_json: bool, jobs: int | None) -> None:
    """Tạo Kế hoạch cho mọi đơn vị trong unit_profiles/ (hoặc các hồ sơ được chỉ ra).

    Chỉ tạo lại đơn vị có thay đổi (mẫu thành phố, hồ sơ, mẫu Word hoặc phiên bản chương
    trình) và chỉ ghi tệp khi nội dung văn bản đổi; tệp đã được sửa tay được giữ nguyên. Một
    hồ sơ lỗi không làm dừng các đơn vị khác. Lỗi thể thức và cảnh báo của đơn vị chưa sửa
    được báo lại ở mọi lần chạy; mã thoát 1 khi còn đơn vị lỗi.

    \b
    Ví dụ:
      kehoach-gen init-units --province "Hải Phòng" && kehoach-gen build --draft
      kehoach-gen build -o out/ --pdf
    """
    from .build import build_units
    from .pipeline import Project
    from .reports import BuildReport

    paths = _profiles(profiles)
    if not paths:
        raise click.UsageError("không có hồ sơ nào (thư mục unit_profiles/ trống); chạy 'kehoach-gen init-units'.")
    project = Project(city, templates)  # parsed only if some unit needs building
    with click.progressbar(length=len(paths), label="Đang tạo Kế hoạch", file=sys.stderr,
                           show_pos=True) as bar:
        items = build_units(project, paths, out, force=force, draft=draft, check=not no_check,
                            jobs=jobs, progress=lambda _item: bar.update(1))
    report = BuildReport(items, out, strict=strict)
    if pdf:
        done = [Path(i.output) for i in items if i.output and i.status != "failed"]
        report.pdfs = [str(p) for p in _pdf_quiet(done, jobs)]
    click.echo(report.to_json() if as_json else report.to_text())
    if report.exit_code:
        raise click.exceptions.Exit(report.exit_code)


def _pdf_quiet(docx_files: Sequence[Path], jobs: int | None) -> list[Path]:
    from .pdf import convert_to_pdf

    stale = [p for p in docx_files if not _pdf_fresh(p)]
    return convert_to_pdf(stale, jobs=jobs) if stale else []


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-p", "--profiles", "profiles", multiple=True, type=click.Path(path_type=Path),
              help="Hồ sơ hoặc thư mục hồ sơ để xét ảnh hưởng (mặc định: unit_profiles/).")
@click.option("-v", "--verbose", is_flag=True, help="In chi tiết từng đơn vị.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON cho chương trình khác (đủ chi tiết).")
def diff(old: Path, new: Path, profiles: tuple[Path, ...], verbose: bool, as_json: bool) -> None:
    """So sánh hai phiên bản mẫu thành phố: thay đổi gì, và đơn vị nào bị ảnh hưởng thế nào.

    \b
    Ví dụ:
      kehoach-gen diff city_template.cu.yaml city_template.yaml
      kehoach-gen diff cu.yaml moi.yaml -p unit_profiles/ --verbose
    """
    from .diff import diff_cities
    from .validate import load_city, load_profile

    old_city, _ = load_city(old)
    new_city, _ = load_city(new)
    loaded = []
    problems: list[Problem] = []
    for path in _profiles(profiles):
        try:
            loaded.append((str(path), load_profile(path, new_city)[0]))
        except InputError as exc:
            problems.extend(exc.problems)
    _echo_problems(problems)
    result = diff_cities(old_city, new_city, loaded)
    click.echo(result.to_json() if as_json else result.to_text(verbose=verbose))


@main.command("init-units", context_settings=CONTEXT_SETTINGS)
@click.option("--province", default="Hải Phòng", show_default=True, help="Tỉnh, thành phố.")
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("unit_profiles"),
              show_default=True, help="Thư mục ghi hồ sơ.")
@_city_option
def init_units(province: str, out: Path, city: Path | None) -> None:
    """Tạo hồ sơ cho mọi xã, phường, đặc khu của tỉnh/thành phố theo danh mục chính thức.

    Hồ sơ đã có được giữ nguyên. Tên người ký phải điền trước khi tạo bản chính thức; bản nháp
    (build --draft) tạo được ngay.
    """
    from .resources import default_city_path
    from .units import init_units as _init
    from .validate import load_city

    city_template, _ = load_city(city or default_city_path())
    result = _init(province, out, city=city_template)
    click.echo(f"Đã tạo {len(result.written)} hồ sơ trong {out}; giữ nguyên {len(result.skipped)} hồ sơ đã có.")
    for warning in result.warnings:
        _echo_problems([warning])
    if result.written:
        click.echo("Tạo bản nháp ngay: kehoach-gen build --draft; điền tên người ký (signer: name) trong "
                   "từng hồ sơ trước khi tạo bản chính thức.")


@main.command(context_settings=CONTEXT_SETTINGS)
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option("--rules", "list_rules", is_flag=True,
              help="Liệt kê mọi quy tắc (mã, mức, quy định) rồi thoát.")
def check(files: tuple[Path, ...], as_json: bool, list_rules: bool) -> None:
    """Kiểm tra thể thức văn bản (.docx) theo Nghị định 30/2020, kể cả văn bản soạn tay.

    Mỗi phát hiện ghi: mã quy tắc, mức (lỗi/cảnh báo), vị trí, trích đoạn, quy định và cách sửa.
    Quy tắc ND30-… là quy định của Nghị định 30 (lỗi); STYLE-…, PLAN-… là cảnh báo về cách viết.
    Trả mã 1 nếu có lỗi.

    \b
    Ví dụ:
      kehoach-gen check out/tan_an.docx
      kehoach-gen check --json out/*.docx
      kehoach-gen check --rules
    """
    from .check import check_document

    if list_rules:
        _print_rules(as_json)
        return
    if not files:
        raise click.UsageError("Thiếu tệp .docx cần kiểm tra, ví dụ: kehoach-gen check out/tan_an.docx")
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


def _print_rules(as_json: bool) -> None:
    import json

    from .check.rules import registered

    rules = registered()
    if as_json:
        click.echo(json.dumps([{"rule": r.id, "severity": r.severity, "text": r.text} for r in rules],
                              ensure_ascii=False, indent=2))
        return
    for r in rules:
        click.echo(f"{r.id:<22} {'lỗi' if r.severity == 'error' else 'cảnh báo':<9} {r.text}")


@main.command("import", context_settings=CONTEXT_SETTINGS)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("-o", "--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Tệp YAML ghi mẫu (ví dụ city_template.yaml).")
@click.option("--unit-profile", "unit_profile", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ghi thêm hồ sơ của đơn vị ban hành văn bản nguồn: người ký, tên phòng, ban riêng, Nơi nhận.")
@click.option("--agencies", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Từ điển cơ quan riêng (YAML, cùng dạng kehoach_gen/data/agencies.yaml), bổ sung từ điển có sẵn.")
@click.option("--previous", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Mẫu đã có: giữ nguyên mã các nhiệm vụ khi nhập bản sửa đổi.")
@click.option("--json", "as_json", is_flag=True, help="In báo cáo rà soát dạng JSON.")
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
def import_(source: Path, out: Path, unit_profile: Path | None, agencies: Path | None, previous: Path | None,
            as_json: bool, force: bool) -> None:
    """Nhập một Kế hoạch đã hoàn chỉnh (.docx) thành mẫu cho mọi đơn vị khác.

    Văn bản nguồn có thể là Kế hoạch của thành phố (có phụ lục), Kế hoạch của một xã, phường …
    (nhiệm vụ ghi trong nội dung hoặc ở phụ lục), hoặc chỉ bảng phụ lục của thành phố. Tên, cấp,
    cơ quan của đơn vị nguồn thành chỗ điền ({{ don_vi }}, {{ cap }}, {{ ubnd }} …); cơ quan
    thành mã vai trò theo từ điển. In báo cáo rà soát: mọi chỗ đã đoán, ở đâu, quyết định gì.

    \b
    Ví dụ:
      kehoach-gen import ke_hoach_xa_tan_an.docx -o city_template.yaml --unit-profile tan_an.yaml
      kehoach-gen import ke_hoach.docx -o mau.yaml --agencies tu_dien_rieng.yaml --json
    """
    from .files import atomic_write
    from .importer import import_document
    from .importer.outputs import lines_after, target_problem
    from .validate import load_city

    problem = target_problem(out, unit_profile, force)
    if problem is not None:
        raise click.UsageError(problem)
    prev = load_city(previous)[0] if previous else None
    report = import_document(source, agencies=agencies, previous=prev)
    profile_text = report.profile_yaml()
    written = [(out, report.template_yaml())]
    if unit_profile is not None and profile_text is not None:
        written.append((unit_profile, profile_text))
    for target, text in written:
        try:
            atomic_write(target, text)
        except OSError as exc:
            raise click.UsageError(f"không ghi được {target}: {exc.strerror or exc}") from None
    if report.appendix_result is not None and not as_json:  # only the city's appendix: as always
        _echo_problems(report.warnings)
    said = lines_after(report, out, unit_profile, has_profile=profile_text is not None,
                       as_json=as_json)
    if as_json:
        click.echo(report.to_json())
    elif report.appendix_result is None:
        click.echo(report.to_text())
        click.echo("")
    for line in said:
        click.echo(line, err=as_json)


@main.command(context_settings=CONTEXT_SETTINGS)
@click.option("-o", "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("schemas"),
              show_default=True, help="Thư mục ghi hai tệp JSON Schema.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Ghi thêm mô tả các khóa (Markdown), ví dụ docs/schema.md.")
def schema(out: Path, markdown: Path | None) -> None:
    """Ghi JSON Schema của mẫu thành phố và hồ sơ đơn vị, để VS Code gợi ý và kiểm tra khi gõ.

    \b
    Ví dụ:
      kehoach-gen schema -o schemas --markdown docs/schema.md
    Dòng đầu của hồ sơ: # yaml-language-server: $schema=../schemas/unit_profile.schema.json
    """
    from .schema import write_schemas

    for path in write_schemas(out, markdown):
        click.echo(f"Đã ghi {path}.")


# The cyclic garbage collector, tuned for one command's run as mypy tunes it. By default it walks
# the young objects every 700 allocations; a build keeps thousands of objects a run in caches
# (the Word template's rows, the blocks the check has read), each walked again on its way to the
# old generation, and frees no garbage: a 300-unit build with the check spent 0.4 s there.
# Objects freed by their count (nearly all) are freed at once whatever the thresholds.
GC_THRESHOLDS = (200_000, 30, 30)


def run() -> None:
    """The ``kehoach-gen`` command: :func:`main`, with the garbage collector tuned for one run
    of a command, and the process ended by :func:`leave`. A program that imports kehoach_gen
    keeps its own collector settings and its own exit."""
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        main()
    except SystemExit as exc:  # (click ends every run so, its exit code in it)
        leave(exc.code)


def leave(code: object) -> NoReturn:
    """End the process with ``code`` as ``sys.exit`` takes it (None: 0; a number; a message,
    written to stderr: 1), once both output streams are flushed, without tearing the heap down.

    Python frees every object at exit, one by one. After a build with the check that is the
    caches of the Word template and of the blocks the check has read: some 0.4 s of a 3.5 s
    run spent freeing memory the system takes back at once anyway. mypy ends the same way
    (``os._exit``). Nothing of ours waits for the exit: files are written and closed, the
    workers and LibreOffice are stopped, and temporary folders removed, before a command
    returns."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    for stream in (sys.stdout, sys.stderr):
        # a closed pipe (kehoach-gen … | head): nothing more can be said there
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
