"""Paths resolved once per folder give what resolving each path gives."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from kehoach_gen import errors
from kehoach_gen.files import resolved
from kehoach_gen.outputs import collisions


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """real/a.yaml, real/sub/b.yaml; link -> real; real/c.yaml -> sub/b.yaml; loop -> loop."""
    real = tmp_path / "real"
    (real / "sub").mkdir(parents=True)
    (real / "a.yaml").write_text("a")
    (real / "sub" / "b.yaml").write_text("b")
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    (real / "c.yaml").symlink_to(Path("sub") / "b.yaml")
    (real / "loop").symlink_to(real / "loop")
    monkeypatch.chdir(real)
    return tmp_path


PATHS = ["a.yaml", "sub/b.yaml", "c.yaml", "missing.yaml", "missing/x.yaml", "../link/a.yaml",
         "../link/c.yaml", "../link/sub/../a.yaml", "sub/..", ".", "..", "../real/./a.yaml",
         "../link", "loop"]


def _outcome(resolve: Callable[[], Path]) -> Path | str:
    try:
        return resolve()
    except RuntimeError:  # a link to itself (Python before 3.13)
        return "loop"


@pytest.mark.parametrize("written", PATHS)
def test_a_path_resolved_once_per_folder_is_the_path_resolved(tree: Path, written: str) -> None:
    folders: dict[str, Path] = {}
    for path in (Path(written), Path(written).absolute(), tree / "link" / written):
        for _ in range(2):  # (the second time, the folder from ``folders``)
            assert _outcome(lambda: resolved(path, folders)) == _outcome(path.resolve)  # noqa: B023


def test_rel_names_a_path_from_the_working_directory_or_as_written(tree: Path) -> None:
    errors._rel.cache_clear()
    assert errors.rel(tree / "link" / "sub" / "b.yaml") == "sub/b.yaml"
    assert errors.rel("../link/a.yaml") == "a.yaml"
    assert errors.rel("c.yaml") == "sub/b.yaml"  # (a link: where it leads)
    assert errors.rel(tree / "elsewhere.yaml") == str(tree / "elsewhere.yaml")


def test_two_profiles_whose_plans_are_one_file_through_a_link_collide(tree: Path) -> None:
    out = tree / "out"
    out.mkdir()
    (out / "x.docx").symlink_to(out / "y.docx")
    problems = collisions([Path("a/x.yaml"), Path("b/y.yaml"), Path("z.yaml")], out)
    assert [(p.file, "ghi ra cùng tệp" in p.message) for p in problems] == [("b/y.yaml", True)]
    assert collisions([Path("a/x.yaml"), Path("z.yaml")], tree / "link") == []
    assert os.path.islink(out / "x.docx")
