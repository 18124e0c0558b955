"""Spelling of Vietnamese names: one tone placement, and comparison keys.

Official lists and documents mix the two tone placements ("Thuỷ"/"Thủy", "Hoà"/"Hòa",
"Uỷ"/"Ủy"). :func:`modern_spelling` writes the one administrative documents use,
:func:`canonical_name` gives a key equal for names that differ only in case, spacing or tone
placement, :func:`ascii_fold` drops every diacritic. Pure string functions, no data.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# The five tone marks as combining characters (NFD). The other marks (circumflex, breve, horn)
# make a different letter and are never moved.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_SYLLABLE_RE = re.compile(r"[^\W\d_]+")
_DASHES_RE = re.compile(r"\s*[-\u2010-\u2015\u2212]\s*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
# oa, oe, uy: the only vowel pairs whose tone placement varies.
_VARIABLE_PAIRS = {("o", "a"), ("o", "e"), ("u", "y")}


def _split_marks(syllable: str) -> list[tuple[str, str]]:
    """An NFD syllable as (base letter, combining marks) pairs."""
    out: list[tuple[str, str]] = []
    for ch in syllable:
        if unicodedata.combining(ch) and out:
            base, marks = out[-1]
            out[-1] = (base, marks + ch)
        else:
            out.append((ch, ""))
    return out


def _modern_syllable(match: re.Match[str]) -> str:
    syllable = match.group(0)
    letters = _split_marks(unicodedata.normalize("NFD", syllable))
    # Only an open syllable ending in oa/oe/uy with the tone on its second vowel changes:
    # "hoà" → "hòa", "thuỷ" → "thủy". With a final consonant ("hoàng", "huỳnh") or a third
    # vowel ("hoài", "khuỷu") the tone stays where it is in both styles.
    if len(letters) < 2:
        return syllable
    (first, first_marks), (second, second_marks) = letters[-2], letters[-1]
    if (first.lower(), second.lower()) not in _VARIABLE_PAIRS or first_marks:
        return syllable
    tone = [m for m in second_marks if m in _TONES]
    if not tone:
        return syllable
    before = letters[-3][0].lower() if len(letters) >= 3 else ""
    # In "quý", "quỳnh" the u belongs to the consonant qu; y is the only vowel and keeps the tone.
    if first.lower() == "u" and before == "q":
        return syllable
    # A vowel before the pair makes it part of a longer cluster, not oa/oe/uy.
    if before and before in "aeiouy":
        return syllable
    rest = "".join(m for m in second_marks if m not in _TONES)
    letters[-2] = (first, "".join(tone))
    letters[-1] = (second, rest)
    return unicodedata.normalize("NFC", "".join(b + m for b, m in letters))


def modern_spelling(text: str) -> str:
    """``text`` in NFC with the tone of open oa/oe/uy syllables on the first vowel.

    "Thuỷ Nguyên" → "Thủy Nguyên", "Hoà Bình" → "Hòa Bình", "Uỷ ban" → "Ủy ban": the placement
    Vietnamese administrative documents use (Nghị định 30 forms write "Ủy ban", "Hòa"). Nothing
    else changes: "quý", "Quỳnh" (qu is a consonant), "hoàng", "huỳnh" (final consonant), "hoài",
    "khuỷu" (three vowels) are already the same in both placements. Case is kept.
    """
    return _SYLLABLE_RE.sub(_modern_syllable, unicodedata.normalize("NFC", text))


def tidy(text: str) -> str:
    """NFC, one space between words, straight apostrophes, " - " around dashes."""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    text = _DASHES_RE.sub(" - ", " ".join(text.split()))
    return text.strip(" -")


@functools.lru_cache(maxsize=8192)  # the official names are compared again for every profile
def canonical_name(text: str) -> str:
    """A comparison key: equal for names that differ only in case, spacing or tone placement.

    ``canonical_name("Thuỷ  Nguyên") == canonical_name("THỦY NGUYÊN") == "thủy nguyên"``.
    Tones and other diacritics still count: "Cẩm Giang" and "Cẩm Giàng" are two different xã.
    """
    return unicodedata.normalize("NFC", modern_spelling(tidy(text)).lower())


def ascii_fold(text: str) -> str:
    """``text`` without any diacritic, lower case: "Đồ Sơn" → "do son"."""
    nfd = unicodedata.normalize("NFD", tidy(text).replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in nfd if not unicodedata.combining(ch)).lower()


# Names Windows keeps for devices, with or without an extension: a file "con.docx" cannot exist.
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
MAX_STEM = 80


@functools.lru_cache(maxsize=8192)  # a province's names are slugged again for each file name
def slug(name: str) -> str:
    """An ASCII file-name stem: "Tân An" → "tan_an", "Đồ Sơn" → "do_son".

    Only ``a-z``, ``0-9`` and ``_``, at most :data:`MAX_STEM` characters: never a path
    separator, a dot, an empty string or a name Windows reserves ("con" → "con_").
    """
    text = re.sub(r"[^a-z0-9]+", "_", ascii_fold(name)).strip("_")[:MAX_STEM].rstrip("_")
    if text in _RESERVED:
        text += "_"
    return text or "don_vi"
