"""Entry point: navigation over pages/. Each page runs the shared guard itself."""

import streamlit as st

from lape_plan import i18n
from lape_plan.ui.guard import current_lang, failures_shown
from lape_plan.ui.public import nav_page, nav_position

lang = current_lang()
role = st.session_state.get("auth_role")
t = lambda key: i18n.t(key, lang)  # noqa: E731
pages = [
    nav_page("pages/overview.py", title=t("nav.overview"), icon=":material/dashboard:", default=True),
    nav_page("pages/plan_editor.py", title=t("nav.plan_editor"), icon=":material/edit_note:", url_path="plan_editor"),
    nav_page("pages/chapters.py", title=t("chapters.nav"), icon=":material/article:", url_path="chapters"),
    nav_page("pages/indicators.py", title=t("nav.indicators"), icon=":material/monitoring:", url_path="indicators"),
    nav_page("pages/follow_up.py", title=t("nav.follow_up"), icon=":material/fact_check:", url_path="follow_up"),
    nav_page("pages/assessments.py", title=t("nav.assessments"), icon=":material/child_care:", url_path="assessments"),
    nav_page("pages/budget.py", title=t("nav.budget"), icon=":material/euro:", url_path="budget"),
    nav_page("pages/export.py", title=t("export.nav"), icon=":material/download:", url_path="export"),
    nav_page("pages/ideas_admin.py", title=t("nav.ideas_admin"), icon=":material/lightbulb:", url_path="ideas_admin"),
]
# Signed out: every page is registered so its URL resolves to the login form; the menu is hidden.
if role in (None, "admin", "facilitator"):
    pages += [
        nav_page("pages/workshop.py", title=t("nav.workshop"), icon=":material/groups:", url_path="workshop"),
        nav_page("pages/projector.py", title=t("nav.projector"), icon=":material/slideshow:", url_path="projector"),
        nav_page(
            "pages/plan_settings.py", title=t("nav.plan_settings"), icon=":material/settings:", url_path="plan_settings"
        ),
    ]
if role in (None, "admin"):
    pages.append(
        nav_page("pages/admin.py", title=t("nav.admin"), icon=":material/admin_panel_settings:", url_path="admin")
    )
# The workshop participants' page is public: no account, joined by code or QR.
pages.append(nav_page("pages/join.py", title=t("nav.join"), icon=":material/how_to_vote:", url_path="join"))
pages.append(nav_page("pages/ideas.py", title=t("nav.ideas"), icon=":material/emoji_objects:", url_path="ideas"))
# The accessibility statement is public too (Act 306/2019), linked from every page.
pages.append(
    nav_page(
        "pages/accessibility.py", title=t("a11y.nav"), icon=":material/accessibility_new:", url_path="accessibility"
    )
)
# expanded: the whole menu, without Streamlit's English "View 6 more"
page = st.navigation(pages, position="sidebar" if role and nav_position() == "sidebar" else "hidden", expanded=True)
with failures_shown(lang):  # the page's unexpected failures: a translated message, the traceback to the log
    page.run()
