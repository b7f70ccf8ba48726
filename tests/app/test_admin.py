from lape_plan import auth, plans

PAGE = "pages/admin.py"


def test_admin_creates_a_member_with_organisation(app, conn):
    kokkola = conn.execute("select id from organisations where code = '272'").fetchone()[0]
    at = app(PAGE)
    assert at.title[0].value == "Ylläpito"
    at.text_input(key="nu_username").set_value("maija")
    at.text_input(key="nu_display_name").set_value("Maija M")
    at.multiselect(key="nu_orgs").set_value([kokkola])
    at.text_input(key="nu_password").set_value("short")
    [b for b in at.button if b.label == "Luo käyttäjä"][0].click().run()
    assert "vähintään 10" in at.error[0].value
    assert at.text_input(key="nu_username").value == "maija"  # typed text survives
    at.text_input(key="nu_password").set_value("long-enough-pw")
    [b for b in at.button if b.label == "Luo käyttäjä"][0].click().run()
    actor = auth.authenticate(conn, "maija", "long-enough-pw")
    assert actor.org_ids == {kokkola} and actor.role == "member"


def test_audit_log_filters_by_user(app, conn):
    goal = plans.tree(conn, plans.plans(conn)[0]["id"])[0]["goals"][0]
    plans.update(conn, auth.actor_for(conn, 1), "goal", goal["id"], goal["version"], title_fi="Muutettu")
    at = app(PAGE)
    audit_table = at.dataframe[-1].value
    assert "Testi Ylläpitäjä" in set(audit_table["Tekijä"])
    at.selectbox(key="audit_actor").set_value("Testi Ylläpitäjä").run()
    audit_table = at.dataframe[-1].value
    assert set(audit_table["Tekijä"]) == {"Testi Ylläpitäjä"}
    change = audit_table[audit_table["Toiminto"] == "Muutos"].iloc[0]
    assert change["Kohde"] == "Tavoite" and change["Kohteen tunniste"] == goal["id"]
    assert "title_fi: Muutettu" in change["Jälkeen"].splitlines()


def test_audit_log_speaks_the_readers_language(app, conn):
    at = app(PAGE)
    assert "järjestelmä" in set(at.dataframe[-1].value["Tekijä"])  # the example plan's loader
    at.selectbox(key="audit_entity").set_value("organisation").run()
    audit_table = at.dataframe[-1].value
    assert set(audit_table["Kohde"]) == {"Organisaatio"} and set(audit_table["Toiminto"]) == {"Lisäys"}
    at = app(PAGE, lang="sv")
    assert "systemet" in set(at.dataframe[-1].value["Användare"])


def test_backup_button_offers_a_download(app):
    at = app(PAGE)
    [b for b in at.button if b.label == "Tee varmuuskopio"][0].click().run()
    assert at.session_state["backup_bytes"][:16] == b"SQLite format 3\x00"
    assert any(d.label == "Lataa varmuuskopio" for d in at.get("download_button"))
