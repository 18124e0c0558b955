"""Import a finished plan (.docx) into a city template, or the city's appendix table alone.

:func:`import_document` takes any finished Kế hoạch, of a province or of one of its units, with
its tasks in an appendix table or written in the body, and gives a complete city template, the
source unit's profile and a review report listing every guess (:mod:`.plan`, :mod:`.report`).
It reads the document as a clerk does (:mod:`.source`, :mod:`.meta`, :mod:`.outline`,
:mod:`.inline`, :mod:`.body`), maps agencies to role keys through a dictionary that is data
(:mod:`.agencies`, ``kehoach_gen/data/agencies.yaml``) and turns the unit's own words into
placeholders by reference (:mod:`.wording`).

:func:`import_appendix` reads only the city's appendix table ("TT / Nhiệm vụ / Cơ quan chủ
trì / …", headers in any order and wording: :mod:`.table`), turns its rows into groups,
sections and tasks (:mod:`.structure`, :mod:`.drafts`), reads real Word footnotes
(:mod:`.footnotes`), rejoins rows that a page break split in two, and gives every task a stable
id, kept across re-imports of a revised table by matching task texts (:mod:`.ids`). All Word
reading goes through :mod:`kehoach_gen.ooxml`.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError, Problem
from ..model import CityTemplate
from ..ooxml.element import XMLSyntaxError
from ..ooxml.package import open_docx
from .agencies import AGENCY_ALIASES, AgencyTable, Dictionary, agency_key, load_dictionary
from .ids import SIMILARITY
from .opening import SAVE_AS, WORDING
from .plan import import_document
from .reader import read_appendix
from .report import ImportReport
from .result import ImportResult
from .session import Session
from .table import FIELDS
from .text import fold
from .wording import Note

__all__ = ["AGENCY_ALIASES", "FIELDS", "SIMILARITY", "WORDING", "AgencyTable", "Dictionary", "ImportReport",
           "ImportResult", "Note", "agency_key", "fold", "import_appendix", "import_document", "load_dictionary"]


def import_appendix(source: str | Path | bytes, *, previous: CityTemplate | None = None,
                    agencies: str | Path | None = None) -> ImportResult:
    """Read the city's appendix table from a .docx (a path or its bytes).

    With ``previous`` (the city template from an earlier import, possibly reviewed), tasks keep
    their ids when their text is still similar, reviewers' per-level wording is carried over,
    and the previous template's role names count as extra agency aliases; ``agencies`` is a
    user's own agency dictionary, extending the bundled one. Raises :class:`InputError` for a
    file that is not a readable .docx or has no appendix table.
    """
    table = AgencyTable.for_template(previous, dictionary=load_dictionary(agencies))
    opened = open_docx(source, WORDING)
    try:
        return read_appendix(opened.document, Session(opened.name, previous, agencies=table))
    except XMLSyntaxError as exc:
        raise InputError([Problem(message=f"tài liệu Word bị hỏng: {exc}", file=opened.name,
                                  hint=SAVE_AS)]) from None
