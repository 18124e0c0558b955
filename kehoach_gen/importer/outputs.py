"""What ``kehoach-gen import`` says, as plain text for the command to show.

Why a target cannot be written (checked before the plan is read, so that a long import is not
lost to a name already taken), and the lines said once the files are written. The command
itself only reads, writes and echoes; nothing here knows of click.
"""

from __future__ import annotations

from pathlib import Path

from .report import ImportReport


def target_problem(out: Path, unit_profile: Path | None, force: bool) -> str | None:
    """Why the template (``out``) or the profile cannot be written there, if they cannot."""
    for target in (p for p in (out, unit_profile) if p is not None):
        if target.exists() and not force:
            return f"{target} đã có; dùng --force để ghi đè, hoặc chọn tên khác."
        if target.parent.exists() and not target.parent.is_dir():
            return f"{target.parent} là một tệp, không phải thư mục; chọn đường dẫn khác."
    if unit_profile is not None and unit_profile.resolve() == out.resolve():
        return "mẫu (-o) và hồ sơ đơn vị (--unit-profile) phải là hai tệp khác nhau."
    return None


def lines_after(report: ImportReport, out: Path, unit_profile: Path | None, *, has_profile: bool,
                as_json: bool) -> list[str]:
    """What the command says once the files are written: what went where, and a word on the
    profile when one was asked for and there is none, or there is one and it was not asked for."""
    said = _appendix_lines(report, out, as_json) if report.appendix_result is not None else [
        f"Đã ghi mẫu ({report.tasks} nhiệm vụ) vào {out}."]
    if report.appendix_result is None and unit_profile is not None and has_profile:
        said.append(f"Đã ghi hồ sơ đơn vị vào {unit_profile}.")
    if unit_profile is not None and not has_profile:
        said.append("Văn bản nguồn không phải Kế hoạch của một đơn vị: không có hồ sơ đơn vị để ghi.")
    elif unit_profile is None and has_profile:
        said.append("Thêm --unit-profile TỆP.yaml để ghi hồ sơ của đơn vị nguồn.")
    return said


def _appendix_lines(report: ImportReport, out: Path, as_json: bool) -> list[str]:
    """Only the city's appendix was read: said as the command always said it."""
    said = [f"Đã nhập {report.tasks} nhiệm vụ vào {out}."]
    if report.unknown_agencies and not as_json:
        said.append("Các cơ quan chưa có mã vai trò (cần ánh xạ tay):")
        said += [f"  - {name}" for name in report.unknown_agencies]
    return said


__all__ = ["lines_after", "target_problem"]
