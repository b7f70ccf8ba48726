"""Connection, migrations, the write transaction and the audit trail."""
from __future__ import annotations

import datetime as dt
import json
import os
import queue
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database, Migrations

from . import config

migrations = Migrations("lape_plan")
_migrated: set[str] = set()
_migrate_lock = threading.Lock()


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def connect(path: str | Path | None = None, shared: bool = False) -> Database:
    """A new connection with foreign keys on and the schema up to date.

    Pages open one per script run (connections refuse use from another thread, and
    reruns may land on any thread); `shared` allows use from any thread, one at a time
    (see `pooled`)."""
    path = Path(path) if path else config.db_path()
    if str(path) != ":memory:":
        path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=15, isolation_level=None, check_same_thread=not shared)
    conn.execute("PRAGMA foreign_keys = ON")
    # With WAL, NORMAL still never corrupts the database; it only may lose the last commits on a power
    # cut, and makes each write transaction about three times cheaper (workshop votes).
    conn.execute("PRAGMA synchronous = NORMAL")
    db = Database(conn)
    key = str(path.resolve()) if str(path) != ":memory:" else f"mem-{id(conn)}"
    if key not in _migrated:
        with _migrate_lock:
            if key not in _migrated:
                if str(path) != ":memory:":
                    conn.execute("PRAGMA journal_mode = WAL")
                _register_migrations()
                migrations.apply(db)
                _migrated.add(key)
    return db


POOL_SIZE = 8  # idle connections kept per database; more are opened when busy, and closed after
_pools: dict[str, queue.SimpleQueue] = {}


def _file_id(path: str) -> tuple:
    try:
        st = os.stat(path)
    except OSError:
        return ()
    return st.st_dev, st.st_ino


@contextmanager
def pooled(path: str | Path | None = None):
    """A connection for one short piece of work on a busy page (a participant's read or vote),
    taken from a per-database pool and put back after. A new connection costs 2–3 ms here:
    SQLite parses the whole schema on its first statement, more than the reads themselves;
    a pooled one has it parsed. Used by one thread at a time; a connection that is left
    inside a transaction, or whose file was replaced, is closed instead of kept."""
    key = str(path or config.db_path())
    if key == ":memory:":  # every in-memory connection is its own database: nothing to share
        database = connect(key)
        try:
            yield database
        finally:
            database.close()
        return
    pool = _pools.setdefault(key, queue.SimpleQueue())
    database = None
    while database is None:
        try:
            database, file_id = pool.get_nowait()
        except queue.Empty:
            database, file_id = connect(key, shared=True), _file_id(key)
            break
        if file_id != _file_id(key):  # the file was deleted or replaced under the connection
            database.close()
            database = None
    try:
        yield database
    finally:
        if database.conn.in_transaction or pool.qsize() >= POOL_SIZE:
            database.close()
        else:
            pool.put((database, file_id))


def _register_migrations() -> None:
    """Import schema.py (the plan core) and then each feature's schema_*.py, which
    register their migrations on import. Features only add tables and columns, so
    their relative order does not matter; names are unique."""
    import importlib
    import pkgutil

    from . import schema  # noqa: F401

    package = Path(__file__).parent
    for info in sorted(pkgutil.iter_modules([str(package)]), key=lambda m: m.name):
        if info.name.startswith("schema_"):
            importlib.import_module(f"{__package__}.{info.name}")


@contextmanager
def write(db: Database):
    """One write transaction taken with BEGIN IMMEDIATE, so concurrent writers
    queue on the lock instead of failing with "database is locked" on upgrade.
    Nested use joins the outer transaction."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def audit(db: Database, actor, entity: str, entity_id, action: str, before=None, after=None) -> int:
    """One audit row; call inside the write transaction of the change itself."""
    if not db.conn.in_transaction:  # not an assert: `python -O` removes those
        raise RuntimeError("audit() must run inside db.write()")
    return db["audit"].insert(
        {
            "at": now(),
            "actor": getattr(actor, "name", str(actor)),
            "user_id": getattr(actor, "user_id", None),
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "before": json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
            "after": json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
        }
    ).last_pk


def save_changes(db: Database, actor, table: str, entity: str, before: dict, fields: dict,
                 row: dict | None = None) -> int:
    """Store the `fields` that differ from `before` as the row's next version, with
    its audit row; inside the caller's write transaction, after its version check.
    `row`: the columns to write when not just the changed ones. Returns the version
    now current, `before`'s own when nothing differs."""
    changed = {k: v for k, v in fields.items() if before.get(k) != v}
    if not changed:
        return before["version"]
    version = before["version"] + 1
    db[table].update(before["id"], {**(changed if row is None else row), "version": version, "updated_at": now(),
                                    "updated_by": actor.name})
    audit(db, actor, entity, before["id"], "update", before={k: before.get(k) for k in changed}, after=changed)
    return version


def audit_rows(db: Database, entity: str | None = None, entity_id=None, actor: str | None = None,
               since: str | None = None, until: str | None = None, limit: int = 200) -> list[dict]:
    """Audit rows, newest first. `since`/`until` are ISO dates, both inclusive."""
    where, args = [], []
    for clause, value in (("entity = ?", entity), ("entity_id = ?", entity_id), ("actor = ?", actor),
                          ("substr(at, 1, 10) >= ?", since), ("substr(at, 1, 10) <= ?", until)):
        if value is not None and value != "":
            where.append(clause)
            args.append(value)
    sql = "select * from audit" + (" where " + " and ".join(where) if where else "")
    sql += " order by id desc limit ?"
    return [dict(r) for r in db.query(sql, args + [limit])]


def audit_actors(db: Database) -> list[str]:
    return [r[0] for r in db.execute("select distinct actor from audit order by actor")]


def audit_entities(db: Database) -> list[str]:
    return [r[0] for r in db.execute("select distinct entity from audit order by entity")]


def audit_text(stored: str | None) -> str:
    """An audit row's before/after JSON as "field: value" lines for reading."""
    if not stored:
        return ""
    try:
        data = json.loads(stored)
    except ValueError:
        return stored
    if not isinstance(data, dict):
        return str(data)
    return "\n".join(f"{k}: {'–' if v is None else v}" for k, v in data.items())
