"""The Child impact page: list, a full assessment filled in, a stale save that keeps the
typed text, read-only for viewers; and the question on the Follow-up page."""

from lape_plan import assessments as lava, i18n, plans
from lape_plan.model import SYSTEM, Actor, Role

PAGE = "pages/assessments.py"
SURVEY = "Oppilaskuntien kiusaamiskysely joka vuosi"


def _id(conn, sql, *args):
    return conn.execute(sql, args).fetchone()[0]


def _measure(conn, title):
    return _id(conn, "select id from measures where title_fi = ?", title)


def _click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception


def test_list_shows_states_and_missing_measures(app):
    at = app(PAGE)
    assert at.title[0].value == "Lapsivaikutusten arviointi"
    assert [t.label for t in at.tabs] == ["Arvioinnit", "Arviointi", "Päätökset"]
    assert [(m.label, m.value) for m in at.metric] == [("Luonnos", "1"), ("Valmis", "2"), ("Seurattu", "1")]
    listed = at.dataframe[0].value
    assert "Toimenpide: 2.2.1 Liikkuva nuorisotyö kolmessa lähiössä" in listed["Kohde"].tolist()
    assert at.dataframe[1].value["Kohde"].tolist() == ["1.1.2 Harrastamisen Suomen malli kaikissa kunnissa"]
    assert any(w.label == "Merkitse toimenpiteet, jotka tarvitsevat arvioinnin" for w in at.expander)


def test_fill_in_a_full_assessment(app, conn, make_user):
    measure = _measure(conn, SURVEY)
    at = app(PAGE, user_id=make_user("Kaisa Kokkola", Role.MEMBER, ["272"]), auth_role="member")
    at.selectbox(key="_w_lava_target").set_value(f"measure:{measure}").run()
    p = f"lava_measure_{measure}"
    assert at.radio(key=f"{p}_form").value == "full"
    at.text_area(key=f"{p}_subject").set_value("Kiusaamiskysely kaikille 4.–9.-luokkalaisille")
    at.text_area(key=f"{p}_affected").set_value("Koululaiset ja heidän vanhempansa")
    at.multiselect(key=f"{p}_age_groups").set_value(["7_12", "13_17"])
    at.multiselect(key=f"{p}_vulnerable_groups").set_value(["migrant"])
    at.text_area(key=f"{p}_hearing").set_value("Oppilaskunnat suunnittelivat kysymykset")
    at.text_area(key=f"{p}_options").set_value("Kysely joka vuosi\nKysely joka toinen vuosi").run()
    at.selectbox(key=f"{p}_new_option").set_value("Kysely joka vuosi")
    at.selectbox(key=f"{p}_new_group").set_value("13_17")
    at.selectbox(key=f"{p}_new_aspect").set_value("rights")
    at.selectbox(key=f"{p}_new_direction").set_value("positive")
    at.text_input(key=f"{p}_new_reason").set_value("Nuorten ääni kuuluu joka vuosi")
    _click(at, f"{p}_add_effect")
    assert at.text_input(key=f"{p}_new_reason").value == ""
    at.selectbox(key=f"{p}_new_option").set_value("Kysely joka toinen vuosi")
    at.selectbox(key=f"{p}_new_group").set_value("migrant")
    at.selectbox(key=f"{p}_new_direction").set_value("negative")
    _click(at, f"{p}_add_effect")  # no reason: refused, nothing added
    assert any(e.value == "Vaikutukset, rivi 2: kerro perustelu." for e in at.error)
    at.text_input(key=f"{p}_new_reason").set_value("Muutokset näkyvät myöhässä")
    _click(at, f"{p}_add_effect")
    assert [t.value for t in at.text if t.value.startswith(("1. ", "2. "))] == [
        "1. Kysely joka vuosi · 13–17-vuotiaat · Oikeudet: Myönteinen — Nuorten ääni kuuluu joka vuosi",
        "2. Kysely joka toinen vuosi · Maahanmuuttajataustaiset lapset · Oikeudet: Kielteinen — "
        "Muutokset näkyvät myöhässä",
    ]
    at.text_area(key=f"{p}_conclusion").set_value("Kysely tehdään joka vuosi")
    at.selectbox(key=f"{p}_follow_up_year").set_value(2024)
    at.text_area(key=f"{p}_follow_up_method").set_value("Vastausprosentti ja oppilaskuntien palaute")
    at.radio(key=f"{p}_status").set_value("done")
    _click(at, f"{p}_save")  # a negative effect needs a mitigation
    assert any("lievennetään" in e.value for e in at.error)
    assert at.text_area(key=f"{p}_subject").value == "Kiusaamiskysely kaikille 4.–9.-luokkalaisille"
    at.text_area(key=f"{p}_mitigation").set_value("Tulokset käännetään kotikielille")
    _click(at, f"{p}_save")
    assert any("Arviointi tallennettu" in s.value for s in at.success)
    a = lava.for_target(conn, "measure", measure)
    assert (a["form"], a["state"], a["updated_by"], a["follow_up_year"]) == ("full", "done", "Kaisa Kokkola", 2024)
    assert a["age_groups"] == ["7_12", "13_17"] and a["vulnerable_groups"] == ["migrant"]
    assert [(e["option"], e["group"], e["direction"]) for e in a["effects"]] == [
        ("Kysely joka vuosi", "13_17", "positive"),
        ("Kysely joka toinen vuosi", "migrant", "negative"),
    ]
    assert a["mitigation"] == "Tulokset käännetään kotikielille"


