"""Fonts, colours and the text itself: NFC, leftover template tags, capitalisation (Phụ lục
II) and one tone-mark placement throughout (a style warning)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..ooxml.nodes import Para
from ..ooxml.styles import Font, RunProps
from .common import Ctx
from .report import Finding, Severity
from .rules import Rule, rule
from .scan import Fact, Texts, each, fact, remember_facts
from .words import fold_short, is_word_char, word_start

FONT = rule("ND30-FONT", "Mọi chữ dùng phông Times New Roman (Unicode).")
COLOR = rule("ND30-COLOR", "Chữ màu đen.")
NFC = rule("ND30-NFC", "Văn bản ở dạng Unicode dựng sẵn (NFC).")
CAPS = rule("ND30-CAPS", "Viết hoa theo Phụ lục II: 'Ủy ban nhân dân', 'Hội đồng nhân dân'.")
TONE = rule("STYLE-TONE", "Một cách bỏ dấu thống nhất trong văn bản ('Ủy', 'hòa', 'thủy'): văn "
                          "phong, không phải quy định của Nghị định 30.", "warning")
TEMPLATE_TAG = rule("TEMPLATE-TAG", "Không còn thẻ mẫu ({{ }}, {% %}) hay dấu chú thích [^…] sót "
                                    "lại.")


# -- fonts -------------------------------------------------------------------------------------


# an ASCII character that is not a space as \s counts spaces (\t-\r, \x1c-\x1f, " "); spelt
# out, because [^\s\x80-\U0010ffff] says the same but takes 8 ms to compile at every start
_ASCII_INK = re.compile(r"[\x00-\x08\x0e-\x1b!-\x7f]")
_OTHER_INK = re.compile(r"[^\s\x00-\x7f]")  # any other character that is not a space


def _font_slots(text: str) -> list[str]:
    """The rFonts slots Word uses for ``text``: ascii, hAnsi (what Vietnamese letters use)."""
    slots = []
    if _ASCII_INK.search(text):
        slots.append("ascii")
    if _OTHER_INK.search(text):
        slots.append("hansi")
    return slots


RunFacts = tuple[tuple[str, ...], tuple[Font, ...], tuple[str, ...], tuple[tuple[str, str], ...]]


def _run_facts(ctx: Ctx, p: Para) -> RunFacts:
    """What ``p``'s runs show other than Times New Roman and black: fonts set directly on
    its runs (sorted) and fonts from a style, the defaults or the theme (in order); colours
    set directly (sorted) and from a style or the theme, as (source, colour), in order. Kept
    with its core for the same style sheet: the same paragraph shows the same."""
    props = ctx.doc.props(p)
    memo = ctx.doc.formatted(p)
    found: RunFacts | None = memo.get("run facts")
    if found is None:
        runs = [_one_run(ctx, text, rp) for text, rp in zip(p.texts, props, strict=True)]
        found = memo["run facts"] = runs[0] if len(runs) == 1 else _merged(runs)
    return found


def _one_run(ctx: Ctx, text: str, rp: RunProps) -> RunFacts:
    """:func:`_run_facts` of one run. It reads of the text only which font slots it uses
    and whether it shows ink, so runs of one format read alike are judged once per check."""
    key = ("run facts", id(rp), tuple(_font_slots(text)), bool(text.strip()))
    found: RunFacts | None = ctx.memo.get(key)
    if found is None:  # (RunProps are the style sheet's, alive all along: ids stay theirs)
        found = ctx.memo[key] = _judge_run(text, rp)
    return found


def _judge_run(text: str, rp: RunProps) -> RunFacts:
    direct: set[str] = set()
    styled: dict[Font, None] = {}
    for slot in _font_slots(text):
        font: Font = getattr(rp, slot)
        if font.name and font.name.strip().casefold() == "times new roman":
            continue
        if font.kind == "direct" and not font.theme:
            direct.add(font.name or "?")
        else:
            styled.setdefault(font, None)
    if not text.strip() or rp.colour in ("000000", "AUTO"):
        return tuple(sorted(direct)), tuple(styled), (), ()
    if rp.colour_direct:
        return tuple(sorted(direct)), tuple(styled), (rp.colour,), ()
    return tuple(sorted(direct)), tuple(styled), (), ((rp.colour_source, rp.colour),)


def _merged(runs: list[RunFacts]) -> RunFacts:
    """The facts of several runs together: sets sorted, the rest in order, once each."""
    return (tuple(sorted({f for run in runs for f in run[0]})),
            tuple(dict.fromkeys(f for run in runs for f in run[1])),
            tuple(sorted({c for run in runs for c in run[2]})),
            tuple(dict.fromkeys(c for run in runs for c in run[3])))


def _fonts(ctx: Ctx) -> Callable[[Para], tuple[tuple[str, ...], tuple[Font, ...]] | None]:
    def fonts(p: Para) -> tuple[tuple[str, ...], tuple[Font, ...]] | None:
        direct, styled, _, _ = _run_facts(ctx, p)
        return (direct, styled) if direct or styled else None
    return fonts


def _colours(ctx: Ctx) -> Callable[[Para], tuple[tuple[str, ...], tuple[tuple[str, str], ...]]
                                   | None]:
    def colours(p: Para) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]] | None:
        _, _, direct, styled = _run_facts(ctx, p)
        return (direct, styled) if direct or styled else None
    return colours


def check_fonts(ctx: Ctx) -> Iterator[Finding]:
    styled: dict[Font, list[Para]] = {}
    for p, (direct, fonts) in each(ctx.doc, "fonts", _fonts(ctx), formatted=True):
        for font in fonts:
            styled.setdefault(font, []).append(p)
        if direct:
            yield ctx.find(FONT, p, "Chữ dùng phông " + ", ".join(direct)
                           + " (định dạng trực tiếp).",
                           "Chọn đoạn chữ, đặt phông Times New Roman.")
    for font, paras in styled.items():
        yield _style_font_finding(ctx, font, paras)


_FONT_HINTS = {
    "direct": "Chọn đoạn chữ, đặt phông Times New Roman.",
    "defaults": "Đặt phông mặc định của văn bản là Times New Roman (Font > Set As Default).",
    "": "Đặt phông Times New Roman cho kiểu Normal hoặc làm phông mặc định (Set As Default).",
}


def _style_font_finding(ctx: Ctx, font: Font, paras: list[Para]) -> Finding:
    """One finding for all text whose font comes from the same style, defaults or theme."""
    count = len(dict.fromkeys(id(p) for p in paras))
    hint = _FONT_HINTS.get(font.kind, "Sửa phông của kiểu đó (Styles > Modify > Font) thành "
                                      "Times New Roman.")
    if font.theme:
        hint = hint.rstrip(".") + "; hoặc đổi phông chủ đề (Design > Fonts)."
    if font.name is None:
        return ctx.find(FONT, paras[0],
                        f"Phông chữ không được khai báo ở đâu ({count} đoạn); Word sẽ dùng phông "
                        "mặc định của máy.", hint, "warning")
    return ctx.find(FONT, paras[0],
                    f"Phông '{font.name}' lấy từ {font.source}, ảnh hưởng {count} đoạn.", hint)


def check_colours(ctx: Ctx) -> Iterator[Finding]:
    styled: dict[tuple[str, str], list[Para]] = {}
    for p, (direct, colours) in each(ctx.doc, "colours", _colours(ctx), formatted=True):
        for key in colours:
            styled.setdefault(key, []).append(p)
        if direct:
            yield ctx.find(COLOR, p, "Chữ có màu " + ", ".join(direct) + ".",
                           "Đặt màu chữ Automatic hoặc đen.")
    for (source, colour), paras in styled.items():
        count = len(dict.fromkeys(id(p) for p in paras))
        yield ctx.find(COLOR, paras[0],
                       f"Chữ màu {colour} lấy từ {source}, ảnh hưởng {count} đoạn.",
                       "Sửa màu chữ của kiểu đó thành Automatic hoặc đen.")


# -- text --------------------------------------------------------------------------------------

_TEMPLATE_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\[\^")
_BODY_NAMES = re.compile(r"(?i)(?:ủy|uỷ) ban nhân dân|hội đồng nhân dân")
# what follows a word in "…dân Xã Tân An": the tail of (\w+),? (Xã|Phường|Đặc khu) (\w)
_UNIT_TAIL = re.compile(r",? (Xã|Phường|Đặc khu) (\w)")


# What a paragraph must contain for each check below to find anything in it: a necessary
# condition, searched for once in all new paragraphs (see scan.py). "ban/đồng nhân dân" is in
# every casing of the body names once lower-cased (none of these letters matches another
# character than its capital under re.IGNORECASE; "i" would: "ı"); a unit name between
# spaces is in every _UNIT_TAIL match.
_NAMES_HINT = ("ban nhân dân", "đồng nhân dân")
_UNIT_HINT = (" Xã ", " Phường ", " Đặc khu ")
# every _TEMPLATE_TAG match is one of these
_TAG_HINT = ("{{", "}}", "{%", "%}", "{#", "#}", "[^")
_TEXT = "text findings"

Found = tuple[Rule, str, str, "Severity | None", "str | None"]  # ctx.find's arguments


def _text_candidates(texts: Texts) -> set[int]:
    if not texts.raw.normalized():  # every paragraph is read
        return set(range(texts.raw.count))
    raw = texts.raw
    return raw.containing(*_TAG_HINT) | texts.lower.containing(*_NAMES_HINT) | raw.containing(
        *_UNIT_HINT)


def _text_findings(text: str) -> tuple[Found, ...]:
    """What the text alone of a paragraph breaks: NFC, leftover tags, capitalisation."""
    if not text.strip():
        return ()
    out: list[Found] = []
    if not unicodedata.is_normalized("NFC", text):
        out.append((NFC, "Chữ tiếng Việt ở dạng Unicode tổ hợp (không phải NFC).",
                    "Chuyển mã sang Unicode dựng sẵn (Unikey: Công cụ chuyển mã, "
                    "Unicode tổ hợp → Unicode).", None, None))
    tag = _TEMPLATE_TAG.search(text)
    if tag:
        out.append((TEMPLATE_TAG, f"Còn sót thẻ mẫu '{tag.group()}'.",
                    "Điền nội dung thay cho thẻ hoặc xóa thẻ; kiểm tra lại dữ liệu mẫu.", None,
                    text[max(0, tag.start() - 20):tag.end() + 30]))
    out += _caps(text)
    return tuple(out)


fact(Fact(_TEXT, (), _text_findings, _text_candidates))


def facts(key: str) -> Callable[[Para], Any]:
    """A paragraph's text fact ``key`` (see :func:`~.scan.remember_facts`)."""
    return lambda p: p.core.memo[key]


