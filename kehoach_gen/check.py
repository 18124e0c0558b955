"""Nghị định 30/2020 format checks on any .docx (``kehoach-gen check``).

The checker reads a Word file the way Word lays it out: every run's properties are resolved
through direct formatting, character style, paragraph style, numbering, table style, document
defaults and theme (:class:`_Sheet` is the one place that knows that order). The parts of a
plan are recognised by their text ("KẾ HOẠCH", "Số:", "Nơi nhận:", "Phụ lục" …), never by our
own style names, so documents typed by hand are checked as fairly as generated ones. Every
deviation from ``docs/nd30-format.md`` and every plan-level slip (stale task counts, numbering
gaps, city wording left in a commune's plan) becomes a :class:`Finding` with a stable rule id,
a place, what the rule says and how to fix it, in Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import docx
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from lxml import etree

from .errors import InputError, Problem, rel

__all__ = ["RULES", "Finding", "Report", "check_document"]

Severity = Literal["error", "warning"]

RULES: dict[str, str] = {
    "ND30-PAGE-SIZE": "Khổ giấy A4; phần thân khổ dọc (phụ lục có thể khổ ngang).",
    "ND30-MARGIN": "Lề trên, dưới 20–25 mm; lề trái 30–35 mm; lề phải 15–20 mm.",
    "ND30-PAGE-NUMBER": "Số trang ở đầu trang, căn giữa, 13–14 pt, chữ đứng, không hiện ở "
                        "trang 1; mỗi phụ lục là một phần riêng đánh số lại từ 1.",
    "ND30-FONT": "Mọi chữ dùng phông Times New Roman (Unicode).",
    "ND30-COLOR": "Chữ màu đen.",
    "ND30-NFC": "Văn bản ở dạng Unicode dựng sẵn (NFC).",
    "ND30-ISSUER": "Tên cơ quan ban hành: đầy đủ, không viết tắt, chữ in hoa, 12–13 pt, đậm, "
                   "căn giữa.",
    "ND30-QUOC-HIEU": "Quốc hiệu 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM': in hoa, 12–13 pt, đậm.",
    "ND30-TIEU-NGU": "Tiêu ngữ 'Độc lập - Tự do - Hạnh phúc': 13–14 pt, đậm, gạch nối có "
                     "cách chữ.",
    "ND30-SO": "Số, ký hiệu: 'Số: 05/KH-UBND' (số dưới 10 có số 0 đứng trước), 13 pt, đứng.",
    "ND30-DATE": "Địa danh, ngày tháng: 'Tân An, ngày 05 tháng 5 năm 2026', 13–14 pt, nghiêng.",
    "ND30-LINE-BELOW": "Đường kẻ nét liền dưới tên cơ quan, tiêu ngữ, trích yếu và dòng "
                       "'Kèm theo' của phụ lục.",
    "ND30-BORDERLESS": "Bảng phần đầu và bảng nơi nhận/chữ ký không có đường viền.",
    "ND30-TITLE": "Tên loại văn bản ('KẾ HOẠCH'): in hoa, 13–14 pt, đậm, căn giữa.",
    "ND30-TRICH-YEU": "Trích yếu: chữ thường, 13–14 pt, đậm, căn giữa.",
    "ND30-HEADING": "Đề mục cấp La Mã ('I. MỤC ĐÍCH, YÊU CẦU'): in hoa, đậm.",
    "ND30-POINT": "Điểm đánh 'a)', 'b)' … theo bảng chữ cái tiếng Việt (a, b, c, d, đ, e …).",
    "ND30-BODY-SIZE": "Chữ phần nội dung 13–14 pt.",
    "ND30-BODY-ALIGN": "Đoạn nội dung căn đều hai bên.",
    "ND30-BODY-INDENT": "Đoạn nội dung thụt đầu dòng 1 cm hoặc 1,27 cm.",
    "ND30-BODY-SPACING": "Khoảng cách giữa các đoạn tối thiểu 6 pt.",
    "ND30-BODY-LINE-SPACING": "Khoảng cách dòng từ đơn (single) đến 1,5 dòng.",
    "ND30-BODY-END": "Phần nội dung kết thúc bằng '/.'.",
    "ND30-KINH-GUI": "Kế hoạch không có 'Kính gửi'.",
    "ND30-NOI-NHAN": "'Nơi nhận:' 12 pt đậm nghiêng; mỗi nơi một dòng 11 pt bắt đầu '- ', "
                     "kết thúc ';'; dòng cuối '- Lưu: VT, …' kết thúc '.'.",
    "ND30-SIGNER": "Thẩm quyền ký chỉ dùng TM., KT., TL., TUQ., Q.; chức vụ in hoa đậm "
                   "13–14 pt; họ tên chữ thường đậm, không ghi học hàm, học vị.",
    "ND30-APPENDIX": "Phụ lục: 'Phụ lục' đậm căn giữa 14 pt, tên phụ lục in hoa đậm, dòng "
                     "'(Kèm theo …)' nghiêng căn giữa.",
    "ND30-APPENDIX-REF": "Dòng 'Kèm theo Kế hoạch số …' ghi đúng số, ngày và cơ quan của kế hoạch.",
    "ND30-APPENDIX-CITE": "Phần nội dung dẫn chiếu tới phụ lục ('Chi tiết theo Phụ lục kèm theo').",
    "ND30-CAPS": "Viết hoa theo Phụ lục II: 'Ủy ban nhân dân', 'Hội đồng nhân dân'.",
    "ND30-TONE": "Một cách bỏ dấu thống nhất trong văn bản ('Ủy', 'Hòa', 'Thủy').",
    "TEMPLATE-TAG": "Không còn thẻ mẫu ({{ }}, {% %}) hay dấu chú thích [^…] sót lại.",
    "PLAN-COUNT": "Số nhiệm vụ ghi ở dòng nhóm '(05 nhiệm vụ)' khớp số dòng nhiệm vụ của nhóm.",
    "PLAN-NUMBERING": "Số thứ tự nhiệm vụ liên tục, không lặp, không bỏ số (nhóm B đánh tiếp "
                      "qua các mục).",
    "PLAN-CITY": "Kế hoạch của xã/phường/đặc khu không còn từ ngữ, cơ quan cấp thành phố.",
}

# ---------------------------------------------------------------------------------------------
# Public results


@dataclass(frozen=True)
class Finding:
    """One deviation: rule id, severity, place ("đoạn 12", "bảng 3, hàng 5, ô 1" …), a short
    quote of the text (≤ 60 characters), what the rule says and how to fix it (Vietnamese)."""

    rule: str
    severity: Severity
    where: str
    quote: str
    message: str
    hint: str

    def format(self, file: str | None = None) -> str:
        """One line: ``file: where «quote»: lỗi [RULE]: message. hint``."""
        kind = "lỗi" if self.severity == "error" else "cảnh báo"
        place = self.where + (f" «{self.quote}»" if self.quote else "")
        text = f"{file + ': ' if file else ''}{place}: {kind} [{self.rule}]: {self.message}"
        if self.hint:
            text = text.rstrip(".") + f". {self.hint}"
        return text


@dataclass
class Report:
    """All findings for one document."""

    findings: list[Finding] = field(default_factory=list)
    file: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        name = self.file or "văn bản"
        if not self.findings:
            return f"{name}: đạt thể thức Nghị định 30/2020 (không có lỗi, không có cảnh báo)."
        return f"{name}: {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo."

    def to_text(self, *, limit_per_rule: int | None = 20) -> str:
        """Plain text, one finding a line, after a summary line; at most ``limit_per_rule``
        lines per rule (the rest are counted), None for all."""
        lines = [self.summary()]
        shown: Counter[str] = Counter()
        for f in self.findings:
            shown[f.rule] += 1
            if limit_per_rule is None or shown[f.rule] <= limit_per_rule:
                lines.append(f.format(self.file))
        for rule, n in shown.items():
            if limit_per_rule is not None and n > limit_per_rule:
                lines.append(f"… và {n - limit_per_rule} chỗ khác vi phạm {rule} "
                             "(xem đủ ở định dạng JSON).")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
        }

    def to_json(self) -> str:
        """JSON for tools: file, ok, counts and the findings (UTF-8, not escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def check_document(source: str | Path | bytes, *, draft_ok: bool = True) -> Report:
    """Check a .docx (path or bytes) against Nghị định 30/2020 and the plan-level rules.

    ``draft_ok`` allows the number and day to be left blank ("Số:      /KH-UBND",
    "ngày      tháng 5 năm 2026"), as in a draft waiting for signature. Raises
    :class:`InputError` when ``source`` is not a readable .docx.
    """
    document, name = _open(source)
    doc = _Doc(document)
    ctx = _Ctx(doc, _Layout.detect(doc), draft_ok)
    findings: list[Finding] = []
    for check in _CHECKS:
        findings.extend(check(ctx))
    return Report(findings, name)


# ---------------------------------------------------------------------------------------------
# Opening the file


def _open(source: str | Path | bytes) -> tuple[Any, str | None]:
    name: str | None = None
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
    else:
        name = rel(source)
        try:
            data = Path(source).read_bytes()
        except FileNotFoundError:
            raise _bad_input(name, "không tìm thấy tệp", "Kiểm tra lại đường dẫn tệp") from None
        except IsADirectoryError:
            raise _bad_input(name, "đây là thư mục, không phải tệp .docx",
                             "Chỉ ra từng tệp .docx cần kiểm tra") from None
        except OSError as exc:
            raise _bad_input(name, f"không đọc được tệp ({exc.strerror})",
                             "Kiểm tra quyền đọc tệp") from None
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise _bad_input(name, "tệp không phải văn bản Word .docx",
                         "Mở bằng Word và lưu lại dạng 'Word Document (*.docx)'; tệp .doc cũ "
                         "phải chuyển sang .docx")
    try:
        return docx.Document(io.BytesIO(data)), name
    except Exception as exc:  # any parse failure of an untrusted package is the user's input
        raise _bad_input(name, f"tệp .docx bị hỏng hoặc không phải văn bản Word ({exc})",
                         "Mở bằng Word, kiểm tra nội dung rồi lưu lại dạng .docx") from None


def _bad_input(name: str | None, message: str, hint: str) -> InputError:
    return InputError([Problem(message=message, file=name, hint=hint)])


# ---------------------------------------------------------------------------------------------
# XML vocabulary

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_VML = "urn:schemas-microsoft-com:vml"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _w(tag: str) -> str:
    return f"{{{_W}}}{tag}"


W_P, W_R, W_T, W_TBL, W_TR, W_TC = (_w(t) for t in ("p", "r", "t", "tbl", "tr", "tc"))
W_SDT, W_SDT_CONTENT, W_SECTPR, W_PPR, W_RPR = (
    _w(t) for t in ("sdt", "sdtContent", "sectPr", "pPr", "rPr"))
W_FLDSIMPLE, W_FLDCHAR, W_INSTR = _w("fldSimple"), _w("fldChar"), _w("instrText")
_FALLBACK = f"{{{_MC}}}Fallback"
_TXBX = _w("txbxContent")
# runs under these are not shown as part of the paragraph (deleted, duplicate or in a text box)
_HIDDEN_RUN_ANCESTORS = {_w("del"), _w("moveFrom"), _FALLBACK, _TXBX, W_P}
_CONTAINERS = {W_SDT, W_SDT_CONTENT, _w("customXml"), _w("smartTag")}

_El = Any  # lxml elements; lxml ships no type stubs here


def _attr(el: _El | None, name: str) -> str | None:
    return None if el is None else el.get(_w(name))


def _child(el: _El | None, *path: str) -> _El | None:
    for tag in path:
        if el is None:
            return None
        el = el.find(_w(tag))
    return el


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(float(value)) if value is not None else default
    except ValueError:
        return default


def _on(el: _El) -> bool:
    """A boolean property element (<w:b/>, <w:b w:val="false"/>)."""
    return _attr(el, "val") not in ("0", "false", "off", "none")


def _children(el: _El | None) -> list[_El]:
    return [] if el is None else list(el)


def _flatten(parent: _El, tags: set[str]) -> Iterator[_El]:
    """Children with one of ``tags``, looking through content controls and custom XML."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in _CONTAINERS:
            yield from _flatten(child, tags)


def _own_runs(p: _El) -> list[_El]:
    """The runs shown as this paragraph's text (not deleted, not in text boxes or fallbacks)."""
    out = []
    for r in p.iter(W_R):
        anc = r.getparent()
        while anc is not None and anc is not p and anc.tag not in _HIDDEN_RUN_ANCESTORS:
            anc = anc.getparent()
        if anc is p:
            out.append(r)
    return out


def _run_text(r: _El) -> str:
    parts = []
    for ch in r:
        if ch.tag == W_T:
            parts.append(ch.text or "")
        elif ch.tag in (_w("tab"), _w("ptab")):
            parts.append("\t")
        elif ch.tag in (_w("br"), _w("cr")):
            parts.append("\n")
        elif ch.tag == _w("noBreakHyphen"):
            parts.append("-")
    return "".join(parts)


def _has_line_shape(el: _El) -> bool:
    """A drawn straight line (DrawingML or VML) inside ``el``."""
    for geom in el.iter(f"{{{_A}}}prstGeom"):
        if geom.get("prst") in ("line", "straightConnector1"):
            return True
    return any(True for _ in el.iter(f"{{{_VML}}}line"))


# ---------------------------------------------------------------------------------------------
# Text helpers


def _fold(s: str) -> str:
    """Case-, accent- and space-insensitive key: 'ỦY  BAN' → 'uy ban'."""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.casefold().split())