def test_stale_save_keeps_the_typed_text(app, conn):
    goal = plans.tree(conn, plans.plans(conn)[0]["id"])[2]["goals"][0]
    a = lava.for_target(conn, "goal", goal["id"])
    at = app(PAGE, lava_target=f"goal:{goal['id']}")
    p = f"lava_goal_{goal['id']}"
    assert at.radio(key=f"{p}_form").value == "short"
    lava.update(conn, Actor("Maija", role=Role.ADMIN), a["id"], a["version"], affected="Maijan versio")
    at.text_area(key=f"{p}_affected").set_value("Minun tekstini")
    at.text_area(key=f"{p}_expected_effects").set_value("Perheet saavat apua aiemmin")
    _click(at, f"{p}_save")
    assert any("Maija" in e.value for e in at.error)
    assert at.text_area(key=f"{p}_affected").value == "Minun tekstini"
    assert at.text_area(key=f"{p}_expected_effects").value == "Perheet saavat apua aiemmin"
    assert any(t.value == "Maijan versio" for t in at.text)
    assert any(":red-background[~~Maijan versio~~]" in m.value for m in at.markdown)  # next to mine, marked
    assert lava.get(conn, a["id"])["affected"] == "Maijan versio"
    _click(at, f"{p}_rebase")  # saves at once, on top of theirs
    saved = lava.get(conn, a["id"])
    assert (saved["affected"], saved["expected_effects"]) == ("Minun tekstini", "Perheet saavat apua aiemmin")


def test_viewer_reads_only(app, conn, make_user):
    measure = _measure(conn, "Liikkuva nuorisotyö kolmessa lähiössä")
    at = app(PAGE, user_id=make_user("Veera Viewer", Role.VIEWER), auth_role="viewer", lava_target=f"measure:{measure}")
    assert any("Voit lukea arvioinnin" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith("lava_measure_")]
    assert any("Matka keskustaan maksaa" in str(d.value) for d in at.dataframe)
    assert not [b for b in at.button if b.key == "lava_mark_save"]  # marking is for coordinators


def test_add_a_decision(app, conn):
    at = app(PAGE)
    p = "lava_dec_new"
    at.text_input(key=f"{p}_body").set_value("Kannuksen kunnanhallitus")
    at.text_input(key=f"{p}_section").set_value("§ 44")
    at.text_input(key=f"{p}_title").set_value("Koulukuljetusten muutos")
    at.text_input(key=f"{p}_url").set_value("https://kannus.fi/ptk")
    [b for b in at.button if b.label == "Lisää päätös"][0].click().run()
    assert any("Päätös tallennettu" in s.value for s in at.success)
    titles = [d["title"] for d in lava.decisions(conn, plans.plans(conn)[0]["id"])]
    assert "Koulukuljetusten muutos" in titles


def test_follow_up_asks_in_the_follow_up_year(app, conn, make_user):
    chat = _measure(conn, "Chat-palvelu nuorille iltaisin")
    a = lava.for_target(conn, "measure", chat)
    user = make_user("Sanna Soite", Role.MEMBER, ["HVA18"])
    at = app("pages/follow_up.py", user_id=user, auth_role="member", fu_item=f"measure:{chat}", fu_year=2023)
    assert any(e.label.startswith("Lapsivaikutusten arviointi (Valmis)") for e in at.expander)
    assert any("seurataan vuonna 2024" in c.value for c in at.caption)
    assert not [r for r in at.radio if r.key == f"lava_fu_{a['id']}_outcome"]
    at = app("pages/follow_up.py", user_id=user, auth_role="member", fu_item=f"measure:{chat}", fu_year=2024)
    at.radio(key=f"lava_fu_{a['id']}_outcome").set_value("yes")
    at.text_area(key=f"lava_fu_{a['id']}_note").set_value("Chat tavoitti 120 nuorta kuukaudessa")
    _click(at, f"lava_fu_{a['id']}_save")
    saved = lava.get(conn, a["id"])
    assert (saved["state"], saved["outcome"], saved["outcome_by"]) == ("followed_up", "yes", "Sanna Soite")
    assert saved["version"] == a["version"] + 1


