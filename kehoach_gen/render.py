"""Word output: the one module that knows docxtpl, python-docx and the OOXML underneath.

A :class:`CompiledTemplate` reads a Word template once: docxtpl cleans the tags Word split
across runs, Jinja compiles the XML once, and every unit's document is then rendered from it
and written straight into a copy of the template's zip. Rendering many units costs one Jinja
render each, not one template parse. Values are XML-escaped (``&``, ``<``, ``>`` and quotes
appear as typed); footnote markers become superscript references with the notes under the
appendix table; the short lines under the issuing body, the tiêu ngữ and the trích yếu get
their lengths from the text above them.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate, RichText
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree

from .adapt import FOOTNOTE_RE, Row, UnitPlan
from .errors import InputError, Problem, rel

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
CUSTOM_PROPS = "docProps/custom.xml"
PROP_CONTENT = "kehoach-gen:content"
_UNHASHED = (CUSTOM_PROPS, "docProps/core.xml", "docProps/app.xml")
TWIPS_PER_CM = 567.0
# Approximate advance widths of Times New Roman, in em, for sizing the short rules.
_UPPER_EM, _LOWER_EM, _SPACE_EM, _OTHER_EM = 0.70, 0.48, 0.25, 0.50


def _rich(text: str, footnotes: Mapping[str, tuple[int, str]]) -> RichText:
    """Text as docxtpl runs: escaped, with footnote markers as superscript numbers."""
    rt = RichText()
    pos = 0
    for m in FOOTNOTE_RE.finditer(text):
        if m.start() > pos:
            rt.add(text[pos:m.start()])
        number = footnotes.get(m.group(1), (0, ""))[0]
        rt.add(str(number), superscript=True)
        pos = m.end()
    if pos < len(text):
        rt.add(text[pos:])
    return rt


def _lines(items: Iterable[str]) -> list[str]:
    """A table cell's lines: several items become "- " bullets; a cell is never empty."""
    items = list(items)
    if len(items) > 1:
        return [f"- {i}" for i in items]
    return items or [""]


@dataclass(frozen=True)
class _RowView:
    row: Row
    rich: RichText
    cells: dict[str, list[str]]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.row, name)


@dataclass(frozen=True)
class _ParaView:
    kind: str
    rich: RichText


def context(plan: UnitPlan) -> dict[str, Any]:
    """The template's variables for ``plan``: everything a Word template may use."""
    notes = plan.footnotes
    appendix = None
    if plan.appendix is not None:
        a = plan.appendix
        rows = [
            _RowView(r, _rich(r.text, notes), {
                "lead": _lines(r.lead), "coop": _lines(r.coop),
                "outputs": _lines(r.outputs), "deadline": _lines(r.deadline),
            })
            for r in a.rows
        ]
        appendix = {"heading": a.heading, "title": a.title, "kem_theo": a.kem_theo,
                    "columns": list(a.columns), "rows": rows}
    footnote_list = []
    for n, text in sorted(notes.values()):
        rt = RichText()
        rt.add(str(n), superscript=True)
        rt.add(" " + text)
        footnote_list.append(rt)
    return {
        "issuer_lines": list(plan.issuer_lines),
        "number_line": plan.number_line,
        "place_date": plan.place_date,
        "title": plan.title,
        "trich_yeu": plan.trich_yeu,
        "body": [_ParaView(p.kind, _rich(p.full, notes)) for p in plan.body],
        "noi_nhan": list(plan.noi_nhan),
        "signer_lines": list(plan.signer_lines),
        "signer_name": plan.signer_name,
        "appendix": appendix,
        "footnote_list": footnote_list,
        "unit_name": plan.unit_name,
    }


# Every name a template may use, for check-template and for strict rendering.
CONTEXT_NAMES = frozenset({
    "issuer_lines", "number_line", "place_date", "title", "trich_yeu", "body", "noi_nhan",
    "signer_lines", "signer_name", "appendix", "footnote_list", "unit_name",
})


def _env() -> SandboxedEnvironment:
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


