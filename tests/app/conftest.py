import time

import pytest
from streamlit.testing.v1 import AppTest

from lape_plan import db as dbm
from tests.helpers import org_id


@pytest.fixture(autouse=True)
def error_details():
    """Tests see a page's crash as a crash (at.exception): Streamlit's development default,
    not the project's "none" (tests/app/test_failures.py tests that)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    yield
    config.set_option("client.showErrorDetails", before)


@pytest.fixture
def app(db_path):
    """AppTest on app.py, signed in as the test administrator unless user_id=None is given."""
    admin_id = dbm.connect(db_path).execute("select id from users where username = 'admin'").fetchone()[0]

    def start(page=None, **state):
        at = AppTest.from_file("../../app.py", default_timeout=30)
        state = {"user_id": admin_id, "last_seen": time.time(), "auth_role": "admin", **state}
        for key, value in state.items():
            if value is None:
                continue
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return start


def open_public(page: str, **query) -> AppTest:
    """A public page (pages/`page`.py) opened directly, as a phone would: the query string,
    no app.py session state."""
    at = AppTest.from_file(f"../../pages/{page}.py", default_timeout=30)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.fixture
def participant(db_path):
    """The workshop participant page on the test database."""
    return lambda **query: open_public("join", **query)


@pytest.fixture
def visitor(db_path):
    """The public idea page on the test database."""
    return lambda **query: open_public("ideas", **query)


TEXT_KINDS = ("title", "header", "subheader", "markdown", "text", "caption", "error", "success", "warning", "info")


def texts(at: AppTest) -> str:
    """All the text a page shows, in one string."""
    return " ".join(e.value for kind in TEXT_KINDS for e in getattr(at, kind))


@pytest.fixture
def conn(db_path):
    return dbm.connect(db_path)


@pytest.fixture
def make_user(conn):
    """Create an account (an administrator unless told otherwise) and return its id."""
    from lape_plan import auth
    from lape_plan.model import SYSTEM, Role

    def create(display_name, role=Role.ADMIN, org_codes=()):
        orgs = [org_id(conn, c) for c in org_codes]
        username = display_name.lower().replace(" ", ".")
        return auth.create_user(
            conn, SYSTEM, username, "test-password-1", role=role, display_name=display_name, org_ids=orgs
        )

    return create
