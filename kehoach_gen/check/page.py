"""Page size, margins and page numbers of every section."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..ooxml.document import DocModel
from ..ooxml.element import El, attr, child, int_value, is_on
from ..ooxml.nodes import HeaderPart, Para, Section
from ..ooxml.ns import R_NS, qn
from ..ooxml.text import Field, fields, run_text
from .common import ALIGN_NAMES, Ctx
from .report import Finding
from .rules import rule
from .words import mm, pt

PAGE_SIZE = rule("ND30-PAGE-SIZE", "Khổ giấy A4; phần thân khổ dọc (phụ lục có thể khổ ngang).")
MARGIN = rule("ND30-MARGIN", "Lề trên, dưới 20–25 mm; lề trái 30–35 mm; lề phải 15–20 mm.")
PAGE_NUMBER = rule("ND30-PAGE-NUMBER", "Số trang ở đầu trang, căn giữa, 13–14 pt, chữ đứng, không "
                                       "hiện ở trang 1; mỗi phụ lục là một phần riêng đánh số lại "
                                       "từ 1.")

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
_RID = f"{{{R_NS}}}id"


def appendix_sections(ctx: Ctx) -> set[int]:
    if not ctx.lay.appendices:
        return set()
    first = ctx.lay.appendices[0].heading.section
    return {s.index for s in ctx.doc.sections if s.index >= first and s.index > 0}


def check_pages(ctx: Ctx) -> Iterator[Finding]:
    appendix = appendix_sections(ctx)
    for sec in ctx.doc.sections:
        where = f"phần {sec.index + 1} (section)"
        size = child(sec.sectpr, "pgSz")
        if size is None:
            yield ctx.find(PAGE_SIZE, where, "Không khai báo khổ giấy.",
                           "Chọn Layout > Size > A4 (210 × 297 mm).")
            continue
        w, h = int_value(attr(size, "w")), int_value(attr(size, "h"))
        short, long = sorted((w, h))
        if abs(short - _A4[0]) > _TWIPS_TOLERANCE or abs(long - _A4[1]) > _TWIPS_TOLERANCE:
            yield ctx.find(PAGE_SIZE, where,
                           f"Khổ giấy {mm(w):.0f} × {mm(h):.0f} mm, không phải A4.",
                           "Chọn Layout > Size > A4 (210 × 297 mm).")
            continue
        landscape = w > h
        if landscape and sec.index not in appendix:
            yield ctx.find(PAGE_SIZE, where,
                           "Phần thân văn bản để khổ ngang; chỉ phụ lục bảng biểu được để ngang.",
                           "Chọn Layout > Orientation > Portrait cho phần này.")
        yield from _check_margins(ctx, where, child(sec.sectpr, "pgMar"), landscape)


def _check_margins(ctx: Ctx, where: str, mar: El | None, landscape: bool) -> Iterator[Finding]:
    if mar is None:
        yield ctx.find(MARGIN, where, "Không khai báo lề trang.",
                       "Đặt lề trên, dưới 20 mm, trái 30 mm, phải 15 mm.")
        return
    sizes = {s: mm(abs(int_value(attr(mar, s)))) for s in _PORTRAIT_MARGINS}
    sizes["left"] += mm(int_value(attr(mar, "gutter")))
    allowed = _LANDSCAPE_MARGINS if landscape else [_PORTRAIT_MARGINS]
    if any(all(lo - 0.5 <= sizes[s] <= hi + 0.5 for s, (lo, hi) in rng.items())
           for rng in allowed):
        return
    bad = [f"lề {_MARGIN_NAMES[s]} {sizes[s]:.1f} mm (phải {lo}–{hi} mm)".replace(".", ",")
           for s, (lo, hi) in _PORTRAIT_MARGINS.items() if not lo - 0.5 <= sizes[s] <= hi + 0.5]
    yield ctx.find(MARGIN, where, "Lề trang sai: " + "; ".join(bad) + ".",
                   "Chọn Layout > Margins > Custom Margins: trên, dưới 20–25 mm; trái 30–35 mm; "
                   "phải 15–20 mm.")


# -- page numbers ------------------------------------------------------------------------------


def _is_page_field(f: Field) -> bool:
    return bool(re.match(r"\s*PAGE(\s|\\|$)", f.instr, re.IGNORECASE))


def _page_fields(ctx: Ctx, part: HeaderPart | None) -> list[tuple[Para, Field]]:
    """The PAGE fields of a header or footer part (read once per part, however many sections
    share it)."""
    if part is None:
        return []
    key = ("page fields", id(part))
    if key not in ctx.memo:
        ctx.memo[key] = [(p, f) for p in part.paras for f in fields(p.el) if _is_page_field(f)]
    return ctx.memo[key]


def check_page_numbers(ctx: Ctx) -> Iterator[Finding]:
    doc = ctx.doc
    appendix = appendix_sections(ctx)
    even = child(doc.settings, "evenAndOddHeaders")
    kinds = ["default"] + (["even"] if even is not None and is_on(even) else [])
    checked: set[int] = set()
    for sec, parts in zip(doc.sections, _effective_parts(doc), strict=True):
        where = f"phần {sec.index + 1} (section)"
        for kind in kinds:
            header = doc.header_part(parts.get(f"header:{kind}"))
            found = _page_fields(ctx, header)
            if not found:
                footer = doc.header_part(parts.get(f"footer:{kind}"))
                one_page = not _page_fields(ctx, footer) and _fits_one_page(ctx, sec)
                # (page 1 shows no number: a section of one page needs none at all)
                yield ctx.find(PAGE_NUMBER, where, _no_page_message(ctx, parts, kind) + (
                    " Phần này có vẻ chỉ một trang: nếu dài hơn, từ trang 2 phải có số trang."
                    if one_page else ""),
                               "Chèn số trang (Insert > Page Number > Top of Page, căn giữa) "
                               "vào đầu trang.", "warning" if one_page else None)
            elif header is not None and id(header.el) not in checked:
                checked.add(id(header.el))
                yield from _check_page_field(ctx, *found[0])
        yield from _check_first_page(ctx, sec, parts)
        yield from _check_numbering_start(ctx, sec, sec.index in appendix)
    if ctx.lay.appendices and ctx.lay.appendices[0].heading.section == 0:
        yield ctx.find(PAGE_NUMBER, ctx.lay.appendices[0].heading,
                       "Phụ lục nằm chung phần (section) với thân văn bản nên không đánh số "
                       "trang riêng được.",
                       "Chèn Layout > Breaks > Next Page trước phụ lục, rồi đặt số trang phần "
                       "phụ lục bắt đầu từ 1.")


_CHARS_PER_LINE = 75  # Times New Roman 13–14 pt on the 165 mm between the margins
_LINES_PER_PAGE = 40  # 257 mm at 14 pt, single to 1.15 spacing, with space between paragraphs


def _fits_one_page(ctx: Ctx, sec: Section) -> bool:
    """Whether a section is surely short enough for one page: its lines, estimated generously
    (every paragraph a line at least, a table row as tall as its tallest cell), are few.
    (LibreOffice, saving a plan of one page, drops the page number and the first-page header:
    nothing is shown, as the decree wants.)"""
    def lines(paras: list[Para]) -> int:
        return sum(max(1, -(-len(p.text) // _CHARS_PER_LINE)) for p in paras)

    total = lines([p for p in sec.paras if p.table is None])
    for t in ctx.doc.tables:
        if t.section == sec.index:
            total += sum(max((lines(ps) for _, _, ps in row), default=1) for row in t.rows)
        if total > _LINES_PER_PAGE:
            return False
    return total <= _LINES_PER_PAGE


def _effective_parts(doc: DocModel) -> list[dict[str, El | None]]:
    """For each section, its header and footer parts by type ("header:default", "footer:first"
    …), inherited from the previous section where it has none (Word's "link to previous")."""
    out: list[dict[str, El | None]] = []
    current: dict[str, El | None] = {}
    for sec in doc.sections:
        current = dict(current)
        for kind in ("header", "footer"):
            refs = [] if sec.sectpr is None else sec.sectpr.findall(qn(f"w:{kind}Reference"))
            for ref in refs:
                current[f"{kind}:{attr(ref, 'type') or 'default'}"] = doc.rel_el(ref.get(_RID))
        out.append(current)
    return out


def _no_page_message(ctx: Ctx, parts: dict[str, El | None], kind: str) -> str:
    footer = ctx.doc.header_part(parts.get(f"footer:{kind}"))
    if _page_fields(ctx, footer):
        return "Số trang đặt ở chân trang; Nghị định 30 quy định số trang ở đầu trang."
    label = "trang chẵn" if kind == "even" else "các trang"
    return f"Đầu trang của {label} không có trường số trang (PAGE)."


def _check_page_field(ctx: Ctx, p: Para, f: Field) -> Iterator[Finding]:
    runs = [r for r in f.result if run_text(r).strip()]
    props = ctx.doc.run_props(runs[0] if runs else None, p)
    problems = []
    if not 13 <= (props.size or 0) <= 14:
        problems.append(f"cỡ chữ {pt(props.size)} pt")
    if props.italic:
        problems.append("in nghiêng")
    align = ctx.doc.look(p).align
    if align != "center":
        problems.append(f"căn {ALIGN_NAMES.get(align, align)}")
    if problems:
        yield ctx.find(PAGE_NUMBER, p, "Số trang: " + "; ".join(problems) + ".",
                       "Số trang phải cỡ 13–14 pt, chữ đứng, căn giữa đầu trang.",
                       quote_text="PAGE")


def _check_first_page(ctx: Ctx, sec: Section, parts: dict[str, El | None]) -> Iterator[Finding]:
    """Page 1 shows no number: titlePg on, and its first-page header without a PAGE field."""
    if sec.index != 0:
        return
    where = "phần 1 (section)"
    title_pg = child(sec.sectpr, "titlePg")
    if title_pg is None or not is_on(title_pg):
        if _page_fields(ctx, ctx.doc.header_part(parts.get("header:default"))):
            yield ctx.find(PAGE_NUMBER, where, "Số trang hiện cả ở trang đầu.",
                           "Bật 'Different First Page' (trang đầu khác) cho phần 1 và để trống "
                           "đầu trang của trang đầu.")
        return
    first = ctx.doc.header_part(parts.get("header:first"))
    if _page_fields(ctx, first):
        yield ctx.find(PAGE_NUMBER, first.where if first else where,
                       "Đầu trang của trang đầu có số trang.",
                       "Xóa số trang ở đầu trang của trang đầu.", quote_text="PAGE")
    elif first is not None and any(not p.blank for p in first.paras):
        yield ctx.find(PAGE_NUMBER, first.paras[0].where,
                       "Đầu trang của trang đầu có chữ.", "Để trống đầu trang của trang đầu.",
                       "warning", quote_text=next(p.text for p in first.paras if not p.blank))


def _check_numbering_start(ctx: Ctx, sec: Section, appendix: bool) -> Iterator[Finding]:
    where = f"phần {sec.index + 1} (section)"
    pg = child(sec.sectpr, "pgNumType")
    fmt = attr(pg, "fmt")
    if fmt not in (None, "decimal"):
        yield ctx.find(PAGE_NUMBER, where, f"Số trang không phải chữ số Ả Rập ({fmt}).",
                       "Chọn Page Number > Format > '1, 2, 3, …'.")
    if appendix and attr(pg, "start") != "1":
        yield ctx.find(PAGE_NUMBER, where,
                       "Phần phụ lục không đánh số trang lại từ 1.",
                       "Chọn Page Number > Format Page Numbers > Start at: 1 cho phần phụ lục.")