class CompiledTemplate:
    """A Word template read and compiled once, ready to render any number of plans."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.raw = self.path.read_bytes()
            zf = zipfile.ZipFile(io.BytesIO(self.raw))
            self.names = zf.namelist()
            self.document_xml = zf.read("word/document.xml").decode("utf-8")
        except FileNotFoundError:
            raise InputError([Problem(message="không tìm thấy mẫu Word", file=rel(self.path),
                                      hint="Kiểm tra tùy chọn --templates")]) from None
        except (zipfile.BadZipFile, KeyError):
            raise InputError([Problem(message="tệp không phải tài liệu Word (.docx) hợp lệ",
                                      file=rel(self.path),
                                      hint="Lưu lại mẫu trong Word dưới dạng .docx")]) from None
        tpl = DocxTemplate(io.BytesIO(self.raw))
        tpl.init_docx()
        body_xml = tpl.patch_xml(tpl.get_xml())
        self.source = re.sub(r"<w:p([ >])", r"\n<w:p\1", body_xml)
        try:
            self.template = _env().from_string(self.source)
        except jinja2.TemplateSyntaxError as exc:
            raise InputError([Problem(
                message=f"thẻ mẫu viết sai: {exc.message}", file=rel(self.path),
                hint="Mở mẫu trong Word và sửa thẻ {{ … }} / {%p … %} bị hỏng",
            )]) from None
        self.digest = hashlib.sha256(self.raw).hexdigest()
        self.parts = {name: zf.read(name) for name in self.names}

    @cached_property
    def variables(self) -> set[str]:
        """The top-level variables the template uses."""
        from jinja2 import meta

        return set(meta.find_undeclared_variables(_env().parse(self.source)))

    def render_xml(self, plan: UnitPlan) -> str:
        """The document.xml of ``plan``'s document."""
        try:
            body = self.template.render(context(plan))
        except jinja2.UndefinedError as exc:
            raise InputError([Problem(
                message=f"mẫu Word dùng biến không có: {exc.message}", file=rel(self.path),
                hint="Các biến dùng được: " + ", ".join(sorted(CONTEXT_NAMES)),
            )]) from None
        body = re.sub(r"\n<w:p([ >])", r"<w:p\1", body)
        tree = etree.fromstring(body.encode("utf-8"))
        _finish(tree, inline=plan.appendix is None)
        new_body = etree.tostring(tree, encoding="unicode")
        start = self.document_xml.index("<w:body")
        end = self.document_xml.rindex("</w:body>") + len("</w:body>")
        return self.document_xml[:start] + new_body + self.document_xml[end:]

    def render(self, plan: UnitPlan, properties: Mapping[str, str] | None = None) -> bytes:
        """``plan`` as the bytes of a .docx file.

        ``properties`` are recorded as custom document properties, together with
        :data:`PROP_CONTENT`, the hash of the document's content, by which a later run tells
        whether a person edited the file.
        """
        parts = dict(self.parts)
        parts["word/document.xml"] = self.render_xml(plan).encode("utf-8")
        parts["[Content_Types].xml"] = _with_custom_content_type(
            parts["[Content_Types].xml"].decode("utf-8")).encode("utf-8")
        parts["_rels/.rels"] = _with_custom_rel(parts["_rels/.rels"].decode("utf-8")).encode("utf-8")
        props = dict(properties or {})
        props[PROP_CONTENT] = _digest_parts(parts)
        parts[CUSTOM_PROPS] = _custom_xml(props).encode("utf-8")
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
            for name, data in parts.items():
                info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                dst.writestr(info, data, compresslevel=1)
        return out.getvalue()


# ---------------------------------------------------------------------------------------------
# Post-processing of the rendered body


