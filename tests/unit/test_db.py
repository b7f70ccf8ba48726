import pytest

from lape_plan import db as dbm
from lape_plan.model import SYSTEM


def test_migrations_create_schema_once(tmp_path):
    path = tmp_path / "m.db"
    database = dbm.connect(path)
    applied = [m.name for m in dbm.migrations.applied(database)]
    assert applied[0] == "0001_plan_core"
    assert {"plans", "goals", "measures", "audit", "organisations"} <= set(database.table_names())
    dbm._migrated.clear()  # as a new process would
    again = dbm.connect(path)
    assert [m.name for m in dbm.migrations.applied(again)] == applied


def test_wal_and_foreign_keys(db):
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1


def test_write_rolls_back_everything_on_error(db):
    with pytest.raises(RuntimeError):
        with dbm.write(db):
            db["organisations"].insert({"kind": "other", "name_fi": "X", "version": 1})
            dbm.audit(db, SYSTEM, "organisation", 1, "create", after={"x": 1})
            raise RuntimeError("boom")
    assert db["organisations"].count == 0
    assert db["audit"].count == 0
    assert not db.conn.in_transaction


def test_audit_outside_transaction_is_refused(db):
    with pytest.raises(RuntimeError):
        dbm.audit(db, SYSTEM, "x", 1, "create")
    assert db["audit"].count == 0


def test_audit_outside_transaction_is_refused_under_python_O(tmp_path):
    """`python -O` strips asserts: the check must be a real error."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "from lape_plan import db as dbm\n"
        f"database = dbm.connect({str(tmp_path / 'o.db')!r})\n"
        "try:\n    dbm.audit(database, 'x', 'x', 1, 'create')\n"
        "except RuntimeError:\n    print('refused', database['audit'].count)\n"
    )
    out = subprocess.run(
        [sys.executable, "-O", "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert out.stdout.strip() == "refused 0", out.stderr


def test_db_path_precedence(monkeypatch, tmp_path):
    from lape_plan import config

    monkeypatch.setenv("LAPE_PLAN_DB", str(tmp_path / "env.db"))
    assert config.db_path() == tmp_path / "env.db"
    monkeypatch.delenv("LAPE_PLAN_DB")
    monkeypatch.setattr(config, "secrets", lambda: {"db_path": str(tmp_path / "sec.db")})
    assert config.db_path() == tmp_path / "sec.db"
    monkeypatch.setattr(config, "secrets", lambda: {})
    assert config.db_path() == config.ROOT / "data" / "lape_plan.db"


def test_audit_rows_are_selected_by_the_finnish_days_they_are_shown_on(db):
    """`at` is stored in UTC; the filter's days are the Finnish days the rows are shown on: a row at
    22:30 UTC on 1 December is 00:30 on the 2nd in Finland (winter, UTC+2), one at 21:00 UTC on
    1 July is midnight on the 2nd (summer, UTC+3)."""
    moments = {
        "2026-12-01T21:59:59+00:00": "1.12. 23:59",
        "2026-12-01T22:30:00+00:00": "2.12. 00:30",
        "2026-07-01T20:59:59+00:00": "1.7. 23:59",
        "2026-07-01T21:00:00+00:00": "2.7. 00:00",
    }
    with dbm.write(db):
        for at, shown in moments.items():
            dbm.audit(db, SYSTEM, "organisation", 1, "update", after={"shown": shown})
            db.execute("update audit set at = ? where id = (select max(id) from audit)", [at])

    def shown(since=None, until=None):
        return sorted(r["at"] for r in dbm.audit_rows(db, since=since, until=until))

    assert shown(since="2026-12-02") == ["2026-12-01T22:30:00+00:00"]
    assert shown(since="2026-12-01", until="2026-12-01") == ["2026-12-01T21:59:59+00:00"]
    assert shown(since="2026-07-02", until="2026-07-02") == ["2026-07-01T21:00:00+00:00"]
    assert shown(until="2026-07-01") == ["2026-07-01T20:59:59+00:00"]
    assert len(shown()) == 4


RACE = """
import sys, time
from pathlib import Path
from lape_plan import db as dbm, demo, plans

folder, me, n = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
(folder / f"ready-{me}").touch()
deadline = time.time() + 60  # one that failed to start must not leave the others waiting for ever
while len(list(folder.glob("ready-*"))) < n and time.time() < deadline:  # all imported: open it together
    time.sleep(0.001)
database = dbm.connect(folder / "new.db")
if not plans.plans(database):  # as the app's first start does
    demo.load(database, follow_up_example=True)
print("ok")
"""


def test_processes_starting_together_on_a_new_database_migrate_it_and_load_the_example_once(tmp_path):
    """A deployment's processes start together (and restart together on an upgrade): each
    migration runs once, the example plan is loaded once, and none of them fails on the lock."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    n = 4
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(tmp_path), str(i), str(n)],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(n)
    ]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [p.returncode for p in procs] == [0] * n, [err[-1500:] for _, err in outs]
    database = dbm.connect(tmp_path / "new.db")
    assert database.execute("select count(*) from plans").fetchone()[0] == 1
    names = [r[0] for r in database.execute("select name from _sqlite_migrations")]
    assert len(names) == len(set(names)) and not list(dbm.migrations.pending(database))
