"""A coordinator sends the plan to the councils, records a council's decision on the frozen version,
revises a chapter, and a reader sees what changed since the approved version."""

from playwright.sync_api import expect

from .conftest import login, no_exceptions, wait_idle


def test_send_to_councils_record_the_decision_and_see_what_changed(server, page):
    login(page, server, "/plan_settings")
    wait_idle(page)
    expect(page.get_by_text("Suunnitelman tila: luonnos")).to_be_visible()
    page.get_by_role("button", name="Lähetä yhteistyöryhmälle").click()
    wait_idle(page)
    expect(page.get_by_text("Suunnitelman tila: yhteistyöryhmän käsittelyssä")).to_be_visible()
    page.get_by_role("button", name="Lähetä valtuustoihin (jäädyttää version)").click()
    wait_idle(page)
    expect(page.get_by_text("Suunnitelman tila: valtuustojen käsittelyssä")).to_be_visible()
    no_exceptions(page)

    # the council's decision, on version 1 (the form offers the frozen versions)
    page.locator(".st-key-ap_body input").fill("Halsuan kunnanvaltuusto")
    page.locator(".st-key-ap_reference input").fill("Kvalt 2.6.2025 § 12")
    page.get_by_role("button", name="Lisää hyväksyminen").click()
    wait_idle(page)
    expect(page.get_by_text("Hyväksynyt: Halsuan kunnanvaltuusto")).to_be_visible()
    expect(page.get_by_text("Ei muutoksia tämän version jälkeen.")).to_be_visible()

    # a revision: back to draft, a chapter rewritten
    page.get_by_role("button", name="Palauta luonnokseksi").click()
    wait_idle(page)
    expect(page.get_by_text("Suunnitelman tila: luonnos")).to_be_visible()
    page.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman luvut").click()
    wait_idle(page)
    area = page.locator(".st-key-ch_wellbeing_0_text_fi textarea")
    area.fill(area.input_value() + "\n\nUusi kappale tarkistettuun suunnitelmaan.")
    page.get_by_role("button", name="Tallenna luku").click()
    wait_idle(page)
    expect(page.get_by_text("Muutokset version 1 (")).to_contain_text(": 1.")
    table = page.get_by_test_id("stDataFrame").last
    expect(table).to_be_visible()
    no_exceptions(page)
