from lape_plan import plans
from lape_plan.model import SYSTEM
from tests.helpers import org_id

PAGE = "pages/plan_settings.py"


def _click(at, label):
    [b for b in at.button if b.label == label][0].click().run()


def test_rename_plan_and_stale_save(app, conn):
    at = app(PAGE)
    plan = plans.plans(conn)[0]
    at.text_input[0].set_value("Uusi suunnitelman nimi")
    _click(at, "Tallenna")
    assert plans.get_plan(conn, plan["id"])["title_fi"] == "Uusi suunnitelman nimi"
    # someone else saves in between: refused with their name, typed text kept
    at.text_input[0].set_value("Minun nimeni")
    current = plans.get_plan(conn, plan["id"])
    plans.update_plan(conn, SYSTEM, plan["id"], current["version"], "Toisen nimi", "", 2020, 2024)
    _click(at, "Tallenna")
    assert any("järjestelmä" in e.value for e in at.error)  # the app's own actor, in Finnish
    assert at.text_input[0].value == "Minun nimeni"
    assert plans.get_plan(conn, plan["id"])["title_fi"] == "Toisen nimi"
    assert any(":green-background[**Minun nimeni**]" in m.value for m in at.markdown)
    at.button(key=f"ps_plan_{plan['id']}_rebase").click().run()  # saves at once, on top of theirs
    assert plans.get_plan(conn, plan["id"])["title_fi"] == "Minun nimeni"


def test_add_approval_and_refuse_removing_a_used_organisation(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    at = app(PAGE)
    at.text_input(key="ap_body").set_value("Halsuan kunnanvaltuusto")
    at.text_input(key="ap_reference").set_value("Kvalt 1.6.2020 § 7")
    _click(at, "Lisää hyväksyminen")
    assert "Kvalt 1.6.2020 § 7" in [a["reference"] for a in plans.approvals(conn, plan_id)]
    kokkola = org_id(conn, "272")
    at.selectbox[[s.label for s in at.selectbox].index("Poistettava organisaatio")].set_value(kokkola)
    _click(at, "Poista suunnitelmasta")
    assert any("vastuutaho" in e.value for e in at.error)
    assert kokkola in [o["id"] for o in plans.organisations(conn, plan_id)]


def test_create_plan_selects_it(app, conn):
    at = app(PAGE)
    at.text_input(key="np_title_fi").set_value("Hyvinvointisuunnitelma 2027–2030")
    _click(at, "Luo suunnitelma")
    new = [p for p in plans.plans(conn) if p["title_fi"] == "Hyvinvointisuunnitelma 2027–2030"]
    assert new and at.session_state["plan_id"] == new[0]["id"]
    assert at.success[0].value == "Suunnitelma luotu ja valittu."


def test_plan_goes_to_the_councils_decision_on_the_frozen_version_and_changes_since(app, conn):
    from lape_plan import versions

    plan_id = plans.plans(conn)[0]["id"]
    at = app(PAGE)
    assert any("luonnos" in m.value for m in at.markdown)
    assert "Lähetä valtuustoihin (jäädyttää version)" not in [b.label for b in at.button]  # group first
    _click(at, "Lähetä yhteistyöryhmälle")
    assert versions.state(plans.get_plan(conn, plan_id)) == "cooperation_group"
    _click(at, "Lähetä valtuustoihin (jäädyttää version)")
    [frozen] = versions.versions(conn, plan_id)
    assert any("valtuustojen käsittelyssä" in m.value for m in at.markdown)
    # the decision goes on the frozen version, chosen in the approval form
    assert at.selectbox(key="ap_version").value == frozen["id"]
    at.text_input(key="ap_body").set_value("**Halsuan** kunnanvaltuusto")
    at.text_input(key="ap_reference").set_value("Kvalt 1.6.2025 § 7")
    _click(at, "Lisää hyväksyminen")
    assert [d["reference"] for d in versions.versions(conn, plan_id)[0]["decisions"]] == ["Kvalt 1.6.2025 § 7"]
    assert any("\\*\\*Halsuan\\*\\*" in m.value for m in at.markdown)  # the body is data: escaped
    assert any(s.value == "Ei muutoksia tämän version jälkeen." for s in at.success)
    # a revision: back to draft, a goal renamed; the change is listed against the approved version
    _click(at, "Palauta luonnokseksi")
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    plans.update(conn, SYSTEM, "goal", goal["id"], goal["version"], title_fi="Uusi tavoite")
    at.run()
    frame = at.dataframe[-1].value
    assert list(frame.iloc[0])[2:] == ["muutettu", "otsikko suomeksi", goal["title_fi"], "Uusi tavoite"]


def test_a_stale_move_is_refused_with_who_moved_it(app, conn):
    from lape_plan import versions

    plan = plans.plans(conn)[0]
    at = app(PAGE)
    versions.move(conn, SYSTEM, plan["id"], "cooperation_group", plan["version"])
    _click(at, "Lähetä yhteistyöryhmälle")  # this screen still shows a draft
    assert any("järjestelmä" in e.value for e in at.error)
    assert versions.versions(conn, plan["id"]) == []
