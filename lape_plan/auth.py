"""Accounts, password hashing, login throttling and permissions.

Permissions are checked inside every write function of lape_plan, not only by
hiding buttons: the UI is never trusted to have asked first."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn
from sqlite_utils import Database

from . import config, throttle
from .db import audit, get_or_not_found, insert_row, now, save_version, write
from .errors import LapeError, NotFound, PermissionDenied, ValidationError, require_version
from .model import Actor, Role
from .validation import check_orgs, clean_text

MIN_PASSWORD = 10
PASSWORD_MAX = 256  # hashing and strength-checking cost grows with the length
# A password that zxcvbn's estimate guesses in fewer than 10^6 tries is refused: common
# passwords (its list of 30,000), keyboard patterns, repeats, sequences and simple variants.
MIN_GUESSES_LOG10 = 6
# Context words (NIST SP 800-63B: the service's name and the like), added to zxcvbn's lists.
_CONTEXT_WORDS = ("lape", "lapeplan", "salasana", "lösenord", "losenord")
_hasher = PasswordHasher()
# Verified against when the username is unknown or the client must wait, so that every
# answer to a sign-in costs the same.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


class LoginFailed(LapeError):
    key = "error.login_failed"


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


def check_password(password: str, username: str = "") -> None:
    """Refuse a password that is short (spaces at either end do not count), too long,
    little more than the username, or common or easy to guess."""
    password = password or ""
    if len(password) > PASSWORD_MAX:
        raise ValidationError("error.too_long", field="password", max=PASSWORD_MAX, length=len(password))
    if len(password.strip()) < MIN_PASSWORD:
        raise ValidationError("error.password_short", field="password", min=MIN_PASSWORD)
    name = (username or "").strip().casefold()
    if name and name in password.casefold() and len(password) - len(name) < MIN_PASSWORD:
        raise ValidationError("error.password_username", field="password", min=MIN_PASSWORD)
    # zxcvbn refuses more than 72 characters (its cost grows fast); the start decides
    if zxcvbn(password[:72], user_inputs=[name, *_CONTEXT_WORDS])["guesses_log10"] < MIN_GUESSES_LOG10:
        raise ValidationError("error.password_common", field="password")


def has_users(db: Database) -> bool:
    return db.execute("select 1 from users limit 1").fetchone() is not None


def create_user(
    db: Database,
    actor: Actor,
    username: str,
    password: str,
    role=Role.MEMBER,
    display_name: str = "",
    email: str = "",
    org_ids=(),
) -> int:
    """Create an account. Only an administrator may, except for the very first account,
    which must be an administrator (the one-time setup)."""
    username = clean_text(username, "username", required=True, max_len=80).lower()
    display_name = clean_text(display_name, "display_name", max_len=120) or username
    email = clean_text(email, "email", max_len=200).lower()
    if email and "@" not in email:
        raise ValidationError("error.invalid", field="email")
    role = _clean_role(role)
    check_password(password, username)
    hashed = _hasher.hash(password)  # before the write lock: hashing takes ~0.2 s
    with write(db):
        first = not has_users(db)
        if first:
            if role != Role.ADMIN:
                raise ValidationError("error.first_user_admin", field="role")
        else:
            require_admin(actor)
        if db.execute("select 1 from users where username = ?", [username]).fetchone():
            raise ValidationError("error.username_taken", field="username", username=username)
        check_orgs(db, org_ids)
        row = {
            "username": username,
            "display_name": display_name,
            "email": email or None,
            "password_hash": hashed,
            "role": role,
            "active": 1,
            "failed_logins": 0,
            "created_at": now(),
            "version": 1,
            "updated_at": now(),
            "updated_by": actor.name,
        }
        user_id = insert_row(db, "users", row)
        db.table("user_organisations").insert_all([{"user_id": user_id, "org_id": o} for o in org_ids])
        audit(
            db,
            actor,
            "user",
            user_id,
            "create",
            after={k: v for k, v in row.items() if k != "password_hash"} | {"org_ids": list(org_ids)},
        )
    return user_id


def get_user(db: Database, user_id: int) -> dict:
    user = get_or_not_found(db, "users", user_id, entity="user")
    user["org_ids"] = [
        r["org_id"]
        for r in db.query("select org_id from user_organisations where user_id = ? order by org_id", [user_id])
    ]
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
    return Actor(
        name=user["display_name"] or user["username"],
        role=Role(user["role"]),
        user_id=user["id"],
        org_ids=frozenset(user["org_ids"]),
    )


def authenticate(db: Database, username: str, password: str, at: dt.datetime | None = None, client=None) -> Actor:
    """Check a password. `client` (network address, else browser session) is throttled: after
    throttle.LOGIN_CLIENT.limit failures, or LOGIN_ACCOUNT.limit for one username, within the
    window it gets TooManyAttempts whatever it sends. Counting per client, not per account,
    means nobody can lock an owner out by failing on purpose. Unknown users, wrong passwords,
    inactive accounts and throttled clients all cost one Argon2 verification, so neither the
    message nor the time tells whether an account exists. The verification runs outside the
    write lock (~0.2 s), which is taken only to record the result."""
    at = at or dt.datetime.now(dt.timezone.utc)
    username = (username or "").strip().lower()
    wait = max(throttle.LOGIN_CLIENT.retry_after(client), throttle.LOGIN_ACCOUNT.retry_after((client, username)))
    rows = list(db.query("select id, password_hash, active from users where username = ?", [username]))
    user = rows[0] if rows and not wait else None
    stored = user["password_hash"] if user else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
        ok = user is not None and bool(user["active"])
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:  # a refused attempt of a throttled client counts too: hammering keeps it waiting
        throttle.LOGIN_CLIENT.record(client)
        throttle.LOGIN_ACCOUNT.record((client, username))
    throttle.refuse(wait)
    if not ok or user is None:  # ok means a user was found
        if user:
            with write(db):
                db.execute("update users set failed_logins = coalesce(failed_logins, 0) + 1 where id = ?", [user["id"]])
                audit(db, Actor(name=username), "user", user["id"], "login_failed")
        raise LoginFailed()
    changes = {"failed_logins": 0, "locked_until": None, "last_login_at": at.isoformat(timespec="seconds")}
    if _hasher.check_needs_rehash(stored):
        changes["password_hash"] = _hasher.hash(password)
    with write(db, audit=False):  # sign-in bookkeeping; refused sign-ins are audited above
        current = db.execute("select password_hash, active from users where id = ?", [user["id"]]).fetchone()
        if current is None or current[0] != stored or not current[1]:
            raise LoginFailed()  # the password changed or the account was closed while verifying
        db.table("users").update(user["id"], changes)
    throttle.LOGIN_ACCOUNT.clear((client, username))
    actor = actor_for(db, user["id"])
    if actor is None:  # the account was closed since the check above
        raise LoginFailed()
    return actor


def user_by_email(db: Database, email: str) -> Actor | None:
    """Single sign-on: the local account with this e-mail gives the role."""
    if not email:
        return None
    row = db.execute("select id from users where email = ? and active = 1", [email.strip().lower()]).fetchone()
    return actor_for(db, row[0]) if row else None


def set_password(db: Database, actor: Actor, user_id: int, password: str, keep_session: str | None = None) -> None:
    """Set a password and end the user's sessions everywhere, so that a device signed in with
    the old password is signed out. `keep_session`: the token of the session in which users
    change their own password, which stays signed in; any other change ends them all."""
    if actor.user_id != user_id:
        require_admin(actor)
    check_password(password, get_user(db, user_id)["username"])
    keep = _token_hash(keep_session) if keep_session and actor.user_id == user_id else ""
    hashed = _hasher.hash(password)  # before the write lock: hashing takes ~0.2 s
    with write(db):
        get_user(db, user_id)
        db.table("users").update(
            user_id,
            {
                "password_hash": hashed,
                "failed_logins": 0,
                "locked_until": None,  # a lock set by older versions
                "updated_at": now(),
                "updated_by": actor.name,
            },
        )
        ended = db.execute("delete from sessions where user_id = ? and token_hash != ?", [user_id, keep]).rowcount
        audit(db, actor, "user", user_id, "set_password", after={"sessions_ended": ended})


def update_user(db: Database, actor: Actor, user_id: int, expected_version: int, **changes) -> int:
    """Change role, organisations, name, e-mail or active flag."""
    require_admin(actor)
    with write(db):
        before = get_user(db, user_id)
        require_version(before, expected_version)
        row: dict[str, str | int | None] = {}
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
            others = db.execute(
                "select count(*) from users where role = 'admin' and active = 1 and id != ?", [user_id]
            ).fetchone()[0]
            if not others:
                raise ValidationError("error.last_admin", field="role")
        org_ids = changes.get("org_ids")
        if org_ids is not None:
            org_ids = sorted({int(o) for o in org_ids})
            check_orgs(db, org_ids)
            db.table("user_organisations").delete_where("user_id = ?", [user_id])
            db.table("user_organisations").insert_all([{"user_id": user_id, "org_id": o} for o in org_ids])
        return save_version(
            db,
            actor,
            "users",
            "user",
            before,
            row,
            audit_before={k: before[k] for k in row if k in before} | {"org_ids": before["org_ids"]},
            audit_after=row | {"org_ids": org_ids if org_ids is not None else before["org_ids"]},
        )


# ---------------------------------------------------------------- browser sessions
SESSION_COOKIE = "lape_session"
# last_seen is written at most this often: not one write per rerun
_SEEN_EVERY = dt.timedelta(minutes=1)
SESSION_TIMEOUT_MINUTES = 60  # idle
SESSION_MAX_HOURS = 12  # absolute: a session used every hour still ends


def session_limits() -> tuple[int, int]:
    """(idle timeout, absolute lifetime) of a session in seconds: `session_timeout_minutes`
    and `session_max_hours` in secrets.toml."""
    conf = config.secrets()
    return (
        int(conf.get("session_timeout_minutes", SESSION_TIMEOUT_MINUTES)) * 60,
        int(conf.get("session_max_hours", SESSION_MAX_HOURS)) * 3600,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _stamp(at: dt.datetime) -> str:
    return at.isoformat(timespec="seconds")


def start_session(
    db: Database, user_id: int, at: dt.datetime | None = None, limits: tuple[int, int] | None = None
) -> str:
    """A new random session token for a signed-in user (kept in a browser cookie); the
    database keeps only its hash. Sessions of anyone that are past their idle timeout or
    lifetime (`limits`, see session_limits) are deleted on the way."""
    token = secrets.token_urlsafe(32)
    at = at or dt.datetime.now(dt.timezone.utc)
    idle, max_age = limits or session_limits()
    with write(db, audit=False):  # sessions are not plan data
        db.execute(
            "delete from sessions where last_seen < ? or created_at < ?",
            [_stamp(at - dt.timedelta(seconds=idle)), _stamp(at - dt.timedelta(seconds=max_age))],
        )
        db.table("sessions").insert(
            {"token_hash": _token_hash(token), "user_id": user_id, "created_at": _stamp(at), "last_seen": _stamp(at)}
        )
    return token


def resume_session(
    db: Database,
    token: str | None,
    timeout_seconds: int,
    at: dt.datetime | None = None,
    max_age_seconds: int = SESSION_MAX_HOURS * 3600,
) -> Actor | None:
    """The actor of a session token, or None when the token is unknown, was idle longer
    than `timeout_seconds` or began more than `max_age_seconds` ago (it is then removed),
    or its account is no longer active."""
    if not isinstance(token, str) or not token:
        return None
    at = at or dt.datetime.now(dt.timezone.utc)
    key = _token_hash(token)
    row = db.execute("select user_id, last_seen, created_at from sessions where token_hash = ?", [key]).fetchone()
    if row is None:
        return None
    idle = at - dt.datetime.fromisoformat(row[1])
    age = at - dt.datetime.fromisoformat(row[2])
    alive = idle <= dt.timedelta(seconds=timeout_seconds) and age <= dt.timedelta(seconds=max_age_seconds)
    actor = actor_for(db, row[0]) if alive else None
    if actor is None:
        end_session(db, token)
    elif idle >= _SEEN_EVERY:  # a write lock only when there is something to write
        with write(db, audit=False):  # sessions are not plan data
            db.execute("update sessions set last_seen = ? where token_hash = ?", [_stamp(at), key])
    return actor


def end_session(db: Database, token: str | None) -> None:
    if token:
        with write(db, audit=False):  # sessions are not plan data
            db.execute("delete from sessions where token_hash = ?", [_token_hash(token)])
