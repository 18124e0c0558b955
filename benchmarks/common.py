"""What every benchmark needs to be honest: the machine and its load, repeated alternating runs,
min / median / max, and the peak memory of a whole process tree.

- :func:`machine_lines` says what the figures were measured on.
- :class:`LoadWatch` records the 1-minute load average at the start, every second during the
  run and at the end, and the CPU time other work took from the machine meanwhile (all the
  machine's busy time, less this process's and its children's); :meth:`LoadWatch.report` warns
  when other work took more than a tenth of the cores (wall-clock times are then longer than
  the program is). The load average alone cannot tell: a benchmark running two workers on two
  cores raises it to 2 by itself.
- :func:`run_tree` runs a command as a fresh process and measures its wall time, the CPU time
  of the process and the children it waited for, and the peak RSS (``VmHWM``) of the process
  and of every process it starts, each separately, polled from ``/proc`` while it runs.
  Unlike ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` this is not inflated by the size of the
  process that started the command (Linux carries the parent's high-water mark across
  ``fork`` and ``exec`` into ``ru_maxrss``, but not into the new ``VmHWM``).
- :func:`rounds` runs named variants for a number of rounds, the order rotating every round,
  so each variant sees the same machine.
"""

from __future__ import annotations

import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

# -- the machine -------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def cores() -> int:
    return os.cpu_count() or 1


def _mem_total_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _version(module: str) -> str:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # not installed, or not a distribution
        return "?"


def machine_lines() -> list[str]:
    """What the figures were measured on, as lines to print."""
    mem = _mem_total_gb()
    return [
        f"machine: {cpu_model()}, {cores()} cores"
        + (f", {mem:.1f} GB RAM" if mem else "")
        + f", {platform.system()} {platform.release()}",
        f"python:  {platform.python_version()} ({sys.executable}); kehoach-gen {_version('kehoach-gen')}, "
        f"docxtpl {_version('docxtpl')}, Jinja2 {_version('Jinja2')}, lxml {_version('lxml')}, "
        f"python-docx {_version('python-docx')}",
    ]


def loadavg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except (AttributeError, OSError):  # no load average on this system
        return (0.0, 0.0, 0.0)


def _fmt_load(avg: Sequence[float]) -> str:
    return " ".join(f"{x:.2f}" for x in avg)


# Other work that took more than this share of the cores' time during a run is warned about.
OTHERS_LIMIT = 0.10


