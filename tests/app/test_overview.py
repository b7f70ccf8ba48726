from lape_plan import plans
from lape_plan.model import SYSTEM
from tests.helpers import org_id


def _table(at, column):
    """The first table with this column."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def _goal_titles(at):
    return [g for df in at.dataframe if "Tavoite" in df.value.columns for g in df.value["Tavoite"]]


def test_overview_shows_example_plan_in_finnish(app, conn):
    at = app()
    assert "AIKAA LAPSELLE" in at.subheader[0].value
    assert any("Esimerkkisisältö" in w.value for w in at.warning)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tavoitteet"] == "8" and metrics["Toimenpiteet"] == "14"
    assert metrics["Suunnitelmakausi"] == "2020–2024"
    by_area = _table(at, "Painopiste")
    assert list(by_area["Painopiste"]) == [
        "Yksinäisyys ja kiusaaminen",
        "Osallisuus kasvuympäristössä ja palveluissa",
        "Lapsiperheiden ja vanhemmuuden tuki",
        "Päihteet ja mielenterveys",
    ]
    approvals = _table(at, "Päätös")
    assert list(approvals["Päätös"]) == ["Kvalt 12.3.2020 § 15", "Kfge 20.4.2020 § 31"]
    assert list(approvals["Päivämäärä"]) == ["12.3.2020", "20.4.2020"]


def test_switching_to_swedish(app):
    at = app()
    at.sidebar.selectbox(key="_w_lang").set_value("sv").run()
    assert "TID FÖR BARNEN" in at.subheader[0].value
    metrics = {m.label for m in at.metric}
    assert {"Mål", "Åtgärder", "Planperiod"} <= metrics
    assert "Ensamhet och mobbning" in list(_table(at, "Fokusområde")["Fokusområde"])
    assert at.sidebar.selectbox(key="_w_municipality_id").format_func(0) == "Hela planområdet"


def test_municipality_filter(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    halsua = org_id(conn, "074")
    at = app()
    at.sidebar.selectbox(key="_w_municipality_id").set_value(halsua).run()
    table = _table(at, "Kunta")
    assert list(table["Kunta"]) == ["Halsua"]
    shared = sum(1 for a in plans.tree(conn, plan_id) for g in a["goals"] if g["scope"] == "shared")
    assert list(table["Tavoitteet"]) == [shared]
    goal_titles = _goal_titles(at)
    assert len(goal_titles) == shared
    assert not any("Kokkolan lähiöissä" in g for g in goal_titles)


def test_user_text_is_shown_as_text(app, conn):
    plan_id = plans.plans(conn)[0]["id"]
    area = plans.tree(conn, plan_id)[0]
    plans.update(conn, SYSTEM, "focus_area", area["id"], area["version"], title_fi="<b>bold</b> **star**")
    at = app()
    assert "**1\\. \\<b\\>bold\\</b\\> \\*\\*star\\*\\***" in [m.value for m in at.markdown]


def test_drafts_are_not_counted_on_the_overview(app, conn):
    from lape_plan import drafts
    from lape_plan.model import Actor, Role

    plan_id = plans.plans(conn)[0]["id"]
    area = plans.tree(conn, plan_id)[0]
    fac = Actor(name="Fasi", role=Role.FACILITATOR)
    goal_id = plans.add(conn, fac, "goal", area["id"], draft=True, title_fi="Luonnostavoite")
    plans.add(conn, fac, "measure", goal_id, title_fi="Luonnoksen toimenpide")
    at = app()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tavoitteet"] == "8" and metrics["Toimenpiteet"] == "14"
    assert list(_table(at, "Painopiste")["Tavoitteet"])[0] == len(area["goals"])
    assert "Luonnostavoite" not in _goal_titles(at)
    goal = plans.get(conn, "goal", goal_id)
    drafts.accept(
        conn,
        fac,
        "goal",
        goal_id,
        goal["version"],
        title_sv="Utkastmål",
        responsible_ids=[o["id"] for o in plans.organisations(conn, plan_id)][:1],
    )
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Tavoitteet"] == "9" and metrics["Toimenpiteet"] == "15"
    assert "Luonnostavoite" in _goal_titles(at)
