"""Organisations, plans, focus areas, goals and measures."""

from __future__ import annotations

import datetime as dt
import re

from sqlite_utils import Database

from . import auth, validation

# Text cleaning lives in validation; plans.clean_text and plans.normalise_text are the names
# most features call.
from .validation import clean_text, normalise_text  # noqa: F401
from .db import audit, get_or_not_found, insert_row, now, save_changes, save_version, write
from .errors import NotFound, PermissionDenied, ValidationError, require_version
from .model import TITLE_MAX, Actor, OrgKind, Role, Scope

# entity name -> (table, parent column)
ENTITIES = {
    "focus_area": ("focus_areas", "plan_id"),
    "goal": ("goals", "focus_area_id"),
    "measure": ("measures", "goal_id"),
}
# a goal's organisation lists and the tables that hold them
LINKS = {"municipality_ids": "goal_municipalities", "responsible_ids": "goal_responsibles"}


def title_in(row: dict, lang: str, field: str = "title") -> str:
    """The Swedish text where the user reads Swedish and one exists; Finnish otherwise."""
    if lang == "sv" and row.get(f"{field}_sv"):
        return row[f"{field}_sv"]
    return row.get(f"{field}_fi") or ""


def org_name(org: dict, lang: str) -> str:
    return title_in(org, lang, "name")


# ---------------------------------------------------------------- organisations
# An organisation's code (Statistics Finland's municipality number, HVA18): it also names the
# published site's embed files, so no path or URL characters.
ORG_CODE = re.compile(r"[0-9A-Za-z_-]{1,20}")


def add_organisation(db: Database, actor: Actor, kind, name_fi, name_sv="", code=None) -> int:
    auth.require_plan_editor(actor)
    try:
        kind = OrgKind(kind)
    except ValueError:
        raise ValidationError("error.unknown_org_kind", field="kind", value=kind) from None
    code = clean_text(code, "code", max_len=20) or None
    if code and not ORG_CODE.fullmatch(code):
        raise ValidationError("error.org_code", field="code", value=code)
    row = {
        "kind": kind.value,
        "code": code,
        "name_fi": clean_text(name_fi, "name_fi", required=True, max_len=TITLE_MAX),
        "name_sv": clean_text(name_sv, "name_sv", max_len=TITLE_MAX),
        "version": 1,
        "updated_at": now(),
        "updated_by": actor.name,
    }
    with write(db):
        if row["code"] and db.execute("select 1 from organisations where code = ?", [row["code"]]).fetchone():
            raise ValidationError("error.duplicate_code", field="code", code=row["code"])
        org_id = insert_row(db, "organisations", row)
        audit(db, actor, "organisation", org_id, "create", after=row)
    return org_id


def organisations(db: Database, plan_id: int | None = None, kind: str | None = None) -> list[dict]:
    sql = "select o.* from organisations o"
    args: list = []
    if plan_id is not None:
        sql += " join plan_organisations po on po.org_id = o.id and po.plan_id = ?"
        args.append(plan_id)
    if kind:
        sql += " where o.kind = ?"
        args.append(kind)
    sql += " order by case o.kind when 'municipality' then 0 when 'county' then 1 else 2 end, o.name_fi"
    return [dict(r) for r in db.query(sql, args)]


def get_organisation(db: Database, org_id: int) -> dict:
    return get_or_not_found(db, "organisations", org_id, entity="organisation")


# ---------------------------------------------------------------- plans
def _plan_fields(title_fi, title_sv, first_year, last_year) -> dict:
    title_fi = clean_text(title_fi, "title_fi", required=True, max_len=TITLE_MAX)
    title_sv = clean_text(title_sv, "title_sv", max_len=TITLE_MAX)
    try:
        first_year, last_year = int(first_year), int(last_year)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_year", field="first_year", value=f"{first_year}–{last_year}") from None
    if not (2000 <= first_year <= last_year <= 2100) or last_year - first_year > 10:
        raise ValidationError("error.plan_period", field="first_year", first=first_year, last=last_year)
    return {"title_fi": title_fi, "title_sv": title_sv, "first_year": first_year, "last_year": last_year}


