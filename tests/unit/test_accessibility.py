"""Accessibility rules that need no browser: chart colours, text alternatives, counted
messages, page titles and the statement."""

import re

import pytest

from lape_plan import i18n, workshop
from lape_plan.charts import (
    budget as budget_charts,
    follow_up as follow_up_charts,
    indicators as charts,
    workshop as workshop_charts,
)
from lape_plan.follow_up import NO_UPDATE, NOT_SCHEDULED, STATUSES
from lape_plan.model import LANGS


def luminance(colour: str) -> float:
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#56B4E9", "#ffffff"), 2) < 3  # the old indicator blue the audit found


def test_chart_lines_and_bars_are_at_least_3_to_1_on_white():
    colours = {
        **charts.PROGRESS_COLOURS,
        **{f"kind.{k}": v for k, v in charts.KIND_COLOURS.items()},
        "other_county": charts.OTHER_COUNTY,
        **budget_charts.COLOURS,
        **{f"municipality.{i}": c for i, c in enumerate(charts.MUNICIPALITY_COLOURS)},
    }
    weak = {name: round(contrast(c, "#ffffff"), 2) for name, c in colours.items() if contrast(c, "#ffffff") < 3}
    assert weak == {}


def test_heatmap_statuses_differ_by_symbol_and_lightness():
    statuses = [*STATUSES, NO_UPDATE]
    symbols = [follow_up_charts.SYMBOLS[s] for s in statuses]
    assert all(symbols) and len(set(symbols)) == len(symbols)
    assert follow_up_charts.SYMBOLS[NOT_SCHEDULED] == ""
    # the pairs the audit found at 1.06:1 now differ in lightness as well as hue
    c = follow_up_charts.COLOURS
    assert contrast(c["not_started"], c["delayed"]) >= 2.5
    assert contrast(c["on_track"], c["done"]) >= 2.5
    for status in statuses:  # each cell's symbol is readable on its colour
        ink = "#ffffff" if status in follow_up_charts.ON_DARK else "#111111"
        assert contrast(ink, c[status]) >= 4.5, status


def _cells():
    return [
        {"label": "1.1 Harrastukset", "year": 2025, "status": "on_track", "progress": 40, "updated_by": "A"},
        {"label": "1.1 Harrastukset", "year": 2026, "status": "delayed", "progress": None},
        {"label": "1.2 Nuorisotila", "year": 2025, "status": NO_UPDATE, "progress": None},
    ]


def test_heatmap_cells_carry_their_symbol_and_a_table_gives_the_same_figures():
    labels = {s: i18n.t(f"follow_up.status.{s}", "fi") for s in follow_up_charts.ORDER}
    spec = follow_up_charts.status_heatmap(_cells(), labels, "Kohde", "Vuosi", "Tila", "Eteneminen", "Kuka").to_dict()
    text_layer = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert text_layer and text_layer[0]["encoding"]["text"]["field"] == "symbol"
    rows = list(spec["datasets"].values())[0]
    assert {r["symbol"] for r in rows} == {"▶", "!", "?"}
    assert "▶ Etenee" in {r["status"] for r in rows}  # the legend pairs symbol and name
    table = follow_up_charts.table(_cells(), labels, "Kohde")
    assert list(table.columns) == ["Kohde", "2025", "2026"]
    first = table.iloc[0].to_dict()
    assert first == {"Kohde": "1.1 Harrastukset", "2025": "▶ Etenee (40 %)", "2026": "! Viivästynyt"}
    assert table.iloc[1]["2025"] == "? Ei päivitystä"


def test_ranking_alt_lists_the_same_proposals_and_counts():
    ranking = [{"id": 1, "text": "Kerho", "votes": 1}, {"id": 2, "text": "Nuorisotila", "votes": 3}]
    assert (
        workshop.ranking_alt(ranking, "fi")
        == "Eniten ääniä saaneet ehdotukset: 1. Nuorisotila: 3 ääntä; 2. Kerho: 1 ääni"
    )
    assert workshop.ranking_alt([], "sv") == "Inga röster ännu."
    axis = workshop_charts.ranking_chart(ranking, "fi").to_dict()["layer"][0]["encoding"]["x"]["axis"]
    assert contrast(axis["titleColor"], "#ffffff") >= 4.5  # the projector's axis title


def counted_keys():
    """Every message where a count stands next to the word it counts ("{n} päivitystä")."""
    pattern = re.compile(r"\{(?:%s)\}\s+[^\W\d_]" % "|".join(i18n.COUNTS))
    return sorted(
        key
        for key, texts in i18n.catalogue().items()
        if not key.endswith(".one") and any(pattern.search(texts[lang]) for lang in LANGS)
    )


def test_every_counted_message_has_a_singular():
    keys = counted_keys()
    assert "follow_up.bulk_saved" in keys and "error.import_rejected" in keys  # the scan finds them
    assert [k for k in keys if f"{k}.one" not in i18n.catalogue()] == []


@pytest.mark.parametrize(
    ("key", "values", "fi", "en"),
    [
        ("follow_up.bulk_saved", {"n": 1}, "1 päivitys tallennettu.", "1 update saved."),
        ("follow_up.bulk_saved", {"n": 2}, "2 päivitystä tallennettu.", "2 updates saved."),
        ("error.import_rejected", {"count": 1}, "1 virheellinen rivi", "1 bad row."),
        ("a11y.votes", {"n": 1}, "1 ääni", "1 vote"),
        ("a11y.votes", {"n": 0}, "0 ääntä", "0 votes"),
    ],
)
def test_counted_messages_take_the_right_form(key, values, fi, en):
    assert fi in i18n.t(key, "fi", **values)
    assert en in i18n.t(key, "en", **values)


def test_no_status_reads_as_behind_schedule():
    assert i18n.t("follow_up.status.not_scheduled", "fi") != "Ei aikataulussa"
    assert "vuodelle" in i18n.t("follow_up.status.not_scheduled", "fi")


def test_page_titles_name_the_page_first():
    from lape_plan.ui import a11y

    assert a11y.page_title("follow_up", "fi") == "Seuranta – LAPE"
    assert a11y.page_title("follow_up", "sv") == "Uppföljning – LAPE"
    assert a11y.page_title("accessibility", "en") == "Accessibility statement – LAPE"
    assert a11y.page_title("unknown", "fi") == "LAPE"
    from pathlib import Path

    pages = {p.stem for p in (Path(__file__).resolve().parents[2] / "pages").glob("*.py")}
    assert pages <= set(a11y.TITLE_KEYS)  # every page has its own title


def test_statement_says_what_is_not_met_and_how_to_give_feedback():
    for lang in ("fi", "sv", "en"):
        text = i18n.t("a11y.statement", lang)
        assert "306/2019" in text and "14" in text and "Streamlit" in text and "WCAG 2.1" in text