def _name_key(s: str) -> str:
    """Folded name of a body with the usual abbreviations spelt out, for comparisons."""
    key = f" {_fold(s)} "
    for short, full in ((" ubnd ", " uy ban nhan dan "), (" hdnd ", " hoi dong nhan dan ")):
        key = key.replace(short, full)
    return key.strip()


def _squash(s: str) -> str:
    return " ".join(s.split())


def _quote(s: str, limit: int = 60) -> str:
    s = _squash(s)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _is_upper(s: str) -> bool:
    return any(c.isalpha() for c in s) and s == s.upper()


def _pt(value: float | None) -> str:
    if value is None:
        return "không rõ"
    return f"{value:g}".replace(".", ",")


def _mm(twips: int) -> float:
    return twips * 25.4 / 1440


# ---------------------------------------------------------------------------------------------
# Property resolution: the one place that knows Word's inheritance order


@dataclass(frozen=True)
class _Layer:
    """One level of the style hierarchy: its rPr or pPr, where it comes from, and its kind
    ("direct", "numbering", "character", "paragraph", "table", "defaults")."""

    el: _El | None
    source: str
    kind: str

    def find(self, tag: str) -> _El | None:
        return None if self.el is None else self.el.find(_w(tag))


@dataclass(frozen=True)
class _Font:
    name: str | None
    source: str
    kind: str  # the _Layer kind it comes from, "" when nowhere
    theme: bool = False


@dataclass(frozen=True)
class _RunProps:
    ascii: _Font
    hansi: _Font
    size: float | None
    bold: bool
    italic: bool
    caps: bool
    colour: str
    colour_source: str
    colour_direct: bool


@dataclass(frozen=True)
class _ParaProps:
    style_id: str
    align: str
    first_line: int  # twips; negative for a hanging indent
    before: int
    after: int
    line: int
    line_rule: str
    contextual: bool
    outline: int | None
    borders: dict[str, str]  # side → border style, only visible borders


_THEME_COLOUR_KEYS = {
    "text1": "dk1", "dark1": "dk1", "background1": "lt1", "light1": "lt1",
    "text2": "dk2", "dark2": "dk2", "background2": "lt2", "light2": "lt2",
    "hyperlink": "hlink", "followedHyperlink": "folHlink",
    **{f"accent{i}": f"accent{i}" for i in range(1, 7)},
}
_WORD_DEFAULT_SIZE = 10.0  # Word's size when no level of the hierarchy sets one
_AUTO_SPACING = 280  # "auto" paragraph spacing is 14 pt in Word
_SOLID = {"single", "thick"}  # border styles that draw a solid line


class _Sheet:
    """Styles, document defaults, numbering and theme of one document.

    Run properties resolve direct → character style chain → paragraph style chain → table style
    chain → docDefaults, theme fonts/colours last; toggles (bold, italic, caps) toggle across
    style types as Word does. Paragraph properties resolve direct → numbering (when the
    paragraph itself is numbered) → paragraph style chain → numbering (from the style) → table
    style chain → docDefaults. Attributes of rFonts, ind and spacing inherit one by one.
    """

    def __init__(self, styles: _El | None, numbering: _El | None, theme: _El | None):
        self.styles: dict[str, _El] = {}
        self.defaults: dict[str, str] = {}
        for st in [] if styles is None else styles.findall(_w("style")):
            sid, kind = _attr(st, "styleId"), _attr(st, "type") or "paragraph"
            if sid:
                self.styles[sid] = st
                if _attr(st, "default") in ("1", "true", "on"):
                    self.defaults[kind] = sid
        self._layers: dict[tuple[str | None, str, str, str], list[_Layer]] = {}
        dd = _child(styles, "docDefaults")
        self.default_rpr = _child(dd, "rPrDefault", "rPr")
        self.default_ppr = _child(dd, "pPrDefault", "pPr")
        self._numbering = numbering
        self._theme_fonts, self._theme_colours = _read_theme(theme)

    # -- styles
    def name(self, style_id: str) -> str:
        st = self.styles.get(style_id)
        return (_attr(_child(st, "name"), "val") or style_id) if st is not None else style_id

    def chain(self, style_id: str | None, kind: str) -> list[_El]:
        """The style and its basedOn ancestors, nearest first; the default style of ``kind``
        when the id is missing or unknown (as Word does)."""
        st = self.styles.get(style_id or "")
        if st is None or (_attr(st, "type") or "paragraph") != kind:
            st = self.styles.get(self.defaults.get(kind, ""))
        out: list[_El] = []
        while st is not None and st not in out and len(out) < 50:
            out.append(st)
            st = self.styles.get(_attr(_child(st, "basedOn"), "val") or "")
        return out

    def _style_layers(self, style_id: str | None, kind: str, label: str, tag: str) -> list[_Layer]:
        key = (style_id, kind, label, tag)
        if key not in self._layers:
            self._layers[key] = [
                _Layer(_child(st, tag), f"{label} '{self.name(_attr(st, 'styleId') or '')}'", kind)
                for st in self.chain(style_id, kind)]
        return self._layers[key]

    # -- runs
    def run_layers(self, r: _El | None, p: _El, tbl: _El | None) -> list[_Layer]:
        rpr = _child(r, "rPr")
        layers = [_Layer(rpr, "định dạng trực tiếp", "direct")]
        rstyle = _attr(_child(rpr, "rStyle"), "val")
        if rstyle:
            layers += self._style_layers(rstyle, "character", "kiểu ký tự", "rPr")
        layers += self._style_layers(_attr(_child(p, "pPr", "pStyle"), "val"), "paragraph",
                                     "kiểu đoạn", "rPr")
        if tbl is not None:
            layers += self._style_layers(_attr(_child(tbl, "tblPr", "tblStyle"), "val"), "table",
                                         "kiểu bảng", "rPr")
        layers.append(_Layer(self.default_rpr, "mặc định của văn bản (docDefaults)", "defaults"))
        return layers

    def run_props(self, r: _El | None, p: _El, tbl: _El | None) -> _RunProps:
        layers = self.run_layers(r, p, tbl)
        sz = _first(layers, "sz")
        colour, colour_source, colour_direct = self._colour(layers)
        return _RunProps(
            ascii=self._font(layers, "ascii"), hansi=self._font(layers, "hAnsi"),
            size=_int(_attr(sz[0], "val")) / 2 if sz else _WORD_DEFAULT_SIZE,
            bold=_toggle(layers, "b"), italic=_toggle(layers, "i"),
            caps=_toggle(layers, "caps") or _toggle(layers, "smallCaps"),
            colour=colour, colour_source=colour_source, colour_direct=colour_direct)

    def _font(self, layers: list[_Layer], slot: str) -> _Font:
        for layer in layers:
            rf = layer.find("rFonts")
            theme = _attr(rf, slot + "Theme")
            if theme:
                return _Font(self._theme_fonts.get(theme),
                             f"{layer.source}, phông chủ đề {theme}", layer.kind, True)
            name = _attr(rf, slot)
            if name:
                return _Font(name, layer.source, layer.kind)
        return _Font(None, "không khai báo ở kiểu nào", "")

    def _colour(self, layers: list[_Layer]) -> tuple[str, str, bool]:
        found = _first(layers, "color")
        if not found:
            return "AUTO", "mặc định", False
        el, layer = found
        value = (_attr(el, "val") or "auto").upper()
        source = layer.source
        theme = _attr(el, "themeColor")
        if theme:
            value = self._theme_colours.get(_THEME_COLOUR_KEYS.get(theme, theme), value)
            source += f", màu chủ đề {theme}"
            tint = (_attr(el, "themeTint") or "FF").upper()
            if tint != "FF" and value in ("000000", "AUTO"):
                value = f"000000 làm nhạt {tint}"
        return value, source, layer.kind == "direct"

    # -- paragraphs
    def para_layers(self, p: _El, tbl: _El | None) -> list[_Layer]:
        ppr = _child(p, "pPr")
        pstyle = _attr(_child(ppr, "pStyle"), "val")
        styled = self._style_layers(pstyle, "paragraph", "kiểu đoạn", "pPr")
        layers = [_Layer(ppr, "định dạng trực tiếp", "direct")]
        direct_num = _child(ppr, "numPr")
        if direct_num is not None:
            layers += self._numbering_layer(direct_num)
        layers += styled
        if direct_num is None:
            style_num = next((n for lay in styled if (n := lay.find("numPr")) is not None), None)
            if style_num is not None:
                layers += self._numbering_layer(style_num)
        if tbl is not None:
            layers += self._style_layers(_attr(_child(tbl, "tblPr", "tblStyle"), "val"), "table",
                                         "kiểu bảng", "pPr")
        layers.append(_Layer(self.default_ppr, "mặc định của văn bản (docDefaults)", "defaults"))
        return layers

    def alignment(self, p: _El, tbl: _El | None) -> str:
        jc = _first(self.para_layers(p, tbl), "jc")
        return (_attr(jc[0], "val") or "left") if jc else "left"

    def para_props(self, p: _El, tbl: _El | None, char_pt: float) -> _ParaProps:
        layers = self.para_layers(p, tbl)
        spacing = _spacing(layers, char_pt)
        ctx = _first(layers, "contextualSpacing")
        outline = _first(layers, "outlineLvl")
        return _ParaProps(
            style_id=_attr(_child(p, "pPr", "pStyle"), "val") or self.defaults.get("paragraph", ""),
            align=self.alignment(p, tbl),
            first_line=_first_line(layers, char_pt), before=spacing[0], after=spacing[1],
            line=spacing[2], line_rule=spacing[3], contextual=bool(ctx and _on(ctx[0])),
            outline=_int(_attr(outline[0], "val")) if outline else None,
            borders=_borders(layers))

    def _numbering_layer(self, num_pr: _El) -> list[_Layer]:
        num_id = _attr(_child(num_pr, "numId"), "val")
        ilvl = _attr(_child(num_pr, "ilvl"), "val") or "0"
        if self._numbering is None or not num_id or num_id == "0":
            return []
        num = next((n for n in self._numbering.findall(_w("num"))
                    if _attr(n, "numId") == num_id), None)
        if num is None:
            return []
        for ov in num.findall(_w("lvlOverride")):
            lvl = _child(ov, "lvl")
            if _attr(ov, "ilvl") == ilvl and lvl is not None:
                return [_Layer(_child(lvl, "pPr"), "định dạng danh sách", "numbering")]
        abstract_id = _attr(_child(num, "abstractNumId"), "val")
        for ab in self._numbering.findall(_w("abstractNum")):
            if _attr(ab, "abstractNumId") == abstract_id:
                for lvl in ab.findall(_w("lvl")):
                    if _attr(lvl, "ilvl") == ilvl:
                        return [_Layer(_child(lvl, "pPr"), "định dạng danh sách", "numbering")]
        return []

    def table_borders(self, tbl: _El) -> list[str]:
        """Visible borders of a table (its own, its style's, its cells')."""
        sources = [_child(tbl, "tblPr", "tblBorders")] + [
            _child(st, "tblPr", "tblBorders")
            for st in self.chain(_attr(_child(tbl, "tblPr", "tblStyle"), "val"), "table")]
        sides = []
        for side in ("top", "left", "start", "bottom", "right", "end", "insideH", "insideV"):
            el = next((e for s in sources if (e := _child(s, side)) is not None), None)
            if el is not None and _attr(el, "val") not in ("nil", "none", None):
                sides.append(side)
        cell_borders = (b for tc in tbl.iter(W_TC)
                        for b in _children(_child(tc, "tcPr", "tcBorders")))
        if any(_attr(b, "val") not in ("nil", "none", None) for b in cell_borders):
            sides.append("ô")
        return sides


def _read_theme(theme: _El | None) -> tuple[dict[str, str], dict[str, str]]:
    fonts: dict[str, str] = {}
    colours: dict[str, str] = {}
    if theme is None:
        return fonts, colours
    for which in ("major", "minor"):
        font = theme.find(f".//{{{_A}}}{which}Font")
        if font is None:
            continue
        for slot, tag in (("Ascii", "latin"), ("HAnsi", "latin"), ("EastAsia", "ea"),
                          ("Bidi", "cs")):
            face = font.find(f"{{{_A}}}{tag}")
            if face is not None and face.get("typeface"):
                fonts[which + slot] = face.get("typeface")
    scheme = theme.find(f".//{{{_A}}}clrScheme")
    for slot in [] if scheme is None else scheme:
        name = etree.QName(slot).localname
        for c in slot:
            value = c.get("lastClr") or c.get("val")
            if value:
                colours[name] = value.upper()
    return fonts, colours


def _first(layers: Sequence[_Layer], tag: str) -> tuple[_El, _Layer] | None:
    for layer in layers:
        el = layer.find(tag)
        if el is not None:
            return el, layer
    return None


def _toggle(layers: Sequence[_Layer], tag: str) -> bool:
    """Direct formatting sets a toggle; in styles each style type flips it (ECMA-376 17.7.3)."""
    direct = layers[0].find(tag)
    if direct is not None:
        return _on(direct)
    value = False
    for kind in ("character", "paragraph", "table", "defaults"):
        el = next((e for lay in layers if lay.kind == kind and (e := lay.find(tag)) is not None),
                  None)
        if el is not None and _on(el):
            value = not value
    return value


