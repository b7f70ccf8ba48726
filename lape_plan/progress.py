"""The progress method: how far an indicator has moved toward a goal's target, and whether a
change is within the margin of error (the method is described in the README, "Progress evaluation").
Pure functions of numbers; reading values from the database is in indicators.py."""

from __future__ import annotations

from dataclasses import dataclass

from . import i18n

DIRECTIONS = ("higher", "lower")
PROGRESS = ("reached", "on_track", "too_slow", "wrong_way", "within_margin", "no_data")
Z95 = 1.959963984540054  # two-sided 95 %


# ---------------------------------------------------------------- uncertainty
def proportion_scale(indicator: dict) -> float | None:
    """100 when the indicator's values are percentages of people (Sotkanet's value type PROS, or a
    custom indicator whose unit is "%"), so that the count behind a value tells how many were
    measured; None otherwise."""
    value_type = (indicator.get("value_type") or "").strip().upper()
    if value_type == "PROS":
        return 100.0
    if not value_type and (indicator.get("unit_fi") or "").strip() == "%":
        return 100.0
    return None


def people(value, abs_value, scale) -> int | None:
    """The number of people measured behind a percentage: n = count × 100 / value. Unknown
    without the count, for a value of 0 (any n fits) or for values that are not percentages."""
    if scale is None or abs_value is None or value is None or value <= 0 or abs_value < 0 or value > scale:
        return None
    return max(1, round(abs_value * scale / value))


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion p observed among n people."""
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * ((p * (1 - p) / n + z2n / (4 * n)) ** 0.5)
    return max(0.0, centre - half), min(1.0, centre + half)


def interval(value: float, n: int | None, scale: float | None) -> tuple[float, float] | tuple[None, None]:
    """The 95 % interval of a percentage value in its own units, or (None, None) without n."""
    if n is None or scale is None:
        return None, None
    low, high = wilson(min(max(value / scale, 0.0), 1.0), n)
    return low * scale, high * scale


def two_proportion_z(p1: float, n1: int, p2: float, n2: int) -> float:
    """The pooled two-proportion z statistic of the change p1 -> p2 (0 when nothing varies)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    return 0.0 if variance <= 0 else (p2 - p1) / variance**0.5


def noise_limit(baseline_value: float, threshold, unit) -> float | None:
    """The change a person set as noise for an indicator, in the indicator's units."""
    if threshold is None:
        return None
    return threshold * abs(baseline_value) / 100 if unit == "relative" else threshold


def change_is_noise(
    baseline_value, baseline_n, latest_value, latest_n, scale, threshold=None, unit="points"
) -> tuple[bool, str | None]:
    """(is the change from baseline to latest within the margin of error, the rule used).

    With the number of people behind both values known, the change is noise when the pooled
    two-proportion z-test does not reject "no change" at the 5 % level (|z| < 1.96): rule "test".
    Otherwise, with a threshold set for the indicator, when |latest - baseline| is below it:
    rule "threshold". With neither, every change counts (rule None)."""
    if None in (baseline_value, latest_value):
        return False, None
    if scale is not None and baseline_n and latest_n:
        z = two_proportion_z(baseline_value / scale, baseline_n, latest_value / scale, latest_n)
        return abs(z) < Z95, "test"
    limit = noise_limit(baseline_value, threshold, unit)
    if limit is None:
        return False, None
    return abs(latest_value - baseline_value) < limit, "threshold"


def gap_change_is_noise(before: dict, after: dict, scale, threshold=None, unit="points") -> tuple[bool, str | None]:
    """Like change_is_noise for the gap girls minus boys: with all four counts known, a Wald test
    of the change of the gap (its variance the sum of the four values' p(1-p)/n); else the threshold."""
    counts = [before.get("n_female"), before.get("n_male"), after.get("n_female"), after.get("n_male")]
    if scale is not None and all(counts):
        shares = [before["female"] / scale, before["male"] / scale, after["female"] / scale, after["male"] / scale]
        variance = sum(p * (1 - p) / n for p, n in zip(shares, counts))
        change = abs(after["value"]) - abs(before["value"])
        return (variance <= 0 and change == 0) or (variance > 0 and abs(change) / scale < Z95 * variance**0.5), "test"
    limit = noise_limit(before["value"], threshold, unit)
    if limit is None:
        return False, None
    return abs(abs(after["value"]) - abs(before["value"])) < limit, "threshold"


