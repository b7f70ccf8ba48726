from lape_plan import plans
from lape_plan.model import Actor, Role
from tests.helpers import first_goal, first_plan_id

PAGE = "pages/plan_editor.py"


def _form_prefix(entity, item_id):
    return f"ed_{entity}_{item_id}"


def _save(at, label="Tallenna"):
    [b for b in at.button if b.label == label][0].click().run()


def test_edit_goal_title(app, conn):
    goal = first_goal(conn)
    at = app(PAGE)
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    p = _form_prefix("goal", goal["id"])
    at.text_input(key=f"{p}_title_fi").set_value("Muokattu tavoite")
    _save(at)
    assert not at.exception
    saved = plans.get(conn, "goal", goal["id"])
    assert saved["title_fi"] == "Muokattu tavoite" and saved["updated_by"] == "Testi Ylläpitäjä"
    assert any("tallennettu" in s.value for s in at.success)


def test_stale_save_is_refused_and_text_survives(app, conn):
    goal = first_goal(conn)
    at = app(PAGE)
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    plans.update(
        conn, Actor(name="Maija", role=Role.ADMIN), "goal", goal["id"], goal["version"], title_fi="Maijan versio"
    )
    p = _form_prefix("goal", goal["id"])
    at.text_input(key=f"{p}_title_fi").set_value("Minun versioni")
    _save(at)
    assert any("Maija" in e.value for e in at.error)
    assert at.text_input(key=f"{p}_title_fi").value == "Minun versioni"
    # their text and mine side by side, the differing words marked (and escaped)
    md = [m.value for m in at.markdown]
    assert any(":red-background[~~Maijan versio~~]" in m for m in md)
    assert any(":green-background[**Minun versioni**]" in m for m in md)
    assert plans.get(conn, "goal", goal["id"])["title_fi"] == "Maijan versio"
    # after merging, the one button saves on top of the current version: no second Save
    at.button(key=f"{p}_rebase").click().run()
    assert not at.exception and not at.error
    assert plans.get(conn, "goal", goal["id"])["title_fi"] == "Minun versioni"
    assert any("tallennettu" in s.value for s in at.success)


def test_validation_error_keeps_text(app, conn):
    goal = first_goal(conn)
    at = app(PAGE)
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    p = _form_prefix("goal", goal["id"])
    at.text_input(key=f"{p}_title_fi").set_value("")
    at.text_area(key=f"{p}_description").set_value("Tärkeä kuvaus")
    _save(at)
    assert any("Otsikko suomeksi: pakollinen" in e.value for e in at.error)
    assert at.text_area(key=f"{p}_description").value == "Tärkeä kuvaus"
    assert plans.get(conn, "goal", goal["id"])["title_fi"] == goal["title_fi"]


def test_add_goal_to_focus_area(app, conn):
    area = plans.tree(conn, first_plan_id(conn))[1]
    at = app(PAGE)
    at.button(key=f"sel_focus_area_{area['id']}").click().run()
    p = f"ed_new_goal_{area['id']}"
    at.text_input(key=f"{p}_title_fi").set_value("Uusi työpajatavoite")
    at.text_input(key=f"{p}_title_sv").set_value("Nytt mål")
    _save(at, "Lisää")
    titles = [g["title_fi"] for g in plans.tree(conn, first_plan_id(conn))[1]["goals"]]
    assert titles[-1] == "Uusi työpajatavoite"
    assert at.button(key=f"sel_goal_{plans.tree(conn, first_plan_id(conn))[1]['goals'][-1]['id']}")
    # the add form is empty again
    assert at.text_input(key=f"{p}_title_fi").value == ""


def test_delete_needs_confirmation_and_can_be_restored(app, conn):
    goal = first_goal(conn)
    at = app(PAGE)
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    [b for b in at.button if b.label == "Poista"][0].click().run()
    assert plans.get(conn, "goal", goal["id"])  # not yet
    at.button(key="confirm_yes").click().run()
    assert goal["id"] not in [g["id"] for a in plans.tree(conn, first_plan_id(conn)) for g in a["goals"]]
    at.button(key=f"restore_goal_{goal['id']}").click().run()
    assert plans.get(conn, "goal", goal["id"])["deleted_at"] is None


def test_move_focus_area_down(app, conn):
    first, second = plans.tree(conn, first_plan_id(conn))[:2]
    at = app(PAGE)
    at.button(key=f"sel_focus_area_{first['id']}").click().run()
    at.button(key="move_1").click().run()
    assert [a["id"] for a in plans.tree(conn, first_plan_id(conn))[:2]] == [second["id"], first["id"]]


def test_editor_in_swedish(app):
    at = app(PAGE, lang="sv")
    assert at.title[0].value == "Redigera planen"
    assert any(b.label.startswith("Ensamhet") or "Ensamhet" in b.label for b in at.button)


def test_a_draft_is_marked_and_accepted_only_when_complete(app, conn):
    from lape_plan import drafts
    from lape_plan.model import Role

    area = plans.tree(conn, first_plan_id(conn))[0]
    fac = Actor(name="Fasi", role=Role.FACILITATOR)
    goal_id = plans.add(conn, fac, "goal", area["id"], draft=True, title_fi="Nuorisotila joka kylään")
    at = app(PAGE)
    label = at.button(key=f"sel_goal_{goal_id}").label
    assert "Nuorisotila joka kylään" in label and ":orange-badge[Luonnos]" in label
    other = at.button(key=f"sel_goal_{first_goal(conn)['id']}").label
    assert "badge" not in other
    at.button(key=f"sel_goal_{goal_id}").click().run()
    assert any("Luonnos: ei vielä mukana seurannassa" in m.value for m in at.markdown)
    assert any("vastuutaho, ruotsinkielinen nimi" in m.value for m in at.markdown)
    at.button(key="draft_accept").click().run()
    assert any("puuttuvat vastuutaho ja ruotsinkielinen nimi" in e.value for e in at.error)
    assert plans.get(conn, "goal", goal_id)["draft"] == 1
    # fill in what is missing, save, accept
    p = _form_prefix("goal", goal_id)
    org = plans.organisations(conn, first_plan_id(conn))[0]["id"]
    at.text_input(key=f"{p}_title_sv").set_value("Ungdomsgård i varje by")
    at.multiselect(key=f"{p}_responsible_ids").set_value([org])
    _save(at)
    at.button(key="draft_accept").click().run()
    goal = plans.get(conn, "goal", goal_id)
    assert goal["draft"] == 0 and goal["updated_by"] == "Testi Ylläpitäjä"
    assert any("hyväksytty" in s.value for s in at.success)
    assert ":orange-badge" not in at.button(key=f"sel_goal_{goal_id}").label
    # and back to draft, with a confirmation
    at.button(key="draft_mark").click().run()
    assert plans.get(conn, "goal", goal_id)["draft"] == 0
    at.button(key="draft_mark_yes").click().run()
    assert plans.get(conn, "goal", goal_id)["draft"] == 1
    assert drafts.origin(conn, "goal", goal_id, "fi") is None
