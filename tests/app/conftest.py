import pytest
from streamlit.testing.v1 import AppTest

from lape_plan import db as dbm


@pytest.fixture
def app(db_path):
    def start(page=None, **state):
        at = AppTest.from_file("../../app.py", default_timeout=30)
        for key, value in state.items():
            at.session_state[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, at.exception
        return at

    return start


@pytest.fixture
def conn(db_path):
    return dbm.connect(db_path)
