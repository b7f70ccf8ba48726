"""Child impact assessment (lapsivaikutusten arviointi, LAVA).

An assessment belongs to one measure, goal or decision (a council or board decision
recorded here) and comes in two forms: the short one (which children, expected
effects, how children were heard, conclusion) and the full one (subject, children and
families by age group and vulnerable group, hearing with the plan's workshops and idea
consultation (linked, with their participation figures), options
compared, effect rows per option and group, mitigation, the decision and why, follow-up).
Like every item it is versioned, audited and edited by the target's responsible
organisations and the coordinators. In its follow-up year the follow-up of the measure
asks whether the expected effects came true (`record_outcome`).

States: draft, done (saved as done, which needs the form's required parts) and
followed up (an outcome recorded)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlparse

from sqlite_utils import Database

from . import auth, follow_up, i18n, plans, validation
from .db import audit, get_or_not_found, insert_row, now, save_changes, save_version, write
from .errors import ConflictError, NotFound, PermissionDenied, ValidationError, require_version
from .model import TEXT_MAX, TITLE_MAX, Actor, Role

TARGETS = ("measure", "goal", "decision")
FORMS = ("short", "full")
STATUSES = ("draft", "done")
STATES = ("draft", "done", "followed_up")
AGE_GROUPS = ("0_6", "7_12", "13_17", "18_29", "families")
VULNERABLE_GROUPS = (
    "disability",
    "child_welfare",
    "low_income",
    "migrant",
    "language_minority",
    "gender_sexual_minority",
    "sparsely_populated",
)
# Whom an effect row concerns: all children, an age group, a vulnerable group or others.
GROUPS = ("all", *AGE_GROUPS, *VULNERABLE_GROUPS, "other")
ASPECTS = ("rights", "wellbeing", "services")
DIRECTIONS = ("positive", "negative", "unclear")
OUTCOMES = ("yes", "partly", "no")
OPTIONS_MAX = 10
EFFECTS_MAX = 60
URL_MAX = 500

# Text fields and the form(s) they belong to.
TEXT_FIELDS = (
    "subject",
    "affected",
    "vulnerable_other",
    "expected_effects",
    "hearing",
    "mitigation",
    "conclusion",
    "follow_up_method",
)
SHORT_FIELDS = ("affected", "expected_effects", "hearing", "conclusion", "follow_up_year")
FULL_FIELDS = (
    "subject",
    "affected",
    "age_groups",
    "vulnerable_groups",
    "vulnerable_other",
    "hearing",
    "workshop_ids",
    "hearing_ideas",
    "idea_class_ids",
    "options",
    "effects",
    "mitigation",
    "conclusion",
    "follow_up_year",
    "follow_up_method",
)
_LISTS = ("age_groups", "vulnerable_groups", "options")
_LINKED = ("effects", "workshop_ids", "idea_class_ids")  # stored in their own tables
_REQUIRED_DONE = {
    "short": ("affected", "expected_effects", "hearing", "conclusion"),
    "full": ("subject", "affected", "age_groups", "hearing", "effects", "conclusion", "follow_up_year"),
}


# ---------------------------------------------------------------- validation
def _field(name: str) -> str:
    return f"lava_{name}"


def _choice(value, allowed, name: str) -> str:
    if value not in allowed:
        raise ValidationError("error.invalid", field=_field(name))
    return value


def _codes(values, allowed, name: str) -> list[str]:
    values = list(values or [])
    for v in values:
        _choice(v, allowed, name)
    return [v for v in allowed if v in values]  # canonical order, no repeats


def parse_options(text) -> list[str]:
    """The options typed one per line, as the form lists them (validated on save)."""
    lines = text.splitlines() if isinstance(text, str) else list(text or [])
    return list(dict.fromkeys(str(x).strip() for x in lines if str(x).strip()))


def _options(value) -> list[str]:
    """Options compared: a list, or text with one option per line."""
    if isinstance(value, str):
        value = value.splitlines()
    options = []
    for v in value or []:
        text = plans.clean_text(v, _field("options"), max_len=TITLE_MAX)
        if text and text not in options:
            options.append(text)
    if len(options) > OPTIONS_MAX:
        raise ValidationError("assessments.error.too_many", field=_field("options"), max=OPTIONS_MAX)
    return options


def check_effect(effect: dict, options: list[str], row: int = 1) -> dict:
    """One expected effect: the option (one of `options`, or empty when none are listed),
    the group, the aspect (rights, wellbeing, services), the direction and its reason."""
    option = plans.clean_text(effect.get("option"), _field("effect_option"), max_len=TITLE_MAX)
    if option and option not in options:
        raise ValidationError("assessments.error.effect_option", field=_field("effects"), row=row, option=option)
    if not option and options:
        raise ValidationError("assessments.error.effect_no_option", field=_field("effects"), row=row)
    reason = plans.clean_text(effect.get("reason"), _field("effect_reason"), max_len=TEXT_MAX // 4)
    if not reason:
        raise ValidationError("assessments.error.effect_reason", field=_field("effects"), row=row)
    return {
        "option": option,
        "group": _choice(effect.get("group"), GROUPS, "effect_group"),
        "aspect": _choice(effect.get("aspect"), ASPECTS, "effect_aspect"),
        "direction": _choice(effect.get("direction"), DIRECTIONS, "effect_direction"),
        "reason": reason,
    }


def _url(value) -> str:
    url = plans.clean_text(value, _field("decision_url"), max_len=URL_MAX)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or any(c.isspace() for c in url):
            raise ValidationError("assessments.error.url", field=_field("decision_url"), value=url)
    return url


def _workshops(db: Database, plan_id: int, ids) -> list[int]:
    ids = sorted({int(i) for i in ids or []})
    for workshop_id in ids:
        if not db.execute("select 1 from workshops where id = ? and plan_id = ?", [workshop_id, plan_id]).fetchone():
            raise ValidationError("error.invalid", field=_field("workshop_ids"))
    return ids


def _idea_classes(db: Database, plan_id: int, ids) -> list[int]:
    ids = sorted({int(i) for i in ids or []})
    for class_id in ids:
        if not db.execute("select 1 from idea_classes where id = ? and plan_id = ?", [class_id, plan_id]).fetchone():
            raise ValidationError("error.invalid", field=_field("idea_class_ids"))
    return ids


def _fields(db: Database, plan: dict, data: dict) -> dict:
    """Every field of an assessment, validated (the stored row merged with the changes)."""
    fields: dict[str, Any] = {  # one column each: text, codes, effects, ids
        "form": _choice(data.get("form") or "short", FORMS, "form"),
        "status": _choice(data.get("status") or "draft", STATUSES, "status"),
    }
    for name in TEXT_FIELDS:
        fields[name] = plans.clean_text(
            data.get(name), _field(name), max_len=TITLE_MAX if name == "vulnerable_other" else TEXT_MAX
        )
    fields["age_groups"] = _codes(data.get("age_groups"), AGE_GROUPS, "age_groups")
    fields["vulnerable_groups"] = _codes(data.get("vulnerable_groups"), VULNERABLE_GROUPS, "vulnerable_groups")
    fields["options"] = _options(data.get("options"))
    effects = list(data.get("effects") or [])
    if len(effects) > EFFECTS_MAX:
        raise ValidationError("assessments.error.too_many", field=_field("effects"), max=EFFECTS_MAX)
    fields["effects"] = [check_effect(e, fields["options"], i) for i, e in enumerate(effects, 1)]
    fields["hearing_ideas"] = int(bool(data.get("hearing_ideas")))
    fields["idea_class_ids"] = _idea_classes(db, plan["id"], data.get("idea_class_ids"))
    fields["workshop_ids"] = _workshops(db, plan["id"], data.get("workshop_ids"))
    fields["follow_up_year"] = validation.year(data.get("follow_up_year"), _field("follow_up_year"), plan)
    if fields["status"] == "done":
        for name in _REQUIRED_DONE[fields["form"]]:
            if not fields[name]:
                raise ValidationError("assessments.error.required_for_done", field=_field(name))
        if (
            fields["form"] == "full"
            and not fields["mitigation"]
            and any(e["direction"] == "negative" for e in fields["effects"])
        ):
            raise ValidationError("assessments.error.mitigation_required", field=_field("mitigation"))
    return fields


def _columns(fields: dict) -> dict:
    """The assessment row's own columns (lists as JSON, linked rows left out)."""
    return {k: (json.dumps(v, ensure_ascii=False) if k in _LISTS else v) for k, v in fields.items() if k not in _LINKED}


