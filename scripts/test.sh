#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian packages), lint, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium for the browser tests; LibreOffice Calc and pdftotext to render the exported workbook;
# HAProxy for the several-processes smoke test (benchmarks/processes.py).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/soffice ] || [ ! -x /usr/bin/pdftotext ] \
    || [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core \
    libreoffice-calc-nogui poppler-utils haproxy >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# Lint: syntax errors and pyflakes findings (rules in pyproject.toml).
python3 -m ruff check .
# Everything is installed now, so a skipped test is a failure here (tests/strict_skips.py).
LAPE_REQUIRE_ALL=1 python3 -m pytest "$@"
