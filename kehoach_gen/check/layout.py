"""Recognising the parts of a plan: header, title, trích yếu, body, closing, appendices.

Parts are found by their text ("KẾ HOẠCH", "Số:", "Nơi nhận:", "Phụ lục" …), never by our own
style names, so that a plan typed by hand is read as fairly as a generated one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from ..ooxml.document import DocModel
from ..ooxml.element import El
from ..ooxml.nodes import Core, Para
from ..ooxml.ns import TXBX_CONTENT
from .scan import remember_all
from .words import fold, fold_all, fold_short, squash, starts_folded

DOC_TYPES = {  # folded title → ký hiệu code (Phụ lục III)
    "ke hoach": "KH", "quyet dinh": "QĐ", "bao cao": "BC", "thong bao": "TB", "huong dan": "HD",
    "chuong trinh": "CTr", "to trinh": "TTr", "quy dinh": "QyĐ", "phuong an": "PA", "de an": "ĐA",
}
_MARKS = ("du thao", "mat", "khan")  # "DỰ THẢO", "MẬT", "KHẨN" beside the header
AUTH_OK = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
AUTH_BAD = re.compile(r"^(K/T|T/L|T/M|TUQ/|K\.T\b|T\.M\b|T\.L\b|(TM|KT|TL|TUQ)(?=[\s:/]))")
# the "Số:" line, its number a number or what stands for one in a draft: spaces, dots, the "…"
# Word's AutoCorrect makes of three dots, underscores
_SO_LINE = re.compile(r"^so\s*[:.]?\s*[\d\s._…]*/")
_NUMERIC_DATE = re.compile(r"\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}$")
_APPENDIX_HEAD = re.compile(r"^phu luc(\s+([ivxlc]+|\d+))?$")


def _is_date_line(folded: str) -> bool:
    """``ngay.*thang.*nam|, ngay|<d>/<m>/<yyyy>$`` on folded text, without the regex's
    backtracking (quadratic on a line of many "ngay"): the first "ngay", then "thang" after it,
    then "nam" after that, is the same test."""
    day = folded.find("ngay")
    month = folded.find("thang", day + 4) if day >= 0 else -1
    if month >= 0 and folded.find("nam", month + 5) >= 0:
        return True
    return ", ngay" in folded or bool(_NUMERIC_DATE.search(folded))


class Folds:
    """``fold(p.text)`` of each paragraph, computed once, and only as far as needed.

    Detection mostly asks whether a folded text *starts* with a few words ("noi nhan", "kinh
    gui") or *is* one ("ke hoach"). Folding works character by character (NFD, marks dropped,
    case folded) and the final squeezing of spaces keeps prefixes, so the fold of a text's
    first characters is a prefix of the fold of the whole text: those questions are answered
    from the first :data:`HEAD` characters of every paragraph, folded together in one pass.
    Both folds are kept with the paragraph's core (its text never changes)."""

    HEAD = 32  # the longest question is 12 folded characters; folding costs per character

    def __init__(self, paras: list[Para], fresh: list[Core] | None = None) -> None:
        """``fresh``: the cores of ``paras`` that may lack their folds (those made for this
        document, whose blocks no document before showed); None: any of them may."""
        self._paras = paras
        self._fresh = fresh
        self._heads = False

    def __call__(self, p: Para) -> str:
        """The whole folded text."""
        memo = p.core.memo
        found: str | None = memo.get(_FOLD)
        if found is None:
            found = memo[_FOLD] = fold(p.text)
        return found

    def _head(self, p: Para, length: int) -> str:
        """A prefix of ``self(p)``: the whole of it, or longer than ``length``."""
        head: str | None = p.core.memo.get(_HEAD)
        if head is None and 0 <= p.i < len(self._paras) and self._paras[p.i] is p \
                and not self._heads:
            self._heads = True
            remember_all(self._fresh if self._fresh is not None else
                         (q.core for q in self._paras), _HEAD,
                         lambda texts: fold_all([t[:self.HEAD] for t in texts]))
            head = p.core.memo.get(_HEAD)  # (None: a core not fresh, read before but not folded)
        if head is not None and (len(p.text) <= self.HEAD or len(head) > length):
            return head
        return self(p)

    def starts(self, p: Para, prefix: str) -> bool:
        """``fold(p.text).startswith(prefix)``."""
        return self._head(p, len(prefix)).startswith(prefix)

    def is_one_of(self, p: Para, keys: Collection[str]) -> bool:
        """``fold(p.text) in keys``."""
        longest = max(map(len, keys))
        head = self._head(p, longest)
        return head in keys if len(head) <= longest else False


