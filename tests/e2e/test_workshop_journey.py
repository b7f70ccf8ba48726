import re

from playwright.sync_api import expect

from .conftest import login, metric, no_exceptions, wait_idle

PROPOSAL = "Nuorisotila auki myös sunnuntaisin"


def test_participant_phone_and_projector(server, page, browser):
    # the facilitator creates a workshop
    login(page, server)
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Työpaja").first.click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Työpaja")
    form = page.get_by_test_id("stForm").first
    form.get_by_label("Työpajan nimi").fill("Syysseminaari")
    form.get_by_label("Kysymys osallistujille").fill("Miten kukaan ei jäisi yksin?")
    form.get_by_role("button", name="Luo työpaja").click()
    wait_idle(page)
    url_text = page.get_by_test_id("stCode").first.inner_text()
    code = re.search(r"code=([A-Z0-9]{6})", url_text).group(1)
    assert url_text.startswith(server + "/join?code=")
    expect(page.get_by_test_id("stImage").first).to_be_visible()  # the QR code
    no_exceptions(page)

    # the projector opens in a new tab; the facilitator's page stays
    with page.expect_popup() as opened:
        page.get_by_text("Avaa valkokangasnäkymä").click()
    projector = opened.value
    wait_idle(projector)
    expect(page.locator("h1").first).to_have_text("Työpaja")
    expect(projector.locator("h1").first).to_have_text("Syysseminaari")
    expect(metric(projector, "Ehdotuksia", "0")).to_be_visible()
    # made for a room: no menu, a join code readable from the back, counts in large type
    expect(projector.get_by_test_id("stSidebar")).to_be_hidden()
    code_heading = projector.locator(".st-key-projector_join h1")
    expect(code_heading).to_have_text(code)
    px = lambda loc: float(loc.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))  # noqa: E731
    assert px(code_heading) >= 100
    assert px(metric(projector, "Ehdotuksia").get_by_test_id("stMetricValue")) >= 48
    expect(projector.get_by_test_id("stPageLink").filter(has_text="Työpaja")).to_be_visible()

    # a participant joins on a phone by typing the code, without an account
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True, has_touch=True
    )
    phone = phone_context.new_page()
    phone.goto(server + "/join")
    wait_idle(phone)
    phone.get_by_label("Osallistumiskoodi").fill(code.lower())
    phone.get_by_role("button", name="Osallistu").click()
    wait_idle(phone)
    expect(phone.locator("h1")).to_have_text("Syysseminaari")
    assert "p=" in phone.url
    assert phone.get_by_test_id("stSidebarNavLink").count() == 0  # no menu of the plan's pages
    expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_hidden()  # nor a sidebar to open
    expect(phone.get_by_test_id("stSidebar")).to_be_hidden()
    phone.get_by_role("textbox", name="Ehdotuksesi").fill(PROPOSAL)
    phone.get_by_role("button", name="Lähetä ehdotus").click()
    wait_idle(phone)
    expect(phone.get_by_text("Kiitos! Ehdotuksesi on vastaanotettu.")).to_be_visible()
    no_exceptions(phone)
    # the page fits the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # the projector shows it by itself
    expect(metric(projector, "Ehdotuksia", "1")).to_be_visible()
    expect(metric(projector, "Osallistujia", "1")).to_be_visible()
    expect(projector.get_by_text(PROPOSAL, exact=False)).to_be_visible()

    # the facilitator opens voting and reveals the results in another tab
    facilitator = page.context.new_page()
    facilitator.goto(server + "/workshop")  # a new tab is a new session, signed in by the cookie
    wait_idle(facilitator)
    facilitator.get_by_test_id("stButtonGroup").get_by_text("Äänestys", exact=True).click()
    wait_idle(facilitator)
    facilitator.get_by_text("Näytä tulokset valkokankaalla").click()
    wait_idle(facilitator)

    # the participant reloads (the token in the URL keeps them) and votes
    phone.reload()
    wait_idle(phone)
    expect(phone.get_by_text("Ääniä jäljellä: 5/5")).to_be_visible()
    phone.get_by_text(PROPOSAL).click()
    phone.get_by_role("button", name="Anna ääni").click()
    wait_idle(phone)
    expect(phone.get_by_text("Ääniä jäljellä: 4/5")).to_be_visible()
    no_exceptions(phone)

    expect(metric(projector, "Ääniä", "1")).to_be_visible()
    expect(projector.get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=15000)
    no_exceptions(projector)

    # the facilitator promotes the proposal (and confirms); it becomes a draft goal with its origin
    facilitator.get_by_role("button", name="Päivitä").click()
    wait_idle(facilitator)
    facilitator.get_by_role("button", name="Tavoitteeksi").click()
    facilitator.get_by_role("button", name="Vahvista: tee luonnos").click()
    wait_idle(facilitator)
    expect(facilitator.get_by_text("Tavoiteluonnos lisätty suunnitelmaan.")).to_be_visible()
    facilitator.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman muokkaus").click()
    wait_idle(facilitator)
    goal = facilitator.get_by_role("button", name=PROPOSAL)
    expect(goal).to_be_visible()
    goal.click()
    wait_idle(facilitator)
    expect(facilitator.get_by_text("Luonnos työpajasta ”Syysseminaari”", exact=False)).to_be_visible()
    expect(facilitator.get_by_text("ääniä 1", exact=False)).to_be_visible()
    no_exceptions(facilitator)
    phone_context.close()


