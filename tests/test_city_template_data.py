"""Data checks for city_template.yaml and unit_profiles/*.yaml.

The city template encodes the appendix of Kế hoạch 159/KH-UBND of UBND thành phố Hải Phòng
(seed 002) and the commune plan body of xã Tân An (seed 000). These tests pin the structure and a
handful of exact wordings to the seeds, check that every role key is defined, and render every
text through a strict sandboxed Jinja environment for a xã, a phường and an đặc khu, so that a
misspelled placeholder fails here rather than in a clerk's document.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from jinja2 import StrictUndefined, Template
from jinja2.sandbox import SandboxedEnvironment

from kehoach_gen.model import (
    LEVEL_NAMES,
    LEVELS,
    Assignment,
    Block,
    CityTemplate,
    Task,
    TaskWording,
    UnitProfile,
)

from .conftest import read_yaml

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_PATH = ROOT / "city_template.yaml"
PROFILES_DIR = ROOT / "unit_profiles"
PROFILE_NAMES = ("tan_an", "le_chan", "cat_hai")

# The placeholders docs/roles.md documents, and nothing else.
PLACEHOLDERS = {"cap", "Cap", "ten", "don_vi", "ubnd", "tinh", "kh_so", "kh_ngay", "thi_diem", "vai_tro"}

# Number of tasks the city wrote in each section title of seed 002 ("(05 nhiệm vụ)" …).
WRITTEN_COUNTS = {
    "B-II": 5, "B-III": 6, "B-IV": 11, "B-V": 5, "B-VI": 6,
    "B-VII": 6, "B-VIII": 4, "B-IX": 3, "B-X": 2,
}
# Seed 002 titles section IX "(03 nhiệm vụ)" but lists four tasks under it (44, 45, 46, 47; seed
# 003 copies both the four rows and the stale count). The data keeps the four tasks; the
# generator computes the count, so units will read "(04 nhiệm vụ)".
ACTUAL_COUNT_EXCEPTIONS = {"B-IX": 4}

# "trên địa bàn thành phố" about the territory is the slip seed 003 made; "… thành phố Hải Phòng"
# names the city's own Đề án and stays.
CITY_TERRITORY = re.compile(r"trên địa bàn thành phố(?! Hải Phòng)")




class StrictEnvironment(SandboxedEnvironment):
    """The strict sandbox the texts are rendered in, each text compiled once for the module:
    the same texts render for three levels, two pilot variants and three profiles."""

    def __init__(self) -> None:
        super().__init__(undefined=StrictUndefined)
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


STRICT = StrictEnvironment()


# ---------------------------------------------------------------------------------------------
# Loading


def _load(path: Path) -> Any:
    return read_yaml(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def raw() -> dict[str, Any]:
    return _load(TEMPLATE_PATH)


@pytest.fixture(scope="module")
def tpl(raw: dict[str, Any]) -> CityTemplate:
    return CityTemplate.model_validate(raw)


@pytest.fixture(scope="module")
def profiles() -> dict[str, UnitProfile]:
    return {n: UnitProfile.model_validate(_load(PROFILES_DIR / f"{n}.yaml")) for n in PROFILE_NAMES}


@pytest.fixture(scope="module")
def tasks(tpl: CityTemplate) -> dict[str, Task]:
    return tpl.task_index()


def _section(tpl: CityTemplate, sid: str):
    return next(s for g in tpl.appendix.groups for s in g.sections if s.id == sid)


# ---------------------------------------------------------------------------------------------
# Helpers: role resolution and per-level wording


def role_names(tpl: CityTemplate, key: str, level: str, profile: UnitProfile | None = None,
               _seen: tuple[str, ...] = ()) -> list[str]:
    """Unit-level names of a role (empty if dropped), following role lists."""
    assert key not in _seen, f"vòng lặp vai trò: {' → '.join((*_seen, key))}"
    value = profile.departments.get(key) if profile is not None else None
    if value is None:
        role = tpl.roles[key]
        if role.drop:
            return []
        value = role.for_level(level)  # type: ignore[arg-type]
        if value is None:
            return [role.city]
    if isinstance(value, list):
        return [n for k in value for n in role_names(tpl, k, level, profile, (*_seen, key))]
    return [value]


def effective(task: Task, level: str) -> dict[str, Any]:
    """Task fields for a unit of ``level``: city wording, then unit:, then the level's own."""
    out = {f: getattr(task, f) for f in TaskWording.model_fields}
    for _, w in task.layers(level)[1:]:  # unit:, then the level's own
        for f in TaskWording.model_fields:
            if getattr(w, f) is not None:
                out[f] = getattr(w, f)
    return out