_FOLD, _HEAD = "fold", "fold of the first characters"


@dataclass(eq=False)
class Line:
    """A line of a paragraph (split at line breaks; in a header typed with tabs, at tabs too),
    or the whole paragraph (``runs`` None). ``column`` says which column of the header it sits
    in (a table cell, a text box, the stretch after so many tabs; None when it cannot tell);
    ``align`` is the alignment a tab stop gives it (None: the paragraph's)."""

    para: Para
    text: str
    runs: list[El] | None = None
    column: Any = None
    align: str | None = None

    @property
    def where(self) -> str:
        return self.para.where

    @property
    def whole(self) -> bool:
        return self.runs is None and self.align is None


@dataclass(eq=False)
class Appendix:
    heading: Para
    title: list[Para]
    kem_theo: Line | None


@dataclass(frozen=True)
class Unit:
    """The issuing unit as its header names it: ``noun`` as written in a sentence ("thị xã"),
    its folded key ("thi xa"), its name as written ("CỬA LÒ"), and its tier: "commune" (xã,
    phường, đặc khu, thị trấn), "district" (quận, huyện, thị xã, thành phố thuộc tỉnh) or
    "province" (tỉnh, thành phố trực thuộc Trung ương)."""

    noun: str
    key: str
    name: str
    tier: str


# longest first: "thị xã" before "xã", "thành phố" before anything in it
UNIT_NOUNS = {"thanh pho": "thành phố", "thi tran": "thị trấn", "thi xa": "thị xã",
              "dac khu": "đặc khu", "phuong": "phường", "huyen": "huyện", "quan": "quận",
              "tinh": "tỉnh", "xa": "xã"}
_UNIT_NOUN = re.compile(r"(?<!\w)(" + "|".join(UNIT_NOUNS) + r")\s+(?=\S)")
_TIERS = {"xa": "commune", "phuong": "commune", "dac khu": "commune", "thi tran": "commune",
          "quan": "district", "huyen": "district", "thi xa": "district", "tinh": "province"}


