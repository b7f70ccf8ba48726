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
single-vote workshop counts once.

Hiding a proposal (`set_hidden`) keeps its votes on record, but they stop using the voters'
budgets, so a vote on a proposal the facilitator took off the ballot can be given again.
Showing it again applies the merge rule: a voter who has since spent that vote elsewhere has
their votes on it above the budget removed, so no one counts above the budget."""

from __future__ import annotations

import csv
import datetime as dt
import io
import ipaddress
import json
import secrets
import unicodedata
from functools import partial
from urllib.parse import urlsplit

from sqlite_utils import Database

from . import auth, i18n, plans, throttle, validation
from .db import audit, get_or_not_found, insert_row, now, save_version, write
from .errors import LapeError, NotFound, ValidationError, require_version
from .model import TITLE_MAX, Actor
from .xlsx import csv_safe, put, put_row

PHASES = ("collecting", "voting", "closed")
PROPOSAL_MAX = 280  # fits a phone screen and a projector line
NAME_MAX = 60
QUESTION_MAX = 500
BUDGET_MAX = 20
PARTICIPANTS_MAX = 2000  # the largest cap a facilitator can set
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read aloud and typed on phones
CODE_LENGTH = 6
LATE_SECONDS = 60  # a proposal typed while collecting closed is still taken this long (asked for by the page)
GRADES = range(4, 11)  # the day's feedback grade, as in Finnish schools
COMMENT_MAX = 500
PROJECTOR_TOP = 8  # results rows on the projector: 8 × 58 px plus the axis fit under the title at 1080 px
PROJECTOR_PAGE = 4  # proposals (two lines each at most) per projector page while voting; pages rotate
MIN_GROUP = 3  # vote splits by background leave out smaller groups: a group of one would show a person's votes
PROPOSALS_PER_ROUND = 10  # per participant: one phone cannot flood the ballot and the projector
# Optional background questions a workshop may ask on joining, and their answers. Municipality
# answers are the plan's municipalities (organisation ids) or "other".
BACKGROUND = {
    "role_group": ("young", "parent", "professional", "elected", "other"),
    "age_band": ("under_13", "13_17", "18_29", "30_64", "65_plus"),
    "municipality": None,
}
# ---------------------------------------------------------------- helpers


def _participant_actor(participant: dict) -> Actor:
    # Audit rows of participants stay pseudonymous: the number, never the name.
    return Actor(name=f"participant #{participant['id']}")


def normalise_code(code) -> str:
    text = "".join(ch for ch in str(code or "").upper() if not ch.isspace() and ch != "-")
    return text


def new_code(db: Database, table: str = "workshops") -> str:
    """A free join code of `table` (workshops; the idea page's class sessions)."""
    for _ in range(50):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not db.execute(f"select 1 from [{table}] where code = ?", [code]).fetchone():
            return code
    raise RuntimeError("no free join code")  # 31^6 codes: practically unreachable


def _fold(text: str) -> str:
    """Comparison form of a proposal: case, spacing and Unicode forms ignored."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _budget(value) -> int:
    return validation.whole(value, "workshop_budget", "workshop.error.budget", low=1, high=BUDGET_MAX, max=BUDGET_MAX)


def _cap(value) -> int | None:
    """The participant cap: empty or 0 is no cap."""
    if value in (None, "", 0, "0"):
        return None
    return validation.whole(
        value, "workshop_cap", "workshop.error.cap", low=1, high=PARTICIPANTS_MAX, max=PARTICIPANTS_MAX
    )


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
def create(
    db: Database,
    actor: Actor,
    plan_id: int,
    title,
    question="",
    focus_area_ids=(),
    votes_per_participant=5,
    several_per_proposal=False,
    moderate_first=False,
    max_participants=None,
    background=(),
) -> int:
    auth.require_plan_editor(actor)
    plans.get_plan(db, plan_id)
    asked = _background_keys(background)
    title = plans.clean_text(title, "workshop_title", required=True, max_len=TITLE_MAX)
    question = plans.clean_text(question, "workshop_question", max_len=QUESTION_MAX, multiline=True)
    budget = _budget(votes_per_participant)
    cap = _cap(max_participants)
    area_ids = _focus_areas(db, plan_id, focus_area_ids)
    with write(db):
        stamp = now()
        row = {
            "plan_id": plan_id,
            "code": new_code(db),
            "title": title,
            "question": question,
            "votes_per_participant": budget,
            "max_votes_per_proposal": budget if several_per_proposal else 1,
            "moderate_first": int(bool(moderate_first)),
            "phase": "collecting",
            "results_visible": 0,
            "max_participants": cap,
            "created_at": stamp,
            "created_by": actor.name,
            "version": 1,
            "updated_at": stamp,
            "updated_by": actor.name,
            "phase_at": stamp,
            "background": json.dumps(asked),
        }
        workshop_id = insert_row(db, "workshops", row)
        round_id = insert_row(
            db,
            "workshop_rounds",
            {
                "workshop_id": workshop_id,
                "position": 1,
                "question": question,
                "created_at": stamp,
                "created_by": actor.name,
            },
        )
        db.table("workshops").update(workshop_id, {"round_id": round_id})
        db.table("workshop_focus_areas").insert_all(
            [{"workshop_id": workshop_id, "focus_area_id": f, "position": i} for i, f in enumerate(area_ids)]
        )
        audit(db, actor, "workshop", workshop_id, "create", after={**row, "focus_area_ids": area_ids})
    return workshop_id


def get(db: Database, workshop_id: int) -> dict:
    row = get_or_not_found(db, "workshops", workshop_id, entity="workshop")
    row["focus_area_ids"] = [
        r[0]
        for r in db.execute(
            "select focus_area_id from workshop_focus_areas where workshop_id = ? order by position", [workshop_id]
        )
    ]
    row["background"] = json.loads(row.get("background") or "[]")
    position = db.execute("select position from workshop_rounds where id = ?", [row["round_id"]]).fetchone()
    row["round"] = position[0] if position else 1
    return row


def _background_keys(keys) -> list[str]:
    keys = list(dict.fromkeys(keys or ()))
    for key in keys:
        if key not in BACKGROUND:
            raise ValidationError("error.invalid", field="workshop_background")
    return keys


def rounds(db: Database, workshop_id: int) -> list[dict]:
    """The workshop's rounds (questions) in order, each with its proposal and vote counts."""
    return [
        dict(r)
        for r in db.query(
            """select r.*, (select count(*) from workshop_proposals p where p.round_id = r.id
                         and p.merged_into is null) proposals,
                  (select count(*) from workshop_votes v join workshop_proposals p on p.id = v.proposal_id
                    where p.round_id = r.id) votes
             from workshop_rounds r where r.workshop_id = ? order by r.position""",
            [workshop_id],
        )
    ]


def next_round(db: Database, actor: Actor, workshop_id: int, question) -> int:
    """Start the next question of the day: the room collects again, results hidden, every
    participant has their full vote budget for the new round. Returns the round's id."""
    auth.require_plan_editor(actor)
    question = plans.clean_text(question, "workshop_question", required=True, max_len=QUESTION_MAX, multiline=True)
    with write(db):
        before = get(db, workshop_id)
        stamp = now()
        position = db.execute(
            "select coalesce(max(position), 0) + 1 from workshop_rounds where workshop_id = ?", [workshop_id]
        ).fetchone()[0]
        round_id = insert_row(
            db,
            "workshop_rounds",
            {
                "workshop_id": workshop_id,
                "position": position,
                "question": question,
                "created_at": stamp,
                "created_by": actor.name,
            },
        )
        save_version(
            db,
            actor,
            "workshops",
            "workshop",
            before,
            {
                "round_id": round_id,
                "question": question,
                "phase": "collecting",
                "results_visible": 0,
                "phase_at": stamp,
            },
            action="round",
            stamp=stamp,
            audit_before={"round_id": before["round_id"]},
            audit_after={"round_id": round_id, "position": position, "question": question},
        )
    return round_id


def set_projector_split(db: Database, actor: Actor, workshop_id: int, key: str | None) -> None:
    """Show the revealed results on the projector split by one background question (None: not)."""
    auth.require_plan_editor(actor)
    with write(db):
        before = get(db, workshop_id)
        if key is not None and key not in before["background"]:
            raise ValidationError("error.invalid", field="workshop_background")
        save_version(
            db,
            actor,
            "workshops",
            "workshop",
            before,
            {"projector_split": key},
            action="projector_split",
            audit_before=None,
        )


def stage(db: Database, workshop_id: int) -> tuple:
    """What a participant's screen depends on: (phase, round). One indexed read."""
    row = db.execute("select phase, round_id from workshops where id = ?", [workshop_id]).fetchone()
    return tuple(row) if row else ("closed", None)


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
        stamp = now()
        save_version(
            db,
            actor,
            "workshops",
            "workshop",
            before,
            {"phase": phase, "phase_at": stamp},
            action="phase",
            stamp=stamp,
            audit_before={"phase": before["phase"]},
            audit_after={"phase": phase},
        )


def set_results_visible(db: Database, actor: Actor, workshop_id: int, visible: bool) -> None:
    auth.require_plan_editor(actor)
    with write(db):
        before = get(db, workshop_id)
        save_version(
            db,
            actor,
            "workshops",
            "workshop",
            before,
            {"results_visible": int(bool(visible))},
            action="results_visible",
            audit_before=None,
            audit_after={"results_visible": bool(visible)},
        )


def update_settings(
    db: Database,
    actor: Actor,
    workshop_id: int,
    title,
    question,
    focus_area_ids,
    votes_per_participant,
    several_per_proposal,
    moderate_first,
    max_participants=...,
    background=...,
    expected_version=None,
) -> None:
    """Change the settings. The vote rules are frozen once a vote has been given. A cap below
    the participants already there only stops new joins. max_participants left out: unchanged.
    `expected_version`: the version the settings form was opened on; a newer one is refused with
    a ConflictError naming who saved (None: unchecked, for callers without a screen)."""
    auth.require_plan_editor(actor)
    title = plans.clean_text(title, "workshop_title", required=True, max_len=TITLE_MAX)
    question = plans.clean_text(question, "workshop_question", max_len=QUESTION_MAX, multiline=True)
    budget = _budget(votes_per_participant)
    cap = None if max_participants is ... else _cap(max_participants)
    asked = None if background is ... else _background_keys(background)
    with write(db):
        before = get(db, workshop_id)
        if expected_version is not None:
            require_version(before, expected_version)
        if max_participants is ...:
            cap = before["max_participants"]
        area_ids = _focus_areas(db, before["plan_id"], focus_area_ids)
        used = set(
            r[0]
            for r in db.execute(
                "select distinct focus_area_id from workshop_proposals where workshop_id = ?", [workshop_id]
            )
        )
        if used - set(area_ids):
            raise ValidationError("workshop.error.area_in_use", field="workshop_focus_areas")
        max_per = budget if several_per_proposal else 1
        votes = db.execute("select count(*) from workshop_votes where workshop_id = ?", [workshop_id]).fetchone()[0]
        if votes and (budget, max_per) != (before["votes_per_participant"], before["max_votes_per_proposal"]):
            raise ValidationError("workshop.error.rules_frozen", field="workshop_budget")
        row = {
            "title": title,
            "question": question,
            "votes_per_participant": budget,
            "max_votes_per_proposal": max_per,
            "moderate_first": int(bool(moderate_first)),
            "max_participants": cap,
        }
        if asked is not None:
            row["background"] = json.dumps(asked)
        save_version(
            db,
            actor,
            "workshops",
            "workshop",
            before,
            row,
            audit_before={k: before[k] for k in row if k in before},
            audit_after={**row, "focus_area_ids": area_ids},
        )
        # the question shown is the current round's
        db.execute("update workshop_rounds set question = ? where id = ?", [question, before["round_id"]])
        db.table("workshop_focus_areas").delete_where("workshop_id = ?", [workshop_id])
        db.table("workshop_focus_areas").insert_all(
            [{"workshop_id": workshop_id, "focus_area_id": f, "position": i} for i, f in enumerate(area_ids)]
        )


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
    row = db.execute(
        "select p.token from workshop_participants p join workshops w on w.id = p.workshop_id "
        "where p.token = ? and w.code = ?",
        [str(token), normalise_code(code)],
    ).fetchone()
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
        pid = insert_row(
            db,
            "workshop_participants",
            {"workshop_id": workshop["id"], "token": token, "name": name, "joined_at": now(), "vote_version": 0},
        )
        audit(
            db,
            Actor(name=f"participant #{pid}"),
            "workshop_participant",
            pid,
            "join",
            after={"workshop_id": workshop["id"]},
        )
    return token


def background_options(db: Database, workshop: dict, key: str) -> list[str]:
    """The answers offered to one background question (municipalities: the plan's, then 'other')."""
    if key == "municipality":
        return [str(o["id"]) for o in plans.organisations(db, workshop["plan_id"], kind="municipality")] + ["other"]
    return list(BACKGROUND[key] or ())  # municipality, the one without fixed answers, is above


def _answers(db: Database, workshop: dict, background) -> dict:
    answers = {}
    for key, value in (background or {}).items():
        if value in (None, ""):
            continue  # every question may be left unanswered
        if key not in workshop["background"] or str(value) not in background_options(db, workshop, key):
            raise ValidationError("error.invalid", field="workshop_background")
        answers[key] = str(value)
    return answers


def answer_background(db: Database, token, answers: dict) -> bool:
    """The participant's answers to the workshop's background questions ({key: answer}, each
    optional), given once right after joining: a second call changes nothing and returns False.
    The audit row records that answers were given, not which."""
    with write(db):
        person = participant(db, token)
        if person.get("background_at"):
            return False
        clean = _answers(db, person["workshop"], answers)
        db.table("workshop_participants").update(person["id"], {**clean, "background_at": now()})
        audit(db, _participant_actor(person), "workshop_participant", person["id"], "background")
    return True


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


def late_open(workshop: dict, at: str | None = None) -> bool:
    """True while a proposal typed before voting started may still be sent (LATE_SECONDS)."""
    if workshop["phase"] != "voting" or not workshop.get("phase_at"):
        return False
    since = dt.datetime.fromisoformat(at or now()) - dt.datetime.fromisoformat(workshop["phase_at"])
    return since.total_seconds() <= LATE_SECONDS


def propose(db: Database, token, focus_area_id, text, late=False) -> int:
    """A participant's proposal to the current round. With `late` (the page had the form open
    while collecting), it is still taken for LATE_SECONDS after voting started, so text that was
    being typed when the facilitator moved on is not lost; it joins the ballot."""
    text = plans.clean_text(text, "workshop_text", required=True, max_len=PROPOSAL_MAX, multiline=True)
    with write(db):
        person = participant(db, token)
        workshop = person["workshop"]
        if workshop["phase"] != "collecting" and not (late and late_open(workshop)):
            raise ValidationError("workshop.error.not_collecting")
        focus_area_id = validation.whole(focus_area_id, "workshop_focus_areas", "workshop.error.no_focus_area")
        if focus_area_id not in workshop["focus_area_ids"]:
            raise ValidationError("workshop.error.no_focus_area", field="workshop_focus_areas")
        folded = _fold(text)
        sent = [
            r[0]
            for r in db.execute(
                "select text from workshop_proposals where participant_id = ? and round_id = ?",
                [person["id"], workshop["round_id"]],
            )
        ]
        if any(_fold(other) == folded for other in sent):
            raise ValidationError("workshop.error.duplicate_proposal")
        # counted inside the write, so parallel sends from one phone cannot pass it together
        if len(sent) >= PROPOSALS_PER_ROUND:
            raise ValidationError("workshop.error.too_many_proposals", max=PROPOSALS_PER_ROUND)
        stamp = now()
        row = {
            "workshop_id": workshop["id"],
            "round_id": workshop["round_id"],
            "participant_id": person["id"],
            "focus_area_id": focus_area_id,
            "text": text,
            "hidden": workshop["moderate_first"],
            "created_at": stamp,
            "version": 1,
            "updated_at": stamp,
            "updated_by": _participant_actor(person).name,
        }
        proposal_id = insert_row(db, "workshop_proposals", row)
        audit(db, _participant_actor(person), "workshop_proposal", proposal_id, "create", after=row)
    return proposal_id


def my_proposals(db: Database, participant_id: int, round_id: int | None = None) -> list[dict]:
    """The participant's proposals (of one round when given)."""
    return [
        dict(r)
        for r in db.query(
            "select id, text, hidden, merged_into, focus_area_id from workshop_proposals "
            "where participant_id = :p and (:r is null or round_id = :r) order by id",
            {"p": participant_id, "r": round_id},
        )
    ]


def ballot_proposals(db: Database, workshop_id: int) -> list[dict]:
    """What participants vote on: the current round's visible, unmerged proposals (no counts:
    voting is blind)."""
    return [
        dict(r)
        for r in db.query(
            "select id, text, focus_area_id from workshop_proposals where workshop_id = :w and hidden = 0 "
            "and merged_into is null and round_id = (select round_id from workshops where id = :w) order by id",
            {"w": workshop_id},
        )
    ]


def my_votes(db: Database, participant_id: int, round_id: int | None = None) -> dict[int, int]:
    """The participant's votes per proposal (of one round when given) that use their budget:
    votes on hidden proposals are left out (module docstring)."""
    return {
        r[0]: r[1]
        for r in db.execute(
            "select v.proposal_id, count(*) from workshop_votes v join workshop_proposals p on p.id = v.proposal_id "
            "where v.participant_id = :p and (:r is null or p.round_id = :r) "
            "and p.hidden = 0 and p.merged_into is null group by v.proposal_id",
            {"p": participant_id, "r": round_id},
        )
    }


def _voter(db: Database, token, proposal_id: int, expected_version) -> dict:
    """Everything a vote change checks, in two queries: the vote transaction holds the
    database's write lock, so it stays short even when 60 phones vote at once."""
    row = db.execute(
        "select p.id, p.vote_version, w.id, w.phase, w.votes_per_participant, w.max_votes_per_proposal, w.round_id "
        "from workshop_participants p join workshops w on w.id = p.workshop_id where p.token = ?",
        [str(token or "")],
    ).fetchone()
    if not token or not row:
        raise NotFound("workshop.error.unknown_participant")
    person = dict(zip(("id", "vote_version", "workshop_id", "phase", "budget", "max_per_proposal", "round_id"), row))
    if person["phase"] != "voting":
        raise ValidationError("workshop.error.not_voting")
    if expected_version is not None and int(expected_version) != person["vote_version"]:
        raise ValidationError("workshop.error.stale_vote")
    # The budget is per round: only votes on this round's proposals count, and not those on
    # proposals the facilitator hid (merged-away ones have none: merge moves them).
    proposal = db.execute(
        "select hidden, merged_into, "
        "(select count(*) from workshop_votes v join workshop_proposals q on q.id = v.proposal_id "
        " where v.participant_id = :person and q.round_id = :round and q.hidden = 0 and q.merged_into is null), "
        "(select count(*) from workshop_votes where participant_id = :person and proposal_id = :proposal), round_id "
        "from workshop_proposals where id = :proposal and workshop_id = :workshop",
        {
            "person": person["id"],
            "proposal": proposal_id,
            "workshop": person["workshop_id"],
            "round": person["round_id"],
        },
    ).fetchone()
    if not proposal or proposal[0] or proposal[1] or proposal[4] != person["round_id"]:
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
        db.execute(
            "insert into workshop_votes (workshop_id, proposal_id, participant_id, cast_at) values (?, ?, ?, ?)",
            [person["workshop_id"], proposal_id, person["id"], now()],
        )
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
        db.execute(
            "delete from workshop_votes where id = (select max(id) from workshop_votes "
            "where participant_id = ? and proposal_id = ?)",
            [person["id"], proposal_id],
        )
        version = _bump(db, person)
        audit(db, Actor(name="participant"), "workshop_proposal", proposal_id, "unvote")
    return version


# ---------------------------------------------------------------- facilitator: proposals
def proposals(db: Database, workshop_id: int, round_id: int | None = None) -> list[dict]:
    """Every proposal (of one round when given) with votes, voters, what merged into it and
    the goal it became; ranked."""
    rows = [
        dict(r)
        for r in db.query(
            """select p.*, coalesce(v.votes, 0) votes, coalesce(v.voters, 0) voters, pa.name author
             from workshop_proposals p
             left join workshop_participants pa on pa.id = p.participant_id
             left join (select proposal_id, count(*) votes, count(distinct participant_id) voters
                          from workshop_votes where workshop_id = :w group by proposal_id) v on v.proposal_id = p.id
            where p.workshop_id = :w and (:r is null or p.round_id = :r)
            order by votes desc, p.id""",
            {"w": workshop_id, "r": round_id},
        )
    ]
    merged: dict[int, list[dict]] = {}
    for r in rows:
        if r["merged_into"]:
            merged.setdefault(r["merged_into"], []).append(r)
    for r in rows:
        r["merged"] = merged.get(r["id"], [])
    return rows


def get_proposal(db: Database, proposal_id: int) -> dict:
    return get_or_not_found(db, "workshop_proposals", proposal_id, entity="proposal")


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
        row = {
            "workshop_id": workshop_id,
            "round_id": workshop["round_id"],
            "participant_id": None,
            "focus_area_id": int(focus_area_id),
            "text": text,
            "hidden": 0,
            "created_at": stamp,
            "version": 1,
            "updated_at": stamp,
            "updated_by": actor.name,
        }
        proposal_id = insert_row(db, "workshop_proposals", row)
        audit(db, actor, "workshop_proposal", proposal_id, "create", after=row)
    return proposal_id


def set_hidden(db: Database, actor: Actor, proposal_id: int, hidden: bool) -> None:
    """Hide a proposal from the projector and the ballot (its votes stay on record but no longer
    use the voters' budgets), or show it again (votes above a voter's budget then leave it; see
    the module docstring). Its voters' `vote_version` moves: their open ballots are stale."""
    auth.require_plan_editor(actor)
    with write(db):
        before = get_proposal(db, proposal_id)
        if bool(before["hidden"]) == bool(hidden):
            return
        voters = [
            r[0]
            for r in db.execute(
                "select distinct participant_id from workshop_votes where proposal_id = ?", [proposal_id]
            )
        ]
        returned = 0
        if not hidden and voters:
            budget = get(db, before["workshop_id"])["votes_per_participant"]
            for participant_id in voters:
                used, on_this = db.execute(  # "used" leaves this proposal out: it is still hidden here
                    "select sum(p.hidden = 0 and p.merged_into is null), sum(p.id = :proposal) "
                    "from workshop_votes v join workshop_proposals p on p.id = v.proposal_id "
                    "where v.participant_id = :person and p.round_id = :round",
                    {"person": participant_id, "proposal": proposal_id, "round": before["round_id"]},
                ).fetchone()
                over = (used or 0) + on_this - budget
                if over > 0:  # the newest of their votes on it leave, as in a merge
                    returned += db.execute(
                        "delete from workshop_votes where id in (select id from workshop_votes where proposal_id = ? "
                        "and participant_id = ? order by id desc limit ?)",
                        [proposal_id, participant_id, over],
                    ).rowcount
        if voters:
            db.execute(
                f"update workshop_participants set vote_version = vote_version + 1 "
                f"where id in ({','.join('?' * len(voters))})",
                voters,
            )
        save_version(
            db,
            actor,
            "workshop_proposals",
            "workshop_proposal",
            before,
            {"hidden": int(bool(hidden))},
            action="hide" if hidden else "show",
            audit_before=None,
            audit_after={"votes_returned": returned} if returned else None,
        )


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
        return save_version(
            db, actor, "workshop_proposals", "workshop_proposal", before, {"text": text, "focus_area_id": area}
        )


def merge(db: Database, actor: Actor, duplicate_id: int, keep_id: int) -> dict:
    """Merge `duplicate_id` into `keep_id` (rule in the module docstring).

    Returns {"moved": votes moved, "returned": votes returned to budgets}."""
    auth.require_plan_editor(actor)
    if int(duplicate_id) == int(keep_id):
        raise ValidationError("workshop.error.merge_same")
    with write(db):
        dup, keep = get_proposal(db, duplicate_id), get_proposal(db, keep_id)
        if dup["workshop_id"] != keep["workshop_id"] or dup["round_id"] != keep["round_id"]:
            raise ValidationError("workshop.error.merge_other_workshop")
        if dup["merged_into"] or keep["merged_into"]:
            raise ValidationError("workshop.error.already_merged")
        if dup["goal_id"]:
            raise ValidationError("workshop.error.merge_promoted")
        cap = get(db, keep["workshop_id"])["max_votes_per_proposal"]
        moved = db.execute(
            "update workshop_votes set proposal_id = ? where proposal_id = ?", [keep_id, duplicate_id]
        ).rowcount
        returned = 0
        over = db.execute(
            "select participant_id, count(*) from workshop_votes where proposal_id = ? "
            "group by participant_id having count(*) > ?",
            [keep_id, cap],
        ).fetchall()
        for participant_id, count in over:
            extra = [
                r[0]
                for r in db.execute(
                    "select id from workshop_votes where proposal_id = ? and participant_id = ? order by id desc limit ?",
                    [keep_id, participant_id, count - cap],
                )
            ]
            db.execute(f"delete from workshop_votes where id in ({','.join('?' * len(extra))})", extra)
            # their screen's vote counts are now stale
            db.execute(
                "update workshop_participants set vote_version = vote_version + 1 where id = ?", [participant_id]
            )
            returned += len(extra)
        stamp = now()
        db.execute("update workshop_proposals set merged_into = ? where merged_into = ?", [keep_id, duplicate_id])
        save_version(
            db,
            actor,
            "workshop_proposals",
            "workshop_proposal",
            dup,
            {"merged_into": keep_id},
            action="merge",
            stamp=stamp,
            audit_before=None,
            audit_after={"merged_into": keep_id, "votes_moved": moved, "votes_returned": returned},
        )
    return {"moved": moved, "returned": returned}


def promote(db: Database, actor: Actor, proposal_id: int, title_fi=None, title_sv="", goal_id=None) -> int:
    """Turn a proposal into a draft goal in its focus area, or, with `goal_id`, a draft
    measure under that goal; returns the new item's id. A draft counts nowhere until a
    facilitator accepts it (`drafts.accept`).

    The proposal keeps the goal id (and the measure id), so the item can show where it came from."""
    auth.require_plan_editor(actor)
    with write(db):
        proposal = get_proposal(db, proposal_id)
        if proposal["merged_into"]:
            raise ValidationError("workshop.error.already_merged")
        became = ("measures", proposal["measure_id"]) if proposal["measure_id"] else ("goals", proposal["goal_id"])
        if became[1]:
            item = db.execute(f"select deleted_at from {became[0]} where id = ?", [became[1]]).fetchone()
            if item and not item[0]:
                raise ValidationError("workshop.error.already_promoted")
        title = title_fi if plans.normalise_text(title_fi) else proposal["text"]
        if goal_id in (None, ""):
            item_id = plans.add(
                db, actor, "goal", proposal["focus_area_id"], draft=True, title_fi=title, title_sv=title_sv
            )
            link = {"goal_id": item_id, "measure_id": None}
        else:
            if plans.plan_of(db, "goal", int(goal_id))["id"] != get(db, proposal["workshop_id"])["plan_id"]:
                raise ValidationError("drafts.error.goal_other_plan", field="goal_id")
            item_id = plans.add(db, actor, "measure", int(goal_id), draft=True, title_fi=title, title_sv=title_sv)
            link = {"goal_id": int(goal_id), "measure_id": item_id}
        stamp = now()
        save_version(
            db,
            actor,
            "workshop_proposals",
            "workshop_proposal",
            proposal,
            {**link, "promoted_at": stamp, "promoted_by": actor.name},
            action="promote",
            stamp=stamp,
            audit_before=None,
            audit_after=link,
        )
    return item_id


# ---------------------------------------------------------------- live figures and results
def live(db: Database, workshop_id: int, round_id: int | None = None, day: bool = False) -> dict:
    """Everything the projector shows about one round (the current one unless given; with `day`,
    every round), in a few cheap queries; participants are the workshop's."""
    if round_id is None and not day:
        round_id = stage(db, workshop_id)[1]
    w = {"w": workshop_id, "r": round_id}
    participants = db.execute("select count(*) from workshop_participants where workshop_id = :w", w).fetchone()[0]
    votes, voters = db.execute(
        "select count(*), count(distinct v.participant_id) from workshop_votes v "
        "join workshop_proposals p on p.id = v.proposal_id where v.workshop_id = :w and (:r is null or p.round_id = :r)",
        w,
    ).fetchone()
    by_area = {
        r[0]: r[1]
        for r in db.execute(
            "select focus_area_id, count(*) from workshop_proposals where workshop_id = :w and hidden = 0 "
            "and merged_into is null and (:r is null or round_id = :r) group by focus_area_id",
            w,
        )
    }
    visible = [p for p in proposals(db, workshop_id, round_id) if not p["hidden"] and not p["merged_into"]]
    return {
        "participants": participants,
        "proposals": len(visible),
        "votes": votes,
        "voters": voters,
        "by_area": by_area,
        "ranking": visible,
    }


def results(db: Database, workshop_id: int, lang: str, round_id: int | None = None) -> tuple[list[str], list[list]]:
    """Header and rows of the results table in the given language: one round's, or the day's
    (every round, ranked within its round, in round order)."""
    workshop = get(db, workshop_id)
    positions = {r["id"]: r["position"] for r in rounds(db, workshop_id)}
    tree = plans.tree(db, workshop["plan_id"], include_drafts=True)  # proposals name the drafts they became
    areas = {a["id"]: plans.title_in(a, lang) for a in tree}
    goals = {g["id"]: plans.title_in(g, lang) for a in tree for g in a["goals"]}
    status = {True: i18n.t("workshop.status.hidden", lang), False: i18n.t("workshop.status.visible", lang)}
    header = [
        i18n.t(f"workshop.col.{c}", lang)
        for c in ("rank", "proposal", "focus_area", "votes", "voters", "status", "merged", "goal")
    ]
    header.append(i18n.t("workshop_room.col.round", lang))
    out: list[list] = []
    ranks: dict[int, int] = {}
    ranked = sorted(proposals(db, workshop_id, round_id), key=lambda p: positions.get(p["round_id"], 0))  # stable
    for p in ranked:
        if p["merged_into"]:
            continue
        ranks[p["round_id"]] = rank = ranks.get(p["round_id"], 0) + 1
        out.append(
            [
                rank,
                p["text"],
                areas.get(p["focus_area_id"], ""),
                p["votes"],
                p["voters"],
                status[bool(p["hidden"])],
                " | ".join(m["text"] for m in p["merged"]),
                goals.get(p["goal_id"], "") if p["goal_id"] else "",
                positions.get(p["round_id"], 1),
            ]
        )
    return header, out


# ---------------------------------------------------------------- who took part, and the day's feedback
def background_label(db: Database, workshop: dict, key: str, value, lang: str) -> str:
    if value in (None, ""):
        return i18n.t("workshop_room.no_answer", lang)
    if key == "municipality" and value != "other":
        try:
            return plans.org_name(plans.get_organisation(db, int(value)), lang)
        except (LapeError, ValueError):
            return str(value)
    return i18n.t(f"workshop_room.bg.{key}.{value}", lang)


def participation(db: Database, workshop_id: int) -> dict[str, list[tuple[str | None, int]]]:
    """Participants per answer of each background question the workshop asks, for the plan's
    participation record: {key: [(answer or None, count), ...]} in the options' order."""
    workshop = get(db, workshop_id)
    out = {}
    for key in workshop["background"]:
        counts = {
            r[0]: r[1]
            for r in db.execute(
                f"select {key}, count(*) from workshop_participants where workshop_id = ? group by {key}", [workshop_id]
            )
        }
        order = background_options(db, workshop, key) + [None]
        out[key] = [(value, counts[value]) for value in order if counts.get(value)]
    return out


def split(db: Database, workshop_id: int, key: str, round_id: int | None = None) -> dict:
    """Votes per proposal by the voters' answer to one background question ("what did young
    people choose"), shown so that no one's votes can be picked out:
    - an answer (None: not answered) given by fewer than MIN_GROUP participants is pooled with
      the other such answers under "small";
    - a pool still under MIN_GROUP (one elected official in the room) is not shown on its own,
      nor left out (the proposal's total minus the shown columns would give it back): it is
      counted with the smallest shown group (the later one in the answers' order on a tie),
      whose key becomes ("small", answer) and whose label says it is combined (`split_label`);
    - when pooling leaves a single group ("small", or combined), which would only repeat the
      totals under a puzzling name, there is no split (no groups, empty votes). A room where
      everyone gave the same answer keeps that one group: it names no one and says who chose.
    Every vote is then in exactly one shown column. Groups are the workshop's participants, not
    a round's voters, so a round's split and the whole day's use the same groups.
    Returns {"groups": [(group, participants)], "combined": the combined group or None,
    "rows": [{"id", "text", "round", "total", "hidden", "votes": {group: n}}]}."""
    workshop = get(db, workshop_id)
    if key not in workshop["background"]:
        raise ValidationError("error.invalid", field="workshop_background")
    sizes = {
        r[0]: r[1]
        for r in db.execute(
            f"select {key}, count(*) from workshop_participants where workshop_id = ? group by {key}", [workshop_id]
        )
    }
    order = background_options(db, workshop, key) + [None]
    order += [v for v in sizes if v not in order]  # an answer no longer offered (a municipality left the plan)
    shown = [v for v in order if sizes.get(v, 0) >= MIN_GROUP]
    small = sum(n for v, n in sizes.items() if n < MIN_GROUP)
    into: dict[str | None, object] = {v: v for v in shown}  # answer -> its shown group
    combined: tuple[str, str | None] | None = None
    if small and small < MIN_GROUP and shown:
        target = min(reversed(shown), key=lambda v: sizes[v])  # the smallest; the later on a tie
        combined = ("small", target)
        into[target] = combined
    pooled_into = combined or "small"
    groups = [(into[v], sizes[v] + (small if into[v] == combined else 0)) for v in shown]
    if small and not combined:
        groups.append(("small", small))
    if len(groups) < 2 and (small or not groups):
        groups, combined = [], None  # one pooled group is everyone: no split

    def group(value):
        return into.get(value, pooled_into)

    votes: dict[int, dict] = {}
    if groups:
        for proposal_id, value, n in db.execute(
            f"select v.proposal_id, pa.{key}, count(*) from workshop_votes v "
            f"join workshop_participants pa on pa.id = v.participant_id "
            f"where v.workshop_id = ? group by v.proposal_id, pa.{key}",
            [workshop_id],
        ):
            per = votes.setdefault(proposal_id, {})
            per[group(value)] = per.get(group(value), 0) + n
    positions = {r["id"]: r["position"] for r in rounds(db, workshop_id)}
    rows = [
        {
            "id": p["id"],
            "text": p["text"],
            "round": positions.get(p["round_id"], 1),
            "total": p["votes"],
            "hidden": bool(p["hidden"]),
            "votes": votes.get(p["id"], {}),
        }
        for p in sorted(proposals(db, workshop_id, round_id), key=lambda p: positions.get(p["round_id"], 0))
        if not p["merged_into"]
    ]
    return {"groups": groups, "combined": combined, "rows": rows}


def split_label(db: Database, workshop: dict, key: str, value, lang: str) -> str:
    """A group of `split`: an answer, the pooled small groups, or an answer combined with them."""
    if value == "small":
        return i18n.t("workshop_room.small_groups", lang, min=MIN_GROUP)
    if isinstance(value, tuple):
        return i18n.t(
            "workshop_room.combined_group",
            lang,
            group=background_label(db, workshop, key, value[1], lang),
            small=i18n.t("workshop_room.small_groups", lang, min=MIN_GROUP),
        )
    return background_label(db, workshop, key, value, lang)


def give_feedback(db: Database, token, grade, comment="") -> None:
    """The day's feedback from a participant once the workshop is closed: a grade 4–10 and an
    optional comment. Sending again replaces the participant's earlier feedback (one per person)."""
    comment = plans.clean_text(comment, "workshop_comment", max_len=COMMENT_MAX, multiline=True)
    grade = validation.whole(grade, "workshop_grade", "workshop_room.error.grade", low=GRADES[0], high=GRADES[-1])
    with write(db):
        person = participant(db, token)
        if person["workshop"]["phase"] != "closed":
            raise ValidationError("workshop_room.error.not_closed")
        db.execute(
            "insert into workshop_feedback (workshop_id, participant_id, grade, comment, given_at) "
            "values (?, ?, ?, ?, ?) on conflict (workshop_id, participant_id) do update set "
            "grade = excluded.grade, comment = excluded.comment, given_at = excluded.given_at",
            [person["workshop_id"], person["id"], grade, comment, now()],
        )
        audit(db, _participant_actor(person), "workshop", person["workshop_id"], "feedback")


def my_feedback(db: Database, participant_id: int) -> dict | None:
    row = db.execute(
        "select grade, comment from workshop_feedback where participant_id = ?", [participant_id]
    ).fetchone()
    return {"grade": row[0], "comment": row[1]} if row else None


def feedback(db: Database, workshop_id: int) -> dict:
    """The day's feedback: how many gave it, the mean grade (None when none), grades and comments."""
    rows = db.execute(
        "select grade, comment from workshop_feedback where workshop_id = ? order by id", [workshop_id]
    ).fetchall()
    grades = [r[0] for r in rows]
    return {
        "count": len(grades),
        "mean": sum(grades) / len(grades) if grades else None,
        "grades": {g: grades.count(g) for g in GRADES if g in grades},
        "comments": [r[1] for r in rows if r[1]],
    }


def results_csv(db: Database, workshop_id: int, lang: str) -> bytes:
    """The day's ranked results; then, after an empty line each, the votes by group, the
    participants by group and the feedback, when the workshop has them."""
    header, rows = results(db, workshop_id, lang)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_safe(v) for v in row])
    for table in _extra_tables(db, workshop_id, lang):
        writer.writerow([])
        for row in table[1]:  # a mean grade with the language's decimal comma, as Excel reads it there
            writer.writerow([i18n.number(v, lang, 2) if isinstance(v, float) else csv_safe(v) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _extra_tables(db: Database, workshop_id: int, lang: str) -> list[tuple[str, list[list]]]:
    """(sheet name, rows) of the votes by group, participants by group and the feedback."""
    workshop = get(db, workshop_id)
    t = partial(i18n.t, lang=lang)
    tables = []
    for key in workshop["background"]:
        data = split(db, workshop_id, key)
        labels = [split_label(db, workshop, key, g, lang) for g, _ in data["groups"]]
        rows = [
            [t(f"workshop_room.bg.{key}")],
            [t("workshop_room.col.round"), t("workshop.col.proposal"), t("workshop.col.votes"), *labels],
            ["", t("workshop.count.participants"), "", *[n for _, n in data["groups"]]],
        ]
        if not data["groups"]:
            rows.insert(1, [t("workshop_room.split_none", min=MIN_GROUP)])  # why the sheet has no groups
        rows += [
            [r["round"], r["text"], r["total"], *[r["votes"].get(g, 0) for g, _ in data["groups"]]]
            for r in data["rows"]
        ]
        tables.append((t(f"workshop_room.bg.{key}"), rows))
    if workshop["background"]:
        rows = [[t("workshop_room.participation")]]
        for key, counts in participation(db, workshop_id).items():
            rows += [[t(f"workshop_room.bg.{key}"), background_label(db, workshop, key, v, lang), n] for v, n in counts]
        tables.append((t("workshop_room.participation"), rows))
    given = feedback(db, workshop_id)
    if given["count"]:
        rows = [
            [t("workshop_room.feedback")],
            [t("workshop_room.feedback_count"), given["count"]],
            [t("workshop_room.feedback_mean"), round(given["mean"], 2)],
            *[[t("workshop_room.grade_n", grade=g), n] for g, n in given["grades"].items()],
            [t("workshop_room.comments")],
            *[[c] for c in given["comments"]],
        ]
        tables.append((t("workshop_room.feedback"), rows))
    return tables


def results_xlsx(db: Database, workshop_id: int, lang: str) -> bytes:
    """The results as a workbook, every cell through the shared xlsx writer (its styles; text
    stays text exactly as written, never a formula; characters XML cannot hold are dropped)."""
    from . import xlsx

    workshop = get(db, workshop_id)
    header, rows = results(db, workshop_id, lang)
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = i18n.t("workshop.sheet.results", lang)[:31]
    put(sheet, 1, 1, workshop["title"], "lape_title")
    line = 2
    if workshop["question"]:
        put(sheet, line, 1, workshop["question"], "lape_plain")
        line += 1
    line += 1  # a blank row before the table
    put_row(sheet, line, header, "lape_header")
    sheet.freeze_panes = f"A{line + 1}"  # a string: sheet.cell() would create a row
    for r_i, row in enumerate(rows, line + 1):
        put_row(sheet, r_i, row, "lape_text")
    for col, width in zip("ABCDEFGHI", (6, 60, 30, 8, 8, 12, 40, 40, 8)):
        sheet.column_dimensions[col].width = width
    for name, rows in _extra_tables(db, workshop_id, lang):
        extra = book.create_sheet(xlsx.sheet_title(name, {n.lower() for n in book.sheetnames}))
        for r_i, row in enumerate(rows, 1):
            put_row(extra, r_i, row, "lape_label" if r_i == 1 else "lape_text")
        extra.column_dimensions["A"].width = 30
        extra.column_dimensions["B"].width = 60
    return xlsx.workbook_bytes(book)


# ---------------------------------------------------------------- join link and QR code
def unreachable_host(url: str) -> str | None:
    """The host of a join link that phones in the room cannot reach (localhost, a loopback or
    unspecified address): a QR code of it joins nobody. None when the host looks reachable."""
    host = (urlsplit(url).hostname or "").lower()
    if not host:
        return url or "?"
    if host == "localhost" or host.endswith(".localhost"):
        return host
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    return host if address.is_loopback or address.is_unspecified or address.is_link_local else None


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


def projector_page(
    items: list, clock: float, seconds: float = 9.0, size: int = PROJECTOR_PAGE
) -> tuple[list, int, int]:
    """The page of `items` the projector shows at `clock` (seconds), turning every `seconds`:
    (items on it, page number from 1, pages). Long lists rotate instead of running off the screen."""
    pages = max(1, -(-len(items) // size))
    page = int(clock // seconds) % pages
    return items[page * size : (page + 1) * size], page + 1, pages


def ranking_alt(ranking: list[dict], lang: str, top: int = 10) -> str:
    """The ranking chart's text alternative: the same proposals and counts, in order."""
    ordered = sorted(ranking, key=lambda p: (-p["votes"], p["id"]))[:top]
    if not ordered:
        return i18n.t("a11y.ranking_alt_empty", lang)
    items = "; ".join(f"{i}. {p['text']}: {i18n.t('a11y.votes', lang, n=p['votes'])}" for i, p in enumerate(ordered, 1))
    return i18n.t("a11y.ranking_alt", lang, items=items)
