import pytest

from lape_plan import auth, db as dbm, demo, throttle
from lape_plan.model import SYSTEM, Role

ADMIN = ("admin", "admin-password-1")


def add_admin(database) -> int:
    """The administrator that AppTest and browser tests sign in as."""
    return auth.create_user(database, SYSTEM, ADMIN[0], ADMIN[1], role=Role.ADMIN, display_name="Testi Ylläpitäjä")


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Attempt limits are kept per process: each test starts with none counted."""
    throttle.reset_all()
    yield
    throttle.reset_all()


@pytest.fixture
def db(tmp_path):
    return dbm.connect(tmp_path / "test.db")


@pytest.fixture
def demo_db(tmp_path):
    database = dbm.connect(tmp_path / "demo.db")
    demo.load(database)
    return database


@pytest.fixture
def db_path(tmp_path, monkeypatch):
    """A database file with the example plan, and LAPE_PLAN_DB pointing at it (for AppTest)."""
    path = tmp_path / "app.db"
    database = dbm.connect(path)
    demo.load(database)
    add_admin(database)
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    return path