def state(row: dict) -> str:
    if row.get("outcome"):
        return "followed_up"
    return "done" if row.get("status") == "done" else "draft"


# ---------------------------------------------------------------- targets and permissions
def _target(db: Database, target: str, target_id: int) -> tuple[dict, dict, list[int]]:
    """The target row, its plan and the organisations that answer for it."""
    if target not in TARGETS:
        raise ValidationError("error.invalid", field=_field("target"))
    if target == "decision":
        row = get_decision(db, target_id)
        return row, plans.get_plan(db, row["plan_id"]), [row["org_id"]] if row["org_id"] else []
    row = plans.get(db, target, target_id)
    return row, plans.plan_of(db, target, target_id), follow_up.responsible_orgs(db, target, row)


def _authorise(actor: Actor, target: str, orgs: list[int]) -> None:
    """The target's responsible organisations' members and the coordinators; a decision
    without an organisation is the coordinators' alone."""
    if target == "decision" and not orgs:
        auth.require_plan_editor(actor)
    else:
        auth.require_org_editor(actor, orgs)


def allowed(db: Database, actor: Actor, target: str, target_id: int) -> bool:
    """Whether `actor` may write the assessment of a target (the UI's read-only view);
    the write functions check again."""
    try:
        _authorise(actor, target, _target(db, target, target_id)[2])
    except PermissionDenied:
        return False
    return True