@dataclass(eq=False)
class Layout:
    """Where the parts of the plan are (None / empty when not found). The header's elements
    and the title are :class:`Line` s: a plan may type the Quốc hiệu and the tiêu ngữ in one
    paragraph with a line break, its header in text boxes or in columns set by tabs."""

    header: list[Para]
    title: Para | None
    title_line: Line | None
    doc_type: str | None
    quoc_hieu: Line | None
    tieu_ngu: Line | None
    so: Line | None
    date: Line | None
    issuer: list[Line]
    trich_yeu: list[Line]
    body: list[Para]
    closing: list[Para]
    appendices: list[Appendix]
    folds: Folds

    @classmethod
    def detect(cls, doc: DocModel) -> Layout:
        folds = Folds(doc.paras, doc.fresh)
        paras = [p for p in doc.paras if p.section == 0] or doc.paras
        title_line = _title(paras, folds)
        title = title_line.para if title_line else None
        trich_yeu = _trich_yeu(doc, title_line) if title_line else []
        start = (trich_yeu[-1].para.i if trich_yeu else title.i if title else -1) + 1
        closing_at = _closing_start(doc, start)
        appendices = _appendices(doc, start if closing_at is None else closing_at, folds)
        header = _header_region(doc, title, appendices)
        quoc_hieu, tieu_ngu, so, date, issuer = _header_fields(doc, header, folds, title is not None)
        body, closing = _body_and_closing(doc, header, start, closing_at, appendices)
        doc_type = DOC_TYPES.get(fold(title_line.text)) if title_line else None
        return cls(header, title, title_line, doc_type, quoc_hieu, tieu_ngu, so, date, issuer,
                   trich_yeu, body, closing, appendices, folds)

    @property
    def issuer_text(self) -> str:
        return " ".join(squash(line.text) for line in self.issuer)

    @cached_property
    def issuer_unit(self) -> Unit | None:
        """The unit the issuer names after its body ("ỦY BAN NHÂN DÂN THỊ XÃ CỬA LÒ"): the
        first level noun, longest first ("thị xã" is not a "xã"), and the name after it."""
        text = self.issuer_text
        folded = fold(text)
        m = _UNIT_NOUN.search(folded)
        if m is None:
            return None
        key = m.group(1)
        words, folded_words = text.split(), folded.split()
        skip = len(folded[:m.end()].split())
        name = " ".join(words[skip:]) if len(words) == len(folded_words) else folded[m.end():]
        tier = _TIERS.get(key) or ("province" if _is_province(folded[m.end():]) else "district")
        return Unit(UNIT_NOUNS[key], key, name, tier)

    @property
    def issuer_level(self) -> str | None:
        """The folded level noun of the issuer ("xa", "thi xa", "huyen" …), "city" for a
        province or a city under the central government."""
        unit = self.issuer_unit
        if unit is None:
            return None
        return "city" if unit.tier == "province" else unit.key

    @property
    def issuer_place(self) -> str:
        """The unit's own name in folded form ("tan an"), for comparing places."""
        unit = self.issuer_unit
        return fold(unit.name) if unit else ""


def _header_fields(doc: DocModel, header: list[Para], folds: Folds, titled: bool
                   ) -> tuple[Line | None, Line | None, Line | None, Line | None, list[Line]]:
    """Quốc hiệu, tiêu ngữ, the "Số:" line, the place and date line and the issuer's lines
    among the header's lines."""
    lines = _header_lines(doc, header, folds)
    find = _finder(lines, folds)
    quoc_hieu = find(lambda f: f.startswith("cong hoa xa hoi chu nghia viet nam"))
    tieu_ngu = find(lambda f: f.startswith("doc lap"))  # (header lines: few)
    so = find(lambda f: bool(_SO_LINE.match(f)))
    date = find(_is_date_line)
    issuer = _issuer_lines(lines, quoc_hieu, {id(tieu_ngu), id(so), id(date)}, folds) if (
        titled or quoc_hieu or so) else []
    return quoc_hieu, tieu_ngu, so, date, issuer


def _body_and_closing(doc: DocModel, header: list[Para], start: int, closing_at: int | None,
                      appendices: list[Appendix]) -> tuple[list[Para], list[Para]]:
    """The body's paragraphs outside tables and the header, from ``start``; the closing's
    (Nơi nhận, signature) from ``closing_at`` to the first appendix, in one section."""
    end_of_text = appendices[0].heading.i if appendices else len(doc.paras)
    end = closing_at if closing_at is not None else end_of_text
    in_header = {id(p) for p in header}
    body = [p for p in doc.paras[start:end] if p.table is None and id(p) not in in_header]
    closing = doc.paras[end:end_of_text] if closing_at is not None else []
    closing = [p for p in closing if p.section == closing[0].section] if closing else []
    return body, closing


def _is_province(folded_name: str) -> bool:
    """Whether a "thành phố …" is one of the official provinces (a city under the central
    government, as Hải Phòng), rather than a city inside a province (as Vinh)."""
    return folded_name in _province_names()


@functools.lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    from vietnam_provinces import Province  # the official list, read only when needed

    names = set()
    for province in Province.iter_all():
        name = fold(province.name)
        for prefix in ("thanh pho ", "tinh "):
            name = name.removeprefix(prefix)
        names.add(name)
    return frozenset(names)