def test_stale_decision_and_outcome_show_the_differences_and_save_on_top(app, conn, make_user):
    plan_id = plans.plans(conn)[0]["id"]
    decision = lava.decisions(conn, plan_id)[0]
    at = app(PAGE, lava_decision_pick=decision["id"])
    p = f"lava_dec_{decision['id']}"
    lava.update_decision(
        conn, Actor("Maija", role=Role.ADMIN), decision["id"], decision["version"], title="Maijan otsikko"
    )
    at.text_input(key=f"{p}_title").set_value("Minun otsikkoni")
    [b for b in at.button if b.key == f"FormSubmitter:{p}_form-Tallenna"][0].click().run()
    assert any("Maija" in e.value for e in at.error)
    assert at.text_input(key=f"{p}_title").value == "Minun otsikkoni"
    assert any(":red-background[~~Maijan otsikko~~]" in m.value for m in at.markdown)
    _click(at, f"{p}_rebase")  # saves at once, on top of theirs
    assert lava.get_decision(conn, decision["id"])["title"] == "Minun otsikkoni"

    chat = _measure(conn, "Chat-palvelu nuorille iltaisin")
    a = lava.for_target(conn, "measure", chat)
    user = make_user("Sanna Soite", Role.MEMBER, ["HVA18"])
    at = app("pages/follow_up.py", user_id=user, auth_role="member", fu_item=f"measure:{chat}", fu_year=2024)
    q = f"lava_fu_{a['id']}"
    lava.record_outcome(conn, Actor("Maija", role=Role.ADMIN), a["id"], a["version"], "no", "Maijan huomio")
    at.radio(key=f"{q}_outcome").set_value("yes")
    at.text_area(key=f"{q}_note").set_value("Chat tavoitti 120 nuorta")
    _click(at, f"{q}_save")
    assert any("Maija" in e.value for e in at.error)
    assert at.text_area(key=f"{q}_note").value == "Chat tavoitti 120 nuorta"
    assert any(":red-background[~~Maijan huomio~~]" in m.value for m in at.markdown)
    _click(at, f"{q}_rebase")
    saved = lava.get(conn, a["id"])
    assert (saved["outcome"], saved["outcome_note"], saved["outcome_by"]) == (
        "yes",
        "Chat tavoitti 120 nuorta",
        "Sanna Soite",
    )


def test_follow_up_question_is_read_only_for_another_organisation(app, conn, make_user):
    chat = _measure(conn, "Chat-palvelu nuorille iltaisin")
    a = lava.for_target(conn, "measure", chat)
    at = app(
        "pages/follow_up.py",
        user_id=make_user("Kalle Kannus", Role.MEMBER, ["217"]),
        auth_role="member",
        fu_org=0,
        fu_item=f"measure:{chat}",
        fu_year=2024,
    )  # all organisations' items
    assert any(c.value.startswith("Toteutuivatko arvioinnin odotetut vaikutukset (2024)") for c in at.caption)
    assert not [r for r in at.radio if r.key == f"lava_fu_{a['id']}_outcome"]
    assert not [b for b in at.button if b.key == f"lava_fu_{a['id']}_save"]


def test_page_in_swedish(app, conn):
    chat = _measure(conn, "Chat-palvelu nuorille iltaisin")
    at = app(PAGE, lang="sv", lava_target=f"measure:{chat}")
    assert at.title[0].value == "Bedömning av konsekvenser för barn"
    assert [t.label for t in at.tabs] == ["Bedömningar", "Bedömning", "Beslut"]
    assert at.radio(key=f"lava_measure_{chat}_form").value == "short"
    assert at.text_area(key=f"lava_measure_{chat}_affected").label == "Vilka barn och familjer det gäller"


def test_coordinator_marks_a_measure_as_needing_an_assessment(app, conn):
    measure = _measure(conn, SURVEY)
    at = app(PAGE)
    required = lava.required_ids(conn, plans.plans(conn)[0]["id"])
    at.selectbox(key="lava_mark_measure").set_value(measure).run()
    _click(at, "lava_mark_save")
    assert (measure in lava.required_ids(conn, plans.plans(conn)[0]["id"])) != (measure in required)
    assert "Merkintä tallennettu." in [s.value for s in at.success]


def test_a_plan_without_goals_says_what_to_add_first(app, conn):
    plan_id = plans.create_plan(conn, SYSTEM, "Uusi suunnitelma", 2025, 2028)
    at = app(PAGE, plan_id=plan_id)
    assert not at.exception
    assert i18n.t("assessments.no_targets", "fi") in [i.value for i in at.info]