def test_same_browser_joining_twice_is_one_participant_with_one_budget(server, browser):
    from lape_plan import db as dbm, plans, workshop as ws
    from lape_plan.model import Actor, Role

    conn = dbm.connect(server.db_path)
    plan_id = plans.plans(conn)[0]["id"]
    areas = [a["id"] for a in plans.tree(conn, plan_id)]
    fac = Actor(name="Fasi", role=Role.FACILITATOR)
    wid = ws.create(conn, fac, plan_id, "Kevätpaja", "", areas[:1], votes_per_participant=2, max_participants=2)
    code = ws.get(conn, wid)["code"]
    ws.propose(conn, ws.join(conn, code), areas[0], "Kerho jokaiseen kouluun")  # the cap's first seat
    ws.set_phase(conn, fac, wid, "voting")

    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True, has_touch=True
    )
    first = phone_context.new_page()
    first.goto(f"{server}/join?code={code}")
    wait_idle(first)
    first.get_by_role("button", name="Osallistu").click()
    wait_idle(first)
    expect(first.get_by_text("Ääniä jäljellä: 2/2")).to_be_visible()
    first.get_by_text("Kerho jokaiseen kouluun").click()
    first.get_by_role("button", name="Anna ääni").click()
    wait_idle(first)
    expect(first.get_by_text("Ääniä jäljellä: 1/2")).to_be_visible()
    token = re.search(r"[?&]p=([\w-]+)", first.url).group(1)
    cookie = {c["name"]: c for c in phone_context.cookies()}[f"lape_ws_{code}"]
    assert cookie["value"] == token and cookie["sameSite"] == "Strict"

    # a new tab of the same browser with the QR link (no token in it): the same participant goes on
    second = phone_context.new_page()
    second.goto(f"{server}/join?code={code}")
    wait_idle(second)
    expect(second.get_by_text("Tervetuloa takaisin", exact=False)).to_be_visible()
    expect(second.get_by_text("Ääniä jäljellä: 1/2")).to_be_visible()
    assert f"p={token}" in second.url
    # the join page without the code, the code typed in: the same again, although the workshop is full
    third = phone_context.new_page()
    third.goto(f"{server}/join")
    wait_idle(third)
    third.get_by_label("Osallistumiskoodi").fill(code)
    third.get_by_role("button", name="Osallistu").click()
    wait_idle(third)
    expect(third.get_by_text("Ääniä jäljellä: 1/2")).to_be_visible()
    # a second vote on the same proposal is still refused: one budget, one vote per proposal
    third.get_by_text("Kerho jokaiseen kouluun").click()
    third.get_by_role("button", name="Anna ääni").click()
    wait_idle(third)
    expect(third.get_by_text("enintään 1", exact=False)).to_be_visible()
    for page in (first, second, third):
        no_exceptions(page)
    assert ws.participant_count(conn, wid) == 2
    assert conn.execute("select count(*) from workshop_votes where workshop_id = ?", [wid]).fetchone()[0] == 1

    # another browser is another participant; the workshop is full, so it is refused
    other_context = browser.new_context(locale="fi-FI")
    other = other_context.new_page()
    other.goto(f"{server}/join?code={code}")
    wait_idle(other)
    other.get_by_role("button", name="Osallistu").click()
    wait_idle(other)
    expect(other.get_by_text("Työpaja on täynnä (2 osallistujaa)", exact=False)).to_be_visible()
    assert ws.participant_count(conn, wid) == 2
    other_context.close()
    phone_context.close()
