"""Command line: `document`: the plan, a municipality's card, the yearly report or a workshop's report
as Word or PDF."""

from __future__ import annotations

import sys

from . import db as dbm, documents, follow_up, plans, workshop
from .cli import write_output
from .errors import ValidationError

KINDS = ("plan", "card", "report", "workshop")


def cmd_document(args) -> int:
    if args.format == "pdf" and not documents.pdf_available():
        print(
            "error: PDF needs LibreOffice Writer (Debian: apt-get install libreoffice-writer-nogui); "
            "write --format docx instead",
            file=sys.stderr,
        )
        return 2
    database = dbm.connect(args.db)
    plan = plans.get_plan(database, args.plan)
    municipality = plans.municipality_by_code(database, plan["id"], args.municipality)
    year = None
    if args.kind == "plan":
        data = documents.plan_docx(database, plan["id"], args.lang, with_charts=not args.no_charts)
    elif args.kind == "card":
        if not municipality:
            raise ValidationError("error.required", field="municipality")
        data = documents.municipality_docx(database, plan["id"], municipality["id"], args.lang)
    elif args.kind == "report":
        year = args.year or follow_up.reporting_year(plan)
        data = documents.year_report_docx(database, plan["id"], year, args.lang)
    else:
        if not args.workshop or workshop.get(database, args.workshop)["plan_id"] != plan["id"]:
            raise ValidationError("error.required", field="workshop")
        data = documents.workshop_docx(database, args.workshop, args.lang)
    if args.format == "pdf":
        data = documents.to_pdf(data)
    output = args.output or documents.filename(
        plan,
        args.lang,
        args.format,
        args.kind,
        municipality if args.kind == "card" else None,
        year,
        args.workshop if args.kind == "workshop" else None,
    )
    write_output(data, output)
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "document",
        help="write the plan, a municipality's card, the yearly report or a workshop report as Word or PDF",
        description="Write a document for the councils. plan: cover, approvals, contents, the "
        "12 § chapters, goals and measures goal by goal, each goal's indicators with "
        "a chart, page numbers. card: one municipality's goals, measures, indicators "
        "and resources. report: the yearly report (roll-up, changes, delayed and "
        "cancelled items, missing updates, indicators). workshop: a workshop's "
        "question, participation, ranked results with a chart and the proposals that "
        "became goals. PDF is converted from the "
        "Word file by LibreOffice Writer.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, required=True, metavar="ID", help="plan id (see the `plans` command)")
    p.add_argument("--kind", choices=KINDS, default="plan", help="which document (default plan)")
    p.add_argument("--municipality", metavar="CODE", help="card: municipality code (e.g. 272) or name")
    p.add_argument("--year", type=int, metavar="Y", help="report: the year (default: the reporting year)")
    p.add_argument("--workshop", type=int, metavar="ID", help="workshop: its id (see the `workshops` command)")
    p.add_argument("--format", choices=("docx", "pdf"), default="docx", help="file format (default docx)")
    p.add_argument("--lang", choices=documents.DOC_LANGS, default="fi", help="language (default fi)")
    p.add_argument("--no-charts", action="store_true", help="leave out the indicator charts (faster)")
    p.add_argument("-o", "--output", metavar="FILE", help="file to write (default: a name from the plan)")
    p.set_defaults(func=cmd_document)