# ---------------------------------------------------------------- assessments
def _load(db: Database, where: str, args) -> list[dict]:
    rows = [dict(r) for r in db.query(f"select * from assessments where deleted_at is null and {where}", args)]
    if not rows:
        return rows
    ids = [r["id"] for r in rows]
    marks = ", ".join("?" * len(ids))
    effects: dict[int, list] = {}
    for e in db.query(f"select * from assessment_effects where assessment_id in ({marks}) order by position, id", ids):
        effects.setdefault(e["assessment_id"], []).append(
            {
                "option": e["option"] or "",
                "group": e["grp"],
                "aspect": e["aspect"],
                "direction": e["direction"],
                "reason": e["reason"] or "",
            }
        )
    links: dict[int, list] = {}
    for w in db.query(f"select * from assessment_workshops where assessment_id in ({marks}) order by workshop_id", ids):
        links.setdefault(w["assessment_id"], []).append(w["workshop_id"])
    classes: dict[int, list] = {}
    for c in db.query(f"select * from assessment_idea_classes where assessment_id in ({marks}) order by class_id", ids):
        classes.setdefault(c["assessment_id"], []).append(c["class_id"])
    for r in rows:
        for k in _LISTS:
            r[k] = json.loads(r[k]) if r[k] else []
        for k in TEXT_FIELDS:
            r[k] = r[k] or ""
        r["effects"] = effects.get(r["id"], [])
        r["workshop_ids"] = links.get(r["id"], [])
        r["idea_class_ids"] = classes.get(r["id"], [])
        r["hearing_ideas"] = r.get("hearing_ideas") or 0
        r["state"] = state(r)
    return rows


def get(db: Database, assessment_id: int) -> dict:
    rows = _load(db, "id = ?", [assessment_id])
    if not rows:
        raise NotFound("error.not_found", entity="assessment", id=assessment_id)
    return rows[0]


def for_target(db: Database, target: str, target_id: int) -> dict | None:
    rows = _load(db, "target = ? and target_id = ?", [target, target_id])
    return rows[0] if rows else None


def _store_linked(db: Database, assessment_id: int, fields: dict) -> None:
    db.table("assessment_effects").delete_where("assessment_id = ?", [assessment_id])
    db.table("assessment_effects").insert_all(
        [
            {
                "assessment_id": assessment_id,
                "position": i,
                "option": e["option"],
                "grp": e["group"],
                "aspect": e["aspect"],
                "direction": e["direction"],
                "reason": e["reason"],
            }
            for i, e in enumerate(fields["effects"], 1)
        ]
    )
    db.table("assessment_workshops").delete_where("assessment_id = ?", [assessment_id])
    db.table("assessment_workshops").insert_all(
        [{"assessment_id": assessment_id, "workshop_id": w} for w in fields["workshop_ids"]]
    )
    db.table("assessment_idea_classes").delete_where("assessment_id = ?", [assessment_id])
    db.table("assessment_idea_classes").insert_all(
        [{"assessment_id": assessment_id, "class_id": c} for c in fields["idea_class_ids"]]
    )


def create(db: Database, actor: Actor, target: str, target_id: int, is_example: bool = False, **data) -> int:
    """A target's assessment (one per target); `data` holds its fields."""
    with write(db):
        _, plan, orgs = _target(db, target, target_id)
        _authorise(actor, target, orgs)
        existing = for_target(db, target, target_id)
        if existing:  # someone assessed it since this screen was opened
            raise ConflictError(by=existing["updated_by"], at=existing["updated_at"], current=existing)
        fields = _fields(db, plan, data)
        stamp = now()
        row = {
            **_columns(fields),
            "plan_id": plan["id"],
            "target": target,
            "target_id": target_id,
            "is_example": int(bool(is_example)),
            "created_at": stamp,
            "created_by": actor.name,
            "version": 1,
            "updated_at": stamp,
            "updated_by": actor.name,
        }
        assessment_id = insert_row(db, "assessments", row)
        _store_linked(db, assessment_id, fields)
        audit(db, actor, "assessment", assessment_id, "create", after={**row, **{k: fields[k] for k in _LINKED}})
    return assessment_id


