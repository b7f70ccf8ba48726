"""Publishing the example region's plan as static HTML, as a ratio to plain Jinja2 rendering of
the same pages (same templates, data already in memory, nothing written) in the same run.

    python benchmarks/publish.py            # 15 rounds
    python benchmarks/publish.py --quick    # 5 rounds
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jinja2 import Environment, FileSystemLoader  # noqa: E402

from lape_plan import db as dbm, demo, follow_up, i18n, indicators, publishing  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402


def plain_render(env: Environment, data_by_lang, sections_by_lang, summaries_by_lang) -> int:
    """The same pages rendered with a bare Jinja2 environment: no database, no files."""
    size = 0
    for lang, data in data_by_lang.items():
        common = {"plan": data, "lang": lang, "t": lambda k, _l=lang, **v: i18n.t(k, _l, **v), "num": i18n.number,
                  "other_langs": [{"code": lg, "name": lg} for lg in data_by_lang if lg != lang]}
        size += len(env.get_template("published_index.html").render(**common, sections=sections_by_lang[lang],
                                                                      page="index.html"))
        for area in data["areas"]:
            size += len(env.get_template("published_area.html").render(**common, area=area, page="x"))
        for m in summaries_by_lang[lang]:
            size += len(env.get_template("published_embed.html").render(
                **common, municipality=m, statuses=[*follow_up.STATUSES, follow_up.NO_UPDATE]))
    return size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    rounds = 5 if args.quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        database = dbm.connect(Path(tmp) / "bench.db")
        plan_id = demo.load(database, follow_up_example=True)
        indicators.load_example(database, plan_id)
        data = publishing.collect(database, plan_id)
        env = Environment(loader=FileSystemLoader(str(publishing.TEMPLATES)), autoescape=True)
        plain_render(env, *data)  # compile the templates once, as publishing's own environment keeps them
        publishing.publish(database, SYSTEM, plan_id, Path(tmp) / "site")
        files = sum(1 for p in (Path(tmp) / "site").rglob("*") if p.is_file())
        pub, plain, reads, pages = [], [], [], []
        for _ in range(rounds):  # alternate, so load on the shared machine hits both alike
            t0 = time.perf_counter()
            publishing.publish(database, SYSTEM, plan_id, Path(tmp) / "site")
            pub.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            plain_render(env, *data)
            plain.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            publishing.collect(database, plan_id)
            reads.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            publishing.render_pages(*data)
            pages.append(time.perf_counter() - t0)
    p, b, r, g = (statistics.median(x) for x in (pub, plain, reads, pages))
    print(f"example region: {files} files (fi, sv), median of {rounds}")
    print(f"plain Jinja2 rendering of the same pages  {b * 1000:8.1f} ms  1")
    print(f"publish (read, render, CSV, write, swap)  {p * 1000:8.1f} ms  {p / b:.2f}")
    print(f"  reading the plan (collect)               {r * 1000:8.1f} ms  {r / b:.2f}")
    print(f"  rendering pages and CSV in memory        {g * 1000:8.1f} ms  {g / b:.2f}")
    print(f"  the rest: writing files, swap, publication row  {(p - r - g) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