def prepare_facts(paras: list[Para]) -> None:
    remember_facts(p.core for p in paras)


def check_text(ctx: Ctx) -> Iterator[Finding]:
    for p, found in each(ctx.doc, _TEXT, facts(_TEXT), prepare=prepare_facts):
        for rule_, message, hint, severity, quote_text in found:
            yield ctx.find(rule_, p, message, hint, severity, quote_text)


def unit_words(text: str) -> Iterator[tuple[str, str, str, int]]:
    """(word, unit, next letter, where the unit starts) for each match of
    ``(\\w+),? (Xã|Phường|Đặc khu) (\\w)`` that ``re.finditer`` finds in ``text``.

    The regex itself is quadratic on one long word (from every letter of it, ``\\w+`` runs to
    the word's end before failing). A match's word always ends right before its tail, and
    begins where the word begins or where the previous match ended, so finding the tails and
    walking back over the word gives the same matches in linear time."""
    start = search = 0  # a match may not start before ``start`` (the previous match's end)
    while (tail := _UNIT_TAIL.search(text, search)) is not None:
        end = tail.start()
        begin = word_start(text, end, start)
        if begin == end:  # no word right before it
            search = end + 1
            continue
        yield text[begin:end], tail.group(1), tail.group(2), tail.start(1)
        start = search = tail.end()


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _caps(text: str) -> list[Found]:
    text = _nfc(text)
    out: list[Found] = []
    for m in _BODY_NAMES.finditer(text):
        s = m.group()
        if s == s.upper() or s == s.lower() or s == s[0] + s[1:].lower():
            continue
        proper = s[0].upper() + s[1:].lower()
        out.append((CAPS, f"Viết hoa sai '{s}'.",
                    f"Viết '{proper}' (chỉ viết hoa chữ đầu của tên cơ quan).", None, s))
    for word, unit, letter, at in unit_words(text):
        # mid-sentence (after a lower-case word) and followed by a name, not a number
        if word[-1].islower() and letter.isupper():
            out.append((CAPS, f"'{unit}' là danh từ chung, không viết hoa.",
                        f"Viết '{unit.lower()}' (trừ đơn vị đặt theo số hoặc tên người).",
                        "warning", text[at:at + 30]))
    return out


