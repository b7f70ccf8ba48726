"""Streamlit parts of the indicators feature: the Indicators page sections, the goal's
indicator links in the plan editor and the small multiples on the Overview."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import pandas as pd
import streamlit as st

from .. import i18n, indicators, sotkanet, sotkanet_client
from ..charts import indicators as indicator_charts
from ..errors import ImportRejected, LapeError
from ..progress import DIRECTIONS, PROGRESS, progress_label
from ..regions import plan_regions
from . import a11y, forms, state

from .guard import Ctx
from .state import reset
from .problems import show_problems
from .text import error_md, md_escape


def _fmt(ctx: Ctx, value, decimals=None) -> str:
    """A value with the indicator's decimals, or more when a typed target needs them."""
    if value is None:
        return "–"
    if decimals is not None:
        decimals = i18n.decimals_of(value, least=decimals, most=3)
    return ctx.num(value, decimals)


def _bound(ctx: Ctx, value, decimals) -> str:
    """An interval's end, with the indicator's decimals (never more: it is an estimate)."""
    return ctx.num(value, 1 if decimals is None else decimals)


def example_notice(ctx: Ctx, indicator_ids=None) -> None:
    if indicators.has_example_values(ctx.db, indicator_ids):
        st.warning(ctx.t("indicators.example_values"), icon=":material/science:")


@st.cache_data(show_spinner=False, max_entries=8)
def _catalogue(path: str, stamp) -> list[dict]:
    from .. import db as dbm

    database = dbm.connect(path)
    try:
        return indicators.catalogue(database)
    finally:
        database.close()


def catalogue(ctx: Ctx) -> list[dict]:
    """The catalogue with value counts, cached until the next write to indicators or values
    (each such write leaves an audit row; writes elsewhere in the plan keep the cache)."""
    path = ctx.db.execute("pragma database_list").fetchone()[2]
    stamp = ctx.db.execute(
        "select max(id) from audit where entity in ('indicator', 'indicator_import', 'goal_indicator')"
    ).fetchone()[0]
    return _catalogue(path, stamp)


# ---------------------------------------------------------------- charts
@st.cache_data(show_spinner=False, max_entries=256)
def _chart_spec(builder: str, *args, **kwargs) -> dict:
    """Building and serialising an Altair chart costs far more than the page's queries, so
    the spec is kept for the same data and options (a rerun that changes nothing in the chart).
    Altair's per-object validation is skipped here; the unit tests build the same charts validated."""
    from altair.utils.schemapi import debug_mode

    with debug_mode(False):
        return getattr(indicator_charts, builder)(*args, **kwargs).to_dict(validate=False)


def show_chart(builder: str, *args, alt_text: str = "", width="stretch", **kwargs) -> None:
    st.vega_lite_chart(_chart_spec(builder, *args, **kwargs), width=width, alt=alt_text or None)


