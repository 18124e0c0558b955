"""How the Nghị định 30 checker scales with the length of a document.

Builds conforming plans of 1,000, 10,000 and 50,000 body paragraphs
(``tests/check_fixtures.make_long_plan_docx``), checks each five times with
``check_document`` and prints min / median / max and the time per 1,000 paragraphs: when the
checker is linear, the last column stays flat. The machine and its load average are printed at
the start and the end; a load above the number of CPUs makes every number slower, so the run
warns about it.

    python3 benchmarks/check_scaling.py [--runs 5] [--sizes 1000,10000,50000]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kehoach_gen.check import check_document  # noqa: E402
from tests.check_fixtures import make_long_plan_docx  # noqa: E402


def load() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except (AttributeError, OSError):  # Windows has none
        return None


def describe_load(when: str) -> bool:
    """Print the load average; True when it is above the number of CPUs."""
    avg = load()
    cpus = os.cpu_count() or 1
    if avg is None:
        print(f"{when}: load average not available")
        return False
    print(f"{when}: load average {avg[0]:.2f} {avg[1]:.2f} {avg[2]:.2f} ({cpus} CPU)")
    return avg[0] > cpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"{platform.platform()}, Python {platform.python_version()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU")
    busy = describe_load("start")
    print(f"{'paragraphs':>10}  {'min s':>7}  {'median s':>8}  {'max s':>7}  {'ms / 1,000 para':>15}")
    for size in sizes:
        data = make_long_plan_docx(size)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            report = check_document(data)
            times.append(time.perf_counter() - start)
            assert report.findings == [], report.to_text()  # a conforming plan stays conforming
        low, mid, high = min(times), statistics.median(times), max(times)
        print(f"{size:>10,}  {low:7.2f}  {mid:8.2f}  {high:7.2f}  {mid * 1e6 / size:15.1f}")
    busy = describe_load("end") or busy
    if busy:
        print("warning: the load average was above the number of CPUs; the times are slower "
              "than the checker is, and may vary from run to run")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
