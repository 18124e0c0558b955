"""Benchmark: build all 114 Hải Phòng units, against a naive docxtpl loop, in one run.

    python benchmarks/build_all.py [--units N] [--jobs J]

Prints, measured side by side on this machine:
- naive: for each unit, load the profile, adapt the plan, then plain docxtpl (load the Word
  template, render, save), one by one: what a script around docxtpl would do;
- build: ``kehoach_gen.pipeline.build_units`` (templates parsed once, rendering straight into
  the zip, parallel workers), the same profiles, same plans, same template;
- their ratio; a no-op rebuild (nothing changed) and its share of the full build;
- peak memory (RSS) of a build of a third of the units and of all of them, each in a fresh
  process, to show memory does not grow with the number of units.
Both loops skip the Nghị định 30 check (the naive one has none).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from docxtpl import DocxTemplate  # noqa: E402

from kehoach_gen.adapt import adapt  # noqa: E402
from kehoach_gen.pipeline import TEMPLATE_NAME, Project, build_units  # noqa: E402
from kehoach_gen.render import context  # noqa: E402
from kehoach_gen.units import init_units  # noqa: E402
from kehoach_gen.validate import load_profile  # noqa: E402

CITY = REPO / "city_template.yaml"
TEMPLATE = REPO / "templates" / TEMPLATE_NAME


def make_profiles(folder: Path, limit: int | None) -> list[Path]:
    project = Project.load(CITY, REPO / "templates")
    init_units("Hải Phòng", folder, city_roles=dict(project.city.roles))
    paths = sorted(folder.glob("*.yaml"))[:limit]
    for i, path in enumerate(paths):  # the signer is the one field only a person knows
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace('name: ""', f'name: "Nguyễn Văn {chr(65 + i % 26)}"', 1), encoding="utf-8")
    return paths


def naive(paths: list[Path], out: Path) -> float:
    project = Project.load(CITY, REPO / "templates")
    start = time.perf_counter()
    for path in paths:
        profile, _ = load_profile(path)
        plan = adapt(project.city, profile)
        tpl = DocxTemplate(str(TEMPLATE))
        tpl.render(context(plan), autoescape=True)
        tpl.save(str(out / f"{path.stem}.docx"))
    return time.perf_counter() - start


def ours(paths: list[Path], out: Path, jobs: int | None, force: bool) -> tuple[float, list[str]]:
    start = time.perf_counter()
    project = Project(CITY, REPO / "templates")
    items = build_units(project, paths, out, force=force, check=False, jobs=jobs)
    elapsed = time.perf_counter() - start
    failed = [m for i in items if i.status == "failed" for m in i.messages]
    return elapsed, failed


def peak_rss_mb(units: int, jobs: int | None) -> float:
    """Peak RSS (MB) of the largest process of a build of ``units`` units, run in a fresh process."""
    code = (
        "import resource, sys, tempfile; from pathlib import Path;"
        f"sys.path.insert(0, {str(REPO)!r}); sys.argv=['x'];"
        "import benchmarks.build_all as b;"
        "d=Path(tempfile.mkdtemp()); ps=b.make_profiles(d/'p', " + str(units) + ");"
        f"b.ours(ps, d/'o', {jobs!r}, True);"
        "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return int(out.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=None, help="build only the first N units")
    ap.add_argument("--jobs", type=int, default=None, help="worker processes (default: CPU cores)")
    ap.add_argument("--no-memory", action="store_true", help="skip the memory runs")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        paths = make_profiles(root / "profiles", args.units)
        (root / "naive").mkdir()
        n = len(paths)
        t_naive = naive(paths, root / "naive")
        t_build, failed = ours(paths, root / "out", args.jobs, force=True)
        if failed:
            print("build failures:", *failed[:5], sep="\n  ")
            return 1
        t_noop, _ = ours(paths, root / "out", args.jobs, force=False)
        print(f"units:                    {n}")
        print(f"naive docxtpl loop:       {t_naive:7.2f} s  ({t_naive / n * 1000:6.1f} ms/unit)")
        print(f"kehoach-gen build:        {t_build:7.2f} s  ({t_build / n * 1000:6.1f} ms/unit)")
        print(f"speed-up (naive / build): {t_naive / t_build:7.2f} x   (target ≥ 5)")
        print(f"no-op rebuild:            {t_noop:7.3f} s  = {t_noop / t_build * 100:5.1f} % of a full build"
              "   (target < 5 %)")
    if not args.no_memory:
        total = args.units or 114
        third = max(1, total // 3)
        small, large = peak_rss_mb(third, args.jobs), peak_rss_mb(total, args.jobs)
        print(f"peak RSS, {third:3d} units:      {small:7.1f} MB")
        print(f"peak RSS, {total:3d} units:      {large:7.1f} MB   (ratio {large / small:4.2f})")
    print(f"self max RSS this run:    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
