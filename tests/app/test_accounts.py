import time

import pytest

from lape_plan import auth, db as dbm, i18n, plans, throttle
from lape_plan.ui import guard
from lape_plan.model import Role
from lape_plan.ui.text import md_escape
from tests.conftest import ADMIN
from tests.helpers import org_id


def _login(at, username, password):
    at.text_input(key="login_username").set_value(username)
    at.text_input(key="login_password").set_value(password)
    at.button[0].click().run()
    return at


def test_login_page_shows_no_plan_data(app):
    at = app(user_id=None, auth_role=None)
    assert at.title[0].value == "Kirjaudu sisään"
    assert not at.metric and not at.dataframe
    assert "AIKAA" not in " ".join(m.value for m in at.markdown)


def test_login_wrong_password_keeps_username_then_succeeds(app):
    at = app(user_id=None, auth_role=None)
    _login(at, "admin", "wrong-password")
    assert [e.value for e in at.error] == ["Väärä käyttäjätunnus tai salasana."]
    assert at.text_input(key="login_username").value == "admin"
    _login(at, *ADMIN)
    assert "AIKAA LAPSELLE" in at.subheader[0].value
    assert any("Kirjautuneena: Testi Ylläpitäjä" in c.value for c in at.sidebar.caption)


def test_lock_out_after_repeated_failures(app, monkeypatch):
    at = app(user_id=None, auth_role=None)
    for _ in range(throttle.LOGIN_ACCOUNT.limit):
        _login(at, "admin", "wrong-password")
    _login(at, *ADMIN)
    assert "lukittu" in at.error[0].value and "15 minuutiksi" in at.error[0].value
    assert at.title[0].value == "Kirjaudu sisään"
    # the lock is this client's only: the owner signs in from another address
    monkeypatch.setattr(guard, "client_id", lambda: "ip:192.0.2.7")
    _login(at, *ADMIN)
    assert "AIKAA LAPSELLE" in at.subheader[0].value


def test_unknown_user_and_locked_account_answer_alike(app):
    at = app(user_id=None, auth_role=None)
    for i in range(throttle.LOGIN_CLIENT.limit):
        _login(at, f"nobody{i}", "wrong-password")
        assert [e.value for e in at.error] == ["Väärä käyttäjätunnus tai salasana."]
    locked = [e.value for e in _login(at, *ADMIN).error]
    assert locked == [e.value for e in _login(at, "nobody", "wrong-password").error]
    assert "lukittu" in locked[0]


def test_logout(app):
    at = app()
    at.sidebar.button(key="logout").click().run()
    assert at.title[0].value == "Kirjaudu sisään"
    assert "user_id" not in at.session_state


def test_session_expires_after_inactivity(app):
    at = app(last_seen=time.time() - 2 * 3600)
    assert at.title[0].value == "Kirjaudu sisään"
    assert any("toimettomana" in i.value for i in at.info)


def test_viewer_cannot_open_admin_page_nor_save_edits(app, conn):
    viewer = auth.create_user(conn, auth.actor_for(conn, 1), "lukija", "viewer-password", role=Role.VIEWER)
    # not in the menu, and the page itself refuses when its URL is opened directly
    from streamlit.testing.v1 import AppTest

    at = app(user_id=viewer, auth_role="viewer")
    with pytest.raises(ValueError):
        at.switch_page("pages/admin.py")
    direct = AppTest.from_file("../../pages/admin.py", default_timeout=30)
    direct.session_state["user_id"] = viewer
    direct.session_state["last_seen"] = time.time()
    direct.run()
    assert [e.value for e in direct.error] == ["Sinulla ei ole oikeutta tähän muutokseen."]
    assert not direct.tabs
    goal = plans.tree(conn, plans.plans(conn)[0]["id"])[0]["goals"][0]
    at = app("pages/plan_editor.py", user_id=viewer, auth_role="viewer")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    # read-only: the texts, no form, no move or delete buttons (the domain refuses writes anyway)
    assert any("lukuoikeus" in c.value for c in at.caption)
    assert any(t.value == f"Otsikko suomeksi: {goal['title_fi']}" for t in at.text)
    assert not [b for b in at.button if b.label in ("Tallenna", "Poista", "Ylös", "Lisää")]


def test_sso_user_matched_by_email(app, conn, monkeypatch):
    from lape_plan import config

    monkeypatch.setattr(config, "secrets", lambda: {"auth": {"client_id": "x"}})
    uid = auth.create_user(
        conn, auth.actor_for(conn, 1), "maija", "member-password", role=Role.FACILITATOR, email="maija@kokkola.fi"
    )
    at = app(user_id=None, auth_role=None)
    assert any(b.label == "Kirjaudu organisaation tunnuksella" for b in at.button)
    at.user = {"is_logged_in": True, "email": "maija@kokkola.fi"}
    at.run()
    assert at.session_state["user_id"] == uid
    assert "AIKAA LAPSELLE" in at.subheader[0].value
    at2 = app(user_id=None, auth_role=None)
    at2.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at2.run()
    assert md_escape("stranger@example.com") in at2.error[0].value  # shown as text, escaped for Markdown
    assert "user_id" not in at2.session_state


