"""Values read with their uncertainty: counts from absolute values, intervals, values too few to
show for municipalities only, the gap between girls and boys, and the settings a person edits."""

import pytest

from lape_plan import indicators, plans
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from lape_plan.regions import plan_regions

# (region key, year, gender, value %, count behind it) -> people measured = count × 100 / value
ROWS = [
    ("municipality:074", 2017, "total", 50.0, 2),  # n 4: too few
    ("municipality:074", 2019, "total", 12.0, 30),  # n 250
    ("municipality:074", 2021, "total", 11.0, 11),  # n 100, but only 4 girls: too few
    ("municipality:074", 2021, "female", 25.0, 1),  # n 4
    ("municipality:074", 2021, "male", 5.0, 5),  # n 100
    ("municipality:074", 2023, "total", 9.0, 18),  # n 200
    ("municipality:074", 2023, "female", 10.0, 10),  # n 100
    ("municipality:074", 2023, "male", 8.0, 8),  # n 100
    ("county:18", 2021, "total", 25.0, 1),  # n 4, but a county's value always shows
]


@pytest.fixture
def setup(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    regions = {r["kind"] + ":" + r["code"]: r["id"] for r in plan_regions(demo_db, plan_id)}
    ind = indicators.add_custom(demo_db, SYSTEM, "T-PCT", "Osuus", unit_fi="%", direction="lower")
    demo_db.conn.executemany(
        "insert into indicator_values values (?, ?, ?, ?, ?, ?, 0)",
        [(ind, regions[k], y, g, v, a) for k, y, g, v, a in ROWS],
    )
    return demo_db, plan_id, ind, regions


def _series(db, ind, region_ids, gender="total"):
    return {
        (r["region_id"], r["year"]): r
        for r in indicators.trusted_series(db, indicators.get_indicator(db, ind), region_ids, gender)
    }


def test_counts_intervals_and_too_few(setup):
    db, _, ind, regions = setup
    halsua, county = regions["municipality:074"], regions["county:18"]
    rows = _series(db, ind, [halsua, county])
    assert rows[(halsua, 2017)]["too_few"] and rows[(halsua, 2017)]["n"] == 4
    assert rows[(halsua, 2019)]["n"] == 250 and not rows[(halsua, 2019)]["too_few"]
    assert rows[(halsua, 2021)]["too_few"]  # 100 measured, but only 4 girls
    latest = rows[(halsua, 2023)]
    assert (latest["n"], latest["too_few"]) == (200, False)
    assert (latest["low"], latest["high"]) == pytest.approx((5.7687, 13.7766), abs=1e-3)
    assert not rows[(county, 2021)]["too_few"]  # counties and the country always show
    girls = _series(db, ind, [halsua], "female")
    assert girls[(halsua, 2021)]["too_few"] and not girls[(halsua, 2023)]["too_few"]
    boys = _series(db, ind, [halsua], "male")
    assert not boys[(halsua, 2021)]["too_few"]


def test_gap_series(setup):
    db, _, ind, regions = setup
    halsua = regions["municipality:074"]
    gaps = _series(db, ind, [halsua], "gap")
    assert set(gaps) == {(halsua, 2021), (halsua, 2023)}
    assert gaps[(halsua, 2021)]["too_few"]
    gap = gaps[(halsua, 2023)]
    assert gap["value"] == pytest.approx(2.0) and not gap["too_few"]
    # Newcombe: girls 10 % of 100 -> (5.52, 17.44), boys 8 % of 100 -> (4.11, 15.00)
    # low = 2 - sqrt((10 - 5.52)^2 + (15.00 - 8)^2) = -6.31, high = 2 + sqrt((17.44 - 10)^2 + (8 - 4.11)^2) = 10.39
    assert (gap["low"], gap["high"]) == pytest.approx((-6.31, 10.39), abs=0.02)
    assert indicators.years(db, ind, [halsua], "gap") == [2021, 2023]


def test_minimum_count_is_set_per_indicator(setup):
    db, _, ind, regions = setup
    halsua = regions["municipality:074"]
    version = indicators.set_trust(db, Actor("Anna", role=Role.ADMIN), ind, "", None, "3", 1)
    assert version == 2
    rows = _series(db, ind, [halsua])
    assert not rows[(halsua, 2021)]["too_few"] and not rows[(halsua, 2017)]["too_few"]
    indicators.set_trust(db, SYSTEM, ind, None, None, 15, version)
    rows = _series(db, ind, [halsua])
    assert not rows[(halsua, 2019)]["too_few"] and rows[(halsua, 2021)]["too_few"]


def test_set_trust_validates_audits_and_refuses_stale_edits(setup):
    db, _, ind, _ = setup
    with pytest.raises(ValidationError):
        indicators.set_trust(db, SYSTEM, ind, "2", "furlongs", None, 1)
    with pytest.raises(ValidationError):
        indicators.set_trust(db, SYSTEM, ind, "-1", "points", None, 1)
    with pytest.raises(ValidationError):
        indicators.set_trust(db, SYSTEM, ind, "", "points", "0", 1)
    with pytest.raises(PermissionDenied):
        indicators.set_trust(db, Actor("Vieras", role=Role.VIEWER), ind, "2", "points", None, 1)
    assert indicators.set_trust(db, SYSTEM, ind, "2,5", "relative", None, 1) == 2
    row = indicators.get_indicator(db, ind)
    assert (row["noise_threshold"], row["noise_unit"], row["min_count"]) == (2.5, "relative", None)
    assert indicators.set_trust(db, SYSTEM, ind, "2,5", "relative", None, 2) == 2  # nothing changed
    with pytest.raises(ConflictError):
        indicators.set_trust(db, SYSTEM, ind, "5", "points", None, 1)
    assert (
        db.execute(
            "select count(*) from audit where entity = 'indicator' and entity_id = ? and action = 'update'", [ind]
        ).fetchone()[0]
        == 1
    )


def _goal(db, plan_id):
    return plans.tree(db, plan_id)[1]["goals"][0]


def test_link_progress_within_the_margin_with_interval(setup):
    db, plan_id, ind, regions = setup
    goal = _goal(db, plan_id)
    link_id = indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=regions["municipality:074"],
        baseline_year=2019,
        target_year=2025,
        target_value="8",
    )
    row = next(r for r in indicators.links(db, plan_id, "en", goal_id=goal["id"]) if r["id"] == link_id)
    # 12 % of 250 -> 9 % of 200: z = -1.02, within the margin (the README's worked example)
    assert (row["progress"], row["margin_rule"], row["progress_label"]) == (
        "within_margin",
        "test",
        "Within the margin of error",
    )
    assert row["latest_n"] == 200 and row["latest_low"] == pytest.approx(5.7687, abs=1e-3)
    assert 2017 not in row["values"] and 2021 not in row["values"]  # too few: not used for progress either


