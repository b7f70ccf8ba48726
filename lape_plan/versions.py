"""Approval of the plan and its frozen versions.

A plan moves draft -> cooperation group -> councils. Sending it to the councils freezes
a version: a snapshot of the plan (focus areas, goals, measures with their fields and
responsible organisations, indicator links) and its chapters, stored as JSON and never
changed afterwards. Each council's decision (body, date, § number) is an approval row
recorded against that version (`plans.add_approval`). To revise an approved plan it goes
back to draft; sending it again freezes a new version, and the earlier ones are kept.

`diff` tells what changed between a version and the plan as it is now (or another
version): per item and chapter, added, removed or changed with the fields old -> new."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

from sqlite_utils import Database

from . import auth, chapters, i18n, plans
from .db import audit, insert_row, now, save_changes, write
from .errors import NotFound, ValidationError, require_version
from .model import Actor

STATES = ("draft", "cooperation_group", "councils")
# Allowed moves: on to the cooperation group, on to the councils (freezes a version), and back
# to draft from either (the group returns it, or a revision of an approved plan begins).
MOVES = {"draft": ("cooperation_group",), "cooperation_group": ("councils", "draft"), "councils": ("draft",)}
ENTITY = "plan_version"

ITEM_FIELDS = {
    "focus_area": ("title_fi", "title_sv", "description"),
    "goal": ("title_fi", "title_sv", "description", "scope", "municipality_ids", "responsible_ids", "indicators"),
    "measure": (
        "title_fi",
        "title_sv",
        "description",
        "responsible_org_id",
        "start_year",
        "end_year",
        "resources_text",
        "resources_eur",
    ),
}
PLAN_FIELDS = ("title_fi", "title_sv", "first_year", "last_year")
CHAPTER_FIELDS = ("text_fi", "text_sv")


# ---------------------------------------------------------------- snapshot
def snapshot(db: Database, plan_id: int) -> dict:
    """The plan as councils read it: what counts (no drafts, no deleted items), in order,
    with numbers, plus its chapters and the names of the organisations it refers to."""
    plan = plans.get_plan(db, plan_id)
    links: dict[int, list[dict]] = {}
    for r in db.query(
        "select l.goal_id, l.indicator_id, l.region_id, l.gender, l.baseline_year, l.baseline_value, "
        "l.target_year, l.target_value, i.title_fi, i.title_sv, r.category region_category, "
        "r.title_fi region_fi, r.title_sv region_sv from goal_indicators l "
        "join indicators i on i.id = l.indicator_id join ind_regions r on r.id = l.region_id "
        "join goals g on g.id = l.goal_id join focus_areas f on f.id = g.focus_area_id "
        "where f.plan_id = ? order by l.id",
        [plan_id],
    ):
        links.setdefault(r["goal_id"], []).append(
            {
                k: r[k]
                for k in (
                    "indicator_id",
                    "region_id",
                    "gender",
                    "baseline_year",
                    "baseline_value",
                    "target_year",
                    "target_value",
                    "title_fi",
                    "title_sv",
                    "region_category",
                    "region_fi",
                    "region_sv",
                )
            }
        )
    areas, goals, measures = [], [], []
    for a_i, area in enumerate(plans.tree(db, plan_id), 1):
        areas.append({"id": area["id"], "number": f"{a_i}", **{k: area[k] for k in ITEM_FIELDS["focus_area"]}})
        for g_i, goal in enumerate(area["goals"], 1):
            goals.append(
                {
                    "id": goal["id"],
                    "number": f"{a_i}.{g_i}",
                    "focus_area_id": area["id"],
                    **{k: goal.get(k) for k in ITEM_FIELDS["goal"] if k != "indicators"},
                    "indicators": links.get(goal["id"], []),
                }
            )
            for m_i, m in enumerate(goal["measures"], 1):
                measures.append(
                    {
                        "id": m["id"],
                        "number": f"{a_i}.{g_i}.{m_i}",
                        "goal_id": goal["id"],
                        **{k: m[k] for k in ITEM_FIELDS["measure"]},
                    }
                )
    parts = [
        {
            "kind": p["kind"],
            "municipality_id": p["municipality_id"],
            "text_fi": p["text_fi"] or "",
            "text_sv": p["text_sv"] or "",
        }
        for p in chapters.all_parts(db, plan_id).values()
        if (p["text_fi"] or p["text_sv"])
    ]
    orgs = {str(o["id"]): {"name_fi": o["name_fi"], "name_sv": o["name_sv"]} for o in plans.organisations(db)}
    return {
        "plan": {k: plan[k] for k in PLAN_FIELDS},
        "focus_areas": areas,
        "goals": goals,
        "measures": measures,
        "chapters": parts,
        "organisations": orgs,
    }


# ---------------------------------------------------------------- reading
def state(plan: dict) -> str:
    return plan.get("approval_state") or "draft"


def versions(db: Database, plan_id: int) -> list[dict]:
    """The plan's frozen versions, newest first, each with its decisions (approvals), without
    the snapshot itself."""
    rows = [
        dict(r)
        for r in db.query(
            "select id, plan_id, number, created_at, created_by from plan_versions "
            "where plan_id = ? order by number desc",
            [plan_id],
        )
    ]
    decisions: dict[int, list[dict]] = {}
    for a in plans.approvals(db, plan_id):
        if a.get("version_id"):
            decisions.setdefault(a["version_id"], []).append(a)
    for r in rows:
        r["decisions"] = decisions.get(r["id"], [])
    return rows


def get_version(db: Database, version_id: int) -> dict:
    rows = [dict(r) for r in db.query("select * from plan_versions where id = ?", [version_id])]
    if not rows:
        raise NotFound("error.not_found", entity=ENTITY, id=version_id)
    row = rows[0]
    row["snapshot"] = json.loads(row["snapshot"])
    return row


def approved_version(db: Database, plan_id: int) -> dict | None:
    """The newest version with at least one council's decision, or None."""
    row = db.execute(
        "select v.id from plan_versions v where v.plan_id = ? and exists "
        "(select 1 from approvals a where a.version_id = v.id) order by v.number desc limit 1",
        [plan_id],
    ).fetchone()
    return get_version(db, row[0]) if row else None


