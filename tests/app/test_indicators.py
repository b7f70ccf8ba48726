"""AppTest of the Indicators page, the goal links in the plan editor and the Overview section."""

import json
from pathlib import Path

from lape_plan import i18n, indicators, plans, regions

PAGE = "pages/indicators.py"
FIX = Path(__file__).resolve().parents[1] / "fixtures" / "indicators"


def _specs(at):
    """Each chart's spec plus the text of its datasets (Streamlit sends data apart from the spec)."""
    return [
        json.dumps(json.loads(c.proto.spec), ensure_ascii=False)
        + "".join(d.data.data.decode("utf-8", "ignore") for d in c.proto.datasets)
        for c in at.get("vega_lite_chart")
    ]


def _texts(at):
    return [m.value for m in at.markdown] + [t.value for t in at.text] + [w.value for w in at.warning]


def test_charts_view_shows_trend_with_target_and_progress(app):
    at = app(PAGE)
    assert at.title[0].value == "Indikaattorit"
    assert any("Esimerkkiarvoja" in w.value for w in at.warning)
    specs = _specs(at)
    assert len(specs) == 2  # trend and municipality comparison
    assert "Tarvittava kehitys" in specs[0] and "Tavoite" in specs[0]
    assert "Sisältää keksittyjä esimerkkiarvoja" in specs[0]
    assert any("Edistyminen: Oikeassa tahdissa" in m for m in _texts(at))
    assert [m.label for m in at.metric][:3] == ["Lähtötaso 2019", "Viimeisin 2023", "Tavoite 2024"]


def test_switching_indicator_and_language(app, conn):
    at = app(PAGE, lang="sv")
    by_title = {i["title_fi"]: i["id"] for i in indicators.catalogue(conn)}
    kiusattu = next(i for t, i in by_title.items() if t.startswith("Koulukiusattu"))
    at.selectbox(key="ind_chart_indicator").set_value(kiusattu).run()
    assert not at.exception
    assert any("Framsteg: Åt fel håll" in m for m in _texts(at))
    assert "Mobbad i skolan" in _specs(at)[0]
    assert '"decimal": ","' in _specs(at)[0] or '"decimal":","' in _specs(at)[0]


def test_upload_sotkanet_csv_reports_and_is_idempotent(app, conn):
    at = app(PAGE)
    at.radio(key="ind_view").set_value("import").run()
    csv = (FIX / "sotkanet_191.csv").read_bytes()
    at.file_uploader(key="ind_upload").set_value(("sotkanet_191.csv", csv, "text/csv"))
    [b for b in at.button if b.label == "Tuo tiedostot"][0].click().run()
    assert not at.exception
    assert any(s.value == "Tuonti valmis." for s in at.success)
    report = at.dataframe[0].value
    # the boys' row is new; the six total rows replace example values, which become real values
    assert list(report["Uusia"]) == [1] and list(report["Muuttuneita"]) == [6]
    [b for b in at.button if b.label == "Tuo tiedostot"][0].click().run()
    report = at.dataframe[0].value
    assert list(report["Ennallaan"]) == [7] and list(report["Uusia"]) == [0]


def test_bad_upload_lists_rows_and_changes_nothing(app, conn):
    before = conn.execute("select count(*), sum(value) from indicator_values").fetchone()
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("import").run()
    bad = b"indicator;region;year;gender;primary value\n191;964;2020;total;1.5\n191;964;2021;total;lots\n"
    at.file_uploader(key="ind_upload").set_value(("bad.csv", bad, "text/csv"))
    [b for b in at.button if b.label == "Import the files"][0].click().run()
    assert any("not imported: 1 bad row." in e.value for e in at.error)
    problems = at.dataframe[0].value
    assert list(problems["Row"]) == ["3"] and "“lots” is not a number" in problems["Reason"][0]
    assert conn.execute("select count(*), sum(value) from indicator_values").fetchone() == before


def test_offline_fetch_says_so_and_page_keeps_working(app, monkeypatch):
    monkeypatch.setenv("LAPE_SOTKANET_URL", "http://127.0.0.1:9/rest/1.1")  # a closed local port
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("import").run()
    at.text_input(key="ind_fetch_ids").set_value("191")
    at.text_input(key="ind_fetch_years").set_value("2022-2023")
    [b for b in at.button if b.label == "Fetch"][0].click().run()
    assert not at.exception
    assert any("Sotkanet could not be reached" in w.value for w in at.warning)
    at.radio(key="ind_view").set_value("charts").run()
    assert len(_specs(at)) == 2