def render_charts(ctx: Ctx) -> None:
    t = ctx.t
    items = [c for c in catalogue(ctx) if c["values_count"]]
    if not items:
        st.info(t("indicators.no_values"))
        return
    by_id = {c["id"]: c for c in items}
    indicator_id = st.selectbox(
        t("field.ind_indicator"),
        list(by_id),
        key="ind_chart_indicator",
        format_func=lambda i: indicators.indicator_label(by_id[i], ctx.lang),
    )
    ind = by_id[indicator_id]
    plan_id = ctx.need_plan()["id"]
    regions = plan_regions(ctx.db, plan_id, ctx.lang)
    names = {r["id"]: r["name"] for r in regions}
    plan_links = [
        link
        for link in indicators.links(ctx.db, plan_id, ctx.lang, municipality_id=ctx.municipality_id)
        if link["indicator_id"] == indicator_id
    ]
    link_ids = [None] + [link["id"] for link in plan_links]
    by_link = {link["id"]: link for link in plan_links}
    link_id = st.selectbox(
        t("indicators.chart.link"),
        link_ids,
        key=f"ind_chart_link_{indicator_id}",
        index=1 if plan_links else 0,
        format_func=lambda i: (
            t("indicators.chart.no_link")
            if i is None
            else f"{by_link[i]['goal_title']} — {by_link[i]['region_name']}"
            + indicators.group_suffix(by_link[i]["gender"], ctx.lang)
        ),
    )
    link = by_link.get(link_id)
    default = [
        r["id"]
        for r in regions
        if r["kind"] in ("plan", "county", "country") or (ctx.municipality_id and r["org_id"] == ctx.municipality_id)
    ]
    if link and link["region_id"] not in default:
        default.insert(0, link["region_id"])
    chosen = st.multiselect(
        t("indicators.chart.regions"),
        list(names),
        default=default,
        format_func=names.__getitem__,
        key=f"ind_chart_regions_{indicator_id}_{link_id}",
        select_all=False,
        placeholder=t("common.choose"),
    )
    genders = indicators.genders(ctx.db, indicator_id)
    if "female" in genders and "male" in genders:
        genders.append("gap")
    gender = indicators.GENDER_TOTAL
    if len(genders) > 1:
        start = genders.index(link["gender"]) if link and link["gender"] in genders else 0
        gender = st.radio(
            t("indicators.chart.gender"),
            genders,
            horizontal=True,
            index=start,
            key=f"ind_chart_gender_{indicator_id}",
            format_func=lambda g: t(f"indicators.gender.{g}"),
        )
    if link and link["gender"] != gender:
        link = None  # a link's baseline and target belong to the group it follows
    data = indicators.trusted_series(ctx.db, ind, chosen, gender)
    note = t("indicators.example_values_short") if any(r["is_example"] for r in data) else ""
    unit = indicators.unit_in(ind, ctx.lang)
    title = indicators.text_in(ind, ctx.lang)
    shown = [r for r in data if not r["too_few"]]
    if shown:
        kinds = {r["id"]: r["kind"] for r in regions}
        frame = pd.DataFrame(
            [
                {
                    "region": names[r["region_id"]],
                    "kind": kinds.get(r["region_id"], "municipality"),
                    "year": r["year"],
                    "value": r["value"],
                    "low": r["low"],
                    "high": r["high"],
                    "n": r["n"],
                }
                for r in shown
            ]
        )
        marks = (
            {k: link[k] for k in ("baseline_year", "baseline_value", "target_year", "target_value", "region_name")}
            if link
            else None
        )
        if gender != indicators.GENDER_TOTAL:
            title = f"{title} ({t(f'indicators.gender.{gender}')})"
        show_chart("trend", frame, ctx.lang, title, unit, marks, ind["decimals"], note=note, alt_text=title)
    else:
        st.info(t("indicators.chart.no_data_for_regions"))
    _too_few_note(ctx, ind, [(names[r["region_id"]], r["year"]) for r in data if r["too_few"]])
    if any(r["low"] is not None for r in shown):
        st.caption(t("indicators.interval_note"))
    if data:
        with st.expander(t("indicators.compare.table")):
            cells: dict = {}
            for r in data:
                cells.setdefault(names[r["region_id"]], {})[r["year"]] = _cell(ctx, r, ind["decimals"])
            st.dataframe(pd.DataFrame.from_dict(cells, orient="index").sort_index(axis=1).fillna("–"), width="stretch")
    if link:
        _link_summary(ctx, link)
    _render_comparison(ctx, ind, regions, title, unit, gender)


def _cell(ctx: Ctx, row: dict, decimals) -> str:
    """A value for a table: with its interval when known, or "too few to show"."""
    if row["too_few"]:
        return ctx.t("indicators.too_few")
    text = _fmt(ctx, row["value"], decimals)
    if row["low"] is not None:
        text += f" ({_bound(ctx, row['low'], decimals)}–{_bound(ctx, row['high'], decimals)})"
    return text


def _too_few_note(ctx: Ctx, ind: dict, hidden: list[tuple[str, int]]) -> None:
    """Which municipalities' values are not shown, so that a missing point is never silent."""
    if not hidden:
        return
    by_region: dict[str, list[str]] = {}
    for name, year in hidden:
        by_region.setdefault(name, []).append(str(year))
    items = "; ".join(f"{name} {', '.join(years)}" for name, years in by_region.items())
    st.text(ctx.t("indicators.too_few_list", min=indicators.trust(ind)["min_count"], items=items))


def _link_summary(ctx: Ctx, link: dict) -> None:
    t = ctx.t
    dec = link["decimals"]
    progress_badge(ctx, link["progress"])
    cols = st.columns(3)
    cols[0].metric(t("indicators.col.baseline", year=link["baseline_year"]), _fmt(ctx, link["baseline_value"], dec))
    cols[1].metric(t("indicators.col.latest", year=link["latest_year"] or "–"), _fmt(ctx, link["latest_value"], dec))
    cols[2].metric(t("indicators.col.target", year=link["target_year"]), _fmt(ctx, link["target_value"], dec))
    direction = "lower" if link["gender"] == "gap" else link["direction"]
    st.caption(t(f"indicators.direction.{direction}") if direction else t("indicators.direction.none"))
    _uncertainty_text(ctx, link)