def assignments(task: Task) -> list[Assignment]:
    out = list(task.lead) + list(task.coop)
    for w in (task.unit, task.xa, task.phuong, task.dac_khu):
        if w is not None:
            out += list(w.lead or []) + list(w.coop or [])
    return out


def all_blocks(blocks: list[Block]):
    for b in blocks:
        yield b
        yield from all_blocks(b.content)


def all_strings(node: Any, path: str = ""):
    """Every string value in the raw YAML data, with a dotted path."""
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from all_strings(v, f"{path}.{k}" if path else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from all_strings(v, f"{path}[{i}]")


def jinja_context(tpl: CityTemplate, env: SandboxedEnvironment, level: str, pilot: bool,
                  profile: UnitProfile | None = None) -> dict[str, Any]:
    cap = LEVEL_NAMES[level]
    ten = profile.name if profile else "Tân An"
    ctx: dict[str, Any] = {
        "cap": cap,
        "Cap": cap[:1].upper() + cap[1:],
        "ten": ten,
        "don_vi": f"{cap} {ten}",
        "ubnd": f"Ủy ban nhân dân {cap} {ten}",
        "tinh": "thành phố Hải Phòng",
        "kh_so": tpl.plan.number,
        "kh_ngay": tpl.plan.date.strftime("%d/%m/%Y"),
        "thi_diem": pilot,
    }

    def vai_tro(key: str) -> str:
        if key not in tpl.roles:
            raise KeyError(f"vai_tro('{key}'): mã vai trò không có trong roles")
        return "; ".join(env.from_string(n).render(**ctx) for n in role_names(tpl, key, level, profile))

    ctx["vai_tro"] = vai_tro
    assert set(ctx) == PLACEHOLDERS
    return ctx


# ---------------------------------------------------------------------------------------------
# Validation against the schema


def test_city_template_validates(tpl: CityTemplate) -> None:
    assert tpl.plan.issuer == "Ủy ban nhân dân thành phố Hải Phòng"
    assert tpl.plan.issuer_short == "UBND thành phố"
    assert tpl.plan.province == "Hải Phòng"
    assert tpl.plan.number == "159/KH-UBND"
    assert tpl.plan.date.isoformat() == "2026-05-02"
    assert tpl.plan.name.startswith("Triển khai thực hiện Đề án xây dựng mô hình “Thành phố thượng tôn")
    assert tpl.task_layout == "appendix"
    assert tpl.luu == ["VT", "VP"]
    assert tpl.noi_nhan.city == ["Sở Tư pháp thành phố"]
    assert "Cổng thông tin điện tử {{ cap }}" in tpl.noi_nhan.unit


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_each_bundled_profile_validates(name: str) -> None:
    UnitProfile.model_validate(_load(PROFILES_DIR / f"{name}.yaml"))


def test_bundled_profiles_hold_their_units_facts(profiles: dict[str, UnitProfile]) -> None:
    tan_an, le_chan, cat_hai = profiles["tan_an"], profiles["le_chan"], profiles["cat_hai"]
    assert (tan_an.level, tan_an.name, tan_an.pilot, tan_an.number) == ("xa", "Tân An", False, None)
    assert (tan_an.date.year, tan_an.date.month, tan_an.date.day) == (2026, 5, None)
    assert (tan_an.signer.name, tan_an.signer.position, tan_an.signer.authority) == (
        "Phạm Minh Ngạn", "Phó Chủ tịch", "KT.")
    assert (le_chan.level, le_chan.name, le_chan.pilot) == ("phuong", "Lê Chân", False)
    assert (le_chan.date.year, le_chan.date.month, le_chan.date.day) == (2026, 7, 1)
    assert le_chan.departments["kinh_te"] == "Phòng Kinh tế"
    assert le_chan.departments["xay_dung_nn_mt"] == "Phòng Xây dựng, Nông nghiệp và Môi trường"
    assert le_chan.departments["luat_gia"] == "Chi Hội Luật gia phường"
    assert le_chan.signer.authority == "TM."
    assert (cat_hai.level, cat_hai.name, cat_hai.pilot) == ("dac_khu", "Cát Hải", True)
    assert cat_hai.signer.authority == "TM."


# ---------------------------------------------------------------------------------------------
# Structure of the appendix (seed 002)


def test_groups_and_ids(tpl: CityTemplate) -> None:
    a, b = tpl.appendix.groups
    assert (a.id, a.title, b.id, b.title) == ("A", "NHIỆM VỤ CHUNG", "B", "NHIỆM VỤ CỤ THỂ")
    assert [t.id for t in a.tasks] == ["A1", "A2", "A3", "A4", "A5"]
    assert not a.sections and not b.tasks
    romans = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI"]
    assert [s.id for s in b.sections] == [f"B-{r}" for r in romans]
    first = b.sections[0]
    assert first.task is not None and first.task.id == "B-I" and first.title is None
    assert all(s.task is None and s.title for s in b.sections[1:])
    numbered = [t.id for s in b.sections[1:] for t in s.tasks]
    assert numbered == [f"B{i:02d}" for i in range(1, 53)]
    ids = [t.id for _, _, t in tpl.appendix.all_tasks()]
    assert len(ids) == len(set(ids)) == 5 + 1 + 52


def test_section_counts_match_city_titles(tpl: CityTemplate) -> None:
    for sid, written in WRITTEN_COUNTS.items():
        expected = ACTUAL_COUNT_EXCEPTIONS.get(sid, written)
        assert len(_section(tpl, sid).tasks) == expected, sid
    assert [t.id for t in _section(tpl, "B-IX").tasks] == ["B44", "B45", "B46", "B47"]
    xi = _section(tpl, "B-XI")
    assert xi.show_count is False and [t.id for t in xi.tasks] == ["B50", "B51", "B52"]
    assert all(s.show_count for s in tpl.appendix.groups[1].sections if s.id != "B-XI")


def test_titles_carry_no_count_or_number(tpl: CityTemplate) -> None:
    for g in tpl.appendix.groups:
        for s in g.sections:
            for title in filter(None, [s.title] + [w.title for w in (s.unit, s.xa, s.phuong, s.dac_khu) if w]):
                assert not re.search(r"\(\s*\d+\s*nhiệm", title), s.id
                assert not re.match(r"^\s*([IVX]+|\d+)[.)]\s", title), s.id


def test_only_b50_is_for_pilot_units(tpl: CityTemplate) -> None:
    pilot = [t.id for _, _, t in tpl.appendix.all_tasks() if t.pilot_only]
    assert pilot == ["B50"]


def test_levels_only_where_restricted(tpl: CityTemplate) -> None:
    for _, _, t in tpl.appendix.all_tasks():
        assert set(t.levels) <= set(LEVELS) and t.levels, t.id


def test_every_task_has_lead_and_deadline(tpl: CityTemplate) -> None:
    for _, _, t in tpl.appendix.all_tasks():
        assert t.text and t.lead and t.deadline, t.id
        for level in LEVELS:
            eff = effective(t, level)
            assert eff["lead"] and eff["deadline"] and eff["text"], (t.id, level)


def test_unit_lead_never_empty_nor_a_city_body(tpl: CityTemplate,
                                               profiles: dict[str, UnitProfile]) -> None:
    """At every level every task keeps a lead, and no unit shows a city body as lead."""
    city_body = re.compile(r"\bSở\b|thành phố|Tòa án|Viện Kiểm sát|Thanh tra|cấp xã|UBND \d+")
    for level in LEVELS:
        profile = next(p for p in profiles.values() if p.level == level)
        for _, _, t in tpl.appendix.all_tasks():
            names: list[str] = []
            for a in effective(t, level)["lead"]:
                # a literal text lead of the city's wording must have been replaced for units
                names += [a.text] if a.role is None else role_names(tpl, a.role, level, profile)
            assert names, (t.id, level)
            for n in names:
                # a city body named in brackets beside the unit's lead is fine (B28–B31)
                assert not city_body.search(re.sub(r"\([^)]*\)", "", n)), (t.id, level, n)


def test_literal_city_leads_have_unit_variant(tpl: CityTemplate) -> None:
    for _, _, t in tpl.appendix.all_tasks():
        if any(a.text is not None for a in t.lead):
            assert t.unit is not None and t.unit.lead, t.id


def test_explicit_unit_variants_do_not_repeat_lead_in_coop(tpl: CityTemplate) -> None:
    for _, _, t in tpl.appendix.all_tasks():
        for w in (t.unit, t.xa, t.phuong, t.dac_khu):
            if w is None or w.lead is None or w.coop is None:
                continue
            lead = {a.role for a in w.lead if a.role}
            coop = [a.role for a in w.coop if a.role]
            assert not lead & set(coop), t.id
            assert len(coop) == len(set(coop)), t.id


# ---------------------------------------------------------------------------------------------
# Roles


def test_role_keys_of_docs_present(tpl: CityTemplate) -> None:
    doc = (ROOT / "docs" / "roles.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| ([a-z_0-9]+) \|", doc, flags=re.M)) - {"key"}
    assert documented, "docs/roles.md: bảng mã vai trò trống?"
    assert documented == set(tpl.roles), documented ^ set(tpl.roles)


