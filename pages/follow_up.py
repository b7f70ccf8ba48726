import streamlit as st

from lape_plan import follow_up as fu
from lape_plan.ui import follow_up as ui
from lape_plan.ui.guard import guard

ctx = guard()
t = ctx.t
st.title(t("follow_up.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
ui.show_flash()

f = ui.filters(ctx)
year = f["year"]
rollup = fu.rollup(ctx.db, ctx.plan["id"], year, ctx.municipality_id, f["org_id"])
ui.rollup_metrics(ctx, rollup)
with st.expander(t("follow_up.rollup_heading", year=year)):
    ui.rollup_table(ctx, rollup)
    st.caption(t("follow_up.rollup_method"))
items = fu.items(ctx.db, ctx.plan["id"], f["municipality_id"], f["focus_area_id"], f["org_id"])

tabs = st.tabs(
    [
        t("follow_up.tab_update"),
        t("follow_up.tab_bulk"),
        t("follow_up.tab_heatmap"),
        t("follow_up.tab_missing"),
        t("follow_up.tab_summary"),
    ],
    key="fu_tab",
)

with tabs[0]:
    if not items:
        st.info(t("follow_up.nothing_to_update"))
    else:
        item = ui.item_picker(ctx, items, year)
        st.text(f"{t('follow_up.organisation')}: {ui.org_names(ctx, item['responsible_ids'])}")
        if year not in item["years"]:
            st.info(t("follow_up.not_scheduled_in", year=year, first=item["years"][0], last=item["years"][-1]))
        elif not fu.may_edit(ctx.actor, item):
            ui.item_read_only(ctx, item, year)
        else:
            ui.item_form(ctx, item, year)
        st.subheader(t("follow_up.history_heading"))
        ui.history_table(ctx, item)

with tabs[1]:
    ui.bulk_editor(ctx, items, year, f)

with tabs[2]:
    ui.heatmap(ctx, f)

with tabs[3]:
    st.subheader(t("follow_up.missing_heading", year=year))
    ui.missing_table(ctx, f)

with tabs[4]:
    st.subheader(t("follow_up.summary_heading", year=year, previous=year - 1))
    ui.summary_table(ctx, f)
