import csv
import io
import threading
import zipfile

import pytest
from openpyxl import load_workbook

from lape_plan import db as dbm, drafts, plans, workshop as ws
from lape_plan.charts import workshop as workshop_charts
from lape_plan.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role

FAC = Actor(name="Fasilitaattori", role=Role.FACILITATOR)


@pytest.fixture
def setup(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    areas = [a["id"] for a in plans.tree(demo_db, plan_id)]
    wid = ws.create(demo_db, FAC, plan_id, "Syysseminaari", "Mitä tehdään?", areas[:2], votes_per_participant=3)
    return demo_db, wid, areas


def code_of(db, wid):
    return ws.get(db, wid)["code"]


def err_key(excinfo):
    return excinfo.value.key


# ---------------------------------------------------------------- creating and joining
def test_create_validates(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    area = plans.tree(demo_db, plan_id)[0]["id"]
    with pytest.raises(ValidationError) as e:
        ws.create(demo_db, FAC, plan_id, "", focus_area_ids=[area])
    assert err_key(e) == "error.required"
    with pytest.raises(ValidationError) as e:
        ws.create(demo_db, FAC, plan_id, "T", focus_area_ids=[])
    assert err_key(e) == "workshop.error.no_focus_area"
    for bad in (0, 2.5, "kolme", ws.BUDGET_MAX + 1):  # a fraction is refused, not cut to a whole vote
        with pytest.raises(ValidationError) as e:
            ws.create(demo_db, FAC, plan_id, "T", focus_area_ids=[area], votes_per_participant=bad)
        assert err_key(e) == "workshop.error.budget" and e.value.params["max"] == ws.BUDGET_MAX
    with pytest.raises(ValidationError):
        ws.create(demo_db, FAC, plan_id, "T", focus_area_ids=[999])
    with pytest.raises(PermissionDenied):
        ws.create(demo_db, Actor("Viewer", Role.VIEWER), plan_id, "T", focus_area_ids=[area])
    assert ws.for_plan(demo_db, plan_id) == []


def test_join_code_is_short_unambiguous_and_unique(setup):
    db, wid, areas = setup
    plan_id = ws.get(db, wid)["plan_id"]
    codes = {code_of(db, wid)} | {
        code_of(db, ws.create(db, FAC, plan_id, f"W{i}", focus_area_ids=areas)) for i in range(20)
    }
    assert len(codes) == 21
    for code in codes:
        assert len(code) == ws.CODE_LENGTH and set(code) <= set(ws.CODE_ALPHABET)
        assert not set(code) & set("0O1IL")


def test_join_normalises_code_and_refuses_unknown_or_closed(setup):
    db, wid, _ = setup
    code = code_of(db, wid)
    token = ws.join(db, f" {code[:3].lower()} {code[3:].lower()} ", "Anna")
    person = ws.participant(db, token)
    assert person["workshop_id"] == wid and person["name"] == "Anna"
    with pytest.raises(ValidationError) as e:
        ws.join(db, "ZZZZZZ")
    assert err_key(e) == "workshop.error.unknown_code" and e.value.params["code"] == "ZZZZZZ"
    with pytest.raises(ValidationError) as e:
        ws.join(db, "")
    assert err_key(e) == "workshop.error.code_required"
    with pytest.raises(ValidationError) as e:
        ws.join(db, code, "x" * (ws.NAME_MAX + 1))
    assert err_key(e) == "error.too_long"
    ws.set_phase(db, FAC, wid, "closed")
    with pytest.raises(ValidationError) as e:
        ws.join(db, code)
    # a closed code answers as an unknown one: guessing tells nothing about past workshops
    assert err_key(e) == "workshop.error.unknown_code" and e.value.params == {"field": "workshop_code", "code": code}
    assert db.execute("select count(*) from workshop_participants").fetchone()[0] == 1


def test_join_codes_are_throttled_per_client(setup, monkeypatch):
    from lape_plan import throttle

    now = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    db, wid, _ = setup
    code = code_of(db, wid)
    for i in range(throttle.JOIN.limit):
        with pytest.raises(ValidationError):
            ws.join(db, f"ZZZZ{i:02d}", client="ip:10.0.0.1")
    # now even the right code is refused to that client, with a wait, and nothing is looked up
    with pytest.raises(throttle.TooManyAttempts) as e:
        ws.join(db, code, client="ip:10.0.0.1")
    assert err_key(e) == "error.too_many_joins" and e.value.params == {"minutes": 10}
    assert ws.participant(db, ws.join(db, code, client="ip:10.0.0.2"))["workshop_id"] == wid  # other clients join
    now[0] += throttle.JOIN.window + 1
    assert ws.join(db, code, client="ip:10.0.0.1")


def test_unknown_token(setup):
    db, _, _ = setup
    for token in ("nope", "", None):
        with pytest.raises(NotFound) as e:
            ws.participant(db, token)
        assert err_key(e) == "workshop.error.unknown_participant"


# ---------------------------------------------------------------- proposals
def test_propose_rules(setup):
    db, wid, areas = setup
    token = ws.join(db, code_of(db, wid))
    pid = ws.propose(db, token, areas[0], "  Lisää kerhoja  ")
    assert ws.get_proposal(db, pid)["text"] == "Lisää kerhoja"
    cases = [
        ((areas[0], "   "), "error.required"),
        ((areas[0], "x" * (ws.PROPOSAL_MAX + 1)), "error.too_long"),
        ((areas[0], "LISÄÄ   kerhoja"), "workshop.error.duplicate_proposal"),
        ((areas[3], "Muu painopiste"), "workshop.error.no_focus_area"),
        ((None, "Ei painopistettä"), "workshop.error.no_focus_area"),
    ]
    for args, key in cases:
        with pytest.raises(ValidationError) as e:
            ws.propose(db, token, *args)
        assert err_key(e) == key, args
    assert len(ws.proposals(db, wid)) == 1
    ws.propose(db, token, areas[1], "x" * ws.PROPOSAL_MAX)  # the limit itself is fine
    ws.set_phase(db, FAC, wid, "voting")
    with pytest.raises(ValidationError) as e:
        ws.propose(db, token, areas[0], "Myöhässä")
    assert err_key(e) == "workshop.error.not_collecting"


def test_another_participant_may_send_the_same_text(setup):
    db, wid, areas = setup
    code = code_of(db, wid)
    ws.propose(db, ws.join(db, code), areas[0], "Kerhoja")
    ws.propose(db, ws.join(db, code), areas[0], "Kerhoja")
    assert len(ws.proposals(db, wid)) == 2


def test_moderate_first_hides_new_proposals_until_shown(setup):
    db, wid, areas = setup
    w = ws.get(db, wid)
    ws.update_settings(db, FAC, wid, w["title"], w["question"], w["focus_area_ids"], 3, False, True)
    token = ws.join(db, w["code"])
    pid = ws.propose(db, token, areas[0], "Odottaa")
    assert ws.ballot_proposals(db, wid) == [] and ws.live(db, wid)["proposals"] == 0
    assert ws.my_proposals(db, ws.participant(db, token)["id"])[0]["hidden"] == 1
    ws.set_hidden(db, FAC, pid, False)
    assert [p["id"] for p in ws.ballot_proposals(db, wid)] == [pid]


# ---------------------------------------------------------------- votes
def voting(db, wid, areas, n_proposals=3, n_people=2):
    code = code_of(db, wid)
    people = [ws.join(db, code) for _ in range(n_people)]
    pids = [ws.propose(db, people[0], areas[0], f"Ehdotus {i}") for i in range(n_proposals)]
    ws.set_phase(db, FAC, wid, "voting")
    return people, pids


def votes_in_db(db, pid=None):
    sql = "select count(*) from workshop_votes" + (" where proposal_id = ?" if pid else "")
    return db.execute(sql, [pid] if pid else []).fetchone()[0]


def test_vote_only_in_voting_phase(setup):
    db, wid, areas = setup
    token = ws.join(db, code_of(db, wid))
    pid = ws.propose(db, token, areas[0], "Ehdotus")
    with pytest.raises(ValidationError) as e:
        ws.vote(db, token, pid, 0)
    assert err_key(e) == "workshop.error.not_voting"
    ws.set_phase(db, FAC, wid, "voting")
    ws.vote(db, token, pid, 0)
    ws.set_phase(db, FAC, wid, "closed")
    with pytest.raises(ValidationError) as e:
        ws.unvote(db, token, pid, 1)
    assert err_key(e) == "workshop.error.not_voting"
    assert votes_in_db(db) == 1


def test_budget_and_single_vote_per_proposal(setup):
    db, wid, areas = setup
    (me, _), pids = voting(db, wid, areas, n_proposals=4)
    v = ws.vote(db, me, pids[0], 0)
    with pytest.raises(ValidationError) as e:
        ws.vote(db, me, pids[0], v)
    assert err_key(e) == "workshop.error.proposal_limit" and e.value.params["limit"] == 1
    v = ws.vote(db, me, pids[1], v)
    v = ws.vote(db, me, pids[2], v)
    with pytest.raises(ValidationError) as e:
        ws.vote(db, me, pids[3], v)
    assert err_key(e) == "workshop.error.budget_spent" and e.value.params["budget"] == 3
    assert votes_in_db(db) == 3
    # taking one back frees the budget
    v = ws.unvote(db, me, pids[0], v)
    v = ws.vote(db, me, pids[3], v)
    assert ws.my_votes(db, ws.participant(db, me)["id"]) == {pids[1]: 1, pids[2]: 1, pids[3]: 1}
    with pytest.raises(ValidationError) as e:
        ws.unvote(db, me, pids[0], v)
    assert err_key(e) == "workshop.error.no_vote_to_take_back"


def test_several_votes_on_one_proposal_when_allowed(setup):
    db, wid, areas = setup
    w = ws.get(db, wid)
    ws.update_settings(db, FAC, wid, w["title"], "", w["focus_area_ids"], 3, True, False)
    (me, _), pids = voting(db, wid, areas)
    v = 0
    for _ in range(3):
        v = ws.vote(db, me, pids[0], v)
    assert votes_in_db(db, pids[0]) == 3
    with pytest.raises(ValidationError):
        ws.vote(db, me, pids[1], v)
    # the rules are frozen now
    with pytest.raises(ValidationError) as e:
        ws.update_settings(db, FAC, wid, w["title"], "", w["focus_area_ids"], 5, True, False)
    assert err_key(e) == "workshop.error.rules_frozen"


def test_double_submit_from_the_same_screen_counts_once(setup):
    db, wid, areas = setup
    (me, _), pids = voting(db, wid, areas)
    ws.vote(db, me, pids[0], 0)
    with pytest.raises(ValidationError) as e:
        ws.vote(db, me, pids[1], 0)  # the same screen (version 0) submitted again
    assert err_key(e) == "workshop.error.stale_vote"
    assert votes_in_db(db) == 1


def test_concurrent_double_submits_count_exactly_once(setup, tmp_path):
    db, wid, areas = setup
    (me, other), pids = voting(db, wid, areas)
    path = db.conn.execute("pragma database_list").fetchone()[2]
    outcomes = []

    def submit():
        conn = dbm.connect(path)
        try:
            ws.vote(conn, me, pids[0], 0)
            outcomes.append("ok")
        except ValidationError as err:
            outcomes.append(err.key)
        finally:
            conn.close()

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("ok") == 1 and set(outcomes) == {"ok", "workshop.error.stale_vote"}
    assert votes_in_db(db) == 1


def test_hidden_or_merged_proposals_take_no_votes(setup):
    db, wid, areas = setup
    (me, _), pids = voting(db, wid, areas)
    ws.set_hidden(db, FAC, pids[0], True)
    ws.merge(db, FAC, pids[1], pids[2])
    for pid in pids[:2]:
        with pytest.raises(ValidationError) as e:
            ws.vote(db, me, pid, 0)
        assert err_key(e) == "workshop.error.proposal_unavailable"
    assert [p["id"] for p in ws.ballot_proposals(db, wid)] == [pids[2]]


def test_token_of_another_workshop_cannot_vote_here(setup):
    db, wid, areas = setup
    (me, _), pids = voting(db, wid, areas)
    other = ws.create(db, FAC, ws.get(db, wid)["plan_id"], "Toinen", focus_area_ids=areas[:1])
    stranger = ws.join(db, code_of(db, other))
    ws.set_phase(db, FAC, other, "voting")
    with pytest.raises(ValidationError):
        ws.vote(db, stranger, pids[0], 0)
    assert votes_in_db(db) == 0


# ---------------------------------------------------------------- moderation
def test_merge_single_vote_counts_a_person_once_and_returns_the_vote(setup):
    db, wid, areas = setup
    (a, b), (keep, dup, third) = voting(db, wid, areas)
    va = ws.vote(db, a, keep, 0)
    va = ws.vote(db, a, dup, va)  # a voted for both duplicates
    ws.vote(db, b, dup, 0)  # b only for the duplicate
    assert ws.merge(db, FAC, dup, keep) == {"moved": 2, "returned": 1}
    ranked = {p["id"]: p for p in ws.proposals(db, wid)}
    assert ranked[keep]["votes"] == 2 and ranked[keep]["voters"] == 2
    assert ranked[dup]["merged_into"] == keep and ranked[dup]["votes"] == 0
    assert [m["id"] for m in ranked[keep]["merged"]] == [dup]
    # a's old screen is stale; a got one vote back to spend
    with pytest.raises(ValidationError):
        ws.vote(db, a, third, va)
    person = ws.participant(db, a)
    assert sum(ws.my_votes(db, person["id"]).values()) == 1
    ws.vote(db, a, third, person["vote_version"])
    with pytest.raises(ValidationError) as e:
        ws.merge(db, FAC, dup, third)
    assert err_key(e) == "workshop.error.already_merged"
    with pytest.raises(ValidationError) as e:
        ws.merge(db, FAC, keep, keep)
    assert err_key(e) == "workshop.error.merge_same"


def test_merge_with_several_votes_allowed_adds_up_to_the_limit(setup):
    db, wid, areas = setup
    w = ws.get(db, wid)
    ws.update_settings(db, FAC, wid, w["title"], "", w["focus_area_ids"], 3, True, False)
    (a, b), (keep, dup, _) = voting(db, wid, areas)
    v = ws.vote(db, a, keep, 0)
    v = ws.vote(db, a, keep, v)
    ws.vote(db, a, dup, v)
    ws.vote(db, b, dup, 0)
    assert ws.merge(db, FAC, dup, keep) == {"moved": 2, "returned": 0}
    assert votes_in_db(db, keep) == 4


def test_merging_into_a_merged_target_carries_its_duplicates(setup):
    db, wid, areas = setup
    (a, b), (p1, p2, p3) = voting(db, wid, areas)
    ws.merge(db, FAC, p1, p2)
    ws.merge(db, FAC, p2, p3)
    rows = {p["id"]: p for p in ws.proposals(db, wid)}
    assert rows[p1]["merged_into"] == p3 and rows[p2]["merged_into"] == p3
    assert sorted(m["id"] for m in rows[p3]["merged"]) == [p1, p2]


def test_edit_fixes_typo_with_stale_check(setup):
    db, wid, areas = setup
    token = ws.join(db, code_of(db, wid))
    pid = ws.propose(db, token, areas[0], "Kerhjoa")
    version = ws.edit(db, FAC, pid, 1, "Kerhoja", areas[1])
    assert ws.get_proposal(db, pid)["text"] == "Kerhoja" and ws.get_proposal(db, pid)["focus_area_id"] == areas[1]
    with pytest.raises(ConflictError) as e:
        ws.edit(db, Actor("Toinen", role=Role.ADMIN), pid, 1, "Vanha näkymä")
    assert e.value.by == FAC.name
    with pytest.raises(ValidationError):
        ws.edit(db, FAC, pid, version, "")
    with pytest.raises(PermissionDenied):
        ws.edit(db, Actor("Osallistuja", Role.VIEWER), pid, version, "Hack")
    assert ws.get_proposal(db, pid)["text"] == "Kerhoja"


def test_focus_area_with_proposals_stays_offered(setup):
    db, wid, areas = setup
    ws.propose(db, ws.join(db, code_of(db, wid)), areas[1], "Kerhoja")
    w = ws.get(db, wid)
    with pytest.raises(ValidationError) as e:
        ws.update_settings(db, FAC, wid, w["title"], "", [areas[0]], 3, False, False)
    assert err_key(e) == "workshop.error.area_in_use"


# ---------------------------------------------------------------- promotion
def test_promote_creates_goal_and_shows_origin(setup):
    db, wid, areas = setup
    (a, b), (p1, p2, _) = voting(db, wid, areas)
    ws.vote(db, a, p1, 0)
    ws.vote(db, b, p1, 0)
    goal_id = ws.promote(db, FAC, p1)
    goal = plans.get(db, "goal", goal_id)
    assert goal["focus_area_id"] == areas[0] and goal["title_fi"] == "Ehdotus 0"
    assert ws.get_proposal(db, p1)["goal_id"] == goal_id
    assert ws.results(db, wid, "fi")[1][0][7] == "Ehdotus 0"  # the results name the draft it became
    assert drafts.origin(db, "goal", goal_id, "fi").startswith("Luonnos työpajasta ”Syysseminaari”")
    assert "ääniä 2" in drafts.origin(db, "goal", goal_id, "fi")
    assert "votes 2" in drafts.origin(db, "goal", goal_id, "en")
    other_goal = plans.tree(db, ws.get(db, wid)["plan_id"])[0]["goals"][0]["id"]
    assert drafts.origin(db, "goal", other_goal, "fi") is None
    with pytest.raises(ValidationError) as e:
        ws.promote(db, FAC, p1)  # a double click
    assert err_key(e) == "workshop.error.already_promoted"
    with pytest.raises(ValidationError) as e:
        ws.merge(db, FAC, p1, p2)
    assert err_key(e) == "workshop.error.merge_promoted"
    with pytest.raises(PermissionDenied):
        ws.promote(db, Actor("Member", Role.MEMBER), p2)
    # once its goal is deleted, the proposal may be promoted again
    plans.delete(db, FAC, "goal", goal_id, goal["version"])
    assert ws.promote(db, FAC, p1) != goal_id


# ---------------------------------------------------------------- live figures and exports
def test_live_counts(setup):
    db, wid, areas = setup
    (a, b), (p1, p2, p3) = voting(db, wid, areas)
    ws.vote(db, a, p1, 0)
    ws.set_hidden(db, FAC, p3, True)
    figures = ws.live(db, wid)
    assert set(ws.ballot_proposals(db, wid)[0]) == {"id", "text", "focus_area_id"}  # no author, no counts
    assert (figures["participants"], figures["proposals"], figures["votes"], figures["voters"]) == (2, 2, 1, 1)
    assert figures["by_area"] == {areas[0]: 2}
    assert [p["id"] for p in figures["ranking"]] == [p1, p2]


DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR"]


def test_csv_export_is_excel_friendly_and_formula_safe(setup):
    db, wid, areas = setup
    code = code_of(db, wid)
    for text in DANGEROUS:
        ws.propose(db, ws.join(db, code), areas[0], "x" + text)  # store, then fix the text as a moderator
    for p, text in zip(sorted(ws.proposals(db, wid), key=lambda p: p["id"]), DANGEROUS):
        ws.edit(db, FAC, p["id"], p["version"], text)
    data = ws.results_csv(db, wid, "fi")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Sija", "Ehdotus", "Painopiste", "Äänet"]
    texts = [r[1] for r in rows[1:]]
    stripped = [t.strip() for t in DANGEROUS]  # clean_text strips whitespace at the ends
    assert sorted(texts) == sorted(("'" + t if t[:1] in "=+-@\t\r" else t) for t in stripped)
    assert not [t for t in texts if t[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_xlsx_export_keeps_text_as_text(setup):
    db, wid, areas = setup
    token = ws.join(db, code_of(db, wid))
    pid = ws.propose(db, token, areas[0], "=1+1 kerhoja")
    ws.set_phase(db, FAC, wid, "voting")
    ws.vote(db, token, pid, 0)
    data = ws.results_xlsx(db, wid, "sv")
    sheet = load_workbook(io.BytesIO(data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header_at = next(i for i, r in enumerate(values) if r[0] == "Plats")
    assert values[header_at + 1][:4] == [1, "=1+1 kerhoja", "Ensamhet och mobbning", 1]
    assert sheet.cell(row=header_at + 2, column=2).data_type == "s"
    xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in xml


def test_participant_url_and_qr(setup):
    assert ws.participant_url("http://10.0.0.5:8501/", "ABC234") == "http://10.0.0.5:8501/join?code=ABC234"
    assert ws.participant_url("https://x.fi/lape", "ABC234", "sv") == "https://x.fi/lape/join?code=ABC234&lang=sv"
    png = ws.qr_png("http://10.0.0.5:8501/join?code=ABC234")
    assert png.startswith(b"\x89PNG")


def test_ranking_chart_orders_by_votes(setup):
    chart = workshop_charts.ranking_chart(
        [{"id": 1, "text": "A", "votes": 1}, {"id": 2, "text": "B" * 100, "votes": 5}], "fi"
    )
    spec = chart.to_dict()
    values = next(iter(spec["datasets"].values()))
    assert [v["votes"] for v in values] == [5, 1]
    assert values[0]["proposal"].startswith("1. BBB") and values[0]["proposal"].endswith("…")


def test_cli_lists_workshops_and_writes_results(tmp_path, capsys):
    from lape_plan import cli, demo

    path = tmp_path / "cli.db"
    database = dbm.connect(path)
    plan_id = demo.load(database)
    area = plans.tree(database, plan_id)[0]["id"]
    wid = ws.create(database, FAC, plan_id, "Kevät", focus_area_ids=[area])
    ws.propose(database, ws.join(database, code_of(database, wid)), area, "Kerhoja")
    assert cli.main(["workshops", "--db", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"{wid}\t{code_of(database, wid)}\tcollecting\t1 participants\t1 proposals\t0 votes\tKevät" in out
    target = tmp_path / "r.csv"
    assert (
        cli.main(
            ["workshop-results", str(wid), "--db", str(path), "--format", "csv", "--lang", "en", "-o", str(target)]
        )
        == 0
    )
    assert target.read_bytes().decode("utf-8-sig").splitlines()[1].startswith("1;Kerhoja;")
    assert cli.main(["workshop-results", "999", "--db", str(path)]) == 2


def test_invisible_only_proposals_and_names_are_refused_or_cleaned(setup):
    db, wid, areas = setup
    token = ws.join(db, code_of(db, wid), "\u200bMaija\x00")
    assert ws.participant(db, token)["name"] == "Maija"
    for text in ("\u200b", "\u200b\u200b\u200b", "\ufeff\u2060\u200d", "\x00\x00", " \u3164 "):
        with pytest.raises(ValidationError) as e:
            ws.propose(db, token, areas[0], text)
        assert err_key(e) == "error.required"
        with pytest.raises(ValidationError):
            ws.add_proposal(db, FAC, wid, areas[0], text)
    pid = ws.propose(db, token, areas[0], "Kerhoja\x00\nkaikille\u200b")
    assert ws.get_proposal(db, pid)["text"] == "Kerhoja\nkaikille"
    assert not db.execute("select count(*) from workshop_proposals where text not like 'Kerhoja%'").fetchone()[0]


# ---------------------------------------------------------------- one participant per browser, participant cap
def test_rejoin_with_the_browsers_token_resumes_the_same_participant_and_budget(setup):
    db, wid, areas = setup
    code = code_of(db, wid)
    token = ws.join(db, code, "Anna")
    pid = ws.propose(db, token, areas[0], "Kerhoja kaikille")
    ws.set_phase(db, FAC, wid, "voting")
    ws.vote(db, token, pid, 0)
    # the same browser joins again (its cookie's token): no new participant, the vote already given counts
    assert ws.join(db, code.lower(), "Anna uudestaan", resume_token=token) == token
    assert ws.resume(db, code, token) == token
    with pytest.raises(ValidationError) as e:  # one vote per proposal in this workshop: still one
        ws.vote(db, token, pid, ws.participant(db, token)["vote_version"])
    assert err_key(e) == "workshop.error.proposal_limit"
    assert db.execute("select count(*) from workshop_participants").fetchone()[0] == 1
    assert db.execute("select count(*) from workshop_votes").fetchone()[0] == 1
    # a token of another workshop or a made-up one gives a new participant
    other = ws.create(db, FAC, ws.get(db, wid)["plan_id"], "Toinen", "", areas[:1])
    assert ws.resume(db, code_of(db, other), token) is None and ws.resume(db, code, "forged") is None
    assert ws.join(db, code_of(db, other), resume_token=token) != token
    assert ws.join(db, code, resume_token="forged") != token


def test_participant_cap_refuses_joins_when_full(setup):
    db, wid, areas = setup
    plan_id = ws.get(db, wid)["plan_id"]
    for bad in (-1, 2.5, ws.PARTICIPANTS_MAX + 1, "many"):
        with pytest.raises(ValidationError) as e:
            ws.create(db, FAC, plan_id, "Pieni", "", areas[:1], max_participants=bad)
        assert err_key(e) == "workshop.error.cap"
    small = ws.create(db, FAC, plan_id, "Pieni", "", areas[:1], max_participants=2)
    code = code_of(db, small)
    first, second = ws.join(db, code), ws.join(db, code)
    with pytest.raises(ValidationError) as e:
        ws.join(db, code)
    assert err_key(e) == "workshop.error.full" and e.value.params["max"] == 2
    assert ws.join(db, code, resume_token=first) == first  # those already in may come back
    assert ws.participant_count(db, small) == 2
    # the facilitator raises the cap; leaving it out of a settings change keeps it
    w = ws.get(db, small)
    ws.update_settings(
        db,
        FAC,
        small,
        w["title"],
        w["question"],
        w["focus_area_ids"],
        w["votes_per_participant"],
        False,
        False,
        max_participants=3,
    )
    assert ws.join(db, code) not in (first, second)
    w = ws.get(db, small)
    ws.update_settings(
        db, FAC, small, "Pieni 2", w["question"], w["focus_area_ids"], w["votes_per_participant"], False, False
    )
    assert ws.get(db, small)["max_participants"] == 3
    with pytest.raises(ValidationError):
        ws.join(db, code)
    ws.update_settings(
        db,
        FAC,
        small,
        "Pieni 2",
        w["question"],
        w["focus_area_ids"],
        w["votes_per_participant"],
        False,
        False,
        max_participants=0,
    )  # 0: no cap
    assert ws.get(db, small)["max_participants"] is None
    ws.join(db, code)
    assert ws.participant_count(db, small) == 4


# ---------------------------------------------------------------- review fixes
def test_stale_settings_form_is_refused_naming_who_saved(setup):
    db, wid, areas = setup
    opened = ws.get(db, wid)  # Anna opens the settings form
    bertta = Actor("Bertta", Role.FACILITATOR)
    ws.update_settings(
        db, bertta, wid, "Syysseminaari", "Uusi kysymys", areas[:2], 3, False, True, expected_version=opened["version"]
    )
    with pytest.raises(ConflictError) as e:  # Anna's stale form would turn moderation off again
        ws.update_settings(
            db,
            FAC,
            wid,
            "Päivitetty",
            opened["question"],
            areas[:2],
            3,
            False,
            False,
            expected_version=opened["version"],
        )
    assert e.value.by == "Bertta" and e.value.current["question"] == "Uusi kysymys"
    w = ws.get(db, wid)
    assert (w["title"], w["question"], w["moderate_first"]) == ("Syysseminaari", "Uusi kysymys", 1)
    assert ws.rounds(db, wid)[0]["question"] == "Uusi kysymys"
    # on the version it now stands on, the save goes through; callers that pass none are unchecked
    ws.update_settings(
        db, FAC, wid, "Päivitetty", w["question"], areas[:2], 3, False, True, expected_version=w["version"]
    )
    ws.update_settings(db, FAC, wid, "Päivitetty 2", w["question"], areas[:2], 3, False, True)
    assert ws.get(db, wid)["title"] == "Päivitetty 2"


def test_a_vote_on_a_hidden_proposal_does_not_use_the_budget(demo_db):
    db = demo_db
    plan_id = plans.plans(db)[0]["id"]
    area = plans.tree(db, plan_id)[0]["id"]
    wid = ws.create(db, FAC, plan_id, "Yksi ääni", "", [area], votes_per_participant=1)
    me, other = ws.join(db, code_of(db, wid)), ws.join(db, code_of(db, wid))
    bad, good = ws.propose(db, me, area, "Asiaton"), ws.propose(db, other, area, "Hyvä")
    ws.set_phase(db, FAC, wid, "voting")
    v = ws.vote(db, me, bad, 0)
    ws.vote(db, other, bad, 0)
    ws.set_hidden(db, FAC, bad, True)
    with pytest.raises(ValidationError) as e:  # the open ballot showed the old budget: it refreshes
        ws.vote(db, me, good, v)
    assert err_key(e) == "workshop.error.stale_vote"
    person = ws.participant(db, me)
    assert person["vote_version"] == v + 1 and ws.my_votes(db, person["id"]) == {}
    ws.vote(db, me, good, person["vote_version"])  # the budget of 1 is free again
    assert ws.my_votes(db, person["id"]) == {good: 1}
    ranked = {p["id"]: p for p in ws.proposals(db, wid)}
    assert ranked[bad]["votes"] == 2 and ranked[good]["votes"] == 1  # the hidden one's votes stay on record
    # shown again: a voter who spent the vote elsewhere has it taken off the shown proposal
    # (no one counts above the budget); a voter who did not keeps theirs
    before = ws.participant(db, me)["vote_version"]
    ws.set_hidden(db, FAC, bad, False)
    ranked = {p["id"]: p for p in ws.proposals(db, wid)}
    assert ranked[bad]["votes"] == 1 and ranked[good]["votes"] == 1
    assert ws.my_votes(db, person["id"]) == {good: 1}
    assert ws.my_votes(db, ws.participant(db, other)["id"]) == {bad: 1}
    assert ws.participant(db, me)["vote_version"] == before + 1


def test_a_participant_may_send_a_limited_number_of_proposals_per_round(setup):
    db, wid, areas = setup
    me, other = ws.join(db, code_of(db, wid)), ws.join(db, code_of(db, wid))
    for i in range(ws.PROPOSALS_PER_ROUND):
        ws.propose(db, me, areas[0], f"Ehdotus {i}")
    with pytest.raises(ValidationError) as e:
        ws.propose(db, me, areas[0], "Vielä yksi")
    assert err_key(e) == "workshop.error.too_many_proposals" and e.value.params["max"] == ws.PROPOSALS_PER_ROUND
    assert len(ws.proposals(db, wid)) == ws.PROPOSALS_PER_ROUND
    ws.propose(db, other, areas[0], "Toisen ehdotus")  # the limit is each participant's own
    ws.next_round(db, FAC, wid, "Toinen kysymys")
    ws.propose(db, me, areas[0], "Uusi kierros")  # and each round's