def test_every_used_role_is_defined(tpl: CityTemplate, profiles: dict[str, UnitProfile]) -> None:
    defined = set(tpl.roles)
    used: set[str] = set()
    for _, _, t in tpl.appendix.all_tasks():
        used |= {a.role for a in assignments(t) if a.role}
    for b in all_blocks(tpl.body.sections):
        used |= {r.role for r in b.roles or []}
    for role in tpl.roles.values():
        for value in (role.unit, role.xa, role.phuong, role.dac_khu):
            if isinstance(value, list):
                used |= set(value)
    for p in profiles.values():
        used |= set(p.departments)
        for v in p.departments.values():
            if isinstance(v, list):
                used |= set(v)
    assert used <= defined, used - defined


def test_roles_give_unit_names_or_drop_or_outside(tpl: CityTemplate) -> None:
    r = tpl.roles
    assert r["tu_phap"].city == "Sở Tư pháp" and r["tu_phap"].unit == "Văn phòng HĐND và UBND"
    assert r["tu_phap"].full == "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân {{ cap }}"
    assert r["ubnd_cap_xa"].drop and r["ubnd_15_thi_diem"].drop and r["vtv"].drop
    assert r["mttq"].outside and r["truong_hoc"].outside and r["khu_dan_cu"].outside
    assert r["khcn"].unit == ["kinh_te"] and r["thanh_tra"].unit == ["cong_an", "so_nganh"]
    assert r["kinh_te"].for_level("phuong") == "Phòng Kinh tế, Hạ tầng và Đô thị"
    assert r["khu_dan_cu"].for_level("xa") == "các thôn"
    assert r["tgpl"].unit is None  # city body kept under its own name
    for key, role in r.items():
        assert role.city, key
        assert role.drop or role.unit is not None or all(
            role.for_level(lv) is not None for lv in LEVELS) or key == "tgpl", key


