"""Load test of the workshop: 60 phones and a projector against the real server.

Starts `streamlit run app.py` on a loopback port with a temporary database (example plan and
one workshop), and drives it over Streamlit's own WebSocket protocol (/_stcore/stream,
subprotocol "streamlit"): each session sends BackMsg rerun_script with widget states, as the
browser does, and waits for ForwardMsg script_finished. No browser is involved, so the two
cores are spent on the server.

Each participant session opens the join page, joins by code, sends a proposal, waits for the
facilitator to open voting, then gives its votes one by one with random think times
(exponential, mean 5 s). One vote in ten is submitted twice at once (a double tap). The
projector page is open all the time and refreshes its fragment as a browser would.

Reported:
- vote round trip (submit → script_finished): median and p95; goal p95 ≤ 500 ms;
- exactly-once: every vote the sessions gave is in the database once, double taps included;
- rerun throughput of the participant page (voting, full ballot) against a one-line page
  (`st.write("hello")` on a second server), 10 sessions rerunning back-to-back, same run;
  goal ratio ≥ 0.5. The app turns off Streamlit's forced garbage collection after each run
  (.streamlit/config.toml); a second one-line server with the same setting gives the
  like-for-like ratio, which measures the page alone.

Usage: python benchmarks/workshop_load.py [--sessions 60] [--think 5] [--limit 150] [--quick | --smoke]
  [--db PATH --app-port PORT [--hello-port PORT]]   # app processes started elsewhere, e.g. behind a proxy
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402

from lape_plan import auth, db as dbm, demo, i18n, plans, workshop  # noqa: E402
from lape_plan.model import SYSTEM, Role  # noqa: E402

FACILITATOR = ("fasilitaattori", "benchmark-password")

DONE = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
        ForwardMsg.FINISHED_WITH_COMPILE_ERROR)
KEY = re.compile(r"^\$\$ID-[0-9a-f]+-(.+)$")
ERROR, SUCCESS = 1, 4


# ---------------------------------------------------------------- servers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(script: Path, cwd: Path, env: dict, log: Path, *options: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true", "--server.port",
         str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none", *options],
        cwd=cwd, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read() == b"ok":
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server did not start, see {log}")


# ---------------------------------------------------------------- one browserless session
class Session:
    def __init__(self, port: int, page: str, query: str = ""):
        self.port, self.page, self.query = port, page, query
        self.page_hash = ""
        self.widgets: dict[str, object] = {}  # user key -> element proto of the latest run
        self.widget_fragment: dict[str, str] = {}  # user key -> the fragment that drew it ("" = none)
        self.alerts: list[tuple[int, str]] = []
        self.fragment: tuple[str, float] | None = None
        self.running = False  # a full run has begun (new_session) and not yet ended
        self._widgets: dict[str, object] = {}
        self._widget_fragment: dict[str, str] = {}
        self._alerts: list[tuple[int, str]] = []
        self.queue: asyncio.Queue = asyncio.Queue()

    async def open(self):
        self.ws = await connect(f"ws://127.0.0.1:{self.port}/_stcore/stream", subprotocols=["streamlit"],
                                max_size=None, open_timeout=30, ping_interval=None)
        self.reader = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                await self.queue.put(msg)
        except Exception:  # connection closed at the end
            pass

    async def close(self):
        await self.ws.close()
        self.reader.cancel()

    async def rerun(self, states=(), fragment_id: str | None = None, wait: bool = True) -> float:
        """Send one rerun with the given widget states; returns seconds until it finished.

        As the browser does, a widget drawn inside a fragment reruns only that fragment;
        an explicit fragment_id is the projector's timed refresh."""
        auto = fragment_id is not None
        if fragment_id is None:
            fragment_id = next((self.widget_fragment.get(key, "") for key, _, _ in states), "")
        back = BackMsg()
        rerun = back.rerun_script
        rerun.query_string = self.query
        rerun.page_script_hash = self.page_hash
        rerun.page_name = "" if self.page_hash else self.page
        rerun.context_info.url = f"http://127.0.0.1:{self.port}/{self.page}"
        rerun.context_info.locale = "fi-FI"
        rerun.context_info.timezone = "Europe/Helsinki"
        if fragment_id:
            rerun.fragment_id = fragment_id
            rerun.is_auto_rerun = auto
        for key, kind, value in states:
            if key not in self.widgets:
                raise RuntimeError(f"{self.page}: no widget {key!r} on screen; saw {sorted(self.widgets)} {self.alerts}")
            w = rerun.widget_states.widgets.add()
            w.id = self.widgets[key].id
            setattr(w, kind, value)
        started = time.perf_counter()
        await self.ws.send(back.SerializeToString())
        if wait:
            await self.finish()
        return time.perf_counter() - started

    def _handle(self, msg) -> bool:
        """Apply one ForwardMsg; True when it ends a run that completed. A fragment run
        redraws only its fragments: the widgets drawn elsewhere stay on screen."""
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            etype = element.WhichOneof("type")
            proto = getattr(element, etype)
            match = KEY.match(getattr(proto, "id", "") or "")
            if match:
                self._widgets[match.group(1)] = proto
                self._widget_fragment[match.group(1)] = msg.delta.fragment_id
            if etype == "alert":
                self._alerts.append((proto.format, proto.body))
            elif etype == "exception":
                self._alerts.append((ERROR, f"{proto.type}: {proto.message}"))
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "new_session":
            self.running = True
            self.page_hash = msg.new_session.page_script_hash or self.page_hash
            redrawn = set(msg.metadata.run.fragment_ids)
            if redrawn:
                self._widget_fragment = {k: f for k, f in self.widget_fragment.items() if f not in redrawn}
                self._widgets = {k: self.widgets[k] for k in self._widget_fragment if k in self.widgets}
            else:
                self._widgets, self._widget_fragment = {}, {}
            self._alerts = []
        elif kind == "navigation":
            self.page_hash = msg.navigation.page_script_hash or self.page_hash
        elif kind == "auto_rerun":
            self.fragment = (msg.auto_rerun.fragment_id, msg.auto_rerun.interval)
        elif kind == "script_finished":
            # a new run clears the server's outgoing queue, so an earlier run's finish may never
            # arrive: what counts is that the latest run has ended
            self.running = False
            if msg.script_finished in DONE:
                self.widgets, self.widget_fragment, self.alerts = self._widgets, self._widget_fragment, self._alerts
                return True
        return False

    async def finish(self, timeout: float = 120):
        while not self._handle(await asyncio.wait_for(self.queue.get(), timeout)):
            pass

    def vote_version(self) -> int | None:
        """The vote version the participant's screen shows (it is in the ballot's widget keys)."""
        key = next((k for k in self.widgets if k.startswith("ws_pick_")), None)
        return int(key.rsplit("_", 1)[1]) if key else None

    async def quiesce(self, grace: float = 1.5):
        """Consume runs until none is in progress and nothing arrives for `grace` seconds:
        after a double submit the client cannot know whether one or two runs follow."""
        while True:
            try:
                msg = await asyncio.wait_for(self.queue.get(), 120 if self.running else grace)
            except asyncio.TimeoutError:
                return
            self._handle(msg)


