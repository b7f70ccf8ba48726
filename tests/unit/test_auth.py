import datetime as dt
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from lape_plan import auth, db as dbm, indicators, plans, throttle
from lape_plan.regions import plan_regions
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import org_id

PW = "correct-horse-battery"


def test_first_user_must_be_admin_then_only_admins_create(demo_db):
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, Actor("x", role=Role.ADMIN), "eka", PW, role=Role.MEMBER)
    assert err.value.key == "error.first_user_admin"
    admin_id = auth.create_user(demo_db, Actor("x", role=Role.ADMIN), "Admin", PW, role=Role.ADMIN)
    admin = auth.actor_for(demo_db, admin_id)
    assert auth.get_user(demo_db, admin_id)["username"] == "admin"  # stored lower-case
    member_id = auth.create_user(demo_db, admin, "maija", PW, org_ids=[org_id(demo_db, "272")])
    member = auth.actor_for(demo_db, member_id)
    assert member.role == Role.MEMBER and member.org_ids == {org_id(demo_db, "272")}
    with pytest.raises(PermissionDenied):
        auth.create_user(demo_db, member, "toinen", PW)
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, admin, "MAIJA", PW)
    assert err.value.key == "error.username_taken"
    with pytest.raises(ValidationError) as err:
        auth.create_user(demo_db, admin, "lyhyt", "short")
    assert err.value.key == "error.password_short"


def test_a_setup_form_submitted_after_another_creates_no_second_admin(demo_db):
    """Two first-start forms submitted at once: both were drawn with no account yet; the form acts
    as an unnamed actor, which has no rights once the other's account exists."""
    auth.create_user(demo_db, Actor(name="operaattori"), "operaattori", PW, role=Role.ADMIN)
    with pytest.raises(PermissionDenied):
        auth.create_user(demo_db, Actor(name="hyokkaaja"), "hyokkaaja", PW, role=Role.ADMIN)
    assert [r["username"] for r in demo_db.query("select username from users")] == ["operaattori"]
    assert Actor(name="anyone").role == Role.VIEWER


def test_password_is_hashed_with_argon2(db):
    user_id = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    stored = auth.get_user(db, user_id)["password_hash"]
    assert stored.startswith("$argon2id$") and PW not in stored