def machine_cpu_seconds() -> float | None:
    """The CPU time every process of the machine has used since it started, all cores together,
    in seconds: the busy columns of ``/proc/stat`` (user, nice, system, irq, softirq) and the
    time the hypervisor gave to other machines (steal). None without ``/proc/stat``."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 8:
        return None
    ticks = [int(x) for x in fields[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq = ticks[:7]
    steal = ticks[7] if len(ticks) > 7 else 0
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    """The CPU time of this process and of the children it has waited for (theirs include
    their own waited-for children: a build's workers, LibreOffice)."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


@dataclass(frozen=True)
class OtherWork:
    """CPU time the rest of the machine used while a run took ``wall`` seconds."""

    seconds: float
    wall: float
    cores: int

    @property
    def share(self) -> float:
        """Its share of all the cores' time during the run (0: none, 1: every core, always)."""
        return self.seconds / (self.wall * self.cores) if self.wall > 0 else 0.0

    @classmethod
    def between(cls, machine: tuple[float, float], own: tuple[float, float], wall: float,
                cores: int) -> OtherWork:
        """From the machine's and this process tree's CPU seconds at the start and the end (a
        clock tick's rounding can make the difference slightly negative: none then)."""
        return cls(max(0.0, (machine[1] - machine[0]) - (own[1] - own[0])), wall, cores)


class LoadWatch:
    """The load average at the start, its highest 1-minute value during the run (sampled every
    second in a thread) and at the end; and the CPU time other work used meanwhile."""

    def __init__(self) -> None:
        self.start = loadavg()
        self.peak = self.start[0]
        self.end: tuple[float, float, float] | None = None
        self.others: OtherWork | None = None
        self._machine = machine_cpu_seconds()
        self._own = own_cpu_seconds()
        self._clock = time.perf_counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def _watch(self) -> None:
        while not self._stop.wait(1.0):
            self.peak = max(self.peak, loadavg()[0])

    def stop(self) -> None:
        """Stop watching; call when every process the run started has been waited for (a
        child still running would count as other work)."""
        if self.end is None:
            self._stop.set()
            self._thread.join()
            self.end = loadavg()
            self.peak = max(self.peak, self.end[0])
            machine = machine_cpu_seconds()
            if self._machine is not None and machine is not None:
                self.others = OtherWork.between((self._machine, machine), (self._own, own_cpu_seconds()),
                                                time.perf_counter() - self._clock, cores())

    @property
    def busy(self) -> bool:
        """Whether other work took more than :data:`OTHERS_LIMIT` of the cores during the run;
        where that cannot be measured, whether the 1-minute load went above the number of
        cores."""
        if self.others is not None:
            return self.others.share > OTHERS_LIMIT
        return max(self.peak, self.start[0], (self.end or self.start)[0]) > cores()

    def start_line(self) -> str:
        return f"load average (1, 5, 15 min) at start: {_fmt_load(self.start)}  ({cores()} cores)"

    def report(self) -> list[str]:
        """The end-of-run lines, with a warning when the machine was busy."""
        self.stop()
        assert self.end is not None
        lines = [f"load average (1, 5, 15 min) at end:   {_fmt_load(self.end)}  "
                 f"(highest 1-min load during the run: {self.peak:.2f}; {cores()} cores; this run's own "
                 "processes count in it)"]
        if self.others is not None:
            o = self.others
            lines.append(f"other work during the run: {o.seconds:.1f} CPU s in {o.wall:.1f} s, "
                         f"{o.share * 100:.1f} % of the {o.cores} cores (warned above {OTHERS_LIMIT * 100:.0f} %)")
        if self.busy:
            what = (f"other work took {self.others.share * 100:.0f} % of the cores during the run"
                    if self.others is not None else
                    f"the load average went above the {cores()} cores during the run")
            lines.append(
                f"WARNING: {what}: it competed for the CPUs, so the wall-clock times are longer and the "
                "ratios less reliable than on a quiet machine. Compare the CPU times, or run again when "
                "the machine is quiet.")
        return lines


def wait_for_quiet(limit: float, max_wait: float, say: Callable[[str], object] = print) -> None:
    """Wait (at most ``max_wait`` seconds) until the 1-minute load is at most ``limit``."""
    deadline = time.monotonic() + max_wait
    said = False
    while loadavg()[0] > limit and time.monotonic() < deadline:
        if not said:
            say(f"waiting for the 1-minute load ({loadavg()[0]:.2f}) to fall to {limit:.2f} "
                f"(at most {max_wait:.0f} s) …")
            said = True
        time.sleep(5.0)


# -- figures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    low: float
    median: float
    high: float
    n: int

    @classmethod
    def of(cls, values: Iterable[float]) -> Stats:
        v = list(values)
        if not v:
            raise ValueError("no values")
        return cls(min(v), statistics.median(v), max(v), len(v))

    def fmt(self, unit: str = "s", width: int = 7, digits: int = 3) -> str:
        return (f"min {self.low:{width}.{digits}f}  median {self.median:{width}.{digits}f}  "
                f"max {self.high:{width}.{digits}f} {unit}")


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Stats:
    """The per-round ratios a[i] / b[i] (both measured in the same round)."""
    return Stats.of(a / b for a, b in zip(numerators, denominators, strict=True))


# -- running a process tree --------------------------------------------------------------------


@dataclass
class ProcPeak:
    """The peak RSS of one process of a tree."""

    pid: int
    parent: int | None
    name: str
    hwm_kb: int = 0

    @property
    def mb(self) -> float:
        return self.hwm_kb / 1024


@dataclass
class TreeRun:
    """One run of a command: wall time, CPU time, exit status, output and memory."""

    wall: float
    cpu: float              # user + system of the process and of the children it waited for
    returncode: int
    stdout: str
    stderr: str
    procs: list[ProcPeak] = field(default_factory=list)
    tree_rss_kb: int = 0    # the highest sum of the tree's RSS seen at one time (shared pages counted per process)

    @property
    def main(self) -> ProcPeak | None:
        return self.procs[0] if self.procs else None

    @property
    def children(self) -> list[ProcPeak]:
        return self.procs[1:]

    def memory_line(self) -> str:
        main = self.main
        parts = [f"main {main.mb:5.1f} MB" if main else "main ?"]
        kids = [p.mb for p in self.children]
        if kids:
            parts.append(f"{len(kids)} worker{'s' if len(kids) > 1 else ''} " + " / ".join(f"{k:5.1f}" for k in kids)
                         + " MB")
        return ", ".join(parts)


def _read_status(pid: int) -> tuple[int, int, str, int] | None:
    """(VmHWM kB, VmRSS kB, name, parent pid) of a live process, or None."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            data = f.read()
    except OSError:
        return None
    hwm = rss = ppid = 0
    name = ""
    for line in data.split(b"\n"):
        if line.startswith(b"VmHWM:"):
            hwm = int(line.split()[1])
        elif line.startswith(b"VmRSS:"):
            rss = int(line.split()[1])
        elif line.startswith(b"Name:"):
            name = line.split(None, 1)[1].decode(errors="replace") if len(line.split()) > 1 else ""
        elif line.startswith(b"PPid:"):
            ppid = int(line.split()[1])
    return hwm, rss, name, ppid


def _children(pid: int) -> list[int]:
    """The children of ``pid`` (those its threads forked; Linux ≥ 3.5 with CONFIG_PROC_CHILDREN)."""
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", "rb") as f:
                out.extend(int(x) for x in f.read().split())
        except (OSError, ValueError):
            continue
    return out


class _TreeWatch:
    """Polls ``/proc`` for a process and its descendants, keeping each one's highest VmHWM."""

    def __init__(self, root: int, interval: float):
        self.root, self.interval = root, interval
        self.procs: dict[int, ProcPeak] = {}
        self.tree_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        todo, seen, total = [self.root], set(), 0
        while todo:
            pid = todo.pop()
            if pid in seen:
                continue
            seen.add(pid)
            status = _read_status(pid)
            if status is None:
                continue
            hwm, rss, name, ppid = status
            if hwm == 0 and rss == 0:  # a zombie: its memory is gone, keep what we saw
                continue
            total += rss
            peak = self.procs.get(pid)
            if peak is None:
                peak = self.procs[pid] = ProcPeak(pid, None if pid == self.root else ppid, name)
            peak.hwm_kb = max(peak.hwm_kb, hwm)
            todo.extend(_children(pid))
        self.tree_rss = max(self.tree_rss, total)

    def _loop(self) -> None:
        while True:
            self._sample()
            if self._stop.wait(self.interval):
                return

    def stop(self) -> list[ProcPeak]:
        self._stop.set()
        self._thread.join()
        root = self.procs.get(self.root)
        rest = sorted((p for pid, p in self.procs.items() if pid != self.root), key=lambda p: p.pid)
        return ([root] if root else []) + rest


def run_tree(cmd: Sequence[str], *, cwd: Path | None = None, env: Mapping[str, str] | None = None,
             interval: float = 0.02, memory: bool = True) -> TreeRun:
    """Run ``cmd`` as a fresh process; its wall time (from start to exit), CPU time (the process and
    the children it waited for, from ``wait4``), output, and, with ``memory``, the peak RSS of
    the process and of each process it started, polled every ``interval`` seconds.

    A process's peak is its own ``VmHWM`` (a forked worker's starts at what it shares with its
    parent at the fork); a peak reached in the last ``interval`` before a process exits may be
    missed, which ``VmHWM`` being a high-water mark makes rare."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(list(cmd), cwd=cwd, env=dict(env) if env is not None else None,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        watch = _TreeWatch(proc.pid, interval) if memory else None
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        procs = watch.stop() if watch else []
        out.seek(0)
        err.seek(0)
        return TreeRun(wall=wall, cpu=usage.ru_utime + usage.ru_stime, returncode=proc.returncode,
                       stdout=out.read().decode("utf-8", "replace"), stderr=err.read().decode("utf-8", "replace"),
                       procs=procs, tree_rss_kb=watch.tree_rss if watch else 0)


def self_peak_mb() -> float:
    """This process's own peak RSS (for the record: it is not the measured programs' memory)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- rounds ------------------------------------------------------------------------------------


