"""Every page, in Finnish and Swedish, on a desktop and a phone (390 px), every workshop phase and
the projector: no axe-core violations of WCAG 2.0/2.1 A and AA. Also the page language and titles."""

import pytest
from playwright.sync_api import expect

from lape_plan import db as dbm, i18n, workshop
from lape_plan.model import SYSTEM

from .axe import violations
from .conftest import choose, login, no_exceptions, wait_idle

PAGES = [
    "",
    "plan_editor",
    "chapters",
    "indicators",
    "follow_up",
    "assessments",
    "budget",
    "export",
    "ideas_admin",
    "plan_settings",
    "admin",
    "accessibility",
    "ideas",
]
VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def shops(server):
    """Three workshops, one in each phase, each with a participant who proposed (and voted)."""
    database = dbm.connect(server.db_path)
    plan_id = database.execute("select id from plans order by id limit 1").fetchone()[0]
    out = {}
    for phase in ("collecting", "voting", "closed"):
        areas = [r[0] for r in database.execute("select id from focus_areas where plan_id = ? limit 2", [plan_id])]
        wid = workshop.create(
            database, SYSTEM, plan_id, f"Työpaja {phase}", question="Mitä tehdään?", focus_area_ids=areas
        )
        code = workshop.get(database, wid)["code"]
        token = workshop.join(database, code, "Testi")
        area = workshop.focus_areas(database, workshop.get(database, wid))[0]["id"]
        proposal = workshop.propose(database, token, area, "Nuorisotila auki sunnuntaisin")
        if phase != "collecting":
            workshop.set_phase(database, SYSTEM, wid, "voting")
            workshop.vote(database, token, proposal)
        if phase == "closed":
            workshop.set_phase(database, SYSTEM, wid, "closed")
            workshop.set_results_visible(database, SYSTEM, wid, True)
        out[phase] = (wid, code, token)
    database.close()
    return out


# Text that does not fit its box: overflowing, or cut with an ellipsis ("Saman ehdotuksen voi äänestää…")
CUT = """els => els.filter(e => e.textContent.trim() && (e.scrollWidth > e.clientWidth + 1
                      || getComputedStyle(e).textOverflow === 'ellipsis' && getComputedStyle(e).overflow === 'hidden'
                         && e.scrollWidth > e.clientWidth))
                 .map(e => e.textContent.trim())"""
# what a user must read whole: widget labels (a checkbox in a column cuts its label unless told to wrap), buttons, tabs
LABELS = ", ".join(
    f"[data-testid='stMain'] {part}"
    for part in ("label *", "[data-testid='stWidgetLabel'] *", "button *", "[role='tab'] *")
)


def check(page, where, found):
    """axe on the page as drawn on a desktop, then on a phone (390 px), and no label, button or tab
    cut short on either: the same page resized,
    not loaded twice. Streamlit lays out by the window's width (the sidebar collapses as on a
    phone's first load), so one load serves both and the four combinations of language and
    screen cost little more than two."""
    wait_idle(page)
    no_exceptions(page)
    for device in ("desktop", "phone"):
        if device == "phone":
            page.set_viewport_size(VIEWPORTS["phone"])
            page.wait_for_timeout(200)  # charts and the sidebar follow the new width
        found += [f"{where} ({device}): {line}" for line in violations(page)]
        found += [f"{where} ({device}): cut: {text}" for text in page.locator(LABELS).evaluate_all(CUT)]
    page.set_viewport_size(VIEWPORTS["desktop"])


