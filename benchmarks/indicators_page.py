"""Script time of the Indicators page with national-scale data:
308 municipalities x 50 indicators x 20 years x 3 genders (924,000 values), each a percentage
with the count behind it, so that intervals, the test of the change and "too few" all apply.

    python benchmarks/indicators_page.py             # national scale, 20 reruns per view
    python benchmarks/indicators_page.py --municipalities 60 --reruns 5

Each view of the page is run through Streamlit's AppTest (the real page script, guard
included); a one-line page run the same way in the same process is the baseline, so the
ratio shows what the page itself adds. Goal: <= 150 ms per rerun."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lape_plan import auth, db as dbm, demo, indicators, sotkanet  # noqa: E402
from lape_plan.model import SYSTEM, Role  # noqa: E402

INDICATORS, YEARS, GENDERS = 50, 20, ("total", "male", "female")


def build(path: Path, municipalities: int) -> int:
    database = dbm.connect(path)
    demo.load(database)
    auth.create_user(database, SYSTEM, "bench", "bench-password-1", role=Role.ADMIN, display_name="Bench")
    codes = [c for c, _, _ in demo.MUNICIPALITIES]
    others = [f"{n:03d}" for n in range(1, 1000) if f"{n:03d}" not in codes][: max(0, municipalities - len(codes))]
    regions = [
        {"id": 30000 + i, "code": code, "category": "KUNTA", "title": {"fi": f"Kunta {code}"}, "memberOf": []}
        for i, code in enumerate(codes + others)
    ]
    regions += [
        {"id": 964, "code": "18", "category": "HYVINVOINTIALUE", "title": {"fi": "Soite"}, "memberOf": []},
        {"id": 971, "code": "17", "category": "HYVINVOINTIALUE", "title": {"fi": "Pohjanmaa"}, "memberOf": []},
        {"id": 658, "code": "SSS", "category": "MAA", "title": {"fi": "Koko maa"}, "memberOf": []},
    ]
    # percentages with the count behind each value, so that every value gets its interval
    metadata = [
        {
            "id": 20000 + i,
            "title": {"fi": f"Indikaattori {i}", "sv": f"Indikator {i}"},
            "decimals": 1,
            "primaryValueType": {"code": "PROS", "title": {"fi": "%"}},
            "description": {"fi": "<p>Kuvaus</p>"},
        }
        for i in range(INDICATORS)
    ]
    indicators.import_files(
        database, SYSTEM, [("r.json", json.dumps(regions).encode()), ("m.json", json.dumps(metadata).encode())]
    )
    rows = []
    for ind in range(INDICATORS):
        for region in regions:
            for year in range(2024 - YEARS, 2024):
                for g in GENDERS:
                    value = round((ind + region["id"] + year) % 97 / 3 + 0.5, 1)
                    people = 40 + (region["id"] * 37) % 4000  # from a few dozen to thousands measured
                    rows.append((20000 + ind, region["id"], year, g, value, round(value * people / 100), 0))
    indicators.import_parsed(database, SYSTEM, [sotkanet.Parsed("national", "data", rows)])
    return len(rows)


def signed_in(script: str, path: Path):
    """AppTest of a page script with the session signed in as the benchmark's administrator."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(script, default_timeout=60)
    user_id = dbm.connect(path).execute("select id from users where username = 'bench'").fetchone()[0]
    for key, value in {"user_id": user_id, "last_seen": time.time(), "auth_role": "admin"}.items():
        at.session_state[key] = value
    return at


def per_run(at, reruns: int, action=None) -> float:
    times = []
    for _ in range(reruns):
        if action:
            action(at)
        start = time.perf_counter()
        at.run()
        times.append(time.perf_counter() - start)
        assert not at.exception, at.exception
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--municipalities", type=int, default=308)
    parser.add_argument("--reruns", type=int, default=20)
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: only checks that the benchmark still runs (CI)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.municipalities, args.reruns = 10, 1

    tmp = Path(tempfile.mkdtemp())
    try:
        run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(args, tmp: Path) -> None:
    from streamlit.testing.v1 import AppTest

    path = tmp / "national.db"
    start = time.perf_counter()
    values = build(path, args.municipalities)
    print(f"database: {values:,} values in {time.perf_counter() - start:.0f} s")
    os.environ["LAPE_PLAN_DB"] = str(path)

    hello = tmp / "hello.py"
    hello.write_text("import streamlit as st\nst.write('hello')\n")
    baseline = per_run(AppTest.from_file(str(hello), default_timeout=60), args.reruns)
    results = {}
    for view in ("charts", "catalogue", "import"):
        at = signed_in(str(ROOT / "pages" / "indicators.py"), path)
        at.session_state["ind_view"] = view
        at.run()
        assert not at.exception and at.radio(key="ind_view").value == view, "the page did not render"
        results[view] = per_run(at, args.reruns)
    at = signed_in(str(ROOT / "pages" / "indicators.py"), path)
    at.run()
    ids = [r[0] for r in dbm.connect(path).execute("select id from indicators where source = 'sotkanet' limit 10")]
    state = {"i": 0}

    def switch(at):
        state["i"] += 1
        at.selectbox(key="ind_chart_indicator").set_value(ids[state["i"] % len(ids)])

    results["charts, switching indicator"] = per_run(at, args.reruns, switch)
    results["overview page"] = per_run(signed_in(str(ROOT / "pages" / "overview.py"), path), args.reruns)
    database = dbm.connect(path)
    start = time.perf_counter()
    indicators.catalogue(database)
    uncached = time.perf_counter() - start
    print(f"one-line page (baseline): {baseline * 1000:6.0f} ms per rerun")
    print(f"catalogue value counts, first run after a write (then cached): {uncached * 1000:.0f} ms")
    for name, seconds in results.items():
        print(
            f"indicators, {name:27s} {seconds * 1000:6.0f} ms per rerun   ratio to one-line page {seconds / baseline:5.1f}"
            + ("" if name == "overview page" else f"   goal <= 150 ms: {'met' if seconds <= 0.150 else 'NOT met'}")
        )


if __name__ == "__main__":
    main()
