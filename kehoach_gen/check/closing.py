"""The closing block: Nơi nhận (left) and the signature (right)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..ooxml.element import El
from ..ooxml.nodes import Para
from ..spelling import canonical_name
from .common import Ctx, Spec, check_look
from .layout import AUTH_BAD, UNIT_NOUNS
from .report import Finding
from .rules import rule
from .words import fold, is_upper, squash

NOI_NHAN = rule("ND30-NOI-NHAN", "'Nơi nhận:' 12 pt đậm nghiêng; mỗi nơi một dòng 11 pt bắt đầu "
                                 "'- ', kết thúc ';'; dòng cuối '- Lưu: VT, …' kết thúc '.'.")
SIGNER = rule("ND30-SIGNER", "Thẩm quyền ký chỉ dùng TM., KT., TL., TUQ., Q.; chức vụ in hoa đậm "
                             "13–14 pt; họ tên chữ thường đậm, không ghi học hàm, học vị.")
AUTHORITY = rule("ND30-AUTHORITY", "Thẩm quyền ký khớp chức vụ (Phụ lục I, mục 7): người đứng đầu "
                                   "ký 'TM. <tập thể>' / '<CHỨC VỤ>'; cấp phó 'KT. <CHỨC VỤ>' / "
                                   "'PHÓ <CHỨC VỤ>'; quyền 'Q. <CHỨC VỤ>'; người khác 'TL.' hoặc "
                                   "'TUQ. <CHỨC VỤ>' / chức vụ của mình.")

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
    for p in ctx.doc.after(head):
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
            # a comma alone reads as one entry typed over two lines: a slip to look at, which
            # real signed plans carry ("- Thường trực Đảng ủy," / "- Thường trực HĐND xã;")
            yield ctx.find(NOI_NHAN, p, "Dòng nơi nhận " + "; ".join(problems) + ".",
                           "Mỗi dòng bắt đầu '- ', kết thúc ';'; dòng cuối '- Lưu: VT, …' "
                           "kết thúc '.'.", quote_text=text,
                           severity="warning" if problems == [_COMMA] else None)
        yield from check_look(ctx, NOI_NHAN, p, _NOI_NHAN_ITEM, runs, text)
    if not items:
        yield ctx.find(NOI_NHAN, head, "Chưa liệt kê nơi nhận.",
                       "Liệt kê mỗi nơi nhận một dòng, dòng cuối '- Lưu: VT, …'.")


_COMMA = "kết thúc bằng ',' thay cho ';'"


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
        out.append(_COMMA)
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
    name_p, name, name_runs = lines[-1]
    named = len(lines) >= 2 and not is_upper(name)
    authority = lines[:-1] if named else lines
    head = _collective_head(ctx)
    if fold(ctx.lay.issuer_text).startswith("uy ban nhan dan") and not any(
            text.startswith(("TM.", "TL.", "TUQ.")) for _, text, _ in lines) and not (
            head and len(authority) == 1 and _same(authority[0][1], head)):
        # (the Chủ tịch may sign in person, the position alone: a declared choice)
        yield ctx.find(SIGNER, lines[0][0], "Thiếu 'TM. ỦY BAN NHÂN DÂN' (Ủy ban nhân "
                       "dân là tập thể, ký thay mặt).",
                       "Dòng đầu phần chữ ký ghi 'TM. ỦY BAN NHÂN DÂN'.", quote_text=lines[0][1])
    if not named:
        yield ctx.find(SIGNER, name_p, "Dòng cuối phần chữ ký viết in hoa: chưa có họ "
                       "tên người ký, hoặc họ tên viết in hoa.",
                       "Ghi họ tên người ký (chữ thường, đậm) dưới chức vụ.", "warning",
                       quote_text=name)
    else:
        yield from check_look(ctx, SIGNER, name_p, _SIGNER_NAME, name_runs, name)
        title = _ACADEMIC.search(name)
        if title:
            yield ctx.find(SIGNER, name_p, f"Họ tên người ký có học hàm, học vị "
                           f"'{title.group()}'.", "Bỏ học hàm, học vị; chỉ ghi họ tên.",
                           quote_text=name)
    for p, text, runs in authority:
        yield from check_look(ctx, SIGNER, p, _AUTHORITY, runs, text)
    yield from _check_authority(ctx, [(p, text) for p, text, _ in authority], head)


# -- the authority and the position (Phụ lục I, mục 7) ------------------------------------------

# the five prefixes, and the misspellings ND30-SIGNER reports ("K/T", "T.L", "TM" without its
# dot), read as what they mean so that the chain is checked once the spelling is fixed
_PREFIXED = re.compile(r"^(TUQ/|TUQ|TM|KT|TL|Q|K/T|T/M|T/L|K\.T|T\.M|T\.L)(?:\.|(?=[\s:/]))"
                       r"[\s:/]*(\S.*)$")
_UNIT_LINE = re.compile(r"^(" + "|".join(UNIT_NOUNS) + r")\s")  # "XÃ TÂN AN" under "TM. …"


def _same(a: str, b: str) -> bool:
    return canonical_name(a) == canonical_name(b)


def _collective_head(ctx: Ctx) -> str | None:
    """The position of the head of a collective issuer (Ủy ban, Hội đồng nhân dân)."""
    issuer = fold(ctx.lay.issuer_text)
    return "CHỦ TỊCH" if issuer.startswith(("uy ban nhan dan", "hoi dong nhan dan")) else None


def _head_of(deputy: str) -> str:
    """"PHÓ CHỦ TỊCH THƯỜNG TRỰC" → "CHỦ TỊCH"; "PHÓ GIÁM ĐỐC" → "GIÁM ĐỐC"."""
    head = deputy.split(None, 1)[1] if " " in deputy else deputy
    return re.sub(r"(?i)\s+thường trực$", "", head)


@dataclass(frozen=True)
class _Signed:
    para: Para
    text: str
    kind: str | None  # "TM", "KT", "TL", "TUQ", "Q", or None for a position
    title: str  # the position after the prefix ("CHỦ TỊCH"), or the whole line

    def starts(self, words: str) -> bool:
        return canonical_name(self.title).startswith(canonical_name(words) + " ") or _same(
            self.title, words)


_Problem = tuple[Para, str, str, str]  # where, message, hint, quote


def _check_authority(ctx: Ctx, lines: list[tuple[Para, str]], head: str | None
                     ) -> Iterator[Finding]:
    """Each authority line against the line under it, generic over the head's position,
    which the "KT.", "TL.", "TUQ." line itself names (Nghị định 30, Phụ lục I, mục 7)."""
    signed = [_signed(p, text) for p, text in lines]
    for n, line in enumerate(signed):
        below = signed[n + 1] if n + 1 < len(signed) else None
        above = signed[n - 1] if n else None
        if line.kind == "TM":
            found = _after_tm(line, signed[n + 1:], head)
        elif line.kind is None:
            found = _unmarked(line, above)
        else:
            after = _AFTER.get(line.kind)  # "Q." needs nothing under it checked
            found = after(line, below) if after is not None else None
        if found is not None:
            where, message, hint, quote = found
            yield ctx.find(AUTHORITY, where, message, hint, quote_text=quote)


def _signed(p: Para, text: str) -> _Signed:
    m = _PREFIXED.match(text)
    kind = re.sub(r"[^A-Z]", "", m.group(1)) if m else None
    return _Signed(p, text, kind, m.group(2) if m else text)


def _after_kt(line: _Signed, below: _Signed | None) -> _Problem | None:
    """"KT. CHỦ TỊCH" is a deputy signing for the head: the deputy's own title follows."""
    if below is None or below.kind is not None:
        return (line.para, f"Dưới '{line.text}' thiếu chức vụ của cấp phó ký thay.",
                f"Ghi 'PHÓ {line.title}' dưới '{line.text}'.", _pair(line, below))
    if _same(below.title, line.title):
        return (below.para, f"'{line.text}' là cấp phó ký thay người đứng đầu, nhưng chức vụ "
                f"dưới là '{below.text}' (người đứng đầu không ký thay chính mình).",
                f"Người đứng đầu ký thì bỏ dòng '{line.text}'; cấp phó ký thì ghi "
                f"'PHÓ {line.title}' dưới '{line.text}'.", _pair(line, below))
    if not below.starts(f"PHÓ {line.title}"):
        return (below.para, f"Dưới '{line.text}' phải là chức vụ cấp phó 'PHÓ {line.title}', "
                f"không phải '{below.text}'.",
                f"Cấp phó ký thay ghi 'PHÓ {line.title}'; người khác được ủy quyền ký thì ghi "
                f"'TUQ. {line.title}' / chức vụ của mình.", _pair(line, below))
    return None


