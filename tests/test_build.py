"""`build`: many units, in parallel, incremental, one failure does not stop the others."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from kehoach_gen import build as build_module
from kehoach_gen.build import BuildItem, build_units
from kehoach_gen.cli import main
from kehoach_gen.pipeline import Project

from .conftest import MINI_CITY, MINI_PROFILE, REPO, write
from .docx_helpers import all_text, open_docx

UNITS = {
    "tan_an": ("xã", "Tân An"),
    "le_chan": ("phường", "Lê Chân"),
    "cat_hai": ("đặc khu", "Cát Hải"),
    "kien_hai": ("xã", "Kiến Hải"),
}


def make_profiles(folder: Path) -> list[Path]:
    paths = []
    for stem, (level, name) in UNITS.items():
        text = MINI_PROFILE.replace("level: xã", f"level: {level}").replace("name: Tân An", f"name: {name}")
        paths.append(write(folder / f"{stem}.yaml", text))
    return paths


def build(tmp: Path, city: Path, **kw: object) -> dict[str, str]:
    project = Project.load(city, REPO / "templates")
    items = build_units(project, sorted((tmp / "p").glob("*.yaml")), tmp / "out", check=False, **kw)  # type: ignore[arg-type]
    return {Path(i.profile).stem: i.status for i in items}


def test_builds_every_unit_in_parallel_with_its_own_header(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    assert build(tmp_path, city, jobs=2) == {k: "written" for k in UNITS}
    for stem, (level, name) in UNITS.items():
        doc = open_docx(tmp_path / "out" / f"{stem}.docx")
        assert doc.tables[0].cell(0, 0).paragraphs[1].text == f"{level} {name}".upper()
        assert doc.paragraphs[1].text == f"Triển khai thực hiện Đề án trên địa bàn {level} {name}"


def test_incremental_only_changed_inputs_are_rebuilt(tmp_path: Path) -> None:
    paths = make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    build(tmp_path, city, jobs=2)
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()}
    assert set(build(tmp_path, city, jobs=2).values()) == {"unchanged"}
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "out").iterdir()} == before
    # one profile changes: only that unit is rebuilt
    paths[0].write_text(paths[0].read_text(encoding="utf-8").replace("Phạm Minh Ngạn", "Trần Văn B"),
                        encoding="utf-8")
    statuses = build(tmp_path, city, jobs=2)
    assert statuses.pop("tan_an") == "updated"
    assert set(statuses.values()) == {"unchanged"}
    # the city template changes: every unit is rebuilt
    write(tmp_path / "city.yaml", MINI_CITY.replace("Hàng quý", "Hàng tháng"))
    assert set(build(tmp_path, city, jobs=2).values()) == {"updated"}
    assert set(build(tmp_path, city, jobs=2, force=True).values()) == {"updated"}


def test_one_bad_profile_does_not_stop_the_others(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    write(tmp_path / "p" / "bad.yaml", "level: huyện\nname: Tân An\n")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    statuses = build(tmp_path, city, jobs=2)
    assert statuses.pop("bad") == "failed"
    assert set(statuses.values()) == {"written"}


def test_units_made_a_few_at_a_time_end_each_as_it_would_alone(tmp_path: Path) -> None:
    """build_few takes each step for all its units before the next; each unit still fails or
    succeeds, with the same messages, warnings and check, as when made alone: a file that is no
    YAML, a profile the model refuses, one the check against the city refuses (no signer in a
    final plan), and good ones between them."""
    from kehoach_gen.build import build_few, build_one

    folder = tmp_path / "p"
    make_profiles(folder)
    write(folder / "a_broken.yaml", "level: xã\nname: [Tân An\n")
    write(folder / "b_level.yaml", "level: huyện\nname: Tân An\n")
    write(folder / "m_unsigned.yaml", MINI_PROFILE.replace("name: Phạm Minh Ngạn", 'name: ""').replace(
        "name: Tân An", "name: Tân Hưng"))
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    paths = sorted(folder.glob("*.yaml"))
    together = build_few(project, paths, tmp_path / "together", force=True, draft=False, check=True)
    alone = [build_one(project, p, tmp_path / "alone", force=True, draft=False, check=True) for p in paths]

    def seen(item: BuildItem) -> tuple[object, ...]:
        return (item.profile, item.status, item.unit, item.messages, item.warnings, item.inputs,
                item.checked, item.check_errors, item.check_warnings,
                item.check_text.replace(str(tmp_path / "together"), "").replace(str(tmp_path / "alone"), ""))

    assert [seen(i) for i in together] == [seen(i) for i in alone]
    statuses = {Path(i.profile).stem: i.status for i in together}
    assert statuses == {"a_broken": "failed", "b_level": "failed", "m_unsigned": "failed",
                        **dict.fromkeys(UNITS, "written")}
    assert all(i.messages for i in together if i.status == "failed")
    assert sorted(p.stem for p in (tmp_path / "together").glob("*.docx")) == sorted(UNITS)


def test_a_hand_edited_document_is_reported_and_kept(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    build(tmp_path, city, jobs=1)
    target = tmp_path / "out" / "tan_an.docx"
    doc = docx.Document(str(target))
    doc.add_paragraph("Ghi chú của văn phòng")
    doc.save(str(target))
    edited = target.read_bytes()
    write(tmp_path / "city.yaml", MINI_CITY.replace("Hàng quý", "Hàng tháng"))
    statuses = build(tmp_path, city, jobs=2)
    assert statuses["tan_an"] == "kept-edited"
    assert target.read_bytes() == edited
    new = tmp_path / "out" / "tan_an (bản mới).docx"
    assert "Hàng tháng" in "\n".join(c.text for r in open_docx(new).tables[-1].rows for c in r.cells)


def test_build_cli_summary_and_exit_code(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    write(tmp_path / "p" / "bad.yaml", "level: xã\nname: Tân An\nsigner: {name: ''}\n")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    result = CliRunner().invoke(main, ["build", str(tmp_path / "p"), "--city", str(city), "-o",
                                       str(tmp_path / "out"), "--no-check", "-j", "2"])
    assert result.exit_code == 1
    assert "Kết quả: 1 lỗi, 4 đã tạo." in result.output
    assert "bad.yaml:3: lỗi: signer.name: chưa điền họ tên người ký" in result.output
    result = CliRunner().invoke(main, ["build", str(tmp_path / "p"), "--city", str(city), "-o",
                                       str(tmp_path / "out"), "--no-check", "--draft"])
    assert result.exit_code == 0, result.output
    # the draft changes nothing in the four complete plans: they are not rewritten
    assert "4 không đổi" in result.output and "1 đã tạo" in result.output


def test_the_manifest_is_only_an_accelerator(tmp_path: Path) -> None:
    """A touched output (new mtime) is checked by content; a stale or broken manifest is ignored."""
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    build(tmp_path, city, jobs=1)
    manifest = tmp_path / "out" / ".kehoach-gen.json"
    assert manifest.exists()
    target = tmp_path / "out" / "tan_an.docx"
    target.touch()  # same content, new mtime: still recognised as ours and unchanged
    assert build(tmp_path, city, jobs=1)["tan_an"] == "unchanged"
    manifest.write_text("{not json", encoding="utf-8")
    assert set(build(tmp_path, city, jobs=1).values()) == {"unchanged"}
    doc = docx.Document(str(target))  # edited in Word: detected through the content hash
    doc.add_paragraph("sửa tay")
    doc.save(str(target))
    write(tmp_path / "city.yaml", MINI_CITY.replace("Hàng quý", "Hàng tháng"))
    assert build(tmp_path, city, jobs=1)["tan_an"] == "kept-edited"


@pytest.mark.slow
def test_init_units_then_build_all_114_hai_phong_units(tmp_path: Path) -> None:
    """The justice department's whole-city run, on the bundled city template."""
    from kehoach_gen.validate import load_profile

    folder = tmp_path / "profiles"
    result = CliRunner().invoke(main, ["init-units", "--province", "Hải Phòng", "-o", str(folder),
                                       "--city", str(REPO / "city_template.yaml")])
    assert result.exit_code == 0, result.output
    paths = sorted(folder.glob("*.yaml"))
    assert len(paths) == 114
    # without signers the build refuses, naming each file
    project = Project(REPO / "city_template.yaml", REPO / "templates")
    items = build_units(project, paths[:3], tmp_path / "out", check=False, jobs=1)
    assert {i.status for i in items} == {"failed"}
    assert all("signer.name: chưa điền họ tên người ký" in i.messages[0] for i in items)
    for i, path in enumerate(paths):  # the clerks fill in their signers
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('name: ""', f'name: "Nguyễn Văn {chr(65 + i % 26)}"', 1), encoding="utf-8")
    items = build_units(project, paths, tmp_path / "out", check=False, jobs=2)
    assert [i.messages for i in items if i.status == "failed"] == []
    assert len([i for i in items if i.status == "written"]) == 114
    levels = {"xa": 0, "phuong": 0, "dac_khu": 0}
    for item in items:
        profile = load_profile(item.profile)[0]
        levels[profile.level] += 1
        doc = open_docx(Path(item.output or ""))
        assert doc.tables[0].cell(0, 0).paragraphs[1].text == profile.full_name.upper()
        assert doc.paragraphs[1].text.endswith(f"trên địa bàn {profile.full_name}")
        criteria = next(r for r in doc.tables[-1].rows if r.cells[0].text == "I").cells[1].text
        assert f"“{profile.level_name.capitalize()} thượng tôn" in criteria
    assert levels == {"xa": 67, "phuong": 45, "dac_khu": 2}


