"""Publishing: whether a plan is published for anyone to read, since when, and by whom
(staff only: the published pages never show who published)."""

from __future__ import annotations

from .db import migrations


@migrations(name="0400_publications")
def publications(db):
    db["publications"].create(
        {
            "plan_id": int,
            "published": int,  # 1 while the static site is out; 0 after unpublishing
            "first_published_at": str,
            "published_at": str,  # the last generation of the site
            "published_by": str,
            "published_by_user_id": int,
            "unpublished_at": str,
            "unpublished_by": str,
            "version": int,
        },
        pk="plan_id",
        not_null={"published", "version"},
        defaults={"published": 0, "version": 1},
        foreign_keys=[("plan_id", "plans", "id")],
    )
