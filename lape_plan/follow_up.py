"""Follow-up: yearly status of goals and measures, with history, roll-up,
missing updates and the year summary.

Each update is a new row of `status_updates`; the current status of an item in a
year is its latest row there. Versions count per item and year, so a screen that
showed version n may only save version n + 1 (optimistic locking, like plans.update)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlparse

from sqlite_utils import Database

from . import auth, i18n, plans, validation
from .db import audit, now, write
from .errors import ConflictError, LapeError, PermissionDenied, ValidationError
from .model import Actor

STATUSES = ("not_started", "on_track", "delayed", "done", "cancelled")
NO_UPDATE = "no_update"  # shown for an item-year without any update; never stored
NOT_SCHEDULED = "not_scheduled"  # a measure outside its own years; never stored
NEEDS_NARRATIVE = ("delayed", "cancelled")
ENTITIES = ("goal", "measure")
NARRATIVE_MAX = 2000
URL_MAX = 500
# What choosing a status suggests as progress; None keeps the previous value (or the fallback).
_TYPICAL = {"not_started": 0, "on_track": None, "delayed": None, "done": 100, "cancelled": None}
_FALLBACK = {"on_track": 50, "delayed": 25}
_FIELDS = ("status", "progress", "narrative", "evidence_url")


# ---------------------------------------------------------------- rules
def typical_progress(status: str, previous: int | None = None) -> int | None:
    """The progress that choosing `status` prefills: 0 for not started, 100 for done,
    otherwise the last known progress (on track 50 and delayed 25 when there is none)."""
    value = _TYPICAL.get(status)
    if value is not None:
        return value
    if previous is not None:
        return previous
    return _FALLBACK.get(status)


def reporting_year(plan: dict, today: dt.date | None = None) -> int:
    """This year, kept inside the plan period (the last year once the period is over)."""
    year = (today or i18n.today()).year
    return min(max(year, plan["first_year"]), plan["last_year"])


def plan_years(plan: dict) -> list[int]:
    return list(range(plan["first_year"], plan["last_year"] + 1))


def _check_status(status) -> str:
    if status not in STATUSES:
        raise ValidationError("follow_up.error.unknown_status", field="fu_status", value=status)
    return status


def _check_url(value) -> str:
    url = plans.clean_text(value, "fu_evidence_url", max_len=URL_MAX)
    if not url:
        return ""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in url):
        raise ValidationError("follow_up.error.url", field="fu_evidence_url", value=url)
    return url


def check_year(year, plan: dict) -> int:
    """A reporting year inside the plan period, or ValidationError."""
    result = validation.year(year, "fu_year", plan)
    if result is None:  # empty: a reporting year is never optional
        raise ValidationError("error.not_a_year", field="fu_year", value=year)
    return result


def item_years(entity: str, row: dict, plan: dict) -> list[int]:
    """The years an item is scheduled for: a goal the plan period, a measure its own
    start–end (the plan period where not given)."""
    if entity == "goal":  # goals have no years of their own
        return plan_years(plan)
    return list(range(row["start_year"] or plan["first_year"], (row["end_year"] or plan["last_year"]) + 1))


def _item(db: Database, entity: str, item_id: int) -> dict:
    if entity not in ENTITIES:
        raise ValidationError("follow_up.error.entity", field="fu_entity", value=entity)
    return plans.get(db, entity, item_id)


def responsible_orgs(db: Database, entity: str, item: dict) -> list[int]:
    """Who answers for an item: a goal's responsible organisations; a measure's own
    organisation, or its goal's when it has none."""
    if entity == "goal":
        return list(item.get("responsible_ids") or [])
    if item.get("responsible_org_id"):
        return [item["responsible_org_id"]]
    return list(plans.get(db, "goal", item["goal_id"])["responsible_ids"])


def may_edit(actor: Actor, item: dict) -> bool:
    """Whether `actor` may record updates of `item` (from `items()`), by the rule `record`
    applies; the screen uses it to show other organisations' items read-only, `record`
    still checks at write time."""
    try:
        auth.require_org_editor(actor, item["responsible_ids"])
    except PermissionDenied:
        return False
    return True


# ---------------------------------------------------------------- writing
def _latest(db: Database, entity: str, item_id: int, year: int) -> dict | None:
    rows = list(
        db.query(
            "select * from status_updates where entity = ? and item_id = ? and year = ? order by version desc limit 1",
            [entity, item_id, year],
        )
    )
    return _public(rows[0]) if rows else None


_PUBLIC = (
    "entity",
    "item_id",
    "year",
    "status",
    "progress",
    "narrative",
    "evidence_url",
    "updated_by",
    "updated_at",
    "version",
)