def create_plan(db, actor, title_fi, first_year, last_year, org_ids=(), title_sv="", is_example=False) -> int:
    auth.require_plan_editor(actor)
    fields = _plan_fields(title_fi, title_sv, first_year, last_year)
    with write(db):
        validation.check_orgs(db, org_ids)
        row = {
            **fields,
            "is_example": int(bool(is_example)),
            "created_at": now(),
            "version": 1,
            "updated_at": now(),
            "updated_by": actor.name,
        }
        plan_id = insert_row(db, "plans", row)
        db["plan_organisations"].insert_all([{"plan_id": plan_id, "org_id": o} for o in org_ids])
        audit(db, actor, "plan", plan_id, "create", after={**row, "org_ids": list(org_ids)})
    return plan_id


def update_plan(db, actor, plan_id: int, expected_version: int, title_fi, title_sv, first_year, last_year) -> int:
    """Rename the plan or change its period; refused when measures would fall outside it."""
    auth.require_plan_editor(actor)
    fields = _plan_fields(title_fi, title_sv, first_year, last_year)
    with write(db):
        before = get_plan(db, plan_id)
        require_version(before, expected_version)
        outside = db.execute(
            "select count(*) from measures m join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id "
            "where f.plan_id = :plan and m.deleted_at is null "  # a year of either end outside the new period
            "and (m.start_year not between :first and :last or m.end_year not between :first and :last)",
            {"plan": plan_id, "first": fields["first_year"], "last": fields["last_year"]},
        ).fetchone()[0]
        if outside:
            raise ValidationError("error.measures_outside_period", field="first_year", count=outside)
        return save_changes(db, actor, "plans", "plan", before, fields)


def remove_plan_organisation(db: Database, actor: Actor, plan_id: int, org_id: int) -> None:
    """Take an organisation out of a plan, unless goals or measures still name it."""
    auth.require_plan_editor(actor)
    with write(db):
        used = db.execute(
            """select count(*) from (
                 select gr.goal_id from goal_responsibles gr join goals g on g.id = gr.goal_id
                   join focus_areas f on f.id = g.focus_area_id where f.plan_id = :p and gr.org_id = :o
                   and g.deleted_at is null
                 union all
                 select gm.goal_id from goal_municipalities gm join goals g on g.id = gm.goal_id
                   join focus_areas f on f.id = g.focus_area_id where f.plan_id = :p and gm.org_id = :o
                   and g.deleted_at is null
                 union all
                 select m.id from measures m join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id
                   where f.plan_id = :p and m.responsible_org_id = :o and m.deleted_at is null)""",
            {"p": plan_id, "o": org_id},
        ).fetchone()[0]
        if used:
            raise ValidationError("error.organisation_in_use", field="org", count=used)
        db.table("plan_organisations").delete_where("plan_id = ? and org_id = ?", [plan_id, org_id])
        audit(db, actor, "plan", plan_id, "remove_organisation", before={"org_id": org_id})


def plans(db: Database) -> list[dict]:
    return [dict(r) for r in db.query("select * from plans order by first_year desc, id")]


def get_plan(db: Database, plan_id: int) -> dict:
    return get_or_not_found(db, "plans", plan_id, entity="plan")


def municipality_by_code(db: Database, plan_id: int, code: str | None) -> dict | None:
    """A municipality of the plan by its code or name, as given on the command line; None for none."""
    if not code:
        return None
    for org in organisations(db, plan_id, kind=OrgKind.MUNICIPALITY):
        if code in (org["code"], org["name_fi"], org["name_sv"]):
            return org
    raise ValidationError("export.error.unknown_municipality", field="municipality", value=code)


def plan_or_first(db: Database, plan_id: int | None = None) -> dict:
    """The plan with this id, or when none is given the first one `plans()` lists;
    NotFound (not an IndexError) when the database has no plan yet."""
    if plan_id:
        return get_plan(db, plan_id)
    rows = plans(db)
    if not rows:
        raise NotFound("error.no_plan")
    return rows[0]


