"""Issue 11, item 10: with the project's `client.showErrorDetails = "none"` an unexpected
failure (here a full disk) shows a generic message in the user's language and writes the
traceback to the log; the raw database error reaches no user."""

import sqlite3
from pathlib import Path

import pytest
from streamlit import config

from lape_plan import auth, i18n, indicators, plans, workshop as ws
from lape_plan.model import Actor, Role

FULL = "database or disk is full"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "indicators"


@pytest.fixture
def production(error_details, monkeypatch):
    """As the real server runs: error details off (.streamlit/config.toml), and every run
    through app.py. (AppTest forgets between runs that app.py's st.navigation has run and
    runs the page file alone, as a fresh server does for one first run.)"""
    config.set_option("client.showErrorDetails", "none")
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def through_app(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", through_app)


def _full(*args, **kwargs):
    raise sqlite3.OperationalError(FULL)


def _everything(at) -> str:
    return " ".join(str(e.proto) for e in at.main.children.values() if hasattr(e, "proto")) + " ".join(
        e.value
        for kind in ("error", "warning", "info", "success", "markdown", "caption", "text")
        for e in getattr(at, kind)
    )


def _told(at, lang="fi"):
    assert not at.exception, at.exception
    assert any(e.value == i18n.t("error.unexpected", lang) for e in at.error), [e.value for e in at.error]
    assert FULL not in _everything(at)


def _logged(caplog):
    return [r for r in caplog.records if r.name == "lape_plan" and r.exc_info and FULL in str(r.exc_info[1])]


def test_config_hides_error_details():
    # the project's config file is what the real server reads
    assert 'showErrorDetails = "none"' in open(".streamlit/config.toml", encoding="utf-8").read()


def test_sign_in_on_a_full_disk(app, production, monkeypatch, caplog):
    monkeypatch.setattr(auth, "authenticate", _full)
    at = app(user_id=None, auth_role=None)
    at.text_input(key="login_username").set_value("admin")
    at.text_input(key="login_password").set_value("admin-password-1")
    at.button[0].click().run()
    _told(at)
    assert _logged(caplog)


def test_save_on_a_full_disk_in_swedish(app, conn, production, monkeypatch, caplog):
    goal = conn.execute("select id from goals order by id").fetchone()[0]
    monkeypatch.setattr(plans, "update", _full)
    at = app("pages/plan_editor.py", lang="sv")
    at.button(key=f"sel_goal_{goal}").click().run()
    at.text_input(key=f"ed_goal_{goal}_title_fi").set_value("Uusi otsikko")
    [b for b in at.button if b.label == i18n.t("editor.save", "sv")][0].click().run()
    _told(at, "sv")
    assert _logged(caplog)


def test_import_on_a_full_disk(app, conn, production, monkeypatch, caplog):
    before = conn.execute("select count(*) from indicator_values").fetchone()[0]
    monkeypatch.setattr(indicators, "import_files", _full)
    at = app("pages/indicators.py")
    at.radio(key="ind_view").set_value("import").run()
    csv = (FIX / "sotkanet_191.csv").read_bytes()
    at.file_uploader(key="ind_upload").set_value(("sotkanet_191.csv", csv, "text/csv"))
    [b for b in at.button if b.label == i18n.t("indicators.import.button", "fi")][0].click().run()
    _told(at)
    assert _logged(caplog)
    assert conn.execute("select count(*) from indicator_values").fetchone()[0] == before


def test_a_page_failing_on_its_first_run(app, production, monkeypatch, caplog):
    monkeypatch.setattr(plans, "overview", _full)
    _told(app())
    assert _logged(caplog)


def test_button_callback_on_a_full_disk(app, conn, production, monkeypatch, caplog):
    plan_id = plans.plans(conn)[0]["id"]
    area = plans.tree(conn, plan_id)[0]["id"]
    fac = Actor(name="Fasi", role=Role.FACILITATOR)
    wid = ws.create(conn, fac, plan_id, "Paja", "", [area])
    pid = ws.propose(conn, ws.join(conn, ws.get(conn, wid)["code"]), area, "Ehdotus")
    monkeypatch.setattr(ws, "set_hidden", _full)  # before the page binds it to the button
    at = app("pages/workshop.py")
    at.button(key=f"ws_hide_{pid}").click().run()
    _told(at)
    assert _logged(caplog)
    assert ws.get_proposal(conn, pid)["hidden"] == 0


def test_with_error_details_on_the_failure_shows_as_itself(app, monkeypatch):
    """Streamlit's development default ("full"): the traceback is shown, not hidden."""
    monkeypatch.setattr(auth, "authenticate", _full)
    at = app(user_id=None, auth_role=None)
    at.text_input(key="login_username").set_value("admin")
    at.text_input(key="login_password").set_value("admin-password-1")
    at.button[0].click().run()
    assert at.exception and FULL in at.exception[0].message


def test_projector_live_part_fails_alone(app, conn, production, monkeypatch, caplog):
    """The live figures refresh on their own (a fragment, not through app.py): a failure
    there is told in its place, and the join code stays on the screen."""
    plan_id = plans.plans(conn)[0]["id"]
    area = plans.tree(conn, plan_id)[0]["id"]
    wid = ws.create(conn, Actor(name="Fasi", role=Role.FACILITATOR), plan_id, "Paja", "", [area])
    monkeypatch.setattr(ws, "live", _full)
    at = app("pages/projector.py", ws_id=wid)
    _told(at)
    assert _logged(caplog)
    assert any(t.value == ws.get(conn, wid)["code"] for t in at.title)