# -- tone marks --------------------------------------------------------------------------------

# tone placement in open syllables: old style puts the mark on the second vowel (hoà, thuỷ)
_TONE_OLD = re.compile(r"\b\w*?(?:o[àáảãạèéẻẽẹ]|(?<![qQ])u[ỳýỷỹỵ])\b")
_TONE_NEW = re.compile(r"\b\w*?(?:[òóỏõọ][ae]|(?<![qQ])[ùúủũụ]y)\b")
# what a word matching each must end with: most paragraphs have none, and are skipped
_TONE_ENDINGS = {
    _TONE_OLD: re.compile(r"(?:o[àáảãạèéẻẽẹ]|u[ỳýỷỹỵ])(?!\w)"),
    _TONE_NEW: re.compile(r"(?:[òóỏõọ][ae]|[ùúủũụ]y)(?!\w)"),
}
# every word either pattern matches ends in one of these pairs (a few more do too)
_TONE_HINT = re.compile(r"[ouòóỏõọùúủũụ][àáảãạèéẻẽẹỳýỷỹỵaey](?!\w)")


@dataclass
class _Spelling:
    word: str
    para: Para
    count: int = 0


_TONE = "tone words"
ToneWord = tuple[int, str, str]  # 0: old placement, 1: new; the folded word; as written