def add_approval(db, actor, plan_id, body, date, reference, org_id=None, version_id=None) -> int:
    """A council's decision (body, date, § number). It is recorded against the plan's frozen
    version `version_id` (versions.py), by default the newest one; a plan never sent to the
    councils has none."""
    auth.require_plan_editor(actor)
    get_plan(db, plan_id)
    body = clean_text(body, "body", required=True, max_len=TITLE_MAX)
    reference = clean_text(reference, "reference", max_len=TITLE_MAX)
    if isinstance(date, str):
        try:
            date = dt.date.fromisoformat(date)
        except ValueError:
            raise ValidationError("error.not_a_date", field="date", value=date) from None
    with write(db):
        if org_id is not None:
            validation.check_orgs(db, [org_id], plan_id)
        if version_id is None:
            newest = db.execute(
                "select id from plan_versions where plan_id = ? order by number desc limit 1", [plan_id]
            ).fetchone()
            version_id = newest[0] if newest else None
        else:
            from .versions import check_version_of

            check_version_of(db, plan_id, int(version_id))
        row = {
            "plan_id": plan_id,
            "org_id": org_id,
            "body": body,
            "date": date.isoformat(),
            "reference": reference,
            "version_id": version_id,
        }
        approval_id = insert_row(db, "approvals", row)
        audit(db, actor, "approval", approval_id, "create", after=row)
    return approval_id


def delete_approval(db: Database, actor: Actor, approval_id: int) -> None:
    auth.require_plan_editor(actor)
    with write(db):
        before = get_or_not_found(db, "approvals", approval_id, entity="approval")
        db.table("approvals").delete(approval_id)
        audit(db, actor, "approval", approval_id, "delete", before=before)


def approvals(db: Database, plan_id: int) -> list[dict]:
    return [dict(r) for r in db.query("select * from approvals where plan_id = ? order by date, id", [plan_id])]


# ---------------------------------------------------------------- plan items
def get(db, entity: str, item_id: int, include_deleted: bool = False) -> dict:
    """A focus area, goal (with its organisation links) or measure; NotFound when deleted,
    unless `include_deleted`."""
    table = ENTITIES[entity][0]
    row = get_or_not_found(db, table, item_id, entity=entity, where="" if include_deleted else "deleted_at is null")
    if entity == "goal":
        for key, link in LINKS.items():
            row[key] = [
                r["org_id"] for r in db.query(f"select org_id from {link} where goal_id = ? order by org_id", [item_id])
            ]
    return row


def plan_of(db, entity: str, item_id: int) -> dict:
    if entity == "focus_area":
        sql = "select plan_id from focus_areas where id = ?"
    elif entity == "goal":
        sql = "select f.plan_id from goals g join focus_areas f on f.id = g.focus_area_id where g.id = ?"
    else:
        sql = (
            "select f.plan_id from measures m join goals g on g.id = m.goal_id "
            "join focus_areas f on f.id = g.focus_area_id where m.id = ?"
        )
    row = db.execute(sql, [item_id]).fetchone()
    if not row:
        raise NotFound("error.not_found", entity=entity, id=item_id)
    return get_plan(db, row[0])


def _next_position(db, entity: str, parent_id: int) -> int:
    table, parent = ENTITIES[entity]
    row = db.execute(f"select coalesce(max(position), 0) from {table} where {parent} = ?", [parent_id]).fetchone()
    return row[0] + 1


def _focus_area_fields(db, plan, data: dict) -> dict:
    return {
        "title_fi": clean_text(data.get("title_fi"), "title_fi", required=True, max_len=TITLE_MAX),
        "title_sv": clean_text(data.get("title_sv"), "title_sv", max_len=TITLE_MAX),
        "description": clean_text(data.get("description"), "description", multiline=True),
    }


def _goal_fields(db, plan, data: dict) -> dict:
    try:
        scope = Scope(data.get("scope") or Scope.SHARED)
    except ValueError:
        raise ValidationError("error.invalid", field="scope") from None
    municipality_ids = sorted({int(o) for o in data.get("municipality_ids") or []})
    responsible_ids = sorted({int(o) for o in data.get("responsible_ids") or []})
    validation.check_orgs(db, municipality_ids + responsible_ids, plan["id"])
    if scope == Scope.LOCAL and not municipality_ids:
        raise ValidationError("error.local_goal_needs_municipality", field="municipality_ids")
    for org_id in municipality_ids:
        if get_organisation(db, org_id)["kind"] != OrgKind.MUNICIPALITY:
            raise ValidationError("error.not_a_municipality", field="municipality_ids", id=org_id)
    return {
        "title_fi": clean_text(data.get("title_fi"), "title_fi", required=True, max_len=TITLE_MAX),
        "title_sv": clean_text(data.get("title_sv"), "title_sv", max_len=TITLE_MAX),
        "description": clean_text(data.get("description"), "description", multiline=True),
        "scope": scope.value,
        "municipality_ids": municipality_ids if scope == Scope.LOCAL else [],
        "responsible_ids": responsible_ids,
    }