def _title(paras: Sequence[Para], folds: Folds) -> Line | None:
    """"KẾ HOẠCH" alone in its paragraph, or as the first line of one (with the trích yếu
    after a line break)."""
    for p in paras:
        if p.table is not None:
            continue
        if folds.is_one_of(p, DOC_TYPES):
            return Line(p, p.text)
        head = p.text[:40]
        if "\n" in head and fold(head.split("\n", 1)[0]) in DOC_TYPES:
            return _lines_of(p)[0]
    return None


def _lines_of(p: Para, doc: DocModel | None = None) -> list[Line]:
    """The non-blank lines of a paragraph, each with the runs that show it."""
    out: list[tuple[list[str], list[El]]] = [([], [])]
    for r, text in zip(p.runs, p.texts, strict=True):
        for n, piece in enumerate(text.split("\n")):
            if n:
                out.append(([], []))
            out[-1][0].append(piece)
            if piece.strip():
                out[-1][1].append(r)
    lines = [Line(p, "".join(texts), runs) for texts, runs in out]
    return [line for line in lines if line.text.strip()]


def _finder(lines: Sequence[Line],
            folds: Folds) -> Callable[[Callable[[str], bool]], Line | None]:
    def find(pred: Callable[[str], bool]) -> Line | None:
        return next((line for line in lines
                     if pred(folds(line.para) if line.whole else fold_short(line.text))), None)
    return find


def _header_region(doc: DocModel, title: Para | None,
                   appendices: Sequence[Appendix]) -> list[Para]:
    """Paragraphs before the title; without a title, the first table if the document starts
    with one, else the first few paragraphs (never into an appendix)."""
    if title is not None:
        return [p for p in doc.paras if p.i < title.i]
    if doc.tables and doc.tables[0].first == 0:
        return [p for p in doc.paras if p.table == 0]
    stop = appendices[0].heading.i if appendices else len(doc.paras)
    return doc.paras[:min(stop, 12)]


def _header_lines(doc: DocModel, header: Sequence[Para], folds: Folds) -> list[Line]:
    """The lines of the header, in order: each paragraph's, then those of its text boxes."""
    boxes: dict[int, list[Para]] = {}
    if doc.extra:
        in_header = {id(p) for p in header}
        for q in doc.extra:
            if q.host is not None and id(q.host) in in_header:
                boxes.setdefault(id(q.host), []).append(q)
    out: list[Line] = []
    for p in header:
        out += _pieces(doc, p)
        for q in boxes.get(id(p), ()):
            box = next(q.el.iterancestors(TXBX_CONTENT), None)
            out += [replace(line, column=("box", id(box))) for line in _pieces(doc, q)]
    return out


def _pieces(doc: DocModel, p: Para) -> list[Line]:
    """A header paragraph as lines: whole when it is one line; split at line breaks; a
    paragraph of the body itself (not a cell, not a text box) also at tabs, each piece in
    the column of the tabs before it, aligned as the tab stop it reaches."""
    if p.blank:
        return []
    column = ("cell", p.table, p.col) if p.table is not None else None
    tabs = p.table is None and p.kind == "body" and "\t" in p.text
    if "\n" not in p.text and not tabs:
        return [Line(p, p.text, column=column)]
    if not tabs:
        return [replace(line, column=column) for line in _lines_of(p)]
    stops = doc.tab_stops(p)
    out: list[Line] = []
    texts: list[str] = []
    runs: list[El] = []
    col = 0

    def close() -> None:
        text = "".join(texts)
        if text.strip():
            align = None if col == 0 else (
                _TAB_ALIGN.get(stops[col - 1][1], "left") if col <= len(stops) else "left")
            out.append(Line(p, text, list(runs), ("tab", col), align))
        texts.clear()
        runs.clear()

    for r, text in zip(p.runs, p.texts, strict=True):
        for piece in re.split(r"([\t\n])", text):
            if piece in ("\t", "\n"):
                close()
                col = col + 1 if piece == "\t" else 0
            elif piece:
                texts.append(piece)
                if piece.strip() and (not runs or runs[-1] is not r):
                    runs.append(r)
    close()
    return out


