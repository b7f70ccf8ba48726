"""Altair chart builders of the follow-up: data in, chart out (no database, no streamlit)."""
from __future__ import annotations

import altair as alt
import pandas as pd

from .follow_up import NO_UPDATE, NOT_SCHEDULED, STATUSES

# Colours read as traffic lights and stay apart for common colour-vision deficiencies
# (blue/orange axis). "No update" is pale with a dark red border, so a missing report
# stands out and never looks like a status; "not scheduled" is the faintest grey.
COLOURS = {
    "not_started": "#9e9e9e",
    "on_track": "#1b7837",
    "delayed": "#e08214",
    "done": "#2166ac",
    "cancelled": "#4d4d4d",
    NO_UPDATE: "#fdecec",
    NOT_SCHEDULED: "#f4f4f4",
}
ORDER = (*STATUSES, NO_UPDATE, NOT_SCHEDULED)
TEXT = "#31333f"  # axis text dark enough to read (the default grey is below 4.5:1)


def status_heatmap(cells: list[dict], status_labels: dict[str, str], item_title: str, year_title: str,
                   status_title: str, progress_title: str, by_title: str, max_label: int = 60) -> alt.Chart:
    """Items (rows, in the given order) × years, coloured by status.

    `cells`: dicts with `label` (the item's number and title), `year`, `status`, `progress`
    (number or None), `updated_by`. Labels come from the caller, already translated."""
    frame = pd.DataFrame(
        [{"item": _short(c["label"], max_label), "year": str(c["year"]), "status": status_labels[c["status"]],
          "progress": "–" if c["progress"] is None else f"{c['progress']} %", "by": c.get("updated_by") or "–"}
         for c in cells],
        columns=["item", "year", "status", "progress", "by"],
    )
    items = list(dict.fromkeys(frame["item"]))
    present = [s for s in ORDER if status_labels[s] in set(frame["status"])] or list(ORDER)
    scale = alt.Scale(domain=[status_labels[s] for s in present], range=[COLOURS[s] for s in present])
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X("year:O", title=year_title, axis=alt.Axis(labelAngle=0, orient="top", labelColor=TEXT,
                                                             titleColor=TEXT, labelFontSize=15, titleFontSize=15)),
            y=alt.Y("item:N", title=None, sort=items, axis=alt.Axis(labelLimit=560, labelColor=TEXT, labelFontSize=14)),
            color=alt.Color("status:N", title=status_title, scale=scale,
                            legend=alt.Legend(orient="bottom", columns=4, labelColor=TEXT, titleColor=TEXT,
                                              labelFontSize=15, titleFontSize=15, symbolSize=400, symbolStrokeWidth=1,
                                              symbolStrokeColor="#9e9e9e")),
            stroke=alt.condition(alt.datum.status == status_labels[NO_UPDATE], alt.value("#a61b29"),
                                 alt.value("#c8c8c8")),
            strokeWidth=alt.condition(alt.datum.status == status_labels[NO_UPDATE], alt.value(2), alt.value(1)),
            tooltip=[alt.Tooltip("item:N", title=item_title), alt.Tooltip("year:O", title=year_title),
                     alt.Tooltip("status:N", title=status_title), alt.Tooltip("progress:N", title=progress_title),
                     alt.Tooltip("by:N", title=by_title)],
        )
        .properties(height=alt.Step(28))
    )


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
