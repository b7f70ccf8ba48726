"""The chapters page: edit a chapter in Finnish and Swedish, a stale save keeps the typed text."""

from lape_plan import chapters, plans
from lape_plan.model import Actor, Role
from tests.helpers import first_plan_id, org_id

PAGE = "pages/chapters.py"


def test_edit_a_chapter(app, conn, make_user):
    at = app(PAGE, user_id=make_user("Kaisa Koordinaattori", role=Role.FACILITATOR))
    assert at.title[0].value == "Suunnitelman luvut (lastensuojelulaki 12 §)"
    at.selectbox(key="ch_kind").set_value("resources").run()
    assert at.text_area(key="ch_resources_0_text_fi").value == ""
    at.text_area(key="ch_resources_0_text_fi").input("## Resurssit\n\n- kaksi ohjaajaa")
    at.text_area(key="ch_resources_0_text_sv").input("## Resurser")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    row = chapters.get(conn, first_plan_id(conn), "resources")
    assert (row["text_fi"], row["text_sv"], row["updated_by"]) == (
        "## Resurssit\n\n- kaksi ohjaajaa",
        "## Resurser",
        "Kaisa Koordinaattori",
    )
    assert at.success[0].value == "Luku tallennettu."
    assert at.text_area(key="ch_resources_0_text_fi").value == "## Resurssit\n\n- kaksi ohjaajaa"


def test_stale_save_keeps_typed_text_and_names_who_saved(app, conn):
    plan_id = first_plan_id(conn)
    at = app(PAGE, lang="sv")
    at.selectbox(key="ch_kind").set_value("services").run()
    seen = chapters.get(conn, plan_id, "services")
    assert at.text_area(key="ch_services_0_text_fi").value == seen["text_fi"]
    chapters.save(
        conn,
        Actor("Bertil Berg", role=Role.ADMIN),
        plan_id,
        "services",
        None,
        seen["version"],
        "Bertils text",
        "Bertil sv",
    )
    at.text_area(key="ch_services_0_text_fi").input("Min text")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception
    assert "Bertil Berg" in at.error[0].value
    assert at.text_area(key="ch_services_0_text_fi").value == "Min text"  # the typed text stays
    assert chapters.get(conn, plan_id, "services")["text_fi"] == "Bertils text"
    assert any(":red-background[~~Bertils~~] text" in m.value for m in at.markdown)  # theirs next to mine
    # after merging, the one button saves on top of their version
    at.button(key="ch_services_0_rebase").click().run()
    assert chapters.get(conn, plan_id, "services")["text_fi"] == "Min text"
    assert chapters.get(conn, plan_id, "services")["version"] == seen["version"] + 2


def test_member_edits_only_their_municipalitys_part(app, conn, make_user):
    at = app(PAGE, user_id=make_user("Kalle Kokkola", role=Role.MEMBER, org_codes=("272",)))
    kokkola = org_id(conn, "272")
    assert at.selectbox(key="ch_part").value == kokkola  # starts on the part they may edit
    assert at.text_area(key=f"ch_wellbeing_{kokkola}_text_fi").value.startswith("Kokkolan lähiöissä")
    at.selectbox(key="ch_part").set_value(0).run()
    assert not at.get("form_submit_button") and not at.text_area
    assert any("et muokata" in c.value for c in at.caption)


def test_outdated_swedish_text_is_shown_and_confirmed(app, conn):
    plan_id = first_plan_id(conn)
    part = chapters.get(conn, plan_id, "services")
    chapters.save(
        conn,
        Actor("Fiia Suomi", role=Role.ADMIN),
        plan_id,
        "services",
        None,
        part["version"],
        "Muutettu teksti.",
        part["text_sv"],
    )
    at = app(PAGE, lang="en")
    assert at.expander[0].label == "Missing and outdated language versions (2)"  # cooperation lacks Swedish too
    at.selectbox(key="ch_kind").set_value("services").run()
    assert "The Finnish text has changed since" in at.warning[-1].value
    at.button(key="ch_services_0_confirm_sv").click().run()
    assert not at.exception
    assert chapters.get(conn, plan_id, "services")["sv_outdated"] == 0
    assert not any("has changed since" in w.value for w in at.warning)
    at.text_area(key="ch_services_0_text_sv").input("Uppdaterad text")
    at.get("form_submit_button")[0].click().run()  # the form stands on the confirmed version: no conflict
    assert not at.error
    assert chapters.get(conn, plan_id, "services")["text_sv"] == "Uppdaterad text"


def test_language_list_names_items_without_swedish(app, conn):
    from lape_plan.model import SYSTEM

    goal = plans.tree(conn, first_plan_id(conn))[0]["goals"][1]
    plans.update(conn, SYSTEM, "goal", goal["id"], goal["version"], title_sv="")
    at = app(PAGE, lang="sv")
    assert at.expander[0].label == "Språkversioner som saknas eller är föråldrade (2)"
    frame = at.dataframe[1].value  # after the chapters' table, before the history
    assert frame.iloc[0].tolist() == ["1.2", "Mål", goal["title_fi"]]


def test_readers_see_what_changed_since_the_approved_version(app, conn, make_user):
    from lape_plan import versions
    from lape_plan.model import SYSTEM

    plan_id = first_plan_id(conn)
    viewer = make_user("Sanna Sihteeri", role=Role.VIEWER)
    at = app(PAGE, user_id=viewer)
    assert any("ei ole vielä lähetetty valtuustoihin" in i.value for i in at.info)
    version = plans.get_plan(conn, plan_id)["version"]
    versions.move(conn, SYSTEM, plan_id, "councils", versions.move(conn, SYSTEM, plan_id, "cooperation_group", version))
    plans.add_approval(conn, SYSTEM, plan_id, "Kokkolan kaupunginvaltuusto", "2025-02-03", "§ 9")
    measure = plans.tree(conn, plan_id)[0]["goals"][0]["measures"][0]
    plans.update(conn, SYSTEM, "measure", measure["id"], measure["version"], title_sv="<b>Ny</b> **åtgärd**")
    at.run()
    assert not at.exception
    frame = at.dataframe[-1].value
    row = list(frame.iloc[0])
    assert row[0] == "1.1.1" and row[2:4] == ["muutettu", "otsikko ruotsiksi"]
    assert row[5] == "<b>Ny</b> **åtgärd**"  # a table cell: shown as typed, never as markup
    assert not [b for b in at.button if b.key.startswith("apv_")]  # readers cannot move the plan
