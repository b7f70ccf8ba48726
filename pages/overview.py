import pandas as pd
import streamlit as st

from lape_plan import plans
from lape_plan.ui.budget import render_budget_overview
from lape_plan.ui.follow_up import render_follow_up_overview
from lape_plan.ui.guard import guard
from lape_plan.ui.indicators import render_indicators_overview
from lape_plan.ui.text import md_escape
from lape_plan.ui.versions import approvals_table

ctx = guard()
t = ctx.t
if not ctx.plan:
    st.title(t("overview.title"))
    st.info(t("overview.no_plan"))
    st.stop()

plan = ctx.plan
st.title(t("overview.title"))
st.subheader(md_escape(ctx.title(plan)))
if plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")

data = plans.overview(ctx.db, plan["id"])
orgs = {o["id"]: o for o in plans.organisations(ctx.db, plan["id"])}
cols = st.columns(4)
cols[0].metric(t("overview.period"), f"{plan['first_year']}–{plan['last_year']}")
cols[1].metric(t("overview.goals"), ctx.num(data["goals"]))
cols[2].metric(t("overview.measures"), ctx.num(data["measures"]))
cols[3].metric(t("overview.organisations"), ctx.num(len(orgs)))
render_follow_up_overview(ctx)
render_budget_overview(ctx)

st.subheader(t("overview.by_focus_area"))
st.dataframe(
    pd.DataFrame(
        [
            {
                t("overview.focus_area"): ctx.title(r["focus_area"]),
                t("overview.goals"): r["goals"],
                t("overview.local_goals"): r["local_goals"],
                t("overview.measures"): r["measures"],
            }
            for r in data["per_area"]
        ]
    ),
    hide_index=True,
    width="stretch",
    height="content",
)

st.subheader(t("overview.by_municipality"))
rows = data["per_municipality"]
if ctx.municipality_id:
    rows = [r for r in rows if r["organisation"]["id"] == ctx.municipality_id]
st.dataframe(
    pd.DataFrame(
        [
            {
                t("overview.municipality"): plans.org_name(r["organisation"], ctx.lang),
                t("overview.code"): r["organisation"]["code"],
                t("overview.goals"): r["goals"],
                t("overview.own_goals"): r["own_goals"],
                t("overview.measures"): r["measures"],
                t("overview.responsible_measures"): r["responsible_measures"],
            }
            for r in rows
        ]
    ),
    hide_index=True,
    width="stretch",
    height="content",
)

st.subheader(t("overview.goals_heading"))
for area in plans.tree(ctx.db, plan["id"], ctx.municipality_id):
    st.markdown(f"**{area['number']}\\. {md_escape(ctx.title(area))}**")
    if not area["goals"]:
        st.caption(t("overview.no_goals"))
        continue
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("entity.goal"): ctx.title(goal),
                    t("field.scope"): t("overview.shared")
                    if goal["scope"] == "shared"
                    else ", ".join(plans.org_name(orgs[o], ctx.lang) for o in goal["municipality_ids"] if o in orgs),
                    t("overview.responsible"): ", ".join(
                        plans.org_name(orgs[o], ctx.lang) for o in goal["responsible_ids"] if o in orgs
                    ),
                    t("overview.measures"): len(goal["measures"]),
                }
                for goal in area["goals"]
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )

render_indicators_overview(ctx)

st.subheader(t("overview.approvals"))
if not approvals_table(ctx, plan["id"]):
    st.info(t("overview.no_approvals"))
