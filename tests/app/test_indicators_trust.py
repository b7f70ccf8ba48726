"""AppTest of what the Indicators page and the plan editor say about uncertainty: intervals,
values too few to show, the gap between girls and boys, the trust settings of an indicator."""

from lape_plan import indicators, plans
from lape_plan.model import SYSTEM
from lape_plan.regions import plan_regions

PAGE = "pages/indicators.py"

# (municipality code, year, gender, value %, count): Kokkola 9.0 % of 200, Halsua 2021 only 4 people
ROWS = [
    ("272", 2019, "total", 12.0, 30),
    ("272", 2021, "total", 9.0, 18),
    ("272", 2021, "female", 10.0, 10),
    ("272", 2021, "male", 8.0, 8),
    ("074", 2019, "total", 12.0, 12),
    ("074", 2021, "total", 25.0, 1),
]


def _indicator(conn):
    plan_id = plans.plans(conn)[0]["id"]
    regions = {r["code"]: r["id"] for r in plan_regions(conn, plan_id) if r["kind"] == "municipality"}
    ind = indicators.add_custom(conn, SYSTEM, "T-PCT", "Testiosuus", unit_fi="%", direction="lower")
    conn.conn.executemany(
        "insert into indicator_values values (?, ?, ?, ?, ?, ?, 0)",
        [(ind, regions[c], y, g, v, a) for c, y, g, v, a in ROWS],
    )
    conn.conn.commit()
    return ind, [regions["272"], regions["074"]]


def _specs(at):
    import json

    return [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in at.get("vega_lite_chart")]


def test_intervals_and_too_few_to_show(app, conn):
    ind, municipalities = _indicator(conn)
    at = app(PAGE, lang="en")
    at.selectbox(key="ind_chart_indicator").set_value(ind).run()
    at.multiselect(key=f"ind_chart_regions_{ind}_None").set_value(municipalities).run()
    assert not at.exception
    texts = [t.value for t in at.text]
    assert "Too few to show (fewer than 5 people, not plotted): Halsua 2021" in texts
    assert any("95% confidence interval (Wilson)" in c.value for c in at.caption)
    trend = _specs(at)[0]
    assert '"rule"' in trend and '"low"' in trend  # error bars
    table = at.dataframe[0].value
    assert table.loc["Kokkola", 2021] == "9.0 (5.8–13.8)" and table.loc["Halsua", 2021] == "too few to show"
    # the comparison of 2021 leaves Halsua out of the chart and says so
    assert texts.count("Too few to show (fewer than 5 people, not plotted): Halsua 2021") == 2
    assert "Halsua" not in "".join(
        d.data.data.decode("utf-8", "ignore") for d in at.get("vega_lite_chart")[1].proto.datasets
    )


def test_gap_between_girls_and_boys(app, conn):
    ind, municipalities = _indicator(conn)
    at = app(PAGE, lang="en")
    at.selectbox(key="ind_chart_indicator").set_value(ind).run()
    at.multiselect(key=f"ind_chart_regions_{ind}_None").set_value(municipalities).run()
    radio = at.radio(key=f"ind_chart_gender_{ind}")
    assert radio.options[-1] == "Gap: girls − boys"
    radio.set_value("gap").run()
    assert not at.exception
    assert "(Gap: girls − boys)" in _specs(at)[0]
    assert at.dataframe[0].value.loc["Kokkola", 2021].startswith("2.0 (")


def test_plan_editor_shows_within_the_margin_and_the_interval(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    link = next(r for r in indicators.links(conn, plan_id) if r["progress"] == "within_margin")
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{link['goal_id']}").click().run()
    assert any("Edistyminen: Muutos virhemarginaalin sisällä" in m.value for m in at.markdown)
    texts = [t.value for t in at.text]
    assert any(t.startswith("Viimeisin arvo 8,3, 95 %:n luottamusväli") and "(60 henkilöä)" in t for t in texts)
    assert "Muutos lähtötasosta ei erotu satunnaisvaihtelusta (kahden osuuden z-testi, 95 %)." in texts


def test_catalogue_sets_the_noise_threshold_and_minimum(app, conn):
    ind, _ = _indicator(conn)
    at = app(PAGE, lang="en")
    at.radio(key="ind_view").set_value("catalogue").run()
    at.selectbox(key="ind_cat_detail").set_value(ind).run()
    key = f"ind_trust_{ind}_1"
    at.text_input(key=key + "_noise").set_value("2.5")
    at.selectbox(key=key + "_unit").set_value("relative")
    at.text_input(key=key + "_min").set_value("15")
    at.button(key=f"FormSubmitter:{key}_form-Save").click().run()
    assert not at.exception
    row = indicators.get_indicator(conn, ind)
    assert (row["noise_threshold"], row["noise_unit"], row["min_count"]) == (2.5, "relative", 15)


def test_goal_link_offers_the_child_set_and_a_search(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    goal = plans.tree(conn, plan_id)[0]["goals"][0]
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal['id']}").click().run()
    prefix = f"gi_{goal['id']}_0"
    assert len(at.selectbox(key=f"{prefix}_indicator_id").options) == len(indicators.choices(conn))
    at.radio(key=f"gi_offer_{goal['id']}").set_value("set").run()
    options = at.selectbox(key=f"{prefix}_indicator_id").options
    # the example catalogue holds three of the set's verified Sotkanet indicators
    assert len(options) == 3 and options[0].startswith("Perheiden tuki ja lastensuojelu — 191 ")
    at.text_input(key=f"gi_search_{goal['id']}").set_value("mobbad").run()
    # a new link has no indicator chosen for the person: the search offers what it found
    assert [o.split(" ")[0].rstrip(":") for o in at.selectbox(key=f"{prefix}_indicator_id").options] == ["EX-BULLY"]
    assert at.selectbox(key=f"{prefix}_indicator_id").value is None
    # an existing link: what the search found, after the link's own indicator (narrowing never
    # changes a link silently)
    link = indicators.links(conn, plan_id, goal_id=goal["id"])[0]
    at.selectbox(key=f"gi_pick_{goal['id']}").set_value(link["id"]).run()
    prefix = f"gi_{goal['id']}_{link['id']}"
    assert [o.split(" ")[0].rstrip(":") for o in at.selectbox(key=f"{prefix}_indicator_id").options] == [
        "EX-FRIEND",
        "EX-BULLY",
    ]
    assert at.selectbox(key=f"{prefix}_indicator_id").value == link["indicator_id"]
    at.selectbox(key=f"{prefix}_gender").set_value("gap")
    assert at.selectbox(key=f"{prefix}_gender").value == "gap"


def test_child_set_in_the_catalogue_and_an_offline_list_fetch(app, monkeypatch):
    monkeypatch.setenv("LAPE_SOTKANET_URL", "http://127.0.0.1:9/rest/1.1")  # a closed local port
    at = app(PAGE, lang="sv")
    at.radio(key="ind_view").set_value("catalogue").run()
    table = at.dataframe[1].value  # after the catalogue itself
    assert list(table["Fokusområde"]).count("Fattigdom och försörjning") == 5
    assert dict(zip(table["Id"], table["Status"]))["191"] == "i katalogen"
    assert dict(zip(table["Id"], table["Status"]))["5495"] == "inte i katalogen"
    at.button(key="ind_fetch_list").click().run()
    assert not at.exception  # no network: said so, nothing else changes
    assert any(w.value.startswith("Ingen förbindelse till Sotkanet") for w in at.warning)
    at.text_input(key="ind_search").set_value("mobbad").run()
    assert list(at.dataframe[2].value["Id"]) == ["EX-BULLY"]
