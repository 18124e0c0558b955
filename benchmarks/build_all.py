"""Benchmark: build all 114 Hải Phòng units, against a fair docxtpl loop, side by side in one run.

    python benchmarks/build_all.py [--repeat 5] [--units N]
        [--parts naive,build,check,varied,renamed,update,noop,memory,generate]

The 114 profiles come from the official list (``init_units("Hải Phòng", …)``), each given a
signer's name. Every measurement is a fresh process (Python's start, the imports, reading the
templates, the work, the exit: what a real run pays; and memory per run), timed from start to
exit, its CPU time and the peak RSS of the process and of each worker it forks taken too:

- naive, -j 1 and -j 2: what a competent docxtpl user writes. The same validation and
  adaptation as build (:func:`kehoach_gen.pipeline.plan_unit`), then plain docxtpl
  (``DocxTemplate(path)``, ``render(context, autoescape=True)``, ``save``) with a context of
  docxtpl's own types (:func:`naive_context`: ``RichText`` for rich text, plain strings for
  cell lines, line breaks written as ``\\n``, which docxtpl turns into ``w:br``); -j 2 forks two
  processes that share the profiles as build's workers do;
- ``build_units(project, paths, out, force=True, check=False, jobs=J)`` (``kehoach-gen build
  --force --no-check -j J``), J = 1 and 2;
- the default build, with the Nghị định 30 check, J = 1 and 2;
- varied: the same units, each dropping one task of the city's plan, a different one in turn
  (:func:`vary_profiles`), built with and without the check, J = 1 and 2: units whose task
  tables differ, as real units' do (the blank profiles give every unit of a level the same table);
- renamed: the same units, each naming three departments its own way (:func:`rename_departments`),
  with and without the check, J = 1 and 2: most task rows differ in a cell;
- update: the justice department's run after the city template changes (:func:`changed_city`:
  a phrase of the closing paragraph reworded). Before each timed run the folder holds every unit's plan made
  from the template as it was (copied in, untimed); ``kehoach-gen build`` (no ``--force``) then
  reads each plan there, knows it as its own, and writes the new one over it. With and without
  the check, -j 1 and -j 2, against the full build into an empty folder;
- a no-op rebuild (``kehoach-gen build -j 2`` again, nothing changed), as a share of the full build.

The variants alternate, their order rotating every round, for ``--repeat`` rounds. Printed:
min / median / max wall seconds per variant and milliseconds per document, the ratios at equal
jobs (the median of the per-round ratios), check / no-check, -j 1 / -j 2, the peak RSS of the
main process and of each worker for 38 and 114 units, and one ``kehoach-gen generate`` as a
whole process (``--generate-runs``), with ``--explain`` where its time goes, beside one
``kehoach-gen check`` of the plan it wrote. The machine, the
code measured and the load average at the start and the end are printed; a load above the
number of cores during the run is warned about.

``tests/test_benchmark_fairness.py`` checks that the naive loop's documents have the same text
and line breaks as build's. docxtpl has no footnotes: the naive loop writes a note's number as a
superscript run (style "FootnoteReference") where build writes a real Word footnote.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.common import (  # noqa: E402
    CODE_ENV,
    LoadWatch,
    Stats,
    TreeRun,
    bench_env,
    code_fingerprint,
    code_root,
    machine_lines,
    ratios,
    repo_line,
    rounds,
    run_tree,
    self_peak_mb,
    snapshot,
    use_code,
    wait_for_quiet,
)

if os.environ.get(CODE_ENV):  # a measured process: import the snapshot taken by the benchmark
    sys.path.insert(0, os.environ[CODE_ENV])

if TYPE_CHECKING:
    from docxtpl import RichText

    from kehoach_gen.adapt import UnitPlan
    from kehoach_gen.pipeline import Project

PROVINCE = "Hải Phòng"


def city_path() -> Path:
    """The city template measured (the snapshot's, during a benchmark)."""
    return code_root() / "city_template.yaml"


def templates_dir() -> Path:
    """The folder of the Word template measured (``ke_hoach.docx``)."""
    return code_root() / "templates"

# -- the naive loop: what a competent docxtpl user writes ---------------------------------------


def rich(text: str, notes: Mapping[str, tuple[int, str]]) -> RichText:
    """``text`` as docxtpl's ``RichText``; a footnote marker ``[^key]`` with a note becomes the
    note's number as a superscript run (docxtpl has no footnotes). ``\\n`` stays in the text:
    docxtpl writes it as a line break (``w:br``) when it renders."""
    from docxtpl import RichText

    from kehoach_gen.adapt import FOOTNOTE_RE

    rt = RichText()
    pos = 0
    if "[^" in text:
        for m in FOOTNOTE_RE.finditer(text):
            note = notes.get(m.group(1))
            if note is None:
                continue
            if m.start() > pos:
                rt.add(text[pos:m.start()])
            rt.add(str(note[0]), style="FootnoteReference", superscript=True)
            pos = m.end()
    rt.add(text[pos:])
    return rt


def _text(text: str, notes: Mapping[str, tuple[int, str]]) -> str:
    """A plain string value: a string cannot hold a superscript run, so markers of notes go."""
    if "[^" not in text:
        return text
    from kehoach_gen.adapt import FOOTNOTE_RE

    return FOOTNOTE_RE.sub(lambda m: "" if m.group(1) in notes else m.group(0), text)


def naive_context(plan: UnitPlan) -> dict[str, Any]:
    """The variables of the Word template (``templates/ke_hoach.docx``) for ``plan``, in
    docxtpl's own types: dicts, strings, ``RichText``.

    The shape is the one the template reads (see :mod:`kehoach_gen.render.context`): a body
    paragraph written on several lines is several paragraphs of its kind; a cell's items are
    its lines (the package's pure text helper, so the text is the same); a task row is ``tall``
    by the same estimate, so the same row variant is chosen."""
    from kehoach_gen.render.context import CELL_FIELDS, DEFAULT_GEOMETRY
    from kehoach_gen.render.text import cell_lines, plain_lines

    notes = plan.footnotes
    body = []
    for p in plan.body:
        first, *rest = plain_lines(p.text) if ("\n" in p.text or "\r" in p.text) else [p.text]
        body.append({"kind": p.kind, "rich": rich(f"{p.number} {first}" if p.number else first, notes)})
        body.extend({"kind": p.kind, "rich": rich(line, notes)} for line in rest)
    appendix = None
    if plan.appendix is not None:
        a = plan.appendix
        rows = []
        for r in a.rows:
            lines = {name: cell_lines(getattr(r, name)) for name in CELL_FIELDS}
            rows.append({
                "kind": r.kind, "number": _text(r.number, notes), "spans": r.spans,
                "rich": rich(r.text, notes),
                "cells": {name: [_text(x, notes) for x in v] for name, v in lines.items()},
                "tall": r.is_task and DEFAULT_GEOMETRY.tall(r.text, lines),
            })
        appendix = {"heading": _text(a.heading, notes), "title": _text(a.title, notes),
                    "kem_theo": _text(a.kem_theo, notes), "columns": [_text(c, notes) for c in a.columns],
                    "rows": rows}
    return {
        "issuer_lines": [_text(s, notes) for s in plan.issuer_lines],
        "number_line": plan.number_line,
        "place_date": plan.place_date,
        "title": _text(plan.title, notes),
        "trich_yeu": _text(plan.trich_yeu, notes),
        "body": body,
        "noi_nhan": [_text(s, notes) for s in plan.noi_nhan],
        "signer_lines": list(plan.signer_lines),
        "signer_name": plan.signer_name,
        "appendix": appendix,
        "footnote_list": [],
        "unit_name": plan.unit_name,
    }


def naive_document(project: Project, profile: Path, out_dir: Path, *, draft: bool = False,
                   layout: str | None = None) -> Path:
    """One unit the naive way: validate and adapt as build does, then plain docxtpl."""
    from docxtpl import DocxTemplate

    from kehoach_gen.outputs import output_name
    from kehoach_gen.pipeline import plan_unit

    plan, _profile, _loaded, _warnings = plan_unit(project, profile, draft=draft, layout=layout)
    tpl = DocxTemplate(str(project.template_path))
    tpl.render(naive_context(plan), autoescape=True)
    target = out_dir / output_name(profile)
    tpl.save(str(target))
    return target


_NAIVE: dict[str, Any] = {}


def _naive_worker(path: str) -> str:
    return str(naive_document(_NAIVE["project"], Path(path), _NAIVE["out"], draft=_NAIVE["draft"]))


def naive_loop(project: Project, profiles: Sequence[Path], out_dir: Path, *, draft: bool = False,
               jobs: int = 1) -> list[Path]:
    """Every profile the naive way, in one process or, with ``jobs`` > 1, in that many forked
    processes sharing the profiles in chunks as build's workers do. Before forking, the city
    template and the official unit list are read once, as build does, so the workers inherit
    them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        return [naive_document(project, p, out_dir, draft=draft) for p in profiles]
    import multiprocessing as mp

    from kehoach_gen.errors import InputError
    from kehoach_gen.units import official_units

    _ = project.city, project.city_loaded
    with contextlib.suppress(InputError):
        official_units(project.city.plan.province)
    _NAIVE.update(project=project, out=out_dir, draft=draft)
    chunk = max(1, min(16, len(profiles) // (jobs * 8)))
    with mp.get_context("fork").Pool(jobs) as pool:
        return [Path(p) for p in pool.imap_unordered(_naive_worker, [str(p) for p in profiles], chunk)]


# -- profiles ----------------------------------------------------------------------------------


def make_profiles(folder: Path, units: int | None = None, *, province: str = PROVINCE,
                  signers: bool = True) -> list[Path]:
    """The blank profiles of ``province``'s units (``init_units``) in ``folder``, the first
    ``units`` of them (by file name), each given a signer's name when ``signers``."""
    from kehoach_gen.pipeline import Project
    from kehoach_gen.units import init_units

    project = Project(city_path(), templates_dir())
    init_units(province, folder, city=project.city)
    paths = sorted(folder.glob("*.yaml"))[:units]
    if signers:
        for i, path in enumerate(paths):  # the signer is the one field only a person knows
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace('\n  name: ""', f'\n  name: "Nguyễn Văn {chr(65 + i % 26)}"', 1),
                            encoding="utf-8")
    return paths