def _uncertainty_text(ctx: Ctx, link: dict) -> None:
    """The latest value's interval and, when the change is within the margin, why."""
    dec = link["decimals"]
    if link["latest_low"] is not None:
        values = {
            "value": _fmt(ctx, link["latest_value"], dec),
            "low": _bound(ctx, link["latest_low"], dec),
            "high": _bound(ctx, link["latest_high"], dec),
        }
        if link["gender"] == "gap":
            st.text(ctx.t("indicators.latest_interval_gap", **values))
        else:
            st.text(ctx.t("indicators.latest_interval", n=i18n.number(link["latest_n"], ctx.lang, 0), **values))
    if link["margin_rule"]:
        st.text(ctx.t(f"indicators.margin.{link['margin_rule']}"))
    if link["both_worse"]:
        st.warning(ctx.t("indicators.gap_both_worse"), icon=":material/warning:")


BADGE_COLOURS: dict[str, Literal["green", "blue", "orange", "red", "violet", "gray"]] = {
    "reached": "green",
    "on_track": "blue",
    "too_slow": "orange",
    "wrong_way": "red",
    "within_margin": "violet",
    "no_data": "gray",
}
BADGE_ICONS = {
    "reached": ":material/check_circle:",
    "on_track": ":material/trending_up:",
    "too_slow": ":material/hourglass_bottom:",
    "wrong_way": ":material/trending_down:",
    "within_margin": ":material/compare_arrows:",
    "no_data": ":material/help:",
}


def progress_badge(ctx: Ctx, progress: str) -> None:
    st.badge(
        f"{ctx.t('indicators.col.progress')}: {progress_label(progress, ctx.lang)}",
        icon=BADGE_ICONS[progress],
        color=BADGE_COLOURS[progress],
    )


def _render_comparison(ctx: Ctx, ind: dict, regions: list[dict], title: str, unit: str, gender: str) -> None:
    t = ctx.t
    st.subheader(t("indicators.compare.heading"))
    available = indicators.years(ctx.db, ind["id"], [r["id"] for r in regions], gender)
    if not available:
        st.info(t("indicators.chart.no_data_for_regions"))
        return
    year = st.selectbox(t("indicators.chart.year"), available[::-1], key=f"ind_compare_year_{ind['id']}")
    rows = indicators.comparison(ctx.db, ctx.need_plan()["id"], ind["id"], year, ctx.lang, gender)
    shown = [r for r in rows if not r["too_few"]]
    note = t("indicators.example_values_short") if any(r["is_example"] for r in rows) else ""
    if shown:
        show_chart(
            "comparison",
            pd.DataFrame(shown),
            ctx.lang,
            f"{title} {year}",
            unit,
            ind["decimals"],
            note,
            alt_text=f"{title} {year}",
        )
    _too_few_note(ctx, ind, [(r["region"], year) for r in rows if r["too_few"]])
    with st.expander(t("indicators.compare.table")):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("indicators.chart.region"): r["region"],
                        t("indicators.chart.value"): _cell(ctx, r, ind["decimals"]),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )


