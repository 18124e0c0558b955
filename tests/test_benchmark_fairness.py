"""The benchmark's naive docxtpl loop makes the same documents as build.

benchmarks/build_all.py compares build with the loop a competent docxtpl user writes; the
comparison is only fair if both produce the same documents. For each bundled profile, in the
appendix layout, both documents must have the same paragraphs (python-docx, body and table
cells in document order) with the same text, a line break (``w:br``) counting as "\\n", and
neither may hold a raw newline inside a ``w:t`` (Word would show it as a space).

Footnotes are not compared: docxtpl has no footnotes, so the naive loop writes a note's number
as a superscript run where build writes a real Word footnote. Only the body is compared, with
the footnote reference marks (runs styled "FootnoteReference", in both documents) removed.
"""

from __future__ import annotations

import difflib
import functools
import io
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from benchmarks.build_all import (
    Variant,
    city_path,
    explain_generate,
    naive_document,
    rename_departments,
    smaller,
    templates_dir,
    vary_profiles,
)
from benchmarks.common import LoadWatch, OtherWork, own_cpu_seconds
from kehoach_gen.pipeline import Project, generate_unit

REPO = Path(__file__).resolve().parents[1]
PROFILES = sorted((REPO / "unit_profiles").glob("*.yaml"))


def _is_reference(run: Any) -> bool:
    style = run._r.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
    return style is not None and style.get(qn("w:val")) == "FootnoteReference"


def _paragraph_text(p: Paragraph) -> str:
    out = []
    for run in p.runs:
        if _is_reference(run):
            continue
        out.append(run.text)  # python-docx: w:t text, w:br → "\n", w:tab → "\t"
    return "".join(out)


def _blocks(element: Any, parent: Any) -> list[str]:
    """Every paragraph's text in document order, descending into table cells (each cell once,
    however many grid columns it spans)."""
    texts: list[str] = []
    for child in element.iterchildren():
        if child.tag == qn("w:p"):
            texts.append(_paragraph_text(Paragraph(child, parent)))
        elif child.tag == qn("w:tbl"):
            table = Table(child, parent)
            for tr in child.iterchildren(qn("w:tr")):
                for tc in tr.iterchildren(qn("w:tc")):
                    texts.extend(_blocks(tc, _Cell(tc, table)))
    return texts


@functools.cache
def _document(data: bytes) -> Any:
    """A .docx parsed by python-docx once per process for its bytes (a whole plan: 30 ms); the
    tests only read it."""
    return Document(io.BytesIO(data))


def body_texts(path: Path) -> list[str]:
    document = _document(path.read_bytes())
    return _blocks(document.element.body, document._body)


def raw_newlines(path: Path) -> list[str]:
    """The texts of the w:t elements of the body that hold a raw line end."""
    body = _document(path.read_bytes()).element.body
    return [t.text for t in body.iter(qn("w:t")) if t.text and ("\n" in t.text or "\r" in t.text)]


@pytest.fixture(scope="module")
def project() -> Project:
    return Project(city_path(), templates_dir())


@pytest.fixture(scope="module")
def both(project: Project, tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], tuple[Path, Path]]:
    """The plan build writes and the plan the naive loop writes for a profile (appendix
    layout), each pair made once for the module: the tests only read them."""
    made: dict[Path, tuple[Path, Path]] = {}

    def make(profile: Path) -> tuple[Path, Path]:
        if profile not in made:
            folder = tmp_path_factory.mktemp(profile.stem)
            built = generate_unit(project, profile, folder / "build" / "plan.docx", force=True,
                                  layout="appendix").output
            assert built is not None
            made[profile] = built, naive_document(project, profile, folder, layout="appendix")
        return made[profile]

    return make


@pytest.mark.parametrize("profile", PROFILES, ids=[p.stem for p in PROFILES])
def test_naive_loop_writes_the_same_text_and_line_breaks_as_build(
        both: Callable[[Path], tuple[Path, Path]], profile: Path) -> None:
    built, naive = both(profile)

    ours, theirs = body_texts(built), body_texts(naive)
    assert len(ours) > 100  # a whole plan, appendix table included
    assert theirs == ours, "\n".join(difflib.unified_diff(ours, theirs, "build", "naive", lineterm="", n=1))
    assert raw_newlines(built) == []
    assert raw_newlines(naive) == []


def test_the_comparison_sees_line_breaks(both: Callable[[Path], tuple[Path, Path]]) -> None:
    """Lê Chân has a task written on two lines: the comparison above is not vacuous."""
    assert REPO / "unit_profiles" / "le_chan.yaml" in PROFILES
    for path in both(REPO / "unit_profiles" / "le_chan.yaml"):
        assert any("\n" in t for t in body_texts(path))
        assert _document(path.read_bytes()).element.body.find(".//" + qn("w:br")) is not None