def test_first_start_setup_creates_admin(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from lape_plan import demo

    path = tmp_path / "fresh.db"
    demo.load(dbm.connect(path))
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert any("ylläpitäjän tunnus" in i.value for i in at.info)
    at.text_input(key="login_username").set_value("paakayttaja")
    at.text_input(key="login_password").set_value("long-enough-password")
    at.text_input(key="setup_password2").set_value("different-password")
    at.button[0].click().run()
    assert at.error[0].value == "Salasanat eivät täsmää."
    assert not auth.has_users(dbm.connect(path))
    at.text_input(key="setup_password2").set_value("long-enough-password")
    at.button[0].click().run()
    assert auth.authenticate(dbm.connect(path), "paakayttaja", "long-enough-password").role == Role.ADMIN
    assert "AIKAA LAPSELLE" in at.subheader[0].value


def test_a_setup_form_left_open_cannot_make_a_second_administrator(tmp_path, monkeypatch):
    """Two browsers showed the first-start form; the one submitted second creates no account (it is
    taken as a sign-in, which fails). tests/unit/test_auth.py covers the two submitted at once."""
    from streamlit.testing.v1 import AppTest

    from lape_plan import demo

    path = tmp_path / "fresh.db"
    demo.load(dbm.connect(path))
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    first, second = (AppTest.from_file("../../app.py", default_timeout=30).run() for _ in range(2))
    for at, name in ((first, "operaattori"), (second, "hyokkaaja")):
        at.text_input(key="login_username").set_value(name)
        at.text_input(key="login_password").set_value("long-enough-password")
        at.text_input(key="setup_password2").set_value("long-enough-password")
    first.button[0].click().run()
    second.button[0].click().run()
    users = [(r["username"], r["role"]) for r in dbm.connect(path).query("select username, role from users")]
    assert users == [("operaattori", "admin")]
    assert "user_id" not in second.session_state
    assert [e.value for e in second.error] == [i18n.t("error.login_failed", "fi")]


def test_member_edits_own_goal_and_reads_others(app, conn):
    kokkola = org_id(conn, "272")
    member = auth.create_user(conn, auth.actor_for(conn, 1), "maija", "member-password", org_ids=[kokkola])
    goals = [g for a in plans.tree(conn, plans.plans(conn)[0]["id"]) for g in a["goals"]]
    own = next(g for g in goals if kokkola in g["responsible_ids"])
    other = next(g for g in goals if kokkola not in g["responsible_ids"])
    at = app("pages/plan_editor.py", user_id=member, auth_role="member")
    at.button(key=f"sel_goal_{own['id']}").click().run()
    at.text_input(key=f"ed_goal_{own['id']}_title_fi").set_value("Kokkolan muokkaama")
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert plans.get(conn, "goal", own["id"])["updated_by"] == "maija"
    at.button(key=f"sel_goal_{other['id']}").click().run()
    assert f"ed_goal_{other['id']}_title_fi" not in [w.key for w in at.text_input]


def test_a_members_form_offers_only_the_items_and_their_own_organisations(app, conn):
    kokkola, halsua = org_id(conn, "272"), org_id(conn, "074")
    member = auth.create_user(conn, auth.actor_for(conn, 1), "maija", "member-password", org_ids=[kokkola])
    goal = next(
        g for a in plans.tree(conn, plans.plans(conn)[0]["id"]) for g in a["goals"] if kokkola in g["responsible_ids"]
    )
    at = app("pages/plan_editor.py", user_id=member, auth_role="member")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    prefix = f"ed_goal_{goal['id']}"
    assert at.radio(key=f"{prefix}_scope").disabled
    offered = at.multiselect(key=f"{prefix}_responsible_ids").options
    names = {o["id"]: o["name_fi"] for o in plans.organisations(conn)}
    assert set(offered) == {names[i] for i in goal["responsible_ids"]} | {names[kokkola]}
    assert names[halsua] not in offered
    # a coordinator is offered every organisation of the plan
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    assert names[halsua] in at.multiselect(key=f"{prefix}_responsible_ids").options
    assert not at.radio(key=f"{prefix}_scope").disabled


def test_workshop_pages_are_for_coordinators_only(conn, make_user, db_path):
    from streamlit.testing.v1 import AppTest

    member = make_user("Jäsen", Role.MEMBER, ["272"])
    for page in ("workshop.py", "projector.py"):
        direct = AppTest.from_file(f"../../pages/{page}", default_timeout=30)
        direct.session_state["user_id"] = member
        direct.session_state["last_seen"] = time.time()
        direct.run()
        assert [e.value for e in direct.error] == ["Sinulla ei ole oikeutta tähän muutokseen."], page
        assert not direct.metric and not direct.get("image")  # no counts, no QR code
