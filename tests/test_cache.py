"""The cache on disk saves a second run the work that depends only on file contents, and can
never change a result: same bytes out, a changed file misses, a broken entry is made again."""

from __future__ import annotations

import os
import pickle
import shutil
from pathlib import Path

import pytest

from kehoach_gen import cache
from kehoach_gen.adapt import adapt
from kehoach_gen.pipeline import Project, generate_unit
from kehoach_gen.render import CompiledTemplate, compile_template
from kehoach_gen.validate import load_city, load_profile

from .conftest import MINI_CITY, MINI_PROFILE, REPO, write


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_a_cached_word_template_renders_the_same_bytes(folder: Path, tmp_path: Path) -> None:
    template = REPO / "templates" / "ke_hoach.docx"
    cold = compile_template(template)
    assert len(list(folder.glob("word-template-*.pickle"))) == 1
    warm = compile_template(template)
    assert warm is not cold
    city, _ = load_city(REPO / "city_template.yaml")
    profile, _ = load_profile(REPO / "unit_profiles" / "le_chan.yaml", city)
    for layout in ("appendix", "inline"):
        plan = adapt(city, profile.model_copy(update={"task_layout": layout}), draft=True)
        assert warm.render(plan) == cold.render(plan) == CompiledTemplate(template).render(plan)


def test_a_changed_file_is_not_found_and_a_broken_entry_is_made_again(folder: Path, tmp_path: Path) -> None:
    city = write(tmp_path / "city.yaml", MINI_CITY)
    profile = write(tmp_path / "p.yaml", MINI_PROFILE)
    first = generate_unit(Project.load(city, REPO / "templates"), profile, tmp_path / "a.docx")
    entries = sorted(folder.glob("city-template-*.pickle"))
    assert len(entries) == 1
    entries[0].write_bytes(b"not a pickle")  # a truncated or foreign entry
    again = generate_unit(Project.load(city, REPO / "templates"), profile, tmp_path / "b.docx")
    assert again.content == first.content
    write(city, MINI_CITY.replace("Hàng quý", "Hàng tháng"))  # the file changes: a new entry
    changed = generate_unit(Project.load(city, REPO / "templates"), profile, tmp_path / "c.docx")
    assert changed.content != first.content
    assert len(list(folder.glob("city-template-*.pickle"))) == 2
    assert pickle.loads(sorted(folder.glob("city-template-*.pickle"), key=os.path.getmtime)[-1].read_bytes())


def test_the_cache_can_be_turned_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cache.ENV_VAR, "0")
    assert cache.folder() is None
    compile_template(REPO / "templates" / "ke_hoach.docx")
    assert cache.load(cache.key("word-template", b"x")) is None


def test_a_template_that_fails_is_never_cached(folder: Path, tmp_path: Path) -> None:
    from kehoach_gen.errors import InputError

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(InputError):
        compile_template(bad)
    assert not list(folder.glob("word-template-*"))


def test_checking_a_plan_loads_no_model_once_the_unit_index_is_cached(tmp_path: Path) -> None:
    """``kehoach-gen check`` reads the official units from the disk cache without importing
    the models (pydantic alone costs a fifth of a second at every start), nor the package
    metadata reader (20 to 30 ms) to name the entry."""
    import subprocess
    import sys

    env = {**os.environ, "KEHOACH_CACHE": str(tmp_path / "cache")}
    out = tmp_path / "tan_an.docx"
    made = subprocess.run([sys.executable, "-m", "kehoach_gen.cli", "generate",
                           str(REPO / "unit_profiles" / "tan_an.yaml"), "-o", str(out)],
                          env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr  # (its check made the index of units)
    code = ("import sys\nfrom kehoach_gen.cli import main\ntry:\n    main(['check', sys.argv[1]])\n"
            "except SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pydantic'"
            " or m.startswith(('kehoach_gen.model', 'importlib.metadata'))))\n")
    checked = subprocess.run([sys.executable, "-c", code, str(out)], env=env, cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert "Đạt: không có phát hiện nào." in checked.stdout
    assert checked.stdout.strip().splitlines()[-1] == "[]"


def test_generating_a_plan_starts_no_event_loop_library(tmp_path: Path) -> None:
    """Nothing of ``generate`` uses asyncio, and importing it drags in ssl, socket, logging and
    concurrent.futures (some 25 ms at every start). typing_extensions before 4.16 imported it
    for every function pydantic_core marks deprecated; setup.cfg asks for 4.16 or later."""
    import subprocess
    import sys

    env = {**os.environ, "KEHOACH_CACHE": str(tmp_path / "cache")}
    code = ("import sys\nfrom kehoach_gen.cli import main\ntry:\n    main(['generate', sys.argv[1], "
            "'-o', sys.argv[2]])\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('asyncio', 'ssl')))\n")
    made = subprocess.run([sys.executable, "-c", code, str(REPO / "unit_profiles" / "tan_an.yaml"),
                           str(tmp_path / "tan_an.docx")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "tan_an.docx").stat().st_size > 10_000
    assert made.stdout.strip().splitlines()[-1] == "[]"


def test_the_official_list_is_known_by_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries made from the official list are keyed by its installed files: a list
    reinstalled or upgraded (a file changed, added) makes new entries; none installed, '?'."""
    package = tmp_path / "danh_sach_thu"
    (package / "data").mkdir(parents=True)
    write(package / "__init__.py", "")
    write(package / "data" / "units.json", "[1, 2]")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(cache, "LIST_PACKAGE", "danh_sach_thu")

    def fingerprint() -> str:
        cache.list_fingerprint.cache_clear()
        return cache.list_fingerprint()

    first = fingerprint()
    assert first == fingerprint() != "?"
    write(package / "__pycache__" / "x.pyc", "compiled")  # Python's own caches do not count
    assert fingerprint() == first
    write(package / "data" / "units.json", "[1, 2, 3]")
    second = fingerprint()
    assert second != first
    write(package / "data" / "more.json", "[]")
    assert fingerprint() not in (first, second)
    third = fingerprint()
    # the same files elsewhere (a zipped egg names its version in its path)
    shutil.copytree(package, tmp_path / "other" / "danh_sach_thu", copy_function=shutil.copy2)
    monkeypatch.syspath_prepend(str(tmp_path / "other"))
    assert fingerprint() != third
    monkeypatch.setattr(cache, "LIST_PACKAGE", "khong_co_goi_nay")
    assert fingerprint() == "?"
    cache.list_fingerprint.cache_clear()