def latest_version(db: Database, plan_id: int) -> dict | None:
    row = db.execute(
        "select id from plan_versions where plan_id = ? order by number desc limit 1", [plan_id]
    ).fetchone()
    return get_version(db, row[0]) if row else None


def check_version_of(db: Database, plan_id: int, version_id: int) -> None:
    """Refuse a decision recorded against another plan's version."""
    row = db.execute("select plan_id from plan_versions where id = ?", [version_id]).fetchone()
    if not row or row[0] != plan_id:
        raise ValidationError("approvals.error.unknown_version", field="version_id", id=version_id)


# ---------------------------------------------------------------- moving the state
def move(db: Database, actor: Actor, plan_id: int, to_state: str, expected_version: int) -> int:
    """Move the plan to `to_state`, seen at plan version `expected_version` (stale screens are
    refused with who moved it). Sending it to the councils freezes a new version. Returns the
    plan's new version."""
    auth.require_plan_editor(actor)
    if to_state not in STATES:
        raise ValidationError("error.invalid", field="approval_state")
    with write(db):
        before = plans.get_plan(db, plan_id)
        require_version(before, expected_version)
        current = state(before)
        if to_state not in MOVES[current]:
            raise ValidationError("approvals.error.move", field="approval_state", current=current, target=to_state)
        if to_state == "councils":
            number = db.execute(
                "select coalesce(max(number), 0) + 1 from plan_versions where plan_id = ?", [plan_id]
            ).fetchone()[0]
            row = {
                "plan_id": plan_id,
                "number": number,
                "created_at": now(),
                "created_by": actor.name,
                "snapshot": json.dumps(snapshot(db, plan_id), ensure_ascii=False, sort_keys=True),
            }
            version_id = insert_row(db, "plan_versions", row)
            audit(db, actor, ENTITY, version_id, "create", after={"plan_id": plan_id, "number": number})
        return save_changes(db, actor, "plans", "plan", before, {"approval_state": to_state})


