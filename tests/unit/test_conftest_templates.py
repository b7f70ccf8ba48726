"""The database fixtures copy templates built once per test process (tests/conftest.py): a copy
must be the same database as one built afresh, and each test must get its own."""

import re

from lape_plan import db as dbm, demo
from tests.conftest import add_admin, database_file

# written at the moment of the write, so they differ between two builds of the same database
MOMENTS = {"at", "last_seen", "password_hash", "token_hash"}
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[0-9.:+Z-]*")  # also inside the audit's JSON


def _row(row) -> tuple:
    return tuple(TIMESTAMP.sub("<moment>", v) if isinstance(v, str) else v for v in row)


def _content(database) -> dict[str, object]:
    tables = sorted(r[0] for r in database.execute("select name from sqlite_master where type = 'table'"))
    content: dict[str, object] = {
        "schema": sorted(r for r in database.execute("select type, name, sql from sqlite_master")),
    }
    for table in tables:
        columns = [c.name for c in database[table].columns if c.name not in MOMENTS and not c.name.endswith("_at")]
        rows = database.execute(f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]").fetchall()
        content[table] = sorted((_row(r) for r in rows), key=repr)
    return content


def test_a_copied_database_is_the_one_built_afresh(tmp_path):
    fresh = dbm.connect(tmp_path / "fresh.db")
    demo.load(fresh)
    add_admin(fresh)
    copied = dbm.connect(database_file("admin", tmp_path / "copied.db"))
    assert _content(copied) == _content(fresh)
    assert copied.execute("select count(*) from users where username = 'admin'").fetchone()[0] == 1
    assert copied.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_empty_and_demo_templates(tmp_path):
    empty = dbm.connect(database_file("empty", tmp_path / "empty.db"))
    assert _content(empty) == _content(dbm.connect(tmp_path / "fresh_empty.db"))
    assert empty.execute("select count(*) from plans").fetchone()[0] == 0
    example = dbm.connect(database_file("demo", tmp_path / "demo.db"))
    assert example.execute("select count(*) from plans where is_example = 1").fetchone()[0] == 1
    assert example.execute("select count(*) from users").fetchone()[0] == 0


def test_each_copy_is_its_own_file(demo_db, tmp_path):
    demo_db.execute("delete from audit")
    other = dbm.connect(database_file("demo", tmp_path / "other.db"))
    assert other.execute("select count(*) from audit").fetchone()[0] > 0
