"""Drafts: goals and measures that are in the plan editor but do not count yet
(promoted workshop proposals, or items a facilitator set back to draft). Named after
schema_workshop so that it registers after it (it adds a column to workshop_proposals)."""

from __future__ import annotations

from .db import migrations


@migrations(name="0390_drafts")
def drafts(db):
    # 1: a draft, left out of follow-up, counts and exports until accepted
    db["goals"].add_column("draft", int, not_null_default=0)
    db["measures"].add_column("draft", int, not_null_default=0)
    # the draft measure a proposal became (its goal_id then names the goal it went under)
    db["workshop_proposals"].add_column("measure_id", int, fk="measures", fk_col="id")
