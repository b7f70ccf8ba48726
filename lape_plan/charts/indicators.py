"""Altair chart builders of the indicators: data in, chart out. Sized for a projector: large fonts,
thick lines, numbers in the reader's language (decimal comma in fi and sv)."""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from .. import i18n
from ..progress import PROGRESS
from . import number_locale

FONT = {"axis_label": 16, "axis_title": 18, "legend": 16, "title": 22, "header": 16}
PROGRESS_COLOURS = {
    "reached": "#1a7f37",
    "on_track": "#1f5fae",
    "too_slow": "#b35900",
    "wrong_way": "#c0262d",
    "within_margin": "#6f4fa0",
    "no_data": "#6b6b6b",
}
TEXT = "#1f2937"  # labels, legends and titles: the default light grey fades on a projector
KIND_COLOURS = {"municipality": "#7a8fa6", "county": "#1f5fae", "plan": "#1a7f37", "country": "#3d3d3d"}
# Lines of a trend keep their kind's colour of the comparison bars (the plan area green,
# the country dark grey, the first county blue); the rest take Okabe–Ito hues darkened to
# at least 3:1 on white (WCAG 1.4.11), which stay apart with colour-vision deficiencies
# and on a projector.
OTHER_COUNTY = "#1f7a8c"
MUNICIPALITY_COLOURS = ["#b85c00", "#a8417f", "#c4320a", "#0072B2", "#6b6b6b", "#7d6b00"]


