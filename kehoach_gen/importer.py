"""Import the city's appendix table from a .docx into the ``appendix:`` part of a city template.

The city sends its plan as Word. This module finds the appendix table ("TT / Nhiệm vụ / Cơ quan
chủ trì / …", headers in any order and wording), turns its rows into groups, sections and tasks,
maps the agencies it names to role keys, reads real Word footnotes, rejoins rows that a page
break split in two, and gives every task a stable id (kept across re-imports of a revised table
by matching task texts). The result is YAML for a person to review: everything doubtful is a
warning or an unknown agency, never a silent guess. All python-docx / lxml details stay here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree
from pydantic import ValidationError

from .errors import InputError, Problem, rel
from .model import Appendix, Assignment, CityTemplate, Section, Task
from .units import ascii_fold, canonical_name

# ---------------------------------------------------------------------------------------------
# The agency dictionary (maintained by hand: add a spelling here when an import lists it as
# unknown). Key: role key of docs/roles.md; value: the city's names for it, the first one being
# the name written under ``roles: <key>: city:``. Matching ignores case, spacing, punctuation,
# tone-mark placement (Hòa/Hoà, Thủy/Thuỷ, Ủy/Uỷ: units.canonical_name), a leading "Các" and
# the abbreviations in ``_ABBREVIATIONS`` (UBND, HĐND, TP …).

AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "tu_phap": ("Sở Tư pháp", "Sở Tư pháp thành phố"),
    "so_nganh": (
        "Các Sở, ban, ngành thành phố", "Các Sở, ban, ngành", "Các Sở, ngành thành phố",
        "Các Sở, ngành",
    ),
    "so_nganh_doan_the": ("Các sở, ban, ngành, đoàn thể", "Các sở, ban, ngành, đoàn thể thành phố"),
    "ubnd_cap_xa": (
        "Ủy ban nhân dân cấp xã", "Ủy ban nhân dân các xã, phường, đặc khu",
        "Ủy ban nhân dân xã, phường, đặc khu", "Ủy ban nhân dân các cấp xã",
    ),
    "ubnd_15_thi_diem": ("UBND 15 xã, phường, đặc khu",),
    "van_phong_cap_xa": ("Văn phòng HĐND và UBND cấp xã",),
    "noi_vu": ("Sở Nội vụ",),
    "giao_duc": ("Sở Giáo dục và Đào tạo",),
    "khcn": ("Sở Khoa học và Công nghệ", "Sở Khoa học công nghệ"),
    "cong_an": ("Công an thành phố",),
    "toa_an": ("Tòa án nhân dân thành phố",),
    "vien_kiem_sat": ("Viện Kiểm sát nhân dân thành phố",),
    "thi_hanh_an": (
        "Thi hành án dân sự thành phố", "Thi hành án thành phố",
        "Cục Thi hành án dân sự thành phố",
    ),
    "to_tung": ("Các cơ quan tiến hành tố tụng",),
    "thanh_tra": ("Thanh tra thành phố",),
    "luat_gia": ("Hội Luật gia thành phố", "Hội Luật gia"),
    "doan_luat_su": ("Đoàn Luật sư", "Đoàn Luật sư thành phố"),
    "tgpl": ("Trung tâm Trợ giúp pháp lý Nhà nước thành phố",),
    "bao_chi": ("Báo và Phát thanh, Truyền hình Hải Phòng",),
    "vtv": ("Đài truyền hình Việt Nam (VTV1)", "Đài Truyền hình Việt Nam"),
    "ho_tich": ("Các cơ quan đăng ký hộ tịch trên địa bàn thành phố",),
    "mttq": (
        "UBMTTQ Việt Nam và các đoàn thể chính trị - xã hội",
        "Ủy ban MTTQ Việt Nam và các đoàn thể",
        "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các đoàn thể chính trị - xã hội",
    ),
    "truong_hoc": ("các trường học",),
    "doanh_nghiep": ("các doanh nghiệp",),
    "khu_dan_cu": ("thôn, tổ dân phố",),
    "lien_quan": ("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị liên quan"),
    "to_chuc_lien_quan": ("Các cơ quan, tổ chức liên quan", "Các cơ quan, tổ chức có liên quan"),
    "ca_nhan_lien_quan": (
        "Các cơ quan, tổ chức, cá nhân liên quan", "Các cơ quan, tổ chức, cá nhân có liên quan",
    ),
}

_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "tp": "thành phố",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "tgpl": "trợ giúp pháp lý",
}

# Header words per column (matched on folded text, first field that matches wins: "Thời gian
# thực hiện" is a deadline before "thực hiện" can make it a lead).
FIELDS = ("number", "text", "lead", "coop", "outputs", "deadline")
_HEADER_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("deadline", ("tiến độ", "thời gian", "thời hạn", "hoàn thành")),
    ("outputs", ("sản phẩm", "kết quả")),
    ("coop", ("phối hợp",)),
    ("lead", ("chủ trì", "đơn vị thực hiện", "cơ quan thực hiện")),
    ("text", ("nhiệm vụ", "nội dung", "công việc", "giải pháp")),
)
_NUMBER_HEADERS = {"tt", "stt", "so tt", "so thu tu", "thu tu"}
_DEFAULTS = Appendix(groups=[])
_DEFAULT_COLUMNS = dict(zip(FIELDS, _DEFAULTS.columns, strict=True))
SIMILARITY = 0.6  # difflib ratio above which two task texts are the same task, revised

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


_P, _R, _TBL, _TR, _TC = _w("p"), _w("r"), _w("tbl"), _w("tr"), _w("tc")
_SDT, _SDT_CONTENT, _CUSTOM_XML = _w("sdt"), _w("sdtContent"), _w("customXml")
_SKIPPED = {_w("del"), _w("moveFrom")}
_VAL, _ID, _TYPE = _w("val"), _w("id"), _w("type")


# ---------------------------------------------------------------------------------------------
# Text normalisation


def _words(text: str) -> list[str]:
    return re.sub(r"[\W_]+", " ", text).split()


def fold(text: str) -> str:
    """Text reduced for loose comparison (headers, task similarity): no diacritics, no case,
    words only."""
    return " ".join(_words(ascii_fold(text)))


def _agency_words(name: str) -> list[str]:
    return _words(canonical_name(name.replace("&", " và ")))


_ABBREV_WORDS = {_agency_words(k)[0]: _agency_words(v) for k, v in _ABBREVIATIONS.items()}


def agency_key(name: str) -> str:
    """The comparison key of an agency name (see :data:`AGENCY_ALIASES`)."""
    words = [w for word in _agency_words(name) for w in _ABBREV_WORDS.get(word, [word])]
    if words[:1] == ["các"]:
        words = words[1:]
    return " ".join(words)


def _clean(text: str) -> str:
    """NFC, no control or zero-width characters, single spaces."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(
        " " if ch == "\t" else ch for ch in text
        if ch not in "\u200b\ufeff\u00ad" and (ch == "\n" or unicodedata.category(ch) != "Cc")
    )
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def _strip_end(text: str) -> str:
    """``"Kế hoạch;"`` → ``"Kế hoạch"``; an ellipsis is kept ("tổng kết...." → "tổng kết...")."""
    text = text.strip().rstrip(";,").rstrip()
    if text.endswith("....") or (text.endswith(".") and not text.endswith("..")):
        text = text[:-1].rstrip()
    return text


