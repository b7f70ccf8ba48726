"""Consistent backups of the live database and validated restores."""
from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

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
        return target.read_bytes()


def _copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(str(source), timeout=15)
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
            applied = {r[0] for r in conn.execute(
                "select name from _sqlite_migrations where migration_set = ?", [dbm.migrations.name])}
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        raise ValidationError("error.backup_corrupt", field="file") from None
    dbm._register_migrations()
    known = {m.name for m in dbm.migrations._migrations}
    if applied - known:
        raise ValidationError("error.backup_newer", field="file", names=", ".join(sorted(applied - known)))


def restore(db_path: str | Path, actor: Actor, data: bytes, keep_dir: str | Path | None = None) -> Path:
    """Replace the database's content with a validated backup. The previous content is
    kept as a file in keep_dir (default: data/backups next to the database); its path is returned."""
    auth.require_admin(actor)
    db_path = Path(db_path)
    keep_dir = Path(keep_dir) if keep_dir else db_path.parent / "backups"
    keep_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        incoming = Path(tmp) / "incoming.db"
        incoming.write_bytes(data)
        validate(incoming)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        kept = keep_dir / f"before-restore-{stamp}.db"
        _copy(db_path, kept)
        # Copy into the live file through SQLite, so open connections see the new content.
        _copy(incoming, db_path)
    dbm._migrated.discard(str(db_path.resolve()))
    restored = dbm.connect(db_path)  # brings an older backup's schema up to date
    with dbm.write(restored):
        dbm.audit(restored, actor, "database", None, "restore", after={"previous_kept_as": str(kept)})
    restored.close()
    return kept