def _first_attr(layers: Sequence[_Layer], tag: str, names: Sequence[str]) -> _El | None:
    """The nearest ``tag`` element that sets any of ``names``."""
    for layer in layers:
        el = layer.find(tag)
        if el is not None and any(_attr(el, n) is not None for n in names):
            return el
    return None


def _first_line(layers: Sequence[_Layer], char_pt: float) -> int:
    ind = _first_attr(layers, "ind", ("firstLine", "hanging", "firstLineChars", "hangingChars"))
    if ind is None:
        return 0
    chars = {n: _int(_attr(ind, n)) for n in ("firstLineChars", "hangingChars")}
    if chars["hangingChars"]:
        return -round(chars["hangingChars"] / 100 * char_pt * 20)
    if chars["firstLineChars"]:
        return round(chars["firstLineChars"] / 100 * char_pt * 20)
    if _attr(ind, "hanging") is not None:
        return -_int(_attr(ind, "hanging"))
    return _int(_attr(ind, "firstLine"))


def _spacing(layers: Sequence[_Layer], char_pt: float) -> tuple[int, int, int, str]:
    out: list[int] = []
    for side in ("before", "after"):
        sp = _first_attr(layers, "spacing", (side, side + "Lines", side + "Autospacing"))
        if sp is None:
            out.append(0)
        elif _attr(sp, side + "Autospacing") in ("1", "true", "on"):
            out.append(_AUTO_SPACING)
        elif _attr(sp, side + "Lines") is not None:
            out.append(round(_int(_attr(sp, side + "Lines")) / 100 * char_pt * 1.15 * 20))
        else:
            out.append(_int(_attr(sp, side)))
    line = _first_attr(layers, "spacing", ("line",))
    if line is None:
        return out[0], out[1], 240, "auto"
    return out[0], out[1], _int(_attr(line, "line"), 240), _attr(line, "lineRule") or "auto"


def _borders(layers: Sequence[_Layer]) -> dict[str, str]:
    out = {}
    for side in ("top", "bottom"):
        for layer in layers:
            el = _child(layer.find("pBdr"), side)
            if el is not None:
                val = _attr(el, "val") or "none"
                if val not in ("nil", "none"):
                    out[side] = val
                break
    return out


# ---------------------------------------------------------------------------------------------
# The document as the checks see it


@dataclass(eq=False)
class _Para:
    """A paragraph with its place: top-level, in a table cell (``table``, ``row``, ``col``), in a
    header or footer, or in a text box (``kind``)."""

    el: _El
    where: str
    section: int
    text: str
    runs: list[_El]
    tbl: _El | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    kind: str = "body"  # body, header, footer, textbox
    i: int = -1  # position in document order (body and tables)
    siblings: list[_Para] = field(default_factory=list, repr=False)

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    def after(self) -> list[_Para]:
        """Following paragraphs in the same cell, or the same run of top-level paragraphs."""
        return self.siblings[self.siblings.index(self) + 1:]


@dataclass(eq=False)
class _Table:
    el: _El
    index: int
    section: int
    rows: list[list[tuple[int, _El, list[_Para]]]]  # per row: (grid column, tc, paragraphs)

    @property
    def first(self) -> int:
        return min((p.i for row in self.rows for _, _, ps in row for p in ps), default=-1)


@dataclass(eq=False)
class _Section:
    index: int
    sectpr: _El | None
    paras: list[_Para] = field(default_factory=list)


@dataclass(frozen=True)
class _Look:
    """How some text of a paragraph is shown."""

    text: str
    sizes: tuple[float | None, ...]
    bold: bool
    any_bold: bool
    italic: bool
    any_italic: bool
    align: str


@dataclass(frozen=True)
class _HeaderPart:
    kind: str  # "header" / "footer"
    el: _El
    where: str
    paras: list[_Para]


class _Doc:
    """Paragraphs, tables, sections and headers of a document, with resolved formatting."""

    def __init__(self, document: Any):
        part = document.part
        related = {r.reltype: r.target_part for r in part.rels.values() if not r.is_external}
        self.sheet = _Sheet(_part_el(related.get(RT.STYLES)), _part_el(related.get(RT.NUMBERING)),
                            _part_el(related.get(RT.THEME)))
        self.settings = _part_el(related.get(RT.SETTINGS))
        self.paras: list[_Para] = []
        self.extra: list[_Para] = []  # text boxes: checked for fonts and text only
        self.tables: list[_Table] = []
        self.sections: list[_Section] = [_Section(0, None)]
        self._walk(document.element.body)
        self._rel_els = {rid: _part_el(p) for rid, p in part.related_parts.items()}
        self.parts = self._header_parts()
        self._looks: dict[tuple[int, tuple[int, ...]], _Look] = {}
        self._run_props: dict[tuple[int, int], _RunProps] = {}
        self._para_props: dict[int, _ParaProps] = {}

    # -- walking the body
    def _walk(self, body: _El) -> None:
        top_run: list[_Para] = []
        n_top = 0
        for child in _flatten(body, {W_P, W_TBL, W_SECTPR}):
            sec = self.sections[-1]
            if child.tag == W_P:
                self._para(child, f"đoạn {n_top + 1}", top_run)
                n_top += 1
                sp = _child(child, "pPr", "sectPr")
                if sp is not None:  # this paragraph ends its section
                    sec.sectpr = sp
                    self.sections.append(_Section(len(self.sections), None))
            elif child.tag == W_TBL:
                self._table(child)
                top_run = []
            else:
                sec.sectpr = child
        if self.sections[-1].sectpr is None and not self.sections[-1].paras \
                and len(self.sections) > 1:
            self.sections.pop()

    def _para(self, el: _El, where: str, siblings: list[_Para], **place: Any) -> _Para:
        runs = _own_runs(el)
        sec = self.sections[-1]
        anc = el.getparent()
        while anc is not None and anc.tag != W_TBL:
            anc = anc.getparent()
        p = _Para(el, where, sec.index, "".join(_run_text(r) for r in runs), runs, tbl=anc,
                  i=len(self.paras), siblings=siblings, **place)
        siblings.append(p)
        self.paras.append(p)
        sec.paras.append(p)
        self._textboxes(el, where, sec.index)
        return p

    def _textboxes(self, el: _El, where: str, section: int) -> None:
        for box in el.iter(_TXBX):
            if any(a.tag == _FALLBACK for a in box.iterancestors()):
                continue
            for q in box.iter(W_P):
                runs = _own_runs(q)
                self.extra.append(_Para(q, f"hộp văn bản ở {where}", section,
                                        "".join(_run_text(r) for r in runs), runs,
                                        kind="textbox"))

    def _table(self, tbl: _El) -> None:
        t = len(self.tables)
        table = _Table(tbl, t, self.sections[-1].index, [])
        self.tables.append(table)
        for r, tr in enumerate(_flatten(tbl, {W_TR})):
            row = []
            grid = _int(_attr(_child(tr, "trPr", "gridBefore"), "val"))
            for c, tc in enumerate(_flatten(tr, {W_TC})):
                paras = [q for q in tc.iter(W_P) if _visible_in(q, tc)]
                cell: list[_Para] = []
                for k, q in enumerate(paras):
                    where = f"bảng {t + 1}, hàng {r + 1}, ô {c + 1}"
                    if len(paras) > 1:
                        where += f", đoạn {k + 1}"
                    self._para(q, where, cell, table=t, row=r, col=c)
                row.append((grid, tc, cell))
                grid += max(1, _int(_attr(_child(tc, "tcPr", "gridSpan"), "val"), 1))
            table.rows.append(row)

    # -- headers and footers
    def _header_parts(self) -> list[_HeaderPart]:
        """Each header/footer part once, in the order sections first use it."""
        seen: dict[int, _HeaderPart] = {}
        for sec in self.sections:
            for kind, tag in (("header", "headerReference"), ("footer", "footerReference")):
                for ref in [] if sec.sectpr is None else sec.sectpr.findall(_w(tag)):
                    el = self.rel_el(ref.get(f"{{{_R}}}id"))
                    if el is None or id(el) in seen:
                        continue
                    label = "đầu trang" if kind == "header" else "chân trang"
                    if _attr(ref, "type") == "first":
                        label += " trang đầu"
                    where = f"{label} (phần {sec.index + 1})"
                    siblings: list[_Para] = []
                    paras = []
                    for q in el.iter(W_P):
                        if any(a.tag == _FALLBACK for a in q.iterancestors()):
                            continue
                        runs = _own_runs(q)
                        anc = next((a for a in q.iterancestors(W_TBL)), None)
                        hp = _Para(q, where, sec.index, "".join(_run_text(r) for r in runs),
                                   runs, tbl=anc, kind=kind, siblings=siblings)
                        siblings.append(hp)
                        paras.append(hp)
                    seen[id(el)] = _HeaderPart(kind, el, where, paras)
        return list(seen.values())

    def rel_el(self, rid: str | None) -> _El | None:
        return self._rel_els.get(rid or "")

    def header_part(self, el: _El | None) -> _HeaderPart | None:
        return next((h for h in self.parts if h.el is el), None)

    # -- formatting
    def run_props(self, r: _El | None, p: _Para) -> _RunProps:
        key = (id(r), id(p.el))
        if key not in self._run_props:
            self._run_props[key] = self.sheet.run_props(r, p.el, p.tbl)
        return self._run_props[key]

    def para_props(self, p: _Para) -> _ParaProps:
        if id(p.el) not in self._para_props:
            sizes = [s for s in self.look(p).sizes if s]
            self._para_props[id(p.el)] = self.sheet.para_props(p.el, p.tbl,
                                                               max(sizes, default=14.0))
        return self._para_props[id(p.el)]

    def look(self, p: _Para, runs: Sequence[_El] | None = None) -> _Look:
        """Displayed text and formatting of the text runs (all of them, or ``runs``)."""
        chosen = p.runs if runs is None else list(runs)
        key = (id(p.el), tuple(id(r) for r in chosen))
        if key not in self._looks:
            self._looks[key] = self._make_look(p, chosen)
        return self._looks[key]

    def _make_look(self, p: _Para, runs: Sequence[_El]) -> _Look:
        texts, sizes, bold, italic = [], set(), [], []
        for r in runs:
            text = _run_text(r)
            props = self.run_props(r, p)
            texts.append(text.upper() if props.caps else text)
            if text.strip():
                sizes.add(props.size)
                bold.append(props.bold)
                italic.append(props.italic)
        return _Look("".join(texts), tuple(sorted(sizes, key=lambda s: s or 0)),
                     bool(bold) and all(bold), any(bold), bool(italic) and all(italic),
                     any(italic), self.sheet.alignment(p.el, p.tbl))

    def lines(self, p: _Para) -> list[tuple[str, list[_El]]]:
        """The paragraph split at line breaks: (text, runs showing that line)."""
        out: list[tuple[str, list[_El]]] = [("", [])]
        for r in p.runs:
            for piece_i, piece in enumerate(_run_text(r).split("\n")):
                if piece_i:
                    out.append(("", []))
                text, runs = out[-1]
                out[-1] = (text + piece, runs + [r] if piece.strip() else runs)
        return [(t, rs) for t, rs in out if t.strip()]

    def line_below(self, p: _Para) -> bool:
        """A solid line under ``p``: its bottom border, a border of a following empty paragraph,
        or a drawn line in it or near it."""
        if self.para_props(p).borders.get("bottom") in _SOLID or _has_line_shape(p.el):
            return True
        for q in p.after():
            if not q.blank:
                return _has_line_shape(q.el)
            borders = self.para_props(q).borders
            if _SOLID & set(borders.values()) or _has_line_shape(q.el):
                return True
        return False


def _visible_in(q: _El, container: _El) -> bool:
    anc = q.getparent()
    while anc is not None and anc is not container:
        if anc.tag in (_FALLBACK, _TXBX):
            return False
        anc = anc.getparent()
    return True


def _part_el(part: Any) -> _El | None:
    if part is None:
        return None
    el = getattr(part, "element", None)
    if el is not None:
        return el
    try:
        return etree.fromstring(part.blob)
    except (etree.XMLSyntaxError, ValueError):
        return None


# ---------------------------------------------------------------------------------------------
# Recognising the parts of a plan

_DOC_TYPES = {  # folded title → ký hiệu code (Phụ lục III)
    "ke hoach": "KH", "quyet dinh": "QĐ", "bao cao": "BC", "thong bao": "TB", "huong dan": "HD",
    "chuong trinh": "CTr", "to trinh": "TTr", "quy dinh": "QyĐ", "phuong an": "PA", "de an": "ĐA",
}
_SO_LINE = re.compile(r"^so\s*[:.]?\s*[\d\s.]*/")
_DATE_LINE = re.compile(r"ngay.*thang.*nam|, ngay|\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}$")
_AUTH_OK = re.compile(r"^(TM|KT|TL|TUQ|Q)\.\s*\S")
_AUTH_BAD = re.compile(r"^(K/T|T/L|T/M|TUQ/|K\.T\b|T\.M\b|T\.L\b|(TM|KT|TL|TUQ)(?=[\s:/]))")
_APPENDIX_HEAD = re.compile(r"^phu luc(\s+([ivxlc]+|\d+))?$")
_LEVELS = {"xa": "xã", "phuong": "phường", "dac khu": "đặc khu"}


