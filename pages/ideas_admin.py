"""Ideas from residents: the idea period and public link, class sessions, participation
figures, moderation (publish, hide, merge, edit, answer, link to a goal or measure) and export.
Facilitators and administrators moderate; other staff open class sessions and read the
published ideas and the figures."""

import pandas as pd
import streamlit as st

from lape_plan import i18n, ideas, plans
from lape_plan.model import Role
from lape_plan.ui.guard import guard
from lape_plan.ui.ideas import (
    class_form,
    class_row,
    idea_row,
    link_options,
    link_panel,
    period_form,
    public_link,
)
from lape_plan.ui.public import show_flash

ctx = guard()
t = ctx.t
st.title(t("ideas.admin_title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
show_flash()
plan_id = ctx.plan["id"]
moderator = ctx.actor.role in (Role.ADMIN, Role.FACILITATOR)
teacher = ctx.actor.role != Role.VIEWER
areas = {a["id"]: f"{a['icon']} {ctx.title(a)}" for a in ideas.focus_areas(ctx.db, plan_id)}
munis = {m["id"]: plans.org_name(m, ctx.lang) for m in plans.organisations(ctx.db, plan_id, kind="municipality")}

period = ideas.period(ctx.db, plan_id)
st.markdown(
    t("ideas.period_is", start=i18n.date(period["opens_on"], ctx.lang), end=i18n.date(period["closes_on"], ctx.lang))
    if period
    else t("ideas.no_period")
)
if ideas.is_open(ctx.db, plan_id):
    with st.expander(t("ideas.public_links"), expanded=False):
        st.markdown(t("ideas.link_standard"))
        link_panel(ctx, public_link(ctx, plan_id))
        st.markdown(t("ideas.link_simple"))
        st.code(public_link(ctx, plan_id, simple=True), language=None, wrap_lines=True)
if moderator:
    with st.expander(t("ideas.period_settings"), expanded=period is None):
        period_form(ctx, plan_id)

if teacher:
    with st.expander(t("ideas.classes")):
        st.markdown(t("ideas.classes_help"))
        class_form(ctx, plan_id, munis)
        for c in ideas.classes(ctx.db, plan_id, ctx.writer()):
            class_row(ctx, c)

st.subheader(t("ideas.figures"))
figures = ideas.figures(ctx.db, plan_id)
cols = st.columns(4)
cols[0].metric(t("ideas.fig.total"), ctx.num(figures["ideas"]))
cols[1].metric(t("ideas.fig.published"), ctx.num(figures["published"]))
cols[2].metric(t("ideas.fig.classes"), ctx.num(figures["classes"]))
cols[3].metric(t("ideas.fig.workshop_participants"), ctx.num(figures["workshop_participants"]))
with st.expander(t("ideas.figures_table")):
    rows = ideas.figure_rows(ctx.db, plan_id, ctx.lang)
    st.dataframe(
        pd.DataFrame(rows, columns=[t("ideas.fig.breakdown"), t("ideas.fig.value"), t("ideas.fig.count")]),
        hide_index=True,
        width="stretch",
    )

st.subheader(t("ideas.list"))
states = ideas.STATES if moderator else ("published",)
state = (
    st.segmented_control(
        t("ideas.show_state"),
        states,
        default=states[0],
        key="idea_state_filter",
        format_func=lambda s: t(f"ideas.state.{s}"),
    )
    or states[0]
)
all_rows = ideas.ideas_for(ctx.db, plan_id, ctx.writer())
shown = [r for r in all_rows if r["state"] == state]
links = link_options(ctx, plan_id)
duplicates = ideas.likely_duplicates(all_rows)
mergeable = [r for r in all_rows if r["state"] != "merged"]
if not shown:
    st.info(t("ideas.none"))
for idea in shown:
    idea_row(
        ctx,
        idea,
        areas,
        munis,
        links,
        [o for o in mergeable if o["id"] != idea["id"]],
        moderator,
        duplicates.get(idea["id"]),
    )

if moderator:
    st.subheader(t("ideas.export"))
    d1, d2 = st.columns(2)
    stem = f"ideas_plan_{plan_id}_{ctx.lang}"
    d1.download_button(
        t("ideas.download_xlsx"),
        ideas.export_xlsx(ctx.db, plan_id, ctx.lang),
        f"{stem}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/download:",
        key="idea_xlsx",
    )
    d2.download_button(
        t("ideas.download_csv"),
        ideas.export_csv(ctx.db, plan_id, ctx.lang),
        f"{stem}.csv",
        mime="text/csv",
        icon=":material/download:",
        key="idea_csv",
    )