_TAB_ALIGN = {"center": "center", "right": "right", "end": "right", "left": "left",
              "start": "left"}


def _issuer_lines(lines: Sequence[Line], qh: Line | None, special: set[int],
                  folds: Folds) -> list[Line]:
    """The issuing body: header lines that are not Quốc hiệu, tiêu ngữ, number or date, and
    not in the Quốc hiệu's column."""
    out = []
    for line in lines:
        if line is qh or id(line) in special or not line.text.strip():
            continue
        if (folds.is_one_of(line.para, _MARKS) if line.whole else fold(line.text) in _MARKS):
            continue
        if qh is not None and qh.column is not None and line.column == qh.column:
            continue
        out.append(line)
    return out


def _trich_yeu(doc: DocModel, title: Line) -> list[Line]:
    """The lines after "KẾ HOẠCH" in its paragraph, then up to three bold, centred
    paragraphs after it."""
    out: list[Line] = []
    if not title.whole:
        out += _lines_of(title.para)[1:]
    taken = 0
    for k in range(title.para.i + 1, len(doc.paras)):
        p = doc.paras[k]
        if p.blank:
            if out:
                break
            continue
        if out:
            look = doc.look(p)
            if not (look.bold and look.align == "center") or p.table is not None:
                break
        out.append(Line(p, p.text))
        taken += 1
        if taken == 3:
            break
    return out


_AUTH_INITIALS = ("T", "K", "Q")  # what AUTH_OK and AUTH_BAD can start with


def _is_authority(text: str) -> bool:
    return bool(AUTH_OK.match(text) or AUTH_BAD.match(text))


@functools.lru_cache(maxsize=4096)  # (by text: every unit's plan says much the same)
def _opens_closing(text: str) -> bool:
    """Whether a paragraph saying ``text`` starts the Nơi nhận / signature block."""
    return starts_folded(text, "noi nhan") or (
        text.lstrip()[:1] in _AUTH_INITIALS and _is_authority(squash(text)))


def _closing_start(doc: DocModel, start: int) -> int | None:
    """Index of the first paragraph of the Nơi nhận / signature block."""
    paras = doc.paras
    for k in range(max(start, 0), len(paras)):
        p = paras[k]
        if _opens_closing(p.text):
            if p.table is not None:
                return doc.tables[p.table].first
            return p.i
    return None


def _appendices(doc: DocModel, start: int, folds: Folds) -> list[Appendix]:
    # (a heading's first line folds to "phu luc …", so the whole paragraph starts so too)
    heads = [p for p in doc.paras[start:] if p.table is None and folds.starts(p, "phu luc")
             and _APPENDIX_HEAD.match(fold(p.text.strip().split("\n")[0]))]
    out = []
    for n, head in enumerate(heads):
        stop = heads[n + 1].i if n + 1 < len(heads) else len(doc.paras)
        title: list[Para] = []
        # "Phụ lục", its title and "(Kèm theo …)" may be lines of one paragraph
        kem_theo = next((line for line in _lines_of(head)[1:] if _is_kem_theo(line.text)),
                        None) if "\n" in head.text else None
        for k in range(head.i + 1, stop if kem_theo is None else head.i + 1):
            p = doc.paras[k]
            if p.table is not None:
                break
            if p.blank:
                continue
            if p.text.strip().startswith("(") or folds.starts(p, "kem theo"):
                kem_theo = Line(p, p.text)
                break
            title.append(p)
        out.append(Appendix(head, title, kem_theo))
    return out


def _is_kem_theo(text: str) -> bool:
    return text.strip().startswith("(") or fold(text[:20]).startswith("kem theo")
