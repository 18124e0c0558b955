"""Reading generated documents back with python-docx, for tests."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

import docx
from docx.document import Document
from docx.oxml.ns import qn
from docx.table import Table


class LazyTemplate:
    """``CompiledTemplate(path)``, compiled when a test first uses it rather than when its module
    is imported: collecting the tests (each pytest-xdist worker collects them all) compiles
    nothing, and only a worker that runs a test that uses it compiles it, once for the process:
    the modules that render with the bundled template share one compiled copy (the tests only
    render with it; a new compile of the same file is the same template)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._compiled: Any = None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        if self._compiled is None:
            self._compiled = _compiled(Path(self.path).resolve(), Path(self.path).read_bytes())
        return getattr(self._compiled, name)


@functools.cache
def _compiled(path: Path, content: bytes) -> Any:
    """The template at ``path`` compiled, once per process for one content of the file."""
    from kehoach_gen.render import CompiledTemplate

    return CompiledTemplate(path)


def open_docx(source: bytes | Path) -> Document:
    if isinstance(source, bytes):
        return docx.Document(io.BytesIO(source))
    return docx.Document(str(source))


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs]


def all_text(doc: Document) -> str:
    """Every paragraph of the body, tables and headers, one per line."""
    lines = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    for section in doc.sections:
        for header in (section.header, section.first_page_header):
            lines.extend(p.text for p in header.paragraphs)
    return "\n".join(lines)


def appendix_table(doc: Document) -> Table:
    return next(t for t in doc.tables if t.rows[0].cells[0].text == "TT")


def table_rows(table: Table) -> list[list[str]]:
    """Rows as the distinct texts of their cells (a merged cell counts once)."""
    out = []
    for row in table.rows:
        cells: list[str] = []
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        out.append(cells)
    return out


def paragraph(doc: Document, text: str) -> Any:
    return next(p for p in doc.paragraphs if p.text == text)


def grid_span(cell: Any) -> int:
    span = cell._tc.find(qn("w:tcPr") + "/" + qn("w:gridSpan"))
    return int(span.get(qn("w:val"))) if span is not None else 1


def effective(paragraph_: Any, attr: str) -> Any:
    """A run property resolved through the paragraph's style chain (bold, italic, size …)."""
    for run in paragraph_.runs:
        value = getattr(run.font, attr)
        if value is not None:
            return value
    return style_value(paragraph_.style, lambda style: getattr(style.font, attr))


def style_value(style: Any, get: Any) -> Any:
    """``get(style)`` of the first style along the basedOn chain that sets it, else None."""
    while style is not None:
        value = get(style)
        if value is not None:
            return value
        style = style.base_style
    return None
