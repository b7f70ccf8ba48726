import json
import threading

import pytest

from lape_plan import demo, plans
from lape_plan.db import audit_rows
from lape_plan.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import org_id

ANNA = Actor(name="Anna", role=Role.ADMIN)
BERTIL = Actor(name="Bertil", role=Role.ADMIN)


@pytest.fixture
def plan_id(demo_db):
    return demo_db.execute("select id from plans").fetchone()[0]


@pytest.fixture
def area_id(demo_db, plan_id):
    return plans.tree(demo_db, plan_id)[0]["id"]


def test_demo_plan_has_real_focus_areas_and_is_flagged(demo_db, plan_id):
    plan = plans.get_plan(demo_db, plan_id)
    assert plan["is_example"] == 1 and (plan["first_year"], plan["last_year"]) == (2020, 2024)
    areas = plans.tree(demo_db, plan_id)
    assert [a["title_sv"] for a in areas] == [sv for _, sv in demo.FOCUS_AREAS]
    codes = {o["code"] for o in plans.organisations(demo_db, plan_id, kind="municipality")}
    assert codes == {c for c, _, _ in demo.MUNICIPALITIES}
    assert len(plans.approvals(demo_db, plan_id)) == 2
    assert demo.load(demo_db) == plan_id  # idempotent
    assert demo_db["plans"].count == 1


def test_add_goal_validates_and_audits(demo_db, area_id):
    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="  Uusi tavoite ", description="Kuvaus")
    goal = plans.get(demo_db, "goal", goal_id)
    assert goal["title_fi"] == "Uusi tavoite" and goal["version"] == 1 and goal["updated_by"] == "Anna"
    (row,) = audit_rows(demo_db, "goal", goal_id)
    assert row["action"] == "create" and row["actor"] == "Anna"
    assert json.loads(row["after"])["title_fi"] == "Uusi tavoite"


@pytest.mark.parametrize(
    "data, key, field",
    [
        ({"title_fi": ""}, "error.required", "title_fi"),
        ({"title_fi": "   "}, "error.required", "title_fi"),
        ({"title_fi": "x" * 301}, "error.too_long", "title_fi"),
        ({"title_fi": "ok", "description": "x" * 4001}, "error.too_long", "description"),
        ({"title_fi": "ok", "responsible_ids": [99999]}, "error.unknown_org", "org"),
        ({"title_fi": "ok", "scope": "local"}, "error.local_goal_needs_municipality", "municipality_ids"),
    ],
)
def test_goal_validation(demo_db, area_id, data, key, field):
    before = demo_db["goals"].count
    with pytest.raises(ValidationError) as err:
        plans.add(demo_db, ANNA, "goal", area_id, **data)
    assert err.value.key == key and err.value.field == field
    assert demo_db["goals"].count == before


def test_local_goal_only_accepts_municipalities(demo_db, area_id):
    county = org_id(demo_db, "HVA18")
    with pytest.raises(ValidationError) as err:
        plans.add(demo_db, ANNA, "goal", area_id, title_fi="x", scope="local", municipality_ids=[county])
    assert err.value.key == "error.not_a_municipality"


def test_measure_years_must_lie_in_plan_period(demo_db, plan_id):
    goal_id = plans.tree(demo_db, plan_id)[0]["goals"][0]["id"]
    for start, end, key in (
        (2019, None, "error.year_outside_plan"),
        (2021, 2025, "error.year_outside_plan"),
        (2023, 2021, "error.end_before_start"),
        ("abc", None, "error.not_a_year"),
    ):
        with pytest.raises(ValidationError) as err:
            plans.add(demo_db, ANNA, "measure", goal_id, title_fi="m", start_year=start, end_year=end)
        assert err.value.key == key
    with pytest.raises(ValidationError) as err:
        plans.add(demo_db, ANNA, "measure", goal_id, title_fi="m", resources_eur="lots")
    assert err.value.key == "error.not_a_number"
    m = plans.add(
        demo_db, ANNA, "measure", goal_id, title_fi="m", start_year="2021", end_year=2024, resources_eur="12 500,50"
    )
    assert plans.get(demo_db, "measure", m)["resources_eur"] == 12500.5


