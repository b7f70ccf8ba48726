import streamlit as st

from lape_plan import budget
from lape_plan.ui import budget as ui
from lape_plan.ui.guard import guard

ctx = guard()
t = ctx.t
st.title(t("budget.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
    st.caption(t("budget.example_note"))
st.text(t("budget.intro"))
ui.show_flash()

st.subheader(t("budget.entry_heading"))
picked = ui.pick(ctx)
if picked:
    item, year = picked
    ui.line_form(ctx, item, year)
    ui.lines_table(ctx, item)

ui.rollup_section(ctx, budget.rollup(ctx.db, ctx.plan["id"], ctx.municipality_id))
ui.csv_download(ctx)
