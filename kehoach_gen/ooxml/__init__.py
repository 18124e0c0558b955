"""The one read layer for Word files: every python-docx and lxml detail of *reading* lives here.

* :mod:`.ns` — namespaces and ``qn("w:p")`` (the Word namespace is defined nowhere else);
* :mod:`.package` — opening a .docx from a path or bytes, in bounded time and memory;
* :mod:`.element` — small helpers over elements, and the one safe XML parser;
* :mod:`.text` — run, paragraph and cell text, fields;
* :mod:`.tables` — cells on a table's grid;
* :mod:`.styles` — Word's property inheritance (styles, numbering, defaults, theme);
* :mod:`.document` — the document model the checker reads (paragraphs with their place,
  tables, sections, headers, text boxes, formatting).

The checker (:mod:`kehoach_gen.check`) and the importer (:mod:`kehoach_gen.importer`) both
read through it; neither knows a namespace URI.
"""

from __future__ import annotations

from .ns import NSMAP, W_NS, qn
from .package import Opened, Say, Wording, open_docx

__all__ = ["NSMAP", "W_NS", "Opened", "Say", "Wording", "open_docx", "qn"]
