"""Entry point: navigation over pages/. Each page runs the shared guard itself."""
import streamlit as st

from lape_plan import i18n
from lape_plan.ui.guard import current_lang

lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=i18n.t("nav.overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/plan_editor.py", title=i18n.t("nav.plan_editor", lang), icon=":material/edit_note:",
            url_path="plan_editor"),
    st.Page("pages/follow_up.py", title=i18n.t("nav.follow_up", lang), icon=":material/fact_check:",
            url_path="follow_up"),
    st.Page("pages/indicators.py", title=i18n.t("nav.indicators", lang), icon=":material/monitoring:",
            url_path="indicators"),
    st.Page("pages/export.py", title=i18n.t("export.nav", lang), icon=":material/download:", url_path="export"),
]
st.navigation(pages).run()