def test_custom_indicator_form_keeps_text_on_error(app, conn):
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("import").run()
    at.text_input(key="ind_custom_code").set_value("bad code")
    at.text_input(key="ind_custom_title_fi").set_value("Oma kysely")
    [b for b in at.button if b.label == "Add the indicator"][0].click().run()
    assert any("not valid" in e.value for e in at.error)
    assert at.text_input(key="ind_custom_title_fi").value == "Oma kysely"
    at.text_input(key="ind_custom_code").set_value("OMA-7")
    [b for b in at.button if b.label == "Add the indicator"][0].click().run()
    assert any("OMA\\-7 added" in s.value for s in at.success)  # the typed code is escaped for Markdown
    assert conn.execute("select title_fi from indicators where source_id = 'OMA-7'").fetchone()[0] == "Oma kysely"


def test_catalogue_shows_description_as_text_and_sets_direction(app, conn):
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("catalogue").run()
    table = at.dataframe[0].value
    assert "191" in list(table["Id"]) and "example values" in list(table["Example"])
    ind = conn.execute("select id, version from indicators where source_id = '423'").fetchone()
    at.selectbox(key="ind_cat_detail").set_value(ind[0]).run()
    assert any("made-up examples" in t.value for t in at.text)  # the description, as plain text
    key = f"ind_dir_{ind[0]}_{ind[1]}"
    at.radio(key=key).set_value("higher")
    [b for b in at.button if b.label == "Save"][0].click().run()
    assert not at.exception
    assert indicators.get_indicator(conn, ind[0])["direction"] == "higher"