@dataclass(eq=False)
class _Appendix:
    heading: _Para
    title: list[_Para]
    kem_theo: _Para | None


@dataclass(eq=False)
class _Layout:
    """Where the parts of the plan are (None / empty when not found)."""

    header: list[_Para]
    title: _Para | None
    doc_type: str | None
    quoc_hieu: _Para | None
    tieu_ngu: _Para | None
    so: _Para | None
    date: _Para | None
    issuer: list[_Para]
    trich_yeu: list[_Para]
    body: list[_Para]
    closing: list[_Para]
    appendices: list[_Appendix]

    @classmethod
    def detect(cls, doc: _Doc) -> _Layout:
        paras = [p for p in doc.paras if p.section == 0] or doc.paras
        title = next((p for p in paras if p.table is None and _fold(p.text) in _DOC_TYPES), None)
        trich_yeu = _trich_yeu(doc, title) if title else []
        start = (trich_yeu[-1].i if trich_yeu else title.i if title else -1) + 1
        closing_at = _closing_start(doc, start)
        appendices = _appendices(doc, start if closing_at is None else closing_at)
        header = _header_region(doc, title, appendices)
        find = _finder(header)
        quoc_hieu = find(lambda f: f.startswith("cong hoa xa hoi chu nghia viet nam"))
        tieu_ngu = find(lambda f: f.startswith("doc lap"))
        so = find(lambda f: bool(_SO_LINE.match(f)))
        date = find(lambda f: bool(_DATE_LINE.search(f)))
        issuer = _issuer_paras(header, quoc_hieu, {tieu_ngu, so, date}) if (
            title or quoc_hieu or so) else []
        end = closing_at if closing_at is not None else (
            appendices[0].heading.i if appendices else len(doc.paras))
        body = [p for p in doc.paras[start:end] if p.table is None and p not in header]
        closing_end = appendices[0].heading.i if appendices else len(doc.paras)
        closing = doc.paras[end:closing_end] if closing_at is not None else []
        closing = [p for p in closing if p.section == closing[0].section] if closing else []
        return cls(header, title, _DOC_TYPES.get(_fold(title.text)) if title else None,
                   quoc_hieu, tieu_ngu, so, date, issuer, trich_yeu, body, closing, appendices)

    @property
    def issuer_text(self) -> str:
        return " ".join(_squash(p.text) for p in self.issuer)

    @property
    def issuer_level(self) -> str | None:
        """"xa", "phuong", "dac khu" for a commune-level issuer, "city" for a province/city."""
        folded = _fold(self.issuer_text)
        m = re.search(r"\b(xa|phuong|dac khu|thanh pho|tinh)\s+\S", folded)
        if not m:
            return None
        return m.group(1) if m.group(1) in _LEVELS else "city"

    @property
    def issuer_place(self) -> str:
        """The unit's own name in folded form ("tan an"), for comparing places."""
        m = re.search(r"\b(xa|phuong|dac khu|thanh pho|tinh)\s+(.+)$", _fold(self.issuer_text))
        return m.group(2) if m else ""


def _finder(paras: Sequence[_Para]) -> Callable[[Callable[[str], bool]], _Para | None]:
    def find(pred: Callable[[str], bool]) -> _Para | None:
        return next((p for p in paras if not p.blank and pred(_fold(p.text))), None)
    return find


def _header_region(doc: _Doc, title: _Para | None,
                   appendices: Sequence[_Appendix]) -> list[_Para]:
    """Paragraphs before the title; without a title, the first table if the document starts
    with one, else the first few paragraphs (never into an appendix)."""
    if title is not None:
        return [p for p in doc.paras if p.i < title.i]
    if doc.tables and doc.tables[0].first == 0:
        return [p for p in doc.paras if p.table == 0]
    stop = appendices[0].heading.i if appendices else len(doc.paras)
    return doc.paras[:min(stop, 12)]


def _issuer_paras(header: Sequence[_Para], qh: _Para | None,
                  special: set[_Para | None]) -> list[_Para]:
    """The issuing body: header lines that are not Quốc hiệu, tiêu ngữ, number or date, and
    not in the Quốc hiệu's column."""
    out = []
    for p in header:
        if p.blank or p is qh or p in special or _fold(p.text) in ("du thao", "mat", "khan"):
            continue
        if qh is not None and qh.table is not None and p.table == qh.table and p.col == qh.col:
            continue
        out.append(p)
    return out


def _trich_yeu(doc: _Doc, title: _Para) -> list[_Para]:
    out: list[_Para] = []
    for p in doc.paras[title.i + 1:]:
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


def _closing_start(doc: _Doc, start: int) -> int | None:
    """Index of the first paragraph of the Nơi nhận / signature block."""
    for p in doc.paras[start:]:
        text = _squash(p.text)
        if _fold(text).startswith("noi nhan") or _AUTH_OK.match(text) or _AUTH_BAD.match(text):
            if p.table is not None:
                return doc.tables[p.table].first
            return p.i
    return None


def _appendices(doc: _Doc, start: int) -> list[_Appendix]:
    heads = [p for p in doc.paras[start:] if p.table is None and p.text.strip()
             and _APPENDIX_HEAD.match(_fold(p.text.strip().split("\n")[0]))]
    out = []
    for n, head in enumerate(heads):
        stop = heads[n + 1].i if n + 1 < len(heads) else len(doc.paras)
        title: list[_Para] = []
        kem_theo = None
        for p in doc.paras[head.i + 1:stop]:
            if p.table is not None:
                break
            if p.blank:
                continue
            if p.text.strip().startswith("(") or _fold(p.text).startswith("kem theo"):
                kem_theo = p
                break
            title.append(p)
        out.append(_Appendix(head, title, kem_theo))
    return out


# ---------------------------------------------------------------------------------------------
# Checks


@dataclass
class _Ctx:
    doc: _Doc
    lay: _Layout
    draft_ok: bool

    def find(self, rule: str, where: _Para | str, message: str, hint: str,
             severity: Severity = "error", quote: str | None = None) -> Finding:
        if isinstance(where, _Para):
            return Finding(rule, severity, where.where,
                           _quote(where.text if quote is None else quote), message, hint)
        return Finding(rule, severity, where, _quote(quote or ""), message, hint)


@dataclass(frozen=True)
class _Spec:
    """Expected look of an element: size range, bold / italic (None: either), case, centred."""

    label: str
    size: tuple[float, float] | None
    bold: bool | None = True
    italic: bool | None = False
    case: Literal["upper", "normal"] | None = None
    centred: bool = True

    def describe(self) -> str:
        parts = []
        if self.size:
            lo, hi = self.size
            parts.append(f"cỡ {_pt(lo)}–{_pt(hi)} pt" if lo != hi else f"cỡ {_pt(lo)} pt")
        parts += {True: ["in đậm"], False: ["không đậm"], None: []}[self.bold]
        parts += {True: ["in nghiêng"], False: ["chữ đứng"], None: []}[self.italic]
        parts += {"upper": ["chữ in hoa"], "normal": ["chữ thường"], None: []}[self.case]
        parts += ["căn giữa"] if self.centred else []
        return ", ".join(parts)


_ALIGN_NAMES = {"left": "trái", "start": "trái", "right": "phải", "end": "phải",
                "both": "đều hai bên", "distribute": "đều hai bên", "center": "giữa"}


def _look_problems(look: _Look, spec: _Spec) -> list[str]:
    out = []
    lo, hi = spec.size or (0, 1000)
    bad = [s for s in look.sizes if s is None or not lo <= s <= hi]
    if bad:
        out.append("cỡ chữ " + ", ".join(_pt(s) for s in bad) + " pt")
    if spec.bold is True and not look.bold:
        out.append("chưa in đậm")
    if spec.bold is False and look.any_bold:
        out.append("không được in đậm")
    if spec.italic is True and not look.italic:
        out.append("chưa in nghiêng")
    if spec.italic is False and look.any_italic:
        out.append("không được in nghiêng")
    if spec.case == "upper" and not _is_upper(look.text):
        out.append("chưa viết chữ in hoa")
    if spec.case == "normal" and _is_upper(look.text):
        out.append("không được viết toàn chữ in hoa")
    if spec.centred and look.align != "center":
        out.append(f"đang căn {_ALIGN_NAMES.get(look.align, look.align)}, chưa căn giữa")
    return out


def _check_look(ctx: _Ctx, rule: str, p: _Para, spec: _Spec,
                runs: Sequence[_El] | None = None, quote: str | None = None) -> list[Finding]:
    problems = _look_problems(ctx.doc.look(p, runs), spec)
    if not problems:
        return []
    return [ctx.find(rule, p, f"{spec.label}: " + "; ".join(problems) + ".",
                     f"Định dạng đúng: {spec.describe()}.", quote=quote)]


def _missing(ctx: _Ctx, rule: str, what: str, hint: str) -> Finding:
    return ctx.find(rule, "phần đầu văn bản", f"Không tìm thấy {what}.", hint)


# -- page ------------------------------------------------------------------------------------

_A4 = (11906, 16838)
_TWIPS_TOLERANCE = 60  # about 1 mm
_PORTRAIT_MARGINS = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
# a landscape appendix: the same margins, or turned with the binding edge at the top or bottom
_LANDSCAPE_MARGINS = [
    _PORTRAIT_MARGINS,
    {"top": (30, 35), "bottom": (15, 20), "left": (20, 25), "right": (20, 25)},
    {"top": (15, 20), "bottom": (30, 35), "left": (20, 25), "right": (20, 25)},
]
_MARGIN_NAMES = {"top": "trên", "bottom": "dưới", "left": "trái", "right": "phải"}


def _appendix_sections(ctx: _Ctx) -> set[int]:
    if not ctx.lay.appendices:
        return set()
    first = ctx.lay.appendices[0].heading.section
    return {s.index for s in ctx.doc.sections if s.index >= first and s.index > 0}


def _check_pages(ctx: _Ctx) -> Iterator[Finding]:
    appendix = _appendix_sections(ctx)
    for sec in ctx.doc.sections:
        where = f"phần {sec.index + 1} (section)"
        size = _child(sec.sectpr, "pgSz")
        if size is None:
            yield ctx.find("ND30-PAGE-SIZE", where, "Không khai báo khổ giấy.",
                           "Chọn Layout > Size > A4 (210 × 297 mm).")
            continue
        w, h = _int(_attr(size, "w")), _int(_attr(size, "h"))
        short, long = sorted((w, h))
        if abs(short - _A4[0]) > _TWIPS_TOLERANCE or abs(long - _A4[1]) > _TWIPS_TOLERANCE:
            yield ctx.find("ND30-PAGE-SIZE", where,
                           f"Khổ giấy {_mm(w):.0f} × {_mm(h):.0f} mm, không phải A4.",
                           "Chọn Layout > Size > A4 (210 × 297 mm).")
            continue
        landscape = w > h
        if landscape and sec.index not in appendix:
            yield ctx.find("ND30-PAGE-SIZE", where,
                           "Phần thân văn bản để khổ ngang; chỉ phụ lục bảng biểu được để ngang.",
                           "Chọn Layout > Orientation > Portrait cho phần này.")
        yield from _check_margins(ctx, where, _child(sec.sectpr, "pgMar"), landscape)


def _check_margins(ctx: _Ctx, where: str, mar: _El | None, landscape: bool) -> Iterator[Finding]:
    if mar is None:
        yield ctx.find("ND30-MARGIN", where, "Không khai báo lề trang.",
                       "Đặt lề trên, dưới 20 mm, trái 30 mm, phải 15 mm.")
        return
    mm = {s: _mm(abs(_int(_attr(mar, s)))) for s in _PORTRAIT_MARGINS}
    mm["left"] += _mm(_int(_attr(mar, "gutter")))
    allowed = _LANDSCAPE_MARGINS if landscape else [_PORTRAIT_MARGINS]
    if any(all(lo - 0.5 <= mm[s] <= hi + 0.5 for s, (lo, hi) in rng.items()) for rng in allowed):
        return
    bad = [f"lề {_MARGIN_NAMES[s]} {mm[s]:.1f} mm (phải {lo}–{hi} mm)".replace(".", ",")
           for s, (lo, hi) in _PORTRAIT_MARGINS.items() if not lo - 0.5 <= mm[s] <= hi + 0.5]
    yield ctx.find("ND30-MARGIN", where, "Lề trang sai: " + "; ".join(bad) + ".",
                   "Chọn Layout > Margins > Custom Margins: trên, dưới 20–25 mm; trái 30–35 mm; "
                   "phải 15–20 mm.")


# -- page numbers ------------------------------------------------------------------------------


@dataclass
class _Field:
    instr: str = ""
    result: list[_El] = field(default_factory=list)
    separated: bool = False


def _fields(p: _El) -> list[_Field]:
    """Simple and complex fields of a paragraph with their result runs."""
    out: list[_Field] = []
    stack: list[_Field] = []
    for el in p.iter(W_FLDSIMPLE, W_R):
        if el.tag == W_FLDSIMPLE:
            out.append(_Field(_attr(el, "instr") or "", list(el.iter(W_R)), True))
            continue
        if el.getparent().tag == W_FLDSIMPLE:
            continue
        fc = el.find(W_FLDCHAR)
        kind = _attr(fc, "fldCharType")
        if kind == "begin":
            stack.append(_Field())
        elif kind == "separate" and stack:
            stack[-1].separated = True
        elif kind == "end" and stack:
            out.append(stack.pop())
        elif stack:
            instr = el.find(W_INSTR)
            if instr is not None:
                stack[-1].instr += instr.text or ""
            elif stack[-1].separated:
                stack[-1].result.append(el)
    return out