def _tone_candidates(texts: Texts) -> set[int]:
    return texts.lower.which(_TONE_HINT)


# the ending of a word matching each (its lookbehind too): a match is the whole word ending so
_TONE_WORD_END = {
    _TONE_OLD: re.compile(r"(?:o[àáảãạèéẻẽẹ]|(?<![qQ])u[ỳýỷỹỵ])(?!\w)"),
    _TONE_NEW: re.compile(r"(?:[òóỏõọ][ae]|(?<![qQ])[ùúủũụ]y)(?!\w)"),
}
_WALK_BACK = 40  # letters walked back from an ending to its word's start, at most


def _tone_words(text: str) -> tuple[ToneWord, ...]:
    """Each word written with one tone placement or the other: what ``pattern.finditer``
    finds. ``\\b\\w*?(ending)\\b`` can only match a whole word that ends so (no match starts
    inside a word), so the rare endings are found at C speed and each word's start walked
    back to; a word longer than :data:`_WALK_BACK` is left to the pattern itself."""
    text = _nfc(text)
    small = text.lower()
    out: list[ToneWord] = []
    for kind, pattern in enumerate((_TONE_OLD, _TONE_NEW)):
        if not _TONE_ENDINGS[pattern].search(small):
            continue
        spans = []
        for m in _TONE_WORD_END[pattern].finditer(small):
            begin = word_start(small, m.start(), max(0, m.start() - _WALK_BACK))
            if begin > 0 and is_word_char(small[begin - 1]):
                spans = [(w.start(), w.end()) for w in pattern.finditer(small)]  # a long word
                break
            spans.append((begin, m.end()))
        out += [(kind, fold_short(small[a:b]), text[a:b]) for a, b in spans]
    return tuple(out)


fact(Fact(_TONE, (), _tone_words, _tone_candidates))


def check_tone(ctx: Ctx) -> Iterator[Finding]:
    old: dict[str, _Spelling] = {}
    new: dict[str, _Spelling] = {}
    for p, words in each(ctx.doc, _TONE, facts(_TONE), prepare=prepare_facts):
        for kind, key, word in words:
            seen = new if kind else old
            found = seen.get(key)
            if found is None:  # (not setdefault: a plan repeats its words, each made once)
                found = seen[key] = _Spelling(word, p)
            found.count += 1
    both = [k for k in old if k in new]
    in_both = set(both)
    for key in both:
        rare, common = sorted((old[key], new[key]), key=lambda s: s.count)
        yield ctx.find(TONE, rare.para, f"Cùng một chữ viết hai cách bỏ dấu: "
                       f"'{rare.word}' ({rare.count} lần) và '{common.word}' ({common.count} lần).",
                       "Thống nhất một cách bỏ dấu; văn bản hành chính thường viết 'Ủy', 'hòa', "
                       "'thủy' (dấu trên nguyên âm đầu).", quote_text=rare.word)
    rest_old = [v for k, v in old.items() if k not in in_both]
    rest_new = [v for k, v in new.items() if k not in in_both]
    if rest_old and rest_new:
        yield ctx.find(TONE, rest_old[0].para,
                       f"Văn bản dùng lẫn hai cách bỏ dấu (kiểu cũ '{rest_old[0].word}', kiểu mới "
                       f"'{rest_new[0].word}').",
                       "Thống nhất kiểu bỏ dấu mới: 'hòa', 'thủy', 'Ủy'.", "warning",
                       quote_text=rest_old[0].word)
