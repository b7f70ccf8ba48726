"""Accounts: local users with hashed passwords, their organisations, plan permission settings."""

from .db import migrations


@migrations(name="0100_accounts")
def accounts(db):
    db["users"].create(
        {
            "id": int,
            "username": str,
            "display_name": str,
            "email": str,
            "password_hash": str,
            "role": str,
            "active": int,
            "failed_logins": int,
            "locked_until": str,
            "last_login_at": str,
            "created_at": str,
            "version": int,
            "updated_at": str,
            "updated_by": str,
        },
        pk="id",
        not_null={"username", "role"},
        defaults={"active": 1, "failed_logins": 0, "version": 1},
    )
    db["users"].create_index(["username"], unique=True)
    db["users"].create_index(["email"])
    db["user_organisations"].create(
        {"user_id": int, "org_id": int},
        pk=("user_id", "org_id"),
        foreign_keys=[("user_id", "users", "id"), ("org_id", "organisations", "id")],
    )
    # Who may edit goals shared by the whole plan area: "responsible" (members of the
    # goal's responsible organisations) or "coordinators" (administrators and facilitators only).
    db["plans"].add_column("shared_goal_editing", str, not_null_default="responsible")


@migrations(name="0101_sessions")
def sessions(db):
    # A signed-in browser's session, so that a page reload (a new Streamlit session) stays
    # signed in. Only a hash of the cookie's random token is kept.
    db["sessions"].create(
        {"token_hash": str, "user_id": int, "created_at": str, "last_seen": str},
        pk="token_hash",
        foreign_keys=[("user_id", "users", "id")],
    )
    db["sessions"].create_index(["user_id"])