def _is_page_field(f: _Field) -> bool:
    return bool(re.match(r"\s*PAGE(\s|\\|$)", f.instr, re.IGNORECASE))


def _page_fields(part: _HeaderPart | None) -> list[tuple[_Para, _Field]]:
    if part is None:
        return []
    return [(p, f) for p in part.paras for f in _fields(p.el) if _is_page_field(f)]


def _check_page_numbers(ctx: _Ctx) -> Iterator[Finding]:
    doc = ctx.doc
    appendix = _appendix_sections(ctx)
    even = _child(doc.settings, "evenAndOddHeaders")
    kinds = ["default"] + (["even"] if even is not None and _on(even) else [])
    checked: set[int] = set()
    for sec, parts in zip(doc.sections, _effective_parts(doc), strict=True):
        where = f"phần {sec.index + 1} (section)"
        for kind in kinds:
            header = doc.header_part(parts.get(f"header:{kind}"))
            fields = _page_fields(header)
            if not fields:
                yield ctx.find("ND30-PAGE-NUMBER", where, _no_page_message(doc, parts, kind),
                               "Chèn số trang (Insert > Page Number > Top of Page, căn giữa) "
                               "vào đầu trang.")
            elif header is not None and id(header.el) not in checked:
                checked.add(id(header.el))
                yield from _check_page_field(ctx, *fields[0])
        yield from _check_first_page(ctx, sec, parts)
        yield from _check_numbering_start(ctx, sec, sec.index in appendix)
    if ctx.lay.appendices and ctx.lay.appendices[0].heading.section == 0:
        yield ctx.find("ND30-PAGE-NUMBER", ctx.lay.appendices[0].heading,
                       "Phụ lục nằm chung phần (section) với thân văn bản nên không đánh số "
                       "trang riêng được.",
                       "Chèn Layout > Breaks > Next Page trước phụ lục, rồi đặt số trang phần "
                       "phụ lục bắt đầu từ 1.")


def _effective_parts(doc: _Doc) -> list[dict[str, _El | None]]:
    """For each section, its header and footer parts by type ("header:default", "footer:first"
    …), inherited from the previous section where it has none (Word's "link to previous")."""
    out: list[dict[str, _El | None]] = []
    current: dict[str, _El | None] = {}
    for sec in doc.sections:
        current = dict(current)
        for kind in ("header", "footer"):
            for ref in [] if sec.sectpr is None else sec.sectpr.findall(_w(kind + "Reference")):
                current[f"{kind}:{_attr(ref, 'type') or 'default'}"] = doc.rel_el(
                    ref.get(f"{{{_R}}}id"))
        out.append(current)
    return out


def _no_page_message(doc: _Doc, parts: dict[str, _El | None], kind: str) -> str:
    footer = doc.header_part(parts.get(f"footer:{kind}"))
    if _page_fields(footer):
        return "Số trang đặt ở chân trang; Nghị định 30 quy định số trang ở đầu trang."
    label = "trang chẵn" if kind == "even" else "các trang"
    return f"Đầu trang của {label} không có trường số trang (PAGE)."


def _check_page_field(ctx: _Ctx, p: _Para, f: _Field) -> Iterator[Finding]:
    runs = [r for r in f.result if _run_text(r).strip()]
    props = ctx.doc.run_props(runs[0] if runs else None, p)
    problems = []
    if not 13 <= (props.size or 0) <= 14:
        problems.append(f"cỡ chữ {_pt(props.size)} pt")
    if props.italic:
        problems.append("in nghiêng")
    align = ctx.doc.look(p).align
    if align != "center":
        problems.append(f"căn {_ALIGN_NAMES.get(align, align)}")
    if problems:
        yield ctx.find("ND30-PAGE-NUMBER", p, "Số trang: " + "; ".join(problems) + ".",
                       "Số trang phải cỡ 13–14 pt, chữ đứng, căn giữa đầu trang.",
                       quote="PAGE")


def _check_first_page(ctx: _Ctx, sec: _Section,
                      parts: dict[str, _El | None]) -> Iterator[Finding]:
    """Page 1 shows no number: titlePg on, and its first-page header without a PAGE field."""
    if sec.index != 0:
        return
    where = "phần 1 (section)"
    title_pg = _child(sec.sectpr, "titlePg")
    if title_pg is None or not _on(title_pg):
        if _page_fields(ctx.doc.header_part(parts.get("header:default"))):
            yield ctx.find("ND30-PAGE-NUMBER", where, "Số trang hiện cả ở trang đầu.",
                           "Bật 'Different First Page' (trang đầu khác) cho phần 1 và để trống "
                           "đầu trang của trang đầu.")
        return
    first = ctx.doc.header_part(parts.get("header:first"))
    if _page_fields(first):
        yield ctx.find("ND30-PAGE-NUMBER", first.where if first else where,
                       "Đầu trang của trang đầu có số trang.",
                       "Xóa số trang ở đầu trang của trang đầu.", quote="PAGE")
    elif first is not None and any(not p.blank for p in first.paras):
        yield ctx.find("ND30-PAGE-NUMBER", first.paras[0].where,
                       "Đầu trang của trang đầu có chữ.", "Để trống đầu trang của trang đầu.",
                       "warning", quote=next(p.text for p in first.paras if not p.blank))


def _check_numbering_start(ctx: _Ctx, sec: _Section, appendix: bool) -> Iterator[Finding]:
    where = f"phần {sec.index + 1} (section)"
    pg = _child(sec.sectpr, "pgNumType")
    fmt = _attr(pg, "fmt")
    if fmt not in (None, "decimal"):
        yield ctx.find("ND30-PAGE-NUMBER", where, f"Số trang không phải chữ số Ả Rập ({fmt}).",
                       "Chọn Page Number > Format > '1, 2, 3, …'.")
    if appendix and _attr(pg, "start") != "1":
        yield ctx.find("ND30-PAGE-NUMBER", where,
                       "Phần phụ lục không đánh số trang lại từ 1.",
                       "Chọn Page Number > Format Page Numbers > Start at: 1 cho phần phụ lục.")


# -- fonts, colours and text -----------------------------------------------------------------


def _every_para(doc: _Doc) -> Iterator[_Para]:
    yield from doc.paras
    yield from doc.extra
    for part in doc.parts:
        yield from part.paras


def _font_slots(text: str) -> list[str]:
    slots = []
    if any(ord(c) < 128 and not c.isspace() for c in text):
        slots.append("ascii")
    if any(ord(c) >= 128 and not c.isspace() for c in text):
        slots.append("hansi")
    return slots


def _check_fonts(ctx: _Ctx) -> Iterator[Finding]:
    styled: dict[_Font, list[_Para]] = {}
    for p in _every_para(ctx.doc):
        direct: set[str] = set()
        for r in p.runs:
            text = _run_text(r)
            props = ctx.doc.run_props(r, p)
            for slot in _font_slots(text):
                font: _Font = getattr(props, slot)
                if font.name and font.name.strip().casefold() == "times new roman":
                    continue
                if font.kind == "direct" and not font.theme:
                    direct.add(font.name or "?")
                else:
                    styled.setdefault(font, []).append(p)
        if direct:
            yield ctx.find("ND30-FONT", p, "Chữ dùng phông " + ", ".join(sorted(direct))
                           + " (định dạng trực tiếp).",
                           "Chọn đoạn chữ, đặt phông Times New Roman.")
    for font, paras in styled.items():
        yield _style_font_finding(ctx, font, paras)


_FONT_HINTS = {
    "direct": "Chọn đoạn chữ, đặt phông Times New Roman.",
    "defaults": "Đặt phông mặc định của văn bản là Times New Roman (Font > Set As Default).",
    "": "Đặt phông Times New Roman cho kiểu Normal hoặc làm phông mặc định (Set As Default).",
}


def _style_font_finding(ctx: _Ctx, font: _Font, paras: list[_Para]) -> Finding:
    """One finding for all text whose font comes from the same style, defaults or theme."""
    count = len(dict.fromkeys(id(p) for p in paras))
    hint = _FONT_HINTS.get(font.kind, "Sửa phông của kiểu đó (Styles > Modify > Font) thành "
                                      "Times New Roman.")
    if font.theme:
        hint = hint.rstrip(".") + "; hoặc đổi phông chủ đề (Design > Fonts)."
    if font.name is None:
        return ctx.find("ND30-FONT", paras[0],
                        f"Phông chữ không được khai báo ở đâu ({count} đoạn); Word sẽ dùng phông "
                        "mặc định của máy.", hint, "warning")
    return ctx.find("ND30-FONT", paras[0],
                    f"Phông '{font.name}' lấy từ {font.source}, ảnh hưởng {count} đoạn.", hint)


def _check_colours(ctx: _Ctx) -> Iterator[Finding]:
    styled: dict[tuple[str, str], list[_Para]] = {}
    for p in _every_para(ctx.doc):
        direct: set[str] = set()
        for r in p.runs:
            if not _run_text(r).strip():
                continue
            props = ctx.doc.run_props(r, p)
            if props.colour in ("000000", "AUTO"):
                continue
            if props.colour_direct:
                direct.add(props.colour)
            else:
                styled.setdefault((props.colour_source, props.colour), []).append(p)
        if direct:
            yield ctx.find("ND30-COLOR", p, "Chữ có màu " + ", ".join(sorted(direct)) + ".",
                           "Đặt màu chữ Automatic hoặc đen.")
    for (source, colour), paras in styled.items():
        count = len(dict.fromkeys(id(p) for p in paras))
        yield ctx.find("ND30-COLOR", paras[0],
                       f"Chữ màu {colour} lấy từ {source}, ảnh hưởng {count} đoạn.",
                       "Sửa màu chữ của kiểu đó thành Automatic hoặc đen.")