def test_plan_editor_lists_goal_links_and_adds_one(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    assert not at.exception
    assert any(s.value == "Indikaattorit" for s in at.subheader)
    assert any("Edistyminen: Oikeassa tahdissa" in m.value for m in at.markdown)
    assert any(t.value.startswith("Lähtötaso 10,0 (2019) · viimeisin 8,3 (2023) · tavoite 8,0 (2024)") for t in at.text)
    prefix = f"gi_{goal['id']}_0"
    ind = conn.execute("select id from indicators where source_id = '191'").fetchone()[0]
    country = next(r["id"] for r in regions.plan_regions(conn, plan_id) if r["kind"] == "country")
    at.selectbox(key=f"{prefix}_indicator_id").set_value(ind)
    at.selectbox(key=f"{prefix}_region_id").set_value(country)
    at.text_input(key=f"{prefix}_baseline_year").set_value("2019")
    at.text_input(key=f"{prefix}_target_year").set_value("2018")
    at.text_input(key=f"{prefix}_target_value").set_value("1,2")
    [b for b in at.button if b.label == "Liitä indikaattori"][0].click().run()
    assert any("2018" in e.value for e in at.error)  # target before baseline: refused, text kept
    assert at.text_input(key=f"{prefix}_target_value").value == "1,2"
    at.text_input(key=f"{prefix}_target_year").set_value("2024")
    [b for b in at.button if b.label == "Liitä indikaattori"][0].click().run()
    assert not at.exception
    rows = indicators.links(conn, plan_id, goal_id=goal["id"])
    added = next(r for r in rows if r["indicator_id"] == ind)
    assert (
        added["target_value"] == 1.2
        and added["updated_by"] == "Testi Ylläpitäjä"
        and added["baseline_value"] is not None
    )
    assert any("Kodin ulkopuolelle sijoitetut" in t.value and "Koko maa" in t.value for t in at.text)


def test_new_goal_link_has_no_default_and_says_saved_beside_the_form(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    prefix = f"gi_{goal['id']}_0"
    # nothing chosen for the person: neither the first indicator nor the first region (Halsua)
    assert at.selectbox(key=f"{prefix}_indicator_id").value is None
    assert at.selectbox(key=f"{prefix}_region_id").value is None
    before = len(indicators.links(conn, plan_id, goal_id=goal["id"]))
    at.text_input(key=f"{prefix}_baseline_year").set_value("2019")
    at.text_input(key=f"{prefix}_target_value").set_value("1,2")
    [b for b in at.button if b.label == "Liitä indikaattori"][0].click().run()
    assert any("Indikaattori" in e.value for e in at.error)  # refused: the indicator is required
    assert len(indicators.links(conn, plan_id, goal_id=goal["id"])) == before
    ind = conn.execute("select id from indicators where source_id = '191'").fetchone()[0]
    country = next(r["id"] for r in indicators.plan_regions(conn, plan_id) if r["kind"] == "country")
    at.selectbox(key=f"{prefix}_indicator_id").set_value(ind)
    at.selectbox(key=f"{prefix}_region_id").set_value(country)
    [b for b in at.button if b.label == "Liitä indikaattori"][0].click().run()
    assert not at.exception and not at.error
    assert len(indicators.links(conn, plan_id, goal_id=goal["id"])) == before + 1
    saved = [s.value for s in at.success]
    assert len(saved) == 1 and "Kodin ulkopuolelle sijoitetut" in saved[0] and "Koko maa" in saved[0], saved
    assert at.selectbox(key=f"{prefix}_indicator_id").value is None  # a fresh form for the next link
    at.run()
    assert not at.success  # said once


def test_plan_editor_stale_link_edit_is_refused_and_saved_on_top_of_theirs(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    link = indicators.links(conn, plan_id, goal_id=goal["id"])[0]
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    at.selectbox(key=f"gi_pick_{goal['id']}").set_value(link["id"]).run()
    from lape_plan.model import Actor, Role

    indicators.update_link(conn, Actor("Maija", role=Role.ADMIN), link["id"], link["version"], target_value=7)
    prefix = f"gi_{goal['id']}_{link['id']}"
    at.text_input(key=f"{prefix}_target_value").set_value("7,5")
    at.button(key=f"FormSubmitter:{prefix}_form-Tallenna").click().run()
    assert any("Maija" in e.value for e in at.error)
    assert at.text_input(key=f"{prefix}_target_value").value == "7,5"
    assert indicators.get_link(conn, link["id"])["target_value"] == 7.0
    assert any(":green-background[**,5**]" in m.value for m in at.markdown)  # mine next to theirs, marked
    at.button(key=f"{prefix}_rebase").click().run()  # saves at once, on top of theirs
    assert not at.exception
    assert indicators.get_link(conn, link["id"])["target_value"] == 7.5


def test_overview_shows_small_multiples_per_goal(app):
    at = app()
    assert any(s.value == "Indikaattorit ja tavoitteet" for s in at.subheader)
    specs = _specs(at)
    assert len(specs) == 8  # one chart per goal with indicators
    assert any("Tavoite saavutettu" in s for s in specs) and any("Väärään suuntaan" in s for s in specs)
    assert any("Tavoite saavutettu: 2" in t for t in _texts(at))


def test_gender_choice_when_the_data_has_genders(app, conn):
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("import").run()
    csv = (FIX / "sotkanet_191.csv").read_bytes()  # has a row for boys in the whole country
    at.file_uploader(key="ind_upload").set_value(("sotkanet_191.csv", csv, "text/csv"))
    [b for b in at.button if b.label == "Import the files"][0].click().run()
    at.radio(key="ind_view").set_value("charts").run()
    ind = conn.execute("select id from indicators where source_id = '191'").fetchone()[0]
    assert at.radio(key=f"ind_chart_gender_{ind}").options == ["All", "Boys and men"]
    at.radio(key=f"ind_chart_gender_{ind}").set_value("male").run()
    assert not at.exception
    specs = _specs(at)
    assert "(Boys and men)" in specs[0] and "Path needed" not in specs[0]
    assert not at.metric  # the target belongs to the total, so no baseline/target figures


def test_a_gap_narrowing_while_both_get_worse_is_said_beside_the_chart(app, conn):
    from lape_plan.model import SYSTEM

    plan_id = plans.plans(conn)[0]["id"]
    county = next(r["id"] for r in regions.plan_regions(conn, plan_id) if r["kind"] == "county")
    ind = indicators.add_custom(conn, SYSTEM, "T-GAP", "Kiusattu", unit_fi="%", direction="lower")
    conn.conn.executemany(  # lower is better: girls 20 -> 30 %, boys 10 -> 25 % of 1000 each
        "insert into indicator_values values (?, ?, ?, ?, ?, ?, 0)",
        [(ind, county, y, g, v, v * 10) for y, g, v in ((2019, "female", 20), (2019, "male", 10), (2023, "female", 30))]
        + [(ind, county, 2023, "male", 25, 250), (ind, county, 2023, "total", 27.5, 550)],
    )
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    indicators.add_link(
        conn, SYSTEM, goal["id"], indicator_id=ind, region_id=county, gender="gap",
        baseline_year=2019, target_year=2025, target_value="4",
    )  # fmt: skip
    at = app(PAGE, lang="en")
    at.selectbox(key="ind_chart_indicator").set_value(ind).run()
    assert not at.exception
    assert [w.value for w in at.warning if "Both girls' and boys'" in w.value] == [
        i18n.t("indicators.gap_both_worse", "en")
    ]