@pytest.mark.parametrize(("old", "new", "affected"), [
    # a new deadline on a task every level has
    ("deadline: Hàng quý", "deadline: Quý IV hằng năm", {"tan_an", "le_chan", "cat_hai", "kien_hai"}),
    # a phường-only task changes: no xã or đặc khu is affected
    ("text: Chỉ ở phường", "text: Chỉ ở phường (sửa)", {"le_chan"}),
    # a task added at the end of section III
    ("            - {id: B05,", "            - {id: B06, text: Mới, lead: [tu_phap], deadline: Năm 2027}\n"
                                "            - {id: B05,", {"tan_an", "le_chan", "cat_hai", "kien_hai"}),
    # a body renamed at unit level, only for phường
    ("khu_dan_cu: {city: \"thôn, tổ dân phố\", xa: các thôn, phuong: các tổ dân phố,",
     "khu_dan_cu: {city: \"thôn, tổ dân phố\", xa: các thôn, phuong: các khu phố,", {"le_chan"}),
])
def test_diff_names_exactly_the_units_build_regenerates(tmp_path: Path, old: str, new: str,
                                                        affected: set[str]) -> None:
    from kehoach_gen.diff import diff_cities
    from kehoach_gen.validate import load_city, load_profile

    make_profiles(tmp_path / "p")
    assert old in MINI_CITY
    city = write(tmp_path / "city.yaml", MINI_CITY)
    before = write(tmp_path / "before.yaml", MINI_CITY)
    build(tmp_path, city, jobs=1)
    write(tmp_path / "city.yaml", MINI_CITY.replace(old, new))
    profiles = [(p.stem, load_profile(p)[0]) for p in sorted((tmp_path / "p").glob("*.yaml"))]
    report = diff_cities(load_city(before)[0], load_city(city)[0], profiles)
    assert {u.profile for u in report.units if u.status == "changed"} == affected
    # build regenerates every unit whose inputs changed, but only the affected ones get new content
    out = tmp_path / "out"
    texts_before = {p.stem: docx_text(p) for p in out.glob("*.docx")}
    build(tmp_path, city, jobs=2)
    changed = {p.stem for p in out.glob("*.docx") if docx_text(p) != texts_before[p.stem]}
    assert changed == affected