def _measure_fields(db, plan, data: dict) -> dict:
    responsible = data.get("responsible_org_id")
    if responsible is not None and responsible != "":
        responsible = int(responsible)
        validation.check_orgs(db, [responsible], plan["id"])
    else:
        responsible = None
    start = validation.year(data.get("start_year"), "start_year", plan)
    end = validation.year(data.get("end_year"), "end_year", plan)
    if start and end and end < start:
        raise ValidationError("error.end_before_start", field="end_year", start=start, end=end)
    return {
        "title_fi": clean_text(data.get("title_fi"), "title_fi", required=True, max_len=TITLE_MAX),
        "title_sv": clean_text(data.get("title_sv"), "title_sv", max_len=TITLE_MAX),
        "description": clean_text(data.get("description"), "description", multiline=True),
        "responsible_org_id": responsible,
        "start_year": start,
        "end_year": end,
        "resources_text": clean_text(
            data.get("resources_text"), "resources_text", max_len=TITLE_MAX * 2, multiline=True
        ),
        "resources_eur": validation.euros(data.get("resources_eur")),
    }


_FIELDS = {"focus_area": _focus_area_fields, "goal": _goal_fields, "measure": _measure_fields}


def check_fields(db, entity: str, plan: dict, data: dict) -> dict:
    """An item's fields validated and normalised: the one check behind the editor, the
    round trip and draft acceptance."""
    return _FIELDS[entity](db, plan, data)


def responsible_ids(row: dict, entity: str) -> list[int]:
    if entity == "goal":
        return row.get("responsible_ids") or []
    if entity == "measure":
        return [row["responsible_org_id"]] if row.get("responsible_org_id") else []
    return []


def authorise(db, actor, entity: str, row: dict | None, parent_id: int | None = None) -> None:
    """Focus areas and new goals are plan structure; existing goals and measures belong
    to their responsible organisations (a new measure to its goal's). A shared goal reserved
    for coordinators (with its indicator targets) is theirs alone; measures under it stay
    their organisations'."""
    if entity == "focus_area" or (entity == "goal" and row is None):
        auth.require_plan_editor(actor)
    elif (
        entity == "goal"
        and row is not None
        and row["scope"] == Scope.SHARED
        and _shared_goals_for_coordinators(db, row)
    ):
        auth.require_plan_editor(actor)
    elif row is None:  # new measure
        if parent_id is None:  # the same error as get() gives for a missing goal
            raise NotFound("error.not_found", entity="goal", id=parent_id)
        auth.require_org_editor(actor, get(db, "goal", parent_id)["responsible_ids"])
    else:
        orgs = responsible_ids(row, entity)
        if entity == "measure" and not orgs:
            orgs = get(db, "goal", row["goal_id"])["responsible_ids"]
        auth.require_org_editor(actor, orgs)


def _authorise_with_measures(db, actor, entity: str, row: dict) -> None:
    """Deleting a goal hides its measures too: a member must answer for each of them, not only
    for the goal. (Restoring one only undoes a deletion.)"""
    authorise(db, actor, entity, row)
    if entity == "goal":
        for m in db.query("select * from measures where goal_id = ? and deleted_at is null", [row["id"]]):
            authorise(db, actor, "measure", m)


def _authorise_assignment(actor, entity: str, before: dict | None, fields: dict) -> None:
    """Which organisations an item concerns is the coordinators' to decide: a member may add or
    remove only their own organisations (else a member could hand an item to another
    organisation, or take one away from it), and may not change a goal's scope."""
    if actor.role in (Role.ADMIN, Role.FACILITATOR) or entity == "focus_area":
        return
    before = before or {}
    if entity == "goal" and before and fields["scope"] != before["scope"]:
        raise PermissionDenied("error.permission_assignment")
    pairs = [(responsible_ids(before, entity), responsible_ids(fields, entity))]
    if entity == "goal":
        pairs.append((before.get("municipality_ids") or [], fields["municipality_ids"]))
    for old, new in pairs:
        if (set(old) ^ set(new)) - set(actor.org_ids):
            raise PermissionDenied("error.permission_assignment")


def allowed(db, actor: Actor, entity: str, row: dict | None = None, parent_id: int | None = None) -> bool:
    """Whether `actor` may change `row` (or add an item under `parent_id`): lets the UI
    show read-only forms. The write functions check again."""
    try:
        authorise(db, actor, entity, row, parent_id)
    except PermissionDenied:
        return False
    return True


