from playwright.sync_api import expect
from lape_plan.ui.follow_up import BULK_ROW_HEIGHT

from .conftest import choose, login, member, no_exceptions, wait_idle


def _metric(page, label):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def _update(page, option, status, narrative):
    choose(page, "_w_fu_item", option)
    choose(page, page.locator("[class*='_2024_status'] [data-testid='stSelectbox']"), status)
    page.get_by_role("textbox", name="Mitä tehtiin, mitä seuraavaksi").fill(narrative)
    page.get_by_role("button", name="Tallenna päivitys").click()
    wait_idle(page)
    expect(page.get_by_text("Päivitys tallennettu")).to_be_visible()
    no_exceptions(page)


def test_member_updates_two_measures_and_sees_rollup_and_history(server, page):
    login(page, server, username="kaisa", password=member(server.db_path, "kaisa", "Kaisa Kokkolasta"))
    expect(page.get_by_text("Toteutumisen seuranta 2024")).to_be_visible()
    expect(_metric(page, "Etenee tai valmis")).to_have_text("0 %")
    expect(_metric(page, "Edistyminen 2024")).to_have_text("–")

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Seuranta").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Toteutumisen seuranta")
    choose(page, "_w_fu_org", "Kokkola")
    page.locator(".st-key-_w_fu_item [data-testid='stSelectbox']").click()
    page.get_by_role("option").first.wait_for()  # the list is drawn before it is read
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    wait_idle(page)
    assert any("Kaveritoiminta" in o for o in options)
    assert not any("Perhekeskus" in o for o in options)  # Soite's measure is filtered out

    _update(
        page,
        "1.1.1 Kaveritoiminta kaikkiin alakouluihin (Toimenpide)",
        "Etenee",
        "Kaveritoiminta käynnissä 12 koulussa.",
    )
    _update(
        page, "1.2.2 Oppilaskuntien kiusaamiskysely joka vuosi (Toimenpide)", "Viivästynyt", "Kysely siirtyi syksyyn."
    )

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


def _cell(grid, col, row):
    """A cell of the grid's accessible table (row 0 is the first row under the header): its
    text is the cell's value, and aria-selected tells where the grid's selection is."""
    return grid.get_by_test_id(f"glide-cell-{col}-{row}")


HEADER = 37  # px: the grid's header row (Streamlit keeps it when rows are taller)
# Resolves once the canvas has kept its place and size for ten animation frames in a row.
_SETTLED = """canvas => new Promise(resolve => {
    let last = "", same = 0;
    const tick = () => {
        const r = canvas.getBoundingClientRect(), now = [r.x, r.y, r.width, r.height].join();
        same = now === last ? same + 1 : 0;
        last = now;
        if (same >= 10) resolve(); else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def _select_first_cell(grid):
    """Put the keyboard on the first cell, the way Streamlit's own tests click a grid: wait until
    the canvas stands still (it sizes itself after each run), click inside the first row, and
    wait for the grid's accessible table to show the selection. A grid that lost the focus to a
    button takes the first click as focus only; the click is then repeated."""
    canvas = grid.get_by_test_id("data-grid-canvas")
    expect(canvas).to_be_visible()
    canvas.evaluate(_SETTLED)
    for attempt in range(3):
        grid.click(position={"x": 20, "y": HEADER + BULK_ROW_HEIGHT / 2})
        try:
            expect(_cell(grid, 0, 0)).to_have_attribute("aria-selected", "true", timeout=2000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def _move(page, grid, keys, col, row):
    """Arrow keys from the selected cell; waits until (col, row) is selected."""
    for key in keys:
        page.keyboard.press(key)
    expect(_cell(grid, col, row)).to_have_attribute("aria-selected", "true")


def _choose_in_cell(page, grid, col, row, option, value):
    """Open the cell's list and pick `option`. On a loaded machine a click on an option just
    drawn is now and then lost, the list left open: the option is then clicked again."""
    page.keyboard.press("Enter")
    wanted = page.get_by_role("option", name=option, exact=True)
    for attempt in range(3):
        wanted.click()
        wait_idle(page)
        try:
            expect(_cell(grid, col, row)).to_have_text(value, timeout=5000)
            return
        except AssertionError:
            if attempt == 2 or not wanted.is_visible():
                raise


def test_bulk_update_is_all_or_nothing_in_the_browser(server, page):
    login(page, server, "/follow_up")
    choose(page, "_w_fu_year", "2023")
    page.get_by_role("tab", name="Monta kerralla").click()
    wait_idle(page)
    grid = page.locator("[class*='st-key-fu_bulk_'] [data-testid='stDataFrame']")
    expect(_cell(grid, 0, 1)).to_have_text("1.1.1 Kaveritoiminta kaikkiin alakouluihin")
    _select_first_cell(grid)
    _move(page, grid, ["ArrowDown", "ArrowRight", "ArrowRight"], 2, 1)  # 1.1.1, new status
    _choose_in_cell(page, grid, 2, 1, "Etenee", "on_track")
    _select_first_cell(grid)  # the keyboard back on the grid after the cell's rerun
    _move(page, grid, ["ArrowDown", "ArrowDown", "ArrowRight", "ArrowRight"], 2, 2)  # 1.1.2, new status
    _choose_in_cell(page, grid, 2, 2, "Viivästynyt", "delayed")
    page.get_by_role("button", name="Tallenna kaikki").click()
    wait_idle(page)
    error = page.get_by_test_id("stAlert").filter(has_text="Mitään ei tallennettu")
    expect(error).to_contain_text("1.1.2 Harrastamisen Suomen malli")
    expect(_metric(page, "Ei päivitystä")).to_have_text("100 %")  # nothing saved
    expect(_cell(grid, 2, 1)).to_have_text("on_track")  # the typed values stay
    expect(_cell(grid, 2, 2)).to_have_text("delayed")

    _select_first_cell(grid)  # the keyboard back from the button
    _move(page, grid, ["ArrowDown", "ArrowDown"] + ["ArrowRight"] * 4, 4, 2)  # 1.1.2, narrative
    page.keyboard.press("Enter")
    page.get_by_test_id("portal").locator(".gdg-clip-region").locator("textarea, input").first.fill(
        "Avustuspäätös viivästyi."
    )
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(_cell(grid, 4, 2)).to_have_text("Avustuspäätös viivästyi.")
    page.get_by_role("button", name="Tallenna kaikki").click()
    wait_idle(page)
    expect(page.get_by_text("2 päivitystä tallennettu.")).to_be_visible()
    expect(_metric(page, "Ei päivitystä")).not_to_have_text("100 %")
    expect(_metric(page, "Viivästyneitä")).not_to_have_text("0 %")
    expect(_cell(grid, 1, 1)).to_have_text("Etenee")  # the table now starts from the saved state
    no_exceptions(page)


def test_bulk_editor_shows_item_names_and_headers_whole(server, page, tmp_path):
    """Item names wrap inside their cells and every header fits its column, on a laptop
    (1280 px) and a phone (390 px); the screenshots are kept for a look by eye."""

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
