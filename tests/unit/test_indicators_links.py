"""Goal–indicator links: validation, prefilled baselines, stale edits, permissions, export rows,
and the example data that ships with the example plan."""

import pytest

from lape_plan import db as dbm, demo, indicator_examples, indicators, plans
from lape_plan.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from lape_plan.progress import PROGRESS
from lape_plan.regions import plan_regions


@pytest.fixture
def setup(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    goal = plans.tree(demo_db, plan_id)[1]["goals"][0]  # a goal without example links in the same region
    regions = {r["kind"] + ":" + r["code"]: r["id"] for r in plan_regions(demo_db, plan_id)}
    ind = indicators.add_custom(demo_db, SYSTEM, "T-1", "Testi-indikaattori", direction="higher")
    demo_db.conn.executemany(
        "insert into indicator_values values (?, ?, ?, 'total', ?, null, 0)",
        [(ind, regions["municipality:272"], y, v) for y, v in ((2019, 40.0), (2021, 44.0), (2023, 50.0))],
    )
    return demo_db, plan_id, goal, ind, regions["municipality:272"]


def test_add_link_prefills_the_baseline_from_the_data(setup):
    db, plan_id, goal, ind, kokkola = setup
    link_id = indicators.add_link(
        db,
        Actor("Anna", role=Role.ADMIN),
        goal["id"],
        indicator_id=ind,
        region_id=kokkola,
        baseline_year="2019",
        baseline_value="",
        target_year=2024,
        target_value="60",
    )
    link = indicators.get_link(db, link_id)
    assert (link["baseline_value"], link["target_value"], link["updated_by"]) == (40.0, 60.0, "Anna")
    row = next(r for r in indicators.links(db, plan_id, "fi", goal_id=goal["id"]) if r["id"] == link_id)
    assert (row["latest_year"], row["latest_value"], row["progress"]) == (2023, 50.0, "too_slow")
    assert row["region_name"] == "Kokkola" and row["progress_label"] == "Kehitys liian hidasta"
    assert (
        db.execute(
            "select count(*) from audit where entity = 'goal_indicator' and entity_id = ?", [link_id]
        ).fetchone()[0]
        == 1
    )


def test_typed_baseline_with_decimal_comma_wins(setup):
    db, _, goal, ind, kokkola = setup
    link_id = indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=kokkola,
        baseline_year=2019,
        baseline_value="41,5",
        target_year=2024,
        target_value="1\u00a0000",
    )
    assert indicators.get_link(db, link_id)["baseline_value"] == 41.5
    assert indicators.get_link(db, link_id)["target_value"] == 1000.0


@pytest.mark.parametrize(
    "change, key",
    [
        ({"target_year": 2018}, "indicators.error.target_before_baseline"),
        ({"target_value": ""}, "error.required"),
        ({"target_value": "paljon"}, "error.not_a_number"),
        ({"baseline_year": "kaksi"}, "error.not_a_year"),
        ({"region_id": 999999}, "indicators.error.region_not_in_plan"),
        ({"indicator_id": None}, "error.required"),
    ],
)
def test_invalid_links_are_refused(setup, change, key):
    db, _, goal, ind, kokkola = setup
    data = dict(
        indicator_id=ind, region_id=kokkola, baseline_year=2019, baseline_value="", target_year=2024, target_value=60
    )
    with pytest.raises(ValidationError) as err:
        indicators.add_link(db, SYSTEM, goal["id"], **{**data, **change})
    assert err.value.key == key
    assert not db.execute("select 1 from goal_indicators where indicator_id = ?", [ind]).fetchone()


def test_unknown_indicator_is_not_found(setup):
    db, _, goal, _, kokkola = setup
    with pytest.raises(NotFound):
        indicators.add_link(
            db,
            SYSTEM,
            goal["id"],
            indicator_id=424242,
            region_id=kokkola,
            baseline_year=2019,
            target_year=2024,
            target_value=1,
        )