def _similarity_text(text: str) -> str:
    return fold(re.sub(r"\[\^[^\]]*\]", " ", text))


# ---------------------------------------------------------------------------------------------
# The agency dictionary in use


class AgencyTable:
    """Agency names → role keys: :data:`AGENCY_ALIASES`, plus (``extra``) a template's
    ``roles`` names and (``phrases``) whole items a reviewer mapped to a role with a note."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None,
                 phrases: Mapping[str, Mapping[str, str]] | None = None):
        self.city_names: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._phrases = {agency_key(k): dict(v) for k, v in (phrases or {}).items()}
        for role, names in AGENCY_ALIASES.items():
            self.city_names[role] = names[0]
            for name in names:
                self._keys.setdefault(agency_key(name), role)
        # a template's own names win: its role keys are the ones its units map
        for role, extra_names in (extra or {}).items():
            for i, name in enumerate(extra_names):
                if i == 0:
                    self.city_names[role] = name
                self._keys[agency_key(name)] = role

    @classmethod
    def for_template(cls, city: CityTemplate | None) -> AgencyTable:
        """The table a re-import against ``city`` uses: its role names win, and an item it
        wrote as ``{role: tu_phap, note: "theo chức năng …"}`` is recognised again."""
        if city is None:
            return cls()
        phrases: dict[str, dict[str, str]] = {}
        for _, _, task in city.appendix.all_tasks():
            for item in (*task.lead, *task.coop):
                if item.role in city.roles and item.note:
                    phrases[f"{city.roles[item.role].city} {item.note}"] = {
                        "role": item.role, "note": item.note}
        return cls({k: [r.city] for k, r in city.roles.items()}, phrases)

    def role(self, name: str) -> str | None:
        return self._keys.get(agency_key(name)) if name.strip() else None

    def assign(self, item: str) -> list[dict[str, str]] | None:
        """Role assignments for one agency item, or ``None`` when it is not known.

        ``Sở Tư pháp (Trung tâm …)`` keeps the parenthesis as a note; ``A, B và C`` is split
        when every part is a known agency.
        """
        role = self.role(item)
        if role:
            return [{"role": role}]
        m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", item)
        if m and (role := self.role(m.group(1))):
            return [{"role": role, "note": m.group(2).strip()}]
        phrase = self._phrases.get(agency_key(item))
        if phrase:
            return [dict(phrase)]
        parts = self._split(item)
        return [{"role": r} for r in parts] if parts else None

    def _split(self, item: str) -> list[str] | None:
        """The fewest known agencies that, joined by ',', ';' or 'và', make up ``item``."""
        seps = list(re.finditer(r"\s*[,;]\s*|\s+và\s+", item, re.I))
        starts = [0] + [m.end() for m in seps]
        ends = [m.start() for m in seps] + [len(item)]
        best: list[list[str] | None] = [[]] + [None] * len(starts)
        for j in range(1, len(starts) + 1):
            for i in range(j):
                prefix, current = best[i], best[j]
                if prefix is None or (current is not None and len(current) <= len(prefix) + 1):
                    continue
                role = self.role(item[starts[i]:ends[j - 1]])
                if role:
                    best[j] = [*prefix, role]
        found = best[-1]
        return found if found and len(found) > 1 else None


# ---------------------------------------------------------------------------------------------
# Result


@dataclass
class ImportResult:
    """What :func:`import_appendix` read, ready to be written as YAML for review."""

    appendix: Appendix
    unknown_agencies: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    body_paragraphs: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # every role key used → its city name
    source_name: str | None = None
    previous: CityTemplate | None = None
    new_task_ids: list[str] = field(default_factory=list)
    removed_task_ids: list[str] = field(default_factory=list)
    imported_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def to_yaml(self) -> str:
        """The city template (complete when ``previous`` was given) with review comments."""
        data: dict[str, Any] = {}
        if self.previous is not None:
            prev = self.previous.model_dump(mode="json", exclude_defaults=True)
            roles = prev.get("roles", {})
            roles.update({k: {"city": v} for k, v in self.roles.items() if k not in roles})
            data = {"plan": prev["plan"]}
            if "task_layout" in prev:
                data["task_layout"] = prev["task_layout"]
            data.update(roles=roles, body=prev["body"], appendix=_appendix_data(self.appendix))
            data.update({k: prev[k] for k in ("noi_nhan", "luu") if k in prev})
        else:
            data["roles"] = {k: {"city": v} for k, v in self.roles.items()}
            data["appendix"] = _appendix_data(self.appendix)
            if self.body_paragraphs:
                data["body_source"] = list(self.body_paragraphs)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
        return "\n".join(self._comments()) + "\n" + text

    def _comments(self) -> list[str]:
        tasks = self.appendix.all_tasks()
        sections = sum(len(g.sections) for g in self.appendix.groups)
        lines = [
            "Mẫu thành phố do 'kehoach-gen import' tạo tự động từ bảng phụ lục của thành phố.",
            f"Tệp nguồn: {self.source_name or '(dữ liệu đưa vào trực tiếp)'}",
            f"Thời điểm nhập: {self.imported_at:%d/%m/%Y %H:%M}",
            f"Đã đọc: {len(self.appendix.groups)} nhóm, {sections} mục, {len(tasks)} nhiệm vụ, "
            f"{len(self.appendix.footnotes)} chú thích.",
            "",
            "CẦN NGƯỜI XEM LẠI TRƯỚC KHI DÙNG:",
        ]
        if self.unknown_agencies:
            lines.append(
                f"- {len(self.unknown_agencies)} cơ quan chưa có mã vai trò, đang để nguyên văn "
                "({text: ...}): thay bằng mã vai trò (docs/roles.md) hoặc thêm vào "
                "AGENCY_ALIASES trong kehoach_gen/importer.py rồi nhập lại:"
            )
            lines += [f"    {_one_line(a)}" for a in self.unknown_agencies]
        if self.previous is None:
            lines.append(
                "- roles: mỗi vai trò mới chỉ có tên cấp thành phố ('city'); điền 'unit:' (tên ở "
                "cấp xã), 'drop: true' hoặc 'outside: true' theo docs/roles.md."
            )
            if self.body_paragraphs:
                lines.append(
                    f"- Chưa có 'plan' và 'body': soạn từ {len(self.body_paragraphs)} đoạn thân kế "
                    "hoạch ở 'body_source' (nhập thô), rồi xóa 'body_source'."
                )
            else:
                lines.append(
                    "- Tệp chỉ có phụ lục: chưa có 'plan' và 'body' (thân kế hoạch), cần soạn tay."
                )
        else:
            new_roles = [k for k in self.roles if k not in self.previous.roles]
            if new_roles:
                lines.append(f"- Vai trò mới cần điền 'unit:': {', '.join(new_roles)}.")
            lines.append(
                "- 'plan', 'body', 'roles', 'noi_nhan' giữ như mẫu cũ; chỉ 'appendix' được nhập "
                "lại."
            )
        lines.append("- Mỗi nhiệm vụ: kiểm tra 'levels', 'pilot_only' và cách diễn đạt cho cấp xã.")
        if self.warnings:
            lines.append("Cảnh báo khi nhập:")
            lines += [f"- {_one_line(replace(w, file=None).format().removeprefix('cảnh báo: '))}"
                      for w in self.warnings]
        return [f"# {line}".rstrip() for line in lines]


def _one_line(text: str) -> str:
    return " ".join(text.split())


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key; multi-line texts as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _appendix_data(appendix: Appendix) -> dict[str, Any]:
    def assignments(items: Sequence[Assignment]) -> list[Any]:
        return [a.role if a.role and not a.note else a.model_dump(exclude_none=True) for a in items]

    def task(t: Task) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t.id, "text": t.text}
        for name in ("lead", "coop"):
            if getattr(t, name):
                out[name] = assignments(getattr(t, name))
        extra = t.model_dump(mode="json", exclude_defaults=True, exclude_none=True,
                             exclude={"id", "text", "lead", "coop"})
        return out | extra

    def section(s: Section) -> dict[str, Any]:
        out = s.model_dump(mode="json", exclude_defaults=True, exclude_none=True,
                           exclude={"task", "tasks"})
        if s.task is not None:
            out["task"] = task(s.task)
        if s.tasks:
            out["tasks"] = [task(t) for t in s.tasks]
        return out

    groups = []
    for g in appendix.groups:
        gd: dict[str, Any] = {"id": g.id, "title": g.title}
        if g.tasks:
            gd["tasks"] = [task(t) for t in g.tasks]
        if g.sections:
            gd["sections"] = [section(s) for s in g.sections]
        groups.append(gd)
    out: dict[str, Any] = {"heading": appendix.heading, "title": appendix.title,
                           "columns": list(appendix.columns), "groups": groups}
    if appendix.footnotes:
        out["footnotes"] = dict(appendix.footnotes)
    return out


# ---------------------------------------------------------------------------------------------
# Reading Word XML


def _blocks(parent: Any) -> Iterator[Any]:
    """Body-level paragraphs and tables in order, through content controls."""
    for child in parent:
        if child.tag in (_P, _TBL):
            yield child
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            yield from _blocks(child)


def _nearest(el: Any, tag: str) -> Any:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _own(container: Any, tag: str, owner_tag: str) -> list[Any]:
    """``tag`` descendants of ``container`` that are not inside a nested ``owner_tag``."""
    return [el for el in container.iter(tag) if _nearest(el, owner_tag) is container]


Marker = Callable[[str], str]


def _hidden(run: Any) -> bool:
    vanish = run.find(f"{_w('rPr')}/{_w('vanish')}")
    return vanish is not None and vanish.get(_VAL) not in ("0", "false")


def _paragraph_text(p: Any, marker: Marker) -> str:
    parts: list[str] = []
    for run in p.iter(_R):
        if _hidden(run) or any(a.tag in _SKIPPED for a in run.iterancestors()):
            continue
        for child in run:
            if not isinstance(child.tag, str):  # a comment or processing instruction
                continue
            tag = etree.QName(child).localname
            if tag == "t":
                parts.append(child.text or "")
            elif tag in ("tab", "ptab"):
                parts.append(" ")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == "noBreakHyphen":
                parts.append("-")
            elif tag == "footnoteReference":
                parts.append(marker(child.get(_ID, "")))
    return "".join(parts)


def _lines(container: Any, marker: Marker) -> list[str]:
    """Non-empty lines of every paragraph in ``container`` (a cell, a footnote)."""
    out: list[str] = []
    for p in container.iter(_P):
        out += [ln for ln in _clean(_paragraph_text(p, marker)).split("\n") if ln]
    return out


def _grid(tr: Any) -> list[Any]:
    """The row's cell element for every grid column (``None``: no cell, or merged from above)."""
    def count(el: Any, default: int) -> int:
        value = el.get(_VAL, "") if el is not None else ""
        return min(int(value), 64) if value.isdigit() else default

    cells: list[Any] = [None] * count(tr.find(f"{_w('trPr')}/{_w('gridBefore')}"), 0)
    for tc in _own(tr, _TC, _TR):
        vmerge = tc.find(f"{_w('tcPr')}/{_w('vMerge')}")
        continued = vmerge is not None and vmerge.get(_VAL) != "restart"
        span = max(1, count(tc.find(f"{_w('tcPr')}/{_w('gridSpan')}"), 1))
        cells += [None if continued else tc] * span
    return cells


