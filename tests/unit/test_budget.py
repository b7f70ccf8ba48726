"""Child budgeting: validation, permissions, versions and the roll-ups."""

import json

import pytest

from lape_plan import budget, cli, db as dbm, demo, exports, follow_up as fu, i18n, plans
from lape_plan.charts import budget as budget_charts
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import first_plan_id, measure_titled, org_id


def _lines(db):
    return db.execute("select count(*) from budget_lines").fetchone()[0]


# ---------------------------------------------------------------- validation
def test_typed_values_are_read_as_people_type_them(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")  # 2021–2024
    budget.save(
        demo_db,
        SYSTEM,
        m["id"],
        2022,
        planned_eur="12 000,50 €",
        actual_eur="\u00a011\u00a0900",
        source="state",
        kind="early_support",
        direct_share="55,5 %",
    )
    line = budget.get(demo_db, m["id"], 2022)
    assert (line["planned_eur"], line["actual_eur"], line["source"], line["kind"], line["direct_share"]) == (
        12000.5,
        11900.0,
        "state",
        "early_support",
        55.5,
    )


@pytest.mark.parametrize(
    "year, values, field, key",
    [
        (2022, {"planned_eur": "-5"}, "planned_eur", "error.negative"),
        (2022, {"actual_eur": "-0,01"}, "actual_eur", "error.negative"),
        (2022, {"planned_eur": "paljon"}, "planned_eur", "error.not_a_number"),
        (2022, {"planned_eur": "nan"}, "planned_eur", "error.not_a_number"),
        (2022, {"direct_share": "100,5"}, "direct_share", "budget.error.share"),
        (2022, {"direct_share": "-1"}, "direct_share", "budget.error.share"),
        (2022, {"source": "lottery"}, "funding_source", "budget.error.unknown_code"),
        (2022, {"kind": "miscellaneous"}, "spending_kind", "budget.error.unknown_code"),
        (2020, {"planned_eur": "100"}, "budget_year", "budget.error.year_outside_measure"),  # measure starts 2021
        (2025, {"planned_eur": "100"}, "budget_year", "budget.error.year_outside_measure"),
    ],
)
def test_bad_input_is_refused_with_its_field_and_nothing_is_stored(demo_db, year, values, field, key):
    m = measure_titled(demo_db, "Kaveritoiminta")
    with pytest.raises(ValidationError) as err:
        budget.save(demo_db, SYSTEM, m["id"], year, **values)
    assert (err.value.key, err.value.field) == (key, field)
    assert _lines(demo_db) == 0
    assert i18n.error_text(err.value, "fi")  # the message exists in the user's language


def test_year_error_names_the_measure_years(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    with pytest.raises(ValidationError) as err:
        budget.save(demo_db, SYSTEM, m["id"], 2020, planned_eur=1)
    assert i18n.error_text(err.value, "en") == "The year 2020 is not within the measure's years 2021–2024."


# ---------------------------------------------------------------- permissions
def test_permissions_follow_the_measures_responsible_organisations(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")  # Kokkola's measure
    kokkola = Actor("Kaisa", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    kannus = Actor("Kalle", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "217")}))
    viewer = Actor("Ville", Role.VIEWER, org_ids=frozenset({org_id(demo_db, "272")}))
    for actor in (kannus, viewer):
        with pytest.raises(PermissionDenied):
            budget.save(demo_db, actor, m["id"], 2022, planned_eur=100)
        assert not budget.allowed(demo_db, actor, m["id"])
    assert _lines(demo_db) == 0
    assert budget.save(demo_db, kokkola, m["id"], 2022, planned_eur=100) == 1
    assert budget.allowed(demo_db, kokkola, m["id"])
    assert budget.save(demo_db, Actor("Fia", Role.FACILITATOR), m["id"], 2023, planned_eur=100) == 1


def test_a_measure_without_its_own_organisation_belongs_to_its_goals(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    plans.update(demo_db, SYSTEM, "measure", m["id"], m["version"], responsible_org_id=None)
    soite = Actor("Sonja", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "HVA18")}))  # the goal's organisation
    assert budget.save(demo_db, soite, m["id"], 2022, planned_eur=100) == 1


