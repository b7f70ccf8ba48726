"""Tables of the child impact assessment (LAVA): decisions recorded in the app, the
assessments of measures, goals and decisions, their effect rows, the workshops where
children were heard, and the measures marked as needing an assessment."""

from __future__ import annotations

from .db import migrations

_VERSIONED = {"version": int, "updated_at": str, "updated_by": str}
_SOFT_DELETE = {"deleted_at": str, "deleted_by": str}


@migrations(name="0350_assessments")
def assessments_schema(db):
    # A council or board decision that affects children.
    db["decisions"].create(
        {
            "id": int,
            "plan_id": int,
            "org_id": int,
            "body": str,
            "date": str,
            "section": str,
            "title": str,
            "url": str,
            "is_example": int,
            "created_at": str,
            **_VERSIONED,
            **_SOFT_DELETE,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id"), ("org_id", "organisations", "id")],
        not_null={"plan_id", "body", "title"},
        defaults={"version": 1, "is_example": 0},
    )
    db["decisions"].create_index(["plan_id"])
    # One assessment per target (measure, goal or decision); `target_id` points into the
    # target's own table, so no foreign key. Lists (age groups, vulnerable groups, options)
    # are JSON text; effect rows have their own table.
    db["assessments"].create(
        {
            "id": int,
            "plan_id": int,
            "target": str,
            "target_id": int,
            "form": str,
            "status": str,
            "subject": str,
            "affected": str,
            "age_groups": str,
            "vulnerable_groups": str,
            "vulnerable_other": str,
            "expected_effects": str,
            "hearing": str,
            "options": str,
            "mitigation": str,
            "conclusion": str,
            "follow_up_year": int,
            "follow_up_method": str,
            "outcome": str,
            "outcome_note": str,
            "outcome_at": str,
            "outcome_by": str,
            "is_example": int,
            "created_at": str,
            "created_by": str,
            **_VERSIONED,
            **_SOFT_DELETE,
        },
        pk="id",
        foreign_keys=[("plan_id", "plans", "id")],
        not_null={"plan_id", "target", "target_id", "form", "status"},
        defaults={"version": 1, "is_example": 0, "status": "draft"},
    )
    db["assessments"].create_index(["plan_id"])
    db["assessments"].create_index(["target", "target_id"])
    db["assessment_effects"].create(
        {
            "id": int,
            "assessment_id": int,
            "position": int,
            "option": str,
            "grp": str,
            "aspect": str,
            "direction": str,
            "reason": str,
        },
        pk="id",
        foreign_keys=[("assessment_id", "assessments", "id")],
        not_null={"assessment_id", "grp", "aspect", "direction"},
    )
    db["assessment_effects"].create_index(["assessment_id"])
    db["assessment_workshops"].create(
        {"assessment_id": int, "workshop_id": int},
        pk=("assessment_id", "workshop_id"),
        # no foreign key to workshops: their migration may be registered after this one
        foreign_keys=[("assessment_id", "assessments", "id")],
    )
    db["assessment_required"].create(
        {"measure_id": int, "marked_by": str, "marked_at": str},
        pk="measure_id",
        foreign_keys=[("measure_id", "measures", "id")],
    )


@migrations(name="0510_assessment_hearing_ideas")
def assessment_hearing_ideas(db):
    # The full form's hearing step links the plan's open idea consultation (all its ideas)
    # and class sessions of it, next to the workshops; their figures are read when shown.
    db["assessments"].add_column("hearing_ideas", int, not_null_default=0)
    db["assessment_idea_classes"].create(
        {"assessment_id": int, "class_id": int},
        pk=("assessment_id", "class_id"),
        # no foreign key to idea_classes: their migration may be registered after this one
        foreign_keys=[("assessment_id", "assessments", "id")],
    )
