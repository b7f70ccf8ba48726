from playwright.sync_api import expect

from .conftest import choose, choose_many, login, member, no_exceptions, wait_idle

SURVEY = "1.2.2 Oppilaskuntien kiusaamiskysely joka vuosi"


def _fill(page, key, text):
    """Type into a text field and leave it, so the app receives the value."""
    field = page.locator(f".st-key-{key}").locator("textarea, input").first
    field.fill(text)
    field.press("Tab")
    wait_idle(page)


def _effect(page, p, option, group, aspect, direction, reason):
    choose(page, f"{p}_new_option", option)
    choose(page, f"{p}_new_group", group)
    choose(page, f"{p}_new_aspect", aspect)
    choose(page, f"{p}_new_direction", direction)
    _fill(page, f"{p}_new_reason", reason)
    page.locator(f".st-key-{p}_add_effect button").click()
    wait_idle(page)


def test_member_fills_in_a_full_assessment(server, page):
    from lape_plan import assessments as lava, db as dbm

    conn = dbm.connect(server.db_path)
    measure = conn.execute(
        "select id from measures where title_fi = 'Oppilaskuntien kiusaamiskysely joka vuosi'"
    ).fetchone()[0]
    login(page, server, username="kaisa", password=member(server.db_path, "kaisa", "Kaisa Kokkolasta"))
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Lapsivaikutukset").click()
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Lapsivaikutusten arviointi")
    page.get_by_role("tab", name="Arviointi", exact=True).click()
    choose(page, "_w_lava_target", f"Toimenpide: {SURVEY} — ei arviointia")
    p = f"lava_measure_{measure}"
    expect(page.get_by_text("Kohteella ei ole vielä arviointia")).to_be_visible()

    _fill(page, f"{p}_subject", "Kiusaamiskysely kaikille 4.–9.-luokkalaisille joka vuosi")
    _fill(page, f"{p}_affected", "Koululaiset ja heidän vanhempansa Kokkolassa")
    choose_many(page, f"{p}_age_groups", "7–12-vuotiaat", "13–17-vuotiaat")
    choose_many(page, f"{p}_vulnerable_groups", "Maahanmuuttajataustaiset lapset")
    _fill(page, f"{p}_hearing", "Oppilaskunnat suunnittelivat kysymykset")
    _fill(page, f"{p}_options", "Kysely joka vuosi\nKysely joka toinen vuosi")
    _effect(page, p, "Kysely joka vuosi", "13–17-vuotiaat", "Oikeudet", "Myönteinen", "Nuorten ääni kuuluu joka vuosi")
    _effect(
        page,
        p,
        "Kysely joka toinen vuosi",
        "Maahanmuuttajataustaiset lapset",
        "Palvelut",
        "Kielteinen",
        "Muutokset näkyvät myöhässä",
    )
    expect(page.get_by_text("2. Kysely joka toinen vuosi · Maahanmuuttajataustaiset lapset")).to_be_visible()
    _fill(page, f"{p}_mitigation", "Tulokset käännetään kotikielille")
    _fill(page, f"{p}_conclusion", "Kysely tehdään joka vuosi, koska se kuulee nuoria useimmin")
    choose(page, f"{p}_follow_up_year", "2024")
    _fill(page, f"{p}_follow_up_method", "Vastausprosentti ja oppilaskuntien palaute")
    page.locator(f".st-key-{p}_status label").filter(has_text="Valmis").click()
    wait_idle(page)
    page.locator(f".st-key-{p}_save button").click()
    wait_idle(page)
    expect(page.get_by_text("Arviointi tallennettu.")).to_be_visible()
    no_exceptions(page)

    a = lava.for_target(conn, "measure", measure)
    assert (a["form"], a["state"], a["updated_by"], a["follow_up_year"]) == ("full", "done", "Kaisa Kokkolasta", 2024)
    assert a["options"] == ["Kysely joka vuosi", "Kysely joka toinen vuosi"]
    assert a["age_groups"] == ["7_12", "13_17"] and a["vulnerable_groups"] == ["migrant"]
    assert [(e["group"], e["aspect"], e["direction"]) for e in a["effects"]] == [
        ("13_17", "rights", "positive"),
        ("migrant", "services", "negative"),
    ]
    assert a["mitigation"] == "Tulokset käännetään kotikielille"

    page.get_by_role("tab", name="Arvioinnit", exact=True).click()
    done = page.get_by_test_id("stMetric").filter(has_text="Valmis").get_by_test_id("stMetricValue")
    expect(done).to_have_text("2")  # Kaisa starts from Kokkola's items: this one and the example decision
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    no_exceptions(page)
