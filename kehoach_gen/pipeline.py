"""The pipeline: load → validate → adapt → render → write, and nothing a person wrote is lost.

A :class:`Project` holds what every unit shares (the city template and the compiled Word
template), loaded once. :func:`generate_unit` makes one unit's document; the file records what
it was made from (custom document properties), so a later run knows whether its inputs changed
and whether a person edited it since: an edited document is never overwritten, the new version
is written beside it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from . import __version__
from .adapt import Loc, Locator, Source, UnitPlan, adapt
from .errors import InputError, OutputError, Problem, rel
from .files import atomic_write
from .loading import Loaded
from .model import CityTemplate, UnitProfile
from .render import PROP_CONTENT, CompiledTemplate, document_digest, read_properties
from .validate import check_profile, load_city, load_profile

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_NAME = "ke_hoach.docx"
PROP_INPUTS = "kehoach-gen:inputs"
PROP_VERSION = "kehoach-gen:version"
PROP_UNIT = "kehoach-gen:unit"
NEW_SUFFIX = " (bản mới)"

Status = Literal["written", "updated", "unchanged", "kept-edited", "forced"]


def default_city_path() -> Path:
    """``./city_template.yaml`` if there is one, else the bundled Hải Phòng template."""
    local = Path("city_template.yaml")
    return local if local.exists() else PACKAGE_ROOT / "city_template.yaml"


def default_templates_dir() -> Path:
    local = Path("templates")
    return local if (local / TEMPLATE_NAME).exists() else PACKAGE_ROOT / "templates"


def default_profiles_dir() -> Path:
    local = Path("unit_profiles")
    return local if local.is_dir() else PACKAGE_ROOT / "unit_profiles"


def default_profile_path() -> Path:
    return default_profiles_dir() / "tan_an.yaml"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Project:
    """What all units share: the city template and the compiled Word template.

    Both are parsed on first use, once: a rebuild where nothing changed only hashes the
    input files and never parses them.
    """

    def __init__(self, city_path: str | Path | None = None, templates_dir: str | Path | None = None):
        self.city_path = Path(city_path) if city_path else default_city_path()
        tdir = Path(templates_dir) if templates_dir else default_templates_dir()
        self.template_path = tdir / TEMPLATE_NAME
        self.city_digest = _sha(_read(self.city_path, "mẫu thành phố", "--city"))
        self.template_digest = _sha(_read(self.template_path, "mẫu Word", "--templates"))

    @classmethod
    def load(cls, city_path: str | Path | None = None,
             templates_dir: str | Path | None = None) -> Project:
        """A project with both templates parsed and validated now (errors raised here)."""
        project = cls(city_path, templates_dir)
        _ = project.city, project.template
        return project

    @cached_property
    def _city(self) -> tuple[CityTemplate, Loaded]:
        return load_city(self.city_path)

    @property
    def city(self) -> CityTemplate:
        return self._city[0]

    @property
    def city_loaded(self) -> Loaded:
        return self._city[1]

    @cached_property
    def template(self) -> CompiledTemplate:
        return CompiledTemplate(self.template_path)

    def warm(self) -> None:
        """Parse both templates and load the official unit list, so that forked workers inherit
        all of it instead of each redoing it. (Loading the city template already compiles every
        placeholder text of it, when validation checks them for each level.)"""
        from .units import official_units

        _ = self.city, self.template
        with contextlib.suppress(InputError):
            official_units(self.city.plan.province)

    def locator(self, profile_loaded: Loaded | None) -> Locator:
        def locate(source: Source, loc: Loc, message: str, hint: str) -> Problem:
            loaded = self.city_loaded if source == "city" or profile_loaded is None else profile_loaded
            return loaded.problem(loc, message, hint)
        return locate


def _read(path: Path, what: str, option: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError([Problem(message=f"không tìm thấy {what}", file=rel(path),
                                  hint=f"Kiểm tra đường dẫn, hoặc chỉ ra bằng tùy chọn {option}")]) from None
    except OSError as exc:
        raise InputError([Problem(message=f"không đọc được {what}: {exc.strerror}", file=rel(path))]) from None


@dataclass
class UnitResult:
    profile_path: Path
    output: Path | None = None
    status: Status | None = None
    plan: UnitPlan | None = None
    warnings: list[Problem] = field(default_factory=list)
    edited_path: Path | None = None  # the hand-edited file that was kept
    inputs: str = ""                 # hash of everything the document was made from


def plan_unit(project: Project, profile_path: str | Path, *, draft: bool = False,
              official_check: bool = True) -> tuple[UnitPlan, UnitProfile, Loaded, list[Problem]]:
    """Load and validate one profile and adapt the city plan to it."""
    profile, loaded = load_profile(profile_path, project.city)
    problems = check_profile(profile, loaded, project.city)
    warnings: list[Problem] = []
    if official_check:
        from .units import check_unit

        province = profile.province or project.city.plan.province
        warnings = check_unit(profile.name, profile.level, province, file=loaded.name,
                              key_line=loaded.line_of(("name",)))
    if problems:
        raise InputError(problems + warnings)
    plan = adapt(project.city, profile, draft=draft, locate=project.locator(loaded))
    return plan, profile, loaded, warnings


def inputs_digest(project: Project, profile_bytes: bytes, draft: bool) -> str:
    h = hashlib.sha256()
    for part in (project.city_digest, _sha(profile_bytes), project.template_digest, __version__,
                 "draft" if draft else "final"):
        h.update(part.encode())
    return h.hexdigest()


def output_name(profile_path: Path) -> str:
    """``tan_an.docx`` for ``unit_profiles/tan_an.yaml``: profile file names are unique in their
    folder (``init-units`` makes them so, Cẩm Giang and Cẩm Giàng included), and the slug keeps
    whatever a person named the file inside the output folder."""
    from .units import slug

    return f"{slug(profile_path.stem)}.docx"


def beside(path: Path) -> Path:
    """``… (bản mới).docx`` next to ``path``, numbered if that exists too."""
    candidate = path.with_name(f"{path.stem}{NEW_SUFFIX}{path.suffix}")
    n = 2
    while existing_state(candidate)[0] == "edited":
        candidate = path.with_name(f"{path.stem}{NEW_SUFFIX} {n}{path.suffix}")
        n += 1
    return candidate


def existing_state(path: Path) -> tuple[Literal["absent", "ours", "edited"], dict[str, str]]:
    """Whether ``path`` is absent, as kehoach-gen wrote it, or changed by a person since."""
    if not path.exists():
        return "absent", {}
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputError(f"{rel(path)}: không đọc được tệp đã có: {exc.strerror}") from None
    props = read_properties(data)
    if props.get(PROP_CONTENT) and props[PROP_CONTENT] == document_digest(data):
        return "ours", props
    return "edited", props


def render_document(project: Project, plan: UnitPlan, inputs: str) -> bytes:
    """The .docx bytes of ``plan``, recording ``inputs`` and its own content hash."""
    props = {PROP_INPUTS: inputs, PROP_VERSION: __version__,
             PROP_UNIT: unicodedata.normalize("NFC", plan.unit_name)}
    return project.template.render(plan, props)


def generate_unit(project: Project, profile_path: str | Path, out: str | Path | None = None, *,
                  force: bool = False, draft: bool = False) -> UnitResult:
    """Generate one unit's plan. ``out`` is a folder (default ``out/``) or a ``.docx`` path."""
    ppath = Path(profile_path)
    plan, profile, loaded, warnings = plan_unit(project, ppath, draft=draft)
    result = UnitResult(profile_path=ppath, plan=plan, warnings=warnings)
    target = Path(out) if out else Path("out")
    if target.suffix.lower() != ".docx":
        target = target / output_name(ppath)
    inputs = inputs_digest(project, ppath.read_bytes(), draft)
    result.inputs = inputs
    state, props = existing_state(target)
    if state == "ours" and props.get(PROP_INPUTS) == inputs and not force:
        result.output, result.status = target, "unchanged"
        return result
    data = render_document(project, plan, inputs)
    if state == "edited" and not force:
        result.edited_path = target
        target = beside(target)
        result.status = "kept-edited"
    else:
        result.status = {"absent": "written", "ours": "updated", "edited": "forced"}[state]  # type: ignore[assignment]
    try:
        atomic_write(target, data)
    except OSError as exc:
        raise OutputError(f"{rel(target)}: không ghi được tệp: {exc.strerror}") from None
    result.output = target
    return result


