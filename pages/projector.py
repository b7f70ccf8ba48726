"""Projector: big join code and QR, live counts and ranking in a self-refreshing fragment."""

import streamlit as st

from lape_plan import workshop
from lape_plan.errors import LapeError
from lape_plan.model import Role
from lape_plan.ui.guard import guard
from lape_plan.ui.workshop import projector_view

ctx = guard(roles=(Role.ADMIN, Role.FACILITATOR))
t = ctx.t
existing = workshop.for_plan(ctx.db, ctx.plan["id"]) if ctx.plan else []
wanted = st.query_params.get("w") or st.session_state.get("ws_id")
try:
    w = workshop.get(ctx.db, int(wanted)) if wanted else None
except (LapeError, ValueError):
    w = None
if w is None:
    st.title(t("workshop.projector"))
    if not existing:
        st.info(t("workshop.none_yet"))
        st.stop()
    names = {x["id"]: f"{x['title']} ({x['code']})" for x in existing}
    chosen = st.selectbox(
        t("workshop.pick_workshop"),
        list(names),
        format_func=names.__getitem__,
        index=None,
        placeholder=t("common.choose"),
    )
    if chosen:
        st.query_params["w"] = str(chosen)
        st.rerun()
    st.stop()

projector_view(ctx, w)
