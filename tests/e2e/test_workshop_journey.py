import re

from playwright.sync_api import expect

from .conftest import login, no_exceptions, wait_idle

PROPOSAL = "Nuorisotila auki myös sunnuntaisin"


def metric(page, label):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_text(label, exact=True))


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

    # the projector opens in its own tab
    page.get_by_text("Avaa valkokangasnäkymä").click()
    wait_idle(page)
    projector = page
    expect(projector.locator("h1").first).to_have_text("Syysseminaari")
    expect(metric(projector, "Ehdotuksia")).to_contain_text("0")
    # made for a room: no menu, a join code readable from the back, counts in large type
    expect(projector.get_by_test_id("stSidebar")).to_be_hidden()
    code_heading = projector.locator(".st-key-projector_join h1")
    expect(code_heading).to_have_text(code)
    px = lambda loc: float(loc.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))  # noqa: E731
    assert px(code_heading) >= 100
    assert px(metric(projector, "Ehdotuksia").get_by_test_id("stMetricValue")) >= 48
    expect(projector.get_by_test_id("stPageLink").filter(has_text="Työpaja")).to_be_visible()

    # a participant joins on a phone by typing the code, without an account
    phone_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True,
                                        has_touch=True)
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
    phone.get_by_label("Ehdotuksesi").fill(PROPOSAL)
    phone.get_by_role("button", name="Lähetä ehdotus").click()
    wait_idle(phone)
    expect(phone.get_by_text("Kiitos! Ehdotuksesi on vastaanotettu.")).to_be_visible()
    no_exceptions(phone)
    # the page fits the phone's width
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # the projector shows it by itself
    expect(metric(projector, "Ehdotuksia")).to_contain_text("1", timeout=15000)
    expect(metric(projector, "Osallistujia")).to_contain_text("1")
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

    expect(metric(projector, "Ääniä")).to_contain_text("1", timeout=15000)
    expect(projector.get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=15000)
    no_exceptions(projector)

    # the facilitator promotes the proposal; it becomes a goal with its origin
    facilitator.get_by_role("button", name="Päivitä").click()
    wait_idle(facilitator)
    facilitator.get_by_role("button", name="Tavoitteeksi").click()
    wait_idle(facilitator)
    expect(facilitator.get_by_text("Tavoiteluonnos lisätty suunnitelmaan.")).to_be_visible()
    facilitator.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman muokkaus").click()
    wait_idle(facilitator)
    goal = facilitator.get_by_role("button", name=PROPOSAL)
    expect(goal).to_be_visible()
    goal.click()
    wait_idle(facilitator)
    expect(facilitator.get_by_text("Luonnos työpajasta ”Syysseminaari”", exact=False)).to_be_visible()
    expect(facilitator.get_by_text("1 ääntä", exact=False)).to_be_visible()
    no_exceptions(facilitator)
    phone_context.close()
