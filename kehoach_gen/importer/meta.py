"""Who issued a plan and what it implements, read as a clerk reads them: the issuing body and
its level from the header ("ỦY BAN NHÂN DÂN" / "XÃ TÂN AN"), the number, the place and date
line, the signer block, Nơi nhận, and the plan it implements from its căn cứ ("Thực hiện Kế
hoạch số 159/KH-UBND ngày 02/05/2026 của Ủy ban nhân dân thành phố Hải Phòng về việc …")."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..errors import InputError
from ..model import SIGNER_AUTHORITIES
from ..spelling import canonical_name
from ..units import province_name
from .agencies import Dictionary
from .source import Line

_NUMBER_RE = re.compile(r"^S[ốo]\s*:?\s*(\d*)\s*/\s*([A-ZĐa-zđ0-9][A-ZĐa-zđ0-9\-]*)")
_DATE_LINE_RE = re.compile(
    r"^(?P<place>[^,]{1,80}),\s*ngày\s*(?P<day>\d{0,2})[\s.…]*tháng\s*(?P<month>\d{0,2})[\s.…]*năm\s*(?P<year>\d{4})",
    re.I)
_PLAN_RE = re.compile(
    r"(?P<kind>Kế hoạch|Quyết định|Chương trình|Đề án|Nghị quyết|Chỉ thị|Công văn|Hướng dẫn)\s+"
    r"số\s*:?\s*(?P<number>\d+[^\s,;]*)\s+ngày\s+(?P<day>\d{1,2})\s*[/.-]\s*(?P<month>\d{1,2})\s*[/.-]\s*"
    r"(?P<year>\d{4})\s+của\s+(?P<rest>.+)", re.I)
_ABOUT_RE = re.compile(r"\s+(?:về\s+việc|v/v|về)\s+", re.I)
_SKIP_SIGNER = re.compile(r"^\(.*\)$|^(đã ký|ký tên|\[?chữ ký)", re.I)


@dataclass(frozen=True)
class Issuer:
    """The issuing body as its header names it."""

    body: str               # "Ủy ban nhân dân"
    noun: str               # "xã", "tỉnh", "thành phố"
    name: str               # "Tân An"
    level: str | None       # the dictionary's level key; None for a province
    where: str
    lines: tuple[str, ...]

    @property
    def is_province(self) -> bool:
        return self.level is None


@dataclass(frozen=True)
class PlanRef:
    """The plan the source implements, from its căn cứ."""

    kind: str
    number: str
    date: dt.date
    date_text: str               # as written: "02/05/2026"
    date_format: str | None      # "dd/mm/yyyy", "d/m/yyyy", or None (another way)
    issuer: str                  # "Ủy ban nhân dân thành phố Hải Phòng"
    name: str | None
    where: str


@dataclass(frozen=True)
class SignerInfo:
    name: str
    position: str | None
    authority: str | None        # "TM.", "KT." …, "không" (in person)
    body: str | None             # "Ủy ban nhân dân" from "TM. ỦY BAN NHÂN DÂN"
    where: str


@dataclass
class Meta:
    issuer: Issuer | None = None
    number: str | None = None
    symbol: str | None = None
    number_where: str = ""
    place: str | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    date_where: str = ""
    signer: SignerInfo | None = None
    noi_nhan: list[Line] = field(default_factory=list)
    luu: list[str] = field(default_factory=list)


def _nouns(dictionary: Dictionary) -> list[tuple[str, str | None]]:
    """(level noun, level key or None for a province noun), longest first."""
    out: dict[str, str | None] = {}
    for key, spec in dictionary.levels.items():
        for noun in (spec.noun, spec.name):
            out.setdefault(canonical_name(noun), key)
    for noun in dictionary.provinces:
        out.setdefault(canonical_name(noun), None)
    return sorted(out.items(), key=lambda kv: -len(kv[0]))


def _is_province(name: str) -> bool:
    try:
        return canonical_name(province_name(name)) == canonical_name(name)
    except InputError:
        return False


def read_issuer(head: Sequence[Line], dictionary: Dictionary, texts: Sequence[str]) -> Issuer | None:
    """The issuing body: the header line that starts with a level noun ("XÃ TÂN AN"), and the
    line(s) before it ("ỦY BAN NHÂN DÂN")."""
    nouns = _nouns(dictionary)
    for i, line in enumerate(head):
        text = " ".join(line.text.split())
        low = canonical_name(text)
        body_words = ""
        m = re.match(r"^(ủy ban nhân dân|ubnd)\s+", low)
        if m:  # "ỦY BAN NHÂN DÂN XÃ TÂN AN" on one line
            body_words, text, low = text[:m.end()].strip(), text[m.end():], low[m.end():]
        for noun, key in nouns:
            if low.startswith(noun + " ") and len(low) > len(noun) + 1:
                raw_name = text[len(noun):].strip()
                before = [ln.text for ln in head[max(0, i - 2):i]]
                body = body_words or next((b for b in reversed(before) if canonical_name(b).startswith(
                    ("ủy ban", "ubnd", "hội đồng", "ban "))), "ỦY BAN NHÂN DÂN")
                name = proper_name(raw_name, texts)
                province = key is None or (canonical_name(noun) == "thành phố" and _is_province(name))
                level = None if province else key
                if canonical_name(body) == "ubnd":
                    body = "Ủy ban nhân dân"
                return Issuer(body=sentence_case(body), noun=noun, name=name, level=level,
                              where=line.where, lines=(*before[-1:], line.text))
    return None


def sentence_case(text: str) -> str:
    """"ỦY BAN NHÂN DÂN" → "Ủy ban nhân dân"."""
    low = text.lower()
    return low[:1].upper() + low[1:]


def proper_name(caps: str, texts: Sequence[str]) -> str:
    """A name written in capitals in the header ("TÂN AN"), as the document writes it
    elsewhere ("Tân An"); else each word capitalised."""
    key = canonical_name(caps)
    pattern = re.compile(r"\b" + r"\s+".join(re.escape(w) for w in caps.split()) + r"\b", re.I)
    for text in texts:
        for m in pattern.finditer(text):
            found = m.group(0)
            if canonical_name(found) == key and found != found.upper():
                return " ".join(found.split())
    return " ".join(w[:1].upper() + w[1:].lower() for w in caps.split())


def read_meta(head: Sequence[Line], signer: Sequence[Line], noi_nhan: Sequence[Line],
              dictionary: Dictionary, texts: Sequence[str]) -> Meta:
    meta = Meta()
    for line in head:
        m = _NUMBER_RE.match(line.text)
        if m and meta.symbol is None:
            meta.number, meta.symbol, meta.number_where = m.group(1) or None, m.group(2), line.where
            continue
        d = _DATE_LINE_RE.match(line.text)
        if d and meta.year is None:
            meta.place = " ".join(d.group("place").split())
            meta.day = int(d.group("day")) if d.group("day") else None
            meta.month = int(d.group("month")) if d.group("month") else None
            meta.year = int(d.group("year"))
            meta.date_where = line.where
    place_texts = [meta.place] if meta.place else []
    meta.issuer = read_issuer(head, dictionary, [*place_texts, *texts])
    meta.signer = read_signer(signer)
    _read_noi_nhan(noi_nhan, meta)
    return meta


def read_signer(lines: Sequence[Line]) -> SignerInfo | None:
    texts = [(ln.text.strip(), ln.where) for ln in lines if ln.text.strip() and not _SKIP_SIGNER.match(ln.text.strip())]
    if not texts:
        return None
    authority: str | None = None
    body: str | None = None
    position: str | None = None
    name = ""
    upper_lines = []
    for text, _ in texts:
        norm = text.replace("K/T", "KT.").replace("T/L", "TL.").replace("T/M", "TM.")
        m = re.match(r"^(TM|KT|TL|TUQ|Q)\.?\s+(.+)$", norm)
        if m and f"{m.group(1)}." in SIGNER_AUTHORITIES:
            found = f"{m.group(1)}."
            if found == "TM.":
                body = sentence_case(m.group(2))
                authority = authority or "TM."
            else:
                authority = found
            continue
        if text == text.upper() and any(ch.isalpha() for ch in text):
            upper_lines.append(text)
        elif any(ch.isalpha() for ch in text):
            name = " ".join(text.split())
    if upper_lines:
        position = upper_lines[-1]
    if authority is None:
        authority = "không"
    if set(name) <= set(".…_ "):
        name = ""
    return SignerInfo(name=name, position=position, authority=authority, body=body, where=texts[0][1])


def _read_noi_nhan(lines: Sequence[Line], meta: Meta) -> None:
    for ln in lines:
        text = re.sub(r"^\s*n[ơo]i\s+nh[ậa]n\s*:?\s*", "", ln.text, flags=re.I).strip()
        text = re.sub(r"^[-–—•+]\s*", "", text).strip()
        if not text:
            continue
        m = re.match(r"^lưu\s*:?\s*(.*)$", text, re.I)
        if m:
            meta.luu = [p.strip() for p in m.group(1).rstrip(" .;").split(",") if p.strip()]
            continue
        meta.noi_nhan.append(ln.replace(text.rstrip(" ;,.")))


def read_plan_ref(lines: Sequence[Line]) -> PlanRef | None:
    """The plan the source implements: a "Kế hoạch số … ngày … của …" the căn cứ names
    (the first one after "Thực hiện", else the first one)."""
    found: list[tuple[int, PlanRef]] = []
    for line in lines:
        for m in _PLAN_RE.finditer(line.text):
            try:
                date = dt.date(int(m.group("year")), int(m.group("month")), int(m.group("day")))
            except ValueError:
                continue
            day, month = m.group("day"), m.group("month")
            if len(day) == 2 and len(month) == 2:
                fmt: str | None = "dd/mm/yyyy"
            elif day == str(int(day)) and month == str(int(month)):
                fmt = "d/m/yyyy"
            else:
                fmt = None
            rest = m.group("rest")
            about = _ABOUT_RE.search(rest)
            issuer = rest[:about.start()] if about else re.split(r"[,.;]", rest, maxsplit=1)[0]
            name = None
            if about:
                name = _cut_name(rest[about.end():])
            date_text = line.text[m.start("day"):m.end("year")]
            kind = m.group("kind")
            before = line.text[max(0, m.start() - 20):m.start()].lower()
            named = "thực hiện" in before or "triển khai" in before
            score = (0 if kind.lower() == "kế hoạch" else 2) + (0 if named else 1)
            found.append((score, PlanRef(kind=kind[:1].upper() + kind[1:].lower(), number=m.group("number"),
                                         date=date, date_text=date_text, date_format=fmt,
                                         issuer=" ".join(issuer.split()).rstrip(" ,.;"), name=name,
                                         where=line.where)))
        if found:
            break
    if not found:
        return None
    return min(found, key=lambda f: f[0])[1]


def _cut_name(text: str) -> str:
    """The name of the implemented plan: up to the end of its sentence, or the comma before
    the issuer of the source ("…, Ủy ban nhân dân huyện … ban hành")."""
    cut = len(text)
    for pattern in (r"\.\s", r";", r",\s*(?:Ủy ban nhân dân|UBND)\b", r"\.$"):
        m = re.search(pattern, text)
        if m:
            cut = min(cut, m.start())
    name = text[:cut].strip()
    if name.lower().startswith("việc "):
        name = name[5:]
    return name[:1].upper() + name[1:]


def province_of(issuer: str) -> tuple[str, str] | None:
    """("thành phố", "Hải Phòng") from "Ủy ban nhân dân thành phố Hải Phòng"."""
    m = re.search(r"\b(thành phố|tỉnh)\s+(\w[^,;.()]*)$", issuer.strip())
    if not m or not m.group(2)[:1].isupper():
        return None
    return m.group(1).lower(), " ".join(m.group(2).split())