# ---------------------------------------------------------------- what changed
@dataclass
class Change:
    kind: str  # "plan", "focus_area", "goal", "measure", "chapter"
    key: object  # item id, or (chapter kind, municipality id)
    number: str  # the item's number now (its old number when removed)
    title: str  # in the reader's language
    change: str  # "added", "removed", "changed"
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new) as text


def _org_names(ids, orgs: dict, lang: str) -> str:
    if ids is None or ids == []:
        return "–"
    ids = ids if isinstance(ids, list) else [ids]
    return ", ".join(plans.org_name(orgs[str(i)], lang) if str(i) in orgs else str(i) for i in ids)


def _indicator_text(link: dict, lang: str) -> str:
    title = (link.get("title_sv") if lang == "sv" else None) or link.get("title_fi") or ""
    if link.get("region_category") == "PLAN":
        region = i18n.t("indicators.region.plan_area", lang)
    elif link.get("region_category") == "MAA":
        region = i18n.t("indicators.region.country", lang)
    else:
        region = (link.get("region_sv") if lang == "sv" else None) or link.get("region_fi") or ""
    gender = "" if link.get("gender") in (None, "total") else f", {link['gender']}"

    def point(year, value):
        return "–" if value is None else f"{i18n.number(value, lang)} ({year})" if year else i18n.number(value, lang)

    return (
        f"{title} ({region}{gender}): {point(link.get('baseline_year'), link.get('baseline_value'))} → "
        f"{point(link.get('target_year'), link.get('target_value'))}"
    )


def _shown(name: str, value, orgs: dict, lang: str) -> str:
    """A field's value as text for reading."""
    if name in ("municipality_ids", "responsible_ids", "responsible_org_id"):
        return _org_names(value, orgs, lang)
    if name == "scope":
        return i18n.t(f"approvals.scope.{value}", lang) if value else "–"
    if name == "indicators":
        return "; ".join(_indicator_text(link, lang) for link in value) if value else "–"
    if name == "resources_eur":
        return "–" if value is None else f"{i18n.number(value, lang)} €"
    if value is None or value == "":
        return "–"
    return str(value)


def text_delta(old: str, new: str, limit: int = 12) -> tuple[str, str]:
    """The lines of a long text that went (old side) and came (new side), so that a changed
    chapter shows what changed rather than both texts whole."""
    gone, came = [], []
    for line in difflib.ndiff((old or "").splitlines(), (new or "").splitlines()):
        if line.startswith("- ") and line[2:].strip():
            gone.append(line[2:])
        elif line.startswith("+ ") and line[2:].strip():
            came.append(line[2:])

    def cut(lines):
        if not lines:
            return "–"
        return "\n".join(lines[:limit] + ([f"… (+{len(lines) - limit})"] if len(lines) > limit else []))

    return cut(gone), cut(came)


_LINK_KEYS = ("indicator_id", "region_id", "gender", "baseline_year", "baseline_value", "target_year", "target_value")


def _value(name: str, value):
    """What is compared: indicator links by what the plan set (not the catalogue's titles,
    which an import may reword); ids, not names, for organisations (a rename is no change)."""
    if name == "indicators":
        return [tuple(link.get(k) for k in _LINK_KEYS) for link in value or []]
    return value


def _title(row: dict, lang: str) -> str:
    return plans.title_in(row, lang)


