"""The UI string catalogue (fi default, sv, en) and language-aware formatting.

Each file in locales/ maps a key to its three translations, so one feature's
strings live together and a missing translation is easy to spot. Lookups take
the language explicitly: sessions share one process, so there is no global
current language."""

from __future__ import annotations

import datetime as dt
import json
import re
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from .errors import Term
from .model import LANGS
from .validation import half_up

DEFAULT_LANG = "fi"
LOCALES = Path(__file__).parent / "locales"
FINLAND = ZoneInfo("Europe/Helsinki")


def today(now: dt.datetime | None = None) -> dt.date:
    """The date in Finland now (or at the aware moment `now`), whatever the server's time zone:
    a container runs in UTC, two or three hours behind, and would count the first hours after
    Finnish midnight as the day before (an idea period's days, a document's date)."""
    return (now or dt.datetime.now(dt.timezone.utc)).astimezone(FINLAND).date()


def day_starts(day: str) -> str:
    """The moment a Finnish calendar day (ISO date) starts, as a stored UTC timestamp (`db.now`'s
    format), to select stored moments by the days people see them on."""
    start = dt.datetime.combine(dt.date.fromisoformat(day), dt.time(), tzinfo=FINLAND)
    return start.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES.glob("*.json")):
        for key, texts in json.loads(path.read_text(encoding="utf-8")).items():
            if key in merged:
                raise ValueError(f"duplicate i18n key {key!r} in {path.name}")
            merged[key] = texts
    return merged


COUNTS = ("n", "count", "max")  # the placeholders that count something: "{n} päivitystä"


def t(key: str, lang: str = DEFAULT_LANG, **values) -> str:
    """The text of `key` in `lang`, filled in. A counted message ({n} or {count}) has its
    singular under `key.one`, used when the count is exactly one."""
    count = next((values[name] for name in COUNTS if name in values), None)
    if count == 1 and f"{key}.one" in catalogue():
        key = f"{key}.one"
    entry = catalogue().get(key)
    if entry is None:
        raise KeyError(f"missing i18n key {key!r}")
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if values:
        text = text.format(**{k: _fmt_value(v, lang) for k, v in values.items()})
    return text


def _fmt_value(value, lang):
    if isinstance(value, float):
        return number(value, lang)
    return value


def decimals_of(value, least: int = 0, most: int = 4) -> int:
    """The fewest decimals, at least `least`, that show `value` as it is (a typed 8.25 stays 8,25,
    a sum of cents carries no float noise)."""
    return next((d for d in range(least, most + 1) if abs(round(value, d) - value) < 1e-9), most)


def number(value, lang: str = DEFAULT_LANG, decimals: int | None = None) -> str:
    """1234.5 -> '1 234,5' in fi and sv, '1,234.5' in en; None -> '–'. Without `decimals`, as
    many as the value has (a stored target or euro sum is shown as typed, never rounded). Halves
    round up, as people do (12,5 % -> 13 %), and what rounds to zero shows no minus sign."""
    if value is None:
        return "–"
    if decimals is None:
        decimals = decimals_of(value)
    rounded = half_up(value, decimals)
    text = f"{abs(rounded) if rounded == 0 else rounded:,.{decimals}f}"
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u00a0").replace(".", ",").replace("-", "\u2212")
    return text


def _in_finland(value) -> dt.datetime:
    """A stored moment (UTC; one without an offset is UTC too) as the time in Finland."""
    moment = dt.datetime.fromisoformat(str(value))
    return (moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)).astimezone(FINLAND)


def date(value, lang: str = DEFAULT_LANG) -> str:
    """ISO date, or a stored moment's day in Finland -> 12.3.2020 (fi, sv) or 2020-03-12 (en)."""
    if not value:
        return "–"
    text = str(value)
    d = _in_finland(text).date() if len(text) > 10 else dt.date.fromisoformat(text)
    if lang in ("fi", "sv"):
        return f"{d.day}.{d.month}.{d.year}"
    return d.isoformat()


def timestamp(value, lang: str = DEFAULT_LANG) -> str:
    """Stored UTC timestamp -> local date and time in Finland."""
    if not value:
        return "–"
    moment = _in_finland(value)
    return f"{date(moment.date().isoformat(), lang)} {moment:%H:%M}"


def actor_name(name: str | None, lang: str = DEFAULT_LANG) -> str:
    """A stored actor name as shown: the app's own actors ("system", "participant #3")
    in the reader's language, people's names as they are."""
    if name == "system":
        return t("actor.system", lang)
    match = re.fullmatch(r"participant(?: #(\d+))?", name or "")
    if match:
        return t("actor.participant", lang) + (f" #{match[1]}" if match[1] else "")
    return name or ""


def label(prefix: str, value, lang: str = DEFAULT_LANG) -> str:
    """The catalogue's label for a stored code (prefix.value), or the code itself when
    the catalogue has none (a value written by a newer version, say)."""
    entry = catalogue().get(f"{prefix}.{value}")
    return (entry.get(lang) or entry[DEFAULT_LANG]) if entry else str(value)


def language_name(lang: str) -> str:
    return {"fi": "Suomi", "sv": "Svenska", "en": "English"}[lang]


def error_text(err, lang: str, escape=None) -> str:
    """A typed error (lape_plan.errors) in the user's language; `escape`, when given, is
    applied to each text value filled in (for Markdown, say)."""
    params = dict(err.params)
    if params.get("field"):
        field_key = f"field.{params['field']}"
        params["field"] = t(field_key, lang) if field_key in catalogue() else params["field"]
    for k in ("at",):
        if params.get(k):
            params[k] = timestamp(params[k], lang)
    for k, v in params.items():
        if isinstance(v, Term):
            params[k] = ", ".join(t(key, lang) for key in v.keys)
    if escape:
        params = {k: escape(v) if isinstance(v, str) else v for k, v in params.items()}
    return t(err.key, lang, **params)


__all__ = ["t", "number", "date", "timestamp", "catalogue", "LANGS", "error_text"]
