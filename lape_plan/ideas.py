"""Ideas from residents, children and young people: an open consultation per plan.

Anyone may send an idea on the public idea page while the plan's idea period is open (set by
a facilitator): a focus area, 1–500 characters of text, optionally who they are and their
municipality, and an e-mail address only when they want the answer by e-mail. No names. A
teacher (signed-in staff) may open a class session with a code; the pupils' ideas then count
under the class's grade band, up to the session's cap.

Moderation rules (facilitators and administrators):
- a new idea is `pending` and nothing of it is shown publicly until a moderator publishes it;
- a moderator may hide an idea (a reason is required) or publish a hidden one again;
- duplicates are merged into one kept idea (`merged`); the kept idea's answer covers them;
- every published idea carries a status, received → considering → adopted (linked to a goal
  or measure of the plan) or declined (the answer is the reason); changing the status needs
  an answer text. Edits are versioned: a save from a stale screen is refused (ConflictError).

Abuse limits: the text length, a per-client throttle on sending (throttle.IDEAS) and, in a
class session, the class cap instead (a school's pupils often share one network address). A form carries a `submission_key`: the same form sent twice (a
double tap, a resent request) stores one idea.

E-mail addresses live in their own table, are never in a public read, an audit row or an
export, and a moderator can delete one (after answering)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlite_utils import Database

from . import auth, exports, i18n, plans, throttle, validation
from .db import audit, get_or_not_found, insert_row, now, save_version, write
from .errors import NotFound, PermissionDenied, ValidationError, require_version
from .model import Actor, Role

IDEA_MAX = 500
REASON_MAX = 300
ANSWER_MAX = 2000
LABEL_MAX = 40
EMAIL_MAX = 200
GROUPS = ("child", "young", "parent", "professional", "other")
# grade bands of a class session; the first two are children under 13, the rest young people
GRADE_BANDS = ("grade_1_2", "grade_3_6", "grade_7_9", "upper_secondary")
CHILD_BANDS = ("grade_1_2", "grade_3_6")
STATES = ("pending", "published", "hidden", "merged")
STATUSES = ("received", "considering", "adopted", "declined")
CLASS_CAP_DEFAULT = 60
CLASS_CAP_MAX = 300
CLASS_HOURS = 8  # a class session closes by itself after a school day
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Pictures for young readers: by words of the focus area's title, else by position.
_ICON_WORDS = (
    (("yksinäi", "kiusa", "ensam", "mobb", "lonel", "bully"), "🤝"),
    (("osallis", "delaktig", "particip"), "🙋"),
    (("perhe", "vanhem", "famil", "föräld", "parent"), "👨‍👩‍👧"),
    (("päihte", "mielenterv", "rusmed", "psykisk", "mental"), "💚"),
    (("liikun", "harrast", "motion", "fritid", "hobb", "sport"), "⚽"),
    (("koulu", "oppi", "skol", "school", "learn"), "📚"),
)
_ICONS_BY_POSITION = ("⭐", "🌈", "🏠", "🎨", "🌳", "🚲")


def area_icon(area: dict, position: int = 0) -> str:
    """A simple picture for a focus area (shown next to its name, never instead of it)."""
    words = " ".join(str(area.get(k) or "") for k in ("title_fi", "title_sv")).casefold()
    for stems, icon in _ICON_WORDS:
        if any(s in words for s in stems):
            return icon
    return _ICONS_BY_POSITION[position % len(_ICONS_BY_POSITION)]


def _resident() -> Actor:
    # Senders have no account and no name: their audit rows say "participant" and nothing more.
    return Actor(name="participant", role=Role.VIEWER)


def _date(value, field: str) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    try:
        return dt.date.fromisoformat(str(value or "").strip()).isoformat()
    except ValueError:
        raise ValidationError("error.invalid", field=field) from None


def require_moderator(actor: Actor) -> None:
    auth.require_plan_editor(actor)


def require_teacher(actor: Actor) -> None:
    """Class sessions: any staff account that may write (not a read-only viewer)."""
    if actor.role not in (Role.ADMIN, Role.FACILITATOR, Role.MEMBER):
        raise PermissionDenied("error.permission", action="ideas.class")


# ---------------------------------------------------------------- the idea period
def period(db: Database, plan_id: int) -> dict | None:
    rows = list(db.query("select * from idea_periods where plan_id = ?", [plan_id]))
    return rows[0] if rows else None


def set_period(
    db: Database, actor: Actor, plan_id: int, opens_on, closes_on, intro="", expected_version: int | None = None
) -> int:
    """Open the idea page for these dates (both inclusive, Finnish time). Returns the version."""
    require_moderator(actor)
    plans.get_plan(db, plan_id)
    opens, closes = _date(opens_on, "ideas_opens_on"), _date(closes_on, "ideas_closes_on")
    if closes < opens:
        raise ValidationError("ideas.error.period_order", field="ideas_closes_on")
    intro = plans.clean_text(intro, "ideas_intro", max_len=IDEA_MAX, multiline=True)
    with write(db):
        before = period(db, plan_id)
        row = {"opens_on": opens, "closes_on": closes, "intro": intro}
        if before is None:
            row.update(updated_at=now(), updated_by=actor.name)
            db.table("idea_periods").insert({"plan_id": plan_id, "version": 1, **row})
            audit(db, actor, "idea_period", plan_id, "create", after=row)
            return 1
        if expected_version is not None:
            require_version({**before, "id": plan_id}, expected_version)
        return save_version(db, actor, "idea_periods", "idea_period", before, row, key="plan_id")


def is_open(db: Database, plan_id: int, today: dt.date | None = None) -> bool:
    p = period(db, plan_id)
    day = (today or i18n.today()).isoformat()
    return bool(p and p["opens_on"] <= day <= p["closes_on"])


def open_plans(db: Database, today: dt.date | None = None) -> list[dict]:
    """Plans whose idea page takes ideas today."""
    day = (today or i18n.today()).isoformat()
    return [
        dict(r)
        for r in db.query(
            "select p.* from plans p join idea_periods i on i.plan_id = p.id "
            "where i.opens_on <= ? and i.closes_on >= ? order by p.id",
            [day, day],
        )
    ]


def focus_areas(db: Database, plan_id: int) -> list[dict]:
    """The plan's focus areas with a picture each (`icon`)."""
    rows = [
        dict(r)
        for r in db.query(
            "select id, title_fi, title_sv, position from focus_areas where plan_id = ? and deleted_at is null "
            "order by position, id",
            [plan_id],
        )
    ]
    for i, row in enumerate(rows):
        row["icon"] = area_icon(row, i)
    return rows


