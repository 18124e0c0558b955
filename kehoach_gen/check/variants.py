"""Two spellings of one phrase in one document ("hằng năm" beside "hàng năm"): a style
warning, from a short list of variant groups a clerk recognises, shipped as data
(``kehoach_gen/data/spelling_variants.yaml``; the first spelling of a group is the one to use).

Matching ignores case and the width of the space between words; each paragraph's spellings
are found once per process (:func:`~.scan.remember`), in one pass of one compiled alternation.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field

import yaml

from ..loading import SAFE_LOADER
from ..ooxml.nodes import Para
from ..resources import bundled
from .common import Ctx
from .report import Finding
from .rules import rule
from .scan import Fact, Texts, each, fact
from .text import facts, prepare_facts

VARIANT = rule("STYLE-VARIANT", "Một cụm từ chỉ viết một cách trong cả văn bản (ví dụ 'hằng năm', "
                                "không lẫn 'hàng năm').", "warning")

VARIANTS_FILE = "spelling_variants.yaml"


@functools.lru_cache(maxsize=1)
def variant_groups() -> tuple[tuple[str, ...], ...]:
    """The variant groups of the data file, in NFC lower case, preferred spelling first."""
    data = yaml.load(bundled(VARIANTS_FILE).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not all(
            isinstance(g, list) and len(g) >= 2 and all(isinstance(v, str) and v.strip()
                                                        for v in g) for g in groups):
        raise ValueError(f"{VARIANTS_FILE}: 'groups' must be a list of lists of two or more "
                         "spellings")
    return tuple(tuple(_key(v) for v in g) for g in groups)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


@functools.lru_cache(maxsize=1)
def _compiled() -> tuple[re.Pattern[str], dict[str, int]]:
    """One alternation of every spelling (longest first, whole words, not followed by a
    number: "mặt hàng năm 2026" speaks of goods), and each spelling's group."""
    group_of: dict[str, int] = {}
    for n, group in enumerate(variant_groups()):
        for v in group:
            group_of.setdefault(v, n)
    spellings = sorted(group_of, key=len, reverse=True)
    alternation = "|".join(r"\s+".join(map(re.escape, v.split())) for v in spellings)
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)(?!\s+\d)"), group_of


_SPELLINGS = "spelling variants"
Spelling = tuple[str, str]  # the spelling (its key), as written


def _spellings(text: str) -> tuple[Spelling, ...]:
    pattern, _ = _compiled()
    text = unicodedata.normalize("NFC", text)
    small = text.lower()
    if len(small) != len(text):  # a letter whose lower case is longer: keep offsets right
        return tuple((_key(m.group()), _key(m.group())) for m in pattern.finditer(small))
    return tuple((_key(m.group()), " ".join(text[m.start():m.end()].split()))
                 for m in pattern.finditer(small))


@functools.lru_cache(maxsize=1)
def _first_words() -> tuple[str, ...]:
    """The first word of each spelling: searched one by one as plain strings, they rule out
    most paragraphs far faster than the alternation itself."""
    return tuple(sorted({v.split()[0] for group in variant_groups() for v in group}))


def _candidates(texts: Texts) -> set[int]:
    return texts.lower.containing(*_first_words())


fact(Fact(_SPELLINGS, (), _spellings, _candidates))


@dataclass
class _Use:
    written: str
    para: Para
    count: int = 0


@dataclass
class _Group:
    uses: dict[str, _Use] = field(default_factory=dict)


def check_variants(ctx: Ctx) -> Iterator[Finding]:
    _, group_of = _compiled()
    groups = variant_groups()
    seen: dict[int, _Group] = {}
    for p, spellings in each(ctx.doc, _SPELLINGS, facts(_SPELLINGS), prepare=prepare_facts):
        for key, written in spellings:
            group = seen.get(group_of[key])
            if group is None:  # (not setdefault: most uses are of a spelling seen before)
                group = seen[group_of[key]] = _Group()
            use = group.uses.get(key)
            if use is None:
                use = group.uses[key] = _Use(written, p)
            use.count += 1
    for n in sorted(seen):
        uses = seen[n].uses
        if len(uses) < 2:
            continue
        order = groups[n]
        ranked = sorted(uses, key=lambda k: (-uses[k].count, order.index(k)))
        rare = uses[ranked[-1]]
        counts = ", ".join(f"'{uses[k].written}' ({uses[k].count} lần)" for k in ranked)
        yield ctx.find(VARIANT, rare.para, f"Cùng một cụm từ viết {len(uses)} cách: {counts}.",
                       f"Thống nhất một cách viết trong cả văn bản (nên dùng '{order[0]}').",
                       quote_text=rare.written)
