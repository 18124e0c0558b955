"""Word output: the one package that knows docxtpl, python-docx and the OOXML underneath.

A :class:`CompiledTemplate` reads a Word template once (within size limits, its Jinja checked
against a whitelist) and renders any number of plans from it: one bounded Jinja pass writes the
final document XML (values escaped, line breaks kept, footnote markers as real Word footnotes,
the short rules sized from the text above them), and the zip is written around the parts the
template never changes, deflated once.

Modules: :mod:`.template` (compile and render), :mod:`.context` (the values a template sees),
:mod:`.text` (text as runs), :mod:`.sandbox` (the Jinja whitelist and budgets), :mod:`.layout`
(page geometry, rules, sections), :mod:`.notes` (footnotes), :mod:`.properties` (recorded
properties and the content hash), :mod:`.package` (reading and writing the zip),
:mod:`.trial` (the made-up plan every template is tried on).
"""

from __future__ import annotations

from .context import CONTEXT_NAMES, context
from .properties import CUSTOM_PROPS, PROP_CONTENT, PROP_PACKING, document_digest, is_unchanged, read_properties
from .template import CompiledTemplate, compile_template, template_tag_problems

__all__ = ["CONTEXT_NAMES", "CUSTOM_PROPS", "PROP_CONTENT", "PROP_PACKING", "CompiledTemplate", "compile_template",
           "context", "document_digest", "is_unchanged", "read_properties", "template_tag_problems"]