# ---------------------------------------------------------------------------------------------
# Footnotes


class _Footnotes:
    """Word footnotes referenced from the table, keyed ``fn1``, ``fn2`` … (or a previous
    template's key for the same text)."""

    def __init__(self, texts: dict[str, str], previous: Mapping[str, str], problems: list[Problem],
                 source: str | None):
        self.texts = texts
        self.previous = dict(previous)
        self.keys: dict[str, str] = {}
        self.used: dict[str, str] = {}
        self.problems = problems
        self.source = source

    def marker(self, word_id: str) -> str:
        if word_id not in self.keys:
            text = self.texts.get(word_id)
            if text is None:
                self.problems.append(Problem(
                    message=f"không đọc được nội dung chú thích số {word_id} của Word",
                    file=self.source, warning=True,
                    hint="Thêm nội dung chú thích vào appendix.footnotes bằng tay",
                ))
                text = ""
            key = self._match(text) or self._fresh()
            self.keys[word_id] = key
            self.used[key] = text
        return f"[^{self.keys[word_id]}]"

    def _match(self, text: str) -> str | None:
        free = [k for k in self.previous if k not in self.used]
        found = _best_matches([fold(text)], [fold(self.previous[k]) for k in free])
        return free[found[0]] if found else None

    def _fresh(self) -> str:
        n = 1
        while f"fn{n}" in self.used or f"fn{n}" in self.previous:
            n += 1
        return f"fn{n}"


