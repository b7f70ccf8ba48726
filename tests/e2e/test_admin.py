import sqlite3

from playwright.sync_api import expect

from .conftest import choose_many, login, member, no_exceptions, wait_idle


def test_admin_backs_up_and_a_bad_restore_is_refused(server, page, tmp_path):
    login(page, server, "/admin")
    expect(page.locator("h1")).to_have_text("Ylläpito")
    page.get_by_role("tab", name="Varmuuskopiot").click()
    page.get_by_role("button", name="Tee varmuuskopio").click()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Lataa varmuuskopio").click()
    saved = tmp_path / "backup.db"
    download.value.save_as(saved)
    conn = sqlite3.connect(saved)
    assert conn.execute("select count(*) from goals").fetchone()[0] == 8
    conn.close()

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(bad))
    wait_idle(page)
    page.get_by_role("button", name="Palauta", exact=True).click()
    wait_idle(page)
    expect(page.get_by_text("Tiedosto ei ole SQLite-tietokanta. Mitään ei muutettu.")).to_be_visible()
    no_exceptions(page)


def test_member_sees_no_admin_menu_and_admin_url_is_refused(server, page):
    login(page, server, username="maija", password=member(server.db_path, "maija", "Maija"))
    expect(page.get_by_text("Kirjautuneena: Maija (jäsen)")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Suunnitelman muokkaus")).to_have_count(1)
    expect(page.get_by_test_id("stSidebarNavLink").filter(has_text="Ylläpito")).to_have_count(0)
    # opening the admin URL (a new session, signed in by the cookie): no administration
    page.goto(server + "/admin")
    wait_idle(page)
    no_exceptions(page)
    expect(page.get_by_role("tab", name="Käyttäjät")).to_have_count(0)
    expect(page.locator("h1").filter(has_text="Ylläpito")).to_have_count(0)
    # the page is not in their menu: they land on the overview
    expect(page.locator("h1")).to_have_text("Yleiskuva")
    assert page.url.rstrip("/") == server.rstrip("/")
    expect(page.get_by_test_id("stToast")).to_have_count(0)


def test_two_users_created_in_a_row_each_get_only_their_own_organisations(server, page):
    from lape_plan import auth, db as dbm

    login(page, server, "/admin")
    form = page.get_by_test_id("stForm").filter(has=page.locator(".st-key-nu_username"))
    form.locator(".st-key-nu_username input").fill("eka")
    choose_many(page, form.locator(".st-key-nu_orgs [data-testid='stMultiSelect']"), "Kannus")
    form.locator(".st-key-nu_password input").fill("ensimmainen-salasana")
    form.get_by_role("button", name="Luo käyttäjä").click()
    wait_idle(page)
    expect(page.get_by_text("Käyttäjä eka luotu.")).to_be_visible()
    # the form is empty again, and the table lists the new user
    expect(form.locator(".st-key-nu_username input")).to_have_value("")
    expect(form.locator(".st-key-nu_orgs")).not_to_contain_text("Kannus")
    expect(page.get_by_test_id("stDataFrame").first).to_contain_text("eka")
    form.locator(".st-key-nu_username input").fill("toka")
    form.locator(".st-key-nu_password input").fill("toinen-oma-salasana")
    form.get_by_role("button", name="Luo käyttäjä").click()
    wait_idle(page)
    expect(page.get_by_text("Käyttäjä toka luotu.")).to_be_visible()
    conn = dbm.connect(server.db_path)
    assert auth.authenticate(conn, "toka", "toinen-oma-salasana").org_ids == frozenset()
    assert len(auth.authenticate(conn, "eka", "ensimmainen-salasana").org_ids) == 1
    no_exceptions(page)
