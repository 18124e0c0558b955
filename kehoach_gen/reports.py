"""What a command did, as report objects: ``to_text()`` for a person, ``to_json()`` for a
program, ``exit_code`` for the shell. Commands only build a report and print it.

The words for what happened to a file live here, once. Many units often share one effect (114
profiles without a signer's name, 112 units with the same new deadline): the text groups them
and says how many, instead of repeating a line per unit.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .build import BuildItem

STATUS_WORDS = {
    "written": "đã tạo", "updated": "đã cập nhật", "forced": "đã ghi đè bản sửa tay",
    "unchanged": "không đổi", "kept-edited": "giữ bản sửa tay (ghi bản mới bên cạnh)", "failed": "lỗi",
}

# "unit_profiles/x.yaml:12: cảnh báo: signer.name: chưa điền …" → the message without its place
_PLACE = re.compile(r"^[^:]*(?::\d+)?: (?:cảnh báo|lỗi): (?:[\w.\[\]-]+: )?")


def _what(message: str) -> str:
    return _PLACE.sub("", message, count=1)


def grouped(messages: Sequence[tuple[str, str]], *, limit: int = 3) -> list[str]:
    """``(unit, message)`` pairs as lines: a message shared by several units once, with their
    number and the first few names."""
    by_text: dict[str, list[tuple[str, str]]] = {}
    for unit, message in messages:
        by_text.setdefault(_what(message), []).append((unit, message))
    lines = []
    for text, pairs in by_text.items():
        if len(pairs) == 1:
            lines.append(f"  {pairs[0][1]}")
            continue
        names = ", ".join(u for u, _ in pairs[:limit]) + (f" và {len(pairs) - limit} đơn vị khác"
                                                           if len(pairs) > limit else "")
        lines.append(f"  {len(pairs)} đơn vị ({names}): {text}")
    return lines


@dataclass
class BuildReport:
    """Everything `build` did, unit by unit."""

    items: list[BuildItem]
    out_dir: Path
    strict: bool = False
    pdfs: list[str] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def failed(self) -> list[BuildItem]:
        return [i for i in self.items if i.status == "failed"]

    @property
    def unfinished(self) -> list[BuildItem]:
        """Units whose plan has open Nghị định 30 errors (this run or on record)."""
        return [i for i in self.items if i.check_errors]

    @property
    def warned(self) -> list[BuildItem]:
        return [i for i in self.items if i.warnings or i.check_warnings]

    @property
    def exit_code(self) -> int:
        if self.failed or self.unfinished or (self.strict and self.warned):
            return 1
        return 0

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item.status] = counts.get(item.status, 0) + 1
        return "Kết quả: " + ", ".join(f"{n} {STATUS_WORDS[k]}" for k, n in sorted(counts.items())) + "."

    def to_text(self) -> str:
        lines = [self.summary()]
        for item in self.items:
            if item.status == "kept-edited":
                lines.append(f"  {item.unit}: tệp {item.edited} đã được sửa tay, giữ nguyên; bản mới: {item.output}")
            elif item.status == "forced":
                lines.append(f"  {item.unit}: đã ghi đè {item.output}; bản sửa tay cũ chuyển sang {item.edited}")
        warnings = [(i.unit or Path(i.profile).stem, w) for i in self.items for w in i.warnings]
        if warnings:
            lines.append(f"Cảnh báo ({len({u for u, _ in warnings})} đơn vị):")
            lines += grouped(warnings)
        checked = [i for i in self.items if i.check_text]
        if checked:
            bad = self.unfinished
            lines.append(f"Thể thức Nghị định 30: {len(bad)} văn bản có lỗi, "
                         f"{len(checked) - len(bad)} văn bản có cảnh báo:" if bad else
                         f"Thể thức Nghị định 30: {len(checked)} văn bản có cảnh báo:")
            lines += [i.check_text for i in checked]
        if self.failed:
            lines.append(f"{len(self.failed)} đơn vị lỗi:")
            lines += [f"  {m}" for i in self.failed for m in i.messages]
        if self.unfinished:
            lines.append(f"{len(self.unfinished)} văn bản chưa đạt thể thức Nghị định 30 (xem trên); "
                         "sửa dữ liệu rồi chạy lại.")
        lines += [f"Đã xuất {p}." for p in self.pdfs]
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {
            "out": str(self.out_dir),
            "counts": {k: self.count(k) for k in STATUS_WORDS if self.count(k)},
            "exit_code": self.exit_code,
            "units": [asdict(i) for i in self.items],
            "pdf": self.pdfs,
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


@dataclass
class ValidateReport:
    """`validate`: every problem of every profile, and how many were valid."""

    total: int
    problems: list[tuple[str, list[str], bool]] = field(default_factory=list)  # (profile, lines, valid)
    strict: bool = False

    @property
    def invalid(self) -> int:
        return sum(1 for _, _, ok in self.problems if not ok)

    @property
    def warned(self) -> int:
        return sum(1 for _, lines, ok in self.problems if ok and lines)

    @property
    def exit_code(self) -> int:
        return 1 if self.invalid or (self.strict and self.warned) else 0

    def summary(self) -> str:
        ok = self.total - self.invalid
        return f"{ok}/{self.total} hồ sơ hợp lệ" + (f", {self.warned} có cảnh báo" if self.warned else "") + "."

    def to_json(self) -> str:
        return json.dumps({"total": self.total, "invalid": self.invalid, "warned": self.warned,
                           "profiles": [{"profile": p, "valid": ok, "problems": lines}
                                        for p, lines, ok in self.problems]}, ensure_ascii=False, indent=2)
