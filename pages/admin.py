"""Administration: accounts, the audit log and backups (administrators only)."""

import streamlit as st

from lape_plan.model import Role
from lape_plan.ui import admin
from lape_plan.ui.guard import guard

ctx = guard(roles=(Role.ADMIN,))
st.title(ctx.t("admin.title"))
users_tab, audit_tab, backup_tab = st.tabs([ctx.t("admin.users"), ctx.t("admin.audit"), ctx.t("admin.backup")])
with users_tab:
    admin.users_tab(ctx)
with audit_tab:
    admin.audit_tab(ctx)
with backup_tab:
    admin.backup_tab(ctx)
