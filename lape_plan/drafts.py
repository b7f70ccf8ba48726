"""Drafts: goals and measures that are in the plan but do not count yet.

A promoted workshop proposal becomes a draft goal (or a draft measure under a chosen goal).
A draft is shown in the plan editor, marked, and left out of everything else: follow-up,
roll-ups, missing updates, counts, budget, assessments, indicators and every export
(`plans.tree` and `plans.counts_sql` are the one definition of what counts). A facilitator
accepts it once it has its responsible organisation(s) and a Swedish title, sets an item
back to draft, or discards a draft (a soft delete that `plans.restore` undoes)."""

from __future__ import annotations

from sqlite_utils import Database

from . import auth, i18n, plans
from .db import save_version, write
from .errors import ValidationError, require_version
from .model import Actor

ENTITIES = ("goal", "measure")


def _check_entity(entity: str) -> None:
    if entity not in ENTITIES:
        raise ValidationError("error.invalid", field="entity")


def missing_for_accept(db: Database, entity: str, row: dict) -> list[str]:
    """What a draft still lacks before it may count: "responsible" (no responsible
    organisation: a goal's own; a measure's own or its goal's) and "title_sv"."""
    missing = []
    responsible = plans.responsible_ids(row, entity)
    if entity == "measure" and not responsible:
        responsible = plans.get(db, "goal", row["goal_id"])["responsible_ids"]
    if not responsible:
        missing.append("responsible")
    if not plans.normalise_text(row.get("title_sv")):
        missing.append("title_sv")
    return missing


def accept(db: Database, actor: Actor, entity: str, item_id: int, expected_version: int, **data) -> int:
    """Make a draft count: with `data` (the editor's fields, optional) saved in the same
    version. Refused, naming what is missing, without responsible organisation(s) or a
    Swedish title. Returns the new version."""
    _check_entity(entity)
    auth.require_plan_editor(actor)
    table = plans.ENTITIES[entity][0]
    with write(db):
        before = plans.get(db, entity, item_id)
        require_version(before, expected_version)
        if not before["draft"]:
            raise ValidationError("drafts.error.not_a_draft", field="draft")
        fields = plans.check_fields(db, entity, plans.plan_of(db, entity, item_id), {**before, **data})
        missing = missing_for_accept(db, entity, {**before, **fields})
        if missing:
            first = {"responsible": "responsible_ids" if entity == "goal" else "responsible_org_id"}.get(
                missing[0], missing[0]
            )
            key = {
                ("responsible",): "drafts.error.missing_responsible",
                ("title_sv",): "drafts.error.missing_title_sv",
                ("responsible", "title_sv"): "drafts.error.missing_responsible_and_title_sv",
            }[tuple(missing)]
            raise ValidationError(key, field=first)
        changed = {k: v for k, v in fields.items() if before.get(k) != v}
        row = {k: v for k, v in changed.items() if k not in plans.LINKS}
        version = save_version(
            db,
            actor,
            table,
            entity,
            before,
            {**row, "draft": 0},
            action="accept_draft",
            audit_before={**{k: before.get(k) for k in changed}, "draft": 1},
            audit_after={**changed, "draft": 0},
        )
        plans.store_links(db, item_id, changed)
    return version


def mark(db: Database, actor: Actor, entity: str, item_id: int, expected_version: int) -> int:
    """Set an item back to draft: it stops counting (its follow-up history is kept and
    counts again once it is accepted). Returns the new version."""
    _check_entity(entity)
    auth.require_plan_editor(actor)
    table = plans.ENTITIES[entity][0]
    with write(db):
        before = plans.get(db, entity, item_id)
        require_version(before, expected_version)
        if before["draft"]:
            return before["version"]
        return save_version(db, actor, table, entity, before, {"draft": 1}, action="mark_draft")


def discard(db: Database, actor: Actor, entity: str, item_id: int, expected_version: int) -> None:
    """Throw a draft away (soft delete: it is listed with the deleted items). Only drafts."""
    _check_entity(entity)
    auth.require_plan_editor(actor)
    with write(db):
        before = plans.get(db, entity, item_id)
        require_version(before, expected_version)
        if not before["draft"]:
            raise ValidationError("drafts.error.not_a_draft", field="draft")
        plans.soft_delete(db, actor, entity, before, action="discard_draft")


def origin(db: Database, entity: str, item_id: int, lang: str) -> str | None:
    """'Draft from workshop «X» (date), 14 votes' for an item promoted from a proposal; else None.
    A proposal that became a measure names its measure; its goal_id is then the goal above."""
    where = "p.measure_id = ?" if entity == "measure" else "p.goal_id = ? and p.measure_id is null"
    row = db.execute(
        "select w.title, w.created_at, p.id from workshop_proposals p join workshops w on w.id = p.workshop_id "
        f"where {where} order by p.id limit 1",
        [item_id],
    ).fetchone()
    if not row:
        return None
    votes = db.execute("select count(*) from workshop_votes where proposal_id = ?", [row[2]]).fetchone()[0]
    return i18n.t("workshop.goal_origin", lang, title=row[0], date=i18n.date(row[1], lang), votes=votes)
