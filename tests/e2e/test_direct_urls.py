"""Direct page URLs on a freshly started server must show the login form and no plan data."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import ROOT, login, member, no_exceptions, start_server, stop_server, wait_idle

PUBLIC = {
    "join",
    "ideas",
    "accessibility",
}  # the participant page, the idea page and the accessibility statement need no account
PATHS = [""] + [p for p in re.findall(r'url_path="([a-z_]+)"', (ROOT / "app.py").read_text()) if p not in PUBLIC]
PLAN_TEXT = re.compile("AIKAA LAPSELLE|Yksinäisyys|Kokkola|Toimenpiteet")


def test_every_page_is_listed():
    assert {"", "plan_editor", "admin"} <= set(PATHS)
    assert len(PATHS) == len(list((ROOT / "pages").glob("*.py"))) - len(
        PUBLIC & {Path(p).stem for p in (ROOT / "pages").glob("*.py")}
    )


@pytest.mark.parametrize("path", PATHS)
def test_direct_url_on_fresh_server_shows_only_login(path, page, tmp_path):
    proc, url = start_server(tmp_path / "fresh.db", tmp_path / "server.log")
    try:
        page.goto(f"{url}/{path}")
        wait_idle(page)
        no_exceptions(page)
        expect(page.get_by_role("button", name="Kirjaudu")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav")).to_be_hidden()  # no menu, nor the pages/ file list
        body = page.locator("[data-testid='stApp']").inner_text()
        assert not PLAN_TEXT.search(body), body
    finally:
        stop_server(proc)


def test_first_start_without_accounts_asks_for_an_administrator(page, tmp_path):
    proc, url = start_server(tmp_path / "empty.db", tmp_path / "server.log", with_admin=False)
    try:
        page.goto(url + "/plan_editor")
        wait_idle(page)
        page.get_by_label("Käyttäjätunnus").fill("paakayttaja")
        page.get_by_label("Nimi").fill("Pää Käyttäjä")
        page.get_by_label("Salasana", exact=True).fill("hyvin-pitka-salasana")
        page.get_by_label("Salasana uudelleen").fill("hyvin-pitka-salasana")
        page.get_by_role("button", name="Luo ylläpitäjä").click()
        wait_idle(page)
        expect(page.get_by_text("Kirjautuneena: Pää Käyttäjä (ylläpitäjä)")).to_be_visible()
        expect(page.locator("h1")).to_have_text("Suunnitelman muokkaus")
        no_exceptions(page)
    finally:
        stop_server(proc)


def test_login_wrong_password_then_logout(server, page):
    page.goto(server)
    wait_idle(page)
    page.get_by_label("Käyttäjätunnus").fill("admin")
    page.get_by_label("Salasana", exact=True).fill("wrong-password")
    page.get_by_role("button", name="Kirjaudu").click()
    wait_idle(page)
    expect(page.get_by_text("Väärä käyttäjätunnus tai salasana.")).to_be_visible()
    expect(page.get_by_label("Käyttäjätunnus")).to_have_value("admin")
    login(page, server)
    expect(page.locator("h3").first).to_contain_text("AIKAA LAPSELLE")
    page.locator(".st-key-logout button").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Kirjaudu")).to_be_visible()
    assert not PLAN_TEXT.search(page.locator("[data-testid='stApp']").inner_text())


def test_deep_link_as_the_first_visit_gets_the_apps_menu(page, tmp_path):
    # Until app.py has run once, Streamlit would run a page opened by URL on its own, with
    # a sidebar listing the pages/ files ("admin", "follow up") to everyone.

    proc, url = start_server(tmp_path / "deep.db", tmp_path / "server.log")
    try:
        login(page, url, "/follow_up", username="maija", password=member(tmp_path / "deep.db", "maija", "Maija"))
        no_exceptions(page)
        expect(page.locator("h1")).to_have_text("Toteutumisen seuranta")
        menu = [
            "Yleiskuva",
            "Suunnitelman muokkaus",
            "Suunnitelman luvut",
            "Indikaattorit",
            "Seuranta",
            "Lapsivaikutukset",
            "Lapsibudjetointi",
            "Vienti ja tuonti",
            "Asukkaiden ideat",
            "Osallistu työpajaan",
            "Kerro ideasi",
            "Saavutettavuusseloste",
        ]
        expect(page.get_by_test_id("stSidebarNavLink")).to_have_count(len(menu))  # drawn whole before it is read
        links = page.get_by_test_id("stSidebarNavLink").all_inner_texts()
        assert [link.split("\n")[-1] for link in links] == menu
    finally:
        stop_server(proc)


def test_reload_and_new_tab_stay_signed_in_until_sign_out(server, page):
    login(page, server, "/follow_up")
    cookie = next(c for c in page.context.cookies() if c["name"] == "lape_session")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # ends with the browser session
    page.reload()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Toteutumisen seuranta")
    other = page.context.new_page()
    other.goto(server + "/plan_editor")
    wait_idle(other)
    expect(other.locator("h1")).to_have_text("Suunnitelman muokkaus")
    # signing out ends the session for every tab and clears the cookie
    page.locator(".st-key-logout button").click()
    wait_idle(page)
    expect(page.get_by_role("button", name="Kirjaudu", exact=True)).to_be_visible()
    page.wait_for_function("!document.cookie.includes('lape_session=')")
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("button", name="Kirjaudu", exact=True)).to_be_visible()
    other.locator(".st-key-logout").wait_for()  # the other tab shows its page until its next run
    other.get_by_test_id("stSidebarNavLink").filter(has_text="Yleiskuva").click()
    wait_idle(other)
    expect(other.get_by_role("button", name="Kirjaudu", exact=True)).to_be_visible()
    assert not PLAN_TEXT.search(other.locator("[data-testid='stMain']").inner_text())
