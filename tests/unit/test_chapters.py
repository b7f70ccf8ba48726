"""Plan chapters: versions, stale saves, permissions, history, the example chapters."""

import pytest

from lape_plan import chapters, demo, plans
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import org_id


@pytest.fixture
def plan_id(demo_db):
    return plans.plans(demo_db)[0]["id"]


def test_save_creates_then_versions_and_audits(demo_db, plan_id):
    kokkola = org_id(demo_db, "272")
    anna = Actor("Anna Aalto", Role.FACILITATOR)
    assert chapters.part(demo_db, plan_id, "resources")["version"] == 0
    assert chapters.save(demo_db, anna, plan_id, "resources", None, 0, "# Rahat\n\nTeksti", "Text") == 1
    assert chapters.save(demo_db, anna, plan_id, "resources", None, 1, "# Rahat\n\nUusi", "Text") == 2
    # an unchanged save writes nothing
    assert chapters.save(demo_db, anna, plan_id, "resources", None, 2, "# Rahat\n\nUusi", "Text") == 2
    row = chapters.get(demo_db, plan_id, "resources")
    assert (row["text_fi"], row["updated_by"], row["version"]) == ("# Rahat\n\nUusi", "Anna Aalto", 2)
    # the municipality's part is a separate row with its own versions
    assert chapters.save(demo_db, anna, plan_id, "resources", kokkola, 0, "Kokkolan osa") == 1
    assert chapters.get(demo_db, plan_id, "resources", kokkola)["text_fi"] == "Kokkolan osa"
    history = chapters.history(demo_db, row["id"])
    assert [h["action"] for h in history] == ["update", "create"]
    assert '"Uusi' not in history[1]["after"] and "Uusi" in history[0]["after"]
    assert history[0]["actor"] == "Anna Aalto"


def test_stale_save_is_refused_with_who_and_when(demo_db, plan_id):
    first, second = Actor("Eka", Role.ADMIN), Actor("Toka", Role.ADMIN)
    chapters.save(demo_db, first, plan_id, "resources", None, 0, "alku")
    chapters.save(demo_db, first, plan_id, "resources", None, 1, "ekan muutos")
    with pytest.raises(ConflictError) as err:
        chapters.save(demo_db, second, plan_id, "resources", None, 1, "tokan muutos")
    assert err.value.by == "Eka" and err.value.current["text_fi"] == "ekan muutos"
    assert chapters.get(demo_db, plan_id, "resources")["text_fi"] == "ekan muutos"
    # two people creating the same part: the second is refused too
    chapters.save(demo_db, first, plan_id, "child_welfare", None, 0, "A")
    with pytest.raises(ConflictError):
        chapters.save(demo_db, second, plan_id, "child_welfare", None, 0, "B")


def test_permissions(demo_db, plan_id):
    kokkola, kannus = org_id(demo_db, "272"), org_id(demo_db, "217")
    member = Actor("Kokkolan jäsen", Role.MEMBER, org_ids=frozenset({kokkola}))
    county = Actor("Soiten jäsen", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "HVA18")}))
    viewer = Actor("Katsoja", Role.VIEWER, org_ids=frozenset({kokkola}))
    assert chapters.save(demo_db, member, plan_id, "resources", kokkola, 0, "oma osa") == 1
    for actor, part in ((member, None), (member, kannus), (viewer, kokkola), (county, None), (county, kokkola)):
        with pytest.raises(PermissionDenied):
            chapters.save(demo_db, actor, plan_id, "resources", part, 0, "ei saa")
    assert chapters.get(demo_db, plan_id, "resources", kannus) is None
    for role in (Role.ADMIN, Role.FACILITATOR):
        assert chapters.may_edit(Actor("x", role), None) and chapters.may_edit(Actor("x", role), kannus)
    # a part only for municipalities of the plan
    with pytest.raises(ValidationError):
        chapters.save(demo_db, SYSTEM, plan_id, "resources", org_id(demo_db, "HVA18"), 0, "maakunta")


