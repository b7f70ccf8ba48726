"""Child budgeting commands: the roll-up as tab-separated text, the budget CSV, and
the example euros for an existing example plan."""

from __future__ import annotations

from . import budget, db as dbm, exports, i18n, plans
from .cli import write_output


def _municipality_id(database, plan_id: int, code: str | None) -> int | None:
    municipality = plans.municipality_by_code(database, plan_id, code)
    return municipality["id"] if municipality else None


def cmd_summary(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    r = budget.rollup(database, plan["id"], _municipality_id(database, plan["id"], args.municipality))
    lang = args.lang
    num = lambda v: "–" if v is None else i18n.number(v, lang, 0)  # noqa: E731
    share = lambda v: "–" if v is None else i18n.number(v * 100, lang, 0) + " %"  # noqa: E731
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    print(
        "\t".join(
            [
                t("budget.col.group"),
                t("budget.col.planned"),
                t("budget.col.actual"),
                t("budget.col.cancelled"),
                t("budget.col.preventive_planned"),
                t("budget.col.preventive_actual"),
                t("budget.col.direct"),
            ]
        )
    )

    def line(name, g):
        print(
            "\t".join(
                [
                    str(name),
                    num(g.shown(0)),
                    num(g.shown(1)),
                    num(g.cancelled_planned),
                    share(g.preventive_share(0)),
                    share(g.preventive_share(1)),
                    share(g.direct_share(0)),
                ]
            )
        )

    line(f"{plan['first_year']}–{plan['last_year']}", r["total"])
    for year, g in r["by_year"].items():
        line(year, g)
    orgs = {o["id"]: o for o in plans.organisations(database, plan["id"])}
    for org_id, g in sorted(r["by_org"].items(), key=lambda kv: -kv[1].planned):
        line(plans.org_name(orgs[org_id], lang) if org_id in orgs else t("budget.several_orgs"), g)
    for code in budget.SOURCES:
        p, a = r["total"].by_source[code]
        print(f"{i18n.t('budget.source.' + code, lang)}\t{num(p)}\t{num(a)}")
    for code in budget.KINDS:
        p, a = r["total"].by_kind[code]
        print(f"{i18n.t('budget.kind.' + code, lang)}\t{num(p)}\t{num(a)}")
    print(f"{t('budget.without_euros')}\t{len(r['without_euros'])}/{r['measures']}")
    return 0


def cmd_csv(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    data = exports.budget_csv(
        database, plan["id"], args.lang, _municipality_id(database, plan["id"], args.municipality)
    )
    write_output(data, args.output)
    return 0


def cmd_example(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    print(f"example budget lines added: {budget.load_example(database, plan['id'])}")
    return 0


def register_cli(sub, add_db) -> None:
    def common(p):
        add_db(p)
        p.add_argument("--plan", type=int, help="plan id (default: the first plan listed by `plans`)")
        p.add_argument("--municipality", metavar="CODE", help="kuntanumero: shared goals plus its own")
        p.add_argument("--lang", choices=("fi", "sv", "en"), default="fi", help="language of labels and numbers")

    p = sub.add_parser(
        "budget-summary",
        help="child budget roll-up",
        description="Print planned and actual euros of the plan period, each year and each "
        "organisation, the preventive share, euros by source and kind, and the "
        "measures without euros (tab-separated).",
    )
    common(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser(
        "budget-csv",
        help="write the child budget as CSV",
        description="Write the child budget, one row per measure and year, as CSV (UTF-8 with "
        "BOM, ';', decimal comma in fi and sv).",
    )
    common(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the CSV file to write")
    p.set_defaults(func=cmd_csv)

    p = sub.add_parser(
        "example-budget",
        help="add example euros to the example plan",
        description="Add the made-up example euros (flagged as examples) to the example plan's "
        "measures, unless the plan has euros already.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the first plan listed by `plans`)")
    p.set_defaults(func=cmd_example)
