"""What an import of a whole plan produced and decided: :class:`ImportReport`.

It holds the city template and (for a unit's plan) the unit's profile as data, and the review
report: every guess with its place and what was decided (role mapping, placeholder,
correction, doubtful text, unknown agency). :meth:`ImportReport.to_text` is for a person,
:meth:`ImportReport.to_json` for a program; the YAML it writes starts with the items a person
must look at.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..errors import Problem
from .result import ImportResult, _Dumper
from .text import one_line
from .wording import KINDS, Note

KIND_NAMES = {"don_vi": "Kế hoạch của một đơn vị", "thanh_pho": "Kế hoạch của tỉnh, thành phố",
              "phu_luc": "Phụ lục phân công nhiệm vụ"}
_ORDER = ("thong_tin", "vai_tro", "co_quan_la", "ho_so", "cho_dien", "khong_thay", "sua", "cau_truc")


@dataclass
class ImportReport:
    """The result of ``kehoach-gen import``: template, profile, and the review report."""

    source_name: str | None
    kind: str
    template: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    notes: list[Note] = field(default_factory=list)
    unknown_agencies: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    appendix_result: ImportResult | None = None  # a document that is only the city's appendix

    @classmethod
    def from_appendix(cls, result: ImportResult) -> ImportReport:
        tasks = len(result.appendix.all_tasks())
        return cls(result.source_name, "phu_luc", unknown_agencies=list(result.unknown_agencies),
                   warnings=list(result.warnings), appendix_result=result,
                   summary={"nhiem_vu": tasks, "nhom": len(result.appendix.groups)})

    @property
    def doubtful(self) -> list[Note]:
        return [n for n in self.notes if n.doubtful]

    @property
    def tasks(self) -> int:
        return int(self.summary.get("nhiem_vu", 0))

    # -- text ------------------------------------------------------------------------------
    def headline(self) -> list[str]:
        s = self.summary
        out = [f"Nhập văn bản: {self.source_name or '(dữ liệu đưa vào trực tiếp)'}",
               f"Loại: {KIND_NAMES.get(self.kind, self.kind)}"]
        if s.get("don_vi"):
            out.append(f"Đơn vị ban hành: {s['don_vi']} (cấp {s.get('cap', '')})")
        if s.get("thuc_hien"):
            out.append(f"Thực hiện: {s['thuc_hien']}")
        counts = []
        for key, label in (("doan", "đoạn nội dung"), ("nhiem_vu", "nhiệm vụ"), ("vai_tro", "vai trò"),
                           ("nguyen_van", "cơ quan giữ nguyên văn")):
            if key in s:
                counts.append(f"{s[key]} {label}")
        if s.get("bo_cuc"):
            counts.append(f"nhiệm vụ {s['bo_cuc']}")
        if counts:
            out.append("Đã đọc: " + ", ".join(counts) + ".")
        return out

    def to_text(self) -> str:
        lines = self.headline()
        doubtful = self.doubtful
        lines.append("")
        if doubtful or self.unknown_agencies:
            lines.append(f"CẦN NGƯỜI XEM LẠI ({len(doubtful) + len(self.unknown_agencies)}):")
            lines += [f"  {_line(n)}" for n in doubtful]
            lines += [f"  cơ quan chưa có trong từ điển, giữ nguyên văn: {one_line(a)}"
                      for a in self.unknown_agencies]
        else:
            lines.append("Không có điểm nào cần xem lại.")
        for kind in _ORDER:
            group = [n for n in self.notes if n.kind == kind and not n.doubtful]
            if group:
                lines.append("")
                lines.append(f"{KINDS[kind]} ({len(group)}):")
                lines += [f"  {line}" for line in _grouped(group)]
        if self.warnings:
            lines.append("")
            lines.append(f"Cảnh báo khi đọc bảng phụ lục ({len(self.warnings)}):")
            lines += [f"  {one_line(w.message)}" for w in self.warnings]
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {
            "nguon": self.source_name, "loai": self.kind, "tom_tat": self.summary,
            "can_xem": len(self.doubtful) + len(self.unknown_agencies),
            "ghi_chu": [n.to_dict() for n in self.notes],
            "co_quan_chua_biet": list(self.unknown_agencies),
            "canh_bao": [w.format() for w in self.warnings],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)

    # -- YAML ------------------------------------------------------------------------------
    def template_yaml(self) -> str:
        if self.appendix_result is not None:
            return self.appendix_result.to_yaml()
        assert self.template is not None
        head = [*self.headline(), "",
                "Mẫu do 'kehoach-gen import' tạo từ văn bản trên. Chạy lại lệnh để xem báo cáo đầy đủ",
                "(mọi chỗ đã đổi thành mã vai trò, chỗ điền, lỗi đã sửa), thêm --json để lấy dạng JSON."]
        head += _review(self.doubtful, self.unknown_agencies)
        if self.summary.get("danh_muc"):
            head += ["", "Vai trò chưa dùng trong văn bản, để sẵn cho hồ sơ đơn vị đổi tên phòng, ban (khóa "
                     "departments): " + ", ".join(self.summary["danh_muc"])]
        return _comments(head) + _dump(self.template)

    def profile_yaml(self) -> str | None:
        if self.profile is None:
            return None
        head = [f"Hồ sơ đơn vị: {self.summary.get('don_vi', '')}, đọc từ {self.source_name or 'văn bản'}.",
                "Chỉ ghi điều khác với mặc định của cấp: tên phòng, ban riêng (departments), người ký, Nơi nhận riêng."]
        head += _review([n for n in self.doubtful if n.kind == "ho_so"], [])
        return _comments(head) + _dump(self.profile)


def _grouped(notes: Sequence[Note], shown: int = 8) -> list[str]:
    """One line per decision, with every place it was taken (the same decision at many places,
    such as "'Công an xã' → vai trò cong_an", is one line)."""
    by_decision: dict[str, list[Note]] = {}
    for n in notes:
        by_decision.setdefault(n.decision, []).append(n)
    out = []
    for decision, group in by_decision.items():
        if len(group) == 1:
            out.append(_line(group[0]))
            continue
        places = list(dict.fromkeys(n.where for n in group))
        more = f" và {len(places) - shown} chỗ khác" if len(places) > shown else ""
        out.append(f"{decision} — {len(group)} lần: {'; '.join(places[:shown])}{more}")
    return out


def _line(n: Note) -> str:
    quote = f" — «{n.quote}»" if n.quote else ""
    return f"{n.where}: {n.decision}{quote}"


def _review(doubtful: Sequence[Note], unknown: Sequence[str]) -> list[str]:
    if not doubtful and not unknown:
        return []
    out = ["", f"CẦN NGƯỜI XEM LẠI ({len(doubtful) + len(unknown)}):"]
    out += [f"- {_line(n)}" for n in doubtful]
    out += [f"- cơ quan chưa có trong từ điển, giữ nguyên văn ({{text: …}}): {one_line(a)}" for a in unknown]
    return out


def _comments(lines: Sequence[str]) -> str:
    return "".join(f"# {one_line(line)}".rstrip() + "\n" for line in lines)


def _dump(data: dict[str, Any]) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
