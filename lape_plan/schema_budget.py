"""Child budgeting: one row per measure and year with planned and actual euros,
funding source, kind of spending and the share that reaches children directly."""

from __future__ import annotations

from .db import migrations


@migrations(name="0360_budget_lines")
def budget_lines(db):
    db["budget_lines"].create(
        {
            "id": int,
            "measure_id": int,
            "year": int,
            "planned_eur": float,  # None: not given (never read as zero)
            "actual_eur": float,
            "source": str,  # budget.SOURCES, None when not given
            "kind": str,  # budget.KINDS, None when not given
            "direct_share": float,  # 0–100 %: the share that reaches children and families directly
            "is_example": int,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        not_null={"measure_id", "year", "version"},
        defaults={"version": 1, "is_example": 0},
        foreign_keys=[("measure_id", "measures", "id")],
    )
    # One row per measure and year: a lost race on the first save fails loudly.
    db["budget_lines"].create_index(["measure_id", "year"], unique=True)
