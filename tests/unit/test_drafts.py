"""Drafts: promoted workshop proposals (and items set back to draft) count nowhere, not in
follow-up, budget, assessments, indicators, counts or exports, until a facilitator accepts
them with responsible organisation(s) and a Swedish title."""

import csv
import io

import openpyxl
import pytest

from lape_plan import (
    assessments,
    budget,
    drafts,
    exports,
    indicators,
    plans,
    roundtrip,
)
from lape_plan import (
    follow_up as fu,
)
from lape_plan import (
    workshop as ws,
)
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role
from tests.helpers import first_plan_id, org_id

FAC = Actor(name="Fasilitaattori", role=Role.FACILITATOR)
MEMBER = Actor(name="Jäsen", role=Role.MEMBER)
YEAR = 2022


def _workbook_text(data: bytes) -> str:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(str(c.value) for s in wb.worksheets for row in s.iter_rows() for c in row if c.value is not None)


def _csv_text(data: bytes) -> str:
    return data.decode("utf-8-sig")


def _promoted(db, text="Nuorisotila joka kylään", **kwargs):
    plan_id = first_plan_id(db)
    area = plans.tree(db, plan_id)[0]["id"]
    wid = ws.create(db, FAC, plan_id, "Syysseminaari", "", [area])
    token = ws.join(db, ws.get(db, wid)["code"])
    pid = ws.propose(db, token, area, text)
    ws.set_phase(db, FAC, wid, "voting")
    ws.vote(db, token, pid, 0)
    return pid, ws.promote(db, FAC, pid, **kwargs)


def _goal_ids(db, **kwargs):
    return {g["id"] for a in plans.tree(db, first_plan_id(db), **kwargs) for g in a["goals"]}


def _item_keys(db):
    return {(i["entity"], i["id"]) for i in fu.items(db, first_plan_id(db))}


def _missing_keys(db, year):
    return {(i["entity"], i["id"]) for g in fu.missing(db, first_plan_id(db), year) for i in g["items"]}