def test_measure_responsible_must_take_part_in_plan(demo_db, plan_id):
    goal_id = plans.tree(demo_db, plan_id)[0]["goals"][0]["id"]
    outsider = plans.add_organisation(demo_db, SYSTEM, "ngo", "Ulkopuolinen yhdistys")
    with pytest.raises(ValidationError) as err:
        plans.add(demo_db, ANNA, "measure", goal_id, title_fi="m", responsible_org_id=outsider)
    assert err.value.key == "error.unknown_org"


def test_stale_update_is_refused_with_who_and_when(demo_db, area_id):
    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="Alku")
    assert plans.update(demo_db, ANNA, "goal", goal_id, 1, title_fi="Annan teksti") == 2
    with pytest.raises(ConflictError) as err:
        plans.update(demo_db, BERTIL, "goal", goal_id, 1, title_fi="Bertilin teksti")
    assert err.value.by == "Anna" and err.value.at
    assert err.value.current["title_fi"] == "Annan teksti"
    assert plans.get(demo_db, "goal", goal_id)["title_fi"] == "Annan teksti"
    # with the current version the second person's merged text is saved
    assert plans.update(demo_db, BERTIL, "goal", goal_id, 2, title_fi="Yhdistetty") == 3


def test_update_without_changes_keeps_version_and_writes_no_audit(demo_db, area_id):
    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="Sama")
    assert plans.update(demo_db, ANNA, "goal", goal_id, 1, title_fi="Sama") == 1
    assert [r["action"] for r in audit_rows(demo_db, "goal", goal_id)] == ["create"]


def test_update_audits_before_and_after(demo_db, area_id):
    kokkola = org_id(demo_db, "272")
    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="A")
    plans.update(demo_db, BERTIL, "goal", goal_id, 1, title_fi="B", scope="local", municipality_ids=[kokkola])
    row = audit_rows(demo_db, "goal", goal_id)[0]
    assert row["actor"] == "Bertil" and row["action"] == "update"
    assert json.loads(row["before"]) == {"title_fi": "A", "scope": "shared", "municipality_ids": []}
    assert json.loads(row["after"]) == {"title_fi": "B", "scope": "local", "municipality_ids": [kokkola]}


