"""Import speed of Sotkanet rows against a plain sqlite3 executemany of the same rows.

    python benchmarks/indicator_import.py            # 1,000,000 rows (about a minute)
    python benchmarks/indicator_import.py --rows 100000

Both runs write to a fresh WAL database file, into the same table definition, in one
transaction; they alternate and the best of each counts. The import also validates every
row (known indicator and region, duplicates with different values) and compares with
stored values to report new/changed/unchanged.
ratio = plain insert time / import time (goal >= 0.5)."""

from __future__ import annotations

import argparse
import gc
import shutil
import json
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from lape_plan import db as dbm, indicators, sotkanet  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402

MUNICIPALITIES, INDICATORS, GENDERS = 308, 50, ("total", "male", "female")


def make_csv(rows: int) -> bytes:
    years = -(-rows // (MUNICIPALITIES * INDICATORS * len(GENDERS)))
    lines = ["indicator;region;year;gender;primary value;absolute value"]
    n = 0
    for ind in range(1, INDICATORS + 1):
        for reg in range(MUNICIPALITIES):
            for year in range(2024 - years, 2024):
                for g in GENDERS:
                    if n == rows:
                        break
                    lines.append(f"{10000 + ind};{20000 + reg};{year};{g};{(ind * reg + year) % 997 / 10};{reg + year}")
                    n += 1
    return ("\n".join(lines) + "\n").encode()


def setup_files():
    regions = [
        {"id": 20000 + r, "code": f"{r + 1:03d}", "category": "KUNTA", "title": {"fi": f"Kunta {r}"}, "memberOf": []}
        for r in range(MUNICIPALITIES)
    ]
    metadata = [
        {"id": 10000 + i, "title": {"fi": f"Indikaattori {i}"}, "decimals": 1} for i in range(1, INDICATORS + 1)
    ]
    return [("regions.json", json.dumps(regions).encode()), ("metadata.json", json.dumps(metadata).encode())]


def timed(fn):
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of import and baseline; the best of each counts")
    parser.add_argument("--on-disk", action="store_true", help="use the temp directory on disk, not /dev/shm")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, one run: only checks that the benchmark still runs (CI)"
    )
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 2000, 1
    data = make_csv(args.rows)
    # Both databases live in memory-backed /dev/shm when there is one: the disk's write-back of
    # earlier runs otherwise lands on whichever run comes next and swamps the difference measured.
    shm = Path("/dev/shm")
    tmp = Path(tempfile.mkdtemp(dir=shm if args.on_disk is False and shm.is_dir() else None))

    t_parse, parsed = timed(lambda: sotkanet.parse_file("bench.csv", data))
    n = len(parsed.rows)
    ddl = mapped = None
    t_import = t_plain = float("inf")
    for run in range(args.repeat):  # alternate the two, each into a fresh file; keep the best of each
        database = dbm.connect(tmp / f"import{run}.db")
        indicators.import_files(database, SYSTEM, setup_files())
        seconds, reports = timed(lambda: indicators.import_parsed(database, SYSTEM, [parsed]))
        assert reports[0].new == n, reports
        t_import = min(t_import, seconds)
        if mapped is None:
            # the baseline: the same rows, already mapped to ids, into the same table with executemany
            ind_ids = {int(r[1]): r[0] for r in database.execute("select id, source_id from indicators")}
            reg_ids = {
                r[0]: r[1]
                for r in database.execute("select sotkanet_id, id from ind_regions where sotkanet_id is not null")
            }
            mapped = [(ind_ids[i], reg_ids[r], y, g, v, a, 0) for i, r, y, g, v, a, _ in parsed.rows]
            ddl = database.execute("select sql from sqlite_master where name = 'indicator_values'").fetchone()[0]
        plain = sqlite3.connect(tmp / f"plain{run}.db", isolation_level=None)
        plain.execute("pragma journal_mode = wal")
        plain.execute(ddl)

        def baseline():
            plain.execute("begin")
            plain.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?)", mapped)
            plain.execute("commit")

        t_plain = min(t_plain, timed(baseline)[0])
        plain.close()
        if run < args.repeat - 1:  # keep memory use flat; the last import stays for the re-import
            database.close()
            for old in tmp.glob(f"*{run}.db*"):
                old.unlink()
    t_again, reports = timed(lambda: indicators.import_parsed(database, SYSTEM, [parsed]))
    assert reports[0].unchanged == n, reports
    print(f"rows: {n:,} (databases in {tmp.parent})")
    print(f"parse CSV:                {t_parse:6.2f} s  {n / t_parse:12,.0f} rows/s")
    print(f"import (validate, store): {t_import:6.2f} s  {n / t_import:12,.0f} rows/s")
    print(f"re-import (all unchanged):{t_again:6.2f} s  {n / t_again:12,.0f} rows/s")
    print(f"plain sqlite3 executemany:{t_plain:6.2f} s  {n / t_plain:12,.0f} rows/s")
    print(f"ratio import / plain insert (rows/s): {t_plain / t_import:.2f}  (goal >= 0.5)")
    print(f"ratio parse+import / plain insert:    {t_plain / (t_parse + t_import):.2f}")
    database.close()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
