"""The plan's narrative chapters (Child Welfare Act 12 §), written as Markdown in
Finnish and Swedish. Each chapter has the plan's common text and optionally a part
per municipality. Saves are versioned and audited like the plan's other texts.

Who may edit: administrators and facilitators every chapter and part; members only
the municipality-specific part of a municipality among their own organisations
(the common text is the cooperation group's); viewers nothing."""

from __future__ import annotations

from sqlite_utils import Database

from . import db as dbm, i18n, plans
from .db import audit, insert_row, now, save_changes, save_version, write
from .errors import PermissionDenied, ValidationError, require_version
from .model import Actor, OrgKind, Role

# In the order of the document. "child_welfare" belongs to a county's plan (the need for
# child welfare and its services): offered when one of the plan's organisations is a county.
KINDS = ("wellbeing", "goals", "resources", "services", "cooperation", "hearing", "follow_up", "child_welfare")
COUNTY_ONLY = {"child_welfare"}
CHAPTER_MAX = 20000
ENTITY = "chapter"


def kinds(db: Database, plan_id: int) -> list[str]:
    has_county = bool(plans.organisations(db, plan_id, kind=OrgKind.COUNTY))
    return [k for k in KINDS if k not in COUNTY_ONLY or has_county]


def title(kind: str, lang: str) -> str:
    return i18n.label("chapters.kind", kind, lang)


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("error.invalid", field="kind")
    return kind


def get(db: Database, plan_id: int, kind: str, municipality_id: int | None = None) -> dict | None:
    rows = list(
        db.query(
            "select * from plan_chapters where plan_id = ? and kind = ? and ifnull(municipality_id, 0) = ?",
            [plan_id, kind, municipality_id or 0],
        )
    )
    return rows[0] if rows else None


def part(db: Database, plan_id: int, kind: str, municipality_id: int | None = None) -> dict:
    """The saved part, or an empty one at version 0 (not written yet)."""
    return get(db, plan_id, kind, municipality_id) or {
        "id": None,
        "plan_id": plan_id,
        "kind": kind,
        "municipality_id": municipality_id,
        "text_fi": "",
        "text_sv": "",
        "fi_outdated": 0,
        "sv_outdated": 0,
        "is_example": 0,
        "version": 0,
        "updated_at": None,
        "updated_by": None,
    }


def all_parts(db: Database, plan_id: int) -> dict[tuple[str, int | None], dict]:
    """Every saved part of a plan by (kind, municipality id or None)."""
    return {
        (r["kind"], r["municipality_id"]): dict(r)
        for r in db.query("select * from plan_chapters where plan_id = ? order by id", [plan_id])
    }


def may_edit(actor: Actor, municipality_id: int | None) -> bool:
    if actor.role in (Role.ADMIN, Role.FACILITATOR):
        return True
    return actor.role == Role.MEMBER and municipality_id is not None and municipality_id in actor.org_ids


def _authorise(actor: Actor, municipality_id: int | None) -> None:
    if not may_edit(actor, municipality_id):
        raise PermissionDenied("error.permission", action="chapter.edit")


def _clean(value, field: str) -> str:
    # Keep the author's line breaks and indentation (Markdown); only trailing space goes.
    text = "" if value is None else str(value).replace("\r\n", "\n").rstrip()
    if len(text) > CHAPTER_MAX:
        raise ValidationError("error.too_long", field=field, max=CHAPTER_MAX, length=len(text))
    return text