# ---------------------------------------------------------------- import
def render_import(ctx: Ctx) -> None:
    t = ctx.t
    st.markdown(t("indicators.import.help"))
    with st.form("ind_upload_form", clear_on_submit=False, enter_to_submit=False):
        limit_mb = max(1, sotkanet.PAGE.file_bytes // 1_000_000)
        a11y.upload_note(ctx.lang, ["csv", "json", "xlsx", "txt"], limit_mb)
        files = st.file_uploader(
            t("indicators.import.files"),
            type=["csv", "json", "xlsx", "txt"],
            accept_multiple_files=True,
            key="ind_upload",
            max_upload_size=limit_mb,
        )
        submitted = st.form_submit_button(t("indicators.import.button"), type="primary")
    if submitted:
        if not files:
            st.error(t("indicators.import.no_files"))
        else:
            try:
                reports = indicators.import_files(ctx.db, ctx.writer(), [(f.name, f.getvalue()) for f in files])
            except ImportRejected as err:
                show_problems(ctx, err)
            except LapeError as err:
                ctx.error(err)
            else:
                st.session_state["ind_report"] = [vars(r) | {"indicators": len(r.indicators)} for r in reports]
    report = st.session_state.get("ind_report")
    if report:
        st.success(t("indicators.import.done"))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("indicators.import.file"): r["name"],
                        t("indicators.import.kind"): t(f"indicators.kind_file.{r['kind']}"),
                        t("indicators.import.new"): r["new"],
                        t("indicators.import.changed"): r["changed"],
                        t("indicators.import.unchanged"): r["unchanged"],
                        t("indicators.import.skipped"): r["skipped_empty"],
                    }
                    for r in report
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    c1, c2 = st.columns(2)
    c1.download_button(
        t("indicators.import.template"),
        sotkanet.template_csv(),
        "lape_indicator_template.csv",
        "text/csv",
        icon=":material/download:",
    )
    c2.download_button(
        t("indicators.import.template_xlsx"),
        sotkanet.template_xlsx(),
        "lape_indicator_template.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
    )
    st.caption(t("indicators.import.codes", plan=f"PLAN{ctx.need_plan()['id']}"))
    _render_fetch(ctx)
    _render_custom_form(ctx)


def _render_fetch(ctx: Ctx) -> None:
    t = ctx.t
    st.subheader(t("indicators.fetch.heading"))
    st.caption(t("indicators.fetch.help"))
    with st.form("ind_fetch_form", enter_to_submit=False):
        c1, c2 = st.columns(2)
        c1.text_input(t("field.ind_indicator"), key="ind_fetch_ids", placeholder="191, 423")
        c2.text_input(t("field.ind_years"), key="ind_fetch_years", placeholder="2015–2023")
        submitted = st.form_submit_button(t("indicators.fetch.button"))
    if submitted:
        try:
            with st.spinner(t("indicators.fetch.running")):
                reports = sotkanet_client.fetch_live(
                    ctx.db,
                    ctx.writer(),
                    ctx.need_plan()["id"],
                    indicators.parse_ids(st.session_state["ind_fetch_ids"]),
                    indicators.parse_years(st.session_state["ind_fetch_years"]),
                )
        except sotkanet_client.SotkanetUnavailable as err:
            st.warning(error_md(err, ctx.lang), icon=":material/cloud_off:")
        except ImportRejected as err:
            show_problems(ctx, err)
        except LapeError as err:
            ctx.error(err)
        else:
            st.session_state["ind_report"] = [vars(r) | {"indicators": len(r.indicators)} for r in reports]
            st.rerun()


def _render_custom_form(ctx: Ctx) -> None:
    t = ctx.t
    st.subheader(t("indicators.custom.heading"))
    with st.form("ind_custom_form", enter_to_submit=False):
        c1, c2 = st.columns([1, 3])
        c1.text_input(t("field.ind_code"), key="ind_custom_code", max_chars=40, help=t("indicators.custom.code_help"))
        c2.text_input(t("field.title_fi"), key="ind_custom_title_fi", max_chars=300)
        c1, c2 = st.columns(2)
        c1.text_input(t("field.title_sv"), key="ind_custom_title_sv", max_chars=300)
        c2.text_input(t("field.ind_title_en"), key="ind_custom_title_en", max_chars=300)
        c1, c2, c3 = st.columns(3)
        c1.text_input(t("field.ind_unit"), key="ind_custom_unit", max_chars=80)
        c2.selectbox(
            t("field.ind_direction"),
            list(DIRECTIONS),
            key="ind_custom_direction",
            format_func=lambda d: t(f"indicators.direction.{d}"),
        )
        c3.number_input(t("field.ind_decimals"), 0, 4, 1, key="ind_custom_decimals")
        st.text_area(t("field.description"), key="ind_custom_description", height=80)
        submitted = st.form_submit_button(t("indicators.custom.add"))
    if submitted:
        s = st.session_state
        try:
            indicators.add_custom(
                ctx.db,
                ctx.writer(),
                s["ind_custom_code"],
                s["ind_custom_title_fi"],
                s["ind_custom_title_sv"],
                s["ind_custom_title_en"],
                s["ind_custom_unit"],
                s["ind_custom_direction"],
                s["ind_custom_decimals"],
                s["ind_custom_description"],
            )
        except LapeError as err:
            ctx.error(err)
        else:
            st.success(t("indicators.custom.added", code=md_escape(s["ind_custom_code"].strip().upper())))