def _read_footnotes(document: Any) -> dict[str, str]:
    for rel_ in document.part.rels.values():
        if rel_.reltype == RT.FOOTNOTES and not rel_.is_external:
            root = etree.fromstring(rel_.target_part.blob)
            return {
                note.get(_ID, ""): "\n".join(_lines(note, lambda _id: ""))
                for note in root.iter(_w("footnote"))
                if note.get(_TYPE) in (None, "normal")
            }
    return {}


# ---------------------------------------------------------------------------------------------
# Rows of the appendix table


_ROMAN_RE = re.compile(r"(X{0,3})(IX|IV|V?I{0,3})")
_LABEL_PREFIX_RE = re.compile(r"^(phần|mục|nhóm)\s+", re.I)
_SPANNED_LABEL_RE = re.compile(
    r"^\s*((?:phần|mục|nhóm)\s+)?([A-ZĐ]|[IVX]+)\s*[.):\-–]?\s+(\S.*)$", re.S)
_COUNT_RE = re.compile(
    r"\s*\(\s*(?:gồm\s+)?(\d+)\s+(?:nhiệm\s+vụ|nội\s+dung)\s*\)\s*[.:;]?\s*$", re.I)
_JINJA = re.compile(r"\{\{|\{%|\{#")
_BULLET_RE = re.compile(r"^[-–—•+*]\s*")
_INLINE_BULLET_RE = re.compile(r"(?<=[;.:])\s*(?=[-–—•+]\s)")


def _label(label: str) -> str:
    """"Phần A." → "A", "13." → "13"."""
    return _LABEL_PREFIX_RE.sub("", label.strip()).rstrip(".):").strip()


def _label_kind(label: str) -> str:
    s = _label(label)
    if not s:
        return "empty"
    if re.fullmatch(r"\d+[a-zđ]?", s, re.I):
        return "task"
    if _ROMAN_RE.fullmatch(s):
        return "section"
    if re.fullmatch(r"[A-ZĐ]", s):
        return "group"
    return "other"


@dataclass
class _Row:
    line: int  # 1-based row of the Word table, for messages
    label: str
    cells: dict[str, list[str]]
    parts: int = 1

    @property
    def kind(self) -> str:
        return _label_kind(self.label)

    def content(self, *names: str) -> bool:
        return any(self.cells[n] for n in names or FIELDS[1:])

    @property
    def text_starts_lower(self) -> bool:
        first = next((ch for ch in " ".join(self.cells["text"]) if ch.isalpha()), "")
        return first.islower()

    @property
    def looks_continued(self) -> bool:
        """The number row of a task whose first half is the row before it."""
        return not self.cells["text"] or self.text_starts_lower


def _ends_sentence(line: str) -> bool:
    return line.rstrip().endswith((".", ";", ":", "!", "?"))


def _join_cells(a: list[str], b: list[str]) -> list[str]:
    """Lines of a cell continued in the next row: a sentence cut by the page is rejoined."""
    if a and b and not _BULLET_RE.match(b[0]) and (
        not _ends_sentence(a[-1]) or b[0][:1].islower()
    ):
        return [*a[:-1], f"{a[-1]} {b[0]}", *b[1:]]
    return a + b


def _merge(a: _Row, b: _Row) -> _Row:
    return _Row(
        line=a.line, label=a.label or b.label,
        cells={f: _join_cells(a.cells[f], b.cells[f]) for f in FIELDS[1:]},
        parts=a.parts + b.parts,
    )


def _items(lines: Sequence[str]) -> list[str]:
    """A cell's lines as list items: "- a; - b" split, "+ sub" kept under its item."""
    items: list[str] = []
    for line in lines:
        pieces = _INLINE_BULLET_RE.split(line) if _BULLET_RE.match(line) else [line]
        for piece in pieces:
            piece = piece.strip()
            if not piece:
                continue
            if piece.startswith("+") and items:
                items[-1] = f"{items[-1]}\n{piece}"
            else:
                items.append(_BULLET_RE.sub("", piece))
    return [s for s in (_strip_end(i) for i in items) if s]


@dataclass
class _Header:
    columns: dict[str, int]  # field → grid column
    labels: dict[str, str]  # field → the city's column title
    rows: int  # header rows
    width: int  # grid columns
    ignored: list[str]


def _find_header(rows: Sequence[list[Any]]) -> _Header | None:
    best: _Header | None = None
    for r in range(min(3, len(rows))):
        for depth in (1, 2):
            if r + depth > len(rows):
                continue
            header = _header_from(rows[r:r + depth], r + depth)
            if header and (best is None or len(header.columns) > len(best.columns)):
                best = header
    return best


def _header_from(rows: Sequence[list[Any]], end: int) -> _Header | None:
    width = max(len(r) for r in rows)
    grid = [[row[c] if c < len(row) else None for c in range(width)] for row in rows]
    texts = [[" ".join(_lines(tc, lambda _id: "")) if tc is not None else "" for tc in row]
             for row in grid]
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    ignored: list[str] = []
    seen: set[tuple[int, ...]] = set()
    for c in range(width):
        cells = tuple(id(row[c]) for row in grid)  # a title spanning columns counts once
        if cells in seen:
            continue
        seen.add(cells)
        combined = " ".join(t[c] for t in texts if t[c])
        if not combined:
            continue
        name = _header_field(combined)
        if name is None or name in columns:
            ignored.append(combined)
            continue
        columns[name] = c
        labels[name] = next((t[c] for t in reversed(texts) if t[c]), combined)
    if "text" not in columns or len(columns) < 3:
        return None
    return _Header(columns, labels, end, width, ignored)


def _header_field(text: str) -> str | None:
    folded = fold(text)
    if folded in _NUMBER_HEADERS:
        return "number"
    for name, words in _HEADER_WORDS:
        if any(fold(w) in folded for w in words):
            return name
    return None


# ---------------------------------------------------------------------------------------------
# The import


