"""The adaptation as pure data: roles, level and pilot filters, overrides, numbering, Nơi nhận."""

from __future__ import annotations

from typing import Any

import pytest

from kehoach_gen.adapt import adapt, format_date_line, format_number, plain
from kehoach_gen.errors import InputError
from kehoach_gen.model import CityTemplate, PartialDate, UnitProfile

from .conftest import MINI_CITY, MINI_PROFILE, parse_yaml


def city() -> CityTemplate:
    return CityTemplate.model_validate(parse_yaml(MINI_CITY))


def profile(**changes: Any) -> UnitProfile:
    data = parse_yaml(MINI_PROFILE)
    data.update(changes)
    return UnitProfile.model_validate(data)


def rows(**changes: Any) -> list[tuple[str, str, str]]:
    plan = adapt(city(), profile(**changes))
    return [(r.kind, r.number, r.task_id or "") for r in plan.rows()]


def task(plan: Any, task_id: str) -> Any:
    return next(r for r in plan.rows() if r.task_id == task_id)


def test_it_maps_city_bodies_to_the_units_departments() -> None:
    plan = adapt(city(), profile())
    assert task(plan, "A1").lead == ("Các phòng chuyên môn, đơn vị thuộc xã",)  # ubnd_cap_xa dropped
    assert task(plan, "A1").coop == ("Công an xã",)
    assert task(plan, "A2").coop == ("Các phòng chuyên môn, đơn vị thuộc xã",)


def test_it_keeps_the_city_body_in_parentheses_where_the_note_says_so() -> None:
    plan = adapt(city(), profile())
    assert task(plan, "B01").lead == (
        "Văn phòng HĐND và UBND (Trung tâm Trợ giúp pháp lý Nhà nước thành phố)",)


def test_a_role_can_become_several_unit_roles_and_per_level_names() -> None:
    plan = adapt(city(), profile())
    assert task(plan, "B02").lead == ("Công an xã", "Các phòng chuyên môn, đơn vị thuộc xã")
    assert task(plan, "B02").coop == ("các thôn",)
    ward = adapt(city(), profile(level="phường", name="Lê Chân"))
    assert task(ward, "B02").coop == ("các tổ dân phố",)
    assert task(ward, "B02").lead[0] == "Công an phường"


def test_profile_departments_override_the_levels_defaults() -> None:
    plan = adapt(city(), profile(departments={"tu_phap": "Văn phòng UBND xã", "cong_an": None}))
    assert task(plan, "B-I").lead == ("Văn phòng UBND xã",)
    assert task(plan, "A1").coop == ()
    body = [p.full for p in plan.body]
    assert "1. Văn phòng UBND xã" in body  # Tổ chức thực hiện uses the unit's name
    assert not any("Công an" in line for line in body)  # a dropped role has no paragraph


def test_level_filter_and_renumbering() -> None:
    assert rows() == [
        ("group", "A", ""), ("task", "1", "A1"), ("task", "2", "A2"),
        ("group", "B", ""), ("section_task", "I", "B-I"),
        ("section", "II", ""), ("task", "1", "B01"), ("task", "2", "B02"),
        ("section", "III", ""), ("task", "3", "B05"),
    ]
    ward = rows(level="phường", name="Lê Chân")
    assert ("task", "3", "B03") in ward and ("task", "4", "B05") in ward


def test_pilot_only_tasks_and_pilot_wording() -> None:
    pilot = adapt(city(), profile(pilot=True))
    assert [r.task_id for r in pilot.tasks()][-2:] == ["B04", "B05"]
    assert task(pilot, "B05").number == "4"
    texts = [p.text for p in pilot.body]
    assert "xã Tân An là đơn vị làm điểm." in texts
    assert "xã Tân An không được lựa chọn làm điểm." not in texts
    plain_unit = [p.text for p in adapt(city(), profile()).body]
    assert "xã Tân An không được lựa chọn làm điểm." in plain_unit


def test_section_counts_follow_the_rows_kept_and_use_two_digits() -> None:
    plan = adapt(city(), profile())
    sections = [r.text for r in plan.rows() if r.kind == "section"]
    assert sections == ["Thể chế trên địa bàn xã (02 nhiệm vụ)", "Sơ kết, tổng kết"]
    ward = adapt(city(), profile(level="phường", name="Lê Chân"))
    assert "Thể chế trên địa bàn phường (03 nhiệm vụ)" in [r.text for r in ward.rows()]


def test_unit_and_level_wording_of_tasks() -> None:
    plan = adapt(city(), profile())
    assert task(plan, "B-I").text == "Ban hành Bộ tiêu chí “Xã thượng tôn”"
    assert task(plan, "B-I").deadline == ("Trong quý III năm 2026",)
    ward = adapt(city(), profile(level="phường", name="Lê Chân"))
    assert task(ward, "B-I").text == "Ban hành Bộ tiêu chí “Phường thượng tôn”"
    assert task(ward, "B05").text == "Sơ kết (phường)"
    assert task(plan, "B05").text == "Sơ kết"


