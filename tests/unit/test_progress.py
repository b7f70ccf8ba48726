"""Progress evaluation: both directions and the edge cases."""

import pytest

from lape_plan.progress import assess, evaluate

# direction, baseline (year, value), latest (year, value), target (year, value), expected
CASES = [
    # higher is better: target 60 in 2024 from 40 in 2019
    ("higher", (2019, 40), (2023, 61), (2024, 60), "reached"),
    ("higher", (2019, 40), (2023, 60), (2024, 60), "reached"),  # exactly on target
    ("higher", (2019, 40), (2023, 56), (2024, 60), "on_track"),  # 4/yr observed, 4/yr needed
    ("higher", (2019, 40), (2023, 50), (2024, 60), "too_slow"),  # 2.5/yr observed, 10 needed
    ("higher", (2019, 40), (2023, 38), (2024, 60), "wrong_way"),
    ("higher", (2019, 40), (2023, 40), (2024, 60), "too_slow"),  # no change
    # lower is better: target 5 in 2024 from 9 in 2019
    ("lower", (2019, 9), (2023, 4.5), (2024, 5), "reached"),
    ("lower", (2019, 9), (2023, 5.8), (2024, 5), "on_track"),  # 0.8/yr observed, 0.8 needed
    ("lower", (2019, 9), (2023, 8), (2024, 5), "too_slow"),
    ("lower", (2019, 9), (2023, 9.5), (2024, 5), "wrong_way"),
    ("lower", (2019, 9), (2023, 9), (2024, 5), "too_slow"),  # no change
    # the target was already met at the baseline
    ("higher", (2019, 70), (2023, 72), (2024, 60), "reached"),
    ("higher", (2019, 70), (2023, 55), (2024, 60), "wrong_way"),  # met once, lost since
    ("lower", (2019, 4), (2019, 4), (2024, 5), "reached"),  # one point, but it meets the target
    # a single data point that does not meet the target: no trend yet
    ("higher", (2019, 40), (2019, 40), (2024, 60), "no_data"),
    ("lower", (2019, 9), (2019, 9), (2024, 5), "no_data"),
    # the target year has passed without reaching it
    ("higher", (2019, 40), (2025, 58), (2024, 60), "too_slow"),
    ("lower", (2019, 9), (2025, 9.5), (2024, 5), "wrong_way"),
    # missing pieces
    ("higher", (2019, None), (2023, 50), (2024, 60), "no_data"),
    ("higher", (2019, 40), (None, None), (2024, 60), "no_data"),
    ("higher", (2019, 40), (2023, 50), (2024, None), "no_data"),
    # direction not set: inferred from the target
    (None, (2019, 40), (2023, 56), (2024, 60), "on_track"),
    (None, (2019, 9), (2023, 9.5), (2024, 5), "wrong_way"),
    (None, (2019, 9), (2023, 9.5), (2024, 9), "no_data"),  # target equals baseline: no direction
]


@pytest.mark.parametrize("direction, baseline, latest, target, expected", CASES)
def test_evaluate(direction, baseline, latest, target, expected):
    assert evaluate(direction, *baseline, *latest, *target) == expected


def test_directions_are_mirror_images():
    assert evaluate("higher", 2019, 10, 2023, 12, 2024, 20) == evaluate("lower", 2019, -10, 2023, -12, 2024, -20)


def test_missing_years_use_the_latest_year_at_or_after_the_baseline():
    values = {2015: 99.0, 2019: 10.0, 2021: 9.0, 2023: 8.3}  # a biennial survey
    result = assess(values, "lower", 2019, None, 2024, 8.0)
    assert (result.baseline_value, result.latest_year, result.latest_value) == (10.0, 2023, 8.3)
    assert result.progress == "on_track"
    assert result.observed_per_year == pytest.approx(0.425) and result.needed_per_year == pytest.approx(0.3)


def test_no_value_in_the_baseline_year():
    assert assess({2018: 10.0, 2020: 9.0}, "lower", 2019, None, 2024, 8.0).progress == "no_data"
    # a stored baseline value is used when the data lacks that year
    assert assess({2018: 10.0, 2020: 9.0}, "lower", 2019, 10.0, 2024, 8.0).progress == "on_track"


def test_values_only_before_the_baseline():
    result = assess({2015: 10.0}, "lower", 2019, 10.0, 2024, 8.0)
    assert result.progress == "no_data" and result.latest_year is None


def test_no_values_at_all():
    assert assess({}, "higher", 2019, None, 2024, 8.0).progress == "no_data"


# ---------------------------------------------------------------- uncertainty (README, "Uncertainty")
# Every expected number below was computed by hand from the formulas in the README.
from lape_plan.progress import (  # noqa: E402
    change_is_noise,
    gap_change_is_noise,
    interval,
    people,
    proportion_scale,
    two_proportion_z,
    wilson,
)


def test_people_behind_a_percentage():
    assert people(9.0, 18, 100) == 200  # 18 × 100 / 9.0
    assert people(1.9, 210, 100) == 11053  # 11,052.6 rounded
    assert people(0.0, 0, 100) is None  # any n fits a zero
    assert people(9.0, None, 100) is None
    assert people(9.0, 18, None) is None  # not a percentage


def test_proportion_scale():
    assert proportion_scale({"value_type": "PROS"}) == 100
    assert proportion_scale({"value_type": "PER100000", "unit_fi": "%"}) is None
    assert proportion_scale({"value_type": "", "unit_fi": "%"}) == 100  # a custom percentage
    assert proportion_scale({"value_type": None, "unit_fi": "/ 1 000"}) is None