def _shared_goals_for_coordinators(db, goal: dict) -> bool:
    return plan_of(db, "goal", goal["id"]).get("shared_goal_editing") == "coordinators"


SHARED_GOAL_EDITING = ("responsible", "coordinators")


def add_plan_organisation(db: Database, actor: Actor, plan_id: int, org_id: int) -> None:
    auth.require_plan_editor(actor)
    get_plan(db, plan_id)
    with write(db):
        validation.check_orgs(db, [org_id])
        db.table("plan_organisations").insert({"plan_id": plan_id, "org_id": org_id}, ignore=True)
        audit(db, actor, "plan", plan_id, "add_organisation", after={"org_id": org_id})


def set_shared_goal_editing(db: Database, actor: Actor, plan_id: int, value: str) -> None:
    """Who may edit shared goals: members of their responsible organisations, or coordinators only."""
    auth.require_admin(actor)
    if value not in SHARED_GOAL_EDITING:
        raise ValidationError("error.invalid", field="shared_goal_editing")
    with write(db):
        # a versioned change like any other: a plan form opened before it is refused as stale
        save_changes(db, actor, "plans", "plan", get_plan(db, plan_id), {"shared_goal_editing": value})


def store_links(db, goal_id: int, fields: dict) -> None:
    for key, link in LINKS.items():
        if key in fields:
            db[link].delete_where("goal_id = ?", [goal_id])
            db[link].insert_all([{"goal_id": goal_id, "org_id": o} for o in fields[key]])


def add(db: Database, actor: Actor, entity: str, parent_id: int, *, draft: bool = False, **data) -> int:
    """Create a focus area (parent: plan), goal (parent: focus area) or measure (parent: goal).

    `draft`: a goal or measure that does not count until accepted (`drafts.accept`)."""
    table, parent_col = ENTITIES[entity]
    with write(db):  # the parent and the actor's rights as they are when the row is written
        plan = get_plan(db, parent_id) if entity == "focus_area" else plan_of(db, _parent_entity(entity), parent_id)
        if entity != "focus_area":
            get(db, _parent_entity(entity), parent_id)  # parent must exist and not be deleted
        authorise(db, actor, entity, None, parent_id)
        fields = check_fields(db, entity, plan, data)
        _authorise_assignment(actor, entity, None, fields)
        row = {k: v for k, v in fields.items() if k not in LINKS}
        row.update(
            {
                parent_col: parent_id,
                "position": _next_position(db, entity, parent_id),
                "version": 1,
                "updated_at": now(),
                "updated_by": actor.name,
            }
        )
        if draft and entity != "focus_area":
            row["draft"] = 1
        item_id = insert_row(db, table, row)
        store_links(db, item_id, fields)
        audit(db, actor, entity, item_id, "create", after={**row, **{k: fields[k] for k in LINKS if k in fields}})
    return item_id


def _parent_entity(entity: str) -> str:
    return {"goal": "focus_area", "measure": "goal"}[entity]


def update(db: Database, actor: Actor, entity: str, item_id: int, expected_version: int, **data) -> int:
    """Save edits made on a screen that showed `expected_version`. Returns the new version.

    Raises ConflictError naming who saved in between; the caller keeps the user's text."""
    table = ENTITIES[entity][0]
    with write(db):
        before = get(db, entity, item_id)
        authorise(db, actor, entity, before)
        require_version(before, expected_version)
        plan = plan_of(db, entity, item_id)
        fields = check_fields(db, entity, plan, {**before, **data})
        _authorise_assignment(actor, entity, before, fields)
        version = save_changes(
            db, actor, table, entity, before, fields, row={k: v for k, v in fields.items() if k not in LINKS}
        )
        if version != before["version"]:
            store_links(db, item_id, fields)
    return version


def delete(db: Database, actor: Actor, entity: str, item_id: int, expected_version: int) -> None:
    """Soft delete: the row stays, hidden, and `restore` brings it back."""
    with write(db):
        before = get(db, entity, item_id)
        _authorise_with_measures(db, actor, entity, before)
        require_version(before, expected_version)
        soft_delete(db, actor, entity, before, action="delete")