def rounds(variants: Mapping[str, Callable[[], float]], repeat: int,
           say: Callable[[str], object] | None = print) -> dict[str, list[float]]:
    """Run each variant once per round for ``repeat`` rounds, the order rotating each round
    (A B C, B C A, C A B …); each variant returns its measured time. Returns the times by name,
    in round order, so ``times[a][i] / times[b][i]`` compares two variants of the same round."""
    names = list(variants)
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        k = r % len(names) if names else 0
        for name in names[k:] + names[:k]:
            times[name].append(variants[name]())
            if say:
                say(f"  round {r + 1}/{repeat}  {name:<34} {times[name][-1]:8.3f} s")
    return times


def bench_env(pycache: Path | None) -> dict[str, str]:
    """The environment of the measured processes: this one, with Python's bytecode cache kept
    in ``pycache`` (outside the repository) when given, as an installed package has it."""
    env = dict(os.environ)
    if pycache is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    return env


# -- the code being measured -------------------------------------------------------------------


def code_fingerprint(package: Path = REPO / "kehoach_gen") -> str:
    """The size and modification time of every module of the package: when it differs between
    the start and the end of a run, someone changed the code while it was measured."""
    import hashlib

    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()[:12]


def repo_line() -> str:
    """The commit measured and how many files differ from it (other work in progress)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True,
                              text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "kehoach_gen"], cwd=REPO,
                               capture_output=True, text=True, timeout=10).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "code:    (not a git checkout)"
    cache = os.environ.get("KEHOACH_CACHE")
    return (f"code:    commit {head or '?'}, {len(dirty)} changed file(s) under kehoach_gen/ "
            f"(fingerprint {code_fingerprint()}); KEHOACH_CACHE={cache if cache is not None else '(default)'}")


# -- a snapshot of the code --------------------------------------------------------------------

CODE_ENV = "KEHOACH_BENCH_CODE"  # the folder the measured processes import kehoach_gen from
_SNAPSHOT_PARTS = ("kehoach_gen", "templates", "unit_profiles", "city_template.yaml", "benchmarks")


def code_root() -> Path:
    """Where kehoach_gen and its inputs are measured from: a snapshot (see :func:`snapshot`) when
    one is in use, else the repository."""
    value = os.environ.get(CODE_ENV)
    return Path(value) if value else REPO


def use_code(root: Path) -> None:
    """Import kehoach_gen from ``root`` in this process and in every process it starts."""
    os.environ[CODE_ENV] = str(root)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))


def snapshot(dest: Path, *, attempts: int = 8, pause: float = 15.0,
             say: Callable[[str], object] = print) -> Path:
    """A copy of kehoach_gen/, the templates, the bundled profiles, the city template and these
    benchmarks in ``dest``, taken when the package imports cleanly, so that others editing the
    working tree during a run neither break nor change what is measured. Modification times
    are kept (the package's own caches key on them)."""
    import shutil

    for attempt in range(1, attempts + 1):
        shutil.rmtree(dest, ignore_errors=True)
        dest.mkdir(parents=True)
        before = code_fingerprint()
        for name in _SNAPSHOT_PARTS:
            src = REPO / name
            if src.is_dir():
                shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            elif src.exists():
                shutil.copy2(src, dest / name)
        env = dict(os.environ, PYTHONPATH=str(dest), PYTHONDONTWRITEBYTECODE="1")
        probe = subprocess.run(
            [sys.executable, "-c", "import kehoach_gen.cli, kehoach_gen.build, kehoach_gen.check, "
             "kehoach_gen.pipeline as p; p.Project.load()"],
            cwd=dest, env=env, capture_output=True, text=True, timeout=300)
        if probe.returncode == 0 and code_fingerprint() == before:
            say(f"code measured: a snapshot of the working tree (fingerprint {before}) in {dest}")
            return dest
        reason = probe.stderr.strip().splitlines()[-1:] or ["the code changed while it was copied"]
        say(f"the working tree does not import cleanly now ({reason[0][:150]}); "
            f"trying again in {pause:.0f} s ({attempt}/{attempts})")
        time.sleep(pause)
    raise SystemExit("no consistent snapshot of kehoach_gen/ could be taken (someone is editing it); "
                     "run again later, or with --live")
