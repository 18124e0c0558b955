"""The .docx container: the parts of a Word file, within limits, and a fast zip writer.

Untrusted files are first read and screened by :mod:`kehoach_gen.ooxml.package` (a regular
file, a size cap, no zip bomb, no DOCTYPE); reading the parts here caps them again (the number
of parts, each part's size and the total, counting the bytes actually inflated), so a file that
skipped the screening (a document whose hash is checked) cannot run away either. XML is parsed
without DTDs, entities or network access.

Writing assembles the zip by hand: the parts a template never changes are deflated once, when
the template is compiled, and their compressed bytes reused for every document; only the parts
that differ per document are deflated per document. Timestamps are fixed, so a document's bytes
depend only on its content.
"""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType

from lxml import etree

from ..ooxml.ns import W_NS

_isal_zlib: ModuleType | None
try:
    from isal import isal_zlib as _isal_zlib
except ImportError:  # a platform without its wheel: zlib, slower, same files
    _isal_zlib = None
_ISAL_LEVEL = 2  # ISA-L's default: its levels run 0-3

W = f"{{{W_NS}}}"  # Clark prefix of the Word namespace (defined once, in kehoach_gen.ooxml.ns)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PART_BYTES = 32 * 1024 * 1024
MAX_DOCUMENT_BYTES = 8 * 1024 * 1024   # word/document.xml: a real template is a few hundred KB
MAX_TOTAL_BYTES = 128 * 1024 * 1024
MAX_PARTS = 1000


class PackageError(Exception):
    """An unreadable or oversized Word file; ``message`` and ``hint`` are for the user."""

    def __init__(self, message: str, hint: str):
        super().__init__(message)
        self.message = message
        self.hint = hint


_NOT_DOCX = "Mở tệp trong Word và lưu lại dưới dạng Tài liệu Word (.docx)"


def read_parts(data: bytes, *, max_document: int = MAX_DOCUMENT_BYTES) -> dict[str, bytes]:
    """Every part of a .docx, in archive order, within the size limits."""
    if len(data) > MAX_FILE_BYTES:
        raise PackageError(f"tệp quá lớn ({len(data) // (1024 * 1024)} MB) cho một mẫu Word", _NOT_DOCX)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = [i for i in zf.infolist() if not i.filename.endswith("/")]
        if len(infos) > MAX_PARTS:
            raise PackageError(f"tệp có {len(infos)} phần, quá nhiều cho một tài liệu Word", _NOT_DOCX)
        parts: dict[str, bytes] = {}
        total = 0
        for info in infos:
            limit = max_document if info.filename == "word/document.xml" else MAX_PART_BYTES
            if info.file_size > limit:
                raise _too_big(info.filename, limit)
            with zf.open(info) as f:
                body = f.read(limit + 1)
            if len(body) > limit:
                raise _too_big(info.filename, limit)
            total += len(body)
            if total > MAX_TOTAL_BYTES:
                raise _too_big("toàn bộ tệp", MAX_TOTAL_BYTES)
            parts.pop(info.filename, None)  # a repeated name: the last copy wins, as in zipfile
            parts[info.filename] = body
        return parts
    except PackageError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, struct.error):
        raise PackageError("tệp không phải tài liệu Word (.docx) hợp lệ", _NOT_DOCX) from None


def _too_big(what: str, limit: int) -> PackageError:
    return PackageError(
        f"'{what}' giải nén ra hơn {limit // (1024 * 1024)} MB: tệp hỏng hoặc là một 'zip bomb'",
        "Dùng mẫu Word gốc (templates/ke_hoach.docx) hoặc lưu lại mẫu trong Word, bỏ hình ảnh quá lớn",
    )


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False,
                          remove_blank_text=False)


