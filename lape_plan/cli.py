"""Command line: `python -m lape_plan COMMAND --db PATH ...`. Every command has --help."""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from pathlib import Path

from . import config, db as dbm, demo, plans
from .errors import ImportRejected, LapeError, UsageError
from .i18n import error_text


def print_problems(err: ImportRejected, file_name: str = "", lang: str = "en") -> None:
    """A refused import on the command line (standard error): what happened, then one
    line per problem with its file or sheet and row."""
    print(f"error: {error_text(err, lang)}", file=sys.stderr)
    for p in err.problems:
        row = f", row {p.row}" if p.row not in ("", 0, None) else ""
        print(f"  {p.where or file_name}{row}: {p.text(lang)}", file=sys.stderr)


def write_output(data: bytes, output: str | None) -> None:
    """A command's file: to `output`, saying so, or without one to standard output."""
    if output:
        Path(output).write_bytes(data)
        print(f"wrote {output} ({len(data):,} bytes)")
    else:
        sys.stdout.buffer.write(data)


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", metavar="PATH", help="SQLite database (default: $LAPE_PLAN_DB, secrets.toml db_path, data/lape_plan.db)"
    )


def cmd_init(args) -> int:
    database = dbm.connect(args.db)
    print(f"database ready: {database.conn.execute('pragma database_list').fetchone()[2]}")
    if args.demo:
        plan_id = demo.load(database, follow_up_example=True)
        print(f"example plan: id {plan_id}")
    return 0


def cmd_plans(args) -> int:
    database = dbm.connect(args.db)
    for p in plans.plans(database):
        flag = " (example)" if p["is_example"] else ""
        print(f"{p['id']}\t{p['first_year']}–{p['last_year']}\t{p['title_fi']}{flag}")
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser("init", help="create or upgrade the database", description="Create or upgrade the database.")
    add_db(p)
    p.add_argument("--demo", action="store_true", help="also load the example plan (once)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("plans", help="list the plans", description="List the plans with their ids.")
    add_db(p)
    p.set_defaults(func=cmd_plans)


# Modules whose register_cli(subparsers, add_db) adds their commands, in --help order.
COMMAND_MODULES = [
    "lape_plan.cli",
    "lape_plan.auth_cli",
    "lape_plan.indicators_cli",
    "lape_plan.follow_up_cli",
    "lape_plan.workshop_cli",
    "lape_plan.exports_cli",
    "lape_plan.documents_cli",
    "lape_plan.assessments_cli",
    "lape_plan.budget_cli",
    "lape_plan.publishing_cli",
    "lape_plan.ideas_cli",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lape_plan", description="Children and youth wellbeing plan: database commands."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register_cli(sub, _add_db)
    return parser


# Commands that may start a database where there is none yet (the first account, a restore, loading
# indicator data); every other one needs one, so that a mistyped --db is an error, not a new empty
# database that the command then reads or backs up.
STARTS_A_DATABASE = {"init", "create-user", "restore", "import-indicators"}


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command not in STARTS_A_DATABASE:
            path = Path(args.db) if args.db else config.db_path()
            if not path.exists():
                raise UsageError(f"no database at {path}: give --db or LAPE_PLAN_DB, or run init first")
        return args.func(args)
    except LapeError as err:
        print(f"error: {error_text(err, 'en')}", file=sys.stderr)
        return 2
    except UsageError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a file named on the command line: missing, a folder, not writable
        print(f"error: Cannot use the file {err.filename or ''}: {err.strerror or err}.", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as err:  # --db names a file that is not an intact lape-plan database
        print(
            f"error: Cannot use the database {getattr(args, 'db', None) or config.db_path()}: {err}.", file=sys.stderr
        )
        return 2