def vary_profiles(paths: Sequence[Path]) -> int:
    """Give each profile a task of its own to drop, the city's tasks in turn (one that its level
    has): units that differ as real ones do, whose task tables are the city's but for a row and
    the numbers after it. Returns how many distinct tasks were dropped."""
    from kehoach_gen.pipeline import Project
    from kehoach_gen.validate import load_profile

    city = Project(city_path(), templates_dir()).city
    tasks = [t for _, _, t in city.appendix.all_tasks() if t.id and not t.pilot_only]
    used = set()
    for i, path in enumerate(paths):
        profile, _ = load_profile(path, city)
        if profile.overrides:
            raise SystemExit(f"{path}: already overrides tasks of the city's plan")
        kept = [t.id for t in tasks if t.applies_to(profile.level)]
        task = kept[i % len(kept)]
        used.add(task)
        _set_mapping(path, "overrides", f"\n  {task}:\n    drop: true")
    return len(used)


def _set_mapping(path: Path, key: str, body: str) -> None:
    """Give a profile's top-level ``key`` the YAML mapping ``body`` (its indented lines): in
    place of its ``key: {}`` line, or at the end when it has none."""
    text = path.read_text(encoding="utf-8")
    line = f"\n{key}:{body}\n"
    changed = text.replace(f"\n{key}: {{}}\n", line, 1)
    path.write_text(changed if changed != text else text.rstrip("\n") + line, encoding="utf-8")


