"""Tables of the co-creation workshop: workshops, participants, proposals, votes."""
from __future__ import annotations

from .db import migrations


@migrations(name="0005_workshop_tables")
def workshop_tables(db):
    db["workshops"].create(
        {
            "id": int,
            "plan_id": int,
            "code": str,  # short join code, unique
            "title": str,
            "question": str,
            "votes_per_participant": int,
            "max_votes_per_proposal": int,  # 1, or the budget when several votes on one proposal are allowed
            "moderate_first": int,  # new proposals stay hidden until the facilitator shows them
            "phase": str,  # collecting | voting | closed
            "results_visible": int,
            "created_at": str,
            "created_by": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
        not_null={"plan_id", "code", "title", "phase"},
        defaults={"version": 1, "phase": "collecting", "results_visible": 0, "moderate_first": 0},
    )
    db["workshops"].create_index(["code"], unique=True)
    db["workshop_focus_areas"].create(
        {"workshop_id": int, "focus_area_id": int, "position": int},
        pk=("workshop_id", "focus_area_id"),
        foreign_keys=[("workshop_id", "workshops", "id"), ("focus_area_id", "focus_areas", "id")],
    )
    db["workshop_participants"].create(
        {
            "id": int,
            "workshop_id": int,
            "token": str,  # secret in the participant's URL; identifies them across reloads
            "name": str,
            "joined_at": str,
            "vote_version": int,  # bumped by every vote change; a stale screen's vote is refused
        },
        pk="id",
        foreign_keys=[("workshop_id", "workshops", "id")],
        not_null={"workshop_id", "token"},
        defaults={"vote_version": 0},
    )
    db["workshop_participants"].create_index(["token"], unique=True)
    db["workshop_participants"].create_index(["workshop_id"])
    db["workshop_proposals"].create(
        {
            "id": int,
            "workshop_id": int,
            "participant_id": int,  # null when the facilitator wrote it
            "focus_area_id": int,
            "text": str,
            "hidden": int,
            "merged_into": int,  # the proposal this duplicate was merged into
            "goal_id": int,  # the draft goal it became
            "promoted_at": str,
            "promoted_by": str,
            "created_at": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        foreign_keys=[
            ("workshop_id", "workshops", "id"),
            ("participant_id", "workshop_participants", "id"),
            ("focus_area_id", "focus_areas", "id"),
            ("merged_into", "workshop_proposals", "id"),
            ("goal_id", "goals", "id"),
        ],
        not_null={"workshop_id", "text"},
        defaults={"version": 1, "hidden": 0},
    )
    db["workshop_proposals"].create_index(["workshop_id"])
    db["workshop_proposals"].create_index(["goal_id"])
    # One row per vote given: a participant with several votes on a proposal has several rows.
    db["workshop_votes"].create(
        {"id": int, "workshop_id": int, "proposal_id": int, "participant_id": int, "cast_at": str},
        pk="id",
        foreign_keys=[
            ("workshop_id", "workshops", "id"),
            ("proposal_id", "workshop_proposals", "id"),
            ("participant_id", "workshop_participants", "id"),
        ],
        not_null={"workshop_id", "proposal_id", "participant_id"},
    )
    db["workshop_votes"].create_index(["workshop_id"])
    db["workshop_votes"].create_index(["participant_id", "proposal_id"])
    db["workshop_votes"].create_index(["proposal_id"])


@migrations(name="0330_workshop_participant_cap")
def workshop_participant_cap(db):
    # null: no cap; otherwise joins beyond this many participants are refused
    db["workshops"].add_column("max_participants", int)
