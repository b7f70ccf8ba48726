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


@migrations(name="0380_workshop_rounds_background_feedback")
def workshop_rounds_background_feedback(db):
    # A workshop is a sequence of questions (rounds); its phase and revealed results belong to the
    # current round. Existing workshops get one round with their question.
    db["workshop_rounds"].create(
        {"id": int, "workshop_id": int, "position": int, "question": str, "created_at": str, "created_by": str},
        pk="id",
        foreign_keys=[("workshop_id", "workshops", "id")],
        not_null={"workshop_id", "position"},
    )
    db["workshop_rounds"].create_index(["workshop_id", "position"], unique=True)
    db["workshops"].add_column("round_id", int)
    db["workshops"].add_column("phase_at", str)  # when the phase last changed: late proposals' grace period
    db["workshops"].add_column("background", str)  # JSON list of the background questions asked on join
    db["workshops"].add_column("projector_split", str)  # the background question the projector splits results by
    db["workshop_proposals"].add_column("round_id", int)
    db["workshop_proposals"].create_index(["round_id"])
    # Background answers sit on the pseudonymous participant row; no page, export or audit row shows
    # them next to a name, and vote splits leave out groups smaller than workshop.MIN_GROUP.
    db["workshop_participants"].add_column("role_group", str)
    db["workshop_participants"].add_column("age_band", str)
    db["workshop_participants"].add_column("municipality", str)
    db["workshop_participants"].add_column("background_at", str)  # answered (or skipped) once, on joining
    db["workshop_feedback"].create(
        {"id": int, "workshop_id": int, "participant_id": int, "grade": int, "comment": str, "given_at": str},
        pk="id",
        foreign_keys=[("workshop_id", "workshops", "id"), ("participant_id", "workshop_participants", "id")],
        not_null={"workshop_id", "participant_id", "grade"},
    )
    db["workshop_feedback"].create_index(["workshop_id", "participant_id"], unique=True)
    for w in list(db.query("select id, question, created_at, created_by, updated_at from workshops")):
        round_id = (
            db["workshop_rounds"]
            .insert(
                {
                    "workshop_id": w["id"],
                    "position": 1,
                    "question": w["question"] or "",
                    "created_at": w["created_at"],
                    "created_by": w["created_by"],
                }
            )
            .last_pk
        )
        db.execute("update workshops set round_id = ?, phase_at = ? where id = ?", [round_id, w["updated_at"], w["id"]])
        db.execute("update workshop_proposals set round_id = ? where workshop_id = ?", [round_id, w["id"]])
