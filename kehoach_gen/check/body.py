"""Title, trích yếu and body: headings, points, paragraph layout, the closing "/.", no
"Kính gửi", and a reference to the appendix."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from ..ooxml.nodes import Para
from ..ooxml.styles import ParaProps
from .common import ALIGN_NAMES, Ctx, Spec, check_look, look_problems, missing, no_line
from .report import Finding
from .rules import Rule, rule
from .words import pt, starts_folded

TITLE = rule("ND30-TITLE", "Tên loại văn bản ('KẾ HOẠCH'): in hoa, 13–14 pt, đậm, căn giữa.")
TRICH_YEU = rule("ND30-TRICH-YEU", "Trích yếu: chữ thường, 13–14 pt, đậm, căn giữa.")
HEADING = rule("ND30-HEADING", "Đề mục cấp La Mã ('I. MỤC ĐÍCH, YÊU CẦU'): in hoa, đậm.")
POINT = rule("ND30-POINT", "Điểm đánh 'a)', 'b)' … theo bảng chữ cái tiếng Việt (a, b, c, d, đ, "
                           "e …).", "warning")
BODY_SIZE = rule("ND30-BODY-SIZE", "Chữ phần nội dung 13–14 pt.")
BODY_ALIGN = rule("ND30-BODY-ALIGN", "Đoạn nội dung căn đều hai bên.")
BODY_INDENT = rule("ND30-BODY-INDENT", "Đoạn nội dung thụt đầu dòng 1 cm hoặc 1,27 cm.")
BODY_SPACING = rule("ND30-BODY-SPACING", "Khoảng cách giữa các đoạn tối thiểu 6 pt.")
BODY_LINE_SPACING = rule("ND30-BODY-LINE-SPACING", "Khoảng cách dòng từ đơn (single) đến 1,5 dòng.")
BODY_END = rule("ND30-BODY-END", "Phần nội dung kết thúc bằng '/.'.", "warning")
KINH_GUI = rule("ND30-KINH-GUI", "Kế hoạch không có 'Kính gửi'.")
APPENDIX_CITE = rule("ND30-APPENDIX-CITE", "Phần nội dung dẫn chiếu tới phụ lục ('Chi tiết theo "
                                           "Phụ lục kèm theo').", "warning")

_TITLE = Spec("Tên loại văn bản", (13, 14), case="upper")
_TRICH_YEU = Spec("Trích yếu", (13, 14), case="normal")
_BODY = Spec("Chữ phần nội dung", (13, 14), bold=None, italic=None, centred=False)
_HEADING = Spec("Đề mục", (13, 14), italic=None, case="upper", centred=False)
_NUMBERED_TITLE = re.compile(r"^([IVXLC]+|\d+(\.\d+)*)\.\s+\S[^\n]{0,100}$")
_ROMAN_HEADING = re.compile(r"^[IVXLC]+\.\s+\S")
_VN_ALPHABET = "abcdđeghiklmnopqrstuvxy"
_POINT = re.compile(r"^([a-zđ])([.)])\s")
_NUMBERED = re.compile(r"^\d+\.")
_INDENTS = (567, 720)  # 1 cm, 1.27 cm in twips
_INDENT_TOLERANCE = 28  # 0.05 cm


def check_title(ctx: Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    if lay.title_line is None:
        yield missing(ctx, TITLE, "tên loại văn bản ('KẾ HOẠCH')",
                      "Thêm dòng 'KẾ HOẠCH' (in hoa, đậm, căn giữa) dưới phần đầu.")
        return
    yield from check_look(ctx, TITLE, lay.title_line, _TITLE)
    if not lay.trich_yeu:
        yield ctx.find(TRICH_YEU, lay.title_line, "Không tìm thấy trích yếu dưới tên loại.",
                       "Thêm trích yếu (chữ thường, đậm, căn giữa) ngay dưới 'KẾ HOẠCH'.")
        return
    for line in lay.trich_yeu:
        yield from check_look(ctx, TRICH_YEU, line, _TRICH_YEU)
    if not ctx.doc.line_below(lay.trich_yeu[-1].para):
        yield no_line(ctx, lay.trich_yeu[-1], "trích yếu", "1/3 đến 1/2 dòng chữ")


class _Marks(NamedTuple):
    """What the start of a body paragraph's text says it is."""

    title: bool  # a short numbered title ("1. Mục đích", "II. NHIỆM VỤ")
    roman: bool  # a Roman heading ("I. MỤC ĐÍCH, YÊU CẦU")
    numbered: bool  # "1." …
    point: tuple[str, str] | None  # a point: its letter and mark ("a", ")")
    kinh_gui: bool  # "Kính gửi" …