def _after_delegated(line: _Signed, below: _Signed | None) -> _Problem | None:
    """"TL." and "TUQ." are someone else signing by order of the head: never the head or a
    deputy under it."""
    if below is None or below.kind is not None or not (
            _same(below.title, line.title) or below.starts(f"PHÓ {line.title}")):
        return None
    how = "thừa lệnh" if line.kind == "TL" else "thừa ủy quyền"
    return (below.para, f"'{line.kind}.' là người khác ký {how} {line.title.capitalize()}; "
            f"'{below.text}' không ký '{line.kind}.'.",
            f"Người đứng đầu ký: 'TM. …' / '{line.title}'; cấp phó: 'KT. {line.title}' / "
            f"'PHÓ {line.title}'.", _pair(line, below))


_AFTER = {"KT": _after_kt, "TL": _after_delegated, "TUQ": _after_delegated}


def _after_tm(line: _Signed, rest: list[_Signed], head: str | None) -> _Problem | None:
    """"TM. ỦY BAN NHÂN DÂN": the next position (past the unit's name) is the head's, a
    deputy's or an acting head's."""
    nxt = next((s for s in rest if not (s.kind is None and _UNIT_LINE.match(fold(s.text)))), None)
    if nxt is None:
        return (line.para, f"Dưới '{line.text}' thiếu chức vụ người ký.",
                "Ghi chức vụ người ký (ví dụ 'CHỦ TỊCH') dưới dòng 'TM.'.", line.text)
    if head and nxt.kind is None and not _same(nxt.title, head) and not nxt.starts(
            "PHÓ") and not nxt.starts("QUYỀN"):
        return (nxt.para, f"'{line.text}' do {head.capitalize()} ký; '{nxt.text}' không ký thay "
                "mặt tập thể.", f"Người khác ký thừa lệnh: 'TL. {head}' / '{nxt.text}'; cấp "
                f"phó: 'KT. {head}' / 'PHÓ {head}'.", _pair(line, nxt))
    return None


def _unmarked(line: _Signed, above: _Signed | None) -> _Problem | None:
    """A position with no prefix: a deputy needs "KT." above it, an acting head writes "Q."."""
    above_kind = above.kind if above is not None else None
    if line.starts("PHÓ") and above_kind not in ("KT", "TL", "TUQ"):
        own = _head_of(line.title)
        return (line.para, f"Cấp phó '{line.text}' ký thay người đứng đầu mà thiếu dòng "
                f"'KT. {own}'.", f"Thêm 'KT. {own}' ngay trên '{line.text}'.",
                f"{above.text} / {line.text}" if above else line.text)
    if line.starts("QUYỀN") and above_kind not in ("TL", "TUQ"):
        own = line.title.split(None, 1)[1] if " " in line.title else line.title
        return (line.para, f"Quyền người đứng đầu ký ghi 'Q. {own}', không ghi '{line.text}'.",
                f"Sửa thành 'Q. {own}'.", line.text)
    return None


def _pair(line: _Signed, below: _Signed | None) -> str:
    return f"{line.text} / {below.text}" if below else line.text