def _public(row: dict) -> dict:
    return {k: row[k] for k in _PUBLIC}


def record(
    db: Database,
    actor: Actor,
    entity: str,
    item_id: int,
    year: int,
    status: str,
    progress=None,
    narrative: str = "",
    evidence_url: str = "",
    expected_version: int | None = None,
) -> int:
    """Save a status update of a goal or measure for one year; returns its new version.

    `expected_version` is the version the user's screen showed (None: no update yet).
    When someone saved in between, ConflictError carries their update (with narrative)
    so the form can show it next to the user's own text."""
    status = _check_status(status)
    narrative = plans.clean_text(narrative, "fu_narrative", max_len=NARRATIVE_MAX, multiline=True)
    if status in NEEDS_NARRATIVE and not narrative:
        raise ValidationError("follow_up.error.narrative_required", field="fu_narrative", status=status)
    progress = validation.percent(progress, "fu_progress", "follow_up.error.progress")
    evidence_url = _check_url(evidence_url)
    with write(db):
        item = _item(db, entity, item_id)
        if item["draft"] or (entity == "measure" and plans.get(db, "goal", item["goal_id"])["draft"]):
            raise ValidationError("drafts.error.follow_up", field="fu_entity")
        plan = plans.plan_of(db, entity, item_id)
        year = check_year(year, plan)
        years = item_years(entity, item, plan)
        if year not in years:  # the year is "not scheduled" everywhere else, as budget.save refuses it
            raise ValidationError(
                "follow_up.error.year_outside_measure", field="fu_year", year=year, first=years[0], last=years[-1]
            )
        auth.require_org_editor(actor, responsible_orgs(db, entity, item))
        before = _latest(db, entity, item_id, year)
        current_version = before["version"] if before else 0
        if (expected_version or 0) != current_version:
            if before is None:  # the screen showed an update that is no longer there
                raise ConflictError(by="", at="", key="follow_up.error.update_gone", year=year)
            raise ConflictError(by=before["updated_by"], at=before["updated_at"], current=before)
        if progress is None:
            progress = typical_progress(
                status, before["progress"] if before else previous_progress(db, entity, item_id, year)
            )
        row = {
            "entity": entity,
            "item_id": item_id,
            "year": year,
            "version": current_version + 1,
            "status": status,
            "progress": progress,
            "narrative": narrative,
            "evidence_url": evidence_url,
            "updated_by": actor.name,
            "user_id": actor.user_id,
            "updated_at": now(),
        }
        db.table("status_updates").insert(row)
        audit(
            db,
            actor,
            entity,
            item_id,
            "status",
            before={k: before[k] for k in ("year", *_FIELDS)} if before else None,
            after={k: row[k] for k in ("year", *_FIELDS)},
        )
    return row["version"]


def previous_progress(db, entity, item_id, year) -> int | None:
    row = db.execute(
        "select progress from status_updates where entity = ? and item_id = ? and year < ? "
        "order by year desc, version desc limit 1",
        [entity, item_id, year],
    ).fetchone()
    return row[0] if row else None


class BulkError(LapeError):
    """One update of a bulk save failed; nothing was saved. `index` is its position
    in the list, `error` the original typed error."""

    def __init__(self, index: int, update: dict, error: LapeError):
        self.index = index
        self.update = update
        self.error = error
        super().__init__(error.key, **error.params)


def record_many(db: Database, actor: Actor, updates: list[dict]) -> list[int]:
    """Several updates (dicts of record()'s keyword arguments) saved all or nothing."""
    versions = []
    with write(db):
        for index, update in enumerate(updates):
            try:
                versions.append(record(db, actor, **update))
            except LapeError as err:
                raise BulkError(index, update, err) from err
    return versions


def set_weight(db: Database, actor: Actor, measure_id: int, weight) -> None:
    """A measure's weight in its goal's progress (None or empty: back to equal weights)."""
    with write(db):
        measure = _item(db, "measure", measure_id)
        goal = plans.get(db, "goal", measure["goal_id"])
        auth.require_org_editor(actor, goal["responsible_ids"])
        if weight in (None, ""):
            db.table("measure_weights").delete_where("measure_id = ?", [measure_id])
            audit(db, actor, "measure", measure_id, "weight", after={"weight": None})
            return
        try:
            value = float(str(weight).replace(",", "."))
        except ValueError:
            raise ValidationError("follow_up.error.weight", field="fu_weight", value=weight) from None
        if not 0 <= value <= 1000:
            raise ValidationError("follow_up.error.weight", field="fu_weight", value=weight)
        db.table("measure_weights").upsert(
            {"measure_id": measure_id, "weight": value, "updated_by": actor.name, "updated_at": now()}, pk="measure_id"
        )
        audit(db, actor, "measure", measure_id, "weight", after={"weight": value})


