import re
import string
from pathlib import Path

import pytest

from lape_plan import i18n
from lape_plan.errors import ConflictError, ValidationError
from lape_plan.model import LANGS

ROOT = Path(__file__).resolve().parents[2]


def _placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_with_the_same_placeholders():
    problems = []
    for key, texts in i18n.catalogue().items():
        for lang in LANGS:
            if not (texts.get(lang) or "").strip():
                problems.append(f"{key}: no {lang}")
        if len({frozenset(_placeholders(texts.get(lang, ""))) for lang in LANGS}) > 1:
            problems.append(f"{key}: placeholders differ")
    assert problems == []


def test_every_key_used_in_code_exists():
    pattern = re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("lape_plan/**/*.py")]:
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys at all"
    assert sorted(used - set(i18n.catalogue())) == []


def test_every_error_key_raised_exists():
    pattern = re.compile(r"""(?:Error|Denied|NotFound|Rejected)\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']""")
    raised = set()
    for path in ROOT.glob("lape_plan/**/*.py"):
        raised |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert raised and sorted(raised - set(i18n.catalogue())) == []


def test_missing_key_raises():
    with pytest.raises(KeyError):
        i18n.t("no.such.key")


@pytest.mark.parametrize(
    "value, lang, decimals, expected",
    [
        (1234.5, "fi", None, "1\u00a0234,5"),
        (1234.5, "sv", 2, "1\u00a0234,50"),
        (1234.5, "en", None, "1,234.5"),
        (-2.25, "fi", 1, "\u22122,3"),  # halves away from zero, as people round
        (12.5, "fi", 0, "13"),
        (8.15, "fi", 1, "8,2"),  # the typed 8.15, not the float 8.1499999...
        (8.25, "fi", None, "8,25"),  # a stored value as typed: a target of 8,25 is not "8,2"
        (0.05, "en", None, "0.05"),
        (0.1 + 0.2, "fi", None, "0,3"),  # a sum's float noise is no decimal of its own
        (-0.04, "fi", 1, "0,0"),  # rounds to zero: no minus sign
        (-0.0, "sv", None, "0"),
        (3, "fi", None, "3"),
        (None, "fi", None, "–"),
    ],
)
def test_number_format(value, lang, decimals, expected):
    assert i18n.number(value, lang, decimals) == expected


def test_dates():
    assert i18n.date("2020-03-12", "fi") == "12.3.2020"
    assert i18n.date("2020-03-12", "en") == "2020-03-12"
    assert i18n.timestamp("2026-01-15T10:00:00+00:00", "sv") == "15.1.2026 12:00"
    # a stored moment (UTC) is dated by its day in Finland: a version frozen at 23:30 UTC is the next day's
    assert i18n.date("2026-12-01T22:30:00+00:00", "fi") == "2.12.2026"
    assert i18n.date("2026-12-01T21:59:59+00:00", "sv") == "1.12.2026"
    assert i18n.date("2026-07-01T21:00:00+00:00", "en") == "2026-07-02"
    assert i18n.timestamp("2026-12-01T22:30:00", "fi") == "2.12.2026 00:30"  # without an offset: UTC too


def test_error_text_names_field_in_language():
    err = ValidationError("error.too_long", field="title_fi", max=300, length=301)
    assert i18n.error_text(err, "fi").startswith("Otsikko suomeksi: teksti on liian pitkä (301")
    assert i18n.error_text(err, "sv").startswith("Rubrik på finska:")
    text = i18n.error_text(ConflictError(by="Anna", at="2026-01-15T10:00:00+00:00"), "en")
    assert "Anna" in text and "15" in text


def test_md_escape_leaves_no_markdown_or_html_active():
    from lape_plan.ui.text import md_escape

    assert md_escape(
        "<b>x</b> **y** [l](http://e) # h"
    ) == "\\<b\\>x\\</b\\> \\*\\*y\\*\\* \\[l\\]\\(http\\:\\/\\/e\\) \\# h".replace("\\/", "/")
    assert md_escape(None) == ""
    assert md_escape("1. rivi\n2. rivi") == "1\\. rivi 2\\. rivi"


@pytest.mark.parametrize(
    ("utc", "finnish"),
    [
        ("2026-12-01T21:59:00", "2026-12-01"),  # winter, UTC+2
        ("2026-12-01T22:00:00", "2026-12-02"),
        ("2026-07-01T20:59:00", "2026-07-01"),  # summer, UTC+3
        ("2026-07-01T21:00:00", "2026-07-02"),
    ],
)
def test_today_is_the_date_in_finland(utc, finnish):
    import datetime as dt

    moment = dt.datetime.fromisoformat(utc).replace(tzinfo=dt.timezone.utc)
    assert i18n.today(moment).isoformat() == finnish


def test_no_code_takes_the_servers_own_date():
    """A server in a container runs in UTC: `date.today()` would be the day before in Finland for
    two or three hours each night (the idea page listed a plan whose period had ended)."""
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for folder in ("lape_plan", "pages", "benchmarks")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "date.today()" in line
    ]
    assert found == []


def test_finnish_time_needs_no_time_zone_data_from_the_system():
    """A slim container may have no /usr/share/zoneinfo: Europe/Helsinki then comes from the
    pinned `tzdata` package (requirements.txt), which zoneinfo falls back to."""
    import datetime as dt
    import zoneinfo

    zoneinfo.reset_tzpath(to=[])
    try:
        helsinki = zoneinfo.ZoneInfo.no_cache("Europe/Helsinki")
    finally:
        zoneinfo.reset_tzpath()
    assert dt.datetime(2026, 12, 1, 22, 30, tzinfo=dt.timezone.utc).astimezone(helsinki).day == 2
