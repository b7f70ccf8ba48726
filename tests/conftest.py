import asyncio
import concurrent.futures
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from lape_plan import auth, db as dbm, demo, i18n, throttle
from lape_plan.model import SYSTEM, Role

pytest_plugins = ["tests.strict_skips"]

ADMIN = ("admin", "admin-password-1")
E2E = Path(__file__).resolve().parent / "e2e"


def cheap_argon2() -> None:
    """Argon2 at its cheapest parameters, in tests only: at production cost (~0.3 s per hash or
    verification here) it was the suite's main avoidable cost. A hash carries its parameters,
    so verifying and the code paths stay the same; production keeps argon2-cffi's defaults
    (tests/unit/test_auth.py checks both)."""
    auth._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    auth._DUMMY_HASH = auth._hasher.hash("not a real password, only for timing")


def one_finnish_day() -> None:
    """The test process sees the Finnish date it started on (`i18n.today()` without a moment): a
    test whose idea period ends today, or whose module took the date when it was imported, would
    otherwise fail when Finnish midnight falls during the run. Browser tests' servers keep the
    real date, never earlier than this one, and their idea periods run on past it."""
    real, started = i18n.today, i18n.today()

    def today(now=None):
        return real(now) if now else started

    i18n.today = today


cheap_argon2()
one_finnish_day()
dbm.CHECK_AUDIT = True  # a write that changes data without an audit row fails the test (db.write)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks
def pytest_collection_modifyitems(config, items):
    """Mark the browser tests; those sharing a module's server (the `server` fixture) as one xdist
    group per module, run in order by one worker against that server (scripts/test.sh runs
    `--dist loadgroup`), while tests starting their own server spread over the workers; skip the LibreOffice tests
    where soffice or pdftotext is missing (with LAPE_REQUIRE_ALL=1, as in CI, such a skip fails the
    run: tests/strict_skips.py)."""
    missing = [tool for tool in ("soffice", "pdftotext") if not shutil.which(tool)]
    for item in items:
        if E2E in item.path.parents:
            item.add_marker(pytest.mark.browser)
            # a test marked with its own group (a long one) runs beside its module, on that worker's own server
            if "server" in getattr(item, "fixturenames", ()) and not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group(item.path.stem))
        if missing and item.get_closest_marker("libreoffice"):
            item.add_marker(pytest.mark.skip(reason=f"LibreOffice tests need {' and '.join(missing)}"))


def add_admin(database) -> int:
    """The administrator that AppTest and browser tests sign in as."""
    return auth.create_user(database, SYSTEM, ADMIN[0], ADMIN[1], role=Role.ADMIN, display_name="Testi Ylläpitäjä")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Attempt limits are kept per process: each test starts with none counted."""
    throttle.reset_all()
    yield
    throttle.reset_all()


_TEMPLATES: dict[str, Path] = {}


def _make_template(kind: str, path: Path) -> None:
    database = dbm.connect(path)
    if kind in ("demo", "admin"):
        demo.load(database)
    if kind == "admin":
        add_admin(database)
    database.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, which is copied
    database.conn.close()


def database_file(kind: str, path: Path) -> Path:
    """A database file at `path`, made by copying a template built once per test process:
    "empty" (migrated), "demo" (plus the example plan) or "admin" (plus the test administrator).
    Migrating and loading the example per test cost ~0.45 s each, for some 400 tests; a copy is
    the same database (tests/unit/test_conftest_templates.py checks it) in ~0.02 s."""
    if kind not in _TEMPLATES:
        template = Path(tempfile.mkdtemp(prefix=f"lape-template-{kind}-")) / f"{kind}.db"
        _make_template(kind, template)
        _TEMPLATES[kind] = template
    # the sqlite backup API copies a consistent snapshot, whatever its journal state
    with sqlite3.connect(_TEMPLATES[kind]) as source, sqlite3.connect(path) as target:
        source.backup(target)
    source.close()
    target.close()
    return path


@pytest.fixture(scope="session", autouse=True)
def _remove_templates():
    yield
    for template in _TEMPLATES.values():
        shutil.rmtree(template.parent, ignore_errors=True)


@pytest.fixture
def run_async():
    """asyncio.run in a thread of its own: the browser tests' sync Playwright leaves an event loop
    running in the test thread when they ran earlier in the same process."""

    def run(coro):
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coro).result()

    return run


@pytest.fixture
def db(tmp_path):
    return dbm.connect(database_file("empty", tmp_path / "test.db"))


@pytest.fixture
def demo_db(tmp_path):
    return dbm.connect(database_file("demo", tmp_path / "demo.db"))


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A database file with the example plan, and LAPE_PLAN_DB pointing at it (for AppTest)."""
    path = database_file("admin", tmp_path / "app.db")
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    return path
