"""Parsing numbers, years, euros and percentages as people type them and files bring them.

One module for every form, file reader and command. Numbers take a decimal comma (fi, sv)
or a decimal point (en), spaces or no-break spaces between thousands, and the minus sign
"−" that spreadsheets write. A comma is never a thousands separator: "1,234" is 1.234 in
every language, so the English "1,234.5" is refused rather than guessed.

Two levels: `number`, `integer` and `year_number` raise ValueError (file readers turn it
into an import problem of their own shape); the field parsers (`decimal`, `whole`, `year`,
`euros`, `percent`) raise ValidationError naming the form field, with the shared message
keys (error.not_a_number, error.not_a_year, error.year_outside_plan, error.negative,
error.required). Text: `normalise_text` and `clean_text` (with the field's rules);
references: `check_orgs`."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, overload

from .errors import ValidationError
from .model import TEXT_MAX

YEAR_MIN, YEAR_MAX = 1900, 2100  # any year a plan, an indicator value or a target can have


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---------------------------------------------------------------- ValueError level (file readers)
def number(value) -> float | None:
    """A float from a JSON number or text with a decimal point or comma; None when empty.
    Raises ValueError for text that is not a number ("1_5" too), for booleans, NaN and infinities."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, (int, float)):
        result = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "").replace("\u2212", "-")
        if text == "":
            return None
        if "_" in text:  # float() takes "1_5" as 15
            raise ValueError(value)
        result = float(text.replace(",", "."))
    if not math.isfinite(result):
        raise ValueError(value)
    return result