def test_tan_an_departments_are_the_xa_defaults(tpl: CityTemplate,
                                                profiles: dict[str, UnitProfile]) -> None:
    p = profiles["tan_an"]
    assert role_names(tpl, "tu_phap", "xa", p) == ["Văn phòng HĐND và UBND"]
    assert role_names(tpl, "van_hoa_xa_hoi", "xa", p) == ["Phòng Văn hóa - Xã hội"]
    assert role_names(tpl, "kinh_te", "xa", p) == ["Phòng Kinh tế"]
    assert role_names(tpl, "cong_an", "xa", p) == ["Công an {{ cap }}"]


# ---------------------------------------------------------------------------------------------
# Exact wordings against seed 002


def test_exact_texts_from_seed_002(tasks: dict[str, Task]) -> None:
    assert tasks["B01"].text == (
        "Rà soát, lập danh mục văn bản QPPL của Hội đồng nhân dân, Ủy ban nhân dân các cấp, "
        "Chủ tịch UBND thành phố ban hành được giao quy định chi tiết thi hành Luật, Nghị quyết giao")
    assert [a.role for a in tasks["B01"].lead] == ["tu_phap", "ubnd_cap_xa"]
    assert tasks["B01"].outputs == ["Quyết định phê duyệt danh mục xây dựng văn bản QPPL"]
    assert tasks["B01"].deadline == ["Hàng quý"]

    assert tasks["B22"].text.startswith(
        "Phát huy vai trò của Đoàn Luật sư và Hội Luật gia thành phố trong công tác tư vấn pháp luật")
    assert [a.role for a in tasks["B22"].lead] == ["doan_luat_su", "luat_gia"]
    assert [a.role for a in tasks["B22"].coop] == ["tu_phap", "lien_quan"]

    for tid in ("B28", "B29", "B30", "B31"):
        (lead,) = tasks[tid].lead
        assert (lead.role, lead.note) == ("tu_phap", "Trung tâm Trợ giúp pháp lý Nhà nước thành phố")

    assert [a.role for a in tasks["B44"].lead] == ["khcn"]
    assert [a.role for a in tasks["B27"].lead] == ["ho_tich"]
    assert [a.role for a in tasks["B47"].lead] == ["toa_an", "vien_kiem_sat", "cong_an", "thi_hanh_an"]
    assert tasks["A5"].outputs == ["Kế hoạch kiểm tra", "Quyết định thành lập Đoàn kiểm tra",
                                   "Kết luận kiểm tra"]
    assert tasks["B-I"].deadline == ["Trong quý II năm 2026"]
    assert tasks["B50"].deadline == ["Năm 2026-2027"]
    assert tasks["B52"].deadline == ["Năm 2030"]
    # rows the extraction split across a page break, reassembled
    assert tasks["B19"].text.endswith(
        "không hình thành “điểm nóng” về vi phạm pháp luật, hạn chế tối đa các tranh chấp khởi kiện ra tòa án")
    # "hàng năm" of seed 002 written "hằng năm", the one spelling of the template
    assert tasks["B16"].deadline == ["Thực hiện đánh giá cán bộ công chức vào Quý IV hằng năm"]
    assert tasks["B23"].deadline == ["Ban hành Kế hoạch năm 2026", "Tổ chức thực hiện: 2026-2030"]
    assert tasks["B46"].outputs[-1] == "Thi tìm hiểu pháp luật trực tuyến..."
    assert len(tasks["B07"].deadline) == 3
    assert tasks["B07"].deadline[1].endswith("15 ngày kể từ ngày ban hành kế hoạch của UBND TP")


