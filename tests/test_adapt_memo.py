"""A task list made for one unit is given to another only when it is the list that unit would get."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from kehoach_gen import adapt as adapt_module
from kehoach_gen.adapt import UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.tasklists import TaskLists

from .conftest import MINI_CITY, MINI_PROFILE

UNITS: list[dict[str, Any]] = [
    {},
    {"name": "Vĩnh Bảo"},
    {"level": "phường", "name": "Lê Chân"},
    {"name": "An Lão", "departments": {"tu_phap": "Văn phòng UBND xã", "cong_an": None}},
    {"name": "Kiến Thụy", "overrides": {"B02": {"drop": True}}},
    {"name": "Tiên Lãng", "overrides": {"A2": {"deadline": ["Quý IV"]}}},
    {"name": "Bạch Long Vĩ", "pilot": True},
    {"name": "Đồ Sơn", "local_tasks": [{"id": "L1", "section": "B-II", "text": "Việc riêng",
                                        "lead": ["tu_phap"], "deadline": "Năm 2026"}]},
    {"name": "Thủy Nguyên"},
    {"level": "phường", "name": "Hồng Bàng"},
]


def city(text: str = MINI_CITY) -> CityTemplate:
    return CityTemplate.model_validate(yaml.safe_load(text))


def profile(**changes: Any) -> UnitProfile:
    data = yaml.safe_load(MINI_PROFILE)
    data.update(changes)
    return UnitProfile.model_validate(data)


@pytest.fixture(autouse=True)
def fresh_memo() -> Iterator[None]:
    adapt_module.TASK_LISTS.clear()
    yield
    adapt_module.TASK_LISTS.enabled = True
    adapt_module.TASK_LISTS.clear()


def alone(c: CityTemplate, p: UnitProfile, draft: bool = False) -> UnitPlan:
    """The plan made with nothing remembered from another unit."""
    adapt_module.TASK_LISTS.enabled = False
    try:
        return adapt(c, p, draft=draft)
    finally:
        adapt_module.TASK_LISTS.enabled = True


@pytest.mark.parametrize("layout", ["appendix", "inline"])
def test_every_unit_of_a_build_gets_the_plan_it_would_get_alone(layout: str) -> None:
    c = city()
    profiles = [profile(task_layout=layout, **u) for u in UNITS]
    in_a_build = [adapt(c, p) for p in profiles]
    assert in_a_build == [alone(c, p) for p in profiles]
    assert in_a_build[0].footnotes and in_a_build[0].footnotes == in_a_build[1].footnotes


def test_units_of_one_kind_share_one_task_list() -> None:
    c = city()
    first, second, ward = (adapt(c, profile(**u)) for u in (UNITS[0], UNITS[1], UNITS[2]))
    assert [id(r) for r in first.tasks()] == [id(r) for r in second.tasks()]  # the same rows, not made twice
    assert {id(r) for r in first.tasks()}.isdisjoint(id(r) for r in ward.tasks())


def test_a_task_naming_the_unit_is_never_given_to_another_unit() -> None:
    c = city(MINI_CITY.replace("{id: B02, text: Thanh tra,", "{id: B02, text: \"Thanh tra tại {{ don_vi }}\","))
    tan_an, vinh_bao = adapt(c, profile()), adapt(c, profile(name="Vĩnh Bảo"))
    assert [r.text for r in tan_an.tasks() if r.task_id == "B02"] == ["Thanh tra tại xã Tân An"]
    assert [r.text for r in vinh_bao.tasks() if r.task_id == "B02"] == ["Thanh tra tại xã Vĩnh Bảo"]


def test_a_department_renamed_in_one_profile_changes_only_that_units_list() -> None:
    c = city()
    before = adapt(c, profile())
    renamed = adapt(c, profile(name="An Lão", departments={"cong_an": "Công an xã An Lão"}))
    after = adapt(c, profile(name="Vĩnh Bảo"))
    assert "Công an xã An Lão" in {name for r in renamed.tasks() for name in (*r.lead, *r.coop)}
    assert "Công an xã An Lão" not in {name for r in after.tasks() for name in (*r.lead, *r.coop)}
    assert after.tasks() == before.tasks()


def test_the_memo_is_bounded() -> None:
    c = city()
    small = TaskLists(size=2, per_kind=1)
    adapt_module.TASK_LISTS, saved = small, adapt_module.TASK_LISTS
    try:
        for u in UNITS:
            adapt(c, profile(**u))
        assert len(small._kinds) <= 2
        assert all(len(v) <= 1 for v in small._kinds.values())
    finally:
        adapt_module.TASK_LISTS = saved


def test_a_row_view_is_made_again_when_its_footnotes_differ() -> None:
    from dataclasses import replace

    from kehoach_gen.render.context import context

    plan = adapt(city(), profile())
    first, again = context(plan)["appendix"].rows, context(plan)["appendix"].rows
    assert [id(v) for v in first] == [id(v) for v in again]
    marked = next(r for r in plan.rows() if "[^" in r.text)
    renumbered = replace(plan, footnotes={})  # (a marker without its note stays text)
    views = {v.row.task_id: v for v in context(renumbered)["appendix"].rows}
    before = {v.row.task_id: v for v in first}
    assert views[marked.task_id] is not before[marked.task_id]
    assert views[marked.task_id].rich != before[marked.task_id].rich
