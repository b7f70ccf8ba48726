from playwright.sync_api import expect

from .conftest import login, no_exceptions, wait_idle


def test_participant_link_opened_first_on_a_fresh_server(server, page):
    # a phone scanning the QR code may be the very first visitor of the server
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server + "/join?code=XXXXXX")
    wait_idle(page)
    no_exceptions(page)
    expect(page.locator("h1")).to_have_text("Osallistu työpajaan")
    expect(page.get_by_label("Osallistumiskoodi")).to_have_value("XXXXXX")
    page.get_by_role("button", name="Osallistu").click()
    wait_idle(page)
    expect(page.get_by_text("Koodilla XXXXXX ei ole avointa työpajaa", exact=False)).to_be_visible()
    no_exceptions(page)
    # no sidebar to open: Streamlit would list the pages/ files in it
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_hidden()
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()


def test_projector_without_workshop_runs_the_guard(server, page):
    login(page, server, "/projector")
    no_exceptions(page)
    expect(page.locator("[data-testid='stSidebar'] .st-key-_w_lang")).to_be_visible()
    expect(page.get_by_text("Tälle suunnitelmalle ei ole vielä työpajaa", exact=False)).to_be_visible()
