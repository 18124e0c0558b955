"""Leftovers of a neighbour's plan: a commune's plan that names another commune of its province.

Xã Tân An's name inside xã Tân Hưng's plan is the classic slip after copying a neighbour's
plan. The issuer comes from the header ("ỦY BAN NHÂN DÂN" / "XÃ TÂN HƯNG"), its province from
the official list (:func:`kehoach_gen.units.official_units`); when several provinces have a
unit of that name, those the text names ("thành phố Hải Phòng", "tỉnh Nghệ An") narrow them,
and if several remain only names that are units of every one of them are reported. A plan may
rightly name other units (a list of pilot units): every finding is a warning with its quote.

Each paragraph's mentions of "xã/phường/đặc khu <Name>" are found once per process in one pass;
the official list is indexed once per process (by level and name, tone placement and case
ignored), and only when a plan names a unit other than its own.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..ooxml.nodes import Para
from ..spelling import canonical_name
from .common import Ctx
from .report import Finding
from .rules import rule
from .scan import SEPARATOR, Fact, Texts, each, fact
from .text import facts, prepare_facts
from .words import is_word_char

NEIGHBOUR = rule("PLAN-NEIGHBOUR", "Kế hoạch của một xã, phường, đặc khu không nêu tên đơn vị khác "
                                   "cùng tỉnh, thành phố (chữ sót lại khi sao kế hoạch của đơn "
                                   "vị khác).", "warning")

_LEVEL = {"xã": "xa", "phường": "phuong", "đặc khu": "dac_khu"}
_OWN_LEVEL = {"xa": "xa", "phuong": "phuong", "dac khu": "dac_khu"}  # Layout's folded keys
_NOUN = {v: k for k, v in _LEVEL.items()}
_PROVINCE_NOUNS = ("tỉnh", "thành phố")
# one literal pattern per noun: Python's engine searches a literal prefix many times faster
# than an alternation (or a case-insensitive one), and lower-cased text needs no ignoring
_AFTER = r"[ \t\u00a0]+"
_NOUNS = tuple((noun, re.compile(re.escape(noun) + _AFTER)) for noun in (*_LEVEL, *_PROVINCE_NOUNS))
MAX_WORDS = 6  # the longest official name has six words
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_NAME = re.compile(rf"{_WORD.pattern}(?:{_AFTER}{_WORD.pattern}){{0,{MAX_WORDS - 1}}}")

# (level, name as written word by word, where the mention starts, where each word ends);
# for "tỉnh …", "thành phố …" the level is that noun
Mention = tuple[str, tuple[str, ...], int, tuple[int, ...]]


def _mentions_at(text: str, low: str, noun: str, start: int, at: int, base: int = 0
                 ) -> Mention | None:
    """The mention whose noun (as found in ``low``, the lower case of ``text``) spans
    ``start:at``: None inside a word, or when no capitalised word or number follows. ``text``
    may be texts joined by :data:`~.scan.SEPARATOR` (which is neither a letter, a digit nor
    a space, so that nothing here reads past it), the mention's text starting at ``base``:
    its places are then counted from there."""
    if start and is_word_char(low[start - 1]):
        return None
    if at >= len(text) or not (text[at].isupper() or text[at].isdigit()):
        return None  # "xã hội", "phường này": not a name
    name = _NAME.match(text, at)
    if name is None:
        return None
    words, ends = _split_name(name.group())
    at -= base
    return _LEVEL.get(noun, noun), words, start - base, tuple(at + e for e in ends)


@functools.lru_cache(maxsize=4096)
def _split_name(name: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """The words of a name and where each ends (names repeat: split once)."""
    found = list(_WORD.finditer(name))
    return tuple(w.group() for w in found), tuple(w.end() for w in found)


def _mentions(text: str) -> tuple[Mention, ...]:
    """Every "xã/phường/đặc khu/tỉnh/thành phố" (any case, a whole word) followed by a
    capitalised word or a number, with up to :data:`MAX_WORDS` words after it (same line),
    in the order they occur."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    low = _lower(text)
    out = []
    for noun, pattern in _NOUNS:
        for m in pattern.finditer(low):
            found = _mentions_at(text, low, noun, m.start(), m.end())
            if found is not None:
                out.append(found)
    return tuple(sorted(out, key=lambda m: m[2]))