# ---------------------------------------------------------------- a promoted proposal
def test_a_promoted_proposal_is_a_draft_goal_that_counts_nowhere_until_accepted(demo_db):
    plan_id = first_plan_id(demo_db)
    counts = plans.overview(demo_db, plan_id)
    rollup = fu.rollup(demo_db, plan_id, YEAR)
    pid, goal_id = _promoted(demo_db)
    goal = plans.get(demo_db, "goal", goal_id)
    assert goal["draft"] == 1 and goal["responsible_ids"] == [] and goal["title_sv"] == ""
    # in the editor's tree, nowhere else
    assert goal_id in _goal_ids(demo_db, include_drafts=True) and goal_id not in _goal_ids(demo_db)
    assert plans.overview(demo_db, plan_id)["goals"] == counts["goals"]
    assert ("goal", goal_id) not in _item_keys(demo_db)
    # not a missing update for any year (it was, for every past year, before drafts)
    for year in fu.plan_years(plans.get_plan(demo_db, plan_id)):
        assert ("goal", goal_id) not in _missing_keys(demo_db, year)
    assert fu.rollup(demo_db, plan_id, YEAR)["counts"] == rollup["counts"]
    assert ("goal", goal_id) not in {(r["entity"], r["item_id"]) for r in fu.year_summary(demo_db, plan_id, YEAR)}
    assert ("goal", goal_id) not in {(c["entity"], c["item_id"]) for c in fu.grid(demo_db, plan_id)}
    assert all(t["id"] != goal_id for t in assessments.targets(demo_db, plan_id) if t["target"] == "goal")
    # not printed for the council, nor offered to the round trip
    assert "Nuorisotila joka kylään" not in _workbook_text(exports.plan_workbook(demo_db, plan_id, "fi"))
    assert "Nuorisotila joka kylään" not in _csv_text(exports.plan_csv(demo_db, plan_id, "fi"))
    muni = org_id(demo_db, "272")
    assert "Nuorisotila joka kylään" not in _workbook_text(exports.plan_workbook(demo_db, plan_id, "fi", muni))
    goals_sheet = next(t for t in exports.data_tables(demo_db, plan_id, "fi") if t.key == "goals")
    assert goal_id not in [r[0] for r in goals_sheet.rows]
    # no follow-up for a draft
    with pytest.raises(ValidationError) as e:
        fu.record(demo_db, FAC, "goal", goal_id, YEAR, "on_track")
    assert e.value.key == "drafts.error.follow_up"

    # accepting: refused while something is missing, naming it
    with pytest.raises(ValidationError) as e:
        drafts.accept(demo_db, FAC, "goal", goal_id, goal["version"])
    assert e.value.key == "drafts.error.missing_responsible_and_title_sv"
    with pytest.raises(ValidationError) as e:
        drafts.accept(demo_db, FAC, "goal", goal_id, goal["version"], responsible_ids=[muni])
    assert e.value.key == "drafts.error.missing_title_sv" and e.value.params["field"] == "title_sv"
    with pytest.raises(ValidationError) as e:
        drafts.accept(demo_db, FAC, "goal", goal_id, goal["version"], title_sv="Ungdomsgård i varje by")
    assert e.value.key == "drafts.error.missing_responsible"
    assert plans.get(demo_db, "goal", goal_id)["draft"] == 1  # nothing was saved by the refusals
    version = drafts.accept(
        demo_db, FAC, "goal", goal_id, goal["version"], responsible_ids=[muni], title_sv="Ungdomsgård i varje by"
    )
    accepted = plans.get(demo_db, "goal", goal_id)
    assert (accepted["draft"], accepted["version"], accepted["responsible_ids"]) == (0, version, [muni])
    assert accepted["title_sv"] == "Ungdomsgård i varje by"
    audit = demo_db.execute(
        "select action, actor from audit where entity = 'goal' and entity_id = ? order by id desc limit 1", [goal_id]
    ).fetchone()
    assert tuple(audit) == ("accept_draft", "Fasilitaattori")
    # now it counts everywhere
    assert goal_id in _goal_ids(demo_db)
    assert plans.overview(demo_db, plan_id)["goals"] == counts["goals"] + 1
    assert ("goal", goal_id) in _missing_keys(demo_db, YEAR)
    assert "Nuorisotila joka kylään" in _workbook_text(exports.plan_workbook(demo_db, plan_id, "fi"))
    assert "Nuorisotila joka kylään" in _csv_text(exports.plan_csv(demo_db, plan_id, "fi"))
    assert fu.record(demo_db, FAC, "goal", goal_id, YEAR, "on_track") == 1


def test_accept_rules(demo_db):
    pid, goal_id = _promoted(demo_db, title_sv="Ungdomsgård")
    goal = plans.get(demo_db, "goal", goal_id)
    muni = org_id(demo_db, "272")
    with pytest.raises(PermissionDenied):
        drafts.accept(demo_db, MEMBER, "goal", goal_id, goal["version"], responsible_ids=[muni])
    with pytest.raises(ConflictError):
        drafts.accept(demo_db, FAC, "goal", goal_id, goal["version"] - 1, responsible_ids=[muni])
    plans.update(demo_db, FAC, "goal", goal_id, goal["version"], responsible_ids=[muni])
    version = drafts.accept(demo_db, FAC, "goal", goal_id, goal["version"] + 1)  # the saved values are enough
    with pytest.raises(ValidationError) as e:
        drafts.accept(demo_db, FAC, "goal", goal_id, version)
    assert e.value.key == "drafts.error.not_a_draft"
    with pytest.raises(ValidationError) as e:
        drafts.discard(demo_db, FAC, "goal", goal_id, version)
    assert e.value.key == "drafts.error.not_a_draft"
    with pytest.raises(PermissionDenied):
        drafts.mark(demo_db, MEMBER, "goal", goal_id, version)