# ---------------------------------------------------------------- the workshop
class Stats:
    def __init__(self):
        self.join, self.propose, self.vote, self.projector = [], [], [], []
        self.given: dict[str, int] = {}  # participant token -> votes given (each once, whatever the taps)
        self.screen: dict[str, int] = {}  # participant token -> votes used as their screen shows at the end
        self.double_taps = 0
        self.errors: list[str] = []
        self.proposed = 0


def think(mean: float) -> float:
    return min(random.expovariate(1 / mean), mean * 4)


async def participant(port, code, n, mean, stats: Stats, voting: asyncio.Event, stop_at: float, ready):
    s = Session(port, "join", f"code={code}")
    await asyncio.sleep(random.uniform(0, 10))  # people arrive over ten seconds
    await s.open()
    try:
        await s.rerun()
        await asyncio.sleep(think(mean))
        stats.join.append(await s.rerun([("ws_code", "string_value", code), ("ws_name", "string_value", f"P{n}"),
                                         ("ws_join", "trigger_value", True)]))
        token = dict(p.split("=", 1) for p in s.query.split("&")).get("p")
        if not token:
            stats.errors.append(f"P{n}: join failed {s.alerts}")
            return
        await asyncio.sleep(think(mean))
        if "ws_send" in s.widgets:  # a late arrival finds voting already open
            stats.propose.append(await s.rerun([("ws_text", "string_value", f"Ehdotus {n}: nuorten kerho {n}"),
                                                ("ws_send", "trigger_value", True)]))
            if any(f == SUCCESS for f, _ in s.alerts):
                stats.proposed += 1
            elif "ws_send" in s.widgets:
                stats.errors.append(f"P{n}: proposal refused {s.alerts}")
        ready()
        await voting.wait()
        await asyncio.sleep(think(mean))
        await s.rerun()  # the participant taps the page / reloads and sees the ballot
        stats.given[token] = 0
        while time.time() < stop_at:
            version = s.vote_version()
            if version is None:
                break
            options = [o for o in s.widgets[f"ws_pick_{version}"].options if "—" not in o]  # not yet voted
            if not options or f"ws_vote_{version}" not in s.widgets:
                break  # nothing left to vote on
            states = [(f"ws_pick_{version}", "string_value", random.choice(options)),
                      (f"ws_vote_{version}", "trigger_value", True)]
            double = random.random() < 0.1
            stats.double_taps += double
            started = time.perf_counter()
            for _ in range(2 if double else 1):
                await s.rerun(states, wait=False)
            try:
                # Runs cannot be matched to requests, so wait for the screen the vote leads to: the
                # next vote version (a refused vote would leave it, and time out here).
                while s.vote_version() != version + 1:
                    await s.finish(timeout=60)
            except asyncio.TimeoutError:
                stats.errors.append(f"P{n}: vote not confirmed {[b for f, b in s.alerts if f == ERROR]}")
                break
            if double:
                await s.quiesce()
            else:
                stats.vote.append(time.perf_counter() - started)
            stats.given[token] += 1
            if stats.given[token] >= 5:
                break
            await asyncio.sleep(think(mean))
        # what the participant's screen says at the end must match the database
        await s.quiesce()
        await s.rerun()
        pick_key = next((k for k in s.widgets if k.startswith("ws_pick_")), None)
        left = re.search(r"(\d+)/(\d+)", s.widgets[pick_key].label) if pick_key else None
        if left:
            stats.screen[token] = int(left.group(2)) - int(left.group(1))
    finally:
        await s.close()


