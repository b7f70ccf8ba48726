"""LAPE_REQUIRE_ALL=1 (CI) turns any skipped test into a failed run (tests/strict_skips.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("require_all, code", [("1", 1), ("", 0)])
def test_a_skip_fails_the_run_only_when_all_are_required(tmp_path, require_all, code):
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_one.py").write_text(
        "import pytest\n\ndef test_runs():\n    pass\n\n"
        "@pytest.mark.skip(reason='tool missing')\ndef test_skipped():\n    pass\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LAPE_REQUIRE_ALL": require_all}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.strict_skips", "-q", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == code, out.stdout + out.stderr
    assert "1 passed, 1 skipped" in out.stdout
    assert ("1 test(s) skipped, which fails the run" in out.stdout) == (require_all == "1")
