"""Co-creation workshops: join codes, proposals, votes, moderation and promotion to goals.

Participants have no account: joining gives a random token that travels in their URL, and
every participant function takes that token. The page also keeps the token in a cookie of the
browser, per workshop, and `join(..., resume_token=token)` returns that participant instead of a
new one: one participant (and one vote budget) per browser. A workshop may cap its participants.
Facilitator functions take an Actor and need plan-editor rights.

Votes are one row per vote. `vote()` and `unvote()` check phase, budget and the per-proposal
limit inside one BEGIN IMMEDIATE transaction, and take the participant's `vote_version` as
shown on their screen: a second submit from the same screen (a double tap, a resent request)
carries the old version and is refused, so nothing is counted twice.

Merging duplicates (`merge`): the duplicate's votes move to the kept proposal. A participant
never ends up with more votes on the kept proposal than one proposal may receive (1, or the
budget when several votes on one proposal are allowed); votes above that limit are removed
and return to that participant's budget. So a person who voted for both duplicates of a
single-vote workshop counts once."""
from __future__ import annotations

import csv
import io
import secrets
import unicodedata

from sqlite_utils import Database

from . import auth, i18n, plans, throttle
from .db import audit, now, write
from .errors import NotFound, ValidationError, require_version
from .model import TITLE_MAX, Actor

PHASES = ("collecting", "voting", "closed")
PROPOSAL_MAX = 280  # fits a phone screen and a projector line
NAME_MAX = 60
QUESTION_MAX = 500
BUDGET_MAX = 20
PARTICIPANTS_MAX = 2000  # the largest cap a facilitator can set
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
# ---------------------------------------------------------------- helpers


def _participant_actor(participant: dict) -> Actor:
    # Audit rows of participants stay pseudonymous: the number, never the name.
    return Actor(name=f"participant #{participant['id']}")


def normalise_code(code) -> str:
    text = "".join(ch for ch in str(code or "").upper() if not ch.isspace() and ch != "-")
    return text


def _new_code(db: Database) -> str:
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.execute("select 1 from workshops where code = ?", [code]).fetchone():
            return code
    raise RuntimeError("no free join code")  # 31^6 codes: practically unreachable