def parse_xml(data: bytes, name: str) -> etree._Element:
    """A part's XML; no DTD, no entity expansion, no network."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = f"dòng {exc.lineno}, " if exc.lineno else ""
        raise PackageError(
            f"phần '{name}' không phải XML hợp lệ ({line}{exc.msg})",
            "Mở mẫu trong Word và lưu lại; nếu Word báo lỗi, tạo lại mẫu bằng scripts/make_templates.py",
        ) from None
    if root.getroottree().docinfo.doctype:
        raise PackageError(f"phần '{name}' có khai báo DOCTYPE, tài liệu Word không bao giờ có",
                           "Tạo lại mẫu bằng Word hoặc scripts/make_templates.py")
    return root


# ---------------------------------------------------------------------------------------------
# Writing


_DOS_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1  # 2026-01-01, 00:00:00
_DOS_TIME = 0
_LOCAL = struct.Struct("<IHHHHHIIIHH")
_DEFLATED = 8
_PACKING = struct.Struct("<HIQQ")  # method, CRC-32, size, compressed size
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")


@dataclass(frozen=True)
class Entry:
    """One deflated part, ready to be written at any offset."""

    name: bytes
    flags: int
    crc: int
    size: int
    data: bytes

    @cached_property
    def fingerprint(self) -> bytes:
        """:func:`packed_fingerprint` of this part as it is written (kept: a part the template
        never changes is hashed once)."""
        return packed_fingerprint(self.name, _DEFLATED, self.crc, self.size, self.data)

    @property
    def local_header(self) -> bytes:
        return _LOCAL.pack(0x04034B50, 20, self.flags, 8, _DOS_TIME, _DOS_DATE, self.crc,
                           len(self.data), self.size, len(self.name), 0) + self.name


def deflate(name: str, data: bytes, level: int = 6, *, fast: bool = False) -> Entry:
    """``data`` compressed for the archive as part ``name``. ``fast``: for the parts that change
    with every document, compressed once each: ISA-L's deflate (:func:`fast_deflate`)."""
    raw = name.encode("utf-8")
    flags = 0 if raw.isascii() else 0x800  # bit 11: the name is UTF-8
    if fast:
        packed = fast_deflate(data)
    else:
        comp = zlib.compressobj(level, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
    return Entry(raw, flags, zlib.crc32(data), len(data), packed)


def fast_deflate(data: bytes) -> bytes:
    """``data`` as a raw deflate stream, quickly. ISA-L (the ``isal`` package) writes the same
    format four to five times faster than zlib's fastest level, and smaller: a plan's 150 KB
    document.xml in 0.12 ms and 21.7 KB, against 0.53 ms and 25.8 KB with zlib level 1 and
    fixed Huffman codes, which is what is used where ``isal`` cannot be imported."""
    if _isal_zlib is not None:
        return bytes(_isal_zlib.compress(data, _ISAL_LEVEL, -15))
    comp = zlib.compressobj(1, zlib.DEFLATED, -15, 8, zlib.Z_FIXED)
    return comp.compress(data) + comp.flush()


def packed_fingerprint(name: bytes, method: int, crc: int, size: int, data: bytes) -> bytes:
    """A hash of one part as it lies in the archive: its name, how it is packed, and its
    compressed bytes. Equal fingerprints mean equal content, without inflating anything."""
    h = hashlib.sha256(_PACKING.pack(method, crc, size, len(data)) + name)
    h.update(data)
    return h.digest()


def packing_digest(fingerprints: Iterable[bytes]) -> str:
    """The hash of an archive's parts as packed (:func:`packed_fingerprint` of each, in order)."""
    return hashlib.sha256(b"".join(fingerprints)).hexdigest()


def archive_packing(zf: zipfile.ZipFile, data: bytes, skip: str) -> str:
    """:func:`packing_digest` of the archive ``data`` (open as ``zf``), every part but ``skip``
    read in place from its local header; "" for anything unusual (a local header that does not
    match the directory, a part cut short)."""
    prints = []
    for info in zf.infolist():
        if info.filename == skip:
            continue
        at = info.header_offset
        if at + 30 > len(data) or data[at:at + 4] != b"PK\x03\x04":
            return ""
        name_len, extra_len = struct.unpack_from("<HH", data, at + 26)
        name = data[at + 30:at + 30 + name_len]
        start = at + 30 + name_len + extra_len
        body = data[start:start + info.compress_size]
        if len(body) != info.compress_size or name != info.orig_filename.encode("utf-8", "replace"):
            return ""
        prints.append(packed_fingerprint(name, info.compress_type, info.CRC, info.file_size, body))
    return packing_digest(prints)


def write_zip(entries: Sequence[Entry]) -> bytes:
    """The archive of ``entries``, in order."""
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for e in entries:
        header = e.local_header
        chunks.append(header)
        chunks.append(e.data)
        central.append(_CENTRAL.pack(0x02014B50, 20, 20, e.flags, 8, _DOS_TIME, _DOS_DATE, e.crc,
                                     len(e.data), e.size, len(e.name), 0, 0, 0, 0, 0, offset) + e.name)
        offset += len(header) + len(e.data)
    directory = b"".join(central)
    chunks.append(directory)
    chunks.append(_END.pack(0x06054B50, 0, 0, len(entries), len(entries), len(directory), offset, 0))
    return b"".join(chunks)
