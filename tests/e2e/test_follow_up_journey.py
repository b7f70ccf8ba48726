from playwright.sync_api import expect

from .conftest import choose, login, no_exceptions, wait_idle


def _metric(page, label):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _update(page, option, status, narrative):
    choose(page, "_w_fu_item", option)
    page.locator("[class*='_2024_status'] [data-testid='stSelectbox']").click()
    page.get_by_role("option", name=status, exact=True).click()
    wait_idle(page)
    page.get_by_role("textbox", name="Mitä tehtiin, mitä seuraavaksi").fill(narrative)
    page.get_by_role("button", name="Tallenna päivitys").click()
    wait_idle(page)
    expect(page.get_by_text("Päivitys tallennettu")).to_be_visible()
    no_exceptions(page)


def test_member_updates_two_measures_and_sees_rollup_and_history(server, page):
    login(page, server)
    name = page.locator(".st-key-_w_actor_name input")
    name.fill("Kaisa Kokkolasta")
    name.press("Enter")
    wait_idle(page)
    expect(page.get_by_text("Toteutumisen seuranta 2024")).to_be_visible()
    expect(_metric(page, "Etenee tai valmis")).to_have_text("0 %")
    expect(_metric(page, "Edistyminen 2024")).to_have_text("–")

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Seuranta").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Toteutumisen seuranta")
    choose(page, "_w_fu_org", "Kokkola")
    page.locator(".st-key-_w_fu_item [data-testid='stSelectbox']").click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    wait_idle(page)
    assert any("Kaveritoiminta" in o for o in options)
    assert not any("Perhekeskus" in o for o in options)  # Soite's measure is filtered out

    _update(page, "1.1.1 Kaveritoiminta kaikkiin alakouluihin (Toimenpide)", "Etenee",
            "Kaveritoiminta käynnissä 12 koulussa.")
    _update(page, "1.2.2 Oppilaskuntien kiusaamiskysely joka vuosi (Toimenpide)", "Viivästynyt",
            "Kysely siirtyi syksyyn.")

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Yleiskuva").click()
    wait_idle(page)
    expect(_metric(page, "Etenee tai valmis")).not_to_have_text("0 %")
    expect(_metric(page, "Viivästyneitä")).not_to_have_text("0 %")
    expect(_metric(page, "Edistyminen 2024")).not_to_have_text("–")
    no_exceptions(page)

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Seuranta").click()
    wait_idle(page)
    # the filter survived the visit to the Overview
    expect(page.locator(".st-key-_w_fu_org input")).to_have_value("Kokkola")
    choose(page, "_w_fu_item", "1.1.1 Kaveritoiminta kaikkiin alakouluihin (Toimenpide)")
    expect(page.get_by_role("heading", name="Päivityshistoria")).to_be_visible()
    history = page.locator("[class*='st-key-fu_hist_']")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Kaisa Kokkolasta")
    expect(history.first).to_contain_text("Kaveritoiminta käynnissä 12 koulussa.")
    expect(history.first).to_contain_text("Etenee")
    no_exceptions(page)
