"""Using kehoach_gen as a library: load, adapt, inspect, render, check.

    python examples/library_usage.py [OUT_DIR]

Writes OUT_DIR/tan_an.docx (default: a temporary folder) and prints what it did.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import kehoach_gen as kg

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    out_dir = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp())
    city = kg.load_city_template(REPO / "city_template.yaml")
    profile = kg.load_profile(REPO / "unit_profiles" / "tan_an.yaml")

    plan = kg.build_plan(city, profile)  # pure data, no Word involved
    print(plan.issuer_lines, plan.number_line, plan.place_date, sep="\n")
    tasks = plan.tasks()
    print(f"{len(tasks)} nhiệm vụ; nhiệm vụ đầu: {tasks[0].number}. {tasks[0].text}")
    print("Chủ trì:", "; ".join(tasks[0].lead))

    # another profile, built in memory: a ward that is a pilot unit
    ward = kg.UnitProfile.model_validate({
        "level": "phường", "name": "Lê Chân", "pilot": True,
        "signer": {"name": "Nguyễn Văn A", "position": "Chủ tịch"},
    })
    print(kg.build_plan(city, ward).trich_yeu)

    target = out_dir / "tan_an.docx"
    data = kg.render_plan(plan, target)
    print(f"Đã ghi {target} ({len(data)} byte)")

    report = kg.check_document(target)
    print(f"Kiểm tra Nghị định 30: {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo")

    try:
        kg.load_profile(REPO / "README.md")
    except kg.InputError as exc:  # every problem, with file, line and key
        print("Ví dụ lỗi:", exc.problems[0].format())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
