"""Public idea page (no account, phone-first): residents, children and young people send ideas
to a plan while its idea period is open. ?plan=ID picks the plan, ?mode=simple the
simple-language mode, ?class=CODE a class session (opened by a teacher).

Kept tiny for capacity like the workshop page: cached reads, a form (no rerun per keystroke),
and the sending part in a fragment, so a sent idea reruns only that part."""

import streamlit as st

from lape_plan import config, i18n, ideas, plans
from lape_plan.errors import LapeError
from lape_plan.ui.guard import client_id
from lape_plan.ui.ideas import IDEAS_CSS, mode_switch, open_plans, simple_steps, standard_form
from lape_plan.ui.text import md_escape
from lape_plan.ui.public import language_choice, public_guard, show_flash

ctx = public_guard(IDEAS_CSS)
t = ctx.t
PATH = str(config.db_path())
simple = st.query_params.get("mode") == "simple"

class_code = st.query_params.get("class")
klass = None
if class_code is not None:
    st.title(t("ideas.class_title"))
    show_flash()
    try:
        klass = ideas.find_class(ctx.db, class_code, client_id()) if class_code else None
    except LapeError as err:
        ctx.error(err)
    if klass is None:
        with st.form("idea_class_code_form"):
            st.text_input(t("field.ideas_class_code"), key="idea_class_code", max_chars=12)
            if st.form_submit_button(t("ideas.class_enter"), type="primary", width="stretch", key="idea_class_go"):
                st.query_params["class"] = st.session_state.get("idea_class_code") or ""
                st.rerun()
        language_choice(ctx.lang)
        st.stop()
    plan = plans.get_plan(ctx.db, klass["plan_id"])
    st.markdown(t("ideas.class_banner", label=md_escape(klass["label"]), band=t(f"ideas.band.{klass['grade_band']}")))
else:
    open_now = open_plans(PATH, i18n.today().isoformat())
    wanted = st.query_params.get("plan")
    found = next((p for p in open_now if str(p["id"]) == wanted), None)
    if found is None and len(open_now) == 1:
        found = open_now[0]
    heading: str | None = t("ideas.simple.title") if simple else t("ideas.title")
    if found is None:
        st.title(heading)
        heading = None
        if not open_now:
            st.info(t("ideas.not_open"))
            language_choice(ctx.lang)
            st.stop()
        names = {p["id"]: plans.title_in(p, ctx.lang) for p in open_now}
        picked = st.selectbox(
            t("ideas.pick_plan"), list(names), format_func=names.__getitem__, index=None, placeholder=t("common.choose")
        )
        if picked is None:
            st.stop()
        found = next(p for p in open_now if p["id"] == picked)
    plan = found
    # The heading, the plan's name and its introduction as one element: each element costs
    # every rerun of every phone a message from the script's thread to the server's.
    lines = [f"# {md_escape(heading)}"] if heading else []
    lines.append(f"**{md_escape(plans.title_in(plan, ctx.lang))}**")
    if plan.get("intro") and not simple:
        lines.append(md_escape(plan["intro"]))
    st.markdown("\n\n".join(lines))


@st.fragment
def sending():
    show_flash()
    code = klass["code"] if klass else None
    if simple or (klass and klass["grade_band"] in ideas.CHILD_BANDS):
        simple_steps(t, ctx.lang, plan["id"], PATH, code)
    else:
        standard_form(t, ctx.lang, plan["id"], PATH, code)


sending()
if not klass:
    mode_switch(t, simple)
language_choice(ctx.lang)