def docx_text(path: Path) -> str:
    from .docx_helpers import all_text

    return all_text(open_docx(path))


@pytest.fixture
def unfrozen() -> Iterator[None]:
    """A process that froze nothing (the test session freezes what collecting made: given back
    for the test, frozen again after it)."""
    gc.unfreeze()
    try:
        yield
    finally:
        gc.freeze()


@pytest.mark.usefixtures("unfrozen")
def test_between_units_what_is_alive_is_frozen_and_given_back_after(tmp_path: Path) -> None:
    """The cyclic collector walks only what the unit being built makes: what earlier units
    left (templates, the checker's caches) is frozen after each unit. After the build nothing
    stays frozen, in one process or with workers."""
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    paths = sorted((tmp_path / "p").glob("*.yaml"))
    assert gc.get_freeze_count() == 0
    frozen: list[int] = []
    items = build_units(project, paths, tmp_path / "out", jobs=1,
                        progress=lambda item: frozen.append(gc.get_freeze_count()))
    assert [i.status for i in items] == ["written"] * len(UNITS) and all(i.checked for i in items)
    assert len(frozen) == len(UNITS) and min(frozen) > 0
    assert gc.get_freeze_count() == 0
    build_units(project, paths, tmp_path / "out2", jobs=2)
    assert gc.get_freeze_count() == 0


