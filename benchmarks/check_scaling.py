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

from benchmarks.common import LoadWatch  # noqa: E402
from kehoach_gen.check import check_document  # noqa: E402
from tests.check_fixtures import make_long_plan_docx  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sizes", default="1000,10000,50000")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]

    print(f"{platform.platform()}, Python {platform.python_version()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPU")
    watch = LoadWatch()
    print(watch.start_line())
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
    print("\n".join(watch.report()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