# Each language over every page and state, each state checked on a desktop and on a phone. The two
# are the longest browser tests: each is its own xdist group, so that workers can share them out.
@pytest.mark.parametrize(
    "lang", [pytest.param(lang, marks=pytest.mark.xdist_group(f"axe-{lang}")) for lang in ("fi", "sv")]
)
def test_no_axe_violations(server, shops, browser, lang):
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="fi-FI")
    page = context.new_page()
    found = []
    try:
        # signed out: the login form and the public participant page with its join form
        page.goto(f"{server}/?lang={lang}")
        check(page, "login", found)
        page.goto(f"{server}/join?lang={lang}")
        check(page, "join form", found)
        for phase, (_, code, token) in shops.items():
            page.goto(f"{server}/join?code={code}&p={token}&lang={lang}")
            check(page, f"join {phase}", found)
            if page.get_by_role("link", name=i18n.t("a11y.link", lang)).count() != 1:
                found.append(f"join {phase}: no link to the accessibility statement")
        login(page, server, "/?lang=fi")  # the form in Finnish; the pages below in `lang`, one sign-in for all
        for path in PAGES:
            page.goto(f"{server}/{path}?lang={lang}")
            check(page, path or "overview", found)
            if page.evaluate("document.documentElement.lang") != lang:
                found.append(f"{path}: html lang is not {lang}")
        page.goto(f"{server}/join?lang={lang}")  # signed in: the join form with its way back to the app
        check(page, "join form, signed in", found)
        page.goto(f"{server}/workshop?lang={lang}")
        wait_idle(page)
        for phase, (wid, code, _) in shops.items():  # the facilitator's page with each phase's workshop
            choose(page, "ws_id", f"Työpaja {phase} ({code})")
            check(page, f"workshop {phase}", found)
        for phase, (wid, _, _) in shops.items():
            page.goto(f"{server}/projector?w={wid}&lang={lang}")
            check(page, f"projector {phase}", found)
    finally:
        context.close()
    assert not found, "\n".join(found)


def test_language_survives_reload_and_new_tab_and_names_the_page(server, page):
    page.goto(f"{server}/join?lang=sv")
    wait_idle(page)
    assert page.evaluate("document.documentElement.lang") == "sv"
    assert page.title() == "Delta i workshop – LAPE"
    expect(page.get_by_role("link", name="Tillgänglighetsutlåtande")).to_be_visible()  # the statement, public
    # the language names in the switch carry their own language
    expect(page.locator("button[lang='fi']", has_text="Suomi")).to_have_count(1)
    page.reload()
    wait_idle(page)
    assert page.evaluate("document.documentElement.lang") == "sv"
    other = page.context.new_page()  # a new tab without ?lang= keeps the choice too
    other.goto(server)
    wait_idle(other)
    expect(other.get_by_role("button", name="Logga in")).to_be_visible()
    assert other.evaluate("document.documentElement.lang") == "sv"
    other.get_by_role("link", name="Tillgänglighetsutlåtande").click()
    wait_idle(other)
    expect(other.locator("h1")).to_have_text("Tillgänglighetsutlåtande")
    expect(other.get_by_text("Vi svarar inom 14 dagar", exact=False)).to_be_visible()
    assert other.title() == "Tillgänglighetsutlåtande – LAPE"


def test_keyboard_only_sign_in_lands_on_the_heading(server, page):
    page.goto(f"{server}/follow_up?lang=fi")
    wait_idle(page)
    page.get_by_label("Käyttäjätunnus").focus()
    page.keyboard.type("admin")
    page.keyboard.press("Tab")
    page.keyboard.type("admin-password-1")
    page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.locator("[data-testid='stSidebar'] .st-key-logout")).to_be_visible()
    # focus moves to the page's heading, not the body
    expect(page.locator("[data-testid='stMain'] h1").first).to_be_focused()
    assert page.title() == "Seuranta – LAPE"
    # metrics wrap instead of being cut ("8…") when text is enlarged
    value = page.get_by_test_id("stMetricValue").first
    assert value.evaluate("e => getComputedStyle(e).whiteSpace") == "normal"
    # a table's toolbar, invisible until hovered, shows when it takes keyboard focus
    page.goto(f"{server}/?lang=fi")
    wait_idle(page)
    toolbar = page.get_by_test_id("stElementToolbar").first
    assert toolbar.evaluate("e => getComputedStyle(e).opacity") == "0"
    toolbar.locator("button").first.focus()
    expect(toolbar).to_have_css("opacity", "1")  # at the end of its fade-in transition