def update(db: Database, actor: Actor, assessment_id: int, expected_version: int, **data) -> int:
    """Save edits made on a screen that showed `expected_version`; fields not given keep
    their stored values. ConflictError names who saved in between."""
    with write(db):
        before = get(db, assessment_id)
        _, plan, orgs = _target(db, before["target"], before["target_id"])
        _authorise(actor, before["target"], orgs)
        require_version(before, expected_version)
        fields = _fields(db, plan, {**before, **data})
        version = save_changes(db, actor, "assessments", "assessment", before, fields, row=_columns(fields))
        if version != before["version"]:
            _store_linked(db, assessment_id, fields)
    return version


def delete(db: Database, actor: Actor, assessment_id: int, expected_version: int) -> None:
    """Soft delete: the row stays in the database (and the audit trail), hidden."""
    with write(db):
        before = get(db, assessment_id)
        _authorise(actor, before["target"], _target(db, before["target"], before["target_id"])[2])
        require_version(before, expected_version)
        stamp = now()
        save_version(
            db,
            actor,
            "assessments",
            "assessment",
            before,
            {"deleted_at": stamp, "deleted_by": actor.name},
            action="delete",
            stamp=stamp,
            audit_before=before,
            audit_after=None,
        )


def record_outcome(
    db: Database, actor: Actor, assessment_id: int, expected_version: int, outcome, note: str = ""
) -> int:
    """The follow-up: did the expected effects come true (yes, partly, no), with a note.
    Only a finished assessment with a follow-up year is followed up."""
    outcome = _choice(outcome, OUTCOMES, "outcome")
    note = plans.clean_text(note, _field("outcome_note"), max_len=TEXT_MAX)
    with write(db):
        before = get(db, assessment_id)
        _authorise(actor, before["target"], _target(db, before["target"], before["target_id"])[2])
        require_version(before, expected_version)
        if before["status"] != "done" or not before["follow_up_year"]:
            raise ValidationError("assessments.error.not_done", field=_field("outcome"))
        fields = {"outcome": outcome, "outcome_note": note}
        return save_changes(
            db,
            actor,
            "assessments",
            "assessment",
            before,
            fields,
            row={**fields, "outcome_at": now(), "outcome_by": actor.name},
        )


def for_plan(db: Database, plan_id: int) -> list[dict]:
    return _load(db, "plan_id = ? order by id", [plan_id])


# ---------------------------------------------------------------- decisions
_DECISION_FIELDS = ("org_id", "body", "date", "section", "title", "url")


def _decision_fields(db: Database, plan_id: int, data: dict) -> dict:
    org_id = data.get("org_id")
    if org_id is None or org_id == "":
        org_id = None
    else:
        org_id = int(org_id)
        validation.check_orgs(db, [org_id], plan_id)
    date = data.get("date")
    if isinstance(date, (dt.date, dt.datetime)):
        date = date.isoformat()[:10]
    date = plans.clean_text(date, _field("decision_date"), required=True, max_len=10)
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise ValidationError("error.not_a_date", field=_field("decision_date"), value=date) from None
    return {
        "org_id": org_id,
        "body": plans.clean_text(data.get("body"), _field("decision_body"), required=True, max_len=TITLE_MAX),
        "date": date,
        "section": plans.clean_text(data.get("section"), _field("decision_section"), max_len=40),
        "title": plans.clean_text(data.get("title"), _field("decision_title"), required=True, max_len=TITLE_MAX),
        "url": _url(data.get("url")),
    }


def _authorise_decision(actor: Actor, org_id) -> None:
    _authorise(actor, "decision", [org_id] if org_id else [])


def get_decision(db: Database, decision_id: int) -> dict:
    return get_or_not_found(db, "decisions", decision_id, entity="decision", where="deleted_at is null")


def decisions(db: Database, plan_id: int) -> list[dict]:
    return [
        dict(r)
        for r in db.query(
            "select * from decisions where plan_id = ? and deleted_at is null order by date desc, id desc", [plan_id]
        )
    ]


