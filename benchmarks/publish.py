"""Publishing the example region's plan as static HTML, as a ratio to plain Jinja2 rendering of
the same pages (same templates, data already in memory, nothing written) in the same run.

    python benchmarks/publish.py            # 15 rounds
    python benchmarks/publish.py --quick    # 5 rounds
    python benchmarks/publish.py --serve 50 # also: 50 readers at once fetching the published pages from
                                            # the app's own static serving vs Python's http.server
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jinja2 import Environment, FileSystemLoader  # noqa: E402

from lape_plan import db as dbm, demo, follow_up, i18n, indicators, publishing  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402


def plain_render(env: Environment, data_by_lang, sections_by_lang, summaries_by_lang) -> int:
    """The same pages rendered with a bare Jinja2 environment: no database, no files."""
    size = 0
    for lang, data in data_by_lang.items():
        common = {
            "plan": data,
            "lang": lang,
            "t": lambda k, _l=lang, **v: i18n.t(k, _l, **v),
            "num": i18n.number,
            "other_langs": [{"code": lg, "name": lg} for lg in data_by_lang if lg != lang],
        }
        size += len(
            env.get_template("published_index.html").render(
                **common, sections=sections_by_lang[lang], page="index.html"
            )
        )
        for area in data["areas"]:
            size += len(env.get_template("published_area.html").render(**common, area=area, page="x"))
        for m in summaries_by_lang[lang]:
            size += len(
                env.get_template("published_embed.html").render(
                    **common, municipality=m, statuses=[*follow_up.STATUSES, follow_up.NO_UPDATE]
                )
            )
    return size


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _readers(urls: list[str], readers: int, per_reader: int) -> tuple[float, float, float]:
    """`readers` clients at once, each fetching `per_reader` pages back to back: (requests/s,
    median ms, p95 ms)."""

    def one(i):
        times = []
        for k in range(per_reader):
            t0 = time.perf_counter()
            with urllib.request.urlopen(urls[(i + k) % len(urls)], timeout=60) as r:
                r.read()
            times.append(time.perf_counter() - t0)
        return times

    t0 = time.perf_counter()
    with ThreadPoolExecutor(readers) as pool:
        times = sorted(t for ts in pool.map(one, range(readers)) for t in ts)
    wall = time.perf_counter() - t0
    return len(times) / wall, times[len(times) // 2] * 1000, times[int(len(times) * 0.95)] * 1000


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops connections of 50 readers (1 s SYN retries)


def serve(database, db_path: Path, plan_id: int, readers: int) -> None:
    root = Path(__file__).resolve().parents[1]
    site = publishing.publish(database, SYSTEM, plan_id)  # ./static/published/plan-ID, as the button does
    pages = [str(p.relative_to(site)) for p in sorted(site.rglob("*.html"))]
    port = _free_port()
    log = open(db_path.with_suffix(".log"), "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
        ],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "LAPE_PLAN_DB": str(db_path)},
    )
    httpd = _Server(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                time.sleep(0.5)
        app_urls = [f"{base}{publishing.STATIC_URL}/plan-{plan_id}/{p}" for p in pages]
        plain_urls = [f"http://127.0.0.1:{httpd.server_address[1]}/{p}" for p in pages]
        _readers(app_urls[:5], 5, 2)  # warm up
        a = _readers(app_urls, readers, 20)
        b = _readers(plain_urls, readers, 20)
        print(f"{readers} readers × 20 pages   requests/s   median ms   p95 ms")
        print(f"python http.server          {b[0]:10.0f}  {b[1]:10.1f}  {b[2]:7.1f}   1")
        print(f"app static serving          {a[0]:10.0f}  {a[1]:10.1f}  {a[2]:7.1f}   {a[0] / b[0]:.2f} (throughput)")
    finally:
        httpd.shutdown()
        proc.terminate()
        proc.wait(timeout=20)
        shutil.rmtree(site, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes, figures not judged: only checks that it still runs"
    )
    parser.add_argument("--serve", type=int, metavar="READERS", help="also measure serving to this many readers")
    args = parser.parse_args()
    rounds = 1 if args.smoke else 5 if args.quick else 15
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "bench.db"
        database = dbm.connect(db_path)
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
        if args.serve:
            serve(database, db_path, plan_id, args.serve)
    p, b, r, g = (statistics.median(x) for x in (pub, plain, reads, pages))
    print(f"example region: {files} files (fi, sv), median of {rounds}")
    print(f"plain Jinja2 rendering of the same pages  {b * 1000:8.1f} ms  1")
    print(f"publish (read, render, CSV, write, swap)  {p * 1000:8.1f} ms  {p / b:.2f}")
    print(f"  reading the plan (collect)               {r * 1000:8.1f} ms  {r / b:.2f}")
    print(f"  rendering pages and CSV in memory        {g * 1000:8.1f} ms  {g / b:.2f}")
    print(f"  the rest: writing files, swap, publication row  {(p - r - g) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
