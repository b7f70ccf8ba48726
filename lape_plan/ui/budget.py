"""Streamlit parts of child budgeting: the measure-year form (keeps the version it was
opened on and the typed values on an error or a conflict), the roll-up with the
preventive-share chart next to its figures, and the Overview section."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from .. import budget, exports, follow_up as fu, i18n, plans
from ..charts import budget as budget_charts
from . import forms, state

from .export import CSV, deferred
from .guard import Ctx, sticky


def euro(ctx: Ctx, value) -> str:
    return "–" if value is None else f"{ctx.num(value, 0)} €"


def pct(ctx: Ctx, share) -> str:
    """A 0–1 share as '63 %'."""
    return "–" if share is None else f"{ctx.num(share * 100, 0)} %"


def _typed(ctx: Ctx, value) -> str:
    """A stored number as the form shows it: decimal comma in fi and sv, no grouping."""
    if value is None:
        return ""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if ctx.lang in ("fi", "sv") else text


flash = partial(state.flash, "bu_flash")
show_flash = partial(state.show_flash, "bu_flash")


# ---------------------------------------------------------------- entering a year's euros
def pick(ctx: Ctx) -> tuple[dict, int] | None:
    """The measure (in the sidebar's municipality) and one of its years; kept over page switches."""
    t = ctx.t
    plan = ctx.need_plan()
    items = [i for i in fu.items(ctx.db, plan["id"], ctx.municipality_id) if i["entity"] == "measure"]
    if not items:
        st.info(t("budget.no_measures"))
        return None
    by_id = {i["id"]: i for i in items}
    if st.session_state.get("bu_measure") not in by_id:
        st.session_state["bu_measure"] = items[0]["id"]
    c1, c2 = st.columns([5, 1])
    with c1:
        sticky(
            st.selectbox,
            t("budget.pick_measure"),
            "bu_measure",
            list(by_id),
            format_func=lambda i: f"{by_id[i]['number']} {ctx.title(by_id[i]['row'])}",
        )
    item = by_id[st.session_state["bu_measure"]]
    if st.session_state.get("bu_year") not in item["years"]:
        st.session_state["bu_year"] = (
            fu.reporting_year(plan) if fu.reporting_year(plan) in item["years"] else item["years"][0]
        )
    with c2:
        sticky(st.selectbox, t("field.budget_year"), "bu_year", item["years"])
    return item, st.session_state["bu_year"]


def line_form(ctx: Ctx, item: dict, year: int) -> None:
    """A measure's euros for one year: planned, actual, source, kind, direct share."""
    t = ctx.t
    measure_id = item["id"]
    prefix = f"bu_{measure_id}_{year}"
    line = budget.get(ctx.db, measure_id, year)
    st.text(f"{t('budget.organisation')}: {', '.join(plans.org_name(o, ctx.lang) for o in _orgs(ctx, item))}")
    if line:
        st.text(
            t(
                "budget.latest",
                by=i18n.actor_name(line["updated_by"], ctx.lang),
                at=i18n.timestamp(line["updated_at"], ctx.lang),
                version=line["version"],
            )
        )
    else:
        st.text(t("budget.no_line_yet", year=year))
    if not budget.allowed(ctx.db, ctx.actor, measure_id):
        st.caption(t("budget.read_only"))
        return
    if prefix + "_version" not in st.session_state:
        base = line or {}
        st.session_state[prefix + "_version"] = base.get("version", 0)
        st.session_state[prefix + "_planned_eur"] = _typed(ctx, base.get("planned_eur"))
        st.session_state[prefix + "_actual_eur"] = _typed(ctx, base.get("actual_eur"))
        st.session_state[prefix + "_source"] = base.get("source")
        st.session_state[prefix + "_kind"] = base.get("kind")
        st.session_state[prefix + "_direct_share"] = _typed(ctx, base.get("direct_share"))
    c1, c2 = st.columns(2)
    c1.text_input(t("field.planned_eur"), key=prefix + "_planned_eur", help=t("budget.euros_help"))
    c2.text_input(t("field.actual_eur"), key=prefix + "_actual_eur", help=t("budget.euros_help"))
    c1.selectbox(
        t("field.funding_source"),
        [None, *budget.SOURCES],
        key=prefix + "_source",
        format_func=lambda s: "–" if s is None else t(f"budget.source.{s}"),
        placeholder=t("common.choose"),
    )
    c2.selectbox(
        t("field.spending_kind"),
        [None, *budget.KINDS],
        key=prefix + "_kind",
        format_func=lambda k: "–" if k is None else t(f"budget.kind.{k}"),
        placeholder=t("common.choose"),
    )
    c1.text_input(t("field.direct_share"), key=prefix + "_direct_share", help=t("budget.share_help"))
    if st.button(t("budget.save"), key=prefix + "_save", type="primary"):
        _save(ctx, item, measure_id, year, prefix)
    label = {
        "source": lambda v: t(f"budget.source.{v}") if v else "",
        "kind": lambda v: t(f"budget.kind.{v}") if v else "",
    }
    forms.stale_panel(
        ctx,
        prefix,
        lambda theirs: [
            (
                t(f"field.{field}"),
                label.get(k, lambda v: _typed(ctx, v))(theirs[k]),
                label.get(k, lambda v: v)(st.session_state[f"{prefix}_{k}"]),
            )
            for k, field in _FORM.items()
        ],
        t("budget.keep_mine"),
        lambda: _save(ctx, item, measure_id, year, prefix),
    )


# form key -> field label key
_FORM = {
    "planned_eur": "planned_eur",
    "actual_eur": "actual_eur",
    "source": "funding_source",
    "kind": "spending_kind",
    "direct_share": "direct_share",
}


def _save(ctx: Ctx, item: dict, measure_id: int, year: int, prefix: str) -> None:
    forms.save(
        ctx,
        lambda: budget.save(
            ctx.db,
            ctx.writer(),
            measure_id,
            year,
            st.session_state[prefix + "_version"] or None,
            **{k: st.session_state[f"{prefix}_{k}"] for k in _FORM},
        ),
        prefix=prefix,
        slot="bu_flash",
        message=ctx.t("budget.saved", item=item["number"], year=year),
    )


def _orgs(ctx: Ctx, item: dict) -> list[dict]:
    orgs = {o["id"]: o for o in plans.organisations(ctx.db, ctx.need_plan()["id"])}
    return [orgs[o] for o in item["responsible_ids"] if o in orgs]


def lines_table(ctx: Ctx, item: dict) -> None:
    t = ctx.t
    rows = budget.lines_of(ctx.db, item["id"])
    if not rows:
        return
    st.markdown(f"**{t('budget.lines_heading')}**")
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("budget.col.year"): str(r["year"]),
                    t("field.planned_eur"): euro(ctx, r["planned_eur"]),
                    t("field.actual_eur"): euro(ctx, r["actual_eur"]),
                    t("field.funding_source"): t(f"budget.source.{r['source'] or ''}"),
                    t("field.spending_kind"): t(f"budget.kind.{r['kind'] or ''}"),
                    t("field.direct_share"): "–" if r["direct_share"] is None else f"{ctx.num(r['direct_share'])} %",
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )


# ---------------------------------------------------------------- roll-up
def metrics(ctx: Ctx, r: dict) -> None:
    t, plan = ctx.t, ctx.need_plan()
    period = {"first": plan["first_year"], "last": plan["last_year"]}
    cols = st.columns(4)
    cols[0].metric(t("budget.planned_total", **period), euro(ctx, r["total"].shown(0)))
    cols[1].metric(t("budget.actual_total", **period), euro(ctx, r["total"].shown(1)))
    cols[2].metric(
        t("budget.preventive_share"), pct(ctx, r["total"].preventive_share(0)), help=t("budget.preventive_share_help")
    )
    cols[3].metric(
        t("budget.without_euros"),
        f"{ctx.num(len(r['without_euros']))} / {ctx.num(r['measures'])}",
        help=t("budget.without_euros_help"),
    )


def chart(ctx: Ctx, r: dict):
    t = ctx.t
    return budget_charts.preventive_share(
        budget.trend(r),
        {k: t(f"budget.series.{k}") for k in ("planned", "actual")},
        t("budget.col.year"),
        t("budget.axis_share"),
        ctx.lang,
    )


def trend_frame(ctx: Ctx, r: dict) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        [
            {
                t("budget.col.year"): str(row["year"]),
                t("budget.col.planned"): euro(ctx, row["planned"]),
                t("budget.col.actual"): euro(ctx, row["actual"]),
                t("budget.col.preventive_planned"): pct(ctx, row["preventive_planned"]),
                t("budget.col.preventive_actual"): pct(ctx, row["preventive_actual"]),
                t("budget.col.coverage"): t("budget.coverage", done=row["with_euros"], total=row["measures"]),
            }
            for row in budget.trend(r)
        ]
    )


def _group_frame(ctx: Ctx, groups: list[tuple[str, budget.Totals]]) -> pd.DataFrame:
    t = ctx.t
    return pd.DataFrame(
        [
            {
                t("budget.col.group"): name,
                t("budget.col.planned"): euro(ctx, g.shown(0)),
                t("budget.col.actual"): euro(ctx, g.shown(1)),
                t("budget.col.cancelled"): euro(ctx, g.cancelled_planned),
                t("budget.col.preventive_planned"): pct(ctx, g.preventive_share(0)),
                t("budget.col.direct"): pct(ctx, g.direct_share(0)),
            }
            for name, g in groups
        ]
    )


