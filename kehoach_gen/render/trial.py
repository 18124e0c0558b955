"""A made-up plan of realistic size, rendered once when a template is compiled.

The trial run finds what only rendering shows (a loop that runs away, output that keeps
growing, XML the template breaks) when the template is read, so ``check-template`` reports it
and a build fails before its first unit, not in the middle.
"""

from __future__ import annotations

from ..adapt import AppendixPlan, Para, Row, UnitPlan

_TEXT = ("Tổ chức tuyên truyền, phổ biến kịp thời các luật, nghị quyết mới được thông qua; "
         "hướng dẫn các phòng chuyên môn, đơn vị thuộc xã triển khai thực hiện")


def _rows() -> tuple[Row, ...]:
    rows: list[Row] = [Row("group", "A", "NHIỆM VỤ CHUNG")]
    n = 0
    for section in ("I", "II", "III", "IV", "V", "VI"):
        rows.append(Row("section", section, f"Nhóm nhiệm vụ {section} (10 nhiệm vụ)"))
        rows.append(Row("note", "", "Các nhiệm vụ của nhóm này do các phòng chuyên môn chủ trì."))
        for _ in range(10):
            n += 1
            rows.append(Row("task", str(n), f"{_TEXT} ({n})" + ("[^mau]" if n == 3 else ""), task_id=f"T{n}",
                            lead=("Văn phòng HĐND và UBND",),
                            coop=("các phòng chuyên môn", "Công an xã", "Ủy ban MTTQ Việt Nam và các đoàn thể"),
                            outputs=("Kế hoạch", "Báo cáo kết quả:\n+ hằng quý;\n+ hằng năm"),
                            deadline=("Thường xuyên",)))
    rows.insert(1, Row("section_task", "I", "Ban hành Bộ tiêu chí", task_id="S1", lead=("Văn phòng HĐND và UBND",),
                       coop=("Công an xã",), outputs=("Quyết định",), deadline=("Quý III năm 2026",)))
    return tuple(rows)


def _body() -> tuple[Para, ...]:
    body: list[Para] = [Para("text", "Thực hiện Kế hoạch số 159/KH-UBND của Ủy ban nhân dân thành phố.")]
    for i, heading in enumerate(("MỤC ĐÍCH, YÊU CẦU", "NHIỆM VỤ, GIẢI PHÁP", "TỔ CHỨC THỰC HIỆN"), start=1):
        body.append(Para("h1", heading, f"{'I' * i}."))
        for j in range(1, 4):
            body.append(Para("h2", "Mục đích", f"{j}."))
            body.append(Para("h3", "Nội dung", "a)"))
            body += [Para("text", f"- {_TEXT}.") for _ in range(3)]
    body.append(Para("text", "- Dòng một;\n- dòng hai[^mau]."))
    body.append(Para("closing", "Trên đây là Kế hoạch của Ủy ban nhân dân xã Mẫu./."))
    return tuple(body)


def sample_plans() -> tuple[UnitPlan, UnitPlan]:
    """The same made-up plan in the appendix layout and in the inline layout."""
    appendix = AppendixPlan(
        heading="Phụ lục", title="PHÂN CÔNG NHIỆM VỤ",
        kem_theo="(Kèm theo Kế hoạch số       /KH-UBND ngày       tháng 5 năm 2026 của Ủy ban nhân dân xã Mẫu)",
        columns=("TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm đầu ra", "Tiến độ thực hiện"),
        rows=_rows())
    plan = UnitPlan(
        level="xa", unit_name="xã Mẫu", issuer_lines=("ỦY BAN NHÂN DÂN", "XÃ MẪU"),
        number_line="Số:       /KH-UBND", place_date="Mẫu, ngày       tháng 5 năm 2026", title="KẾ HOẠCH",
        trich_yeu="Triển khai thực hiện Đề án trên địa bàn xã Mẫu", body=_body(),
        noi_nhan=("- Sở Tư pháp thành phố;", "- Lưu: VT, VP."),
        signer_lines=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"), signer_name="Nguyễn Văn A",
        appendix=appendix, footnotes={"mau": (1, "Chú thích mẫu.")})
    inline = UnitPlan(**{**plan.__dict__, "appendix": None})
    return plan, inline
