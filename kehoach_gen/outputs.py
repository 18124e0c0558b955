"""Where each plan is written, and writing it so that nothing a person wrote is lost.

Every output records what it was made from (custom document properties: the unit, a hash of
its inputs, a hash of its own content). Before a file is written, the one already there is
read: absent, written by kehoach-gen and untouched since, or edited by a person (or not ours
at all). An edited file is never overwritten: the new version goes beside it as
"… (bản mới).docx"; with ``force`` the edited file is first moved aside as
"… (bản sửa tay).docx" and the message says where. A file written for another unit is
never overwritten either: two profiles that name the same output are an error, found before
anything is written.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import InputError, OutputError, Problem, rel
from .files import atomic_write, resolved
from .render import PROP_CONTENT, is_unchanged
from .spelling import slug

PROP_INPUTS = "kehoach-gen:inputs"
PROP_VERSION = "kehoach-gen:version"
PROP_UNIT = "kehoach-gen:unit"
NEW_SUFFIX = " (bản mới)"
EDITED_SUFFIX = " (bản sửa tay)"

State = Literal["absent", "ours", "edited"]


def output_name(profile_path: Path) -> str:
    """``tan_an.docx`` for ``unit_profiles/tan_an.yaml``: the profile file's name, as a plain
    ASCII file name (see :func:`kehoach_gen.spelling.slug`)."""
    return f"{slug(profile_path.stem)}.docx"


def target_for(profile_path: Path, out: Path | None) -> Path:
    """The output of a profile: ``out`` itself when it names a .docx, else a file in ``out``
    (default ``out/``)."""
    target = out if out is not None else Path("out")
    if target.suffix.lower() != ".docx":
        target = target / output_name(profile_path)
    return target


def collisions(profiles: Sequence[Path], out: Path | None) -> list[Problem]:
    """Profiles of one run that would write the same file (Cẩm Giang.yaml and Cẩm Giàng.yaml
    both make cam_giang.docx): one error per profile after the first, naming both."""
    first: dict[str, Path] = {}
    problems = []
    folders: dict[str, Path] = {}  # (the output folder resolved once, not once per profile)
    for path in profiles:
        target = target_for(path, out)
        key = os.path.normcase(str(resolved(target, folders)))
        if key in first and first[key].resolve() != path.resolve():
            problems.append(Problem(
                message=f"ghi ra cùng tệp {rel(target)} với hồ sơ {rel(first[key])}; tệp của một đơn vị "
                        "sẽ mất", file=rel(path),
                hint="Đổi tên một trong hai tệp hồ sơ (ví dụ thêm mã đơn vị: cam_giang_10888.yaml)"))
        else:
            first.setdefault(key, path)
    return problems


def existing_state(path: Path) -> tuple[State, dict[str, str]]:
    """Whether ``path`` is absent, as kehoach-gen wrote it, or changed by a person since."""
    if not path.exists() and not path.is_symlink():
        return "absent", {}
    if path.is_symlink() or not path.is_file():
        return "edited", {}  # not a file we wrote: never written through
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"{rel(path)}: không đọc được tệp đã có: {exc.strerror}") from None
    if not data:  # nobody's work: what a crash can leave of a new file (see files.py)
        return "absent", {}
    unchanged, props = is_unchanged(data)
    return ("ours" if unchanged else "edited"), props


def beside(path: Path, suffix: str = NEW_SUFFIX) -> Path:
    """``… (bản mới).docx`` next to ``path``, numbered if that exists and is someone's."""
    candidate = path.with_name(f"{path.stem}{suffix}{path.suffix}")
    n = 2
    while existing_state(candidate)[0] == "edited" or (suffix == EDITED_SUFFIX and candidate.exists()):
        candidate = path.with_name(f"{path.stem}{suffix} {n}{path.suffix}")
        n += 1
    return candidate


Written = Literal["written", "updated", "unchanged", "kept-edited", "forced", "collision"]


@dataclass
class Placed:
    """What happened to one output."""

    status: Written
    path: Path                 # the file that holds this plan now
    edited: Path | None = None  # a person's edited file: kept there, or moved there (forced)
    other_unit: str = ""       # the unit whose file is already at ``path`` (collision)


def place(target: Path, data: bytes, content: str, unit: str, *, force: bool,
          existing: tuple[State, dict[str, str]] | None = None) -> Placed:
    """Write ``data`` (whose content hash is ``content``) for ``unit`` at ``target`` unless
    the same content is already there; keep a person's edits (beside, or moved aside with
    ``force``); never overwrite another unit's plan. ``existing``: :func:`existing_state` of
    ``target`` when the caller has just read it (reading it means hashing every part again)."""
    state, props = existing if existing is not None else existing_state(target)
    if state == "ours":
        other = props.get(PROP_UNIT, "")
        if other and other != unit:
            return Placed("collision", target, other_unit=other)
        if props.get(PROP_CONTENT) == content and not force:
            return Placed("unchanged", target)
    if state == "edited" and not force:
        new = beside(target)
        _write(new, data)
        return Placed("kept-edited", new, edited=target)
    if state == "edited":
        moved = beside(target, EDITED_SUFFIX)
        try:
            os.replace(target, moved)
        except OSError as exc:
            raise OutputError(f"{rel(target)}: không chuyển được bản sửa tay sang {rel(moved)}: "
                              f"{exc.strerror}") from None
        _write(target, data)
        return Placed("forced", target, edited=moved)
    _write(target, data)
    return Placed("written" if state == "absent" else "updated", target)


def _write(target: Path, data: bytes) -> None:
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise OutputError(f"{rel(target)}: không ghi được tệp: {exc.strerror or exc}") from None


def collision_error(profile: Path, placed: Placed) -> InputError:
    return InputError([Problem(
        message=f"{rel(placed.path)} đã là Kế hoạch của {placed.other_unit}; không ghi đè bằng Kế hoạch "
                "của hồ sơ này", file=rel(profile),
        hint="Đổi tên tệp hồ sơ cho khác tên tệp của đơn vị kia, hoặc ghi vào thư mục khác (-o)")])
