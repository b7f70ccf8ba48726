import json

from lape_plan import follow_up as fu, plans
from lape_plan.model import Actor, Role
from lape_plan.ui.text import md_escape
from tests.helpers import measure_titled, org_id

PAGE = "pages/follow_up.py"


def _plan(conn):
    return plans.plans(conn)[0]


def _prefix(entity, item_id, year):
    return f"fu_{entity}_{item_id}_{year}"


def _click(at, label):
    [b for b in at.button if b.label == label][0].click().run()
    assert not at.exception, at.exception


def test_page_shows_filters_metrics_and_tabs(app):
    at = app(PAGE)
    assert at.title[0].value == "Toteutumisen seuranta"
    assert [m.label for m in at.metric] == ["Edistyminen 2024", "Etenee tai valmis", "Viivästyneitä", "Ei päivitystä"]
    assert at.metric[3].value == "100 %"
    assert any(e.label == "Edistyminen painopisteittäin ja tavoitteittain 2024" for e in at.expander)
    rollup = at.table[0].value
    assert rollup["Kohde"].tolist()[:2] == [
        "Yksinäisyys ja kiusaaminen",
        "\u20031.1 Jokaisella lapsella on vähintään yksi hyvä ystävä",
    ]
    assert [t.label for t in at.tabs] == [
        "Päivitä",
        "Monta kerralla",
        "Tilakartta",
        "Puuttuvat päivitykset",
        "Vuosikatsaus",
    ]
    enc = json.loads(at.get("vega_lite_chart")[0].proto.spec)["layer"][0]["encoding"]  # the cells' layer
    assert "? Ei päivitystä" in enc["color"]["scale"]["domain"]
    assert enc["y"]["sort"][:2] == [
        "1.1 Jokaisella lapsella on vähintään yksi hyvä ystävä",
        "1.1.1 Kaveritoiminta kaikkiin alakouluihin",
    ]


def test_update_one_measure_with_prefill_and_history(app, conn, make_user):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, user_id=make_user("Kaisa Kokkola"), fu_item=f"measure:{m['id']}", fu_year=2022)
    p = _prefix("measure", m["id"], 2022)
    assert at.text_input(key=f"{p}_evidence_url").value == ""
    assert at.selectbox(key=f"{p}_status").value == "not_started"  # never a made-up status
    at.selectbox(key=f"{p}_status").set_value("done").run()
    assert at.number_input(key=f"{p}_progress").value == 100  # choosing a status prefills progress
    at.selectbox(key=f"{p}_status").set_value("on_track").run()
    at.number_input(key=f"{p}_progress").set_value(35)
    at.text_area(key=f"{p}_narrative").set_value("Kaveritoiminta alkoi kolmessa koulussa.")
    _click(at, "Tallenna päivitys")
    cur = fu.current(conn, _plan(conn)["id"])[("measure", m["id"], 2022)]
    assert (cur["status"], cur["progress"], cur["updated_by"]) == ("on_track", 35, "Kaisa Kokkola")
    assert any("Päivitys tallennettu" in s.value for s in at.success)
    texts = [t.value for t in at.text]
    assert "Kaveritoiminta alkoi kolmessa koulussa." in texts
    assert any("Kaisa Kokkola — vuosi 2022, versio 1" in x for x in texts)
    assert any(x.startswith("Etenee · 35 % — Muuttui: tila, edistyminen, kuvaus") for x in texts)


def test_delayed_without_narrative_is_refused_and_input_stays(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, fu_item=f"measure:{m['id']}", fu_year=2022)
    p = _prefix("measure", m["id"], 2022)
    at.selectbox(key=f"{p}_status").set_value("delayed").run()
    at.text_input(key=f"{p}_evidence_url").set_value("https://example.org/muistio")
    _click(at, "Tallenna päivitys")
    assert any("viivästynyt tai peruttu" in e.value for e in at.error)
    assert at.text_input(key=f"{p}_evidence_url").value == "https://example.org/muistio"
    assert at.selectbox(key=f"{p}_status").value == "delayed"
    assert fu.history(conn, "measure", m["id"]) == []


