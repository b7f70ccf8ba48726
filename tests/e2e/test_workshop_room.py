"""A workshop day in a real room: a 1920 × 1080 projector and three phones. Phones follow the
facilitator without a reload (text being typed stays), background questions and split results,
two rounds, and the day's feedback."""

import re
import time

from playwright.sync_api import expect

from .conftest import choose, login, no_exceptions, wait_idle

FOLLOW = 10000  # ms: a phone shows the new phase within a few seconds (3 s fragment + 0.5 s memo + a run)
YOUNG = "lapsi tai nuori (alle 18 v.)"


def phone(browser, url):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fi-FI", is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(url)
    wait_idle(page)
    page.get_by_role("button", name="Osallistu").click()
    wait_idle(page)
    choose(page, "ws_bg_role_group", YOUNG)  # the background question, once, right after joining
    page.get_by_role("button", name="Jatka").click()
    wait_idle(page)
    return context, page


def test_a_day_with_a_projector_and_three_phones(server, browser):
    from lape_plan import db as dbm, plans, workshop as ws
    from lape_plan.model import Actor, Role

    conn = dbm.connect(server.db_path)
    plan_id = plans.plans(conn)[0]["id"]
    areas = [a["id"] for a in plans.tree(conn, plan_id)]
    fac = Actor(name="Fasi", role=Role.FACILITATOR)
    wid = ws.create(
        conn,
        fac,
        plan_id,
        "LAPE-akatemia",
        "Mikä auttaa jaksamaan?",
        areas[:1],
        votes_per_participant=2,
        background=["role_group"],
    )
    code = ws.get(conn, wid)["code"]
    for i in range(57):  # a full room's worth of proposals from the paper notes
        ws.add_proposal(
            conn,
            fac,
            wid,
            areas[0],
            f"Paperilapun ehdotus numero {i + 1}, joka on aika pitkä "
            f"ja jatkuu vielä toisellekin riville valkokankaalla",
        )

    desk = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="fi-FI")
    facilitator = desk.new_page()
    login(facilitator, server, "/workshop")
    # the server listens on 127.0.0.1: said plainly before the code goes on the screen
    expect(facilitator.get_by_text("Puhelimet eivät pääse tähän osoitteeseen", exact=False)).to_be_visible()
    with facilitator.expect_popup() as opened:
        facilitator.get_by_text("Avaa valkokangasnäkymä").click()
    projector = opened.value
    wait_idle(projector)
    expect(projector.locator(".st-key-projector_join h1")).to_have_text(code)

    join_url = f"{server}/join?code={code}"
    phones = [phone(browser, join_url) for _ in range(3)]
    (_, p1), (_, p2), (_, p3) = phones
    for n, page in enumerate((p1, p2), 1):
        page.get_by_role("textbox", name="Ehdotuksesi").fill(f"Puhelimen {n} ehdotus")
        page.get_by_role("button", name="Lähetä ehdotus").click()
        wait_idle(page)
        expect(page.get_by_text("Kiitos! Ehdotuksesi on vastaanotettu.")).to_be_visible()
    p3.get_by_role("textbox", name="Ehdotuksesi").fill("Kesken kirjoitettu ajatus")  # not sent yet

    # the facilitator opens voting: every phone follows by itself, without a reload
    facilitator.get_by_test_id("stButtonGroup").get_by_text("Äänestys", exact=True).click()
    wait_idle(facilitator)
    for _, page in phones:
        expect(page.get_by_text("Ääniä jäljellä: 2/2")).to_be_visible(timeout=FOLLOW)
    # the text being typed is still in the box, with a clear message, and can still be sent
    expect(p3.get_by_text("Äänestys alkoi", exact=False)).to_be_visible()
    expect(p3.get_by_role("textbox", name="Ehdotuksesi")).to_have_value("Kesken kirjoitettu ajatus")
    p3.get_by_role("button", name="Lähetä ehdotus").click()
    wait_idle(p3)
    # on a loaded machine the click's run may start after wait_idle looked: wait for the stored proposal
    deadline = time.monotonic() + FOLLOW / 1000
    while "Kesken kirjoitettu ajatus" not in [p["text"] for p in ws.proposals(conn, wid)]:
        assert time.monotonic() < deadline, [p["text"] for p in ws.proposals(conn, wid)]
        time.sleep(0.2)

    # the projector shows what is voted on, a page at a time: nothing runs off the bottom at 1080 px
    expect(projector.get_by_text("Äänestettävänä")).to_be_visible(timeout=FOLLOW)
    expect(projector.get_by_text(re.compile(r"Sivu \d+/15"))).to_be_visible(timeout=FOLLOW)
    assert projector.evaluate("document.documentElement.scrollHeight") <= 1080
    bottom = projector.locator(".st-key-projector_items").evaluate("e => e.getBoundingClientRect().bottom")
    assert bottom <= 1080

    # votes; a double tap is quietly one vote
    for page, text in ((p1, "Puhelimen 2 ehdotus"), (p2, "Puhelimen 1 ehdotus"), (p3, "Puhelimen 1 ehdotus")):
        page.get_by_text(text, exact=True).click()
        button = page.get_by_role("button", name="Anna ääni")
        if page is p1:
            button.dblclick()
        else:
            button.click()
        wait_idle(page)
        expect(page.get_by_text("Ääniä jäljellä: 1/2")).to_be_visible()
        assert page.get_by_test_id("stAlertContentError").count() == 0
    assert conn.execute("select count(*) from workshop_votes where workshop_id = ?", [wid]).fetchone()[0] == 3

    # results revealed, split by the background question on the projector
    facilitator.get_by_text("Näytä tulokset valkokankaalla").click()
    wait_idle(facilitator)
    expect(projector.get_by_test_id("stVegaLiteChart")).to_be_visible(timeout=FOLLOW)
    assert projector.evaluate("document.documentElement.scrollHeight") <= 1080
    facilitator.get_by_text("Näytä ryhmittäin valkokankaalla", exact=False).click()
    wait_idle(facilitator)
    groups = projector.locator(".st-key-projector_groups")
    expect(groups.get_by_text(YOUNG)).to_be_visible(timeout=FOLLOW)
    expect(groups.get_by_text("1. Puhelimen 1 ehdotus (2)")).to_be_visible()
    expect(facilitator.get_by_text(f"{YOUNG} (3)").first).to_be_attached()  # the split table's column

    # the next round: phones follow to the new question
    facilitator.get_by_role("button", name="Seuraava kysymys").click()
    facilitator.get_by_role("textbox", name="Seuraavan kierroksen kysymys").fill("Miten nuoret kuullaan?")
    facilitator.get_by_role("button", name="Aloita kierros").click()
    wait_idle(facilitator)
    for _, page in phones:
        expect(page.get_by_text("Miten nuoret kuullaan?", exact=False)).to_be_visible(timeout=FOLLOW)
        expect(page.get_by_role("textbox", name="Ehdotuksesi")).to_be_visible()
    expect(projector.get_by_text("Kierros 2", exact=False)).to_be_visible(timeout=FOLLOW)

    # the day closes: phones ask for feedback, the code and QR give way on the projector
    facilitator.get_by_test_id("stButtonGroup").get_by_text("Päättynyt", exact=True).click()
    wait_idle(facilitator)
    for grade, (_, page) in zip((9, 8, 8), phones):
        expect(page.get_by_text("Millainen päivä oli?", exact=False)).to_be_visible(timeout=FOLLOW)
        page.get_by_test_id("stRadio").get_by_text(str(grade), exact=True).click()
        page.get_by_role("button", name="Lähetä palaute").click()
        wait_idle(page)
        expect(page.get_by_text(f"Annoit päivälle arvosanan {grade}")).to_be_visible()
        no_exceptions(page)
    expect(projector.locator(".st-key-projector_join")).to_have_count(0, timeout=FOLLOW)
    facilitator.reload()
    wait_idle(facilitator)
    mean = facilitator.get_by_test_id("stMetric").filter(has_text="Arvosanojen keskiarvo")
    expect(mean).to_contain_text("8,3")
    for page in (facilitator, projector):
        no_exceptions(page)
    assert re.search(r"p=[\w-]+", p1.url)
    for context, _ in phones:
        context.close()
    desk.close()