def integer(value) -> int:
    """A whole number from an int, a float without a fraction (spreadsheets store 3 as 3.0)
    or text; ValueError otherwise (booleans too)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if value.is_integer():
            return int(value)
        raise ValueError(value)
    text = str(value).strip()
    if "_" in text:  # int() takes "2_020" as 2020
        raise ValueError(value)
    return int(text)


def year_number(value) -> int:
    """A year between YEAR_MIN and YEAR_MAX; ValueError otherwise."""
    year = integer(value)
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise ValueError(value)
    return year


# ---------------------------------------------------------------- ValidationError level (forms)
@overload
def decimal(value, field: str, required: Literal[True]) -> float: ...
@overload
def decimal(value, field: str, required: bool = False) -> float | None: ...
def decimal(value, field: str, required: bool = False) -> float | None:
    """A number typed in `field` ("12,5", "12.5", "1 200"); None when empty unless required."""
    try:
        result = number(value)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_number", field=field, value=value) from None
    if result is None and required:
        raise ValidationError("error.required", field=field)
    return result


def whole(
    value, field: str, /, key: str = "error.not_a_number", *, low: int | None = None, high: int | None = None, **params
) -> int:
    """A whole number in `field`, within low..high when given; `key` (with `params`) is the
    message for anything else, empty included."""
    try:
        result = integer(value)
    except (TypeError, ValueError):
        raise ValidationError(key, field=field, **params) from None
    if (low is not None and result < low) or (high is not None and result > high):
        raise ValidationError(key, field=field, **params)
    return result


@overload
def year(value, field: str, plan: dict | None = None, *, required: Literal[True]) -> int: ...
@overload
def year(value, field: str, plan: dict | None = None, required: bool = False) -> int | None: ...
def year(value, field: str, plan: dict | None = None, required: bool = False) -> int | None:
    """A year typed in `field`: inside the plan period when `plan` is given
    (error.year_outside_plan), else between YEAR_MIN and YEAR_MAX (error.not_a_year).
    Empty: None, or error.required when required."""
    if _empty(value):
        if required:
            raise ValidationError("error.required", field=field)
        return None
    try:
        result = integer(value)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_year", field=field, value=value) from None
    if plan is None:
        if not YEAR_MIN <= result <= YEAR_MAX:
            raise ValidationError("error.not_a_year", field=field, value=value)
    elif not plan["first_year"] <= result <= plan["last_year"]:
        raise ValidationError(
            "error.year_outside_plan", field=field, year=result, first=plan["first_year"], last=plan["last_year"]
        )
    return result


def euros(value, field: str = "resources_eur") -> float | None:
    """Euros as people type them ('1 200,50', '1200.5', '1 200 €'); None when empty; never negative."""
    try:
        result = number(value.replace("€", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_number", field=field, value=value) from None
    if result is not None and result < 0:
        raise ValidationError("error.negative", field=field, value=value)
    return result


def half_up(value: float, decimals: int = 0) -> Decimal | float:
    """`value` rounded as people round (halves away from zero), from the float's shortest decimal
    text, so 8.15 is 8.15 and not 8.1499999...; a value beyond Decimal's 28 digits as it is."""
    exact = Decimal(repr(float(value)))
    if not exact.is_finite() or exact.adjusted() >= 24:
        return value
    return exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def percent(value, field: str, key: str = "error.not_a_number") -> int | None:
    """A share 0–100 typed with or without '%' ('55', '55,5 %'), rounded to a whole
    percent; None when empty. `key`: the message for anything else."""
    try:
        result = number(value.replace("%", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise ValidationError(key, field=field, value=value) from None
    if result is None:
        return None
    if not 0 <= result <= 100:
        raise ValidationError(key, field=field, value=value)
    return int(half_up(result))


def strip_unit(value, unit: str):
    """'1 200 €' and '55 %' as people type them, without the unit; the number is checked afterwards."""
    if isinstance(value, str):
        return value.replace(unit, "").strip()
    return value


# ---------------------------------------------------------------- text
# C0/C1 control characters (NUL, escape, vertical tab ...) and lone surrogates; tab and
# newline are handled apart (kept in multi-line text, spaces elsewhere).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
# Invisible characters that are neither whitespace nor format (Cf): Hangul fillers, braille blank.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _invisible(ch: str) -> bool:
    """Whitespace, zero-width and other format characters, fillers, variation selectors."""
    return (
        ch.isspace()
        or ch in _BLANK
        or unicodedata.category(ch) == "Cf"
        or "\ufe00" <= ch <= "\ufe0f"
        or "\U000e0100" <= ch <= "\U000e01ef"
    )


def normalise_text(value, *, multiline: bool = False) -> str:
    """Text as the app stores it: Unicode NFC; control characters removed (NUL would reach
    files and exports); line breaks as \\n, kept with tabs only in multi-line text, spaces
    elsewhere; whitespace and invisible characters (zero-width space, BOM, direction marks ...)
    removed from both ends, so text that only looks empty is empty. Inside the text they stay
    (a zero-width joiner builds emoji, a soft hyphen is the writer's)."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text)
    if not multiline:
        text = text.replace("\n", " ").replace("\t", " ")
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def clean_text(value, field: str, *, required: bool = False, max_len: int = TEXT_MAX, multiline: bool = False) -> str:
    """The one cleaner of text that users and files bring in (normalise_text), with the
    field's rules: required (not empty after normalising) and a maximum length."""
    text = normalise_text(value, multiline=multiline)
    if required and not text:
        raise ValidationError("error.required", field=field)
    if len(text) > max_len:
        raise ValidationError("error.too_long", field=field, max=max_len, length=len(text))
    return text


# ---------------------------------------------------------------- references
def check_orgs(db, org_ids, plan_id: int | None = None) -> None:
    """Every id names an organisation (of the plan, when `plan_id` is given); error.unknown_org otherwise."""
    for org_id in org_ids:
        sql = "select 1 from organisations where id = ?"
        args = [org_id]
        if plan_id is not None:
            sql = "select 1 from plan_organisations where org_id = ? and plan_id = ?"
            args.append(plan_id)
        if not db.execute(sql, args).fetchone():
            raise ValidationError("error.unknown_org", field="org", id=org_id)
