"""How the importer words the ordinary problems of opening a file (missing, not a .docx …)."""

from __future__ import annotations

from ..ooxml.package import Say, Wording

SAVE_AS = "Mở tệp bằng Word rồi chọn Lưu thành (Save As) kiểu 'Word Document (*.docx)'"


def _broken_reason(exc: Exception) -> str:
    return "tệp nén không chứa tài liệu Word" if isinstance(exc, KeyError) else str(exc)


WORDING = Wording(
    missing=Say("không tìm thấy tệp", "Kiểm tra lại đường dẫn"),
    directory=Say("đây là thư mục, không phải tệp .docx"),
    unreadable=Say("không đọc được tệp: {reason}"),
    not_docx=Say("tệp không phải tài liệu Word .docx (hoặc đã bị hỏng)", SAVE_AS),
    broken=Say("tệp không phải tài liệu Word .docx hợp lệ ({reason})", SAVE_AS),
    old_doc=Say("tệp là định dạng Word 97-2003 (.doc), chưa đọc được; cần tệp .docx", SAVE_AS),
    pdf=Say("tệp là PDF, không phải tài liệu Word .docx",
            "Xin thành phố bản .docx, hoặc chuyển PDF sang Word rồi kiểm tra lại bảng"),
    broken_reason=_broken_reason,
)