# ---------------------------------------------------------------- progress
@dataclass
class Assessment:
    progress: str
    baseline_value: float | None
    latest_year: int | None
    latest_value: float | None
    observed_per_year: float | None = None
    needed_per_year: float | None = None
    rule: str | None = None  # how "within the margin" was decided: "test", "threshold" or None


def evaluate(
    direction,
    baseline_year,
    baseline_value,
    latest_year,
    latest_value,
    target_year,
    target_value,
    within_margin: bool = False,
) -> str:
    """Classify progress toward a target (method in the README, "Progress evaluation").

    direction: "higher" or "lower" is better; None infers it from target vs baseline.
    within_margin: the change since the baseline is not distinguishable from zero."""
    return assess_points(
        direction, baseline_year, baseline_value, latest_year, latest_value, target_year, target_value, within_margin
    )[0]


def assess_points(
    direction,
    baseline_year,
    baseline_value,
    latest_year,
    latest_value,
    target_year,
    target_value,
    within_margin: bool = False,
):
    """(progress class, observed good change per year, needed good change per year)."""
    if None in (baseline_year, baseline_value, latest_year, latest_value, target_year, target_value):
        return "no_data", None, None
    if direction not in DIRECTIONS:
        if target_value == baseline_value:
            return "no_data", None, None
        direction = "higher" if target_value > baseline_value else "lower"
    sign = 1 if direction == "higher" else -1
    eps = 1e-9 * max(1.0, abs(target_value), abs(baseline_value))
    if sign * (latest_value - target_value) >= -eps:
        return "reached", None, None
    if latest_year <= baseline_year:
        return "no_data", None, None  # a single data point: no trend yet
    observed = sign * (latest_value - baseline_value) / (latest_year - baseline_year)
    if within_margin:
        return "within_margin", observed, None
    if observed < -eps:
        return "wrong_way", observed, None
    if abs(observed) <= eps or latest_year >= target_year:
        return "too_slow", observed, None
    needed = sign * (target_value - latest_value) / (target_year - latest_year)
    return ("on_track" if observed >= needed - eps else "too_slow"), observed, needed


def assess(
    values: dict[int, float],
    direction,
    baseline_year,
    baseline_value,
    target_year,
    target_value,
    counts: dict[int, int] | None = None,
    scale: float | None = None,
    threshold=None,
    unit="points",
    gaps: dict[int, dict] | None = None,
) -> Assessment:
    """Progress of one link from the values of its region by year. Missing years are fine:
    the latest value is the most recent year at or after the baseline year. `counts` (year ->
    people measured) and `scale` allow the test of the change; `threshold` and `unit` are the
    indicator's noise threshold; `gaps` (year -> gap row) switches to the gap's test."""
    counts = counts or {}
    data_baseline = values.get(baseline_year) if baseline_year is not None else None
    if baseline_value is None and baseline_year is not None:
        baseline_value = data_baseline
    later = [y for y in values if baseline_year is None or y >= baseline_year]
    latest_year = max(later) if later else None
    latest_value = values.get(latest_year) if latest_year is not None else None
    # the count of the baseline year applies only when the baseline is that year's value
    same = data_baseline is not None and baseline_value is not None and abs(data_baseline - baseline_value) < 1e-9
    if gaps is not None and same and latest_year in gaps and baseline_year in gaps:
        within, rule = gap_change_is_noise(gaps[baseline_year], gaps[latest_year], scale, threshold, unit)
    else:
        within, rule = change_is_noise(
            baseline_value,
            counts.get(baseline_year) if same else None,
            latest_value,
            counts.get(latest_year) if latest_year is not None else None,
            scale,
            threshold,
            unit,
        )
    progress, observed, needed = assess_points(
        direction, baseline_year, baseline_value, latest_year, latest_value, target_year, target_value, within
    )
    return Assessment(
        progress,
        baseline_value,
        latest_year,
        latest_value,
        observed,
        needed,
        rule if progress == "within_margin" else None,
    )


def progress_label(progress: str, lang: str) -> str:
    return i18n.t(f"indicators.progress.{progress}", lang)
