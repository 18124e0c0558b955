"""What Python's cyclic garbage collector costs a build, and what freezing between units saves.

    python benchmarks/gc_between_units.py [--units 600] [--repeat 3]

``--units`` units spread over the country (synthetic profiles from the official lists, as in
``benchmarks/country.py``) are built with the check in one process, ``build_units(...,
jobs=1)``, each run in a fresh process, the variants alternating:

- the collector's thresholds: Python's defaults (700, 10, 10), or those the ``kehoach-gen``
  command sets (:data:`kehoach_gen.cli.GC_THRESHOLDS`);
- what is alive after each unit frozen (what ``build_units`` does), or not: a process that
  froze something before the build is left alone by ``build_units``, and that is how this
  variant is run.

Printed: min / median / max of the build's wall time and of the time spent in collections
(``gc.callbacks``), the collections of each generation, and the peak RSS. Then one run with the
collector off says how much cyclic garbage the units left (what a frozen collector could keep
alive): the objects ``gc.collect()`` finds unreachable at the end.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.build_all import city_path, templates_dir  # noqa: E402
from benchmarks.common import LoadWatch, Stats, machine_lines, rounds  # noqa: E402
from benchmarks.country import spread_profiles  # noqa: E402

VARIANTS = {
    "defaults, nothing frozen": ("defaults", False),
    "defaults, frozen between units": ("defaults", True),
    "kehoach-gen's thresholds, nothing frozen": ("command", False),
    "kehoach-gen's thresholds, frozen between units": ("command", True),
}


def build_here(folder: Path, thresholds: str, freeze: bool, collector: bool = True) -> dict[str, object]:
    """Build every profile of ``folder`` in this process; what the collector did."""
    from kehoach_gen.build import build_units
    from kehoach_gen.cli import GC_THRESHOLDS
    from kehoach_gen.pipeline import Project

    if thresholds == "command":
        gc.set_threshold(*GC_THRESHOLDS)
    spent = [0.0]
    counts = [0, 0, 0]
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            spent[0] += time.perf_counter() - started[0]
            counts[info["generation"]] += 1

    project = Project.load(city_path(), templates_dir())
    project.warm()
    paths = sorted(folder.glob("*.yaml"))
    out = Path(tempfile.mkdtemp(prefix="kehoach-gc-"))
    if not freeze:
        gc.freeze()  # (everything alive now: build_units then leaves the collector alone)
    if not collector:
        gc.collect()
        gc.disable()
        gc.set_debug(gc.DEBUG_SAVEALL)
    gc.callbacks.append(watch)
    start = time.perf_counter()
    items = build_units(project, paths, out, force=True, draft=True, check=True, jobs=1)
    wall = time.perf_counter() - start
    gc.callbacks.remove(watch)
    shutil.rmtree(out, ignore_errors=True)
    failed = sum(1 for i in items if i.status == "failed")
    result: dict[str, object] = {"wall": wall, "gc": spent[0], "counts": counts, "failed": failed,
                                 "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if not collector:
        result["unreachable"] = gc.collect()
    return result


def _child(*args: str) -> dict[str, object]:
    """This script run with ``args`` in a fresh process: the JSON it prints last."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)}: exit status {done.returncode}\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_variant(folder: Path, name: str) -> dict[str, object]:
    thresholds, freeze = VARIANTS[name]
    return _child("--one", str(folder), thresholds, str(int(freeze)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--units", type=int, default=600)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--one", nargs=3, metavar=("FOLDER", "THRESHOLDS", "FREEZE"), help=argparse.SUPPRESS)
    ap.add_argument("--collector-off", metavar="FOLDER", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        folder, thresholds, freeze = args.one
        print(json.dumps(build_here(Path(folder), thresholds, freeze == "1")))
        return 0
    if args.collector_off:
        print(json.dumps(build_here(Path(args.collector_off), "defaults", True, collector=False)))
        return 0
    print("command: python benchmarks/gc_between_units.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print("\n".join(machine_lines()))
    with tempfile.TemporaryDirectory(prefix="kehoach-gc-profiles-") as tmp:
        folder = spread_profiles(Path(tmp), args.units)
        print(f"profiles: {len(list(folder.glob('*.yaml')))} units spread over the country, built with the "
              "check, build_units(..., jobs=1), each run a fresh process")
        watch = LoadWatch()
        print(watch.start_line())
        results: dict[str, list[dict[str, object]]] = {name: [] for name in VARIANTS}

        def runner(name: str):  # type: ignore[no-untyped-def]
            def run() -> float:
                found = run_variant(folder, name)
                results[name].append(found)
                return float(found["wall"])  # type: ignore[arg-type]
            return run

        rounds({name: runner(name) for name in VARIANTS}, args.repeat)
        unreachable = _child("--collector-off", str(folder))["unreachable"]
        print()
        for name, runs in results.items():
            wall = Stats.of(float(r["wall"]) for r in runs)  # type: ignore[arg-type]
            spent = Stats.of(float(r["gc"]) for r in runs)  # type: ignore[arg-type]
            counts = "/".join(str(c) for c in runs[-1]["counts"])  # type: ignore[attr-defined]
            peak = max(float(r["rss_mb"]) for r in runs)  # type: ignore[arg-type]
            print(f"{name}\n    build          {wall.fmt('s', 6, 2)}\n"
                  f"    collections    {spent.fmt('s', 6, 3)}   (generation 0/1/2: {counts}; peak RSS {peak:.1f} MB)")
        print(f"\ncyclic garbage the units left (collector off, then gc.collect()): {unreachable} objects")
        print("\n".join(watch.report()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