def test_link_to_one_gender_and_to_the_gap(setup):
    db, plan_id, ind, regions = setup
    goal, halsua = _goal(db, plan_id), regions["municipality:074"]
    girls = indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=halsua,
        gender="female",
        baseline_year=2023,
        target_year=2025,
        target_value="5",
    )
    assert indicators.get_link(db, girls)["baseline_value"] == 10.0  # the girls' value, prefilled
    with pytest.raises(ValidationError):
        indicators.add_link(
            db,
            SYSTEM,
            goal["id"],
            indicator_id=ind,
            region_id=halsua,
            gender="gap",
            baseline_year=2023,
            target_year=2025,
            target_value="-1",
        )
    with pytest.raises(ValidationError):
        indicators.add_link(
            db,
            SYSTEM,
            goal["id"],
            indicator_id=ind,
            region_id=halsua,
            gender="teachers",
            baseline_year=2023,
            target_year=2025,
            target_value="1",
        )
    gap = indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=halsua,
        gender="gap",
        baseline_year=2023,
        target_year=2025,
        target_value="0",
    )
    assert indicators.get_link(db, gap)["baseline_value"] == pytest.approx(2.0)
    with pytest.raises(ValidationError):  # the same gender of the same indicator and region twice
        indicators.add_link(
            db,
            SYSTEM,
            goal["id"],
            indicator_id=ind,
            region_id=halsua,
            gender="gap",
            baseline_year=2021,
            target_year=2025,
            target_value="0",
        )
    rows = {r["id"]: r for r in indicators.links(db, plan_id, "fi", goal_id=goal["id"])}
    assert rows[girls]["gender"] == "female" and rows[girls]["progress"] == "no_data"  # one point so far
    assert rows[gap]["latest_value"] == pytest.approx(2.0)
    assert rows[gap]["latest_low"] == pytest.approx(-6.31, abs=0.02)


def test_comparison_hides_too_few(setup):
    db, plan_id, ind, _ = setup
    rows = {r["region"]: r for r in indicators.comparison(db, plan_id, ind, 2021, "fi")}
    assert rows["Halsua"]["too_few"] and rows["Halsua"]["value"] is None
    county = next(r for r in rows.values() if r["kind"] == "county")
    assert county["value"] == 25.0 and not county["too_few"]


def test_a_links_group_shows_in_its_title(setup):
    db, plan_id, ind, regions = setup
    goal = _goal(db, plan_id)
    indicators.add_link(
        db,
        SYSTEM,
        goal["id"],
        indicator_id=ind,
        region_id=regions["municipality:074"],
        gender="male",
        baseline_year=2023,
        target_year=2025,
        target_value="5",
    )
    rows = indicators.goal_indicator_rows(db, plan_id, "sv")
    assert "Osuus (Pojkar)" in {r["indicator_title"] for r in rows}


def test_a_narrowing_gap_while_girls_and_boys_both_get_worse_is_flagged(setup):
    """Lower is better: girls 20 -> 30 %, boys 10 -> 25 % (1000 of each measured). The gap narrows
    from 10 to 5 points, so the gap link is on track, but both groups moved the wrong way."""
    db, plan_id, ind, regions = setup
    county = regions["county:18"]
    db.conn.executemany(
        "insert into indicator_values values (?, ?, ?, ?, ?, ?, 0)",
        [
            (ind, county, year, gender, value, value * 10)
            for year, gender, value in ((2019, "female", 20.0), (2019, "male", 10.0), (2023, "female", 30.0))
        ]
        + [(ind, county, 2023, "male", 25.0, 250.0), (ind, county, 2023, "total", 27.5, 550.0)],
    )
    goal = _goal(db, plan_id)
    link = dict(indicator_id=ind, region_id=county, baseline_year=2019, target_year=2025)
    gap = indicators.add_link(db, SYSTEM, goal["id"], gender="gap", target_value="4", **link)
    girls = indicators.add_link(db, SYSTEM, goal["id"], gender="female", target_value="15", **link)
    rows = {r["id"]: r for r in indicators.links(db, plan_id, "fi", goal_id=goal["id"])}
    assert rows[gap]["progress"] == "on_track" and rows[gap]["both_worse"]
    assert rows[girls]["progress"] == "wrong_way" and not rows[girls]["both_worse"]  # not a gap link
    # boys improving instead: the narrowing is real
    db.conn.execute(
        "update indicator_values set value = 8.0, abs_value = 80 where indicator_id = ? and region_id = ? "
        "and year = 2023 and gender = 'male'",
        [ind, county],
    )
    assert not next(r for r in indicators.links(db, plan_id, "fi", goal_id=goal["id"]) if r["id"] == gap)["both_worse"]