# ---------------------------------------------------------------- class sessions
def open_class(
    db: Database,
    actor: Actor,
    plan_id: int,
    label,
    grade_band,
    cap=CLASS_CAP_DEFAULT,
    municipality_id=None,
    hours: float = CLASS_HOURS,
) -> int:
    require_teacher(actor)
    plans.get_plan(db, plan_id)
    label = plans.clean_text(label, "ideas_class_label", required=True, max_len=LABEL_MAX)
    if grade_band not in GRADE_BANDS:
        raise ValidationError("error.invalid", field="ideas_grade_band")
    cap = validation.whole(cap, "ideas_cap", "ideas.error.cap", low=1, high=CLASS_CAP_MAX, max=CLASS_CAP_MAX)
    municipality_id = _municipality(db, plan_id, municipality_id)
    from .workshop import new_code

    with write(db):
        if not is_open(db, plan_id):
            raise ValidationError("ideas.error.closed")
        stamp = now()
        closes = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)).isoformat(timespec="seconds")
        row = {
            "plan_id": plan_id,
            "code": new_code(db, "idea_classes"),
            "label": label,
            "grade_band": grade_band,
            "municipality_id": municipality_id,
            "cap": cap,
            "opened_at": stamp,
            "opened_by": actor.name,
            "opened_by_id": actor.user_id,
            "closes_at": closes,
            "version": 1,
            "updated_at": stamp,
            "updated_by": actor.name,
        }
        class_id = insert_row(db, "idea_classes", row)
        audit(db, actor, "idea_class", class_id, "create", after=row)
    return class_id


def get_class(db: Database, class_id: int) -> dict:
    return get_or_not_found(db, "idea_classes", class_id, entity="idea_class")


def close_class(db: Database, actor: Actor, class_id: int) -> None:
    """The teacher who opened it, or a moderator, ends the session now."""
    require_teacher(actor)
    with write(db):
        before = get_class(db, class_id)
        if before["opened_by_id"] != actor.user_id and actor.role not in (Role.ADMIN, Role.FACILITATOR):
            raise PermissionDenied("error.permission", action="ideas.class")
        stamp = now()
        if before["closes_at"] <= stamp:
            return
        save_version(db, actor, "idea_classes", "idea_class", before, {"closes_at": stamp}, action="close", stamp=stamp)


