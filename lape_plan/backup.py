"""Consistent backups of the live database and validated restores."""

from __future__ import annotations

import datetime as dt
import functools
import re
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlite_utils import Database

from . import auth, db as dbm
from .errors import ValidationError
from .model import Actor

SQLITE_MAGIC = b"SQLite format 3\x00"
REQUIRED_TABLES = {"plans", "focus_areas", "goals", "measures", "organisations", "audit", "_sqlite_migrations"}


def backup_bytes(db_path: str | Path, actor: Actor) -> bytes:
    """A copy made with SQLite's online backup: consistent while others write.
    It holds password hashes, so only administrators get one."""
    auth.require_admin(actor)
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "backup.db"
        _copy(Path(db_path), target)
        validate(target)  # a path that is not the app's database (a cron job's wrong path) gives no backup
        return target.read_bytes()


def _copy(source: Path, target: Path) -> None:
    # read-only: a missing source is an error, not a new empty database
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def validate(path: Path) -> None:
    """Refuse anything that is not an intact lape-plan database this version can read."""
    with open(path, "rb") as fh:
        if fh.read(16) != SQLITE_MAGIC:
            raise ValidationError("error.backup_not_sqlite", field="file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if conn.execute("pragma integrity_check").fetchone()[0] != "ok":
                raise ValidationError("error.backup_corrupt", field="file")
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
            if not REQUIRED_TABLES <= tables:
                raise ValidationError("error.backup_foreign", field="file")
            order = [
                r[0]
                for r in conn.execute(
                    "select name from _sqlite_migrations where migration_set = ? order by rowid", [dbm.migrations.name]
                )
            ]
            found = schema_of(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise ValidationError("error.backup_corrupt", field="file") from None
    applied = set(order)
    known = set(dbm.known_migrations())
    if applied - known:
        raise ValidationError("error.backup_newer", field="file", names=", ".join(sorted(applied - known)))
    # A restored trigger or view would run inside the live app (a trigger on audit rows made a
    # viewer an administrator): every schema object must be what the migrations create.
    if len(applied) != len(order):  # a migration recorded twice: not written by the app
        raise ValidationError("error.backup_foreign", field="file")
    try:
        expected = expected_schema(tuple(order))
    except sqlite3.Error:  # the recorded order cannot have been applied
        raise ValidationError("error.backup_foreign", field="file") from None
    odd = [
        f"{kind} {name}"
        for kind, name in sorted(found.keys() - expected.keys())
        if not (kind == "table" and name in SQLITE_STAT_TABLES)
    ]
    odd += [
        f"{kind} {name} (≠)"
        for kind, name in sorted(found.keys() & expected.keys())
        if found[kind, name] != expected[kind, name]
    ]
    odd += [f"{kind} {name} (–)" for kind, name in sorted(expected.keys() - found.keys())]
    if odd:
        shown = odd[:12] + ([f"… (+{len(odd) - 12})"] if len(odd) > 12 else [])
        raise ValidationError("error.backup_schema", field="file", objects=", ".join(shown))


# Tables SQLite itself may add to any database (ANALYZE, PRAGMA optimize); they only steer the planner.
SQLITE_STAT_TABLES = {"sqlite_stat1", "sqlite_stat2", "sqlite_stat3", "sqlite_stat4"}


def _sql(text: str | None) -> str:
    return " ".join((text or "").split())


def _bare_sql(text: str | None) -> str:
    """Stored SQL without spacing, case and identifier quoting, which differ between versions
    of the library that wrote it but not in meaning; CHECK clauses and the like remain."""
    return re.sub(r'[\s"`\[\]]', "", (text or "").lower())


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def schema_of(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple]:
    """Every schema object as (type, name) -> a comparable definition. Tables and indexes by
    their structure (columns with type, not-null, default, key, generated; foreign keys; indexed
    columns, unique, partial) and their SQL without spacing and quoting; triggers and views
    (which run code) by their whole SQL."""
    out: dict[tuple[str, str], tuple] = {}
    rows = conn.execute("select type, name, tbl_name, sql from sqlite_master").fetchall()
    for kind, name, table, sql in rows:
        if kind == "table":
            columns = sorted(tuple(r[1:]) for r in conn.execute(f"pragma table_xinfo({_quote(name)})"))
            keys = sorted(tuple(r[2:]) for r in conn.execute(f"pragma foreign_key_list({_quote(name)})"))
            out[kind, name] = (tuple(columns), tuple(keys), _bare_sql(sql))
        elif kind == "index":
            info = {r[1]: r for r in conn.execute(f"pragma index_list({_quote(table)})")}.get(name)
            indexed = tuple(tuple(r) for r in conn.execute(f"pragma index_xinfo({_quote(name)})"))
            out[kind, name] = (table, info[2] if info else None, info[4] if info else None, indexed, _bare_sql(sql))
        else:
            out[kind, name] = (table, _sql(sql))
    return out


@functools.lru_cache(maxsize=16)
def expected_schema(order: tuple[str, ...]) -> dict[tuple[str, str], tuple]:
    """The schema the app's own migrations create when applied in this order (the order a
    database recorded), built in an in-memory database."""
    by_name = dbm.known_migrations()
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        memory = Database(conn)
        dbm.migrations.ensure_migrations_table(memory)
        for name in order:
            with memory.atomic():
                by_name[name].fn(memory)
        return schema_of(conn)
    finally:
        conn.close()


def restore(db_path: str | Path, actor: Actor, data: bytes, keep_dir: str | Path | None = None) -> Path:
    """Replace the database's content with a validated backup. The previous content is
    kept as a file in keep_dir (default: data/backups next to the database); its path is returned."""
    auth.require_admin(actor)
    db_path = Path(db_path)
    keep_dir = Path(keep_dir) if keep_dir else db_path.parent / "backups"
    with tempfile.TemporaryDirectory() as tmp:
        incoming = Path(tmp) / "incoming.db"
        incoming.write_bytes(data)
        validate(incoming)
        keep_dir.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        kept = keep_dir / f"before-restore-{stamp}.db"
        try:
            _copy(db_path, kept)
        except sqlite3.DatabaseError:
            # The live file is damaged (when a restore is needed most): keep its bytes as they are
            # and start from an empty file, which SQLite's copy below can write into.
            kept.unlink(missing_ok=True)
            for suffix in ("", "-wal", "-shm"):
                damaged = db_path.with_name(db_path.name + suffix)
                if damaged.exists():
                    shutil.copy2(damaged, kept.with_name(kept.name + suffix))
                    damaged.unlink()
        # Copy into the live file through SQLite, so open connections see the new content.
        _copy(incoming, db_path)
    dbm.forget_migrated(db_path)
    restored = dbm.connect(db_path)  # brings an older backup's schema up to date
    with dbm.write(restored):
        dbm.audit(restored, actor, "database", None, "restore", after={"previous_kept_as": str(kept)})
    restored.close()
    return kept