def soft_delete(db: Database, actor: Actor, entity: str, before: dict, *, action: str) -> None:
    """The soft delete itself, inside the caller's write once it has checked the actor and the
    version: the row is stamped deleted, versioned and audited as `action`."""
    stamp = now()
    save_version(
        db,
        actor,
        ENTITIES[entity][0],
        entity,
        before,
        {"deleted_at": stamp, "deleted_by": actor.name},
        action=action,
        stamp=stamp,
        audit_before=before,
        audit_after=None,
    )


def restore(db: Database, actor: Actor, entity: str, item_id: int) -> None:
    table = ENTITIES[entity][0]
    with write(db):
        before = get(db, entity, item_id, include_deleted=True)
        if not before["deleted_at"]:
            return
        authorise(db, actor, entity, before)
        parent_entity = {"goal": "focus_area", "measure": "goal"}.get(entity)
        if parent_entity:
            get(db, parent_entity, before[ENTITIES[entity][1]])  # the parent must be there
        if entity == "measure":  # the plan period may have changed since: its years must still fit
            plan = plan_of(db, entity, item_id)
            for field in ("start_year", "end_year"):
                validation.year(before[field], field, plan)
        save_version(
            db,
            actor,
            table,
            entity,
            before,
            {"deleted_at": None, "deleted_by": None},
            action="restore",
            audit_before={"deleted_at": before["deleted_at"]},
            audit_after=None,
        )


def deleted_items(db: Database, plan_id: int) -> list[dict]:
    """Deleted items of a plan whose parents still exist (those can be restored), newest first."""
    sql = """
      select 'focus_area' entity, f.id, f.title_fi, f.title_sv, f.deleted_at, f.deleted_by
        from focus_areas f where f.plan_id = :p and f.deleted_at is not null
      union all
      select 'goal', g.id, g.title_fi, g.title_sv, g.deleted_at, g.deleted_by
        from goals g join focus_areas f on f.id = g.focus_area_id
       where f.plan_id = :p and g.deleted_at is not null and f.deleted_at is null
      union all
      select 'measure', m.id, m.title_fi, m.title_sv, m.deleted_at, m.deleted_by
        from measures m join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id
       where f.plan_id = :p and m.deleted_at is not null and g.deleted_at is null and f.deleted_at is null
      order by deleted_at desc"""
    return [dict(r) for r in db.query(sql, {"p": plan_id})]


def move(db: Database, actor: Actor, entity: str, item_id: int, step: int) -> None:
    """Swap an item with its neighbour above (step=-1) or below (step=+1)."""
    table, parent_col = ENTITIES[entity]
    with write(db):
        row = get(db, entity, item_id)
        authorise(db, actor, entity, row)
        op, order = ("<", "desc") if step < 0 else (">", "asc")
        other = db.execute(
            f"select id, position from {table} where {parent_col} = ? and deleted_at is null "
            f"and position {op} ? order by position {order} limit 1",
            [row[parent_col], row["position"]],
        ).fetchone()
        if not other:
            return
        db.table(table).update(item_id, {"position": other[1]})
        db.table(table).update(other[0], {"position": row["position"]})
        audit(db, actor, entity, item_id, "move", before={"position": row["position"]}, after={"position": other[1]})


# ---------------------------------------------------------------- reading a plan
def counts_sql(alias: str, *, deleted_too: bool = False) -> str:
    """The one definition, in SQL, of a goal or measure row (`alias`) that counts: not
    deleted and not a draft. `tree()` uses it, and so does every query that reads goals
    or measures past it (follow-up, budget, indicators). `deleted_too`: only the draft
    part, for queries whose callers look up deleted items on purpose."""
    draft = f"{alias}.draft = 0"
    return draft if deleted_too else f"{alias}.deleted_at is null and {draft}"


