"""Tables of approval and versions: the plan's approval state, its frozen versions, and
each council's decision recorded against the version it decided on."""

from __future__ import annotations

from .db import migrations


@migrations(name="0500_plan_versions")
def plan_versions(db):
    # draft -> cooperation_group -> councils; back to draft to revise (see versions.MOVES)
    db["plans"].add_column("approval_state", str, not_null_default="draft")
    # A version is frozen when the plan is sent to the councils: `snapshot` is the plan and its
    # chapters as JSON (versions.snapshot), never updated afterwards.
    db["plan_versions"].create(
        {"id": int, "plan_id": int, "number": int, "snapshot": str, "created_at": str, "created_by": str},
        pk="id",
        not_null={"plan_id", "number", "snapshot"},
        foreign_keys=[("plan_id", "plans", "id")],
    )
    db["plan_versions"].create_index(["plan_id", "number"], unique=True)
    # A decision recorded before versions existed (or on a plan never sent) has none.
    db["approvals"].add_column("version_id", int, fk="plan_versions", fk_col="id")