def region_colours(regions: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Colour scale (domain, range) for (region name, kind) pairs, in their order."""
    domain, colours, counties, municipalities = [], [], 0, 0
    for name, kind in dict.fromkeys(regions):
        if kind == "county":
            colour = KIND_COLOURS["county"] if counties == 0 else OTHER_COUNTY
            counties += 1
        elif kind in ("plan", "country"):
            colour = KIND_COLOURS[kind]
        else:
            colour = MUNICIPALITY_COLOURS[municipalities % len(MUNICIPALITY_COLOURS)]
            municipalities += 1
        domain.append(name)
        colours.append(colour)
    return domain, colours


def _style(chart, lang: str):
    # Set the whole config at once: each configure_*() call deep-copies the chart and its data.
    chart.config = alt.Config(
        locale=number_locale(lang),
        axis={
            "labelFontSize": FONT["axis_label"],
            "titleFontSize": FONT["axis_title"],
            "labelLimit": 320,
            "labelColor": TEXT,
            "titleColor": TEXT,
        },
        legend={
            "labelFontSize": FONT["legend"],
            "titleFontSize": FONT["legend"],
            "labelLimit": 420,
            "symbolSize": 200,
            "orient": "bottom",
            "direction": "horizontal",
            "columns": 3,
            "labelColor": TEXT,
            "titleColor": TEXT,
        },
        title={
            "fontSize": FONT["title"],
            "anchor": "start",
            "subtitleFontSize": FONT["legend"],
            "color": TEXT,
            "subtitleColor": TEXT,
        },
        header={
            "labelFontSize": FONT["header"],
            "titleFontSize": FONT["header"],
            "labelLimit": 0,
            "labelColor": TEXT,
            "titleColor": TEXT,
        },
        view={"strokeWidth": 0},
    )
    return chart


def _with_data(chart, name: str, rows: list[dict]):
    """Attach the rows last, as a named dataset: Altair deep-copies a chart at every step of
    building it, and rows attached earlier would be copied each time."""
    chart.datasets = {name: rows}
    return chart


def _records(frame: pd.DataFrame, **constants) -> list[dict]:
    """Rows as plain values: inline data skips Altair's pandas sanitising and hashing, which
    cost more than the rest of a chart for the few hundred points shown here."""
    return [
        {**constants, **{k: (None if isinstance(v, float) and v != v else v) for k, v in row.items()}}
        for row in frame.to_dict("records")
    ]


def _fmt(decimals) -> str:
    return f",.{int(decimals) if decimals is not None else 1}f"


def trend(
    values: pd.DataFrame,
    lang: str,
    title: str,
    unit: str = "",
    link: dict | None = None,
    decimals: int | None = 1,
    height: int = 560,
    note: str = "",
):
    """Yearly values per region (columns region, kind, year, value; optional low and high, a 95 %
    interval drawn as error bars, and n, the people measured). With `link` (baseline_year,
    baseline_value, target_year, target_value, region_name) the baseline and target are
    marked and a dashed line shows the path needed from baseline to target.

    All layers share one dataset told apart by a `layer` column: building and serialising
    the chart is the costly part of a page run, and one dataset keeps it small."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    extra = []
    if link and link.get("target_year") is not None and link.get("target_value") is not None:
        points = []
        if link.get("baseline_value") is not None:
            points.append((link["baseline_year"], link["baseline_value"], t("indicators.chart.baseline")))
        points.append((link["target_year"], link["target_value"], t("indicators.chart.target")))
        extra += [{"layer": "mark", "year": y, "value": v, "label": label, "region": None} for y, v, label in points]
        if len(points) == 2:
            extra += [{"layer": "path", "year": y, "value": v, "label": "", "region": None} for y, v, _ in points]
            extra.append(
                {
                    "layer": "path_label",
                    "year": (points[0][0] + points[1][0]) / 2,
                    "value": (points[0][1] + points[1][1]) / 2,
                    "label": t("indicators.chart.needed_path"),
                    "region": None,
                }
            )
    rows = _records(values, layer="series", label="") + extra
    axis_y = alt.Y(
        "value:Q",
        title=unit or t("indicators.chart.value"),
        axis=alt.Axis(format=_fmt(decimals)),
        scale=alt.Scale(zero=False),
    )
    axis_x = alt.X(
        "year:Q",
        title=t("indicators.chart.year"),
        axis=alt.Axis(format="d", tickMinStep=1),
        scale=alt.Scale(zero=False, nice=False),
    )
    number = _fmt(decimals)
    tooltip = [
        alt.Tooltip("region:N", title=t("indicators.chart.region")),
        alt.Tooltip("year:Q", title=t("indicators.chart.year"), format="d"),
        alt.Tooltip("value:Q", title=unit or t("indicators.chart.value"), format=number),
    ]
    intervals = "low" in values and values["low"].notna().any()
    if intervals:
        tooltip += [
            alt.Tooltip("low:Q", title=t("indicators.chart.low"), format=number),
            alt.Tooltip("high:Q", title=t("indicators.chart.high"), format=number),
            alt.Tooltip("n:Q", title=t("indicators.chart.n"), format=",d"),
        ]
    domain, colours = region_colours(list(zip(values["region"], values["kind"])))
    colour = alt.Color("region:N", title=t("indicators.chart.region"), scale=alt.Scale(domain=domain, range=colours))
    base = alt.Chart()  # the data goes once on the layer chart; each layer filters its rows
    series = base.transform_filter("datum.layer == 'series'")
    layers = [
        series.mark_line(strokeWidth=4).encode(axis_x, axis_y, colour),
        series.mark_point(size=110, filled=True).encode(axis_x, axis_y, colour, tooltip=tooltip),
    ]
    if intervals:  # error bars rather than a band: biennial surveys leave gaps a band would bridge
        layers.insert(
            0,
            base.transform_filter("datum.layer == 'series' && isValid(datum.low)")
            .mark_rule(strokeWidth=3, opacity=0.55)
            .encode(axis_x, alt.Y("low:Q"), alt.Y2("high:Q"), colour),
        )
    if extra:
        layers += [
            base.transform_filter("datum.layer == 'path'")
            .mark_line(strokeWidth=3, strokeDash=[10, 6], color="#111111")
            .encode(axis_x, axis_y),
            base.transform_filter("datum.layer == 'mark'")
            .mark_point(size=420, filled=True, color="#111111", opacity=0.9)
            .encode(
                # the marks carry their own text labels, so no legend
                axis_x,
                axis_y,
                alt.Shape(
                    "label:N",
                    legend=None,
                    scale=alt.Scale(domain=[p[2] for p in points], range=["circle", "diamond"][-len(points) :]),
                ),
                tooltip=[
                    alt.Tooltip("label:N", title=" "),
                    alt.Tooltip("year:Q", format="d"),
                    alt.Tooltip("value:Q", format=number),
                ],
            ),
            base.transform_filter("datum.layer == 'mark'")
            .mark_text(dy=-22, fontSize=16, fontWeight="bold")
            .encode(axis_x, axis_y, text="label:N"),
            base.transform_filter("datum.layer == 'path_label'")
            .mark_text(dy=24, fontSize=15, fontStyle="italic", color="#111111")
            .encode(axis_x, axis_y, text="label:N"),
        ]
    subtitle = [s for s in ((link or {}).get("region_name"), note) if s]
    chart = alt.layer(*layers, data=alt.NamedData(name="trend")).properties(
        title=alt.TitleParams(title, subtitle=subtitle), height=height, width="container"
    )
    return _with_data(_style(chart, lang), "trend", rows)


def comparison(rows: pd.DataFrame, lang: str, title: str, unit: str = "", decimals: int | None = 1, note: str = ""):
    """One indicator and year: the plan's municipalities beside the counties, the plan area and
    the country (columns region, kind, value; optional low and high, drawn as error bars),
    sorted by value."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    kinds = [k for k in KIND_COLOURS if k in set(rows["kind"])]
    records = _records(rows.assign(kind_label=[t(f"indicators.kind.{k}") for k in rows["kind"]]))
    colour = alt.Color(
        "kind_label:N",
        title=None,
        scale=alt.Scale(domain=[t(f"indicators.kind.{k}") for k in kinds], range=[KIND_COLOURS[k] for k in kinds]),
    )
    # an explicit order: a field sort is dropped when layers share the scale
    order = [r["region"] for r in sorted(records, key=lambda r: -r["value"])]
    y = alt.Y("region:N", sort=order, title=None, axis=alt.Axis(labelFontSize=FONT["axis_label"], labelOverlap=False))
    x = alt.X("value:Q", title=unit or t("indicators.chart.value"), axis=alt.Axis(format=_fmt(decimals)))
    bars = (
        alt.Chart()
        .mark_bar(height={"band": 0.8})
        .encode(
            x,
            y,
            colour,
            tooltip=[
                alt.Tooltip("region:N", title=t("indicators.chart.region")),
                alt.Tooltip("value:Q", title=unit or t("indicators.chart.value"), format=_fmt(decimals)),
            ],
        )
    )
    labels = (
        alt.Chart()
        .mark_text(align="left", dx=6, fontSize=16)
        .encode(x, y, text=alt.Text("value:Q", format=_fmt(decimals)))
    )
    layers = [bars, labels]
    if "low" in rows and rows["low"].notna().any():
        labels.mark.dy = -9  # the label sits above the error bar
        layers.insert(
            1,
            alt.Chart()
            .transform_filter("isValid(datum.low)")
            .mark_rule(strokeWidth=3, color="#111111")
            .encode(alt.X("low:Q"), alt.X2("high:Q"), y),
        )
    chart = alt.layer(*layers, data=alt.NamedData(name="comparison")).properties(
        title=alt.TitleParams(title, subtitle=[note] if note else []), height=alt.Step(34), width="container"
    )
    return _with_data(_style(chart, lang), "comparison", records)


def _wrap(text: str, width: int = 38) -> str:
    return "\n".join(textwrap.wrap(text, width)[:3])


def small_multiples(panels: pd.DataFrame, lang: str, columns: int = 3):
    """One small chart per goal–indicator link (columns panel, year, value, progress,
    target_year, target_value), coloured by progress class."""
    t = lambda key, **kw: i18n.t(key, lang, **kw)  # noqa: E731
    panels = panels.assign(
        panel=[_wrap(p) for p in panels["panel"]],
        progress_label=[t(f"indicators.progress.{p}") for p in panels["progress"]],
    )
    present = [p for p in PROGRESS if p in set(panels["progress"])]
    # one legend entry a row: the panels are narrow, and three entries side by side made the
    # Overview scroll sideways on a 320 px screen
    colour = alt.Color(
        "progress_label:N",
        title=t("indicators.chart.progress"),
        scale=alt.Scale(
            domain=[t(f"indicators.progress.{p}") for p in present], range=[PROGRESS_COLOURS[p] for p in present]
        ),
        legend=alt.Legend(columns=1, labelLimit=220),
    )
    x = alt.X(
        "year:Q",
        title=None,
        axis=alt.Axis(format="d", tickMinStep=2, labelFontSize=14),
        scale=alt.Scale(zero=False, nice=False),
    )
    y = alt.Y("value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=14, tickCount=4))
    line = (
        alt.Chart()
        .transform_filter("!datum.is_target")
        .mark_line(strokeWidth=4, point=alt.OverlayMarkDef(size=60, filled=True))
        .encode(x, y, colour)
    )
    target = (
        alt.Chart()
        .transform_filter("datum.is_target")
        .mark_point(shape="diamond", size=260, filled=True, color="#111111")
        .encode(alt.X("year:Q"), alt.Y("value:Q"), tooltip=[alt.Tooltip("value:Q", title=t("indicators.chart.target"))])
    )
    chart = (
        alt.layer(line, target, data=alt.NamedData(name="panels"))
        .properties(width=200, height=150)
        .facet(
            facet=alt.Facet(
                "panel:N",
                title=None,
                sort=list(dict.fromkeys(panels["panel"])),
                header=alt.Header(labelExpr="split(datum.label, '\\n')", labelFontSize=15, labelAnchor="start"),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent", x="independent")
    )
    return _with_data(_style(chart, lang), "panels", _records(panels))


def overview_panels(links: list[dict]) -> pd.DataFrame:
    """Rows for small_multiples from indicators.links(): each link's values plus its target."""
    rows = []
    for link in links:
        panel = f"{link['indicator_title']} — {link['region_name']}"
        for year, value in sorted(link["values"].items()):
            rows.append(
                {"panel": panel, "year": year, "value": value, "progress": link["progress"], "is_target": False}
            )
        rows.append(
            {
                "panel": panel,
                "year": link["target_year"],
                "value": link["target_value"],
                "progress": link["progress"],
                "is_target": True,
            }
        )
    return pd.DataFrame(rows, columns=["panel", "year", "value", "progress", "is_target"])
