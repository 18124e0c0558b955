"""Small helpers over lxml elements of WordprocessingML, and the one safe XML parser.

Everything here is about the XML shape only (an attribute, a child, a boolean property, the
children seen through content controls); what a paragraph or a table *means* is in
:mod:`~kehoach_gen.ooxml.document` and :mod:`~kehoach_gen.ooxml.text`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from lxml import etree

from .ns import CUSTOM_XML, NSMAP, SDT, SDT_CONTENT, SMART_TAG, W_NS

El = Any  # an lxml element; lxml ships no type stubs here
_W = f"{{{W_NS}}}"

# Content controls and custom XML wrap paragraphs, rows and cells without changing them.
CONTAINERS = frozenset({SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG})
# The importer has always looked through these three only (a smartTag never wraps a block).
BLOCK_CONTAINERS = frozenset({SDT, SDT_CONTENT, CUSTOM_XML})

# No DTD, no entities, no network, no huge trees: a part that declares a DOCTYPE is refused
# before parsing (see package.py); this parser makes sure one that slips through stays inert.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                          load_dtd=False, dtd_validation=False)


XMLSyntaxError = etree.XMLSyntaxError  # what a broken part raises, for readers to catch


def parse_xml(blob: bytes) -> El:
    """The root of an XML part, parsed safely; raises ``etree.XMLSyntaxError`` when broken."""
    return etree.fromstring(blob, _PARSER)


def attr(el: El | None, name: str) -> str | None:
    """The ``w:name`` attribute of ``el`` (None for a missing element or attribute)."""
    return None if el is None else el.get(_W + name)


def child(el: El | None, *path: str) -> El | None:
    """The first ``w:`` child along ``path`` (``child(p, "pPr", "pStyle")``), or None."""
    for tag in path:
        if el is None:
            return None
        el = first_child(el, _W + tag)
    return el


def first_child(el: El, tag: str) -> El | None:
    """``el.find(tag)`` for a Clark tag, without lxml's path machinery: the schema puts
    property elements (pPr, rPr, tcPr …) first, so the first child is tried before the rest."""
    if len(el) == 0:
        return None
    head = el[0]
    if head.tag == tag:
        return head
    return next(el.iterchildren(tag), None)


def children(el: El | None) -> list[El]:
    return [] if el is None else list(el)


def int_value(value: str | None, default: int = 0) -> int:
    """A number attribute as Word reads it ("240", "240.0"); ``default`` when absent or bad."""
    try:
        return int(float(value)) if value is not None else default
    except (ValueError, OverflowError):
        return default


def is_on(el: El) -> bool:
    """A boolean property element (<w:b/>, <w:b w:val="false"/>)."""
    return attr(el, "val") not in ("0", "false", "off", "none")


def flatten(parent: El, tags: Collection[str],
            containers: Collection[str] = CONTAINERS) -> Iterator[El]:
    """Children with one of ``tags``, looking through content controls and custom XML."""
    for item in parent:
        if item.tag in tags:
            yield item
        elif item.tag in containers:
            yield from flatten(item, tags, containers)


def nearest(el: El, tag: str) -> El | None:
    """The nearest ancestor of ``el`` with ``tag``."""
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def own(container: El, tag: str, owner_tag: str) -> list[El]:
    """``tag`` descendants of ``container`` that are not inside a nested ``owner_tag`` (the
    rows of a table, not those of a table in one of its cells)."""
    return [el for el in container.iter(tag) if nearest(el, owner_tag) is container]


_COUNTERS: dict[str, etree.XPath] = {}


def count(el: El, tag: str) -> int:
    """How many ``tag`` (``"w:p"``) elements are under ``el``, counted inside libxml2."""
    if tag not in _COUNTERS:
        _COUNTERS[tag] = etree.XPath(f"count(.//{tag})", namespaces=NSMAP)
    return int(_COUNTERS[tag](el))
