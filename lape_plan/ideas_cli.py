"""CLI: ideas-open, ideas-figures, ideas-export."""

from __future__ import annotations

from . import db as dbm, i18n, ideas, plans
from .cli import write_output
from .model import SYSTEM


def _cmd_open(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    ideas.set_period(database, SYSTEM, plan["id"], args.opens, args.closes)
    print(f"plan {plan['id']}: ideas collected {args.opens}–{args.closes}")
    return 0


def _cmd_figures(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    for breakdown, value, count in ideas.figure_rows(database, plan["id"], args.lang):
        print(f"{breakdown}\t{value}\t{count}")
    return 0


def _cmd_export(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    write = ideas.export_xlsx if args.format == "xlsx" else ideas.export_csv
    data = write(database, plan["id"], args.lang)
    write_output(data, args.output)
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "ideas-open",
        help="open the public idea page of a plan for a period",
        description="Set the period (dates inclusive, YYYY-MM-DD) during which the public idea "
        "page takes ideas for the plan.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the first plan)")
    p.add_argument("opens", help="first day, YYYY-MM-DD")
    p.add_argument("closes", help="last day, YYYY-MM-DD")
    p.set_defaults(func=_cmd_open)

    p = sub.add_parser(
        "ideas-figures",
        help="participation figures of ideas and workshops",
        description="Ideas by sender group, grade band, municipality and focus area, plus class "
        "sessions and workshop participants: breakdown, value, count (tab-separated).",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the first plan)")
    p.add_argument("--lang", choices=i18n.LANGS, default="fi")
    p.set_defaults(func=_cmd_figures)

    p = sub.add_parser(
        "ideas-export",
        help="write the ideas with their answers as Excel or CSV",
        description="Write every idea of the plan with its moderation state, status, answer and "
        "linked goal or measure (no e-mail addresses) as Excel or CSV (UTF-8 with BOM, ';').",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the first plan)")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("--lang", choices=i18n.LANGS, default="fi")
    p.add_argument("-o", "--output", metavar="FILE", help="output file (default: standard output)")
    p.set_defaults(func=_cmd_export)