# roles a unit names its own way (rename_departments), with the start of its names
RENAMED = {"tu_phap": "Văn phòng Ủy ban", "kinh_te": "Phòng Kinh tế", "van_hoa_xa_hoi": "Phòng Văn hóa"}


def rename_departments(paths: Sequence[Path]) -> None:
    """Give each profile its own names for three departments (:data:`RENAMED`), as units whose
    offices are named otherwise than the level's defaults: every row those departments lead
    or join changes in a cell, the task's text, outputs and deadline stay the city's."""
    from kehoach_gen.pipeline import Project
    from kehoach_gen.validate import load_profile

    city = Project(city_path(), templates_dir()).city
    for i, path in enumerate(paths):
        profile, _ = load_profile(path, city)
        if profile.departments:
            raise SystemExit(f"{path}: already names its departments")
        _set_mapping(path, "departments",
                     "".join(f'\n  {role}: "{start} số {i + 1}"' for role, start in RENAMED.items()))


# what the update part changes in the city template: a phrase of the plan's closing paragraph,
# which every unit's plan shows
CHANGED = ("kịp thời phản ánh về", "kịp thời báo cáo về")


def changed_city(path: Path) -> Path:
    """A copy of the city template at ``path`` with a phrase of its closing changed
    (:data:`CHANGED`); the measured runs name the Word template themselves (:func:`templates_dir`)."""
    text = city_path().read_text(encoding="utf-8")
    if text.count(CHANGED[0]) < 1:
        raise SystemExit(f"{city_path()}: no {CHANGED[0]!r} to change for the update part")
    path.write_text(text.replace(CHANGED[0], CHANGED[1], 1), encoding="utf-8")
    return path


# -- one measured process ----------------------------------------------------------------------


def child_command(kind: str, profiles: Path, out: Path, *, jobs: int, units: int | None = None,
                  check: bool = False, draft: bool = False, force: bool = True,
                  city: Path | None = None) -> list[str]:
    """The command of one measured run: ``kind`` is "naive" or "build" (``city``: another city
    template than the repository's)."""
    script = code_root() / "benchmarks" / "build_all.py"  # the snapshot's copy during a benchmark
    cmd = [sys.executable, str(script if script.is_file() else Path(__file__).resolve()), "--child", kind,
           "--profiles", str(profiles), "--out", str(out), "--jobs", str(jobs)]
    if units is not None:
        cmd += ["--units", str(units)]
    if check:
        cmd.append("--check")
    if draft:
        cmd.append("--draft")
    if not force:
        cmd.append("--no-force")
    if city is not None:
        cmd += ["--city", str(city)]
    return cmd


