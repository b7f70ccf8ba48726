"""Child impact assessment: permissions per role, versions and conflicts, states,
validation, the list and the measures missing an assessment, decisions, export, CLI."""

import io
import json

import openpyxl
import pytest

from lape_plan import assessments as lava, cli, exports, plans, workshop
from lape_plan.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role
from tests.helpers import first_plan_id, org_id

ADMIN = Actor("Anna Admin", Role.ADMIN)
FACILITATOR = Actor("Fiia Fasilitaattori", Role.FACILITATOR)
VIEWER = Actor("Ville Katselija", Role.VIEWER)

FULL = {
    "form": "full",
    "status": "done",
    "subject": "Kerhot iltapäivisin",
    "affected": "Alakoululaiset",
    "age_groups": ["7_12"],
    "vulnerable_groups": ["low_income"],
    "hearing": "Oppilaskunnat kuultiin",
    "options": "Kerhot\nNykytila",
    "mitigation": "Kuljetus järjestetään",
    "effects": [
        {
            "option": "Kerhot",
            "group": "7_12",
            "aspect": "wellbeing",
            "direction": "positive",
            "reason": "Turvallinen paikka",
        },
        {
            "option": "Nykytila",
            "group": "low_income",
            "aspect": "services",
            "direction": "negative",
            "reason": "Ei varaa harrastuksiin",
        },
    ],
    "conclusion": "Kerhot perustetaan",
    "follow_up_year": 2023,
    "follow_up_method": "Osallistujamäärät",
}


def _measure(db, title):
    return db.execute("select id from measures where title_fi = ?", [title]).fetchone()[0]


def _member(db, code):
    return Actor(f"Jäsen {code}", Role.MEMBER, org_ids=frozenset({org_id(db, code)}))


# Kokkola (272) answers for this measure; it has no example assessment
BULLYING_SURVEY = "Oppilaskuntien kiusaamiskysely joka vuosi"


def test_full_assessment_is_stored_with_its_parts(demo_db):
    measure = _measure(demo_db, BULLYING_SURVEY)
    a_id = lava.create(demo_db, _member(demo_db, "272"), "measure", measure, **FULL)
    a = lava.get(demo_db, a_id)
    assert a["options"] == ["Kerhot", "Nykytila"] and a["age_groups"] == ["7_12"]
    assert [e["direction"] for e in a["effects"]] == ["positive", "negative"]
    assert a["state"] == "done" and a["version"] == 1 and a["plan_id"] == first_plan_id(demo_db)
    rows = demo_db.execute(
        "select grp, reason from assessment_effects where assessment_id = ? order by position", [a_id]
    ).fetchall()
    assert rows == [("7_12", "Turvallinen paikka"), ("low_income", "Ei varaa harrastuksiin")]
    audit = demo_db.execute(
        "select actor, action, after from audit where entity = 'assessment' and entity_id = ?", [a_id]
    ).fetchall()
    assert audit[0][:2] == ("Jäsen 272", "create") and "Turvallinen paikka" in audit[0][2]


@pytest.mark.parametrize(
    "who, allowed",
    [("admin", True), ("facilitator", True), ("member_own", True), ("member_other", False), ("viewer", False)],
)
def test_permissions_per_role(demo_db, who, allowed):
    measure = _measure(demo_db, BULLYING_SURVEY)
    actor = {
        "admin": ADMIN,
        "facilitator": FACILITATOR,
        "member_own": _member(demo_db, "272"),
        "member_other": _member(demo_db, "217"),
        "viewer": VIEWER,
    }[who]
    assert lava.allowed(demo_db, actor, "measure", measure) is allowed
    if allowed:
        a_id = lava.create(demo_db, actor, "measure", measure, affected="Kaikki koululaiset")
        assert lava.update(demo_db, actor, a_id, 1, conclusion="Hyvä") == 2
    else:
        with pytest.raises(PermissionDenied):
            lava.create(demo_db, actor, "measure", measure, affected="Kaikki koululaiset")
        a_id = lava.create(demo_db, ADMIN, "measure", measure, affected="Kaikki koululaiset")
        with pytest.raises(PermissionDenied):
            lava.update(demo_db, actor, a_id, 1, conclusion="Ei saa")
        with pytest.raises(PermissionDenied):
            lava.delete(demo_db, actor, a_id, 1)
        assert lava.get(demo_db, a_id)["conclusion"] == ""


def test_measure_without_organisation_belongs_to_its_goals_organisations(demo_db):
    measure = _measure(demo_db, BULLYING_SURVEY)
    plans.update(
        demo_db, ADMIN, "measure", measure, plans.get(demo_db, "measure", measure)["version"], responsible_org_id=None
    )
    # the goal "Kiusaaminen vähenee..." is Kokkola's and Kannus's
    assert lava.allowed(demo_db, _member(demo_db, "217"), "measure", measure)
    assert not lava.allowed(demo_db, _member(demo_db, "924"), "measure", measure)


