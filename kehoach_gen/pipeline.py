"""The pipeline for one unit: load → validate → adapt → render → write → check.

A :class:`Project` holds what every unit shares (the city template and the compiled Word
template), loaded once. :func:`generate_unit` makes one unit's document; the file records what
it was made from (custom document properties), so a later run knows whether its inputs changed
and whether a person edited it since (see :mod:`kehoach_gen.outputs`). :func:`check_output`
is the one place a written plan is checked against Nghị định 30; `generate` and `build` both
call it. Commands get report objects (:mod:`kehoach_gen.reports`) and only print them.
"""

from __future__ import annotations

import contextlib
import hashlib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ._version import __version__
from .adapt import UnitPlan, adapt_valid
from .errors import InputError, OutputError, Problem, rel
from .loading import Loaded, read_bounded
from .model import CityTemplate, UnitProfile
from .outputs import (
    EDITED_SUFFIX,
    NEW_SUFFIX,
    PROP_INPUTS,
    PROP_UNIT,
    PROP_VERSION,
    State,
    collision_error,
    existing_state,
    output_name,
    place,
    target_for,
)
from .render import PROP_CONTENT, CompiledTemplate, compile_template
from .resources import (
    TEMPLATE_NAME,
    default_city_path,
    default_profile_path,
    default_profiles_dir,
    default_template_path,
    default_templates_dir,
)
from .roles import RoleBook
from .validate import check_profile, level_of, load_city, load_profile

__all__ = [
    "EDITED_SUFFIX", "NEW_SUFFIX", "TEMPLATE_NAME", "Project", "UnitResult", "check_output",
    "default_city_path", "default_profile_path", "default_profiles_dir", "default_templates_dir",
    "generate_unit", "inputs_digest", "output_name", "plan_unit",
]

MAX_TEMPLATE_BYTES = 20 * 1024 * 1024


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class Project:
    """What all units share: the city template and the compiled Word template.

    Both are parsed on first use, once: a rebuild where nothing changed only hashes the
    input files and never parses them. The Word template is ``templates_dir/ke_hoach.docx``
    when given, else the city template's own ``word_template`` (relative to its folder), else
    ``./templates/ke_hoach.docx``, else the one bundled with the package.
    """

    def __init__(self, city_path: str | Path | None = None, templates_dir: str | Path | None = None):
        self.city_path = Path(city_path) if city_path else default_city_path()
        self._templates_dir = Path(templates_dir) if templates_dir else None
        self._city_bytes = _read(self.city_path, "mẫu thành phố", "--city", 4 * 1024 * 1024)
        self.city_digest = _sha(self._city_bytes)
        self.template_path = self._template_path()
        self.template_digest = _sha(_read(self.template_path, "mẫu Word", "--templates", MAX_TEMPLATE_BYTES))

    def _template_path(self) -> Path:
        if self._templates_dir is not None:
            return self._templates_dir / TEMPLATE_NAME
        # A no-op rebuild must not parse the city template: only one that mentions a Word
        # template of its own is parsed here to find it.
        word = self.city.word_template if b"word_template" in self._city_bytes else None
        return default_template_path(self.city_path, word)

    @classmethod
    def load(cls, city_path: str | Path | None = None,
             templates_dir: str | Path | None = None) -> Project:
        """A project with both templates parsed and validated now (errors raised here)."""
        project = cls(city_path, templates_dir)
        _ = project.city, project.template
        return project

    @cached_property
    def _city(self) -> tuple[CityTemplate, Loaded]:
        """The checked city template, from the cache on disk when this very file passed before
        (:mod:`kehoach_gen.cache`), with its placeholders compiled."""
        from . import cache
        from .placeholders import compiled_texts, remember

        name = cache.key("city-template", self._city_bytes)
        found = cache.load(name)
        if isinstance(found, tuple) and len(found) == 3 and isinstance(found[0], CityTemplate):
            city, loaded, texts = found
            loaded.path = self.city_path
            remember(texts)
            return city, loaded
        city, loaded = load_city(self.city_path)
        cache.store(name, (city, loaded, compiled_texts()))
        return city, loaded

    @property
    def city(self) -> CityTemplate:
        return self._city[0]

    @property
    def city_loaded(self) -> Loaded:
        return self._city[1]

    @cached_property
    def template(self) -> CompiledTemplate:
        return compile_template(self.template_path)

    def warm(self) -> None:
        """Parse both templates and load the official unit list, so that forked workers inherit
        all of it instead of each redoing it."""
        from .units import official_units

        _ = self.city, self.template
        with contextlib.suppress(InputError):
            official_units(self.city.plan.province)