def class_by_code(db: Database, code) -> dict:
    """The open class session with this code. Unknown, closed and expired codes get the same
    answer, and each wrong code counts against the client like a workshop join code."""
    from .workshop import normalise_code

    code = normalise_code(code)
    if not code:
        raise ValidationError("ideas.error.class_code", field="ideas_class_code", code="")
    rows = list(db.query("select * from idea_classes where code = ?", [code]))
    if not rows or rows[0]["closes_at"] <= now() or not is_open(db, rows[0]["plan_id"]):
        raise ValidationError("ideas.error.class_code", field="ideas_class_code", code=code)
    return rows[0]


def find_class(db: Database, code, client=None) -> dict:
    """class_by_code with the join-code throttle of the client (wrong codes only)."""
    throttle.refuse(throttle.JOIN.retry_after(client), "error.too_many_joins")
    try:
        return class_by_code(db, code)
    except ValidationError:
        throttle.JOIN.record(client)
        raise


def plan_classes(db: Database, plan_id: int) -> list[dict]:
    """Every class session of the plan with its idea count (`ideas`), newest first."""
    return [
        dict(r)
        for r in db.query(
            "select c.*, (select count(*) from ideas i where i.class_id = c.id) ideas from idea_classes c "
            "where c.plan_id = ? order by c.id desc",
            [plan_id],
        )
    ]


def classes(db: Database, plan_id: int, actor: Actor) -> list[dict]:
    """Class sessions with their idea counts: moderators see all, a teacher their own."""
    rows = plan_classes(db, plan_id)
    if actor.role in (Role.ADMIN, Role.FACILITATOR):
        return rows
    return [r for r in rows if r["opened_by_id"] == actor.user_id]


# ---------------------------------------------------------------- sending an idea
def _municipality(db: Database, plan_id: int, municipality_id) -> int | None:
    if municipality_id in (None, "", 0, "0"):
        return None
    municipality_id = validation.whole(municipality_id, "ideas_municipality", "error.invalid")
    ids = {m["id"] for m in plans.organisations(db, plan_id, kind="municipality")}
    if municipality_id not in ids:
        raise ValidationError("error.invalid", field="ideas_municipality")
    return municipality_id


def clean_email(value) -> str | None:
    text = plans.clean_text(value, "ideas_email", max_len=EMAIL_MAX).lower()
    if not text:
        return None
    if not _EMAIL.match(text):
        raise ValidationError("ideas.error.email", field="ideas_email")
    return text


def _area(db: Database, plan_id: int, focus_area_id) -> int:
    focus_area_id = validation.whole(focus_area_id, "ideas_focus_area", "ideas.error.focus_area")
    row = db.execute(
        "select 1 from focus_areas where id = ? and plan_id = ? and deleted_at is null", [focus_area_id, plan_id]
    ).fetchone()
    if not row:
        raise ValidationError("ideas.error.focus_area", field="ideas_focus_area")
    return focus_area_id