def test_stale_save_is_refused_with_who_saved(demo_db):
    measure = _measure(demo_db, BULLYING_SURVEY)
    a_id = lava.create(demo_db, ADMIN, "measure", measure, affected="Koululaiset")
    maija = Actor("Maija", Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    assert lava.update(demo_db, maija, a_id, 1, affected="Maijan teksti") == 2
    with pytest.raises(ConflictError) as err:
        lava.update(demo_db, ADMIN, a_id, 1, affected="Minun tekstini")
    assert err.value.by == "Maija" and err.value.current["affected"] == "Maijan teksti"
    assert lava.get(demo_db, a_id)["affected"] == "Maijan teksti"
    # on top of their version it goes through; an unchanged save keeps the version
    assert lava.update(demo_db, ADMIN, a_id, 2, affected="Minun tekstini") == 3
    assert lava.update(demo_db, ADMIN, a_id, 3, affected="Minun tekstini") == 3
    changes = demo_db.execute(
        "select before, after from audit where entity = 'assessment' and entity_id = ? "
        "and action = 'update' order by id",
        [a_id],
    ).fetchall()
    assert [json.loads(c[1])["affected"] for c in changes] == ["Maijan teksti", "Minun tekstini"]


def test_second_assessment_of_the_same_item_is_a_conflict(demo_db):
    measure = _measure(demo_db, BULLYING_SURVEY)
    lava.create(demo_db, _member(demo_db, "272"), "measure", measure, affected="Ensimmäinen")
    with pytest.raises(ConflictError) as err:
        lava.create(demo_db, ADMIN, "measure", measure, affected="Toinen")
    assert err.value.by == "Jäsen 272" and err.value.current["affected"] == "Ensimmäinen"


def test_effect_rows_are_replaced_as_one_version(demo_db):
    a_id = lava.create(demo_db, ADMIN, "measure", _measure(demo_db, BULLYING_SURVEY), **FULL)
    effects = [
        {"option": "Nykytila", "group": "all", "aspect": "rights", "direction": "unclear", "reason": "Ei tiedetä"}
    ]
    assert lava.update(demo_db, ADMIN, a_id, 1, effects=effects, status="draft") == 2
    assert lava.get(demo_db, a_id)["effects"] == [{**effects[0]}]
    assert demo_db.execute("select count(*) from assessment_effects where assessment_id = ?", [a_id]).fetchone()[0] == 1


@pytest.mark.parametrize(
    "change, field",
    [
        ({"subject": ""}, "lava_subject"),
        ({"age_groups": []}, "lava_age_groups"),
        ({"effects": []}, "lava_effects"),
        ({"follow_up_year": None}, "lava_follow_up_year"),
        ({"mitigation": ""}, "lava_mitigation"),  # an effect is negative
    ],
)
def test_done_needs_the_full_forms_parts(demo_db, change, field):
    with pytest.raises(ValidationError) as err:
        lava.create(demo_db, ADMIN, "measure", _measure(demo_db, BULLYING_SURVEY), **{**FULL, **change})
    assert err.value.field == field
    # the same as a draft is fine
    lava.create(demo_db, ADMIN, "measure", _measure(demo_db, BULLYING_SURVEY), **{**FULL, **change, "status": "draft"})


def test_short_form_done_needs_its_four_parts(demo_db):
    measure = _measure(demo_db, BULLYING_SURVEY)
    short = {
        "form": "short",
        "status": "done",
        "affected": "Koululaiset",
        "expected_effects": "Vähemmän kiusaamista",
        "hearing": "Kysely",
        "conclusion": "",
    }
    with pytest.raises(ValidationError) as err:
        lava.create(demo_db, ADMIN, "measure", measure, **short)
    assert err.value.field == "lava_conclusion"
    a_id = lava.create(demo_db, ADMIN, "measure", measure, **{**short, "conclusion": "Myönteinen"})
    assert lava.get(demo_db, a_id)["state"] == "done"


@pytest.mark.parametrize(
    "effect, key",
    [
        (
            {"option": "Kolmas", "group": "all", "aspect": "rights", "direction": "positive", "reason": "x"},
            "assessments.error.effect_option",
        ),
        (
            {"option": "", "group": "all", "aspect": "rights", "direction": "positive", "reason": "x"},
            "assessments.error.effect_no_option",
        ),
        (
            {"option": "Kerhot", "group": "all", "aspect": "rights", "direction": "positive", "reason": " "},
            "assessments.error.effect_reason",
        ),
        (
            {"option": "Kerhot", "group": "teens", "aspect": "rights", "direction": "positive", "reason": "x"},
            "error.invalid",
        ),
        ({"option": "Kerhot", "group": "all", "aspect": "rights", "direction": "good", "reason": "x"}, "error.invalid"),
    ],
)
def test_bad_effect_rows_are_refused_and_nothing_is_saved(demo_db, effect, key):
    measure = _measure(demo_db, BULLYING_SURVEY)
    with pytest.raises(ValidationError) as err:
        lava.create(demo_db, ADMIN, "measure", measure, **{**FULL, "effects": FULL["effects"] + [effect]})
    assert err.value.key == key
    assert lava.for_target(demo_db, "measure", measure) is None


def test_follow_up_year_must_be_in_the_plan_period(demo_db):
    with pytest.raises(ValidationError) as err:
        lava.create(demo_db, ADMIN, "measure", _measure(demo_db, BULLYING_SURVEY), follow_up_year=2031)
    assert err.value.key == "error.year_outside_plan"


def test_states_draft_done_followed_up(demo_db):
    member = _member(demo_db, "272")
    a_id = lava.create(demo_db, member, "measure", _measure(demo_db, BULLYING_SURVEY), **{**FULL, "status": "draft"})
    assert lava.get(demo_db, a_id)["state"] == "draft"
    with pytest.raises(ValidationError) as err:  # a draft is not followed up
        lava.record_outcome(demo_db, member, a_id, 1, "yes")
    assert err.value.key == "assessments.error.not_done"
    assert lava.update(demo_db, member, a_id, 1, status="done") == 2
    assert lava.get(demo_db, a_id)["state"] == "done"
    with pytest.raises(ValidationError):
        lava.record_outcome(demo_db, member, a_id, 2, "maybe")
    with pytest.raises(PermissionDenied):
        lava.record_outcome(demo_db, VIEWER, a_id, 2, "yes")
    assert lava.record_outcome(demo_db, member, a_id, 2, "partly", "Puolet kerhoista aloitti") == 3
    a = lava.get(demo_db, a_id)
    assert a["state"] == "followed_up" and a["outcome_by"] == "Jäsen 272" and a["outcome_at"]
    with pytest.raises(ConflictError) as err:  # someone else's screen still shows version 2
        lava.record_outcome(demo_db, ADMIN, a_id, 2, "no")
    assert err.value.current["outcome"] == "partly"


def test_list_per_organisation_and_missing_measures(demo_db):
    plan_id = first_plan_id(demo_db)
    # the example plan: four example assessments and one marked measure without one
    states = {(r["target"], r["assessment"]["state"]) for r in lava.listing(demo_db, plan_id)}
    assert states == {("measure", "followed_up"), ("measure", "done"), ("goal", "draft"), ("decision", "done")}
    assert lava.counts(lava.listing(demo_db, plan_id)) == {"draft": 1, "done": 2, "followed_up": 1}
    kokkola = org_id(demo_db, "272")
    assert {r["target"] for r in lava.listing(demo_db, plan_id, kokkola)} == {"measure", "decision"}
    assert [m["row"]["title_fi"] for m in lava.missing(demo_db, plan_id)] == [
        "Harrastamisen Suomen malli kaikissa kunnissa"
    ]
    measure = _measure(demo_db, BULLYING_SURVEY)
    with pytest.raises(PermissionDenied):
        lava.set_required(demo_db, _member(demo_db, "272"), measure, True)
    lava.set_required(demo_db, FACILITATOR, measure, True)
    assert [m["id"] for m in lava.missing(demo_db, plan_id, kokkola)] == [measure]
    assert lava.missing(demo_db, plan_id, org_id(demo_db, "217")) == []
    lava.create(demo_db, _member(demo_db, "272"), "measure", measure, affected="Koululaiset")
    assert measure not in [m["id"] for m in lava.missing(demo_db, plan_id)]
    lava.set_required(demo_db, FACILITATOR, measure, False)
    assert measure not in lava.required_ids(demo_db, plan_id)
    actions = [
        r[0]
        for r in demo_db.execute(
            "select action from audit where entity = 'measure' and entity_id = ? order by id", [measure]
        )
    ]
    assert actions[-2:] == ["assessment_required", "assessment_required"]


def test_decisions_record_permissions_and_conflicts(demo_db):
    plan_id = first_plan_id(demo_db)
    kannus = _member(demo_db, "217")
    d_id = lava.add_decision(
        demo_db,
        kannus,
        plan_id,
        org_id=org_id(demo_db, "217"),
        body="Kannuksen kunnanhallitus",
        date="2024-03-04",
        section="§ 12",
        title="Koulukuljetukset",
        url="https://kannus.fi/poytakirja",
    )
    with pytest.raises(PermissionDenied):  # another organisation's body
        lava.add_decision(
            demo_db, kannus, plan_id, org_id=org_id(demo_db, "272"), body="Kh", date="2024-03-04", title="X"
        )
    with pytest.raises(PermissionDenied):  # no organisation: coordinators only
        lava.add_decision(demo_db, kannus, plan_id, body="Kh", date="2024-03-04", title="X")
    with pytest.raises(ValidationError) as err:
        lava.add_decision(demo_db, ADMIN, plan_id, body="Kh", date="4.3.2024", title="X")
    assert err.value.field == "lava_decision_date"
    with pytest.raises(ValidationError) as err:
        lava.add_decision(demo_db, ADMIN, plan_id, body="Kh", date="2024-03-04", title="X", url="javascript:alert(1)")
    assert err.value.key == "assessments.error.url"
    assert lava.update_decision(demo_db, ADMIN, d_id, 1, section="§ 13") == 2
    with pytest.raises(ConflictError):
        lava.update_decision(demo_db, kannus, d_id, 1, title="Vanha näkymä")
    a_id = lava.create(demo_db, kannus, "decision", d_id, affected="Koululaiset")
    assert lava.get(demo_db, a_id)["target"] == "decision"
    with pytest.raises(ValidationError):
        lava.delete_decision(demo_db, kannus, d_id, 2)
    lava.delete(demo_db, kannus, a_id, 1)
    assert lava.for_target(demo_db, "decision", d_id) is None
    lava.delete_decision(demo_db, kannus, d_id, 2)
    with pytest.raises(NotFound):
        lava.get_decision(demo_db, d_id)


def test_hearing_links_the_plans_workshops_with_figures(demo_db):
    plan_id = first_plan_id(demo_db)
    w_id = workshop.create(
        demo_db, FACILITATOR, plan_id, "Nuorten ilta", focus_area_ids=[plans.tree(demo_db, plan_id)[0]["id"]]
    )
    code = workshop.get(demo_db, w_id)["code"]
    workshop.join(demo_db, code, "Aino")
    workshop.join(demo_db, code, "Eino")
    a_id = lava.create(demo_db, ADMIN, "measure", _measure(demo_db, BULLYING_SURVEY), form="full", workshop_ids=[w_id])
    assert lava.get(demo_db, a_id)["workshop_ids"] == [w_id]
    figures = lava.hearing_workshops(demo_db, plan_id)
    assert figures[0]["participants"] == 2
    assert "osallistujia 2" in lava.workshop_label(figures[0], "fi")
    with pytest.raises(ValidationError):
        lava.update(demo_db, ADMIN, a_id, 1, workshop_ids=[w_id + 99])


def test_export_sheet_lists_the_assessments(demo_db):
    plan_id = first_plan_id(demo_db)
    wb = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(demo_db, plan_id, "fi")))
    assert wb.sheetnames[-2:] == ["Lapsivaikutukset", exports.META_SHEET]
    rows = [[c.value for c in r] for r in wb["Lapsivaikutukset"].iter_rows()]
    assert rows[0][:4] == ["Kohde", "Vastuutaho", "Lomake", "Tila"]
    full = next(r for r in rows if r[0].startswith("Toimenpide: 2.2.1"))
    assert full[2:4] == ["Täysi", "Seurattu"] and "Kielteinen — Matka keskustaan" in full[8]
    # text a user typed stays text
    a_id = lava.for_target(demo_db, "goal", plans.tree(demo_db, plan_id)[2]["goals"][0]["id"])["id"]
    lava.update(demo_db, ADMIN, a_id, 1, affected='=HYPERLINK("http://evil")')
    ws = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(demo_db, plan_id, "sv")))["Konsekvenser för barn"]
    cell = next(c for r in ws.iter_rows() for c in r if c.value == '=HYPERLINK("http://evil")')
    assert cell.data_type == "s" and cell.quotePrefix
    blank = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(demo_db, plan_id, "fi", blank=True)))
    assert "Lapsivaikutukset" not in blank.sheetnames


def test_example_is_loaded_once_and_flagged(demo_db):
    plan_id = first_plan_id(demo_db)
    before = demo_db.execute("select count(*) from assessments").fetchone()[0]
    lava.load_example(demo_db, plan_id)
    assert demo_db.execute("select count(*) from assessments").fetchone()[0] == before == 4
    assert demo_db.execute("select count(*) from assessments where is_example = 0").fetchone()[0] == 0
    assert demo_db.execute("select count(*) from decisions where is_example = 0").fetchone()[0] == 0


def test_cli_lists_and_fails_on_missing(demo_db, capsys):
    path = demo_db.conn.execute("pragma database_list").fetchone()[2]
    assert cli.main(["assessments", "--db", path, "--lang", "sv"]) == 0
    out = capsys.readouterr().out
    assert "Uppsökande ungdomsarbete i tre förorter" in out and "Uppföljd" in out
    assert cli.main(["assessments-missing", "--db", path, "--fail"]) == 1
    assert "Harrastamisen Suomen malli" in capsys.readouterr().out
