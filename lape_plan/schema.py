"""Versioned schema migrations. Append new migrations; never edit applied ones."""

from __future__ import annotations

from .db import migrations

_VERSIONED = {"version": int, "updated_at": str, "updated_by": str}
_SOFT_DELETE = {"deleted_at": str, "deleted_by": str}


@migrations(name="0001_plan_core")
def plan_core(db):
    db["organisations"].create(
        {"id": int, "kind": str, "code": str, "name_fi": str, "name_sv": str, **_VERSIONED},
        pk="id",
        not_null={"kind", "name_fi"},
        defaults={"version": 1},
    )
    db["organisations"].create_index(["code"], unique=True, if_not_exists=True)
    db["plans"].create(
        {
            "id": int,
            "title_fi": str,
            "title_sv": str,
            "first_year": int,
            "last_year": int,
            "is_example": int,
            "created_at": str,
            **_VERSIONED,
        },
        pk="id",
        not_null={"title_fi", "first_year", "last_year"},
        defaults={"version": 1, "is_example": 0},
    )
    db["plan_organisations"].create(
        {"plan_id": int, "org_id": int},
        pk=("plan_id", "org_id"),
        foreign_keys=[("plan_id", "plans", "id"), ("org_id", "organisations", "id")],
    )
    db["approvals"].create(
        {"id": int, "plan_id": int, "org_id": int, "body": str, "date": str, "reference": str},
        pk="id",
        foreign_keys=[("plan_id", "plans", "id"), ("org_id", "organisations", "id")],
    )
    db["focus_areas"].create(
        {
            "id": int,
            "plan_id": int,
            "position": int,
            "title_fi": str,
            "title_sv": str,
            "description": str,
            **_VERSIONED,
            **_SOFT_DELETE,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
        defaults={"version": 1},
    )
    db["goals"].create(
        {
            "id": int,
            "focus_area_id": int,
            "position": int,
            "title_fi": str,
            "title_sv": str,
            "description": str,
            "scope": str,  # "shared" (whole plan area) or "local" (listed municipalities)
            **_VERSIONED,
            **_SOFT_DELETE,
        },
        pk="id",
        foreign_keys=[("focus_area_id", "focus_areas", "id")],
        defaults={"version": 1, "scope": "shared"},
    )
    for table in ("goal_municipalities", "goal_responsibles"):
        db[table].create(
            {"goal_id": int, "org_id": int},
            pk=("goal_id", "org_id"),
            foreign_keys=[("goal_id", "goals", "id"), ("org_id", "organisations", "id")],
        )
    db["measures"].create(
        {
            "id": int,
            "goal_id": int,
            "position": int,
            "title_fi": str,
            "title_sv": str,
            "description": str,
            "responsible_org_id": int,
            "start_year": int,
            "end_year": int,
            "resources_text": str,
            "resources_eur": float,
            **_VERSIONED,
            **_SOFT_DELETE,
        },
        pk="id",
        foreign_keys=[("goal_id", "goals", "id"), ("responsible_org_id", "organisations", "id")],
        defaults={"version": 1},
    )
    db["audit"].create(
        {
            "id": int,
            "at": str,
            "actor": str,
            "user_id": int,
            "entity": str,
            "entity_id": int,
            "action": str,
            "before": str,
            "after": str,
        },
        pk="id",
    )
    db["audit"].create_index(["entity", "entity_id"])
    db["focus_areas"].create_index(["plan_id"])
    db["goals"].create_index(["focus_area_id"])
    db["measures"].create_index(["goal_id"])
