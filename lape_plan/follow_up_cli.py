"""Follow-up commands: the status of a plan year, missing updates and the year summary,
as tab-separated text for a meeting memo or a spreadsheet."""

from __future__ import annotations

from . import db as dbm, follow_up as fu, i18n, plans


def _year(plan, year):
    return fu.check_year(year, plan) if year else fu.reporting_year(plan)


def _label(status, lang):
    return i18n.t(f"follow_up.status.{status}", lang)


def cmd_status(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    year = _year(plan, args.year)
    r = fu.rollup(database, plan["id"], year)
    print(f"{plans.title_in(plan, args.lang)}\t{year}\t{i18n.number(r['progress'], args.lang, 0)} %")
    for status in (*fu.STATUSES, fu.NO_UPDATE):
        print(
            f"{_label(status, args.lang)}\t{r['counts'][status]}\t"
            f"{i18n.number(r['shares'][status] * 100, args.lang, 0)} %"
        )
    for area in r["areas"]:
        print(f"{plans.title_in(area['focus_area'], args.lang)}\t\t{i18n.number(area['progress'], args.lang, 0)}")
        for g in area["goals"]:
            print(
                f"{g['number']} {plans.title_in(g['goal'], args.lang)}\t{_label(g['status'], args.lang)}\t"
                f"{i18n.number(g['progress'], args.lang, 0)}\t{g['coverage'][0]}/{g['coverage'][1]}"
            )
    return 0


def cmd_missing(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    year = _year(plan, args.year)
    groups = fu.missing(database, plan["id"], year)
    for g in groups:
        name = plans.org_name(g["organisation"], args.lang) if g["organisation"] else "–"
        for item in g["items"]:
            print(f"{name}\t{item['number']}\t{plans.title_in(item['row'], args.lang)}")
    return 1 if groups and args.fail else 0


def cmd_summary(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    year = _year(plan, args.year)
    for r in fu.year_summary(database, plan["id"], year):
        if not args.all and r["change"] in ("unchanged", "no_update"):
            continue
        print(
            "\t".join(
                [
                    r["number"],
                    plans.title_in(r["row"], args.lang),
                    i18n.t(f"follow_up.change.{r['change']}", args.lang),
                    _label(r["previous_status"], args.lang),
                    _label(r["status"], args.lang),
                    r["narrative"].replace("\n", " "),
                ]
            )
        )
    return 0


def register_cli(sub, add_db) -> None:
    def common(p):
        add_db(p)
        p.add_argument("--plan", type=int, help="plan id (default: the first plan listed by `plans`)")
        p.add_argument("--year", type=int, help="reporting year (default: this year, kept inside the plan period)")
        p.add_argument("--lang", choices=("fi", "sv", "en"), default="fi", help="language of labels and titles")

    p = sub.add_parser(
        "follow-up-status",
        help="roll-up of a plan year",
        description="Print the plan's progress in a year, the count and share of items per "
        "status, and each focus area's and goal's progress (tab-separated).",
    )
    common(p)
    p.set_defaults(func=cmd_status)

    p = sub.add_parser(
        "follow-up-missing",
        help="items without an update",
        description="List the goals and measures scheduled for a year that have no status "
        "update, grouped by responsible organisation (tab-separated).",
    )
    common(p)
    p.add_argument("--fail", action="store_true", help="exit with status 1 when any update is missing")
    p.set_defaults(func=cmd_missing)

    p = sub.add_parser(
        "follow-up-summary",
        help="what changed since the previous year",
        description="For a year, list the items whose status or progress changed since the "
        "year before, with the new narrative (tab-separated).",
    )
    common(p)
    p.add_argument("--all", action="store_true", help="also list unchanged items and items without an update")
    p.set_defaults(func=cmd_summary)