def diff(old: dict, new: dict, lang: str = "fi") -> list[Change]:
    """What changed from snapshot `old` to snapshot `new`: the plan's title and period, then
    focus areas, goals and measures in plan order (removed ones after, in their old order),
    then chapters in chapter order."""
    out: list[Change] = []
    old_orgs, new_orgs = old.get("organisations", {}), new.get("organisations", {})
    fields = [
        (f, _shown(f, old["plan"].get(f), old_orgs, lang), _shown(f, new["plan"].get(f), new_orgs, lang))
        for f in PLAN_FIELDS
        if old["plan"].get(f) != new["plan"].get(f)
    ]
    if fields:
        out.append(Change("plan", None, "", _title(new["plan"], lang), "changed", fields))
    for kind, table in (("focus_area", "focus_areas"), ("goal", "goals"), ("measure", "measures")):
        before = {r["id"]: r for r in old.get(table, [])}
        after = {r["id"]: r for r in new.get(table, [])}
        for item_id, row in after.items():
            if item_id not in before:
                out.append(Change(kind, item_id, row["number"], _title(row, lang), "added"))
                continue
            was = before[item_id]
            changed = [
                (f, _shown(f, was.get(f), old_orgs, lang), _shown(f, row.get(f), new_orgs, lang))
                for f in ITEM_FIELDS[kind]
                if _value(f, was.get(f)) != _value(f, row.get(f))
            ]
            if changed:
                out.append(Change(kind, item_id, row["number"], _title(row, lang), "changed", changed))
        for item_id, row in before.items():
            if item_id not in after:
                out.append(Change(kind, item_id, row["number"], _title(row, lang), "removed"))
    order = {k: i for i, k in enumerate(chapters.KINDS)}
    before = {(p["kind"], p["municipality_id"]): p for p in old.get("chapters", [])}
    after = {(p["kind"], p["municipality_id"]): p for p in new.get("chapters", [])}
    for key in sorted(set(before) | set(after), key=lambda k: (order.get(k[0], 99), k[1] or 0)):
        kind, municipality_id = key
        title = chapters.title(kind, lang)
        if municipality_id is not None:
            title += f" – {_org_names(municipality_id, {**old_orgs, **new_orgs}, lang)}"
        number = str(order.get(kind, 0) + 1)
        if key not in before:
            out.append(Change("chapter", key, number, title, "added"))
        elif key not in after:
            out.append(Change("chapter", key, number, title, "removed"))
        else:
            changed = [
                (f, *text_delta(before[key][f], after[key][f]))
                for f in CHAPTER_FIELDS
                if before[key][f] != after[key][f]
            ]
            if changed:
                out.append(Change("chapter", key, number, title, "changed", changed))
    return out


def changes_since(
    db: Database, plan_id: int, version_id: int | None = None, lang: str = "fi"
) -> tuple[dict | None, list[Change]]:
    """(the version compared with, what changed since it in the plan as it is now). Without
    `version_id`: the approved version (the newest with a council's decision); (None, [])
    when there is none."""
    version = get_version(db, version_id) if version_id else approved_version(db, plan_id)
    if version is None:
        return None, []
    if version["plan_id"] != plan_id:
        raise ValidationError("approvals.error.unknown_version", field="version_id", id=version_id)
    return version, diff(version["snapshot"], snapshot(db, plan_id), lang)


def field_label(name: str, lang: str) -> str:
    return i18n.t(f"approvals.field.{name}", lang)


def change_rows(changes: list[Change], lang: str) -> list[dict]:
    """The changes as table rows for reading: one row per changed field, one for an item
    added or removed. Texts are data: the page and the documents show them as text."""
    rows = []
    for c in changes:
        base = {
            "number": c.number,
            "kind": i18n.t(f"approvals.kind.{c.kind}", lang),
            "title": c.title,
            "change": i18n.t(f"approvals.change.{c.change}", lang),
        }
        if not c.fields:
            rows.append({**base, "field": "", "old": "", "new": ""})
        for name, old, new in c.fields:
            rows.append({**base, "field": field_label(name, lang), "old": old, "new": new})
    return rows


def version_label(version: dict, lang: str) -> str:
    return i18n.t(
        "approvals.version_label", lang, number=version["number"], date=i18n.date(version["created_at"], lang)
    )
