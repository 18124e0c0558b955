#!/usr/bin/env bash
# Install everything the tests need on a bare Debian/Ubuntu machine, then run them.
# Used verbatim by the README and by .ci/run. Exit code: 0 only if every test ran and passed.
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
# LibreOffice (PDF export), metric-compatible Times New Roman, pdfinfo/pdftotext for the PDF tests
need=""
command -v soffice >/dev/null 2>&1 || need="$need libreoffice-writer-nogui"
fc-list 2>/dev/null | grep -qi "Liberation Serif" || need="$need fonts-liberation"
command -v pdfinfo >/dev/null 2>&1 || need="$need poppler-utils"
if [ -n "$need" ]; then
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $need
fi

PY="${PYTHON:-python3}"
"$PY" -m pip install -q --disable-pip-version-check -e '.[test]'

set +e
"$PY" -m pytest tests -p no:cacheprovider
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
  exit 1
fi
if [ "$rc" -ne 0 ]; then exit "$rc"; fi

"$PY" -m ruff check kehoach_gen tests benchmarks scripts
"$PY" -m mypy kehoach_gen
