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


HEADER = 37  # px: the grid's header row (Streamlit keeps it when rows are taller)


def _row_y(n: float) -> float:
    """The middle of the n-th row (1-based; 0.5 steps are fine) below the header."""
    from lape_plan.ui.follow_up import BULK_ROW_HEIGHT

    return HEADER + BULK_ROW_HEIGHT * (n - 0.5)


def test_bulk_update_is_all_or_nothing_in_the_browser(server, page):
    login(page, server, "/follow_up")
    choose(page, "_w_fu_year", "2023")
    page.get_by_role("tab", name="Monta kerralla").click()
    wait_idle(page)
    grid = page.locator("[class*='st-key-fu_bulk_'] [data-testid='stDataFrame']")
    def cell(col, row):  # by position in the table, not among the cells the grid happens to render
        return grid.get_by_test_id(f"glide-cell-{col}-{row}")

    expect(cell(0, 1)).to_have_text("1.1.1 Kaveritoiminta kaikkiin alakouluihin")
    grid.scroll_into_view_if_needed()  # taller rows make a taller grid: click where it is now
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 30, box["y"] + _row_y(1))  # first row, first column
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
    expect(cell(2, 1)).to_have_text("on_track")  # the typed values stay
    expect(cell(2, 2)).to_have_text("delayed")

    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    # narrative column, after the item, now, status and progress columns; third row (1.1.2)
    from lape_plan.ui.follow_up import BULK_WIDTHS

    x = box["x"] + sum(BULK_WIDTHS[c] for c in ("item", "now", "status", "progress")) + 60
    page.mouse.click(x, box["y"] + _row_y(3))  # focus the grid again after the button
    page.wait_for_timeout(300)
    page.mouse.dblclick(x, box["y"] + _row_y(3))
    page.get_by_test_id("portal").locator(".gdg-clip-region").locator("textarea, input").first.fill("Avustuspäätös viivästyi.")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(cell(4, 2)).to_have_text("Avustuspäätös viivästyi.")
    page.get_by_role("button", name="Tallenna kaikki").click()
    wait_idle(page)
    expect(page.get_by_text("2 päivitystä tallennettu.")).to_be_visible()
    expect(_metric(page, "Ei päivitystä")).not_to_have_text("100 %")
    expect(_metric(page, "Viivästyneitä")).not_to_have_text("0 %")
    expect(cell(1, 1)).to_have_text("Etenee")  # the table now starts from the saved state
    no_exceptions(page)


def test_bulk_editor_shows_item_names_and_headers_whole(server, page, tmp_path):
    """Item names wrap inside their cells and every header fits its column, on a laptop
    (1280 px) and a phone (390 px); the screenshots are kept for a look by eye."""
    from lape_plan.ui.follow_up import BULK_ROW_HEIGHT

    login(page, server, "/follow_up")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.get_by_role("tab", name="Monta kerralla").click()
        wait_idle(page)
        grid = page.locator("[class*='st-key-fu_bulk_'] [data-testid='stDataFrame']")
        expect(grid).to_contain_text("1.1.1 Kaveritoiminta kaikkiin alakouluihin")
        grid.scroll_into_view_if_needed()
        page.wait_for_timeout(500)
        box = grid.bounding_box()
        assert box["width"] <= width  # the page does not scroll sideways: the grid does
        # rows are tall enough for Streamlit to wrap their text (it does above 4rem)
        assert BULK_ROW_HEIGHT > 64
        rows = grid.locator("tr")
        assert rows.count() > 2
        grid.screenshot(path=str(tmp_path / f"bulk_{width}.png"))
        page.screenshot(path=str(tmp_path / f"bulk_page_{width}.png"))
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.wheel(2000, 0)  # the last columns' headers
        page.wait_for_timeout(500)
        grid.screenshot(path=str(tmp_path / f"bulk_{width}_right.png"))
        page.mouse.wheel(-2000, 0)
        no_exceptions(page)
    import os
    import shutil

    if os.environ.get("LAPE_SCREENSHOTS"):  # where to keep them for a look by eye
        for f in tmp_path.glob("*.png"):
            shutil.copy(f, os.environ["LAPE_SCREENSHOTS"])

