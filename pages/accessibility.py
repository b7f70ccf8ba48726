"""The accessibility statement (Act 306/2019): public, like the participant page."""

import streamlit as st

from lape_plan import config
from lape_plan.ui.text import md_escape
from lape_plan.ui.public import language_choice, public_guard

ctx = public_guard()
t = ctx.t
st.title(t("a11y.nav"))
st.markdown(t("a11y.statement"))
contact = (config.secrets().get("accessibility") or {}).get("feedback")
st.markdown(t("a11y.feedback_contact", contact=md_escape(str(contact))) if contact else t("a11y.feedback_admin"))
language_choice(ctx.lang)