class _Importer:
    def __init__(self, source_name: str | None, previous: CityTemplate | None):
        self.source = source_name
        self.previous = previous
        self.problems: list[Problem] = []
        self.agencies = AgencyTable.for_template(previous)
        self.unknown: list[str] = []
        self.used_roles: dict[str, None] = {}

    def warn(self, message: str, hint: str = "", key: str = "") -> None:
        self.problems.append(Problem(message=message, file=self.source, key=key, hint=hint,
                                     warning=True))

    def error(self, message: str, hint: str = "") -> InputError:
        return InputError([Problem(message=message, file=self.source, hint=hint)])

    # -- the document -------------------------------------------------------------------------
    def run(self, document: Any) -> ImportResult:
        blocks = list(_blocks(document.element.body))
        notes = _Footnotes(_read_footnotes(document),
                           self.previous.appendix.footnotes if self.previous else {},
                           self.problems, self.source)
        found = self._find_table(blocks)
        if found is None:
            raise self.error(
                "không tìm thấy bảng phụ lục có cột 'TT', 'Nhiệm vụ' và 'Cơ quan chủ trì' hoặc "
                "'Tiến độ thực hiện'",
                "Kiểm tra tệp có bảng phân công nhiệm vụ (kể cả dòng tiêu đề cột) và là bảng thật "
                "của Word, không phải ảnh chụp hay văn bản căn bằng dấu cách",
            )
        index, header = found
        if "number" not in header.columns:
            raise self.error("bảng phụ lục không có cột số thứ tự ('TT' hoặc 'STT')",
                             "Thêm cột 'TT' ở đầu bảng như văn bản của thành phố")
        heading, title, body_end = self._heading(blocks, index)
        body = self._body(blocks[:body_end])
        rows = self._rows(blocks, index, header, notes.marker)
        for label in header.ignored:
            self.warn(f"bỏ qua cột '{label}' của bảng (không thuộc mẫu phụ lục)")
        for name in FIELDS[2:]:
            if name not in header.columns:
                self.warn(f"bảng không có cột '{_DEFAULT_COLUMNS[name]}'; cột này để trống")
        groups = self._structure(rows)
        if not any(g["tasks"] or g["sections"] for g in groups):
            raise self.error("bảng phụ lục không có nhiệm vụ nào",
                             "Kiểm tra cột 'TT' có số thứ tự (A, B, I, II, 1, 2 …)")
        ids = _Ids(self, groups)
        ids.assign()
        data = {
            "heading": heading, "title": title,
            "columns": [header.labels.get(f, _DEFAULT_COLUMNS[f]) for f in FIELDS],
            "groups": groups, "footnotes": notes.used,
        }
        try:
            appendix = Appendix.model_validate(data)
        except ValidationError as exc:  # a bug here, not the user's: still say where
            raise self.error(f"bảng phụ lục không chuyển được thành mẫu: {exc}") from None
        ids.report_changes(appendix)
        roles = {r: self.agencies.city_names[r] for r in self._role_order()}
        return ImportResult(
            appendix=appendix, unknown_agencies=list(self.unknown), warnings=self.problems,
            body_paragraphs=body, roles=roles, source_name=self.source, previous=self.previous,
            new_task_ids=ids.new, removed_task_ids=ids.removed,
        )

    def _find_table(self, blocks: Sequence[Any]) -> tuple[int, _Header] | None:
        candidate: tuple[int, _Header] | None = None
        for i, block in enumerate(blocks):
            if block.tag != _TBL:
                continue
            header = _find_header([_grid(tr) for tr in _own(block, _TR, _TBL)[:4]])
            if header and "number" in header.columns:
                return i, header
            if header and candidate is None:
                candidate = (i, header)
        return candidate

    def _heading(self, blocks: Sequence[Any], index: int) -> tuple[str, str, int]:
        """(heading, title, index where the appendix's own paragraphs start)."""
        texts: list[tuple[int, str]] = []
        for i in range(index - 1, -1, -1):
            if blocks[i].tag != _P:
                break
            text = " ".join(_lines(blocks[i], lambda _id: ""))
            if not text:
                continue
            texts.append((i, text))
            m = re.match(r"^(phụ\s+lục(?:\s+(?:số\s+)?(?:\d+|[IVX]+)\b)?)[\s.:\-–]*(.*)$", text,
                         re.I)
            if m:
                rest = [t for _, t in reversed(texts[:-1]) if not fold(t).startswith("kem theo")]
                title = " ".join([m.group(2), *rest]).strip()
                return m.group(1), title or _DEFAULTS.title, i
            if len(texts) >= 6:
                break
        self.warn("không thấy dòng 'PHỤ LỤC' ngay trước bảng; dùng tiêu đề mặc định",
                  "Sửa 'heading' và 'title' của appendix nếu cần")
        return _DEFAULTS.heading, _DEFAULTS.title, index

    def _body(self, blocks: Sequence[Any]) -> list[str]:
        out: list[str] = []
        for block in blocks:
            if block.tag == _P:
                text = _clean(_paragraph_text(block, lambda _id: "")).replace("\n", " ")
                if text:
                    out.append(text)
            else:
                cells = (" ".join(_lines(tc, lambda _id: "")) for tc in block.iter(_TC))
                out += [c for c in cells if c]
        return out

    # -- rows ---------------------------------------------------------------------------------
    def _rows(self, blocks: Sequence[Any], index: int, header: _Header, marker: Marker
              ) -> list[_Row]:
        """Data rows of the table and of the tables that continue it, page-split rows merged."""
        raw: list[_Row] = []
        trs = _own(blocks[index], _TR, _TBL)[header.rows:]
        line0 = header.rows
        for block in blocks[index + 1:]:  # the table may go on in another table
            if block.tag == _P:
                if _lines(block, lambda _id: ""):
                    break
                continue
            more = _own(block, _TR, _TBL)
            again = _find_header([_grid(tr) for tr in more[:4]])
            if again is not None and again.columns == header.columns:
                trs += more[again.rows:]
            elif again is None and more and len(_grid(more[0])) == header.width:
                trs += more
            else:
                break
        for n, tr in enumerate(trs, start=line0 + 1):
            row = self._row(tr, n, header, marker)
            if row is not None:
                raw.append(row)
        return self._join(raw)

    def _row(self, tr: Any, line: int, header: _Header, marker: Marker) -> _Row | None:
        grid = _grid(tr)
        tcs = {f: grid[c] if c < len(grid) else None for f, c in header.columns.items()}
        cells: dict[str, list[str]] = dict.fromkeys(FIELDS, [])
        seen: set[int] = set()
        for name in sorted(tcs, key=header.columns.__getitem__):  # a merged cell counts once
            tc = tcs[name]
            if tc is not None and id(tc) not in seen:
                seen.add(id(tc))
                cells[name] = _lines(tc, marker)
        label = " ".join(cells.pop("number"))
        if tcs["number"] is not None and tcs["number"] is tcs["text"]:
            # one cell across the row: "A. NHIỆM VỤ CHUNG"
            m = _SPANNED_LABEL_RE.match(label)
            label, cells["text"] = (m.group(2), [m.group(3)]) if m else ("", [label])
        if not label and not any(cells.values()):
            return None
        if _is_column_numbers(label, cells) or (
            fold(label) in _NUMBER_HEADERS and _header_field(" ".join(cells["text"])) == "text"
        ):
            return None  # "(1) (2) …" under the header, or the header repeated
        return _Row(line, label, cells)

    def _join(self, rows: list[_Row]) -> list[_Row]:
        out: list[_Row] = []
        i = 0
        while i < len(rows):
            row = rows[i]
            nxt = rows[i + 1] if i + 1 < len(rows) else None
            if row.kind == "empty":
                if (row.cells["text"] and not row.text_starts_lower and nxt is not None
                        and nxt.kind == "task" and nxt.looks_continued):
                    rows[i + 1] = _merge(row, nxt)
                elif out:
                    prev = out[-1]
                    if (row.cells["text"] and not row.text_starts_lower and prev.cells["text"]
                            and _ends_sentence(prev.cells["text"][-1])):
                        self.warn(f"hàng {row.line} của bảng không có số thứ tự; đã ghép vào hàng "
                                  f"{prev.label or prev.line} phía trên",
                                  "Kiểm tra lại: có thể đây là một nhiệm vụ riêng bị thiếu số")
                    out[-1] = _merge(prev, row)
                else:
                    self.warn(f"bỏ qua hàng {row.line} của bảng: không có số thứ tự và không "
                              "thuộc nhóm nào")
                i += 1
                continue
            if out and row.kind == "task" and out[-1].kind == "task" and out[-1].label == row.label:
                out[-1] = _merge(out[-1], row)  # the number repeated on the continuation row
            else:
                out.append(row)
            i += 1
        nouns = {"task": "nhiệm vụ", "section": "mục", "group": "nhóm"}
        for row in out:
            if row.parts > 1:
                self.warn(f"{nouns.get(row.kind, 'hàng')} {_label(row.label)} (từ hàng {row.line}) "
                          f"được ghép từ {row.parts} hàng của bảng (hàng bị tách khi sang trang)",
                          "Kiểm tra lại nội dung đã ghép")
        return out

    # -- groups, sections, tasks ---------------------------------------------------------------
    def _structure(self, rows: Sequence[_Row]) -> list[dict[str, Any]]:
        groups: list[dict[str, Any]] = []
        section: dict[str, Any] | None = None
        for row in rows:
            kind = row.kind
            label = _label(row.label)
            text = "\n".join(row.cells["text"])
            if kind == "group":
                title, count = self._count(text)
                if count is not None:
                    self.warn(f"nhóm {label} ghi số nhiệm vụ ({count:02d}); mẫu không hiển thị số "
                              "nhiệm vụ của nhóm nên đã bỏ")
                groups.append({"id": label, "title": title, "tasks": [], "sections": [],
                               "_numbers": []})
                section = None
                continue
            if not groups:
                self.warn(f"hàng {row.line} ('{label}') đứng trước nhóm A/B đầu tiên; đã tạo nhóm "
                          "không tên", "Điền 'title' cho nhóm này")
                groups.append({"id": "A", "title": "", "tasks": [], "sections": [],
                               "_numbers": []})
            group = groups[-1]
            if kind == "section":
                if row.content("lead", "coop", "outputs", "deadline"):
                    group["sections"].append({"_label": label, "task": self._task(row, label)})
                    section = None
                else:
                    title, count = self._count(text)
                    section = {"_label": label, "title": title, "show_count": count is not None,
                               "tasks": [], "_count": count}
                    group["sections"].append(section)
                continue
            if kind == "other":
                self.warn(f"số thứ tự '{row.label}' ở hàng {row.line} không rõ; coi là một nhiệm "
                          "vụ", "Kiểm tra lại hàng này")
            task = self._task(row, label)
            if section is not None:
                section["tasks"].append(task)
            else:
                if group["sections"]:
                    self.warn(f"nhiệm vụ {label} đứng sau mục {group['sections'][-1]['_label']} "
                              "(mục là một nhiệm vụ); đã đưa vào nhóm, trước các mục",
                              "Chuyển nhiệm vụ vào mục đúng của nó")
                group["tasks"].append(task)
            if kind == "task":
                group["_numbers"].append(label)
        self._check_counts(groups)
        return groups

    @staticmethod
    def _count(text: str) -> tuple[str, int | None]:
        flat = " ".join(text.split())
        m = _COUNT_RE.search(flat)
        if not m:
            return text, None
        return flat[:m.start()].rstrip(), int(m.group(1))

    def _check_counts(self, groups: Sequence[dict[str, Any]]) -> None:
        for gi, group in enumerate(groups):
            for si, s in enumerate(group["sections"]):
                count = s.get("_count")
                if count is not None and count != len(s["tasks"]):
                    self.warn(
                        f"mục {s['_label']} ghi ({count:02d} nhiệm vụ) nhưng bảng có "
                        f"{len(s['tasks'])} nhiệm vụ",
                        "Kiểm tra lại với văn bản của thành phố; khi soạn cho đơn vị, số nhiệm "
                        "vụ được tính lại", key=f"appendix.groups[{gi}].sections[{si}].title",
                    )
            expected = 1
            for label in group["_numbers"]:
                n = int(_digits(label))
                if label.isdigit() and n != expected:
                    self.warn(f"nhóm {group['id']}: số thứ tự {label} đứng sau "
                              f"{expected - 1} (mong đợi {expected})",
                              "Kiểm tra hàng bị thiếu, trùng hoặc đánh số sai")
                expected = n + 1

    def _task(self, row: _Row, label: str) -> dict[str, Any]:
        text = "\n".join(row.cells["text"])
        if not text:
            self.warn(f"nhiệm vụ {label} (hàng {row.line}) không có nội dung",
                      "Điền 'text' cho nhiệm vụ này")
        task = {
            "_label": label, "_line": row.line, "text": text,
            "lead": self._agencies(row.cells["lead"]),
            "coop": self._agencies(row.cells["coop"]),
            "outputs": _items(row.cells["outputs"]),
            "deadline": _items(row.cells["deadline"]),
        }
        if any(_JINJA.search(line) for lines in row.cells.values() for line in lines):
            self.warn(f"nhiệm vụ {label} (hàng {row.line}) có '{{{{', '{{%' hoặc '{{#': mẫu hiểu "
                      "đó là chỗ điền", "Bọc đoạn đó trong {% raw %}…{% endraw %} hoặc sửa lại")
        return task

    def _agencies(self, lines: Sequence[str]) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for item in _items(lines):
            for part in re.split(r"\s*;\s*", item.replace("\n", " ")):
                part = _strip_end(part).rstrip(":").strip()
                if not part:
                    continue
                found = self.agencies.assign(part)
                if found is None:
                    if part not in self.unknown:
                        self.unknown.append(part)
                    found = [{"text": part}]
                for a in found:
                    if "role" in a:
                        self.used_roles[a["role"]] = None
                    if a not in out:
                        out.append(a)
        return out

    def _role_order(self) -> list[str]:
        known = list(self.agencies.city_names)
        return sorted(self.used_roles, key=lambda r: known.index(r) if r in known else len(known))