def test_a_draft_measure_under_a_chosen_goal_inherits_the_goals_organisations(demo_db):
    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    pid, measure_id = _promoted(demo_db, goal_id=goal["id"])
    measure = plans.get(demo_db, "measure", measure_id)
    assert (measure["goal_id"], measure["draft"], measure["responsible_org_id"]) == (goal["id"], 1, None)
    proposal = ws.get_proposal(demo_db, pid)
    assert (proposal["goal_id"], proposal["measure_id"]) == (goal["id"], measure_id)
    assert "Syysseminaari" in drafts.origin(demo_db, "measure", measure_id, "fi")
    assert drafts.origin(demo_db, "goal", goal["id"], "fi") is None  # the chosen goal did not come from it
    shown = {m["id"] for a in plans.tree(demo_db, plan_id) for g in a["goals"] for m in g["measures"]}
    assert measure_id not in shown and goal["id"] in _goal_ids(demo_db)
    assert ("measure", measure_id) not in _item_keys(demo_db)
    with pytest.raises(ValidationError) as e:
        ws.promote(demo_db, FAC, pid, goal_id=goal["id"])  # a double click
    assert e.value.key == "workshop.error.already_promoted"
    # the goal has responsible organisations, so only the Swedish title is missing
    with pytest.raises(ValidationError) as e:
        drafts.accept(demo_db, FAC, "measure", measure_id, measure["version"])
    assert e.value.key == "drafts.error.missing_title_sv"
    drafts.accept(demo_db, FAC, "measure", measure_id, measure["version"], title_sv="Ungdomsgård")
    assert ("measure", measure_id) in _item_keys(demo_db)


def test_promoting_under_a_goal_of_another_plan_is_refused(demo_db):
    other = plans.create_plan(demo_db, FAC, "Toinen", 2010, 2013)  # listed after the example plan
    area = plans.add(demo_db, FAC, "focus_area", other, title_fi="Alue")
    foreign = plans.add(demo_db, FAC, "goal", area, title_fi="Vieras tavoite")
    with pytest.raises(ValidationError) as e:
        _promoted(demo_db, goal_id=foreign)
    assert e.value.key == "drafts.error.goal_other_plan"
    assert demo_db.execute("select count(*) from measures where goal_id = ?", [foreign]).fetchone()[0] == 0


def test_discarded_draft_can_be_promoted_again_and_restored_as_a_draft(demo_db):
    pid, goal_id = _promoted(demo_db)
    goal = plans.get(demo_db, "goal", goal_id)
    drafts.discard(demo_db, FAC, "goal", goal_id, goal["version"])
    deleted = plans.deleted_items(demo_db, first_plan_id(demo_db))
    assert [(d["entity"], d["id"]) for d in deleted][:1] == [("goal", goal_id)]
    again = ws.promote(demo_db, FAC, pid)
    assert again != goal_id and plans.get(demo_db, "goal", again)["draft"] == 1
    plans.restore(demo_db, FAC, "goal", goal_id)
    assert plans.get(demo_db, "goal", goal_id)["draft"] == 1  # back, still a draft


# ---------------------------------------------------------------- an item set back to draft
@pytest.fixture
def kaveri(demo_db):
    """The friendship goal (indicator links) and its Kaveritoiminta measure with example euros
    and a required assessment that is not done, both with follow-up for two years."""
    plan_id = first_plan_id(demo_db)
    budget.load_example(demo_db, plan_id)
    m = dict(next(demo_db.query("select * from measures where title_fi like 'Kaveritoiminta%'")))
    demo_db.execute("delete from assessments where target = 'measure' and target_id = ?", [m["id"]])
    assessments.set_required(demo_db, FAC, m["id"], True)
    for year in (YEAR - 1, YEAR):
        fu.record(demo_db, FAC, "measure", m["id"], year, "on_track", progress=40)
        fu.record(demo_db, FAC, "goal", m["goal_id"], year, "on_track", progress=40)
    return plans.get(demo_db, "goal", m["goal_id"]), m


