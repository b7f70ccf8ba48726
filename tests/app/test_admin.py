from lape_plan import auth, plans
from tests.helpers import org_id

PAGE = "pages/admin.py"


def test_admin_creates_a_member_with_organisation(app, conn):
    kokkola = org_id(conn, "272")
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


def _create(at, username, password, orgs=(), role=None):
    at.text_input(key="nu_username").set_value(username)
    at.text_input(key="nu_password").set_value(password)
    if orgs:
        at.multiselect(key="nu_orgs").set_value(list(orgs))
    if role:
        at.selectbox(key="nu_role").set_value(role)
    [b for b in at.button if b.label == "Luo käyttäjä"][0].click().run()
    return at


def test_creating_two_users_in_a_row_starts_each_from_an_empty_form(app, conn):
    """The second user once got the first one's organisations (and role and password)."""
    kannus, kokkola = (org_id(conn, c) for c in ("217", "272"))
    at = _create(app(PAGE), "eka", "ensimmainen-salasana", orgs=[kannus, kokkola], role="facilitator")
    assert [s.value for s in at.success] == ["Käyttäjä eka luotu."]
    assert at.text_input(key="nu_username").value == "" and at.text_input(key="nu_password").value == ""
    assert at.multiselect(key="nu_orgs").value == [] and at.selectbox(key="nu_role").value == "member"
    assert "eka" in set(at.dataframe[0].value["Käyttäjätunnus"])  # the list shows the new user at once
    _create(at, "toka", "toinen-oma-salasana")
    second = auth.authenticate(conn, "toka", "toinen-oma-salasana")
    assert second.org_ids == frozenset() and second.role == "member"
    assert auth.authenticate(conn, "eka", "ensimmainen-salasana").org_ids == {kannus, kokkola}
    assert {"eka", "toka"} <= set(at.dataframe[0].value["Käyttäjätunnus"])


def test_editing_a_user_confirms_and_a_weak_password_saves_nothing(app, conn):
    uid = auth.create_user(conn, auth.actor_for(conn, 1), "maija", "maijan-salasana-1")
    at = app(PAGE)
    at.selectbox(key="eu_id").set_value(uid).run()
    [s for s in at.selectbox if s.key != "eu_id" and s.label == "Rooli"][-1].set_value("viewer")
    [t for t in at.text_input if t.label.startswith("Uusi salasana")][0].set_value("qwertyuiop")
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert "arvattava" in at.error[0].value
    assert auth.get_user(conn, uid)["role"] == "member"  # nothing saved
    [t for t in at.text_input if t.label.startswith("Uusi salasana")][0].set_value("maijan-uusi-lause-7")
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert [s.value for s in at.success] == [
        "Salasana vaihdettu; käyttäjän maija istunnot muilla laitteilla päättyivät."
    ]
    assert auth.get_user(conn, uid)["role"] == "viewer"
    assert auth.authenticate(conn, "maija", "maijan-uusi-lause-7").user_id == uid
    at.selectbox(key="eu_id").set_value(uid).run()
    [c for c in at.checkbox if c.label == "Käytössä"][0].uncheck()
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert [s.value for s in at.success] == ["Käyttäjän maija tiedot tallennettu."]
    assert not auth.get_user(conn, uid)["active"]


def test_a_user_edit_saved_after_another_administrators_is_refused_naming_them(app, conn):
    uid = auth.create_user(conn, auth.actor_for(conn, 1), "bert", "bertin-salasana-1", role="viewer")
    other = auth.create_user(conn, auth.actor_for(conn, 1), "toinen", "toisen-salasana-1", role="admin")
    at = app(PAGE)
    at.selectbox(key="eu_id").set_value(uid).run()
    at.selectbox(key=f"eu_{uid}_role").set_value("member")
    # meanwhile the other administrator makes Bert a facilitator
    auth.update_user(conn, auth.actor_for(conn, other), uid, 1, role="facilitator", org_ids=[], active=True)
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert len(at.error) == 1 and "toinen" in at.error[0].value
    assert auth.get_user(conn, uid)["role"] == "facilitator"  # theirs stands
    assert at.selectbox(key=f"eu_{uid}_role").value == "member"  # the choice is kept
    [b for b in at.button if b.label == "Tallenna"][0].click().run()  # saving again goes on top
    assert auth.get_user(conn, uid)["role"] == "member" and not at.error


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
