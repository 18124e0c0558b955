"""Benchmark: render one plan (Lê Chân) into .docx bytes, against a naive docxtpl loop.

    python benchmarks/render_speed.py [--repeat N] [--profile unit_profiles/le_chan.yaml]

Adapting the plan is not measured (it is not rendering). Two loops, alternating one document
each so that both see the same machine load:

- ours: ``CompiledTemplate.render(plan)`` on a template compiled once: context, one bounded
  Jinja pass, footnotes, content hash, the zip written around the pre-deflated parts. The
  caches of converted texts are emptied before each document, so a document pays for its own
  texts as the first unit of a build does ("ours, warm" keeps them, as later units sharing the
  city's texts do);
- naive: what a script around docxtpl does for every document: ``DocxTemplate(path)``,
  ``render(context(plan), autoescape=True)``, ``save(buffer)``, with the same template and the
  same texts.

Prints min / median / max milliseconds per document, wall clock and CPU time of this process,
the machine and its load average; warns when the load exceeded the number of cores (then the
wall-clock figures are not a fair measure, the CPU ones still are).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from docxtpl import DocxTemplate  # noqa: E402

from benchmarks.common import cpu_model  # noqa: E402
from kehoach_gen.adapt import adapt  # noqa: E402
from kehoach_gen.render import CompiledTemplate, context  # noqa: E402
from kehoach_gen.render.text import clear_caches  # noqa: E402
from kehoach_gen.validate import load_city, load_profile  # noqa: E402

TEMPLATE = REPO / "templates" / "ke_hoach.docx"



def _timed(fn: Callable[[], object]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _line(name: str, times: list[float]) -> str:
    return (f"{name:<16} min {min(times):7.2f}   median {statistics.median(times):7.2f}   "
            f"max {max(times):8.2f} ms/document")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="documents per loop (default 200)")
    parser.add_argument("--profile", type=Path, default=REPO / "unit_profiles" / "le_chan.yaml")
    parser.add_argument("--city", type=Path, default=REPO / "city_template.yaml")
    args = parser.parse_args()

    city, _ = load_city(args.city)
    profile, _ = load_profile(args.profile, city)
    plan = adapt(city, profile, draft=True)
    compiled = CompiledTemplate(TEMPLATE)
    size = len(compiled.render(plan))

    def naive() -> None:
        tpl = DocxTemplate(str(TEMPLATE))
        tpl.render(context(plan), autoescape=True)
        tpl.save(io.BytesIO())

    for _ in range(5):  # warm caches and the allocator
        compiled.render(plan)
        naive()
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()
    ours_wall, ours_cpu, warm_wall, warm_cpu, naive_wall, naive_cpu = [], [], [], [], [], []
    for _ in range(args.repeat):
        clear_caches()
        w, c = _timed(lambda: compiled.render(plan))
        ours_wall.append(w)
        ours_cpu.append(c)
        w, c = _timed(lambda: compiled.render(plan))
        warm_wall.append(w)
        warm_cpu.append(c)
        w, c = _timed(naive)
        naive_wall.append(w)
        naive_cpu.append(c)
    load_after = os.getloadavg()

    print(f"machine: {cpu_model()}, {cores} cores, {platform.system()} {platform.release()}, "
          f"Python {platform.python_version()}")
    print(f"load average (1, 5, 15 min): before {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}, "
          f"after {load_after[0]:.2f} {load_after[1]:.2f} {load_after[2]:.2f}")
    print(f"plan: {args.profile.name}, {len(plan.rows())} appendix rows, {len(plan.body)} body paragraphs; "
          f"document {size:,} bytes; {args.repeat} documents per loop, alternating")
    print(_line("ours, wall", ours_wall))
    print(_line("ours, cpu", ours_cpu))
    print(_line("ours warm, wall", warm_wall))
    print(_line("ours warm, cpu", warm_cpu))
    print(_line("naive, wall", naive_wall))
    print(_line("naive, cpu", naive_cpu))
    print(f"median ratio naive/ours: wall {statistics.median(naive_wall) / statistics.median(ours_wall):.1f}x, "
          f"cpu {statistics.median(naive_cpu) / statistics.median(ours_cpu):.1f}x")
    if max(load_before[0], load_after[0]) > cores:
        print(f"WARNING: the load average exceeded the {cores} cores during the run; wall-clock times include "
              "waiting for a CPU. Compare the CPU-time lines, or run again on an idle machine.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