def _own_hwm_kb() -> int:
    """This process's peak RSS (VmHWM), exact, read just before it exits."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def child_main(args: argparse.Namespace) -> int:
    """Run one variant in this process and print what it did as JSON (the last line)."""
    # build runs with the garbage collector as the kehoach-gen command sets it, and ends as the
    # command ends (cli.leave: no heap torn down at exit); the naive loop keeps Python's
    # collector and exit, as a docxtpl user's script has them (with those thresholds, its
    # python-docx objects grew it from 76 to 257 MB over the 114 units)
    if args.child == "build":
        import gc

        from kehoach_gen.cli import GC_THRESHOLDS

        gc.set_threshold(*GC_THRESHOLDS)
    start = time.perf_counter()
    from kehoach_gen.pipeline import Project

    if args.child == "naive":
        import docxtpl  # noqa: F401  (the naive loop's import, counted as such)
    else:
        from kehoach_gen.build import build_units
    imported = time.perf_counter()
    paths = sorted(Path(args.profiles).glob("*.yaml"))[:args.units]
    out = Path(args.out)
    project = Project(Path(args.city) if args.city else city_path(), templates_dir())
    failed = check_errors = 0
    if args.child == "naive":
        written = naive_loop(project, paths, out, draft=args.draft, jobs=args.jobs)
        documents = len(written)
    else:
        items = build_units(project, paths, out, force=not args.no_force, draft=args.draft,
                            check=args.check, jobs=args.jobs)
        failed = sum(i.status == "failed" for i in items)
        check_errors = sum(i.check_errors for i in items)
        documents = sum(i.status != "failed" for i in items)
        for item in items[:3]:
            if item.status == "failed":
                print("\n".join(item.messages), file=sys.stderr)
    end = time.perf_counter()
    print(json.dumps({"kind": args.child, "units": len(paths), "documents": documents, "failed": failed,
                      "check_errors": check_errors, "imports": imported - start, "work": end - imported,
                      "hwm_kb": _own_hwm_kb()}))
    if args.child == "build":
        from kehoach_gen.cli import leave

        leave(0)
    return 0


# -- the benchmark -----------------------------------------------------------------------------


class Variant:
    """One measured configuration and all its runs."""

    def __init__(self, name: str, kind: str, profiles: Path, out: Path, *, jobs: int, units: int,
                 check: bool = False, draft: bool = False, force: bool = True, env: Mapping[str, str],
                 city: Path | None = None, before: Path | None = None):
        self.name, self.kind, self.jobs, self.units, self.check = name, kind, jobs, units, check
        self.out, self.force, self.before = out, force, before
        self.cmd = child_command(kind, profiles, out, jobs=jobs, units=units, check=check, draft=draft,
                                 force=force, city=city)
        self.env = env
        self.runs: list[TreeRun] = []
        self.reports: list[dict[str, Any]] = []

    def run(self) -> float:
        if self.force or self.before is not None:
            shutil.rmtree(self.out, ignore_errors=True)  # every full build starts from an empty folder
        if self.before is not None:  # (untimed) the plans made before, as the folder held them
            shutil.copytree(self.before, self.out, copy_function=shutil.copy2)
        done = run_tree(self.cmd, cwd=code_root(), env=self.env)
        report = _child_report(self.name, done)
        if report["failed"] or ((self.force or self.before) and report["documents"] != self.units):
            raise SystemExit(f"{self.name}: {report['documents']} of {self.units} documents, "
                             f"{report['failed']} failed\n{done.stderr[-2000:]}")
        if done.main is not None:  # the main process's exact peak, which it read itself at its end
            done.main.hwm_kb = max(done.main.hwm_kb, int(report.get("hwm_kb", 0)))
        self.runs.append(done)
        self.reports.append(report)
        return done.wall

    @property
    def walls(self) -> list[float]:
        return [r.wall for r in self.runs]

    def median(self, key: str) -> float:
        return Stats.of(float(r[key]) for r in self.reports).median

    def line(self, docs: int) -> str:
        s = Stats.of(self.walls)
        cpu = Stats.of(r.cpu for r in self.runs).median
        return (f"{self.name:<44} {s.low:7.2f} {s.median:7.2f} {s.high:7.2f}  {s.median / docs * 1000:7.1f}"
                f"   {self.median('work'):7.2f}  {self.median('work') / docs * 1000:7.1f}   {cpu:6.2f}")


def _child_report(name: str, done: TreeRun) -> dict[str, Any]:
    if done.returncode != 0:
        raise SystemExit(f"{name}: exit status {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    try:
        return dict(json.loads(done.stdout.strip().splitlines()[-1]))
    except (ValueError, IndexError):
        raise SystemExit(f"{name}: no report\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}") from None


def _ratio_line(label: str, a: Variant, b: Variant, target: str = "") -> str:
    r = ratios(a.walls, b.walls)
    return f"{label:<44} min {r.low:5.2f}  median {r.median:5.2f}  max {r.high:5.2f} x   {target}"


def _memory_lines(variants: Sequence[Variant]) -> list[str]:
    """Per variant: the main process's peak RSS and each worker's (median over the runs, and the
    highest), and the highest sum of the tree."""
    lines = []
    for v in variants:
        mains = Stats.of(r.main.mb for r in v.runs if r.main)
        text = f"  {v.name:<36} {v.units:5d} units   main {mains.median:5.1f} (max {mains.high:5.1f}) MB"
        workers = [w.mb for r in v.runs for w in r.children]
        if workers:
            w = Stats.of(workers)
            count = "/".join(map(str, sorted({len(r.children) for r in v.runs})))
            text += f"   {count} workers: each {w.median:5.1f} (max {w.high:5.1f}) MB"
        tree = Stats.of(r.tree_rss_kb / 1024 for r in v.runs)
        lines.append(text + f"   tree {tree.median:6.1f} MB   ({len(v.runs)} run{'s' if len(v.runs) > 1 else ''})")
    return lines


def bench_builds(args: argparse.Namespace, root: Path, env: Mapping[str, str], parts: set[str]) -> None:
    profiles = root / "profiles"
    paths = make_profiles(profiles, args.units)
    n = len(paths)
    print(f"\nprofiles: {n} units of {PROVINCE} (init_units, a signer's name added), template "
          f"{templates_dir() / 'ke_hoach.docx'}")

    def variant(name: str, kind: str, jobs: int, *, check: bool = False, units: int = n, tag: str = "",
                force: bool = True, folder: Path = profiles, city: Path | None = None,
                before: Path | None = None) -> Variant:
        return Variant(name, kind, folder, root / f"out-{kind}-{jobs}-{int(check)}-{units}{tag}", jobs=jobs,
                       units=units, check=check, force=force, env=env, city=city, before=before)

    timed: dict[str, Variant] = {}
    if "naive" in parts:
        timed["naive docxtpl loop, -j 1"] = variant("naive docxtpl loop, -j 1", "naive", 1)
        timed["naive docxtpl loop, -j 2"] = variant("naive docxtpl loop, -j 2", "naive", 2)
    if "build" in parts or "naive" in parts:
        timed["build --no-check, -j 1"] = variant("build --no-check, -j 1", "build", 1)
        timed["build --no-check, -j 2"] = variant("build --no-check, -j 2", "build", 2)
    if "check" in parts:
        timed["build (with check), -j 1"] = variant("build (with check), -j 1", "build", 1, check=True)
        timed["build (with check), -j 2"] = variant("build (with check), -j 2", "build", 2, check=True)
    varied: list[Variant] = []

    def each_way(kind: str, before: Path | None = None, **options: Any) -> None:
        """The build of variant ``kind`` with and without the check, at -j 1 and -j 2 (``before``:
        the folder of the plans each starts from, one for each way of checking)."""
        for check in (False, True):
            for jobs in (1, 2):
                name = f"{kind}, {'build (with check)' if check else 'build --no-check'}, -j {jobs}"
                varied.append(variant(name, "build", jobs, check=check, tag=f"-{kind}",
                                      before=None if before is None else before / str(int(check)), **options))
                timed[name] = varied[-1]

    if "varied" in parts:
        folder = root / "profiles-varied"
        shutil.copytree(profiles, folder, dirs_exist_ok=True)
        dropped = vary_profiles(sorted(folder.glob("*.yaml"))[:n])
        print(f"varied: the same units, each dropping one task of the city's plan ({dropped} different "
              "tasks in turn), as real units do")
        each_way("varied", folder=folder)
    if "renamed" in parts:
        folder = root / "profiles-renamed"
        shutil.copytree(profiles, folder, dirs_exist_ok=True)
        rename_departments(sorted(folder.glob("*.yaml"))[:n])
        print(f"renamed: the same units, each naming {len(RENAMED)} departments its own way "
              f"({', '.join(RENAMED)})")
        each_way("renamed", folder=folder)
    if "update" in parts:
        city = changed_city(root / "city-changed.yaml")
        before = root / "before-update"
        for check in (True, False):  # the plans as the old template made them, checked or not
            done = run_tree(child_command("build", profiles, before / str(int(check)), jobs=2, units=n, check=check),
                            cwd=code_root(), env=env, memory=False)
            _child_report("the build before the update", done)
        print(f"update: the city template changes ({CHANGED[0]!r} → {CHANGED[1]!r} in its closing); each "
              "unit's plan made before is in the folder, and build writes the new one over it")
        each_way("update", before, force=False, city=city)
    noop = None
    if "noop" in parts:
        noop = variant("no-op rebuild (check), -j 2", "build", 2, check=True, tag="-noop", force=False)
        timed[noop.name] = noop

    print("warming up (one untimed run of each variant: bytecode and kehoach-gen caches, the page cache) …")
    for v in timed.values():
        if v is noop:
            shutil.rmtree(v.out, ignore_errors=True)
            done = run_tree(child_command("build", profiles, v.out, jobs=2, units=n, check=True), cwd=code_root(),
                            env=env, memory=False)
            _child_report("full build before the no-op", done)
        v.run()
        v.runs.clear()
        v.reports.clear()

    print(f"timing: {args.repeat} rounds, the order of the {len(timed)} variants rotating each round")
    rounds({name: v.run for name, v in timed.items()}, args.repeat)

    print(f"\n{n} units, {args.repeat} rounds; each run a fresh process, timed from start to exit "
          "(work: inside the process, after the imports; cpu: the process and its workers)")
    print(f"{'':<44} {'wall s: min':>11} {'median':>7} {'max':>7}  {'ms/doc':>7}   {'work s':>7}  {'ms/doc':>7}"
          f"   {'cpu s':>6}")
    for v in timed.values():
        print(v.line(n))
    print()
    get = timed.get
    pairs = [
        ("naive / build --no-check, -j 1", "naive docxtpl loop, -j 1", "build --no-check, -j 1", "(target ≥ 10)"),
        ("naive / build --no-check, -j 2", "naive docxtpl loop, -j 2", "build --no-check, -j 2", "(target ≥ 10)"),
        ("naive / build with check, -j 1", "naive docxtpl loop, -j 1", "build (with check), -j 1", ""),
        ("naive / build with check, -j 2", "naive docxtpl loop, -j 2", "build (with check), -j 2", ""),
        ("build with check / --no-check, -j 1", "build (with check), -j 1", "build --no-check, -j 1",
         "(target ≤ 1.5)"),
        ("build with check / --no-check, -j 2", "build (with check), -j 2", "build --no-check, -j 2",
         "(target ≤ 1.5)"),
        ("build --no-check: -j 1 / -j 2", "build --no-check, -j 1", "build --no-check, -j 2", ""),
        ("build with check: -j 1 / -j 2", "build (with check), -j 1", "build (with check), -j 2", ""),
        ("naive: -j 1 / -j 2", "naive docxtpl loop, -j 1", "naive docxtpl loop, -j 2", ""),
        *((f"{kind}, with check / --no-check, -j {jobs}", f"{kind}, build (with check), -j {jobs}",
           f"{kind}, build --no-check, -j {jobs}", "(target ≤ 1.5)")
          for kind in ("varied", "renamed") for jobs in (1, 2)),
        *((f"update / full build, {how}, -j {jobs}", f"update, {build}, -j {jobs}", f"{build}, -j {jobs}", "")
          for how, build in (("--no-check", "build --no-check"), ("with check", "build (with check)"))
          for jobs in (1, 2)),
    ]
    for label, a, b, target in pairs:
        va, vb = get(a), get(b)
        if va and vb:
            print(_ratio_line(label + " (wall)", va, vb, target))
    for label, a, b in (("naive / build --no-check, -j 1 (work)", "naive docxtpl loop, -j 1", "build --no-check, -j 1"),
                        ("naive / build --no-check, -j 2 (work)", "naive docxtpl loop, -j 2", "build --no-check, -j 2"),
                        ("check / --no-check, -j 1 (work)", "build (with check), -j 1", "build --no-check, -j 1"),
                        ("check / --no-check, -j 2 (work)", "build (with check), -j 2", "build --no-check, -j 2")):
        va, vb = get(a), get(b)
        if va and vb:
            r = ratios([float(x["work"]) for x in va.reports], [float(x["work"]) for x in vb.reports])
            print(f"{label:<44} min {r.low:5.2f}  median {r.median:5.2f}  max {r.high:5.2f} x")
    full = get("build (with check), -j 2")
    if noop is not None and full is not None:
        share = Stats.of(a / b for a, b in zip(noop.walls, full.walls, strict=True))
        work = Stats.of(float(a["work"]) / float(b["work"]) for a, b in zip(noop.reports, full.reports, strict=True))
        print(f"{'no-op rebuild / full build (check, -j 2)':<44} median {share.median * 100:5.1f} % of the wall "
              f"time, {work.median * 100:5.2f} % of the work (target < 5 %)")

    if "memory" in parts:
        third = max(1, n // 3)
        small = smaller([v for v in timed.values() if v is not noop and v not in varied], third, variant)
        print(f"\nmemory: the same variants on the first {third} units ({args.memory_repeat} run(s) each, alternating)")
        rounds({v.name: v.run for v in small}, args.memory_repeat)
        print("\npeak RSS (VmHWM) of the measured process tree, per process, highest over the runs "
              "(a forked worker's RSS includes the pages it shares with the main process; "
              "tree: the highest sum of the processes' RSS at one time)")
        big = [v for v in timed.values() if v is not noop and v not in varied]
        for low, high in zip(small, big, strict=True):
            print("\n".join(_memory_lines([low, high])))
        if noop is not None:
            print("\n".join(_memory_lines([noop])))
    if args.explain:
        explain_build(paths, root / "explain")


def smaller(variants: Sequence[Variant], units: int, make: Callable[..., Variant]) -> list[Variant]:
    """The same variants (each with or without the check as it is) on the first ``units``."""
    return [make(v.name, v.kind, v.jobs, check=v.check, units=units, tag="-mem") for v in variants]


def explain_build(paths: Sequence[Path], out: Path) -> None:
    """Where a document's time goes, in this process (templates loaded, caches warm), phase by
    phase, each unit in turn: what build does (plan, render, write, check) and what the naive
    loop does instead of render and write (docxtpl's render and save)."""
    from docxtpl import DocxTemplate

    from kehoach_gen._version import __version__
    from kehoach_gen.outputs import PROP_INPUTS, PROP_UNIT, PROP_VERSION, output_name, place
    from kehoach_gen.pipeline import Project, check_output, plan_unit

    project = Project(city_path(), templates_dir())
    project.warm()
    out.mkdir(parents=True, exist_ok=True)
    phases: dict[str, list[float]] = {k: [] for k in (
        "plan: load + validate + adapt", "render (build)", "write, atomic with fsync (build)", "check (build)",
        "naive context (docxtpl types)", "docxtpl render + save (naive)")}
    names = list(phases)
    for path in [*paths[:3], *paths]:  # the first three warm the caches, then are measured again
        t0 = time.perf_counter()
        plan, *_ = plan_unit(project, path)
        t1 = time.perf_counter()
        data, content = project.template.render_with_digest(
            plan, {PROP_INPUTS: "-", PROP_VERSION: __version__, PROP_UNIT: plan.unit_name})
        t2 = time.perf_counter()
        target = out / output_name(path)
        place(target, data, content, plan.unit_name, force=True)
        t3 = time.perf_counter()
        check_output(target)
        t4 = time.perf_counter()
        values = naive_context(plan)
        t5 = time.perf_counter()
        tpl = DocxTemplate(str(project.template_path))
        tpl.render(values, autoescape=True)
        tpl.save(str(out / f"naive-{output_name(path)}"))
        t6 = time.perf_counter()
        for name, dt in zip(names, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5), strict=True):
            phases[name].append(dt * 1000)
    for times in phases.values():
        del times[:3]
    med = {k: Stats.of(v).median for k, v in phases.items()}
    print(f"\nwhere a document's time goes, in one process, templates loaded, {len(paths)} units "
          "(ms per document: median, and mean):")
    for name, v in phases.items():
        print(f"  {name:<36} {med[name]:7.2f}  {sum(v) / len(v):7.2f}")
    plan_ms = med[names[0]]
    build_ms = plan_ms + med[names[1]] + med[names[2]]
    naive_ms = plan_ms + med[names[4]] + med[names[5]]
    print(f"  build --no-check {build_ms:.1f} ms, with check {build_ms + med[names[3]]:.1f} ms; "
          f"naive {naive_ms:.1f} ms: naive / build = {naive_ms / build_ms:.1f}x.\n  Both pay the plan, so even "
          f"a free render and write leave at most {naive_ms / plan_ms:.1f}x; "
          f"check / render = {med[names[3]] / med[names[1]]:.1f}x.")


