import datetime as dt

from playwright.sync_api import expect

from lape_plan import db as dbm, i18n, ideas, plans
from lape_plan.model import SYSTEM

from .conftest import choose, login, no_exceptions, wait_idle


def phone_page(browser, locale="fi-FI"):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale, is_mobile=True, has_touch=True)
    return context.new_page()


def test_send_moderate_answer_and_link(server, page, browser):
    database = dbm.connect(server.db_path)
    plan_id = plans.plans(database)[0]["id"]
    tree = plans.tree(database, plan_id)
    today = i18n.today()
    ideas.set_period(database, SYSTEM, plan_id, today, today + dt.timedelta(days=7))
    class_id = ideas.open_class(database, SYSTEM, plan_id, "4B", "grade_3_6", cap=30)
    code = ideas.get_class(database, class_id)["code"]

    # a resident on a phone, no account: the standard form
    phone = phone_page(browser)
    phone.goto(f"{server}/ideas?plan={plan_id}")
    wait_idle(phone)
    expect(phone.locator("h1")).to_have_text("Kerro, miten sinä parantaisit palveluja")
    # the first visitor of a fresh server: no sidebar to open (Streamlit would list the pages/ files in it)
    expect(phone.get_by_test_id("stSidebar")).to_be_hidden()
    expect(phone.get_by_test_id("stExpandSidebarButton")).to_be_hidden()
    phone.get_by_text("Lapsiperheiden ja vanhemmuuden tuki", exact=False).first.click()
    phone.get_by_label("Ideasi (1–500 merkkiä)").fill("Perhekahvila lauantaisin")
    phone.get_by_role("button", name="Lähetä idea").click()
    wait_idle(phone)
    expect(phone.get_by_text("Kiitos! Ideasi on lähetetty.", exact=False)).to_be_visible()
    no_exceptions(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # a child in the simple-language mode, in Swedish: one thing per screen, big buttons
    child = phone_page(browser, "sv-SE")
    child.goto(f"{server}/ideas?plan={plan_id}&mode=simple&lang=sv")
    wait_idle(child)
    expect(child.locator("h2").first).to_have_text("Om vad?")
    first_area = child.locator(f".st-key-idea_pick_{tree[0]['id']} button")
    assert first_area.bounding_box()["height"] >= 60
    first_area.click()
    wait_idle(child)
    child.get_by_role("textbox", name="Din idé", exact=True).fill("Fler kompisbänkar på gården")
    child.get_by_role("button", name="Nästa").click()
    wait_idle(child)
    child.get_by_role("button", name="👧 Jag är ett barn").click()
    wait_idle(child)
    expect(child.locator("h2").first).to_have_text("Tack! 🎉")
    no_exceptions(child)

    # a pupil in a class session types the class code
    pupil = phone_page(browser)
    pupil.goto(f"{server}/ideas?class=")
    wait_idle(pupil)
    pupil.get_by_label("Luokan koodi").fill(code.lower())
    pupil.get_by_role("button", name="Aloita").click()
    wait_idle(pupil)
    expect(pupil.get_by_text("Luokka 4B (3.–6. luokka)")).to_be_visible()
    pupil.locator(f".st-key-idea_pick_{tree[1]['id']} button").click()
    wait_idle(pupil)
    pupil.get_by_role("textbox", name="Ideasi", exact=True).fill("Pidempi välitunti")
    pupil.get_by_role("button", name="Lähetä", exact=True).click()
    wait_idle(pupil)
    expect(pupil.locator("h2").first).to_have_text("Kiitos! 🎉")

    rows = {r["text"]: r for r in database.query("select * from ideas")}
    assert set(rows) == {"Perhekahvila lauantaisin", "Fler kompisbänkar på gården", "Pidempi välitunti"}
    assert rows["Fler kompisbänkar på gården"]["simple"] == 1
    assert rows["Pidempi välitunti"]["grade_band"] == "grade_3_6"
    assert all(r["state"] == "pending" for r in rows.values())

    # the moderator publishes, answers and links the idea to a goal
    idea_id = rows["Perhekahvila lauantaisin"]["id"]
    login(page, server, "/ideas_admin")
    page.goto(server + "/ideas_admin")
    wait_idle(page)
    expect(page.locator("h1")).to_have_text("Asukkaiden, lasten ja nuorten ideat")
    page.locator(f".st-key-idea_pub_{idea_id}_1 button").click()
    wait_idle(page)
    page.get_by_test_id("stButtonGroup").get_by_text("Julkaistu", exact=True).click()
    wait_idle(page)
    row = page.locator(f".st-key-idea_row_{idea_id}")
    row.get_by_role("button", name="Vastaa").click()
    goal = tree[2]["goals"][0]
    choose(page, f"idea_answer_{idea_id}_status", "Tuli osaksi suunnitelmaa")
    page.get_by_label("Vastaus", exact=True).fill("Perhekeskus kokeilee lauantaiaukioloa.")
    choose(page, f"idea_answer_{idea_id}_link", f"Tavoite 3.1: {goal['title_fi']}")
    page.get_by_role("button", name="Tallenna vastaus").click()
    wait_idle(page)
    no_exceptions(page)
    expect(page.get_by_text("Perhekeskus kokeilee lauantaiaukioloa.", exact=False)).to_be_visible()
    stored = ideas.get(database, idea_id)
    assert (stored["state"], stored["status"], stored["goal_id"]) == ("published", "adopted", goal["id"])
    outcome = ideas.published_outcomes(database, plan_id, "fi")
    assert [(i["text"], i["link"]["id"]) for a in outcome for i in a["ideas"]] == [
        ("Perhekahvila lauantaisin", goal["id"])
    ]