# ---------------------------------------------------------------- catalogue
def render_catalogue(ctx: Ctx) -> None:
    t = ctx.t
    items = catalogue(ctx)
    if not items:
        st.info(t("indicators.catalogue.empty"))
        _render_child_set(ctx)
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("indicators.catalogue.source"): t(f"indicators.source.{c['source']}"),
                    t("indicators.catalogue.id"): c["source_id"],
                    t("field.ind_indicator"): indicators.text_in(c, ctx.lang),
                    t("field.ind_unit"): indicators.unit_in(c, ctx.lang),
                    t("field.ind_direction"): t(f"indicators.direction.{c['direction'] or 'none'}"),
                    t("indicators.catalogue.years"): f"{c['first_year']}–{c['last_year']}"
                    if c["values_count"]
                    else "–",
                    t("indicators.catalogue.values"): c["values_count"] or 0,
                    t("indicators.catalogue.example"): t("indicators.catalogue.example_yes")
                    if c["example_values"]
                    else "",
                }
                for c in items
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    by_id = {c["id"]: c for c in items}
    chosen = st.selectbox(
        t("indicators.catalogue.details"),
        list(by_id),
        key="ind_cat_detail",
        format_func=lambda i: indicators.indicator_label(by_id[i], ctx.lang),
    )
    ind = indicators.get_indicator(ctx.db, chosen)
    description = indicators.text_in(ind, ctx.lang, "description")
    if description:
        st.text(description)  # imported HTML was reduced to text; shown as text, never as HTML
    facts = [
        f"{t('field.ind_unit')}: {indicators.unit_in(ind, ctx.lang) or '–'}",
        f"{t('field.ind_decimals')}: {ind['decimals'] if ind['decimals'] is not None else '–'}",
    ]
    if ind["organisation"]:
        facts.append(f"{t('indicators.catalogue.organisation')}: {ind['organisation']}")
    if ind["data_updated"]:
        facts.append(f"{t('indicators.catalogue.updated')}: {i18n.date(ind['data_updated'], ctx.lang)}")
    st.text(" · ".join(facts))
    options = [None, *DIRECTIONS]
    key = f"ind_dir_{ind['id']}_{ind['version']}"
    with st.form(f"ind_dir_form_{ind['id']}", enter_to_submit=False):
        st.radio(
            t("field.ind_direction"),
            options,
            index=options.index(ind["direction"]),
            key=key,
            horizontal=True,
            format_func=lambda d: t(f"indicators.direction.{d or 'none'}"),
        )
        if st.form_submit_button(t("editor.save")):
            try:
                indicators.set_direction(ctx.db, ctx.writer(), ind["id"], st.session_state[key], ind["version"])
            except LapeError as err:
                ctx.error(err)
            else:
                st.rerun()
    _render_trust_form(ctx, ind)
    _render_child_set(ctx)


def _render_child_set(ctx: Ctx) -> None:
    """The child and youth indicator set, what of it is in the catalogue, and a search."""
    from .. import indicator_set

    t = ctx.t
    with st.expander(t("indicators.set.heading"), icon=":material/child_care:"):
        st.caption(t("indicators.set.help"))
        rows = indicator_set.child_set(ctx.db, ctx.lang)
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("indicators.set.area"): r["area_name"],
                        t("indicators.catalogue.id"): r["source_id"] or "–",
                        t("field.ind_indicator"): r["title"],
                        t("indicators.set.status"): t("indicators.set.in_catalogue")
                        if r["indicator_id"]
                        else t("indicators.set.missing"),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )
        if st.button(t("indicators.set.fetch_list"), key="ind_fetch_list", icon=":material/cloud_download:"):
            try:
                with st.spinner(t("indicators.fetch.running")):
                    sotkanet_client.fetch_catalogue(ctx.db, ctx.writer())
            except sotkanet_client.SotkanetUnavailable as err:
                st.warning(i18n.error_text(err, ctx.lang), icon=":material/cloud_off:")
            except ImportRejected as err:
                show_problems(ctx, err)
            except LapeError as err:
                ctx.error(err)
            except LapeError as err:
                ctx.error(err)
            else:
                st.rerun()
        query = st.text_input(t("indicators.search.label"), key="ind_search", max_chars=100)
        if query.strip():
            found = indicator_set.search(ctx.db, query)
            if found:
                st.dataframe(
                    pd.DataFrame(
                        [
                            {
                                t("indicators.catalogue.id"): r["source_id"],
                                t("field.ind_indicator"): indicators.text_in(r, ctx.lang),
                            }
                            for r in found
                        ]
                    ),
                    hide_index=True,
                    width="stretch",
                )
            else:
                st.caption(t("indicators.search.none"))


