"""A finished plan as a clerk sees it: header, title, trích yếu, body lines, Nơi nhận, signer.

:func:`read_source` walks the document once through the OOXML read layer
(:class:`~kehoach_gen.ooxml.document.DocModel`: paragraphs with their place and resolved
formatting) and cuts it where a reader of a Kế hoạch would: everything before the document's
name ("KẾ HOẠCH") is its header (issuing body, number, place and date), the bold centred lines
after it are the trích yếu, the paragraphs up to "Nơi nhận" are the body, then the table of
Nơi nhận and signature. What follows (an appendix) is read by :mod:`.reader`. Numbers Word
draws itself are put back in front of their paragraph (:mod:`.numbering`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..ooxml.element import BLOCK_CONTAINERS, El, flatten, own
from ..ooxml.ns import TBL, TC, TR, P
from ..ooxml.text import Marker, clean_text, paragraph_text
from .looks import Looks
from .numbering import AutoNumbers
from .text import fold

MAX_PARAGRAPHS = 50_000  # a plan has a few hundred; a bound on what a hostile file costs
TITLE_RE = re.compile(r"^(KẾ HOẠCH|CHƯƠNG TRÌNH|PHƯƠNG ÁN|ĐỀ ÁN)(\s+LIÊN TỊCH)?$")
_NOI_NHAN = re.compile(r"^\s*n[ơo]i\s+nh[ậa]n\s*:?", re.I)


@dataclass(frozen=True)
class Line:
    """One line of text with its place ("đoạn 12", "bảng 1, hàng 2, ô 1") and look."""

    text: str
    where: str
    bold: bool = False
    centered: bool = False
    italic: bool = False
    auto: bool = False  # the leading number is Word's, not typed

    def replace(self, text: str) -> Line:
        return Line(text, self.where, self.bold, self.centered, self.italic, self.auto)


@dataclass
class Source:
    """The parts of a plan, each a list of lines in document order."""

    name: str | None
    document: Any
    head: list[Line] = field(default_factory=list)
    title: Line | None = None
    trich_yeu: list[Line] = field(default_factory=list)
    body: list[Line] = field(default_factory=list)
    noi_nhan: list[Line] = field(default_factory=list)
    signer: list[Line] = field(default_factory=list)
    skipped: list[Line] = field(default_factory=list)  # body tables, not imported

    @property
    def is_plan(self) -> bool:
        return self.title is not None or bool(self.signer)


class _Reader:
    def __init__(self, document: Any, marker: Marker | None):
        self.document = document
        self.marker = marker
        self.looks = Looks(document)
        body = document.element.body
        self.blocks = list(flatten(body, {P, TBL}, BLOCK_CONTAINERS))
        if sum(1 for _ in body.iter(P)) > MAX_PARAGRAPHS:
            raise TooManyParagraphs
        auto = AutoNumbers(document, self.looks)
        self.labels: dict[int, str] = {}
        for p in body.iter(P):  # Word counts in document order, tables included
            found = auto.label(p)
            if found:
                self.labels[id(p)] = found
        self.where: dict[int, str] = {}
        self._cells: dict[int, list[list[list[Line]]]] = {}  # by id(table): self.blocks keeps each alive
        n_p = n_t = 0
        for block in self.blocks:
            if block.tag == P:
                n_p += 1
                self.where[id(block)] = f"đoạn {n_p}"
            else:
                n_t += 1
                self.where[id(block)] = f"bảng {n_t}"

    def lines(self, p: El, where: str | None = None) -> list[Line]:
        text = clean_text(paragraph_text(p, self.marker))
        bold, caps, centered = self.looks.look(p)
        if caps:
            text = text.upper()  # capitals by formatting (w:caps): what the reader sees
        label = self.labels.get(id(p))
        if label and text:
            text = f"{label} {text}"
        place = where or self.where.get(id(p), "")
        return [Line(piece.strip(), place, bold, centered, False, bool(label))
                for piece in text.split("\n") if piece.strip()]

    def cells(self, tbl: El) -> list[list[list[Line]]]:
        """The lines of each cell of ``tbl``, by row, read once: the head and the body may both
        ask for a table (the appendix of a bare table is read looking for a title, then again
        looking for the signature)."""
        found = self._cells.get(id(tbl))
        if found is None:
            found = self._cells[id(tbl)] = self._read_cells(tbl)
        return found

    def _read_cells(self, tbl: El) -> list[list[list[Line]]]:
        base = self.where.get(id(tbl), "bảng")
        rows = []
        for r, tr in enumerate(own(tbl, TR, TBL), start=1):
            row = []
            for c, tc in enumerate(own(tr, TC, TR), start=1):
                row.append([ln for q in tc.iter(P) for ln in self.lines(q, f"{base}, hàng {r}, ô {c}")])
            rows.append(row)
        return rows


class TooManyParagraphs(Exception):
    """More paragraphs than :data:`MAX_PARAGRAPHS`."""


def read_source(document: Any, name: str | None, marker: Marker | None = None) -> Source:
    """The parts of the plan in ``document`` (a python-docx Document)."""
    try:
        reader = _Reader(document, marker)
    except TooManyParagraphs:
        from ..errors import InputError, Problem

        raise InputError([Problem(message=f"văn bản có hơn {MAX_PARAGRAPHS:,} đoạn".replace(",", "."),
                                  file=name, hint="Kiểm tra đúng tệp Kế hoạch")]) from None
    src = Source(name, document)
    blocks = reader.blocks
    i = _head(reader, blocks, src)
    i = _trich_yeu(reader, blocks, i, src)
    _body_and_signature(reader, blocks, i, src)
    return src


def _head(reader: _Reader, blocks: Sequence[El], src: Source) -> int:
    """Lines before the document's name; the index after the name (0 when there is none)."""
    head: list[Line] = []
    for i, block in enumerate(blocks[:60]):
        if block.tag == TBL:
            for row in reader.cells(block):
                for cell in row:
                    head += cell
            continue
        lines = reader.lines(block)
        if len(lines) == 1 and TITLE_RE.match(" ".join(lines[0].text.upper().split())):
            src.head, src.title = head, lines[0]
            return i + 1
        head += lines
    return 0