def test_a_program_that_froze_objects_keeps_them_frozen(tmp_path: Path) -> None:
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        frozen: list[int] = []
        build_units(project, sorted((tmp_path / "p").glob("*.yaml")), tmp_path / "out", jobs=1,
                    progress=lambda item: frozen.append(gc.get_freeze_count()))
        assert max(frozen) <= before  # nothing of ours was added to theirs
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


@pytest.mark.usefixtures("unfrozen")
def test_a_failed_unit_leaves_no_cycle_frozen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit that fails may leave an exception and its frames in a cycle: it is collected
    before what is alive is frozen."""
    class Node:
        other: object = None

    alive: list[weakref.ref[Node]] = []

    def failing(project: Project, paths: list[Path], out_dir: Path, **kw: object) -> list[BuildItem]:
        for _ in paths:
            a, b = Node(), Node()
            a.other, b.other = b, a  # garbage once this returns, freed only by the collector
            alive.append(weakref.ref(a))
        return [BuildItem(profile=str(path), status="failed", messages=["hỏng"]) for path in paths]

    monkeypatch.setattr(build_module, "build_few", failing)
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    gc.disable()  # no automatic collection could free the cycles instead
    try:
        items = build_units(project, sorted((tmp_path / "p").glob("*.yaml")), tmp_path / "out", jobs=1)
    finally:
        gc.enable()
    assert [i.status for i in items] == ["failed"] * len(UNITS)
    assert len(alive) == len(UNITS) and all(ref() is None for ref in alive)


def test_a_plan_records_the_profile_it_was_made_from_even_when_the_file_changes_meanwhile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The profile is read once: the hash recorded is of the bytes the plan was made from, so a
    profile saved while its plan was being made is seen as changed by the next build."""
    from kehoach_gen import loading
    from kehoach_gen.outputs import PROP_INPUTS
    from kehoach_gen.pipeline import generate_unit, inputs_digest
    from kehoach_gen.render import read_properties

    paths = make_profiles(tmp_path / "p")
    profile = paths[0]
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    first = profile.read_bytes()
    edited = first.replace("Phạm Minh Ngạn".encode(), "Trần Văn B".encode())
    assert edited != first
    reads: list[Path] = []
    real = loading.read_bounded

    def read_then_saved_by_the_clerk(path: Path, limit: int, what: str) -> bytes:
        raw = real(path, limit, what)
        reads.append(Path(path))
        if Path(path) == profile:
            profile.write_bytes(edited)  # saved again while this plan is being made
        return raw

    monkeypatch.setattr(loading, "read_bounded", read_then_saved_by_the_clerk)
    result = generate_unit(project, profile, tmp_path / "out")
    assert reads.count(profile) == 1
    assert result.output is not None
    recorded = read_properties(result.output.read_bytes())[PROP_INPUTS]
    assert recorded == inputs_digest(project, first, draft=False) != inputs_digest(project, edited, draft=False)
    assert "Phạm Minh Ngạn" in all_text(open_docx(result.output))  # the bytes read, not those saved
    monkeypatch.undo()
    statuses = {Path(i.profile).stem: i.status for i in build_units(
        project, [profile], tmp_path / "out", check=False, jobs=1)}
    assert statuses == {profile.stem: "updated"}  # the saved profile is not taken as built


_KILLER = """
import os, signal, sys
from pathlib import Path
from kehoach_gen import build
from kehoach_gen.pipeline import Project

made = build.start_unit
once = Path(sys.argv[6]) if len(sys.argv) > 6 else None  # kill once only: this file says it was done
def start_unit(project, path, *args, **kwargs):  # (the forked workers call it by this name)
    if path.stem == sys.argv[3] and not (once and once.exists()):
        if once:
            once.touch()
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer would
    return made(project, path, *args, **kwargs)
build.start_unit = start_unit
project = Project.load(Path(sys.argv[1]), Path(sys.argv[2]))
paths = sorted(Path(sys.argv[4]).glob("*.yaml"))
items = build.build_units(project, paths, Path(sys.argv[5]), check=False, jobs=2)
for item in items:
    print(Path(item.profile).stem, item.status, *item.messages, sep="\\t")
"""