def test_concurrent_saves_exactly_one_wins(tmp_path, demo_db, area_id):
    from lape_plan import db as dbm

    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="Alku")
    path = tmp_path / "demo.db"
    results: list = []
    barrier = threading.Barrier(8)

    def save(n):
        conn = dbm.connect(path)
        barrier.wait()
        try:
            plans.update(
                conn,
                Actor(name=f"user{n}", role=Role.ADMIN),
                "goal",
                goal_id,
                1,
                title_fi=f"teksti {n}",
                description=f"kuvaus {n}",
            )
            results.append(("ok", n))
        except ConflictError as err:
            results.append(("conflict", err.by))

    threads = [threading.Thread(target=save, args=(n,)) for n in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    wins = [n for kind, n in results if kind == "ok"]
    assert len(results) == 8 and len(wins) == 1
    winner = wins[0]
    assert all(by == f"user{winner}" for kind, by in results if kind == "conflict")
    goal = plans.get(demo_db, "goal", goal_id)
    # nothing half-written: title and description come from the same save
    assert (goal["title_fi"], goal["description"], goal["version"]) == (f"teksti {winner}", f"kuvaus {winner}", 2)
    assert [r["action"] for r in audit_rows(demo_db, "goal", goal_id)] == ["update", "create"]


def test_soft_delete_and_restore(demo_db, plan_id):
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    with pytest.raises(ConflictError):
        plans.delete(demo_db, ANNA, "goal", goal["id"], goal["version"] + 5)
    plans.delete(demo_db, ANNA, "goal", goal["id"], goal["version"])
    assert goal["id"] not in [g["id"] for a in plans.tree(demo_db, plan_id) for g in a["goals"]]
    with pytest.raises(NotFound):
        plans.get(demo_db, "goal", goal["id"])
    deleted = plans.deleted_items(demo_db, plan_id)
    assert [(d["entity"], d["id"], d["deleted_by"]) for d in deleted] == [("goal", goal["id"], "Anna")]
    plans.restore(demo_db, BERTIL, "goal", goal["id"])
    restored = [g for a in plans.tree(demo_db, plan_id) for g in a["goals"] if g["id"] == goal["id"]]
    assert restored and len(restored[0]["measures"]) == len(goal["measures"])
    assert [r["action"] for r in audit_rows(demo_db, "goal", goal["id"])][:2] == ["restore", "delete"]
    assert plans.deleted_items(demo_db, plan_id) == []


def test_items_under_a_deleted_parent_cannot_be_added_or_restored(demo_db, plan_id):
    area = plans.tree(demo_db, plan_id)[0]
    goal = area["goals"][0]
    measure = goal["measures"][0]
    plans.delete(demo_db, ANNA, "measure", measure["id"], measure["version"])
    plans.delete(demo_db, ANNA, "goal", goal["id"], goal["version"])
    with pytest.raises(NotFound):
        plans.add(demo_db, ANNA, "measure", goal["id"], title_fi="x")
    with pytest.raises(NotFound):
        plans.restore(demo_db, ANNA, "measure", measure["id"])
    assert [d["entity"] for d in plans.deleted_items(demo_db, plan_id)] == ["goal"]


def test_move_reorders_siblings(demo_db, plan_id):
    first, second = plans.tree(demo_db, plan_id)[:2]
    plans.move(demo_db, ANNA, "focus_area", second["id"], -1)
    assert [a["id"] for a in plans.tree(demo_db, plan_id)[:2]] == [second["id"], first["id"]]
    plans.move(demo_db, ANNA, "focus_area", second["id"], -1)  # already first: nothing happens
    assert plans.tree(demo_db, plan_id)[0]["id"] == second["id"]
    goals = plans.tree(demo_db, plan_id)[1]["goals"]
    plans.move(demo_db, ANNA, "goal", goals[0]["id"], 1)
    assert [g["id"] for g in plans.tree(demo_db, plan_id)[1]["goals"]] == [goals[1]["id"], goals[0]["id"]]


def test_municipality_view_shows_shared_and_own_goals(demo_db, plan_id):
    kokkola, halsua = org_id(demo_db, "272"), org_id(demo_db, "074")
    all_goals = [g for a in plans.tree(demo_db, plan_id) for g in a["goals"]]
    local = [g for g in all_goals if g["scope"] == "local"]
    assert local
    kokkola_goals = [g["id"] for a in plans.tree(demo_db, plan_id, kokkola) for g in a["goals"]]
    halsua_goals = [g["id"] for a in plans.tree(demo_db, plan_id, halsua) for g in a["goals"]]
    assert len(halsua_goals) == len(all_goals) - len(local)
    assert set(halsua_goals) < set(kokkola_goals)
    counts = {r["organisation"]["code"]: r for r in plans.overview(demo_db, plan_id)["per_municipality"]}
    assert counts["074"]["goals"] == len(halsua_goals) and counts["074"]["own_goals"] == 0
    assert counts["272"]["own_goals"] == 1


def _own_goal_first(db, plan_id, org_id):
    """A goal of one municipality put first in focus area 1, before the shared goals."""
    area = plans.tree(db, plan_id)[0]
    own = plans.add(
        db,
        SYSTEM,
        "goal",
        area["id"],
        title_fi="Oma tavoite",
        scope="local",
        municipality_ids=[org_id],
        responsible_ids=[org_id],
    )
    plans.add(db, SYSTEM, "measure", own, title_fi="Oma toimenpide", responsible_org_id=org_id)
    for _ in area["goals"]:
        plans.move(db, SYSTEM, "goal", own, -1)
    return own, area["goals"]


def _numbers(areas):
    out = {}
    for area in areas:
        out[("focus_area", area["id"])] = area["number"]
        for goal in area["goals"]:
            out[("goal", goal["id"])] = goal["number"]
            out.update({("measure", m["id"]): m["number"] for m in goal["measures"]})
    return out


def test_item_numbers_are_the_same_under_every_filter(demo_db, plan_id):
    from lape_plan import chapters, follow_up

    kokkola, halsua = org_id(demo_db, "272"), org_id(demo_db, "074")
    own, shared = _own_goal_first(demo_db, plan_id, kokkola)
    # a draft between two shared goals neither takes a number nor shifts the next one
    draft = plans.add(demo_db, SYSTEM, "goal", shared[0]["focus_area_id"], draft=True, title_fi="Luonnos")
    plans.add(demo_db, SYSTEM, "measure", draft, title_fi="Luonnoksen toimenpide", responsible_org_id=kokkola)
    plans.move(demo_db, SYSTEM, "goal", draft, -1)
    whole = _numbers(plans.tree(demo_db, plan_id))
    assert whole[("goal", own)] == "1.1" and whole[("goal", shared[0]["id"])] == "1.2"
    assert whole[("goal", shared[1]["id"])] == "1.3" and whole[("measure", shared[1]["measures"][0]["id"])] == "1.3.1"
    assert len(set(whole.values())) == len(whole)

    halsua_view = _numbers(plans.tree(demo_db, plan_id, halsua))
    assert ("goal", own) not in halsua_view
    assert halsua_view[("goal", shared[0]["id"])] == "1.2"  # not "1.1": the number the whole area quotes
    editor = _numbers(plans.tree(demo_db, plan_id, include_drafts=True))
    assert editor.pop(("goal", draft)) is None and None in editor.values()  # the draft's measure too
    views = [
        halsua_view,
        _numbers(plans.tree(demo_db, plan_id, kokkola)),
        {k: v for k, v in editor.items() if v is not None},
    ]
    for kwargs in (
        {"municipality_id": halsua},
        {"org_id": org_id(demo_db, "HVA18")},
        {"org_id": kokkola},
        {"focus_area_id": plans.tree(demo_db, plan_id)[1]["id"]},
    ):
        views.append({(i["entity"], i["id"]): i["number"] for i in follow_up.items(demo_db, plan_id, **kwargs)})
    views.append({(i["entity"], i["id"]): i["number"] for i in chapters.items_missing_swedish(demo_db, plan_id)})
    for view in views:
        assert view and {k: whole[k] for k in view} == view


def test_viewer_cannot_edit_and_member_only_own_items(demo_db, plan_id):
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]  # responsible: Soite, Kokkola
    viewer = Actor(name="v", role=Role.VIEWER)
    with pytest.raises(PermissionDenied):
        plans.update(demo_db, viewer, "goal", goal["id"], goal["version"], title_fi="x")
    with pytest.raises(PermissionDenied):
        plans.add(demo_db, viewer, "focus_area", plan_id, title_fi="x")
    halsua_member = Actor(name="h", role=Role.MEMBER, org_ids=frozenset({org_id(demo_db, "074")}))
    with pytest.raises(PermissionDenied):
        plans.update(demo_db, halsua_member, "goal", goal["id"], goal["version"], title_fi="x")
    kokkola_member = Actor(name="k", role=Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    assert plans.update(demo_db, kokkola_member, "goal", goal["id"], goal["version"], title_fi="x") == 2


def test_plan_and_approval_validation(db):
    with pytest.raises(ValidationError) as err:
        plans.create_plan(db, ANNA, "P", 2024, 2020)
    assert err.value.key == "error.plan_period"
    with pytest.raises(ValidationError):
        plans.create_plan(db, ANNA, "P", 2020, 2024, org_ids=[42])
    plan_id = plans.create_plan(db, ANNA, "P", 2020, 2024)
    with pytest.raises(ValidationError) as err:
        plans.add_approval(db, ANNA, plan_id, "Valtuusto", "12.3.2020", "§ 1")
    assert err.value.key == "error.not_a_date"
    assert plans.approvals(db, plan_id) == []


def test_update_plan_period_must_keep_measures_inside(demo_db, plan_id):
    plan = plans.get_plan(demo_db, plan_id)
    with pytest.raises(ValidationError) as err:
        plans.update_plan(demo_db, ANNA, plan_id, plan["version"], plan["title_fi"], "", 2021, 2024)
    assert err.value.key == "error.measures_outside_period" and err.value.params["count"] > 0
    version = plans.update_plan(demo_db, ANNA, plan_id, plan["version"], "Uusi nimi", "Nytt namn", 2020, 2025)
    assert version == plan["version"] + 1
    assert plans.get_plan(demo_db, plan_id)["last_year"] == 2025
    with pytest.raises(ConflictError) as err:
        plans.update_plan(demo_db, BERTIL, plan_id, plan["version"], "Vanha", "", 2020, 2024)
    assert err.value.by == "Anna"
    # a measure starting in the last year, with no end: the period may not end before it starts
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    plans.add(demo_db, ANNA, "measure", goal["id"], title_fi="Alkaa 2025", start_year=2025)
    plan = plans.get_plan(demo_db, plan_id)
    with pytest.raises(ValidationError) as err:
        plans.update_plan(demo_db, ANNA, plan_id, plan["version"], plan["title_fi"], "", 2020, 2024)
    assert err.value.params["count"] == 1


def test_organisation_named_by_goals_cannot_leave_the_plan(demo_db, plan_id):
    kokkola = org_id(demo_db, "272")
    with pytest.raises(ValidationError) as err:
        plans.remove_plan_organisation(demo_db, ANNA, plan_id, kokkola)
    assert err.value.key == "error.organisation_in_use"
    ngo = plans.add_organisation(demo_db, ANNA, "ngo", "Uusi yhdistys")
    plans.add_plan_organisation(demo_db, ANNA, plan_id, ngo)
    assert ngo in [o["id"] for o in plans.organisations(demo_db, plan_id)]
    plans.remove_plan_organisation(demo_db, ANNA, plan_id, ngo)
    assert ngo not in [o["id"] for o in plans.organisations(demo_db, plan_id)]


def test_delete_approval_is_audited(demo_db, plan_id):
    approval = plans.approvals(demo_db, plan_id)[0]
    plans.delete_approval(demo_db, ANNA, approval["id"])
    assert approval["id"] not in [a["id"] for a in plans.approvals(demo_db, plan_id)]
    row = audit_rows(demo_db, "approval", approval["id"])[0]
    assert row["action"] == "delete" and json.loads(row["before"])["reference"] == approval["reference"]
    with pytest.raises(NotFound):
        plans.delete_approval(demo_db, ANNA, approval["id"])


# ---------------------------------------------------------------- text normalising (one cleaner for all input)
@pytest.mark.parametrize(
    "raw, multiline, expected",
    [
        ("\u200b\u200b", False, ""),  # zero-width spaces only
        ("\ufeff\u200d\u2060 \u00a0\u3164", False, ""),  # BOM, joiners, no-break space, Hangul filler
        ("\u200e\u200f\u202e\U000e0041", True, ""),  # direction marks and a tag character
        ("Nu\x00ori\x07so", False, "Nuoriso"),  # NUL and BEL dropped
        ("a\r\nb\tc\x0bd", True, "a\nb\tcd"),  # line breaks kept in multi-line text, vertical tab dropped
        ("a\nb\tc", False, "a b c"),  # single-line text: spaces
        ("\u200bKiusaaminen\u200b", False, "Kiusaaminen"),
        ("Cafe\u0301", False, "Caf\u00e9"),  # NFC
        ("👩\u200d👧 perhe", False, "👩\u200d👧 perhe"),  # a joiner inside the text stays
    ],
)
def test_normalise_text(raw, multiline, expected):
    assert plans.normalise_text(raw, multiline=multiline) == expected


def test_invisible_only_or_nul_text_is_refused_or_cleaned_everywhere(demo_db, plan_id, area_id):
    from lape_plan import exports, follow_up

    for invisible in ("\u200b", "\u200b\u200c\ufeff", "\x00", " \u2060 "):
        with pytest.raises(ValidationError) as err:
            plans.add(demo_db, ANNA, "goal", area_id, title_fi=invisible)
        assert err.value.key == "error.required"
    goal_id = plans.add(demo_db, ANNA, "goal", area_id, title_fi="Tavoite\x00 NUL", description="Rivi 1\x00\nRivi 2")
    goal = plans.get(demo_db, "goal", goal_id)
    assert goal["title_fi"] == "Tavoite NUL" and goal["description"] == "Rivi 1\nRivi 2"
    measure_id = plans.add(demo_db, ANNA, "measure", goal_id, title_fi="Toimen\x00pide", resources_text="\x00")
    follow_up.record(demo_db, ANNA, "measure", measure_id, 2022, "delayed", 10, "Selitys\x00 tässä\x1b")
    assert follow_up.current(demo_db, plan_id)[("measure", measure_id, 2022)]["narrative"] == "Selitys tässä"
    with pytest.raises(ValidationError) as err:  # a delayed status needs a narrative: invisible is none
        follow_up.record(demo_db, ANNA, "measure", measure_id, 2022, "delayed", 10, "\u200b\u200b", expected_version=1)
    assert err.value.key == "follow_up.error.narrative_required"
    # a value stored before input was cleaned does not reach the CSV either
    demo_db.execute("update measures set resources_text = 'vanha' || char(0) where id = ?", [measure_id])
    data = exports.plan_csv(demo_db, plan_id, "fi")
    assert b"\x00" not in data and "Tavoite NUL" in data.decode("utf-8-sig") and "vanha" in data.decode("utf-8-sig")


def test_an_add_waiting_for_the_write_lock_is_checked_against_what_it_waited_for(tmp_path):
    """A member's new measure queued behind a coordinator's transaction that deletes its goal: the
    goal and the member's rights are read once the lock is theirs, so the add is refused."""
    from lape_plan import db as dbm
    from tests.conftest import database_file

    path = database_file("demo", tmp_path / "race.db")
    coordinator_db, member_db = dbm.connect(path), dbm.connect(path, shared=True)
    goal = plans.tree(coordinator_db, coordinator_db.execute("select id from plans").fetchone()[0])[0]["goals"][0]
    member = Actor("Maija", Role.MEMBER, org_ids=frozenset(goal["responsible_ids"]))
    outcome = {}

    def add():
        try:
            outcome["id"] = plans.add(member_db, member, "measure", goal["id"], title_fi="Jonossa odottanut")
        except NotFound as err:
            outcome["error"] = err

    with dbm.write(coordinator_db):
        plans.delete(coordinator_db, ANNA, "goal", goal["id"], goal["version"])
        waiting = threading.Thread(target=add)
        waiting.start()
        waiting.join(0.5)  # the add now waits for this transaction's lock
    waiting.join(15)
    assert "id" not in outcome and outcome["error"].key == "error.not_found"


def test_a_measure_is_restored_only_if_its_years_fit_the_plan_period(demo_db):
    """Deleted, then the period narrowed (deleted measures do not hold it back): brought back as it
    was, the measure would run past the plan and its euros fall outside every roll-up."""
    plan_id = plans.create_plan(demo_db, ANNA, "Lyhenevä", 2020, 2024)
    goal = plans.add(demo_db, ANNA, "goal", plans.add(demo_db, ANNA, "focus_area", plan_id, title_fi="A"), title_fi="T")
    measure = plans.add(demo_db, ANNA, "measure", goal, title_fi="Myöhäinen", start_year=2023, end_year=2024)
    plans.delete(demo_db, ANNA, "measure", measure, 1)
    plans.update_plan(demo_db, ANNA, plan_id, 1, "Lyhenevä", "", 2020, 2023)
    with pytest.raises(ValidationError) as err:
        plans.restore(demo_db, ANNA, "measure", measure)
    assert err.value.key == "error.year_outside_plan" and err.value.field == "end_year"
    assert plans.get(demo_db, "measure", measure, include_deleted=True)["deleted_at"]
