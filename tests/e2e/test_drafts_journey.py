"""A workshop proposal promoted to a draft goal, marked in the editor, left out of the
Overview's counts, and accepted once it has a responsible organisation and a Swedish title."""

from playwright.sync_api import expect

from lape_plan import db as dbm, plans, workshop as ws
from lape_plan.model import Actor, Role

from .conftest import choose_many, login, metric, no_exceptions, wait_idle

PROPOSAL = "Nuorisotila joka kylään"


def test_promote_to_a_draft_and_accept_it(server, page):
    conn = dbm.connect(server.db_path)
    plan_id = plans.plans(conn)[0]["id"]
    areas = [a["id"] for a in plans.tree(conn, plan_id)]
    wid = ws.create(conn, Actor(name="Fasi", role=Role.FACILITATOR), plan_id, "Syysseminaari", "", areas[:1])
    token = ws.join(conn, ws.get(conn, wid)["code"])
    pid = ws.propose(conn, token, areas[0], PROPOSAL)

    # the facilitator promotes it: the button opens a confirmation, only its confirm button writes
    login(page, server, "/workshop")
    page.get_by_role("button", name="Tavoitteeksi").click()
    expect(page.get_by_text("ei seurannassa, yhteenvedoissa eikä vienneissä", exact=False)).to_be_visible()
    assert ws.get_proposal(conn, pid)["goal_id"] is None
    page.get_by_role("button", name="Vahvista: tee luonnos").click()
    wait_idle(page)
    expect(page.get_by_text("Tavoiteluonnos lisätty suunnitelmaan.")).to_be_visible()
    goal_id = ws.get_proposal(conn, pid)["goal_id"]
    assert plans.get(conn, "goal", goal_id)["draft"] == 1
    no_exceptions(page)

    # the Overview does not count it
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Yleiskuva").click()
    wait_idle(page)
    expect(metric(page, "Tavoitteet", "8")).to_be_visible()

    # the plan editor marks it, says what is missing and refuses to accept it yet
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman muokkaus").click()
    wait_idle(page)
    item = page.locator(f".st-key-sel_goal_{goal_id}")
    expect(item).to_contain_text(PROPOSAL)
    expect(item.get_by_text("Luonnos", exact=True)).to_be_visible()  # the badge
    item.get_by_role("button").click()
    wait_idle(page)
    expect(page.get_by_text("Luonnos työpajasta ”Syysseminaari”", exact=False)).to_be_visible()
    expect(page.get_by_text("puuttuu: vastuutaho, ruotsinkielinen nimi", exact=False)).to_be_visible()
    page.get_by_role("button", name="Hyväksy suunnitelmaan").click()
    wait_idle(page)
    expect(page.get_by_text("puuttuvat vastuutaho ja ruotsinkielinen nimi", exact=False)).to_be_visible()

    # fill in the Swedish title and the responsible organisation, save, accept
    prefix = f"ed_goal_{goal_id}"
    page.locator(f".st-key-{prefix}_title_sv input").fill("Ungdomsgård i varje by")
    choose_many(page, f"{prefix}_responsible_ids", "Kokkola")
    page.get_by_role("button", name="Tallenna").click()
    wait_idle(page)
    page.get_by_role("button", name="Hyväksy suunnitelmaan").click()
    wait_idle(page)
    expect(page.get_by_text("Luonnos hyväksytty suunnitelmaan.")).to_be_visible()
    assert plans.get(conn, "goal", goal_id)["draft"] == 0
    expect(page.locator(f".st-key-sel_goal_{goal_id}").get_by_text("Luonnos", exact=True)).to_have_count(0)
    no_exceptions(page)

    # now it counts
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Yleiskuva").click()
    wait_idle(page)
    expect(metric(page, "Tavoitteet", "9")).to_be_visible()
    no_exceptions(page)
