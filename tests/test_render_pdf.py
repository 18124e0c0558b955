"""The appendix as LibreOffice prints it (the project's PDF path): page by page.

The three bundled profiles are rendered through the library and converted with ``soffice
--headless --convert-to pdf``; then, per landscape page (``pdftotext -f N -l N``): no page ends
with a group or section title whose first task went to the next page; every page repeats the
header row and is filled at least 60 % (the last excepted); and each footnote's text is at the
foot of the page that holds its marker, in both layouts. And however long the body, the page of
the signature holds the end of the text. Slow: a LibreOffice run.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kehoach_gen.adapt import FOOTNOTE_RE, Para, UnitPlan, adapt, plain
from kehoach_gen.pdf import find_soffice
from kehoach_gen.render import CompiledTemplate
from kehoach_gen.validate import load_city, load_profile

from .conftest import REPO

pytestmark = pytest.mark.slow
STEMS = ("tan_an", "le_chan", "cat_hai")
INSTALL = "sudo apt-get install libreoffice-writer-nogui fonts-liberation poppler-utils"
MARGIN_PT = 20 / 25.4 * 72  # top and bottom margins of the appendix


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} not found on PATH; install it with: {INSTALL}"
    return path


def _run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, encoding="utf-8", check=True).stdout


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@dataclass
class Printed:
    plan: UnitPlan
    pdf: Path
    _texts: dict[tuple[int, bool], str] = field(default_factory=dict)

    def text(self, page: int, layout: bool = False) -> str:
        if (page, layout) not in self._texts:
            self._texts[page, layout] = _run(_tool("pdftotext"), "-enc", "UTF-8", *(["-layout"] if layout else []),
                                             "-f", str(page), "-l", str(page), str(self.pdf), "-")
        return self._texts[page, layout]

    @property
    def pages(self) -> int:
        return int(re.search(r"^Pages:\s+(\d+)", _run(_tool("pdfinfo"), str(self.pdf)), re.M).group(1))  # type: ignore[union-attr]

    def landscape(self) -> list[int]:
        info = _run(_tool("pdfinfo"), "-f", "1", "-l", str(self.pages), str(self.pdf))
        return [int(n) for n, w, h in re.findall(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+)", info, re.M)
                if float(w) > float(h)]

    def fill(self, page: int) -> float:
        box = _run(_tool("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(self.pdf), "-")
        height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', box).group(1))  # type: ignore[union-attr]
        bottoms = [float(y) for y in re.findall(r'yMax="([\d.]+)"', box)]
        return (max(bottoms) - MARGIN_PT) / (height - 2 * MARGIN_PT)

    def row_pages(self) -> list[int]:
        """The page each appendix row starts on: its TT and first words on one line, in order."""
        rows = self.plan.rows()
        found: list[int] = []
        for page in self.landscape():
            for line in self.text(page, layout=True).splitlines():
                if len(found) == len(rows):
                    break
                row = rows[len(found)]
                prefix = squash(plain(row.text))[:12]
                if row.number:
                    m = re.match(r"^\s*(\S+)\s+(.*)$", line)
                    ok = bool(m) and m.group(1) == row.number and squash(m.group(2)).startswith(prefix)  # type: ignore[union-attr]
                else:
                    ok = squash(line).startswith(prefix)
                if ok:
                    found.append(page)
        return found


def _texts_in_order(plan: UnitPlan) -> list[str]:
    return [p.full for p in plan.body] + [r.text for r in plan.rows()]


def _printed(folder: Path, plans: dict[str, UnitPlan]) -> dict[str, Printed]:
    """Each plan rendered with the bundled template into ``folder`` and printed to PDF by
    LibreOffice, in one run."""
    soffice = find_soffice()
    assert soffice, f"LibreOffice (soffice) not found; install it with: {INSTALL}"
    template = CompiledTemplate(REPO / "templates" / "ke_hoach.docx")
    for name, plan in plans.items():
        (folder / f"{name}.docx").write_bytes(template.render(plan))
    profile_dir = folder / "lo-profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile_dir.as_uri()}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(folder), *(str(folder / f"{n}.docx") for n in plans)],
                   capture_output=True, check=True, timeout=600)
    return {name: Printed(plan, folder / f"{name}.pdf") for name, plan in plans.items()}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    city, _ = load_city(REPO / "city_template.yaml")
    plans: dict[str, UnitPlan] = {}
    for stem in STEMS:
        profile, _ = load_profile(REPO / "unit_profiles" / f"{stem}.yaml", city)
        plans[stem] = adapt(city, profile, draft=True)
        if stem == "tan_an":
            plans["tan_an_inline"] = adapt(city, profile.model_copy(update={"task_layout": "inline"}), draft=True)
    return _printed(tmp_path_factory.mktemp("pdf"), plans)


@pytest.mark.parametrize("stem", STEMS)
def test_no_page_ends_with_a_group_or_section_title(stem: str, printed: dict[str, Printed]) -> None:
    doc = printed[stem]
    rows = doc.plan.rows()
    starts = doc.row_pages()
    assert len(starts) == len(rows), f"only {len(starts)} of {len(rows)} rows found in the PDF"
    stranded = []
    for page in doc.landscape():
        on_page = [i for i, p in enumerate(starts) if p == page]
        if on_page and rows[on_page[-1]].spans and on_page[-1] != len(rows) - 1:
            stranded.append((page, rows[on_page[-1]].number, rows[on_page[-1]].text[:40]))
    assert stranded == []


@pytest.mark.parametrize("stem", STEMS)
def test_every_appendix_page_repeats_the_header_and_is_well_filled(stem: str, printed: dict[str, Printed]) -> None:
    doc = printed[stem]
    pages = doc.landscape()
    assert len(pages) >= 10
    for page in pages:
        assert "Cơquanchủtrì" in squash(doc.text(page)), page
    fills = {page: round(doc.fill(page), 2) for page in pages[:-1]}
    assert min(fills.values()) >= 0.6, fills


@pytest.mark.parametrize("name", [*STEMS, "tan_an_inline"])
def test_each_footnote_is_on_the_page_of_its_marker(name: str, printed: dict[str, Printed]) -> None:
    doc = printed[name]
    assert doc.plan.footnotes, "the bundled plans have a footnote"
    pages = {p: squash(doc.text(p)) for p in range(1, doc.pages + 1)}
    for key, (_, note) in doc.plan.footnotes.items():
        text = next(t for t in _texts_in_order(doc.plan) if f"[^{key}]" in t)
        before = squash(plain(text[:text.index(f"[^{key}]")]))[-20:]
        marker_page = next(p for p, t in pages.items() if before in t)
        note_pages = [p for p, t in pages.items() if squash(note)[:30] in t]
        assert note_pages == [marker_page], (before, marker_page, note_pages)
        assert not FOOTNOTE_RE.search(pages[marker_page])


# the body lengthened a line at a time (a step of 3 lines, less than the signature table's
# height, so that some step leaves room for the closing paragraph but not for the table)
PADDING = range(0, 30, 3)


@pytest.fixture(scope="module")
def padded(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Printed]:
    city, _ = load_city(REPO / "city_template.yaml")
    profile, _ = load_profile(REPO / "unit_profiles" / "tan_an.yaml", city)
    plan = adapt(city, profile.model_copy(update={"task_layout": "inline"}), draft=True)
    assert plan.body[-1].kind == "closing"
    plans = {}
    for k in PADDING:
        pad = tuple(Para("text", f"- Dòng thêm số {n + 1}.") for n in range(k))
        plans[f"pad{k}"] = dataclasses.replace(plan, body=(*plan.body[:-1], *pad, plan.body[-1]))
    printed = _printed(tmp_path_factory.mktemp("padded"), plans)
    return {k: printed[f"pad{k}"] for k in PADDING}


def test_the_signature_page_always_holds_the_end_of_the_text(padded: dict[int, Printed]) -> None:
    """However long the body, the page of Nơi nhận and the signature also holds the end of the
    closing paragraph ("… chỉ đạo thực hiện./."): a page with a signature and nothing of the
    text is no page to sign. The bodies end at places across a whole page, so that the table
    falls on the next page for some of them."""
    pages = {}
    for k, doc in padded.items():
        texts = {p: squash(doc.text(p)) for p in range(1, doc.pages + 1)}
        sign = [p for p, t in texts.items() if "Nơinhận:" in t]
        assert len(sign) == 1, (k, sign)
        pages[k] = sign[0]
        end = squash(plain(doc.plan.body[-1].text))[-30:]
        assert end in texts[sign[0]], (k, sign[0])
    assert len(set(pages.values())) >= 2, pages  # (the page break did move across the end)
