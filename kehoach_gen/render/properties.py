"""Custom document properties: what a document was generated from, and its content hash.

:data:`PROP_CONTENT` records a hash of the document's content parts (every part but the
properties themselves), by which a later run tells whether a person edited the file. The
formula is the one documents written by earlier versions carry, so they are still recognised.
:data:`PROP_PACKING` records a hash of those parts as they lie compressed in the file, so that
a file still as it was written is recognised without inflating and hashing its megabyte of XML.
"""

from __future__ import annotations

import hashlib
import html
import io
import struct
import zipfile
from collections.abc import Mapping

from .package import PackageError, archive_packing, parse_xml, read_parts

CUSTOM_PROPS = "docProps/custom.xml"
PROP_CONTENT = "kehoach-gen:content"
PROP_PACKING = "kehoach-gen:packing"  # a hash of the other parts as packed in the file
UNHASHED = frozenset({CUSTOM_PROPS, "docProps/core.xml", "docProps/app.xml"})
CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_MAX_PROPS_BYTES = 1024 * 1024


def custom_xml(props: Mapping[str, str]) -> str:
    items = "".join(
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="{i}" '
        f'name="{html.escape(k, quote=True)}"><vt:lpwstr>{html.escape(v)}</vt:lpwstr></property>'
        for i, (k, v) in enumerate(sorted(props.items()), start=2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    )


def with_custom_content_type(xml: str) -> str:
    if "/docProps/custom.xml" in xml:
        return xml
    return xml.replace(
        "</Types>", f'<Override PartName="/docProps/custom.xml" ContentType="{CUSTOM_CT}"/></Types>')


def with_custom_rel(xml: str) -> str:
    if CUSTOM_REL in xml:
        return xml
    return xml.replace(
        "</Relationships>",
        f'<Relationship Id="rIdKehoachCustom" Type="{CUSTOM_REL}" Target="docProps/custom.xml"/>'
        "</Relationships>",
    )


def read_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a .docx (what kehoach-gen recorded when it wrote the file)."""
    return read_recorded(data)[0]


def read_recorded(data: bytes) -> tuple[dict[str, str], str]:
    """The custom properties of a .docx, and the :func:`~.package.packing_digest` of its other
    parts as they lie in the file now (to compare with :data:`PROP_PACKING`); ({}, "") for a
    file that is not a readable .docx."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        with zf.open(CUSTOM_PROPS) as f:
            xml = f.read(_MAX_PROPS_BYTES + 1)
        if len(xml) > _MAX_PROPS_BYTES:
            return {}, ""
        root = parse_xml(xml, CUSTOM_PROPS)
        packing = archive_packing(zf, data, CUSTOM_PROPS)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError, RuntimeError, NotImplementedError,
            PackageError, struct.error):
        return {}, ""
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext())
    return out, packing


def is_unchanged(data: bytes) -> tuple[bool, dict[str, str]]:
    """Whether the .docx ``data`` holds, part for part, the content kehoach-gen recorded in it
    (its :data:`PROP_CONTENT`), and its custom properties.

    A file whose parts still lie as they were written (:data:`PROP_PACKING`) is known to be
    unchanged from a hash of its compressed bytes (~40 KB); any other (saved again by Word,
    written by an earlier version) is inflated and its content hashed (~1 MB), which is the
    truth either way."""
    props, packing = read_recorded(data)
    content = props.get(PROP_CONTENT)
    if not content:
        return False, props
    if packing and props.get(PROP_PACKING) == packing:
        return True, props
    return content == document_digest(data), props


def digest_parts(parts: Mapping[str, bytes]) -> str:
    """The content hash: sha256 over the sorted names and bytes of every part but the
    properties (unchanged since the first version)."""
    h = hashlib.sha256()
    for name in sorted(parts):
        if name not in UNHASHED:
            h.update(name.encode())
            h.update(parts[name])
    return h.hexdigest()


def document_digest(data: bytes) -> str:
    """A hash of a .docx's content parts (not its properties), to tell if a person edited it."""
    try:
        return digest_parts(read_parts(data))
    except PackageError:
        return ""
