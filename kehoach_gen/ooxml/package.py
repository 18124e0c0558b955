"""Opening a .docx from a path or bytes, in bounded time and memory, for every reader.

A .docx is a zip of XML parts. Whoever sends one decides its shape, so before python-docx sees
it :func:`open_docx` makes sure that

* the path is a regular file (never a device, a FIFO or a socket: ``/dev/zero`` would never
  end) and at most :data:`MAX_DOCX_BYTES` are read;
* it is a zip, not an old .doc, a password-protected Word file, or a PDF;
* no part declares, or actually inflates to, more than its cap, none compresses suspiciously
  well, and all parts together stay under :data:`MAX_TOTAL_BYTES`. Parts are inflated here in
  chunks with ``zlib`` (as the zip-bomb advice of CPython's ``zipfile`` docs, Apache POI's
  ``ZipSecureFile`` and defusedxml suggest), so a header that lies about a size cannot get
  past the cap: python-docx later reads exactly the bytes measured here;
* no XML part declares a DOCTYPE (Word never writes one; entities are what billion-laughs and
  XXE attacks are made of) or holds more markup than :data:`MAX_XML_MARKUP` tags.

Every refusal is an :class:`~kehoach_gen.errors.InputError` with one located Vietnamese line.
The checker and the importer have always worded the ordinary problems (missing file, not a
.docx …) differently; each passes its :class:`Wording`.
"""

from __future__ import annotations

import io
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import InputError, Problem, rel
from .element import parse_xml
from .ns import CT_NS

MiB = 1 << 20
# A real plan is a .docx of a few hundred KB to a few MB (more with photographs); its
# word/document.xml is a few MB and about 15 tags per paragraph. The caps leave ten times that.
MAX_DOCX_BYTES = 64 * MiB  # the file as given
MAX_PARTS = 2_000  # zip members
MAX_PART_BYTES = 64 * MiB  # one part, inflated (a large photograph)
MAX_XML_PART_BYTES = 32 * MiB  # one XML part, inflated
MAX_XML_MARKUP = 1_500_000  # "<" in one XML part: parsing costs about 1 µs and 120 B a tag
MAX_TOTAL_BYTES = 160 * MiB  # all parts, inflated
MAX_RATIO = 200  # inflated / compressed, for parts above RATIO_GRACE (Word's XML: 5-60)
RATIO_GRACE = 1 * MiB
CHUNK = 1 * MiB  # inflate and read in pieces of this size

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_NAME = "EncryptedPackage".encode("utf-16-le")
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zip local file header, APPNOTE 4.3.7
_REWRITE = "Mở tệp bằng Word rồi lưu lại dạng 'Word Document (*.docx)'; nếu vẫn lỗi, xin lại bản gốc"


@dataclass(frozen=True)
class Say:
    """A message and its hint; ``{reason}`` in the message is filled in."""

    message: str
    hint: str = ""


@dataclass(frozen=True)
class Wording:
    """How one reader words the ordinary problems of opening a file. ``old_doc`` and ``pdf``
    are None for a reader that calls them simply 'not a .docx'."""

    missing: Say
    directory: Say
    unreadable: Say  # {reason}: the system's explanation
    not_docx: Say
    broken: Say  # {reason}: what python-docx said
    old_doc: Say | None = None
    pdf: Say | None = None
    broken_reason: Callable[[Exception], str] = str


@dataclass(frozen=True)
class Opened:
    """A python-docx Document and the name to show in messages (None for bytes)."""

    document: Any
    name: str | None


def open_docx(source: str | Path | bytes, wording: Wording) -> Opened:
    """Read, screen and open a .docx; raises :class:`InputError` when it cannot or must not be
    read."""
    data, name = read_source(source, wording)
    _sniff(data, name, wording)
    screen_package(data, name)
    import docx  # python-docx costs 60 ms to import: only the importer needs it

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # any parse failure of an untrusted package is the user's input
        raise _refuse(name, wording.broken, reason=wording.broken_reason(exc)) from None
    return Opened(document, name)


