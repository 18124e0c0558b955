"""The header of page 1: issuing body, Quốc hiệu, tiêu ngữ, number and place-and-date."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from .common import Ctx, Spec, check_look, missing, no_line
from .dates import loose_date
from .layout import UNIT_NOUNS, Line
from .report import Finding
from .rules import rule
from .words import fold, squash

ISSUER = rule("ND30-ISSUER", "Tên cơ quan ban hành: đầy đủ, không viết tắt, chữ in hoa, 12–13 pt, "
                             "đậm, căn giữa.")
QUOC_HIEU = rule("ND30-QUOC-HIEU", "Quốc hiệu 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM': in hoa, "
                                   "12–13 pt, đậm.")
TIEU_NGU = rule("ND30-TIEU-NGU", "Tiêu ngữ 'Độc lập - Tự do - Hạnh phúc': 13–14 pt, đậm, gạch nối "
                                 "có cách chữ.")
SO = rule("ND30-SO", "Số, ký hiệu: 'Số: 05/KH-UBND' (số dưới 10 có số 0 đứng trước), 13 pt, đứng.")
DATE = rule("ND30-DATE", "Địa danh, ngày tháng: 'Tân An, ngày 05 tháng 5 năm 2026', 13–14 pt, "
                         "nghiêng.")

_ISSUER = Spec("Tên cơ quan ban hành", (12, 13), case="upper")
_QUOC_HIEU = Spec("Quốc hiệu", (12, 13), case="upper")
_TIEU_NGU = Spec("Tiêu ngữ", (13, 14))
_SO = Spec("Số, ký hiệu", (13, 13), bold=None, centred=False)
_DATE = Spec("Địa danh, ngày tháng", (13, 14), bold=None, italic=True, centred=False)

SO_RE = re.compile(r"^Số: (0[1-9]|[1-9]\d+|\s+)/")
DATE_RE = re.compile(r", ngày (0[1-9]|[12]\d|3[01]|\s+) tháng (0[12]|[3-9]|1[0-2]|\s+) năm \d{4}$")
_SO_HEAD = re.compile(r"Số\s*:?\s*")


class SoParts(NamedTuple):
    num: str  # what stands before the "/" (the number, or blanks in a draft)
    sym: str  # the ký hiệu after it ("KH-UBND")


def so_parts(text: str) -> SoParts | None:
    r"""The number and symbol of a "Số: …/…" line: what ``^Số\s*:?\s*(?P<num>[^/]*?)\s*/\s*
    (?P<sym>.*?)\s*$`` matches, computed without that regex (quadratic on a long run of
    spaces): the number runs to the first "/", the symbol from the next non-space to the last
    one, and there is no match when the symbol would have to cross a line break."""
    head = _SO_HEAD.match(text)
    if head is None:
        return None
    slash = text.find("/", head.end())
    if slash < 0:
        return None
    start = len(text) - len(text[slash + 1:].lstrip())
    end = len(text.rstrip())
    if start < end and "\n" in text[start:end]:
        return None
    return SoParts(text[head.end():slash].rstrip(), text[start:end] if start < end else "")


def check_header(ctx: Ctx) -> Iterator[Finding]:
    yield from _check_issuer(ctx)
    lay = ctx.lay
    if lay.quoc_hieu is None:
        yield missing(ctx, QUOC_HIEU, "Quốc hiệu 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'",
                      "Thêm Quốc hiệu ở ô bên phải phần đầu.")
    else:
        yield from check_look(ctx, QUOC_HIEU, lay.quoc_hieu, _QUOC_HIEU)
        if squash(lay.quoc_hieu.text).upper() not in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                                                       "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
            yield ctx.find(QUOC_HIEU, lay.quoc_hieu, "Quốc hiệu viết sai.",
                           "Viết đúng 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM'.")
    if lay.tieu_ngu is None:
        yield missing(ctx, TIEU_NGU, "Tiêu ngữ 'Độc lập - Tự do - Hạnh phúc'",
                      "Thêm Tiêu ngữ dưới Quốc hiệu.")
    else:
        yield from check_look(ctx, TIEU_NGU, lay.tieu_ngu, _TIEU_NGU)
        if squash(lay.tieu_ngu.text) != "Độc lập - Tự do - Hạnh phúc":
            yield ctx.find(TIEU_NGU, lay.tieu_ngu, "Tiêu ngữ viết sai.",
                           "Viết đúng 'Độc lập - Tự do - Hạnh phúc' (chữ đầu cụm viết hoa, "
                           "gạch nối có cách chữ hai bên).")
        if not ctx.doc.line_below(lay.tieu_ngu.para):
            yield no_line(ctx, lay.tieu_ngu, "tiêu ngữ", "dài bằng dòng chữ")
    yield from _check_so(ctx)
    yield from _check_date(ctx)


def _check_issuer(ctx: Ctx) -> Iterator[Finding]:
    lay = ctx.lay
    if not lay.issuer:
        yield missing(ctx, ISSUER, "tên cơ quan ban hành",
                      "Ghi tên cơ quan ở ô bên trái phần đầu, ví dụ 'ỦY BAN NHÂN DÂN' / "
                      "'XÃ TÂN AN'.")
        return
    for line in lay.issuer:
        yield from check_look(ctx, ISSUER, line, _ISSUER)
        if re.search(r"\bUBND\b", line.text):
            yield ctx.find(ISSUER, line, "Tên cơ quan ban hành viết tắt 'UBND'.",
                           "Viết đầy đủ 'ỦY BAN NHÂN DÂN'.")
    if not ctx.doc.line_below(lay.issuer[-1].para):
        yield no_line(ctx, lay.issuer[-1], "tên cơ quan ban hành", "1/3 đến 1/2 dòng chữ")


def _check_so(ctx: Ctx) -> Iterator[Finding]:
    p = ctx.lay.so
    if p is None:
        yield missing(ctx, SO, "dòng số, ký hiệu ('Số: …/KH-UBND')",
                      "Thêm dòng 'Số:      /KH-UBND' dưới tên cơ quan ban hành.")
        return
    yield from check_look(ctx, SO, p, _SO)
    text = p.text.strip()
    problems = _so_problems(text, ctx.lay.doc_type, ctx.draft_ok)
    if problems:
        yield ctx.find(SO, p, "Số, ký hiệu: " + "; ".join(problems) + ".",
                       "Viết theo mẫu 'Số: 05/KH-UBND' (bản dự thảo: 'Số:      /KH-UBND').")


def _so_problems(text: str, doc_type: str | None, draft_ok: bool) -> list[str]:
    m = SO_RE.match(text)
    parts = so_parts(text)
    out = []
    if not m:
        num = parts.num if parts else ""
        if parts and num.isdigit() and len(num) == 1:
            out.append(f"số dưới 10 phải có số 0 đứng trước ({int(num):02d})")
        elif not text.startswith("Số: "):
            out.append("phải bắt đầu bằng 'Số: ' (chữ S hoa, dấu hai chấm, một dấu cách)")
        else:
            out.append("số không đúng dạng (số có 0 đứng trước khi dưới 10, hoặc để trống)")
    elif not m.group(1).strip() and not draft_ok:
        out.append("chưa có số văn bản")
    sym = parts.sym if parts else ""
    if parts and not re.fullmatch(r"[^\W_]+(-[^\W_]+)*", sym):
        out.append(f"ký hiệu '{sym}' phải viết liền, các nhóm nối bằng '-'")
    elif parts and doc_type and sym.split("-")[0] != doc_type:
        out.append(f"ký hiệu phải bắt đầu bằng '{doc_type}-' theo tên loại văn bản")
    return out


def _check_date(ctx: Ctx) -> Iterator[Finding]:
    p = ctx.lay.date
    if p is None:
        yield missing(ctx, DATE, "dòng địa danh, ngày tháng",
                      "Thêm dòng 'Tân An, ngày      tháng 5 năm 2026' dưới tiêu ngữ.")
        return
    yield from check_look(ctx, DATE, p, _DATE)
    text = p.text.strip()
    problems = date_problems(text, ctx.draft_ok)
    if problems:
        yield ctx.find(DATE, p, "Ngày tháng: " + "; ".join(problems) + ".",
                       "Viết theo mẫu 'Tân An, ngày 05 tháng 5 năm 2026' (ngày dưới 10 và tháng "
                       "1, 2 có số 0 đứng trước).")
    yield from _check_place(ctx, p, text)


def date_problems(text: str, draft_ok: bool = True) -> list[str]:
    """What is wrong with a place-and-date line (empty when it matches the decree's form)."""
    m = DATE_RE.search(text)
    if m:
        blank = [n for n, g in (("ngày", m.group(1)), ("tháng", m.group(2))) if not g.strip()]
        if blank and not draft_ok:
            return ["chưa điền " + " và ".join(blank)]
        if not blank and not _real_date(m.group(1), m.group(2), text[-4:]):
            return ["ngày không có thật"]
        return []
    loose = loose_date(text)
    if not loose:
        return ["không đúng dạng 'ngày … tháng … năm …'"]
    d, mo, y = loose
    out = [] if ", ngày" in text else ["thiếu dấu phẩy sau địa danh"]
    out += _day_problems(d) + _month_problems(mo)
    if not re.fullmatch(r"\d{4}", y):
        out.append("năm phải ghi đủ 4 chữ số")
    return out or ["không đúng dạng 'ngày … tháng … năm …'"]


def _day_problems(d: str) -> list[str]:
    """A day is written with two digits ("05")."""
    if d.isdigit() and len(d) == 1 and d != "0":
        return [f"ngày dưới 10 phải có số 0 đứng trước ({int(d):02d})"]
    if d and not re.fullmatch(r"0[1-9]|[12]\d|3[01]", d):
        return [f"ngày '{d}' không hợp lệ"]
    return []


def _month_problems(mo: str) -> list[str]:
    """January and February are written "01", "02"; March to December without a zero."""
    if mo in ("1", "2"):
        return [f"tháng {mo} phải viết '0{mo}'"]
    if re.fullmatch(r"0[3-9]", mo):
        return [f"tháng {int(mo)} không có số 0 đứng trước"]
    if mo and not re.fullmatch(r"0[12]|[3-9]|1[0-2]", mo):
        return [f"tháng '{mo}' không hợp lệ"]
    return []


def _real_date(day: str, month: str, year: str) -> bool:
    try:
        dt.date(int(year), int(month), int(day))
    except ValueError:
        return False
    return True


_PLACE_NOUN = re.compile(r"(" + "|".join(UNIT_NOUNS) + r")\s+(\S.*)$")


def _check_place(ctx: Ctx, p: Line, text: str) -> Iterator[Finding]:
    place = fold(text.split(",")[0]) if "," in text else ""
    m = _PLACE_NOUN.match(place)
    if m:
        if not m.group(2)[0].isdigit():  # "Phường 1", "Quận 3" keep their noun
            noun = UNIT_NOUNS[m.group(1)]
            yield ctx.find(DATE, p, f"Địa danh có chữ '{noun}'.",
                           f"Địa danh ghi tên riêng của đơn vị, không có '{noun}' (trừ đơn vị "
                           "đặt theo số).", "warning")
        place = m.group(2)
    unit = ctx.lay.issuer_unit
    if place and unit and unit.name and place != fold(unit.name):
        yield ctx.find(DATE, p, "Địa danh khác tên đơn vị ban hành.",
                       f"Địa danh là tên đơn vị ban hành ('{_title_case(unit.name)}').",
                       "warning")


def _title_case(name: str) -> str:
    return name if not name.isupper() else " ".join(w.capitalize() for w in name.split())
