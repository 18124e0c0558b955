"""What an import produced (:class:`ImportResult`) and its YAML for a person to review: the
city template's ``appendix`` (and ``roles``), with comments listing everything to check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from ..errors import Problem
from ..model import Appendix, Assignment, CityTemplate, Section, Task
from .text import one_line


@dataclass
class ImportResult:
    """What :func:`import_appendix` read, ready to be written as YAML for review."""

    appendix: Appendix
    unknown_agencies: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    body_paragraphs: list[str] = field(default_factory=list)
    roles: dict[str, str] = field(default_factory=dict)  # every role key used → its city name
    source_name: str | None = None
    previous: CityTemplate | None = None
    new_task_ids: list[str] = field(default_factory=list)
    removed_task_ids: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)  # group, section, task id → its row
    imported_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0))

    def to_yaml(self) -> str:
        """The city template (complete when ``previous`` was given) with review comments."""
        data: dict[str, Any] = {}
        if self.previous is not None:
            # everything of the previous template (its levels, style, Word template …) in its
            # order, with the new appendix and the new roles
            data = self.previous.model_dump(mode="json", exclude_defaults=True)
            roles = data.setdefault("roles", {})
            roles.update({k: {"city": v} for k, v in self.roles.items() if k not in roles})
            data["appendix"] = _appendix_data(self.appendix)
        else:
            data["roles"] = {k: {"city": v} for k, v in self.roles.items()}
            data["appendix"] = _appendix_data(self.appendix)
            if self.body_paragraphs:
                data["body_source"] = list(self.body_paragraphs)
        text = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=4096)
        return "\n".join(self._comments()) + "\n" + text

    def _comments(self) -> list[str]:
        tasks = self.appendix.all_tasks()
        sections = sum(len(g.sections) for g in self.appendix.groups)
        lines = [
            "Mẫu thành phố do 'kehoach-gen import' tạo tự động từ bảng phụ lục của thành phố.",
            f"Tệp nguồn: {self.source_name or '(dữ liệu đưa vào trực tiếp)'}",
            f"Thời điểm nhập: {self.imported_at:%d/%m/%Y %H:%M}",
            f"Đã đọc: {len(self.appendix.groups)} nhóm, {sections} mục, {len(tasks)} nhiệm vụ, "
            f"{len(self.appendix.footnotes)} chú thích.",
            "",
            "CẦN NGƯỜI XEM LẠI TRƯỚC KHI DÙNG:",
        ]
        if self.unknown_agencies:
            lines.append(
                f"- {len(self.unknown_agencies)} cơ quan chưa có mã vai trò, đang để nguyên văn "
                "({text: ...}): thay bằng mã vai trò (docs/roles.md) hoặc thêm vào một từ điển "
                "cơ quan riêng (cùng dạng kehoach_gen/data/agencies.yaml) rồi nhập lại với --agencies:"
            )
            lines += [f"    {one_line(a)}" for a in self.unknown_agencies]
        if self.previous is None:
            lines.append(
                "- roles: mỗi vai trò mới chỉ có tên cấp thành phố ('city'); điền 'unit:' (tên ở "
                "cấp xã), 'drop: true' hoặc 'outside: true' theo docs/roles.md."
            )
            if self.body_paragraphs:
                lines.append(
                    f"- Chưa có 'plan' và 'body': soạn từ {len(self.body_paragraphs)} đoạn thân kế "
                    "hoạch ở 'body_source' (nhập thô), rồi xóa 'body_source'."
                )
            else:
                lines.append(
                    "- Tệp chỉ có phụ lục: chưa có 'plan' và 'body' (thân kế hoạch), cần soạn tay."
                )
        else:
            new_roles = [k for k in self.roles if k not in self.previous.roles]
            if new_roles:
                lines.append(f"- Vai trò mới cần điền 'unit:': {', '.join(new_roles)}.")
            lines.append(
                "- Mọi phần của mẫu cũ ('plan', 'levels', 'style', 'body', 'roles', 'noi_nhan' …) "
                "giữ nguyên; chỉ 'appendix' được nhập lại."
            )
        lines.append("- Mỗi nhiệm vụ: kiểm tra 'levels', 'pilot_only' và cách diễn đạt cho cấp xã.")
        if self.warnings:
            lines.append("Cảnh báo khi nhập:")
            lines += [f"- {one_line(replace(w, file=None).format().removeprefix('cảnh báo: '))}"
                      for w in self.warnings]
        return [f"# {line}".rstrip() for line in lines]


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key; multi-line texts as ``|`` blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _appendix_data(appendix: Appendix) -> dict[str, Any]:
    def assignments(items: Sequence[Assignment]) -> list[Any]:
        return [a.role if a.role and not a.note else a.model_dump(exclude_none=True) for a in items]

    def task(t: Task) -> dict[str, Any]:
        out: dict[str, Any] = {"id": t.id, "text": t.text}
        for name in ("lead", "coop"):
            if getattr(t, name):
                out[name] = assignments(getattr(t, name))
        extra = t.model_dump(mode="json", exclude_defaults=True, exclude_none=True,
                             exclude={"id", "text", "lead", "coop"})
        return out | extra

    def section(s: Section) -> dict[str, Any]:
        out = s.model_dump(mode="json", exclude_defaults=True, exclude_none=True,
                           exclude={"task", "tasks"})
        if s.task is not None:
            out["task"] = task(s.task)
        if s.tasks:
            out["tasks"] = [task(t) for t in s.tasks]
        return out

    groups = []
    for g in appendix.groups:
        gd: dict[str, Any] = {"id": g.id, "title": g.title}
        if g.tasks:
            gd["tasks"] = [task(t) for t in g.tasks]
        if g.sections:
            gd["sections"] = [section(s) for s in g.sections]
        groups.append(gd)
    out: dict[str, Any] = {"heading": appendix.heading, "title": appendix.title,
                           "columns": list(appendix.columns), "groups": groups}
    if appendix.footnotes:
        out["footnotes"] = dict(appendix.footnotes)
    return out