def test_tasks_carry_their_unit_wording(tasks: dict[str, Task]) -> None:
    bi = tasks["B-I"].unit
    assert bi is not None
    assert bi.text == ("Ban hành Bộ tiêu chí “{{ Cap }} thượng tôn và tuân thủ pháp luật” "
                       "giai đoạn 2026-2030 và những năm tiếp theo")
    assert bi.deadline == ["Trong quý III năm 2026"]
    b07 = tasks["B07"].unit
    assert b07 is not None and [a.role for a in b07.lead or []] == ["tu_phap"]
    assert b07.deadline is not None and "UBND thành phố" in b07.deadline[0]
    assert "kế hoạch của UBND {{ cap }}" in b07.deadline[1]


def test_the_footnote_is_kept_and_marked_at_every_level(tpl: CityTemplate, tasks: dict[str, Task]) -> None:
    assert tpl.appendix.footnotes == {"ba_tot": (
        "Mô hình ba tốt: Nội dung tốt, hình thức tốt, hiệu quả tốt trong PBGDPL. Mô hình năm tốt: "
        "Tuyên truyền tốt, giáo dục tốt, hòa giải tốt, quản lý tốt và chấp hành tốt các quy định "
        "pháp luật.")}
    for level in LEVELS:
        assert "“ba tốt”, “năm tốt”[^ba_tot] trong" in effective(tasks["B17"], level)["text"]


def test_footnote_references_exist(raw: dict[str, Any], tpl: CityTemplate) -> None:
    for path, s in all_strings(raw):
        for ref in re.findall(r"\[\^([^\]]+)\]", s):
            assert ref in tpl.appendix.footnotes, (path, ref)


# ---------------------------------------------------------------------------------------------
# The body (seed 000)


def test_body_has_the_seeds_headings_and_placeholders(tpl: CityTemplate) -> None:
    body = tpl.body
    assert body.trich_yeu.endswith("trên địa bàn {{ don_vi }}")
    assert body.can_cu[0].startswith("Thực hiện Kế hoạch số {{ kh_so }} ngày {{ kh_ngay }}")
    assert body.closing.startswith("Trên đây là Kế hoạch") and body.closing.endswith("/.")
    heads = [b.heading for b in body.sections]
    assert heads == ["MỤC ĐÍCH, YÊU CẦU", "MỤC TIÊU", "NHIỆM VỤ, GIẢI PHÁP THỰC HIỆN",
                     "LỘ TRÌNH THỰC HIỆN ĐỀ ÁN", "KINH PHÍ THỰC HIỆN", "TỔ CHỨC THỰC HIỆN"]
    for b in all_blocks(body.sections):
        if b.heading is not None:
            assert not re.match(r"^\s*([IVX]+|\d+|[a-zđ])[.)]\s", b.heading), b.heading
    (tasks_block,) = body.sections[2].content
    assert tasks_block.tasks
    pilots = {b.pilot for b in all_blocks(body.sections[3].content)}
    assert pilots == {None, True, False}
    (roles_block,) = body.sections[5].content
    assert roles_block.roles is not None
    assert [r.role for r in roles_block.roles] == ["tu_phap", "van_hoa_xa_hoi", "kinh_te", "cong_an", "mttq"]
    assert roles_block.roles[-1].title == "Ủy ban Mặt trận Tổ quốc Việt Nam {{ cap }} và các tổ chức thành viên"