def _refuse(name: str | None, say: Say, **fill: Any) -> InputError:
    return InputError([Problem(message=say.message.format(**fill), file=name, hint=say.hint)])


# ---------------------------------------------------------------------------------------------
# The file


def read_source(source: str | Path | bytes, wording: Wording) -> tuple[bytes, str | None]:
    """The bytes of ``source`` (a path, or the bytes themselves) and its display name."""
    if isinstance(source, (bytes, bytearray)):
        if len(source) > MAX_DOCX_BYTES:
            raise _refuse(None, _TOO_BIG, size=_mb(len(source)))
        return bytes(source), None
    name = rel(source)
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused just below
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise _refuse(name, wording.missing) from None
    except IsADirectoryError:
        raise _refuse(name, wording.directory) from None
    except OSError as exc:
        raise _refuse(name, wording.unreadable, reason=exc.strerror) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _refuse(name, wording.directory)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse(name, _NOT_REGULAR)
        if info.st_size > MAX_DOCX_BYTES:
            raise _refuse(name, _TOO_BIG, size=_mb(info.st_size))
        chunks, size = [], 0
        while size <= MAX_DOCX_BYTES:  # the size on disk may change while we read
            chunk = os.read(fd, min(CHUNK, MAX_DOCX_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > MAX_DOCX_BYTES:
            raise _refuse(name, _TOO_BIG, size=_mb(size))
        return b"".join(chunks), name
    except OSError as exc:
        raise _refuse(name, wording.unreadable, reason=exc.strerror) from None
    finally:
        os.close(fd)


def _sniff(data: bytes, name: str | None, wording: Wording) -> None:
    if data.startswith(_OLE_MAGIC):
        if is_encrypted_office_file(data):
            raise _refuse(name, _ENCRYPTED)
        if wording.old_doc is not None:
            raise _refuse(name, wording.old_doc)
    if data.startswith(b"%PDF") and wording.pdf is not None:
        raise _refuse(name, wording.pdf)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _refuse(name, wording.not_docx)


def is_encrypted_office_file(data: bytes) -> bool:
    """An OLE compound file holding an "EncryptedPackage" stream: how Office stores a
    password-protected .docx. The stream's name is a 128-byte directory entry (UTF-16 name,
    then its length in bytes, terminator included, at offset 64)."""
    pos = data.find(_ENCRYPTED_NAME)
    while pos != -1:
        if pos % 128 == 0 and data[pos + 64:pos + 66] == (len(_ENCRYPTED_NAME) + 2).to_bytes(2, "little"):
            return True
        pos = data.find(_ENCRYPTED_NAME, pos + 1)
    return False


# ---------------------------------------------------------------------------------------------
# The zip


def screen_package(data: bytes, name: str | None) -> None:
    """Refuse a zip whose parts are too many, too big, too compressed, or XML with a DOCTYPE
    or too much markup. Inflates every part in chunks, one chunk in memory at a time."""
    try:
        infos = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # python-docx says what is wrong, in the reader's words
    if len(infos) > MAX_PARTS:
        raise _refuse(name, _TOO_MANY_PARTS, count=f"{len(infos):,}".replace(",", "."))
    for info in infos:  # what the zip says first: a bomb is refused before anything inflates
        _screen_declared(info, name, MAX_PART_BYTES)
    if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
        raise _refuse(name, _TOO_MUCH)
    xml, images = _xml_members(data, infos, name)
    total = 0
    for info in infos:
        member = info.filename
        total += _screen_part(data, info, name, xml=member in xml or member in images,
                              dtd=member not in images)
        if total > MAX_TOTAL_BYTES:
            raise _refuse(name, _TOO_MUCH)


def _xml_members(data: bytes, infos: list[zipfile.ZipInfo], name: str | None
                 ) -> tuple[set[str], set[str]]:
    """The members python-docx (or a reader) parses as XML: relationships, and every part
    whose content type is XML; and, apart, the XML images (SVG), kept as blobs and never
    parsed, which may carry a DOCTYPE (drawing programs write one) but not endless markup."""
    out = {i.filename for i in infos if i.filename.lower().endswith(".rels")}
    images: set[str] = set()
    types = next((i for i in infos if i.filename == "[Content_Types].xml"), None)
    by_name = out | {i.filename for i in infos if i.filename.lower().endswith(".xml")}
    if types is None:
        return by_name, images
    out.add(types.filename)
    chunks: list[bytes] = []
    _screen_part(data, types, name, xml=True, dtd=True, keep=chunks)
    try:
        root = parse_xml(b"".join(chunks))
    except (etree.XMLSyntaxError, ValueError):
        return by_name, images
    defaults = {(el.get("Extension") or "").lower(): el.get("ContentType") or ""
                for el in root.iter(f"{{{CT_NS}}}Default")}
    overrides = {(el.get("PartName") or "").lower(): el.get("ContentType") or ""
                 for el in root.iter(f"{{{CT_NS}}}Override")}
    for info in infos:
        member = info.filename
        ctype = overrides.get("/" + member.lower()) or defaults.get(
            member.rpartition(".")[2].lower() if "." in member else "", "")
        if "xml" in ctype:
            (images if ctype.startswith("image/") else out).add(member)
    return out, images


def _screen_part(data: bytes, info: zipfile.ZipInfo, name: str | None, *, xml: bool,
                 dtd: bool, keep: list[bytes] | None = None) -> int:
    """Inflate one part in chunks and return how many bytes it really holds (up to the first
    error of the zip itself, which python-docx reports when it reads the part)."""
    member = info.filename
    cap = MAX_XML_PART_BYTES if xml else MAX_PART_BYTES
    _screen_declared(info, name, cap)
    produced = markup = 0
    tail = b""
    for chunk in _inflate(data, info):
        produced += len(chunk)
        if produced > info.file_size:  # the header lied: never trust it further
            raise _refuse(name, _LYING, member=member)
        if produced > cap:
            raise _refuse(name, _PART_TOO_BIG, member=member, cap=_mb(cap))
        if xml:
            markup += chunk.count(b"<")
            if markup > MAX_XML_MARKUP:
                raise _refuse(name, _MARKUP, member=member)
            if dtd:
                window = tail + chunk
                if _dtd_hint(window) and _DTD.search(window):
                    raise _refuse(name, _DOCTYPE, member=member)
                tail = window[-_DTD_OVERLAP:]
        if keep is not None:
            keep.append(chunk)
    return produced


def _screen_declared(info: zipfile.ZipInfo, name: str | None, cap: int) -> None:
    """What the zip declares of a part: its size, how well it compresses, its method."""
    member = info.filename
    if info.file_size > cap:
        raise _refuse(name, _PART_TOO_BIG, member=member, cap=_mb(cap))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_GRACE and ratio > MAX_RATIO:
        raise _refuse(name, _RATIO, member=member, ratio=f"{ratio:.0f}")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _refuse(name, _METHOD, member=member, method=info.compress_type)


def _inflate(data: bytes, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The part's bytes, CHUNK at a time, found from its local header; nothing for an
    encrypted part or one whose data the zip does not hold."""
    if info.flag_bits & 0x1:
        return
    header = data[info.header_offset:info.header_offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        return
    fields = _LOCAL_HEADER.unpack(header)
    start = info.header_offset + _LOCAL_HEADER.size + fields[10] + fields[11]
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for pos in range(0, len(raw), CHUNK):
            yield bytes(raw[pos:pos + CHUNK])
        return
    inflater = zlib.decompressobj(-15)
    pos = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            source: bytes | memoryview = inflater.unconsumed_tail
        elif pos < len(raw):
            source, pos = raw[pos:pos + CHUNK], pos + CHUNK
        else:
            return
        try:
            chunk = inflater.decompress(source, CHUNK)
        except zlib.error:
            return
        if chunk:
            yield chunk


# "<!DOCTYPE" or "<!ENTITY" in UTF-8 or UTF-16: Word never writes them, XML attacks need them
_DTD_WORDS = [w.encode(enc) for w in ("<!DOCTYPE", "<!ENTITY")
              for enc in ("utf-8", "utf-16-le", "utf-16-be")]
_DTD = re.compile(b"|".join(re.escape(w) for w in _DTD_WORDS), re.IGNORECASE)
_DTD_OVERLAP = max(len(w) for w in _DTD_WORDS)


_LOOKS = 32  # marks looked back from, one by one; past these, the pairs are searched in C


def marked_after(data: bytes, mark: bytes, before: tuple[bytes, ...], start: int = 0) -> bool:
    """Whether ``mark`` (a rare byte string) occurs from ``start`` on right after one of
    ``before``: "<!" in a text where "<" is everywhere. The rare mark is searched and the bytes
    before it looked at, many times faster than searching the pairs; a text of many marks is
    searched for the pairs instead, so that no text makes this a loop in Python."""
    at = data.find(mark, start)
    for _ in range(_LOOKS):
        if at < 0:
            return False
        if any(data[at - len(b):at] == b for b in before):
            return True
        at = data.find(mark, at + 1)
    # (every mark before ``at`` was looked at: the pairs are searched from there on)
    return at >= 0 and any(data.find(b + mark, max(0, at - len(b))) >= 0 for b in before)


def _dtd_hint(window: bytes) -> bool:
    """Whether ``window`` holds "<!" in UTF-8 or UTF-16 ("<" then "!", or "<", NUL, "!"): what
    every word of ``_DTD`` starts with."""
    return marked_after(window, b"!", (b"<", b"<\x00"))


def _mb(size: int) -> str:
    return f"{size / MiB:.0f} MB" if size >= MiB else f"{size / 1024:.0f} KB"


_TOO_BIG = Say("tệp quá lớn ({size}; giới hạn 64 MB), không giống một kế hoạch",
               "Kế hoạch thường chỉ vài MB: nén ảnh trong Word (Picture Format > Compress "
               "Pictures) hoặc tách phụ lục thành tệp riêng rồi lưu lại")
_NOT_REGULAR = Say("đây không phải tệp thông thường (thiết bị, ống dẫn hoặc socket), không đọc",
                   "Chỉ ra đúng tệp .docx")
_ENCRYPTED = Say("tệp Word được đặt mật khẩu (đã mã hóa) nên không đọc được nội dung",
                 "Mở bằng Word, bỏ mật khẩu (File > Info > Protect Document) rồi lưu lại")
_TOO_MANY_PARTS = Say("tệp .docx có {count} phần (giới hạn 2.000), không giống văn bản Word",
                      _REWRITE)
_TOO_MUCH = Say("tệp .docx giải nén ra hơn 160 MB (giới hạn để đọc an toàn)", _REWRITE)
_PART_TOO_BIG = Say("phần '{member}' của tệp .docx giải nén ra hơn {cap} (giới hạn để đọc an "
                    "toàn)", _REWRITE)
_LYING = Say("phần '{member}' của tệp .docx giải nén ra nhiều hơn kích thước ghi trong tệp "
             "nén (tệp hỏng hoặc bị sửa có chủ ý)", _REWRITE)
_RATIO = Say("phần '{member}' của tệp .docx nén bất thường (tỉ lệ {ratio}:1, giới hạn 200:1)",
             _REWRITE)
_METHOD = Say("phần '{member}' của tệp .docx nén theo kiểu {method} mà Word không dùng", _REWRITE)
_DOCTYPE = Say("phần '{member}' của tệp .docx có khai báo DOCTYPE, điều Word không bao giờ ghi",
               _REWRITE)
_MARKUP = Say("phần '{member}' của tệp .docx có hơn 1.500.000 thẻ XML (giới hạn để đọc an "
              "toàn)", _REWRITE)
