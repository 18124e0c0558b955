"""What checking a generated plan costs, beside what rendering it costs.

Renders the Lê Chân plan once (``CompiledTemplate("templates/ke_hoach.docx").render(plan)``)
and checks it with ``check_document``: first cold (the first document of a process: imports
done, caches empty), then warm, at least 100 times, alternating with renders of the same plan
so that both see the same machine load. A build checks each unit's output right after
writing it, in the same worker process, and every output comes from the same Word template:
"warm" is that case. Also times a second unit's plan (another phường, made from the same
template) checked after the first, the honest figure for a build, where no two plans are the
same document. Prints min / median / max milliseconds, the check / render ratio, the machine
and its load average, and warns when the load exceeded the number of cores.

    python3 benchmarks/check_speed.py [--runs 200] [--profile unit_profiles/le_chan.yaml]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.common import cpu_model  # noqa: E402
from kehoach_gen.adapt import adapt  # noqa: E402
from kehoach_gen.check import check_document  # noqa: E402
from kehoach_gen.ooxml import cache  # noqa: E402
from kehoach_gen.render import CompiledTemplate  # noqa: E402
from kehoach_gen.validate import load_city, load_profile  # noqa: E402


def _load() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except (AttributeError, OSError):
        return None


def _ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _line(name: str, times: list[float]) -> str:
    return (f"{name:<28} min {min(times):7.2f}   median {statistics.median(times):7.2f}   "
            f"max {max(times):8.2f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="warm checks (at least 100)")
    parser.add_argument("--profile", type=Path, default=REPO / "unit_profiles" / "le_chan.yaml")
    parser.add_argument("--city", type=Path, default=REPO / "city_template.yaml")
    args = parser.parse_args(argv)
    runs = max(args.runs, 100)

    city, _ = load_city(args.city)
    profile, _ = load_profile(args.profile, city)
    plan = adapt(city, profile, draft=True)
    other = adapt(city, dataclasses.replace(profile, name="Hồng Bàng") if dataclasses.is_dataclass(
        profile) else profile.model_copy(update={"name": "Hồng Bàng"}), draft=True)
    compiled = CompiledTemplate(REPO / "templates" / "ke_hoach.docx")
    data = compiled.render(plan)
    second = compiled.render(other)

    cpus = os.cpu_count() or 1
    before = _load()
    print(f"machine: {cpu_model()}, {cpus} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    print(f"plan: {args.profile.name}, document {len(data):,} bytes; {runs} warm checks")

    cache.clear()
    cold = _ms(lambda: check_document(data))
    report = check_document(data)
    checks, renders = [], []
    for _ in range(runs):
        checks.append(_ms(lambda: check_document(data)))
        renders.append(_ms(lambda: compiled.render(plan)))
    cache.clear()
    check_document(data)
    next_unit = _ms(lambda: check_document(second))
    others = []
    for _ in range(max(runs // 4, 25)):  # each time a plan the caches have not seen whole
        cache.clear()
        check_document(data)
        others.append(_ms(lambda: check_document(second)))
    with cache.disabled():
        uncached = [_ms(lambda: check_document(data)) for _ in range(max(runs // 10, 10))]
    after = _load()

    print(f"findings: {len(report.errors)} errors, {len(report.warnings)} warnings")
    print(f"check, first document (cold)  {cold:7.2f} ms")
    print(_line("check, same plan again", checks))
    print(_line("render (CompiledTemplate)", renders))
    print(f"check, the next unit's plan   {next_unit:7.2f} ms (first time)")
    print(_line("check, next unit (repeated)", others))
    print(_line("check without caches", uncached))
    ratio = statistics.median(checks) / statistics.median(renders)
    print(f"median check / render: {ratio:.2f} (same plan), "
          f"{statistics.median(others) / statistics.median(renders):.2f} (next unit)")
    if before and after:
        print(f"load average (1, 5, 15 min): before {before[0]:.2f} {before[1]:.2f} "
              f"{before[2]:.2f}, after {after[0]:.2f} {after[1]:.2f} {after[2]:.2f}")
        if max(before[0], after[0]) > cpus:
            print("warning: the load average exceeded the number of cores; times are slower "
                  "and noisier than on an idle machine")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
