"""Approval and versions: the plan's state, frozen versions, council decisions on them,
and what changed since the approved version."""

import json

import pytest

from lape_plan import chapters, plans, versions
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role
from tests.helpers import org_id

FACILITATOR = Actor("Fiia Fasilitaattori", Role.FACILITATOR)


@pytest.fixture
def plan_id(demo_db):
    return plans.plans(demo_db)[0]["id"]


def _send(db, plan_id, actor=FACILITATOR):
    """draft -> cooperation group -> councils; returns the frozen version."""
    version = plans.get_plan(db, plan_id)["version"]
    version = versions.move(db, actor, plan_id, "cooperation_group", version)
    versions.move(db, actor, plan_id, "councils", version)
    return versions.latest_version(db, plan_id)


def test_states_move_in_order_and_sending_to_councils_freezes_a_version(demo_db, plan_id):
    plan = plans.get_plan(demo_db, plan_id)
    assert versions.state(plan) == "draft" and versions.versions(demo_db, plan_id) == []
    with pytest.raises(ValidationError):  # the cooperation group first
        versions.move(demo_db, FACILITATOR, plan_id, "councils", plan["version"])
    v = versions.move(demo_db, FACILITATOR, plan_id, "cooperation_group", plan["version"])
    assert versions.state(plans.get_plan(demo_db, plan_id)) == "cooperation_group"
    assert versions.versions(demo_db, plan_id) == []  # nothing frozen yet
    versions.move(demo_db, FACILITATOR, plan_id, "councils", v)
    [frozen] = versions.versions(demo_db, plan_id)
    assert (frozen["number"], frozen["created_by"]) == (1, "Fiia Fasilitaattori")
    snap = versions.get_version(demo_db, frozen["id"])["snapshot"]
    tree = plans.tree(demo_db, plan_id)
    assert [a["title_fi"] for a in snap["focus_areas"]] == [a["title_fi"] for a in tree]
    assert len(snap["measures"]) == sum(len(g["measures"]) for a in tree for g in a["goals"])
    measure = snap["measures"][0]
    assert {"responsible_org_id", "start_year", "end_year", "resources_text", "resources_eur"} <= set(measure)
    goal = next(g for g in snap["goals"] if g["indicators"])
    assert {"baseline_value", "target_value", "title_fi"} <= set(goal["indicators"][0])
    assert goal["responsible_ids"]
    assert {(c["kind"], c["municipality_id"]) for c in snap["chapters"]} == {
        k for k, p in chapters.all_parts(demo_db, plan_id).items() if p["text_fi"] or p["text_sv"]
    }
    actions = [r["action"] for r in demo_db.query("select action from audit where entity = 'plan_version'")]
    assert actions == ["create"]
    states = [
        json.loads(r["after"])
        for r in demo_db.query(
            "select after from audit where entity = 'plan' and after like '%approval_state%' order by id"
        )
    ]
    assert states == [{"approval_state": "cooperation_group"}, {"approval_state": "councils"}]


def test_stale_move_and_members_are_refused(demo_db, plan_id):
    plan = plans.get_plan(demo_db, plan_id)
    with pytest.raises(PermissionDenied):
        versions.move(
            demo_db,
            Actor("Maija", Role.MEMBER, org_ids=(org_id(demo_db, "272"),)),
            plan_id,
            "cooperation_group",
            plan["version"],
        )
    with pytest.raises(PermissionDenied):
        versions.move(demo_db, Actor("Ville", Role.VIEWER), plan_id, "cooperation_group", plan["version"])
    versions.move(demo_db, Actor("Eka", Role.ADMIN), plan_id, "cooperation_group", plan["version"])
    with pytest.raises(ConflictError) as err:  # a screen that showed the plan before Eka moved it
        versions.move(demo_db, FACILITATOR, plan_id, "cooperation_group", plan["version"])
    assert err.value.by == "Eka"
    with pytest.raises(ValidationError):
        versions.move(demo_db, FACILITATOR, plan_id, "approved", plan["version"] + 1)


def test_decisions_are_recorded_against_the_frozen_version(demo_db, plan_id):
    kokkola = org_id(demo_db, "272")
    legacy = {a["id"] for a in plans.approvals(demo_db, plan_id)}
    assert versions.approved_version(demo_db, plan_id) is None
    first = _send(demo_db, plan_id)
    approval = plans.add_approval(
        demo_db, FACILITATOR, plan_id, "Kokkolan kaupunginvaltuusto", "2025-02-03", "Kvalt 3.2.2025 § 9", kokkola
    )
    row = next(a for a in plans.approvals(demo_db, plan_id) if a["id"] == approval)
    assert row["version_id"] == first["id"]
    assert versions.approved_version(demo_db, plan_id)["id"] == first["id"]
    [listed] = versions.versions(demo_db, plan_id)
    assert [d["reference"] for d in listed["decisions"]] == ["Kvalt 3.2.2025 § 9"]
    assert all(a["version_id"] is None for a in plans.approvals(demo_db, plan_id) if a["id"] in legacy)
    # another plan's version is refused
    other = plans.create_plan(demo_db, FACILITATOR, "Toinen", 2025, 2028, [kokkola])
    with pytest.raises(ValidationError):
        plans.add_approval(demo_db, FACILITATOR, other, "Valtuusto", "2025-01-01", "§ 1", version_id=first["id"])
    with pytest.raises(PermissionDenied):
        plans.add_approval(demo_db, Actor("Ville", Role.VIEWER), plan_id, "X", "2025-01-01", "§ 2")