def add_decision(db: Database, actor: Actor, plan_id: int, is_example: bool = False, **data) -> int:
    plans.get_plan(db, plan_id)
    with write(db):
        fields = _decision_fields(db, plan_id, data)
        _authorise_decision(actor, fields["org_id"])
        stamp = now()
        row = {
            **fields,
            "plan_id": plan_id,
            "is_example": int(bool(is_example)),
            "created_at": stamp,
            "version": 1,
            "updated_at": stamp,
            "updated_by": actor.name,
        }
        decision_id = insert_row(db, "decisions", row)
        audit(db, actor, "decision", decision_id, "create", after=row)
    return decision_id


def update_decision(db: Database, actor: Actor, decision_id: int, expected_version: int, **data) -> int:
    with write(db):
        before = get_decision(db, decision_id)
        _authorise_decision(actor, before["org_id"])
        require_version(before, expected_version)
        fields = _decision_fields(db, before["plan_id"], {**before, **data})
        _authorise_decision(actor, fields["org_id"])  # also over the organisation it moves to
        return save_changes(db, actor, "decisions", "decision", before, fields)


def delete_decision(db: Database, actor: Actor, decision_id: int, expected_version: int) -> None:
    """Soft delete; refused while the decision has an assessment."""
    with write(db):
        before = get_decision(db, decision_id)
        _authorise_decision(actor, before["org_id"])
        require_version(before, expected_version)
        if for_target(db, "decision", decision_id):
            raise ValidationError("assessments.error.decision_assessed", field=_field("target"))
        stamp = now()
        save_version(
            db,
            actor,
            "decisions",
            "decision",
            before,
            {"deleted_at": stamp, "deleted_by": actor.name},
            action="delete",
            stamp=stamp,
            audit_before=before,
            audit_after=None,
        )


def decision_label(row: dict, lang: str) -> str:
    """ "Kokkolan kaupunginhallitus 15.2.2021 § 58: title"."""
    section = f" {row['section']}" if row.get("section") else ""
    return f"{row['body']} {i18n.date(row['date'], lang)}{section}: {row['title']}"


# ---------------------------------------------------------------- measures that need one
def set_required(db: Database, actor: Actor, measure_id: int, required: bool) -> None:
    """A coordinator marks a measure as needing an assessment (or takes the mark away)."""
    auth.require_plan_editor(actor)
    with write(db):
        plans.get(db, "measure", measure_id)
        marked = db.execute("select 1 from assessment_required where measure_id = ?", [measure_id]).fetchone()
        if bool(marked) == bool(required):
            return
        if required:
            db.table("assessment_required").insert(
                {"measure_id": measure_id, "marked_by": actor.name, "marked_at": now()}
            )
        else:
            db.table("assessment_required").delete(measure_id)
        audit(
            db,
            actor,
            "measure",
            measure_id,
            "assessment_required",
            before={"required": bool(marked)},
            after={"required": bool(required)},
        )


def required_ids(db: Database, plan_id: int) -> set[int]:
    return {
        r[0]
        for r in db.execute(
            "select r.measure_id from assessment_required r join measures m on m.id = r.measure_id "
            "join goals g on g.id = m.goal_id join focus_areas f on f.id = g.focus_area_id where f.plan_id = ?",
            [plan_id],
        )
    }


# ---------------------------------------------------------------- lists
def targets(db: Database, plan_id: int) -> list[dict]:
    """What can be assessed, in plan order: goals and measures (with their numbers) and
    the plan's decisions. Each: target, id, number, row, responsible_ids."""
    out = [
        {
            "target": i["entity"],
            "id": i["id"],
            "number": i["number"],
            "row": i["row"],
            "responsible_ids": i["responsible_ids"],
        }
        for i in follow_up.items(db, plan_id)
    ]
    out += [
        {
            "target": "decision",
            "id": d["id"],
            "number": d["section"] or "",
            "row": d,
            "responsible_ids": [d["org_id"]] if d["org_id"] else [],
        }
        for d in decisions(db, plan_id)
    ]
    return out


def target_title(item: dict, lang: str) -> str:
    if item["target"] == "decision":
        return decision_label(item["row"], lang)
    return f"{item['number']} {plans.title_in(item['row'], lang)}"


def listing(db: Database, plan_id: int, org_id: int | None = None) -> list[dict]:
    """The plan's assessments in plan order with their state, optionally only those
    whose target `org_id` answers for. Each: the target item and the assessment."""
    by_target = {(a["target"], a["target_id"]): a for a in for_plan(db, plan_id)}
    out = []
    for item in targets(db, plan_id):
        a = by_target.get((item["target"], item["id"]))
        if a and (org_id is None or org_id in item["responsible_ids"]):
            out.append({**item, "assessment": a})
    return out


