"""A real `streamlit run` server on a free port with a temporary database, and
Debian's Chromium driven by Playwright."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError, expect

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
# expect() waits for a condition to come true; Playwright's 5 s default is short for a script run
# on 2 cores shared by two pytest workers, each with its own servers and Chromium.
expect.set_options(timeout=15_000)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db_path: Path, log_path: Path, with_admin: bool = True):
    """Start `streamlit run` on a free port; with_admin first loads the example plan (as the first
    start would) and creates the test administrator."""
    if with_admin:
        from tests.conftest import database_file

        database_file("admin", db_path)
    env = {**os.environ, "LAPE_PLAN_DB": str(db_path)}
    for _ in range(3):
        started = _start(env, log_path)
        if started:
            return started
        # another process took the free port before streamlit bound it (tests run in parallel)
        if "already in use" not in log_path.read_text():
            break
    raise RuntimeError(f"server did not start: {log_path.read_text()}")


def _start(env, log_path: Path):
    port = _free_port()
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.e2e.serve",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok":
                return proc, url
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    stop_server(proc)
    log.close()
    return None


class Server(str):
    """The server's base URL; `.db_path` is its database, for arranging data in a test."""

    db_path: Path


def stop_server(proc) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh server per test module: the first request of each module hits a server no one has used."""
    tmp = tmp_path_factory.mktemp("server")
    proc, url = start_server(tmp / "e2e.db", tmp / "server.log")
    server = Server(url)
    server.db_path = tmp / "e2e.db"
    yield server
    stop_server(proc)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    args = {
        **browser_type_launch_args,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
    if os.path.exists(CHROMIUM):
        args["executable_path"] = CHROMIUM
    return args


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}, "locale": "fi-FI"}


# Follows the app's script runs through its websocket, so that wait_idle waits for the run an action
# asked for, not for a fixed pause. Protocol facts (streamlit/proto): a BackMsg whose first byte is 0x5A
# (field 11, length-delimited) asks for a rerun; a ForwardMsg with field 4 (new_session) starts a run and
# field 6 (script_finished, a varint) ends one, 2 meaning it was cut short by the next rerun.
TRACK_RUNS = """() => {
  if (window.__lapeRuns) return false;
  const runs = window.__lapeRuns = {asked: 0, started: 0, finished: 0, input: 0};
  // some widgets send their value a moment after the key or click (a debounce, a blur)
  for (const kind of ["pointerdown", "pointerup", "keydown", "keyup", "input", "change", "focusout"])
    document.addEventListener(kind, () => { runs.input = performance.now(); }, true);
  const topFields = (b) => {
    const out = {};
    let i = 0;
    const varint = () => { let x = 0, m = 1, c; do { c = b[i++]; x += (c & 127) * m; m *= 128; } while (c & 128); return x; };
    while (i < b.length) {
      const tag = varint(), field = Math.floor(tag / 8), wire = tag & 7;
      if (wire === 0) out[field] = varint();
      else if (wire === 2) { const n = varint(); out[field] = true; i += n; }
      else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else break;
    }
    return out;
  };
  const heard = new WeakSet();
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    if (!heard.has(this)) {
      heard.add(this);
      this.addEventListener("message", (e) => {
        if (!(e.data instanceof ArrayBuffer)) return;
        const f = topFields(new Uint8Array(e.data));
        if (4 in f) runs.started = performance.now();
        if (6 in f && f[6] !== 2) runs.finished = performance.now();
      });
    }
    if (data instanceof Uint8Array && data[0] === 0x5a) runs.asked = performance.now();
    return send.call(this, data);
  };
  return true;
}"""
# Idle: 200 ms since the last input event, and every run asked for has started and finished. A
# request the server drops (no run starts within 5 s) does not hold the wait forever; a document that
# replaced the tracked one (a reload) is left to the script-state checks that follow.
RUNS_DONE = """() => {
  const r = window.__lapeRuns, now = performance.now();
  if (!r) return true;
  if (now - r.input < 200) return false;
  if (r.asked > r.started) return now - r.asked > 5000;
  return r.finished >= r.started;
}"""


def wait_idle(page, timeout=60_000):
    """Wait until the script run that the last action asked for has finished and been drawn."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    if page.evaluate(TRACK_RUNS):
        # first call on this document: an input or request before the tracker existed is not seen
        page.wait_for_timeout(200)
    page.wait_for_function(RUNS_DONE, timeout=timeout, polling=50)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_selector("[data-testid='stSkeleton']", state="detached", timeout=timeout)


