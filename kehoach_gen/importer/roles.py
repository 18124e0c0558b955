"""The role keys of an imported template, and the names its source unit alone gives them.

:class:`UnitRoles` answers, for the issuer of one plan: the names a role resolves to at the
unit's level (:meth:`~UnitRoles.resolve`); the departments the unit names otherwise than its
level does, which go to its profile's ``departments`` (:meth:`~UnitRoles.read_departments`);
whether a role's heading keeps a title of its own (:meth:`~UnitRoles.title_for`); and the
template's ``roles``, with the dictionary's catalogue (:meth:`~UnitRoles.template_roles`).
A province's (city's) plan has no unit level: ``level`` is ``None``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..spelling import canonical_name, tidy
from .agencies import AgencyTable, Dictionary, fill_name
from .body import RoleHeading
from .wording import Notes

Observed = tuple[str | None, str, str]  # (role or None, name as written, where)


@dataclass
class UnitRoles:
    """Roles for one import; ``departments`` fills as :meth:`read_departments` reads them."""

    dictionary: Dictionary
    notes: Notes
    level: str | None  # None: a city's plan
    cap: str
    unit_name: str
    departments: dict[str, Any] = field(default_factory=dict)

    # -- names -----------------------------------------------------------------------------
    def resolve(self, role: str, seen: tuple[str, ...] = ()) -> list[str]:
        """The names ``role`` stands for at the unit's level: the unit's own department name,
        else its level's, a role made of roles giving theirs; a city body when the level keeps
        the city's name."""
        if role in seen or self.level is None:
            return []
        d = self.dictionary.roles.get(role)
        if role in self.departments:
            value = self.departments[role]
        elif d is None:
            return []
        else:
            value = d.value(self.level)
            if value is None:
                return [d.city[0]] if d.city else []
        if isinstance(value, str):
            return [fill_name(value, self.cap, self.unit_name)]
        return [n for sub in value for n in self.resolve(sub, (*seen, role))]

    # -- departments -----------------------------------------------------------------------
    def read_departments(self, observed: Sequence[Observed], headings: Sequence[RoleHeading],
                         table: AgencyTable) -> dict[str, Any]:
        """The names this unit alone gives its departments (those its level does not)."""
        seen, where = _names_seen(observed, headings)
        # roles made of roles last: they resolve through the names chosen before them
        order = sorted(seen, key=lambda r: isinstance(self.dictionary.roles[r].value(self.level or ""), list))
        for role in order:
            self._choose(role, seen[role], where)
        self._note_observed(observed, table)
        return self.departments

    def _choose(self, role: str, counts: Counter[str], where: dict[tuple[str, str], str]) -> None:
        """The name the unit writes most for ``role`` (forms differing only in case, marks or
        a trailing stop count as one); a department of its own when it differs from the
        level's name."""
        canonical = "; ".join(self.resolve(role))
        forms: Counter[str] = Counter()
        for name, n in counts.items():
            forms[_same(name)] += n
        chosen_key, _ = forms.most_common(1)[0]
        chosen = next(n for n in counts if _same(n) == chosen_key)
        if chosen_key != _same(canonical):
            self.departments[role] = chosen
            self.notes.add("ho_so", where[(role, chosen)], chosen,
                           f"vai trò {role}: đơn vị nguồn gọi là '{chosen}', khác tên chung '{canonical or '—'}' "
                           f"của cấp {self.cap}: ghi vào hồ sơ đơn vị (departments), mẫu giữ tên chung")
        for name in counts:
            if _same(name) != chosen_key:
                self.notes.add("vai_tro", where[(role, name)], name,
                               f"'{name}' cũng là vai trò {role} nhưng viết khác '{chosen}': in theo '{chosen}'",
                               doubtful=True)
            elif name != chosen or (role not in self.departments and name != canonical):
                self.notes.add("sua", where[(role, name)], name,
                               f"'{name}' in theo tên chuẩn '{self.departments.get(role, canonical)}'")

    def _note_observed(self, observed: Sequence[Observed], table: AgencyTable) -> None:
        """A note for every agency read in the tasks: the role it became, or kept as written."""
        for role, name, at in observed:
            if role is not None:
                found = table.match(name)
                how = found.how if found else "tách từ một ô nhiều cơ quan"
                self.notes.add("vai_tro", at, name, f"'{name}' → vai trò {role} ({how})")
            else:
                body = table.city_body(name)
                extra = f" (cơ quan cấp tỉnh '{body}', giữ tên)" if body else ""
                self.notes.add("co_quan_la", at, name, f"'{name}' giữ nguyên văn{extra}")

    # -- headings --------------------------------------------------------------------------
    def title_for(self, heading: RoleHeading) -> str | None:
        """The title a role's heading keeps, when the plan gives it one other than the role's
        name; ``None`` when the name is printed."""
        if self.level is None:
            return None if heading.match.how != "tên trong mẫu cũ" else heading.name
        dept = self.departments.get(heading.role)
        role = self.dictionary.roles[heading.role]
        if isinstance(dept, str):
            expected = fill_name(dept, self.cap, self.unit_name)
        elif role.full:
            expected = fill_name(role.full, self.cap, self.unit_name)
        else:
            expected = "; ".join(self.resolve(heading.role))
        if _same(expected) == _same(heading.name):
            return None
        self.notes.add("vai_tro", heading.node.where, heading.name,
                       f"đoạn của vai trò {heading.role} có tiêu đề riêng '{heading.name}' (tên chung: '{expected}'): "
                       "ghi 'title'")
        return heading.name

    # -- the template's roles --------------------------------------------------------------
    def template_roles(self, used: Sequence[str], outside: dict[str, bool], levels: Sequence[str]
                       ) -> tuple[dict[str, Any], list[str]]:
        """The template's ``roles`` (those used, the roles they are made of, the dictionary's
        catalogue for ``levels`` and the unit's departments, in the dictionary's order) and the
        keys of the catalogue."""
        keys, catalogue = self._role_keys(used, levels)
        out = {key: self._role_data(key, outside, levels) for key in self.dictionary.roles if key in keys}
        return out, [k for k in catalogue if k in out]

    def _role_keys(self, used: Sequence[str], levels: Sequence[str]) -> tuple[list[str], list[str]]:
        roles = self.dictionary.roles
        keys: list[str] = []

        def add(key: str) -> None:
            if key in keys or key not in roles:
                return
            keys.append(key)
            for value in (roles[key].unit, *roles[key].by_level.values()):
                if isinstance(value, list):
                    for sub in value:
                        add(sub)

        for key in used:
            add(key)
        catalogue = []
        for key, role in roles.items():
            values = [role.value(lv) for lv in levels]
            if key not in keys and not role.drop and (any(isinstance(v, str) for v in values) or role.names):
                catalogue.append(key)
                add(key)
        for key in self.departments:
            add(key)
        return keys, catalogue

    def _role_data(self, key: str, outside: dict[str, bool], levels: Sequence[str]) -> dict[str, Any]:
        """One role as the template writes it; ``outside`` as the plan says ("Đề nghị …")
        when it says otherwise than the dictionary."""
        role = self.dictionary.roles[key]
        data = role.template_data(levels)
        if key in outside and outside[key] != role.outside and not data.get("drop"):
            if outside[key]:
                data["outside"] = True
            else:
                data.pop("outside", None)
            self.notes.add("vai_tro", "nội dung", key, f"vai trò {key}: "
                           + ("có 'Đề nghị' trong văn bản nguồn: outside: true" if outside[key]
                              else "văn bản nguồn không ghi 'Đề nghị': bỏ outside"))
        return data


def _names_seen(observed: Sequence[Observed], headings: Sequence[RoleHeading]
                ) -> tuple[dict[str, Counter[str]], dict[tuple[str, str], str]]:
    """How often each role is written each way, and where each way is first written."""
    seen: dict[str, Counter[str]] = {}
    where: dict[tuple[str, str], str] = {}
    for role, name, at in observed:
        if role is not None:
            seen.setdefault(role, Counter())[name] += 1
            where.setdefault((role, name), at)
    for h in headings:
        # a heading naming the department as the unit calls it ("Phòng Kinh tế"), not a
        # title in a general form ("Ủy ban Mặt trận Tổ quốc Việt Nam {{ cap }} và …")
        if h.match.how != "tên đầy đủ" and "{{" not in h.match.pattern:
            seen.setdefault(h.role, Counter())[h.name] += 1
            where.setdefault((h.role, h.name), h.node.where)
    return seen, where


def _same(name: str) -> str:
    return canonical_name(tidy(name)).rstrip(" .;,")


__all__ = ["UnitRoles"]