# -- one generate ------------------------------------------------------------------------------


def _kehoach_gen() -> list[str]:
    """The ``kehoach-gen`` command as installed beside this Python (not a pyenv shim), else
    ``python -m kehoach_gen.cli``."""
    script = Path(sys.executable).with_name("kehoach-gen")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kehoach_gen.cli"]


_FLOOR = "python: the fixed libraries"


def bench_generate(args: argparse.Namespace, root: Path, env: Mapping[str, str]) -> None:
    code = code_root()
    profile = code / "unit_profiles" / "le_chan.yaml"
    out = root / "generate" / "x.docx"
    out.parent.mkdir(parents=True, exist_ok=True)
    exe = _kehoach_gen()
    base = [*exe, "generate", str(profile.relative_to(code)), "-o", str(out), "--force"]
    commands = {
        "generate (with check)": base,
        "generate --no-check": [*base, "--no-check"],
        # the plan the warm-up's generate wrote (each generate after it rewrites it atomically)
        "check (the plan just made)": [*exe, "check", str(out)],
        "python -c 'import kehoach_gen.cli'": [sys.executable, "-c", "import kehoach_gen.cli"],
        # what any generate must load: the libraries the design fixes, nothing of ours
        _FLOOR: [sys.executable, "-c", "import click, jinja2, lxml.etree, pydantic, yaml"],
        "python -c pass": [sys.executable, "-c", "pass"],
    }
    results: dict[str, list[TreeRun]] = {name: [] for name in commands}

    def runner(name: str) -> Any:
        def run() -> float:
            done = run_tree(commands[name], cwd=code, env=env)
            if done.returncode not in (0,):
                raise SystemExit(f"{name}: exit status {done.returncode}\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
            results[name].append(done)
            return done.wall
        return run

    for name in commands:  # warm up
        run_tree(commands[name], cwd=code, env=env, memory=False)
    print(f"\none generate as a whole process: {' '.join(base[len(exe) - 1:]).replace(str(root), '$TMP')}"
          f"  ({args.generate_runs} runs each, alternating)")
    rounds({name: runner(name) for name in commands}, args.generate_runs, say=None)
    for name, runs in results.items():
        s = Stats.of(r.wall for r in runs)
        cpu = Stats.of(r.cpu for r in runs).median
        mem = max(r.main.mb for r in runs if r.main)
        target = "   (target ≤ 0.4 s)" if name.startswith("generate") else ""
        print(f"  {name:<36} {s.fmt('s', 6, 3)}   cpu {cpu:5.3f} s   peak RSS {mem:5.1f} MB{target}")
    floor = Stats.of(r.wall for r in results[_FLOOR]).median
    print(f"  ({_FLOOR}: click, jinja2, lxml, pydantic and yaml imported, nothing of kehoach-gen's; "
          f"a generate cannot start faster than its median, {floor:.3f} s, on this machine)")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        plain = dict(os.environ)
        plain["PYTHONDONTWRITEBYTECODE"] = "1"
        plain.pop("PYTHONPYCACHEPREFIX", None)
        walls = [run_tree(base, cwd=code, env=plain, memory=False).wall for _ in range(3)]
        print(f"  {'generate (with check), no .pyc cache':<36} {Stats.of(walls).fmt('s', 6, 3)}   "
              "(this shell sets PYTHONDONTWRITEBYTECODE=1: every module of kehoach_gen compiled at each start)")
    if args.explain:
        explain_generate(base, root, env)


def explain_generate(command: Sequence[str], root: Path, env: Mapping[str, str]) -> None:
    """Where one generate's time goes: imports (``-X importtime``) and a profile (cProfile)."""
    args = list(command[command.index("generate"):])  # generate and its options
    code = code_root()
    done = run_tree([sys.executable, "-X", "importtime", "-m", "kehoach_gen.cli", *args], cwd=code, env=env,
                    memory=False)
    by_package: dict[str, int] = {}
    ours: dict[str, int] = {}
    total = 0
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        own, cum, name = line[len("import time:"):].split("|")
        try:
            own_us, cum_us = int(own), int(cum)
        except ValueError:  # the header line
            continue
        module = name.strip()
        total += own_us
        root_name = module.split(".")[0]
        by_package[root_name] = by_package.get(root_name, 0) + own_us
        if root_name == "kehoach_gen":
            ours[module] = cum_us
    print(f"\n  imports (python -X importtime): {total / 1e6:.3f} s in all; by top-level package (own time of "
          "its modules):")
    for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:14]:
        print(f"    {us / 1e6:6.3f} s  {name}")
    print("  kehoach_gen modules, cumulative (each including what it imports first):")
    for name, us in sorted(ours.items(), key=lambda kv: -kv[1])[:10]:
        print(f"    {us / 1e6:6.3f} s  {name}")
    prof = root / "generate.prof"
    # the command's own entry point ends the process with os._exit (kehoach_gen.cli.leave), before
    # cProfile could write its file: here the click command runs as the entry point runs it, with
    # the same collector settings, and ends by SystemExit, after which cProfile writes
    script = root / "generate_profiled.py"
    script.write_text("import gc\nfrom kehoach_gen.cli import GC_THRESHOLDS, main\n"
                      "gc.set_threshold(*GC_THRESHOLDS)\nmain()\n", encoding="utf-8")
    run_tree([sys.executable, "-m", "cProfile", "-o", str(prof), str(script), *args], cwd=code, env=env,
             memory=False)
    import pstats

    stats = pstats.Stats(str(prof))
    rows = []
    imports = 0.0
    for (file, line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if func == "_find_and_load" and "importlib" in file:
            imports = max(imports, ct)
        if "kehoach_gen" in file and func != "<module>":
            rows.append((ct, f"{file[file.index('kehoach_gen'):]}:{line}({func})"))
    total = stats.total_tt  # type: ignore[attr-defined]
    print(f"\n  cProfile of the same command: {total:.3f} s in all (profiled: slower than unprofiled), "
          f"{imports:.3f} s of it in imports; kehoach_gen functions by cumulative time:")
    for ct, name in sorted(rows, reverse=True)[:28]:
        print(f"    {ct:6.3f} s  {name}")


# -- main --------------------------------------------------------------------------------------

PARTS = ("naive", "build", "check", "varied", "renamed", "update", "noop", "memory", "generate")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5, help="rounds of the build variants (default 5)")
    ap.add_argument("--units", type=int, default=None, help="only the first N units (default: all 114)")
    ap.add_argument("--parts", default=",".join(PARTS),
                    help=f"what to measure, comma-separated (default: {','.join(PARTS)})")
    ap.add_argument("--memory-repeat", type=int, default=2, help="runs of each variant on a third of the units")
    ap.add_argument("--generate-runs", type=int, default=12, help="runs of one generate (default 12)")
    ap.add_argument("--explain", action="store_true", help="also show where one generate's time goes")
    add_common_options(ap)
    # one measured run (internal)
    ap.add_argument("--child", choices=("naive", "build"), help=argparse.SUPPRESS)
    ap.add_argument("--profiles", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    ap.add_argument("--jobs", type=int, default=1, help=argparse.SUPPRESS)
    ap.add_argument("--check", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--draft", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--no-force", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--city", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        return child_main(args)
    parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if parts - set(PARTS) or args.repeat < 1 or args.generate_runs < 1 or args.memory_repeat < 1:
        ap.error(f"--parts takes {','.join(PARTS)}; --repeat, --memory-repeat and --generate-runs at least 1")

    with tempfile.TemporaryDirectory(prefix="kehoach-bench-") as tmp:
        root = Path(tmp)
        env, watch = start(args, root)
        if parts & {"naive", "build", "check", "varied", "renamed", "update", "noop", "memory"}:
            bench_builds(args, root, env, parts)
        if "generate" in parts:
            bench_generate(args, root, env)
    finish(args, watch)
    return 0


def add_common_options(ap: argparse.ArgumentParser) -> None:
    """The options every build benchmark has."""
    ap.add_argument("--live", action="store_true",
                    help="measure the working tree itself, not a snapshot taken at the start")
    ap.add_argument("--no-pyc", action="store_true",
                    help="run the measured processes without a bytecode cache (as PYTHONDONTWRITEBYTECODE=1 does)")
    ap.add_argument("--quiet-wait", type=float, default=120.0,
                    help="wait up to this many seconds for the 1-minute load to fall to the number of cores "
                         "(default 120)")


def start(args: argparse.Namespace, root: Path) -> tuple[dict[str, str], LoadWatch]:
    """Say what is measured on what, wait for a quiet machine, take the snapshot of the code,
    start watching the load; the environment of the measured processes."""
    print("command: python " + " ".join([os.path.relpath(sys.argv[0], REPO), *sys.argv[1:]]))
    print("\n".join(machine_lines()))
    print(repo_line())
    wait_for_quiet(float(os.cpu_count() or 1), args.quiet_wait)
    if not args.live:
        use_code(snapshot(root / "code"))
    args.fingerprint = code_fingerprint()
    env = bench_env(None if args.no_pyc else root / "pycache")
    print("measured processes: " + ("no bytecode cache" if args.no_pyc else
                                    "Python's bytecode cached (in the run's temporary folder), as an installed "
                                    "package has it"))
    watch = LoadWatch()
    print(watch.start_line())
    return env, watch


def finish(args: argparse.Namespace, watch: LoadWatch) -> None:
    print()
    print("\n".join(watch.report()))
    if args.live and code_fingerprint() != args.fingerprint:
        print("WARNING: kehoach_gen/ changed during the run (someone edited the code): the variants may "
              "not all have measured the same code. Run again, without --live.")
    print(f"(this benchmark's own peak RSS, not part of any figure: {self_peak_mb():.1f} MB)")

if __name__ == "__main__":
    sys.exit(main())
