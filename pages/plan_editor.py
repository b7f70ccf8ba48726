import streamlit as st

from lape_plan import i18n, plans
from lape_plan.errors import LapeError
from lape_plan.ui.drafts import badge_md, draft_panel
from lape_plan.ui.editor import TREE_CSS, item_actions, item_form, show_flash
from lape_plan.ui.state import reset
from lape_plan.ui.guard import guard
from lape_plan.ui.text import md_escape

ctx = guard()
t = ctx.t
st.title(t("editor.title"))
if not ctx.plan:
    st.info(t("overview.no_plan"))
    st.stop()
if ctx.plan["is_example"]:
    st.warning(t("common.example_banner"), icon=":material/science:")
show_flash()

areas = plans.tree(ctx.db, ctx.plan["id"], include_drafts=True)  # the editor shows drafts, marked
selected = st.session_state.get("ed_sel")


def select(entity, item_id):
    st.session_state["ed_sel"] = (entity, item_id)
    st.session_state.pop("ed_confirm", None)
    st.session_state.pop("draft_confirm", None)


def tree_button(entity, item, label, indent):
    kind = "primary" if selected == (entity, item["id"]) else "tertiary"
    badge = f" {badge_md(ctx)}" if item.get("draft") else ""
    st.button(
        f"{indent}{md_escape(label)}{badge}",
        key=f"sel_{entity}_{item['id']}",
        type=kind,
        on_click=select,
        args=(entity, item["id"]),
    )


left, right = st.columns([2, 3], gap="large")
with left:
    st.subheader(t("editor.structure"))
    st.html(TREE_CSS)
    with st.container(key="ed_tree"):
        for area in areas:
            tree_button("focus_area", area, f"{area['number']}. {ctx.title(area)}", "")
            for goal in area["goals"]:  # a draft has no number until it is accepted
                tree_button("goal", goal, " ".join(filter(None, (goal["number"], ctx.title(goal)))), "\u2003")
                for measure in goal["measures"]:
                    tree_button(
                        "measure",
                        measure,
                        " ".join(filter(None, (measure["number"], ctx.title(measure)))),
                        "\u2003\u2003",
                    )
    st.button(t("editor.new_focus_area"), icon=":material/add:", on_click=select, args=("new", ctx.plan["id"]))

with right:
    if not selected:
        st.info(t("editor.pick_item"))
    elif selected[0] == "new":
        st.subheader(t("editor.new_focus_area"))
        item_form(ctx, "focus_area", None, ctx.plan["id"])
    else:
        entity, item_id = selected
        try:
            row = plans.get(ctx.db, entity, item_id)
        except LapeError:
            st.session_state.pop("ed_sel", None)
            st.rerun()
        st.subheader(f"{t('entity.' + entity)}: {md_escape(ctx.title(row))}")
        st.caption(
            t(
                "editor.last_saved",
                by=md_escape(i18n.actor_name(row["updated_by"], ctx.lang)),
                at=i18n.timestamp(row["updated_at"], ctx.lang),
                version=row["version"],
            )
        )
        draft_panel(ctx, entity, row)
        item_actions(ctx, entity, row)
        item_form(ctx, entity, row)
        if entity == "goal":
            from lape_plan.ui.indicators import render_goal_indicators

            render_goal_indicators(ctx, row)
        child = {"focus_area": "goal", "goal": "measure"}.get(entity)
        if child:
            st.subheader(t(f"editor.new_{child}"))
            item_form(ctx, child, None, item_id)

with st.expander(t("editor.deleted_items")):
    deleted = plans.deleted_items(ctx.db, ctx.plan["id"])
    if not deleted:
        st.caption(t("editor.nothing_deleted"))
    for item in deleted:
        c1, c2 = st.columns([4, 1])
        c1.text(
            f"{t('entity.' + item['entity'])}: {ctx.title(item)} — "
            f"{i18n.actor_name(item['deleted_by'], ctx.lang)}, {i18n.timestamp(item['deleted_at'], ctx.lang)}"
        )
        if c2.button(t("editor.restore"), key=f"restore_{item['entity']}_{item['id']}"):
            try:
                plans.restore(ctx.db, ctx.writer(), item["entity"], item["id"])
                reset(f"ed_{item['entity']}_{item['id']}")
                st.rerun()
            except LapeError as err:
                ctx.error(err)
