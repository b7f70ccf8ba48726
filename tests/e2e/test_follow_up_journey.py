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
    from lape_plan import auth, db as dbm
    from lape_plan.model import SYSTEM, Role

    conn = dbm.connect(server.db_path)
    kokkola = conn.execute("select id from organisations where code = '272'").fetchone()[0]
    auth.create_user(conn, SYSTEM, "kaisa", "kaisa-password-1", role=Role.MEMBER, display_name="Kaisa Kokkolasta",
                     org_ids=[kokkola])
    login(page, server, username="kaisa", password="kaisa-password-1")
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


def _cell_keys(page, *keys):
    for key in keys:
        page.keyboard.press(key)
        page.wait_for_timeout(100)


def test_bulk_update_is_all_or_nothing_in_the_browser(server, page):
    login(page, server, "/follow_up")
    choose(page, "_w_fu_year", "2023")
    page.get_by_role("tab", name="Monta kerralla").click()
    wait_idle(page)
    grid = page.locator("[class*='st-key-fu_bulk_'] [data-testid='stDataFrame']")
    cells = grid.locator("td")
    expect(cells.nth(6)).to_have_text("1.1.1 Kaveritoiminta kaikkiin alakouluihin")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + 37 * 1.5)  # first row, first column
    _cell_keys(page, "ArrowDown", "ArrowRight", "ArrowRight", "Enter")  # 1.1.1, new status
    page.get_by_role("option", name="Etenee", exact=True).click()
    wait_idle(page)
    _cell_keys(page, "ArrowDown", "Enter")  # 1.1.2, new status
    page.get_by_role("option", name="Viivästynyt", exact=True).click()
    wait_idle(page)
    page.get_by_role("button", name="Tallenna kaikki").click()
    wait_idle(page)
    error = page.get_by_test_id("stAlert").filter(has_text="Mitään ei tallennettu")
    expect(error).to_contain_text("1.1.2 Harrastamisen Suomen malli")
    expect(_metric(page, "Ei päivitystä")).to_have_text("100 %")  # nothing saved
    expect(cells.nth(8)).to_have_text("on_track")  # the typed values stay
    expect(cells.nth(14)).to_have_text("delayed")

    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # narrative column: after item 230, now 110, status 110 and progress 90 px; third row (1.1.2)
    page.mouse.click(box["x"] + 540 + 60, box["y"] + 37 * 3.5)  # focus the grid again after the button
    page.wait_for_timeout(300)
    page.mouse.dblclick(box["x"] + 540 + 60, box["y"] + 37 * 3.5)
    page.get_by_test_id("portal").locator(".gdg-clip-region").locator("textarea, input").first.fill("Avustuspäätös viivästyi.")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(cells.nth(16)).to_have_text("Avustuspäätös viivästyi.")
    page.get_by_role("button", name="Tallenna kaikki").click()
    wait_idle(page)
    expect(page.get_by_text("2 päivitystä tallennettu.")).to_be_visible()
    expect(_metric(page, "Ei päivitystä")).not_to_have_text("100 %")
    expect(_metric(page, "Viivästyneitä")).not_to_have_text("0 %")
    expect(grid.locator("td").nth(7)).to_have_text("Etenee")  # the table now starts from the saved state
    no_exceptions(page)
