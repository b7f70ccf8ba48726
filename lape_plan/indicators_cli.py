"""Command-line commands of the indicators feature (registered in cli.COMMAND_MODULES)."""

from __future__ import annotations

import sys

from . import i18n, indicators, plans, sotkanet
from .cli import print_problems
from .errors import ImportRejected


def _print_reports(reports) -> None:
    for r in reports:
        print(
            f"{r.name}\t{r.kind}\tnew {r.new}\tchanged {r.changed}\tunchanged {r.unchanged}"
            + (f"\tempty values skipped {r.skipped_empty}" if r.skipped_empty else "")
        )


def _cmd_import(args) -> int:
    from pathlib import Path

    from . import db as dbm
    from .model import SYSTEM

    database = dbm.connect(args.db)
    paths = [Path(f) for f in args.files]
    try:
        # Sizes first, so that a huge file is refused without reading it into memory.
        problems = [p for p in (sotkanet.too_large(f.name, f.stat().st_size, sotkanet.CLI) for f in paths) if p]
        if problems:
            raise ImportRejected(problems)
        files = [(f.name, f.read_bytes()) for f in paths]
    except ImportRejected as err:
        print_problems(err)
        return 2
    try:
        reports = indicators.import_files(database, SYSTEM, files, limits=sotkanet.CLI)
    except ImportRejected as err:
        print_problems(err)
        return 2
    _print_reports(reports)
    return 0


def _cmd_fetch(args) -> int:
    from . import db as dbm
    from .model import SYSTEM
    from .sotkanet_client import SotkanetUnavailable, fetch_live

    database = dbm.connect(args.db)
    plan_id = plans.plan_or_first(database, args.plan)["id"]
    try:
        reports = fetch_live(
            database, SYSTEM, plan_id, indicators.parse_ids(args.indicators), indicators.parse_years(args.years)
        )
    except SotkanetUnavailable as err:
        print(f"error: {i18n.error_text(err, 'en')}")
        return 3
    _print_reports(reports)
    return 0


def _cmd_example(args) -> int:
    from pathlib import Path

    from . import db as dbm, indicator_examples

    database = dbm.connect(args.db)
    plan_id = args.plan or next((p["id"] for p in plans.plans(database) if p["is_example"]), None)
    if plan_id is None:
        print("error: no example plan: run `init --demo` first", file=sys.stderr)
        return 2
    added = indicator_examples.load(database, plan_id)
    print("example indicators, links and generated values added" if added else "the plan already has indicator links")
    if args.csv:
        Path(args.csv).write_bytes(indicator_examples.sotkanet_csv(database, "191"))
        print(f"wrote {args.csv} (made-up example values in Sotkanet's CSV layout)")
    return 0


def _cmd_trust(args) -> int:
    from . import db as dbm
    from .errors import LapeError
    from .model import SYSTEM

    database = dbm.connect(args.db)
    try:
        ind = indicators.find_indicator(database, args.indicator)
        if args.noise is not None or args.noise_unit is not None or args.min_count is not None:
            keep = lambda new, old: old if new is None else new  # noqa: E731
            indicators.set_trust(
                database,
                SYSTEM,
                ind["id"],
                keep(args.noise, ind["noise_threshold"]),
                keep(args.noise_unit, ind["noise_unit"]),
                keep(args.min_count, ind["min_count"]),
                ind["version"],
            )
            ind = indicators.get_indicator(database, ind["id"])
    except LapeError as err:
        print(f"error: {i18n.error_text(err, 'en')}")
        return 2
    settings = indicators.trust(ind)
    threshold = "none" if settings["threshold"] is None else f"{settings['threshold']:g} {settings['unit']}"
    print(
        f"{ind['source_id']}\tnoise threshold {threshold}\tmin count {settings['min_count']}"
        f"\tcounts give n: {'yes' if settings['scale'] else 'no'}"
    )
    return 0


def register_cli(sub, add_db) -> None:
    p = sub.add_parser(
        "indicator-trust",
        help="show or set an indicator's noise threshold and minimum count",
        description="Show or set how far an indicator's values are trusted: the noise threshold used "
        "when the number of people behind a value is unknown (empty string: none) and "
        "the smallest number of people behind a municipality's value that is shown.",
    )
    add_db(p)
    p.add_argument("indicator", help="Sotkanet id or custom indicator code")
    p.add_argument("--noise", help="noise threshold, e.g. 2 or 2,5; '' removes it")
    p.add_argument("--noise-unit", choices=indicators.NOISE_UNITS, help="points (default) or relative (%% of baseline)")
    p.add_argument("--min-count", help="smallest number of people shown for a municipality; '' for the default 5")
    p.set_defaults(func=_cmd_trust)

    p = sub.add_parser(
        "import-indicators",
        help="import Sotkanet files or the custom-indicator template",
        description="Import Sotkanet JSON/CSV data rows, indicator metadata JSON, regions JSON and "
        "custom-indicator CSV/Excel files in one transaction. A file with any bad row "
        "is refused whole and nothing changes.",
    )
    add_db(p)
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=_cmd_import)

    p = sub.add_parser(
        "fetch-sotkanet",
        help="fetch indicators from the Sotkanet REST API",
        description="Fetch indicator data (and missing metadata/regions) from the Sotkanet REST API, "
        "keep the plan's regions and import them. Occasional use only.",
    )
    add_db(p)
    p.add_argument("--indicators", required=True, help="Sotkanet indicator ids, e.g. 191,423")
    p.add_argument("--years", required=True, help="e.g. 2015-2023 or 2019,2021,2023")
    p.add_argument("--plan", type=int, help="plan id (default: the first plan)")
    p.set_defaults(func=_cmd_fetch)

    p = sub.add_parser(
        "example-indicators",
        help="add example indicators with generated values to the example plan",
        description="Add example indicators, goal links and generated example values (not real "
        "statistics) to the example plan. Idempotent.",
    )
    add_db(p)
    p.add_argument("--plan", type=int, help="plan id (default: the example plan)")
    p.add_argument("--csv", metavar="PATH", help="also write indicator 191's example values as a Sotkanet CSV")
    p.set_defaults(func=_cmd_example)