def weights(db: Database, plan_id: int) -> dict[int, float]:
    return {
        r["measure_id"]: r["weight"]
        for r in db.query(
            "select w.measure_id, w.weight from measure_weights w join measures m on m.id = w.measure_id "
            "join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id where f.plan_id = ?",
            [plan_id],
        )
    }


# ---------------------------------------------------------------- reading
_PLAN_UPDATES = """
  select u.* from status_updates u
    join measures m on u.entity = 'measure' and m.id = u.item_id
    join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id
   where f.plan_id = :p{measure}
  union all
  select u.* from status_updates u
    join goals g on u.entity = 'goal' and g.id = u.item_id
    join focus_areas f on f.id = g.focus_area_id
   where f.plan_id = :p{goal}"""
_COUNTED_UPDATES = _PLAN_UPDATES.format(
    measure=f" and {plans.counts_sql('m', deleted_too=True)} and {plans.counts_sql('g', deleted_too=True)}",
    goal=f" and {plans.counts_sql('g', deleted_too=True)}",
)


def current(db: Database, plan_id: int, years=None, *, include_drafts: bool = False) -> dict[tuple, dict]:
    """Latest update per (entity, item_id, year) of a plan (only `years` when given).

    Drafts' updates are left out (they count again once accepted) unless `include_drafts`
    (the round trip, which reports edits of items set back to draft since the export);
    deleted items' are kept, for the same reason."""
    # SQLite fills the bare columns of a max() aggregate from the row holding the maximum,
    # so one grouped pass gives the latest update of each item-year.
    params: dict = {"p": plan_id}
    where = ""
    if years is not None:
        years = [int(y) for y in years]
        params.update({f"y{i}": y for i, y in enumerate(years)})
        where = " where u.year in (" + ", ".join(f":y{i}" for i in range(len(years))) + ")" if years else " where 0"
    plan_updates = _PLAN_UPDATES.format(measure="", goal="") if include_drafts else _COUNTED_UPDATES
    sql = (
        f"select {', '.join('u.' + k for k in _PUBLIC)}, max(u.version) from ({plan_updates}) u{where} "
        "group by u.entity, u.item_id, u.year"
    )
    # Plain tuples, one dict each: a large plan's exports read tens of thousands of rows.
    return {values[:3]: dict(zip(_PUBLIC, values)) for values in db.execute(sql, params).fetchall()}


def history(db: Database, entity: str, item_id: int) -> list[dict]:
    """Every update of an item, newest first; `changed` lists the fields that differ
    from the previous update of the same year (all filled fields for a year's first)."""
    rows = [
        {**_public(dict(r)), "id": r["id"]}
        for r in db.query(
            "select * from status_updates where entity = ? and item_id = ? order by id", [entity, item_id]
        )
    ]
    previous: dict[int, dict] = {}
    for row in rows:
        before = previous.get(row["year"])
        if before is None:
            row["changed"] = [f for f in _FIELDS if row[f] not in (None, "")]
        else:
            row["changed"] = [f for f in _FIELDS if row[f] != before[f]]
        row["previous"] = before and {f: before[f] for f in _FIELDS}
        previous[row["year"]] = row
    rows.reverse()
    return rows


def items(
    db: Database,
    plan_id: int,
    municipality_id: int | None = None,
    focus_area_id: int | None = None,
    org_id: int | None = None,
) -> list[dict]:
    """Goals and measures of a plan in plan order, with their number ("2.1.3"), focus
    area, responsible organisations and the years they are scheduled for, filtered."""
    plan = plans.get_plan(db, plan_id)
    out = []
    for area in plans.tree(db, plan_id, municipality_id):
        if focus_area_id and area["id"] != focus_area_id:
            continue
        for goal in area["goals"]:
            goal_orgs = list(goal["responsible_ids"])
            goal_item = {
                "entity": "goal",
                "id": goal["id"],
                "number": goal["number"],
                "row": goal,
                "focus_area": area,
                "goal_id": goal["id"],
                "responsible_ids": goal_orgs,
                "years": plan_years(plan),
            }
            measures = []
            for m in goal["measures"]:
                orgs = [m["responsible_org_id"]] if m["responsible_org_id"] else goal_orgs
                measures.append(
                    {
                        "entity": "measure",
                        "id": m["id"],
                        "number": m["number"],
                        "row": m,
                        "focus_area": area,
                        "goal_id": goal["id"],
                        "responsible_ids": orgs,
                        "years": item_years("measure", m, plan),
                    }
                )
            if org_id:
                keep = [m for m in measures if org_id in m["responsible_ids"]]
                if org_id in goal_orgs or keep:
                    out.append(goal_item)
                out.extend(keep)
            else:
                out.append(goal_item)
                out.extend(measures)
    return out