def test_duplicate_link_is_refused(setup):
    db, _, goal, ind, kokkola = setup
    args = dict(indicator_id=ind, region_id=kokkola, baseline_year=2019, target_year=2024, target_value=60)
    indicators.add_link(db, SYSTEM, goal["id"], **args)
    with pytest.raises(ValidationError) as err:
        indicators.add_link(db, SYSTEM, goal["id"], **args)
    assert err.value.key == "indicators.error.duplicate_link"


def test_stale_update_is_refused_with_who_saved(setup):
    db, _, goal, ind, kokkola = setup
    link_id = indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=kokkola,
        baseline_year=2019,
        target_year=2024,
        target_value=60,
    )
    assert indicators.update_link(db, Actor("Maija", role=Role.ADMIN), link_id, 1, target_value="55") == 2
    with pytest.raises(ConflictError) as err:
        indicators.update_link(db, Actor("Anna", role=Role.ADMIN), link_id, 1, target_value="70")
    assert err.value.by == "Maija" and err.value.current["target_value"] == 55.0
    assert indicators.update_link(db, Actor("Anna", role=Role.ADMIN), link_id, 2, target_value="70") == 3
    assert (
        indicators.update_link(db, Actor("Anna", role=Role.ADMIN), link_id, 3, target_value="70") == 3
    )  # nothing changed
    with pytest.raises(ConflictError):
        indicators.delete_link(db, SYSTEM, link_id, 2)
    indicators.delete_link(db, SYSTEM, link_id, 3)
    with pytest.raises(NotFound):
        indicators.get_link(db, link_id)


def test_permissions(setup):
    db, _, goal, ind, kokkola = setup
    args = dict(indicator_id=ind, region_id=kokkola, baseline_year=2019, target_year=2024, target_value=60)
    with pytest.raises(PermissionDenied):
        indicators.add_link(db, Actor("Viewer", Role.VIEWER), goal["id"], **args)
    outsider = Actor("Other", Role.MEMBER, org_ids=frozenset({999}))
    with pytest.raises(PermissionDenied):
        indicators.add_link(db, outsider, goal["id"], **args)
    member = Actor("Soite", Role.MEMBER, org_ids=frozenset(goal["responsible_ids"]))
    assert indicators.add_link(db, member, goal["id"], **args)
    with pytest.raises(PermissionDenied):
        indicators.add_custom(db, member, "X-2", "Ei oikeutta")


def test_custom_indicator_validation(demo_db):
    with pytest.raises(ValidationError) as err:
        indicators.add_custom(demo_db, SYSTEM, "a b", "Nimi")
    assert err.value.key == "indicators.error.bad_code"
    indicators.add_custom(demo_db, SYSTEM, "abc", "Nimi")
    with pytest.raises(ValidationError) as err:
        indicators.add_custom(demo_db, SYSTEM, "ABC", "Toinen")
    assert err.value.key == "indicators.error.duplicate_code"
    with pytest.raises(ValidationError):
        indicators.add_custom(demo_db, SYSTEM, "XYZ", "")


def test_set_direction_is_versioned(demo_db):
    ind = indicators.add_custom(demo_db, SYSTEM, "D-1", "Suunta")
    assert indicators.set_direction(demo_db, Actor("A", role=Role.ADMIN), ind, "lower", 1) == 2
    with pytest.raises(ConflictError):
        indicators.set_direction(demo_db, Actor("B", role=Role.ADMIN), ind, None, 1)
    assert indicators.set_direction(demo_db, Actor("B", role=Role.ADMIN), ind, None, 2) == 3
    assert indicators.get_indicator(demo_db, ind)["direction"] is None


