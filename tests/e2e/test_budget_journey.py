"""A member enters a measure's euros for a year and sees the roll-up and the chart."""

from playwright.sync_api import expect

from .conftest import choose, login, member, no_exceptions, wait_idle


def _metric(page, label):
    return page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue")


def test_member_enters_a_years_euros_and_sees_the_chart(server, page):
    from lape_plan import budget, db as dbm

    conn = dbm.connect(server.db_path)
    measure = conn.execute("select id from measures where title_fi like 'Kaveritoiminta%'").fetchone()[0]
    login(page, server, username="kaisa", password=member(server.db_path, "kaisa", "Kaisa Kokkolasta"))
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Lapsibudjetointi").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Lapsibudjetointi")
    expect(_metric(page, "Suunniteltu 2020–2024")).to_have_text("–")  # nothing given is not 0 €

    choose(page, "_w_bu_measure", "1.1.1 Kaveritoiminta kaikkiin alakouluihin")
    choose(page, "_w_bu_year", "2022")
    p = f"bu_{measure}_2022"
    page.locator(f".st-key-{p}_planned_eur input").fill("12 000")
    page.locator(f".st-key-{p}_actual_eur input").fill("11 500,50")
    page.locator(f".st-key-{p}_direct_share input").fill("-5")
    page.keyboard.press("Tab")
    wait_idle(page)
    page.get_by_role("button", name="Tallenna eurot").click()
    wait_idle(page)
    # a bad share: a clear error, and what was typed is still there
    expect(page.get_by_test_id("stAlert").filter(has_text="ei ole osuus väliltä 0–100 %")).to_be_visible()
    expect(page.locator(f".st-key-{p}_planned_eur input")).to_have_value("12 000")
    page.locator(f".st-key-{p}_direct_share input").fill("90")
    page.keyboard.press("Tab")
    wait_idle(page)
    choose(page, f"{p}_source", "Oma talousarvio")
    choose(page, f"{p}_kind", "Ehkäisevä")
    page.get_by_role("button", name="Tallenna eurot").click()
    wait_idle(page)
    expect(page.get_by_text("Eurot tallennettu: 1.1.1, 2022.")).to_be_visible()
    no_exceptions(page)
    line = budget.get(conn, measure, 2022)
    assert (
        line["planned_eur"],
        line["actual_eur"],
        line["source"],
        line["kind"],
        line["direct_share"],
        line["updated_by"],
    ) == (12000, 11500.5, "own", "preventive", 90, "Kaisa Kokkolasta")

    expect(_metric(page, "Suunniteltu 2020–2024")).to_have_text("12\u00a0000 €")
    expect(_metric(page, "Ehkäisevä ja varhainen tuki")).to_have_text("100 %")
    chart = page.get_by_test_id("stVegaLiteChart")
    expect(chart).to_have_count(1)
    expect(chart.locator("canvas, svg").first).to_be_visible()
    # the figures as a table next to the chart
    table = page.get_by_test_id("stHorizontalBlock").filter(has=chart).get_by_test_id("stDataFrame")
    expect(table).to_be_visible()
    expect(table).to_contain_text("Vuosi")

    page.get_by_test_id("stSidebarNavLink").filter(has_text="Yleiskuva").click()
    wait_idle(page)
    expect(page.get_by_text("Lapsibudjetointi 2020–2024")).to_be_visible()
    expect(_metric(page, "Suunniteltu 2020–2024")).to_have_text("12\u00a0000 €")
    no_exceptions(page)
