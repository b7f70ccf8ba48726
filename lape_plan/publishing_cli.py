"""Publishing command: `publish` writes the plan's static site (and marks the plan published)."""

from __future__ import annotations

from pathlib import Path

from . import db as dbm, plans, publishing
from .model import Actor, Role

CLI_ACTOR = Actor(name="publish (command line)", role=Role.ADMIN)


def cmd_publish(args) -> int:
    database = dbm.connect(args.db)
    plan = plans.plan_or_first(database, args.plan)
    langs = args.lang or list(publishing.PUBLISH_LANGS)
    if args.unpublish:
        publishing.unpublish(database, CLI_ACTOR, plan["id"], Path(args.output) if args.output else None)
        print(f"unpublished plan {plan['id']}")
        return 0
    out = publishing.publish(database, CLI_ACTOR, plan["id"], Path(args.output) if args.output else None, langs)
    print(f"published plan {plan['id']}: {out}")
    for lang in langs:
        print(f"  {out / lang / 'index.html'}")
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "publish",
        help="write the plan's public static site (HTML per language, CSV, embeds)",
        description="Mark the plan published and write its static site: an index and a page per focus area in "
        "each language, an embeddable summary per municipality and the plan's data as CSV. Run it "
        "again after changes; the site is replaced whole. Without -o it goes to ./static/published/"
        "plan-ID (or $LAPE_PLAN_PUBLISH_DIR/plan-ID), which the app serves at /app/static/published/.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the first plan)")
    p.add_argument("-o", "--output", metavar="DIR", help="output folder (replaced whole)")
    p.add_argument(
        "--lang",
        action="append",
        choices=["fi", "sv", "en"],
        help="a language to publish; repeat for several (default: fi and sv)",
    )
    p.add_argument("--unpublish", action="store_true", help="take the site down and mark the plan unpublished")
    p.set_defaults(func=cmd_publish)