def _killed_build(tmp_path: Path, victim: str, *extra: str) -> list[list[str]]:
    """12 units built with two workers, a worker SIGKILLed when it starts making ``victim``
    (every time, or once with ``extra`` naming the file that says it was done); the rows
    printed: stem, status, messages. The build must end within 60 s."""
    import subprocess
    import sys

    folder = tmp_path / "p"
    for n in range(12):
        write(folder / f"u{n:02}.yaml", MINI_PROFILE.replace("name: Tân An", f"name: Tân An {n}"))
    city = write(tmp_path / "city.yaml", MINI_CITY)
    done = subprocess.run([sys.executable, "-c", _KILLER, str(city), str(REPO / "templates"), victim, str(folder),
                           str(tmp_path / "out"), *extra], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert len(rows) == 12 and [r[0] for r in rows] == [f"u{n:02}" for n in range(12)]
    return rows


@pytest.mark.slow
def test_a_unit_that_kills_every_worker_fails_alone_and_the_build_ends(tmp_path: Path) -> None:
    """A unit whose worker is killed each time it is made (as the out-of-memory killer would)
    fails alone, after two tries, with a located message; the units given with it go to the
    worker forked in its place, and every other unit is written. (A multiprocessing pool waited
    forever for the unit of a dead worker; before workers were replaced, the units given with
    it failed too.)"""
    rows = _killed_build(tmp_path, "u03")
    failed = {r[0]: r[2] for r in rows if r[1] == "failed"}
    assert failed == {"u03": "p/u03.yaml: tiến trình con đã dừng giữa chừng 2 lần khi đang tạo đơn vị này "
                             "(lần cuối: tín hiệu 9, thường do hết bộ nhớ). Thử tạo riêng đơn vị này: "
                             "kehoach-gen generate p/u03.yaml"}, failed
    assert {r[1] for r in rows if r[0] != "u03"} == {"written"}
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.docx")) == [f"u{n:02}" for n in range(12) if n != 3]


@pytest.mark.slow
def test_a_worker_killed_once_costs_no_unit(tmp_path: Path) -> None:
    """A worker killed once in the middle of a unit (memory short for a moment) is replaced, and
    every unit, that one too, is written."""
    rows = _killed_build(tmp_path, "u05", str(tmp_path / "killed-once"))
    assert (tmp_path / "killed-once").exists()  # (the worker was killed)
    assert {r[0]: r[1] for r in rows} == {f"u{n:02}": "written" for n in range(12)}
    assert sorted(p.stem for p in (tmp_path / "out").glob("*.docx")) == [f"u{n:02}" for n in range(12)]


_HANGER = """
import os, sys, time
from pathlib import Path
from kehoach_gen import build
from kehoach_gen.pipeline import Project

def hang(project, todo, out_dir, force, draft, check, pipe, parent):  # closes its pipe, never ends
    pipe.recv()
    pipe.close()
    time.sleep(600)
build._worker = hang
build._ENDING = 0.2
project = Project.load(Path(sys.argv[1]), Path(sys.argv[2]))
counted = []  # the main process's open files each time a worker has ended
ended = build._ended
def counting(*args):
    yield from ended(*args)
    counted.append(len(os.listdir("/proc/self/fd")))
build._ended = counting
items = build.build_units(project, sorted(Path(sys.argv[3]).glob("*.yaml")), Path(sys.argv[4]), check=False, jobs=2)
print("fds", len(counted), max(counted) - min(counted), sep="\\t")
for item in items:
    print(Path(item.profile).stem, item.status, *item.messages, sep="\\t")
"""


@pytest.mark.slow
def test_workers_that_close_their_pipe_and_hang_are_ended(tmp_path: Path) -> None:
    """A worker that closes its pipe but does not end is ended (SIGTERM) and replaced; workers
    that all do so fail every unit, and the build still ends, with no file descriptor left open
    by the workers it replaced."""
    import subprocess
    import sys

    folder = tmp_path / "p"
    for n in range(3):
        write(folder / f"u{n}.yaml", MINI_PROFILE.replace("name: Tân An", f"name: Tân An {n}"))
    city = write(tmp_path / "city.yaml", MINI_CITY)
    done = subprocess.run([sys.executable, "-c", _HANGER, str(city), str(REPO / "templates"), str(folder),
                           str(tmp_path / "out")], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    fds, *rows = [line.split("\t") for line in done.stdout.splitlines()]
    assert fds[:2] == ["fds", "6"] and int(fds[2]) <= 4, fds  # six ended: their pipes and handles were not kept
    assert [(r[0], r[1]) for r in rows] == [(f"u{n}", "failed") for n in range(3)], rows
    assert all("tiến trình con đã dừng giữa chừng 2 lần" in r[2] and "tín hiệu 15" in r[2] for r in rows), rows


class _Pipe:
    """A worker's pipe as the main process sees it: what was sent; ``dead``: sending fails."""

    def __init__(self, dead: bool = False):
        self.sent: list[Any] = []
        self.dead = dead

    def send(self, what: Any) -> None:
        if self.dead:
            raise BrokenPipeError
        self.sent.append(what)


def test_units_of_a_dead_worker_are_given_again_one_at_a_time_and_twice_at_most() -> None:
    """The units a dead worker did not send back are given again before any new one, one at a
    time; the first of them was being made and counts a death; a unit whose worker died twice
    while making it is not given again."""
    from kehoach_gen.build import _Handout

    handout = _Handout(20, 2)
    a, b = _Pipe(), _Pipe()
    for pipe in (a, a, b, b):
        handout.give(pipe)
    assert a.sent == [[0, 1], [2, 3]] and b.sent == [[4, 5], [6]]
    handout.back(a, 0)
    handout.back(a, 1)
    assert handout.lost(a) == [(2, 1), (3, 0)]  # it died making 2 (or after it, before sending it back)
    c = _Pipe()
    handout.give(c)
    handout.give(c)
    assert c.sent == [[2], [3]]
    assert handout.lost(c) == [(2, 2), (3, 0)]  # 2 again: not given a third time
    d = _Pipe()
    handout.give(d)
    handout.give(d)
    assert d.sent == [[3], [7]]
    handout.back(d, 3)
    assert handout.more()


def test_workers_that_die_at_once_end_the_build_with_every_unit_failed() -> None:
    """Workers that die as soon as they start (whatever the reason) are each blamed on a unit,
    so replacing them ends: after two deaths per unit nothing is left to give."""
    from kehoach_gen.build import _TRIES, _Handout

    handout = _Handout(5, 2)
    failed: set[int] = set()
    for _ in range(100):
        if not handout.more():
            break
        pipe = _Pipe(dead=True)
        handout.give(pipe)
        handout.give(pipe)
        failed |= {k for k, deaths in handout.lost(pipe) if deaths >= _TRIES}
    assert not handout.more() and failed == set(range(5))


def test_every_unit_is_made_once_by_the_workers_in_any_order(tmp_path: Path) -> None:
    """Each unit is given to exactly one worker, and the items come back one per profile, even
    when there are fewer units than the two each worker is given at first."""
    folder = tmp_path / "p"
    for n in range(5):
        write(folder / f"u{n}.yaml", MINI_PROFILE.replace("name: Tân An", f"name: Tân An {n}"))
    city = write(tmp_path / "city.yaml", MINI_CITY)
    project = Project.load(city, REPO / "templates")
    for count, jobs in ((1, 2), (3, 2), (5, 3), (5, 2)):
        out = tmp_path / f"out{count}-{jobs}"
        paths = sorted(folder.glob("*.yaml"))[:count]
        seen: list[str] = []
        items = build_units(project, paths, out, check=False, jobs=jobs, progress=lambda i, s=seen: s.append(i.profile))
        assert sorted(seen) == [str(p) for p in paths]  # each once, as it came
        assert [i.profile for i in items] == [str(p) for p in paths] and {i.status for i in items} == {"written"}


def test_an_exception_no_unit_turns_into_a_message_reaches_the_build(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A bug in a worker is not swallowed: the build raises it, as the unit's process would."""
    make_profiles(tmp_path / "p")
    city = write(tmp_path / "city.yaml", MINI_CITY)

    def broken(*args: object, **kwargs: object) -> BuildItem:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(build_module, "build_few", broken)
    with pytest.raises(ZeroDivisionError, match="a bug"):
        build(tmp_path, city, jobs=2)