def _fold(text: str) -> str:
    """Comparison form of a proposal: case, spacing and Unicode forms ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _budget(value) -> int:
    try:
        budget = int(value)
    except (TypeError, ValueError):
        raise ValidationError("workshop.error.budget", field="workshop_budget", max=BUDGET_MAX) from None
    if not 1 <= budget <= BUDGET_MAX:
        raise ValidationError("workshop.error.budget", field="workshop_budget", max=BUDGET_MAX)
    return budget


def _cap(value) -> int | None:
    """The participant cap: empty or 0 is no cap."""
    if value in (None, "", 0, "0"):
        return None
    try:
        cap = int(value)
    except (TypeError, ValueError):
        raise ValidationError("workshop.error.cap", field="workshop_cap", max=PARTICIPANTS_MAX) from None
    if not 1 <= cap <= PARTICIPANTS_MAX:
        raise ValidationError("workshop.error.cap", field="workshop_cap", max=PARTICIPANTS_MAX)
    return cap


def _focus_areas(db: Database, plan_id: int, focus_area_ids) -> list[int]:
    ids = list(dict.fromkeys(int(f) for f in focus_area_ids or []))
    if not ids:
        raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
    valid = {a["id"] for a in plans.tree(db, plan_id)}
    for f in ids:
        if f not in valid:
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
    return ids


# ---------------------------------------------------------------- facilitator: workshops
def create(db: Database, actor: Actor, plan_id: int, title, question="", focus_area_ids=(),
           votes_per_participant=5, several_per_proposal=False, moderate_first=False,
           max_participants=None) -> int:
    auth.require_plan_editor(actor)
    plans.get_plan(db, plan_id)
    title = plans.clean_text(title, "workshop_title", required=True, max_len=TITLE_MAX)
    question = plans.clean_text(question, "workshop_question", max_len=QUESTION_MAX, multiline=True)
    budget = _budget(votes_per_participant)
    cap = _cap(max_participants)
    area_ids = _focus_areas(db, plan_id, focus_area_ids)
    with write(db):
        stamp = now()
        row = {
            "plan_id": plan_id, "code": _new_code(db), "title": title, "question": question,
            "votes_per_participant": budget, "max_votes_per_proposal": budget if several_per_proposal else 1,
            "moderate_first": int(bool(moderate_first)), "phase": "collecting", "results_visible": 0,
            "max_participants": cap, "created_at": stamp, "created_by": actor.name, "version": 1, "updated_at": stamp,
            "updated_by": actor.name,
        }
        workshop_id = db["workshops"].insert(row).last_pk
        db["workshop_focus_areas"].insert_all(
            [{"workshop_id": workshop_id, "focus_area_id": f, "position": i} for i, f in enumerate(area_ids)])
        audit(db, actor, "workshop", workshop_id, "create", after={**row, "focus_area_ids": area_ids})
    return workshop_id


def get(db: Database, workshop_id: int) -> dict:
    rows = list(db.query("select * from workshops where id = ?", [workshop_id]))
    if not rows:
        raise NotFound("error.not_found", entity="workshop", id=workshop_id)
    row = rows[0]
    row["focus_area_ids"] = [r[0] for r in db.execute(
        "select focus_area_id from workshop_focus_areas where workshop_id = ? order by position", [workshop_id])]
    return row


def for_plan(db: Database, plan_id: int) -> list[dict]:
    return [dict(r) for r in db.query("select * from workshops where plan_id = ? order by id desc", [plan_id])]


def focus_areas(db: Database, workshop: dict) -> list[dict]:
    """The focus areas the workshop offers, in its order (deleted ones left out)."""
    by_id = {a["id"]: a for a in plans.tree(db, workshop["plan_id"])}
    return [by_id[f] for f in workshop["focus_area_ids"] if f in by_id]


def set_phase(db: Database, actor: Actor, workshop_id: int, phase: str) -> None:
    auth.require_plan_editor(actor)
    if phase not in PHASES:
        raise ValidationError("error.invalid", field="workshop_phase")
    with write(db):
        before = get(db, workshop_id)
        if before["phase"] == phase:
            return
        db["workshops"].update(workshop_id, {"phase": phase, "version": before["version"] + 1,
                                             "updated_at": now(), "updated_by": actor.name})
        audit(db, actor, "workshop", workshop_id, "phase", before={"phase": before["phase"]}, after={"phase": phase})


def set_results_visible(db: Database, actor: Actor, workshop_id: int, visible: bool) -> None:
    auth.require_plan_editor(actor)
    with write(db):
        before = get(db, workshop_id)
        db["workshops"].update(workshop_id, {"results_visible": int(bool(visible)), "version": before["version"] + 1,
                                             "updated_at": now(), "updated_by": actor.name})
        audit(db, actor, "workshop", workshop_id, "results_visible", after={"results_visible": bool(visible)})


def update_settings(db: Database, actor: Actor, workshop_id: int, title, question, focus_area_ids,
                    votes_per_participant, several_per_proposal, moderate_first, max_participants=...) -> None:
    """Change the settings. The vote rules are frozen once a vote has been given. A cap below
    the participants already there only stops new joins. max_participants left out: unchanged."""
    auth.require_plan_editor(actor)
    title = plans.clean_text(title, "workshop_title", required=True, max_len=TITLE_MAX)
    question = plans.clean_text(question, "workshop_question", max_len=QUESTION_MAX, multiline=True)
    budget = _budget(votes_per_participant)
    cap = None if max_participants is ... else _cap(max_participants)
    with write(db):
        before = get(db, workshop_id)
        if max_participants is ...:
            cap = before["max_participants"]
        area_ids = _focus_areas(db, before["plan_id"], focus_area_ids)
        used = set(r[0] for r in db.execute(
            "select distinct focus_area_id from workshop_proposals where workshop_id = ?", [workshop_id]))
        if used - set(area_ids):
            raise ValidationError("workshop.error.area_in_use", field="workshop_focus_areas")
        max_per = budget if several_per_proposal else 1
        votes = db.execute("select count(*) from workshop_votes where workshop_id = ?", [workshop_id]).fetchone()[0]
        if votes and (budget, max_per) != (before["votes_per_participant"], before["max_votes_per_proposal"]):
            raise ValidationError("workshop.error.rules_frozen", field="workshop_budget")
        row = {"title": title, "question": question, "votes_per_participant": budget,
               "max_votes_per_proposal": max_per, "moderate_first": int(bool(moderate_first)),
               "max_participants": cap, "version": before["version"] + 1, "updated_at": now(), "updated_by": actor.name}
        db["workshops"].update(workshop_id, row)
        db["workshop_focus_areas"].delete_where("workshop_id = ?", [workshop_id])
        db["workshop_focus_areas"].insert_all(
            [{"workshop_id": workshop_id, "focus_area_id": f, "position": i} for i, f in enumerate(area_ids)])
        audit(db, actor, "workshop", workshop_id, "update",
              before={k: before[k] for k in row if k in before}, after={**row, "focus_area_ids": area_ids})


# ---------------------------------------------------------------- participants
def by_code(db: Database, code) -> dict:
    """The open workshop with this join code. An unknown and a closed code get the same
    answer, so that guessing tells nothing about which codes were ever used."""
    code = normalise_code(code)
    if not code:
        raise ValidationError("workshop.error.code_required", field="workshop_code")
    rows = list(db.query("select id, phase from workshops where code = ?", [code]))
    if not rows or rows[0]["phase"] == "closed":
        raise ValidationError("workshop.error.unknown_code", field="workshop_code", code=code)
    return get(db, rows[0]["id"])


def resume(db: Database, code, token) -> str | None:
    """The token again when it is a participant's of the workshop with this code (whatever its
    phase); else None. How a browser that joined before comes back without its link."""
    if not token:
        return None
    row = db.execute("select p.token from workshop_participants p join workshops w on w.id = p.workshop_id "
                     "where p.token = ? and w.code = ?", [str(token), normalise_code(code)]).fetchone()
    return row[0] if row else None


def join(db: Database, code, name="", resume_token=None, client=None) -> str:
    """Join the workshop with this code; returns the participant's secret token. With
    `resume_token` of a participant of this workshop (the browser's cookie), that participant
    goes on with their own votes and budget: no new participant. A full workshop refuses.
    `client` (network address or browser session) may try throttle.JOIN.limit wrong codes
    in the window; then every code is refused until the window moves on."""
    name = plans.clean_text(name, "workshop_name", max_len=NAME_MAX)
    token = secrets.token_urlsafe(12)
    throttle.refuse(throttle.JOIN.retry_after(client), "error.too_many_joins")
    with write(db):
        try:
            workshop = by_code(db, code)
        except ValidationError:
            throttle.JOIN.record(client)
            raise
        known = resume(db, workshop["code"], resume_token)
        if known:
            return known
        cap = workshop.get("max_participants")
        if cap and participant_count(db, workshop["id"]) >= cap:
            raise ValidationError("workshop.error.full", field="workshop_code", max=cap)
        pid = db["workshop_participants"].insert(
            {"workshop_id": workshop["id"], "token": token, "name": name, "joined_at": now(), "vote_version": 0}
        ).last_pk
        audit(db, Actor(name=f"participant #{pid}"), "workshop_participant", pid, "join",
              after={"workshop_id": workshop["id"]})
    return token


def participant_count(db: Database, workshop_id: int) -> int:
    return db.execute("select count(*) from workshop_participants where workshop_id = ?", [workshop_id]).fetchone()[0]


def participant(db: Database, token) -> dict:
    """The participant with this token, with their workshop's state under `workshop`."""
    rows = list(db.query("select * from workshop_participants where token = ?", [str(token or "")]))
    if not token or not rows:
        raise NotFound("workshop.error.unknown_participant")
    row = rows[0]
    row["workshop"] = get(db, row["workshop_id"])
    return row


def propose(db: Database, token, focus_area_id, text) -> int:
    text = plans.clean_text(text, "workshop_text", required=True, max_len=PROPOSAL_MAX, multiline=True)
    with write(db):
        person = participant(db, token)
        workshop = person["workshop"]
        if workshop["phase"] != "collecting":
            raise ValidationError("workshop.error.not_collecting")
        try:
            focus_area_id = int(focus_area_id)
        except (TypeError, ValueError):
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas") from None
        if focus_area_id not in workshop["focus_area_ids"]:
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
        folded = _fold(text)
        for other in db.execute("select text from workshop_proposals where participant_id = ?", [person["id"]]):
            if _fold(other[0]) == folded:
                raise ValidationError("workshop.error.duplicate_proposal")
        stamp = now()
        row = {"workshop_id": workshop["id"], "participant_id": person["id"], "focus_area_id": focus_area_id,
               "text": text, "hidden": workshop["moderate_first"], "created_at": stamp, "version": 1,
               "updated_at": stamp, "updated_by": _participant_actor(person).name}
        proposal_id = db["workshop_proposals"].insert(row).last_pk
        audit(db, _participant_actor(person), "workshop_proposal", proposal_id, "create", after=row)
    return proposal_id


def my_proposals(db: Database, participant_id: int) -> list[dict]:
    return [dict(r) for r in db.query(
        "select id, text, hidden, merged_into, focus_area_id from workshop_proposals "
        "where participant_id = ? order by id", [participant_id])]


def ballot_proposals(db: Database, workshop_id: int) -> list[dict]:
    """What participants vote on: visible, unmerged proposals (no counts: voting is blind)."""
    return [dict(r) for r in db.query(
        "select id, text, focus_area_id from workshop_proposals where workshop_id = ? and hidden = 0 "
        "and merged_into is null order by id", [workshop_id])]


def my_votes(db: Database, participant_id: int) -> dict[int, int]:
    return {r[0]: r[1] for r in db.execute(
        "select proposal_id, count(*) from workshop_votes where participant_id = ? group by proposal_id",
        [participant_id])}


def _voter(db: Database, token, proposal_id: int, expected_version) -> dict:
    """Everything a vote change checks, in two queries: the vote transaction holds the
    database's write lock, so it stays short even when 60 phones vote at once."""
    row = db.execute(
        "select p.id, p.vote_version, w.id, w.phase, w.votes_per_participant, w.max_votes_per_proposal "
        "from workshop_participants p join workshops w on w.id = p.workshop_id where p.token = ?",
        [str(token or "")]).fetchone()
    if not token or not row:
        raise NotFound("workshop.error.unknown_participant")
    person = dict(zip(("id", "vote_version", "workshop_id", "phase", "budget", "max_per_proposal"), row))
    if person["phase"] != "voting":
        raise ValidationError("workshop.error.not_voting")
    if expected_version is not None and int(expected_version) != person["vote_version"]:
        raise ValidationError("workshop.error.stale_vote")
    proposal = db.execute(
        "select hidden, merged_into, "
        "(select count(*) from workshop_votes where participant_id = :person), "
        "(select count(*) from workshop_votes where participant_id = :person and proposal_id = :proposal) "
        "from workshop_proposals where id = :proposal and workshop_id = :workshop",
        {"person": person["id"], "proposal": proposal_id, "workshop": person["workshop_id"]}).fetchone()
    if not proposal or proposal[0] or proposal[1]:
        raise ValidationError("workshop.error.proposal_unavailable")
    person["used"], person["on_this"] = proposal[2], proposal[3]
    return person


def _bump(db: Database, person: dict) -> int:
    version = person["vote_version"] + 1
    db.execute("update workshop_participants set vote_version = ? where id = ?", [version, person["id"]])
    return version


def vote(db: Database, token, proposal_id: int, expected_version=None) -> int:
    """Give one vote. Returns the participant's new vote_version."""
    with write(db):
        person = _voter(db, token, proposal_id, expected_version)
        if person["used"] >= person["budget"]:
            raise ValidationError("workshop.error.budget_spent", budget=person["budget"])
        if person["on_this"] >= person["max_per_proposal"]:
            raise ValidationError("workshop.error.proposal_limit", limit=person["max_per_proposal"])
        db.execute("insert into workshop_votes (workshop_id, proposal_id, participant_id, cast_at) "
                   "values (?, ?, ?, ?)", [person["workshop_id"], proposal_id, person["id"], now()])
        version = _bump(db, person)
        # The audit names the proposal, not the voter: voting is anonymous.
        audit(db, Actor(name="participant"), "workshop_proposal", proposal_id, "vote")
    return version


def unvote(db: Database, token, proposal_id: int, expected_version=None) -> int:
    """Take back one of one's votes on a proposal. Returns the new vote_version."""
    with write(db):
        person = _voter(db, token, proposal_id, expected_version)
        if not person["on_this"]:
            raise ValidationError("workshop.error.no_vote_to_take_back")
        db.execute("delete from workshop_votes where id = (select max(id) from workshop_votes "
                   "where participant_id = ? and proposal_id = ?)", [person["id"], proposal_id])
        version = _bump(db, person)
        audit(db, Actor(name="participant"), "workshop_proposal", proposal_id, "unvote")
    return version


# ---------------------------------------------------------------- facilitator: proposals
def proposals(db: Database, workshop_id: int) -> list[dict]:
    """Every proposal with votes, voters, what merged into it and the goal it became; ranked."""
    rows = [dict(r) for r in db.query(
        """select p.*, coalesce(v.votes, 0) votes, coalesce(v.voters, 0) voters, pa.name author
             from workshop_proposals p
             left join workshop_participants pa on pa.id = p.participant_id
             left join (select proposal_id, count(*) votes, count(distinct participant_id) voters
                          from workshop_votes where workshop_id = :w group by proposal_id) v on v.proposal_id = p.id
            where p.workshop_id = :w order by votes desc, p.id""", {"w": workshop_id})]
    merged: dict[int, list[dict]] = {}
    for r in rows:
        if r["merged_into"]:
            merged.setdefault(r["merged_into"], []).append(r)
    for r in rows:
        r["merged"] = merged.get(r["id"], [])
    return rows


def get_proposal(db: Database, proposal_id: int) -> dict:
    rows = list(db.query("select * from workshop_proposals where id = ?", [proposal_id]))
    if not rows:
        raise NotFound("error.not_found", entity="proposal", id=proposal_id)
    return rows[0]


def add_proposal(db: Database, actor: Actor, workshop_id: int, focus_area_id, text) -> int:
    """A proposal written by the facilitator (from a paper note or the room); any phase but closed."""
    auth.require_plan_editor(actor)
    text = plans.clean_text(text, "workshop_text", required=True, max_len=PROPOSAL_MAX, multiline=True)
    with write(db):
        workshop = get(db, workshop_id)
        if workshop["phase"] == "closed":
            raise ValidationError("workshop.error.closed", code=workshop["code"])
        if focus_area_id is None or int(focus_area_id) not in workshop["focus_area_ids"]:
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
        stamp = now()
        row = {"workshop_id": workshop_id, "participant_id": None, "focus_area_id": int(focus_area_id),
               "text": text, "hidden": 0, "created_at": stamp, "version": 1, "updated_at": stamp,
               "updated_by": actor.name}
        proposal_id = db["workshop_proposals"].insert(row).last_pk
        audit(db, actor, "workshop_proposal", proposal_id, "create", after=row)
    return proposal_id


def set_hidden(db: Database, actor: Actor, proposal_id: int, hidden: bool) -> None:
    """Hide a proposal from the projector and the ballot (its votes stay), or show it."""
    auth.require_plan_editor(actor)
    with write(db):
        before = get_proposal(db, proposal_id)
        if bool(before["hidden"]) == bool(hidden):
            return
        db["workshop_proposals"].update(proposal_id, {"hidden": int(bool(hidden)), "version": before["version"] + 1,
                                                      "updated_at": now(), "updated_by": actor.name})
        audit(db, actor, "workshop_proposal", proposal_id, "hide" if hidden else "show")


def edit(db: Database, actor: Actor, proposal_id: int, expected_version: int, text, focus_area_id=None) -> int:
    """Fix a typo or move the proposal to another offered focus area (optimistic locking)."""
    auth.require_plan_editor(actor)
    text = plans.clean_text(text, "workshop_text", required=True, max_len=PROPOSAL_MAX, multiline=True)
    with write(db):
        before = get_proposal(db, proposal_id)
        require_version(before, expected_version)
        area = before["focus_area_id"] if focus_area_id is None else int(focus_area_id)
        if area not in get(db, before["workshop_id"])["focus_area_ids"]:
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
        if text == before["text"] and area == before["focus_area_id"]:
            return before["version"]
        row = {"text": text, "focus_area_id": area, "version": before["version"] + 1, "updated_at": now(),
               "updated_by": actor.name}
        db["workshop_proposals"].update(proposal_id, row)
        audit(db, actor, "workshop_proposal", proposal_id, "update",
              before={"text": before["text"], "focus_area_id": before["focus_area_id"]},
              after={"text": text, "focus_area_id": area})
    return row["version"]


def merge(db: Database, actor: Actor, duplicate_id: int, keep_id: int) -> dict:
    """Merge `duplicate_id` into `keep_id` (rule in the module docstring).

    Returns {"moved": votes moved, "returned": votes returned to budgets}."""
    auth.require_plan_editor(actor)
    if int(duplicate_id) == int(keep_id):
        raise ValidationError("workshop.error.merge_same")
    with write(db):
        dup, keep = get_proposal(db, duplicate_id), get_proposal(db, keep_id)
        if dup["workshop_id"] != keep["workshop_id"]:
            raise ValidationError("workshop.error.merge_other_workshop")
        if dup["merged_into"] or keep["merged_into"]:
            raise ValidationError("workshop.error.already_merged")
        if dup["goal_id"]:
            raise ValidationError("workshop.error.merge_promoted")
        cap = get(db, keep["workshop_id"])["max_votes_per_proposal"]
        moved = db.execute("update workshop_votes set proposal_id = ? where proposal_id = ?",
                           [keep_id, duplicate_id]).rowcount
        returned = 0
        over = db.execute("select participant_id, count(*) from workshop_votes where proposal_id = ? "
                          "group by participant_id having count(*) > ?", [keep_id, cap]).fetchall()
        for participant_id, count in over:
            extra = [r[0] for r in db.execute(
                "select id from workshop_votes where proposal_id = ? and participant_id = ? order by id desc limit ?",
                [keep_id, participant_id, count - cap])]
            db.execute(f"delete from workshop_votes where id in ({','.join('?' * len(extra))})", extra)
            # their screen's vote counts are now stale
            db.execute("update workshop_participants set vote_version = vote_version + 1 where id = ?",
                       [participant_id])
            returned += len(extra)
        stamp = now()
        db.execute("update workshop_proposals set merged_into = ? where merged_into = ?", [keep_id, duplicate_id])
        db["workshop_proposals"].update(duplicate_id, {"merged_into": keep_id, "version": dup["version"] + 1,
                                                       "updated_at": stamp, "updated_by": actor.name})
        audit(db, actor, "workshop_proposal", duplicate_id, "merge",
              after={"merged_into": keep_id, "votes_moved": moved, "votes_returned": returned})
    return {"moved": moved, "returned": returned}


def promote(db: Database, actor: Actor, proposal_id: int, title_fi=None, title_sv="") -> int:
    """Turn a proposal into a new goal in its focus area; returns the goal id.

    The proposal keeps the goal id, so the goal can show where it came from."""
    auth.require_plan_editor(actor)
    with write(db):
        proposal = get_proposal(db, proposal_id)
        if proposal["merged_into"]:
            raise ValidationError("workshop.error.already_merged")
        if proposal["goal_id"]:
            goal = db.execute("select deleted_at from goals where id = ?", [proposal["goal_id"]]).fetchone()
            if goal and not goal[0]:
                raise ValidationError("workshop.error.already_promoted")
        title = title_fi if plans.normalise_text(title_fi) else proposal["text"]
        goal_id = plans.add(db, actor, "goal", proposal["focus_area_id"], title_fi=title, title_sv=title_sv)
        stamp = now()
        db["workshop_proposals"].update(proposal_id, {"goal_id": goal_id, "promoted_at": stamp,
                                                      "promoted_by": actor.name, "version": proposal["version"] + 1,
                                                      "updated_at": stamp, "updated_by": actor.name})
        audit(db, actor, "workshop_proposal", proposal_id, "promote", after={"goal_id": goal_id})
    return goal_id


def goal_origin(db: Database, goal_id: int, lang: str) -> str | None:
    """'From workshop «X», 14 votes' for a goal that was promoted from a proposal; else None."""
    row = db.execute(
        "select w.title, w.created_at, p.id from workshop_proposals p join workshops w on w.id = p.workshop_id "
        "where p.goal_id = ? order by p.id limit 1", [goal_id]).fetchone()
    if not row:
        return None
    votes = db.execute("select count(*) from workshop_votes where proposal_id = ?", [row[2]]).fetchone()[0]
    return i18n.t("workshop.goal_origin", lang, title=row[0], date=i18n.date(row[1], lang), votes=votes)


# ---------------------------------------------------------------- live figures and results
def live(db: Database, workshop_id: int) -> dict:
    """Everything the projector shows, in a few cheap queries."""
    w = {"w": workshop_id}
    participants = db.execute("select count(*) from workshop_participants where workshop_id = :w", w).fetchone()[0]
    votes, voters = db.execute(
        "select count(*), count(distinct participant_id) from workshop_votes where workshop_id = :w", w).fetchone()
    by_area = {r[0]: r[1] for r in db.execute(
        "select focus_area_id, count(*) from workshop_proposals where workshop_id = :w and hidden = 0 "
        "and merged_into is null group by focus_area_id", w)}
    visible = [p for p in proposals(db, workshop_id) if not p["hidden"] and not p["merged_into"]]
    return {"participants": participants, "proposals": len(visible), "votes": votes, "voters": voters,
            "by_area": by_area, "ranking": visible}


def results(db: Database, workshop_id: int, lang: str) -> tuple[list[str], list[list]]:
    """Header and rows of the results table, ranked by votes, in the given language."""
    workshop = get(db, workshop_id)
    areas = {a["id"]: plans.title_in(a, lang) for a in plans.tree(db, workshop["plan_id"])}
    goals = {}
    for a in plans.tree(db, workshop["plan_id"]):
        for g in a["goals"]:
            goals[g["id"]] = plans.title_in(g, lang)
    status = {True: i18n.t("workshop.status.hidden", lang), False: i18n.t("workshop.status.visible", lang)}
    header = [i18n.t(f"workshop.col.{c}", lang) for c in
              ("rank", "proposal", "focus_area", "votes", "voters", "status", "merged", "goal")]
    out, rank = [], 0
    for p in proposals(db, workshop_id):
        if p["merged_into"]:
            continue
        rank += 1
        out.append([rank, p["text"], areas.get(p["focus_area_id"], ""), p["votes"], p["voters"],
                    status[bool(p["hidden"])], " | ".join(m["text"] for m in p["merged"]),
                    goals.get(p["goal_id"], "") if p["goal_id"] else ""])
    return header, out


def safe_cell(value):
    """Text that a spreadsheet would read as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def results_csv(db: Database, workshop_id: int, lang: str) -> bytes:
    header, rows = results(db, workshop_id, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def results_xlsx(db: Database, workshop_id: int, lang: str) -> bytes:
    """The results as a workbook. Every text is a string cell, so a proposal such as
    '=HYPERLINK(...)' stays text exactly as written and never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workshop = get(db, workshop_id)
    header, rows = results(db, workshop_id, lang)
    book = Workbook()
    sheet = book.active
    sheet.title = i18n.t("workshop.sheet.results", lang)[:31]
    sheet.append([workshop["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    if workshop["question"]:
        sheet.append([workshop["question"]])
    sheet.append([])
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = f"A{sheet.max_row + 1}"  # a string: sheet.cell() would create a row
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl marks text starting with '=' as a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in zip("ABCDEFGH", (6, 60, 30, 8, 8, 12, 40, 40)):
        sheet.column_dimensions[col].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# ---------------------------------------------------------------- join link and QR code
def participant_url(base: str, code: str, lang: str | None = None) -> str:
    """The participant page with the join code in it, e.g. https://host/join?code=ABC123."""
    url = base.rstrip("/") + "/join?code=" + code
    if lang and lang != i18n.DEFAULT_LANG:
        url += "&lang=" + lang
    return url


def qr_png(url: str, scale: int = 10) -> bytes:
    import segno

    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=scale, border=2, dark="#000000", light="#ffffff")
    return out.getvalue()


def ranking_chart(ranking: list[dict], lang: str, top: int = 10):
    """Horizontal bars of the most-voted proposals: big type and dark bars on white for a projector."""
    import altair as alt
    import pandas as pd

    rows = [{"rank": i, "proposal": f"{i}. {_shorten(p['text'], 70)}", "votes": p["votes"]}
            for i, p in enumerate(sorted(ranking, key=lambda p: (-p["votes"], p["id"]))[:top], 1)]
    frame = pd.DataFrame(rows, columns=["rank", "proposal", "votes"])
    votes_title = i18n.t("workshop.count.votes", lang)
    base = alt.Chart(frame).encode(
        y=alt.Y("proposal:N", sort=alt.SortField("rank"), title=None,
                axis=alt.Axis(labelFontSize=22, labelLimit=700, labelColor="#111827")),
        x=alt.X("votes:Q", title=votes_title, axis=alt.Axis(labelFontSize=18, titleFontSize=20, tickMinStep=1,
                                                             format="d", labelColor="#111827",
                                                             titleColor="#111827")),
    )
    bars = base.mark_bar(color="#0b4f9c")
    labels = base.mark_text(align="left", dx=6, fontSize=24, fontWeight="bold", color="#111827").encode(
        text="votes:Q")
    return (bars + labels).properties(height=max(60 * len(rows), 120)).configure_view(stroke=None)


def ranking_alt(ranking: list[dict], lang: str, top: int = 10) -> str:
    """The ranking chart's text alternative: the same proposals and counts, in order."""
    ordered = sorted(ranking, key=lambda p: (-p["votes"], p["id"]))[:top]
    if not ordered:
        return i18n.t("a11y.ranking_alt_empty", lang)
    items = "; ".join(f"{i}. {p['text']}: {i18n.t('a11y.votes', lang, n=p['votes'])}"
                      for i, p in enumerate(ordered, 1))
    return i18n.t("a11y.ranking_alt", lang, items=items)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