def test_goal_indicator_rows_for_exports(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    rows = indicators.goal_indicator_rows(demo_db, plan_id, "sv")
    assert len(rows) == len(indicator_examples.LINKS)
    keys = {
        "goal_id",
        "indicator_id",
        "indicator_title",
        "region_name",
        "unit",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "latest_year",
        "latest_value",
        "progress",
        "progress_label",
    }
    assert keys <= set(rows[0])
    kokkola = next(r for r in rows if r["region_name"] == "Karleby")
    assert kokkola["progress_label"] == "Målet uppnått" and kokkola["progress"] == "reached"
    assert all(r["example_values"] for r in rows)


def test_deleted_goal_drops_out(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    before = len(indicators.links(demo_db, plan_id))
    plans.delete(demo_db, SYSTEM, "goal", goal["id"], goal["version"])
    assert len(indicators.links(demo_db, plan_id)) == before - 1


def test_municipality_filter_keeps_shared_and_own_goals(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    halsua = next(o["id"] for o in plans.organisations(demo_db, plan_id, "municipality") if o["code"] == "074")
    rows = indicators.links(demo_db, plan_id, municipality_id=halsua)
    assert len(rows) == len(indicator_examples.LINKS) - 2  # Kokkola's and Kruunupyy's own goals are not Halsua's


def test_example_plan_has_every_progress_class_and_is_labelled(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    classes = {r["progress"] for r in indicators.links(demo_db, plan_id)}
    assert classes == set(PROGRESS)
    assert demo_db.execute("select count(*) from indicator_values where is_example = 0").fetchone()[0] == 0
    custom_titles = [r[0] for r in demo_db.execute("select title_fi from indicators where source = 'custom'")]
    assert custom_titles and all("(esimerkki)" in title for title in custom_titles)
    sotkanet_ids = {r[0] for r in demo_db.execute("select source_id from indicators where source = 'sotkanet'")}
    assert sotkanet_ids <= {"191", "5495", "5496", "5497", "4", "228", "423", "405", "179", "1065", "181", "127"}
    assert indicator_examples.load(demo_db, plan_id) is False  # idempotent
    assert indicators.has_example_values(demo_db)


def test_example_loads_with_the_demo_on_a_fresh_database(tmp_path):
    database = dbm.connect(tmp_path / "fresh.db")
    plan_id = demo.load(database)
    assert len(indicators.links(database, plan_id)) == len(indicator_examples.LINKS)
    assert demo.load(database) == plan_id
    assert len(indicators.links(database, plan_id)) == len(indicator_examples.LINKS)


def test_comparison_lists_municipalities_counties_plan_area_and_country(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    ind = demo_db.execute("select id from indicators where source_id = '191'").fetchone()[0]
    rows = indicators.comparison(demo_db, plan_id, ind, 2023, "fi")
    kinds = [r["kind"] for r in rows]
    assert kinds.count("municipality") == 9 and kinds.count("county") == 2
    assert "plan" in kinds and "country" in kinds


def test_parse_years_and_ids():
    assert indicators.parse_years("2019–2021") == [2019, 2020, 2021]
    assert indicators.parse_years("2023, 2019") == [2019, 2023]
    assert indicators.parse_ids("191, 423;5") == [5, 191, 423]
    for bad in ("", "2019-1900", "x", "1800"):
        with pytest.raises(ValidationError):
            indicators.parse_years(bad)
    with pytest.raises(ValidationError):
        indicators.parse_ids("abc")


def test_regions_follow_the_plan_organisations(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    odd = plans.add_organisation(demo_db, SYSTEM, "county", "Outo alue", code="HVAX")
    demo_db.execute("insert into plan_organisations values (?, ?)", [plan_id, odd])
    new_town = plans.add_organisation(demo_db, SYSTEM, "municipality", "Uusikunta", code="999")
    demo_db.execute("insert into plan_organisations values (?, ?)", [plan_id, new_town])
    regions = plan_regions(demo_db, plan_id, "fi")
    assert "Uusikunta" in [r["name"] for r in regions if r["kind"] == "municipality"]
    assert "Outo alue" not in [r["name"] for r in regions]  # no Sotkanet region for that code
    assert [r["kind"] for r in regions][-2:] == ["plan", "country"]
