#!/usr/bin/env bash
# Install everything the tests need (Python packages, Debian packages, axe-core) and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chromium for the browser tests; LibreOffice Calc and pdftotext to render the exported workbook;
# LibreOffice Writer to make the plan's PDF from its Word document; HAProxy for the
# several-processes smoke test (benchmarks/processes.py).
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/soffice ] || [ ! -x /usr/bin/pdftotext ] \
    || ! ls /usr/lib/libreoffice/program/libswlo.so >/dev/null 2>&1 || [ ! -x /usr/sbin/haproxy ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core \
    libreoffice-calc-nogui libreoffice-writer-nogui poppler-utils haproxy >/dev/null
fi
python3 -m pip install -q --disable-pip-version-check -r requirements-dev.txt
# axe-core for the accessibility browser tests (tests/e2e/axe.py pins the same version)
if [ ! -f .cache/axe/node_modules/axe-core/axe.min.js ]; then
  # npm alone: where Node.js comes from elsewhere with its own npm, Debian's npm conflicts with it
  command -v npm >/dev/null || { SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo; $SUDO apt-get update -qq;
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm >/dev/null; }
  npm install --silent --no-audit --no-fund --prefix .cache/axe axe-core@4.14.1 >/dev/null
fi
# Lint: syntax errors and pyflakes findings (rules in pyproject.toml), and the code's layout.
python3 -m ruff check .
python3 -m ruff format --check .
# Types: the baseline is clean, so any new error fails here (settings in pyproject.toml).
python3 -m mypy
# Everything is installed now, so a skipped test is a failure here (tests/strict_skips.py).
# LAPE_TEST_WORKERS=N runs the tests in N pytest-xdist processes (a browser test module's tests stay together
# on one worker: xdist_group, tests/conftest.py). One process by default: with 2 workers on 2 cores that other
# work loaded too, 1, 2 and 0 of the 1130 tests failed in three runs, each time a browser test's wait
# (README: Run all tests); with 4 workers, 3 in each of two runs.
LAPE_REQUIRE_ALL=1 python3 -m pytest -n "${LAPE_TEST_WORKERS:-0}" --dist loadgroup "$@"