def _trich_yeu(reader: _Reader, blocks: Sequence[El], start: int, src: Source) -> int:
    if src.title is None:
        return start
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.tag != P:
            break
        lines = reader.lines(block)
        if not lines:
            if src.trich_yeu:
                return i + 1
            i += 1
            continue
        if not all(ln.bold or ln.centered for ln in lines) or _NOI_NHAN.match(lines[0].text):
            break
        src.trich_yeu += lines
        i += 1
    return i


def _is_signature_table(rows: list[list[list[Line]]]) -> bool:
    return any(cell and _NOI_NHAN.match(cell[0].text) for row in rows for cell in row)


def _body_and_signature(reader: _Reader, blocks: Sequence[El], start: int, src: Source) -> None:
    i = start
    while i < len(blocks):
        block = blocks[i]
        if block.tag == TBL:
            rows = reader.cells(block)
            if _is_signature_table(rows):
                for row in rows:
                    for cell in row:
                        if cell and _NOI_NHAN.match(cell[0].text):
                            src.noi_nhan += cell
                        else:
                            src.signer += cell
                return
            if src.title is not None:
                src.skipped += [ln for row in rows for cell in row for ln in cell]
            i += 1
            continue
        lines = reader.lines(block)
        if lines and _NOI_NHAN.match(lines[0].text):
            _signature_paragraphs(reader, blocks, i, src)
            return
        src.body += lines
        i += 1


def _signature_paragraphs(reader: _Reader, blocks: Sequence[El], start: int, src: Source) -> None:
    """Nơi nhận and signature written as paragraphs (no table): Nơi nhận lines start with "-"
    or "Nơi nhận"; the rest, up to the appendix, is the signature."""
    for block in blocks[start:]:
        if block.tag == TBL:
            return
        for ln in reader.lines(block):
            if fold(ln.text).startswith("phu luc"):
                return
            parts = re.split(r"\s{3,}|\t", ln.text, maxsplit=1)
            first = parts[0]
            if _NOI_NHAN.match(first) or first.startswith(("-", "–")):
                src.noi_nhan.append(ln.replace(first))
                if len(parts) > 1 and parts[1].strip():
                    src.signer.append(ln.replace(parts[1].strip()))
            else:
                src.signer.append(ln)
