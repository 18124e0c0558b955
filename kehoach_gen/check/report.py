"""What the checker found: :class:`Finding` (one deviation) and :class:`Report` (all of them,
as text for a person or JSON for tools)."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One deviation: rule id, severity, place ("đoạn 12", "bảng 3, hàng 5, ô 1" …), a short
    quote of the text (≤ 60 characters), what the rule says and how to fix it (Vietnamese)."""

    rule: str
    severity: Severity
    where: str
    quote: str
    message: str
    hint: str

    def format(self, file: str | None = None) -> str:
        """One line: ``file: where «quote»: lỗi [RULE]: message. hint``."""
        kind = "lỗi" if self.severity == "error" else "cảnh báo"
        place = self.where + (f" «{self.quote}»" if self.quote else "")
        text = f"{file + ': ' if file else ''}{place}: {kind} [{self.rule}]: {self.message}"
        if self.hint:
            text = text.rstrip(".") + f". {self.hint}"
        return text


@dataclass
class Report:
    """All findings for one document."""

    findings: list[Finding] = field(default_factory=list)
    file: str | None = None

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings allowed)."""
        return not self.errors

    def summary(self) -> str:
        name = self.file or "văn bản"
        if not self.findings:
            return f"{name}: đạt thể thức Nghị định 30/2020 (không có lỗi, không có cảnh báo)."
        return f"{name}: {len(self.errors)} lỗi, {len(self.warnings)} cảnh báo."

    def to_text(self, *, limit_per_rule: int | None = 20) -> str:
        """Plain text, one finding a line, after a summary line; at most ``limit_per_rule``
        lines per rule (the rest are counted), None for all."""
        lines = [self.summary()]
        shown: Counter[str] = Counter()
        for f in self.findings:
            shown[f.rule] += 1
            if limit_per_rule is None or shown[f.rule] <= limit_per_rule:
                lines.append(f.format(self.file))
        for rule, n in shown.items():
            if limit_per_rule is not None and n > limit_per_rule:
                lines.append(f"… và {n - limit_per_rule} chỗ khác vi phạm {rule} "
                             "(xem đủ ở định dạng JSON).")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "findings": [asdict(f) for f in self.findings],
        }

    def to_json(self) -> str:
        """JSON for tools: file, ok, counts and the findings (UTF-8, not escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)
