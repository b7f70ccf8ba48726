"""Altair chart builders of the follow-up: data in, chart out (no database, no streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..follow_up import NO_UPDATE, NOT_SCHEDULED, STATUSES

# Colours read as traffic lights and stay apart for common colour-vision deficiencies
# (blue/orange axis) and in lightness, the pairs that look alike otherwise at least 2.5:1
# apart (on track light green, done dark blue; not started grey, delayed dark orange),
# and each cell also carries a symbol, so no status is told by colour alone. "No update"
# is pale with a dark red border, so a missing report stands out and never looks like a
# status; "not scheduled" is the faintest grey.
COLOURS = {
    "not_started": "#9e9e9e",
    "on_track": "#4dac26",
    "delayed": "#993404",
    "done": "#08306b",
    "cancelled": "#4d4d4d",
    NO_UPDATE: "#fdecec",
    NOT_SCHEDULED: "#f4f4f4",
}
SYMBOLS = {
    "not_started": "○",
    "on_track": "▶",
    "delayed": "!",
    "done": "✓",
    "cancelled": "✕",
    NO_UPDATE: "?",
    NOT_SCHEDULED: "",
}
# the symbol's colour on its cell: white on the dark ones, black on the rest (≥ 4.5:1 each)
ON_DARK = {"delayed", "done", "cancelled"}
ORDER = (*STATUSES, NO_UPDATE, NOT_SCHEDULED)
TEXT = "#31333f"  # axis text dark enough to read (the default grey is below 4.5:1)


def status_heatmap(
    cells: list[dict],
    status_labels: dict[str, str],
    item_title: str,
    year_title: str,
    status_title: str,
    progress_title: str,
    by_title: str,
    max_label: int = 60,
    label_limit: int = 560,
) -> alt.LayerChart | alt.FacetChart:  # the type of altair's `+`; no facets here, so a LayerChart
    """Items (rows, in the given order) × years, coloured by status.

    `cells`: dicts with `label` (the item's number and title), `year`, `status`, `progress`
    (number or None), `updated_by`. Labels come from the caller, already translated."""
    # each status's name carries its cell symbol, so the legend and the tooltip pair them
    status_labels = {s: f"{SYMBOLS[s]} {text}".strip() for s, text in status_labels.items()}
    frame = pd.DataFrame(
        [
            {
                "item": _short(c["label"], max_label),
                "year": str(c["year"]),
                "status": status_labels[c["status"]],
                "symbol": SYMBOLS[c["status"]],
                "ink": "#ffffff" if c["status"] in ON_DARK else "#111111",
                "progress": "–" if c["progress"] is None else f"{c['progress']} %",
                "by": c.get("updated_by") or "–",
            }
            for c in cells
        ],
        columns=["item", "year", "status", "symbol", "ink", "progress", "by"],
    )
    items = list(dict.fromkeys(frame["item"]))
    present = [s for s in ORDER if status_labels[s] in set(frame["status"])] or list(ORDER)
    scale = alt.Scale(domain=[status_labels[s] for s in present], range=[COLOURS[s] for s in present])
    x = alt.X(
        "year:O",
        title=year_title,
        axis=alt.Axis(labelAngle=0, orient="top", labelColor=TEXT, titleColor=TEXT, labelFontSize=15, titleFontSize=15),
    )
    # at most under half of the chart's width, so the cells keep room on a 320 px screen
    limit = alt.ExprRef(expr=f"clamp(containerSize()[0] * 0.45, 80, {label_limit})")
    y = alt.Y("item:N", title=None, sort=items, axis=alt.Axis(labelLimit=limit, labelColor=TEXT, labelFontSize=14))
    tooltip = [
        alt.Tooltip("item:N", title=item_title),
        alt.Tooltip("year:O", title=year_title),
        alt.Tooltip("status:N", title=status_title),
        alt.Tooltip("progress:N", title=progress_title),
        alt.Tooltip("by:N", title=by_title),
    ]
    base = alt.Chart(frame).encode(x=x, y=y, tooltip=tooltip)
    tiles = base.mark_rect().encode(
        color=alt.Color(
            "status:N",
            title=status_title,
            scale=scale,
            legend=alt.Legend(
                orient="bottom",
                columns=4,
                labelColor=TEXT,
                titleColor=TEXT,
                labelFontSize=15,
                titleFontSize=15,
                symbolSize=400,
                symbolStrokeWidth=1,
                symbolStrokeColor="#6b7280",
            ),
        ),
        stroke=alt.condition(alt.datum.status == status_labels[NO_UPDATE], alt.value("#a61b29"), alt.value("#6b7280")),
        strokeWidth=alt.condition(alt.datum.status == status_labels[NO_UPDATE], alt.value(2), alt.value(1)),
    )
    symbols = base.mark_text(fontSize=16, fontWeight="bold").encode(
        text="symbol:N", color=alt.Color("ink:N", scale=None)
    )
    return (tiles + symbols).properties(height=alt.Step(28))


def table(cells: list[dict], status_labels: dict[str, str], item_title: str) -> pd.DataFrame:
    """The heatmap's figures as a table: one row per item, one column per year, status as words."""
    years = sorted({str(c["year"]) for c in cells})
    rows: dict[str, dict] = {}
    for c in cells:
        row = rows.setdefault(c["label"], {item_title: c["label"]} | {y: "" for y in years})
        text = f"{SYMBOLS[c['status']]} {status_labels[c['status']]}".strip()
        row[str(c["year"])] = text + (f" ({c['progress']} %)" if c.get("progress") is not None else "")
    return pd.DataFrame(list(rows.values()), columns=[item_title, *years])


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
