"""How the follow-up reads scale with plan size, as ratios against reading the plan tree
(plans.tree) measured in the same run, and what a bulk save costs per update compared
with single saves.

    python benchmarks/follow_up_rollup.py            # 2000 measures × 5 years × 2 updates
    python benchmarks/follow_up_rollup.py --quick    # 300 measures
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lape_plan import db as dbm, follow_up as fu, plans  # noqa: E402
from lape_plan.db import write  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402


def timed(fn, repeat=5):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def build(database, measures: int, updates_per_year: int):
    org = plans.add_organisation(database, SYSTEM, "municipality", "Kunta", code="999")
    plan_id = plans.create_plan(database, SYSTEM, "Benchmark", 2020, 2024, org_ids=[org])
    goals = []
    with write(database):
        for a in range(max(1, measures // 50)):
            area = plans.add(database, SYSTEM, "focus_area", plan_id, title_fi=f"Alue {a}")
            for g in range(5):
                goals.append(
                    plans.add(database, SYSTEM, "goal", area, title_fi=f"Tavoite {a}.{g}", responsible_ids=[org])
                )
        ids = [
            plans.add(
                database, SYSTEM, "measure", goals[i % len(goals)], title_fi=f"Toimenpide {i}", responsible_org_id=org
            )
            for i in range(measures)
        ]
    rng = random.Random(1)
    updates = []
    for m in ids:
        for year in range(2020, 2025):
            for v in range(updates_per_year):
                status = rng.choice(fu.STATUSES)
                updates.append(
                    {
                        "entity": "measure",
                        "item_id": m,
                        "year": year,
                        "status": status,
                        "progress": rng.randint(0, 100),
                        "narrative": "Syy" if status in fu.NEEDS_NARRATIVE else "",
                        "expected_version": v or None,
                    }
                )
    return plan_id, ids, updates


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="300 measures")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: only checks that the benchmark still runs (CI)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.measures = 20
    measures = 300 if args.quick else args.measures
    with tempfile.TemporaryDirectory() as tmp:
        database = dbm.connect(Path(tmp) / "bench.db")
        plan_id, ids, updates = build(database, measures, 2)
        start = time.perf_counter()
        for i in range(0, len(updates), 1000):
            fu.record_many(database, SYSTEM, updates[i : i + 1000])
        bulk = (time.perf_counter() - start) / len(updates)
        single_n = 200
        start = time.perf_counter()
        for m in ids[:single_n]:
            fu.record(database, SYSTEM, "measure", m, 2024, "on_track", 50, expected_version=2)
        single = (time.perf_counter() - start) / single_n
        tree = timed(lambda: plans.tree(database, plan_id))
        current = timed(lambda: fu.current(database, plan_id))
        rollup = timed(lambda: fu.rollup(database, plan_id, 2024))
        missing = timed(lambda: fu.missing(database, plan_id, 2024))
        summary = timed(lambda: fu.year_summary(database, plan_id, 2024))
        grid = timed(lambda: fu.grid(database, plan_id))
        history = timed(lambda: fu.history(database, "measure", ids[0]), repeat=50)
        database.close()
    rows = len(updates) + single_n
    print(f"{measures} measures, {rows} status updates")
    print(f"baseline plans.tree: {tree * 1000:.1f} ms")
    for name, value in (
        ("current", current),
        ("rollup", rollup),
        ("missing", missing),
        ("year_summary", summary),
        ("grid (heatmap)", grid),
    ):
        print(f"{name:16s} {value * 1000:8.1f} ms  = {value / tree:5.1f} × tree")
    print(f"history of one item: {history * 1000:.2f} ms")
    print(
        f"save per update: bulk {bulk * 1000:.2f} ms, single {single * 1000:.2f} ms "
        f"(single = {single / bulk:.1f} × bulk)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