def _render_trust_form(ctx: Ctx, ind: dict) -> None:
    """The indicator's noise threshold and smallest number shown, set by a person."""
    t = ctx.t
    st.subheader(t("indicators.trust.heading"))
    st.caption(t("indicators.trust.help", default=indicators.DEFAULT_MIN_COUNT))
    key = f"ind_trust_{ind['id']}_{ind['version']}"
    threshold = ind["noise_threshold"]
    with st.form(key + "_form", enter_to_submit=False):
        c1, c2, c3 = st.columns(3)
        c1.text_input(
            t("field.ind_noise_threshold"),
            key=key + "_noise",
            max_chars=12,
            value="" if threshold is None else i18n.number(threshold, ctx.lang),
        )
        c2.selectbox(
            t("field.ind_noise_unit"),
            list(indicators.NOISE_UNITS),
            key=key + "_unit",
            index=indicators.NOISE_UNITS.index(ind["noise_unit"] or "points"),
            format_func=lambda u: t(f"indicators.noise_unit.{u}"),
        )
        c3.text_input(
            t("field.ind_min_count"),
            key=key + "_min",
            max_chars=6,
            value="" if ind["min_count"] is None else str(ind["min_count"]),
            placeholder=str(indicators.DEFAULT_MIN_COUNT),
        )
        small, large = (
            i18n.number(v, ctx.lang, 0) for v in (indicators.SURVEY_NOISE_SMALL, indicators.SURVEY_NOISE_LARGE)
        )
        st.caption(f"{t('indicators.trust.survey_small')}: {small} · {t('indicators.trust.survey_large')}: {large}")
        if st.form_submit_button(t("editor.save")):
            s = st.session_state
            try:
                indicators.set_trust(
                    ctx.db,
                    ctx.writer(),
                    ind["id"],
                    s[key + "_noise"],
                    s[key + "_unit"],
                    s[key + "_min"],
                    ind["version"],
                )
            except LapeError as err:
                ctx.error(err)
            else:
                st.rerun()


# ---------------------------------------------------------------- plan editor: a goal's links
_LINK_FIELDS = ("indicator_id", "region_id", "gender", "baseline_year", "baseline_value", "target_year", "target_value")


def _link_initial(ctx: Ctx, link: dict | None, field: str):
    if link is None:  # no indicator or region chosen for the person: a wrong link is easy to save unnoticed
        return {
            "baseline_year": "",
            "target_year": str(ctx.need_plan()["last_year"]),
            "baseline_value": "",
            "target_value": "",
            "gender": indicators.GENDER_TOTAL,
        }.get(field)
    value = link[field]
    if field in ("baseline_value", "target_value"):
        if value is None:
            return ""
        return i18n.number(value, ctx.lang)
    if field in ("baseline_year", "target_year"):
        return str(value)
    return value


