"""Benchmark: the whole country, every xã, phường and đặc khu (3,321 units), built in one go.

    python benchmarks/country.py [--repeat 3] [--units N] [--subset 1000]

Synthetic profiles: ``init_units`` for every province of the official list, written into one
folder (each file named after its province's code, so that no two units write the same
document). They are built against the bundled Hải Phòng city template and Word template as
drafts (no signer's name): a unit of another province is warned about, and still built.

Measured, each run a fresh process timed from start to exit, the variants alternating for
``--repeat`` rounds: ``build --draft -j 2`` of all the units with the Nghị định 30 check (the
default) and with ``--no-check``; then -j 1 against -j 2 on ``--subset`` units spread over the
country, with and without the check. Printed: min / median / max seconds, milliseconds per
document, the ratios of the same round, and the peak RSS of the main process and of each worker,
for the subset and for all the units (memory flat in the number of units). The machine and the
load average at the start and the end are printed; a busy machine is warned about.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.build_all import (  # noqa: E402
    Variant,
    _memory_lines,
    add_common_options,
    city_path,
    finish,
    start,
    templates_dir,
)
from benchmarks.common import (  # noqa: E402
    Stats,
    ratios,
    rounds,
)


def province_names() -> list[str]:
    """Every province of the official list (34 since 2025), by code."""
    from vietnam_provinces import Province

    return [p.name for p in sorted(Province.iter_all(), key=lambda p: int(p.code))]


def make_country_profiles(folder: Path) -> list[Path]:
    """A blank profile for every unit of every province, all in ``folder``."""
    from kehoach_gen.pipeline import Project
    from kehoach_gen.units import init_units

    city = Project(city_path(), templates_dir()).city
    folder.mkdir(parents=True, exist_ok=True)
    skipped = 0
    for i, name in enumerate(province_names(), start=1):
        staging = folder / f".staging-{i:02d}"
        result = init_units(name, staging, city=city)
        skipped += sum(1 for w in result.warnings if w.key == "levels")
        for path in sorted(staging.glob("*.yaml")):
            path.rename(folder / f"p{i:02d}_{path.name}")
        shutil.rmtree(staging)
    if skipped:
        print(f"warning: {skipped} province(s) had units of a level the city template does not serve")
    return sorted(folder.glob("*.yaml"))


def spread(paths: Sequence[Path], n: int, folder: Path) -> list[Path]:
    """``n`` of ``paths`` taken evenly over the list (so over the provinces), copied into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    chosen = [paths[i * len(paths) // n] for i in range(n)]
    for path in chosen:
        shutil.copyfile(path, folder / path.name)
    return sorted(folder.glob("*.yaml"))


def spread_profiles(root: Path, units: int) -> Path:
    """The folder ``root/subset`` holding ``units`` profiles spread over the country (made from
    the official lists in ``root/all``)."""
    every = make_country_profiles(root / "all")
    folder = root / "subset"
    spread(every, min(units, len(every)), folder)
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="rounds (default 3)")
    ap.add_argument("--units", type=int, default=None, help="only N units, spread over the country (default: all)")
    ap.add_argument("--subset", type=int, default=1000,
                    help="units of the -j 1 / -j 2 comparison (default 1000; 0: skip)")
    add_common_options(ap)
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    with tempfile.TemporaryDirectory(prefix="kehoach-country-") as tmp:
        root = Path(tmp)
        env, watch = start(args, root)
        every = make_country_profiles(root / "all")
        print(f"profiles: {len(every)} units of {len(province_names())} provinces (init_units, drafts without "
              "a signer), built with the Hải Phòng templates")
        if args.units:
            paths = spread(every, min(args.units, len(every)), root / "chosen")
            folder = root / "chosen"
        else:
            paths, folder = every, root / "all"
        n = len(paths)

        def variant(name: str, where: Path, units: int, jobs: int, check: bool) -> Variant:
            return Variant(name, "build", where, root / f"out-{units}-{jobs}-{int(check)}", jobs=jobs,
                           units=units, check=check, draft=True, env=env)

        country = {
            "check": variant(f"build --draft -j 2, {n} units", folder, n, 2, True),
            "no-check": variant(f"build --draft --no-check -j 2, {n} units", folder, n, 2, False),
        }
        subset: dict[str, Variant] = {}
        k = min(args.subset, n)
        if k:
            sub = root / "subset"
            spread(every, k, sub)
            subset = {
                "check-1": variant(f"build --draft -j 1, {k} units", sub, k, 1, True),
                "check-2": variant(f"build --draft -j 2, {k} units", sub, k, 2, True),
                "no-check-1": variant(f"build --draft --no-check -j 1, {k} units", sub, k, 1, False),
                "no-check-2": variant(f"build --draft --no-check -j 2, {k} units", sub, k, 2, False),
            }
        variants = {**country, **subset}
        print("warming up (one untimed run of each variant) …")
        for v in variants.values():
            v.run()
            v.runs.clear()
            v.reports.clear()
        print(f"timing: {args.repeat} rounds, the order of the {len(variants)} variants rotating each round")
        rounds({v.name: v.run for v in variants.values()}, args.repeat)

    print("\neach run a fresh process, timed from start to exit (work: inside the process, after the imports)")
    print(f"{'':<44} {'wall s: min':>11} {'median':>7} {'max':>7}  {'ms/doc':>7}   {'work s':>7}  {'ms/doc':>7}"
          f"   {'cpu s':>6}")
    for v in variants.values():
        print(v.line(v.units))
    c, nc = country["check"], country["no-check"]
    print(f"\nthe whole country with the check, -j 2: median {Stats.of(c.walls).median:.2f} s   (target ≤ 20 s)")
    r = ratios(c.walls, nc.walls)
    print(f"check / --no-check, {n} units, -j 2:      min {r.low:5.2f}  median {r.median:5.2f}  max {r.high:5.2f} x"
          "   (target ≤ 1.5)")
    if subset:
        for label, a, b in ((f"-j 1 / -j 2 with check, {k} units:", "check-1", "check-2"),
                            (f"-j 1 / -j 2 --no-check, {k} units:", "no-check-1", "no-check-2")):
            r = ratios(subset[a].walls, subset[b].walls)
            print(f"{label:<40} min {r.low:5.2f}  median {r.median:5.2f}  max {r.high:5.2f} x   (target ≥ 1.7)")
    print("\npeak RSS (VmHWM) per process, highest over the runs (a forked worker's RSS includes the pages it "
          "shares with the main process; tree: the highest sum of the processes' RSS at one time)")
    print("\n".join(_memory_lines(list(variants.values()))))
    finish(args, watch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