def tree(db: Database, plan_id: int, municipality_id: int | None = None, *, include_drafts: bool = False) -> list[dict]:
    """Focus areas with their goals and measures, in order: the items of the plan that
    count. Deleted items are left out, and so are drafts (and a draft goal's measures)
    unless `include_drafts` (the plan editor, which shows and accepts them).

    With a municipality: shared goals plus that municipality's own goals.

    Every area, goal and measure carries its `number` ("2", "2.1", "2.1.3"; see `number_items`), the
    same with or without a municipality; a draft (or a draft goal's measure) has none."""
    goal_ok = "g.deleted_at is null" if include_drafts else counts_sql("g")
    measure_ok = "m.deleted_at is null" if include_drafts else counts_sql("m")
    focus_areas = [
        dict(r)
        for r in db.query(
            "select * from focus_areas where plan_id = ? and deleted_at is null order by position, id", [plan_id]
        )
    ]
    goals = [
        dict(r)
        for r in db.query(
            "select g.* from goals g join focus_areas f on f.id = g.focus_area_id "
            f"where f.plan_id = ? and {goal_ok} order by g.position, g.id",
            [plan_id],
        )
    ]
    measures = [
        dict(r)
        for r in db.query(
            "select m.* from measures m join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id "
            f"where f.plan_id = ? and {measure_ok} order by m.position, m.id",
            [plan_id],
        )
    ]
    links: dict[str, dict[int, list[int]]] = {}
    for key, link in LINKS.items():
        links[key] = {}
        for r in db.query(
            f"select l.goal_id, l.org_id from {link} l join goals g on g.id = l.goal_id "
            f"join focus_areas f on f.id = g.focus_area_id where f.plan_id = ? order by l.org_id",
            [plan_id],
        ):
            links[key].setdefault(r["goal_id"], []).append(r["org_id"])
    by_goal: dict[int, list[dict]] = {}
    for m in measures:
        by_goal.setdefault(m["goal_id"], []).append(m)
    number_items(focus_areas, goals, by_goal)
    by_area: dict[int, list[dict]] = {}
    for g in goals:
        for key in LINKS:
            g[key] = links[key].get(g["id"], [])
        if municipality_id is not None and g["scope"] == Scope.LOCAL and municipality_id not in g["municipality_ids"]:
            continue
        g["measures"] = by_goal.get(g["id"], [])
        by_area.setdefault(g["focus_area_id"], []).append(g)
    for f in focus_areas:
        f["goals"] = by_area.get(f["id"], [])
    return focus_areas


def number_items(focus_areas: list[dict], goals: list[dict], measures_by_goal: dict[int, list[dict]]) -> None:
    """Set `number` on each area, goal and measure: the one numbering of the plan ("2", "2.1",
    "2.1.3"), by position among the items that count in the whole plan area. Numbers are quoted in
    meetings, so a goal keeps its number in every municipality's view, sheet and document; drafts
    get None and do not shift the others. Rows in plan order (as `tree` reads them)."""
    area_number = {}
    for a_i, area in enumerate(focus_areas, 1):
        area["number"] = area_number[area["id"]] = str(a_i)
    goals_in_area: dict[int, int] = {}
    for g in goals:
        g["number"] = None
        if not g.get("draft") and g["focus_area_id"] in area_number:
            goals_in_area[g["focus_area_id"]] = goals_in_area.get(g["focus_area_id"], 0) + 1
            g["number"] = f"{area_number[g['focus_area_id']]}.{goals_in_area[g['focus_area_id']]}"
        counted = 0
        for m in measures_by_goal.get(g["id"], []):
            m["number"] = None
            if g["number"] and not m.get("draft"):
                counted += 1
                m["number"] = f"{g['number']}.{counted}"


def overview(db: Database, plan_id: int) -> dict:
    """Counts for the Overview: per focus area, and per municipality (goals that apply to it)."""
    areas = tree(db, plan_id)
    municipalities = organisations(db, plan_id, kind=OrgKind.MUNICIPALITY)
    per_area = [
        {
            "focus_area": a,
            "goals": len(a["goals"]),
            "measures": sum(len(g["measures"]) for g in a["goals"]),
            "local_goals": sum(1 for g in a["goals"] if g["scope"] == Scope.LOCAL),
        }
        for a in areas
    ]
    all_goals = [g for a in areas for g in a["goals"]]
    per_municipality = []
    for m in municipalities:
        goals = [g for g in all_goals if g["scope"] == Scope.SHARED or m["id"] in g["municipality_ids"]]
        per_municipality.append(
            {
                "organisation": m,
                "goals": len(goals),
                "own_goals": sum(1 for g in goals if g["scope"] == Scope.LOCAL),
                "measures": sum(len(g["measures"]) for g in goals),
                "responsible_measures": sum(
                    1 for g in all_goals for x in g["measures"] if x["responsible_org_id"] == m["id"]
                ),
            }
        )
    return {
        "per_area": per_area,
        "per_municipality": per_municipality,
        "goals": len(all_goals),
        "measures": sum(len(g["measures"]) for g in all_goals),
    }