def _everything(db, goal, measure):
    """Where the goal and its measure show, as (place, present) pairs."""
    plan_id = first_plan_id(db)
    cur = fu.current(db, plan_id)
    muni = org_id(db, "272")
    return {
        "tree": goal["id"] in _goal_ids(db),
        "overview": plans.overview(db, plan_id)["measures"],
        "items": ("measure", measure["id"]) in _item_keys(db),
        "current": any(k[:2] == ("measure", measure["id"]) for k in cur),
        "current_goal": any(k[:2] == ("goal", goal["id"]) for k in cur),
        "rollup": fu.rollup(db, plan_id, YEAR)["total"],
        "year_summary": ("measure", measure["id"])
        in {(r["entity"], r["item_id"]) for r in fu.year_summary(db, plan_id, YEAR)},
        "budget": budget.rollup(db, plan_id)["total"].planned,
        "budget_rows": any(r[1] == measure["id"] for r in budget.read_rows(db, plan_id)),
        "budget_csv": measure["title_fi"] in _csv_text(exports.budget_csv(db, plan_id, "fi")),
        "assessment_missing": measure["id"] in [i["id"] for i in assessments.missing(db, plan_id)],
        "indicators": goal["id"] in {r["goal_id"] for r in indicators.links(db, plan_id)},
        "workbook": measure["title_fi"] in _workbook_text(exports.plan_workbook(db, plan_id, "fi")),
        "municipality_sheet": measure["title_fi"] in _workbook_text(exports.plan_workbook(db, plan_id, "fi", muni)),
        "csv": goal["title_fi"] in _csv_text(exports.plan_csv(db, plan_id, "fi")),
    }


def test_a_goal_set_back_to_draft_leaves_everything_and_accepting_brings_it_back(demo_db, kaveri):
    goal, measure = kaveri
    before = _everything(demo_db, goal, measure)
    assert all(before[k] for k in before), before  # the fixture shows everywhere
    version = drafts.mark(demo_db, FAC, "goal", goal["id"], goal["version"])
    hidden = _everything(demo_db, goal, measure)
    # its own form in the plan editor still lists its indicator links
    assert indicators.links(demo_db, first_plan_id(demo_db), goal_id=goal["id"])
    for place, shown in before.items():
        if isinstance(shown, bool):
            assert hidden[place] is False, place
        else:
            assert hidden[place] < shown, place
    drafts.accept(demo_db, FAC, "goal", goal["id"], version)
    assert _everything(demo_db, goal, measure) == before


def test_a_measure_set_back_to_draft_leaves_its_goal_counted(demo_db, kaveri):
    goal, measure = kaveri
    before = _everything(demo_db, goal, measure)
    drafts.mark(demo_db, FAC, "measure", measure["id"], measure["version"])
    after = _everything(demo_db, goal, measure)
    assert after["tree"] and after["current_goal"] and after["indicators"] and after["csv"]
    assert not (
        after["items"]
        or after["current"]
        or after["budget_rows"]
        or after["budget_csv"]
        or after["assessment_missing"]
        or after["workbook"]
        or after["year_summary"]
    )
    assert after["budget"] < before["budget"] and after["overview"] == before["overview"] - 1
    with pytest.raises(ValidationError) as e:
        fu.record(demo_db, FAC, "measure", measure["id"], YEAR, "on_track")
    assert e.value.key == "drafts.error.follow_up"


def test_the_round_trip_skips_an_item_set_back_to_draft_after_the_export(demo_db, kaveri):
    goal, measure = kaveri
    plan_id = first_plan_id(demo_db)
    data = exports.plan_workbook(demo_db, plan_id, "en")
    version = drafts.mark(demo_db, FAC, "measure", measure["id"], measure["version"])

    def edit(wb):
        sheet = wb["Measures"]
        row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[0].value == measure["id"])
        col = next(c.column for c in sheet[1] if c.value == "Description")
        sheet.cell(row, col).value = "Changed in Excel"

    wb = openpyxl.load_workbook(io.BytesIO(data))
    edit(wb)
    buf = io.BytesIO()
    wb.save(buf)
    result = roundtrip.apply(demo_db, Actor(name="Eero Excel", role=Role.ADMIN), buf.getvalue(), "en")
    skipped = [c for c in result.conflicts if c.item_id == measure["id"] and c.entity == "measure"]
    assert skipped and "a draft in the app (not saved)" in skipped[0].fields
    assert plans.get(demo_db, "measure", measure["id"])["version"] == version  # not written
    assert plans.get(demo_db, "measure", measure["id"])["description"] != "Changed in Excel"
    # a new export does not offer the draft at all
    measures_sheet = next(t for t in exports.data_tables(demo_db, plan_id, "en") if t.key == "measures")
    assert measure["id"] not in [r[0] for r in measures_sheet.rows]
    rows = list(csv.reader(io.StringIO(_csv_text(exports.budget_csv(demo_db, plan_id, "en"))), delimiter=";"))
    assert all(r[0] != str(measure["id"]) for r in rows[1:])
