"""A teacher (a member account) opens a class session on the ideas staff page and reads its
code there; a pupil on a phone joins with that code and sends ideas until the class's cap
refuses the next one; the teacher then sees the class's ideas counted under its grade band."""

import datetime as dt

from playwright.sync_api import expect

from lape_plan import db as dbm, i18n, ideas, plans
from lape_plan.model import SYSTEM

from tests.helpers import org_id

from .conftest import choose, login, member, no_exceptions, wait_idle
from .test_ideas_journey import phone_page

CAP = 2


def _open_classes(page):
    page.get_by_text(i18n.t("ideas.classes", "fi"), exact=True).click()
    wait_idle(page)


def _send(pupil, area_id, text):
    pupil.locator(f".st-key-idea_pick_{area_id} button").click()
    wait_idle(pupil)
    pupil.get_by_role("textbox", name="Ideasi", exact=True).fill(text)
    pupil.get_by_role("button", name="Lähetä", exact=True).click()
    wait_idle(pupil)


def test_teacher_opens_a_class_and_pupils_send_up_to_the_cap(server, page, browser):
    database = dbm.connect(server.db_path)
    plan_id = plans.plans(database)[0]["id"]
    today = i18n.today()
    ideas.set_period(database, SYSTEM, plan_id, today, today + dt.timedelta(days=7))
    kokkola = org_id(database, "272")
    password = member(server.db_path, "opettaja", "Olli Opettaja")
    area_id = ideas.focus_areas(database, plan_id)[0]["id"]

    # the teacher opens the session on the staff page
    login(page, server, "/ideas_admin", username="opettaja", password=password)
    page.goto(server + "/ideas_admin")
    wait_idle(page)
    _open_classes(page)
    page.locator(".st-key-idea_class_label input").fill("5C")
    choose(page, "idea_class_band", "3.–6. luokka")
    choose(page, "idea_class_muni", "Kokkola")
    page.locator(".st-key-idea_class_cap input").fill(str(CAP))
    page.get_by_role("button", name="Avaa luokalle koodi").click()
    wait_idle(page)
    no_exceptions(page)
    stored = list(database.query("select * from idea_classes"))
    assert [(c["label"], c["grade_band"], c["cap"], c["municipality_id"]) for c in stored] == [
        ("5C", "grade_3_6", CAP, kokkola)
    ]
    klass = stored[0]
    _open_classes(page)
    row = page.locator(f".st-key-idea_class_{klass['id']}")
    code = row.locator("h2").inner_text().strip()
    assert code == klass["code"]  # the code the teacher reads is the session's
    expect(row).to_contain_text("5C · 3.–6. luokka · 0/2 ideaa")

    # a pupil on a phone joins with the code and sends ideas
    pupil = phone_page(browser)
    pupil.goto(f"{server}/ideas?class=")
    wait_idle(pupil)
    pupil.get_by_label("Luokan koodi").fill(code)
    pupil.get_by_role("button", name="Aloita").click()
    wait_idle(pupil)
    expect(pupil.get_by_text("Luokka 5C (3.–6. luokka)")).to_be_visible()
    for n in range(CAP):
        _send(pupil, area_id, f"Luokan idea {n + 1}")
        expect(pupil.locator("h2").first).to_have_text("Kiitos! 🎉")
        pupil.get_by_role("button", name="Uusi idea").click()
        wait_idle(pupil)
    # the cap refuses the next idea with its message, and the pupil's text stays
    _send(pupil, area_id, "Yksi idea liikaa")
    expect(pupil.get_by_text(i18n.t("ideas.error.class_full", "fi", max=CAP), exact=False)).to_be_visible()
    expect(pupil.get_by_role("textbox", name="Ideasi", exact=True)).to_have_value("Yksi idea liikaa")
    no_exceptions(pupil)
    rows = list(database.query("select text, grade_band, sender_group, municipality_id, class_id from ideas"))
    assert sorted(r["text"] for r in rows) == ["Luokan idea 1", "Luokan idea 2"]
    assert {(r["grade_band"], r["sender_group"], r["municipality_id"], r["class_id"]) for r in rows} == {
        ("grade_3_6", "child", kokkola, klass["id"])
    }

    # the teacher sees the class's ideas counted under its grade band
    page.reload()
    wait_idle(page)
    _open_classes(page)
    expect(page.locator(f".st-key-idea_class_{klass['id']}")).to_contain_text("5C · 3.–6. luokka · 2/2 ideaa")
    assert ("Luokka-aste", "3.–6. luokka", CAP) in ideas.figure_rows(database, plan_id, "fi")
    no_exceptions(page)
