"""Placeholders by reference: the source unit's own words become ``{{ don_vi }}``, ``{{ cap }}``,
``{{ ubnd }}`` … where they refer to that unit, and nowhere else.

Never a blind replacement of "xã" or "thành phố": an occurrence of the unit's level noun is a
reference to the unit unless it is part of a fixed phrase ("xã hội", "hợp tác xã", "thị xã"
is another noun), names the level in general ("cấp xã", "các xã", "xã, phường"), or is followed
by another unit's name ("xã Hòa Bình"). The unit's name becomes ``{{ ten }}``; "xã Tân An"
``{{ don_vi }}``; "Ủy ban nhân dân xã Tân An" ``{{ ubnd }}``. The number and date of the plan
it implements become ``{{ kh_so }}`` and ``{{ kh_ngay }}``; a department name the unit alone
uses becomes ``{{ vai_tro('…') }}``; the signer's name, which no other unit may inherit, is
blanked. Every decision, and every doubtful non-decision, is a :class:`Note` with its place.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ..spelling import modern_spelling

BLANKED = "……"  # what replaces a person's name: the office writes the right one in
_WINDOW = 120  # how far around a word its context is read (bounded: a hostile paragraph stays linear)


@dataclass(frozen=True)
class Note:
    """One decision of the import, for the review report."""

    kind: str          # see KINDS
    where: str         # "đoạn 12", "bảng 3, hàng 5, ô 2", "phần đầu"
    quote: str         # the source text around it
    decision: str      # what was done, in Vietnamese
    doubtful: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"loai": self.kind, "vi_tri": self.where, "trich": self.quote,
                "quyet_dinh": self.decision, "can_xem": self.doubtful}


KINDS = {
    "thong_tin": "Thông tin văn bản",
    "vai_tro": "Cơ quan → mã vai trò",
    "co_quan_la": "Cơ quan chưa có trong từ điển (giữ nguyên văn)",
    "cho_dien": "Chỗ điền thay cho tên, cấp của đơn vị",
    "khong_thay": "Không thay (nghi ngờ)",
    "sua": "Sửa lỗi trình bày",
    "cau_truc": "Cấu trúc",
    "ho_so": "Hồ sơ đơn vị",
}


@dataclass
class Notes:
    items: list[Note] = field(default_factory=list)

    def add(self, kind: str, where: str, quote: str, decision: str, *, doubtful: bool = False) -> None:
        self.items.append(Note(kind, where, short(quote), decision, doubtful))


def short(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _key(text: str) -> str:
    """A same-length comparison form: tone placement and case ignored."""
    key = unicodedata.normalize("NFC", modern_spelling(unicodedata.normalize("NFC", text))).lower()
    return key if len(key) == len(text) else text.lower()


def _words_re(phrase: str) -> str:
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in _key(phrase).split()) + r"(?!\w)"


@dataclass
class Span:
    start: int
    end: int
    text: str


class Spans:
    """Replacements in one text, never overlapping, kept in order of their start: adding one
    and asking whether a place is free cost a binary search, however many there are."""

    def __init__(self) -> None:
        self.items: list[Span] = []
        self._starts: list[int] = []

    def free(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        if i > 0 and self.items[i - 1].end > start:
            return False
        return not (i < len(self.items) and self.items[i].start < end)

    def append(self, span: Span) -> None:
        if not self.free(span.start, span.end):
            return
        i = bisect.bisect_right(self._starts, span.start)
        self._starts.insert(i, span.start)
        self.items.insert(i, span)


def _case(original: str) -> str:
    letters = [c for c in original if c.isalpha()]
    if letters and all(c.isupper() for c in letters) and len(letters) > 1:
        return "upper"
    if letters and letters[0].isupper():
        return "title"
    return "lower"


class Respell:
    """One spelling of words a plan writes two ways ("hàng năm" beside "hằng năm"): the rule a
    clerk knows from the checker's warning. A plan that writes only one of them keeps its own."""

    def __init__(self, spelling: Mapping[str, str], notes: Notes, document: str = ""):
        self.notes = notes
        key = _key(document)
        mixed = {old: new for old, new in spelling.items()
                 if re.search(_words_re(old), key) and re.search(_words_re(new), key)}
        self.pairs = [(re.compile(_words_re(old)), new) for old, new in mixed.items()]

    def spans(self, text: str, key: str, where: str, spans: Spans) -> None:
        for pattern, new in self.pairs:
            for m in pattern.finditer(key):
                old = text[m.start():m.end()]
                shown = new[:1].upper() + new[1:] if old[:1].isupper() else new
                if old != shown:
                    spans.append(Span(m.start(), m.end(), shown))
                    self.notes.add("sua", where, _around(text, m.start(), m.end()),
                                   f"'{old}' viết thống nhất là '{shown}'")

    def __call__(self, text: str, where: str) -> str:
        spans = Spans()
        self.spans(text, _key(text), where, spans)
        return _apply(text, spans)