def test_stale_save_shows_theirs_and_keeps_mine(app, conn, make_user):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, fu_item=f"measure:{m['id']}", fu_year=2022, user_id=make_user("Bo"))
    p = _prefix("measure", m["id"], 2022)
    fu.record(
        conn, Actor(name="Anna", role=Role.ADMIN), "measure", m["id"], 2022, "delayed", 20, "Annan selitys viiveestä"
    )
    at.text_area(key=f"{p}_narrative").set_value("Bon oma teksti")
    _click(at, "Tallenna päivitys")
    assert any("Anna" in e.value for e in at.error)
    md = [x.value for x in at.markdown]  # theirs and mine side by side, the differences marked
    assert any(":red-background[~~Annan selitys viiveestä~~]" in x for x in md)
    assert any(":green-background[**Bon oma teksti**]" in x for x in md)
    assert at.text_area(key=f"{p}_narrative").value == "Bon oma teksti"
    assert len(fu.history(conn, "measure", m["id"])) == 1
    at.button(key=f"{p}_rebase").click().run()  # saves at once, on top of their update
    assert not at.exception and any("Päivitys tallennettu" in s.value for s in at.success)
    hist = fu.history(conn, "measure", m["id"])
    assert [h["updated_by"] for h in hist] == ["Bo", "Anna"] and hist[0]["narrative"] == "Bon oma teksti"


def test_organisation_filter_limits_items(app, conn):
    kannus = org_id(conn, "217")
    at = app(PAGE, fu_org=kannus)
    options = at.selectbox(key="_w_fu_item").options
    assert any("Yhteinen kiusaamisen vastainen toimintamalli" in o for o in options)
    assert not any("Kaveritoiminta" in o for o in options)


def _bulk_key(conn, year=2022):
    return f"fu_bulk_{_plan(conn)['id']}_{year}_None_None_None_fi_0_ed"


