"""The checker's linear readings give exactly what the regular expressions they replace gave.

Several patterns of the checker were quadratic on hostile lines (one long word, thousands of
"ngày", long runs of spaces). Each was replaced by code that looks at the line once; these
properties compare the two on lines made of the pieces that matter to each pattern.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kehoach_gen.check.appendix import kem_theo_parts
from kehoach_gen.check.dates import loose_date, squashed_date
from kehoach_gen.check.header import so_parts
from kehoach_gen.check.layout import _is_date_line
from kehoach_gen.check.tables import _first_unquoted
from kehoach_gen.check.text import _ASCII_INK, unit_words
from kehoach_gen.check.words import fold, fold_all, starts_folded

# generated lines against the regular expressions, each example within hypothesis's deadline
pytestmark = [pytest.mark.slow, pytest.mark.serial]


def lines(*pieces: str, size: int = 16) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=size).map("".join)


SPACES = (" ", "  ", "\t", "\n", "\u2003")


@settings(max_examples=1500)
@given(lines("Số", "S", ":", "/", "1", "05", "KH", "-", "x", *SPACES))
def test_so_line_splits_as_the_regex_did(text: str) -> None:
    m = re.match(r"^Số\s*:?\s*(?P<num>[^/]*?)\s*/\s*(?P<sym>.*?)\s*$", text)
    assert so_parts(text) == ((m.group("num"), m.group("sym")) if m else None)


@settings(max_examples=1500)
@given(lines(" số", "số", "/", "1", "KH", " ngày", "ngày", " của ", "của", "x", ")", " ", "-"))
def test_kem_theo_parts(rest: str) -> None:
    text = " ".join(("(Kèm theo " + rest).split())  # the checker squashes the line first
    m = re.match(r"^\(Kèm theo (?P<kind>.+?) số(?P<num>[^/]*)/(?P<sym>\S*)\s+ngày(?P<date>.*?)"
                 r"\s+của\s+(?P<by>.+?)\)$", text)
    assert kem_theo_parts(text) == (m.groups() if m else None)


DATE_PIECES = ("ngày", "tháng", "năm", "1", "05", "2026", "x", ",", "ng", "ăm", "thángtháng",
               "nămnăm", *SPACES)


@settings(max_examples=1500)
@given(lines(*DATE_PIECES, size=20))
def test_loose_date_reads_as_the_regex_did(text: str) -> None:
    m = re.search(r"ngày\s*(?P<d>\S*?)\s+tháng\s*(?P<m>\S*?)\s+năm\s*(?P<y>\S*)\s*$", text)
    assert loose_date(text) == (m.groups() if m else None)


@settings(max_examples=1500)
@given(lines(*DATE_PIECES, size=20))
def test_squashed_date_reads_as_the_regex_did(text: str) -> None:
    text = " ".join(text.split())
    m = re.search(r"ngày\s*(\S*?)\s*tháng\s*(\S*?)\s*năm\s*(\S*)", text)
    assert squashed_date(text) == (m.groups() if m else None)


@settings(max_examples=1000)
@given(lines("ngay", "thang", "nam", ", ngay", "5", "/", "2026", " ", "x", size=12))
def test_date_line_is_found_where_the_regex_found_it(folded: str) -> None:
    regex = re.compile(r"ngay.*thang.*nam|, ngay|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}$")
    assert _is_date_line(folded) == bool(regex.search(folded))


@settings(max_examples=1500)
@given(lines("a", "B", "ân", "_", "1", ",", " ", "Xã", "Phường", "Đặc khu", "T", size=20))
def test_unit_words_are_found_where_the_regex_found_them(text: str) -> None:
    regex = re.compile(r"(\w+),? (Xã|Phường|Đặc khu) (\w)")
    expected = [(m.group(1), m.group(2), m.group(3), m.start(2)) for m in regex.finditer(text)]
    assert list(unit_words(text)) == expected


@settings(max_examples=1500)
@given(lines("a", "Q", "q", "u", "o", "hoà", "hòa", "thuỷ", "thủy", "quý", "khoẻ", "Ỳ", "ý", "ò", "e",
             "_", "1", " ", ",", "\u0301", "a" * 45, size=14))
def test_tone_words_are_found_where_the_regex_found_them(text: str) -> None:
    from kehoach_gen.check.text import _TONE_NEW, _TONE_OLD, _nfc, _tone_words

    text = _nfc(text)
    small = text.lower()
    expected = tuple((kind, fold(m.group()), text[m.start():m.end()])
                     for kind, pattern in enumerate((_TONE_OLD, _TONE_NEW))
                     for m in pattern.finditer(small))
    assert _tone_words(text) == expected


@settings(max_examples=1000)
@given(lines("trên địa bàn thành phố", "“", "”", " ", "Hải", "x", size=12))
def test_first_unquoted_city_phrase(text: str) -> None:
    phrase = re.compile(r"(?i)(?P<phrase>trên địa bàn thành phố)(?P<next>\s+\S)?")
    expected = next((m for m in phrase.finditer(text)
                     if not text.count("“", 0, m.start()) > text.count("”", 0, m.start())), None)
    found = _first_unquoted(text)
    assert (found and found.span()) == (expected and expected.span())


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters="\x00")), max_size=6))
def test_folding_many_at_once(texts: list[str]) -> None:
    assert fold_all(texts) == [fold(t) for t in texts]


@given(st.text(alphabet=st.characters(blacklist_characters="\x00")), st.integers(0, 40))
def test_the_fold_of_a_beginning_begins_the_fold(text: str, cut: int) -> None:
    assert fold(text).startswith(fold(text[:cut]))


_FOLDED_START = st.lists(st.sampled_from(
    ["Kính", "KÍNH", "kinh", " gửi", "  gui", "\t", "\u00a0", "Nơi", "NƠI", " nhận", "Ńơi",
     "\u0301", "\u0323", "\u212a", "ḱ", "đ", "x", "Ủy ban nhân dân"]), max_size=14).map("".join)


@settings(max_examples=2000)
@given(_FOLDED_START, st.sampled_from(["kinh gui", "noi nhan", "k", "n", ""]), st.integers(0, 40))
def test_a_folded_start_is_read_as_the_whole_fold_would(text: str, prefix: str, head: int) -> None:
    """A first character that rules the prefix out, or the fold of the first ``head``
    characters, says what the fold of the whole text would (marks alone, the Kelvin sign,
    spaces of every kind, a prefix cut by the head)."""
    assert starts_folded(text, prefix, head) == fold(text).startswith(prefix)


def test_ascii_ink_is_every_ascii_character_but_spaces() -> None:
    """The class spelt out for its compile time matches what the short one matched, at every
    code point: an ASCII character that ``\\s`` does not count as a space."""
    every = "".join(map(chr, range(0x110000)))
    assert _ASCII_INK.findall(every) == re.findall(r"[^\s\x80-\U0010ffff]", every)
    assert len(_ASCII_INK.findall(every)) == 128 - 10  # \t \n \v \f \r, \x1c-\x1f, " "


_MARKS_BYTES = st.lists(st.sampled_from([b"<", b"!", b"\x00", b"a"]), max_size=40).map(b"".join)


@given(st.integers(0, 40), _MARKS_BYTES, _MARKS_BYTES, st.integers(0, 120))
@settings(max_examples=1000, deadline=None)
def test_a_mark_after_one_of_its_forerunners_is_found_as_by_looking_at_each(
        lone: int, head: bytes, tail: bytes, start: int) -> None:
    """marked_after looks back from the first few dozen marks, then searches the pairs: either
    way it finds what looking at every mark from ``start`` on finds ("!" after "<" or "<" NUL).
    The texts hold around as many lone marks as it looks back from, so that the pair is often
    where the looking ends and the search begins."""
    from kehoach_gen.ooxml.package import marked_after

    data = head + b"a!" * lone + tail

    before = (b"<", b"<\x00")
    plain = any(data.startswith(b + b"!", i - len(b)) for i in range(start, len(data))
                if data[i:i + 1] == b"!" for b in before if i >= len(b))
    assert marked_after(data, b"!", before, start) is plain


@pytest.mark.parametrize("lone", range(28, 38))
@pytest.mark.parametrize("pair", [b"<!", b"<\x00!"])
def test_a_mark_after_its_forerunner_is_found_where_looking_gives_way_to_searching(
        lone: int, pair: bytes) -> None:
    """The pair right at the mark where marked_after stops looking back and starts searching."""
    from kehoach_gen.ooxml.package import marked_after

    data = b"a!" * lone + pair
    assert marked_after(data, b"!", (b"<", b"<\x00")) is True
    assert marked_after(data[:-1], b"!", (b"<", b"<\x00")) is False