def test_body_fixes_of_seed_typos(raw: dict[str, Any]) -> None:
    text = "\n".join(s for _, s in all_strings(raw["body"]))
    for typo in ("do do", "Phân đấu", "phân đấu", "chính trị- xã hội", "Văn hóa- Xã hội", ".- "):
        assert typo not in text, typo
    assert "Tân An" not in text  # the unit's name comes from {{ don_vi }} / {{ ten }}


def test_both_pilot_variants_render_a_complete_roadmap(tpl: CityTemplate) -> None:
    env = STRICT
    roadmap = tpl.body.sections[3]
    for pilot in (False, True):
        ctx = jinja_context(tpl, env, "xa", pilot)
        texts = [env.from_string(b.text).render(**ctx) for b in all_blocks(roadmap.content)
                 if b.text is not None and b.pilot in (None, pilot)]
        joined = "\n".join(texts)
        if pilot:
            assert "là một trong 15 đơn vị được lựa chọn thực hiện làm điểm" in joined
            assert "không được lựa chọn" not in joined
        else:
            assert "xã Tân An không được lựa chọn là đơn vị thực hiện làm điểm" in joined
            assert "là một trong 15 đơn vị" not in joined


# ---------------------------------------------------------------------------------------------
# Jinja: every text renders for every level; no misspelled placeholder


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("pilot", [False, True])
def test_every_string_renders(raw: dict[str, Any], tpl: CityTemplate, level: str, pilot: bool) -> None:
    env = STRICT
    ctx = jinja_context(tpl, env, level, pilot)
    for path, s in all_strings(raw):
        out = env.from_string(s).render(**ctx)
        assert "{{" not in out and "{%" not in out, path
        if "{{ cap }}" in s or "{{ Cap }}" in s:
            assert LEVEL_NAMES[level] in out.lower(), path


def test_placeholders_used_are_documented(raw: dict[str, Any]) -> None:
    env = SandboxedEnvironment()
    from jinja2 import meta

    for path, s in all_strings(raw):
        names = meta.find_undeclared_variables(env.parse(s))
        assert names <= PLACEHOLDERS, (path, names - PLACEHOLDERS)


@pytest.mark.parametrize("name", PROFILE_NAMES)
def test_unit_texts_render_with_profile(tpl: CityTemplate, profiles: dict[str, UnitProfile],
                                        name: str) -> None:
    """Each profile's effective task wording renders, and reads as the unit's own."""
    env = STRICT
    p = profiles[name]
    ctx = jinja_context(tpl, env, p.level, p.pilot, p)
    for _, _section, t in tpl.appendix.all_tasks():
        if p.level not in t.levels or (t.pilot_only and not p.pilot):
            continue
        eff = effective(t, p.level)
        for s in [eff["text"], *eff["outputs"], *eff["deadline"]]:
            out = env.from_string(s).render(**ctx)
            assert not CITY_TERRITORY.search(out), (t.id, out)
            assert "Công thông tin" not in out, t.id
    for g in tpl.appendix.groups:
        for s in g.sections:
            if s.title is not None:
                out = env.from_string(s.title_for(p.level)).render(**ctx)
                assert not CITY_TERRITORY.search(out), s.id
    b22 = env.from_string(effective(tpl.task_index()["B22"], p.level)["text"]).render(**ctx)
    assert f"Chi Hội Luật gia {p.level_name}" in b22


# ---------------------------------------------------------------------------------------------
# File hygiene


@pytest.mark.parametrize("path", [TEMPLATE_PATH] + [PROFILES_DIR / f"{n}.yaml" for n in PROFILE_NAMES],
                         ids=lambda p: p.name)
def test_data_files_are_nfc_without_tabs_html_or_stray_quotes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    assert "\t" not in text
    for artefact in ("<ul", "<p>", "</p>", "<i>", "list-style", "Công thông tin", "tổ tụng"):
        assert artefact not in text, artefact
    assert '"' not in re.sub(r'"[^"\n]*"', "", text.replace('\\"', "")), "dấu nháy lẻ"