def _split_frame(ctx: Ctx, r: dict, attr: str, codes: tuple, prefix: str) -> pd.DataFrame:
    """Planned and actual euros by source or kind: the period, then each year."""
    t = ctx.t
    rows = []
    for code in (*codes, budget.UNSET):
        row = {t("budget.col.group"): t(f"{prefix}.{code}")}
        total = getattr(r["total"], attr)[code]
        row[f"{t('budget.col.planned')} {r['years'][0]}–{r['years'][-1]}"] = euro(ctx, total[0])
        row[f"{t('budget.col.actual')} {r['years'][0]}–{r['years'][-1]}"] = euro(ctx, total[1])
        for y, g in r["by_year"].items():
            row[f"{t('budget.col.planned')} {y}"] = euro(ctx, getattr(g, attr)[code][0])
        if code == budget.UNSET and not any(total):
            continue
        rows.append(row)
    return pd.DataFrame(rows)


def rollup_section(ctx: Ctx, r: dict) -> None:
    t = ctx.t
    plan = ctx.need_plan()
    st.subheader(t("budget.rollup_heading", first=plan["first_year"], last=plan["last_year"]))
    metrics(ctx, r)
    if not r["total"].lines:
        st.info(t("budget.no_euros"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{t('budget.chart_title')}**")
        st.altair_chart(chart(ctx, r), width="stretch", alt=t("a11y.budget_alt"))
    with right:
        st.dataframe(trend_frame(ctx, r), hide_index=True, width="stretch", height="content")
    orgs = {o["id"]: o for o in plans.organisations(ctx.db, plan["id"])}
    areas = {a["id"]: (int(a["number"]), a) for a in plans.tree(ctx.db, plan["id"])}
    tabs = st.tabs(
        [
            t("budget.tab_org"),
            t("budget.tab_area"),
            t("budget.tab_source"),
            t("budget.tab_kind"),
            t("budget.tab_without"),
        ]
    )
    with tabs[0]:
        groups = sorted(r["by_org"].items(), key=lambda kv: -kv[1].planned)
        st.dataframe(
            _group_frame(
                ctx,
                [(plans.org_name(orgs[o], ctx.lang) if o in orgs else t("budget.several_orgs"), g) for o, g in groups],
            ),
            hide_index=True,
            width="stretch",
            height="content",
        )
    with tabs[1]:
        groups = sorted(((areas[a], g) for a, g in r["by_area"].items() if a in areas), key=lambda x: x[0][0])
        st.dataframe(
            _group_frame(ctx, [(f"{i}. {ctx.title(a)}", g) for (i, a), g in groups]),
            hide_index=True,
            width="stretch",
            height="content",
        )
    with tabs[2]:
        st.dataframe(
            _split_frame(ctx, r, "by_source", budget.SOURCES, "budget.source"),
            hide_index=True,
            width="stretch",
            height="content",
        )
    with tabs[3]:
        st.dataframe(
            _split_frame(ctx, r, "by_kind", budget.KINDS, "budget.kind"),
            hide_index=True,
            width="stretch",
            height="content",
        )
    with tabs[4]:
        if r["without_euros"]:
            for m in r["without_euros"]:
                st.text(ctx.title(m))
        else:
            st.info(t("budget.none_without"))
    st.caption(t("budget.method"))


def csv_download(ctx: Ctx) -> None:
    """The budget CSV, built only when clicked (one row per measure and year)."""
    plan = ctx.need_plan()
    st.download_button(
        ctx.t("budget.csv"),
        key="bu_csv",
        icon=":material/csv:",
        mime=CSV,
        on_click="ignore",
        data=deferred(exports.budget_csv, plan["id"], ctx.lang, ctx.municipality_id),
        file_name=exports.workbook_filename(plan, ctx.lang, "csv").replace(".csv", "_budget.csv"),
    )


def render_budget_overview(ctx: Ctx) -> None:
    """The Overview's budget section: the period's totals and the preventive share by year."""
    if not ctx.plan:
        return
    r = budget.rollup(ctx.db, ctx.plan["id"], ctx.municipality_id)
    if not r["total"].lines:
        return
    t = ctx.t
    st.subheader(t("budget.overview_heading", first=ctx.plan["first_year"], last=ctx.plan["last_year"]))
    metrics(ctx, r)
    trend = " → ".join(f"{row['year']}: {pct(ctx, row['preventive_planned'])}" for row in budget.trend(r))
    st.text(t("budget.overview_trend", trend=trend))
