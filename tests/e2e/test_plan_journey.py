from playwright.sync_api import expect

from .conftest import choose, login, no_exceptions, wait_idle


def test_new_user_drafts_a_goal_and_reads_swedish(server, page):
    login(page, server)
    expect(page.locator("h3").first).to_contain_text("AIKAA LAPSELLE")
    expect(page.get_by_text("Esimerkkisisältö", exact=False)).to_be_visible()

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman muokkaus").click()
    wait_idle(page)
    page.get_by_role("button", name="2. Osallisuus kasvuympäristössä ja palveluissa").click()
    wait_idle(page)
    form = page.locator("[data-testid='stForm']").filter(has_text="Lisää").last
    form.get_by_label("Otsikko suomeksi").fill("Nuoret mukaan kunnan budjetointiin")
    form.get_by_label("Otsikko ruotsiksi").fill("Unga med i kommunens budgetering")
    form.get_by_role("button", name="Lisää").click()
    wait_idle(page)
    expect(page.get_by_text("Lisätty.")).to_be_visible()
    expect(page.get_by_role("button", name="Nuoret mukaan kunnan budjetointiin")).to_be_visible()
    no_exceptions(page)

    page.reload()  # a new Streamlit session, signed in again by the browser's session cookie
    wait_idle(page)
    expect(page.get_by_role("button", name="Kirjaudu", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Nuoret mukaan kunnan budjetointiin")).to_be_visible()

    choose(page, "_w_lang", "Svenska")
    expect(page.locator("h1")).to_have_text("Redigera planen")
    expect(page.get_by_role("button", name="Unga med i kommunens budgetering")).to_be_visible()
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Översikt").click()
    wait_idle(page)
    expect(page.locator("h3").first).to_contain_text("TID FÖR BARNEN")
    expect(page.get_by_text("Planperiod")).to_be_visible()
    no_exceptions(page)