def test_overrides_drop_change_and_add_tasks() -> None:
    plan = adapt(city(), profile(
        overrides={"A2": {"drop": True}, "B01": {"deadline": "Quý IV", "lead": ["cong_an"]}},
        local_tasks=[{"id": "DV1", "section": "B-II", "after": "B01", "text": "Việc riêng của xã",
                      "lead": ["tu_phap"], "deadline": "Năm 2026"}],
    ))
    ids = [r.task_id for r in plan.tasks()]
    assert ids == ["A1", "B-I", "B01", "DV1", "B02", "B05"]
    assert task(plan, "B01").deadline == ("Quý IV",)
    assert task(plan, "B01").lead == ("Công an xã",)
    assert task(plan, "DV1").number == "2"
    assert "(03 nhiệm vụ)" in next(r.text for r in plan.rows() if r.number == "II")


def test_override_of_a_missing_task_is_an_error_with_suggestion() -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(overrides={"B011": {"drop": True}}))
    [p] = exc.value.problems
    assert p.key == "overrides.B011"
    assert "không có nhiệm vụ mã 'B011'" in p.message
    assert "B01" in p.hint


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(
            overrides={"X1": {"drop": True}, "B01": {"lead": ["tu_phap_"]}},
            departments={"cong_an": "{{ khong_co }}"},
        ))
    messages = " | ".join(p.message for p in exc.value.problems)
    assert "'X1'" in messages
    assert "'tu_phap_'" in messages
    assert "'khong_co'" in messages


def test_a_task_left_without_a_lead_is_an_error() -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(departments={"so_nganh": None}))
    assert any("A1 không còn đơn vị chủ trì" in p.message for p in exc.value.problems)


def test_each_template_and_level_has_its_own_leads_and_an_override_is_the_units() -> None:
    """What a task's lead is at a level is worked out once per template and level: a unit of
    another template (even one made where the first was, after it is gone) gets its own, and
    an override is the unit's."""
    import gc

    def a1_led_by(role: str) -> CityTemplate:
        return CityTemplate.model_validate(parse_yaml(MINI_CITY.replace(
            "lead: [so_nganh, ubnd_cap_xa]", f"lead: [{role}]")))

    def leadless(c: CityTemplate, **changes: Any) -> list[str]:
        try:
            adapt(c, profile(**changes))
        except InputError as exc:
            return [p.key for p in exc.problems if "chủ trì" in p.message]
        return []

    assert leadless(city(), departments={"cong_an": None}) == []  # cong_an only cooperates
    first = a1_led_by("cong_an")
    assert leadless(first, departments={"cong_an": None}) == ["appendix.groups[0].tasks[0].lead"]
    del first
    gc.collect()
    second = a1_led_by("mttq")  # (often where the first one was)
    assert leadless(second, departments={"cong_an": None}) == []
    assert leadless(second, departments={"mttq": None}) == ["appendix.groups[0].tasks[0].lead"]
    assert leadless(second, departments={"mttq": None}, overrides={"A1": {"lead": ["tu_phap"]}}) == []
    assert leadless(second, departments={"tu_phap": None, "mttq": None},
                    overrides={"A1": {"lead": ["tu_phap"]}})[0] == "overrides.A1.lead"


def test_body_headings_are_numbered_and_outside_roles_are_requested() -> None:
    body = [p.full for p in adapt(city(), profile()).body]
    assert body[0].startswith("Thực hiện Kế hoạch số 159/KH-UBND ngày 02/05/2026")
    assert "I. MỤC ĐÍCH, YÊU CẦU" in body
    assert "1. Mục đích" in body
    assert "(Chi tiết theo Phụ lục kèm theo)" in body
    assert "IV. TỔ CHỨC THỰC HIỆN" in body
    assert "3. Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam xã" in body
    assert body[-1] == "Trên đây là Kế hoạch của Ủy ban nhân dân xã Tân An./."
    assert "- Dành cho phường." not in body


def test_inline_layout_puts_the_tasks_in_the_body() -> None:
    plan = adapt(city(), profile(task_layout="inline"))
    assert plan.appendix is None
    body = [p.full for p in plan.body]
    i = body.index("a) Chỉ đạo chung")
    assert body[i - 1] == "1. Nhiệm vụ chung"
    assert body[i + 1:i + 4] == [
        "- Đơn vị chủ trì: Các phòng chuyên môn, đơn vị thuộc xã.",
        "- Đơn vị phối hợp: Công an xã.",
        "- Thời gian thực hiện: Thường xuyên.",
    ]
    assert "(Chi tiết theo Phụ lục kèm theo)" not in body
    # group B keeps its own heading; its sections are numbered under it (1.1.), tasks are points
    assert body.index("2. Nhiệm vụ cụ thể") < body.index("2.1. Ban hành Bộ tiêu chí “Xã thượng tôn”")
    assert body[body.index("2.1. Ban hành Bộ tiêu chí “Xã thượng tôn”") + 1].startswith("- Đơn vị chủ trì:")
    assert "2.2. Thể chế trên địa bàn xã (02 nhiệm vụ)" in body
    assert "b) Thanh tra" in body
    # everything the appendix carries: outputs too
    assert "- Sản phẩm đầu ra: Quyết định; Báo cáo." in body