def submit(
    db: Database,
    plan_id: int,
    focus_area_id,
    text,
    *,
    group=None,
    municipality_id=None,
    email=None,
    class_code=None,
    simple: bool = False,
    lang: str = i18n.DEFAULT_LANG,
    client=None,
    submission_key: str | None = None,
) -> int:
    """Store one idea (pending moderation); returns its id. With `class_code` the idea belongs
    to that open class session (its plan, grade band and municipality). The same
    `submission_key` twice returns the first idea's id and stores nothing."""
    text = plans.clean_text(text, "ideas_text", required=True, max_len=IDEA_MAX, multiline=True)
    if group not in (None, "") and group not in GROUPS:
        raise ValidationError("error.invalid", field="ideas_group")
    email = clean_email(email)
    key = str(submission_key) if submission_key else None
    with write(db):
        if key:
            known = db.execute("select id from ideas where submission_key = ?", [key]).fetchone()
            if known:
                return known[0]
        klass = class_by_code(db, class_code) if class_code else None
        if klass:
            plan_id = klass["plan_id"]
        else:
            throttle.refuse(throttle.IDEAS.retry_after(client), "ideas.error.too_many")
        if not is_open(db, plan_id):
            raise ValidationError("ideas.error.closed")
        area = _area(db, plan_id, focus_area_id)
        if klass:
            sent = db.execute("select count(*) from ideas where class_id = ?", [klass["id"]]).fetchone()[0]
            if sent >= klass["cap"]:
                raise ValidationError("ideas.error.class_full", max=klass["cap"])
            group = "child" if klass["grade_band"] in CHILD_BANDS else "young"
            municipality = klass["municipality_id"]
            email = None  # pupils in a class are answered through the class
        else:
            municipality = _municipality(db, plan_id, municipality_id)
        stamp = now()
        row = {
            "plan_id": plan_id,
            "focus_area_id": area,
            "text": text,
            "sender_group": group or None,
            "municipality_id": municipality,
            "class_id": klass["id"] if klass else None,
            "grade_band": klass["grade_band"] if klass else None,
            "simple": int(bool(simple)),
            "lang": lang if lang in i18n.LANGS else i18n.DEFAULT_LANG,
            "submission_key": key,
            "state": "pending",
            "status": "received",
            "created_at": stamp,
            "version": 1,
            "updated_at": stamp,
            "updated_by": _resident().name,
        }
        idea_id = insert_row(db, "ideas", row)
        if email:
            db.table("idea_contacts").insert({"idea_id": idea_id, "email": email, "created_at": stamp})
        # the audit keeps the idea, never the address
        audit(
            db,
            _resident(),
            "idea",
            idea_id,
            "create",
            after={**{k: v for k, v in row.items() if k != "submission_key"}, "answer_by_email": bool(email)},
        )
        if not klass:
            throttle.IDEAS.record(client)
    return idea_id


# ---------------------------------------------------------------- moderation
def get(db: Database, idea_id: int) -> dict:
    return get_or_not_found(db, "ideas", idea_id, entity="idea")


def _update(db: Database, actor: Actor, before: dict, fields: dict, action: str) -> int:
    return save_version(db, actor, "ideas", "idea", before, fields, action=action)


def publish(db: Database, actor: Actor, idea_id: int, expected_version: int) -> int:
    """Show a pending (or hidden) idea publicly, status `received`. Returns the new version."""
    require_moderator(actor)
    with write(db):
        before = get(db, idea_id)
        require_version(before, expected_version)
        if before["state"] == "merged":
            raise ValidationError("ideas.error.merged")
        if before["state"] == "published":
            return before["version"]
        return _update(
            db,
            actor,
            before,
            {"state": "published", "hidden_reason": None, "moderated_at": now(), "moderated_by": actor.name},
            "publish",
        )


def hide(db: Database, actor: Actor, idea_id: int, expected_version: int, reason) -> int:
    """Keep an idea out of every public view; the reason stays for the moderators."""
    require_moderator(actor)
    reason = plans.clean_text(reason, "ideas_hidden_reason", required=True, max_len=REASON_MAX)
    with write(db):
        before = get(db, idea_id)
        require_version(before, expected_version)
        if before["state"] == "merged":
            raise ValidationError("ideas.error.merged")
        return _update(
            db,
            actor,
            before,
            {"state": "hidden", "hidden_reason": reason, "moderated_at": now(), "moderated_by": actor.name},
            "hide",
        )


def edit(db: Database, actor: Actor, idea_id: int, expected_version: int, text, focus_area_id=None) -> int:
    """Fix a typo, take out a name someone wrote, or move the idea to another focus area."""
    require_moderator(actor)
    text = plans.clean_text(text, "ideas_text", required=True, max_len=IDEA_MAX, multiline=True)
    with write(db):
        before = get(db, idea_id)
        require_version(before, expected_version)
        area = before["focus_area_id"] if focus_area_id is None else _area(db, before["plan_id"], focus_area_id)
        fields = {k: v for k, v in {"text": text, "focus_area_id": area}.items() if before[k] != v}
        if not fields:
            return before["version"]
        return _update(db, actor, before, fields, "update")


def merge(db: Database, actor: Actor, duplicate_id: int, keep_id: int) -> None:
    """Merge a duplicate into the idea kept; ideas merged into the duplicate follow it."""
    require_moderator(actor)
    if int(duplicate_id) == int(keep_id):
        raise ValidationError("ideas.error.merge_same")
    with write(db):
        dup, keep = get(db, duplicate_id), get(db, keep_id)
        if dup["plan_id"] != keep["plan_id"]:
            raise ValidationError("ideas.error.merge_other_plan")
        if "merged" in (dup["state"], keep["state"]):
            raise ValidationError("ideas.error.merged")
        if dup["status"] == "adopted":
            raise ValidationError("ideas.error.merge_adopted")
        db.execute("update ideas set merged_into = ? where merged_into = ?", [keep_id, duplicate_id])
        _update(
            db,
            actor,
            dup,
            {"state": "merged", "merged_into": keep_id, "moderated_at": now(), "moderated_by": actor.name},
            "merge",
        )


