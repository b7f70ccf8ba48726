"""Accounts, password hashing, login throttling and permissions.

Permissions are checked inside every write function of lape_plan, not only by
hiding buttons: the UI is never trusted to have asked first."""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlite_utils import Database

from .db import audit, now, write
from .errors import LapeError, NotFound, PermissionDenied, ValidationError, require_version
from .model import Actor, Role

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
MIN_PASSWORD = 10
_hasher = PasswordHasher()
# Verified against when the username is unknown, so both cases take the same time.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class LoginFailed(LapeError):
    key = "error.login_failed"


class AccountLocked(LapeError):
    key = "error.account_locked"


# ---------------------------------------------------------------- permissions
def require_admin(actor: Actor) -> None:
    if actor.role != Role.ADMIN:
        raise PermissionDenied("error.permission", action="admin")


def require_plan_editor(actor: Actor) -> None:
    """Structure of the plan (focus areas, new goals, plan settings, organisations)."""
    if actor.role not in (Role.ADMIN, Role.FACILITATOR):
        raise PermissionDenied("error.permission", action="plan.edit")


def require_org_editor(actor: Actor, org_ids) -> None:
    """Items an organisation answers for: coordinators always; members for their organisations."""
    if actor.role in (Role.ADMIN, Role.FACILITATOR):
        return
    if actor.role == Role.MEMBER and set(org_ids) & set(actor.org_ids):
        return
    raise PermissionDenied("error.permission", action="item.edit")


def require_facilitator(actor: Actor) -> None:
    if actor.role not in (Role.ADMIN, Role.FACILITATOR):
        raise PermissionDenied("error.permission", action="workshop")


# ---------------------------------------------------------------- accounts
def _clean_role(role) -> str:
    try:
        return Role(role).value
    except ValueError:
        raise ValidationError("error.invalid", field="role") from None


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise ValidationError("error.password_short", field="password", min=MIN_PASSWORD)


def has_users(db: Database) -> bool:
    return db.execute("select 1 from users limit 1").fetchone() is not None


def create_user(db: Database, actor: Actor, username: str, password: str, role=Role.MEMBER,
                display_name: str = "", email: str = "", org_ids=()) -> int:
    """Create an account. Only an administrator may, except for the very first account,
    which must be an administrator (the one-time setup)."""
    from .plans import _check_orgs, clean_text

    username = clean_text(username, "username", required=True, max_len=80).lower()
    display_name = clean_text(display_name, "display_name", max_len=120) or username
    email = clean_text(email, "email", max_len=200).lower()
    if email and "@" not in email:
        raise ValidationError("error.invalid", field="email")
    role = _clean_role(role)
    _check_password(password)
    with write(db):
        first = not has_users(db)
        if first:
            if role != Role.ADMIN:
                raise ValidationError("error.first_user_admin", field="role")
        else:
            require_admin(actor)
        if db.execute("select 1 from users where username = ?", [username]).fetchone():
            raise ValidationError("error.username_taken", field="username", username=username)
        _check_orgs(db, org_ids)
        row = {"username": username, "display_name": display_name, "email": email or None,
               "password_hash": _hasher.hash(password), "role": role, "active": 1, "failed_logins": 0,
               "created_at": now(), "version": 1, "updated_at": now(), "updated_by": actor.name}
        user_id = db["users"].insert(row).last_pk
        db["user_organisations"].insert_all([{"user_id": user_id, "org_id": o} for o in org_ids])
        audit(db, actor, "user", user_id, "create",
              after={k: v for k, v in row.items() if k != "password_hash"} | {"org_ids": list(org_ids)})
    return user_id


def get_user(db: Database, user_id: int) -> dict:
    rows = list(db.query("select * from users where id = ?", [user_id]))
    if not rows:
        raise NotFound("error.not_found", entity="user", id=user_id)
    user = rows[0]
    user["org_ids"] = [r["org_id"] for r in db.query(
        "select org_id from user_organisations where user_id = ? order by org_id", [user_id])]
    return user


def users(db: Database) -> list[dict]:
    return [get_user(db, r["id"]) for r in db.query("select id from users order by username")]


def actor_for(db: Database, user_id: int) -> Actor | None:
    """The Actor of an active account, read fresh so role changes apply at once."""
    try:
        user = get_user(db, user_id)
    except NotFound:
        return None
    if not user["active"]:
        return None
    return Actor(name=user["display_name"] or user["username"], role=Role(user["role"]), user_id=user["id"],
                 org_ids=frozenset(user["org_ids"]))


