import streamlit as st

from lape_plan import chapters
from lape_plan.ui.documents import chapter_form, history, language_list, part_options
from lape_plan.ui.guard import guard
from lape_plan.ui.versions import changes_section

ctx = guard()
t = ctx.t
st.title(t("chapters.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
st.caption(t("chapters.help"))
language_list(ctx)
kinds = chapters.kinds(ctx.db, ctx.plan["id"])
options, names = part_options(ctx)
# A member starts on the part of their own municipality, the one they may edit.
own = next((o for o in options if o and o in ctx.actor.org_ids), 0)
c1, c2 = st.columns(2)
kind = c1.selectbox(
    t("chapters.kind_label"),
    kinds,
    key="ch_kind",
    format_func=lambda k: f"{kinds.index(k) + 1} {chapters.title(k, ctx.lang)}",
)
part = c2.selectbox(t("chapters.part"), options, index=options.index(own), key="ch_part", format_func=names.__getitem__)
chapter_form(ctx, kind, part or None)
history(ctx, kind, part or None)
st.divider()
changes_section(ctx, ctx.plan)