def test_tests_hash_cheaply_while_the_app_keeps_argon2_defaults(db):
    """tests/conftest.py runs Argon2 at its cheapest; a process that is not a test keeps
    argon2-cffi's defaults (RFC 9106 low-memory profile), for new hashes and the dummy one."""
    from argon2 import PasswordHasher

    stored = auth.get_user(db, auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN))["password_hash"]
    assert "$m=8,t=1,p=1$" in stored
    code = (
        "from lape_plan import auth; h = auth._hasher; "
        "print(h.time_cost, h.memory_cost, h.parallelism, auth._DUMMY_HASH.split('$')[3])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    d = PasswordHasher()
    assert d.time_cost >= 3 and d.memory_cost >= 65536
    assert out == [
        str(d.time_cost),
        str(d.memory_cost),
        str(d.parallelism),
        f"m={d.memory_cost},t={d.time_cost},p={d.parallelism}",
    ]


@pytest.fixture
def clock(monkeypatch):
    """The throttles' clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    return now


def test_failed_sign_ins_throttle_the_client_not_the_account(db, clock):
    auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    assert auth.authenticate(db, "ADMIN ", PW, client="a").name == "admin"
    for _ in range(throttle.LOGIN_ACCOUNT.limit):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(db, "admin", "wrong-password", client="a")
    # that client is refused even the right password until the window moves on
    with pytest.raises(throttle.TooManyAttempts) as err:
        auth.authenticate(db, "admin", PW, client="a")
    assert err.value.key == "error.too_many_attempts" and err.value.params == {"minutes": 15}
    # a stranger's failures do not lock the owner out: another client signs in
    assert auth.authenticate(db, "admin", PW, client="b").role == Role.ADMIN
    clock[0] += throttle.LOGIN_ACCOUNT.window + 1
    assert auth.authenticate(db, "admin", PW, client="a").role == Role.ADMIN
    assert auth.get_user(db, 1)["failed_logins"] == 0 and auth.get_user(db, 1)["locked_until"] is None
    failed = db.execute("select count(*) from audit where action = 'login_failed'").fetchone()[0]
    assert failed == throttle.LOGIN_ACCOUNT.limit


def test_a_client_guessing_many_usernames_is_throttled(db, clock):
    auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    for i in range(throttle.LOGIN_CLIENT.limit):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate(db, f"guess{i}", PW, client="x")
    with pytest.raises(throttle.TooManyAttempts):
        auth.authenticate(db, "admin", PW, client="x")
    assert auth.authenticate(db, "admin", PW, client="y")


class CountingHasher:
    def __init__(self, real):
        self.real, self.verified = real, 0

    def verify(self, stored, password):
        self.verified += 1
        return self.real.verify(stored, password)

    def __getattr__(self, name):
        return getattr(self.real, name)


def test_answers_do_not_tell_whether_an_account_exists(db, clock, monkeypatch):
    """Same message and the same work (one Argon2 verification) for an unknown user, a wrong
    password, an inactive account and a throttled client, known user or not."""
    admin = auth.actor_for(db, auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN))
    auth.update_user(db, admin, auth.create_user(db, admin, "maija", PW), 1, active=False)
    hasher = CountingHasher(auth._hasher)
    monkeypatch.setattr(auth, "_hasher", hasher)

    def answer(username, password, client):
        before = hasher.verified
        with pytest.raises((auth.LoginFailed, throttle.TooManyAttempts)) as err:
            auth.authenticate(db, username, password, client=client)
        assert hasher.verified == before + 1
        return err.value.key, err.value.params

    assert (
        answer("nobody", PW, "c")
        == answer("admin", "wrong-password", "c")
        == answer("maija", PW, "c")
        == ("error.login_failed", {})
    )
    for i in range(throttle.LOGIN_CLIENT.limit):
        answer(f"nobody{i}", "wrong-password", "t")
    assert answer("admin", PW, "t") == answer("nobody", PW, "t") == ("error.too_many_attempts", {"minutes": 15})


@pytest.mark.parametrize("password", [PW, "wrong-password"])
def test_password_check_runs_outside_the_write_lock(tmp_path, monkeypatch, password):
    """A workshop vote (any write) goes through while a sign-in's Argon2 verification runs."""
    path = tmp_path / "lock.db"
    auth.create_user(dbm.connect(path), SYSTEM, "admin", PW, role=Role.ADMIN)
    verifying, release = threading.Event(), threading.Event()

    class SlowHasher(CountingHasher):
        def verify(self, stored, given):
            verifying.set()
            assert release.wait(10)
            return super().verify(stored, given)

    monkeypatch.setattr(auth, "_hasher", SlowHasher(auth._hasher))
    outcome = {}

    def sign_in():
        try:
            outcome["actor"] = auth.authenticate(dbm.connect(path), "admin", password)
        except auth.LoginFailed as err:
            outcome["error"] = err

    thread = threading.Thread(target=sign_in)
    thread.start()
    try:
        assert verifying.wait(10)
        other = dbm.connect(path)
        other.execute("PRAGMA busy_timeout = 1000")  # the old code held the lock here: "database is locked"
        with dbm.write(other):
            dbm.audit(other, SYSTEM, "workshop_vote", 1, "create")
    finally:
        release.set()
        thread.join(10)
    assert ("actor" in outcome) == (password == PW)
    assert other.execute("select count(*) from audit where entity = 'workshop_vote'").fetchone()[0] == 1


def test_deactivated_user_cannot_sign_in_and_loses_session(demo_db):
    admin = auth.actor_for(demo_db, auth.create_user(demo_db, SYSTEM, "admin", PW, role=Role.ADMIN))
    uid = auth.create_user(demo_db, admin, "maija", PW)
    auth.update_user(demo_db, admin, uid, 1, active=False)
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(demo_db, "maija", PW)
    assert auth.actor_for(demo_db, uid) is None


def test_an_account_closed_while_signing_in_is_refused(db, monkeypatch):
    # Closed between the password check and reading the actor: a refusal, never None.
    auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    actor_for = auth.actor_for

    def closed_meanwhile(database, user_id):
        database.execute("update users set active = 0 where id = ?", [user_id])
        return actor_for(database, user_id)

    monkeypatch.setattr(auth, "actor_for", closed_meanwhile)
    with pytest.raises(auth.LoginFailed):
        auth.authenticate(db, "admin", PW)


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
    kokkola, halsua = org_id(db, "272"), org_id(db, "074")
    return {
        "admin": Actor("a", Role.ADMIN),
        "facilitator": Actor("f", Role.FACILITATOR),
        "member_own": Actor("m", Role.MEMBER, org_ids=frozenset({kokkola})),
        "member_other": Actor("o", Role.MEMBER, org_ids=frozenset({halsua})),
        "viewer": Actor("v", Role.VIEWER),
    }


def _fixture(db):
    plan_id = plans.plans(db)[0]["id"]
    area = plans.tree(db, plan_id)[0]
    goal = area["goals"][0]  # responsible: Soite and Kokkola
    measure = next(m for m in goal["measures"] if m["responsible_org_id"] == org_id(db, "272"))
    return plan_id, area, goal, measure


ACTIONS = {
    "add focus area": lambda db, a, p, ar, g, m: plans.add(db, a, "focus_area", p, title_fi="x"),
    "add goal": lambda db, a, p, ar, g, m: plans.add(db, a, "goal", ar["id"], title_fi="x"),
    "edit goal": lambda db, a, p, ar, g, m: plans.update(db, a, "goal", g["id"], g["version"], title_fi="x"),
    "add measure": lambda db, a, p, ar, g, m: plans.add(db, a, "measure", g["id"], title_fi="x"),
    "edit measure": lambda db, a, p, ar, g, m: plans.update(db, a, "measure", m["id"], m["version"], title_fi="x"),
    "delete measure": lambda db, a, p, ar, g, m: plans.delete(db, a, "measure", m["id"], m["version"]),
    "move goal": lambda db, a, p, ar, g, m: plans.move(db, a, "goal", g["id"], 1),
    "edit focus area": lambda db, a, p, ar, g, m: plans.update(
        db, a, "focus_area", ar["id"], ar["version"], title_fi="x"
    ),
    "add organisation": lambda db, a, p, ar, g, m: plans.add_organisation(db, a, "ngo", "Yhdistys"),
    "add approval": lambda db, a, p, ar, g, m: plans.add_approval(db, a, p, "Valtuusto", "2020-01-01", "§ 1"),
    "create plan": lambda db, a, p, ar, g, m: plans.create_plan(db, a, "P", 2025, 2028),
    "plan settings": lambda db, a, p, ar, g, m: plans.set_shared_goal_editing(db, a, p, "coordinators"),
    "create user": lambda db, a, p, ar, g, m: auth.create_user(db, a, f"u{id(a)}", PW),
    "update plan": lambda db, a, p, ar, g, m: plans.update_plan(db, a, p, 1, "Uusi", "", 2020, 2024),
    "delete approval": lambda db, a, p, ar, g, m: plans.delete_approval(db, a, plans.approvals(db, p)[0]["id"]),
    "add plan organisation": lambda db, a, p, ar, g, m: plans.add_plan_organisation(
        db, a, p, plans.add_organisation(db, SYSTEM, "ngo", "Uusi yhdistys")
    ),
    "restore goal": lambda db, a, p, ar, g, m: (
        plans.delete(db, SYSTEM, "goal", g["id"], g["version"]),
        plans.restore(db, a, "goal", g["id"]),
    ),
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
    # the goal's indicator targets are reserved with it
    ind = indicators.add_custom(demo_db, SYSTEM, "T-1", "Testi", direction="higher")
    region = plan_regions(demo_db, plan_id)[0]["id"]
    link = dict(indicator_id=ind, region_id=region, baseline_year=2019, baseline_value="40", target_year=2024)
    with pytest.raises(PermissionDenied):
        indicators.add_link(demo_db, member, goal["id"], **link, target_value="60")
    link_id = indicators.add_link(demo_db, SYSTEM, goal["id"], **link, target_value="60")
    with pytest.raises(PermissionDenied):
        indicators.update_link(demo_db, member, link_id, 1, target_value="999")
    with pytest.raises(PermissionDenied):
        indicators.delete_link(demo_db, member, link_id, 1)
    assert indicators.get_link(demo_db, link_id)["target_value"] == 60


def test_a_member_adds_or_removes_only_their_own_organisation(demo_db):
    """Who an item concerns is the coordinators' to decide: a member can neither take a goal away
    from another organisation nor hand an item to one."""
    plan_id, area, goal, measure = _fixture(demo_db)  # goal: Soite and Kokkola; measure: Kokkola's
    kokkola, soite, halsua = (org_id(demo_db, c) for c in ("272", "HVA18", "074"))
    member = _actors(demo_db)["member_own"]
    for change in (
        {"responsible_ids": [kokkola]},  # takes it away from Soite
        {"responsible_ids": [kokkola, soite, halsua]},  # hands it to Halsua too
        {"scope": "local", "municipality_ids": [kokkola]},
    ):
        with pytest.raises(PermissionDenied) as err:
            plans.update(demo_db, member, "goal", goal["id"], goal["version"], **change)
        assert err.value.key == "error.permission_assignment"
    with pytest.raises(PermissionDenied):
        plans.update(demo_db, member, "measure", measure["id"], measure["version"], responsible_org_id=halsua)
    with pytest.raises(PermissionDenied):
        plans.add(demo_db, member, "measure", goal["id"], title_fi="Halsuan työ", responsible_org_id=halsua)
    assert plans.get(demo_db, "goal", goal["id"])["version"] == goal["version"]
    assert plans.get(demo_db, "measure", measure["id"])["responsible_org_id"] == kokkola
    # their own organisation is theirs to add or remove; a coordinator may change any
    plans.update(demo_db, member, "measure", measure["id"], measure["version"], responsible_org_id="")
    plans.add(demo_db, member, "measure", goal["id"], title_fi="Kokkolan työ", responsible_org_id=kokkola)
    plans.update(
        demo_db, _actors(demo_db)["facilitator"], "goal", goal["id"], goal["version"], responsible_ids=[halsua]
    )
    assert plans.get(demo_db, "goal", goal["id"])["responsible_ids"] == [halsua]


def test_a_member_deletes_a_goal_only_with_all_its_measures(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    goals = [g for a in plans.tree(demo_db, plan_id) for g in a["goals"]]
    kannus = org_id(demo_db, "217")
    member = _actors(demo_db)["member_own"]  # Kokkola
    shared = next(g for g in goals if any(m["responsible_org_id"] == kannus for m in g["measures"]))
    assert org_id(demo_db, "272") in shared["responsible_ids"]
    with pytest.raises(PermissionDenied):  # Kannus's measure would go with it
        plans.delete(demo_db, member, "goal", shared["id"], shared["version"])
    assert plans.get(demo_db, "goal", shared["id"])["deleted_at"] is None
    own = next(g for g in goals if g["scope"] == "local" and g["responsible_ids"] == [org_id(demo_db, "272")])
    plans.delete(demo_db, member, "goal", own["id"], own["version"])
    assert plans.get(demo_db, "goal", own["id"], include_deleted=True)["deleted_at"]


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


# ---------------------------------------------------------------- password rules
@pytest.mark.parametrize(
    "password, key",
    [
        (" " * 12, "error.password_short"),  # blank
        ("   abc   \t ", "error.password_short"),  # spaces at the ends do not count
        ("Kaisa.Virtanen", "error.password_username"),  # the username itself, any case
        ("kaisa.virtanen12", "error.password_username"),  # the username and a little more
        ("password123", "error.password_common"),
        ("qwertyuiop", "error.password_common"),  # keyboard row
        ("1234567890", "error.password_common"),
        ("aaaaaaaaaaaa", "error.password_common"),  # repeated
        ("P@ssw0rd2024", "error.password_common"),  # a common one dressed up
        ("Salasana123", "error.password_common"),  # context word: "password" in Finnish
        ("x" * (auth.PASSWORD_MAX + 1), "error.too_long"),
    ],
)
def test_weak_passwords_are_refused(db, password, key):
    admin = auth.actor_for(db, auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN))
    with pytest.raises(ValidationError) as err:
        auth.create_user(db, admin, "kaisa.virtanen", password)
    assert err.value.key == key and err.value.field == "password"
    uid = auth.create_user(db, admin, "kaisa.virtanen", "kaisan-oma-lause-2025")
    with pytest.raises(ValidationError) as err:
        auth.set_password(db, admin, uid, password)
    assert err.value.key == key
    assert auth.authenticate(db, "kaisa.virtanen", "kaisan-oma-lause-2025").user_id == uid  # unchanged


def test_reasonable_passwords_are_accepted(db):
    auth.check_password("kesäloma mökillä 2025", "maija")
    auth.check_password("maija-kirjoittaa-suunnitelmaa", "maija")  # the username plus enough of its own
    auth.check_password("Tre små grodor hoppar", "anna")
    auth.check_password("Pitkä lause, jossa on monta sanaa ja joka jatkuu vielä pitkään ja pitkään " * 3, "x")
    assert auth.MIN_PASSWORD == 10


# ---------------------------------------------------------------- session lifetime
def test_set_password_ends_the_users_other_sessions(db):
    admin_id = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    admin = auth.actor_for(db, admin_id)
    uid = auth.create_user(db, admin, "maija", PW)
    maija = auth.actor_for(db, uid)
    phone, laptop, admins = auth.start_session(db, uid), auth.start_session(db, uid), auth.start_session(db, admin_id)
    # her own change keeps the session she changed it in and ends the others
    auth.set_password(db, maija, uid, "new-password-123", keep_session=laptop)
    assert auth.resume_session(db, phone, HOUR) is None
    assert auth.resume_session(db, laptop, HOUR).user_id == uid
    # an administrator's change ends them all (the token to keep must be the user's own)
    auth.set_password(db, admin, uid, "third-password-456", keep_session=admins)
    assert auth.resume_session(db, laptop, HOUR) is None
    assert auth.resume_session(db, admins, HOUR).user_id == admin_id
    last = db.execute("select after from audit where action = 'set_password' order by id desc").fetchone()[0]
    assert '"sessions_ended": 1' in last


def test_session_ends_after_its_lifetime_even_when_used(db):
    uid = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    token = auth.start_session(db, uid, at=T0)
    # used every 50 minutes for almost 12 hours
    for minutes in range(50, 12 * 60, 50):
        assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(minutes=minutes))
    assert auth.resume_session(db, token, HOUR, at=T0 + dt.timedelta(hours=12, minutes=1)) is None
    assert db.execute("select count(*) from sessions").fetchone()[0] == 0
    short = auth.start_session(db, uid, at=T0)
    assert auth.resume_session(db, short, HOUR, at=T0 + dt.timedelta(minutes=50), max_age_seconds=HOUR)
    assert auth.resume_session(db, short, HOUR, at=T0 + dt.timedelta(minutes=61), max_age_seconds=HOUR) is None


def test_session_limits_come_from_secrets(monkeypatch):
    from lape_plan import config

    monkeypatch.setattr(config, "secrets", lambda: {})
    assert auth.session_limits() == (60 * 60, 12 * HOUR)
    monkeypatch.setattr(config, "secrets", lambda: {"session_timeout_minutes": 30, "session_max_hours": 8})
    assert auth.session_limits() == (30 * 60, 8 * HOUR)


def test_expired_session_rows_are_deleted_when_a_session_starts(db):
    uid = auth.create_user(db, SYSTEM, "admin", PW, role=Role.ADMIN)
    limits = (HOUR, 12 * HOUR)
    idle = auth.start_session(db, uid, at=T0, limits=limits)  # never used again
    busy = auth.start_session(db, uid, at=T0, limits=limits)
    for hours in range(1, 13):  # used every hour: idle never, but 12 hours old
        auth.resume_session(db, busy, HOUR, at=T0 + dt.timedelta(hours=hours, minutes=-5))
    recent = auth.start_session(db, uid, at=T0 + dt.timedelta(hours=11, minutes=30), limits=limits)
    assert db.execute("select count(*) from sessions").fetchone()[0] == 2  # the idle one went here
    auth.start_session(db, uid, at=T0 + dt.timedelta(hours=12, minutes=30), limits=limits)
    hashes = {r[0] for r in db.execute("select token_hash from sessions")}
    assert auth._token_hash(idle) not in hashes and auth._token_hash(busy) not in hashes
    assert auth._token_hash(recent) in hashes and len(hashes) == 2
