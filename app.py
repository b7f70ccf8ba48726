"""Entry point: navigation over pages/. Each page runs the shared guard itself."""
import streamlit as st

from lape_plan import i18n
from lape_plan.ui.guard import current_lang
from lape_plan.ui.workshop import nav_position

lang = current_lang()
pages = [
    st.Page("pages/overview.py", title=i18n.t("nav.overview", lang), icon=":material/dashboard:", default=True),
    st.Page("pages/plan_editor.py", title=i18n.t("nav.plan_editor", lang), icon=":material/edit_note:",
            url_path="plan_editor"),
    st.Page("pages/workshop.py", title=i18n.t("nav.workshop", lang), icon=":material/groups:", url_path="workshop"),
    st.Page("pages/projector.py", title=i18n.t("nav.projector", lang), icon=":material/slideshow:",
            url_path="projector"),
    st.Page("pages/join.py", title=i18n.t("nav.join", lang), icon=":material/how_to_vote:", url_path="join"),
]
st.navigation(pages, position=nav_position()).run()
