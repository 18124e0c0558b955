"""A task list made for one unit is given to another only when it is the list that unit would get."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from kehoach_gen import adapt as adapt_module
from kehoach_gen.adapt import UnitPlan, adapt
from kehoach_gen.model import CityTemplate, UnitProfile
from kehoach_gen.tasklists import MadePieces, TaskLists

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


def _forget() -> None:
    adapt_module.TASK_LISTS.clear()
    adapt_module.TASK_ROWS.clear()
    adapt_module.BODY_SECTIONS.clear()
    adapt_module.ROWS.clear()


def _memo(on: bool) -> None:
    for memo in (adapt_module.TASK_LISTS, adapt_module.TASK_ROWS, adapt_module.BODY_SECTIONS):
        memo.enabled = on


@pytest.fixture(autouse=True)
def fresh_memo() -> Iterator[None]:
    _forget()
    yield
    _memo(True)
    _forget()


def alone(c: CityTemplate, p: UnitProfile, draft: bool = False) -> UnitPlan:
    """The plan made with nothing remembered from another unit."""
    _memo(False)
    try:
        return adapt(c, p, draft=draft)
    finally:
        _memo(True)


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


def test_the_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    c = city()
    small, rows = TaskLists(size=2, per_kind=1), MadePieces(size=3, per_key=1)
    sections = MadePieces(size=2, per_key=1)
    monkeypatch.setattr(adapt_module, "TASK_LISTS", small)
    monkeypatch.setattr(adapt_module, "TASK_ROWS", rows)
    monkeypatch.setattr(adapt_module, "BODY_SECTIONS", sections)
    monkeypatch.setattr(adapt_module, "ROWS_KEPT", 5)
    profiles = [profile(**u) for u in UNITS]
    plans = [adapt(c, p) for p in profiles]
    assert len(small._kinds) <= 2
    assert all(len(v) <= 1 for v in small._kinds.values())
    for memo, size in ((rows, 3), (sections, 2)):
        assert 0 < len(memo._keys) <= size
        assert all(len(r.rows) <= 1 for readings in memo._keys.values() for r in readings)
    assert 0 < len(adapt_module.ROWS) <= 5
    assert plans == [alone(c, p) for p in profiles]


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


def _made_rows(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The task ids of the rows made (not given again) from now on."""
    made: list[str] = []
    real = adapt_module._Adapter._task_row

    def counting(self: Any, entry: Any, *args: Any) -> Any:
        made.append(entry.task.id)
        return real(self, entry, *args)

    monkeypatch.setattr(adapt_module._Adapter, "_task_row", counting)
    return made


def test_a_unit_that_drops_a_task_makes_only_the_rows_it_numbers_otherwise(monkeypatch: pytest.MonkeyPatch) -> None:
    """Its list is its own (another kind of unit), but each row an earlier unit had, with the
    same number and words, is that unit's row: only the rows numbered anew after the dropped
    task are filled."""
    c = city()
    first = adapt(c, profile())
    made = _made_rows(monkeypatch)
    drops = profile(name="Kiến Thụy", overrides={"B01": {"drop": True}})
    plan = adapt(c, drops)
    numbers = {r.task_id: r.number for r in first.tasks()}
    renumbered = [r.task_id for r in plan.tasks() if r.number != numbers[r.task_id]]
    assert renumbered and made == renumbered
    assert "B01" not in [r.task_id for r in plan.tasks()]
    for row in plan.tasks():
        if row.task_id not in renumbered:
            assert any(row is r for r in first.tasks())
    monkeypatch.undo()
    assert plan == alone(c, drops)


def test_a_list_made_of_rows_given_again_knows_what_those_rows_read() -> None:
    """A list kept for a kind of unit says which names its rows read, the rows given again too:
    a unit of that kind that calls one of those bodies otherwise never gets the list."""
    c = city()
    adapt(c, profile())
    dropped = {"B02": {"drop": True}}
    adapt(c, profile(name="Kiến Thụy", overrides=dropped))  # group A's rows: the first unit's
    own = profile(name="An Lão", overrides=dropped, departments={"cong_an": "Công an xã An Lão"})
    plan = adapt(c, own)
    assert "Công an xã An Lão" in {name for r in plan.tasks() for name in (*r.lead, *r.coop)}
    assert plan == alone(c, own)


def test_rows_equal_in_value_are_one_object_and_have_one_view() -> None:
    """What a unit's table shares word for word with an earlier unit's (group and section
    titles, rows before a dropped task) is the same rows, so their views and what the template
    wrote for them are made once."""
    from kehoach_gen.render.context import context

    c = city()
    first = adapt(c, profile())
    other = adapt(c, profile(name="Kiến Thụy", overrides={"B02": {"drop": True}}))
    shared = [r for r in other.rows() if r in first.rows()]
    assert {r.kind for r in shared} >= {"group", "section", "task"}
    assert all(any(r is s for s in first.rows()) for r in shared)
    views = {id(v.row): v for v in context(first)["appendix"].rows}
    assert all(views[id(v.row)] is v for v in context(other)["appendix"].rows if v.row in shared)


