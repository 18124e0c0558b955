"""The parts of a .docx read straight from its zip, for the checker (no python-docx).

python-docx builds an object for every part and relationship of a package before anyone asks
for one; the checker needs a handful of XML parts. :func:`open_package` reads, sniffs and
screens the file as :func:`~.package.open_docx` does, then :class:`Package` inflates, screens
and parses a part when asked, with the parser options python-docx uses (so that the trees are
the same), and keeps what it parsed in :mod:`.cache`, keyed by the part's compressed bytes: the
parts a Word template gives every plan are read once per process.

The main document's body is cut into its top-level blocks (paragraphs, tables, content
controls) on the bytes, in one linear pass (:func:`split_body`); a block is parsed once per
process, and the blocks a document shares with one read before come back as they were, with
whatever readers derived from them (:class:`Block`). What the cutter cannot vouch for
(comments, processing instructions, another prefix for the Word namespace, an encoding other
than UTF-8, text between blocks, a block that does not parse alone) is parsed whole, as always.

Screening is as strict as :func:`~.package.screen_package` for every part that is read: sizes
declared and inflated, compression ratio, markup count, no DOCTYPE. A part nobody reads is
screened on what the zip declares only: it is never inflated, so it cannot cost anything.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError
from . import cache
from .element import El, count, parse_xml
from .ns import CT_NS, W_NS
from .package import (
    _LOCAL_HEADER,
    _TOO_MANY_PARTS,
    _TOO_MUCH,
    MAX_PART_BYTES,
    MAX_PARTS,
    MAX_TOTAL_BYTES,
    MAX_XML_PART_BYTES,
    Say,
    Wording,
    _refuse,
    _screen_declared,
    _screen_part,
    _sniff,
    marked_after,
    read_source,
)

CT_DOCUMENT_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
RT_OFFICE_DOCUMENT = _RT + "officeDocument"
RT_FOOTNOTES = _RT + "footnotes"
RT_STYLES, RT_NUMBERING, RT_THEME, RT_SETTINGS = (
    _RT + t for t in ("styles", "numbering", "theme", "settings"))
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
# the parts python-docx parses into elements when it opens a package (its XmlPart classes);
# any other part it keeps as bytes, and readers parse those with the plain safe parser
XML_PART_TYPES = frozenset({
    "application/vnd.openxmlformats-package.core-properties+xml",
    *(_WML + t + "+xml" for t in ("comments", "document.main", "footer", "header", "numbering",
                                  "settings", "styles")),
})

# python-docx's parser (remove_blank_text, no entities), made as safe as element.parse_xml
_OXML_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True,
                               huge_tree=False, load_dtd=False, dtd_validation=False)


def parse_oxml(blob: bytes) -> El:
    """An XML part parsed as python-docx parses the parts it knows."""
    return etree.fromstring(blob, _OXML_PARSER)


@dataclass(frozen=True)
class Rel:
    """A relationship: id, type, and the member name of its target ("word/styles.xml"), or
    the target itself when it is external."""

    rid: str
    reltype: str
    target: str
    external: bool


@dataclass(eq=False)
class Block:
    """An element parsed once per process (a top-level block of a body, a part's root), and
    what readers derived from it (``memo``, theirs to key); it lives as long as its cache
    entry, so ``id(el)`` of anything inside it stays its own meanwhile. For a top-level block
    of a body, ``raw`` is the bytes it was parsed from (the key it is cached by) and ``head``
    the start tags of the document and body it was parsed under; else both are b""."""

    _el: El | None
    memo: dict[Any, Any] = field(default_factory=dict)
    raw: bytes = b""
    head: bytes = b""

    @property
    def el(self) -> El:
        """Its element; a table read from its rows (:func:`_table_from_rows`) is parsed when first
        asked for (its bytes are known to parse: every piece of them did, under the same start
        tags)."""
        if self._el is None:
            self._el = parse_oxml(self.head + self.raw + _TAIL)[0][0]
        return self._el


# keyed by (compression method, inflated size, compressed bytes): equal keys inflate equally
_INFLATED: cache.LRU[tuple[int, int, bytes], bytes] = cache.LRU(
    64, budget=64 << 20, weight=lambda k, v: len(k[2]) + len(v))


def remember_inflated(parts: Iterable[tuple[bytes, bytes]]) -> None:
    """Tell the reader what deflated parts inflate to: (raw deflate stream, its bytes), as the
    writer of a file knows them. A part of a file read later whose compressed bytes are exactly
    these is then taken as these bytes, neither inflated nor screened again: the writer made
    them, and inflating what was deflated gives back what was deflated, so nothing read changes
    (a file whose parts differ, even by a byte, is inflated and screened as any other)."""
    for deflated, data in parts:
        _INFLATED.put((zipfile.ZIP_DEFLATED, len(data), deflated), data)


# keyed by member name too: two parts with the same bytes are still two parts of a document
_PARSED: cache.LRU[tuple[bool, str, bytes], Block] = cache.LRU(
    256, budget=64 << 20, weight=lambda k, v: 4 * len(k[2]))
# a block costs far more than its bytes once parsed and read (its tree, the cores and facts the
# checks keep: about 25 KB for a paragraph of 1-2 KB); a plan has a few hundred blocks shared
# by every unit, so 1,024 hold them and the latest units' own, and a worker stays under
# 100 MB however many units it checks (8,192 let it grow to 200 MB over the country)
_BLOCKS: cache.LRU[bytes, Block] = cache.LRU(
    1024, budget=32 << 20, weight=lambda k, v: 16 * len(k))
# [Content_Types].xml and relationships, parsed (never changed by a reader)
_TYPES: cache.LRU[bytes, tuple[dict[str, str], dict[str, str]]] = cache.LRU(16)
_RELS: cache.LRU[tuple[str, bytes], dict[str, Rel]] = cache.LRU(64)
_SPLITS: cache.LRU[bytes, tuple[tuple[bytes, list[bytes]] | None]] = cache.LRU(
    16, budget=64 << 20, weight=lambda k, v: 2 * len(k))
# blocks cut before, by their first bytes: a block that starts a piece of a body ends where it
# ends (an element's end depends on its own bytes alone), so the cutter takes it whole at C
# speed and counts tags only in what is new (the blocks a unit shares with the unit before)
_PREFIX = 128
_CUT: cache.LRU[bytes, list[bytes]] = cache.LRU(4096)
# the last body cut: each block, and the block that followed it ("" names the body's start)
_FOLLOWING: cache.LRU[str, dict[bytes, bytes]] = cache.LRU(1)


class Package:
    """A screened .docx: its parts, content types and relationships, read on demand."""

    def __init__(self, data: bytes, name: str | None, wording: Wording):
        self.data, self.name, self._wording = data, name, wording
        try:
            infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise self._broken(exc) from None
        if len(infos) > MAX_PARTS:
            raise _refuse(name, _TOO_MANY_PARTS, count=f"{len(infos):,}".replace(",", "."))
        for info in infos:
            _screen_declared(info, name, MAX_PART_BYTES)
        if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
            raise _refuse(name, _TOO_MUCH)
        self._infos = {i.filename: i for i in infos}
        self._read_total = 0
        self._overrides, self._defaults = self._content_types()
        for info in infos:  # what the zip declares of an XML part, held to the XML cap
            if self._is_xml(info.filename):
                _screen_declared(info, name, MAX_XML_PART_BYTES)
        self._rels: dict[str, dict[str, Rel]] = {}
        self._blocks: dict[str, Block | None] = {}
        self.whole_body: El | None = None  # the body, when it was parsed whole
        main = [r for r in self.rels("").values() if r.reltype == RT_OFFICE_DOCUMENT
                and not r.external]
        if not main or main[0].target not in self._infos:
            raise self._broken("không có phần văn bản chính (word/document.xml)")
        self.main = main[0].target
        if self.content_type(self.main) != CT_DOCUMENT_MAIN:
            raise self._broken(f"phần chính có kiểu '{self.content_type(self.main)}', không "
                               "phải văn bản Word")

    # -- errors
    def _broken(self, reason: Exception | str) -> InputError:
        say = self._wording.broken
        text = reason if isinstance(reason, str) else self._wording.broken_reason(reason)
        return _refuse(self.name, Say(say.message, say.hint), reason=text)

    # -- content types
    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        blob = self.blob("[Content_Types].xml")
        if blob is None:
            raise self._broken("thiếu [Content_Types].xml")
        found = _TYPES.get(blob)
        if found is None:
            try:
                root = parse_oxml(blob)
            except etree.XMLSyntaxError as exc:
                raise self._broken(exc) from None
            defaults = {(el.get("Extension") or "").lower(): el.get("ContentType") or ""
                        for el in root.iter(f"{{{CT_NS}}}Default")}
            overrides = {(el.get("PartName") or "").lower(): el.get("ContentType") or ""
                         for el in root.iter(f"{{{CT_NS}}}Override")}
            found = _TYPES.put(blob, (overrides, defaults))
        return found

    def content_type(self, member: str) -> str:
        """The content type of a part ("" when [Content_Types].xml gives none)."""
        found = self._overrides.get("/" + member.lower())
        if found is not None:
            return found
        ext = posixpath.splitext(member)[1]
        return self._defaults.get(ext[1:].lower() if ext.startswith(".") else "", "")

    def _is_xml(self, member: str) -> bool:
        """What :func:`~.package.screen_package` holds to the XML caps."""
        return (member.lower().endswith(".rels") or member == "[Content_Types].xml"
                or "xml" in self.content_type(member))

    # -- bytes
    def blob(self, member: str | None) -> bytes | None:
        """The inflated bytes of a part (None when the zip has no such member), screened."""
        info = self._infos.get(member or "")
        if info is None:
            return None
        header = self.data[info.header_offset:info.header_offset + _LOCAL_HEADER.size]
        raw = b""
        if len(header) == _LOCAL_HEADER.size and header[:4] == b"PK\x03\x04":
            fields = _LOCAL_HEADER.unpack(header)
            start = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]
            raw = self.data[start:start + info.compress_size]
        key = (info.compress_type, info.file_size, raw)
        found = _INFLATED.get(key) if raw and not info.flag_bits & 0x1 else None
        if found is None:
            chunks: list[bytes] = []
            _screen_part(self.data, info, self.name, xml=True, dtd=True, keep=chunks)
            found = b"".join(chunks)
            if len(found) != info.file_size or zlib.crc32(found) != info.CRC:
                raise self._broken(f"phần '{info.filename}' bị hỏng (dữ liệu nén không khớp)")
            if raw and not info.flag_bits & 0x1:
                _INFLATED.put(key, found)
        self._read_total += len(found)
        if self._read_total > MAX_TOTAL_BYTES:
            raise _refuse(self.name, _TOO_MUCH)
        return found

    # -- elements
    def block(self, member: str | None) -> Block | None:
        """The root of an XML part, as python-docx's ``part_element`` gives it: a part python-
        docx parses must parse (else the file is broken); any other part is parsed safely,
        None when it is not XML; an image is never parsed."""
        if member is None or member not in self._infos:
            return None
        if member not in self._blocks:
            self._blocks[member] = self._block(member)
        return self._blocks[member]

    def _block(self, member: str) -> Block | None:
        ctype = self.content_type(member)
        if ctype.startswith("image/"):
            return None
        strict = ctype in XML_PART_TYPES
        blob = self.blob(member)
        if blob is None:
            return None
        found = _PARSED.get((strict, member, blob))
        if found is None:
            try:
                root = parse_oxml(blob) if strict else parse_xml(blob)
            except (etree.XMLSyntaxError, ValueError) as exc:
                if strict:
                    raise self._broken(exc) from None
                return None
            found = _PARSED.put((strict, member, blob), Block(root))
        return found

    def element(self, member: str | None) -> El | None:
        found = self.block(member)
        return None if found is None else found.el

    # -- relationships
    def rels(self, source: str) -> dict[str, Rel]:
        """The relationships of part ``source`` ("" for the package), by id, in file order."""
        if source in self._rels:
            return self._rels[source]
        folder, base = posixpath.split(source)
        member = posixpath.join(folder, "_rels", base + ".rels")
        blob = self.blob(member)
        out: dict[str, Rel] | None = {} if blob is None else _RELS.get((folder, blob))
        if out is None:
            out = {}
            try:
                root = parse_oxml(blob)  # type: ignore[arg-type]  # (not None here)
            except etree.XMLSyntaxError as exc:
                raise self._broken(exc) from None
            for el in root.iter(_REL):
                rid, target = el.get("Id") or "", el.get("Target") or ""
                external = el.get("TargetMode") == "External"
                if not external:
                    target = posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
                out[rid] = Rel(rid, el.get("Type") or "", target, external)
            _RELS.put((folder, blob), out)  # type: ignore[arg-type]
        self._rels[source] = out
        return out

    # -- the body
    def body_blocks(self) -> list[Block]:
        """The top-level blocks of the main document's body, in order (each with its memo), or
        the body as one block when it was parsed whole (:attr:`whole_body`)."""
        xml = self.blob(self.main)
        assert xml is not None  # checked when the package was opened
        if cache.enabled():
            known = _SPLITS.get(xml)
            if known is None:
                # more blocks than the cache keeps: no document after this one would find
                # them (the cut stops there: no template's body is so long)
                known = _SPLITS.put(xml, (split_body(xml, most=_BLOCKS.size),))
            split = known[0]
            if split is not None:
                blocks = _cached_blocks(*split)
                if blocks is not None:
                    return blocks
        # one block, the body itself: no later document shows it, so a block per paragraph
        # would only cost a block (and a readers' memo) per paragraph
        body = self._whole_body(xml)
        return [] if body is None else [Block(body)]

    def _whole_body(self, xml: bytes) -> El | None:
        try:
            root = parse_oxml(xml)
        except etree.XMLSyntaxError as exc:
            raise self._broken(exc) from None
        body = self.whole_body = root.find(f"{{{W_NS}}}body")
        return body


def _cached_blocks(head: bytes, blocks: list[bytes]) -> list[Block] | None:
    """The block of each piece, from the cache or parsed now (all new pieces in one parse, but
    each table in one of its own: the rows a table keeps for later tables keep its tree alive,
    which must not hold the rest of the document); None when the new pieces do not parse into
    one element each (the caller parses whole)."""
    found: list[Block | None] = [_BLOCKS.get(b) for b in blocks]
    missing = [n for n, b in enumerate(found) if b is None]
    cuts = {n: cut_rows(blocks[n]) for n in missing if blocks[n].startswith(b"<w:tbl")}
    for n, cut in cuts.items():
        lazy = _table_from_rows(head, blocks[n], cut)
        found[n] = None if lazy is None else _BLOCKS.put(blocks[n], lazy)
    rest = [n for n in missing if n not in cuts]
    groups = [[n] for n in cuts if found[n] is None] + ([rest] if rest else [])
    for group in groups:
        try:
            root = parse_oxml(head + b"".join(blocks[n] for n in group) + _TAIL)
        except etree.XMLSyntaxError:
            return None
        kids = list(root[0]) if len(root) == 1 else []
        if len(kids) != len(group):
            return None
        for n, el in zip(group, kids, strict=True):
            found[n] = _BLOCKS.put(blocks[n], Block(el, raw=blocks[n], head=head))
            if n in cuts:
                _remember_rows(head, cuts[n], el)
    return found  # type: ignore[return-value]


# The tags counted in every block before anything is built per paragraph (:mod:`.blocks`)
COUNTED = ("w:p", "w:r", "w:txbxContent")
ROWS_KEPT = 8  # the fewest rows of a table read from its rows, whose rows are kept for later tables
# a table block read from its rows: (its head, its rows' bytes), and the rows parsed for it
TABLE_CUT, ROW_ELEMENTS = "table cut", "row elements"
# rows that parsed under (the document's start tags, the table's head), with their counts
_GOOD_ROWS: cache.LRU[tuple[bytes, bytes, bytes], dict[str, int]] = cache.LRU(
    8192, budget=16 << 20, weight=lambda k, v: len(k[0]) + len(k[1]) + len(k[2]) + 64)


def _remember_rows(head: bytes, cut: tuple[bytes, list[bytes]] | None, tbl: El) -> None:
    """Keep the rows of a table just parsed whole (``cut``: :func:`cut_rows` of its bytes) as
    rows that parse (:data:`_GOOD_ROWS`), with their counts, for the tables like it after it."""
    trs = [el for el in tbl if el.tag == _TR]
    if cut is not None and len(cut[1]) >= ROWS_KEPT and len(trs) == len(cut[1]):
        table_head, rows = cut
        for row, tr in zip(rows, trs, strict=True):
            _GOOD_ROWS.put((head, table_head, row), _row_counts(tr))


def _row_counts(tr: El) -> dict[str, int]:
    return {t: count(tr, t) for t in COUNTED}


def _table_from_rows(head: bytes, raw: bytes, cut: tuple[bytes, list[bytes]] | None) -> Block | None:
    """A new table block most of whose rows parsed before under the same document start tags
    and the same table head (a unit's task table: the city's but for a row or a cell), left
    unparsed: its new rows alone are parsed (in a table of their own, kept for the reader), its
    tags counted row by row (``cut``: :func:`cut_rows` of ``raw``). None when it is not such a
    table (it is then parsed whole)."""
    if cut is None or len(cut[1]) < ROWS_KEPT:
        return None
    table_head, rows = cut
    counts = [_GOOD_ROWS.get((head, table_head, row)) for row in rows]
    new = [n for n, c in enumerate(counts) if c is None]
    if len(new) == len(rows):  # like no table before: parsed whole, its rows kept from it
        return None
    block = Block(None, raw=raw, head=head)
    if new:
        trs = parse_rows(head, table_head, [rows[n] for n in new])
        if trs is None:
            return None
        for n, tr in zip(new, trs, strict=True):
            counts[n] = _GOOD_ROWS.put((head, table_head, rows[n]), _row_counts(tr))
        block.memo[ROW_ELEMENTS] = dict(zip(new, trs, strict=True))
    block.memo[TABLE_CUT] = cut
    block.memo["counts"] = {t: sum(c[t] for c in counts if c is not None) for t in COUNTED}
    block.memo["ends sections"] = set()  # (no paragraph of the body's own: a table)
    return block


# ---------------------------------------------------------------------------------------------
# Cutting a body into its blocks, on the bytes

_START = re.compile(rb"<([A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?)"
                    rb"(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*\s*(/?)>")
_W_DECL = re.compile(rb"""\sxmlns:w\s*=\s*(["'])""" + re.escape(W_NS.encode()) + rb"\1")
_BODY_END = re.compile(rb"</w:body>\s*</w:document>\s*\Z")
_TAIL = b"</w:body></w:document>"
_SPACE = b" \t\r\n"


def split_body(xml: bytes, most: int | None = None) -> tuple[bytes, list[bytes]] | None:
    """``(head, blocks)``: the document's and the body's start tags, and each top-level child
    of the body as bytes, such that ``head + b"".join(blocks) + b"</w:body></w:document>"``
    is the document without its declaration; None when the bytes hold anything this cut
    cannot vouch for, or more than ``most`` blocks. Linear: each block's end is found by
    counting only starts and ends of its own name (an element closes at the first end tag of
    its name where those balance)."""
    if _markup_after(xml, b"!", 0):
        return None
    start = _after_declaration(xml)
    if start is None or _markup_after(xml, b"?", start):
        return None
    tags = _document_and_body(xml, start)
    if tags is None:
        return None
    root, body = tags
    limit = xml.rfind(b"</w:body>")
    if limit < body.end() or _BODY_END.match(xml, limit) is None:
        return None
    blocks = _top_level_blocks(xml, body.end(), limit, most)
    if blocks is None:
        return None
    return xml[root.start():root.end()] + xml[body.start():body.end()], blocks


def _after_declaration(xml: bytes) -> int | None:
    """Where the markup starts after a byte-order mark and an XML declaration; None when the
    declaration names an encoding other than UTF-8 or does not end."""
    start = 3 if xml.startswith(b"\xef\xbb\xbf") else 0
    if not xml.startswith(b"<?", start):
        return start
    decl_end = xml.find(b"?>", start)
    if decl_end < 0:
        return None
    decl = xml[start:decl_end].lower()
    if b"encoding" in decl and not re.search(rb"encoding\s*=\s*[\"']utf-?8[\"']", decl):
        return None
    return decl_end + 2


def _document_and_body(xml: bytes, start: int) -> tuple[re.Match[bytes], re.Match[bytes]] | None:
    """The ``w:document`` start tag (declaring WordprocessingML's namespace) and the
    ``w:body`` start tag right after it, with nothing but white space before either."""
    at = xml.find(b"<", start)
    if at < 0 or xml[start:at].strip(_SPACE):
        return None
    root = _START.match(xml, at)
    if root is None or root.group(1) != b"w:document" or root.group(2) \
            or not _W_DECL.search(root.group(0)):
        return None
    lt = xml.find(b"<", root.end())
    body = _START.match(xml, lt) if lt >= 0 and not xml[root.end():lt].strip(_SPACE) else None
    if body is None or body.group(1) != b"w:body" or body.group(2):
        return None
    return root, body


def _top_level_blocks(xml: bytes, pos: int, limit: int, most: int | None) -> list[bytes] | None:
    """Each element between ``pos`` and ``limit`` (the body's content) as bytes; None when
    anything but white space lies between them, an element does not close, or there are more
    than ``most`` of them.

    The block that followed the same block in the body cut before is tried first (one
    comparison at C speed), then the blocks cut before that start with the same bytes: a
    unit's body is the unit before's but for a few blocks."""
    blocks: list[bytes] = []
    following = _FOLLOWING.get("") or {}
    followed: dict[bytes, bytes] = {}
    before = b""  # (the body's start)
    while True:
        lt = xml.find(b"<", pos, limit)
        if lt < 0:
            if xml[pos:limit].strip(_SPACE):
                return None
            _FOLLOWING.put("", followed)
            return blocks
        if (lt > pos and xml[pos:lt].strip(_SPACE)) or (most is not None and len(blocks) >= most):
            return None
        block = following.get(before)
        if block is None or not xml.startswith(block, lt) or lt + len(block) > limit:
            block = _known_or_cut(xml, lt, limit)
            if block is None:
                return None
        followed[before] = before = block
        blocks.append(block)
        pos = lt + len(block)


def _known_or_cut(xml: bytes, lt: int, limit: int) -> bytes | None:
    """The element that starts at ``lt``: a block cut before when the bytes there start with
    one (it ends where it ended: an element's end depends on its own bytes alone), else cut
    now; None when it does not close before ``limit``."""
    known = _CUT.get(xml[lt:lt + _PREFIX])
    if known is not None:
        for block in known:
            if xml.startswith(block, lt) and lt + len(block) <= limit:
                return block
    m = _START.match(xml, lt)
    if m is None:
        return None
    end = m.end() if m.group(2) else _element_end(xml, m.group(1), m.end(), limit)
    if end is None:
        return None
    block = xml[lt:end]
    _remember_cut(block)
    return block


_TABLE_END = b"</w:tbl>"
_TR = f"{{{W_NS}}}tr"
_TABLE_HEAD = (b"w:tblPr", b"w:tblGrid")
_ROW_HEAD = (b"w:tblPrEx", b"w:trPr")


def cut_rows(raw: bytes) -> tuple[bytes, list[bytes]] | None:
    """``(head, rows)`` of a table's bytes: all before its first row (its start tag, ``tblPr``,
    ``tblGrid``) and each row as bytes, such that ``head + b"".join(rows) + b"</w:tbl>"`` is
    the table but for white space between rows; None unless the table holds only those, rows
    last, with nothing but white space between them (a row in a content control, a bookmark
    between rows: no cut). Linear, as :func:`split_body` is."""
    return _cut_children(raw, b"w:tbl", _TABLE_HEAD, b"w:tr")


def cut_cells(row: bytes) -> list[bytes] | None:
    """Each cell of a row's bytes (:func:`cut_rows`), in order; None unless the row holds only
    its ``tblPrEx`` and ``trPr`` and then cells, with nothing but white space between them."""
    found = _cut_children(row, b"w:tr", _ROW_HEAD, b"w:tc")
    return None if found is None else found[1]


def _cut_children(raw: bytes, name: bytes, heads: tuple[bytes, ...], item: bytes
                  ) -> tuple[bytes, list[bytes]] | None:
    """``(head, items)``: the element ``name`` that ``raw`` is, cut into all before its first
    ``item`` child (its start tag and ``heads`` children) and each ``item`` child; None when it
    holds anything else, or an item before a head, or no item."""
    m = _START.match(raw)
    end_tag = b"</" + name + b">"
    if m is None or m.group(1) != name or m.group(2) or not raw.endswith(end_tag):
        return None
    limit = len(raw) - len(end_tag)
    items: list[bytes] = []
    first, pos = -1, m.end()
    while True:
        lt = raw.find(b"<", pos, limit)
        if raw[pos:limit if lt < 0 else lt].strip(_SPACE):
            return None
        if lt < 0:
            return (raw[:first], items) if items else None
        child = _START.match(raw, lt)
        if child is None:
            return None
        tag = child.group(1)
        end = child.end() if child.group(2) else _element_end(raw, tag, child.end(), limit)
        if end is None or (tag != item and (items or tag not in heads)):
            return None
        if tag == item:
            first = lt if first < 0 else first
            items.append(raw[lt:end])
        pos = end


def parse_table(head: bytes, table_head: bytes, rows: list[bytes]) -> El | None:
    """A table of ``table_head`` (start tag, ``tblPr``, ``tblGrid``) holding ``rows`` alone,
    parsed on its own under the document start tags ``head``: elements that keep alive no more
    than these rows (with none, the table's own properties alone). None when it does not parse
    into one table of these rows."""
    try:
        root = parse_oxml(head + table_head + b"".join(rows) + _TABLE_END + _TAIL)
    except etree.XMLSyntaxError:
        return None
    tables = list(root[0]) if len(root) == 1 else []
    if len(tables) != 1 or sum(1 for el in tables[0] if el.tag == _TR) != len(rows):
        return None
    return tables[0]


def parse_rows(head: bytes, table_head: bytes, rows: list[bytes]) -> list[El] | None:
    """The row elements of :func:`parse_table`."""
    tbl = parse_table(head, table_head, rows)
    return None if tbl is None else [el for el in tbl if el.tag == _TR]


def _remember_cut(block: bytes) -> None:
    """Keep ``block`` for :func:`_top_level_blocks` (a few per prefix, the latest first)."""
    key = block[:_PREFIX]
    known = _CUT.get(key)
    if known is None:
        _CUT.put(key, [block])
    elif block not in known:
        known.insert(0, block)
        del known[8:]


def _markup_after(xml: bytes, mark: bytes, start: int) -> bool:
    """Whether ``"<" + mark`` occurs from ``start`` on ("<!" comments and CDATA, "<?"
    instructions), searched by the rare mark (:func:`~.package.marked_after`)."""
    return marked_after(xml, mark, (b"<",), start)


def _element_end(xml: bytes, name: bytes, at: int, limit: int) -> int | None:
    """Where the element named ``name`` whose start tag ends at ``at`` ends."""
    close, opener = b"</" + name + b">", b"<" + name
    after = len(opener)
    depth = 1
    while True:
        end = xml.find(close, at, limit)
        if end < 0:
            return None
        o = xml.find(opener, at, end)
        while o >= 0:
            if xml[o + after:o + after + 1] in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
                m = _START.match(xml, o)
                if m is None or m.end() > end:
                    return None
                if not m.group(2):
                    depth += 1
                o = xml.find(opener, m.end(), end)
            else:
                o = xml.find(opener, o + 1, end)
        depth -= 1
        at = end + len(close)
        if depth == 0:
            return at


def open_package(source: str | Path | bytes, wording: Wording) -> Package:
    """Read, sniff and screen a .docx, and open its package; raises :class:`InputError` when it
    cannot or must not be read (the reasons and words of :func:`~.package.open_docx`)."""
    data, name = read_source(source, wording)
    _sniff(data, name, wording)
    return Package(data, name, wording)