def _read(path: Path, what: str, option: str, limit: int) -> bytes:
    try:
        return read_bounded(path, limit, what)
    except FileNotFoundError:
        raise InputError([Problem(message=f"không tìm thấy {what}", file=rel(path),
                                  hint=f"Kiểm tra đường dẫn, hoặc chỉ ra bằng tùy chọn {option}")]) from None
    except IsADirectoryError:
        raise InputError([Problem(message=f"đây là thư mục, không phải {what}", file=rel(path),
                                  hint=f"Chỉ ra tệp bằng tùy chọn {option}")]) from None
    except OSError as exc:
        raise InputError([Problem(message=f"không đọc được {what}: {exc.strerror}", file=rel(path))]) from None


def plan_unit(project: Project, profile_path: str | Path, *, draft: bool = False,
              official_check: bool = True, layout: str | None = None
              ) -> tuple[UnitPlan, UnitProfile, Loaded, list[Problem]]:
    """Load and check one profile against the city template and adapt the city plan to it
    (``layout``, when given, replaces the profile's ``task_layout``).

    Returns the plan, the profile, its loaded YAML and the warnings; raises
    :class:`InputError` with every error (and the warnings beside them)."""
    loading = load_step(project, profile_path, layout)
    return adapt_step(project, check_step(project, loading, draft=draft, official_check=official_check), draft)


@dataclass
class Planning:
    """A unit on its way to its plan, :func:`plan_unit` a step at a time (a build takes each step
    for a few units before the next): its profile loaded (:func:`load_step`), then checked
    (:func:`check_step`), then adapted (:func:`adapt_step`)."""

    profile: UnitProfile
    loaded: Loaded
    book: RoleBook | None = None
    warnings: list[Problem] = field(default_factory=list)


def load_step(project: Project, profile_path: str | Path, layout: str | None = None) -> Planning:
    """The profile read and validated (``layout``: see :func:`plan_unit`)."""
    profile, loaded = load_profile(profile_path, project.city)
    if layout is not None:
        profile = profile.model_copy(update={"task_layout": layout})
    return Planning(profile, loaded)


def check_step(project: Project, planning: Planning, *, draft: bool, official_check: bool = True) -> Planning:
    """The profile checked against the city template: :class:`InputError` with every error
    (and the warnings beside them), else the warnings kept."""
    city, profile, loaded = project.city, planning.profile, planning.loaded
    level = level_of(profile, city)
    book = RoleBook(city, profile, level) if level is not None else None  # checked, then adapted with
    problems = check_profile(profile, loaded, city, city_loaded=project.city_loaded, draft=draft, book=book)
    if official_check:
        problems += _official_problems(profile, city, loaded)
    errors = [p for p in problems if not p.warning]
    warnings = [p for p in problems if p.warning]
    if errors:
        raise InputError(errors + warnings)
    planning.book, planning.warnings = book, warnings
    return planning


def adapt_step(project: Project, planning: Planning, draft: bool
               ) -> tuple[UnitPlan, UnitProfile, Loaded, list[Problem]]:
    """The city plan adapted to the checked profile: what :func:`plan_unit` returns."""
    plan = adapt_valid(project.city, planning.profile, draft=draft, book=planning.book)
    return plan, planning.profile, planning.loaded, planning.warnings


def _official_problems(profile: UnitProfile, city: CityTemplate, loaded: Loaded) -> list[Problem]:
    """Warnings when the unit is not in the official list (levels that the list has)."""
    spec = city.levels.get(profile.level)
    if spec is None or spec.official is None:
        return []
    from .units import check_unit

    province = profile.province or city.plan.province
    return check_unit(profile.name, spec.official, province, file=loaded.name, key_line=loaded.line_of(("name",)))


def inputs_digest(project: Project, profile_bytes: bytes, draft: bool, layout: str | None = None) -> str:
    """The hash of everything a unit's plan is made from: both templates, the profile's bytes,
    this version, draft or final, the task layout."""
    return _inputs_digest(project, _sha(profile_bytes), draft, layout)


def _inputs_digest(project: Project, profile_sha: str, draft: bool, layout: str | None) -> str:
    h = hashlib.sha256()
    for part in (project.city_digest, profile_sha, project.template_digest, __version__,
                 "draft" if draft else "final", layout or ""):
        h.update(part.encode())
    return h.hexdigest()


