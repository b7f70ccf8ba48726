import pyarrow as pa

from lape_plan import budget, plans
from lape_plan.model import Actor, Role
from tests.helpers import measure_titled

PAGE = "pages/budget.py"


def _click(at, label):
    [b for b in at.button if b.label == label][0].click().run()
    assert not at.exception, at.exception


def _fill(at, p, **values):
    for field, value in values.items():
        widget = at.selectbox(key=f"{p}_{field}") if field in ("source", "kind") else at.text_input(key=f"{p}_{field}")
        widget.set_value(value)


def _chart_rows(at):
    """The chart's data points (Streamlit sends the data apart from the spec, as Arrow)."""
    proto = at.get("vega_lite_chart")[0].proto
    data = proto.datasets[0].data.data if proto.datasets else proto.data.data
    return pa.ipc.open_stream(data).read_pandas().to_dict("records")


def test_enter_a_years_euros_and_see_the_rollup(app, conn, make_user):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, user_id=make_user("Kaisa Kokkola", Role.MEMBER, ["272"]), bu_measure=m["id"], bu_year=2022)
    assert at.title[0].value == "Lapsibudjetointi"
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Suunniteltu 2020–2024"] == "–" and metrics["Toimenpiteitä ilman euroja"] == "14 / 14"
    assert any(i.value.startswith("Euroja ei ole vielä merkitty") for i in at.info)
    p = f"bu_{m['id']}_2022"
    _fill(at, p, planned_eur="12 500", actual_eur="11 000,5", source="state", kind="preventive", direct_share="80")
    _click(at, "Tallenna eurot")
    line = budget.get(conn, m["id"], 2022)
    assert (
        line["planned_eur"],
        line["actual_eur"],
        line["source"],
        line["kind"],
        line["direct_share"],
        line["updated_by"],
    ) == (12500, 11000.5, "state", "preventive", 80, "Kaisa Kokkola")
    assert at.success[0].value == "Eurot tallennettu: 1.1.1, 2022."
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Suunniteltu 2020–2024"] == "12\u00a0500 €"
    assert metrics["Toteutunut 2020–2024"] == "11\u00a0001 €"  # whole euros: 11 000,5 rounds up, as people do
    assert metrics["Ehkäisevä ja varhainen tuki"] == "100 %"
    assert metrics["Toimenpiteitä ilman euroja"] == "13 / 14"
    values = _chart_rows(at)
    assert {(v["year"], v["series"], v["share"]) for v in values} == {
        ("2022", "Suunnitellut eurot", 1.0),
        ("2022", "Toteutuneet eurot", 1.0),
    }
    trend = next(df.value for df in at.dataframe if "Ehkäisevä osuus, suunniteltu" in df.value.columns)
    row = trend[trend["Vuosi"] == "2022"].iloc[0]
    assert (row["Suunniteltu"], row["Ehkäisevä osuus, suunniteltu"], row["Toimenpiteitä, joilla euroja"]) == (
        "12\u00a0500 €",
        "100 %",
        "1/14",
    )
    assert trend[trend["Vuosi"] == "2021"].iloc[0]["Suunniteltu"] == "–"  # no euros given, not 0 €
    # the form opens again on the saved values, in the user's number format
    assert at.text_input(key=f"{p}_actual_eur").value == "11000,5"


def test_bad_input_keeps_the_typed_values(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, bu_measure=m["id"], bu_year=2023)
    p = f"bu_{m['id']}_2023"
    _fill(at, p, planned_eur="-100", actual_eur="50", kind="corrective", direct_share="80")
    _click(at, "Tallenna eurot")
    assert at.error[0].value == "Suunnitellut eurot: arvo ei voi olla negatiivinen."
    assert at.text_input(key=f"{p}_planned_eur").value == "-100"
    assert at.text_input(key=f"{p}_actual_eur").value == "50"
    assert at.selectbox(key=f"{p}_kind").value == "corrective"
    _fill(at, p, planned_eur="100", direct_share="150")
    _click(at, "Tallenna eurot")
    assert "ei ole osuus väliltä 0–100 %" in at.error[0].value
    assert at.text_input(key=f"{p}_direct_share").value == "150"
    assert budget.get(conn, m["id"], 2023) is None
    _fill(at, p, direct_share="15")
    _click(at, "Tallenna eurot")
    assert budget.get(conn, m["id"], 2023)["direct_share"] == 15


def test_stale_save_shows_who_and_keeps_mine(app, conn):
    m = measure_titled(conn, "Kaveritoiminta")
    at = app(PAGE, bu_measure=m["id"], bu_year=2024)
    p = f"bu_{m['id']}_2024"
    budget.save(conn, Actor("Anna Toinen", role=Role.ADMIN), m["id"], 2024, planned_eur=700)
    _fill(at, p, planned_eur="900")
    _click(at, "Tallenna eurot")
    assert "Anna Toinen" in at.error[0].value
    assert any(":red-background[~~700~~]" in x.value for x in at.markdown)  # theirs next to mine
    assert any(":green-background[**900**]" in x.value for x in at.markdown)
    assert at.text_input(key=f"{p}_planned_eur").value == "900"
    _click(at, "Tallennan omani heidän versionsa päälle")  # saves at once, on top of theirs
    assert budget.get(conn, m["id"], 2024)["planned_eur"] == 900


def test_member_of_another_organisation_reads_only(app, conn, make_user):
    m = measure_titled(conn, "Kaveritoiminta")  # Kokkola's
    at = app(PAGE, user_id=make_user("Kalle Kannus", Role.MEMBER, ["217"]), bu_measure=m["id"], bu_year=2022)
    assert any(c.value.startswith("Voit katsoa") for c in at.caption)
    assert not [b for b in at.button if b.label == "Tallenna eurot"]


def test_swedish_numbers_and_the_overview_section(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    assert budget.load_example(conn, plan_id) > 0
    at = app()  # the Overview
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Suunniteltu 2020–2024"] == "1\u00a0135\u00a0100 €"  # no follow-up here: nothing cancelled
    assert any(
        x.value.startswith("Ehkäisevän ja varhaisen tuen osuus suunnitelluista euroista: 2020: 100 %") for x in at.text
    )
    at = app(PAGE, lang="sv")
    metrics = {x.label: x.value for x in at.metric}
    assert metrics["Planerat 2020–2024"] == "1\u00a0135\u00a0100 €"  # no follow-up here: nothing cancelled
    assert metrics["Förebyggande och tidigt stöd"] == "75 %"
    by_source = next(df.value for df in at.dataframe if "Planerat 2020–2024" in df.value.columns)
    assert list(by_source["Grupp"])[:2] == ["Egen budget", "Statsunderstöd"]
