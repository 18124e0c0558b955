"""Recognising the parts of a plan: header, title, trích yếu, body, closing, appendices.

Parts are found by their text ("KẾ HOẠCH", "Số:", "Nơi nhận:", "Phụ lục" …), never by our own
style names, so that a plan typed by hand is read as fairly as a generated one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from ..ooxml.document import DocModel, Para
from .words import fold, fold_all, squash

DOC_TYPES = {  # folded title → ký hiệu code (Phụ lục III)
    "ke hoach": "KH", "quyet dinh": "QĐ", "bao cao": "BC", "thong bao": "TB", "huong dan": "HD",
    "chuong trinh": "CTr", "to trinh": "TTr", "quy dinh": "QyĐ", "phuong an": "PA", "de an": "ĐA",
}
LEVELS = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu"}
_MARKS = ("du thao", "mat", "khan")  # "DỰ THẢO", "MẬT", "KHẨN" beside the header
AUTH_OK = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
AUTH_BAD = re.compile(r"^(K/T|T/L|T/M|TUQ/|K\.T\b|T\.M\b|T\.L\b|(TM|KT|TL|TUQ)(?=[\s:/]))")
_SO_LINE = re.compile(r"^so\s*[:.]?\s*[\d\s.]*/")
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
    from the first :data:`HEAD` characters of every paragraph, folded together in one pass."""

    HEAD = 64

    def __init__(self, paras: list[Para]) -> None:
        self._paras = paras
        self._heads: list[str] | None = None
        self._full: dict[int, tuple[str, Para]] = {}

    def __call__(self, p: Para) -> str:
        """The whole folded text."""
        found = self._full.get(id(p))
        if found is None:
            found = self._full[id(p)] = (fold(p.text), p)  # p kept: its id stays its own
        return found[0]

    def _head(self, p: Para, length: int) -> str:
        """A prefix of ``self(p)``: the whole of it, or longer than ``length``."""
        if 0 <= p.i < len(self._paras) and self._paras[p.i] is p:
            if self._heads is None:
                self._heads = fold_all([q.text[:self.HEAD] for q in self._paras])
            head = self._heads[p.i]
            if len(p.text) <= self.HEAD or len(head) > length:
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


@dataclass(eq=False)
class Appendix:
    heading: Para
    title: list[Para]
    kem_theo: Para | None


@dataclass(eq=False)
class Layout:
    """Where the parts of the plan are (None / empty when not found)."""

    header: list[Para]
    title: Para | None
    doc_type: str | None
    quoc_hieu: Para | None
    tieu_ngu: Para | None
    so: Para | None
    date: Para | None
    issuer: list[Para]
    trich_yeu: list[Para]
    body: list[Para]
    closing: list[Para]
    appendices: list[Appendix]
    folds: Folds

    @classmethod
    def detect(cls, doc: DocModel) -> Layout:
        folds = Folds(doc.paras)
        paras = [p for p in doc.paras if p.section == 0] or doc.paras
        title = next((p for p in paras if p.table is None and folds.is_one_of(p, DOC_TYPES)),
                     None)
        trich_yeu = _trich_yeu(doc, title) if title else []
        start = (trich_yeu[-1].i if trich_yeu else title.i if title else -1) + 1
        closing_at = _closing_start(doc, start, folds)
        appendices = _appendices(doc, start if closing_at is None else closing_at, folds)
        header = _header_region(doc, title, appendices)
        find = _finder(header, folds)
        quoc_hieu = find(lambda f: f.startswith("cong hoa xa hoi chu nghia viet nam"))
        tieu_ngu = find(lambda f: f.startswith("doc lap"))  # (header paragraphs: few)
        so = find(lambda f: bool(_SO_LINE.match(f)))
        date = find(_is_date_line)
        issuer = _issuer_paras(header, quoc_hieu, {tieu_ngu, so, date}, folds) if (
            title or quoc_hieu or so) else []
        end = closing_at if closing_at is not None else (
            appendices[0].heading.i if appendices else len(doc.paras))
        in_header = {id(p) for p in header}
        body = [p for p in doc.paras[start:end] if p.table is None and id(p) not in in_header]
        closing_end = appendices[0].heading.i if appendices else len(doc.paras)
        closing = doc.paras[end:closing_end] if closing_at is not None else []
        closing = [p for p in closing if p.section == closing[0].section] if closing else []
        return cls(header, title, DOC_TYPES.get(folds(title)) if title else None,
                   quoc_hieu, tieu_ngu, so, date, issuer, trich_yeu, body, closing, appendices,
                   folds)

    @property
    def issuer_text(self) -> str:
        return " ".join(squash(p.text) for p in self.issuer)

    @property
    def issuer_level(self) -> str | None:
        """"xa", "phuong", "dac khu" for a commune-level issuer, "city" for a province/city."""
        folded = fold(self.issuer_text)
        m = re.search(r"\b(xa|phuong|dac khu|thanh pho|tinh)\s+\S", folded)
        if not m:
            return None
        return m.group(1) if m.group(1) in LEVELS else "city"

    @property
    def issuer_place(self) -> str:
        """The unit's own name in folded form ("tan an"), for comparing places."""
        m = re.search(r"\b(xa|phuong|dac khu|thanh pho|tinh)\s+(.+)$", fold(self.issuer_text))
        return m.group(2) if m else ""


def _finder(paras: Sequence[Para],
            folds: Folds) -> Callable[[Callable[[str], bool]], Para | None]:
    def find(pred: Callable[[str], bool]) -> Para | None:
        return next((p for p in paras if not p.blank and pred(folds(p))), None)
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


def _issuer_paras(header: Sequence[Para], qh: Para | None, special: set[Para | None],
                  folds: Folds) -> list[Para]:
    """The issuing body: header lines that are not Quốc hiệu, tiêu ngữ, number or date, and
    not in the Quốc hiệu's column."""
    out = []
    for p in header:
        if p.blank or p is qh or p in special or folds.is_one_of(p, _MARKS):
            continue
        if qh is not None and qh.table is not None and p.table == qh.table and p.col == qh.col:
            continue
        out.append(p)
    return out


def _trich_yeu(doc: DocModel, title: Para) -> list[Para]:
    out: list[Para] = []
    for k in range(title.i + 1, len(doc.paras)):
        p = doc.paras[k]
        if p.blank:
            if out:
                break
            continue
        if out:
            look = doc.look(p)
            if not (look.bold and look.align == "center") or p.table is not None:
                break
        out.append(p)
        if len(out) == 3:
            break
    return out


_AUTH_INITIALS = ("T", "K", "Q")  # what AUTH_OK and AUTH_BAD can start with


def _is_authority(text: str) -> bool:
    return bool(AUTH_OK.match(text) or AUTH_BAD.match(text))


def _closing_start(doc: DocModel, start: int, folds: Folds) -> int | None:
    """Index of the first paragraph of the Nơi nhận / signature block."""
    for k in range(max(start, 0), len(doc.paras)):
        p = doc.paras[k]
        if folds.starts(p, "noi nhan") or (
                p.text.lstrip()[:1] in _AUTH_INITIALS and _is_authority(squash(p.text))):
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
        kem_theo = None
        for k in range(head.i + 1, stop):
            p = doc.paras[k]
            if p.table is not None:
                break
            if p.blank:
                continue
            if p.text.strip().startswith("(") or folds.starts(p, "kem theo"):
                kem_theo = p
                break
            title.append(p)
        out.append(Appendix(head, title, kem_theo))
    return out