def _is_column_numbers(label: str, cells: Mapping[str, list[str]]) -> bool:
    """The row "(1) (2) (3) …" some tables put under the header."""
    values = [label, *(" ".join(v) for v in cells.values())]
    filled = [v for v in values if v]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d+\)?", v) for v in filled)


# ---------------------------------------------------------------------------------------------
# Stable ids


class _Ids:
    """Task and section ids: from the city's numbering on a first import; from the previous
    template's tasks with the most similar text on a re-import."""

    def __init__(self, importer: _Importer, groups: list[dict[str, Any]]):
        self.imp = importer
        self.groups = groups
        self.previous = importer.previous
        self.old_tasks: dict[str, Task] = self.previous.task_index() if self.previous else {}
        self.old_sections: dict[str, Section] = {
            s.id: s for g in self.previous.appendix.groups for s in g.sections
        } if self.previous else {}
        self.new: list[str] = []
        self.removed: list[str] = []

    def _entries(self) -> Iterator[tuple[dict[str, Any], dict[str, Any], dict[str, Any] | None]]:
        """(group, task, section-or-None) in document order; a section's own task included."""
        for g in self.groups:
            for t in g["tasks"]:
                yield g, t, None
            for s in g["sections"]:
                if "task" in s:
                    yield g, s["task"], s
                for t in s.get("tasks", []):
                    yield g, t, s

    def assign(self) -> None:
        entries = list(self._entries())
        widths = {g["id"]: max((len(_digits(n)) for n in g["_numbers"]), default=1)
                  for g in self.groups}
        old_ids = list(self.old_tasks)
        match = _best_matches(
            [_similarity_text(t["text"]) for _, t, _ in entries],
            [_similarity_text(self.old_tasks[i].text) for i in old_ids],
        )
        used: set[str] = set()
        for n, (_, task, _) in enumerate(entries):
            if n in match:
                task["id"] = old_ids[match[n]]
                used.add(task["id"])
        prev_in_group: dict[str, str] = {}
        for g, task, s in entries:
            if "id" not in task:
                natural = _natural_id(g["id"], task["_label"], widths[g["id"]],
                                      section_task=s is not None and s.get("task") is task)
                task["id"] = self._fresh(natural, prev_in_group.get(g["id"]), g["id"], used)
                used.add(task["id"])
                if self.previous is not None:
                    self.new.append(task["id"])
                    self.imp.warn(f"nhiệm vụ mới số {task['_label']} (hàng {task['_line']}) nhận "
                                  f"mã {task['id']}", "Xem lại: nhiệm vụ này chưa có trong mẫu cũ")
            prev_in_group[g["id"]] = task["id"]
        self.removed = [i for i in old_ids if i not in used]
        for i in self.removed:
            self.imp.warn(f"nhiệm vụ {i} của mẫu cũ không còn trong bảng mới (đã bỏ)",
                          "Nếu hồ sơ đơn vị có 'overrides' cho mã này, hãy xóa")
        self._sections()
        self._carry_wording()
        self._strip_private()

    def _fresh(self, natural: str, prev: str | None, group: str, used: set[str]) -> str:
        taken = set(self.old_tasks) | used
        if natural not in taken:
            return natural
        if prev and "-" not in prev:
            base = prev.rstrip("abcdefghijklmnopqrstuvwxyz") if prev[-1:].islower() else prev
            for letter in "abcdefghijklmnopqrstuvwxyz":
                if f"{base}{letter}" not in taken:
                    return f"{base}{letter}"
        numbers = [m.group(1) for i in taken
                   if (m := re.fullmatch(rf"{re.escape(group)}(\d+)\D*", i))]
        width = max((len(n) for n in numbers), default=1)
        return f"{group}{max((int(n) for n in numbers), default=0) + 1:0{width}d}"

    def _sections(self) -> None:
        old_of_task = {
            s.task.id: s.id for s in self.old_sections.values() if s.task is not None
        }
        titled_old = [s for s in self.old_sections.values() if s.title is not None]
        titled_new = [(g, s) for g in self.groups for s in g["sections"] if "title" in s]
        match = _best_matches([_similarity_text(s["title"]) for _, s in titled_new],
                              [_similarity_text(s.title or "") for s in titled_old])
        used: set[str] = set()
        for n, (_, s) in enumerate(titled_new):
            if n in match:
                s["id"] = titled_old[match[n]].id
                used.add(s["id"])
        for g in self.groups:
            for s in g["sections"]:
                if "task" in s and s["task"]["id"] in old_of_task:
                    s["id"] = old_of_task[s["task"]["id"]]
                    used.add(s["id"])
        for g in self.groups:
            for s in g["sections"]:
                if "id" not in s:
                    natural = f"{g['id']}-{s['_label']}"
                    candidate, k = natural, 0
                    while candidate in set(self.old_sections) | used:
                        candidate = f"{natural}{'abcdefghijklmnopqrstuvwxyz'[k]}"
                        k += 1
                    s["id"] = candidate
                    used.add(candidate)

    def _carry_wording(self) -> None:
        """A reviewer's per-level wording on a matched task or section survives re-import.

        A previous text with placeholders ("trên địa bàn {{ cap }}") was written by a person
        for the units, never by the city: it moves to ``unit`` so that units keep it, while
        ``text``/``title`` take the city's new wording."""
        keep = {"levels", "pilot_only", "unit", "xa", "phuong", "dac_khu"}
        for _, task, _ in self._entries():
            old = self.old_tasks.get(task["id"])
            if old is not None:
                task.update(old.model_dump(include=keep, exclude_defaults=True))
                self._keep_unit_wording(task, "text", old.text, old.unit is not None
                                        and old.unit.text is not None, f"nhiệm vụ {task['id']}")
        for g in self.groups:
            for s in g["sections"]:
                old_s = self.old_sections.get(s["id"])
                if old_s is not None and "title" in s:
                    s.update(old_s.model_dump(include={"unit", "xa", "phuong", "dac_khu"},
                                              exclude_none=True))
                    self._keep_unit_wording(s, "title", old_s.title or "",
                                            old_s.unit is not None, f"mục {s['id']}")

    def _keep_unit_wording(self, new: dict[str, Any], name: str, old: str, has_unit: bool,
                           what: str) -> None:
        if _JINJA.search(old) and old != new[name] and not has_unit:
            new["unit"] = {**new.get("unit", {}), name: old}
            self.imp.warn(f"{what}: '{name}' cũ có chỗ điền, đã chuyển sang 'unit.{name}'; "
                          f"'{name}' lấy theo bảng mới",
                          f"So sánh 'unit.{name}' với bảng mới nếu thành phố đã sửa nội dung")

    def _strip_private(self) -> None:
        for g in self.groups:
            g.pop("_numbers", None)
            for t in g["tasks"]:
                _drop_private(t)
            for s in g["sections"]:
                _drop_private(s)
                if "task" in s:
                    _drop_private(s["task"])
                for t in s.get("tasks", []):
                    _drop_private(t)

    def report_changes(self, appendix: Appendix) -> None:
        names = {"text": "nội dung", "lead": "cơ quan chủ trì", "coop": "cơ quan phối hợp",
                 "outputs": "sản phẩm đầu ra", "deadline": "tiến độ"}
        for _, _, task in appendix.all_tasks():
            old = self.old_tasks.get(task.id)
            if old is None:
                continue
            changed = [label for f, label in names.items() if getattr(old, f) != getattr(task, f)]
            if changed:
                reworded = any(getattr(old, w) for w in ("unit", "xa", "phuong", "dac_khu"))
                self.imp.warn(
                    f"nhiệm vụ {task.id} đã sửa so với mẫu cũ: {', '.join(changed)}",
                    "Xem lại cách diễn đạt riêng cho cấp xã (unit/xa/phuong/dac_khu)"
                    if reworded else "",
                )


