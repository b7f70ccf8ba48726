"""Every benchmark still runs (its --smoke mode: tiny sizes, figures not judged), so that one
that stops running fails the build instead of rotting unseen."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = sorted((ROOT / "benchmarks").glob("*.py"))

pytestmark = pytest.mark.benchmark_smoke

# A line of each benchmark's figures, numbers included: a run that ends well but measured nothing fails.
FIGURES = {
    "budget_rollup": [r"roll-up, whole plan area +[\d.]+ ms"],
    "documents": [r"example plan, with its indicator charts: \d+ paragraphs", r"plan_docx best [\d.]+ s"],
    "export": [r"full workbook .*: [\d,]+ cells", r"plan_workbook best [\d.]+ s"],
    "follow_up_rollup": [r"rollup +[\d.]+ ms", r"save per update: bulk [\d.]+ ms"],
    "hostile_uploads": [
        r"baseline \(a process that imports the package\): \d+ MB",
        r"import-indicators +[\d.]+MB +\d+MB .*refused",
        r"goal met: every hostile file refused",
    ],
    "ideas_load": [
        r"submission round trip \(\d+ single sends\): median \d+ ms",
        r"exactly once: \d+ ideas confirmed \([1-9]\d* double-tapped\)",
        r"idea page [\d.]+/s",
    ],
    "indicator_import": [r"import \(validate, store\): +[\d.]+ s"],
    "indicators_page": [r"indicators, charts +\d+ ms per rerun"],
    "processes": [r"2 process\(es\): participant page [\d.]+/s, one-line page [\d.]+/s, vote p95 \d+ ms"],
    "publish": [r"publish \(read, render, CSV, write, swap\) +[\d.]+ ms"],
    "workshop_load": [
        r"vote round trip \(\d+ votes\): median \d+ ms",
        r"exactly once: \d+ votes given \([1-9]\d* of them double-tapped\)",
        r"participant page [\d.]+/s",
        r"phase following \(4 switches",
    ],
}


def test_benchmarks_are_found():
    assert {"workshop_load.py", "processes.py", "indicators_page.py"} <= {p.name for p in BENCHMARKS}
    assert {p.stem for p in BENCHMARKS} == set(FIGURES)


@pytest.mark.parametrize("script", BENCHMARKS, ids=lambda p: p.stem)
def test_benchmark_runs_in_smoke_mode(script, tmp_path):
    if script.stem == "processes" and not shutil.which("haproxy"):
        pytest.skip("HAProxy is needed: apt-get install haproxy (scripts/test.sh installs it)")
    out = subprocess.run(
        [sys.executable, str(script), "--smoke"], cwd=tmp_path, capture_output=True, text=True, timeout=600
    )
    assert out.returncode == 0, f"{script.name} --smoke failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    for figure in FIGURES[script.stem]:
        assert re.search(figure, out.stdout), f"{script.name} --smoke printed no {figure!r}:\n{out.stdout[-3000:]}"
