"""Altair chart of child budgeting: data in, chart out (no database, no streamlit)."""

from __future__ import annotations

import altair as alt

from . import number_locale

COLOURS = {
    "planned": "#1f5fae",
    "actual": "#b85c00",
}  # blue/orange stay apart for colour-vision deficiencies; both ≥ 3:1 on white
TEXT = "#31333f"


def preventive_share(
    rows: list[dict], series_labels: dict[str, str], year_title: str, share_title: str, lang: str
) -> alt.Chart:
    """The share of preventive and early-support euros per year, one line for planned and
    one for actual euros. `rows`: dicts of year, planned and actual shares (0–1 or None,
    a year without classified euros leaves a gap). Labels come translated."""
    data = [
        {"year": str(r["year"]), "series": series_labels[key], "share": r[f"preventive_{key}"]}
        for r in rows
        for key in ("planned", "actual")
        if r[f"preventive_{key}"] is not None
    ]
    scale = alt.Scale(domain=[series_labels[k] for k in COLOURS], range=list(COLOURS.values()))
    # the chart's text alternative and the table beside it carry the figures; the marks' own
    # ARIA groups are unlabelled (an empty one for a series without euros fails WCAG 1.1.1)
    chart = (
        alt.Chart(alt.Data(values=data))
        .mark_line(point=alt.OverlayMarkDef(size=80, aria=False), strokeWidth=3, aria=False)
        .encode(
            x=alt.X(
                "year:O",
                title=year_title,
                sort=[str(r["year"]) for r in rows],
                scale=alt.Scale(domain=[str(r["year"]) for r in rows]),
                axis=alt.Axis(labelAngle=0, labelColor=TEXT, titleColor=TEXT, labelFontSize=14, titleFontSize=14),
            ),
            y=alt.Y(
                "share:Q",
                title=share_title,
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(
                    labelExpr="format(datum.value * 100, '.0f') + '\u00a0%'",
                    labelColor=TEXT,
                    titleColor=TEXT,
                    labelFontSize=14,
                    titleFontSize=14,
                ),
            ),
            color=alt.Color(
                "series:N",
                title=None,
                scale=scale,
                legend=alt.Legend(orient="bottom", labelColor=TEXT, labelFontSize=14),
            ),
            tooltip=[
                alt.Tooltip("year:O", title=year_title),
                alt.Tooltip("series:N", title=share_title),
                alt.Tooltip("share:Q", title=share_title, format=".1%"),
            ],
        )
        .properties(height=360, width="container")
    )
    chart.config = alt.Config(locale=number_locale(lang))
    return chart