def test_validation(demo_db, plan_id):
    with pytest.raises(ValidationError):
        chapters.save(demo_db, SYSTEM, plan_id, "no_such_chapter", None, 0, "x")
    with pytest.raises(ValidationError) as err:
        chapters.save(demo_db, SYSTEM, plan_id, "resources", None, 0, "x" * (chapters.CHAPTER_MAX + 1))
    assert err.value.key == "error.too_long"
    chapters.save(demo_db, SYSTEM, plan_id, "resources", None, 0, "rivi\r\n\r\n  - sisennys  \n\n")
    assert chapters.get(demo_db, plan_id, "resources")["text_fi"] == "rivi\n\n  - sisennys"


def test_example_plan_has_example_chapters(db):
    plan_id = demo.load(db)
    parts = chapters.all_parts(db, plan_id)
    assert ("wellbeing", None) in parts and ("wellbeing", org_id(db, "272")) in parts
    assert all(p["is_example"] for p in parts.values())
    assert all("esimerkki" in p["text_fi"].lower() for p in parts.values())
    assert parts[("cooperation", None)]["text_sv"] == ""  # shows the "only in Finnish" marking
    # the county's chapter is offered because the plan has a county
    assert chapters.kinds(db, plan_id)[-1] == "child_welfare"


def test_changing_one_language_marks_the_other_outdated_until_confirmed(demo_db, plan_id):
    save = lambda v, fi, sv: chapters.save(demo_db, SYSTEM, plan_id, "resources", None, v, fi, sv)  # noqa: E731
    part = lambda: chapters.get(demo_db, plan_id, "resources")  # noqa: E731
    v = save(0, "Rahat", "")
    assert [r["problems"] for r in chapters.language_status(demo_db, plan_id) if r["kind"] == "resources"] == [
        ["missing_sv"]
    ]
    v = save(v, "Rahat", "Pengar")  # the first translation marks nothing
    assert (part()["fi_outdated"], part()["sv_outdated"]) == (0, 0)
    v = save(v, "Rahat ja tilat", "Pengar")  # Finnish changed: Swedish outdated
    assert (part()["fi_outdated"], part()["sv_outdated"]) == (0, 1)
    assert ["outdated_sv"] in [r["problems"] for r in chapters.language_status(demo_db, plan_id)]
    v = save(v, "Rahat, tilat ja ihmiset", "Pengar")  # still outdated after another Finnish change
    assert part()["sv_outdated"] == 1
    with pytest.raises(ConflictError):
        chapters.confirm(demo_db, SYSTEM, plan_id, "resources", None, "sv", v - 1)
    member = Actor("Jäsen", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    with pytest.raises(PermissionDenied):
        chapters.confirm(demo_db, member, plan_id, "resources", None, "sv", v)
    v = chapters.confirm(demo_db, Actor("Sara Svensson", Role.FACILITATOR), plan_id, "resources", None, "sv", v)
    assert (part()["sv_outdated"], part()["version"], part()["updated_by"]) == (0, v, "Sara Svensson")
    assert chapters.history(demo_db, part()["id"])[0]["action"] == "confirm"
    v = save(v, "Rahat, tilat ja ihmiset", "Pengar och lokaler")  # Swedish changed: Finnish outdated
    assert (part()["fi_outdated"], part()["sv_outdated"]) == (1, 0)
    save(v, "Rahat ja tilat", "Pengar och rum")  # both changed together: both current
    assert (part()["fi_outdated"], part()["sv_outdated"]) == (0, 0)
    assert not [r for r in chapters.language_status(demo_db, plan_id) if r["kind"] == "resources"]


def test_items_missing_swedish(demo_db, plan_id):
    assert chapters.items_missing_swedish(demo_db, plan_id) == []  # the example has Swedish everywhere
    area = plans.tree(demo_db, plan_id)[1]
    goal = area["goals"][0]
    plans.update(demo_db, SYSTEM, "goal", goal["id"], goal["version"], title_sv="")
    measure = goal["measures"][1]
    plans.update(demo_db, SYSTEM, "measure", measure["id"], measure["version"], title_sv="  ")
    assert [(i["entity"], i["number"], i["title_fi"]) for i in chapters.items_missing_swedish(demo_db, plan_id)] == [
        ("goal", "2.1", goal["title_fi"]),
        ("measure", "2.1.2", measure["title_fi"]),
    ]
