"""The public idea page with axe-core, in Finnish and Swedish, on a phone (390 px) and a desktop:
the standard form and after sending an idea, every screen of the simple-language mode, the
class code form and a joined class (younger pupils: simple screens; older: the form). 0
violations of WCAG 2.0/2.1 A and AA."""

import datetime as dt

import pytest

from lape_plan import db as dbm, i18n, ideas, plans
from lape_plan.model import SYSTEM

from .axe import violations
from .conftest import no_exceptions, wait_idle

VIEWPORTS = {"desktop": {"width": 1400, "height": 1000}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def consultation(server):
    """The example plan's idea page open, and two class sessions (grades 3–6 and 7–9)."""
    database = dbm.connect(server.db_path)
    plan_id = plans.plans(database)[0]["id"]
    today = i18n.today()
    ideas.set_period(database, SYSTEM, plan_id, today - dt.timedelta(days=1), today + dt.timedelta(days=7))
    young = ideas.get_class(database, ideas.open_class(database, SYSTEM, plan_id, "4B", "grade_3_6"))["code"]
    older = ideas.get_class(database, ideas.open_class(database, SYSTEM, plan_id, "8A", "grade_7_9"))["code"]
    area = ideas.focus_areas(database, plan_id)[0]["id"]
    database.close()
    return {"plan": plan_id, "young": young, "older": older, "area": area}


def check(page, where, found):
    wait_idle(page)
    no_exceptions(page)
    found += [f"{where}: {line}" for line in violations(page)]
    if page.evaluate("document.documentElement.scrollWidth") > page.viewport_size["width"]:
        found.append(f"{where}: wider than the screen")


def click(page, selector):
    page.locator(selector).click()
    wait_idle(page)


@pytest.mark.parametrize(("device", "lang"), [("phone", "fi"), ("phone", "sv"), ("desktop", "fi"), ("desktop", "sv")])
def test_idea_pages_have_no_axe_violations(server, consultation, browser, device, lang):
    phone = device == "phone"
    context = browser.new_context(
        viewport=VIEWPORTS[device], locale="sv-FI" if lang == "sv" else "fi-FI", is_mobile=phone, has_touch=phone
    )
    page = context.new_page()
    t = lambda key, **v: i18n.t(key, lang, **v)  # noqa: E731
    plan, area = consultation["plan"], consultation["area"]
    found: list[str] = []
    try:
        # the standard form, then the page after a sent idea (the thanks message and a new form)
        page.goto(f"{server}/ideas?plan={plan}&lang={lang}")
        check(page, "standard form", found)
        assert page.evaluate("document.documentElement.lang") == lang
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        page.get_by_label(t("ideas.your_idea")).fill(f"Lisää penkkejä pihalle ({device}, {lang})")
        page.get_by_role("button", name=t("ideas.send")).click()
        wait_idle(page)
        page.get_by_text(t("ideas.thanks"), exact=False).wait_for()
        check(page, "standard form, idea sent", found)

        # simple language: topic, idea, who, thanks
        page.goto(f"{server}/ideas?plan={plan}&mode=simple&lang={lang}")
        check(page, "simple: topic", found)
        click(page, f".st-key-idea_pick_{area} button")
        check(page, "simple: idea", found)
        page.get_by_role("textbox", name=t("ideas.simple.text_label"), exact=True).fill("Pidempi välitunti")
        page.get_by_role("button", name=t("ideas.simple.next"), exact=True).click()
        wait_idle(page)
        check(page, "simple: who", found)
        page.get_by_role("button", name=t("ideas.simple.no_tell"), exact=True).click()
        wait_idle(page)
        page.get_by_role("heading", name=t("ideas.simple.thanks")).wait_for()
        check(page, "simple: thanks", found)

        # a class: the code form, a younger class (simple screens), an older class (the form)
        page.goto(f"{server}/ideas?class=&lang={lang}")
        check(page, "class: code form", found)
        page.get_by_label(t("field.ideas_class_code")).fill(consultation["young"])
        page.get_by_role("button", name=t("ideas.class_enter"), exact=True).click()
        wait_idle(page)
        check(page, "class 3–6: topic", found)
        click(page, f".st-key-idea_pick_{area} button")
        page.get_by_role("textbox", name=t("ideas.simple.text_label"), exact=True).fill("Keinut kouluun")
        page.get_by_role("button", name=t("ideas.simple.send"), exact=True).click()
        wait_idle(page)
        page.get_by_role("heading", name=t("ideas.simple.thanks")).wait_for()
        check(page, "class 3–6: thanks", found)
        page.goto(f"{server}/ideas?class={consultation['older']}&lang={lang}")
        check(page, "class 7–9: form", found)
        page.locator("[data-testid='stRadio'] [role='radiogroup'] label").first.click()
        page.get_by_label(t("ideas.your_idea")).fill("Kuntosali nuorille")
        page.get_by_role("button", name=t("ideas.send")).click()
        wait_idle(page)
        page.get_by_text(t("ideas.thanks"), exact=False).wait_for()
        check(page, "class 7–9: idea sent", found)
    finally:
        context.close()
    assert not found, "\n".join(found)
