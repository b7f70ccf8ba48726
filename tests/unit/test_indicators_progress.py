"""Progress evaluation: both directions and the edge cases."""
import pytest

from lape_plan.indicators import assess, evaluate

# direction, baseline (year, value), latest (year, value), target (year, value), expected
CASES = [
    # higher is better: target 60 in 2024 from 40 in 2019
    ("higher", (2019, 40), (2023, 61), (2024, 60), "reached"),
    ("higher", (2019, 40), (2023, 60), (2024, 60), "reached"),          # exactly on target
    ("higher", (2019, 40), (2023, 56), (2024, 60), "on_track"),         # 4/yr observed, 4/yr needed
    ("higher", (2019, 40), (2023, 50), (2024, 60), "too_slow"),         # 2.5/yr observed, 10 needed
    ("higher", (2019, 40), (2023, 38), (2024, 60), "wrong_way"),
    ("higher", (2019, 40), (2023, 40), (2024, 60), "too_slow"),         # no change
    # lower is better: target 5 in 2024 from 9 in 2019
    ("lower", (2019, 9), (2023, 4.5), (2024, 5), "reached"),
    ("lower", (2019, 9), (2023, 5.8), (2024, 5), "on_track"),           # 0.8/yr observed, 0.8 needed
    ("lower", (2019, 9), (2023, 8), (2024, 5), "too_slow"),
    ("lower", (2019, 9), (2023, 9.5), (2024, 5), "wrong_way"),
    ("lower", (2019, 9), (2023, 9), (2024, 5), "too_slow"),             # no change
    # the target was already met at the baseline
    ("higher", (2019, 70), (2023, 72), (2024, 60), "reached"),
    ("higher", (2019, 70), (2023, 55), (2024, 60), "wrong_way"),        # met once, lost since
    ("lower", (2019, 4), (2019, 4), (2024, 5), "reached"),              # one point, but it meets the target
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
    (None, (2019, 9), (2023, 9.5), (2024, 9), "no_data"),                # target equals baseline: no direction
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
