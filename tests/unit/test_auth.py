import datetime as dt

import pytest

from lape_plan import auth, plans
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role

PW = "correct-horse-battery"


def _org(db, code):
    return db.execute("select id from organisations where code = ?", [code]).fetchone()[0]


def test_first_user_must_be_admin_then_only_admins_create(demo_db):
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, Actor("x"), "eka", PW, role=Role.MEMBER)
    assert err.value.key == "error.first_user_admin"
    admin_id = auth.create_user(demo_db, Actor("x"), "Admin", PW, role=Role.ADMIN)
    admin = auth.actor_for(demo_db, admin_id)
    assert auth.get_user(demo_db, admin_id)["username"] == "admin"  # stored lower-case
    member_id = auth.create_user(demo_db, admin, "maija", PW, org_ids=[_org(demo_db, "272")])
    member = auth.actor_for(demo_db, member_id)
    assert member.role == Role.MEMBER and member.org_ids == {_org(demo_db, "272")}
    with pytest.raises(PermissionDenied):
        auth.create_user(demo_db, member, "toinen", PW)
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, admin, "MAIJA", PW)
    assert err.value.key == "error.username_taken"
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, admin, "lyhyt", "short")
    assert err.value.key == "error.password_short"


def test_password_is_hashed_with_argon2(db):
    user_id = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    stored = auth.get_user(db, user_id)["password_hash"]
    assert stored.startswith("$argon2id$") and PW not in stored


def test_login_wrong_password_and_lock_out(db):
    auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    start = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    assert auth.authenticate(db, "ADMIN ", PW, at=start).name == "admin"
    for i in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(db, "admin", "wrong", at=start)
    # locked: even the right password is refused until the lock ends
    with pytest.raises(auth.AccountLocked):
        auth.authenticate(db, "admin", PW, at=start + dt.timedelta(minutes=1))
    later = start + dt.timedelta(minutes=auth.LOCK_MINUTES + 1)
    assert auth.authenticate(db, "admin", PW, at=later).role == Role.ADMIN
    assert auth.get_user(db, 1)["failed_logins"] == 0


def test_unknown_user_gets_the_same_error(db):
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "nobody", PW)


def test_deactivated_user_cannot_sign_in_and_loses_session(demo_db):
    admin = auth.actor_for(demo_db, auth.create_user(demo_db, SYSTEM, "admin", PW, role=Role.ADMIN))
    uid = auth.create_user(demo_db, admin, "maija", PW)
    auth.update_user(demo_db, admin, uid, 1, active=False)
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(demo_db, "maija", PW)
    assert auth.actor_for(demo_db, uid) is None


def test_last_admin_cannot_be_demoted_and_stale_edit_refused(db):
    admin_id = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    admin = auth.actor_for(db, admin_id)
    with pytest.raises(ValidationError) as err:
        auth.update_user(db, admin, admin_id, 1, role=Role.VIEWER)
    assert err.value.key == "error.last_admin"
    other = auth.create_user(db, admin, "toinen", PW, role=Role.ADMIN)
    assert auth.update_user(db, admin, admin_id, 1, role=Role.VIEWER) == 2
    with pytest.raises(ConflictError):
        auth.update_user(db, auth.actor_for(db, other), admin_id, 1, role=Role.ADMIN)


def test_set_password_self_or_admin(db):
    admin = auth.actor_for(db, auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN))
    uid = auth.create_user(db, admin, "maija", PW)
    maija = auth.actor_for(db, uid)
    auth.set_password(db, maija, uid, "new-password-123")
    assert auth.authenticate(db, "maija", "new-password-123").user_id == uid
    other = auth.actor_for(db, auth.create_user(db, admin, "pekka", PW))
    with pytest.raises(PermissionDenied):
        auth.set_password(db, other, uid, "hijacked-password")