def test_noi_nhan_is_composed_in_a_stable_order() -> None:
    plan = adapt(city(), profile(noi_nhan={"add": ["Đảng ủy xã"], "remove": ["Cổng thông tin điện tử xã"]},
                                 luu=["VT", "VP (02)"]))
    assert plan.noi_nhan == (
        "- Sở Tư pháp thành phố;", "- Thường trực Đảng ủy xã;", "- Thường trực HĐND xã;",
        "- Đảng ủy xã;", "- Lưu: VT, VP (02).",
    )


def test_removing_an_entry_that_is_not_there_is_an_error() -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(noi_nhan={"remove": ["Sở Nội vụ"]}))
    assert "không có 'Sở Nội vụ' trong Nơi nhận" in exc.value.problems[0].message


def test_signer_lines_by_position() -> None:
    assert adapt(city(), profile()).signer_lines == ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    chair = adapt(city(), profile(signer={"name": "Nguyễn Văn A", "position": "Chủ tịch"}))
    assert chair.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert chair.signer_name == "Nguyễn Văn A"


def test_unfilled_signer_fails_unless_draft() -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(signer={"name": ""}))
    assert exc.value.problems[0].key == "signer.name"
    draft = adapt(city(), profile(signer={"name": ""}), draft=True)
    assert draft.signer_name.startswith("………")


def test_header_names_the_unit_and_leaves_number_and_day_to_fill() -> None:
    plan = adapt(city(), profile())
    assert plan.issuer_lines == ("ỦY BAN NHÂN DÂN", "XÃ TÂN AN")
    assert plan.number_line == "Số:       /KH-UBND"
    assert plan.place_date == "Tân An, ngày        tháng 5 năm 2026"
    special = adapt(city(), profile(level="đặc khu", name="Cát Hải", number=7,
                                    date="2026-02-03"))
    assert special.issuer_lines == ("ỦY BAN NHÂN DÂN", "ĐẶC KHU CÁT HẢI")
    assert special.number_line == "Số: 07/KH-UBND"
    assert special.place_date == "Cát Hải, ngày 03 tháng 02 năm 2026"
    assert special.appendix is not None
    assert special.appendix.kem_theo == (
        "(Kèm theo Kế hoạch số 07/KH-UBND ngày 03 tháng 02 năm 2026 của Ủy ban nhân dân đặc khu Cát Hải)")


@pytest.mark.parametrize(("date", "expected"), [
    (PartialDate(day=5, month=5, year=2026), "X, ngày 05 tháng 5 năm 2026"),
    (PartialDate(day=15, month=1, year=2026), "X, ngày 15 tháng 01 năm 2026"),
    (PartialDate(day=31, month=12, year=2026), "X, ngày 31 tháng 12 năm 2026"),
    (PartialDate(month=2, year=2026), "X, ngày        tháng 02 năm 2026"),
])
def test_date_line_leading_zero_rule(date: PartialDate, expected: str) -> None:
    assert format_date_line("X", date) == expected


def test_number_leading_zero() -> None:
    assert format_number("5", "KH-UBND") == "05/KH-UBND"
    assert format_number("15", "KH-UBND") == "15/KH-UBND"
    assert format_number(None, "KH-UBND") == "      /KH-UBND"


def test_footnotes_are_numbered_and_markers_kept_for_the_renderer() -> None:
    plan = adapt(city(), profile())
    assert plan.footnotes == {"ba_tot": (1, "Mô hình ba tốt: Nội dung tốt, hình thức tốt, hiệu quả tốt.")}
    assert plain(task(plan, "B01").text) == "Rà soát “năm tốt”"


def test_adaptation_is_pure_and_repeatable() -> None:
    c, p = city(), profile()
    assert adapt(c, p) == adapt(c, p)


def test_a_body_does_not_cooperate_with_itself() -> None:
    plan = adapt(city(), profile(overrides={"B02": {"coop": ["cong_an", "khu_dan_cu"]}}))
    assert task(plan, "B02").lead == ("Công an xã", "Các phòng chuyên môn, đơn vị thuộc xã")
    assert task(plan, "B02").coop == ("các thôn",)


@pytest.mark.parametrize(("text", "message"), [
    ("{{ 'x' * 10**9 }}", "chỗ điền dùng phép tính '*', không được phép"),
    ("{{ ['x'] * 1000000000 }}", "chỗ điền dùng phép tính '*', không được phép"),
    ("{{ 2 ** 100000000 }}", "chỗ điền dùng phép tính '**', không được phép"),
    ("{% for i in range(10**8) %}x{% endfor %}", "chỗ điền dùng vòng lặp 'for', không được phép"),
])
def test_placeholders_cannot_exhaust_memory_or_time(text: str, message: str) -> None:
    with pytest.raises(InputError) as exc:
        adapt(city(), profile(noi_nhan={"add": [text]}))
    assert message in exc.value.problems[0].message
    assert exc.value.problems[0].key == "noi_nhan.add[0]"
