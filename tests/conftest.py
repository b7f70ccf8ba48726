import pytest

from lape_plan import db as dbm, demo


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
    demo.load(dbm.connect(path))
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    return path