def _link(db: Database, plan_id: int, entity: str, item_id) -> int:
    try:
        item = plans.get(db, entity, int(item_id))
    except (TypeError, ValueError, NotFound):
        raise ValidationError("ideas.error.link", field="ideas_link") from None
    if plans.plan_of(db, entity, item["id"])["id"] != plan_id:
        raise ValidationError("ideas.error.link", field="ideas_link")
    return item["id"]


def answer(
    db: Database, actor: Actor, idea_id: int, expected_version: int, status: str, text, goal_id=None, measure_id=None
) -> int:
    """Give a published idea its status and public answer. `adopted` links one goal or one
    measure of the plan; `declined` needs the reason as the answer; every status change needs
    an answer. Returns the new version."""
    require_moderator(actor)
    if status not in STATUSES:
        raise ValidationError("error.invalid", field="ideas_status")
    text = plans.clean_text(text, "ideas_answer", required=status != "received", max_len=ANSWER_MAX, multiline=True)
    with write(db):
        before = get(db, idea_id)
        require_version(before, expected_version)
        if before["state"] != "published":
            raise ValidationError("ideas.error.not_published")
        goal = measure = None
        if status == "adopted":
            if bool(goal_id) == bool(measure_id):
                raise ValidationError("ideas.error.link", field="ideas_link")
            if goal_id:
                goal = _link(db, before["plan_id"], "goal", goal_id)
            else:
                measure = _link(db, before["plan_id"], "measure", measure_id)
        fields = {"status": status, "answer": text or None, "goal_id": goal, "measure_id": measure}
        fields = {k: v for k, v in fields.items() if before[k] != v}
        if not fields:
            return before["version"]
        return _update(db, actor, before, fields, "answer")


def contact(db: Database, actor: Actor, idea_id: int) -> str | None:
    """The sender's e-mail address, for a moderator to send the answer."""
    require_moderator(actor)
    row = db.execute("select email from idea_contacts where idea_id = ?", [idea_id]).fetchone()
    return row[0] if row else None


def delete_contact(db: Database, actor: Actor, idea_id: int) -> bool:
    """Forget the sender's address (answered, or asked to). True when there was one."""
    require_moderator(actor)
    with write(db):
        gone = db.execute("delete from idea_contacts where idea_id = ?", [idea_id]).rowcount
        if gone:
            audit(db, actor, "idea", idea_id, "delete_contact")
    return bool(gone)


# ---------------------------------------------------------------- reading
def ideas_for(db: Database, plan_id: int, actor: Actor, state: str | None = None) -> list[dict]:
    """The ideas of a plan for the moderation page, newest first. Moderators see every idea
    (with `has_contact`); other staff see the published ones only: a pending idea may hold
    what a moderator still has to take out."""
    sql = (
        "select i.*, c.label class_label, exists(select 1 from idea_contacts k where k.idea_id = i.id) "
        "has_contact, (select count(*) from ideas d where d.merged_into = i.id) similar "
        "from ideas i left join idea_classes c on c.id = i.class_id where i.plan_id = ?"
    )
    args: list = [plan_id]
    moderator = actor.role in (Role.ADMIN, Role.FACILITATOR)
    if not moderator:
        sql += " and i.state = 'published'"
    elif state:
        sql += " and i.state = ?"
        args.append(state)
    rows = [dict(r) for r in db.query(sql + " order by i.id desc", args)]
    if not moderator:
        for r in rows:
            r["has_contact"] = 0
    return rows


def _titles(db: Database, plan_id: int, lang: str) -> tuple[dict, dict, dict]:
    areas, goals, measures = {}, {}, {}
    for i, a in enumerate(plans.tree(db, plan_id)):
        areas[a["id"]] = (a, i)
        for g in a["goals"]:
            goals[g["id"]] = plans.title_in(g, lang)
            for m in g["measures"]:
                measures[m["id"]] = plans.title_in(m, lang)
    return areas, goals, measures