@functools.lru_cache(maxsize=4096)  # (the body of every unit says much the same)
def _marks(text: str) -> _Marks:
    kinh_gui = starts_folded(text, "kinh gui")
    text = text.strip()
    point = _POINT.match(text)
    return _Marks(bool(_NUMBERED_TITLE.match(text)) and not text.endswith((".", ";", ":")),
                  bool(_ROMAN_HEADING.match(text)), bool(_NUMBERED.match(text)),
                  point.groups() if point else None,  # type: ignore[arg-type]
                  kinh_gui)


def _is_heading(ctx: Ctx, p: Para, marks: _Marks) -> bool:
    """Bold, a heading style or outline level, or a short numbered title ("1. Mục đích")."""
    if marks.title:
        return True
    return ctx.doc.look(p).bold or _styled_heading(ctx, ctx.doc.para_props(p))


def _styled_heading(ctx: Ctx, props: ParaProps) -> bool:
    """A heading by its style name or outline level (once per distinct paragraph layout)."""
    key = ("styled heading", id(props))
    if key not in ctx.memo:
        name = ctx.doc.sheet.name(props.style_id).casefold()
        ctx.memo[key] = (props.outline is not None and props.outline < 9) or name.startswith(
            ("heading", "title"))
    found: bool = ctx.memo[key]
    return found


def check_body(ctx: Ctx) -> Iterator[Finding]:
    body = [p for p in ctx.lay.body if not p.blank]
    marked = [(p, _marks(p.text)) for p in body]  # (once: a long body would outrun the LRU)
    for p, marks in marked:
        for rule_, message, hint in _paragraph_problems(ctx, p, marks):
            yield ctx.find(rule_, p, message, hint)
    yield from _check_headings(ctx, marked)
    yield from _check_points(ctx, marked)
    if body and not body[-1].text.rstrip().endswith("/."):
        yield ctx.find(BODY_END, body[-1], "Đoạn cuối phần nội dung không kết thúc bằng "
                       "'/.'.", "Thêm '/.' vào cuối câu kết thúc văn bản.",
                       quote_text=body[-1].text[-60:])
    if ctx.lay.doc_type == "KH":
        for p in ctx.lay.header + ctx.lay.body:
            if _marks(p.text).kinh_gui:
                yield ctx.find(KINH_GUI, p, "Kế hoạch không có phần 'Kính gửi'.",
                               "Xóa dòng 'Kính gửi'; nơi nhận ghi ở mục 'Nơi nhận'.")
    if ctx.lay.appendices and not any("phu luc" in ctx.lay.folds(p) for p in body):
        yield ctx.find(APPENDIX_CITE, body[0] if body else "phần nội dung",
                       "Văn bản có phụ lục nhưng phần nội dung không dẫn chiếu tới phụ lục.",
                       "Thêm câu 'Chi tiết theo Phụ lục kèm theo.' ở mục nhiệm vụ.")


Problem = tuple[Rule, str, str]  # rule, message, hint
_BODY_PROBLEMS = "body paragraph problems"
_BODY_SIZE = "body size problems"


def _paragraph_problems(ctx: Ctx, p: Para, marks: _Marks) -> tuple[Problem, ...]:
    """The size and layout problems of a body paragraph. They depend on its core (its text,
    runs and pPr), the style sheet and the layout of the paragraph after it (none when that is
    blank or missing), so they are kept with its core by that layout: a unit's plan asks again
    only of its new paragraphs. (By the layout, one of the style sheet's few, not by the next
    paragraph: a paragraph followed in each plan by another unit's would keep every one.)"""
    memo = ctx.doc.kept(p)
    if memo is None:  # (a document that counts its formats asks of every paragraph)
        return _judge_paragraph(ctx, p, marks)
    nxt = ctx.doc.next(p)
    after = None if nxt is None or nxt.blank else ctx.doc.para_props(nxt)
    key = (_BODY_PROBLEMS, id(after))
    found: tuple[object, tuple[Problem, ...]] | None = memo.get(key)
    if found is None or found[0] is not after:  # (kept in it: its id stays its own)
        found = memo[key] = (after, _judge_paragraph(ctx, p, marks))
    return found[1]


def _judge_paragraph(ctx: Ctx, p: Para, marks: _Marks) -> tuple[Problem, ...]:
    out: list[Problem] = []
    look = ctx.doc.look(p)
    key = (_BODY_SIZE, look[1:])  # the size spec reads no text: by look alone, once per check
    problems = ctx.memo.get(key)
    if problems is None:
        problems = ctx.memo[key] = look_problems(look, _BODY)
    if problems:
        out.append((BODY_SIZE, f"{_BODY.label}: " + "; ".join(problems) + ".",
                    f"Định dạng đúng: {_BODY.describe()}."))
    if not _is_heading(ctx, p, marks):
        out.extend(_layout_problems(ctx, p))
    return tuple(out)


