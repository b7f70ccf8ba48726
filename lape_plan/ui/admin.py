"""Streamlit part of the administration page: accounts, the audit log and backups."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from .. import auth, backup, config, db as dbm, i18n, plans
from ..errors import LapeError
from ..model import Role
from . import a11y, forms, state
from .editor import open_version
from .guard import Ctx
from .text import md_escape

# The new-user form's widgets and what they hold when it opens (again after a user is created:
# forms.save forgets the `nu_` keys, and these defaults come back on the next run).
NEW_USER = {
    "nu_username": "",
    "nu_display_name": "",
    "nu_email": "",
    "nu_role": "member",
    "nu_orgs": [],
    "nu_password": "",
}
FLASH = "admin_flash"
ROLES = [r.value for r in Role]


def users_tab(ctx: Ctx) -> None:
    t = ctx.t
    org_names = {o["id"]: plans.org_name(o, ctx.lang) for o in plans.organisations(ctx.db)}
    for key, value in NEW_USER.items():
        st.session_state.setdefault(key, value)
    users = auth.users(ctx.db)
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("auth.username"): u["username"],
                    t("auth.display_name"): u["display_name"],
                    t("admin.email"): u["email"] or "",
                    t("admin.role"): t(f"role.{u['role']}"),
                    t("admin.user_orgs"): ", ".join(org_names.get(o, "?") for o in u["org_ids"]),
                    t("admin.active"): "✓" if u["active"] else "–",
                    t("admin.last_login"): i18n.timestamp(u["last_login_at"], ctx.lang),
                }
                for u in users
            ]
        ),
        hide_index=True,
        width="stretch",
        height="content",
    )
    state.show_flash(FLASH)
    _new_user_form(ctx, org_names)
    if users:
        _edit_user_form(ctx, users, org_names)


def _org_choice(ctx: Ctx, org_names: dict, **options) -> list:
    return st.multiselect(
        ctx.t("admin.user_orgs"),
        list(org_names),
        format_func=org_names.__getitem__,
        select_all=False,
        placeholder=ctx.t("common.choose"),
        **options,
    )


def _new_user_form(ctx: Ctx, org_names: dict) -> None:
    t = ctx.t
    st.subheader(t("admin.new_user"))
    with st.form("new_user", clear_on_submit=False):
        c1, c2 = st.columns(2)
        c1.text_input(t("auth.username"), key="nu_username", max_chars=80)
        c2.text_input(t("auth.display_name"), key="nu_display_name", max_chars=120)
        c1.text_input(t("admin.email"), key="nu_email", max_chars=200)
        c2.selectbox(t("admin.role"), ROLES, key="nu_role", format_func=lambda r: t(f"role.{r}"))
        _org_choice(ctx, org_names, key="nu_orgs")
        st.text_input(t("auth.password"), type="password", key="nu_password", help=t("admin.password_help"))
        if st.form_submit_button(t("admin.create_user"), type="primary"):
            typed = st.session_state
            forms.save(
                ctx,
                lambda: auth.create_user(
                    ctx.db,
                    ctx.writer(),
                    typed.nu_username,
                    typed.nu_password,
                    typed.nu_role,
                    typed.nu_display_name,
                    typed.nu_email,
                    typed.nu_orgs,
                ),
                prefix="nu",
                slot=FLASH,
                message=t("admin.user_created", username=md_escape(typed.nu_username.strip().lower())),
            )


def _edit_user_form(ctx: Ctx, users: list[dict], org_names: dict) -> None:
    t = ctx.t
    st.subheader(t("admin.edit_user"))
    by_id = {u["id"]: u for u in users}
    user_id = st.selectbox(t("auth.username"), list(by_id), format_func=lambda i: by_id[i]["username"], key="eu_id")
    user = by_id[user_id]
    # the form keeps what was chosen and the version it was opened on: a save after another
    # administrator's is refused naming them, the choices kept (save again to go on top)
    prefix = f"eu_{user_id}"
    open_version(
        prefix, {"role": user["role"], "org_ids": user["org_ids"], "active": bool(user["active"])}, user["version"]
    )
    with st.form(prefix + "_form"):
        role = st.selectbox(t("admin.role"), ROLES, key=f"{prefix}_role", format_func=lambda r: t(f"role.{r}"))
        user_orgs = _org_choice(ctx, org_names, key=f"{prefix}_org_ids")
        active = st.checkbox(t("admin.active"), key=f"{prefix}_active")
        new_password = st.text_input(
            t("admin.new_password"), type="password", help=t("admin.password_help"), key=f"{prefix}_password"
        )
        if st.form_submit_button(t("editor.save"), type="primary"):

            def write() -> None:
                if new_password:  # refused before anything is saved
                    auth.check_password(new_password, user["username"])
                auth.update_user(
                    ctx.db,
                    ctx.writer(),
                    user_id,
                    st.session_state[prefix + "_version"],
                    role=role,
                    org_ids=user_orgs,
                    active=active,
                )
                if new_password:
                    keep = st.session_state.get("session_token")
                    auth.set_password(ctx.db, ctx.writer(), user_id, new_password, keep_session=keep)

            done = "admin.password_changed" if new_password else "admin.user_updated"
            message = t(done, username=md_escape(user["username"]))
            forms.save(ctx, write, prefix=prefix, slot=FLASH, message=message, compare=False)


def audit_tab(ctx: Ctx) -> None:
    t = ctx.t
    c1, c2, c3, c4 = st.columns(4)
    who = c1.selectbox(
        t("admin.audit_actor"),
        [None, *dbm.audit_actors(ctx.db)],
        key="audit_actor",
        format_func=lambda a: i18n.actor_name(a, ctx.lang) if a else t("admin.all"),
        placeholder=t("admin.all"),
    )
    entity = c2.selectbox(
        t("admin.audit_entity"),
        [None, *dbm.audit_entities(ctx.db)],
        key="audit_entity",
        format_func=lambda e: i18n.label("audit.entity", e, ctx.lang) if e else t("admin.all"),
        placeholder=t("admin.all"),
    )
    since = c3.date_input(t("admin.since"), value=i18n.today() - dt.timedelta(days=30), format="DD.MM.YYYY")
    until = c4.date_input(t("admin.until"), value=i18n.today(), format="DD.MM.YYYY")
    rows = dbm.audit_rows(
        ctx.db,
        entity=entity,
        actor=who,
        since=since.isoformat() if since else None,
        until=until.isoformat() if until else None,
        limit=1000,
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("admin.when"): i18n.timestamp(r["at"], ctx.lang),
                    t("admin.audit_actor"): i18n.actor_name(r["actor"], ctx.lang),
                    t("admin.audit_entity"): i18n.label("audit.entity", r["entity"], ctx.lang),
                    t("admin.entity_id"): r["entity_id"],
                    t("admin.action"): i18n.label("audit.action", r["action"], ctx.lang),
                    t("admin.before"): dbm.audit_text(r["before"]),
                    t("admin.after"): dbm.audit_text(r["after"]),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def backup_tab(ctx: Ctx) -> None:
    t = ctx.t
    st.write(t("admin.backup_intro"))
    if st.button(t("admin.make_backup"), icon=":material/backup:"):
        try:
            st.session_state["backup_bytes"] = backup.backup_bytes(config.db_path(), ctx.writer())
        except LapeError as err:
            ctx.error(err)
    if st.session_state.get("backup_bytes"):
        st.download_button(
            t("admin.download_backup"),
            st.session_state["backup_bytes"],
            file_name=f"lape_plan-{i18n.today().isoformat()}.db",
            mime="application/vnd.sqlite3",
        )
    st.subheader(t("admin.restore"))
    st.warning(t("admin.restore_warning"))
    a11y.upload_note(ctx.lang, ["db", "sqlite", "sqlite3"])
    upload = st.file_uploader(t("admin.restore_file"), type=["db", "sqlite", "sqlite3"], key="restore_file")
    if upload and st.button(t("admin.restore_now"), type="primary"):
        try:
            kept = backup.restore(config.db_path(), ctx.writer(), upload.getvalue())
            st.success(t("admin.restored", kept=md_escape(kept.name)))
        except LapeError as err:
            ctx.error(err)
