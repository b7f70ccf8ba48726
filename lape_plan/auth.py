"""Permissions: who may change what. Checked inside every write function."""
from __future__ import annotations

from .errors import PermissionDenied
from .model import Actor, Role


def require_plan_editor(actor: Actor) -> None:
    """Structure of the plan (focus areas, goal texts, plan settings)."""
    if actor.role not in (Role.ADMIN, Role.FACILITATOR):
        raise PermissionDenied("error.permission", action="plan.edit")


def require_org_editor(actor: Actor, org_ids) -> None:
    """Items an organisation answers for: admins always; members for their organisations."""
    if actor.role in (Role.ADMIN, Role.FACILITATOR):
        return
    if actor.role == Role.MEMBER and set(org_ids) & set(actor.org_ids):
        return
    raise PermissionDenied("error.permission", action="item.edit")