def missing(db: Database, plan_id: int, org_id: int | None = None) -> list[dict]:
    """Measures marked as needing an assessment that have none, in plan order."""
    marked = required_ids(db, plan_id)
    done = {a["target_id"] for a in for_plan(db, plan_id) if a["target"] == "measure"}
    return [
        i
        for i in targets(db, plan_id)
        if i["target"] == "measure"
        and i["id"] in marked
        and i["id"] not in done
        and (org_id is None or org_id in i["responsible_ids"])
    ]


def counts(rows: list[dict]) -> dict[str, int]:
    out = {s: 0 for s in STATES}
    for r in rows:
        out[r["assessment"]["state"]] += 1
    return out


def hearing_workshops(db: Database, plan_id: int, lang: str = i18n.DEFAULT_LANG) -> list[dict]:
    """The plan's workshops with their participation figures, for linking the hearing:
    participants, proposals, votes, and (`groups`, text in `lang`) the participants per
    answer of each background question the workshop asked (workshop.participation)."""
    from . import workshop

    out = []
    for w in workshop.for_plan(db, plan_id):
        figures = workshop.live(db, w["id"], day=True)
        groups = "; ".join(
            i18n.t(f"workshop_room.bg.{key}", lang)
            + ": "
            + ", ".join(f"{workshop.background_label(db, w, key, value, lang)} {n}" for value, n in per)
            for key, per in workshop.participation(db, w["id"]).items()
            if per
        )
        out.append(
            {
                "id": w["id"],
                "title": w["title"],
                "created_at": w["created_at"],
                "participants": figures["participants"],
                "proposals": figures["proposals"],
                "votes": figures["votes"],
                "groups": groups,
            }
        )
    return out


def workshop_label(w: dict, lang: str) -> str:
    text = i18n.t(
        "assessments.workshop_figures",
        lang,
        title=w["title"],
        date=i18n.date(w["created_at"], lang),
        participants=w["participants"],
        proposals=w["proposals"],
        votes=w["votes"],
    )
    return f"{text} ({w['groups']})" if w.get("groups") else text


def _idea_figures_text(db: Database, plan_id: int, lang: str, munis: dict, class_id: int | None = None) -> str:
    """ "ideas 42; sender: child 10, …; grade band: …; municipality: …" (ideas.figures)."""
    from . import ideas

    f = ideas.figures(db, plan_id, class_id)
    not_told = i18n.t("ideas.fig.not_told", lang)
    parts = [i18n.t("ideas_more.hearing_count", lang, count=f["ideas"])]
    for key, values, name in (
        ("ideas.fig.by_group", f["by_group"], lambda k: i18n.t(f"ideas.group.{k}", lang) if k else not_told),
        ("ideas.fig.by_band", {k: n for k, n in f["by_band"].items() if k}, lambda k: i18n.t(f"ideas.band.{k}", lang)),
        ("ideas.fig.by_municipality", f["by_municipality"], lambda k: munis.get(k, not_told)),
    ):
        if (values and class_id is None) or len(values) > 1:  # a class's one band goes without saying
            parts.append(i18n.t(key, lang) + ": " + ", ".join(f"{name(k)} {n}" for k, n in values.items()))
    return "; ".join(parts)


def hearing_sources(db: Database, plan_id: int, lang: str) -> dict:
    """What the hearing step can link, each with its participation figures as text in
    `lang`: the plan's workshops ({id: text}), its open idea consultation (text, or None
    without an idea period) and the consultation's class sessions ({id: text})."""
    from . import ideas

    munis = {m["id"]: plans.org_name(m, lang) for m in plans.organisations(db, plan_id, kind="municipality")}
    period = ideas.period(db, plan_id)
    consultation = None
    if period:
        name = i18n.t(
            "ideas_more.consultation",
            lang,
            start=i18n.date(period["opens_on"], lang),
            end=i18n.date(period["closes_on"], lang),
        )
        consultation = f"{name}: {_idea_figures_text(db, plan_id, lang, munis)}"
    classes = {}
    for c in ideas.plan_classes(db, plan_id):
        band = i18n.t(f"ideas.band.{c['grade_band']}", lang)
        name = i18n.t(
            "ideas_more.class_session", lang, label=c["label"], band=band, date=i18n.date(c["opened_at"], lang)
        )
        if c["municipality_id"] in munis:
            name += f", {munis[c['municipality_id']]}"
        classes[c["id"]] = f"{name}: {_idea_figures_text(db, plan_id, lang, munis, c['id'])}"
    return {
        "workshops": {w["id"]: workshop_label(w, lang) for w in hearing_workshops(db, plan_id, lang)},
        "ideas": consultation,
        "classes": classes,
    }


