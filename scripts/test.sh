#!/usr/bin/env bash
# Install everything the tests need on a bare Debian/Ubuntu machine, then run them.
# Used verbatim by the README and by .ci/run. Exit code: 0 only if every test ran and passed
# and ruff and mypy are clean. The last line says how many tests passed and failed.
# A fast loop while developing: python3 -m pytest -m "not slow" (no LibreOffice, no wheel, no 114 units;
# in parallel, one worker per core: -n0 runs the tests in one process, as -s does).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
# LibreOffice (PDF export), metric-compatible Times New Roman, pdfinfo/pdftotext for the PDF tests,
# python3-venv for the test that installs the wheel in a fresh virtual environment
need=""
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
fc-list 2>/dev/null | grep -qi "Liberation Serif" || need="$need fonts-liberation"
command -v pdfinfo >/dev/null 2>&1 || need="$need poppler-utils"
PY="${PYTHON:-python3}"
"$PY" -c "import ensurepip" >/dev/null 2>&1 || need="$need python3-venv"
if [ -n "$need" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
fi

"$PY" -m pip install -q --disable-pip-version-check -e '.[test]'

log="$(mktemp)"
serial_log="$(mktemp)"
trap 'rm -f "$log" "$serial_log"' EXIT
set +e
# every test but those held to a time or memory bound, in parallel (one worker per core: -n auto
# in setup.cfg); then those, one at a time, alone on the machine
"$PY" -m pytest tests -p no:cacheprovider -m "not serial" --dist worksteal 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
"$PY" -m pytest tests -p no:cacheprovider -m serial -n0 2>&1 | tee "$serial_log"
serial_rc=${PIPESTATUS[0]}
if [ "$rc" -eq 0 ] || { [ "$rc" -eq 5 ] && [ "$serial_rc" -ne 0 ]; }; then rc=$serial_rc; fi
lint="ruff, mypy: sạch"
if ! "$PY" -m ruff check kehoach_gen tests benchmarks scripts examples; then
  lint="ruff: lỗi"; [ "$rc" -ne 0 ] || rc=1
fi
if ! "$PY" -m mypy kehoach_gen; then
  lint="$lint; mypy: lỗi"; [ "$rc" -ne 0 ] || rc=1
fi
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  rc=1
fi
# pytest's closing lines ("612 passed, 2 failed in 93.1s") as the last line of each run, counted
counts="$(tail -n 1 "$log"; tail -n 1 "$serial_log")"
passed="$( (echo "$counts" | grep -Eo '[0-9]+ passed' || true) | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}' || true)"
failed="$( (echo "$counts" | grep -Eo '[0-9]+ (failed|errors?)' || true) | grep -Eo '[0-9]+' | awk '{s += $1} END {print s + 0}' || true)"
echo "${passed:-0} passed, ${failed:-0} failed; $lint"
exit "$rc"
