"""The Nghị định 30 checker on documents it did not make.

Each document is a small plan built with python-docx (``check_fixtures.make_plan_docx``): one
that breaks nothing, and one per rule that breaks exactly that rule, so every test can assert
the exact findings.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import json
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import RGBColor
from hypothesis import given
from hypothesis import strategies as st

from kehoach_gen.check import DATE_RE, RULES, SO_RE, Finding, Report, _date_problems, check_document
from kehoach_gen.errors import InputError

from .check_fixtures import DEFAULT_BODY, DEFAULT_TASKS, Task, make_plan_docx

UNIT = "Ủy ban nhân dân xã Tân An"


def rules(report: Report) -> Counter[str]:
    return Counter(f.rule for f in report.findings)


def kem_theo(number: str = "     ", date: str = "ngày      tháng 5 năm 2026",
             by: str = UNIT) -> str:
    return f"(Kèm theo Kế hoạch số {number}/KH-UBND {date} của {by})"


def body_with(old: str, new: str) -> tuple[str, ...]:
    assert any(old in text for text in DEFAULT_BODY)
    return tuple(text.replace(old, new) for text in DEFAULT_BODY)


def tasks_with(**rows: Task) -> tuple[Task, ...]:
    """DEFAULT_TASKS with rows replaced by index: ``tasks_with(r6=(...))``."""
    out = list(DEFAULT_TASKS)
    for key, row in rows.items():
        out[int(key[1:])] = row
    return tuple(out)


def edit(data: bytes, change: Callable[[Any], None]) -> bytes:
    """Reopen a built document, let ``change`` alter it, save it again."""
    document = docx.Document(io.BytesIO(data))
    change(document)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# A conforming plan, and the legitimate variants of it


def test_conforming_plan_has_no_findings() -> None:
    report = check_document(make_plan_docx())
    assert report.findings == []
    assert report.ok
    assert "không có lỗi" in report.to_text()


LEGITIMATE: list[Any] = [
    pytest.param({"page_field": "complex"}, id="complex PAGE field"),
    pytest.param({"second_row": True}, id="number and date in a second header row"),
    pytest.param({"issuer_line": "own-border"}, id="line as border of the unit name"),
    pytest.param({"issuer_line": "shape"}, id="line drawn as a shape"),
    pytest.param({"appendix_heading": "PHỤ LỤC"}, id="PHỤ LỤC in capitals"),
    pytest.param({"appendix_landscape": False}, id="portrait appendix"),
    pytest.param({"default_font": None, "default_theme_font": "minorHAnsi",
                  "theme_minor_font": "Times New Roman"}, id="font from the theme"),
    pytest.param({"odd_theme_colour": "text1"}, id="theme colour text1 is black"),
    pytest.param({"odd_indent_cm": 1.0}, id="indent 1 cm"),
    pytest.param({"odd_indent_cm": 1.3}, id="indent within 0.05 cm of 1.27 cm"),
    pytest.param({"odd_line_spacing": 1.5}, id="line spacing 1.5"),
    pytest.param({"odd_line_spacing": 1.0}, id="single line spacing"),
    pytest.param({"odd_line_spacing": 18, "odd_line_rule": "exact"}, id="exactly 18 pt lines"),
    pytest.param({"odd_line_spacing": 10, "odd_line_rule": "atLeast"}, id="at least 10 pt lines"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")}, id="chair signs"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "Q. CHỦ TỊCH")}, id="acting chair signs"),
    pytest.param({"noi_nhan": ("Nơi nhận:", "- Như trên;", "- Lưu: VT, VP (02).")},
                 id="copies counted on the Lưu line"),
    pytest.param({"kem_theo": kem_theo(date="ngày   /5/2026")}, id="Kèm theo date with slashes"),
    pytest.param({"so": "Số: 15/KH-UBND", "date": "Tân An, ngày 05 tháng 5 năm 2026",
                  "kem_theo": kem_theo("15", "ngày 05 tháng 5 năm 2026")}, id="signed plan"),
    pytest.param({"extra_body": ("Đề án xây dựng mô hình tại thành phố Hải Phòng.",)},
                 id="the city named as the city"),
]


@pytest.mark.parametrize("changes", LEGITIMATE)
def test_legitimate_variants_pass(changes: dict[str, Any]) -> None:
    assert check_document(make_plan_docx(**changes)).findings == []


def test_direct_run_font_wins_over_a_wrong_style_font() -> None:
    def direct_tnr(document: Any) -> None:
        for p in document.paragraphs:
            if p.style.name == "Plan Body":
                for run in p.runs:
                    run.font.name = "Times New Roman"

    assert rules(check_document(make_plan_docx(body_style_font="Arial"))) == {"ND30-FONT": 1}
    data = edit(make_plan_docx(body_style_font="Arial"), direct_tnr)
    assert check_document(data).findings == []


def test_a_city_plan_may_speak_of_the_city() -> None:
    data = make_plan_docx(
        issuer=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"),
        date="Hải Phòng, ngày      tháng 5 năm 2026",
        kem_theo=kem_theo(by="Ủy ban nhân dân thành phố Hải Phòng"),
        extra_body=("Tăng cường tuyên truyền trên địa bàn thành phố.",),
        tasks=tasks_with(r6=("1", "Rà soát văn bản", "Sở Tư pháp", "", "", "")))
    assert check_document(data).findings == []


def test_signed_plan_passes_when_blanks_are_not_allowed() -> None:
    data = make_plan_docx(so="Số: 15/KH-UBND", date="Tân An, ngày 05 tháng 5 năm 2026",
                          kem_theo=kem_theo("15", "ngày 05 tháng 5 năm 2026"))
    assert check_document(data, draft_ok=False).findings == []


def test_draft_blanks_are_errors_when_not_allowed() -> None:
    report = check_document(make_plan_docx(), draft_ok=False)
    assert rules(report) == {"ND30-SO": 1, "ND30-DATE": 1}
    assert "chưa có số" in report.findings[0].message
    assert "chưa điền ngày" in report.findings[1].message


# ---------------------------------------------------------------------------------------------
# One breakage, one rule

BREAKAGES: list[Any] = [
    # page
    pytest.param({"page_mm": (215.9, 279.4)}, {"ND30-PAGE-SIZE": 2}, id="letter paper"),
    pytest.param({"margins_mm": (20, 20, 25, 15)}, {"ND30-MARGIN": 2}, id="left margin 25 mm"),
    pytest.param({"margins_mm": (15, 20, 30, 15)}, {"ND30-MARGIN": 2}, id="top margin 15 mm"),
    pytest.param({"title_page": False}, {"ND30-PAGE-NUMBER": 1}, id="number on page 1"),
    pytest.param({"page_field": "none"}, {"ND30-PAGE-NUMBER": 2}, id="no page number"),
    pytest.param({"page_field": "footer"}, {"ND30-PAGE-NUMBER": 2}, id="number in footer"),
    pytest.param({"page_field_pt": 12}, {"ND30-PAGE-NUMBER": 2}, id="page number 12 pt"),
    pytest.param({"first_header_text": "PAGE"}, {"ND30-PAGE-NUMBER": 1},
                 id="number in first-page header"),
    pytest.param({"first_header_text": "DỰ THẢO"}, {"ND30-PAGE-NUMBER": 1},
                 id="words in first-page header"),
    pytest.param({"appendix_restart": False}, {"ND30-PAGE-NUMBER": 1},
                 id="appendix not restarting at 1"),
    pytest.param({"appendix_new_section": False}, {"ND30-PAGE-NUMBER": 1},
                 id="appendix in the body section"),
    # fonts and colours
    pytest.param({"default_font": "Arial"}, {"ND30-FONT": 1}, id="docDefaults Arial"),
    pytest.param({"default_font": None}, {"ND30-FONT": 1}, id="no font declared anywhere"),
    pytest.param({"default_font": None, "default_theme_font": "minorHAnsi"}, {"ND30-FONT": 1},
                 id="theme font Cambria"),
    pytest.param({"normal_font": "Arial"}, {"ND30-FONT": 1}, id="Normal style Arial"),
    pytest.param({"body_style_font": "Arial"}, {"ND30-FONT": 1}, id="body style Arial"),
    pytest.param({"odd_char_style_font": "Arial"}, {"ND30-FONT": 1}, id="character style Arial"),
    pytest.param({"odd_run_font": "Arial"}, {"ND30-FONT": 1}, id="run Arial"),
    pytest.param({"odd_colour": "FF0000"}, {"ND30-COLOR": 1}, id="red run"),
    pytest.param({"odd_theme_colour": "accent1"}, {"ND30-COLOR": 1}, id="theme colour accent1"),
    # header
    pytest.param({"issuer": ("UBND XÃ TÂN AN",)}, {"ND30-ISSUER": 1}, id="issuer abbreviated"),
    pytest.param({"issuer_bold": False}, {"ND30-ISSUER": 2}, id="issuer not bold"),
    pytest.param({"issuer": ("Ủy ban nhân dân", "XÃ TÂN AN")}, {"ND30-ISSUER": 1},
                 id="issuer not in capitals"),
    pytest.param({"issuer_line": "none"}, {"ND30-LINE-BELOW": 1}, id="no line under issuer"),
    pytest.param({"quoc_hieu_pt": 14}, {"ND30-QUOC-HIEU": 1}, id="Quốc hiệu 14 pt"),
    pytest.param({"quoc_hieu": "Cộng hòa xã hội chủ nghĩa Việt Nam"}, {"ND30-QUOC-HIEU": 1},
                 id="Quốc hiệu not in capitals"),
    pytest.param({"quoc_hieu": "CỘNG HÒA XÃ HỘI CHỦ NGHỈA VIỆT NAM"}, {"ND30-QUOC-HIEU": 1},
                 id="Quốc hiệu misspelt"),
    pytest.param({"quoc_hieu": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM."}, {"ND30-QUOC-HIEU": 1},
                 id="Quốc hiệu with a full stop"),
    pytest.param({"tieu_ngu": "Độc lập-Tự do-Hạnh phúc"}, {"ND30-TIEU-NGU": 1},
                 id="tiêu ngữ hyphens without spaces"),
    pytest.param({"tieu_ngu_line": False}, {"ND30-LINE-BELOW": 1}, id="no line under tiêu ngữ"),
    pytest.param({"so": "Số: 5/KH-UBND", "kem_theo": kem_theo("5")}, {"ND30-SO": 1},
                 id="number without leading zero"),
    pytest.param({"so": "Số 15/KH-UBND", "kem_theo": kem_theo("15")}, {"ND30-SO": 1},
                 id="number without colon"),
    pytest.param({"so": "Số: 15/KH - UBND", "kem_theo": "(Kèm theo Kế hoạch số 15/KH - UBND "
                  "ngày      tháng 5 năm 2026 của Ủy ban nhân dân xã Tân An)"},
                 {"ND30-SO": 1, "ND30-APPENDIX-REF": 1}, id="spaces in the symbol"),
    pytest.param({"so": "Số: 15/QĐ-UBND", "kem_theo": kem_theo("15").replace("KH-", "QĐ-")},
                 {"ND30-SO": 1}, id="symbol of another document type"),
    pytest.param({"so_italic": True}, {"ND30-SO": 1}, id="number italic"),
    # what a draft may have for its number instead of blanks: one finding, the Số line's
    pytest.param({"so": "Số: …/KH-UBND", "kem_theo": kem_theo("…")}, {"ND30-SO": 1},
                 id="number left as Word's ellipsis"),
    pytest.param({"so": "Số: ____/KH-UBND", "kem_theo": kem_theo("____")}, {"ND30-SO": 1},
                 id="number left as underscores"),
    pytest.param({"date": "Tân An, ngày 5 tháng 5 năm 2026",
                  "kem_theo": kem_theo(date="ngày 05 tháng 5 năm 2026")}, {"ND30-DATE": 1},
                 id="day without leading zero"),
    pytest.param({"date": "Tân An, ngày 05 tháng 05 năm 2026",
                  "kem_theo": kem_theo(date="ngày 05 tháng 5 năm 2026")}, {"ND30-DATE": 1},
                 id="month 5 with leading zero"),
    pytest.param({"date": "Tân An, ngày 05 tháng 1 năm 2026",
                  "kem_theo": kem_theo(date="ngày 05 tháng 01 năm 2026")}, {"ND30-DATE": 1},
                 id="January without leading zero"),
    pytest.param({"date": "Tân An, 05/5/2026", "kem_theo": kem_theo(date="ngày 05/5/2026")},
                 {"ND30-DATE": 1}, id="date with slashes"),
    *(pytest.param({"date": f"Tân An, {when}", "kem_theo": kem_theo(date=when)},
                   {"ND30-DATE": 1}, id=name)  # the same impossible date in "Kèm theo"
      for when, name in (("ngày 30 tháng 02 năm 2026", "30 February"),
                         ("ngày 32 tháng 5 năm 2026", "day 32"),
                         ("ngày 15 tháng 13 năm 2026", "month 13"),
                         ("ngày 15 tháng 5 năm 26", "year of two digits"))),
    pytest.param({"date_italic": False}, {"ND30-DATE": 1}, id="date upright"),
    pytest.param({"date": "xã Tân An, ngày      tháng 5 năm 2026"}, {"ND30-DATE": 1},
                 id="place with 'xã'"),
    pytest.param({"date": "Hải Phòng, ngày      tháng 5 năm 2026"}, {"ND30-DATE": 1},
                 id="place of another unit"),
    pytest.param({"header_table_style": "Table Grid"}, {"ND30-BORDERLESS": 1},
                 id="header table with borders"),
    pytest.param({"signature_table_style": "Table Grid"}, {"ND30-BORDERLESS": 1},
                 id="signature table with borders"),
    # title and body
    pytest.param({"title": "Kế hoạch"}, {"ND30-TITLE": 1}, id="title not in capitals"),
    pytest.param({"title_bold": False}, {"ND30-TITLE": 1}, id="title not bold"),
    pytest.param({"trich_yeu": "TRIỂN KHAI THỰC HIỆN ĐỀ ÁN TRÊN ĐỊA BÀN XÃ TÂN AN"},
                 {"ND30-TRICH-YEU": 1}, id="trích yếu in capitals"),
    pytest.param({"trich_yeu_line": False}, {"ND30-LINE-BELOW": 1}, id="no line under trích yếu"),
    pytest.param({"odd_align": "left"}, {"ND30-BODY-ALIGN": 1}, id="body left aligned"),
    pytest.param({"odd_indent_cm": 0.5}, {"ND30-BODY-INDENT": 1}, id="indent 0.5 cm"),
    pytest.param({"odd_indent_cm": 1.2}, {"ND30-BODY-INDENT": 1}, id="indent 1.2 cm"),
    pytest.param({"odd_space_after_pt": 3}, {"ND30-BODY-SPACING": 1}, id="3 pt between"),
    pytest.param({"odd_line_spacing": 2.0}, {"ND30-BODY-LINE-SPACING": 1}, id="double spacing"),
    pytest.param({"odd_line_spacing": 12, "odd_line_rule": "exact"}, {"ND30-BODY-LINE-SPACING": 1},
                 id="exactly 12 pt lines under 14 pt letters"),
    pytest.param({"odd_line_spacing": 30, "odd_line_rule": "atLeast"},
                 {"ND30-BODY-LINE-SPACING": 1}, id="at least 30 pt lines"),
    # Word's "don't add space between paragraphs of the same style": the 6 pt after is not shown
    pytest.param({"body_contextual": True}, {"ND30-BODY-SPACING": 6},
                 id="no space between body paragraphs of one style"),
    pytest.param({"odd_size_pt": 12}, {"ND30-BODY-SIZE": 1}, id="body 12 pt"),
    pytest.param({"heading_bold": False}, {"ND30-HEADING": 3}, id="headings not bold"),
    pytest.param({"body": body_with("#I. MỤC ĐÍCH, YÊU CẦU", "#I. Mục đích, yêu cầu")},
                 {"ND30-HEADING": 1}, id="heading not in capitals"),
    pytest.param({"body": body_with("a) Bám", "a. Bám")}, {"ND30-POINT": 1}, id="point 'a.'"),
    pytest.param({"body": body_with("b) Phân", "c) Phân")}, {"ND30-POINT": 1}, id="point skips b"),
    pytest.param({"body": (*DEFAULT_BODY[:3], "a) Triển khai Kế hoạch.", "b) Xây dựng văn hóa.",
                           DEFAULT_BODY[4], "c) Bám sát chủ trương.", "d) Phân công nhiệm vụ.",
                           *DEFAULT_BODY[7:])},
                 {"ND30-POINT": 1}, id="points start again at a under the next numbered heading"),
    pytest.param({"body": body_with("./.", ".")}, {"ND30-BODY-END": 1}, id="no closing '/.'"),
    pytest.param({"extra_body": ("Kính gửi: Các phòng chuyên môn",)}, {"ND30-KINH-GUI": 1},
                 id="Kính gửi in a plan"),
    pytest.param({"body": body_with("Phụ lục kèm theo", "bảng kèm theo")},
                 {"ND30-APPENDIX-CITE": 1}, id="body does not cite the appendix"),
    # Nơi nhận and signature
    pytest.param({"noi_nhan": ("Nơi nhận:", "- UBND thành phố", "- Lưu: VT, VP.")},
                 {"ND30-NOI-NHAN": 1}, id="item without ';'"),
    pytest.param({"noi_nhan": ("Nơi nhận:", "- UBND thành phố,", "- Lưu: VT, VP.")},
                 {"ND30-NOI-NHAN": 1}, id="item ending ','"),
    pytest.param({"noi_nhan": ("Nơi nhận:", "UBND thành phố;", "- Lưu: VT, VP.")},
                 {"ND30-NOI-NHAN": 1}, id="item without '- '"),
    pytest.param({"noi_nhan": ("Nơi nhận:", "- UBND thành phố;", "- Lưu: VT, VP")},
                 {"ND30-NOI-NHAN": 1}, id="Lưu without '.'"),
    pytest.param({"noi_nhan": ("Nơi nhận:", "- UBND thành phố;", "- Đảng ủy xã.")},
                 {"ND30-NOI-NHAN": 1}, id="no Lưu line"),
    pytest.param({"noi_nhan": ("Nơi nhận", "- UBND thành phố;", "- Lưu: VT, VP.")},
                 {"ND30-NOI-NHAN": 1}, id="Nơi nhận without colon"),
    pytest.param({"noi_nhan_italic": False}, {"ND30-NOI-NHAN": 1}, id="Nơi nhận upright"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "K/T CHỦ TỊCH", "PHÓ CHỦ TỊCH")},
                 {"ND30-SIGNER": 1}, id="K/T"),
    pytest.param({"signer": ("T/L CHỦ TỊCH", "CHÁNH VĂN PHÒNG")}, {"ND30-SIGNER": 2},
                 id="T/L and no TM. for a committee"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "CHỦ TỊCH")},
                 {"ND30-AUTHORITY": 1}, id="KT. before the head's own title"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "PHÓ CHỦ TỊCH")}, {"ND30-AUTHORITY": 1},
                 id="a deputy without KT."),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "GIÁM ĐỐC SỞ")},
                 {"ND30-AUTHORITY": 1}, id="KT. before another body's title"),
    pytest.param({"signer": ("TL. CHỦ TỊCH", "CHỦ TỊCH")}, {"ND30-AUTHORITY": 1},
                 id="TL. before the head's own title"),
    pytest.param({"signer": ("TUQ. CHỦ TỊCH", "PHÓ CHỦ TỊCH")}, {"ND30-AUTHORITY": 1},
                 id="TUQ. before the deputy's title"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH")}, {"ND30-AUTHORITY": 1},
                 id="KT. with no deputy's title under it"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN",)}, {"ND30-AUTHORITY": 1},
                 id="TM. with no title under it"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "CHÁNH VĂN PHÒNG")}, {"ND30-AUTHORITY": 1},
                 id="TM. over a title that does not sign for the body"),
    pytest.param({"signer": ("TM. ỦY BAN NHÂN DÂN", "QUYỀN CHỦ TỊCH")}, {"ND30-AUTHORITY": 1},
                 id="QUYỀN written out instead of Q."),
    pytest.param({"noi_nhan": ("Nơi nhận:",)}, {"ND30-NOI-NHAN": 1}, id="Nơi nhận with no item"),
    pytest.param({"signer_name": "ThS. Phạm Minh Ngạn"}, {"ND30-SIGNER": 1}, id="ThS."),
    pytest.param({"signer_name": "PGS.TS. Phạm Minh Ngạn"}, {"ND30-SIGNER": 1}, id="PGS.TS."),
    pytest.param({"signer_name": "PHẠM MINH NGẠN"}, {"ND30-SIGNER": 1}, id="name in capitals"),
    # appendix
    pytest.param({"appendix_heading": "Phụ Lục"}, {"ND30-APPENDIX": 1}, id="'Phụ Lục'"),
    pytest.param({"appendix_heading_bold": False}, {"ND30-APPENDIX": 1}, id="heading not bold"),
    pytest.param({"appendix_title": ""}, {"ND30-APPENDIX": 1}, id="appendix without its title"),
    pytest.param({"kem_theo": ""}, {"ND30-APPENDIX": 1}, id="appendix without 'Kèm theo'"),
    pytest.param({"appendix_title": "Phân công nhiệm vụ"}, {"ND30-APPENDIX": 1},
                 id="appendix title not in capitals"),
    pytest.param({"kem_theo_line": False}, {"ND30-LINE-BELOW": 1}, id="no line under Kèm theo"),
    pytest.param({"kem_theo": kem_theo("15")}, {"ND30-APPENDIX-REF": 1},
                 id="Kèm theo number differs"),
    pytest.param({"kem_theo": kem_theo(date="ngày      tháng 6 năm 2026")},
                 {"ND30-APPENDIX-REF": 1}, id="Kèm theo month differs"),
    pytest.param({"kem_theo": kem_theo(by="Ủy ban nhân dân phường")}, {"ND30-APPENDIX-REF": 1},
                 id="Kèm theo names another body"),
    pytest.param({"kem_theo": "(Kèm theo Kế hoạch của Ủy ban nhân dân xã Tân An)"},
                 {"ND30-APPENDIX-REF": 1}, id="Kèm theo without number"),
    # plan level
    pytest.param({"tasks": tasks_with(r5=("I", "Hoàn thiện thể chế (03 nhiệm vụ)", "", "", "",
                                          ""))}, {"PLAN-COUNT": 1}, id="stale count"),
    pytest.param({"tasks": tasks_with(r9=("4", "Theo dõi", "Công an xã", "", "", ""),
                                      r10=("5", "Xử lý", "Công an xã", "", "", ""))},
                 {"PLAN-NUMBERING": 1}, id="number skipped"),
    pytest.param({"tasks": tasks_with(r9=("2", "Theo dõi", "Công an xã", "", "", ""),
                                      r10=("3", "Xử lý", "Công an xã", "", "", ""))},
                 {"PLAN-NUMBERING": 1}, id="number repeated"),
    pytest.param({"tasks": tasks_with(r9=("1", "Theo dõi", "Công an xã", "", "", ""),
                                      r10=("2", "Xử lý", "Công an xã", "", "", ""))},
                 {"PLAN-NUMBERING": 1}, id="B restarts in section II"),
    pytest.param({"tasks": tasks_with(r3=("3", "Kiện toàn", "Công an xã", "", "", ""))},
                 {"PLAN-NUMBERING": 1}, id="A skips 2"),
    pytest.param({"tasks": tasks_with(r6=("1", "Rà soát", "Sở Tư pháp", "", "", ""))},
                 {"PLAN-CITY": 1}, id="Sở Tư pháp leads"),
    pytest.param({"tasks": tasks_with(r6=("1", "Rà soát", "Văn phòng HĐND và UBND; Ủy ban nhân "
                                               "dân cấp xã", "", "", ""))},
                 {"PLAN-CITY": 1}, id="Ủy ban nhân dân cấp xã leads"),
    pytest.param({"tasks": tasks_with(r9=("3", "Theo dõi", "Công an thành phố", "", "", ""))},
                 {"PLAN-CITY": 1}, id="Công an thành phố leads"),
    pytest.param({"extra_body": ("Tăng cường tuyên truyền trên địa bàn thành phố.",)},
                 {"PLAN-CITY": 1}, id="trên địa bàn thành phố"),
    pytest.param({"extra_body": ("Thực hiện Đề án “Xây dựng mô hình trên địa bàn thành phố Hải Phòng”; "
                                 "tuyên truyền trên địa bàn thành phố.",)},
                 {"PLAN-CITY": 1}, id="quoted name cited, unquoted phrase found"),
    pytest.param({"extra_body": ("Gắn với Đề án “Xây dựng mô hình trên địa bàn thành phố Hải Phòng”.",)},
                 {}, id="quoted document name is cited as written"),
    # text
    pytest.param({"extra_body": ("Ủy Ban Nhân Dân xã chỉ đạo thực hiện./.",)}, {"ND30-CAPS": 1},
                 id="Ủy Ban Nhân Dân"),
    pytest.param({"extra_body": ("Hội Đồng Nhân Dân xã giám sát thực hiện.",)}, {"ND30-CAPS": 1},
                 id="Hội Đồng Nhân Dân"),
    pytest.param({"extra_body": ("Giao Ủy ban nhân dân Xã Tân An chỉ đạo.",)}, {"ND30-CAPS": 1},
                 id="Xã capitalised mid-sentence"),
    pytest.param({"extra_body": ("Uỷ ban nhân dân xã chỉ đạo thực hiện.",)}, {"STYLE-TONE": 1},
                 id="Uỷ beside Ủy"),
    pytest.param({"extra_body": ("Bảo đảm an toàn công trình thuỷ lợi.",)}, {"STYLE-TONE": 1},
                 id="old tone placement beside new"),
    pytest.param({"extra_body": ("Bảo đảm sự hoà hợp.",)}, {"STYLE-TONE": 1},
                 id="hoà beside HÒA of the Quốc hiệu"),
    pytest.param({"extra_body": ("Hàng năm tổng kết, báo cáo kết quả.",)}, {"STYLE-VARIANT": 1},
                 id="Hàng năm beside Hằng năm"),
    pytest.param({"extra_body": ("Học tập kinh nghiệm của xã An Lão.",)}, {"PLAN-NEIGHBOUR": 1},
                 id="another xã of the city named"),
    pytest.param({"extra_body": (unicodedata.normalize("NFD", "Tổ chức thực hiện."),)},
                 {"ND30-NFC": 1}, id="decomposed Unicode"),
    pytest.param({"extra_body": ("Giao {{ don_vi }} thực hiện.",)}, {"TEMPLATE-TAG": 1},
                 id="leftover {{"),
    pytest.param({"extra_body": ("{% if thi_diem %}Thực hiện thí điểm.",)}, {"TEMPLATE-TAG": 1},
                 id="leftover {%"),
    pytest.param({"extra_body": ("Nhân rộng mô hình ba tốt[^1].",)}, {"TEMPLATE-TAG": 1},
                 id="leftover footnote marker"),
]


@pytest.mark.parametrize(("changes", "expected"), BREAKAGES)
def test_each_breakage_reports_exactly_its_rule(changes: dict[str, Any],
                                                expected: dict[str, int]) -> None:
    report = check_document(make_plan_docx(**changes))
    assert rules(report) == Counter(expected), report.to_text()


def test_every_rule_is_exercised_by_a_breakage() -> None:
    broken = {rule for p in BREAKAGES for rule in p.values[1]}
    assert broken == set(RULES)


# ---------------------------------------------------------------------------------------------
# What a finding says


def test_finding_names_place_rule_and_fix() -> None:
    report = check_document(make_plan_docx(so="Số: 5/KH-UBND", kem_theo=kem_theo("5")))
    (f,) = report.findings
    assert (f.rule, f.severity) == ("ND30-SO", "error")
    assert f.where == "bảng 1, hàng 1, ô 1, đoạn 4"
    assert f.quote == "Số: 5/KH-UBND"
    assert "05" in f.message and "Số: 05/KH-UBND" in f.hint
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.rule = "X"  # type: ignore[misc]


def test_body_findings_point_at_the_paragraph() -> None:
    document = docx.Document(io.BytesIO(make_plan_docx(odd_align="left")))
    (f,) = check_document(make_plan_docx(odd_align="left")).findings
    n = int(f.where.removeprefix("đoạn "))
    assert document.paragraphs[n - 1].text.startswith("Thực hiện Kế hoạch số 159")


def test_style_font_is_reported_once_at_its_source() -> None:
    (f,) = check_document(make_plan_docx(body_style_font="Arial")).findings
    assert "kiểu đoạn 'Plan Body'" in f.message and "12 đoạn" in f.message


def test_quotes_are_short() -> None:
    long = "Tăng cường tuyên truyền pháp luật " * 5 + "trên địa bàn thành phố."
    report = check_document(make_plan_docx(extra_body=(long,), odd_align="left"))
    assert report.findings
    assert all(len(f.quote) <= 60 for f in report.findings)


def test_warnings_do_not_make_a_report_fail() -> None:
    report = check_document(make_plan_docx(body=body_with("./.", ".")))
    assert report.ok and not report.errors and len(report.warnings) == 1


def test_text_report_one_line_per_finding(tmp_path: Path) -> None:
    path = tmp_path / "ke_hoach.docx"
    path.write_bytes(make_plan_docx(odd_align="left", quoc_hieu_pt=14))
    report = check_document(path)
    lines = report.to_text().splitlines()
    assert lines[0].endswith("ke_hoach.docx: 2 lỗi, 0 cảnh báo.")
    assert len(lines) == 3
    assert all("ke_hoach.docx: " in line and "lỗi [ND30-" in line for line in lines[1:])


def test_text_report_caps_lines_per_rule() -> None:
    many = tuple(f"Đoạn thứ {n} căn trái." for n in range(5))
    report = check_document(make_plan_docx(extra_body=many, body_style_font=None,
                                           odd_align="left", odd_indent_cm=0.4))
    assert rules(report) == {"ND30-BODY-ALIGN": 1, "ND30-BODY-INDENT": 1}
    text = Report([report.findings[0]] * 5).to_text(limit_per_rule=2)
    assert text.count("ND30-BODY-ALIGN") == 3 and "… và 3 chỗ khác" in text


def test_json_report_gives_every_field_of_each_finding_unescaped() -> None:
    report = check_document(make_plan_docx(odd_align="left"))
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["errors"] == 1 and data["warnings"] == 0
    assert data["findings"][0]["rule"] == "ND30-BODY-ALIGN"
    assert set(data["findings"][0]) == {f.name for f in dataclasses.fields(Finding)}
    assert "căn trái" in report.to_json()  # not escaped


def test_path_and_bytes_agree(tmp_path: Path) -> None:
    data = make_plan_docx(odd_colour="FF0000")
    path = tmp_path / "plan.docx"
    path.write_bytes(data)
    assert check_document(path).findings == check_document(data).findings
    assert check_document(str(path)).file is not None


# ---------------------------------------------------------------------------------------------
# Not a .docx


def _zip(**files: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize(("data", "words"), [
    pytest.param(b"", "không phải văn bản Word", id="empty"),
    pytest.param(b"{\\rtf1 hello}", "không phải văn bản Word", id="rtf"),
    pytest.param(make_plan_docx()[:300], "không phải văn bản Word", id="truncated"),
    pytest.param(_zip(**{"a.txt": "x"}), "bị hỏng", id="zip without Word parts"),
])
def test_not_a_docx_is_an_input_error(data: bytes, words: str) -> None:
    with pytest.raises(InputError) as info:
        check_document(data)
    (problem,) = info.value.problems
    assert words in problem.message and problem.hint


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="không tìm thấy tệp"):
        check_document(tmp_path / "khong_co.docx")
    with pytest.raises(InputError, match="thư mục"):
        check_document(tmp_path)


# ---------------------------------------------------------------------------------------------
# Documents shaped differently from ours


def test_empty_document_reports_missing_parts_without_crashing() -> None:
    buf = io.BytesIO()
    docx.Document().save(buf)
    report = check_document(buf.getvalue())
    assert {"ND30-QUOC-HIEU", "ND30-TITLE", "ND30-NOI-NHAN", "ND30-PAGE-SIZE"} <= set(
        rules(report))
    assert all(f.message and f.hint for f in report.findings)


def test_appendix_alone_is_not_mistaken_for_a_header() -> None:
    def keep_appendix_only(document: Any) -> None:
        body = document.element.body
        first = next(p for p in document.paragraphs if p.text == "Phụ lục")._p
        for child in list(body):
            if child is first:
                break
            body.remove(child)

    report = check_document(edit(make_plan_docx(), keep_appendix_only))
    assert "ND30-ISSUER" in rules(report)
    issuer = [f for f in report.findings if f.rule == "ND30-ISSUER"]
    assert [f.message for f in issuer] == ["Không tìm thấy tên cơ quan ban hành."]
    assert "PLAN-COUNT" not in rules(report)


def test_landscape_body_is_reported() -> None:
    def landscape(document: Any) -> None:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
        section.top_margin = section.bottom_margin = docx.shared.Mm(20)
        section.left_margin, section.right_margin = docx.shared.Mm(30), docx.shared.Mm(15)

    (f,) = check_document(edit(make_plan_docx(), landscape)).findings
    assert (f.rule, f.where) == ("ND30-PAGE-SIZE", "phần 1 (section)") and "khổ ngang" in f.message


def test_a_dashed_line_is_not_a_solid_line() -> None:
    def dash_all(document: Any) -> None:
        w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
        for el in document.element.body.iter(f"{w}bottom"):
            if el.getparent().tag == f"{w}pBdr":
                el.set(f"{w}val", "dashed")

    report = check_document(edit(make_plan_docx(), dash_all))
    assert rules(report) == {"ND30-LINE-BELOW": 4}


def test_even_page_headers_need_a_number_too() -> None:
    def even_pages(document: Any) -> None:
        settings = document.settings.element
        settings.append(OxmlElement("w:evenAndOddHeaders"))

    report = check_document(edit(make_plan_docx(), even_pages))
    assert rules(report) == {"ND30-PAGE-NUMBER": 2}


def _every_section(change: Callable[[Any], None]) -> Callable[[Any], None]:
    def changed(document: Any) -> None:
        for section in document.sections:
            change(section)
    return changed


def _page_number_format(section: Any) -> None:
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is None:
        pg = OxmlElement("w:pgNumType")
        section._sectPr.append(pg)
    pg.set(qn("w:fmt"), "lowerRoman")


def _no_margins(section: Any) -> None:
    section._sectPr.remove(section._sectPr.find(qn("w:pgMar")))


def _page_number_italic(section: Any) -> None:
    for run in section.header._element.iter(qn("w:r")):  # (the field's runs too)
        run.get_or_add_rPr().append(OxmlElement("w:i"))


def _page_number_left(section: Any) -> None:
    for paragraph in section.header.paragraphs:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT


@pytest.mark.parametrize(("change", "says"), [
    pytest.param(_page_number_format, "Số trang không phải chữ số Ả Rập (lowerRoman).",
                 id="page numbers i, ii, iii"),
    pytest.param(_no_margins, "Không khai báo lề trang.", id="no margins declared"),
    pytest.param(_page_number_italic, "Số trang: in nghiêng.", id="page number italic"),
    pytest.param(_page_number_left, "Số trang: căn trái.", id="page number on the left"),
])
def test_each_section_is_told_what_its_page_setup_breaks(change: Callable[[Any], None],
                                                         says: str) -> None:
    """The body's section and the appendix's each get the finding, and nothing else."""
    report = check_document(edit(make_plan_docx(), _every_section(change)))
    assert [f.message for f in report.findings] == [says, says], report.to_text()


def test_a_colour_from_a_style_is_one_finding_for_all_it_colours() -> None:
    def red_body_style(document: Any) -> None:
        document.styles["Plan Body"].font.color.rgb = RGBColor(0xC0, 0, 0)

    report = check_document(edit(make_plan_docx(), red_body_style))
    assert [(f.rule, f.severity, f.message) for f in report.findings] == [
        ("ND30-COLOR", "error", "Chữ màu C00000 lấy từ kiểu đoạn 'Plan Body', ảnh hưởng 12 đoạn.")]


def test_no_font_declared_anywhere_is_a_warning_that_says_so() -> None:
    (f,) = check_document(make_plan_docx(default_font=None)).findings
    assert (f.rule, f.severity) == ("ND30-FONT", "warning")
    assert f.message.startswith("Phông chữ không được khai báo ở đâu")


def _second_appendix(numbers: tuple[str, str] | None, own_section: bool = False
                     ) -> Callable[[Any], None]:
    """A second appendix (heading, title, "Kèm theo" and the line under it, copied from the
    first) at the end of the first one's section, or (``own_section``) in a section of its own
    laid out as the first's; ``numbers``: the two headings' numbers."""
    def change(document: Any) -> None:
        paras = document.paragraphs
        k = next(i for i, p in enumerate(paras) if p.text.strip() == "Phụ lục")
        copies = [copy.deepcopy(p._p) for p in paras[k:k + 4]]
        if numbers:
            paras[k].runs[0].text = f"Phụ lục {numbers[0]}"
            copies[0].findall(qn("w:r"))[0].find(qn("w:t")).text = f"Phụ lục {numbers[1]}"
        last = document.element.body[-1]  # the body's own sectPr: the appendix's section
        if own_section:  # the first appendix's section ends in an empty paragraph
            end = OxmlElement("w:p")
            end.get_or_add_pPr().append(copy.deepcopy(last))
            last.addprevious(end)
        for el in copies:
            last.addprevious(el)
    return change


@pytest.mark.parametrize(("numbers", "says"), [
    pytest.param(None, ["Có nhiều phụ lục nhưng phụ lục chưa đánh số.",
                        "Có nhiều phụ lục nhưng phụ lục chưa đánh số.",
                        "Phụ lục không bắt đầu phần (section) riêng nên không đánh số trang "
                        "riêng được."], id="two appendices, unnumbered, one section"),
    pytest.param(("I", "II"), ["Phụ lục không bắt đầu phần (section) riêng nên không đánh số "
                               "trang riêng được."], id="Phụ lục I and II in one section"),
    pytest.param(("I", "II"), [], id="Phụ lục I and II, each its own section"),
])
def test_a_second_appendix_is_numbered_and_starts_its_own_section(
        numbers: tuple[str, str] | None, says: list[str]) -> None:
    own = not says
    report = check_document(edit(make_plan_docx(), _second_appendix(numbers, own)))
    assert [f.message for f in report.findings] == says, report.to_text()


def test_table_style_font_is_resolved() -> None:
    def arial_table_style(document: Any) -> None:
        style = document.styles["Table Grid"].element
        style.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="Arial" '
                               'w:hAnsi="Arial"/></w:rPr>'))

    (f,) = check_document(edit(make_plan_docx(), arial_table_style)).findings
    assert f.rule == "ND30-FONT" and "kiểu bảng 'Table Grid'" in f.message


def _title_styled(with_strong: bool) -> Callable[[Any], None]:
    def change(document: Any) -> None:
        heading = document.styles.add_style("Title Plan", 1)
        heading.font.bold = True
        heading.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title = next(p for p in document.paragraphs if p.text == "KẾ HOẠCH")
        title.style = heading
        title.runs[0].bold = None
        if with_strong:
            strong = document.styles.add_style("Strong Plan", 2)
            strong.font.bold = True
            title.runs[0].style = strong
    return change


def test_bold_from_a_paragraph_style() -> None:
    assert check_document(edit(make_plan_docx(), _title_styled(False))).findings == []


def test_bold_character_style_in_bold_paragraph_style_toggles_off() -> None:
    (f,) = check_document(edit(make_plan_docx(), _title_styled(True))).findings
    assert f.rule == "ND30-TITLE" and f.message == "Tên loại văn bản: chưa in đậm."


def test_numbered_list_indent_is_resolved() -> None:
    def hanging_list(document: Any) -> None:
        numbering = document.part.numbering_part.element
        numbering.append(parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:lvl w:ilvl="0">'
            '<w:numFmt w:val="bullet"/><w:lvlText w:val="-"/>'
            '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr></w:lvl></w:abstractNum>'))
        numbering.append(parse_xml(f'<w:num {nsdecls("w")} w:numId="90">'
                                   '<w:abstractNumId w:val="90"/></w:num>'))
        p = next(p for p in document.paragraphs if p.text.startswith("- Triển khai"))
        p.paragraph_format.first_line_indent = None
        p._p.get_or_add_pPr().append(parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'))

    (f,) = check_document(edit(make_plan_docx(), hanging_list)).findings
    assert f.rule == "ND30-BODY-INDENT" and "-0,63 cm" in f.message


def test_deleted_text_and_text_boxes() -> None:
    def tracked_and_boxed(document: Any) -> None:
        p = next(p for p in document.paragraphs if p.text.startswith("Chi tiết"))
        p._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="x"><w:r>'
                              '<w:delText>{{ xoa }}</w:delText></w:r></w:del>'))
        p._p.append(parse_xml(
            f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape>'
            '<v:textbox><w:txbxContent><w:p><w:r>'
            '<w:rPr><w:rFonts w:ascii="Arial" w:hAnsi="Arial"/></w:rPr><w:t>Hộp chữ</w:t>'
            '</w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))

    (f,) = check_document(edit(make_plan_docx(), tracked_and_boxed)).findings
    assert f.rule == "ND30-FONT" and f.where.startswith("hộp văn bản ở đoạn")


def test_nguoi_nhan_items_in_one_paragraph_with_line_breaks() -> None:
    def one_paragraph(document: Any) -> None:
        cell = document.tables[1].rows[0].cells[0]
        head, *items = cell.paragraphs
        for p in items:
            run = head.add_run()
            run.add_break()
            head.add_run(p.text.replace(";", "")).font.size = docx.shared.Pt(11)
            p._p.getparent().remove(p._p)

    report = check_document(edit(make_plan_docx(), one_paragraph))
    assert rules(report) == {"ND30-NOI-NHAN": 3}  # the items lost their ';' and '.'


# ---------------------------------------------------------------------------------------------
# The two regular expressions of the decree, as properties (generated inputs: slow, as in
# test_properties.py; the breakages above pin the same rules on fixed dates in the fast loop)

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31))


def _decree_date(d: dt.date) -> str:
    month = f"{d.month:02d}" if d.month < 3 else str(d.month)
    return f"Tân An, ngày {d.day:02d} tháng {month} năm {d.year}"


@pytest.mark.slow
@given(dates)
def test_any_real_date_in_the_decree_form_is_accepted(d: dt.date) -> None:
    text = _decree_date(d)
    assert DATE_RE.search(text)
    assert _date_problems(text, draft_ok=False) == []


@pytest.mark.slow
@given(dates.filter(lambda d: d.day < 10))
def test_day_below_ten_needs_a_leading_zero(d: dt.date) -> None:
    text = _decree_date(d).replace(f"ngày {d.day:02d}", f"ngày {d.day}")
    assert not DATE_RE.search(text)
    assert any("số 0" in p for p in _date_problems(text))


@pytest.mark.slow
@given(dates.filter(lambda d: 3 <= d.month <= 9))
def test_months_from_march_take_no_leading_zero(d: dt.date) -> None:
    text = _decree_date(d).replace(f"tháng {d.month}", f"tháng {d.month:02d}")
    assert not DATE_RE.search(text)
    assert _date_problems(text)


@pytest.mark.slow
@given(st.integers(min_value=1, max_value=9999))
def test_number_below_ten_needs_a_leading_zero(n: int) -> None:
    good = f"Số: {n:02d}/KH-UBND"
    assert SO_RE.match(good)
    if n < 10:
        assert not SO_RE.match(f"Số: {n}/KH-UBND")


@pytest.mark.parametrize(("date", "says"), [
    ("Tân An, ngày 32 tháng 5 năm 2026", "ngày '32' không hợp lệ"),
    ("Tân An, ngày 00 tháng 5 năm 2026", "ngày '00' không hợp lệ"),
    ("Tân An, ngày 15 tháng 13 năm 2026", "tháng '13' không hợp lệ"),
    ("Tân An, ngày 15 tháng 00 năm 2026", "tháng '00' không hợp lệ"),
    ("Tân An, ngày 15 tháng 5 năm 26", "năm phải ghi đủ 4 chữ số"),
])
def test_an_impossible_date_is_told_by_what_is_wrong(date: str, says: str) -> None:
    """Not only "không đúng dạng": the clerk is told which of day, month or year to fix."""
    assert _date_problems(date) == [says]


@pytest.mark.slow
@given(st.text(max_size=200))
def test_date_check_never_crashes(text: str) -> None:
    assert isinstance(_date_problems(text), list)