def test_bulk_update_is_all_or_nothing_and_edits_stay(app, conn):
    at = app(PAGE, fu_year=2022)
    key = _bulk_key(conn)
    frame = at.session_state[key[:-3]]["frame"]
    versions = at.session_state[key[:-3]]["versions"]
    rows = [i for i, (entity, _, _) in enumerate(versions) if entity == "measure"][:2]
    at.session_state[key] = {
        "edited_rows": {rows[0]: {"status": "on_track", "progress": 40}, rows[1]: {"status": "delayed"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    _click(at, "Tallenna kaikki")
    # the item's title is user text: escaped in the Markdown of the message
    assert any(
        "Mitään ei tallennettu" in e.value and md_escape(frame["item"].iloc[rows[1]]) in e.value for e in at.error
    )
    assert fu.current(conn, _plan(conn)["id"]) == {}
    assert at.session_state[key]["edited_rows"][rows[1]] == {"status": "delayed"}
    at.session_state[key] = {
        "edited_rows": {
            rows[0]: {"status": "on_track", "progress": 40},
            rows[1]: {"status": "delayed", "narrative": "Rahoitus myöhässä"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    _click(at, "Tallenna kaikki")
    cur = fu.current(conn, _plan(conn)["id"])
    assert len(cur) == 2
    assert cur[("measure", versions[rows[0]][1], 2022)]["progress"] == 40
    assert cur[("measure", versions[rows[1]][1], 2022)]["narrative"] == "Rahoitus myöhässä"
    assert any("2 päivitystä tallennettu" in s.value for s in at.success)


def test_bulk_save_pairs_rows_with_items_not_positions(app, conn):
    """A forged row deletion (Streamlit applies it even to a fixed table) must not shift
    the values typed for one item onto the item above it; forged added rows are nobody's."""
    at = app(PAGE, fu_year=2022)
    key = _bulk_key(conn)
    versions = at.session_state[key[:-3]]["versions"]
    row = [i for i, (entity, _, _) in enumerate(versions) if entity == "measure"][0]
    assert row > 0  # a row above it to shift onto
    at.session_state[key] = {
        "edited_rows": {row: {"status": "delayed", "narrative": "Kirjoitettu tälle"}},
        "added_rows": [{"item": "x", "status": "done"}],
        "deleted_rows": [0],
    }
    at.run()
    _click(at, "Tallenna kaikki")
    cur = fu.current(conn, _plan(conn)["id"])
    assert list(cur) == [("measure", versions[row][1], 2022)]
    assert cur[("measure", versions[row][1], 2022)]["narrative"] == "Kirjoitettu tälle"


def test_missing_updates_and_year_summary(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    fu.record(conn, Actor(name="Anna", role=Role.ADMIN), "measure", m["id"], 2021, "on_track", 30)
    fu.record(conn, Actor(name="Anna", role=Role.ADMIN), "measure", m["id"], 2022, "done")
    at = app(PAGE, fu_year=2022)
    text = " ".join(t.value for t in at.text)
    assert "Ilman päivitystä vuodelle 2022" in text
    summary = [d.value for d in at.dataframe if "Muutos" in d.value.columns]
    assert summary and "Valmistui" in summary[0]["Muutos"].tolist()
    # compared with the latest earlier update, whose year is shown
    assert "Etenee (2021)" in summary[0]["Edellinen päivitys"].tolist()
    missing = [d.value for d in at.dataframe if "Tyyppi" in d.value.columns][0]
    assert not any("Kaveritoiminta" in s for s in missing["Kohde"])
    assert any("Harrastamisen" in s for s in missing["Kohde"])


def test_overview_rollup_changes_after_an_update(app, conn):
    at = app()
    assert any(s.value == "Toteutumisen seuranta 2024" for s in at.subheader)
    before = {m.label: m.value for m in at.metric}
    assert before["Ei päivitystä"] == "100 %"
    m = measure_titled(conn, "Kaveritoiminta")
    fu.record(conn, Actor(name="Anna", role=Role.ADMIN), "measure", m["id"], 2024, "on_track", 60)
    at.run()
    after = {m.label: m.value for m in at.metric}
    assert after["Edistyminen 2024"] == "60 %" and after["Etenee tai valmis"] != "0 %"
    assert after["Ei päivitystä"] != "100 %"


def test_swedish_labels(app):
    at = app(PAGE, lang="sv")
    assert at.title[0].value == "Uppföljning av genomförandet"
    enc = json.loads(at.get("vega_lite_chart")[0].proto.spec)["layer"][0]["encoding"]
    assert "? Ingen uppdatering" in enc["color"]["scale"]["domain"]


def test_bulk_save_refreshes_open_one_item_forms(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, fu_year=2022, fu_item=f"measure:{m['id']}")
    p = _prefix("measure", m["id"], 2022)
    assert at.session_state[p + "_version"] == 0
    key = _bulk_key(conn)
    row = [
        i
        for i, (e, item_id, _) in enumerate(at.session_state[key[:-3]]["versions"])
        if item_id == m["id"] and e == "measure"
    ][0]
    at.session_state[key] = {"edited_rows": {row: {"status": "done"}}, "added_rows": [], "deleted_rows": []}
    at.run()
    _click(at, "Tallenna kaikki")
    # the one-item form now starts from the saved update, so saving it is not a false conflict
    assert at.session_state[p + "_version"] == 1 and at.selectbox(key=f"{p}_status").value == "done"
    at.text_area(key=f"{p}_narrative").set_value("Valmis kaikissa kouluissa")
    _click(at, "Tallenna päivitys")
    assert not at.error
    assert fu.history(conn, "measure", m["id"])[0]["narrative"] == "Valmis kaikissa kouluissa"


def test_first_update_of_a_year_starts_from_last_year(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    fu.record(conn, Actor(name="Anna", role=Role.ADMIN), "measure", m["id"], 2021, "delayed", 30, "Hidas alku")
    at = app(PAGE, fu_year=2022, fu_item=f"measure:{m['id']}")
    p = _prefix("measure", m["id"], 2022)
    assert at.selectbox(key=f"{p}_status").value == "delayed"
    assert at.number_input(key=f"{p}_progress").value == 30
    assert at.text_area(key=f"{p}_narrative").value == ""  # last year's text is not copied
    at.selectbox(key=f"{p}_status").set_value("on_track").run()
    assert at.number_input(key=f"{p}_progress").value == 30  # on track keeps the known progress
    assert any("Vuodelle 2022 ei ole vielä päivitystä" in t.value for t in at.text)


def test_bulk_conflict_names_who_and_keeps_edits_until_merged(app, conn, make_user):
    at = app(PAGE, fu_year=2022, user_id=make_user("Bo"))
    key = _bulk_key(conn)
    versions = at.session_state[key[:-3]]["versions"]
    row = [i for i, (e, _, _) in enumerate(versions) if e == "measure"][0]
    item_id = versions[row][1]
    fu.record(conn, Actor(name="Anna", role=Role.ADMIN), "measure", item_id, 2022, "delayed", 20, "Annan huomio")
    edits = {
        "edited_rows": {row: {"status": "on_track", "narrative": "Bon teksti"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.session_state[key] = edits
    at.run()
    _click(at, "Tallenna kaikki")
    assert any("Mitään ei tallennettu" in e.value and "Anna" in e.value for e in at.error)
    assert any(":red-background[~~Annan huomio~~]" in x.value for x in at.markdown)
    assert any(":green-background[**Bon teksti**]" in x.value for x in at.markdown)
    assert at.session_state[key]["edited_rows"][row]["narrative"] == "Bon teksti"
    at.button(key="fu_bulk_rebase").click().run()  # saves the table at once, on top of their update
    assert not at.error and not at.exception
    hist = fu.history(conn, "measure", item_id)
    assert [(h["updated_by"], h["narrative"]) for h in hist] == [("Bo", "Bon teksti"), ("Anna", "Annan huomio")]


def test_member_starts_from_own_organisation_and_cannot_update_others(app, conn, make_user):
    from lape_plan.model import Role

    kannus = org_id(conn, "217")
    member = make_user("Kannuksen jäsen", Role.MEMBER, ["217"])
    at = app(PAGE, fu_year=2022, user_id=member, auth_role="member")
    assert at.selectbox(key="_w_fu_org").value == kannus
    options = at.selectbox(key="_w_fu_item").options
    assert options and not any("Kaveritoiminta" in o for o in options)
    # another organisation's item is shown read-only, naming who updates it: no form to be refused on save
    m = measure_titled(conn, "Kaveritoiminta")
    at.session_state["fu_org"] = 0
    at.session_state["fu_item"] = f"measure:{m['id']}"
    at.run()
    p = _prefix("measure", m["id"], 2022)
    assert not [w for w in at.selectbox if w.key == f"{p}_status"]
    assert not [b for b in at.button if b.label == "Tallenna päivitys"]
    assert any("vastuuorganisaation jäsenet (Kokkola)" in i.value for i in at.info)
    label = [o for o in at.selectbox(key="_w_fu_item").options if "Kaveritoiminta" in o][0]
    assert label.endswith("– vain luku")
    own = [o for o in at.selectbox(key="_w_fu_item").options if "Yhteinen kiusaamisen" in o][0]
    assert "vain luku" not in own
    assert fu.history(conn, "measure", m["id"]) == []


def test_member_form_opened_before_rights_changed_saves_nothing(app, conn, make_user):
    """A form opened while the member could edit saves nothing once the organisation is
    taken away: the rights are read from the database on the save's run (record() checks
    them again inside its transaction)."""
    from lape_plan import auth
    from lape_plan.model import SYSTEM, Role

    member = make_user("Kokkolan jäsen", Role.MEMBER, ["272"])
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, fu_year=2022, user_id=member, auth_role="member", fu_item=f"measure:{m['id']}")
    p = _prefix("measure", m["id"], 2022)
    at.selectbox(key=f"{p}_status").set_value("on_track").run()
    user = auth.get_user(conn, member)
    auth.update_user(conn, SYSTEM, member, user["version"], org_ids=[org_id(conn, "217")])
    _click(at, "Tallenna päivitys")
    assert any("vastuuorganisaation jäsenet (Kokkola)" in i.value for i in at.info)
    assert fu.history(conn, "measure", m["id"]) == []


def test_picker_marks_items_not_scheduled_and_metrics_follow_the_filter(app, conn):
    at = app(PAGE, fu_year=2020)
    options = at.selectbox(key="_w_fu_item").options
    marked = [o for o in options if o.endswith("– Ei ajoitettu tälle vuodelle")]
    assert marked and len(marked) < len(options)
    scheduled = len(options) - len(marked)
    assert any(c.value.startswith(f"Ajoitettu vuodelle 2020: {scheduled}/{len(options)}") for c in at.caption)
    whole = at.metric[3].help
    at.session_state["fu_org"] = org_id(conn, "217")
    at.run()
    assert at.metric[3].help != whole  # the item count under "no update" follows the organisation
    r = fu.rollup(conn, _plan(conn)["id"], 2020, org_id=org_id(conn, "217"))
    assert at.metric[3].help == f"Tavoitteita ja toimenpiteitä tälle vuodelle yhteensä {r['total']}."


def test_first_start_shows_the_example_follow_up_on_the_overview(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from lape_plan import db as dbm
    from tests.conftest import add_admin

    path = tmp_path / "empty.db"
    admin_id = add_admin(dbm.connect(path))  # an account, but no plan yet: the first start loads the example
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.session_state["user_id"], at.session_state["auth_role"] = admin_id, "admin"
    at.session_state["last_seen"] = __import__("time").time()
    at.run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Edistyminen 2024"] == "89 %"
    assert metrics["Ei päivitystä"] == "5 %"  # 1 of 19 scheduled items: the Perho measure
    assert dbm.connect(path).execute("select count(*) from status_updates").fetchone()[0] == 94