def hearing_links(a: dict, sources: dict) -> list[str]:
    """The workshops, idea consultation and class sessions an assessment's hearing links,
    each with its figures (`sources`: hearing_sources of the plan)."""
    out = [sources["workshops"][w] for w in a["workshop_ids"] if w in sources["workshops"]]
    if a.get("hearing_ideas") and sources["ideas"]:
        out.append(sources["ideas"])
    out += [sources["classes"][c] for c in a.get("idea_class_ids", []) if c in sources["classes"]]
    return out


# ---------------------------------------------------------------- texts shown and exported
def label(kind: str, code, lang: str) -> str:
    return i18n.t(f"assessments.{kind}.{code}", lang)


def groups_text(a: dict, lang: str) -> str:
    parts = [label("group", g, lang) for g in a["age_groups"] + a["vulnerable_groups"]]
    if a["vulnerable_other"]:
        parts.append(a["vulnerable_other"])
    return ", ".join(parts)


def effect_text(e: dict, lang: str) -> str:
    option = f"{e['option']} · " if e["option"] else ""
    return (
        f"{option}{label('group', e['group'], lang)} · {label('aspect', e['aspect'], lang)}: "
        f"{label('direction', e['direction'], lang)} — {e['reason']}"
    )


def export_table(db: Database, plan_id: int, lang: str):
    """The assessments as a sheet of the plan workbook (one row per assessment)."""
    from .exports import Col, Table

    cols = [
        Col("lava_target", 30),
        Col("lava_responsible", 18),
        Col("lava_form", 10),
        Col("lava_state", 12),
        Col("lava_affected", 30),
        Col("lava_groups", 22),
        Col("lava_hearing", 30),
        Col("lava_options", 22),
        Col("lava_effects", 45),
        Col("lava_mitigation", 25),
        Col("lava_conclusion", 30),
        Col("lava_follow_up", 18),
        Col("lava_outcome", 25),
        Col("lava_updated", 18),
    ]
    table = Table("assessments", i18n.t("assessments.sheet", lang), cols)
    orgs = {o["id"]: o for o in plans.organisations(db, plan_id)}
    sources = hearing_sources(db, plan_id, lang)
    for item in listing(db, plan_id):
        a = item["assessment"]
        kind = label("target", item["target"], lang)
        affected = "\n".join(x for x in (a["subject"], a["affected"]) if x)
        hearing = "\n".join([a["hearing"]] + hearing_links(a, sources)).strip()
        effects = "\n".join(effect_text(e, lang) for e in a["effects"]) or a["expected_effects"]
        follow = " – ".join(x for x in (str(a["follow_up_year"] or ""), a["follow_up_method"]) if x)
        outcome = f"{label('outcome', a['outcome'], lang)}: {a['outcome_note']}".rstrip(": ") if a["outcome"] else ""
        table.rows.append(
            [
                f"{kind}: {target_title(item, lang)}",
                ", ".join(plans.org_name(orgs[o], lang) for o in item["responsible_ids"] if o in orgs),
                label("form", a["form"], lang),
                label("state", a["state"], lang),
                affected,
                groups_text(a, lang),
                hearing,
                "\n".join(a["options"]),
                effects,
                a["mitigation"],
                a["conclusion"],
                follow,
                outcome,
                f"{i18n.actor_name(a['updated_by'], lang)} {i18n.timestamp(a['updated_at'], lang)}",
            ]
        )
    return table