async def projector(port, workshop_id, stats: Stats, stop: asyncio.Event):
    s = Session(port, "projector", f"w={workshop_id}")
    await s.open()
    try:
        await s.rerun()
        if "login_username" in s.widgets:  # the projector is a staff page: sign in first
            await s.rerun(states=[("login_username", "string_value", FACILITATOR[0]),
                                  ("login_password", "string_value", FACILITATOR[1]),
                                  ("login_submit", "trigger_value", True)])
            await s.quiesce()
        if not s.fragment:
            stats.errors.append("projector: no self-refreshing fragment")
            return
        fragment_id, interval = s.fragment
        while not stop.is_set():
            await asyncio.sleep(interval)
            stats.projector.append(await s.rerun(fragment_id=fragment_id))
    finally:
        await s.close()


async def throughput(port, page, queries, seconds) -> float:
    """Reruns per second with every session rerunning back-to-back."""
    sessions = [Session(port, page, q) for q in queries]
    for s in sessions:
        await s.open()
        await s.rerun()
    count = 0
    end = time.perf_counter() + seconds

    async def loop(s):
        nonlocal count
        while time.perf_counter() < end:
            await s.rerun()
            count += 1

    started = time.perf_counter()
    await asyncio.gather(*(loop(s) for s in sessions))
    elapsed = time.perf_counter() - started
    for s in sessions:
        await s.close()
    return count / elapsed


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def main(args):
    tmp = Path(tempfile.mkdtemp(prefix="workshop_load_"))
    path = Path(args.db) if args.db else tmp / "load.db"
    database = dbm.connect(path)
    plan_id = demo.load(database)
    areas = [a["id"] for a in plans.tree(database, plan_id)]
    auth.create_user(database, SYSTEM, "admin", "benchmark-admin-password", role=Role.ADMIN)
    auth.create_user(database, SYSTEM, FACILITATOR[0], FACILITATOR[1], role=Role.FACILITATOR)
    wid = workshop.create(database, SYSTEM, plan_id, "Kuormitustesti", "Mitä tehdään?", areas, 5)
    code = workshop.get(database, wid)["code"]
    hello = tmp / "hello.py"
    hello.write_text('import streamlit as st\nst.write("hello")\n')
    app, app_port = (None, args.app_port) if args.app_port else start_server(
        ROOT / "app.py", ROOT, {"LAPE_PLAN_DB": str(path)}, tmp / "app.log")
    base, base_port = start_server(hello, tmp, {}, tmp / "hello.log")
    same, same_port = (None, args.hello_port) if args.hello_port else start_server(
        hello, tmp, {}, tmp / "hello_nogc.log", "--runner.postScriptGC", "false")
    print(f"servers up (app :{app_port}, one-line page :{base_port}); {args.sessions} sessions, "
          f"think time mean {args.think} s, limit {args.limit} s; load average before: {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} cores")
    # The facilitator opens the app first. Until some session has run app.py, Streamlit serves a
    # page URL by running the page script alone, which would leave app.py out of every rerun.
    facilitator = Session(app_port, "")
    await facilitator.open()
    await facilitator.rerun()
    await facilitator.close()
    stats = Stats()
    voting, stop = asyncio.Event(), asyncio.Event()
    started = time.time()
    stop_at = started + args.limit

    arrived = 0

    def ready():
        nonlocal arrived
        arrived += 1
        if arrived >= args.sessions:
            voting.set()

    proj = asyncio.create_task(projector(app_port, wid, stats, stop))

    async def open_voting():
        # the facilitator opens voting when everyone has proposed, or at 50 % of the time limit
        try:
            await asyncio.wait_for(voting.wait(), args.limit * 0.5)
        except asyncio.TimeoutError:
            pass
        workshop.set_phase(database, SYSTEM, wid, "voting")
        voting.set()

    opener = asyncio.create_task(open_voting())
    await asyncio.gather(*(participant(app_port, code, n, args.think, stats, voting, stop_at, ready)
                           for n in range(args.sessions)))
    await opener
    stop.set()
    await proj
    load_seconds = time.time() - started

    given = sum(stats.given.values())
    in_db = database.execute("select count(*) from workshop_votes where workshop_id = ?", [wid]).fetchone()[0]
    per_person_wrong = 0
    for token, n in stats.given.items():
        person = workshop.participant(database, token)
        stored = sum(workshop.my_votes(database, person["id"]).values())
        if stored != n or stats.screen.get(token) != stored:
            per_person_wrong += 1

    # rerun throughput, same run: the participant page in the voting phase against a one-line page
    tokens = [r[0] for r in database.execute(
        "select token from workshop_participants where workshop_id = ? limit 10", [wid])]
    queries = [f"code={code}&p={t}" for t in tokens] or [f"code={code}"]
    base_rate = await throughput(base_port, "", [""] * len(queries), args.tp_seconds)
    same_rate = await throughput(same_port, "", [""] * len(queries), args.tp_seconds)
    page_rate = await throughput(app_port, "join", queries, args.tp_seconds)
    for proc in (app, base, same):
        if proc:
            proc.terminate()
            proc.wait(timeout=15)

    p95 = pct(stats.vote, 0.95)
    ratio = page_rate / base_rate
    print(f"load phase: {load_seconds:.0f} s, {len(stats.join)} joined, {stats.proposed} proposals, "
          f"projector fragment runs {len(stats.projector)} (median {pct(stats.projector, .5) * 1000:.0f} ms)")
    print(f"join round trip: median {pct(stats.join, .5) * 1000:.0f} ms, p95 {pct(stats.join, .95) * 1000:.0f} ms; "
          f"proposal: median {pct(stats.propose, .5) * 1000:.0f} ms, p95 {pct(stats.propose, .95) * 1000:.0f} ms")
    print(f"vote round trip ({len(stats.vote)} votes): median {pct(stats.vote, .5) * 1000:.0f} ms, "
          f"p95 {p95 * 1000:.0f} ms  [goal ≤ 500 ms: {'PASS' if p95 <= 0.5 else 'FAIL'}]")
    exact = given == in_db and per_person_wrong == 0
    print(f"exactly once: {given} votes given ({stats.double_taps} of them double-tapped), {in_db} in the database, "
          f"{per_person_wrong} participants whose database count or final screen differs  [{'PASS' if exact else 'FAIL'}]")
    print(f"rerun throughput, {len(queries)} sessions back-to-back: participant page {page_rate:.1f}/s, one-line page "
          f"{base_rate:.1f}/s, ratio {ratio:.2f}  [goal ≥ 0.5: {'PASS' if ratio >= 0.5 else 'FAIL'}]; like for like "
          f"(one-line page without post-run GC {same_rate:.1f}/s): ratio {page_rate / same_rate:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f} (other processes on the machine skew every figure "
          f"but the ratio)")
    if stats.errors:
        print("problems:", *stats.errors[:5], sep="\n  ")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.smoke:  # figures of a tiny run mean nothing; it must still run and count every vote once
        return 0 if exact and not stats.errors else 1
    return 0 if (p95 <= 0.5 and exact and ratio >= 0.5 and not stats.errors) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=60)
    parser.add_argument("--think", type=float, default=5.0, help="mean think time in seconds")
    parser.add_argument("--limit", type=float, default=150, help="time limit of the load phase in seconds")
    parser.add_argument("--tp-seconds", type=float, default=15, help="length of each throughput measurement")
    parser.add_argument("--quick", action="store_true", help="20 sessions, 60 s limit, 6 s throughput runs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database and server logs")
    parser.add_argument("--smoke", action="store_true",
                        help="3 sessions, 2 s throughput runs, timing goals not judged: only checks that it still runs")
    parser.add_argument("--db", metavar="PATH", help="database file to create (default: a temporary file)")
    parser.add_argument("--app-port", type=int, metavar="PORT",
                        help="send the app's traffic to this loopback port (e.g. a reverse proxy in front of app "
                             "processes started with LAPE_PLAN_DB=--db) instead of starting an app server")
    parser.add_argument("--hello-port", type=int, metavar="PORT",
                        help="likewise for the like-for-like one-line page (postScriptGC off)")
    args = parser.parse_args()
    if args.app_port and not args.db:
        parser.error("--app-port needs --db, the database that the app processes use")
    if args.quick:
        args.sessions, args.limit, args.tp_seconds = 20, 60, 6
    if args.smoke:
        args.sessions, args.think, args.limit, args.tp_seconds = 3, 0.3, 30, 2
    i18n.catalogue()
    sys.exit(asyncio.run(main(args)))
