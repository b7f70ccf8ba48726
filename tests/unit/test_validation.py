"""lape_plan/validation.py: numbers, years, euros and percentages as typed in fi, sv and en."""

import pytest

from lape_plan import validation as v
from lape_plan.errors import ValidationError

PLAN = {"first_year": 2020, "last_year": 2024}


def _refused(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        call(*args, **kwargs)
    return err.value


@pytest.mark.parametrize(
    "typed, value",
    [
        ("12,5", 12.5),
        ("12.5", 12.5),  # fi/sv comma, en point
        ("1 234,5", 1234.5),
        ("1\u00a0234,5", 1234.5),
        (" 1234.5 ", 1234.5),  # thousands with (no-break) spaces
        ("\u22123,5", -3.5),
        ("-3.5", -3.5),  # a spreadsheet's minus sign
        (7, 7.0),
        (7.25, 7.25),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_number_accepts(typed, value):
    assert v.number(typed) == value


@pytest.mark.parametrize(
    "typed", ["1,234.5", "1.234,5", "abc", "12 kg", True, float("nan"), "inf", float("inf"), "1_5", "1_000,5", "_1"]
)
def test_number_refuses(typed):
    """A comma is never a thousands separator: the English '1,234.5' is refused, not guessed.
    Nor is '_', which Python's float() takes ('1_5' is 15)."""
    with pytest.raises(ValueError):
        v.number(typed)


@pytest.mark.parametrize("typed, value", [(3, 3), (3.0, 3), (" 42 ", 42), ("-7", -7)])
def test_integer_accepts(typed, value):
    assert v.integer(typed) == value


@pytest.mark.parametrize("typed", [2.5, "2.5", "2,0", True, "", "x", "2_020", " 1_0 "])
def test_integer_refuses(typed):
    with pytest.raises(ValueError):
        v.integer(typed)


def test_year_number_range():
    assert v.year_number("2021") == 2021 and v.year_number(2021.0) == 2021
    for typed in ("1899", 2101, "20 21", "2_021"):
        with pytest.raises(ValueError):
            v.year_number(typed)


def test_decimal_names_the_field():
    assert v.decimal("0,5", "ind_target_value") == 0.5 and v.decimal("", "x") is None
    err = _refused(v.decimal, "puoli", "ind_target_value")
    assert (err.key, err.field, err.params["value"]) == ("error.not_a_number", "ind_target_value", "puoli")
    assert _refused(v.decimal, "", "ind_target_value", required=True).key == "error.required"


@pytest.mark.parametrize("typed", ["2021", 2021, 2021.0, " 2021 "])  # the same in every language
def test_year_accepts(typed):
    assert v.year(typed, "start_year", PLAN) == 2021
    assert v.year(typed, "ind_target_year") == 2021


def test_year_refuses_and_names_the_field():
    assert v.year("", "start_year", PLAN) is None and v.year(None, "start_year") is None
    assert _refused(v.year, "", "ind_target_year", required=True).key == "error.required"
    err = _refused(v.year, "vuosi", "start_year", PLAN)
    assert (err.key, err.field, err.params["value"]) == ("error.not_a_year", "start_year", "vuosi")
    assert _refused(v.year, "2021,5", "start_year", PLAN).key == "error.not_a_year"
    err = _refused(v.year, "2025", "end_year", PLAN)
    assert err.key == "error.year_outside_plan" and err.params == {
        "field": "end_year",
        "year": 2025,
        "first": 2020,
        "last": 2024,
    }
    assert _refused(v.year, "1850", "ind_baseline_year").key == "error.not_a_year"


@pytest.mark.parametrize(
    "typed, value",
    [
        ("1 200,50", 1200.5),
        ("1 200,50 €", 1200.5),
        ("1200.5", 1200.5),
        ("1\u00a0200 €", 1200.0),
        ("€ 0", 0.0),
        (1500, 1500.0),
        ("", None),
        (None, None),
    ],
)
def test_euros_accepts(typed, value):
    assert v.euros(typed, "planned_eur") == value


def test_euros_refuses():
    err = _refused(v.euros, "-5 €", "planned_eur")
    assert (err.key, err.field, err.params["value"]) == ("error.negative", "planned_eur", "-5 €")
    err = _refused(v.euros, "tuhat €", "actual_eur")
    assert (err.key, err.params["value"]) == ("error.not_a_number", "tuhat €")
    assert _refused(v.euros, "1,200.50", "planned_eur").key == "error.not_a_number"
    assert _refused(v.euros, float("nan")).field == "resources_eur"


@pytest.mark.parametrize(
    "typed, value",
    [
        ("55", 55),
        ("55 %", 55),
        ("55,4 %", 55),
        ("55.6%", 56),
        ("54,5", 55),  # halves up, both of them: not to the even 54
        ("55,5", 56),
        (0, 0),
        (100, 100),
        ("", None),
        (None, None),
    ],
)
def test_percent_accepts(typed, value):
    assert v.percent(typed, "fu_progress") == value


@pytest.mark.parametrize("typed", ["101", "-1", "paljon", "1,234.5 %", True])
def test_percent_refuses_with_the_callers_message(typed):
    err = _refused(v.percent, typed, "fu_progress", "follow_up.error.progress")
    assert (err.key, err.field, err.params["value"]) == ("follow_up.error.progress", "fu_progress", typed)


def test_whole_with_range_and_message():
    assert v.whole("3", "workshop_budget", low=1, high=10) == 3
    assert _refused(v.whole, "11", "workshop_budget", low=1, high=10).key == "error.not_a_number"
    err = _refused(v.whole, "x", "budget_year", "error.not_a_year", value="x")
    assert (err.key, err.field, err.params["value"]) == ("error.not_a_year", "budget_year", "x")


def test_strip_unit():
    assert v.strip_unit(" 1 200 € ", "€") == "1 200" and v.strip_unit(5, "%") == 5


def test_clean_text_lives_here_and_plans_uses_the_same():
    from lape_plan import plans

    assert plans.clean_text is v.clean_text and plans.normalise_text is v.normalise_text
    assert v.clean_text("  Hyvä\u200b  ", "title_fi") == "Hyvä"
    assert _refused(v.clean_text, "\u200b", "title_fi", required=True).key == "error.required"
    assert _refused(v.clean_text, "x" * 11, "title_fi", max_len=10).key == "error.too_long"


def test_check_orgs(demo_db):
    from lape_plan import plans

    plan = plans.plans(demo_db)[0]
    org_ids = [o["id"] for o in plans.organisations(demo_db, plan["id"])]
    v.check_orgs(demo_db, org_ids, plan["id"])
    assert _refused(v.check_orgs, demo_db, [999999]).key == "error.unknown_org"