def _digits(label: str) -> str:
    """The number of a task label: "12a" → "12"."""
    return re.sub(r"\D", "", label)


def _drop_private(d: dict[str, Any]) -> None:
    for k in [k for k in d if k.startswith("_")]:
        del d[k]


def _natural_id(group: str, label: str, width: int, *, section_task: bool) -> str:
    if section_task:
        return f"{group}-{label}"
    m = re.fullmatch(r"(\d+)(.*)", label)
    if m:
        return f"{group}{int(m.group(1)):0{width}d}{m.group(2).lower()}"
    return f"{group}-{re.sub(r'[^A-Za-z0-9]+', '', fold(label)) or 'x'}"


def _best_matches(new: Sequence[str], old: Sequence[str]) -> dict[int, int]:
    """new index → old index: the most similar pairs first (the nearest in position among
    equals), each side used once. Equal texts pair first: they are the best possible match,
    and a re-import of a barely revised table then compares only the few changed texts."""
    pairs = [(-1.0, abs(n - o), n, o) for n, new_text in enumerate(new)
             for o, old_text in enumerate(old) if old_text == new_text]
    out = _pair_off(pairs, {}, set())
    taken = set(out.values())
    sm = difflib.SequenceMatcher(autojunk=False)
    pairs = []
    for o, old_text in enumerate(old):
        if o in taken:
            continue
        sm.set_seq2(old_text)
        for n, new_text in enumerate(new):
            if n in out:
                continue
            sm.set_seq1(new_text)
            if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
                continue
            ratio = sm.ratio()
            if ratio >= SIMILARITY:
                pairs.append((-ratio, abs(n - o), n, o))
    return _pair_off(pairs, out, taken)


