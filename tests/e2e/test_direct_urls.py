from playwright.sync_api import expect

from .conftest import no_exceptions, wait_idle


def test_page_url_opened_first_on_a_fresh_server_still_runs_the_guard(server, page):
    # no session has run app.py yet on this module's server
    page.goto(server + "/plan_editor")
    wait_idle(page)
    no_exceptions(page)
    expect(page.locator("[data-testid='stSidebar'] .st-key-_w_lang")).to_be_visible()
    expect(page.locator("h1")).to_have_text("Suunnitelman muokkaus")