# ---------------------------------------------------------------------------------------------
# Building many units


@dataclass
class BuildItem:
    """What a build did with one profile (small and picklable: workers send it back)."""

    profile: str
    output: str | None = None
    status: str = "failed"   # written | updated | unchanged | kept-edited | forced | failed
    unit: str = ""
    messages: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    check_errors: int = 0
    check_text: str = ""
    inputs: str = ""


_WORKER: dict[str, object] = {}


MANIFEST_NAME = ".kehoach-gen.json"


class Manifest:
    """What each output in a folder was made from, with its size and modification time.

    Only an accelerator, like git's index: an output whose inputs hash, size and mtime match
    is up to date without being opened; any mismatch falls back to reading the document's
    own recorded properties and content hash, which are the truth.
    """

    def __init__(self, folder: Path):
        self.path = folder / MANIFEST_NAME
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            self.entries: dict[str, dict[str, object]] = data if isinstance(data, dict) else {}
        except (OSError, ValueError):
            self.entries = {}
        self.dirty = False

    def fresh(self, target: Path, inputs: str) -> bool:
        entry = self.entries.get(target.name)
        if not entry or entry.get("inputs") != inputs:
            return False
        try:
            st = target.stat()
        except OSError:
            return False
        return entry.get("size") == st.st_size and entry.get("mtime_ns") == st.st_mtime_ns

    def record(self, target: Path, inputs: str) -> None:
        try:
            st = target.stat()
        except OSError:
            return
        entry: dict[str, object] = {"inputs": inputs, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        if self.entries.get(target.name) != entry:
            self.entries[target.name] = entry
            self.dirty = True

    def save(self) -> None:
        if not self.dirty:
            return
        with contextlib.suppress(OSError):
            atomic_write(self.path, json.dumps(self.entries, ensure_ascii=False, indent=1, sort_keys=True))


def _quick_unchanged(project: Project, path: Path, out_dir: Path, draft: bool,
                     manifest: Manifest) -> str | None:
    """The output path if it is up to date (made by us from these very inputs), else None."""
    target = out_dir / output_name(path)
    try:
        inputs = inputs_digest(project, path.read_bytes(), draft)
    except OSError:
        return None
    if manifest.fresh(target, inputs):
        return str(target)
    state, props = existing_state(target)
    if state == "ours" and props.get(PROP_INPUTS) == inputs:
        manifest.record(target, inputs)
        return str(target)
    return None


def build_one(project: Project, path: Path, out_dir: Path, *, force: bool, draft: bool,
              check: bool) -> BuildItem:
    """Generate one unit for a build; every failure becomes a message, never an exception."""
    item = BuildItem(profile=str(path))
    try:
        result = generate_unit(project, path, out_dir, force=force, draft=draft)
    except InputError as exc:
        item.messages = [p.format() for p in exc.problems]
        return item
    except (OutputError, OSError) as exc:
        item.messages = [f"{rel(path)}: {exc}"]
        return item
    item.status = result.status or "failed"
    item.output = str(result.output) if result.output else None
    item.unit = result.plan.unit_name if result.plan else ""
    item.warnings = [w.format() for w in result.warnings]
    item.inputs = result.inputs
    if check and result.output is not None and result.status != "unchanged":
        from .check import check_document

        report = check_document(result.output)
        item.check_errors = len(report.errors)
        if report.findings:
            item.check_text = report.to_text()
    return item


def _worker_build(args: tuple[str, str, bool, bool, bool]) -> BuildItem:
    path, out_dir, force, draft, check = args
    project = _WORKER["project"]
    assert isinstance(project, Project)
    return build_one(project, Path(path), Path(out_dir), force=force, draft=draft, check=check)


def build_units(project: Project, profiles: list[Path], out_dir: Path, *, force: bool = False,
                draft: bool = False, check: bool = True, jobs: int | None = None,
                progress=None) -> list[BuildItem]:
    """Generate every profile into ``out_dir``, in parallel, skipping units whose inputs did
    not change. ``progress(item)`` is called as each unit finishes. One bad profile does not
    stop the others."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    items: list[BuildItem] = []
    todo: list[Path] = []
    manifest = Manifest(out_dir)
    for path in profiles:
        done = None if force else _quick_unchanged(project, path, out_dir, draft, manifest)
        if done is not None:
            item = BuildItem(profile=str(path), output=done, status="unchanged")
            items.append(item)
            if progress:
                progress(item)
        else:
            todo.append(path)
    jobs = jobs or min(os.cpu_count() or 1, 8)
    if jobs <= 1 or len(todo) <= 1:
        for path in todo:
            item = build_one(project, path, out_dir, force=force, draft=draft, check=check)
            items.append(item)
            if progress:
                progress(item)
        return _record(manifest, items)
    # fork: the workers inherit the city template and Word template parsed here, once
    project.warm()
    _WORKER["project"] = project
    ctx = mp.get_context("fork")
    args = [(str(p), str(out_dir), force, draft, check) for p in todo]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        for item in pool.map(_worker_build, args, chunksize=max(1, len(args) // (jobs * 4))):
            items.append(item)
            if progress:
                progress(item)
    return _record(manifest, items)


def _record(manifest: Manifest, items: list[BuildItem]) -> list[BuildItem]:
    for item in items:
        if item.output and item.inputs and item.status in ("written", "updated", "forced"):
            manifest.record(Path(item.output), item.inputs)
    manifest.save()
    return items