def test_units_adapted_in_threads_each_get_the_plan_they_would_get_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A program may adapt units in threads: the memos are shared, and each unit still gets the
    plan it would get alone (threads switched as often as Python allows, to interleave them)."""
    import sys
    from concurrent.futures import ThreadPoolExecutor

    c = city()
    profiles = [profile(**u) for u in UNITS] * 4
    monkeypatch.setattr(adapt_module, "TASK_ROWS", MadePieces(size=6, per_key=1))  # keep, evict, keep …
    monkeypatch.setattr(adapt_module, "TASK_LISTS", TaskLists(size=2, per_kind=1))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        with ThreadPoolExecutor(4) as pool:
            plans = list(pool.map(lambda p: adapt(c, p), profiles))
    finally:
        sys.setswitchinterval(interval)
    assert plans == [alone(c, p) for p in profiles]


def test_a_unit_checked_then_adapted_fills_its_role_names_once(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """plan_unit checks the profile, then adapts it, with one role book: the names a check
    filled (every lead's) are not filled again. A book of another unit is never used."""
    from kehoach_gen import roles
    from kehoach_gen.adapt import adapt_valid
    from kehoach_gen.pipeline import Project, plan_unit

    from .conftest import REPO, write

    project = Project.load(write(tmp_path / "city.yaml", MINI_CITY), REPO / "templates")
    path = write(tmp_path / "tan_an.yaml", MINI_PROFILE)
    made: list[roles.RoleBook] = []
    walked: list[str] = []
    real_init, real_walk = roles.RoleBook.__init__, roles.RoleBook._walk

    def init(self: roles.RoleBook, *args: Any) -> None:
        real_init(self, *args)
        made.append(self)

    def walk(self: roles.RoleBook, key: str, source: Any, loc: Any, seen: tuple[str, ...]) -> Any:
        if not seen:  # (not the roles a role is made of)
            walked.append(key)
        return real_walk(self, key, source, loc, seen)

    monkeypatch.setattr(roles.RoleBook, "__init__", init)
    monkeypatch.setattr(roles.RoleBook, "_walk", walk)
    plan, p, _, _ = plan_unit(project, path)
    assert len(made) == 1
    assert walked and len(walked) == len(set(walked))  # each role's names worked out once
    monkeypatch.undo()
    assert plan == alone(project.city, p)
    other = profile(name="Vĩnh Bảo")
    book = roles.RoleBook(project.city, p, "xa")
    assert adapt_valid(project.city, other, book=book) == alone(project.city, other)
    renamed = city(MINI_CITY.replace("unit: Văn phòng HĐND và UBND", "unit: Văn phòng UBND"))
    assert adapt_valid(renamed, p, book=book) == alone(renamed, p)  # (a book of another template)


def test_a_body_section_reading_only_the_levels_words_is_made_once_for_the_level() -> None:
    """Sections of the body that read no word of the unit itself are the very paragraphs an
    earlier unit of the level got; those naming the unit, or on another level, are their own."""
    c = city()
    first, second = adapt(c, profile()), adapt(c, profile(name="Vĩnh Bảo"))
    ward = adapt(c, profile(level="phường", name="Lê Chân"))
    shared = [p for p in second.body if any(p is q for q in first.body)]
    assert "IV. TỔ CHỨC THỰC HIỆN" in [p.full for p in shared]
    assert "- Xây dựng xã Vĩnh Bảo văn minh." in [p.text for p in second.body]
    assert not any("Vĩnh Bảo" in p.text for p in shared)
    assert not any(p is q for p in ward.body for q in first.body if p.number)
    assert [second, ward] == [alone(c, profile(name="Vĩnh Bảo")), alone(c, profile(level="phường", name="Lê Chân"))]


def test_a_department_written_as_text_heads_its_duties_in_its_own_words() -> None:
    """A unit that writes a department's name as text is headed by that text, even where its
    names are those another unit gets from the template (whose heading is the role's full name)."""
    c = city()
    by_template = adapt(c, profile())
    own = profile(name="Vĩnh Bảo", departments={"tu_phap": "Văn phòng HĐND và UBND"})
    plan = adapt(c, own)
    assert "1. Văn phòng Hội đồng nhân dân và Ủy ban nhân dân xã" in [p.full for p in by_template.body]
    assert "1. Văn phòng HĐND và UBND" in [p.full for p in plan.body]
    assert plan == alone(c, own)


def test_a_body_section_for_pilot_units_is_never_given_to_the_others() -> None:
    c = city(MINI_CITY.replace('"{{ don_vi }} là đơn vị làm điểm."', '"Là đơn vị làm điểm."')
             .replace('"{{ don_vi }} không được lựa chọn làm điểm."', '"Không được lựa chọn làm điểm."'))
    pilot, other = profile(pilot=True), profile(name="Vĩnh Bảo")
    assert "Là đơn vị làm điểm." in [p.text for p in adapt(c, pilot).body]
    plan = adapt(c, other)
    assert "Không được lựa chọn làm điểm." in [p.text for p in plan.body]
    assert plan == alone(c, other)
