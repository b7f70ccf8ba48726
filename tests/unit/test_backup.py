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


@pytest.mark.parametrize(
    "kind, key",
    [
        ("text", "error.backup_not_sqlite"),
        ("truncated", "error.backup_corrupt"),
        ("foreign", "error.backup_foreign"),
        ("newer", "error.backup_newer"),
    ],
)
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
        conn.execute(
            "insert into _sqlite_migrations (migration_set, name, applied_at) values ('lape_plan', '9999_future', 'x')"
        )
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


def _tampered(tmp_path, good: bytes, *statements) -> bytes:
    path = tmp_path / "tampered.db"
    path.write_bytes(good)
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()
    return path.read_bytes()


@pytest.mark.parametrize(
    "statements, named",
    [
        (
            [
                "create trigger promote_me after insert on audit begin "
                "update users set role = 'admin' where username = 'viewer'; end"
            ],
            "trigger promote_me",
        ),
        (
            ["create trigger forget after insert on audit begin delete from audit where id = new.id; end"],
            "trigger forget",
        ),
        (["create view goal_titles as select title_fi from goals"], "view goal_titles"),
        (["create table notes (id integer primary key, text text)"], "table notes"),
        (["create index idx_goals_title on goals (title_fi)"], "index idx_goals_title"),
        (["alter table users add column note text"], "table users (≠)"),
        (["drop index idx_goals_focus_area_id"], "index idx_goals_focus_area_id (–)"),
    ],
)
def test_restore_refuses_schema_objects_the_migrations_do_not_create(tmp_path, demo_db, statements, named):
    from lape_plan import auth, i18n

    path = tmp_path / "demo.db"
    auth.create_user(demo_db, SYSTEM, "admin", "admin-password-1", role=Role.ADMIN)
    viewer = auth.create_user(demo_db, SYSTEM, "viewer", "viewer-password-1", role=Role.VIEWER)
    data = _tampered(tmp_path, backup.backup_bytes(path, SYSTEM), *statements)
    before = _snapshot(path)
    with pytest.raises(ValidationError) as err:
        backup.restore(path, SYSTEM, data, keep_dir=tmp_path / "kept")
    assert err.value.key == "error.backup_schema"
    assert named in err.value.params["objects"].split(", ")
    assert named in i18n.error_text(err.value, "en")
    # nothing of it reached the live database: no trigger, the viewer is still a viewer
    assert _snapshot(path) == before
    live = dbm.connect(path)
    assert not list(live.query("select name from sqlite_master where type in ('trigger', 'view')"))
    with dbm.write(live):
        dbm.audit(live, SYSTEM, "test", None, "after_refused_restore")  # would fire the trigger
    assert auth.actor_for(live, viewer).role == Role.VIEWER
    assert not (tmp_path / "kept").exists() or not list((tmp_path / "kept").iterdir())


def test_backup_of_an_older_version_restores_and_is_brought_up_to_date(tmp_path, demo_db):
    from sqlite_utils import Database

    path = tmp_path / "demo.db"
    old_path = tmp_path / "old.db"
    old = Database(sqlite3.connect(old_path, isolation_level=None))
    dbm._register_migrations()
    names = [m.name for m in dbm.migrations._migrations]
    # an older version: the plan core and the workshop, before accounts and the other features
    # existed (so its migrations ran in another order than a new database runs them)
    dbm.migrations.apply(old, stop_before=names[1])
    workshop_tables = next(m for m in dbm.migrations._migrations if m.name == "0005_workshop_tables")
    with old.atomic():
        workshop_tables.fn(old)
        dbm.migrations._record_applied(old, workshop_tables.name)
    assert [m.name for m in dbm.migrations.applied(old)] == ["0001_plan_core", "0005_workshop_tables"]
    assert names.index("0005_workshop_tables") > 1
    old["plans"].insert({"title_fi": "Vanha suunnitelma", "first_year": 2016, "last_year": 2019, "version": 1})
    old.conn.close()
    backup.restore(path, SYSTEM, old_path.read_bytes(), keep_dir=tmp_path / "kept")
    live = dbm.connect(path)
    assert [p["title_fi"] for p in plans.plans(live)] == ["Vanha suunnitelma"]
    assert {m.name for m in dbm.migrations.applied(live)} == set(names)  # brought up to date


def test_a_backup_of_a_path_that_is_not_the_database_fails_and_creates_nothing(tmp_path, capsys):
    """A cron job with the wrong path: no empty 'backup' reported as written, no empty database made."""
    from lape_plan import cli

    missing, out = tmp_path / "data" / "lape_plan.db", tmp_path / "nightly.db"
    missing.parent.mkdir()
    assert cli.main(["backup", "--db", str(missing), "-o", str(out)]) == 2
    assert not missing.exists() and not out.exists()
    assert capsys.readouterr().err.startswith(f"error: no database at {missing}")
    with pytest.raises(sqlite3.OperationalError):  # the app's own backup reads its source read-only too
        backup.backup_bytes(missing, SYSTEM)
    assert not missing.exists()
    sqlite3.connect(tmp_path / "other.db").execute("create table t (x)").connection.close()
    with pytest.raises(ValidationError):  # an SQLite file, but not the app's
        backup.backup_bytes(tmp_path / "other.db", SYSTEM)


def test_restore_replaces_a_damaged_live_database_and_keeps_its_bytes(tmp_path, demo_db):
    path = tmp_path / "demo.db"
    before = _snapshot(path)
    data = backup.backup_bytes(path, SYSTEM)
    demo_db.conn.close()
    damaged = path.read_bytes()[:50_000]
    path.write_bytes(damaged)
    kept = backup.restore(path, SYSTEM, data, keep_dir=tmp_path / "kept")
    assert _snapshot(path) == before
    assert kept.read_bytes() == damaged
