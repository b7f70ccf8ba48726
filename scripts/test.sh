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
# Types: the baseline is clean, so any new error fails the run (settings in pyproject.toml). Without its
# cache (a fresh clone) mypy takes about a minute, so it runs beside the tests; its verdict is awaited below.
mypy_log=$(mktemp)
python3 -m mypy >"$mypy_log" 2>&1 &
mypy_pid=$!
# Everything is installed now, so a skipped test is a failure here (tests/strict_skips.py).
# Two pytest-xdist workers by default, one per core (LAPE_TEST_WORKERS=N for N, 0 for one process); a browser
# test module's tests stay together on one worker (xdist_group, tests/conftest.py). README: Run all tests.
status=0
LAPE_REQUIRE_ALL=1 python3 -m pytest -n "${LAPE_TEST_WORKERS:-2}" --dist loadgroup "$@" || status=$?
mypy_status=0
wait "$mypy_pid" || mypy_status=$?
cat "$mypy_log"
rm -f "$mypy_log"
[ "$mypy_status" -eq 0 ] || { echo "mypy found type errors (above)"; exit "$mypy_status"; }
exit "$status"
