"""The XML namespaces of a .docx, defined once for the whole package, and ``qn("w:p")``.

As in python-docx's ``oxml/ns.py``: code names an element by its prefixed name
(``qn("w:tbl")``) and this module turns it into lxml's Clark notation
(``{http://…/main}tbl``). The tag constants below are the ones the readers compare most often.
"""

from __future__ import annotations

from functools import cache

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
VML_NS = "urn:schemas-microsoft-com:vml"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

NSMAP: dict[str, str] = {"w": W_NS, "a": A_NS, "mc": MC_NS, "r": R_NS, "v": VML_NS}


@cache
def qn(tag: str) -> str:
    """``"w:p"`` → ``"{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"``."""
    prefix, _, local = tag.partition(":")
    return f"{{{NSMAP[prefix]}}}{local}"


# the elements every reader compares against
P, R, T, TBL, TR, TC = (qn(f"w:{t}") for t in ("p", "r", "t", "tbl", "tr", "tc"))
SDT, SDT_CONTENT, CUSTOM_XML, SMART_TAG = (
    qn(f"w:{t}") for t in ("sdt", "sdtContent", "customXml", "smartTag"))
SECT_PR, P_PR, R_PR = qn("w:sectPr"), qn("w:pPr"), qn("w:rPr")
DEL, MOVE_FROM = qn("w:del"), qn("w:moveFrom")
TXBX_CONTENT = qn("w:txbxContent")
FALLBACK = qn("mc:Fallback")
FLD_SIMPLE, FLD_CHAR, INSTR_TEXT = qn("w:fldSimple"), qn("w:fldChar"), qn("w:instrText")
VAL = qn("w:val")
