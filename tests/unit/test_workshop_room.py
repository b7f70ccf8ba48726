"""A workshop in a real room: rounds, late proposals, background questions and split results,
feedback, the join link's host and the projector's paging."""

import csv
import io

import pytest
from openpyxl import load_workbook

from lape_plan import plans, workshop as ws
from lape_plan.charts import workshop as workshop_charts
from lape_plan.errors import ValidationError
from lape_plan.model import Actor, Role

FAC = Actor(name="Fasilitaattori", role=Role.FACILITATOR)


@pytest.fixture
def setup(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    areas = [a["id"] for a in plans.tree(demo_db, plan_id)]
    wid = ws.create(
        demo_db,
        FAC,
        plan_id,
        "LAPE-akatemia",
        "Mitä tehdään?",
        areas[:2],
        votes_per_participant=2,
        background=["role_group", "municipality"],
    )
    return demo_db, wid, areas


def code(db, wid):
    return ws.get(db, wid)["code"]


# ---------------------------------------------------------------- rounds
def test_a_new_workshop_has_one_round_with_its_question(setup):
    db, wid, areas = setup
    w = ws.get(db, wid)
    assert w["round"] == 1 and [r["question"] for r in ws.rounds(db, wid)] == ["Mitä tehdään?"]
    pid = ws.propose(db, ws.join(db, code(db, wid)), areas[0], "Kerhoja")
    assert ws.get_proposal(db, pid)["round_id"] == w["round_id"]


def test_rounds_each_collect_vote_and_keep_their_results(setup):
    db, wid, areas = setup
    a, b = ws.join(db, code(db, wid)), ws.join(db, code(db, wid))
    p1 = ws.propose(db, a, areas[0], "Kerhoja")
    ws.set_phase(db, FAC, wid, "voting")
    ws.vote(db, a, p1, 0)
    v = ws.vote(db, b, p1, 0)
    ws.set_results_visible(db, FAC, wid, True)
    with pytest.raises(ValidationError):
        ws.next_round(db, FAC, wid, "  ")  # a round needs its question
    r2 = ws.next_round(db, FAC, wid, "Miten nuoret kuullaan?")
    w = ws.get(db, wid)
    assert (w["phase"], w["results_visible"], w["round"], w["round_id"], w["question"]) == (
        "collecting",
        0,
        2,
        r2,
        "Miten nuoret kuullaan?",
    )
    assert ws.ballot_proposals(db, wid) == [] and ws.live(db, wid)["votes"] == 0
    p2 = ws.propose(db, a, areas[0], "Kerhoja")  # the same text is a new proposal in a new round
    p3 = ws.propose(db, b, areas[1], "Nuorisovaltuusto")
    ws.set_phase(db, FAC, wid, "voting")
    assert [p["id"] for p in ws.ballot_proposals(db, wid)] == [p2, p3]
    with pytest.raises(ValidationError) as e:  # last round's proposal takes no votes now
        ws.vote(db, b, p1, v)
    assert e.value.key == "workshop.error.proposal_unavailable"
    # a fresh budget of 2 in the new round, although a vote was used in the first
    version = ws.vote(db, a, p2, None)
    ws.vote(db, a, p3, version)
    assert ws.my_votes(db, ws.participant(db, a)["id"], r2) == {p2: 1, p3: 1}
    assert ws.live(db, wid)["votes"] == 2
    first = ws.rounds(db, wid)[0]["id"]
    _, rows1 = ws.results(db, wid, "fi", first)
    assert [(r[0], r[1], r[3], r[-1]) for r in rows1] == [(1, "Kerhoja", 2, 1)]
    header, day = ws.results(db, wid, "en")
    assert header[-1] == "Round"
    assert [(r[0], r[1], r[3], r[-1]) for r in day] == [
        (1, "Kerhoja", 2, 1),
        (1, "Kerhoja", 1, 2),
        (2, "Nuorisovaltuusto", 1, 2),
    ]
    with pytest.raises(ValidationError):  # duplicates are merged within a round only
        ws.merge(db, FAC, p1, p2)


def test_late_proposal_is_taken_only_within_the_grace_period(setup):
    db, wid, areas = setup
    token = ws.join(db, code(db, wid))
    ws.set_phase(db, FAC, wid, "voting")
    with pytest.raises(ValidationError):
        ws.propose(db, token, areas[0], "Myöhässä")  # the page did not have the form open
    pid = ws.propose(db, token, areas[0], "Kirjoitin tätä kun äänestys alkoi", late=True)
    assert pid in [p["id"] for p in ws.ballot_proposals(db, wid)]
    db.execute("update workshops set phase_at = '2020-01-01T00:00:00+00:00' where id = ?", [wid])
    with pytest.raises(ValidationError) as e:
        ws.propose(db, token, areas[0], "Liian myöhään", late=True)
    assert e.value.key == "workshop.error.not_collecting"
    ws.set_phase(db, FAC, wid, "closed")
    assert not ws.late_open(ws.get(db, wid))


# ---------------------------------------------------------------- background questions
def test_background_answers_are_given_once_and_checked(setup):
    db, wid, areas = setup
    token = ws.join(db, code(db, wid))
    municipality = ws.background_options(db, ws.get(db, wid), "municipality")[0]
    with pytest.raises(ValidationError):
        ws.answer_background(db, token, {"role_group": "king"})
    with pytest.raises(ValidationError):
        ws.answer_background(db, token, {"age_band": "13_17"})  # not asked in this workshop
    assert ws.answer_background(db, token, {"role_group": "young", "municipality": municipality})
    assert not ws.answer_background(db, token, {"role_group": "parent"})  # answered once
    person = ws.participant(db, token)
    assert (person["role_group"], person["municipality"], person["age_band"]) == ("young", municipality, None)
    with pytest.raises(ValidationError):
        ws.create(db, FAC, ws.get(db, wid)["plan_id"], "X", focus_area_ids=areas[:1], background=["shoe_size"])


def test_split_counts_by_group_and_pools_small_groups(setup):
    db, wid, areas = setup
    young = [ws.join(db, code(db, wid)) for _ in range(3)]
    parents = [ws.join(db, code(db, wid)) for _ in range(2)]
    silent = ws.join(db, code(db, wid))
    for t in young:
        ws.answer_background(db, t, {"role_group": "young"})
    for t in parents:
        ws.answer_background(db, t, {"role_group": "parent"})
    p1 = ws.propose(db, young[0], areas[0], "Harrastus jokaiselle")
    p2 = ws.propose(db, parents[0], areas[0], "Perhekeskus")
    ws.set_phase(db, FAC, wid, "voting")
    for t in young:
        ws.vote(db, t, p1)
    ws.vote(db, parents[0], p2)
    ws.vote(db, parents[1], p1)
    ws.vote(db, silent, p2)
    data = ws.split(db, wid, "role_group")
    # 3 young people form a group; 2 parents and 1 unanswered are each under MIN_GROUP: pooled
    assert data["groups"] == [("young", 3), ("small", 3)]
    by_id = {r["id"]: r for r in data["rows"]}
    assert by_id[p1]["votes"] == {"young": 3, "small": 1} and by_id[p1]["total"] == 4
    assert by_id[p2]["votes"] == {"small": 2}
    assert ws.participation(db, wid) == {
        "role_group": [("young", 3), ("parent", 2), (None, 1)],
        "municipality": [(None, 6)],
    }
    with pytest.raises(ValidationError):
        ws.split(db, wid, "age_band")
    ws.set_projector_split(db, FAC, wid, "role_group")
    assert ws.get(db, wid)["projector_split"] == "role_group"
    with pytest.raises(ValidationError):
        ws.set_projector_split(db, FAC, wid, "age_band")
    # in the exports: a sheet per question and the participation record; no names anywhere near
    book = load_workbook(io.BytesIO(ws.results_xlsx(db, wid, "en")))
    assert book.sheetnames[1:] == ["I am", "Municipality", "Participants by group"]
    rows = [[c.value for c in r] for r in book["I am"].iter_rows()]
    assert rows[1][3:] == ["child or young person (under 18)", "small groups (under 3 people each)"]
    assert ["", "Participants", "", 3, 3] == [v if v is not None else "" for v in rows[2]]
    assert [1, "Harrastus jokaiselle", 4, 3, 1] in rows
    text = ws.results_csv(db, wid, "en").decode("utf-8-sig")
    assert "parent or guardian;2" in text and "child or young person (under 18);3" in text


# ---------------------------------------------------------------- feedback
def test_feedback_at_the_end(setup):
    db, wid, areas = setup
    a, b, c = (ws.join(db, code(db, wid)) for _ in range(3))
    with pytest.raises(ValidationError) as e:
        ws.give_feedback(db, a, 9)
    assert e.value.key == "workshop_room.error.not_closed"
    ws.set_phase(db, FAC, wid, "closed")
    for bad in (3, 11, "kymppi", None):
        with pytest.raises(ValidationError):
            ws.give_feedback(db, a, bad)
    ws.give_feedback(db, a, 8, "Hyvä päivä")
    ws.give_feedback(db, a, 9, "Hyvä päivä!")  # sent again: replaces, still one per person
    ws.give_feedback(db, b, "8")
    ws.give_feedback(db, c, 8, "=cmd")
    summary = ws.feedback(db, wid)
    assert summary["count"] == 3 and summary["mean"] == pytest.approx(25 / 3)
    assert summary["grades"] == {8: 2, 9: 1} and summary["comments"] == ["Hyvä päivä!", "=cmd"]
    assert ws.my_feedback(db, ws.participant(db, a)["id"]) == {"grade": 9, "comment": "Hyvä päivä!"}
    rows = list(csv.reader(io.StringIO(ws.results_csv(db, wid, "fi").decode("utf-8-sig")), delimiter=";"))
    assert ["Arvosanojen keskiarvo", "8,33"] in rows and ["'=cmd"] in rows
    book = load_workbook(io.BytesIO(ws.results_xlsx(db, wid, "fi")))
    sheet = [[c.value for c in r if c.value is not None] for r in book["Palaute"].iter_rows()]
    assert ["Palautteita", 3] in sheet and sheet[-1] == ["=cmd"]
    assert book["Palaute"].cell(row=len(sheet), column=1).data_type == "s"  # text, never a formula


# ---------------------------------------------------------------- the room's screen and link
@pytest.mark.parametrize(
    "url, host",
    [
        ("http://localhost:8501/join?code=A", "localhost"),
        ("http://127.0.0.1:8501/join?code=A", "127.0.0.1"),
        ("http://[::1]:8501/join?code=A", "::1"),
        ("http://0.0.0.0:8501/join?code=A", "0.0.0.0"),
        ("http://app.localhost/join", "app.localhost"),
        ("http://192.168.1.20:8501/join?code=A", None),
        ("https://lape.example.fi/join?code=A", None),
    ],
)
def test_unreachable_join_host(url, host):
    assert ws.unreachable_host(url) == host


def test_projector_pages_through_60_proposals():
    items = list(range(60))
    seen, pages = [], set()
    for step in range(15):
        shown, page, total = ws.projector_page(items, clock=step * 9.0)
        assert len(shown) <= ws.PROJECTOR_PAGE and total == 15
        pages.add(page)
        seen += shown
    assert sorted(seen) == items and pages == set(range(1, 16))
    assert ws.projector_page([], 0) == ([], 1, 1)


def test_results_chart_is_readable_from_the_back_row():
    ranking = [{"id": i, "text": f"Ehdotus {i}", "votes": 60 - i} for i in range(60)]
    spec = workshop_charts.ranking_chart(ranking, "fi").to_dict()
    axis_y = spec["layer"][0]["encoding"]["y"]["axis"]
    axis_x = spec["layer"][0]["encoding"]["x"]["axis"]
    assert axis_y["labelFontSize"] >= 28 and axis_x["labelFontSize"] >= 28 and axis_x["titleFontSize"] >= 28
    assert axis_x["titleColor"] == "#111827"
    assert spec["layer"][1]["mark"]["fontSize"] >= 28
    values = next(iter(spec["datasets"].values()))
    assert len(values) == ws.PROJECTOR_TOP  # the rest would run off a 1080-pixel screen


def test_migration_gives_existing_workshops_one_round(tmp_path):
    from sqlite_utils import Database

    from lape_plan import db as dbm

    dbm._register_migrations()
    old = Database(tmp_path / "old.db")
    dbm.migrations.apply(old, stop_before="0380_workshop_rounds_background_feedback")
    wid = (
        old["workshops"]
        .insert(
            {
                "plan_id": 1,
                "code": "ABCDEF",
                "title": "Vanha",
                "question": "Mitä?",
                "phase": "voting",
                "votes_per_participant": 3,
                "max_votes_per_proposal": 1,
                "created_at": "2026-11-01T10:00:00+00:00",
                "created_by": "F",
                "updated_at": "2026-11-01T11:00:00+00:00",
            }
        )
        .last_pk
    )
    pid = old["workshop_proposals"].insert({"workshop_id": wid, "text": "Kerhoja"}).last_pk
    dbm.migrations.apply(old)
    rounds = list(old.query("select * from workshop_rounds"))
    assert [(r["workshop_id"], r["position"], r["question"]) for r in rounds] == [(wid, 1, "Mitä?")]
    assert old["workshops"].get(wid)["round_id"] == rounds[0]["id"]
    assert old["workshop_proposals"].get(pid)["round_id"] == rounds[0]["id"]


def test_day_figures_count_every_round(setup):
    db, wid, areas = setup
    token = ws.join(db, code(db, wid))
    ws.propose(db, token, areas[0], "Ensimmäinen")
    ws.next_round(db, FAC, wid, "Toinen kysymys")
    ws.propose(db, token, areas[0], "Toinen")
    assert ws.live(db, wid)["proposals"] == 1  # the projector: this round
    assert ws.live(db, wid, day=True)["proposals"] == 2  # the plan's hearing record and the CLI: the day


def split_room(db, wid, groups: dict) -> dict:
    """Participants answering role_group as given ({answer or None: how many}), one proposal
    each group's people all vote for; returns {answer: proposal id}."""
    people = {g: [ws.join(db, code(db, wid)) for _ in range(n)] for g, n in groups.items()}
    area = ws.get(db, wid)["focus_area_ids"][0]
    for g, tokens in people.items():
        for t in tokens:
            ws.answer_background(db, t, {"role_group": g})
    pids = {g: ws.propose(db, tokens[0], area, f"Ryhmän {g} ehdotus") for g, tokens in people.items()}
    ws.set_phase(db, FAC, wid, "voting")
    for g, tokens in people.items():
        for t in tokens:
            ws.vote(db, t, pids[g])
    return pids


def test_split_never_shows_a_pool_under_min_group(setup):
    db, wid, areas = setup
    pids = split_room(db, wid, {"young": 3, "parent": 4, "elected": 1})
    data = ws.split(db, wid, "role_group")
    # the one elected official is under MIN_GROUP even pooled: counted with the smallest shown group
    assert data["groups"] == [(("small", "young"), 4), ("parent", 4)]
    assert data["combined"] == ("small", "young")
    by_id = {r["id"]: r for r in data["rows"]}
    assert by_id[pids["elected"]]["votes"] == {("small", "young"): 1}
    for r in data["rows"]:  # every vote is in a shown column: nothing to subtract from the total
        assert sum(r["votes"].values()) == r["total"]
    label = ws.split_label(db, ws.get(db, wid), "role_group", ("small", "young"), "en")
    assert label.startswith("child or young person (under 18) +") and "under 3" in label
    rows = [[c.value for c in r] for r in load_workbook(io.BytesIO(ws.results_xlsx(db, wid, "en")))["I am"].iter_rows()]
    assert rows[1][3:] == [label, "parent or guardian"]


def test_split_with_one_group_left_is_no_split(setup):
    db, wid, areas = setup
    pids = split_room(db, wid, {"young": 4, "elected": 1})
    ws.set_projector_split(db, FAC, wid, "role_group")
    data = ws.split(db, wid, "role_group")
    assert data["groups"] == [] and data["combined"] is None
    assert all(r["votes"] == {} for r in data["rows"]) and {r["id"] for r in data["rows"]} == set(pids.values())


def test_split_of_a_room_with_one_answer_keeps_that_group(setup):
    db, wid, areas = setup
    split_room(db, wid, {"young": 3})
    assert ws.split(db, wid, "role_group")["groups"] == [("young", 3)]  # says who chose; names no one


def test_split_pools_unanswered_and_small_groups_that_reach_min_group(setup):
    db, wid, areas = setup
    split_room(db, wid, {"young": 3, "parent": 2, None: 1, "elected": 3})
    data = ws.split(db, wid, "role_group")
    assert data["groups"] == [("young", 3), ("elected", 3), ("small", 3)] and data["combined"] is None
