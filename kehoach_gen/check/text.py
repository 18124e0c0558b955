"""Fonts, colours and the text itself: NFC, leftover template tags, capitalisation (Phụ lục
II) and one tone-mark placement throughout."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from ..ooxml.document import DocModel, Para
from ..ooxml.styles import Font
from .common import Ctx
from .report import Finding
from .rules import rule
from .scan import Scan
from .words import fold

FONT = rule("ND30-FONT", "Mọi chữ dùng phông Times New Roman (Unicode).")
COLOR = rule("ND30-COLOR", "Chữ màu đen.")
NFC = rule("ND30-NFC", "Văn bản ở dạng Unicode dựng sẵn (NFC).")
CAPS = rule("ND30-CAPS", "Viết hoa theo Phụ lục II: 'Ủy ban nhân dân', 'Hội đồng nhân dân'.")
TONE = rule("ND30-TONE", "Một cách bỏ dấu thống nhất trong văn bản ('Ủy', 'Hòa', 'Thủy').")
TEMPLATE_TAG = rule("TEMPLATE-TAG", "Không còn thẻ mẫu ({{ }}, {% %}) hay dấu chú thích [^…] sót "
                                    "lại.")


def every_para(doc: DocModel) -> Iterator[Para]:
    yield from doc.paras
    yield from doc.extra
    for part in doc.parts:
        yield from part.paras


# -- fonts -------------------------------------------------------------------------------------


_ASCII_INK = re.compile(r"[^\s\x80-\U0010ffff]")  # an ASCII character that is not a space
_OTHER_INK = re.compile(r"[^\s\x00-\x7f]")  # any other character that is not a space


def _font_slots(text: str) -> list[str]:
    """The rFonts slots Word uses for ``text``: ascii, hAnsi (what Vietnamese letters use)."""
    slots = []
    if _ASCII_INK.search(text):
        slots.append("ascii")
    if _OTHER_INK.search(text):
        slots.append("hansi")
    return slots


def check_fonts(ctx: Ctx) -> Iterator[Finding]:
    styled: dict[Font, list[Para]] = {}
    for p in every_para(ctx.doc):
        direct: set[str] = set()
        for text, props in zip(p.texts, ctx.doc.props(p), strict=True):
            for slot in _font_slots(text):
                font: Font = getattr(props, slot)
                if font.name and font.name.strip().casefold() == "times new roman":
                    continue
                if font.kind == "direct" and not font.theme:
                    direct.add(font.name or "?")
                else:
                    styled.setdefault(font, []).append(p)
        if direct:
            yield ctx.find(FONT, p, "Chữ dùng phông " + ", ".join(sorted(direct))
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
    for p in every_para(ctx.doc):
        direct: set[str] = set()
        for text, props in zip(p.texts, ctx.doc.props(p), strict=True):
            if not text.strip():
                continue
            if props.colour in ("000000", "AUTO"):
                continue
            if props.colour_direct:
                direct.add(props.colour)
            else:
                styled.setdefault((props.colour_source, props.colour), []).append(p)
        if direct:
            yield ctx.find(COLOR, p, "Chữ có màu " + ", ".join(sorted(direct)) + ".",
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


def _scans(ctx: Ctx) -> tuple[list[Para], Scan, Scan, Scan]:
    """Every paragraph, and scans of their texts, NFC texts and lower-case NFC texts."""
    if "text scans" not in ctx.memo:
        paras = list(every_para(ctx.doc))
        raw = Scan([p.text for p in paras])
        nfc = raw if raw.normalized() else raw.map(lambda s: unicodedata.normalize("NFC", s))
        ctx.memo["text scans"] = (paras, raw, nfc, nfc.map(str.lower))
    found: tuple[list[Para], Scan, Scan, Scan] = ctx.memo["text scans"]
    return found


# What a paragraph must contain for each check below to find anything in it: a necessary
# condition, searched for once in all paragraphs (see scan.py). "ban/đồng nhân dân" is in
# every casing of the body names once lower-cased (none of these letters matches another
# character than its capital under re.IGNORECASE; "i" would: "ı"); a unit name between
# spaces is in every _UNIT_TAIL match.
_NAMES_HINT = re.compile("(?:ban|đồng) nhân dân")
_UNIT_HINT = re.compile(" (?:Xã|Phường|Đặc khu) ")


def check_text(ctx: Ctx) -> Iterator[Finding]:
    paras, raw, nfc, lower = _scans(ctx)
    all_nfc = nfc is raw
    candidates = raw.which(_TEMPLATE_TAG) | lower.which(_NAMES_HINT) | nfc.which(_UNIT_HINT)
    for k, p in enumerate(paras):
        if all_nfc and k not in candidates:
            continue  # nothing in it any check below can find
        if p.blank:
            continue
        if not unicodedata.is_normalized("NFC", p.text):
            yield ctx.find(NFC, p, "Chữ tiếng Việt ở dạng Unicode tổ hợp (không phải NFC).",
                           "Chuyển mã sang Unicode dựng sẵn (Unikey: Công cụ chuyển mã, "
                           "Unicode tổ hợp → Unicode).")
        tag = _TEMPLATE_TAG.search(p.text)
        if tag:
            yield ctx.find(TEMPLATE_TAG, p, f"Còn sót thẻ mẫu '{tag.group()}'.",
                           "Điền nội dung thay cho thẻ hoặc xóa thẻ; kiểm tra lại dữ liệu mẫu.",
                           quote_text=p.text[max(0, tag.start() - 20):tag.end() + 30])
        yield from _check_caps(ctx, p)


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
        begin = end
        while begin > start and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
            begin -= 1
        if begin == end:  # no word right before it
            search = end + 1
            continue
        yield text[begin:end], tail.group(1), tail.group(2), tail.start(1)
        start = search = tail.end()


def _nfc(text: str) -> str:
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def _check_caps(ctx: Ctx, p: Para) -> Iterator[Finding]:
    text = _nfc(p.text)
    for m in _BODY_NAMES.finditer(text):
        s = m.group()
        if s == s.upper() or s == s.lower() or s == s[0] + s[1:].lower():
            continue
        proper = s[0].upper() + s[1:].lower()
        yield ctx.find(CAPS, p, f"Viết hoa sai '{s}'.",
                       f"Viết '{proper}' (chỉ viết hoa chữ đầu của tên cơ quan).", quote_text=s)
    for word, unit, letter, at in unit_words(text):
        # mid-sentence (after a lower-case word) and followed by a name, not a number
        if word[-1].islower() and letter.isupper():
            yield ctx.find(CAPS, p, f"'{unit}' là danh từ chung, không viết hoa.",
                           f"Viết '{unit.lower()}' (trừ đơn vị đặt theo số hoặc tên người).",
                           "warning", quote_text=text[at:at + 30])


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


def check_tone(ctx: Ctx) -> Iterator[Finding]:
    old: dict[str, _Spelling] = {}
    new: dict[str, _Spelling] = {}
    paras, _, _, lower = _scans(ctx)
    candidates = lower.which(_TONE_HINT)
    for k, p in enumerate(paras):
        if k not in candidates:
            continue
        text = _nfc(p.text)
        small = text.lower()
        for pattern, seen in ((_TONE_OLD, old), (_TONE_NEW, new)):
            if not _TONE_ENDINGS[pattern].search(small):
                continue
            for m in pattern.finditer(small):
                found = seen.setdefault(fold(m.group()), _Spelling(text[m.start():m.end()], p))
                found.count += 1
    both = [k for k in old if k in new]
    in_both = set(both)
    for key in both:
        rare, common = sorted((old[key], new[key]), key=lambda s: s.count)
        yield ctx.find(TONE, rare.para, f"Cùng một chữ viết hai cách bỏ dấu: "
                       f"'{rare.word}' ({rare.count} lần) và '{common.word}' ({common.count} lần).",
                       "Thống nhất một cách, theo Nghị định 30: 'Ủy', 'hòa', 'thủy' (dấu trên "
                       "nguyên âm đầu).", quote_text=rare.word)
    rest_old = [v for k, v in old.items() if k not in in_both]
    rest_new = [v for k, v in new.items() if k not in in_both]
    if rest_old and rest_new:
        yield ctx.find(TONE, rest_old[0].para,
                       f"Văn bản dùng lẫn hai cách bỏ dấu (kiểu cũ '{rest_old[0].word}', kiểu mới "
                       f"'{rest_new[0].word}').",
                       "Thống nhất kiểu bỏ dấu mới: 'hòa', 'thủy', 'Ủy'.", "warning",
                       quote_text=rest_old[0].word)