def test_reflow_at_320_px(server, browser):
    context = browser.new_context(viewport={"width": 320, "height": 800}, locale="fi-FI")
    page = context.new_page()
    try:
        login(page, server, "/?lang=fi")
        for path in PAGES:  # no page scrolls sideways (a wide table scrolls in its own box)
            page.goto(f"{server}/{path}")
            wait_idle(page)
            page.wait_for_timeout(500)  # charts size themselves after the run
            width = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth")
            assert width <= 320, (path, width)
        # the heatmap keeps room for its cells: labels take under half of its width
        page.goto(f"{server}/follow_up")
        wait_idle(page)
        page.get_by_role("tab", name=i18n.t("follow_up.tab_heatmap", "fi")).click()
        wait_idle(page)
        chart = page.locator("[data-testid='stVegaLiteChart'] svg").first
        chart.wait_for()
        page.wait_for_timeout(500)
        box = chart.bounding_box()
        assert box["x"] + box["width"] <= 320, box
        cells = page.locator("[data-testid='stVegaLiteChart'] svg .mark-rect path")
        assert cells.count() > 0
        first = cells.first.bounding_box()
        assert first["x"] >= box["x"] + 40 and first["x"] + first["width"] <= 320, (first, box)
        assert page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollWidth") <= 320
        assert violations(page) == []  # the heatmap, its symbols and its table
    finally:
        context.close()


def test_text_at_200_percent_wraps_instead_of_cutting(server, browser):
    """Text enlarged to 200 % (the root font size, which Streamlit's sizes follow): metrics, the
    roll-up table and the menu's page names wrap; none is cut ("8…", "Suunnitelman …")."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fi-FI")
    page = context.new_page()
    try:
        login(page, server, "/follow_up?lang=fi")
        for path in ("follow_up", ""):
            page.goto(f"{server}/{path}")
            wait_idle(page)
            page.add_style_tag(content="html { font-size: 200% !important; }")
            page.wait_for_timeout(500)
            assert (
                page.evaluate(
                    "parseFloat(getComputedStyle(document.querySelector('[data-testid=\"stMetricValue\"]')).fontSize)"
                )
                >= 40
            )  # the enlargement took effect
            for selector in (
                "[data-testid='stMetricValue'] *",
                "[data-testid='stMetricLabel'] *",
                "[data-testid='stSidebarNavLink'] span",
                "[data-testid='stTable'] td *",
            ):
                assert page.locator(selector).count() > 0, selector
                assert page.locator(selector).evaluate_all(CUT) == [], (path, selector)
    finally:
        context.close()


def test_phone_roll_up_shows_every_column_and_join_leads_back(server, shops, browser):
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="fi-FI", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        login(page, server, "/?lang=fi")
        table = page.get_by_test_id("stTable").first
        headers = table.locator("th")
        expect(headers).to_have_text(["Kohde", "Tila", "Edistyminen", "Päivitetyt toimenpiteet"])
        for i in range(4):  # every column starts on the screen (the grid showed only the items)
            box = headers.nth(i).bounding_box()
            assert box["x"] + 20 < VIEWPORTS["phone"]["width"], (i, box)
        # a signed-in person who opens the participant page (a join link) has a way back
        _, code, _ = shops["collecting"]
        page.goto(f"{server}/join?code={code}")
        wait_idle(page)
        back = page.get_by_role("link", name="Takaisin sovellukseen")
        expect(back).to_be_visible()
        back.click()
        wait_idle(page)
        expect(page.locator("[data-testid='stMain'] h1").first).to_have_text("Yleiskuva")
    finally:
        context.close()
