"""Issue 11, item 2: a button callback runs before the page's guard, with the actor of the
screen it was drawn on. Every write re-reads the actor at the moment of the write, so a
click from an open tab after the account changed writes nothing."""

import time

import pytest

from lape_plan import auth, plans, workshop as ws
from lape_plan.model import SYSTEM, Actor, Role

FAC = Actor(name="Fasi", role=Role.FACILITATOR)


def _deactivate(conn, user_id, at):
    auth.update_user(conn, SYSTEM, user_id, auth.get_user(conn, user_id)["version"], active=False)


def _demote(conn, user_id, at):
    auth.update_user(conn, SYSTEM, user_id, auth.get_user(conn, user_id)["version"], role="viewer")


def _signed_out_elsewhere(conn, user_id, at):
    auth.end_session(conn, at.session_state["session_token"])  # "sign out" in another tab


def _idle(conn, user_id, at):
    at.session_state["last_seen"] = time.time() - 2 * 3600


def _idle_in_another_tab_too(conn, user_id, at):
    # the browser session's own clock: the row of the session, not this tab's state
    conn.execute("update sessions set last_seen = '2000-01-01T00:00:00+00:00'")
    conn.conn.commit()


CHANGES = [_deactivate, _demote, _signed_out_elsewhere, _idle, _idle_in_another_tab_too]


@pytest.fixture
def drawn(app, conn, make_user):
    """The facilitator's workshop page drawn with one proposal, signed in with a browser session."""
    plan_id = plans.plans(conn)[0]["id"]
    areas = [a["id"] for a in plans.tree(conn, plan_id)]
    wid = ws.create(conn, FAC, plan_id, "Syysseminaari", "", areas[:1])
    token = ws.join(conn, ws.get(conn, wid)["code"])
    pid = ws.propose(conn, token, areas[0], "Nuorisotila joka kylään")
    ws.set_phase(conn, FAC, wid, "voting")
    user_id = make_user("Fanni Fasilitaattori", role=Role.FACILITATOR)
    at = app(
        "pages/workshop.py", user_id=user_id, auth_role="facilitator", session_token=auth.start_session(conn, user_id)
    )
    assert at.button(key=f"ws_promote_{pid}")
    return at, user_id, pid


def _writes(conn):
    return (
        conn.execute("select count(*) from audit").fetchone()[0],
        conn.execute("select count(*) from goals").fetchone()[0],
        conn.execute("select hidden, goal_id, version from workshop_proposals").fetchall(),
    )


@pytest.mark.parametrize("button", ["promote", "hide"])
@pytest.mark.parametrize("change", CHANGES, ids=lambda f: f.__name__.strip("_"))
def test_a_click_after_the_account_changed_writes_nothing(drawn, conn, change, button):
    at, user_id, pid = drawn
    change(conn, user_id, at)
    before = _writes(conn)
    at.button(key=f"ws_{button}_{pid}").click().run()
    assert not at.exception, at.exception
    assert _writes(conn) == before
    assert not any("Tavoiteluonnos" in s.value for s in at.success)


def test_the_same_click_writes_while_the_account_is_unchanged(drawn, conn):
    at, user_id, pid = drawn
    at.button(key=f"ws_promote_{pid}").click().run()
    goal_id = ws.get_proposal(conn, pid)["goal_id"]
    assert goal_id and plans.get(conn, "goal", goal_id)["updated_by"] == "Fanni Fasilitaattori"


def test_a_demoted_user_is_told_and_nothing_is_written(drawn, conn):
    """Demoted to member: still signed in, so the refusal is shown on the page they see."""
    at, user_id, pid = drawn
    auth.update_user(conn, SYSTEM, user_id, auth.get_user(conn, user_id)["version"], role="member")
    at.button(key=f"ws_hide_{pid}").click().run()
    assert ws.get_proposal(conn, pid)["hidden"] == 0
    assert any("oikeutta" in e.value for e in at.error)