def status_of(cur: dict, item: dict, year: int) -> str:
    """The shown status of an item in a year: its latest status, "no update", or "not
    scheduled" for a measure outside its own years."""
    if year not in item["years"]:
        return NOT_SCHEDULED
    row = cur.get((item["entity"], item["id"], year))
    return row["status"] if row else NO_UPDATE


def _mean(pairs) -> float | None:
    pairs = [(v, w) for v, w in pairs if v is not None and w > 0]
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def rollup(
    db: Database, plan_id: int, year: int, municipality_id: int | None = None, org_id: int | None = None
) -> dict:
    """Progress of goals, focus areas and the plan in one year.

    A goal's progress is the weighted mean of its scheduled, not cancelled measures that
    have an update (equal weights unless set); a goal without measures uses its own
    update. A focus area is the mean of its goals that have a value and are not
    cancelled, the plan the mean of its focus areas. Items without an update are left out of the means and counted
    in `coverage`, never taken as zero. `counts` holds the shown status of every
    scheduled goal and measure. With `org_id`, only what that organisation answers for:
    its measures, and its goals (a goal kept only for its measures is not counted)."""
    cur = current(db, plan_id, [year])
    w = weights(db, plan_id)
    all_items = items(db, plan_id, municipality_id, org_id=org_id)
    counts = {s: 0 for s in (*STATUSES, NO_UPDATE)}
    goals: dict[int, dict] = {}
    areas: dict[int, dict] = {}
    for item in all_items:
        status = status_of(cur, item, year)
        if status == NOT_SCHEDULED:
            continue
        if not org_id or org_id in item["responsible_ids"]:  # else a goal kept as its measures' frame
            counts[status] += 1
        upd = cur.get((item["entity"], item["id"], year))
        if item["entity"] == "goal":
            area = areas.setdefault(item["focus_area"]["id"], {"focus_area": item["focus_area"], "goals": []})
            goal = {
                "goal": item["row"],
                "number": item["number"],
                "status": status,
                "update": upd,
                "measures": [],
                "progress": None,
                "coverage": (0, 0),
            }
            goals[item["id"]] = goal
            area["goals"].append(goal)
        else:
            goals[item["goal_id"]]["measures"].append(
                {
                    "measure": item["row"],
                    "number": item["number"],
                    "status": status,
                    "update": upd,
                    "weight": w.get(item["id"], 1.0),
                }
            )
    for goal in goals.values():
        counted = [m for m in goal["measures"] if m["status"] != "cancelled"]
        with_value = [m for m in counted if m["update"] and m["update"]["progress"] is not None]
        goal["coverage"] = (len(with_value), len(counted))
        if goal["measures"]:
            goal["progress"] = _mean((m["update"]["progress"], m["weight"]) for m in with_value)
        elif goal["update"] and goal["status"] != "cancelled":
            goal["progress"] = goal["update"]["progress"]
    area_rows = []
    for area in areas.values():
        area["progress"] = _mean((g["progress"], 1.0) for g in area["goals"] if g["status"] != "cancelled")
        area_rows.append(area)
    total = sum(counts.values())
    return {
        "year": year,
        "progress": _mean((a["progress"], 1.0) for a in area_rows),
        "areas": area_rows,
        "counts": counts,
        "total": total,
        "shares": {k: (v / total if total else 0.0) for k, v in counts.items()},
    }


def missing(
    db: Database,
    plan_id: int,
    year: int,
    municipality_id: int | None = None,
    focus_area_id: int | None = None,
    org_id: int | None = None,
) -> list[dict]:
    """Scheduled goals and measures with no update for `year`, grouped by responsible
    organisation (an item with several organisations is listed under each), largest
    group first."""
    cur = current(db, plan_id, [year])
    groups: dict[int | None, list[dict]] = {}
    for item in items(db, plan_id, municipality_id, focus_area_id, org_id):
        if status_of(cur, item, year) != NO_UPDATE:
            continue
        for org in item["responsible_ids"] or [None]:
            if org_id and org != org_id:
                continue
            groups.setdefault(org, []).append(item)
    orgs = {o["id"]: o for o in plans.organisations(db, plan_id)}
    out: list[dict] = [{"org_id": k, "organisation": orgs.get(k), "items": v} for k, v in groups.items()]
    out.sort(key=lambda g: (-len(g["items"]), g["organisation"]["name_fi"] if g["organisation"] else "~"))
    return out


