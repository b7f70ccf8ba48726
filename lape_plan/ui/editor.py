"""Forms of the plan editor. Each form remembers the version it was opened on, so a
save over someone else's newer edit is refused and the typed text stays."""

from __future__ import annotations

from functools import partial

import streamlit as st

from .. import plans
from ..errors import LapeError
from ..model import Role, Scope
from . import state
from .forms import on_top, save, show_differences
from .guard import Ctx
from .text import md_escape

FIELDS = {
    "focus_area": ["title_fi", "title_sv", "description"],
    "goal": ["title_fi", "title_sv", "description", "scope", "municipality_ids", "responsible_ids"],
    "measure": [
        "title_fi",
        "title_sv",
        "description",
        "responsible_org_id",
        "start_year",
        "end_year",
        "resources_text",
        "resources_eur",
    ],
}


# The plan's structure as a compact outline: focus areas bold and larger, goals semibold,
# measures plain, each level indented, rows close together.
TREE_CSS = """<style>
.st-key-ed_tree { gap: 0.1rem; }
.st-key-ed_tree button { justify-content: flex-start; text-align: left; min-height: 2rem; padding: 0.1rem 0.4rem; }
.st-key-ed_tree [class*="st-key-sel_focus_area_"] { margin-top: 0.6rem; }
.st-key-ed_tree [class*="st-key-sel_focus_area_"] p { font-size: 1.1rem; font-weight: 700; }
.st-key-ed_tree [class*="st-key-sel_goal_"] p { font-weight: 600; }
</style>"""


def _prefix(entity: str, item_id, parent_id=None) -> str:
    return f"ed_{entity}_{item_id}" if item_id else f"ed_new_{entity}_{parent_id}"


def open_version(prefix: str, values: dict, version: int) -> int:
    """Fill a form's widget state from the saved row the first time it is shown, and
    remember the version it was opened on. Later runs keep what the user typed, so a
    save can be checked against that version and refused if someone saved since."""
    if prefix + "_version" not in st.session_state:
        for field, value in values.items():
            st.session_state[f"{prefix}_{field}"] = value
        st.session_state[prefix + "_version"] = version
    return st.session_state[prefix + "_version"]


flash = partial(state.flash, "ed_flash")
show_flash = partial(state.show_flash, "ed_flash")


def _initial(row: dict | None, field: str):
    if row is None:
        return {"scope": Scope.SHARED.value, "municipality_ids": [], "responsible_ids": []}.get(
            field, "" if field not in ("responsible_org_id", "start_year", "end_year") else None
        )
    value = row.get(field)
    if field == "resources_eur" and value is not None:
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")
    return (
        ""
        if value is None and field in ("title_fi", "title_sv", "description", "resources_text", "resources_eur")
        else value
    )


