"""Plan settings: the plan, its councils' decisions and organisations, versions, publishing,
and a new plan (administrators and facilitators)."""

import streamlit as st

from lape_plan.model import Role
from lape_plan.ui import plan_settings as settings, state
from lape_plan.ui.guard import guard
from lape_plan.ui.publishing import section as publishing_section
from lape_plan.ui.versions import approval_section, changes_section

ctx = guard(roles=(Role.ADMIN, Role.FACILITATOR))
st.title(ctx.t("settings.title"))
state.show_flash(settings.FLASH)
plan = ctx.plan
if plan:
    settings.plan_form(ctx, plan)
    frozen = approval_section(ctx, plan)
    settings.approvals_section(ctx, plan, frozen)
    settings.organisations_section(ctx, plan)
    changes_section(ctx, plan)
    publishing_section(ctx, plan)
settings.new_plan_form(ctx)
