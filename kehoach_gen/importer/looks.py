"""The little formatting the importer needs, resolved as Word resolves it: whether a paragraph's
text is bold, in capitals, centred, and the style chain its numbering may come from.

Direct formatting first, then the run's character style, the paragraph's style and the styles
it is based on, then the document defaults (the first that says wins). This is a reader's
view, not the checker's full resolution: enough to tell a heading from a sentence.
"""

from __future__ import annotations

from typing import Any

from ..ooxml.element import El, attr, child, is_on
from ..ooxml.ns import P_PR, R_PR, qn
from ..ooxml.styles import style_chain
from ..ooxml.text import run_text, visible_runs

_STYLE, _DEFAULT, _TYPE, _STYLE_ID = qn("w:style"), qn("w:default"), qn("w:type"), qn("w:styleId")


def part_root(document: Any, reltype: str) -> El | None:
    """The root element of the main document's part related by ``reltype``, or None."""
    for rel in document.part.rels.values():
        if rel.reltype == reltype and not rel.is_external:
            el = getattr(rel.target_part, "element", None)
            if el is not None:
                return el
            from ..ooxml.element import parse_xml

            try:
                return parse_xml(rel.target_part.blob)
            except Exception:  # a part that is not XML: as if there were none
                return None
    return None


class Looks:
    """Styles of one document, and the look of its paragraphs."""

    def __init__(self, document: Any):
        from docx.opc.constants import RELATIONSHIP_TYPE as RT

        root = part_root(document, RT.STYLES)
        self.styles: dict[str, El] = {}
        self.defaults: dict[str, str] = {}
        self.doc_rpr: El | None = None
        self.doc_ppr: El | None = None
        if root is None:
            return
        for st in root.iter(_STYLE):
            sid = st.get(_STYLE_ID) or ""
            self.styles.setdefault(sid, st)
            if is_on_attr(st.get(_DEFAULT)):
                self.defaults.setdefault(st.get(_TYPE) or "paragraph", sid)
        self.doc_rpr = child(root, "docDefaults", "rPrDefault", "rPr")
        self.doc_ppr = child(root, "docDefaults", "pPrDefault", "pPr")

    def chain(self, style_id: str | None, kind: str) -> list[El]:
        return style_chain(self.styles, self.defaults, style_id, kind)

    def _run_flag(self, r: El, p: El, tag: str) -> bool:
        rpr = r.find(R_PR)
        found = child(rpr, tag) if rpr is not None else None
        if found is not None:
            return is_on(found)
        rstyle = attr(child(rpr, "rStyle"), "val") if rpr is not None else None
        if rstyle:
            for st in self.chain(rstyle, "character"):
                found = child(st, "rPr", tag)
                if found is not None:
                    return is_on(found)
        ppr = p.find(P_PR)
        for st in self.chain(attr(child(ppr, "pStyle"), "val") if ppr is not None else None, "paragraph"):
            found = child(st, "rPr", tag)
            if found is not None:
                return is_on(found)
        found = child(self.doc_rpr, tag) if self.doc_rpr is not None else None
        return found is not None and is_on(found)

    def look(self, p: El) -> tuple[bool, bool, bool]:
        """(bold, all capitals, centred) of the inked text of ``p``."""
        runs = [r for r in visible_runs(p) if run_text(r, any_namespace=True).strip()]
        bold = bool(runs) and all(self._run_flag(r, p, "b") for r in runs)
        caps = bool(runs) and all(self._run_flag(r, p, "caps") for r in runs)
        return bold, caps, self.alignment(p) == "center"

    def alignment(self, p: El) -> str:
        ppr = p.find(P_PR)
        jc = child(ppr, "jc") if ppr is not None else None
        if jc is None:
            for st in self.chain(attr(child(ppr, "pStyle"), "val") if ppr is not None else None, "paragraph"):
                jc = child(st, "pPr", "jc")
                if jc is not None:
                    break
        if jc is None and self.doc_ppr is not None:
            jc = child(self.doc_ppr, "jc")
        return attr(jc, "val") or "left"


def is_on_attr(value: str | None) -> bool:
    return value in ("1", "true", "on")
