"""Keyboard only: sign in, switch page, save a follow-up status, change the language, and join
and vote in a workshop as a participant, with key presses alone (Tab, Shift+Tab, Enter, Space,
arrows, and typing into text fields) — no clicks. Focus lands where the person goes on."""

from playwright.sync_api import expect

from lape_plan import db as dbm, workshop
from lape_plan.model import SYSTEM
from tests.conftest import ADMIN

from .conftest import no_exceptions, wait_idle

IS_FOCUSED = "e => e === document.activeElement || e.contains(document.activeElement)"


def tab_to(page, locator, key="Tab", limit=150):
    """Press Tab (or Shift+Tab) until `locator` holds the focus, as a keyboard user would."""
    for _ in range(limit):
        if locator.evaluate(IS_FOCUSED):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{limit} presses of {key} never reached {locator}")


def pick(page, option_text, key="ArrowDown", limit=20):
    """In an open select list, move with the arrows to `option_text` and take it with Enter."""
    page.keyboard.press("ArrowDown")  # opens the list, on the option after the current one
    option = page.get_by_role("option", name=option_text, exact=True)
    option.wait_for()
    for _ in range(limit):
        if option.get_attribute("data-focused") == "true":  # the highlighted option
            break
        page.keyboard.press(key)
    else:
        raise AssertionError(f"never reached {option_text}")
    page.keyboard.press("Enter")
    wait_idle(page)


def test_keyboard_only_staff_journey(server, page):
    page.goto(f"{server}/?lang=fi")
    wait_idle(page)
    tab_to(page, page.get_by_label("Käyttäjätunnus"))
    page.keyboard.type(ADMIN[0])
    page.keyboard.press("Tab")
    page.keyboard.type(ADMIN[1])
    page.keyboard.press("Enter")
    wait_idle(page)
    heading = page.locator("[data-testid='stMain'] h1").first
    expect(heading).to_be_focused()  # signed in: focus on the page's heading

    # switch page: back from the heading into the menu
    tab_to(page, page.get_by_role("link", name="Seuranta", exact=True), key="Shift+Tab")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(heading).to_have_text("Toteutumisen seuranta")
    assert page.title() == "Seuranta – LAPE"

    # save a status for the first item of the reporting year: status by arrows, then Save
    status = page.locator("[class*='st-key-fu_'][class*='_status'] input").first
    key = status.evaluate("e => [...e.closest('[class*=\"st-key-fu_\"]').classList].find(c => c.startsWith('st-key-'))")
    entity, item_id, year = key.removeprefix("st-key-fu_").removesuffix("_status").split("_")
    tab_to(page, status)
    pick(page, "Etenee")
    expect(page.locator(f".{key} input")).to_have_value("Etenee")
    tab_to(page, page.get_by_role("button", name="Tallenna päivitys"))
    page.keyboard.press("Enter")
    wait_idle(page)
    no_exceptions(page)
    expect(page.get_by_text("Päivitys tallennettu", exact=False)).to_be_visible()
    database = dbm.connect(server.db_path)
    saved = database.execute(
        "select status, updated_by from status_updates where entity = ? and item_id = ? "
        "and year = ? order by version desc limit 1",
        [entity, int(item_id), int(year)],
    ).fetchone()
    database.close()
    assert saved == ("on_track", "Testi Ylläpitäjä")

    # change the language in the sidebar
    tab_to(page, page.locator(".st-key-_w_lang input"), key="Shift+Tab")
    pick(page, "Svenska")
    expect(heading).to_have_text("Uppföljning av genomförandet")
    assert page.evaluate("document.documentElement.lang") == "sv"
    no_exceptions(page)


def test_keyboard_only_participant_joins_and_votes_on_a_phone(server, browser):
    database = dbm.connect(server.db_path)
    plan_id = database.execute("select id from plans order by id limit 1").fetchone()[0]
    area = database.execute("select id from focus_areas where plan_id = ? order by id limit 1", [plan_id]).fetchone()[0]
    wid = workshop.create(
        database, SYSTEM, plan_id, "Näppäimistötyöpaja", question="Mitä tehdään?", focus_area_ids=[area]
    )
    code = workshop.get(database, wid)["code"]
    other = workshop.join(database, code, "Toinen")
    for text in ("Nuorisotila auki sunnuntaisin", "Kaverikahvila kouluille"):
        workshop.propose(database, other, area, text)
    workshop.set_phase(database, SYSTEM, wid, "voting")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    try:
        page.goto(f"{server}/join?lang=fi")
        wait_idle(page)
        tab_to(page, page.get_by_label("Osallistumiskoodi"))
        page.keyboard.type(code)
        tab_to(page, page.get_by_role("textbox", name="Nimesi (vapaaehtoinen)"))  # past the name's help button
        page.keyboard.type("Näppäilijä")
        page.keyboard.press("Enter")
        wait_idle(page)
        no_exceptions(page)
        # joined: focus on the ballot, the participant's next field
        first = page.locator("[data-testid='stMain'] [role='radiogroup'] input").first
        expect(first).to_be_focused()
        page.keyboard.press("Space")  # the first proposal
        tab_to(page, page.get_by_role("button", name="Anna ääni"))
        page.keyboard.press("Enter")
        wait_idle(page)
        no_exceptions(page)
        expect(page.get_by_text("Ääni annettu.")).to_be_visible()
        # voted: focus back on the ballot for the next vote
        expect(page.locator("[data-testid='stMain'] [role='radiogroup'] input").first).to_be_focused()
        person = database.execute(
            "select id from workshop_participants where workshop_id = ? and name = ?", [wid, "Näppäilijä"]
        ).fetchone()
        assert person and sum(workshop.my_votes(database, person[0]).values()) == 1
    finally:
        context.close()
        database.close()