# ---------------------------------------------------------------- the example plan
def load_example(db: Database, plan_id: int) -> None:
    """Example decisions and assessments for the example plan, flagged as examples and
    written through the app's own functions. Once per plan."""
    if db.execute("select 1 from assessments where plan_id = ? and is_example = 1", [plan_id]).fetchone():
        return
    by_title = {i["row"]["title_fi"]: i for i in follow_up.items(db, plan_id)}
    org = {o["code"]: o["id"] for o in plans.organisations(db, plan_id) if o["code"]}
    kokkola = Actor(name="Kokkola (esimerkki)", role=Role.ADMIN)
    soite = Actor(name="Keski-Pohjanmaan hyvinvointialue (esimerkki)", role=Role.ADMIN)
    with write(db):
        decision = add_decision(
            db,
            kokkola,
            plan_id,
            is_example=True,
            org_id=org.get("272"),
            body="Kokkolan kaupunginhallitus (esimerkki)",
            date="2021-02-15",
            section="§ 58",
            title="Liikkuvan nuorisotyön käynnistäminen lähiöissä (esimerkki)",
        )
        create(
            db,
            kokkola,
            "decision",
            decision,
            is_example=True,
            form="short",
            status="done",
            affected="13–17-vuotiaat nuoret kolmessa lähiössä, erityisesti ne, joilla ei ole harrastusta.",
            expected_effects="Nuorilla on turvallinen aikuinen tavattavissa iltaisin; häiriöt vähenevät.",
            hearing="Nuorisovaltuusto ja kahden koulun oppilaskunnat antoivat lausunnon (esimerkki).",
            conclusion="Vaikutukset lapsiin ovat myönteisiä; päätös tehdään esityksen mukaan.",
        )
        outreach = by_title["Liikkuva nuorisotyö kolmessa lähiössä"]["id"]
        set_required(db, _COOPERATION_GROUP, outreach, True)
        full = create(
            db,
            kokkola,
            "measure",
            outreach,
            is_example=True,
            form="full",
            status="done",
            subject="Kaksi nuoriso-ohjaajaa jalkautuu kolmeen lähiöön iltaisin ja viikonloppuisin (esimerkki).",
            affected="Lähiöissä asuvat 10–17-vuotiaat ja heidän perheensä; noin 1 400 lasta ja nuorta.",
            age_groups=["7_12", "13_17", "families"],
            vulnerable_groups=["low_income", "migrant"],
            hearing="Kolme koulujen kyselyä ja kaksi lähiöiden iltakävelyä nuorten kanssa (esimerkki).",
            options=["Liikkuva nuorisotyö", "Nykyinen nuorisotila keskustassa"],
            effects=[
                {
                    "option": "Liikkuva nuorisotyö",
                    "group": "13_17",
                    "aspect": "wellbeing",
                    "direction": "positive",
                    "reason": "Turvallinen aikuinen on tavattavissa siellä, missä nuoret ovat.",
                },
                {
                    "option": "Liikkuva nuorisotyö",
                    "group": "migrant",
                    "aspect": "services",
                    "direction": "positive",
                    "reason": "Ohjaajat ohjaavat perheitä palveluihin omalla kielellään.",
                },
                {
                    "option": "Liikkuva nuorisotyö",
                    "group": "7_12",
                    "aspect": "rights",
                    "direction": "unclear",
                    "reason": "Nuorempien lasten osallistuminen iltaisin on epävarmaa.",
                },
                {
                    "option": "Nykyinen nuorisotila keskustassa",
                    "group": "low_income",
                    "aspect": "services",
                    "direction": "negative",
                    "reason": "Matka keskustaan maksaa, eikä bussi kulje iltaisin.",
                },
            ],
            mitigation="Ohjaajat sopivat iltavuorot koulujen kanssa; nuorisotila pysyy auki viikonloppuisin.",
            conclusion="Valitaan liikkuva nuorisotyö, koska se tavoittaa myös nuoret, jotka eivät tule keskustaan.",
            follow_up_year=2023,
            follow_up_method="Tavoitettujen nuorten määrä ja kouluterveyskyselyn tulokset.",
        )
        record_outcome(
            db,
            kokkola,
            full,
            1,
            "partly",
            "Kahdessa lähiössä toiminta vakiintui; kolmannessa tavoitettiin vähemmän nuoria kuin odotettiin.",
        )
        chat = by_title["Chat-palvelu nuorille iltaisin"]["id"]
        set_required(db, _COOPERATION_GROUP, chat, True)
        create(
            db,
            soite,
            "measure",
            chat,
            is_example=True,
            form="short",
            status="done",
            affected="13–17-vuotiaat koko alueella, myös ruotsinkieliset.",
            expected_effects="Nuoret saavat keskusteluavun iltaisin ilman ajanvarausta.",
            hearing="Nuorisovaltuustojen kysely (esimerkki).",
            conclusion="Myönteinen; chat avataan ensin suomeksi ja vuonna 2023 ruotsiksi.",
            follow_up_year=2024,
        )
        create(
            db,
            soite,
            "goal",
            by_title["Perheet saavat tukea varhain ja yhdestä paikasta"]["id"],
            is_example=True,
            form="short",
            affected="Alle kouluikäisten lasten perheet (luonnos).",
        )
        # marked, but not assessed yet: the list of missing assessments has something to show
        set_required(db, _COOPERATION_GROUP, by_title["Harrastamisen Suomen malli kaikissa kunnissa"]["id"], True)


_COOPERATION_GROUP = Actor(name="Yhteistyöryhmä (esimerkki)", role=Role.ADMIN)