class Wording:
    """Rewrites texts of a unit's plan for every unit, recording what it did."""

    def __init__(self, *, cap: str, name: str, nouns: Iterable[str], not_references: Iterable[str],
                 generic_before: Iterable[str], notes: Notes, plan_number: str | None = None,
                 plan_date: str | None = None, persons: Sequence[str] = (),
                 departments: Mapping[str, str] | None = None, ambiguous_noun: bool = False,
                 other_names: Iterable[str] = (), respell: Respell | None = None):
        self.respell = respell
        self.cap = cap
        self.name = name
        self.notes = notes
        self.ambiguous_noun = ambiguous_noun
        self.plan_number = plan_number
        self.plan_date = plan_date
        self.persons = [p for p in persons if p.strip()]
        self.departments = dict(departments or {})  # the unit's own department name → role
        all_nouns = sorted({_key(n) for n in nouns} | {_key(cap)}, key=len, reverse=True)
        self._noun_re = re.compile("|".join(_words_re(n) for n in all_nouns))
        self._cap_key = _key(cap)
        self._name_re = re.compile(_words_re(name)) if name.strip() else None
        self._not_refs = [re.compile(_words_re(p)) for p in not_references if _key(cap) in _key(p)]
        self._generic = {_key(w) for w in generic_before}
        self._nouns = set(all_nouns)
        self._other_names = {_key(n) for n in other_names}

    # -------------------------------------------------------------------------------------
    def __call__(self, text: str, where: str) -> str:
        if not text:
            return text
        spans = Spans()
        key = _key(text)
        self._escapes(text, spans)
        if self.respell is not None:
            self.respell.spans(text, key, where, spans)
        self._departments(text, key, where, spans)
        self._plan(text, where, spans)
        self._persons(text, key, where, spans)
        self._unit(text, key, where, spans)
        return _apply(text, spans)

    def _free(self, spans: Spans, start: int, end: int) -> bool:
        return spans.free(start, end)

    def _escapes(self, text: str, spans: Spans) -> None:
        for m in re.finditer(r"\{[{%#]", text):
            spans.append(Span(m.start(), m.end(), "{{ '" + m.group(0) + "' }}"))

    def _departments(self, text: str, key: str, where: str, spans: Spans) -> None:
        for dept, role in sorted(self.departments.items(), key=lambda kv: -len(kv[0])):
            for m in re.finditer(_words_re(dept), key):
                if self._free(spans, m.start(), m.end()):
                    spans.append(Span(m.start(), m.end(), f"{{{{ vai_tro('{role}') }}}}"))
                    self.notes.add("cho_dien", where, _around(text, m.start(), m.end()),
                                   f"'{text[m.start():m.end()]}' là tên riêng của đơn vị nguồn → "
                                   f"{{{{ vai_tro('{role}') }}}}")

    def _plan(self, text: str, where: str, spans: Spans) -> None:
        for value, placeholder in ((self.plan_number, "kh_so"), (self.plan_date, "kh_ngay")):
            if not value:
                continue
            for m in re.finditer(r"(?<![\w/])" + re.escape(value) + r"(?![\w/])", text):
                if self._free(spans, m.start(), m.end()):
                    spans.append(Span(m.start(), m.end(), f"{{{{ {placeholder} }}}}"))

    def _persons(self, text: str, key: str, where: str, spans: Spans) -> None:
        for person in self.persons:
            for m in re.finditer(_words_re(person), key):
                if self._free(spans, m.start(), m.end()):
                    spans.append(Span(m.start(), m.end(), BLANKED))
                    self.notes.add("cho_dien", where, _around(text, m.start(), m.end()),
                                   f"tên người ký '{text[m.start():m.end()]}' → '{BLANKED}' (ghi lại tên "
                                   "người phù hợp cho từng đơn vị)", doubtful=True)

    def _unit(self, text: str, key: str, where: str, spans: Spans) -> None:
        names = [(m.start(), m.end()) for m in self._name_re.finditer(key)] if self._name_re else []
        starts = {n[0]: n for n in names}
        fixed = Spans()  # the fixed phrases ("xã hội"), where the noun is no reference
        for pat in self._not_refs:
            for r in pat.finditer(key):
                fixed.append(Span(r.start(), r.end(), ""))
        used_names: set[int] = set()
        for m in self._noun_re.finditer(key):
            if m.group(0) != self._cap_key or not self._free(spans, m.start(), m.end()):
                continue
            s, e = m.start(), m.end()
            noun = text[s:e]
            if not fixed.free(s, e):
                continue
            gap = re.match(r"\s+", key[e:e + _WINDOW])
            named = starts.get(e + gap.end()) if gap else None
            if named is not None:
                used_names.add(named[0])
                start, replacement = self._named(text, key, s, named[1], noun)
                if self._free(spans, start, named[1]):
                    spans.append(Span(start, named[1], replacement))
                    self.notes.add("cho_dien", where, _around(text, start, named[1]),
                                   f"'{text[start:named[1]]}' → {replacement}")
                continue
            reason = self._not_a_reference(text, key, s, e)
            if reason == "generic":
                continue
            if reason:
                self.notes.add("khong_thay", where, _around(text, s, e),
                               f"'{noun}' giữ nguyên: {reason}", doubtful=True)
                continue
            if self.ambiguous_noun:
                self.notes.add("khong_thay", where, _around(text, s, e),
                               f"'{noun}' giữ nguyên: cấp của đơn vị trùng với cấp của tỉnh, thành phố, "
                               "không biết chỉ nơi nào", doubtful=True)
                continue
            replacement = {"upper": "{{ cap | upper }}", "title": "{{ Cap }}"}.get(_case(noun), "{{ cap }}")
            spans.append(Span(s, e, replacement))
            self.notes.add("cho_dien", where, _around(text, s, e), f"'{noun}' (chỉ đơn vị) → {replacement}")
        for s, e in names:
            if s in used_names or not self._free(spans, s, e):
                continue
            replacement = "{{ ten | upper }}" if _case(text[s:e]) == "upper" else "{{ ten }}"
            spans.append(Span(s, e, replacement))
            self.notes.add("cho_dien", where, _around(text, s, e),
                           f"tên đơn vị '{text[s:e]}' đứng riêng → {replacement}; xem lại câu này có hợp "
                           "với đơn vị khác không", doubtful=True)

    def _named(self, text: str, key: str, s: int, e: int, noun: str) -> tuple[int, str]:
        """The replacement of "xã Tân An" (and of "Ủy ban nhân dân xã Tân An" before it)."""
        case = _case(text[s:e])
        base = max(0, s - _WINDOW)
        body = re.search(r"(?<!\w)(ủy ban nhân dân|ubnd)\s+$", key[base:s])
        if body is not None and body.group(1) != "ubnd":
            start = base + body.start()
            body_case = _case(text[start:s])
            if body_case == "upper" and case == "upper":
                return start, "{{ ubnd | upper }}"
            if body_case == "title":
                return start, "{{ ubnd }}"
        if case == "upper":
            return s, "{{ don_vi | upper }}"
        if _case(noun) == "title":
            return s, "{{ Cap }} {{ ten }}"
        return s, "{{ don_vi }}"

    def _not_a_reference(self, text: str, key: str, s: int, e: int) -> str:
        """"generic" (the level in general: say nothing), a reason to keep it and say so, or
        "" (a reference to the unit)."""
        left, right = key[max(0, s - _WINDOW):s], key[e:e + _WINDOW]
        before = re.search(r"(\w+)\s+$", left)
        if before and (before.group(1) in self._generic or before.group(1).isdigit()):
            return "generic"
        nxt = re.match(r"\s*(?:[,/]|và|hoặc|hay)\s*(\w+(?:\s+\w+)?)", right)
        if nxt and any(nxt.group(1).startswith(n) for n in self._nouns):
            return "generic"
        prev = re.search(r"(\w+)\s*(?:[,/]|\svà|\shoặc|\shay)\s*$", left)
        if prev and any(n.endswith(prev.group(1)) for n in self._nouns):
            return "generic"
        if re.match(r"\s*/", right) or re.search(r"/\s*$", left):
            return "viết liền với '/' như một danh sách, có thể chỉ cấp nói chung"
        proper = re.match(r"\s+(\w+(?:\s+\w+){0,3})", text[e:e + _WINDOW])
        if proper and proper.group(1)[:1].isupper() and _case(text[s:e]) != "upper":
            following = _key(proper.group(1))
            if any(following.startswith(o) for o in self._other_names):
                return "generic"
            return f"đứng trước tên riêng '{proper.group(1)}' (có thể là đơn vị khác)"
        return ""


def _apply(text: str, spans: Spans) -> str:
    out, pos = [], 0
    for span in spans.items:
        if span.start < pos:
            continue
        out += [text[pos:span.start], span.text]
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def _around(text: str, start: int, end: int, width: int = 30) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    return ("…" if start > width else "") + left + text[start:end] + right + ("…" if end + width < len(text) else "")