def test_sso_matches_by_email(db):
    admin = auth.actor_for(db, auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN))
    uid = auth.create_user(db, admin, "maija", PW, role=Role.FACILITATOR, email="Maija@Kokkola.fi")
    assert auth.user_by_email(db, "maija@kokkola.fi").user_id == uid
    assert auth.user_by_email(db, "unknown@kokkola.fi") is None


# ---------------------------------------------------------------- permission matrix
ROLES = [Role.ADMIN, Role.FACILITATOR, Role.MEMBER, Role.VIEWER]


def _actors(db):
    kokkola, halsua = _org(db, "272"), _org(db, "074")
    return {
        "admin": Actor("a", Role.ADMIN), "facilitator": Actor("f", Role.FACILITATOR),
        "member_own": Actor("m", Role.MEMBER, org_ids=frozenset({kokkola})),
        "member_other": Actor("o", Role.MEMBER, org_ids=frozenset({halsua})),
        "viewer": Actor("v", Role.VIEWER),
    }


def _fixture(db):
    plan_id = plans.plans(db)[0]["id"]
    area = plans.tree(db, plan_id)[0]
    goal = area["goals"][0]  # responsible: Soite and Kokkola
    measure = next(m for m in goal["measures"] if m["responsible_org_id"] == _org(db, "272"))
    return plan_id, area, goal, measure


ACTIONS = {
    "add focus area": lambda db, a, p, ar, g, m: plans.add(db, a, "focus_area", p, title_fi="x"),
    "add goal": lambda db, a, p, ar, g, m: plans.add(db, a, "goal", ar["id"], title_fi="x"),
    "edit goal": lambda db, a, p, ar, g, m: plans.update(db, a, "goal", g["id"], g["version"], title_fi="x"),
    "add measure": lambda db, a, p, ar, g, m: plans.add(db, a, "measure", g["id"], title_fi="x"),
    "edit measure": lambda db, a, p, ar, g, m: plans.update(db, a, "measure", m["id"], m["version"], title_fi="x"),
    "delete measure": lambda db, a, p, ar, g, m: plans.delete(db, a, "measure", m["id"], m["version"]),
    "move goal": lambda db, a, p, ar, g, m: plans.move(db, a, "goal", g["id"], 1),
    "edit focus area": lambda db, a, p, ar, g, m: plans.update(db, a, "focus_area", ar["id"], ar["version"], title_fi="x"),
    "add organisation": lambda db, a, p, ar, g, m: plans.add_organisation(db, a, "ngo", "Yhdistys"),
    "add approval": lambda db, a, p, ar, g, m: plans.add_approval(db, a, p, "Valtuusto", "2020-01-01", "§ 1"),
    "create plan": lambda db, a, p, ar, g, m: plans.create_plan(db, a, "P", 2025, 2028),
    "plan settings": lambda db, a, p, ar, g, m: plans.set_shared_goal_editing(db, a, p, "coordinators"),
    "create user": lambda db, a, p, ar, g, m: auth.create_user(db, a, f"u{id(a)}", PW),
    "update plan": lambda db, a, p, ar, g, m: plans.update_plan(db, a, p, 1, "Uusi", "", 2020, 2024),
    "delete approval": lambda db, a, p, ar, g, m: plans.delete_approval(db, a, plans.approvals(db, p)[0]["id"]),
    "add plan organisation": lambda db, a, p, ar, g, m: plans.add_plan_organisation(
        db, a, p, plans.add_organisation(db, SYSTEM, "ngo", "Uusi yhdistys")),
    "restore goal": lambda db, a, p, ar, g, m: (plans.delete(db, SYSTEM, "goal", g["id"], g["version"]),
                                                plans.restore(db, a, "goal", g["id"])),
}
ALLOWED = {
    "add focus area": {"admin", "facilitator"},
    "add goal": {"admin", "facilitator"},
    "edit goal": {"admin", "facilitator", "member_own"},
    "add measure": {"admin", "facilitator", "member_own"},
    "edit measure": {"admin", "facilitator", "member_own"},
    "delete measure": {"admin", "facilitator", "member_own"},
    "move goal": {"admin", "facilitator", "member_own"},
    "edit focus area": {"admin", "facilitator"},
    "add organisation": {"admin", "facilitator"},
    "add approval": {"admin", "facilitator"},
    "create plan": {"admin", "facilitator"},
    "plan settings": {"admin"},
    "create user": {"admin"},
    "update plan": {"admin", "facilitator"},
    "delete approval": {"admin", "facilitator"},
    "add plan organisation": {"admin", "facilitator"},
    "restore goal": {"admin", "facilitator", "member_own"},
}


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("who", ["admin", "facilitator", "member_own", "member_other", "viewer"])
def test_permission_matrix(demo_db, action, who):
    auth.create_user(demo_db, SYSTEM, "root", PW, role=Role.ADMIN)  # so create_user is not the first-user case
    actor = _actors(demo_db)[who]
    args = _fixture(demo_db)

    def audited():
        return demo_db.execute("select count(*) from audit where actor = ?", [actor.name]).fetchone()[0]

    if who in ALLOWED[action]:
        ACTIONS[action](demo_db, actor, *args)
        assert audited() > 0
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](demo_db, actor, *args)
        assert audited() == 0


