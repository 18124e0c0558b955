"""The closing block: Nơi nhận (left) and the signature (right)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..ooxml.document import Para
from ..ooxml.element import El
from .common import Ctx, Spec, check_look
from .layout import AUTH_BAD
from .report import Finding
from .rules import rule
from .words import fold, is_upper, squash

NOI_NHAN = rule("ND30-NOI-NHAN", "'Nơi nhận:' 12 pt đậm nghiêng; mỗi nơi một dòng 11 pt bắt đầu "
                                 "'- ', kết thúc ';'; dòng cuối '- Lưu: VT, …' kết thúc '.'.")
SIGNER = rule("ND30-SIGNER", "Thẩm quyền ký chỉ dùng TM., KT., TL., TUQ., Q.; chức vụ in hoa đậm "
                             "13–14 pt; họ tên chữ thường đậm, không ghi học hàm, học vị.")

_NOI_NHAN_HEAD = Spec("'Nơi nhận:'", (12, 12), italic=True, centred=False)
_NOI_NHAN_ITEM = Spec("Nơi nhận", (11, 11), bold=None, centred=False)
_ACADEMIC = re.compile(r"(?i)(?<!\w)(ThS|TS|TSKH|PGS|GS|NCS)\.|\b(Thạc sĩ|Tiến sĩ|Giáo sư)\b")
_AUTHORITY = Spec("Thẩm quyền, chức vụ người ký", (13, 14), case="upper")
_SIGNER_NAME = Spec("Họ tên người ký", (13, 14), case="normal")

Line = tuple[Para, str, list[El]]  # a paragraph, one of its lines, the runs showing it


def check_closing(ctx: Ctx) -> Iterator[Finding]:
    closing = ctx.lay.closing
    noi_nhan = next((p for p in closing if ctx.lay.folds.starts(p, "noi nhan")), None)
    items: list[Line] = []
    if noi_nhan is None:
        yield ctx.find(NOI_NHAN, closing[0] if closing else "cuối văn bản",
                       "Không tìm thấy phần 'Nơi nhận:'.",
                       "Thêm 'Nơi nhận:' và danh sách nơi nhận ở ô bên trái, ngang dòng chữ ký.")
    else:
        items = _noi_nhan_items(ctx, noi_nhan)
        yield from _check_noi_nhan(ctx, noi_nhan, items)
    used = {id(p) for p, _, _ in items} | ({id(noi_nhan)} if noi_nhan else set())
    signer = [p for p in closing if id(p) not in used and not p.blank
              and (noi_nhan is None or noi_nhan.table is None or p.table == noi_nhan.table)]
    yield from _check_signer(ctx, signer)


def _noi_nhan_items(ctx: Ctx, head: Para) -> list[Line]:
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


def _check_noi_nhan(ctx: Ctx, head: Para, items: list[Line]) -> Iterator[Finding]:
    head_line, head_runs = ctx.doc.lines(head)[0]
    yield from check_look(ctx, NOI_NHAN, head, _NOI_NHAN_HEAD, head_runs, head_line)
    if squash(head_line) != "Nơi nhận:":
        yield ctx.find(NOI_NHAN, head, "Viết sai 'Nơi nhận:'.",
                       "Viết đúng 'Nơi nhận:' (có dấu hai chấm).", quote_text=head_line)
    for n, (p, line, runs) in enumerate(items):
        text = squash(line)
        last = n == len(items) - 1
        problems = _item_problems(text, last, items[n - 1][1] if n else "")
        if problems:
            yield ctx.find(NOI_NHAN, p, "Dòng nơi nhận " + "; ".join(problems) + ".",
                           "Mỗi dòng bắt đầu '- ', kết thúc ';'; dòng cuối '- Lưu: VT, …' "
                           "kết thúc '.'.", quote_text=text)
        yield from check_look(ctx, NOI_NHAN, p, _NOI_NHAN_ITEM, runs, text)
    if not items:
        yield ctx.find(NOI_NHAN, head, "Chưa liệt kê nơi nhận.",
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


def _check_signer(ctx: Ctx, paras: Sequence[Para]) -> Iterator[Finding]:
    lines = [(p, squash(t), rs) for p in paras for t, rs in ctx.doc.lines(p)
             if not squash(t).startswith("(")]
    if not lines:
        yield ctx.find(SIGNER, "cuối văn bản", "Không tìm thấy phần chữ ký.",
                       "Thêm thẩm quyền ký, chức vụ và họ tên người ký.")
        return
    for p, text, _ in lines:
        bad = AUTH_BAD.match(text)
        if bad:
            yield ctx.find(SIGNER, p, f"Viết tắt thẩm quyền ký sai '{bad.group()}'.",
                           "Chỉ dùng 'TM.', 'KT.', 'TL.', 'TUQ.', 'Q.'.", quote_text=text)
    if fold(ctx.lay.issuer_text).startswith("uy ban nhan dan") and not any(
            text.startswith("TM.") for _, text, _ in lines):
        yield ctx.find(SIGNER, lines[0][0], "Thiếu 'TM. ỦY BAN NHÂN DÂN' (Ủy ban nhân "
                       "dân là tập thể, ký thay mặt).",
                       "Dòng đầu phần chữ ký ghi 'TM. ỦY BAN NHÂN DÂN'.", quote_text=lines[0][1])
    name_p, name, name_runs = lines[-1]
    if len(lines) < 2 or is_upper(name):
        yield ctx.find(SIGNER, name_p, "Dòng cuối phần chữ ký viết in hoa: chưa có họ "
                       "tên người ký, hoặc họ tên viết in hoa.",
                       "Ghi họ tên người ký (chữ thường, đậm) dưới chức vụ.", "warning",
                       quote_text=name)
        authority = lines
    else:
        authority = lines[:-1]
        yield from check_look(ctx, SIGNER, name_p, _SIGNER_NAME, name_runs, name)
        title = _ACADEMIC.search(name)
        if title:
            yield ctx.find(SIGNER, name_p, f"Họ tên người ký có học hàm, học vị "
                           f"'{title.group()}'.", "Bỏ học hàm, học vị; chỉ ghi họ tên.",
                           quote_text=name)
    for p, text, runs in authority:
        yield from check_look(ctx, SIGNER, p, _AUTHORITY, runs, text)