def item_form(ctx: Ctx, entity: str, row: dict | None, parent_id: int | None = None) -> None:
    """Edit `row`, or create a new item under `parent_id` when row is None."""
    t = ctx.t
    prefix = _prefix(entity, row and row["id"], parent_id)
    open_version(prefix, {f: _initial(row, f) for f in FIELDS[entity]}, row["version"] if row else 0)
    plan = ctx.need_plan()
    orgs = plans.organisations(ctx.db, plan["id"])
    names = {o["id"]: plans.org_name(o, ctx.lang) for o in orgs}
    years = list(range(plan["first_year"], plan["last_year"] + 1))
    if not plans.allowed(ctx.db, ctx.actor, entity, row, parent_id):
        if row:
            st.caption(t("editor.read_only"))
            for field in ("title_fi", "title_sv", "description", "resources_text"):
                if row.get(field):
                    st.text(f"{t('field.' + field)}: {row[field]}")
        return
    # Which organisations an item concerns is the coordinators' to decide: a member is offered only
    # what the item has and their own organisations, and not the scope (plans.authorise checks again).
    member = ctx.actor.role not in (Role.ADMIN, Role.FACILITATOR)

    def offered(ids, field):
        current = _initial(row, field)
        kept = set(current) if isinstance(current, list) else {current}
        return [i for i in ids if not member or i in ctx.actor.org_ids or i in kept]

    with st.form(prefix + "_form", clear_on_submit=False, enter_to_submit=False):
        st.text_input(t("field.title_fi"), key=f"{prefix}_title_fi", max_chars=300)
        st.text_input(t("field.title_sv"), key=f"{prefix}_title_sv", max_chars=300)
        st.text_area(t("field.description"), key=f"{prefix}_description", height=90)
        if entity == "goal":
            st.radio(
                t("field.scope"),
                [s.value for s in Scope],
                key=f"{prefix}_scope",
                horizontal=True,
                format_func=lambda s: t(f"scope.{s}"),
                disabled=member,
            )
            st.multiselect(
                t("field.municipality_ids"),
                offered([o["id"] for o in orgs if o["kind"] == "municipality"], "municipality_ids"),
                key=f"{prefix}_municipality_ids",
                format_func=names.__getitem__,
                help=t("field.municipality_ids_help"),
                select_all=False,
                placeholder=t("common.choose"),
            )
            st.multiselect(
                t("field.responsible_ids"),
                offered(list(names), "responsible_ids"),
                key=f"{prefix}_responsible_ids",
                format_func=names.__getitem__,
                select_all=False,
                placeholder=t("common.choose"),
            )
        if entity == "measure":
            st.selectbox(
                t("field.responsible_org_id"),
                [None, *offered(list(names), "responsible_org_id")],
                key=f"{prefix}_responsible_org_id",
                format_func=lambda o: names.get(o, "–"),
                placeholder=t("common.choose"),
            )
            c1, c2 = st.columns(2)
            c1.selectbox(
                t("field.start_year"),
                [None, *years],
                key=f"{prefix}_start_year",
                format_func=lambda y: "–" if y is None else str(y),
                placeholder="–",
            )
            c2.selectbox(
                t("field.end_year"),
                [None, *years],
                key=f"{prefix}_end_year",
                format_func=lambda y: "–" if y is None else str(y),
                placeholder="–",
            )
            st.text_input(t("field.resources_text"), key=f"{prefix}_resources_text", max_chars=600)
            st.text_input(t("field.resources_eur"), key=f"{prefix}_resources_eur", help=t("field.resources_eur_help"))
        submitted = st.form_submit_button(t("editor.save") if row else t("editor.add"), type="primary")
        # Inside the form: the merge button submits what is typed now, on top of their version.
        merged = show_conflict(ctx, prefix, [f for f in COMPARED if f in FIELDS[entity]])
    if merged:
        on_top(prefix)
    if submitted or merged:
        values = {f: st.session_state[f"{prefix}_{f}"] for f in FIELDS[entity]}

        def write() -> None:
            if row:
                plans.update(ctx.db, ctx.writer(), entity, row["id"], st.session_state[prefix + "_version"], **values)
            elif parent_id is not None:  # a new item: its callers always give the parent
                new_id = plans.add(ctx.db, ctx.writer(), entity, parent_id, **values)
                if entity == "focus_area":
                    st.session_state["ed_sel"] = (entity, new_id)

        save(ctx, write, prefix=prefix, slot="ed_flash", message=t("editor.saved") if row else t("editor.added"))


COMPARED = ("title_fi", "title_sv", "description", "resources_text")


def show_conflict(ctx: Ctx, prefix: str, fields) -> bool:
    """After a refused stale save (inside the item's form): who saved, their text and the
    typed one side by side with the differences, and a button that saves the form as it is
    now on top of their version. True when that button was pressed."""
    current = st.session_state.get(prefix + "_conflict")
    if not current:
        return False
    t = ctx.t
    ctx.conflict(current)
    show_differences(
        ctx,
        current.get("updated_by", ""),
        [(t("field." + f), current.get(f), st.session_state.get(f"{prefix}_{f}")) for f in fields],
    )
    return st.form_submit_button(t("editor.keep_mine"), key=prefix + "_rebase", help=t("friction.diff.save_help"))


def item_actions(ctx: Ctx, entity: str, row: dict) -> None:
    """Move up, move down and delete (with confirmation), for those who may change the item."""
    if not plans.allowed(ctx.db, ctx.actor, entity, row):
        return
    t = ctx.t
    selected = (entity, row["id"])
    c1, c2, c3 = st.columns(3)
    for col, step, label, icon in (
        (c1, -1, "editor.move_up", ":material/arrow_upward:"),
        (c2, 1, "editor.move_down", ":material/arrow_downward:"),
    ):
        if col.button(t(label), key=f"move_{step}", icon=icon, width="stretch"):
            try:
                plans.move(ctx.db, ctx.writer(), entity, row["id"], step)
                st.rerun()
            except LapeError as err:
                ctx.error(err)
    if c3.button(t("editor.delete"), icon=":material/delete:", width="stretch"):
        st.session_state["ed_confirm"] = selected
    if st.session_state.get("ed_confirm") != selected:
        return
    st.warning(t("editor.confirm_delete", title=md_escape(ctx.title(row))))
    yes, no = st.columns(2)
    if yes.button(t("editor.confirm_yes"), type="primary", key="confirm_yes", width="stretch"):
        try:
            plans.delete(ctx.db, ctx.writer(), entity, row["id"], row["version"])
        except LapeError as err:
            ctx.error(err)
        else:
            st.session_state.pop("ed_sel", None)
            st.session_state.pop("ed_confirm", None)
            flash(t("editor.deleted"))
            st.rerun()
    if no.button(t("editor.confirm_no"), key="confirm_no", width="stretch"):
        st.session_state.pop("ed_confirm", None)
        st.rerun()
