"""Facilitator: create a workshop, show the join code, switch phases, moderate, promote, export."""

import streamlit as st

from lape_plan import i18n, plans, workshop
from lape_plan.errors import LapeError
from lape_plan.model import Role
from lape_plan.ui.guard import guard
from lape_plan.ui.text import md_escape
from lape_plan.ui.public import show_flash
from lape_plan.ui.workshop import (
    act,
    feedback_panel,
    join_panel,
    new_workshop_form,
    proposal_row,
    results_panel,
    round_panel,
    settings_panel,
)

ctx = guard(roles=(Role.ADMIN, Role.FACILITATOR))
t = ctx.t
st.title(t("workshop.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
show_flash()

areas = plans.tree(ctx.db, ctx.plan["id"], include_drafts=True)  # proposals name the drafts they became
area_title = {a["id"]: ctx.title(a) for a in areas}
existing = workshop.for_plan(ctx.db, ctx.plan["id"])


with st.expander(t("workshop.new"), expanded=not existing):
    new_workshop_form(ctx, area_title)
if not existing:
    st.stop()

ids = [w["id"] for w in existing]
if st.session_state.get("ws_id") not in ids:
    st.session_state["ws_id"] = ids[0]
names = {w["id"]: f"{w['title']} ({w['code']})" for w in existing}
st.selectbox(t("workshop.pick_workshop"), ids, key="ws_id", format_func=names.__getitem__)
w = workshop.get(ctx.db, st.session_state["ws_id"])

with st.container(border=True):
    join_panel(ctx, w, "workshop")
    # A new tab: the facilitator's page stays where it is.
    st.link_button(t("workshop.open_projector"), f"projector?w={w['id']}", icon=":material/slideshow:")
    round_panel(ctx, w)

c1, c2 = st.columns([3, 2], vertical_alignment="bottom")
phase = c1.segmented_control(
    t("workshop.phase"),
    workshop.PHASES,
    default=w["phase"],
    key=f"ws_phase_{w['version']}",
    format_func=lambda p: t(f"workshop.phase.{p}"),
)
if phase and phase != w["phase"]:
    act(ctx, workshop.set_phase, w["id"], phase)
    st.rerun()
reveal = c2.toggle(
    t("workshop.results_visible"), value=bool(w["results_visible"]), key=f"ws_reveal_{w['version']}", wrap=True
)
if reveal != bool(w["results_visible"]):
    act(ctx, workshop.set_results_visible, w["id"], reveal)
    st.rerun()

figures = workshop.live(ctx.db, w["id"])
cols = st.columns(5)
joined = ctx.num(figures["participants"])
if w["max_participants"]:
    joined = t("workshop.participants_of_cap", count=joined, max=ctx.num(w["max_participants"]))
cols[0].metric(t("workshop.count.participants"), joined, help=t("workshop.participants_help"))
for col, key in zip(cols[1:], ("proposals", "votes", "voters")):
    col.metric(t(f"workshop.count.{key}"), ctx.num(figures[key]))
cols[4].button(t("workshop.refresh"), icon=":material/refresh:", width="stretch")

st.subheader(t("workshop.proposals"))
offered = {a: area_title[a] for a in w["focus_area_ids"] if a in area_title}
all_props = workshop.proposals(ctx.db, w["id"], w["round_id"])
open_props = [p for p in all_props if not p["merged_into"]]
goals = {g["id"]: ctx.title(g) for a in areas for g in a["goals"]}
if not open_props:
    st.info(t("workshop.no_proposals"))
for p in open_props:
    proposal_row(ctx, p, [o for o in open_props if o["id"] != p["id"]], offered, goals)

with st.expander(t("workshop.add_proposal")):
    with st.form("ws_add", clear_on_submit=False, enter_to_submit=False):
        area = st.selectbox(t("workshop.focus_area"), list(offered), format_func=offered.__getitem__)
        text = st.text_area(t("workshop.proposal_text"), max_chars=workshop.PROPOSAL_MAX, key="ws_add_text")
        if st.form_submit_button(t("workshop.add"), type="primary"):
            try:
                workshop.add_proposal(ctx.db, ctx.writer(), w["id"], area, text)
                st.session_state.pop("ws_add_text", None)
                st.rerun()
            except LapeError as err:
                ctx.error(err)

with st.expander(t("workshop.settings")):
    settings_panel(ctx, w, area_title)

st.subheader(t("workshop_room.results"))
results_panel(ctx, w)
st.subheader(t("workshop_room.feedback"))
feedback_panel(ctx, w)

st.subheader(t("workshop.export"))
d1, d2 = st.columns(2)
stem = f"workshop_{w['code']}"
d1.download_button(
    t("workshop.download_xlsx"),
    workshop.results_xlsx(ctx.db, w["id"], ctx.lang),
    f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
d2.download_button(
    t("workshop.download_csv"),
    workshop.results_csv(ctx.db, w["id"], ctx.lang),
    f"{stem}.csv",
    mime="text/csv",
    icon=":material/download:",
)
st.caption(md_escape(t("workshop.created_by", by=i18n.actor_name(w["created_by"], ctx.lang), code=w["code"])))
