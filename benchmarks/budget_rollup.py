"""The child budget roll-up of a large plan, as a ratio to reading the same rows with
plain SQL in the same run (goal ≤ 3).

    python benchmarks/budget_rollup.py            # 3,000 measures × 5 years
    python benchmarks/budget_rollup.py --quick    # 300 measures
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

from lape_plan import budget, db as dbm, plans  # noqa: E402
from lape_plan.db import now, write  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402

PLAIN = (
    "select b.* from budget_lines b join measures m on m.id = b.measure_id join goals g on g.id = m.goal_id "
    "join focus_areas f on f.id = g.focus_area_id where f.plan_id = ?"
)


def build(database, measures: int):
    """A plan of `measures` measures over 5 years under 10 organisations, 60 % of goals
    shared, a budget line for every measure-year (a few without euros or kind), and a
    follow-up status per measure-year, 3 % of them cancelled."""
    orgs = [plans.add_organisation(database, SYSTEM, "municipality", f"Kunta {i}", code=f"9{i:02d}") for i in range(10)]
    plan_id = plans.create_plan(database, SYSTEM, "Benchmark", 2020, 2024, org_ids=orgs)
    goals = []
    with write(database):
        for a in range(max(1, measures // 60)):
            area = plans.add(database, SYSTEM, "focus_area", plan_id, title_fi=f"Alue {a}")
            for g in range(6):
                local = (a + g) % 5 >= 3
                goals.append(
                    plans.add(
                        database,
                        SYSTEM,
                        "goal",
                        area,
                        title_fi=f"Tavoite {a}.{g}",
                        scope="local" if local else "shared",
                        municipality_ids=[orgs[g % 10]] if local else [],
                        responsible_ids=[orgs[(a + g) % 10]],
                    )
                )
        ids = [
            plans.add(
                database,
                SYSTEM,
                "measure",
                goals[i % len(goals)],
                title_fi=f"Toimenpide {i}",
                responsible_org_id=orgs[i % 10] if i % 7 else None,
            )
            for i in range(measures)
        ]
    rng = random.Random(1)
    lines, statuses, stamp = [], [], now()
    for m in ids:
        for year in range(2020, 2025):
            planned = None if rng.random() < 0.05 else float(rng.randrange(1000, 200000, 100))
            lines.append(
                {
                    "measure_id": m,
                    "year": year,
                    "planned_eur": planned,
                    "actual_eur": None if planned is None or year == 2024 else planned * rng.uniform(0.8, 1.2),
                    "source": rng.choice(budget.SOURCES),
                    "kind": rng.choice((*budget.KINDS, None)),
                    "direct_share": rng.choice((None, 50.0, 100.0)),
                    "is_example": 0,
                    "version": 1,
                    "updated_at": stamp,
                    "updated_by": "bench",
                }
            )
            status = "cancelled" if rng.random() < 0.03 else rng.choice(("on_track", "delayed", "done"))
            statuses.append(
                {
                    "entity": "measure",
                    "item_id": m,
                    "year": year,
                    "version": 1,
                    "status": status,
                    "progress": 50,
                    "narrative": "",
                    "evidence_url": "",
                    "updated_by": "bench",
                    "user_id": None,
                    "updated_at": stamp,
                }
            )
    with write(database):
        database["budget_lines"].insert_all(lines, batch_size=2000)
        database["status_updates"].insert_all(statuses, batch_size=2000)
    return plan_id, orgs, len(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--measures", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="300 measures")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: only checks that the benchmark still runs (CI)"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.measures, args.repeat = 20, 1
    measures = 300 if args.quick else args.measures
    with tempfile.TemporaryDirectory() as tmp:
        database = dbm.connect(Path(tmp) / "bench.db")
        plan_id, orgs, n = build(database, measures)
        plain_rows = len(database.execute(PLAIN, [plan_id]).fetchall())
        cases = {
            "plain SQL read of the lines": lambda: database.execute(PLAIN, [plan_id]).fetchall(),
            "roll-up, whole plan area": lambda: budget.rollup(database, plan_id),
            "roll-up, one municipality": lambda: budget.rollup(database, plan_id, orgs[3]),
            "roll-up + trend (page data)": lambda: budget.trend(budget.rollup(database, plan_id)),
        }
        times: dict[str, list[float]] = {k: [] for k in cases}
        for _ in range(args.repeat):  # alternate, so that load on the machine hits all alike
            for name, fn in cases.items():
                start = time.perf_counter()
                fn()
                times[name].append(time.perf_counter() - start)
        database.close()
    base = statistics.median(times["plain SQL read of the lines"])
    print(
        f"{measures} measures × 5 years: {n} budget lines ({plain_rows} read by the baseline), "
        f"{n} status updates; median of {args.repeat}"
    )
    for name, values in times.items():
        value = statistics.median(values)
        print(f"{name:30s} {value * 1000:8.1f} ms  = {value / base:5.2f} × plain SQL")
    return 0


if __name__ == "__main__":
    sys.exit(main())