def test_revised_plan_sent_again_keeps_earlier_versions_and_they_stay_frozen(demo_db, plan_id):
    first = _send(demo_db, plan_id)
    plans.add_approval(demo_db, FACILITATOR, plan_id, "Kokkolan kaupunginvaltuusto", "2025-02-03", "§ 9")
    plan = plans.get_plan(demo_db, plan_id)
    versions.move(demo_db, FACILITATOR, plan_id, "draft", plan["version"])
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    plans.update(demo_db, FACILITATOR, "goal", goal["id"], goal["version"], title_fi="Uusi otsikko")
    assert versions.get_version(demo_db, first["id"])["snapshot"] == first["snapshot"]  # frozen
    second = _send(demo_db, plan_id)
    assert [v["number"] for v in versions.versions(demo_db, plan_id)] == [2, 1]
    assert second["snapshot"]["goals"][0]["title_fi"] == "Uusi otsikko"
    assert first["snapshot"]["goals"][0]["title_fi"] == goal["title_fi"]
    # decisions go to the newest version by default; the approved one is still the first until then
    assert versions.approved_version(demo_db, plan_id)["id"] == first["id"]
    plans.add_approval(demo_db, FACILITATOR, plan_id, "Kruunupyyn kunnanvaltuusto", "2025-06-01", "§ 40")
    assert versions.approved_version(demo_db, plan_id)["id"] == second["id"]
    assert [len(v["decisions"]) for v in versions.versions(demo_db, plan_id)] == [1, 1]


def test_what_changed_per_item_and_chapter(demo_db, plan_id):
    version = _send(demo_db, plan_id)
    plans.add_approval(demo_db, FACILITATOR, plan_id, "Kokkolan kaupunginvaltuusto", "2025-02-03", "§ 9")
    assert versions.changes_since(demo_db, plan_id)[1] == []
    area = plans.tree(demo_db, plan_id)[0]
    goal, other_goal = area["goals"][0], area["goals"][1]
    measure = goal["measures"][0]
    kokkola, kronoby = org_id(demo_db, "272"), org_id(demo_db, "288")
    plans.update(
        demo_db,
        FACILITATOR,
        "measure",
        measure["id"],
        measure["version"],
        resources_eur=1234.5,
        responsible_org_id=kronoby,
        end_year=2024,
    )
    new_measure = plans.add(
        demo_db, FACILITATOR, "measure", goal["id"], title_fi="=SUM(A1) **uusi**", responsible_org_id=kokkola
    )
    plans.delete(demo_db, FACILITATOR, "goal", other_goal["id"], other_goal["version"])
    part = chapters.part(demo_db, plan_id, "wellbeing")
    assert part["version"] and part["text_fi"]  # an example chapter
    chapters.save(
        demo_db,
        FACILITATOR,
        plan_id,
        "wellbeing",
        None,
        part["version"],
        part["text_fi"] + "\n\nRivi yksi\nRivi kaksi",
        part["text_sv"],
    )
    chapters.save(demo_db, FACILITATOR, plan_id, "resources", None, 0, "Rahat")
    seen, changes = versions.changes_since(demo_db, plan_id, lang="fi")
    assert seen["id"] == version["id"]
    by = {(c.kind, c.key): c for c in changes}
    changed = by[("measure", measure["id"])]
    assert changed.change == "changed" and changed.number == "1.1.1"
    fields = {f: (old, new) for f, old, new in changed.fields}
    assert fields["resources_eur"][1] == "1\u00a0234,5 €"
    assert fields["responsible_org_id"] == ("Kokkola", "Kruunupyy")
    assert set(fields) >= {"resources_eur", "responsible_org_id"}
    assert by[("measure", new_measure)].change == "added"
    assert by[("measure", new_measure)].title == "=SUM(A1) **uusi**"  # data, as typed
    assert by[("goal", other_goal["id"])].change == "removed"
    removed_measures = [c for c in changes if c.kind == "measure" and c.change == "removed"]
    assert {c.key for c in removed_measures} == {m["id"] for m in other_goal["measures"]}
    chapter = by[("chapter", ("wellbeing", None))]
    assert chapter.change == "changed" and [f[0] for f in chapter.fields] == ["text_fi"]
    assert chapter.fields[0][1:] == ("–", "Rivi yksi\nRivi kaksi")  # only the lines that changed
    assert by[("chapter", ("resources", None))].change == "added"
    # Swedish labels; unchanged items are not listed
    sv = versions.changes_since(demo_db, plan_id, lang="sv")[1]
    assert len(sv) == len(changes)
    assert next(c for c in sv if c.key == measure["id"]).fields[0][2] != ""
    assert ("goal", goal["id"]) not in by


def test_indicator_link_change_is_a_change_of_its_goal(demo_db, plan_id):
    _send(demo_db, plan_id)
    link = demo_db.execute("select id, goal_id from goal_indicators order by id limit 1").fetchone()
    demo_db.execute("update goal_indicators set target_value = 1.5 where id = ?", [link[0]])
    version = versions.latest_version(demo_db, plan_id)
    change = next(c for c in versions.changes_since(demo_db, plan_id, version["id"])[1] if c.key == link[1])
    assert change.kind == "goal" and change.fields[0][0] == "indicators"
    assert "1,5" in change.fields[0][2] and "1,5" not in change.fields[0][1]


def test_a_reworded_indicator_title_or_renamed_organisation_is_no_change_of_the_plan(demo_db, plan_id):
    _send(demo_db, plan_id)
    demo_db.execute("update indicators set title_fi = title_fi || ' (uusi nimi)'")
    demo_db.execute("update organisations set name_fi = name_fi || ' (uusi)' where code = '272'")
    version = versions.latest_version(demo_db, plan_id)
    assert versions.changes_since(demo_db, plan_id, version["id"])[1] == []
