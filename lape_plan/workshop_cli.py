"""CLI: workshops, workshop-results."""

from __future__ import annotations

from . import db as dbm, i18n, plans, workshop
from .cli import write_output


def _cmd_workshops(args) -> int:
    database = dbm.connect(args.db)
    if args.plan:
        plans.get_plan(database, args.plan)  # an unknown id: exit 2, as every command
    for plan in plans.plans(database):
        if args.plan and plan["id"] != args.plan:
            continue
        for w in workshop.for_plan(database, plan["id"]):
            figures = workshop.live(database, w["id"], day=True)
            print(
                f"{w['id']}\t{w['code']}\t{w['phase']}\t{figures['participants']} participants\t"
                f"{figures['proposals']} proposals\t{figures['votes']} votes\t{w['title']}"
            )
    return 0


def _cmd_results(args) -> int:
    database = dbm.connect(args.db)
    workshop.get(database, args.workshop)
    write = workshop.results_xlsx if args.format == "xlsx" else workshop.results_csv
    data = write(database, args.workshop, args.lang)
    write_output(data, args.output)
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "workshops",
        help="list workshops with their join codes and counts",
        description="List workshops: id, join code, phase, participants, proposals, votes, title.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="only this plan's workshops")
    p.set_defaults(func=_cmd_workshops)

    p = sub.add_parser(
        "workshop-results",
        help="write a workshop's results as Excel or CSV",
        description="Write a workshop's ranked results (votes, voters, merged duplicates, goals) "
        "as an Excel workbook or a CSV file (UTF-8 with BOM, ';').",
    )
    add_db(p)
    p.add_argument("workshop", type=int, help="workshop id (see `workshops`)")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("--lang", choices=i18n.LANGS, default="fi", help="language of headings and focus areas")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.set_defaults(func=_cmd_results)