_TEMPLATE_TAG = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|\[\^")
_BODY_NAMES = re.compile(r"(?i)(?:ủy|uỷ) ban nhân dân|hội đồng nhân dân")
_UNIT_WORD = re.compile(r"(\w+),? (Xã|Phường|Đặc khu) (\w)")


def _check_text(ctx: _Ctx) -> Iterator[Finding]:
    for p in _every_para(ctx.doc):
        if p.blank:
            continue
        if unicodedata.normalize("NFC", p.text) != p.text:
            yield ctx.find("ND30-NFC", p, "Chữ tiếng Việt ở dạng Unicode tổ hợp (không phải NFC).",
                           "Chuyển mã sang Unicode dựng sẵn (Unikey: Công cụ chuyển mã, "
                           "Unicode tổ hợp → Unicode).")
        tag = _TEMPLATE_TAG.search(p.text)
        if tag:
            yield ctx.find("TEMPLATE-TAG", p, f"Còn sót thẻ mẫu '{tag.group()}'.",
                           "Điền nội dung thay cho thẻ hoặc xóa thẻ; kiểm tra lại dữ liệu mẫu.",
                           quote=p.text[max(0, tag.start() - 20):tag.end() + 30])
        yield from _check_caps(ctx, p)


def _check_caps(ctx: _Ctx, p: _Para) -> Iterator[Finding]:
    text = unicodedata.normalize("NFC", p.text)
    for m in _BODY_NAMES.finditer(text):
        s = m.group()
        if s == s.upper() or s == s.lower() or s == s[0] + s[1:].lower():
            continue
        proper = s[0].upper() + s[1:].lower()
        yield ctx.find("ND30-CAPS", p, f"Viết hoa sai '{s}'.",
                       f"Viết '{proper}' (chỉ viết hoa chữ đầu của tên cơ quan).", quote=s)
    for m in _UNIT_WORD.finditer(text):
        # mid-sentence (after a lower-case word) and followed by a name, not a number
        if m.group(1)[-1].islower() and m.group(3).isupper():
            yield ctx.find("ND30-CAPS", p, f"'{m.group(2)}' là danh từ chung, không viết hoa.",
                           f"Viết '{m.group(2).lower()}' (trừ đơn vị đặt theo số hoặc tên người).",
                           "warning", quote=text[m.start(2):m.start(2) + 30])


# tone placement in open syllables: old style puts the mark on the second vowel (hoà, thuỷ)
_TONE_OLD = re.compile(r"\b\w*?(?:o[àáảãạèéẻẽẹ]|(?<![qQ])u[ỳýỷỹỵ])\b")
_TONE_NEW = re.compile(r"\b\w*?(?:[òóỏõọ][ae]|(?<![qQ])[ùúủũụ]y)\b")

@dataclass
class _Spelling:
    word: str
    para: _Para
    count: int = 0


def _check_tone(ctx: _Ctx) -> Iterator[Finding]:
    old: dict[str, _Spelling] = {}
    new: dict[str, _Spelling] = {}
    for p in _every_para(ctx.doc):
        text = unicodedata.normalize("NFC", p.text)
        for pattern, seen in ((_TONE_OLD, old), (_TONE_NEW, new)):
            for m in pattern.finditer(text.lower()):
                found = seen.setdefault(_fold(m.group()), _Spelling(text[m.start():m.end()], p))
                found.count += 1
    both = [k for k in old if k in new]
    for key in both:
        rare, common = sorted((old[key], new[key]), key=lambda s: s.count)
        yield ctx.find("ND30-TONE", rare.para, f"Cùng một chữ viết hai cách bỏ dấu: "
                       f"'{rare.word}' ({rare.count} lần) và '{common.word}' ({common.count} lần).",
                       "Thống nhất một cách, theo Nghị định 30: 'Ủy', 'hòa', 'thủy' (dấu trên "
                       "nguyên âm đầu).", quote=rare.word)
    rest_old = [v for k, v in old.items() if k not in both]
    rest_new = [v for k, v in new.items() if k not in both]
    if rest_old and rest_new:
        yield ctx.find("ND30-TONE", rest_old[0].para,
                       f"Văn bản dùng lẫn hai cách bỏ dấu (kiểu cũ '{rest_old[0].word}', kiểu mới "
                       f"'{rest_new[0].word}').",
                       "Thống nhất kiểu bỏ dấu mới: 'hòa', 'thủy', 'Ủy'.", "warning",
                       quote=rest_old[0].word)


# -- header of page 1 -------------------------------------------------------------------------

_ISSUER = _Spec("Tên cơ quan ban hành", (12, 13), case="upper")
_QUOC_HIEU = _Spec("Quốc hiệu", (12, 13), case="upper")
_TIEU_NGU = _Spec("Tiêu ngữ", (13, 14))
_SO = _Spec("Số, ký hiệu", (13, 13), bold=None, centred=False)
_DATE = _Spec("Địa danh, ngày tháng", (13, 14), bold=None, italic=True, centred=False)
_TITLE = _Spec("Tên loại văn bản", (13, 14), case="upper")
_TRICH_YEU = _Spec("Trích yếu", (13, 14), case="normal")

SO_RE = re.compile(r"^Số: (0[1-9]|[1-9]\d+|\s+)/")
DATE_RE = re.compile(r", ngày (0[1-9]|[12]\d|3[01]|\s+) tháng (0[12]|[3-9]|1[0-2]|\s+) năm \d{4}$")
_SO_PARTS = re.compile(r"^Số\s*:?\s*(?P<num>[^/]*?)\s*/\s*(?P<sym>.*?)\s*$")
_DATE_LOOSE = re.compile(r"ngày\s*(?P<d>\S*?)\s+tháng\s*(?P<m>\S*?)\s+năm\s*(?P<y>\S*)\s*$")


def _check_header(ctx: _Ctx) -> Iterator[Finding]:
    yield from _check_issuer(ctx)
    lay = ctx.lay
    if lay.quoc_hieu is None:
        yield _missing(ctx, "ND30-QUOC-HIEU", "Quốc hiệu 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'",
                       "Thêm Quốc hiệu ở ô bên phải phần đầu.")
    else:
        yield from _check_look(ctx, "ND30-QUOC-HIEU", lay.quoc_hieu, _QUOC_HIEU)
        if _squash(lay.quoc_hieu.text).upper() not in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                        "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
            yield ctx.find("ND30-QUOC-HIEU", lay.quoc_hieu, "Quốc hiệu viết sai.",
                           "Viết đúng 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'.")
    if lay.tieu_ngu is None:
        yield _missing(ctx, "ND30-TIEU-NGU", "Tiêu ngữ 'Độc lập - Tự do - Hạnh phúc'",
                       "Thêm Tiêu ngữ dưới Quốc hiệu.")
    else:
        yield from _check_look(ctx, "ND30-TIEU-NGU", lay.tieu_ngu, _TIEU_NGU)
        if _squash(lay.tieu_ngu.text) != "Độc lập - Tự do - Hạnh phúc":
            yield ctx.find("ND30-TIEU-NGU", lay.tieu_ngu, "Tiêu ngữ viết sai.",
                           "Viết đúng 'Độc lập - Tự do - Hạnh phúc' (chữ đầu cụm viết hoa, "
                           "gạch nối có cách chữ hai bên).")
        if not ctx.doc.line_below(lay.tieu_ngu):
            yield _no_line(ctx, lay.tieu_ngu, "tiêu ngữ", "dài bằng dòng chữ")
    yield from _check_so(ctx)
    yield from _check_date(ctx)


def _no_line(ctx: _Ctx, p: _Para, what: str, length: str) -> Finding:
    return ctx.find("ND30-LINE-BELOW", p, f"Thiếu đường kẻ nét liền dưới {what}.",
                    f"Thêm đường kẻ ngang nét liền ({length}): viền dưới của đoạn hoặc một "
                    "đoạn trống có viền, hoặc vẽ một đường thẳng.")


def _check_issuer(ctx: _Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    if not lay.issuer:
        yield _missing(ctx, "ND30-ISSUER", "tên cơ quan ban hành",
                       "Ghi tên cơ quan ở ô bên trái phần đầu, ví dụ 'ỦY BAN NHÂN DÂN' / "
                       "'XÃ TÂN AN'.")
        return
    for p in lay.issuer:
        yield from _check_look(ctx, "ND30-ISSUER", p, _ISSUER)
        if re.search(r"\bUBND\b", p.text):
            yield ctx.find("ND30-ISSUER", p, "Tên cơ quan ban hành viết tắt 'UBND'.",
                           "Viết đầy đủ 'ỦY BAN NHÂN DÂN'.")
    if not ctx.doc.line_below(lay.issuer[-1]):
        yield _no_line(ctx, lay.issuer[-1], "tên cơ quan ban hành", "1/3 đến 1/2 dòng chữ")


def _check_so(ctx: _Ctx) -> Iterator[Finding]:
    p = ctx.lay.so
    if p is None:
        yield _missing(ctx, "ND30-SO", "dòng số, ký hiệu ('Số: …/KH-UBND')",
                       "Thêm dòng 'Số:      /KH-UBND' dưới tên cơ quan ban hành.")
        return
    yield from _check_look(ctx, "ND30-SO", p, _SO)
    text = p.text.strip()
    problems = _so_problems(text, ctx.lay.doc_type, ctx.draft_ok)
    if problems:
        yield ctx.find("ND30-SO", p, "Số, ký hiệu: " + "; ".join(problems) + ".",
                       "Viết theo mẫu 'Số: 05/KH-UBND' (bản dự thảo: 'Số:      /KH-UBND').")


def _so_problems(text: str, doc_type: str | None, draft_ok: bool) -> list[str]:
    m = SO_RE.match(text)
    parts = _SO_PARTS.match(text)
    out = []
    if not m:
        num = parts.group("num") if parts else ""
        if parts and num.isdigit() and len(num) == 1:
            out.append(f"số dưới 10 phải có số 0 đứng trước ({int(num):02d})")
        elif not text.startswith("Số: "):
            out.append("phải bắt đầu bằng 'Số: ' (chữ S hoa, dấu hai chấm, một dấu cách)")
        else:
            out.append("số không đúng dạng (số có 0 đứng trước khi dưới 10, hoặc để trống)")
    elif not m.group(1).strip() and not draft_ok:
        out.append("chưa có số văn bản")
    sym = parts.group("sym") if parts else ""
    if parts and not re.fullmatch(r"[^\W_]+(-[^\W_]+)*", sym):
        out.append(f"ký hiệu '{sym}' phải viết liền, các nhóm nối bằng '-'")
    elif parts and doc_type and sym.split("-")[0] != doc_type:
        out.append(f"ký hiệu phải bắt đầu bằng '{doc_type}-' theo tên loại văn bản")
    return out


def _check_date(ctx: _Ctx) -> Iterator[Finding]:
    p = ctx.lay.date
    if p is None:
        yield _missing(ctx, "ND30-DATE", "dòng địa danh, ngày tháng",
                       "Thêm dòng 'Tân An, ngày      tháng 5 năm 2026' dưới tiêu ngữ.")
        return
    yield from _check_look(ctx, "ND30-DATE", p, _DATE)
    text = p.text.strip()
    problems = _date_problems(text, ctx.draft_ok)
    if problems:
        yield ctx.find("ND30-DATE", p, "Ngày tháng: " + "; ".join(problems) + ".",
                       "Viết theo mẫu 'Tân An, ngày 05 tháng 5 năm 2026' (ngày dưới 10 và tháng "
                       "1, 2 có số 0 đứng trước).")
    yield from _check_place(ctx, p, text)


def _date_problems(text: str, draft_ok: bool = True) -> list[str]:
    """What is wrong with a place-and-date line (empty when it matches the decree's form)."""
    m = DATE_RE.search(text)
    if m:
        blank = [n for n, g in (("ngày", m.group(1)), ("tháng", m.group(2))) if not g.strip()]
        if blank and not draft_ok:
            return ["chưa điền " + " và ".join(blank)]
        if not blank and not _real_date(m.group(1), m.group(2), text[-4:]):
            return ["ngày không có thật"]
        return []
    loose = _DATE_LOOSE.search(text)
    if not loose:
        return ["không đúng dạng 'ngày … tháng … năm …'"]
    out = []
    if not re.search(r", ngày", text):
        out.append("thiếu dấu phẩy sau địa danh")
    d, mo, y = loose.group("d"), loose.group("m"), loose.group("y")
    if d.isdigit() and len(d) == 1 and d != "0":
        out.append(f"ngày dưới 10 phải có số 0 đứng trước ({int(d):02d})")
    elif d and not re.fullmatch(r"0[1-9]|[12]\d|3[01]", d):
        out.append(f"ngày '{d}' không hợp lệ")
    if mo in ("1", "2"):
        out.append(f"tháng {mo} phải viết '0{mo}'")
    elif re.fullmatch(r"0[3-9]", mo):
        out.append(f"tháng {int(mo)} không có số 0 đứng trước")
    elif mo and not re.fullmatch(r"0[12]|[3-9]|1[0-2]", mo):
        out.append(f"tháng '{mo}' không hợp lệ")
    if not re.fullmatch(r"\d{4}", y):
        out.append("năm phải ghi đủ 4 chữ số")
    return out or ["không đúng dạng 'ngày … tháng … năm …'"]


def _real_date(day: str, month: str, year: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


def _check_place(ctx: _Ctx, p: _Para, text: str) -> Iterator[Finding]:
    place = _fold(text.split(",")[0]) if "," in text else ""
    m = re.match(r"(xa|phuong|dac khu)\s+(\S.*)$", place)
    if m and not m.group(2)[0].isdigit():
        yield ctx.find("ND30-DATE", p, f"Địa danh có chữ '{_LEVELS[m.group(1)]}'.",
                       "Địa danh ghi tên riêng của đơn vị, không có 'xã', 'phường' (trừ đơn vị "
                       "đặt theo số hoặc tên người).", "warning")
        place = m.group(2)
    unit = ctx.lay.issuer_place
    if place and unit and ctx.lay.issuer_level in _LEVELS and place != unit:
        yield ctx.find("ND30-DATE", p, "Địa danh khác tên đơn vị ban hành.",
                       "Địa danh là tên đơn vị ban hành (ví dụ 'Tân An').", "warning")


# -- title, trích yếu, body ---------------------------------------------------------------------


def _check_title(ctx: _Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    if lay.title is None:
        yield _missing(ctx, "ND30-TITLE", "tên loại văn bản ('KẾ HOẠCH')",
                       "Thêm dòng 'KẾ HOẠCH' (in hoa, đậm, căn giữa) dưới phần đầu.")
        return
    yield from _check_look(ctx, "ND30-TITLE", lay.title, _TITLE)
    if not lay.trich_yeu:
        yield ctx.find("ND30-TRICH-YEU", lay.title, "Không tìm thấy trích yếu dưới tên loại.",
                       "Thêm trích yếu (chữ thường, đậm, căn giữa) ngay dưới 'KẾ HOẠCH'.")
        return
    for p in lay.trich_yeu:
        yield from _check_look(ctx, "ND30-TRICH-YEU", p, _TRICH_YEU)
    if not ctx.doc.line_below(lay.trich_yeu[-1]):
        yield _no_line(ctx, lay.trich_yeu[-1], "trích yếu", "1/3 đến 1/2 dòng chữ")


_NUMBERED_TITLE = re.compile(r"^([IVXLC]+|\d+(\.\d+)*)\.\s+\S[^\n]{0,100}$")


def _is_heading(ctx: _Ctx, p: _Para) -> bool:
    """Bold, a heading style or outline level, or a short numbered title ("1. Mục đích")."""
    props = ctx.doc.para_props(p)
    name = ctx.doc.sheet.name(props.style_id).casefold()
    text = p.text.strip()
    titled = bool(_NUMBERED_TITLE.match(text)) and not text.endswith((".", ";", ":"))
    return titled or ctx.doc.look(p).bold or (props.outline is not None and props.outline < 9) \
        or name.startswith(("heading", "title"))


def _check_body(ctx: _Ctx) -> Iterator[Finding]:
    body = [p for p in ctx.lay.body if not p.blank]
    body_spec = _Spec("Chữ phần nội dung", (13, 14), bold=None, italic=None, centred=False)
    for p in body:
        yield from _check_look(ctx, "ND30-BODY-SIZE", p, body_spec)
        if not _is_heading(ctx, p):
            yield from _check_body_para(ctx, p)
    yield from _check_headings(ctx, body)
    yield from _check_points(ctx, body)
    if body and not body[-1].text.rstrip().endswith("/."):
        yield ctx.find("ND30-BODY-END", body[-1], "Đoạn cuối phần nội dung không kết thúc bằng "
                       "'/.'.", "Thêm '/.' vào cuối câu kết thúc văn bản.", "warning",
                       quote=body[-1].text[-60:])
    if ctx.lay.doc_type == "KH":
        for p in ctx.lay.header + ctx.lay.body:
            if _fold(p.text).startswith("kinh gui"):
                yield ctx.find("ND30-KINH-GUI", p, "Kế hoạch không có phần 'Kính gửi'.",
                               "Xóa dòng 'Kính gửi'; nơi nhận ghi ở mục 'Nơi nhận'.")
    if ctx.lay.appendices and not any("phu luc" in _fold(p.text) for p in body):
        yield ctx.find("ND30-APPENDIX-CITE", body[0] if body else "phần nội dung",
                       "Văn bản có phụ lục nhưng phần nội dung không dẫn chiếu tới phụ lục.",
                       "Thêm câu 'Chi tiết theo Phụ lục kèm theo.' ở mục nhiệm vụ.", "warning")


_INDENTS = (567, 720)  # 1 cm, 1.27 cm in twips
_INDENT_TOLERANCE = 28  # 0.05 cm


def _check_body_para(ctx: _Ctx, p: _Para) -> Iterator[Finding]:
    props = ctx.doc.para_props(p)
    if props.align not in ("both", "distribute", "justify"):
        yield ctx.find("ND30-BODY-ALIGN", p,
                       f"Đoạn căn {_ALIGN_NAMES.get(props.align, props.align)}, chưa căn đều.",
                       "Căn đều hai bên (Ctrl+J).")
    if not any(abs(props.first_line - v) <= _INDENT_TOLERANCE for v in _INDENTS):
        cm = f"{props.first_line / 567:.2f}".replace(".", ",")
        yield ctx.find("ND30-BODY-INDENT", p, f"Thụt đầu dòng {cm} cm.",
                       "Đặt First line 1 cm hoặc 1,27 cm (Paragraph > Indentation > Special).")
    gap = _gap_after(ctx, p, props)
    if gap is not None and gap < 120:
        yield ctx.find("ND30-BODY-SPACING", p,
                       f"Khoảng cách tới đoạn sau {_pt(gap / 20)} pt, dưới 6 pt.",
                       "Đặt Spacing After 6 pt (hoặc Before 6 pt) cho đoạn nội dung.")
    problem = _line_spacing_problem(ctx, p, props)
    if problem:
        yield ctx.find("ND30-BODY-LINE-SPACING", p, problem,
                       "Đặt Line spacing từ Single đến 1.5 lines (hoặc Exactly 15–22 pt).")


def _gap_after(ctx: _Ctx, p: _Para, props: _ParaProps) -> int | None:
    """Space between ``p`` and the next paragraph (Word adds after and before), or None when
    nothing follows directly (a table, an empty line, the end)."""
    following = p.after()
    if not following or following[0].blank:
        return None
    nxt = following[0]
    nprops = ctx.doc.para_props(nxt)
    if props.contextual and nprops.style_id == props.style_id:
        return 0
    return props.after + nprops.before


def _line_spacing_problem(ctx: _Ctx, p: _Para, props: _ParaProps) -> str | None:
    if props.line_rule == "auto":
        if 236 <= props.line <= 364:
            return None
        times = f"{props.line / 240:.2f}".replace(".", ",")
        return f"Khoảng cách dòng {times} lần."
    size = max((s for s in ctx.doc.look(p).sizes if s), default=14.0)
    pt = props.line / 20
    # single spacing of Times New Roman is about 1.15 × the font size
    low = 0.0 if props.line_rule == "atLeast" else size * 1.1
    if low <= pt <= size * 1.75:
        return None
    rule = "tối thiểu" if props.line_rule == "atLeast" else "cố định"
    return f"Khoảng cách dòng {rule} {_pt(pt)} pt với chữ {_pt(size)} pt."


_ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s+\S")


def _check_headings(ctx: _Ctx, body: Sequence[_Para]) -> Iterator[Finding]:
    spec = _Spec("Đề mục", (13, 14), italic=None, case="upper", centred=False)
    for p in body:
        if _ROMAN_HEADING.match(p.text.strip()):
            for f in _check_look(ctx, "ND30-HEADING", p, spec):
                if "cỡ chữ" not in f.message:  # size is ND30-BODY-SIZE's business
                    yield f
                elif ";" in f.message:
                    yield ctx.find("ND30-HEADING", p, re.sub(r"cỡ chữ [^;]*; ", "", f.message),
                                   f.hint)


_VN_ALPHABET = "abcdđeghiklmnopqrstuvxy"
_POINT = re.compile(r"^([a-zđ])([.)])\s")


def _check_points(ctx: _Ctx, body: Sequence[_Para]) -> Iterator[Finding]:
    expected = "a"
    for p in body:
        text = p.text.strip()
        m = _POINT.match(text)
        if not m:
            if _ROMAN_HEADING.match(text) or re.match(r"^\d+\.", text):
                expected = "a"
            continue
        letter, mark = m.groups()
        if mark == ".":
            yield ctx.find("ND30-POINT", p, f"Điểm viết '{letter}.'.",
                           f"Viết '{letter})' (chữ cái và dấu đóng ngoặc đơn).", "warning")
        if letter != expected and letter != "a":
            yield ctx.find("ND30-POINT", p, f"Điểm '{letter}' đứng sau điểm trước không liền "
                           f"(chờ '{expected}').",
                           "Đánh điểm theo bảng chữ cái tiếng Việt: a, b, c, d, đ, e, g …",
                           "warning")
        idx = _VN_ALPHABET.find(letter)
        expected = _VN_ALPHABET[idx + 1] if 0 <= idx < len(_VN_ALPHABET) - 1 else "a"


# -- Nơi nhận and signature ---------------------------------------------------------------------


def _check_closing(ctx: _Ctx) -> Iterator[Finding]:
    closing = ctx.lay.closing
    noi_nhan = next((p for p in closing if _fold(p.text).startswith("noi nhan")), None)
    items: list[tuple[_Para, str, list[_El]]] = []
    if noi_nhan is None:
        yield ctx.find("ND30-NOI-NHAN", closing[0] if closing else "cuối văn bản",
                       "Không tìm thấy phần 'Nơi nhận:'.",
                       "Thêm 'Nơi nhận:' và danh sách nơi nhận ở ô bên trái, ngang dòng chữ ký.")
    else:
        items = _noi_nhan_items(ctx, noi_nhan)
        yield from _check_noi_nhan(ctx, noi_nhan, items)
    used = {id(p) for p, _, _ in items} | ({id(noi_nhan)} if noi_nhan else set())
    signer = [p for p in closing if id(p) not in used and not p.blank
              and (noi_nhan is None or noi_nhan.table is None or p.table == noi_nhan.table)]
    yield from _check_signer(ctx, signer)


def _noi_nhan_items(ctx: _Ctx, head: _Para) -> list[tuple[_Para, str, list[_El]]]:
    items = [(head, t, rs) for t, rs in ctx.doc.lines(head)[1:]]
    for p in head.after():
        if p.blank:
            continue
        lines = ctx.doc.lines(p)
        if head.table is None and not lines[0][0].lstrip().startswith(("-", "–", "+")) and not (
                items and not items[-1][1].rstrip().endswith((";", "."))):
            break
        items += [(p, t, rs) for t, rs in lines]
    return items


def _check_noi_nhan(ctx: _Ctx, head: _Para,
                    items: list[tuple[_Para, str, list[_El]]]) -> Iterator[Finding]:
    head_line, head_runs = ctx.doc.lines(head)[0]
    spec = _Spec("'Nơi nhận:'", (12, 12), italic=True, centred=False)
    yield from _check_look(ctx, "ND30-NOI-NHAN", head, spec, head_runs, head_line)
    if _squash(head_line) != "Nơi nhận:":
        yield ctx.find("ND30-NOI-NHAN", head, "Viết sai 'Nơi nhận:'.",
                       "Viết đúng 'Nơi nhận:' (có dấu hai chấm).", quote=head_line)
    item_spec = _Spec("Nơi nhận", (11, 11), bold=None, centred=False)
    for n, (p, line, runs) in enumerate(items):
        text = _squash(line)
        last = n == len(items) - 1
        problems = _item_problems(text, last, items[n - 1][1] if n else "")
        if problems:
            yield ctx.find("ND30-NOI-NHAN", p, "Dòng nơi nhận " + "; ".join(problems) + ".",
                           "Mỗi dòng bắt đầu '- ', kết thúc ';'; dòng cuối '- Lưu: VT, …' "
                           "kết thúc '.'.", quote=text)
        yield from _check_look(ctx, "ND30-NOI-NHAN", p, item_spec, runs, text)
    if not items:
        yield ctx.find("ND30-NOI-NHAN", head, "Chưa liệt kê nơi nhận.",
                       "Liệt kê mỗi nơi nhận một dòng, dòng cuối '- Lưu: VT, …'.")


def _item_problems(text: str, last: bool, previous: str) -> list[str]:
    out = []
    continuation = previous and not previous.rstrip().endswith((";", "."))
    if not text.startswith("- ") and not continuation:
        out.append("phải bắt đầu bằng '- '")
    if last:
        if not text.startswith("- Lưu") and not continuation:
            out.append("cuối cùng phải là '- Lưu: VT, …'")
        if not text.endswith("."):
            out.append("cuối cùng phải kết thúc bằng dấu chấm")
    elif not text.endswith(";") and not text.endswith(","):
        out.append("phải kết thúc bằng ';'")
    elif text.endswith(","):
        out.append("kết thúc bằng ',' thay cho ';'")
    return out


_ACADEMIC = re.compile(r"(?i)(?<!\w)(ThS|TS|TSKH|PGS|GS|NCS)\.|\b(Thạc sĩ|Tiến sĩ|Giáo sư)\b")
_AUTHORITY = _Spec("Thẩm quyền, chức vụ người ký", (13, 14), case="upper")
_SIGNER_NAME = _Spec("Họ tên người ký", (13, 14), case="normal")


def _check_signer(ctx: _Ctx, paras: Sequence[_Para]) -> Iterator[Finding]:
    lines = [(p, _squash(t), rs) for p in paras for t, rs in ctx.doc.lines(p)
             if not _squash(t).startswith("(")]
    if not lines:
        yield ctx.find("ND30-SIGNER", "cuối văn bản", "Không tìm thấy phần chữ ký.",
                       "Thêm thẩm quyền ký, chức vụ và họ tên người ký.")
        return
    for p, text, _ in lines:
        bad = _AUTH_BAD.match(text)
        if bad:
            yield ctx.find("ND30-SIGNER", p, f"Viết tắt thẩm quyền ký sai '{bad.group()}'.",
                           "Chỉ dùng 'TM.', 'KT.', 'TL.', 'TUQ.', 'Q.'.", quote=text)
    if _fold(ctx.lay.issuer_text).startswith("uy ban nhan dan") and not any(
            text.startswith("TM.") for _, text, _ in lines):
        yield ctx.find("ND30-SIGNER", lines[0][0], "Thiếu 'TM. ỦY BAN NHÂN DÂN' (Ủy ban nhân "
                       "dân là tập thể, ký thay mặt).",
                       "Dòng đầu phần chữ ký ghi 'TM. ỦY BAN NHÂN DÂN'.", quote=lines[0][1])
    name_p, name, name_runs = lines[-1]
    if len(lines) < 2 or _is_upper(name):
        yield ctx.find("ND30-SIGNER", name_p, "Dòng cuối phần chữ ký viết in hoa: chưa có họ "
                       "tên người ký, hoặc họ tên viết in hoa.",
                       "Ghi họ tên người ký (chữ thường, đậm) dưới chức vụ.", "warning",
                       quote=name)
        authority = lines
    else:
        authority = lines[:-1]
        yield from _check_look(ctx, "ND30-SIGNER", name_p, _SIGNER_NAME, name_runs, name)
        title = _ACADEMIC.search(name)
        if title:
            yield ctx.find("ND30-SIGNER", name_p, f"Họ tên người ký có học hàm, học vị "
                           f"'{title.group()}'.", "Bỏ học hàm, học vị; chỉ ghi họ tên.",
                           quote=name)
    for p, text, runs in authority:
        yield from _check_look(ctx, "ND30-SIGNER", p, _AUTHORITY, runs, text)


# -- appendix ----------------------------------------------------------------------------------

_APPENDIX_HEADING = _Spec("Tiêu đề phụ lục", (14, 14), italic=None)
_APPENDIX_TITLE = _Spec("Tên phụ lục", None, italic=None, case="upper")
_KEM_THEO = _Spec("Dòng 'Kèm theo'", None, bold=None, italic=True)
_KEM_THEO_RE = re.compile(r"^\(Kèm theo (?P<kind>.+?) số(?P<num>[^/]*)/(?P<sym>\S*)\s+"
                          r"ngày(?P<date>.*?)\s+của\s+(?P<by>.+?)\)$")


def _check_appendices(ctx: _Ctx) -> Iterator[Finding]:
    apps = ctx.lay.appendices
    for n, app in enumerate(apps):
        head = app.heading
        first_line, head_runs = ctx.doc.lines(head)[0]
        yield from _check_look(ctx, "ND30-APPENDIX", head, _APPENDIX_HEADING, head_runs,
                               first_line)
        word = first_line.strip().split()
        if " ".join(word[:2]) not in ("Phụ lục", "PHỤ LỤC"):
            yield ctx.find("ND30-APPENDIX", head, "Tiêu đề phụ lục viết sai kiểu chữ.",
                           "Viết 'Phụ lục' (hoặc 'PHỤ LỤC').", quote=first_line)
        if len(apps) > 1 and len(word) < 3:
            yield ctx.find("ND30-APPENDIX", head, "Có nhiều phụ lục nhưng phụ lục chưa đánh số.",
                           "Đánh số 'Phụ lục I', 'Phụ lục II' …", quote=first_line)
        if n and head.section == apps[n - 1].heading.section:
            yield ctx.find("ND30-PAGE-NUMBER", head, "Phụ lục không bắt đầu phần (section) "
                           "riêng nên không đánh số trang riêng được.",
                           "Chèn Layout > Breaks > Next Page trước phụ lục.")
        title_lines = [(head, t, rs) for t, rs in ctx.doc.lines(head)[1:]] + [
            (p, t, rs) for p in app.title for t, rs in ctx.doc.lines(p)]
        if not title_lines:
            yield ctx.find("ND30-APPENDIX", head, "Thiếu tên phụ lục dưới tiêu đề.",
                           "Ghi tên phụ lục (in hoa, đậm) dưới 'Phụ lục'.", quote=first_line)
        for p, text, runs in title_lines:
            yield from _check_look(ctx, "ND30-APPENDIX", p, _APPENDIX_TITLE, runs, text)
        yield from _check_kem_theo(ctx, app)


def _check_kem_theo(ctx: _Ctx, app: _Appendix) -> Iterator[Finding]:
    p = app.kem_theo
    if p is None:
        yield ctx.find("ND30-APPENDIX", app.heading, "Thiếu dòng '(Kèm theo Kế hoạch số … "
                       "ngày … của …)' dưới tên phụ lục.",
                       "Thêm dòng '(Kèm theo Kế hoạch số …/KH-UBND ngày … của …)', nghiêng, "
                       "căn giữa.")
        return
    yield from _check_look(ctx, "ND30-APPENDIX", p, _KEM_THEO)
    if not ctx.doc.line_below(p):
        yield _no_line(ctx, p, "dòng 'Kèm theo' của phụ lục", "ngắn, căn giữa")
    m = _KEM_THEO_RE.match(_squash(p.text))
    if m is None:
        yield ctx.find("ND30-APPENDIX-REF", p, "Dòng 'Kèm theo' không đúng dạng.",
                       "Viết '(Kèm theo Kế hoạch số …/KH-UBND ngày … tháng … năm … của …)'.")
        return
    yield from _compare_reference(ctx, p, m)


def _compare_reference(ctx: _Ctx, p: _Para, m: re.Match[str]) -> Iterator[Finding]:
    lay = ctx.lay
    problems = []
    so = _SO_PARTS.match(lay.so.text.strip()) if lay.so else None
    if so:
        if _number(so.group("num")) != _number(m.group("num")):
            problems.append(f"số '{m.group('num').strip() or '(trống)'}' khác số của kế hoạch "
                            f"'{so.group('num').strip() or '(trống)'}'")
        if so.group("sym") != m.group("sym"):
            problems.append(f"ký hiệu '{m.group('sym')}' khác '{so.group('sym')}'")
    plan_date = _parse_date(lay.date.text) if lay.date else None
    ref_date = _parse_date("ngày" + m.group("date"))
    if plan_date and ref_date and plan_date != ref_date:
        problems.append(f"ngày {_show_date(ref_date)} khác ngày của kế hoạch "
                        f"{_show_date(plan_date)}")
    if problems:
        yield ctx.find("ND30-APPENDIX-REF", p, "Dòng 'Kèm theo': " + "; ".join(problems) + ".",
                       "Ghi đúng số, ký hiệu và ngày của kế hoạch (bản dự thảo để trống cả hai "
                       "nơi).")
    issuer = _name_key(lay.issuer_text)
    by = _name_key(m.group("by"))
    if issuer and by != issuer:
        yield ctx.find("ND30-APPENDIX-REF", p, f"Dòng 'Kèm theo' ghi cơ quan '{m.group('by')}' "
                       "khác cơ quan ban hành.",
                       f"Ghi đầy đủ tên cơ quan ban hành ('{_sentence_case(lay.issuer_text)}').",
                       "warning")


def _sentence_case(s: str) -> str:
    words = s.split()
    if len(words) > 3 and _fold(" ".join(words[:4])) == "uy ban nhan dan":
        return "Ủy ban nhân dân " + " ".join(words[4:]).title().replace("Xã ", "xã ", 1) \
            .replace("Phường ", "phường ", 1).replace("Đặc Khu ", "đặc khu ", 1)
    return s


def _number(s: str) -> int | None:
    s = s.strip()
    return int(s) if s.isdigit() else None


_Date = tuple[int | None, int | None, int | None]


def _parse_date(text: str) -> _Date | None:
    """Day, month, year from 'ngày 05 tháng 5 năm 2026' or 'ngày 05/5/2026' (None = blank)."""
    text = _squash(text)
    m = re.search(r"ngày\s*(\S*?)\s*tháng\s*(\S*?)\s*năm\s*(\S*)", text) or re.search(
        r"ngày\s*([\d\s.…]*)/([\d\s.…]*)/\s*(\d{4})", text)
    if m is None:
        return None
    return _number(m.group(1)), _number(m.group(2)), _number(m.group(3).strip(".)"))


def _show_date(d: _Date) -> str:
    return "/".join("…" if v is None else str(v) for v in d)


# -- tables ------------------------------------------------------------------------------------


def _check_borderless(ctx: _Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    noi_nhan = next((p for p in lay.closing if p.table is not None), None)
    for label, p in (("phần đầu (cơ quan, Quốc hiệu)", lay.quoc_hieu or lay.so),
                     ("nơi nhận, chữ ký", noi_nhan)):
        if p is None or p.table is None:
            continue
        table = ctx.doc.tables[p.table]
        sides = ctx.doc.sheet.table_borders(table.el)
        if sides:
            yield ctx.find("ND30-BORDERLESS", f"bảng {p.table + 1}",
                           f"Bảng {label} có đường viền.",
                           "Chọn bảng > Borders > No Border.", quote=p.text)


_TASK_NO = re.compile(r"^(\d+)\.?$")
_LETTER_GROUP = re.compile(r"^([A-HJ-UWYZ])\.?$")
_ROMAN_GROUP = re.compile(r"^([IVXL]+)\.?$")
_COUNT = re.compile(r"\((\d+)\s+nhiệm vụ\)")


@dataclass
class _Row:
    table: _Table
    index: int
    cells: list[tuple[int, _El, list[_Para]]]

    @property
    def first(self) -> str:
        return _squash(self.text(0))

    def text(self, n: int) -> str:
        if n >= len(self.cells):
            return ""
        return "\n".join(p.text for p in self.cells[n][2])

    def at_grid(self, col: int) -> str:
        return next(("\n".join(p.text for p in ps) for g, _, ps in self.cells if g == col), "")

    @property
    def where(self) -> str:
        return f"bảng {self.table.index + 1}, hàng {self.index + 1}"

    @property
    def kind(self) -> str:
        if _TASK_NO.match(self.first):
            return "task"
        if _LETTER_GROUP.match(self.first):
            return "letter"
        if _ROMAN_GROUP.match(self.first):
            return "roman"
        return "other"


def _task_tables(doc: _Doc) -> list[_Table]:
    out = []
    for t in doc.tables:
        head = [_fold("\n".join(p.text for p in ps)) for _, _, ps in t.rows[0]] if t.rows else []
        if head and head[0] in ("tt", "stt") and any("nhiem vu" in h for h in head[1:]):
            out.append(t)
    return out


def _task_rows(ctx: _Ctx) -> list[list[_Row]]:
    """Rows of the task tables, one list per appendix (numbering runs on across tables)."""
    heads = [a.heading.i for a in ctx.lay.appendices]
    streams: dict[int, list[_Row]] = {}
    for t in _task_tables(ctx.doc):
        key = sum(1 for h in heads if h < t.first)
        streams.setdefault(key, []).extend(_Row(t, n, cells) for n, cells in enumerate(t.rows))
    return list(streams.values())


def _check_task_tables(ctx: _Ctx) -> Iterator[Finding]:
    for rows in _task_rows(ctx):
        yield from _check_counts(ctx, rows)
        yield from _check_task_numbers(ctx, rows)


def _check_counts(ctx: _Ctx, rows: list[_Row]) -> Iterator[Finding]:
    for n, row in enumerate(rows):
        if row.kind not in ("letter", "roman"):
            continue
        m = _COUNT.search(" ".join(row.text(k) for k in range(1, len(row.cells))))
        if not m:
            continue
        stop = ("letter",) if row.kind == "letter" else ("letter", "roman")
        count = 0
        for later in rows[n + 1:]:
            if later.kind in stop:
                break
            count += later.kind == "task"
        if count != int(m.group(1)):
            yield ctx.find("PLAN-COUNT", row.where + ", ô 2",
                           f"Nhóm {row.first} ghi '{m.group()}' nhưng có {count} nhiệm vụ.",
                           f"Sửa thành '({count:02d} nhiệm vụ)' hoặc kiểm tra lại các dòng "
                           "nhiệm vụ của nhóm.", quote=m.group())


def _check_task_numbers(ctx: _Ctx, rows: list[_Row]) -> Iterator[Finding]:
    last = 0
    group = ""
    for row in rows:
        if row.kind == "letter":
            last, group = 0, row.first
            continue
        if row.kind != "task":
            continue
        number = int(_TASK_NO.match(row.first).group(1))  # type: ignore[union-attr]
        label = f" trong nhóm {group}" if group else ""
        if number == last:
            yield ctx.find("PLAN-NUMBERING", row.where + ", ô 1",
                           f"Số thứ tự {number} lặp lại{label}.",
                           "Đánh lại số thứ tự liên tục.", quote=f"{number}. {row.text(1)}")
        elif number != last + 1:
            what = f"bỏ qua {last + 1}" if number > last + 1 else f"đứng sau {last}"
            yield ctx.find("PLAN-NUMBERING", row.where + ", ô 1",
                           f"Số thứ tự {number} {what}{label}.",
                           "Đánh lại số thứ tự liên tục (nhóm B đánh tiếp qua các mục La Mã).",
                           quote=f"{number}. {row.text(1)}")
        last = number


_CITY_PHRASE = re.compile(r"(?i)(?P<phrase>trên địa bàn thành phố)(?P<next>\s+\S)?")
_CITY_LEAD = re.compile(
    r"(?i)^(các\s+sở\b|sở\s+\S|công an thành phố|(ủy|uỷ) ban nhân dân cấp xã|ubnd cấp xã"
    r"|thanh tra thành phố|to[àa] án nhân dân thành phố|viện kiểm sát nhân dân thành phố"
    r"|văn phòng hđnd và ubnd cấp xã)")


def _inside_quotes(text: str, pos: int) -> bool:
    """Whether ``pos`` is inside “…”: the quoted name of a document is cited as written."""
    return text.count("“", 0, pos) > text.count("”", 0, pos)


def _check_city(ctx: _Ctx) -> Iterator[Finding]:
    level = ctx.lay.issuer_level
    if level not in _LEVELS:
        return
    unit = _LEVELS[level]
    for p in ctx.doc.paras:
        m = next((m for m in _CITY_PHRASE.finditer(p.text) if not _inside_quotes(p.text, m.start())), None)
        if not m:
            continue
        named = bool(m.group("next")) and m.group("next").strip()[0].isupper()
        yield ctx.find("PLAN-CITY", p, f"Kế hoạch của {unit} còn cụm '{m.group('phrase')}'.",
                       f"Sửa thành 'trên địa bàn {unit}' (nếu không phải trích tên văn bản "
                       "của thành phố).", "warning" if named else "error",
                       quote=p.text[max(0, m.start() - 20):m.end() + 20])
    for rows in _task_rows(ctx):
        lead_col = _lead_column(rows)
        if lead_col is None:
            continue
        for row in rows:
            if row.kind not in ("task", "roman"):
                continue
            for entry in re.split(r"[;\n]", row.at_grid(lead_col)):
                entry = entry.strip().lstrip("-–+ ").strip()
                if _CITY_LEAD.match(entry):
                    yield ctx.find("PLAN-CITY", f"{row.where}, cột Cơ quan chủ trì",
                                   f"Cơ quan chủ trì '{entry}' là cơ quan cấp thành phố.",
                                   f"Giao cho phòng, đơn vị của {unit} tương ứng (theo hồ sơ "
                                   "đơn vị).", quote=entry)


def _lead_column(rows: list[_Row]) -> int | None:
    if not rows:
        return None
    return next((g for g, _, ps in rows[0].cells
                 if "chu tri" in _fold(" ".join(p.text for p in ps))), None)


_CHECKS: tuple[Callable[[_Ctx], Iterable[Finding]], ...] = (
    _check_pages, _check_page_numbers, _check_header, _check_title, _check_body, _check_closing,
    _check_appendices, _check_borderless, _check_task_tables, _check_city, _check_fonts,
    _check_colours, _check_text, _check_tone,
)
