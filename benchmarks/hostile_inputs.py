"""Time and peak memory of kehoach-gen's answer to every hostile input (tests/hostile.py).

    python benchmarks/hostile_inputs.py [--repeat N]

Each case is written into a fresh folder and run as a whole `kehoach-gen` process (so the
figures include start-up, as a user sees them), --repeat times (default 3); prints per case the
exit code, min/median/max wall seconds, the largest peak RSS (MB) of the process, and whether
they stay within the bounds the README states (5 s, 500 MB). Prints the machine and its load
before and after, and warns when the load exceeded the number of cores.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import LoadWatch  # noqa: E402
from tests.hostile import CASES, MEMORY_BOUND_MB, TIME_BOUND_S, run_cli  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    watch = LoadWatch()
    load_start = watch.start[0]
    print(f"machine: {platform.platform()}, {cores} cores, Python {platform.python_version()}; "
          f"load {load_start:.2f}")
    print(f"{'case':<22} {'code':>4} {'min s':>7} {'median s':>9} {'max s':>7} {'peak MB':>8}  within bounds")
    worst = True
    for case in CASES:
        times, peaks, codes = [], [], set()
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                argv = case.make(folder)
                run = run_cli(argv, folder)
            codes.add(run.code)
            times.append(run.seconds)
            peaks.append(run.peak_mb)
        ok = max(times) < TIME_BOUND_S and max(peaks) < MEMORY_BOUND_MB and codes == {case.code}
        worst = worst and ok
        print(f"{case.name:<22} {','.join(map(str, sorted(codes))):>4} {min(times):7.2f} "
              f"{statistics.median(times):9.2f} {max(times):7.2f} {max(peaks):8.0f}  {'yes' if ok else 'NO'}")
    print("\n".join(watch.report()))
    return 0 if worst else 1


if __name__ == "__main__":
    sys.exit(main())
