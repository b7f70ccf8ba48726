"""Follow-up tables: one row per status update (the history), and optional
measure weights for the goal roll-up."""

from __future__ import annotations

from .db import migrations


@migrations(name="0101_follow_up_status_updates")
def follow_up_status_updates(db):
    # Every update is kept. `version` counts the updates of one item in one year; the
    # unique index makes a lost race fail loudly even if a writer skipped the check.
    db["status_updates"].create(
        {
            "id": int,
            "entity": str,  # "goal" or "measure"
            "item_id": int,
            "year": int,
            "version": int,
            "status": str,
            "progress": int,
            "narrative": str,
            "evidence_url": str,
            "updated_by": str,
            "user_id": int,
            "updated_at": str,
        },
        pk="id",
        not_null={"entity", "item_id", "year", "version", "status", "updated_at"},
    )
    db["status_updates"].create_index(["entity", "item_id", "year", "version"], unique=True)
    db["measure_weights"].create(
        {"measure_id": int, "weight": float, "updated_by": str, "updated_at": str},
        pk="measure_id",
        foreign_keys=[("measure_id", "measures", "id")],
    )
