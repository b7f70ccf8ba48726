"""Load test of the public idea page: a school morning, 300 phones sending ideas.

Starts `streamlit run app.py` with a temporary database (example plan, idea period open) and
drives /ideas over Streamlit's WebSocket protocol with the browserless client of
workshop_load.py (imported, not copied). Each session arrives within the first 30 s, opens the
page, and sends `--ideas` ideas, each after a think time (exponential, mean `--think` s): a
topic, a text unique to the session and idea, and the send button. One send in ten is
submitted twice at once (a double tap).

Reported:
- submission round trip (send → the page's next empty form): median and p95; goal p95 ≤ 500 ms;
- exactly once: every confirmed idea is in the database once, double taps included, and
  nothing else is;
- rerun throughput of the idea page against a one-line page (`st.write("hello")`) on a second
  server with the same post-run GC setting as the app (off), 10 sessions back-to-back, same
  run; goal ratio ≥ 0.5. The CPU time per rerun of the servers and of this client is printed
  as well: unlike the throughput it does not depend on what else the machine runs.

Usage: python benchmarks/ideas_load.py [--sessions 300] [--think 10] [--ideas 2] [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import workshop_load as wl  # noqa: E402  (also puts the project root on sys.path)

from lape_plan import db as dbm, demo, i18n, ideas  # noqa: E402
from lape_plan.model import SYSTEM  # noqa: E402


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measured(proc, port, page, queries, seconds) -> tuple[float, float, float]:
    """Reruns per second, and the server's and this client's CPU milliseconds per rerun: the
    CPU times do not depend on what else the machine runs, the rate does."""
    before, client = cpu_seconds(proc.pid), time.process_time()
    rate = await wl.throughput(port, page, queries, seconds)
    if isinstance(rate, tuple):  # the workshop client's newer throughput() also returns the server's CPU
        rate = rate[0]
    # the count includes each session's first run, which throughput() does before its clock starts
    runs = rate * seconds + len(queries)
    return rate, (cpu_seconds(proc.pid) - before) / runs * 1000, (time.process_time() - client) / runs * 1000


class Stats:
    def __init__(self):
        self.load, self.send = [], []
        self.confirmed: list[str] = []  # texts whose success the sender's screen showed
        self.double_taps = 0
        self.errors: list[str] = []


def nonce(s: wl.Session) -> str | None:
    key = next((k for k in s.widgets if k.startswith("idea_send_")), None)
    return key[len("idea_send_") :] if key else None


async def sender(port, plan_id, n, args, stats: Stats):
    s = wl.Session(port, "ideas", f"plan={plan_id}")
    await asyncio.sleep(random.uniform(0, args.arrive))  # the class arrives over half a minute (--arrive)
    await s.open()
    try:
        stats.load.append(await s.rerun())
        for k in range(args.ideas):
            await asyncio.sleep(wl.think(args.think))
            key = nonce(s)
            if key is None:
                stats.errors.append(f"S{n}: no form {s.alerts}")
                return
            text = f"Idea {n}.{k}: lisää nuorisotiloja ja kerhoja iltaisin"
            options = s.widgets[f"idea_area_{key}"].options
            states = [
                (f"idea_area_{key}", "string_value", random.choice(options)),
                (f"idea_text_{key}", "string_value", text),
                (f"idea_send_{key}", "trigger_value", True),
            ]
            # the smoke run has exactly one double tap, so its other sends still give a round-trip figure
            double = (n == 0 and k == 0) if args.smoke else random.random() < 0.1
            stats.double_taps += double
            started = time.perf_counter()
            for _ in range(2 if double else 1):
                await s.rerun(states, wait=False)
            try:
                # the screen a stored idea leads to: a new, empty form (a refused one keeps its key)
                while nonce(s) in (key, None):
                    await s.finish(timeout=60)
            except asyncio.TimeoutError:
                stats.errors.append(f"S{n}: idea not confirmed {[b for f, b in s.alerts if f == wl.ERROR]}")
                return
            if double:
                await s.quiesce()
            else:
                stats.send.append(time.perf_counter() - started)
            if not any(f == wl.SUCCESS for f, _ in s.alerts):
                stats.errors.append(f"S{n}: no thanks shown {s.alerts}")
            stats.confirmed.append(text)
    finally:
        await s.close()


async def main(args):
    tmp = Path(tempfile.mkdtemp(prefix="ideas_load_"))
    path = tmp / "load.db"
    database = dbm.connect(path)
    plan_id = demo.load(database)
    today = i18n.today()
    ideas.set_period(database, SYSTEM, plan_id, today - dt.timedelta(days=1), today + dt.timedelta(days=1))
    hello = tmp / "hello.py"
    hello.write_text('import streamlit as st\nst.write("hello")\n')
    app, app_port = wl.start_server(wl.ROOT / "app.py", wl.ROOT, {"LAPE_PLAN_DB": str(path)}, tmp / "app.log")
    same, same_port = wl.start_server(hello, tmp, {}, tmp / "hello_nogc.log", "--runner.postScriptGC", "false")
    print(
        f"servers up (app :{app_port}, one-line page :{same_port}); {args.sessions} sessions × {args.ideas} ideas, "
        f"think time mean {args.think} s; load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    first = wl.Session(app_port, "")  # app.py runs once before any page URL (see workshop_load)
    await first.open()
    await first.rerun()
    await first.close()
    stats = Stats()
    started = time.time()
    await asyncio.gather(*(sender(app_port, plan_id, n, args, stats) for n in range(args.sessions)))
    load_seconds = time.time() - started

    stored = {r[0]: r[1] for r in database.execute("select text, count(*) from ideas group by text")}
    twice = sum(1 for c in stored.values() if c > 1)
    missing = sum(1 for text in stats.confirmed if text not in stored)
    extra = sum(stored.values()) - len(stats.confirmed)
    exact = twice == 0 and missing == 0 and extra == 0

    queries = [f"plan={plan_id}"] * 10
    same_rate, same_cpu, same_client = await measured(same, same_port, "", [""] * len(queries), args.tp_seconds)
    page_rate, page_cpu, page_client = await measured(app, app_port, "ideas", queries, args.tp_seconds)
    for proc in (app, same):
        proc.terminate()
        proc.wait(timeout=15)

    p95 = wl.pct(stats.send, 0.95)
    ratio = page_rate / same_rate
    print(
        f"load phase: {load_seconds:.0f} s; page open: median {wl.pct(stats.load, 0.5) * 1000:.0f} ms, "
        f"p95 {wl.pct(stats.load, 0.95) * 1000:.0f} ms"
    )
    print(
        f"submission round trip ({len(stats.send)} single sends): median {wl.pct(stats.send, 0.5) * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms  [goal ≤ 500 ms: {'PASS' if p95 <= 0.5 else 'FAIL'}]"
    )
    print(
        f"exactly once: {len(stats.confirmed)} ideas confirmed ({stats.double_taps} double-tapped), "
        f"{sum(stored.values())} in the database, {twice} stored twice, {missing} missing, {extra} extra  "
        f"[{'PASS' if exact else 'FAIL'}]"
    )
    print(
        f"rerun throughput, {len(queries)} sessions back-to-back: idea page {page_rate:.1f}/s, one-line page "
        f"(post-run GC off, as the app) {same_rate:.1f}/s, ratio {ratio:.2f}  "
        f"[goal ≥ 0.5: {'PASS' if ratio >= 0.5 else 'FAIL'}]"
    )
    print(
        f"server CPU per rerun: idea page {page_cpu:.1f} ms, one-line page {same_cpu:.1f} ms, "
        f"({page_cpu / same_cpu:.1f} times the one-line page's server time)"
    )
    cpu_ratio = (same_cpu + same_client) / (page_cpu + page_client)
    print(
        f"server + client CPU per rerun: idea page {page_cpu:.1f} + {page_client:.1f} ms, one-line page "
        f"{same_cpu:.1f} + {same_client:.1f} ms; one-line / idea page {cpu_ratio:.2f} (when other work leaves "
        f"both servers only a small share of the cores, the throughput ratio falls towards this)"
    )
    print(
        f"load average after: {os.getloadavg()[0]:.1f} (other processes on the machine skew every figure but the ratio)"
    )
    if stats.errors:
        print(f"problems ({len(stats.errors)}):", *stats.errors[:5], sep="\n  ")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.smoke:  # figures of a tiny run mean nothing; it must still run and store every idea once
        return 0 if exact and not stats.errors else 1
    return 0 if (p95 <= 0.5 and exact and ratio >= 0.5 and not stats.errors) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=300)
    parser.add_argument("--think", type=float, default=10.0, help="mean think time in seconds")
    parser.add_argument("--ideas", type=int, default=2, help="ideas each session sends")
    parser.add_argument("--tp-seconds", type=float, default=15, help="length of each throughput measurement")
    parser.add_argument("--arrive", type=float, default=30, help="seconds over which the sessions arrive")
    parser.add_argument("--quick", action="store_true", help="60 sessions, 6 s throughput runs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and server logs")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="3 sessions arriving within 1 s, one double tap, 1 s throughput runs, figures not judged: only checks "
        "that it still runs",
    )
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.tp_seconds = 60, 6
    if args.smoke:
        args.sessions, args.think, args.ideas, args.tp_seconds, args.arrive = 3, 0.3, 1, 1, 1
    i18n.catalogue()
    sys.exit(asyncio.run(main(args)))