def render_goal_indicators(ctx: Ctx, goal: dict) -> None:
    """The goal's indicators with baseline, target and progress, and a form to add or edit one."""
    t = ctx.t
    st.subheader(t("indicators.goal.heading"))
    plan_id = ctx.need_plan()["id"]
    rows = indicators.links(ctx.db, plan_id, ctx.lang, goal_id=goal["id"])
    # One short block per link rather than a wide table: the editor's column is narrow.
    for r in rows:
        with st.container(border=True, key=f"gi_row_{r['id']}"):
            st.text(f"{r['indicator_title']} — {r['region_name']}")
            st.text(
                t(
                    "indicators.goal.values",
                    baseline=_fmt(ctx, r["baseline_value"], r["decimals"]),
                    baseline_year=r["baseline_year"],
                    latest=_fmt(ctx, r["latest_value"], r["decimals"]),
                    latest_year=r["latest_year"] or "–",
                    target=_fmt(ctx, r["target_value"], r["decimals"]),
                    target_year=r["target_year"],
                )
            )
            progress_badge(ctx, r["progress"])
            _uncertainty_text(ctx, r)
    if rows:
        if any(r["example_values"] for r in rows):
            st.caption(t("indicators.example_values_short"))
    else:
        st.caption(t("indicators.goal.none"))
    items = indicators.choices(ctx.db)
    if not items:
        st.info(t("indicators.goal.no_catalogue"))
        return
    by_link = {r["id"]: r for r in rows}
    choice = st.selectbox(
        t("indicators.goal.edit_which"),
        [0, *by_link],
        key=f"gi_pick_{goal['id']}",
        format_func=lambda i: (
            t("indicators.goal.new") if i == 0 else f"{by_link[i]['indicator_title']} — {by_link[i]['region_name']}"
        ),
    )
    link = indicators.get_link(ctx.db, choice) if choice else None
    prefix = f"gi_{goal['id']}_{choice}"
    if prefix + "_version" not in st.session_state:
        for field in _LINK_FIELDS:
            st.session_state[f"{prefix}_{field}"] = _link_initial(ctx, link, field)
        st.session_state[prefix + "_version"] = link["version"] if link else 0
    labels = _offered(ctx, goal["id"], items, st.session_state[f"{prefix}_indicator_id"])
    regions = plan_regions(ctx.db, plan_id, ctx.lang)
    names = {r["id"]: r["name"] for r in regions}
    if st.session_state[f"{prefix}_indicator_id"] not in labels:
        st.session_state[f"{prefix}_indicator_id"] = None
    if st.session_state[f"{prefix}_region_id"] not in names:
        st.session_state[f"{prefix}_region_id"] = None
    with st.form(prefix + "_form", enter_to_submit=False):
        st.selectbox(
            t("field.ind_indicator"),
            list(labels),
            key=f"{prefix}_indicator_id",
            format_func=labels.__getitem__,
            placeholder=t("indicators.goal.pick_indicator"),
        )
        st.selectbox(
            t("field.ind_region"),
            list(names),
            key=f"{prefix}_region_id",
            format_func=names.__getitem__,
            placeholder=t("indicators.goal.pick_region"),
        )
        st.selectbox(
            t("field.ind_link_gender"),
            list(indicators.LINK_GENDERS),
            key=f"{prefix}_gender",
            format_func=lambda g: t(f"indicators.link_gender.{g}"),
        )
        c1, c2 = st.columns(2)
        c1.text_input(t("field.ind_baseline_year"), key=f"{prefix}_baseline_year", max_chars=4)
        c2.text_input(
            t("field.ind_baseline_value"),
            key=f"{prefix}_baseline_value",
            max_chars=30,
            help=t("indicators.goal.baseline_help"),
        )
        c1.text_input(t("field.ind_target_year"), key=f"{prefix}_target_year", max_chars=4)
        c2.text_input(t("field.ind_target_value"), key=f"{prefix}_target_value", max_chars=30)
        submitted = st.form_submit_button(t("editor.save") if link else t("indicators.goal.add"), type="primary")

    def save() -> None:
        values = {f: st.session_state[f"{prefix}_{f}"] for f in _LINK_FIELDS}

        def write() -> None:
            if link:
                indicators.update_link(
                    ctx.db, ctx.writer(), link["id"], st.session_state[prefix + "_version"], **values
                )
            else:
                indicators.add_link(ctx.db, ctx.writer(), goal["id"], **values)

        forms.save(
            ctx,
            write,
            prefix=prefix,
            slot=f"gi_saved_{goal['id']}",
            message=t(
                "indicators.goal.link_saved",
                indicator=md_escape(labels.get(values["indicator_id"], "")),
                region=md_escape(names.get(values["region_id"], "")),
            ),
        )

    if submitted:
        save()
    state.show_flash(f"gi_saved_{goal['id']}")  # next to the form, where the person is looking
    shown: dict[str, Callable[[object], object]] = {
        "indicator_id": labels.get,
        "region_id": names.get,
        "gender": lambda g: t(f"indicators.link_gender.{g}") if g else "",
    }
    label = {"indicator_id": "field.ind_indicator", "region_id": "field.ind_region", "gender": "field.ind_link_gender"}
    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (
                t(label.get(f, f"field.ind_{f}")),
                shown.get(f, str)(_link_initial(ctx, theirs, f)),
                shown.get(f, str)(st.session_state[f"{prefix}_{f}"]),
            )
            for f in _LINK_FIELDS
        ],
        t("editor.keep_mine"),
        save,
    )
    if link and st.button(t("indicators.goal.remove"), key=prefix + "_remove", icon=":material/link_off:"):
        try:
            indicators.delete_link(ctx.db, ctx.writer(), link["id"], st.session_state[prefix + "_version"])
        except LapeError as err:
            ctx.error(err)
        else:
            reset(prefix)
            st.session_state.pop(f"gi_pick_{goal['id']}", None)
            state.flash("ed_flash", t("editor.deleted"))
            st.rerun()


