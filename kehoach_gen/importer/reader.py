"""One import, start to end: find the appendix table among the body's blocks, its heading,
the body before it, its rows and structure, stable ids, and the validated result."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from ..model import DEFAULT_LEVELS, Appendix, level_scope
from ..ooxml.element import BLOCK_CONTAINERS, El, flatten
from ..ooxml.ns import TBL, TC, P
from ..ooxml.text import clean_text, lines, paragraph_text
from .footnotes import Footnotes, read_footnotes
from .ids import Ids
from .result import ImportResult
from .session import Session
from .structure import build_groups
from .table import DEFAULT_COLUMNS, DEFAULTS, FIELDS, find_table, read_rows
from .text import fold


def read_appendix(document: Any, session: Session, notes: Footnotes | None = None) -> ImportResult:
    """The appendix of a python-docx ``document`` as a city template part (``notes``: the
    footnotes already met in the body, whose keys the appendix goes on from)."""
    previous = session.previous
    blocks = list(flatten(document.element.body, {P, TBL}, BLOCK_CONTAINERS))
    if notes is None:
        notes = footnotes_of(document, session)
    found = find_table(blocks)
    if found is None:
        raise session.error(
            "không tìm thấy bảng phụ lục có cột 'TT', 'Nhiệm vụ' và 'Cơ quan chủ trì' hoặc "
            "'Tiến độ thực hiện'",
            "Kiểm tra tệp có bảng phân công nhiệm vụ (kể cả dòng tiêu đề cột) và là bảng thật "
            "của Word, không phải ảnh chụp hay văn bản căn bằng dấu cách",
        )
    index, header = found
    if "number" not in header.columns:
        raise session.error("bảng phụ lục không có cột số thứ tự ('TT' hoặc 'STT')",
                            "Thêm cột 'TT' ở đầu bảng như văn bản của thành phố")
    heading, title, body_end = _heading(blocks, index, session)
    body = _body(blocks[:body_end])
    rows = read_rows(blocks, index, header, notes.marker, session)
    for label in header.ignored:
        session.warn(f"bỏ qua cột '{label}' của bảng (không thuộc mẫu phụ lục)")
    for name in FIELDS[2:]:
        if name not in header.columns:
            session.warn(f"bảng không có cột '{DEFAULT_COLUMNS[name]}'; cột này để trống")
    groups = build_groups(rows, session)
    if not any(g.tasks or g.sections for g in groups):
        raise session.error("bảng phụ lục không có nhiệm vụ nào",
                            "Kiểm tra cột 'TT' có số thứ tự (A, B, I, II, 1, 2 …)")
    ids = Ids(session, groups)
    ids.assign()
    data = {
        "heading": heading, "title": title,
        "columns": [header.labels.get(f, DEFAULT_COLUMNS[f]) for f in FIELDS],
        "groups": [g.data() for g in groups], "footnotes": notes.used,
    }
    try:  # a task's wording for a level of the previous template (quan: …) is that level's
        with level_scope(previous.levels if previous is not None else DEFAULT_LEVELS):
            appendix = Appendix.model_validate(data)
    except ValidationError as exc:  # a bug here, not the user's: still say where
        raise session.error(f"bảng phụ lục không chuyển được thành mẫu: {exc}") from None
    ids.report_changes(appendix)
    roles = {r: session.agencies.city_names[r] for r in session.role_order()}
    return ImportResult(
        appendix=appendix, unknown_agencies=list(session.unknown), warnings=session.problems,
        body_paragraphs=body, roles=roles, source_name=session.source, previous=previous,
        new_task_ids=ids.new, removed_task_ids=ids.removed, origins=ids.origins(),
    )


def footnotes_of(document: Any, session: Session) -> Footnotes:
    """The Word footnotes of ``document``, keyed as ``session``'s previous template keys them."""
    previous = session.previous
    return Footnotes(read_footnotes(document), previous.appendix.footnotes if previous else {},
                     session.problems, session.source)


def has_appendix_table(document: Any) -> bool:
    blocks = list(flatten(document.element.body, {P, TBL}, BLOCK_CONTAINERS))
    found = find_table(blocks)
    return found is not None and "number" in found[1].columns


def _heading(blocks: Sequence[El], index: int, session: Session) -> tuple[str, str, int]:
    """(heading, title, index where the appendix's own paragraphs start)."""
    texts: list[tuple[int, str]] = []
    for i in range(index - 1, -1, -1):
        if blocks[i].tag != P:
            break
        text = " ".join(lines(blocks[i]))
        if not text:
            continue
        texts.append((i, text))
        m = re.match(r"^(phụ\s+lục(?:\s+(?:số\s+)?(?:\d+|[IVX]+)\b)?)[\s.:\-–]*(.*)$", text,
                     re.I)
        if m:
            rest = [t for _, t in reversed(texts[:-1]) if not fold(t).startswith("kem theo")]
            title = " ".join([m.group(2), *rest]).strip()
            return m.group(1), title or DEFAULTS.title, i
        if len(texts) >= 6:
            break
    session.warn("không thấy dòng 'PHỤ LỤC' ngay trước bảng; dùng tiêu đề mặc định",
                 "Sửa 'heading' và 'title' của appendix nếu cần")
    return DEFAULTS.heading, DEFAULTS.title, index


def _body(blocks: Sequence[El]) -> list[str]:
    """The plan's body before the appendix, one raw line per paragraph or table cell."""
    out: list[str] = []
    for block in blocks:
        if block.tag == P:
            text = clean_text(paragraph_text(block)).replace("\n", " ")
            if text:
                out.append(text)
        else:
            cells = (" ".join(lines(tc)) for tc in block.iter(TC))
            out += [c for c in cells if c]
    return out
