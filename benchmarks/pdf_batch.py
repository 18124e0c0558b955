"""Benchmark: PDF export of a batch of plans with LibreOffice, per file against per batch.

    python benchmarks/pdf_batch.py [--units N] [--repeat R] [--plan FILE.docx]

One plan is generated (``kehoach-gen generate unit_profiles/le_chan.yaml --no-check``), or
``--plan`` is taken as it is, and copied N times under different names, so every variant
converts the same bytes. Then, R rounds, the order of the variants rotating from round to round,
each into a fresh output folder:

- (a) one soffice per file: ``convert_to_pdf([file])`` for each file in turn (a fresh profile
  each time, as a script converting file by file would run it);
- (b) ``convert_to_pdf(files, jobs=1)``: one soffice for the whole batch;
- (c) ``convert_to_pdf(files, jobs=2)``: two soffice processes at once, each with its share.

Prints the machine, min / median / max of each variant, the ratios (a)/(c) and (b)/(c) of the
medians and of the minimums (the runs least disturbed by other work), and the load average at
the start and the end; warns when the load average went above the number of cores during the
run (other work was competing, so the times are longer and the ratios less reliable).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import LoadWatch  # noqa: E402
from kehoach_gen.pdf import convert_to_pdf, find_soffice  # noqa: E402

PROFILE = REPO / "unit_profiles" / "le_chan.yaml"


def generate_plan(folder: Path) -> Path:
    plan = folder / "mau.docx"
    done = subprocess.run(
        [sys.executable, "-m", "kehoach_gen.cli", "generate", str(PROFILE), "-o", str(plan), "--no-check"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"kehoach-gen generate failed (use --plan FILE.docx):\n{done.stdout}{done.stderr}")
    return plan


def make_plans(folder: Path, count: int, plan: Path | None) -> list[Path]:
    """One plan (given, or generated), copied ``count`` times under different names."""
    plan = plan or generate_plan(folder)
    copies = []
    for i in range(count):
        copy = folder / "in" / f"kế hoạch {i + 1:03d}.docx"
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(plan, copy)
        copies.append(copy)
    return copies


def per_file(files: list[Path], out: Path) -> list[Path]:
    return [pdf for f in files for pdf in convert_to_pdf([f], out, jobs=1)]


def batch(jobs: int) -> Callable[[list[Path], Path], list[Path]]:
    def run(files: list[Path], out: Path) -> list[Path]:
        return convert_to_pdf(files, out, jobs=jobs)

    return run


VARIANTS: dict[str, Callable[[list[Path], Path], list[Path]]] = {
    "(a) one process per file": per_file,
    "(b) jobs=1, one process  ": batch(1),
    "(c) jobs=2, two processes": batch(2),
}


def timed(variant: Callable[[list[Path], Path], list[Path]], files: list[Path], out: Path) -> float:
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    pdfs = variant(files, out)
    elapsed = time.perf_counter() - start
    missing = [p for p in pdfs if not p.is_file()]
    if len(pdfs) != len(files) or missing:
        raise SystemExit(f"only {len(pdfs) - len(missing)} of {len(files)} PDFs written")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=10, help="number of plans to convert (default 10)")
    ap.add_argument("--repeat", type=int, default=3, help="rounds of the three variants (default 3)")
    ap.add_argument("--plan", type=Path, default=None, help="a .docx to convert instead of a generated plan")
    args = ap.parse_args()
    if args.units < 1 or args.repeat < 1:
        ap.error("--units and --repeat must be at least 1")
    cores = os.cpu_count() or 1
    print(f"machine:       {platform.platform()}, {platform.machine()}, os.cpu_count() = {cores}")
    print(f"python:        {platform.python_version()}; LibreOffice: {find_soffice()}")
    times: dict[str, list[float]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-bench-") as tmp:
        files = make_plans(Path(tmp), args.units, args.plan)
        print(f"plan:          {files[0].stat().st_size} bytes, copied {len(files)} times")
        watch = LoadWatch()
        print(watch.start_line())
        for r in range(args.repeat):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                times[name].append(timed(VARIANTS[name], files, Path(tmp) / "out"))
                print(f"  round {r + 1} {name}: {times[name][-1]:6.2f} s", flush=True)
        load_lines = watch.report()
    print(f"\n{args.units} plans, {args.repeat} rounds        min  median     max")
    for name, values in times.items():
        print(f"{name}   {min(values):6.2f}  {statistics.median(values):6.2f}  {max(values):6.2f} s")
    for label, pick in (("medians", statistics.median), ("minimums", min)):
        a, b, c = (pick(times[n]) for n in names)
        print(f"(a)/(c) = {a / c:4.2f}x   (target ≥ 3)    (b)/(c) = {b / c:4.2f}x   ({label})")
    print("\n" + "\n".join(load_lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
