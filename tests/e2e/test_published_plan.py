"""A facilitator publishes the plan; an anonymous visitor reads it on a phone from the app's own
static serving (text/html), with no scripts, and axe-core finds no WCAG 2.1 A/AA violations."""

import shutil
import urllib.request

import pytest
from playwright.sync_api import expect

from .axe import violations
from .conftest import ROOT, login, no_exceptions, wait_idle

HOSTILE = "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned'</script>"


@pytest.fixture
def arranged(server):
    from lape_plan import db as dbm, demo, drafts, follow_up, indicators, plans, publishing, workshop as ws
    from lape_plan.model import SYSTEM, Actor, Role

    conn = dbm.connect(server.db_path)
    plan_id = plans.plans(conn)[0]["id"]
    if not follow_up.current(conn, plan_id):
        demo.load_follow_up(conn, plan_id)
    indicators.load_example(conn, plan_id)
    area = plans.tree(conn, plan_id)[0]
    goal = area["goals"][0]
    plans.update(conn, SYSTEM, "goal", goal["id"], goal["version"], description=HOSTILE)
    fac = Actor(name="Fasilitaattori", role=Role.FACILITATOR)
    wid = ws.create(conn, fac, plan_id, "Nuorten työpaja", focus_area_ids=[area["id"]])
    token = ws.join(conn, ws.get(conn, wid)["code"], name="Nimi Osallistuja")
    promoted = ws.promote(conn, fac, ws.propose(conn, token, area["id"], "Lisää iltapäiväkerhoja " + HOSTILE))
    county = plans.organisations(conn, plan_id, kind="county")[0]["id"]
    drafts.accept(
        conn,
        fac,
        "goal",
        promoted,
        plans.get(conn, "goal", promoted)["version"],
        title_sv="Fler eftermiddagsklubbar",
        responsible_ids=[county],
    )  # published once accepted
    site = publishing.site_dir(plan_id)
    assert site.parent == ROOT / "static" / "published"
    yield plan_id
    shutil.rmtree(site, ignore_errors=True)


def test_publish_then_read_on_a_phone_with_no_violations(server, page, browser, arranged):
    from lape_plan import publishing

    plan_id = arranged
    login(page, server, "/plan_settings")
    button = page.locator(".st-key-pub_publish button")
    button.scroll_into_view_if_needed()
    button.click()
    wait_idle(page)
    no_exceptions(page)
    expect(page.get_by_test_id("stAlert").filter(has_text="Suunnitelma julkaistiin.")).to_be_visible()
    expect(page.locator(".st-key-pub_unpublish")).to_be_visible()

    # Streamlit's static serving gives the pages as HTML (not text/plain) and the CSV as CSV
    url = server + publishing.site_url(plan_id, "fi")
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"].startswith("text/html")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    with urllib.request.urlopen(url.replace("index.html", "plan.csv")) as response:
        assert response.headers["Content-Type"].startswith("text/csv")

    # an anonymous visitor (a fresh context, no cookies) on a phone, scripts off as proof none is needed
    phone = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False)
    reader = phone.new_page()
    reader.goto(url)
    expect(reader.locator("h1")).to_contain_text("AIKAA LAPSELLE")
    reader.get_by_role("link", name="Yksinäisyys ja kiusaaminen").click()
    expect(reader.locator("html")).to_have_attribute("lang", "fi")
    expect(reader.get_by_text("Nuorten työpaja").first).to_be_visible()
    assert "pwned" not in reader.title()
    reader.get_by_role("link", name="Svenska").click()
    expect(reader.locator("html")).to_have_attribute("lang", "sv")
    phone.close()

    # axe-core needs scripts to run itself; the pages have none of their own
    checked = browser.new_context(viewport={"width": 390, "height": 844})
    reader = checked.new_page()
    dialogs = []
    reader.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    base = url.rsplit("/", 2)[0]
    embed = next(p.name for p in publishing.site_dir(plan_id).joinpath("fi").glob("embed-*.html"))
    for path in (
        "index.html",
        "fi/index.html",
        "fi/area-1.html",
        "fi/area-3.html",
        "sv/index.html",
        "sv/area-1.html",
        f"fi/{embed}",
        f"sv/{embed}",
    ):
        reader.goto(f"{base}/{path}")
        assert reader.evaluate("document.scripts.length") == 0, path
        assert "pwned" not in reader.title(), path
        # readable on a phone: nothing wider than the screen makes the whole page scroll sideways
        assert reader.evaluate("document.documentElement.scrollWidth") <= 390, path
        assert violations(reader) == [], path
    assert dialogs == []
    # printable: the print stylesheet hides the language menu
    reader.goto(f"{base}/fi/index.html")
    reader.emulate_media(media="print")
    expect(reader.locator("header.site nav")).to_be_hidden()
    checked.close()