def test_wilson_interval_by_hand():
    # 9.0 % of 200: z²/n = 0.0192073, centre 0.0977266, half-width 0.0400392
    low, high = wilson(0.09, 200)
    assert low == pytest.approx(0.057687, abs=1e-5) and high == pytest.approx(0.137766, abs=1e-5)
    assert interval(9.0, 200, 100) == pytest.approx((5.7687, 13.7766), abs=1e-3)
    # 0 of 50: the interval still has width (0 to 7.13 %), unlike the normal approximation
    low, high = wilson(0.0, 50)
    assert low == 0.0 and high == pytest.approx(0.071348, abs=1e-5)
    assert interval(9.0, None, 100) == (None, None)


def test_two_proportion_z_by_hand():
    # 12 % of 250 -> 9 % of 200: pooled 48/450 = 0.106667, SE 0.029285, z = -0.03 / SE
    assert two_proportion_z(0.12, 250, 0.09, 200) == pytest.approx(-1.0244, abs=1e-3)
    # the same percentages measured among ten times as many: SE 0.0092609
    assert two_proportion_z(0.12, 2500, 0.09, 2000) == pytest.approx(-3.2394, abs=1e-3)
    assert two_proportion_z(0.0, 50, 0.0, 60) == 0.0


def test_change_is_noise_branches():
    assert change_is_noise(12.0, 250, 9.0, 200, 100) == (True, "test")  # |z| 1.02 < 1.96
    assert change_is_noise(12.0, 2500, 9.0, 2000, 100) == (False, "test")  # |z| 3.24
    # one count missing: the threshold decides
    assert change_is_noise(40.0, None, 41.5, 300, 100, 2.0, "points") == (True, "threshold")
    assert change_is_noise(40.0, None, 42.0, 300, 100, 2.0, "points") == (False, "threshold")  # 2 is not below 2
    assert change_is_noise(8.0, None, 7.5, None, None, 10, "relative") == (True, "threshold")  # 0.5 < 0.8
    assert change_is_noise(8.0, None, 7.0, None, None, 10, "relative") == (False, "threshold")  # 1.0 ≥ 0.8
    assert change_is_noise(40.0, None, 40.5, None, None) == (False, None)  # nothing to judge by


def test_gap_change_by_hand():
    # girls 20 % -> 15 %, boys 10 % -> 10 %, 100 of each: gap 10 -> 5 points;
    # variance 0.0016 + 0.0009 + 0.001275 + 0.0009 = 0.004675, 1.96 × SD = 0.134
    before = {"value": 10.0, "female": 20.0, "male": 10.0, "n_female": 100, "n_male": 100}
    after = {"value": 5.0, "female": 15.0, "male": 10.0, "n_female": 100, "n_male": 100}
    assert gap_change_is_noise(before, after, 100) == (True, "test")
    big = {"n_female": 1000, "n_male": 1000}
    assert gap_change_is_noise({**before, **big}, {**after, **big}, 100) == (False, "test")  # 1.96 × SD = 0.042
    unknown = {"n_female": None, "n_male": None}
    assert gap_change_is_noise({**before, **unknown}, {**after, **unknown}, 100, 6.0) == (True, "threshold")
    assert gap_change_is_noise({**before, **unknown}, {**after, **unknown}, 100) == (False, None)


# the README's worked example: lower is better, 12.0 % in 2019, 9.0 % in 2023, target 8.0 % in 2025
WORKED = ({2019: 12.0, 2023: 9.0}, "lower", 2019, None, 2025, 8.0)


def test_worked_example_small_municipality_is_within_the_margin():
    result = assess(*WORKED, counts={2019: 250, 2023: 200}, scale=100)
    assert (result.progress, result.rule) == ("within_margin", "test")


def test_worked_example_large_municipality_is_on_track():
    result = assess(*WORKED, counts={2019: 2500, 2023: 2000}, scale=100)
    assert result.progress == "on_track" and result.rule is None
    assert result.observed_per_year == pytest.approx(0.75) and result.needed_per_year == pytest.approx(0.5)


def test_reached_wins_over_the_margin():
    result = assess({2019: 12.0, 2023: 9.0}, "lower", 2019, None, 2025, 9.5, counts={2019: 250, 2023: 200}, scale=100)
    assert result.progress == "reached"


def test_margin_also_holds_back_wrong_way():
    assert evaluate("higher", 2019, 40, 2023, 38, 2024, 60) == "wrong_way"
    assert evaluate("higher", 2019, 40, 2023, 38, 2024, 60, within_margin=True) == "within_margin"
    result = assess({2019: 40.0, 2023: 38.5}, "higher", 2019, None, 2024, 60.0, threshold=2.0)
    assert (result.progress, result.rule) == ("within_margin", "threshold")
    result = assess({2019: 40.0, 2023: 37.5}, "higher", 2019, None, 2024, 60.0, threshold=2.0)
    assert result.progress == "wrong_way"


def test_a_typed_baseline_does_not_borrow_the_count_of_the_data():
    # the typed 12.5 is not the data's 12.0: its count is unknown, so no test and no threshold
    result = assess(*WORKED[:3], 12.5, 2025, 8.0, counts={2019: 250, 2023: 200}, scale=100)
    assert result.progress == "on_track" and result.rule is None  # 0.875 a year against 0.5 needed
