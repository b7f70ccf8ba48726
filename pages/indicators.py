import streamlit as st

from lape_plan.ui import indicators as ui
from lape_plan.ui.guard import guard

ctx = guard()
t = ctx.t
st.title(t("indicators.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
ui.example_notice(ctx)

views = {"charts": ui.render_charts, "import": ui.render_import, "catalogue": ui.render_catalogue}
view = st.radio(
    t("indicators.view"),
    list(views),
    key="ind_view",
    horizontal=True,
    format_func=lambda v: t(f"indicators.view.{v}"),
    label_visibility="collapsed",
)
views[view](ctx)
