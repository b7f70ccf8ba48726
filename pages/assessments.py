import streamlit as st

from lape_plan.ui import assessments as ui
from lape_plan.ui.guard import guard

ctx = guard()
t = ctx.t
st.title(t("assessments.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
st.caption(t("assessments.intro"))
ui.show_flash()

tabs = st.tabs(
    [t("assessments.tab_list"), t("assessments.tab_assessment"), t("assessments.tab_decisions")], key="lava_tab"
)
with tabs[0]:
    ui.list_section(ctx)
with tabs[1]:
    ui.editor_section(ctx)
with tabs[2]:
    ui.decisions_section(ctx)
