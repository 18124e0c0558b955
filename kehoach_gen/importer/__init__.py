"""Import the city's appendix table from a .docx into the ``appendix:`` part of a city template.

The city sends its plan as Word. The importer finds the appendix table ("TT / Nhiệm vụ / Cơ
quan chủ trì / …", headers in any order and wording: :mod:`.table`), turns its rows into
groups, sections and tasks (:mod:`.structure`, :mod:`.drafts`), maps the agencies it names to
role keys (:mod:`.agencies`), reads real Word footnotes (:mod:`.footnotes`), rejoins rows that
a page break split in two, and gives every task a stable id, kept across re-imports of a
revised table by matching task texts (:mod:`.ids`). The result (:mod:`.result`) is YAML for a
person to review: everything doubtful is a warning or an unknown agency, never a silent
guess. All Word reading goes through :mod:`kehoach_gen.ooxml`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..model import CityTemplate
from ..ooxml.element import XMLSyntaxError
from ..ooxml.package import Say, Wording, open_docx
from .agencies import AGENCY_ALIASES, AgencyTable, agency_key
from .ids import SIMILARITY
from .reader import read_appendix
from .result import ImportResult
from .session import Session
from .table import FIELDS
from .text import fold

__all__ = ["AGENCY_ALIASES", "FIELDS", "SIMILARITY", "AgencyTable", "ImportResult", "agency_key",
           "fold", "import_appendix"]

_SAVE_AS = "Mở tệp bằng Word rồi chọn Lưu thành (Save As) kiểu 'Word Document (*.docx)'"


def _broken_reason(exc: Exception) -> str:
    return "tệp nén không chứa tài liệu Word" if isinstance(exc, KeyError) else str(exc)


WORDING = Wording(
    missing=Say("không tìm thấy tệp", "Kiểm tra lại đường dẫn"),
    directory=Say("đây là thư mục, không phải tệp .docx"),
    unreadable=Say("không đọc được tệp: {reason}"),
    not_docx=Say("tệp không phải tài liệu Word .docx (hoặc đã bị hỏng)", _SAVE_AS),
    broken=Say("tệp không phải tài liệu Word .docx hợp lệ ({reason})", _SAVE_AS),
    old_doc=Say("tệp là định dạng Word 97-2003 (.doc), chưa đọc được; cần tệp .docx", _SAVE_AS),
    pdf=Say("tệp là PDF, không phải tài liệu Word .docx",
            "Xin thành phố bản .docx, hoặc chuyển PDF sang Word rồi kiểm tra lại bảng"),
    broken_reason=_broken_reason,
)


def import_appendix(source: str | Path | bytes, *, previous: CityTemplate | None = None
                    ) -> ImportResult:
    """Read the city's appendix table from a .docx (a path or its bytes).

    With ``previous`` (the city template from an earlier import, possibly reviewed), tasks keep
    their ids when their text is still similar, reviewers' per-level wording is carried over,
    and the previous template's role names count as extra agency aliases. Raises
    :class:`InputError` for a file that is not a readable .docx or has no appendix table.
    """
    opened = open_docx(source, WORDING)
    try:
        return read_appendix(opened.document, Session(opened.name, previous))
    except XMLSyntaxError as exc:
        raise InputError([Problem(message=f"tài liệu Word bị hỏng: {exc}", file=opened.name,
                                  hint=_SAVE_AS)]) from None