@dataclass
class UnitResult:
    """What generating one unit did."""

    profile_path: Path
    output: Path | None = None
    status: str | None = None          # written | updated | unchanged | kept-edited | forced
    plan: UnitPlan | None = None
    warnings: list[Problem] = field(default_factory=list)
    edited_path: Path | None = None    # the hand-edited file: kept there, or moved there (forced)
    inputs: str = ""                   # hash of everything the document was made from
    content: str = ""                  # hash of the document's content
    # the parts of the file just written, deflated and as they are (for check_output)
    parts: tuple[tuple[bytes, bytes], ...] = field(default=(), repr=False, compare=False)


def generate_unit(project: Project, profile_path: str | Path, out: str | Path | None = None, *,
                  force: bool = False, draft: bool = False, layout: str | None = None) -> UnitResult:
    """Generate one unit's plan. ``out`` is a folder (default ``out/``) or a ``.docx`` path;
    ``layout`` ("appendix" or "inline") replaces the profile's and the template's choice.

    An output already made from the same inputs is left as it is; one whose new content is
    the same is not rewritten; a hand-edited one is kept (see :func:`kehoach_gen.outputs.place`).
    """
    return finish_unit(project, start_unit(project, profile_path, out, force=force, draft=draft, layout=layout))


@dataclass
class UnitStart:
    """A unit planned and its output looked at, not yet written (:func:`start_unit`)."""

    result: UnitResult
    target: Path
    unit: str
    existing: tuple[State, dict[str, str]]
    force: bool


def start_unit(project: Project, profile_path: str | Path, out: str | Path | None = None, *,
               force: bool = False, draft: bool = False, layout: str | None = None,
               planning: Planning | None = None) -> UnitStart:
    """The first half of :func:`generate_unit`: the unit planned, and what its output holds now
    (read and hashed once: :func:`finish_unit` tells :func:`~kehoach_gen.outputs.place` what
    it is). An output made from the same inputs is "unchanged" here already. A build starts a
    few units, then finishes them (:func:`kehoach_gen.build.build_few`); ``planning``: the
    unit's profile already loaded and checked (:func:`check_step`, with ``layout``)."""
    ppath = Path(profile_path)
    target = target_for(ppath, Path(out) if out is not None else None)
    if planning is None:
        planning = check_step(project, load_step(project, ppath, layout), draft=draft)
    plan, _profile, loaded, warnings = adapt_step(project, planning, draft)
    unit = unicodedata.normalize("NFC", plan.unit_name)
    result = UnitResult(profile_path=ppath, plan=plan, warnings=warnings)
    result.inputs = _inputs_digest(project, loaded.sha256, draft, layout)  # the bytes planned from
    existing = existing_state(target)
    state, found = existing
    if state == "ours" and found.get(PROP_INPUTS) == result.inputs and found.get(PROP_UNIT) == unit \
            and not force:
        result.output, result.status, result.content = target, "unchanged", found.get(PROP_CONTENT, "")
    return UnitStart(result, target, unit, existing, force)


def finish_unit(project: Project, start: UnitStart) -> UnitResult:
    """The second half of :func:`generate_unit`: the unit's document made and placed."""
    result = start.result
    if result.status == "unchanged":
        return result
    assert result.plan is not None  # (start_unit planned it)
    props = {PROP_INPUTS: result.inputs, PROP_VERSION: __version__, PROP_UNIT: start.unit}
    rendered = project.template.render_document(result.plan, props)
    result.content, result.parts = rendered.digest, rendered.parts
    placed = place(start.target, rendered.data, result.content, start.unit, force=start.force,
                   existing=start.existing)
    if placed.status == "collision":
        raise collision_error(result.profile_path, placed)
    result.output, result.status, result.edited_path = placed.path, placed.status, placed.edited
    return result


@dataclass
class CheckResult:
    """The Nghị định 30 check of one written plan."""

    errors: int = 0
    warnings: int = 0
    text: str = ""          # the report, when there are findings
    lines: list[str] = field(default_factory=list)


def check_output(path: Path, parts: Iterable[tuple[bytes, bytes]] = ()) -> CheckResult:
    """Check a written plan against Nghị định 30 (the one place generate and build do it).

    ``parts``: the parts of the file as this process wrote them (:attr:`UnitResult.parts`),
    so that the check does not inflate again what was just deflated."""
    from .check import check_document
    from .ooxml.opc import remember_inflated

    remember_inflated(parts)
    try:
        report = check_document(path)
    except InputError as exc:
        raise OutputError(f"{rel(path)}: không kiểm tra được văn bản vừa tạo: {exc}") from None
    result = CheckResult(len(report.errors), len(report.warnings))
    if report.findings:
        result.text = report.to_text()
        result.lines = [f.format(rel(path)) for f in report.findings]
    return result
