"""CLI: create-user, set-password, backup, restore."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

from . import auth, backup, config, db as dbm
from .errors import UsageError
from .model import SYSTEM, Role


def _password(args) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password again: "):
        raise UsageError("the passwords do not match")
    return first


def cmd_create_user(args) -> int:
    database = dbm.connect(args.db)
    orgs = []
    for code in args.org or []:
        row = database.execute("select id from organisations where code = ?", [code]).fetchone()
        if not row:
            raise UsageError(f"no organisation with code {code}")
        orgs.append(row[0])
    user_id = auth.create_user(
        database,
        SYSTEM,
        args.username,
        _password(args),
        role=args.role,
        display_name=args.name or "",
        email=args.email or "",
        org_ids=orgs,
    )
    print(f"user {args.username} created (id {user_id}, role {args.role})")
    return 0


def cmd_set_password(args) -> int:
    database = dbm.connect(args.db)
    row = database.execute("select id from users where username = ?", [args.username.lower()]).fetchone()
    if not row:
        raise UsageError(f"no user {args.username}")
    auth.set_password(database, SYSTEM, row[0], _password(args))
    print(f"password of {args.username} changed; failed sign-ins and lock cleared")
    return 0


def cmd_backup(args) -> int:
    path = Path(args.db) if args.db else config.db_path()
    Path(args.output).write_bytes(backup.backup_bytes(path, SYSTEM))
    print(f"backup written to {args.output}")
    return 0


def cmd_restore(args) -> int:
    path = Path(args.db) if args.db else config.db_path()
    kept = backup.restore(path, SYSTEM, Path(args.file).read_bytes())
    print(f"restored from {args.file}; the previous database is kept as {kept}")
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "create-user",
        help="create an account",
        description="Create an account. The first account must be an administrator.",
    )
    add_db(p)
    p.add_argument("username")
    p.add_argument("--role", choices=[r.value for r in Role], default=Role.MEMBER.value)
    p.add_argument("--name", help="display name")
    p.add_argument("--email", help="e-mail, used to match single sign-on users")
    p.add_argument("--org", action="append", metavar="CODE", help="organisation code (repeatable), e.g. 272")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser(
        "set-password",
        help="set a user's password and end their sessions",
        description="Set a user's password (the same rules as in the app); ends the "
        "user's sessions everywhere and clears the count of failed sign-ins.",
    )
    add_db(p)
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.set_defaults(func=cmd_set_password)

    p = sub.add_parser(
        "backup",
        help="write a consistent copy of the database",
        description="Write a consistent copy of the database (SQLite online backup), safe while the app runs.",
    )
    add_db(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser(
        "restore",
        help="replace the database with a validated backup",
        description="Replace the database's content with a backup after validating it; "
        "the previous database is kept under backups/ next to it.",
    )
    add_db(p)
    p.add_argument("file")
    p.set_defaults(func=cmd_restore)
