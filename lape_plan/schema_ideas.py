"""Tables of the open consultation: idea periods, class sessions, ideas and the
answer e-mail addresses (kept apart from the ideas, so deleting one leaves no trace)."""

from __future__ import annotations

from .db import migrations


@migrations(name="0410_ideas_tables")
def ideas_tables(db):
    # One row per plan: the period during which the public idea page takes ideas.
    db["idea_periods"].create(
        {
            "plan_id": int,
            "opens_on": str,
            "closes_on": str,
            "intro": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="plan_id",
        foreign_keys=[("plan_id", "plans", "id")],
        defaults={"version": 1},
    )
    db["idea_classes"].create(
        {
            "id": int,
            "plan_id": int,
            "code": str,  # short code the pupils type, unique
            "label": str,  # the class as the teacher names it ("5B"), never a pupil
            "grade_band": str,  # see ideas.GRADE_BANDS
            "municipality_id": int,
            "cap": int,  # at most this many ideas from the class session
            "opened_at": str,
            "opened_by": str,
            "opened_by_id": int,
            "closes_at": str,  # UTC timestamp; the teacher may close it earlier
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id"), ("municipality_id", "organisations", "id")],
        not_null={"plan_id", "code", "grade_band", "cap"},
        defaults={"version": 1},
    )
    db["idea_classes"].create_index(["code"], unique=True)
    db["ideas"].create(
        {
            "id": int,
            "plan_id": int,
            "focus_area_id": int,
            "text": str,
            "sender_group": str,  # see ideas.GROUPS; null when not told
            "municipality_id": int,
            "class_id": int,
            "grade_band": str,  # copied from the class session
            "simple": int,  # sent from the simple-language mode
            "lang": str,
            "submission_key": str,  # one per form shown: a resent form stores nothing new
            "state": str,  # pending | published | hidden | merged
            "hidden_reason": str,
            "merged_into": int,
            "status": str,  # received | considering | adopted | declined
            "answer": str,  # the public answer; for declined the reason
            "goal_id": int,
            "measure_id": int,
            "created_at": str,
            "moderated_at": str,
            "moderated_by": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        foreign_keys=[
            ("plan_id", "plans", "id"),
            ("focus_area_id", "focus_areas", "id"),
            ("municipality_id", "organisations", "id"),
            ("class_id", "idea_classes", "id"),
            ("merged_into", "ideas", "id"),
            ("goal_id", "goals", "id"),
            ("measure_id", "measures", "id"),
        ],
        not_null={"plan_id", "focus_area_id", "text", "state", "status"},
        defaults={"version": 1, "state": "pending", "status": "received", "simple": 0},
    )
    db["ideas"].create_index(["plan_id", "state"])
    db["ideas"].create_index(["class_id"])
    db["ideas"].create_index(["submission_key"], unique=True)
    # Only for answering by e-mail: never in a public view or an export; deletable.
    db["idea_contacts"].create(
        {"idea_id": int, "email": str, "created_at": str},
        pk="idea_id",
        foreign_keys=[("idea_id", "ideas", "id")],
        not_null={"email"},
    )