# ---------------------------------------------------------------- versions and audit
def test_stale_save_is_refused_with_who_saved(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    anna, eero = Actor("Anna", role=Role.ADMIN), Actor("Eero", role=Role.ADMIN)
    assert budget.save(demo_db, anna, m["id"], 2022, planned_eur=1000) == 1
    with pytest.raises(ConflictError) as err:  # Eero's screen showed no line yet
        budget.save(demo_db, eero, m["id"], 2022, planned_eur=2000)
    assert err.value.by == "Anna" and err.value.current["planned_eur"] == 1000
    assert budget.save(demo_db, eero, m["id"], 2022, expected_version=1, planned_eur=2000, kind="preventive") == 2
    with pytest.raises(ConflictError) as err:
        budget.save(demo_db, anna, m["id"], 2022, expected_version=1, planned_eur=1500)
    assert err.value.by == "Eero"
    assert budget.get(demo_db, m["id"], 2022)["planned_eur"] == 2000
    # saving the same values again changes nothing
    assert budget.save(demo_db, anna, m["id"], 2022, expected_version=2, planned_eur=2000, kind="preventive") == 2
    audit = [dict(r) for r in demo_db.query("select * from audit where entity = 'budget' order by id")]
    assert [(a["action"], a["actor"]) for a in audit] == [("create", "Anna"), ("update", "Eero")]
    assert json.loads(audit[1]["before"]) == {"planned_eur": 1000.0, "kind": None}
    assert json.loads(audit[1]["after"]) == {"planned_eur": 2000.0, "kind": "preventive"}


def test_clearing_values_is_a_change(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    budget.save(demo_db, SYSTEM, m["id"], 2022, planned_eur=1000, actual_eur=900)
    assert budget.save(demo_db, SYSTEM, m["id"], 2022, expected_version=1, planned_eur=1000, actual_eur="") == 2
    assert budget.get(demo_db, m["id"], 2022)["actual_eur"] is None


# ---------------------------------------------------------------- roll-up
def _fill(db):
    """Three measures with euros; the rest of the example plan's measures have none."""
    kaveri = measure_titled(db, "Kaveritoiminta")  # Kokkola, 2021–2024, goal shared
    liikkuva = measure_titled(db, "Liikkuva")  # Kokkola, 2021–2023, Kokkola's local goal
    perhe = measure_titled(db, "Ruotsinkielinen")  # HVA17, 2021–2024, Kruunupyy's local goal
    for y in (2021, 2022):
        budget.save(
            db,
            SYSTEM,
            kaveri["id"],
            y,
            planned_eur=1000,
            actual_eur=800,
            source="own",
            kind="preventive",
            direct_share=100,
        )
        budget.save(
            db,
            SYSTEM,
            liikkuva["id"],
            y,
            planned_eur=2000,
            actual_eur=2000,
            source="project",
            kind="early_support",
            direct_share=50,
        )
        budget.save(db, SYSTEM, perhe["id"], y, planned_eur=7000, actual_eur=None, source="state", kind="corrective")
    budget.save(db, SYSTEM, kaveri["id"], 2023, planned_eur=500)  # no kind, no source, no share
    return kaveri, liikkuva, perhe


def test_rollup_totals_by_year_source_kind_and_shares(demo_db):
    plan_id = first_plan_id(demo_db)
    kaveri, liikkuva, perhe = _fill(demo_db)
    r = budget.rollup(demo_db, plan_id)
    total = r["total"]
    assert (total.planned, total.actual, total.cancelled_planned, total.lines) == (20500, 5600, 0, 7)
    assert total.by_source["own"] == [2000, 1600] and total.by_source[budget.UNSET] == [500, 0]
    assert total.by_kind == {
        "preventive": [2000, 1600],
        "early_support": [4000, 4000],
        "corrective": [14000, 0],
        budget.UNSET: [500, 0],
    }
    # (2000 + 4000) / 20000: the 500 without a kind are left out of the share
    assert total.preventive_share(0) == pytest.approx(0.3)
    assert total.preventive_share(1) == pytest.approx(1.0)  # no actual corrective euros reported
    # direct: (2000 × 100 % + 4000 × 50 %) / 6000 with a share given
    assert total.direct_share(0) == pytest.approx(4000 / 6000)
    assert [(y, t.planned) for y, t in r["by_year"].items()] == [
        (2020, 0),
        (2021, 10000),
        (2022, 10000),
        (2023, 500),
        (2024, 0),
    ]
    assert r["by_year"][2020].preventive_share(0) is None  # no euros: no share, not 0 %
    assert (r["by_year"][2020].shown(0), r["by_year"][2023].shown(0), r["by_year"][2023].shown(1)) == (
        None,
        500,
        None,
    )  # euros not given are not 0 €
    assert r["by_year"][2023].preventive_share(0) is None  # euros without a kind
    kokkola, hva17 = org_id(demo_db, "272"), org_id(demo_db, "HVA17")
    assert {o: t.planned for o, t in r["by_org"].items()} == {kokkola: 6500, hva17: 14000}
    assert sum(t.planned for t in r["by_area"].values()) == total.planned


def test_measures_without_euros_are_listed_not_counted_as_zero(demo_db):
    plan_id = first_plan_id(demo_db)
    _fill(demo_db)
    r = budget.rollup(demo_db, plan_id)
    assert r["measures"] == 14 and len(r["without_euros"]) == 11
    assert "Kaveritoiminta kaikkiin alakouluihin" not in {m["title_fi"] for m in r["without_euros"]}
    trend = {row["year"]: row for row in budget.trend(r)}
    assert (trend[2021]["with_euros"], trend[2021]["measures"]) == (3, 13)
    assert trend[2021]["preventive_planned"] == pytest.approx(0.3)
    # a line holding only a share but no euros does not make a measure "with euros"
    chat = measure_titled(demo_db, "Chat")
    budget.save(demo_db, SYSTEM, chat["id"], 2022, direct_share=50, kind="preventive")
    again = budget.rollup(demo_db, plan_id)
    assert "Chat-palvelu nuorille iltaisin" in {m["title_fi"] for m in again["without_euros"]}
    assert again["total"].lines == 7


def test_cancelled_measure_planned_euros_are_kept_apart(demo_db):
    plan_id = first_plan_id(demo_db)
    kaveri, liikkuva, _ = _fill(demo_db)
    # cancelled in 2022 with no later report: cancelled from 2022 on, not in 2021
    fu.record(demo_db, SYSTEM, "measure", liikkuva["id"], 2021, "on_track")
    fu.record(demo_db, SYSTEM, "measure", liikkuva["id"], 2022, "cancelled", narrative="Rahoitus päättyi.")
    r = budget.rollup(demo_db, plan_id)
    assert r["by_year"][2021].planned == 10000 and r["by_year"][2021].cancelled_planned == 0
    assert r["by_year"][2022].planned == 8000 and r["by_year"][2022].cancelled_planned == 2000
    assert r["by_year"][2022].actual == 2800  # what was spent still counts
    assert r["total"].cancelled_planned == 2000 and r["cancelled_years"] == 1
    assert r["by_year"][2022].preventive_share(0) == pytest.approx(1000 / 8000)
    # a later report that resumes the measure ends the cancellation for that year
    fu.record(demo_db, SYSTEM, "measure", liikkuva["id"], 2022, "on_track", expected_version=1)
    assert budget.rollup(demo_db, plan_id)["total"].cancelled_planned == 0


def test_municipality_deleted_measures_and_years_outside(demo_db):
    plan_id = first_plan_id(demo_db)
    kaveri, liikkuva, perhe = _fill(demo_db)
    kruunupyy, kokkola = org_id(demo_db, "288"), org_id(demo_db, "272")
    # Kruunupyy: shared goals plus its own; Kokkola's local goal is left out
    r = budget.rollup(demo_db, plan_id, kruunupyy)
    assert r["total"].planned == 2500 + 14000
    assert budget.rollup(demo_db, plan_id, kokkola)["total"].planned == 2500 + 4000
    # a measure narrowed to 2022–2024 after its 2021 euros: 2021 no longer counts
    kaveri = plans.get(demo_db, "measure", kaveri["id"])
    plans.update(demo_db, SYSTEM, "measure", kaveri["id"], kaveri["version"], start_year=2022)
    assert budget.rollup(demo_db, plan_id)["total"].planned == 20500 - 1000
    # a deleted measure's euros leave the roll-up
    perhe = plans.get(demo_db, "measure", perhe["id"])
    plans.delete(demo_db, SYSTEM, "measure", perhe["id"], perhe["version"])
    r = budget.rollup(demo_db, plan_id)
    assert r["total"].planned == 19500 - 14000 and r["measures"] == 13


def test_euros_of_a_measure_without_organisation(demo_db):
    plan_id = first_plan_id(demo_db)
    m = measure_titled(demo_db, "Perhekeskus")  # goal with one responsible organisation, Soite
    plans.update(demo_db, SYSTEM, "measure", m["id"], m["version"], responsible_org_id=None)
    budget.save(demo_db, SYSTEM, m["id"], 2021, planned_eur=300)
    k = measure_titled(demo_db, "Kaveritoiminta")  # goal with two: Soite and Kokkola
    plans.update(demo_db, SYSTEM, "measure", k["id"], k["version"], responsible_org_id=None)
    budget.save(demo_db, SYSTEM, k["id"], 2021, planned_eur=200)
    by_org = {o: t.planned for o, t in budget.rollup(demo_db, plan_id)["by_org"].items()}
    assert by_org == {org_id(demo_db, "HVA18"): 300, None: 200}


# ---------------------------------------------------------------- chart, CSV, example
def test_chart_has_a_line_per_series_and_gaps_for_years_without_kind(demo_db):
    _fill(demo_db)
    rows = budget.trend(budget.rollup(demo_db, first_plan_id(demo_db)))
    spec = budget_charts.preventive_share(
        rows, {"planned": "Suunniteltu", "actual": "Toteutunut"}, "Vuosi", "Osuus", "fi"
    ).to_dict()
    values = spec["data"]["values"]
    assert {(v["year"], v["series"]) for v in values} == {
        ("2021", "Suunniteltu"),
        ("2022", "Suunniteltu"),
        ("2021", "Toteutunut"),
        ("2022", "Toteutunut"),
    }
    assert spec["encoding"]["x"]["scale"]["domain"] == ["2020", "2021", "2022", "2023", "2024"]
    assert spec["config"]["locale"]["number"]["decimal"] == ","


def test_budget_csv_has_decimal_comma_and_every_measure_year(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    budget.save(demo_db, SYSTEM, m["id"], 2022, planned_eur="1250,5", source="own", kind="preventive", direct_share=75)
    text = exports.budget_csv(demo_db, first_plan_id(demo_db), "fi").decode("utf-8-sig").splitlines()
    assert text[0].startswith("Toimenpiteen tunniste;Nro;Toimenpide;")
    row = next(r for r in text if r.startswith(f"{m['id']};") and ";2022;" in r)
    assert ";1250,5;;Oma talousarvio;Ehkäisevä;75;1;" in row
    years_per_measure = sum(
        len(budget.measure_years(demo_db, x))
        for a in plans.tree(demo_db, first_plan_id(demo_db))
        for g in a["goals"]
        for x in g["measures"]
    )
    assert len(text) == 1 + years_per_measure
    en = exports.budget_csv(demo_db, first_plan_id(demo_db), "en").decode("utf-8-sig")
    assert ";1250.5;;Own budget;Preventive;75;" in en


def test_example_euros_are_flagged_and_loaded_once(tmp_path):
    database = dbm.connect(tmp_path / "ex.db")
    plan_id = demo.load(database, follow_up_example=True)
    rows = [dict(r) for r in database.query("select * from budget_lines")]
    assert rows and all(r["is_example"] == 1 for r in rows)
    assert {r["updated_by"] for r in rows} == {"Yhteistyöryhmä (esimerkki)"}
    r = budget.rollup(database, plan_id)
    assert r["without_euros"] and r["total"].cancelled_planned > 0  # both cases show in the example
    assert budget.load_example(database, plan_id) == 0
    assert cli.main(["example-budget", "--db", str(tmp_path / "ex.db")]) == 0
    assert database.execute("select count(*) from budget_lines").fetchone()[0] == len(rows)
    # a person's edit makes the line theirs
    line = rows[0]
    budget.save(
        database, Actor("Anna", role=Role.ADMIN), line["measure_id"], line["year"], expected_version=1, planned_eur=1
    )
    assert budget.get(database, line["measure_id"], line["year"])["is_example"] == 0


def test_summary_command_prints_the_period_in_finnish(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    capsys.readouterr()
    assert cli.main(["budget-summary", "--db", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1].startswith("2020–2024\t1\u00a0129\u00a0100\t")
    assert out[-1] == "Toimenpiteitä ilman euroja\t4/14"


def test_a_status_from_before_a_measure_was_rescheduled_cancels_nothing(demo_db):
    """Cancelled in 2021, then moved to run 2022–2024: follow-up and the public site ignore the old
    status, and so does the budget: its euros are planned, not cancelled."""
    plan_id = plans.create_plan(demo_db, SYSTEM, "Testi", 2020, 2024)
    goal = plans.add(
        demo_db, SYSTEM, "goal", plans.add(demo_db, SYSTEM, "focus_area", plan_id, title_fi="A"), title_fi="T"
    )
    measure = plans.add(demo_db, SYSTEM, "measure", goal, title_fi="M", start_year=2021, end_year=2024)
    fu.record(demo_db, SYSTEM, "measure", measure, 2021, "cancelled", None, "Peruttu")
    plans.update(
        demo_db, SYSTEM, "measure", measure, plans.get(demo_db, "measure", measure)["version"], start_year=2022
    )
    for year in (2022, 2023):
        budget.save(demo_db, SYSTEM, measure, year, planned_eur=1000)
    total = budget.rollup(demo_db, plan_id)["total"]
    assert (total.planned, total.cancelled_planned) == (2000, 0)


def test_lines_outside_the_plan_period_are_left_out_of_the_rollup(demo_db):
    """A database from before restores checked the period: a measure's years reach past the plan."""
    plan_id = first_plan_id(demo_db)
    m = measure_titled(demo_db, "Kaveritoiminta")
    budget.save(demo_db, SYSTEM, m["id"], 2024, planned_eur=500)
    demo_db.conn.execute("update measures set end_year = 2026 where id = ?", [m["id"]])
    demo_db.conn.execute(
        "insert into budget_lines (measure_id, year, planned_eur, version, updated_at, updated_by) "
        "values (?, 2026, 700, 1, '2026-01-01', 'vanha')",
        [m["id"]],
    )
    roll = budget.rollup(demo_db, plan_id)
    assert set(roll["by_year"]) == {2020, 2021, 2022, 2023, 2024} and roll["by_year"][2024].planned >= 500