def _text(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _style_of(p: etree._Element) -> str:
    st = p.find(f"{W}pPr/{W}pStyle")
    return st.get(f"{W}val", "") if st is not None else ""


def _estimate_cm(text: str, size_pt: float) -> float:
    em = 0.0
    for ch in text:
        if ch.isspace():
            em += _SPACE_EM
        elif ch.isupper():
            em += _UPPER_EM
        elif ch.islower():
            em += _LOWER_EM
        else:
            em += _OTHER_EM
    return em * size_pt * 2.54 / 72


def _container_width_cm(p: etree._Element, page_text_cm: float) -> float:
    tc = next((a for a in p.iterancestors(f"{W}tc")), None)
    if tc is not None:
        w = tc.find(f"{W}tcPr/{W}tcW")
        if w is not None and w.get(f"{W}type") == "dxa":
            return int(w.get(f"{W}w", "0")) / TWIPS_PER_CM
    return page_text_cm


_RULES = etree.XPath(
    ".//w:p[w:pPr/w:pStyle[@w:val='KHGachngang' or @w:val='KHGachngangdu']]", namespaces={"w": W_NS})


def _size_rules(tree: etree._Element) -> None:
    """Give each short rule (an empty bordered paragraph) its length from the text above it:
    1/3–1/2 of the text (aim 0.4) under the issuing body and the trích yếu, the full length of
    the tiêu ngữ under it."""
    sizes = {"KHDaucoquan": 13, "KHTieude": 14, "KHTieungu": 13, "KHKemtheo": 14}
    for p in _RULES(tree):
        style = _style_of(p)
        full = style == "KHGachngangdu"
        above: list[float] = []
        prev = p.getprevious()
        while prev is not None and prev.tag == f"{W}p" and _style_of(prev) in sizes:
            above.append(_estimate_cm(_text(prev), sizes[_style_of(prev)]))
            if full:
                break
            prev = prev.getprevious()
        if not above:
            continue
        width = _container_width_cm(p, _page_text_cm(p))
        text_w = min(max(above), width)
        rule = text_w * (1.0 if full else 0.4)
        side = max((width - rule) / 2, 0)
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            ppr = etree.SubElement(p, f"{W}pPr")
            p.insert(0, ppr)
        ind = ppr.find(f"{W}ind")
        if ind is None:
            ind = etree.SubElement(ppr, f"{W}ind")
        ind.set(f"{W}left", str(int(side * TWIPS_PER_CM)))
        ind.set(f"{W}right", str(int(side * TWIPS_PER_CM)))


def _page_text_cm(p: etree._Element) -> float:
    """The text width of the page ``p`` is on: portrait body, or the landscape last section
    (A4 less the 30 mm and 15 mm side margins)."""
    if p.getparent() is None or p.getparent().tag != f"{W}body":
        return 16.5
    node = p
    while node is not None:
        if node.find(f"{W}pPr/{W}sectPr") is not None:
            return 16.5
        node = node.getnext()
    return 25.2


def _drop_last_section(body: etree._Element) -> None:
    """Inline layout: no appendix, so the landscape section goes and the body's section
    properties become the document's last ones."""
    holder = None
    for p in body.iterchildren(f"{W}p"):
        if p.find(f"{W}pPr/{W}sectPr") is not None:
            holder = p
    if holder is None:
        return
    sect = holder.find(f"{W}pPr/{W}sectPr")
    node = holder.getnext()
    while node is not None:
        nxt = node.getnext()
        if node.tag != f"{W}sectPr":
            body.remove(node)
        node = nxt
    final = body.find(f"{W}sectPr")
    assert sect is not None
    sect.getparent().remove(sect)
    if final is not None:
        body.replace(final, sect)
    else:
        body.append(sect)
    if not _text(holder):
        body.remove(holder)


def _finish(tree: etree._Element, *, inline: bool) -> None:
    body = tree if tree.tag == f"{W}body" else tree.find(f"{W}body")
    assert body is not None
    if inline:
        _drop_last_section(body)
    _size_rules(body)


# ---------------------------------------------------------------------------------------------
# Custom document properties: what a document was generated from


_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"


def _custom_xml(props: Mapping[str, str]) -> str:
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


def _with_custom_content_type(xml: str) -> str:
    if "/docProps/custom.xml" in xml:
        return xml
    return xml.replace(
        "</Types>",
        f'<Override PartName="/docProps/custom.xml" ContentType="{_CUSTOM_CT}"/></Types>',
    )


def _with_custom_rel(xml: str) -> str:
    if _CUSTOM_REL in xml:
        return xml
    return xml.replace(
        "</Relationships>",
        f'<Relationship Id="rIdKehoachCustom" Type="{_CUSTOM_REL}" Target="docProps/custom.xml"/>'
        "</Relationships>",
    )


def read_properties(data: bytes) -> dict[str, str]:
    """The custom properties of a .docx (what kehoach-gen recorded when it wrote the file)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        xml = zf.read(CUSTOM_PROPS)
    except (zipfile.BadZipFile, KeyError):
        return {}
    try:
        root = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return {}
    out: dict[str, str] = {}
    for prop in root:
        name = prop.get("name")
        if name:
            out[name] = "".join(prop.itertext())
    return out


def _digest_parts(parts: Mapping[str, bytes]) -> str:
    h = hashlib.sha256()
    for name in sorted(parts):
        if name not in _UNHASHED:
            h.update(name.encode())
            h.update(parts[name])
    return h.hexdigest()


def document_digest(data: bytes) -> str:
    """A hash of a .docx's content parts (not its properties), to tell if a person edited it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        return _digest_parts({name: zf.read(name) for name in zf.namelist()})
    except (zipfile.BadZipFile, KeyError, OSError):
        return ""


_TAG_RE = re.compile(r"\{[{%](?:(?![}%]\}).)*[}%]\}", re.DOTALL)
_SMART_QUOTES = "“”‘’"


def template_tag_problems(template: CompiledTemplate) -> list[Problem]:
    """Tags Word split across runs (still usable, but fragile) or whose quotes it curled."""
    problems: list[Problem] = []
    name = rel(template.path)
    for m in _TAG_RE.finditer(template.document_xml):
        raw = m.group(0)
        text = re.sub(r"<[^>]+>", "", raw)
        if "<w:t" in raw:
            problems.append(Problem(
                message=f"thẻ '{text}' bị Word tách thành nhiều đoạn định dạng", file=name,
                warning=True,
                hint="Gõ lại cả thẻ một lần, không sửa định dạng giữa chừng",
            ))
        if any(q in text for q in _SMART_QUOTES):
            problems.append(Problem(
                message=f"thẻ '{text}' có dấu nháy cong “ ” do Word tự đổi", file=name,
                hint="Tắt AutoCorrect 'Straight quotes with smart quotes' và gõ lại bằng dấu nháy thẳng",
            ))
    return problems
