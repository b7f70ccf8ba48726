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
from .errors import NotFound, require_version
from .i18n import day_starts

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
                # Several processes may open one database at once (a deployment's processes started
                # together, or restarted on an upgrade): the first takes the write lock and migrates,
                # the others wait for it and find nothing left to do.
                with write(db, audit=False):
                    migrations.apply(db)
                _migrated.add(key)
    return db


POOL_SIZE = 8  # idle connections kept per database; more are opened when busy, and closed after
_pools: dict[str, queue.SimpleQueue[tuple[Database, tuple]]] = {}  # (connection, _file_id at connect)


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
        memory = connect(key)
        try:
            yield memory
        finally:
            memory.close()
        return
    pool = _pools.setdefault(key, queue.SimpleQueue())
    database: Database | None = None
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


def known_migrations() -> dict:
    """Every migration the app has, name -> migration (its `.fn`), in the order a new
    database applies them (backup checks a restored file against these)."""
    _register_migrations()
    return {m.name: m for m in migrations.pending(Database(memory=True))}


def forget_migrated(path: str | Path) -> None:
    """Check the schema again on the next connect() to this file: its content was replaced."""
    _migrated.discard(str(Path(path).resolve()))


# In tests (tests/conftest.py sets it; LAPE_PLAN_CHECK_AUDIT=1 for a server): every write
# transaction that changed data must have written an audit row.
CHECK_AUDIT = os.environ.get("LAPE_PLAN_CHECK_AUDIT") == "1"


class UnauditedWrite(RuntimeError):
    """A write transaction changed data without an audit row (only raised with CHECK_AUDIT)."""


def _last_audit_id(db: Database):
    return db.execute("select max(id) from audit").fetchone()[0]


@contextmanager
def write(db: Database, audit: bool = True):
    """One write transaction taken with BEGIN IMMEDIATE, so concurrent writers
    queue on the lock instead of failing with "database is locked" on upgrade.
    Nested use joins the outer transaction.

    `audit=False`: this write keeps no audit row on purpose (sessions, caches, reference
    data); every other write that changes data writes one (db.audit), which tests check."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    check = CHECK_AUDIT and audit
    if check:
        changes, last_audit = db.conn.total_changes, _last_audit_id(db)
    try:
        yield db
        if check and db.conn.total_changes != changes and _last_audit_id(db) == last_audit:
            raise UnauditedWrite(
                "a write changed data without an audit row: call db.audit() in the same "
                "transaction, or use db.write(db, audit=False) and say why"
            )
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        db.conn.execute("COMMIT")


def insert_row(db: Database, table: str, row: dict) -> int:
    """Insert `row` into `table` (an integer `id` key) and return the new row's id."""
    row_id = db.table(table).insert(row).last_pk
    if row_id is None:  # sqlite-utils types last_pk as optional; an insert into a rowid table always sets it
        raise RuntimeError(f"no id for the row inserted into {table}")
    return row_id


def audit(db: Database, actor, entity: str, entity_id, action: str, before=None, after=None) -> int:
    """One audit row; call inside the write transaction of the change itself."""
    if not db.conn.in_transaction:  # not an assert: `python -O` removes those
        raise RuntimeError("audit() must run inside db.write()")
    return insert_row(
        db,
        "audit",
        {
            "at": now(),
            "actor": getattr(actor, "name", str(actor)),
            "user_id": getattr(actor, "user_id", None),
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "before": json.dumps(before, ensure_ascii=False, default=str) if before is not None else None,
            "after": json.dumps(after, ensure_ascii=False, default=str) if after is not None else None,
        },
    )


def get_or_not_found(db: Database, table: str, row_id, *, entity: str, where: str = "", key: str = "id") -> dict:
    """The row of `table` whose `key` is `row_id`, or NotFound naming `entity` (the one
    message every "no such …" shares). `where`: one more SQL condition, e.g.
    "deleted_at is null"."""
    sql = f"select * from [{table}] where [{key}] = ?" + (f" and {where}" if where else "")
    row = next(db.query(sql, [row_id]), None)
    if row is None:
        raise NotFound("error.not_found", entity=entity, id=row_id)
    return row


_UNCHECKED = object()  # no expected version given: the caller has checked it, or no screen supplied one
_AS_WRITTEN = object()  # audit the written columns' old and new values
_stamped: dict[str, bool] = {}  # table -> has updated_at and updated_by (the schema is the same for every database)


def save_version(
    db: Database,
    actor,
    table: str,
    entity: str,
    before: dict,
    row: dict,
    *,
    action: str = "update",
    expected_version=_UNCHECKED,
    audit_before=_AS_WRITTEN,
    audit_after=_AS_WRITTEN,
    stamp: str | None = None,
    key: str = "id",
) -> int:
    """The one way to store a new version of a row: inside the caller's write transaction,
    refuse a stale screen (`expected_version`, when given), write `row` with the version
    bumped, stamp updated_at/updated_by where the table has them, and write the audit row
    (`action`; before/after default to the written columns' old and new values). `before`
    is the row as read in the same transaction; `key` its primary key column. Returns the
    new version.

    Workshop votes keep their own counter (`workshop_participants.vote_version`, bumped in
    workshop.py by one UPDATE): it is the hot path of 60 phones, and its audit row names the
    proposal, not the participant whose counter moves."""
    if expected_version is not _UNCHECKED:
        require_version(before, expected_version)
    version = before["version"] + 1
    written = {**row, "version": version}
    if table not in _stamped:
        _stamped[table] = {"updated_at", "updated_by"} <= set(db[table].columns_dict)
    if _stamped[table]:
        written.update(updated_at=stamp or now(), updated_by=actor.name)
    db.table(table).update(before[key], written)
    audit(
        db,
        actor,
        entity,
        before[key],
        action,
        before={k: before.get(k) for k in row} if audit_before is _AS_WRITTEN else audit_before,
        after=row if audit_after is _AS_WRITTEN else audit_after,
    )
    return version


def save_changes(
    db: Database,
    actor,
    table: str,
    entity: str,
    before: dict,
    fields: dict,
    row: dict | None = None,
    expected_version=_UNCHECKED,
) -> int:
    """Store the `fields` that differ from `before` as the row's next version (`save_version`),
    auditing just those; nothing is written when nothing differs. `row`: the columns to
    write when not just the changed ones. Returns the version now current, `before`'s own
    when nothing differs."""
    if expected_version is not _UNCHECKED:
        require_version(before, expected_version)
    changed = {k: v for k, v in fields.items() if before.get(k) != v}
    if not changed:
        return before["version"]
    return save_version(
        db,
        actor,
        table,
        entity,
        before,
        changed if row is None else row,
        audit_before={k: before.get(k) for k in changed},
        audit_after=changed,
    )


def audit_rows(
    db: Database,
    entity: str | None = None,
    entity_id=None,
    actor: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: int = 200,
) -> list[dict]:
    """Audit rows, newest first. `since`/`until` are ISO dates, both inclusive, of the Finnish
    calendar (the days the rows are shown on; `at` is stored in UTC)."""
    after = day_starts(since) if since else None
    before = day_starts((dt.date.fromisoformat(until) + dt.timedelta(days=1)).isoformat()) if until else None
    where, args = [], []
    for clause, value in (
        ("entity = ?", entity),
        ("entity_id = ?", entity_id),
        ("actor = ?", actor),
        ("at >= ?", after),
        ("at < ?", before),
    ):
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
