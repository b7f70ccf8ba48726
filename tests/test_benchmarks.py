"""Every benchmark still runs (its --smoke mode: tiny sizes, figures not judged), so that one
that stops running fails the build instead of rotting unseen."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))

pytestmark = pytest.mark.benchmark_smoke


def test_benchmarks_are_found():
    assert {"workshop_load.py", "processes.py", "indicators_page.py"} <= {p.name for p in BENCHMARKS}


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmark_runs_in_smoke_mode(script, tmp_path):
    if script.stem == "processes" and not shutil.which("haproxy"):
        pytest.skip("HAProxy is needed: apt-get install haproxy (scripts/test.sh installs it)")
    out = subprocess.run(
        [sys.executable, str(script), "--smoke"], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, f"{script.name} --smoke failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