CHANGE_KINDS = ("completed", "worse", "better", "started", "unchanged", "no_update")
_RANK = {"cancelled": -1, "not_started": 0, "delayed": 1, "on_track": 2, "done": 3}


def year_summary(
    db: Database,
    plan_id: int,
    year: int,
    municipality_id: int | None = None,
    focus_area_id: int | None = None,
    org_id: int | None = None,
) -> list[dict]:
    """What changed in `year` compared with the item's latest earlier update, one row per
    scheduled item (`previous_year` says which year that was: a year without an update is
    skipped, so on track in 2022, nothing in 2023 and delayed in 2024 is "worse").

    `change` is "completed" (done now, not before), "worse" (status fell, e.g. on track →
    delayed, or progress went down), "better", "started" (first update this plan
    period), "unchanged" or "no_update" (nothing recorded for the year). Rows that
    changed come first, in plan order."""
    plan = plans.get_plan(db, plan_id)
    cur = current(db, plan_id, [y for y in plan_years(plan) if y <= year])
    rows = []
    for item in items(db, plan_id, municipality_id, focus_area_id, org_id):
        if year not in item["years"]:
            continue
        now_ = cur.get((item["entity"], item["id"], year))
        # Only the item's own earlier years: an older database may hold rows outside them.
        earlier = (cur.get((item["entity"], item["id"], y)) for y in reversed(item["years"]) if y < year)
        before = next((row for row in earlier if row), None)
        if now_ is None:
            change = "no_update"
        elif before is None:
            change = "completed" if now_["status"] == "done" else "started"
        elif now_["status"] == "done" and before["status"] != "done":
            change = "completed"
        elif _RANK[now_["status"]] != _RANK[before["status"]]:
            change = "better" if _RANK[now_["status"]] > _RANK[before["status"]] else "worse"
        elif (now_["progress"] or 0) != (before["progress"] or 0):
            change = "better" if (now_["progress"] or 0) > (before["progress"] or 0) else "worse"
        else:
            change = "unchanged"
        rows.append(
            {
                "entity": item["entity"],
                "item_id": item["id"],
                "number": item["number"],
                "row": item["row"],
                "responsible_ids": item["responsible_ids"],
                "change": change,
                "previous_status": before["status"] if before else NO_UPDATE,
                "previous_year": before["year"] if before else None,
                "previous_progress": before["progress"] if before else None,
                "status": now_["status"] if now_ else NO_UPDATE,
                "progress": now_["progress"] if now_ else None,
                "narrative": now_["narrative"] if now_ else "",
                "updated_by": now_["updated_by"] if now_ else "",
                "updated_at": now_["updated_at"] if now_ else "",
            }
        )
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    rows.sort(
        key=lambda r: (
            r["change"] in ("unchanged", "no_update"),
            order[r["change"]] if r["change"] in ("unchanged", "no_update") else 0,
        )
    )
    return rows


def get_current(db: Database, entity: str, item_id: int, year: int) -> dict | None:
    """The latest update of one item-year (None when there is none)."""
    _item(db, entity, item_id)
    return _latest(db, entity, item_id, year)


def grid(
    db: Database,
    plan_id: int,
    municipality_id: int | None = None,
    focus_area_id: int | None = None,
    org_id: int | None = None,
) -> list[dict]:
    """One cell per item and plan year (the heatmap): the shown status, progress and
    who updated it last."""
    plan = plans.get_plan(db, plan_id)
    cur = current(db, plan_id)
    cells = []
    for item in items(db, plan_id, municipality_id, focus_area_id, org_id):
        for year in plan_years(plan):
            upd = cur.get((item["entity"], item["id"], year))
            cells.append(
                {
                    "entity": item["entity"],
                    "item_id": item["id"],
                    "number": item["number"],
                    "row": item["row"],
                    "year": year,
                    "status": status_of(cur, item, year),
                    "progress": upd["progress"] if upd else None,
                    "updated_by": upd["updated_by"] if upd else "",
                    "updated_at": upd["updated_at"] if upd else "",
                }
            )
    return cells


__all__ = [
    "STATUSES",
    "NO_UPDATE",
    "NOT_SCHEDULED",
    "may_edit",
    "item_years",
    "record",
    "record_many",
    "current",
    "history",
    "rollup",
    "missing",
    "year_summary",
    "items",
    "typical_progress",
    "reporting_year",
    "set_weight",
    "weights",
    "BulkError",
    "grid",
    "get_current",
]