def save(
    db: Database,
    actor: Actor,
    plan_id: int,
    kind: str,
    municipality_id: int | None,
    expected_version: int,
    text_fi,
    text_sv="",
    is_example: bool = False,
) -> int:
    """Save a chapter part seen at `expected_version` (0: not written yet). Returns the
    new version. Raises ConflictError with who saved in between; the caller keeps the text."""
    _check_kind(kind)
    _authorise(actor, municipality_id)
    plans.get_plan(db, plan_id)
    fields = {"text_fi": _clean(text_fi, "text_fi"), "text_sv": _clean(text_sv, "text_sv")}
    with write(db):
        if municipality_id is not None:
            org = db.execute(
                "select o.kind from organisations o join plan_organisations po on po.org_id = o.id "
                "where po.plan_id = ? and o.id = ?",
                [plan_id, municipality_id],
            ).fetchone()
            if not org or org[0] != OrgKind.MUNICIPALITY:
                raise ValidationError("error.not_a_municipality", field="municipality_ids", id=municipality_id)
        before = get(db, plan_id, kind, municipality_id)
        if before is None:
            require_version({"version": 0, "updated_by": None, "updated_at": None}, expected_version)
            row = {
                "plan_id": plan_id,
                "kind": kind,
                "municipality_id": municipality_id,
                **fields,
                "is_example": int(bool(is_example)),
                "created_at": now(),
                "version": 1,
                "updated_at": now(),
                "updated_by": actor.name,
            }
            chapter_id = insert_row(db, "plan_chapters", row)
            audit(db, actor, "chapter", chapter_id, "create", after=row)
            return 1
        require_version(before, expected_version)
        return save_changes(db, actor, "plan_chapters", ENTITY, before, {**fields, **_outdated(before, fields)})


def _outdated(before: dict, fields: dict) -> dict:
    """A change to one language's text marks the other's (when there is one) as outdated until
    it is updated or confirmed; changing a text clears its own mark. Writing a translation for
    the first time marks nothing."""
    changed = {lang: before[f"text_{lang}"] != fields[f"text_{lang}"] for lang in ("fi", "sv")}
    out = {}
    for lang, other in (("fi", "sv"), ("sv", "fi")):
        edited = changed[other] and before[f"text_{other}"]
        flag = 0 if changed[lang] else 1 if edited else before[f"{lang}_outdated"]
        out[f"{lang}_outdated"] = int(bool(flag and fields[f"text_{lang}"]))
    return out


def confirm(
    db: Database, actor: Actor, plan_id: int, kind: str, municipality_id: int | None, lang: str, expected_version: int
) -> int:
    """Someone has checked that the `lang` text still says what the other one says."""
    _check_kind(kind)
    _authorise(actor, municipality_id)
    if lang not in ("fi", "sv"):
        raise ValidationError("error.invalid", field="lang")
    with write(db):
        before = get(db, plan_id, kind, municipality_id)
        if before is None:
            raise ValidationError("error.invalid", field="kind")
        require_version(before, expected_version)
        if not before[f"{lang}_outdated"]:
            return before["version"]
        return save_version(db, actor, "plan_chapters", "chapter", before, {f"{lang}_outdated": 0}, action="confirm")


def language_status(db: Database, plan_id: int) -> list[dict]:
    """Saved chapter parts whose text is missing or outdated in either language, in chapter order."""
    order = {k: i for i, k in enumerate(KINDS)}
    rows: list[dict] = []
    for (kind, municipality_id), part in all_parts(db, plan_id).items():
        problems = [
            f"{state}_{lang}"
            for lang in ("fi", "sv")
            for state, bad in (("missing", not part[f"text_{lang}"]), ("outdated", part[f"{lang}_outdated"]))
            if bad
        ]
        if problems:
            rows.append({"kind": kind, "municipality_id": municipality_id, "problems": problems, "part": part})
    rows.sort(key=lambda r: (order[r["kind"]], r["municipality_id"] or 0))
    return rows


def history(db: Database, chapter_id: int | None) -> list[dict]:
    """The chapter part's saves from the audit trail, newest first."""
    if chapter_id is None:
        return []
    return dbm.audit_rows(db, entity=ENTITY, entity_id=chapter_id)


def items_missing_swedish(db: Database, plan_id: int) -> list[dict]:
    """Focus areas, goals and measures of the plan without a Swedish title (the Finnish one is
    required), in plan order with their numbers."""
    out = []
    for area in plans.tree(db, plan_id):
        rows = [("focus_area", area)]
        for goal in area["goals"]:
            rows.append(("goal", goal))
            rows += [("measure", m) for m in goal["measures"]]
        out += [
            {"entity": e, "number": r["number"], "id": r["id"], "title_fi": r["title_fi"]}
            for e, r in rows
            if not (r.get("title_sv") or "").strip()
        ]
    return out