def test_explain_profiles_a_whole_generate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``build_all.py --explain`` prints where one generate's time goes. The command ends its
    process with os._exit, before cProfile could write: the profile must still be read."""
    out = tmp_path / "x.docx"
    command = [sys.executable, "-m", "kehoach_gen.cli", "generate", "unit_profiles/le_chan.yaml", "-o",
               str(out), "--force"]
    explain_generate(command, tmp_path, dict(os.environ))
    printed = capsys.readouterr().out
    assert "imports (python -X importtime)" in printed
    profiled = printed.split("cProfile of the same command:", 1)[1]
    assert "kehoach_gen/pipeline.py" in profiled and "(generate_unit)" in profiled
    assert out.is_file()


def test_other_work_is_the_machines_cpu_time_less_the_runs_own() -> None:
    # 10 CPU s used by the machine, 7 of them by the run and its children: 3 by other work
    other = OtherWork.between((100.0, 110.0), (20.0, 27.0), wall=5.0, cores=2)
    assert other.seconds == pytest.approx(3.0) and other.share == pytest.approx(0.3)
    # a clock tick's rounding: never less than none
    assert OtherWork.between((100.0, 104.0), (20.0, 24.02), wall=2.0, cores=2).seconds == 0.0


def test_a_waited_childs_cpu_time_is_the_runs_own() -> None:
    before = own_cpu_seconds()
    subprocess.run([sys.executable, "-c", "import time\nt = time.process_time()\n"
                    "while time.process_time() - t < 0.5: pass"], check=True)
    assert own_cpu_seconds() - before >= 0.45


def test_a_process_that_is_not_the_runs_makes_the_machine_busy() -> None:
    """A benchmark running two workers on two cores raises the load average to 2 by itself; what
    is warned about is other work: here a process started apart (its parent exits at once, so
    this run never waits for it) spinning for a second."""
    watch = LoadWatch()
    subprocess.run(["sh", "-c", f"{sys.executable} -c 'import time\nt = time.process_time()\n"
                    "while time.process_time() - t < 1.0: pass' >/dev/null 2>&1 &"], check=True)
    time.sleep(1.6)
    lines = watch.report()
    assert watch.others is not None and watch.others.seconds >= 0.8, lines
    assert watch.busy and lines[-1].startswith("WARNING: other work took"), lines


def test_the_collector_benchmark_builds_each_variant_and_counts_the_cycles_left(tmp_path: Path) -> None:
    """benchmarks/gc_between_units.py runs each variant in a process of its own (it changes the
    collector's settings): one variant and the collector-off count, on two units."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    for name in ("le_chan.yaml", "tan_an.yaml"):
        (folder / name).write_bytes((REPO / "unit_profiles" / name).read_bytes())
    script = str(REPO / "benchmarks" / "gc_between_units.py")
    one = subprocess.run([sys.executable, script, "--one", str(folder), "defaults", "1"], capture_output=True,
                         text=True, check=True)
    found = json.loads(one.stdout.strip().splitlines()[-1])
    assert found["failed"] == 0 and found["wall"] > 0 and len(found["counts"]) == 3
    off = subprocess.run([sys.executable, script, "--collector-off", str(folder)], capture_output=True, text=True,
                         check=True)
    left = json.loads(off.stdout.strip().splitlines()[-1])
    assert left["failed"] == 0 and isinstance(left["unreachable"], int) and left["counts"] == [0, 0, 0]


def test_the_memory_runs_check_what_their_variant_checks(tmp_path: Path) -> None:
    """The memory part runs each variant again on fewer units: "build --no-check" without the
    check (its name holds the word "check", which once gave it the check)."""
    def make(name: str, kind: str, jobs: int, *, check: bool = False, units: int = 3, tag: str = "") -> Variant:
        return Variant(name, kind, tmp_path, tmp_path / f"out{tag}", jobs=jobs, units=units, check=check,
                       env={})

    variants = [make("build --no-check, -j 1", "build", 1), make("build (with check), -j 1", "build", 1, check=True)]
    small = smaller(variants, 2, make)
    assert [v.check for v in small] == [False, True]
    assert ["--check" in v.cmd for v in small] == [False, True] and all(v.units == 2 for v in small)


def test_varied_units_each_drop_a_task_their_level_has(tmp_path: Path) -> None:
    """benchmarks/build_all.py --parts varied: each unit drops one task of the city's plan, the
    tasks in turn, one its level has; every unit still builds, and its plan lacks the task."""
    import yaml

    from kehoach_gen.build import build_units

    names = [p.name for p in PROFILES][:3]
    for name in names:
        (tmp_path / name).write_bytes((REPO / "unit_profiles" / name).read_bytes())
    paths = sorted(tmp_path.glob("*.yaml"))
    project = Project(city_path(), templates_dir())
    assert build_units(project, paths, tmp_path / "before", check=False, jobs=1)[0].status != "failed"
    assert vary_profiles(paths) == len(paths)
    dropped = []
    for path in paths:
        overrides = yaml.safe_load(path.read_text(encoding="utf-8"))["overrides"]
        assert len(overrides) == 1 and next(iter(overrides.values())) == {"drop": True}
        dropped.append(next(iter(overrides)))
    assert len(set(dropped)) == len(paths)
    items = build_units(project, paths, tmp_path / "after", check=False, jobs=1)
    assert [i.messages for i in items if i.status == "failed"] == [] and len(items) == len(paths)

    def rows(folder: str, path: Path) -> int:
        tables = Document(str(tmp_path / folder / (path.stem + ".docx"))).tables
        return max(len(t.rows) for t in tables)

    for path in paths:  # one task row fewer (the numbers after it follow on)
        assert rows("after", path) == rows("before", path) - 1, path.name


def test_renamed_units_each_name_three_departments_their_own_way(tmp_path: Path) -> None:
    """benchmarks/build_all.py --parts renamed: each unit names three departments its own way;
    every unit still builds, and the rows those departments lead name them so."""
    import yaml

    from benchmarks.build_all import make_profiles
    from kehoach_gen.build import build_units

    paths = make_profiles(tmp_path / "profiles", 3)  # (the bundled ones name some already)
    rename_departments(paths)
    given = [yaml.safe_load(p.read_text(encoding="utf-8"))["departments"] for p in paths]
    assert all(len(g) == 3 for g in given) and len({g["kinh_te"] for g in given}) == len(paths)
    items = build_units(Project(city_path(), templates_dir()), paths, tmp_path / "out", check=False, jobs=1)
    assert [i.messages for i in items if i.status == "failed"] == []
    for path, names_given in zip(paths, given, strict=True):
        tables = Document(str(tmp_path / "out" / (path.stem + ".docx"))).tables
        cells = "\n".join(c.text for t in tables for row in t.rows for c in row.cells)
        assert names_given["tu_phap"] in cells and names_given["kinh_te"] in cells, path.name


def test_the_update_rebuilds_every_unit_over_its_own_plan_with_the_changed_closing(tmp_path: Path) -> None:
    """benchmarks/build_all.py --parts update: the city template with a phrase of its closing
    changed; building over the plans the old template made updates every unit (none kept as a
    person's edit, none moved aside), and each plan says the new phrase."""
    from benchmarks.build_all import CHANGED, changed_city, make_profiles
    from kehoach_gen.build import build_units

    paths = make_profiles(tmp_path / "profiles", 3)
    out = tmp_path / "out"
    before = build_units(Project(city_path(), templates_dir()), paths, out, check=False, jobs=1)
    assert {i.status for i in before} == {"written"}
    city = changed_city(tmp_path / "city.yaml")
    assert city.read_text(encoding="utf-8") != city_path().read_text(encoding="utf-8")
    after = build_units(Project(city, templates_dir()), paths, out, check=True, jobs=1)
    assert [(i.status, i.edited, i.check_errors) for i in after] == [("updated", None, 0)] * len(paths)
    assert sorted(p.name for p in out.glob("*.docx")) == sorted(p.stem + ".docx" for p in paths)
    for path in paths:
        text = "\n".join(p.text for p in Document(str(out / (path.stem + ".docx"))).paragraphs)
        assert CHANGED[1] in text and CHANGED[0] not in text, path.name


def test_the_parallel_benchmark_times_every_unit_in_the_process_that_made_it(tmp_path: Path) -> None:
    """benchmarks/parallel_split.py: with -j 2 both workers report their own units, and together
    every unit once; each share of "two processes" is every other unit."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    for n in range(6):
        text = (REPO / "unit_profiles" / "tan_an.yaml").read_text(encoding="utf-8")
        (folder / f"u{n}.yaml").write_text(text, encoding="utf-8")
    script = str(REPO / "benchmarks" / "parallel_split.py")

    def one(*args: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, script, "--one", str(folder), *args], capture_output=True,
                              text=True, check=True, cwd=tmp_path)
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    two = one("2", "0", "1")
    assert two["failed"] == 0 and len(two["processes"]) == 2 and two["main_cpu"] > 0
    # each worker is given two units at first: both made some
    assert min(len(p) for p in two["processes"]) >= 2 and sum(len(p) for p in two["processes"]) == 6
    assert all(len(row) == 4 and row[0] > 0 for p in two["processes"] for row in p)
    half = one("1", "1", "2")
    assert half["failed"] == 0 and [len(p) for p in half["processes"]] == [3] and half["main_cpu"] == 0
