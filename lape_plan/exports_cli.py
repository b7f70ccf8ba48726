"""Command line: `export` (plan workbook or CSV) and `import-plan` (the Excel round trip)."""

from __future__ import annotations

from pathlib import Path

from . import db as dbm, exports, i18n, plans, roundtrip
from .cli import print_problems, write_output
from .errors import ImportRejected, Problem
from .model import LANGS, Actor, Role

CLI_ACTOR = Actor(name="import-plan (command line)", role=Role.ADMIN)


def cmd_export(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.get_plan(database, args.plan)
    municipality = plans.municipality_by_code(database, plan["id"], args.municipality)
    m_id = municipality["id"] if municipality else None
    if args.format == "csv":
        data = exports.plan_csv(database, plan["id"], args.lang, m_id)
    else:
        data = exports.plan_workbook(
            database,
            plan["id"],
            args.lang,
            m_id,
            all_municipalities=args.all_municipalities,
            blank=args.template,
            editable=(args.editable or args.template) and not args.tables_only,
        )
    write_output(data, args.output)
    return 0


def _print_changes(title: str, changes, lang: str) -> None:
    if not changes:
        return
    print(f"{title}: {len(changes)}")
    for c in changes:
        year = f" {c.year}" if c.year else ""
        number = f" {c.number}" if c.number else ""
        print(f"  {c.sheet}, row {c.row}: {i18n.t('entity.' + c.entity, lang)}{number}{year} {c.title}")
        for name, (before, after) in c.fields.items():
            print(f"    {name}: {before!r} -> {after!r}" if before or after else f"    {name}")
        if c.by:
            print(f"    changed in the app by {c.by} at {i18n.timestamp(c.at, lang)}; not applied")


def cmd_import(args) -> int:
    database = dbm.connect(args.db)
    lang = "en"
    run = roundtrip.preview if args.dry_run else roundtrip.apply
    try:
        size = Path(args.file).stat().st_size
        if size > roundtrip.MAX_FILE:  # refused without reading it into memory
            raise ImportRejected([Problem.of("", 0, roundtrip.too_large(size))])
        result = run(database, CLI_ACTOR, Path(args.file).read_bytes(), lang)
    except ImportRejected as err:
        print_problems(err, args.file, lang)
        return 2
    _print_changes("added", result.added, lang)
    _print_changes("changed", result.changed, lang)
    _print_changes("conflicts (newer edit in the app)", result.conflicts, lang)
    _print_changes("not permitted (items of other organisations; not applied)", result.not_permitted, lang)
    print(f"unchanged: {result.unchanged}")
    print("applied in one transaction" if result.applied else "dry run: nothing was written")
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "export",
        help="write the plan as an Excel workbook or CSV",
        description="Write the plan's council tables as an Excel workbook (the council's copy: cover and "
        "plan tables; with --editable also the data sheets for the round trip) or as "
        "CSV (UTF-8 with BOM, ';').",
    )
    add_db(p)
    p.add_argument("--plan", type=int, required=True, metavar="ID", help="plan id (see the `plans` command)")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx", help="file format (default xlsx)")
    p.add_argument("--lang", choices=LANGS, default="fi", help="language of headers and texts (default fi)")
    p.add_argument(
        "--municipality",
        metavar="CODE",
        help="municipality code (e.g. 272) or name: its own sheet, and only what concerns it",
    )
    p.add_argument("--all-municipalities", action="store_true", help="xlsx: add a sheet for every municipality")
    p.add_argument("--template", action="store_true", help="xlsx: blank round-trip template (no measures yet)")
    p.add_argument(
        "--editable",
        action="store_true",
        help="xlsx: add the sheets for editing and importing back (hidden, so never printed); "
        "without it the file is the council's copy, cover and plan tables",
    )
    p.add_argument(
        "--tables-only",
        action="store_true",
        help="xlsx: the council's copy without the sheets for editing (the default; kept for scripts)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import-plan",
        help="import an edited plan workbook (preview with --dry-run)",
        description="Import a plan workbook edited in Excel: corrected texts, new measures and "
        "statuses. A file with any bad row is refused whole; rows edited in the app "
        "since the export are reported as conflicts, and rows of items the importer "
        "may not change as not permitted; neither is applied.",
    )
    add_db(p)
    p.add_argument("file", metavar="FILE", help="the edited .xlsx file")
    p.add_argument("--dry-run", action="store_true", help="only show what would be added and changed")
    p.set_defaults(func=cmd_import)