@pytest.fixture
def context(context):
    """Every test page tracks its script runs from its first request on."""
    context.add_init_script(f"({TRACK_RUNS})()")
    return context


def _box(page, key, testid):
    """The select widget with widget key `key`, or `key` itself when it is already a locator."""
    return page.locator(f".st-key-{key} [data-testid='{testid}']") if isinstance(key, str) else key


def choose(page, key, option, attempts=3):
    """Pick `option` in the selectbox `key` (a widget key or a locator), and see the box show it.
    On a loaded machine two things go wrong now and then: a rerun that lands just after the box
    opens (one that the previous field asked for as it lost focus) redraws it and closes its list,
    and a click on an option just drawn is lost with the list left open. Either way the pick is
    made again, from the list as it is."""
    box = _box(page, key, "stSelectbox")
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(attempts):
        if not wanted.is_visible():
            box.click()
        try:
            wanted.click(timeout=10_000)
            wait_idle(page)
            expect(box.locator("input")).to_have_value(option, timeout=5000)
            return
        except (PlaywrightTimeoutError, AssertionError):
            if attempt == attempts - 1:
                raise
            wait_idle(page)


def choose_many(page, key, *options, attempts=3):
    """Add `options` to the multiselect `key` (a widget key or a locator) and see a tag for each.
    Each is typed into the box first, so that the list draws it however long the list is, and the
    pick is made again as in `choose` when the list closed or the click was lost."""
    box = _box(page, key, "stMultiSelect")
    for option in options:
        wanted = page.get_by_role("option", name=option, exact=True)
        tag = box.locator("[data-tag]").filter(has_text=re.compile(f"^{re.escape(option)}$"))
        for attempt in range(attempts):
            if tag.count():  # taken, only drawn late
                break
            if not wanted.is_visible():
                box.locator("input").fill(option)
            try:
                wanted.click(timeout=10_000)
                wait_idle(page)
                expect(tag).to_have_count(1, timeout=5000)
                break
            except (PlaywrightTimeoutError, AssertionError):
                if attempt == attempts - 1:
                    raise
                wait_idle(page)
    page.keyboard.press("Escape")
    wait_idle(page)


def metric(page, label, value=None):
    """The metric labelled `label` (showing `value` exactly, when given). When a fragment's run
    asks for a whole-page run, its old output stands beside the new one for a moment, so two
    metrics may carry the label: `.first` of those showing the value, never a strict-mode error."""
    found = page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))
    if value is not None:
        found = found.filter(has=page.get_by_test_id("stMetricValue").get_by_text(value, exact=True))
    return found.first


def no_exceptions(page):
    assert page.locator("[data-testid='stException']").count() == 0, page.locator(
        "[data-testid='stException']"
    ).all_inner_texts()
    # with error details off (.streamlit/config.toml) a crash of the page shows as this message
    from lape_plan import i18n

    alerts = " ".join(page.locator("[data-testid='stAlert']").all_inner_texts())
    assert not any(i18n.t("error.unexpected", lang) in alerts for lang in i18n.LANGS), alerts


def member(db_path, username, display_name, org_code="272"):
    """A member account of one organisation (Kokkola by default) in the server's database;
    returns its password."""
    from lape_plan import auth, db as dbm
    from lape_plan.model import SYSTEM, Role
    from tests.helpers import org_id

    conn = dbm.connect(db_path)
    password = f"{username}-password-1"
    auth.create_user(
        conn, SYSTEM, username, password, role=Role.MEMBER, display_name=display_name, org_ids=[org_id(conn, org_code)]
    )
    conn.close()
    return password


def login(page, url, path="", username=None, password=None):
    """Sign in through the login form (as the test administrator by default) and open `path`."""
    from tests.conftest import ADMIN

    page.goto(url + path)
    wait_idle(page)
    page.get_by_label("Käyttäjätunnus").fill(username or ADMIN[0])
    page.get_by_label("Salasana", exact=True).fill(password or ADMIN[1])
    page.get_by_role("button", name="Kirjaudu").click()
    wait_idle(page)
    page.locator("[data-testid='stSidebar'] .st-key-logout").wait_for()
