"""Real Word footnotes: the footnotes part, its relationship, content type and settings.

docxtpl has no footnote API, so the part is written here. Markers are rendered as footnote
references with placeholder ids (:func:`.text.reference_run`); :func:`number` gives them real
ids in document order, the first reference of each note becoming the footnote Word numbers
and places at the foot of that page. A later reference to the same note repeats its number as
superscript text. A template that already has a footnotes part keeps its own notes and
separators; ours follow them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ..adapt import plain
from .package import W_NS, PackageError, parse_xml
from .text import BREAK, REF_ID, escape

FOOTNOTES_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
FOOTNOTES_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_NEW_PART = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<w:footnotes xmlns:w="{W_NS}">'
    '<w:footnote w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
    'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:footnote>'
    '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
    'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
)
_FOOTNOTE_PR = '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>'
# what may follow w:footnotePr in w:settings (CT_Settings is a sequence)
_AFTER_FOOTNOTE_PR = ("<w:endnotePr", "<w:compat", "<w:docVars", "<w:rsids", "<m:mathPr",
                      "<w:attachedSchema", "<w:themeFontLang", "<w:clrSchemeMapping",
                      "<w:doNotIncludeSubdocsInStats", "<w:doNotAutoCompressPictures", "<w:forceUpgrade",
                      "<w:captions", "<w:readModeInkLockDown", "<w:smartTagType", "<sl:schemaLibrary",
                      "<w:shapeDefaults", "<w:doNotEmbedSmartTags", "<w:decimalSymbol", "<w:listSeparator",
                      "</w:settings>")


@dataclass(frozen=True)
class NoteSetup:
    """How a template's documents get their footnotes: the part's name and its opening (the
    template's own notes or new separators), the first free id, and the parts that change
    when a document has notes (content types, the document's relationships, settings)."""

    part: str
    head: str
    first_id: int
    changed: Mapping[str, bytes]

    @classmethod
    def of(cls, parts: Mapping[str, bytes]) -> NoteSetup:
        rels_name = "word/_rels/document.xml.rels"
        rels = parts.get(rels_name, b"").decode("utf-8")
        existing = _footnotes_target(rels)
        changed: dict[str, bytes] = {}
        if existing is not None and existing in parts:
            root = parse_xml(parts[existing], existing)
            ids = [int(v) for v in root.xpath("//w:footnote/@w:id", namespaces={"w": W_NS})
                   if re.fullmatch(r"-?\d+", v)]
            xml = parts[existing].decode("utf-8")
            end = xml.rfind("</w:footnotes>")
            if end < 0:
                raise PackageError(f"phần '{existing}' không có thẻ đóng </w:footnotes>",
                                   "Mở mẫu trong Word và lưu lại")
            return cls(existing, xml[:end], max([0, *ids]) + 1, changed)
        part = "word/footnotes.xml"
        types = parts["[Content_Types].xml"].decode("utf-8")
        if "/word/footnotes.xml" not in types:
            types = types.replace(
                "</Types>", f'<Override PartName="/word/footnotes.xml" ContentType="{FOOTNOTES_CT}"/></Types>')
            changed["[Content_Types].xml"] = types.encode("utf-8")
        if existing is None:
            if not rels:
                rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        f'<Relationships xmlns="{_PKG_REL_NS}"></Relationships>')
            rid = "rIdKhFootnotes"
            while f'Id="{rid}"' in rels:
                rid += "x"
            rels = rels.replace("</Relationships>", f'<Relationship Id="{rid}" Type="{FOOTNOTES_REL}" '
                                'Target="footnotes.xml"/></Relationships>')
            changed[rels_name] = rels.encode("utf-8")
        settings = parts.get("word/settings.xml")
        if settings is not None and b"<w:footnotePr" not in settings:
            text = settings.decode("utf-8")
            at = min((i for i in (text.find(tag) for tag in _AFTER_FOOTNOTE_PR) if i >= 0), default=-1)
            if at >= 0:
                changed["word/settings.xml"] = (text[:at] + _FOOTNOTE_PR + text[at:]).encode("utf-8")
        return cls(part, _NEW_PART, 1, changed)


def _footnotes_target(rels: str) -> str | None:
    for m in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = m.group(0)
        if FOOTNOTES_REL in tag:
            target = re.search(r'Target="([^"]+)"', tag)
            if target:
                t = target.group(1)
                return t.lstrip("/") if t.startswith("/") else "word/" + t
    return None


_REF_START = f'<w:footnoteReference w:id="{REF_ID}'.encode()


def number(head: bytes, body: bytes, tail: bytes, first_id: int) -> tuple[bytes, list[tuple[int, str]]]:
    """The document.xml of ``body`` (UTF-8) between ``head`` and ``tail``, with the body's
    placeholder references numbered in document order, and the notes that became footnotes,
    as (id, key)."""
    seen: dict[bytes, int] = {}
    notes: list[tuple[int, str]] = []
    out: list[bytes] = [head]
    pos = 0
    while (at := body.find(_REF_START, pos)) >= 0:
        end = body.find(b'"/>', at)
        key = body[at + len(_REF_START):end]
        out.append(body[pos:at])
        if key in seen:  # the note is already at the foot of an earlier page: repeat its number
            out.append(b"<w:t>%d</w:t>" % seen[key])
        else:
            seen[key] = len(seen) + 1
            notes.append((first_id + len(notes), key.decode("utf-8")))
            out.append(b'<w:footnoteReference w:id="%d"/>' % notes[-1][0])
        pos = end + 3
    out.append(body[pos:])
    out.append(tail)
    return b"".join(out), notes


def part(setup: NoteSetup, notes: list[tuple[int, str]], texts: Mapping[str, tuple[int, str]]) -> bytes:
    """The footnotes part holding ``notes`` (their text from the plan's footnotes)."""
    items = []
    for note_id, key in notes:
        text = escape(plain(texts[key][1])).replace("\n", BREAK)
        items.append(
            f'<w:footnote w:id="{note_id}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
            '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:footnote>')
    return (setup.head + "".join(items) + "</w:footnotes>").encode("utf-8")


_FONTS = ('<w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman" w:cs="Times New Roman" '
          'w:eastAsia="Times New Roman"/>')
_NOTE_STYLES = {
    "FootnoteText": (
        '<w:style w:type="paragraph" w:styleId="FootnoteText"><w:name w:val="footnote text"/>'
        '<w:basedOn w:val="Normal"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        '<w:pPr><w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/><w:jc w:val="both"/></w:pPr>'
        f'<w:rPr>{_FONTS}<w:color w:val="000000"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr></w:style>'),
    "FootnoteReference": (
        '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/>'
        '<w:basedOn w:val="DefaultParagraphFont"/><w:uiPriority w:val="99"/><w:unhideWhenUsed/>'
        f'<w:rPr>{_FONTS}<w:vertAlign w:val="superscript"/></w:rPr></w:style>'),
}


def with_note_styles(styles: bytes) -> bytes:
    """``styles.xml`` with "footnote text" and "footnote reference" added if a template written
    before footnotes were real lacks them (the same definitions scripts/make_templates.py uses)."""
    text = styles.decode("utf-8")
    missing = [xml for sid, xml in _NOTE_STYLES.items() if f'w:styleId="{sid}"' not in text]
    end = text.rfind("</w:styles>")
    if not missing or end < 0:
        return styles
    return (text[:end] + "".join(missing) + text[end:]).encode("utf-8")
