from lape_plan import plans
from lape_plan.model import SYSTEM

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
    kokkola = conn.execute("select id from organisations where code = '272'").fetchone()[0]
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