def published_outcomes(db: Database, plan_id: int, lang: str) -> list[dict]:
    """ "What happened to our ideas", per focus area (in the plan's order, only areas with
    published ideas): each published idea's text, status, answer and the goal or measure it
    became (kind, id, title; only while that item exists). Nothing else: no sender group,
    municipality, class, e-mail, moderator or date; no pending, hidden or merged idea."""
    areas, goals, measures = _titles(db, plan_id, lang)
    out: dict[int, dict] = {}
    for r in db.query(
        "select id, focus_area_id, text, status, answer, goal_id, measure_id from ideas "
        "where plan_id = ? and state = 'published' order by id",
        [plan_id],
    ):
        if r["focus_area_id"] not in areas:
            continue
        area, position = areas[r["focus_area_id"]]
        link = None
        if r["status"] == "adopted" and r["goal_id"] in goals:
            link = {"kind": "goal", "id": r["goal_id"], "title": goals[r["goal_id"]]}
        elif r["status"] == "adopted" and r["measure_id"] in measures:
            link = {"kind": "measure", "id": r["measure_id"], "title": measures[r["measure_id"]]}
        entry = out.setdefault(
            area["id"],
            {
                "focus_area_id": area["id"],
                "title": plans.title_in(area, lang),
                "icon": area_icon(area, position),
                "position": position,
                "ideas": [],
            },
        )
        entry["ideas"].append(
            {
                "id": r["id"],
                "text": r["text"],
                "status": r["status"],
                "status_label": i18n.t(f"ideas.status.{r['status']}", lang),
                "answer": r["answer"] or "",
                "link": link,
            }
        )
    return [{k: v for k, v in e.items() if k != "position"} for e in sorted(out.values(), key=lambda e: e["position"])]


def figures(db: Database, plan_id: int, class_id: int | None = None) -> dict:
    """Participation figures for the plan's chapter on how children were heard. Ideas hidden
    by a moderator (abuse, spam) do not count; merged duplicates do (each was someone's idea).
    With `class_id` the idea figures are those of one class session."""
    where = "plan_id = ? and state != 'hidden'" + (" and class_id = ?" if class_id is not None else "")
    args = [plan_id] + ([class_id] if class_id is not None else [])

    def by(column: str) -> dict:
        return {
            r[0]: r[1]
            for r in db.execute(
                f"select coalesce({column}, ''), count(*) from ideas where {where} group by 1 order by 1", args
            )
        }

    total = db.execute(f"select count(*) from ideas where {where}", args).fetchone()[0]
    published = db.execute(f"select count(*) from ideas where {where} and state = 'published'", args).fetchone()[0]
    workshops = db.execute(
        "select count(*), coalesce(sum((select count(*) from workshop_participants p where p.workshop_id = w.id)), 0), "
        "coalesce(sum((select count(*) from workshop_proposals q where q.workshop_id = w.id "
        "and q.participant_id is not null)), 0) from workshops w where w.plan_id = ?",
        [plan_id],
    ).fetchone()
    class_row = db.execute("select count(*) from idea_classes where plan_id = ?", [plan_id]).fetchone()
    return {
        "ideas": total,
        "published": published,
        "by_group": by("sender_group"),
        "by_band": by("grade_band"),
        "by_municipality": by("municipality_id"),
        "by_area": by("focus_area_id"),
        "by_status": {
            r[0]: r[1]
            for r in db.execute(
                "select status, count(*) from ideas where plan_id = ? and state = 'published' group by 1", [plan_id]
            )
        },
        "simple": db.execute(f"select count(*) from ideas where {where} and simple = 1", args).fetchone()[0],
        "classes": class_row[0],
        "workshops": workshops[0],
        "workshop_participants": workshops[1],
        "workshop_proposals": workshops[2],
    }