def _pair_off(pairs: list[tuple[float, int, int, int]], out: dict[int, int], taken: set[int]
              ) -> dict[int, int]:
    for _, _, n, o in sorted(pairs):
        if n not in out and o not in taken:
            out[n] = o
            taken.add(o)
    return out


# ---------------------------------------------------------------------------------------------
# Entry point


_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SAVE_AS = "Mở tệp bằng Word rồi chọn Lưu thành (Save As) kiểu 'Word Document (*.docx)'"


def _read_source(source: str | Path | bytes) -> tuple[bytes, str | None]:
    if isinstance(source, bytes | bytearray):
        return bytes(source), None
    path = Path(source)
    name = rel(path)
    try:
        return path.read_bytes(), name
    except FileNotFoundError:
        raise InputError([Problem(message="không tìm thấy tệp", file=name,
                                  hint="Kiểm tra lại đường dẫn")]) from None
    except IsADirectoryError:
        raise InputError([Problem(message="đây là thư mục, không phải tệp .docx",
                                  file=name)]) from None
    except OSError as exc:
        raise InputError([Problem(message=f"không đọc được tệp: {exc.strerror}",
                                  file=name)]) from None


def _open_docx(data: bytes, name: str | None) -> Any:
    def fail(message: str, hint: str = _SAVE_AS) -> InputError:
        return InputError([Problem(message=message, file=name, hint=hint)])

    if data.startswith(_OLE_MAGIC):
        raise fail("tệp là định dạng Word 97-2003 (.doc), chưa đọc được; cần tệp .docx")
    if data.startswith(b"%PDF"):
        raise fail("tệp là PDF, không phải tài liệu Word .docx",
                   "Xin thành phố bản .docx, hoặc chuyển PDF sang Word rồi kiểm tra lại bảng")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise fail("tệp không phải tài liệu Word .docx (hoặc đã bị hỏng)")
    try:
        return Document(io.BytesIO(data))
    except Exception as exc:  # any failure to read the package is a broken or foreign file
        detail = "tệp nén không chứa tài liệu Word" if isinstance(exc, KeyError) else str(exc)
        raise fail(f"tệp không phải tài liệu Word .docx hợp lệ ({detail})") from None


def import_appendix(source: str | Path | bytes, *, previous: CityTemplate | None = None
                    ) -> ImportResult:
    """Read the city's appendix table from a .docx (a path or its bytes).

    With ``previous`` (the city template from an earlier import, possibly reviewed), tasks keep
    their ids when their text is still similar, reviewers' per-level wording is carried over,
    and the previous template's role names count as extra agency aliases. Raises
    :class:`InputError` for a file that is not a readable .docx or has no appendix table.
    """
    data, name = _read_source(source)
    document = _open_docx(data, name)
    try:
        return _Importer(name, previous).run(document)
    except etree.XMLSyntaxError as exc:
        raise InputError([Problem(message=f"tài liệu Word bị hỏng: {exc}", file=name,
                                  hint=_SAVE_AS)]) from None
