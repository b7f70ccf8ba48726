"""Streamlit part of the plan settings page: the plan's title and period, council decisions,
the plan's organisations, shared-goal editing and a new plan."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from .. import i18n, plans, versions
from ..model import OrgKind, Role
from .editor import open_version, show_conflict
from .forms import on_top, save
from .guard import Ctx
from .versions import approvals_table

FLASH = "settings_flash"


def attempt(ctx: Ctx, action, success_key: str, prefix: str | None = None) -> None:
    """Run one lape_plan call; show a typed error in the user's language, keep the form's text."""
    save(ctx, action, prefix=prefix, slot=FLASH, message=ctx.t(success_key))


def org_names(ctx: Ctx) -> dict[int, str]:
    return {o["id"]: plans.org_name(o, ctx.lang) for o in plans.organisations(ctx.db)}


def plan_form(ctx: Ctx, plan: dict) -> None:
    t = ctx.t
    st.header(t("settings.plan"))
    prefix = f"ps_plan_{plan['id']}"
    base = open_version(
        prefix,
        {
            "title_fi": plan["title_fi"],
            "title_sv": plan["title_sv"] or "",
            "first": plan["first_year"],
            "last": plan["last_year"],
        },
        plan["version"],
    )
    with st.form(prefix):
        title_fi = st.text_input(t("field.title_fi"), key=f"{prefix}_title_fi", max_chars=300)
        title_sv = st.text_input(t("field.title_sv"), key=f"{prefix}_title_sv", max_chars=300)
        c1, c2 = st.columns(2)
        first = c1.number_input(t("settings.first_year"), 2000, 2100, key=f"{prefix}_first")
        last = c2.number_input(t("settings.last_year"), 2000, 2100, key=f"{prefix}_last")
        submitted = st.form_submit_button(t("editor.save"), type="primary")
        merged = show_conflict(ctx, prefix, ("title_fi", "title_sv"))  # saves the form on top of theirs
    if merged:
        base = on_top(prefix)
    if submitted or merged:
        attempt(
            ctx,
            lambda: plans.update_plan(ctx.db, ctx.writer(), plan["id"], base, title_fi, title_sv, first, last),
            "editor.saved",
            prefix,
        )


def approvals_section(ctx: Ctx, plan: dict, frozen: list[dict]) -> None:
    """The councils' decisions: the table, a new one (against the version sent, once one was)
    and removing one."""
    t = ctx.t
    names = org_names(ctx)
    st.subheader(t("overview.approvals"))
    numbers = {v["id"]: v["number"] for v in frozen}
    approvals = approvals_table(ctx, plan["id"], numbers)
    with st.form("new_approval"):
        if frozen:  # a decision is recorded against the version the councils were sent
            version_id = st.selectbox(
                t("approvals.decision_version"),
                list(numbers),
                key="ap_version",
                format_func=lambda i: next(versions.version_label(v, ctx.lang) for v in frozen if v["id"] == i),
            )
        else:
            version_id = None
        c1, c2 = st.columns(2)
        body = c1.text_input(t("field.body"), key="ap_body", max_chars=300, placeholder=t("settings.body_example"))
        org = c2.selectbox(
            t("field.org"),
            [None, *[o["id"] for o in plans.organisations(ctx.db, plan["id"])]],
            key="ap_org",
            format_func=lambda o: names.get(o, "–"),
            placeholder="–",
        )
        date = c1.date_input(t("field.date"), key="ap_date", format="DD.MM.YYYY")
        reference = c2.text_input(
            t("field.reference"), key="ap_reference", max_chars=300, placeholder="Kvalt 12.3.2020 § 15"
        )
        if st.form_submit_button(t("settings.add_approval")):
            attempt(
                ctx,
                lambda: plans.add_approval(ctx.db, ctx.writer(), plan["id"], body, date, reference, org, version_id),
                "editor.added",
            )
    if approvals:
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        doomed = c1.selectbox(
            t("settings.remove_approval"),
            [a["id"] for a in approvals],
            format_func=lambda i: next(f"{a['body']} {a['reference']}" for a in approvals if a["id"] == i),
        )
        if c2.button(t("editor.delete"), key="del_approval", icon=":material/delete:"):
            attempt(ctx, lambda: plans.delete_approval(ctx.db, ctx.writer(), doomed), "editor.deleted")


def organisations_section(ctx: Ctx, plan: dict) -> None:
    """Every organisation, which of them are in the plan; adding, removing and a new one.
    Administrators also choose who may edit the shared goals."""
    t = ctx.t
    all_orgs = plans.organisations(ctx.db)
    names = org_names(ctx)
    st.subheader(t("settings.organisations"))
    in_plan = {o["id"] for o in plans.organisations(ctx.db, plan["id"])}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("field.name_fi"): o["name_fi"],
                    t("field.name_sv"): o["name_sv"],
                    t("field.kind"): t(f"org_kind.{o['kind']}"),
                    t("field.code"): o["code"],
                    t("settings.in_plan"): "✓" if o["id"] in in_plan else "–",
                }
                for o in all_orgs
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )
    c1, c2 = st.columns(2, vertical_alignment="bottom")
    outside = [o for o in names if o not in in_plan]
    if outside:
        joining = c1.selectbox(t("settings.add_existing"), outside, format_func=names.__getitem__)
        if c2.button(t("settings.add_to_plan"), icon=":material/add:"):
            attempt(ctx, lambda: plans.add_plan_organisation(ctx.db, ctx.writer(), plan["id"], joining), "editor.added")
    leaving = c1.selectbox(
        t("settings.remove_org"), sorted(in_plan, key=names.__getitem__), format_func=names.__getitem__
    )
    if c2.button(t("settings.remove_from_plan"), icon=":material/remove:"):
        attempt(
            ctx, lambda: plans.remove_plan_organisation(ctx.db, ctx.writer(), plan["id"], leaving), "editor.deleted"
        )
    with st.form("new_org"):
        st.caption(t("settings.new_org"))
        c1, c2 = st.columns(2)
        name_fi = c1.text_input(t("field.name_fi"), key="no_name_fi", max_chars=300)
        name_sv = c2.text_input(t("field.name_sv"), key="no_name_sv", max_chars=300)
        kind = c1.selectbox(t("field.kind"), [k.value for k in OrgKind], format_func=lambda k: t(f"org_kind.{k}"))
        code = c2.text_input(t("field.code"), key="no_code", max_chars=20, help=t("settings.code_help"))
        if st.form_submit_button(t("settings.add_org")):
            attempt(
                ctx,
                lambda: plans.add_plan_organisation(
                    ctx.db,
                    ctx.writer(),
                    plan["id"],
                    plans.add_organisation(ctx.db, ctx.writer(), kind, name_fi, name_sv, code),
                ),
                "editor.added",
            )

    if ctx.actor.role == Role.ADMIN:
        choice = st.radio(
            t("settings.shared_goal_editing"),
            plans.SHARED_GOAL_EDITING,
            index=plans.SHARED_GOAL_EDITING.index(plan["shared_goal_editing"]),
            format_func=lambda v: t(f"settings.shared.{v}"),
        )
        if choice != plan["shared_goal_editing"]:
            attempt(
                ctx, lambda: plans.set_shared_goal_editing(ctx.db, ctx.writer(), plan["id"], choice), "editor.saved"
            )


def new_plan_form(ctx: Ctx) -> None:
    t = ctx.t
    names = org_names(ctx)
    years = list(range(2020, i18n.today().year + 11))
    st.header(t("settings.new_plan"))
    with st.form("new_plan"):
        new_fi = st.text_input(t("field.title_fi"), key="np_title_fi", max_chars=300)
        new_sv = st.text_input(t("field.title_sv"), key="np_title_sv", max_chars=300)
        c1, c2 = st.columns(2)
        new_first = c1.selectbox(
            t("settings.first_year"), years, key="np_first", index=years.index(i18n.today().year + 1)
        )
        new_last = c2.selectbox(t("settings.last_year"), years, key="np_last", index=years.index(i18n.today().year + 4))
        new_orgs = st.multiselect(
            t("settings.organisations"),
            list(names),
            key="np_orgs",
            format_func=names.__getitem__,
            select_all=False,
            placeholder=t("common.choose"),
        )
        if st.form_submit_button(t("settings.create_plan"), type="primary"):

            def create():
                st.session_state["plan_id"] = plans.create_plan(
                    ctx.db, ctx.writer(), new_fi, new_first, new_last, new_orgs, new_sv
                )

            attempt(ctx, create, "settings.plan_created")
