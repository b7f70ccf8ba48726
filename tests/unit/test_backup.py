import sqlite3

import pytest

from lape_plan import backup, db as dbm, plans
from lape_plan.errors import PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role


def _snapshot(path):
    conn = dbm.connect(path)
    return [(r["id"], r["title_fi"], r["version"]) for r in conn.query("select * from goals order by id")]


def test_backup_then_restore_gives_the_same_data(tmp_path, demo_db):
    path = tmp_path / "demo.db"
    before = _snapshot(path)
    data = backup.backup_bytes(path, SYSTEM)
    goal = plans.tree(demo_db, plans.plans(demo_db)[0]["id"])[0]["goals"][0]
    plans.update(demo_db, SYSTEM, "goal", goal["id"], goal["version"], title_fi="changed after backup")
    assert _snapshot(path) != before
    kept = backup.restore(path, SYSTEM, data, keep_dir=tmp_path / "kept")
    assert _snapshot(path) == before
    # the connection opened before the restore reads the restored content too
    assert plans.get(demo_db, "goal", goal["id"])["title_fi"] == goal["title_fi"]
    assert kept.exists() and _snapshot(kept) != before
    assert dbm.audit_rows(demo_db, entity="database")[0]["action"] == "restore"


@pytest.mark.parametrize("kind, key", [
    ("text", "error.backup_not_sqlite"),
    ("truncated", "error.backup_corrupt"),
    ("foreign", "error.backup_foreign"),
    ("newer", "error.backup_newer"),
])
def test_bad_restore_is_refused_and_changes_nothing(tmp_path, demo_db, kind, key):
    path = tmp_path / "demo.db"
    good = backup.backup_bytes(path, SYSTEM)
    if kind == "text":
        data = b"id;name\n1;x\n"
    elif kind == "truncated":
        data = good[: len(good) // 3] + b"\x00" * 5000
        data = data[:16] + b"\xff" * 84 + data[100:]  # a damaged header page
    elif kind == "foreign":
        other = tmp_path / "other.db"
        conn = sqlite3.connect(other)
        conn.execute("create table things (id integer primary key)")
        conn.commit()
        conn.close()
        data = other.read_bytes()
    else:
        newer = tmp_path / "newer.db"
        newer.write_bytes(good)
        conn = sqlite3.connect(newer)
        conn.execute("insert into _sqlite_migrations (migration_set, name, applied_at) values ('lape_plan', '9999_future', 'x')")
        conn.commit()
        conn.close()
        data = newer.read_bytes()
    before = _snapshot(path)
    with pytest.raises(ValidationError) as err:
        backup.restore(path, SYSTEM, data, keep_dir=tmp_path / "kept")
    assert err.value.key == key
    assert _snapshot(path) == before
    assert not (tmp_path / "kept").exists() or not list((tmp_path / "kept").iterdir())


def test_only_admins_back_up_or_restore(tmp_path, demo_db):
    path = tmp_path / "demo.db"
    member = Actor("m", Role.MEMBER)
    with pytest.raises(PermissionDenied):
        backup.backup_bytes(path, member)
    with pytest.raises(PermissionDenied):
        backup.restore(path, member, b"")


def test_cli_create_user_backup_restore(tmp_path, monkeypatch, capsys):
    import io

    from lape_plan import auth, cli

    path = tmp_path / "cli.db"
    cli.main(["init", "--db", str(path), "--demo"])
    monkeypatch.setattr("sys.stdin", io.StringIO("admin-password-1\n"))
    assert cli.main(["create-user", "--db", str(path), "admin", "--role", "admin", "--password-stdin"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("member-password-1\n"))
    assert cli.main(["create-user", "--db", str(path), "maija", "--org", "272", "--password-stdin"]) == 0
    conn = dbm.connect(path)
    assert auth.authenticate(conn, "maija", "member-password-1").org_ids
    monkeypatch.setattr("sys.stdin", io.StringIO("another-password\n"))
    assert cli.main(["set-password", "--db", str(path), "maija", "--password-stdin"]) == 0
    assert auth.authenticate(conn, "maija", "another-password")
    out = tmp_path / "b.db"
    assert cli.main(["backup", "--db", str(path), "-o", str(out)]) == 0
    assert cli.main(["restore", "--db", str(path), str(out)]) == 0
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    assert cli.main(["restore", "--db", str(path), str(bad)]) == 2
    assert "not an SQLite database" in capsys.readouterr().err
