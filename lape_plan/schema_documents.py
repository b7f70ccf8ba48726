"""Tables of the documents feature: the plan's narrative chapters (Child Welfare Act 12 §)."""

from __future__ import annotations

from .db import migrations


@migrations(name="0370_plan_chapters")
def plan_chapters(db):
    # One row per chapter kind and part: municipality_id is null for the plan's common text and
    # a municipality's id for its own part. Rows appear on the first save (version 1).
    # fi_outdated / sv_outdated: the other language's text changed after this one, and nobody has
    # updated or confirmed this one since.
    db["plan_chapters"].create(
        {
            "id": int,
            "plan_id": int,
            "kind": str,
            "municipality_id": int,
            "text_fi": str,
            "text_sv": str,
            "fi_outdated": int,
            "sv_outdated": int,
            "is_example": int,
            "created_at": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        not_null={"plan_id", "kind", "version"},
        defaults={"version": 1, "is_example": 0, "fi_outdated": 0, "sv_outdated": 0},
        foreign_keys=[("plan_id", "plans", "id"), ("municipality_id", "organisations", "id")],
    )
    db.execute("create unique index plan_chapters_part on plan_chapters (plan_id, kind, ifnull(municipality_id, 0))")
