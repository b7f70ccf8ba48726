"""Child impact assessment commands: the assessments of a plan with their state, and the
measures marked as needing one that have none (tab-separated)."""

from __future__ import annotations

from . import assessments as lava, db as dbm, plans
from .errors import UsageError


def _org(database, code):
    if not code:
        return None
    org = next((o for o in plans.organisations(database) if o["code"] == code), None)
    if org is None:
        raise UsageError(f"no organisation with code {code}")
    return org["id"]


def cmd_list(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    for r in lava.listing(database, plan["id"], _org(database, args.org)):
        a = r["assessment"]
        print(
            "\t".join(
                [
                    lava.label("target", r["target"], args.lang),
                    lava.target_title(r, args.lang),
                    lava.label("form", a["form"], args.lang),
                    lava.label("state", a["state"], args.lang),
                    str(a["follow_up_year"] or ""),
                    a["updated_by"] or "",
                ]
            )
        )
    return 0


def cmd_missing(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    rows = lava.missing(database, plan["id"], _org(database, args.org))
    orgs = {o["id"]: o for o in plans.organisations(database, plan["id"])}
    for r in rows:
        names = ", ".join(plans.org_name(orgs[o], args.lang) for o in r["responsible_ids"] if o in orgs)
        print(f"{names}\t{lava.target_title(r, args.lang)}")
    return 1 if rows and args.fail else 0


def register_cli(sub, add_db) -> None:
    def common(p):
        add_db(p)
        p.add_argument("--plan", type=int, help="plan id (default: the first plan listed by `plans`)")
        p.add_argument("--org", metavar="CODE", help="only items this organisation answers for (e.g. 272)")
        p.add_argument("--lang", choices=("fi", "sv", "en"), default="fi", help="language of labels and titles")

    p = sub.add_parser(
        "assessments",
        help="child impact assessments and their state",
        description="List the plan's child impact assessments: target, form, state (draft, "
        "done, followed up), follow-up year and who saved last (tab-separated).",
    )
    common(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser(
        "assessments-missing",
        help="measures that need an assessment and have none",
        description="List the measures marked as needing a child impact assessment that have "
        "none yet, with their responsible organisations (tab-separated).",
    )
    common(p)
    p.add_argument("--fail", action="store_true", help="exit with status 1 when any assessment is missing")
    p.set_defaults(func=cmd_missing)
