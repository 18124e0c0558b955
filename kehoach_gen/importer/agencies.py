"""The agency dictionary: the names a city gives its agencies, mapped to role keys.

Maintained by hand: add a spelling to :data:`AGENCY_ALIASES` when an import lists it as
unknown. :class:`AgencyTable` is the dictionary in use for one import (the aliases, plus a
previous template's own role names and reviewed phrases).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from ..model import CityTemplate
from ..units import canonical_name
from .text import words

# The agency dictionary (maintained by hand: add a spelling here when an import lists it as
# unknown). Key: role key of docs/roles.md; value: the city's names for it, the first one being
# the name written under ``roles: <key>: city:``. Matching ignores case, spacing, punctuation,
# tone-mark placement (Hòa/Hoà, Thủy/Thuỷ, Ủy/Uỷ: units.canonical_name), a leading "Các" and
# the abbreviations in ``_ABBREVIATIONS`` (UBND, HĐND, TP …).

AGENCY_ALIASES: dict[str, tuple[str, ...]] = {
    "tu_phap": ("Sở Tư pháp", "Sở Tư pháp thành phố"),
    "so_nganh": (
        "Các Sở, ban, ngành thành phố", "Các Sở, ban, ngành", "Các Sở, ngành thành phố",
        "Các Sở, ngành",
    ),
    "so_nganh_doan_the": ("Các sở, ban, ngành, đoàn thể", "Các sở, ban, ngành, đoàn thể thành phố"),
    "ubnd_cap_xa": (
        "Ủy ban nhân dân cấp xã", "Ủy ban nhân dân các xã, phường, đặc khu",
        "Ủy ban nhân dân xã, phường, đặc khu", "Ủy ban nhân dân các cấp xã",
    ),
    "ubnd_15_thi_diem": ("UBND 15 xã, phường, đặc khu",),
    "van_phong_cap_xa": ("Văn phòng HĐND và UBND cấp xã",),
    "noi_vu": ("Sở Nội vụ",),
    "giao_duc": ("Sở Giáo dục và Đào tạo",),
    "khcn": ("Sở Khoa học và Công nghệ", "Sở Khoa học công nghệ"),
    "cong_an": ("Công an thành phố",),
    "toa_an": ("Tòa án nhân dân thành phố",),
    "vien_kiem_sat": ("Viện Kiểm sát nhân dân thành phố",),
    "thi_hanh_an": (
        "Thi hành án dân sự thành phố", "Thi hành án thành phố",
        "Cục Thi hành án dân sự thành phố",
    ),
    "to_tung": ("Các cơ quan tiến hành tố tụng",),
    "thanh_tra": ("Thanh tra thành phố",),
    "luat_gia": ("Hội Luật gia thành phố", "Hội Luật gia"),
    "doan_luat_su": ("Đoàn Luật sư", "Đoàn Luật sư thành phố"),
    "tgpl": ("Trung tâm Trợ giúp pháp lý Nhà nước thành phố",),
    "bao_chi": ("Báo và Phát thanh, Truyền hình Hải Phòng",),
    "vtv": ("Đài truyền hình Việt Nam (VTV1)", "Đài Truyền hình Việt Nam"),
    "ho_tich": ("Các cơ quan đăng ký hộ tịch trên địa bàn thành phố",),
    "mttq": (
        "UBMTTQ Việt Nam và các đoàn thể chính trị - xã hội",
        "Ủy ban MTTQ Việt Nam và các đoàn thể",
        "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố và các đoàn thể chính trị - xã hội",
    ),
    "truong_hoc": ("các trường học",),
    "doanh_nghiep": ("các doanh nghiệp",),
    "khu_dan_cu": ("thôn, tổ dân phố",),
    "lien_quan": ("Các cơ quan, đơn vị có liên quan", "Các cơ quan, đơn vị liên quan"),
    "to_chuc_lien_quan": ("Các cơ quan, tổ chức liên quan", "Các cơ quan, tổ chức có liên quan"),
    "ca_nhan_lien_quan": (
        "Các cơ quan, tổ chức, cá nhân liên quan", "Các cơ quan, tổ chức, cá nhân có liên quan",
    ),
}

_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "tp": "thành phố",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "ubmttq": "ủy ban mặt trận tổ quốc",
    "mttq": "mặt trận tổ quốc",
    "tgpl": "trợ giúp pháp lý",
}


MAX_PARTS = 64  # agencies one item may be split into


def _agency_words(name: str) -> list[str]:
    return words(canonical_name(name.replace("&", " và ")))


_ABBREV_WORDS = {_agency_words(k)[0]: _agency_words(v) for k, v in _ABBREVIATIONS.items()}


def agency_key(name: str) -> str:
    """The comparison key of an agency name (see :data:`AGENCY_ALIASES`)."""
    parts = [w for word in _agency_words(name) for w in _ABBREV_WORDS.get(word, [word])]
    if parts[:1] == ["các"]:
        parts = parts[1:]
    return " ".join(parts)


class AgencyTable:
    """Agency names → role keys: :data:`AGENCY_ALIASES`, plus (``extra``) a template's
    ``roles`` names and (``phrases``) whole items a reviewer mapped to a role with a note."""

    def __init__(self, extra: Mapping[str, Iterable[str]] | None = None,
                 phrases: Mapping[str, Mapping[str, str]] | None = None):
        self.city_names: dict[str, str] = {}
        self._keys: dict[str, str] = {}
        self._phrases = {agency_key(k): dict(v) for k, v in (phrases or {}).items()}
        for role, names in AGENCY_ALIASES.items():
            self.city_names[role] = names[0]
            for name in names:
                self._keys.setdefault(agency_key(name), role)
        # a template's own names win: its role keys are the ones its units map
        for role, extra_names in (extra or {}).items():
            for i, name in enumerate(extra_names):
                if i == 0:
                    self.city_names[role] = name
                self._keys[agency_key(name)] = role

    @classmethod
    def for_template(cls, city: CityTemplate | None) -> AgencyTable:
        """The table a re-import against ``city`` uses: its role names win, and an item it
        wrote as ``{role: tu_phap, note: "theo chức năng …"}`` is recognised again."""
        if city is None:
            return cls()
        phrases: dict[str, dict[str, str]] = {}
        for _, _, task in city.appendix.all_tasks():
            for item in (*task.lead, *task.coop):
                if item.role in city.roles and item.note:
                    phrases[f"{city.roles[item.role].city} {item.note}"] = {
                        "role": item.role, "note": item.note}
        return cls({k: [r.city] for k, r in city.roles.items()}, phrases)

    def role(self, name: str) -> str | None:
        return self._keys.get(agency_key(name)) if name.strip() else None

    def assign(self, item: str) -> list[dict[str, str]] | None:
        """Role assignments for one agency item, or ``None`` when it is not known.

        ``Sở Tư pháp (Trung tâm …)`` keeps the parenthesis as a note; ``A, B và C`` is split
        when every part is a known agency.
        """
        role = self.role(item)
        if role:
            return [{"role": role}]
        m = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", item)
        if m and (role := self.role(m.group(1))):
            return [{"role": role, "note": m.group(2).strip()}]
        phrase = self._phrases.get(agency_key(item))
        if phrase:
            return [dict(phrase)]
        parts = self._split(item)
        return [{"role": r} for r in parts] if parts else None

    def _split(self, item: str) -> list[str] | None:
        """The fewest known agencies that, joined by ',', ';' or 'và', make up ``item``.
        (Every pair of separators is tried: an item with more than :data:`MAX_PARTS` parts,
        never a real list of agencies, is not split.)"""
        seps = list(re.finditer(r"\s*[,;]\s*|\s+và\s+", item, re.I))
        if len(seps) >= MAX_PARTS:
            return None
        starts = [0] + [m.end() for m in seps]
        ends = [m.start() for m in seps] + [len(item)]
        best: list[list[str] | None] = [[]] + [None] * len(starts)
        for j in range(1, len(starts) + 1):
            for i in range(j):
                prefix, current = best[i], best[j]
                if prefix is None or (current is not None and len(current) <= len(prefix) + 1):
                    continue
                role = self.role(item[starts[i]:ends[j - 1]])
                if role:
                    best[j] = [*prefix, role]
        found = best[-1]
        return found if found and len(found) > 1 else None