def authenticate(db: Database, username: str, password: str, at: dt.datetime | None = None) -> Actor:
    """Check a password. After MAX_FAILED_LOGINS failures in a row the account is
    locked for LOCK_MINUTES; the same message is given for unknown users and wrong passwords."""
    at = at or dt.datetime.now(dt.timezone.utc)
    username = (username or "").strip().lower()
    with write(db):
        rows = list(db.query("select * from users where username = ?", [username]))
        user = rows[0] if rows else None
        if user and user["locked_until"] and dt.datetime.fromisoformat(user["locked_until"]) > at:
            raise AccountLocked(until=user["locked_until"])
        try:
            _hasher.verify(user["password_hash"] if user else _DUMMY_HASH, password or "")
            ok = user is not None and bool(user["active"])
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            if user:
                failed = (user["failed_logins"] or 0) + 1
                locked = (at + dt.timedelta(minutes=LOCK_MINUTES)).isoformat(timespec="seconds") \
                    if failed >= MAX_FAILED_LOGINS else None
                db["users"].update(user["id"], {"failed_logins": 0 if locked else failed, "locked_until": locked})
                audit(db, Actor(name=username), "user", user["id"], "login_failed", after={"locked_until": locked})
        else:
            changes = {"failed_logins": 0, "locked_until": None, "last_login_at": at.isoformat(timespec="seconds")}
            if _hasher.check_needs_rehash(user["password_hash"]):
                changes["password_hash"] = _hasher.hash(password)
            db["users"].update(user["id"], changes)
    if not ok:
        raise LoginFailed()
    return actor_for(db, user["id"])


def user_by_email(db: Database, email: str) -> Actor | None:
    """Single sign-on: the local account with this e-mail gives the role."""
    if not email:
        return None
    row = db.execute("select id from users where email = ? and active = 1", [email.strip().lower()]).fetchone()
    return actor_for(db, row[0]) if row else None


def set_password(db: Database, actor: Actor, user_id: int, password: str) -> None:
    if actor.user_id != user_id:
        require_admin(actor)
    _check_password(password)
    with write(db):
        get_user(db, user_id)
        db["users"].update(user_id, {"password_hash": _hasher.hash(password), "failed_logins": 0,
                                     "locked_until": None, "updated_at": now(), "updated_by": actor.name})
        audit(db, actor, "user", user_id, "set_password")


def update_user(db: Database, actor: Actor, user_id: int, expected_version: int, **changes) -> int:
    """Change role, organisations, name, e-mail or active flag."""
    from .plans import _check_orgs, clean_text

    require_admin(actor)
    with write(db):
        before = get_user(db, user_id)
        require_version(before, expected_version)
        row = {}
        if "role" in changes:
            row["role"] = _clean_role(changes["role"])
        if "active" in changes:
            row["active"] = int(bool(changes["active"]))
        if "display_name" in changes:
            row["display_name"] = clean_text(changes["display_name"], "display_name", max_len=120) or before["username"]
        if "email" in changes:
            row["email"] = clean_text(changes["email"], "email", max_len=200).lower() or None
        demoted = row.get("role", before["role"]) != Role.ADMIN or not row.get("active", before["active"])
        if before["role"] == Role.ADMIN and before["active"] and demoted:
            others = db.execute("select count(*) from users where role = 'admin' and active = 1 and id != ?",
                                [user_id]).fetchone()[0]
            if not others:
                raise ValidationError("error.last_admin", field="role")
        org_ids = changes.get("org_ids")
        if org_ids is not None:
            org_ids = sorted({int(o) for o in org_ids})
            _check_orgs(db, org_ids)
            db["user_organisations"].delete_where("user_id = ?", [user_id])
            db["user_organisations"].insert_all([{"user_id": user_id, "org_id": o} for o in org_ids])
        row.update({"version": before["version"] + 1, "updated_at": now(), "updated_by": actor.name})
        db["users"].update(user_id, row)
        audit(db, actor, "user", user_id, "update",
              before={k: before[k] for k in row if k in before} | {"org_ids": before["org_ids"]},
              after=row | {"org_ids": org_ids if org_ids is not None else before["org_ids"]})
    return row["version"]


# ---------------------------------------------------------------- browser sessions
SESSION_COOKIE = "lape_session"
# last_seen is written at most this often: not one write per rerun
_SEEN_EVERY = dt.timedelta(minutes=1)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(db: Database, user_id: int, at: dt.datetime | None = None) -> str:
    """A new random session token for a signed-in user (kept in a browser cookie); the
    database keeps only its hash."""
    token = secrets.token_urlsafe(32)
    stamp = (at or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    with write(db):
        db["sessions"].insert({"token_hash": _token_hash(token), "user_id": user_id, "created_at": stamp,
                               "last_seen": stamp})
    return token


def resume_session(db: Database, token: str | None, timeout_seconds: int,
                   at: dt.datetime | None = None) -> Actor | None:
    """The actor of a session token, or None when the token is unknown, was idle longer
    than `timeout_seconds` (it is then removed) or its account is no longer active."""
    if not isinstance(token, str) or not token:
        return None
    at = at or dt.datetime.now(dt.timezone.utc)
    key = _token_hash(token)
    row = db.execute("select user_id, last_seen from sessions where token_hash = ?", [key]).fetchone()
    if row is None:
        return None
    idle = at - dt.datetime.fromisoformat(row[1])
    actor = actor_for(db, row[0]) if idle <= dt.timedelta(seconds=timeout_seconds) else None
    if actor is None:
        end_session(db, token)
    elif idle >= _SEEN_EVERY:  # a write lock only when there is something to write
        with write(db):
            db.execute("update sessions set last_seen = ? where token_hash = ?",
                       [at.isoformat(timespec="seconds"), key])
    return actor


def end_session(db: Database, token: str | None) -> None:
    if token:
        with write(db):
            db.execute("delete from sessions where token_hash = ?", [_token_hash(token)])