def _layout_problems(ctx: Ctx, p: Para) -> list[Problem]:
    """Alignment, indent, spacing to the next paragraph and line spacing of a body paragraph.
    They depend on its resolved layout, the next paragraph's and (for fixed line spacing)
    its font sizes only, so each distinct combination is judged once."""
    props = ctx.doc.para_props(p)
    nxt = ctx.doc.next(p)
    nprops = None if nxt is None or nxt.blank else ctx.doc.para_props(nxt)
    sizes = None if props.line_rule == "auto" else ctx.doc.look(p).sizes
    key = ("layout", id(props), None if nprops is None else id(nprops), sizes)
    if key not in ctx.memo:  # the ParaProps are the style sheet's own, alive all along
        ctx.memo[key] = _judge_layout(props, nprops, sizes)
    found: list[Problem] = ctx.memo[key]
    return found


def _judge_layout(props: ParaProps, nprops: ParaProps | None,
                  sizes: tuple[float | None, ...] | None) -> list[Problem]:
    out: list[Problem] = []
    if props.align not in ("both", "distribute", "justify"):
        out.append((BODY_ALIGN,
                    f"Đoạn căn {ALIGN_NAMES.get(props.align, props.align)}, chưa căn đều.",
                    "Căn đều hai bên (Ctrl+J)."))
    if not any(abs(props.first_line - v) <= _INDENT_TOLERANCE for v in _INDENTS):
        cm = f"{props.first_line / 567:.2f}".replace(".", ",")
        out.append((BODY_INDENT, f"Thụt đầu dòng {cm} cm.",
                    "Đặt First line 1 cm hoặc 1,27 cm (Paragraph > Indentation > Special)."))
    gap = _gap_after(props, nprops)
    if gap is not None and gap < 120:
        out.append((BODY_SPACING, f"Khoảng cách tới đoạn sau {pt(gap / 20)} pt, dưới 6 pt.",
                    "Đặt Spacing After 6 pt (hoặc Before 6 pt) cho đoạn nội dung."))
    problem = _line_spacing_problem(props, sizes)
    if problem:
        out.append((BODY_LINE_SPACING, problem,
                    "Đặt Line spacing từ Single đến 1.5 lines (hoặc Exactly 15–22 pt)."))
    return out


def _gap_after(props: ParaProps, nprops: ParaProps | None) -> int | None:
    """Space between a paragraph and the next (Word adds after and before), or None when
    nothing follows directly (a table, an empty line, the end)."""
    if nprops is None:
        return None
    if props.contextual and nprops.style_id == props.style_id:
        return 0
    return props.after + nprops.before


def _line_spacing_problem(props: ParaProps, sizes: tuple[float | None, ...] | None
                          ) -> str | None:
    if props.line_rule == "auto" or sizes is None:
        if 236 <= props.line <= 364:
            return None
        times = f"{props.line / 240:.2f}".replace(".", ",")
        return f"Khoảng cách dòng {times} lần."
    size = max((s for s in sizes if s), default=14.0)
    points = props.line / 20
    # single spacing of Times New Roman is about 1.15 × the font size
    low = 0.0 if props.line_rule == "atLeast" else size * 1.1
    if low <= points <= size * 1.75:
        return None
    kind = "tối thiểu" if props.line_rule == "atLeast" else "cố định"
    return f"Khoảng cách dòng {kind} {pt(points)} pt với chữ {pt(size)} pt."


def _check_headings(ctx: Ctx, marked: Sequence[tuple[Para, _Marks]]) -> Iterator[Finding]:
    for p, marks in marked:
        if marks.roman:
            for f in check_look(ctx, HEADING, p, _HEADING):
                if "cỡ chữ" not in f.message:  # size is ND30-BODY-SIZE's business
                    yield f
                elif ";" in f.message:
                    yield ctx.find(HEADING, p, re.sub(r"cỡ chữ [^;]*; ", "", f.message), f.hint)


def _check_points(ctx: Ctx, marked: Sequence[tuple[Para, _Marks]]) -> Iterator[Finding]:
    expected = "a"
    for p, marks in marked:
        if marks.point is None:
            if marks.roman or marks.numbered:
                expected = "a"
            continue
        letter, mark = marks.point
        if mark == ".":
            yield ctx.find(POINT, p, f"Điểm viết '{letter}.'.",
                           f"Viết '{letter})' (chữ cái và dấu đóng ngoặc đơn).")
        if letter != expected and letter != "a":
            yield ctx.find(POINT, p, f"Điểm '{letter}' đứng sau điểm trước không liền "
                           f"(chờ '{expected}').",
                           "Đánh điểm theo bảng chữ cái tiếng Việt: a, b, c, d, đ, e, g …")
        idx = _VN_ALPHABET.find(letter)
        expected = _VN_ALPHABET[idx + 1] if 0 <= idx < len(_VN_ALPHABET) - 1 else "a"