def figure_rows(db: Database, plan_id: int, lang: str) -> list[tuple[str, str, int]]:
    """The figures as (breakdown, value, count) rows in a language, for a table or a chapter."""
    f = figures(db, plan_id)
    areas, _, _ = _titles(db, plan_id, lang)
    munis = {m["id"]: plans.org_name(m, lang) for m in plans.organisations(db, plan_id, kind="municipality")}
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    rows = [
        (t("ideas.fig.total"), "", f["ideas"]),
        (t("ideas.fig.published"), "", f["published"]),
        (t("ideas.fig.simple"), "", f["simple"]),
    ]
    rows += [
        (t("ideas.fig.by_group"), t(f"ideas.group.{k}") if k else t("ideas.fig.not_told"), n)
        for k, n in f["by_group"].items()
    ]
    rows += [(t("ideas.fig.by_band"), t(f"ideas.band.{k}"), n) for k, n in f["by_band"].items() if k]
    rows += [
        (t("ideas.fig.by_municipality"), munis.get(k, t("ideas.fig.not_told")), n)
        for k, n in f["by_municipality"].items()
    ]
    rows += [
        (t("ideas.fig.by_area"), plans.title_in(areas[k][0], lang) if k in areas else "–", n)
        for k, n in f["by_area"].items()
    ]
    rows += [
        (t("ideas.fig.classes"), "", f["classes"]),
        (t("ideas.fig.workshops"), "", f["workshops"]),
        (t("ideas.fig.workshop_participants"), "", f["workshop_participants"]),
        (t("ideas.fig.workshop_proposals"), "", f["workshop_proposals"]),
    ]
    return rows


# ---------------------------------------------------------------- export
COLUMNS = [
    exports.Col("idea_id", 8, "id"),
    exports.Col("idea_state", 14),
    exports.Col("idea_focus_area", 30),
    exports.Col("idea_text", 60),
    exports.Col("idea_group", 18),
    exports.Col("idea_band", 16),
    exports.Col("idea_municipality", 18),
    exports.Col("idea_class", 12),
    exports.Col("idea_sent", 12),
    exports.Col("idea_status", 18),
    exports.Col("idea_answer", 50),
    exports.Col("idea_link", 40),
    exports.Col("idea_merged_into", 10, "int"),
    exports.Col("idea_hidden_reason", 30),
]


def export_table(db: Database, plan_id: int, lang: str) -> exports.Table:
    """Every idea with its answer, for the moderators (no e-mail address, no moderator name)."""
    areas, goals, measures = _titles(db, plan_id, lang)
    munis = {m["id"]: plans.org_name(m, lang) for m in plans.organisations(db, plan_id, kind="municipality")}
    labels = {c["id"]: c["label"] for c in db.query("select id, label from idea_classes where plan_id = ?", [plan_id])}
    t = lambda key: i18n.t(key, lang)  # noqa: E731
    table = exports.Table("ideas", t("ideas.sheet"), COLUMNS)
    for r in db.query("select * from ideas where plan_id = ? order by id", [plan_id]):
        link = goals.get(r["goal_id"]) or measures.get(r["measure_id"]) or ""
        table.rows.append(
            [
                r["id"],
                t(f"ideas.state.{r['state']}"),
                plans.title_in(areas[r["focus_area_id"]][0], lang) if r["focus_area_id"] in areas else "",
                r["text"],
                t(f"ideas.group.{r['sender_group']}") if r["sender_group"] else "",
                t(f"ideas.band.{r['grade_band']}") if r["grade_band"] else "",
                munis.get(r["municipality_id"], ""),
                labels.get(r["class_id"], ""),
                i18n.date(r["created_at"], lang),
                t(f"ideas.status.{r['status']}"),
                r["answer"] or "",
                link,
                r["merged_into"],
                r["hidden_reason"] or "",
            ]
        )
    return table


def export_csv(db: Database, plan_id: int, lang: str) -> bytes:
    return exports.table_csv(export_table(db, plan_id, lang), lang)


def export_xlsx(db: Database, plan_id: int, lang: str) -> bytes:
    from . import xlsx

    table = export_table(db, plan_id, lang)
    book = xlsx.new_workbook()
    book.remove(book.active)
    title = table.name[:31]
    exports.write_table(book, table, lang, title, plans.title_in(plans.get_plan(db, plan_id), lang), False, "ideas")
    return xlsx.workbook_bytes(book)


def fold(text: str) -> str:
    """Comparison form of an idea (case, spacing, Unicode forms ignored): finds duplicates."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def likely_duplicates(rows: list[dict]) -> dict[int, int]:
    """idea id -> id of an earlier idea with the same text (after `fold`), among `rows`."""
    first: dict[str, int] = {}
    out = {}
    for r in sorted(rows, key=lambda r: r["id"]):
        if r["state"] == "merged":
            continue
        key = fold(r["text"])
        if key in first:
            out[r["id"]] = first[key]
        else:
            first[key] = r["id"]
    return out
