"""Altair chart of a workshop's results: data in, chart out (no database, no streamlit)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from .. import i18n
from ..workshop import PROJECTOR_TOP

CHART_ROW_PX = 58


def ranking_chart(ranking: list[dict], lang: str, top: int = PROJECTOR_TOP):
    """Horizontal bars of the most-voted proposals: big type and dark bars on white for a projector."""
    rows = [
        {"rank": i, "proposal": f"{i}. {_shorten(p['text'], 70)}", "votes": p["votes"]}
        for i, p in enumerate(sorted(ranking, key=lambda p: (-p["votes"], p["id"]))[:top], 1)
    ]
    frame = pd.DataFrame(rows, columns=["rank", "proposal", "votes"])
    votes_title = i18n.t("workshop.count.votes", lang)
    # Read from the back row of a 1920 × 1080 room: every label and number ≥ 28 px, all text near-black.
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "proposal:N",
            sort=alt.SortField("rank"),
            title=None,
            axis=alt.Axis(labelFontSize=28, labelLimit=820, labelColor="#111827"),
        ),
        x=alt.X(
            "votes:Q",
            title=votes_title,
            axis=alt.Axis(
                labelFontSize=28,
                titleFontSize=28,
                tickMinStep=1,
                format="d",
                labelColor="#111827",
                titleColor="#111827",
            ),
        ),
    )
    bars = base.mark_bar(color="#0b4f9c")
    labels = base.mark_text(align="left", dx=8, fontSize=32, fontWeight="bold", color="#111827").encode(text="votes:Q")
    return (bars + labels).properties(height=max(CHART_ROW_PX * len(rows), 120)).configure_view(stroke=None)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
