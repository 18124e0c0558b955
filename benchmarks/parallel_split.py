"""Where ``build -j 2`` loses to ``-j 1``: each process's time per unit, from inside.

    python benchmarks/parallel_split.py [--units 1000] [--repeat 3]

``--units`` units spread over the country (synthetic profiles from the official lists, as in
``benchmarks/country.py``) are built as drafts without the check, each run a fresh process
that loads the project first (the figures start after that), the variants alternating:

- ``-j 1``: ``build_units(..., jobs=1)``, one process;
- ``-j 2``: ``build_units(..., jobs=2)``, two workers forked from the main process;
- ``two processes``: two independent processes started together, each building every other
  unit with ``jobs=1``: what the machine gives two processes side by side, without a fork
  or a pool.

Every process times each few units it makes together (``kehoach_gen.build.build_few``), each
unit counting an equal share, and reads its own resource
usage after it. Printed per variant: the build's wall time (the slower process for ``two
processes``); in each process, from its 11th unit on (its first units fill what it keeps
for the next), the median wall time of a unit, its user and system CPU time and its minor page
faults per unit; and, for ``-j 2``, the CPU time the main process used while the workers ran
(on two cores it is taken from a worker).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.build_all import city_path, templates_dir  # noqa: E402
from benchmarks.common import LoadWatch, Stats, machine_lines, rounds  # noqa: E402
from benchmarks.country import spread_profiles  # noqa: E402

SKIP = 10  # units each process makes before its figures count
VARIANTS = ("-j 1", "-j 2", "two processes")


def build_here(folder: Path, jobs: int, part: int = 0, parts: int = 1) -> dict[str, Any]:
    """Build the profiles of ``folder`` (every ``parts``-th from the ``part``-th) in this
    process; each process's units as (seconds, user, system, minor faults after it)."""
    import gc

    from kehoach_gen import build
    from kehoach_gen.cli import GC_THRESHOLDS
    from kehoach_gen.pipeline import Project

    gc.set_threshold(*GC_THRESHOLDS)  # as the command sets it
    log = Path(tempfile.mkdtemp(prefix="kehoach-split-"))
    made = build.build_few
    files: dict[int, Any] = {}  # each process's own log, opened once, a line written at a time

    def timed(project: Any, paths: list[Path], *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        items = made(project, paths, *args, **kwargs)
        seconds = (time.perf_counter() - start) / max(1, len(paths))
        use = resource.getrusage(resource.RUSAGE_SELF)
        pid = os.getpid()
        if pid not in files:
            files[pid] = open(log / f"{pid}.jsonl", "a", encoding="utf-8", buffering=1)  # noqa: SIM115
        for _ in paths:  # (the resource use is read once for the few: the last of them has it all)
            files[pid].write(f"[{seconds}, {use.ru_utime}, {use.ru_stime}, {use.ru_minflt}]\n")
        return items

    build.build_few = timed  # (the forked workers call it by this name too)
    project = Project.load(city_path(), templates_dir())
    project.warm()
    paths = sorted(folder.glob("*.yaml"))[part::parts]
    out = Path(tempfile.mkdtemp(prefix="kehoach-split-out-"))
    main_cpu: list[float] = []
    before = resource.getrusage(resource.RUSAGE_SELF)

    def progress(_: object) -> None:
        if not main_cpu:  # from the first result on: the workers are running
            use = resource.getrusage(resource.RUSAGE_SELF)
            main_cpu.append(use.ru_utime + use.ru_stime)

    start = time.perf_counter()
    items = build.build_units(project, paths, out, force=True, draft=True, check=False, jobs=jobs,
                              progress=progress)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    for f in files.values():
        f.close()
    processes = [[json.loads(line) for line in f.read_text(encoding="utf-8").splitlines()]
                 for f in sorted(log.glob("*.jsonl"))]
    for f in log.iterdir():
        f.unlink()
    log.rmdir()
    return {"wall": wall, "failed": sum(1 for i in items if i.status == "failed"), "processes": processes,
            "main_cpu": (after.ru_utime + after.ru_stime - main_cpu[0]) if jobs > 1 and main_cpu else 0.0,
            "main_cpu_all": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}


def per_unit(units: list[list[float]]) -> dict[str, float]:
    """Of one process, from its (SKIP+1)-th unit on: the median ms a unit, and its user and
    system ms and minor faults a unit."""
    if len(units) <= SKIP + 1:
        raise ValueError(f"a process made {len(units)} units, fewer than {SKIP + 2}")
    first, last = units[SKIP], units[-1]
    n = len(units) - SKIP - 1
    return {"ms": 1000 * statistics.median(u[0] for u in units[SKIP + 1:]),
            "user_ms": 1000 * (last[1] - first[1]) / n, "sys_ms": 1000 * (last[2] - first[2]) / n,
            "faults": (last[3] - first[3]) / n}


def _child_cmd(folder: Path, jobs: int, part: int = 0, parts: int = 1) -> list[str]:
    return [sys.executable, __file__, "--one", str(folder), str(jobs), str(part), str(parts)]


def _result(done: subprocess.CompletedProcess[str], what: str) -> dict[str, Any]:
    if done.returncode != 0:
        raise SystemExit(f"{what}: exit status {done.returncode}\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_variant(folder: Path, name: str) -> dict[str, Any]:
    """One run of a variant in fresh processes."""
    if name != "two processes":
        jobs = 1 if name == "-j 1" else 2
        return _result(subprocess.run(_child_cmd(folder, jobs), capture_output=True, text=True, check=False), name)
    started = [subprocess.Popen(_child_cmd(folder, 1, k, 2), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True) for k in range(2)]
    found = []
    for p in started:
        out, err = p.communicate()
        found.append(_result(subprocess.CompletedProcess(p.args, p.returncode, out, err), name))
    return {"wall": max(f["wall"] for f in found), "failed": sum(f["failed"] for f in found),
            "processes": [units for f in found for units in f["processes"]], "main_cpu": 0.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", nargs=4, metavar=("FOLDER", "JOBS", "PART", "PARTS"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        folder, jobs, part, parts = args.one
        print(json.dumps(build_here(Path(folder), int(jobs), int(part), int(parts))))
        return 0
    print("command: python benchmarks/parallel_split.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print("\n".join(machine_lines()))
    with tempfile.TemporaryDirectory(prefix="kehoach-split-profiles-") as tmp:
        folder = spread_profiles(Path(tmp), args.units)
        n = len(list(folder.glob("*.yaml")))
        print(f"profiles: {n} units spread over the country, drafts, no check; each run fresh processes, "
              "timed after the project is loaded")
        watch = LoadWatch()
        print(watch.start_line())
        results: dict[str, list[dict[str, Any]]] = {name: [] for name in VARIANTS}

        def runner(name: str) -> Callable[[], float]:
            def run() -> float:
                found = run_variant(folder, name)
                if found["failed"]:
                    raise SystemExit(f"{name}: {found['failed']} units failed")
                results[name].append(found)
                return float(found["wall"])
            return run

        rounds({name: runner(name) for name in VARIANTS}, args.repeat)
        print(f"\nper process, from its unit {SKIP + 1} on: median ms a unit; user, system ms and minor "
              "page faults a unit (min / median / max over the processes of every round)")
        for name, runs in results.items():
            wall = Stats.of(float(r["wall"]) for r in runs)
            units = [per_unit(p) for r in runs for p in r["processes"]]
            print(f"{name}\n    build          {wall.fmt('s', 6, 2)}")
            for key, label in (("ms", "ms a unit"), ("user_ms", "user ms"), ("sys_ms", "system ms"),
                               ("faults", "page faults")):
                print(f"    {label:<14} {Stats.of(u[key] for u in units).fmt('', 6, 2)}")
            if name == "-j 2":
                cpu = Stats.of(float(r["main_cpu"]) for r in runs)
                print(f"    main process CPU while the workers ran {cpu.fmt('s', 6, 3)}")
        one, two = (Stats.of(float(r["wall"]) for r in results[v]).median for v in ("-j 1", "-j 2"))
        print(f"\n-j 1 / -j 2 (medians, after loading): {one / two:.2f} x")
        print("\n".join(watch.report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