def test_shared_goals_can_be_reserved_for_coordinators(demo_db):
    plan_id, area, goal, measure = _fixture(demo_db)
    member = _actors(demo_db)["member_own"]
    plans.set_shared_goal_editing(demo_db, SYSTEM, plan_id, "coordinators")
    with pytest.raises(PermissionDenied):
        plans.update(demo_db, member, "goal", goal["id"], goal["version"], title_fi="x")
    # the member still answers for the measures of their organisation
    plans.update(demo_db, member, "measure", measure["id"], measure["version"], title_fi="x")


# ---------------------------------------------------------------- browser sessions
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.timezone.utc)
HOUR = 3600


def test_session_token_signs_in_again_and_only_its_hash_is_stored(db):
    uid = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN, display_name="Anna")
    token = auth.start_session(db, uid, at=T0)
    assert len(token) >= 40
    rows = [dict(r) for r in db.query("select * from sessions")]
    assert len(rows) == 1 and token not in str(rows)
    assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(minutes=5)).name == "Anna"
    assert auth.resume_session(db, token + "x", HOUR, at=T0) is None
    assert auth.resume_session(db, None, HOUR) is None and auth.resume_session(db, "", HOUR) is None
    assert auth.start_session(db, uid) != token  # every sign-in its own token


def test_session_ends_when_idle_too_long_but_use_keeps_it_alive(db):
    uid = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    token = auth.start_session(db, uid, at=T0)
    seen = lambda: db.execute("select last_seen from sessions").fetchone()[0]  # noqa: E731
    # within a minute last_seen is not rewritten (no write on every rerun)
    assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(seconds=30))
    assert seen() == T0.isoformat(timespec="seconds")
    # used every 50 minutes, it outlives the one-hour idle limit
    for minutes in (50, 100, 150):
        assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(minutes=minutes))
    assert seen() == (T0 + dt.timedelta(minutes=150)).isoformat(timespec="seconds")
    # idle for an hour and a minute: gone, and stays gone
    assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(minutes=211)) is None
    assert db.execute("select count(*) from sessions").fetchone()[0] == 0
    assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(minutes=212)) is None


def test_session_ends_with_sign_out_or_a_deactivated_account(db):
    admin_id = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    admin = auth.actor_for(db, admin_id)
    uid = auth.create_user(db, admin, "maija", PW)
    mine, other = auth.start_session(db, admin_id), auth.start_session(db, uid)
    auth.end_session(db, mine)
    assert auth.resume_session(db, mine, HOUR) is None
    auth.end_session(db, None)  # nothing to end
    auth.update_user(db, admin, uid, 1, active=False)
    assert auth.resume_session(db, other, HOUR) is None
    assert db.execute("select count(*) from sessions").fetchone()[0] == 0
