"""Render every bundled plan, in both layouts, to PNG pages for a reviewer to look at.

    python scripts/render_pages.py [OUT_DIR]        (default: pages/)

For each bundled profile (the Hải Phòng units in unit_profiles/ and every example under
examples/*/unit_profiles/), writes OUT_DIR/<name>-<layout>.docx, converts all of them to PDF
in one LibreOffice batch, then each PDF to PNG pages at 60 dpi with pdftoppm
(OUT_DIR/<name>-<layout>-NN.png), and prints the page count of each plan. Look at every page as
the clerk who signs it would: header, body, signer, Nơi nhận, each appendix page.
Needs LibreOffice and poppler-utils (scripts/test.sh installs both).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kehoach_gen.pdf import convert_to_pdf  # noqa: E402
from kehoach_gen.pipeline import Project, generate_unit  # noqa: E402


def bundled() -> list[tuple[str, Path, Path]]:
    """(name, city template, profile) of every bundled plan."""
    plans = [(p.stem, REPO / "city_template.yaml", p) for p in sorted((REPO / "unit_profiles").glob("*.yaml"))]
    for example in sorted((REPO / "examples").glob("*/city_template.yaml")):
        plans += [(f"{example.parent.name}-{p.stem}", example, p)
                  for p in sorted((example.parent / "unit_profiles").glob("*.yaml"))]
    return plans


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "pages"
    out.mkdir(parents=True, exist_ok=True)
    if shutil.which("pdftoppm") is None:
        print("cần pdftoppm (poppler-utils): sudo apt-get install poppler-utils", file=sys.stderr)
        return 1
    docs: list[Path] = []
    projects: dict[Path, Project] = {}
    for name, city, profile in bundled():
        project = projects.setdefault(city, Project.load(city))
        for layout in ("appendix", "inline"):
            result = generate_unit(project, profile, out / f"{name}-{layout}.docx", force=True, draft=True,
                                   layout=layout)
            assert result.output is not None
            docs.append(result.output)
    pdfs = convert_to_pdf(docs)
    for pdf in pdfs:
        for old in out.glob(f"{pdf.stem}-*.png"):
            old.unlink()
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / pdf.stem)], check=True)
        pages = len(list(out.glob(f"{pdf.stem}-*.png")))
        print(f"{pdf.stem}: {pages} trang")
    print(f"Các trang ở {out}/ (*.png).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