def _lower(text: str) -> str:
    """Lower case, one character for one (a letter whose lower case is longer stays)."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def _all_mentions(texts: Texts) -> dict[int, tuple[Mention, ...]]:
    """:func:`_mentions` of every text, each noun searched once in all texts together."""
    nfc, low = texts.nfc, texts.lower
    if len(low.joined) != len(nfc.joined):  # offsets would drift: one text at a time
        return {k: found for k, t in enumerate(nfc.joined.split(SEPARATOR))
                if (found := _mentions(t))}
    text, small = nfc.joined, low.joined
    starts = [0, *low.ends[:-1]]
    out: dict[int, list[Mention]] = {}
    for noun, pattern in _NOUNS:
        for m in pattern.finditer(small):
            k = low.index(m.start())
            one = _mentions_at(text, small, noun, m.start(), m.end(), starts[k])
            if one is not None:
                out.setdefault(k, []).append(one)
    return {k: tuple(sorted(v, key=lambda m: m[2])) for k, v in out.items()}


_MENTIONS = "unit mentions"
fact(Fact(_MENTIONS, (), compute_all=_all_mentions))


@functools.lru_cache(maxsize=1)
def official_index() -> dict[tuple[str, str], frozenset[str]]:
    """(level, canonical name) → the provinces with such a unit, from the official list; made
    once and kept in the disk cache (reading the 34 provinces' lists costs a third of a second,
    more than checking a plan)."""
    from .. import cache

    return cache.cached(cache.key("unit index", cache.list_fingerprint()), _make_index)


def _make_index() -> dict[tuple[str, str], frozenset[str]]:
    from vietnam_provinces import Province

    from ..units import official_units

    index: dict[tuple[str, str], set[str]] = {}
    for province in Province.iter_all():
        for unit in official_units(province.name):
            index.setdefault((unit.level, canonical_name(unit.name)), set()).add(
                unit.province_full_name)
    return {k: frozenset(v) for k, v in index.items()}


@dataclass(frozen=True)
class _Found:
    level: str
    name: str  # as written
    provinces: frozenset[str]
    start: int
    end: int


def _resolve(mention: Mention) -> _Found | None:
    """The official unit a mention names: the longest run of its words that is one."""
    level, words, start, ends = mention
    index = official_index()
    for k in range(len(words), 0, -1):
        provinces = index.get((level, canonical_name(" ".join(words[:k]))))
        if provinces:
            return _Found(level, " ".join(words[:k]), provinces, start, ends[k - 1])
    return None


def check_neighbours(ctx: Ctx) -> Iterator[Finding]:
    unit = ctx.lay.issuer_unit
    if unit is None or unit.key not in _OWN_LEVEL or not unit.name:
        return
    own_level, own_name = _OWN_LEVEL[unit.key], canonical_name(unit.name)
    others, named = _others_named(ctx, own_level, own_name)
    if not others:
        return
    found = [(p, unit_) for p, mention in others if (unit_ := _resolve(mention)) is not None
             and not (unit_.level == own_level and canonical_name(unit_.name) == own_name)]
    if not found:
        return  # no official name among them ("XÃ HỘI CHỦ NGHĨA" in the Quốc hiệu)
    provinces = _provinces_of(named, own_level, own_name)
    if not provinces:
        return  # not an official unit: no province to be sure of
    where = " hoặc ".join(sorted(provinces))
    for p, other in found:
        if not provinces <= other.provinces:
            continue
        text = unicodedata.normalize("NFC", p.text)
        noun = _NOUN[other.level]
        yield ctx.find(NEIGHBOUR, p, f"Kế hoạch của {unit.noun} {_title(unit.name)} nêu tên "
                       f"{noun} {other.name}, một đơn vị khác của {where}.",
                       "Kiểm tra lại: thường là chữ còn sót khi sao kế hoạch của đơn vị khác; "
                       "nếu cố ý nêu tên (danh sách đơn vị làm điểm …) thì giữ nguyên.",
                       quote_text=text[other.start:other.end + 25])


def _others_named(ctx: Ctx, own_level: str, own_name: str
              ) -> tuple[list[tuple[Para, Mention]], list[tuple[Para, Mention]]]:
    """The units the text names other than the issuer itself, and the provinces it names."""
    own_words = len(own_name.split())
    others: list[tuple[Para, Mention]] = []
    named: list[tuple[Para, Mention]] = []
    for p, mentions in each(ctx.doc, _MENTIONS, facts(_MENTIONS), prepare=prepare_facts):
        for mention in mentions:
            level, words = mention[0], mention[1]
            if level in _PROVINCE_NOUNS:
                named.append((p, mention))
            elif not (level == own_level and _starts_with(words, own_name, own_words)):
                others.append((p, mention))
    return others, named


def _starts_with(words: tuple[str, ...], name: str, count: int) -> bool:
    """Whether ``words`` are the unit's own name ``name`` of ``count`` words, not the start of a
    longer one ("Tân An" in "Tân An Hòa")."""
    return len(words) >= count and canonical_name(" ".join(words[:count])) == name and (
        len(words) == count or not words[count][:1].isupper())


def _provinces_of(mentions: list[tuple[Para, Mention]], level: str, name: str
                  ) -> frozenset[str]:
    """The provinces the issuer can be in: those of the official list with a unit of its
    level and name, narrowed to those the text names ("thành phố Hải Phòng") when it names
    some."""
    provinces = official_index().get((level, name), frozenset())
    if len(provinces) < 2:
        return provinces
    named: set[str] = set()
    for _, (noun, words, _, _) in mentions:
        named.update(f"{noun} {canonical_name(' '.join(words[:k]))}"
                     for k in range(1, min(len(words), 4) + 1))
    narrowed = frozenset(pr for pr in provinces if canonical_name(pr) in named)
    return narrowed or provinces


def _title(name: str) -> str:
    return " ".join(w.capitalize() for w in name.split()) if name.isupper() else name
