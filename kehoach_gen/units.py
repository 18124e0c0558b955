"""The official list of commune-level units, and one blank profile per unit.

The list comes from the PyPI package ``vietnam-provinces`` (the post-2025 two-tier list: tỉnh /
thành phố, then xã, phường, đặc khu). Its spellings mix the two tone placements ("Phường Thuỷ
Nguyên", "Phường Hoà Bình" beside "Xã Kiến Thụy", "Xã Vĩnh Hòa"), so every comparison here goes
through :func:`canonical_name`, and every name this module hands out is in the one form
administrative documents use (:func:`modern_spelling`: "Thủy Nguyên", "Hòa Bình").
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cache
from .errors import InputError, OutputError, Problem
from .files import atomic_write
from .model import (
    DEFAULT_LEVELS,
    LEVEL_NAMES,
    LEVELS,
    CityTemplate,
    Level,
    LevelSpec,
    Role,
    resolve_level,
    unit_full_name,
)
from .spelling import ascii_fold, canonical_name, modern_spelling
from .spelling import slug as file_stem
from .spelling import tidy as _tidy

# ---------------------------------------------------------------------------------------------
# The official list

_PROVINCE_PREFIXES = ("thành phố ", "tỉnh ", "tp. ", "tp.", "tp ")
_UNIT_PREFIXES: tuple[tuple[str, Level], ...] = (
    ("đặc khu ", "dac_khu"), ("phường ", "phuong"), ("xã ", "xa"),
)
_LEVEL_OF_TYPE: dict[str, Level] = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}


@dataclass(frozen=True)
class OfficialUnit:
    """One xã, phường or đặc khu as the official list has it, spelled as documents spell it."""

    name: str  # without the type word: "Thủy Nguyên"
    level: Level
    code: int  # the national code of the unit (mã đơn vị hành chính)
    codename: str  # the package's "phuong_thuy_nguyen"; not unique (Cẩm Giang, Cẩm Giàng)
    province: str  # without the type word: "Hải Phòng"
    province_type: str = "thành phố"  # "thành phố" or "tỉnh"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES[self.level]

    @property
    def full_name(self) -> str:
        return unit_full_name(self.level, self.name)

    @property
    def province_full_name(self) -> str:
        """``thành phố Hải Phòng``."""
        return f"{self.province_type} {self.province}"


@dataclass(frozen=True)
class _Province:
    name: str  # "Hải Phòng"
    type: str  # "thành phố" / "tỉnh"
    code: int

    @property
    def full_name(self) -> str:
        return f"{self.type} {self.name}"


def _strip_province_prefix(text: str) -> str:
    low = text.lower()
    for prefix in _PROVINCE_PREFIXES:
        if low.startswith(prefix) and len(text) > len(prefix):
            return text[len(prefix):].strip()
    return text


@functools.lru_cache(maxsize=1)
def _provinces() -> tuple[_Province, ...]:
    return cache.cached(cache.key("provinces", cache.list_fingerprint()), _read_provinces)


def _read_provinces() -> tuple[_Province, ...]:
    from vietnam_provinces import Province  # a large table: read once, then from the cache

    out = []
    for p in Province.iter_all():
        full = _tidy(p.name)
        bare = _strip_province_prefix(full)
        kind = "thành phố" if bare != full else "tỉnh"
        out.append(_Province(name=modern_spelling(bare), type=kind, code=int(p.code)))
    return tuple(sorted(out, key=lambda p: p.code))


def _province_error(text: str) -> InputError:
    provinces = _provinces()
    wanted = ascii_fold(_strip_province_prefix(_tidy(text)))
    by_fold = {ascii_fold(p.name): p for p in provinces}
    close = difflib.get_close_matches(wanted, list(by_fold), n=3, cutoff=0.5)
    message = (
        f"không có tỉnh, thành phố '{text}' trong danh sách {len(provinces)} tỉnh, thành phố "
        "trực thuộc trung ương"
    )
    hint = "Ghi tên tỉnh, thành phố sau sắp xếp năm 2025, ví dụ 'Hải Phòng'"
    if close:
        message += "; có phải: " + ", ".join(by_fold[c].full_name for c in close) + "?"
        hint = ""
    return InputError([Problem(message=message, key="province", hint=hint)])


def _find_province(text: str) -> _Province:
    """The province named ``text``: "Hải Phòng", "Thành phố Hải Phòng", "hai phong"."""
    tidy = _tidy(text.replace("_", " "))
    bare = _strip_province_prefix(tidy)
    for p in _provinces():
        if canonical_name(p.name) == canonical_name(bare):
            return p
    # Written without diacritics: accept it when it names exactly one province.
    folded = [p for p in _provinces() if ascii_fold(p.name) == ascii_fold(bare)]
    if len(folded) == 1:
        return folded[0]
    raise _province_error(text)


def _unit_name(ward: Any) -> str:
    full = _tidy(ward.name)
    type_word = ward.division_type.value
    if full.lower().startswith(type_word + " "):
        full = full[len(type_word) + 1:]
    return modern_spelling(full)


@functools.lru_cache(maxsize=64)
def _units_named(province_code: int) -> dict[str, tuple[OfficialUnit, ...]]:
    """The province's units by :func:`canonical_name` (a name two levels share: both, by code):
    a profile's name is found at once, not compared with every unit's."""
    found: dict[str, list[OfficialUnit]] = {}
    for u in _units_of(province_code):
        found.setdefault(canonical_name(u.name), []).append(u)
    return {name: tuple(us) for name, us in found.items()}


@functools.lru_cache(maxsize=64)  # 34 provinces
def _units_of(province_code: int) -> tuple[OfficialUnit, ...]:
    return cache.cached(cache.key("units", cache.list_fingerprint(), str(province_code)),
                        lambda: _read_units(province_code))


def _read_units(province_code: int) -> tuple[OfficialUnit, ...]:
    from vietnam_provinces import Ward  # a large table: read once, then from the cache

    province = next(p for p in _provinces() if p.code == province_code)
    out = []
    for ward in Ward.iter_all():
        if int(ward.province_code) != province_code:
            continue
        level = _LEVEL_OF_TYPE.get(ward.division_type.value)
        if level is None:  # a type this version of the list does not know: not a commune
            continue
        out.append(OfficialUnit(
            name=_unit_name(ward), level=level, code=int(ward.code), codename=ward.codename,
            province=province.name, province_type=province.type,
        ))
    return tuple(sorted(out, key=lambda u: u.code))


def official_units(province: str) -> list[OfficialUnit]:
    """Every xã, phường and đặc khu of ``province``, by code.

    ``province`` may be written "Hải Phòng", "Thành phố Hải Phòng", "TP. Hải Phòng",
    "hai phong", in any case and tone placement. Raises :class:`InputError` naming the closest
    provinces when there is no such province.
    """
    return list(_units_of(_find_province(province).code))


def province_name(province: str) -> str:
    """The official spelling of ``province`` without its type word: "hai phong" → "Hải Phòng"."""
    return _find_province(province).name


def split_type_word(name: str) -> tuple[Level | None, str]:
    """``"Xã Tân An"`` → ``("xa", "Tân An")``; a name without a type word → ``(None, name)``."""
    tidy = _tidy(name)
    low = canonical_name(tidy)
    for prefix, level in _UNIT_PREFIXES:
        if low.startswith(prefix) and len(tidy) > len(prefix):
            return level, tidy[len(prefix):].strip()
    return None, tidy


def closest_units(name: str, units: Sequence[OfficialUnit], n: int = 3) -> list[OfficialUnit]:
    """Up to ``n`` units whose names look like ``name`` (typos, missing diacritics), best first."""
    key = canonical_name(name)
    folded = ascii_fold(name)
    scored = []
    for u in units:
        score = max(
            difflib.SequenceMatcher(None, key, canonical_name(u.name)).ratio(),
            # Without diacritics "Tan An" is still close to "Tân An"; a little less than exact.
            difflib.SequenceMatcher(None, folded, ascii_fold(u.name)).ratio() - 0.01,
        )
        if score >= 0.6:
            scored.append((score, u))
    scored.sort(key=lambda su: (-su[0], su[1].code))
    return [u for _, u in scored[:n]]


def check_unit(
    name: str,
    level: str,
    province: str,
    *,
    file: str | None = None,
    key_line: int | None = None,
) -> list[Problem]:
    """Warnings when ``name`` at ``level`` is not an official unit of ``province``; else ``[]``.

    ``name`` may carry its type word ("Xã Tân An"). ``key_line`` is the line of the profile's
    ``name`` key, for the message. An unknown province is one warning on key ``province``.
    """
    try:
        found = _find_province(province)
        units, by_name = _units_of(found.code), _units_named(found.code)
    except InputError as exc:
        return [Problem(
            message=p.message, file=file, line=key_line, key=p.key, hint=p.hint, warning=True,
        ) for p in exc.problems]
    lvl = resolve_level(level, DEFAULT_LEVELS) or level
    if lvl not in LEVELS:
        return []  # the profile's own validation reports a bad level
    level_name = LEVEL_NAMES[lvl]
    prov = units[0].province_full_name if units else found.full_name
    word_level, bare = split_type_word(name)
    if canonical_name(name) in by_name:
        word_level, bare = None, _tidy(name)  # an official name that starts like a type word
    matches = by_name.get(canonical_name(bare), ())
    if any(u.level == lvl for u in matches):
        if word_level is not None and word_level != lvl:
            return [Problem(
                message=f"tên '{_tidy(name)}' ghi {LEVEL_NAMES[word_level]} nhưng "
                f"{bare} là {level_name}",
                file=file, line=key_line, key="name",
                hint="Ghi tên không kèm chữ xã, phường, đặc khu",
                warning=True,
            )]
        return []
    if matches:
        others = " và ".join(LEVEL_NAMES[u.level] for u in matches)
        return [Problem(
            message=f"{matches[0].name} là {others}, không phải {level_name}",
            file=file, line=key_line, key="level",
            hint=f"Sửa 'level' thành {matches[0].level}",
            warning=True,
        )]
    message = f"không có {level_name} '{bare}' trong danh sách đơn vị hành chính của {prov}"
    close = closest_units(bare, units)
    hint = ""  # the question names the fix
    if close:
        message += "; có phải: " + ", ".join(u.full_name for u in close) + "?"
    else:
        hint = "Ghi đúng tên trong danh sách chính thức (sau sắp xếp đơn vị hành chính năm 2025)"
    return [Problem(
        message=message, file=file, line=key_line, key="name", hint=hint, warning=True,
    )]


# ---------------------------------------------------------------------------------------------
# File names


def slug(unit: OfficialUnit | str) -> str:
    """An ASCII file-name stem: "Tân An" → "tan_an" (see :func:`kehoach_gen.spelling.slug`)."""
    return file_stem(unit.name if isinstance(unit, OfficialUnit) else unit)


def profile_filename(unit: OfficialUnit, all_units: Iterable[OfficialUnit]) -> str:
    """The profile file name of ``unit``: ``tan_an.yaml``, unique among ``all_units``.

    When two units share a slug the level goes first (``xa_tan_an`` / ``phuong_tan_an``); when
    they share the level too (Hải Phòng has "Cẩm Giang" and "Cẩm Giàng", both xã) the unit code
    goes last (``cam_giang_10888``).
    """
    base = slug(unit)
    return _filename(unit, base, [u for u in all_units if u != unit and slug(u) == base])


def profile_filenames(units: Sequence[OfficialUnit]) -> list[str]:
    """:func:`profile_filename` of each of ``units`` among them, each slug made once (a
    province has hundreds of units: comparing each with all would take seconds)."""
    slugs = [slug(u) for u in units]
    same: dict[str, list[OfficialUnit]] = {}
    for u, s in zip(units, slugs, strict=True):
        same.setdefault(s, []).append(u)
    return [_filename(u, s, [o for o in same[s] if o != u]) for u, s in zip(units, slugs, strict=True)]


def _filename(unit: OfficialUnit, base: str, clash: Sequence[OfficialUnit]) -> str:
    if not clash:
        return base + ".yaml"
    name = base
    if any(u.level != unit.level for u in clash):
        name = f"{unit.level}_{base}"
    if any(u.level == unit.level for u in clash):
        name = f"{name}_{unit.code}"
    return name + ".yaml"


# ---------------------------------------------------------------------------------------------
# Blank profiles


@dataclass
class InitResult:
    """What :func:`init_units` did: files written, files left alone because they existed, and
    warnings (a province other than the template's, units of a level the template lacks)."""

    written: list[Path] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    out = ['"']
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ch in "\x7f\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _comment(text: str) -> str:
    """``text`` on one line, safe inside a ``#`` comment."""
    return " ".join(text.split())


_PROFILE_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# HỒ SƠ ĐƠN VỊ: {full_name_cap}, {province_full}
# Mã đơn vị hành chính: {code} (danh sách chính thức theo gói vietnam-provinces).
# Dòng bắt đầu bằng dấu # là ghi chú, chương trình bỏ qua. Chỉ sửa phần sau dấu hai chấm;
# giữ nguyên dấu ngoặc kép "…" quanh chữ và khoảng trắng đầu dòng.

# Cấp đơn vị: {levels_help}. Không cần sửa.
level: {level}

# Tên đơn vị, không kèm chữ "{level_name}" ở đầu (đúng theo danh sách chính thức).
name: {name}

# Tên tỉnh, thành phố trực thuộc trung ương, không kèm chữ "{province_type}".
province: {province}

# Địa danh ghi ở dòng ngày tháng: "{place_plain}, ngày … tháng … năm …".
place: {place}

# Số văn bản: để trống "" cho đến khi Văn phòng cấp số sau khi ký; khi có số chỉ ghi chữ số,
# ví dụ "15" (ký hiệu KH-UBND chương trình tự thêm).
number: ""

# Ngày ký: để trống "", hoặc năm-tháng "2026-05" (bỏ trống ngày), hoặc đủ "2026-05-15".
date: ""

# Đơn vị có thực hiện thí điểm không: true (có) hoặc false (không).
pilot: false

# Tên các phòng, đơn vị của {level_name} theo mã vai trò (mã dùng trong mẫu của thành phố).
{departments_help}departments: {{}}

# Người ký Kế hoạch.
signer:
  # BẮT BUỘC ĐIỀN trước bản chính thức: họ tên người ký, ví dụ "Nguyễn Văn A" (không ghi học
  # hàm, học vị). Bản nháp (kehoach-gen build --draft) để trống được.
  name: ""
  # Chức vụ: "{head}" (ký {head_line}), hoặc "Phó {head}" (ký KT. {head_upper}).
  # Thẩm quyền ký theo chức vụ; chỉ ghi thêm 'authority:' khi ký thừa lệnh (TL.), thừa ủy
  # quyền (TUQ.), hoặc 'authority: không' khi {head} ký trực tiếp (không có dòng TM.).
  position: "{head}"

# Nơi nhận: thêm (add) hoặc bớt (remove) so với danh sách mặc định, mỗi nơi một dòng, ví dụ:
#   add:
#     - "Đảng ủy {level_name}"
noi_nhan:
  add: []
  remove: []

# Sửa riêng nhiệm vụ của thành phố cho đơn vị này, theo mã nhiệm vụ trong mẫu của thành phố,
# ví dụ bỏ một nhiệm vụ không áp dụng:
#   ma_nhiem_vu:
#     drop: true
overrides: {{}}
"""


def _fill_placeholders(text: str, unit: OfficialUnit) -> str:
    values = {
        "cap": unit.level_name,
        "Cap": unit.level_name[:1].upper() + unit.level_name[1:],
        "ten": unit.name,
        "don_vi": unit.full_name,
    }
    return re.sub(
        r"\{\{\s*(\w+)\s*\}\}", lambda m: values.get(m.group(1), m.group(0)), text,
    )


def _default_departments(
    unit: OfficialUnit, city_roles: Mapping[str, str | Sequence[str] | Role], level: str, spec: LevelSpec,
) -> list[tuple[str, str]]:
    out = []
    for key, value in city_roles.items():
        name: str | Sequence[str] | None = value if not isinstance(value, Role) else (
            None if value.drop else value.by_level.get(level) or spec.departments.get(key) or value.unit
        )  # None: a city body
        # A list of role keys is an alias that follows those roles: nothing of its own to rename.
        if isinstance(name, str):
            out.append((_comment(key), _comment(_fill_placeholders(name, unit))))
    return out


def profile_text(
    unit: OfficialUnit, city_roles: Mapping[str, str | Sequence[str] | Role] | None = None, *,
    level: str | None = None, spec: LevelSpec | None = None, levels_help: str = "",
    schema: str = "unit_profile.schema.json",
) -> str:
    """The YAML of a blank profile for ``unit``, with a Vietnamese comment on every key.

    ``city_roles`` maps role keys to their default unit-level names (plain text such as
    "Công an {{ cap }}", or the city template's :class:`~kehoach_gen.model.Role` objects, read
    for the unit's level); they are listed in the comment above ``departments`` so a clerk sees
    what each key means and what to rename.
    """
    spec = spec or DEFAULT_LEVELS[unit.level]
    defaults = _default_departments(unit, city_roles or {}, level or unit.level, spec)
    lines = []
    if defaults:
        lines.append(f"# Để {{}} thì dùng tên mặc định của cấp {unit.level_name}:\n")
        width = max(len(k) for k, _ in defaults)
        lines.extend(f"#   {k:<{width}} = {v}\n" for k, v in defaults)
    else:
        lines.append(f"# Để {{}} thì dùng tên mặc định của cấp {unit.level_name}.\n")
    example_key, example = "kinh_te", "Phòng Kinh tế, Hạ tầng và Đô thị"
    if defaults and example_key not in dict(defaults):
        example_key, example = defaults[0]
    lines.append('# Đơn vị gọi khác thì thay dòng "departments: {}" bằng, ví dụ:\n')
    lines.append("# departments:\n")
    lines.append(f"#   {example_key}: {_q(example)}\n")
    departments_help = "".join(lines)
    full = unit.full_name
    head_line = f"TM. {spec.body.upper()}" if spec.collective else spec.head.upper()
    return _PROFILE_TEMPLATE.format(
        schema=schema,
        full_name_cap=full[:1].upper() + full[1:],
        province_full=unit.province_full_name,
        province_type=unit.province_type,
        code=unit.code,
        level=level or unit.level,
        level_name=unit.level_name,
        levels_help=levels_help or "xa (xã), phuong (phường) hoặc dac_khu (đặc khu)",
        head=spec.head, head_upper=spec.head.upper(), head_line=head_line,
        name=_q(unit.name),
        province=_q(unit.province),
        place=_q(unit.name),
        place_plain=_comment(unit.name),
        departments_help=departments_help,
    )


def init_units(
    province: str,
    folder: str | Path,
    *,
    city_roles: Mapping[str, str | Sequence[str] | Role] | None = None,
    city: CityTemplate | None = None,
) -> InitResult:
    """Write a blank profile for every unit of ``province`` into ``folder``, with the JSON
    Schema editors use to complete and check them (``unit_profile.schema.json``).

    With the ``city`` template, each unit gets the template's level for its type (a unit of a
    type the template does not serve is skipped, with a warning) and the template's department
    names in its comments; a province other than the template's is a warning. Files that
    already exist are left untouched and listed in ``skipped``: running it again after clerks
    have edited some profiles is safe. Raises :class:`InputError` for an unknown province and
    :class:`OutputError` when a file cannot be written.
    """
    units = official_units(province)
    levels: Mapping[str, LevelSpec] = city.levels if city is not None else DEFAULT_LEVELS
    by_type = {spec.official: key for key, spec in levels.items() if spec.official}
    roles = dict(city.roles) if city is not None else (city_roles or {})
    levels_help = ", ".join(f"{k} ({v.name})" for k, v in levels.items())
    target = Path(folder)
    result = InitResult(warnings=_other_province(city, units))
    _write_schema(target)
    skipped_types: dict[str, int] = {}
    for unit, filename in zip(units, profile_filenames(units), strict=True):
        key = by_type.get(unit.level_name)
        if key is None:
            skipped_types[unit.level_name] = skipped_types.get(unit.level_name, 0) + 1
            continue
        path = target / filename
        if path.exists():
            result.skipped.append(path)
            continue
        try:
            atomic_write(path, profile_text(unit, roles, level=key, spec=levels[key], levels_help=levels_help))
        except OSError as exc:
            raise OutputError(f"không ghi được tệp '{path}': {exc.strerror or exc}") from exc
        result.written.append(path)
    for kind, n in skipped_types.items():
        result.warnings.append(Problem(
            message=f"bỏ qua {n} {kind}: mẫu thành phố không có cấp '{kind}'", key="levels", warning=True,
            hint="Khai báo cấp đó ở mục 'levels' của mẫu thành phố (kèm 'official') rồi chạy lại"))
    return result


def _other_province(city: CityTemplate | None, units: Sequence[OfficialUnit]) -> list[Problem]:
    """A warning when the units are not of the province the city template is for."""
    if city is None or not units:
        return []
    theirs = province_name(city.plan.province) if _is_province(city.plan.province) else city.plan.province
    if canonical_name(units[0].province) == canonical_name(theirs):
        return []
    return [Problem(
        message=f"mẫu thành phố là Kế hoạch của {city.plan.issuer}, còn hồ sơ là của "
                f"{units[0].province_full_name}", key="province", warning=True,
        hint=f"Dùng mẫu Kế hoạch của {units[0].province_full_name} (--city) khi tạo Kế hoạch")]


def _write_schema(target: Path) -> None:
    """The folder, with the JSON Schema the profiles' first line names."""
    from .model import UnitProfile
    from .schema import PROFILE_SCHEMA, schema_text

    try:
        target.mkdir(parents=True, exist_ok=True)
        path = target / PROFILE_SCHEMA
        text = schema_text(UnitProfile)
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            atomic_write(path, text)
    except OSError as exc:
        raise OutputError(f"không ghi được vào thư mục '{target}': {exc.strerror or exc}") from exc


def _is_province(text: str) -> bool:
    try:
        _find_province(text)
    except InputError:
        return False
    return True