def _offered(ctx: Ctx, goal_id: int, items: list[dict], current) -> dict:
    """Indicators offered for a link (id -> label): the whole catalogue, the child and youth set
    grouped by focus area, or what a search in Finnish or Swedish finds. The link's current
    indicator stays offered, so that narrowing the list never changes a link silently."""
    from .. import indicator_set

    t = ctx.t
    c1, c2 = st.columns([1, 2])
    source = c1.radio(
        t("indicators.set.offer"),
        ["all", "set"],
        key=f"gi_offer_{goal_id}",
        format_func=lambda o: t(f"indicators.set.offer.{o}"),
    )
    query = c2.text_input(t("indicators.search.label"), key=f"gi_search_{goal_id}", max_chars=100)
    by_id = {i["id"]: i for i in items}
    labels: dict = {}
    if query.strip():
        labels = {r["id"]: indicators.indicator_label(r, ctx.lang) for r in indicator_set.search(ctx.db, query)}
        if not labels:
            st.caption(t("indicators.search.none"))
    elif source == "set":
        label = indicators.indicator_label
        labels = {
            r["indicator_id"]: f"{r['area_name']} — {label(by_id[r['indicator_id']], ctx.lang)}"
            for r in indicator_set.child_set(ctx.db, ctx.lang)
            if r["indicator_id"] in by_id
        }
    if not labels:
        labels = {i: indicators.indicator_label(row, ctx.lang) for i, row in by_id.items()}
    if current in by_id and current not in labels:
        labels = {current: indicators.indicator_label(by_id[current], ctx.lang), **labels}
    return labels


# ---------------------------------------------------------------- overview
def render_indicators_overview(ctx: Ctx) -> None:
    """Small multiples of each goal's indicators, coloured by progress class."""
    if not ctx.plan:
        return
    t = ctx.t
    rows = indicators.links(ctx.db, ctx.plan["id"], ctx.lang, municipality_id=ctx.municipality_id)
    st.subheader(t("indicators.overview.heading"))
    if not rows:
        st.info(t("indicators.overview.none"))
        return
    if any(r["example_values"] for r in rows):
        st.warning(t("indicators.example_values"), icon=":material/science:")
    counts = {p: sum(1 for r in rows if r["progress"] == p) for p in PROGRESS}
    st.text(" · ".join(f"{progress_label(p, ctx.lang)}: {n}" for p, n in counts.items() if n))
    goals: dict[int, list[dict]] = {}
    for row in rows:
        goals.setdefault(row["goal_id"], []).append(row)
    # A grid of goals, three to a row (stacked on a phone), each goal's panels one above another.
    per_row = 3
    goal_list = list(goals.values())
    for start in range(0, len(goal_list), per_row):
        for col, goal_rows in zip(st.columns(per_row), goal_list[start : start + per_row]):
            with col:
                st.markdown(f"**{md_escape(goal_rows[0]['goal_title'])}**")
                panels = "; ".join(
                    f"{r['indicator_title']} — {r['region_name']}: {progress_label(r['progress'], ctx.lang)}"
                    for r in goal_rows
                )
                show_chart(
                    "small_multiples",
                    indicator_charts.overview_panels(goal_rows),
                    ctx.lang,
                    columns=1,
                    width="content",
                    alt_text=t("a11y.overview_alt", goal=goal_rows[0]["goal_title"], panels=panels),
                )
    with st.expander(t("a11y.as_table")):  # the small multiples' figures as text
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("a11y.col_goal"): r["goal_title"],
                        t("a11y.col_indicator"): f"{r['indicator_title']} — {r['region_name']}",
                        t("a11y.col_values"): ", ".join(
                            f"{year}: {ctx.num(value)}" for year, value in sorted(r["values"].items())
                        ),
                        t("a11y.col_target"): f"{r['target_year']}: {ctx.num(r['target_value'])}",
                        t("indicators.chart.progress"): progress_label(r["progress"], ctx.lang),
                    }
                    for r in rows
                ]
            ),
            hide_index=True,
            width="stretch",
        )
