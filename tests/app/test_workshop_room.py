"""Workshop pages in a real room: background questions, phones after a phase change, a double
tap, rounds, feedback, the join link's host and the projector while voting and after closing."""

import time

import pytest
from streamlit.testing.v1 import AppTest

from lape_plan import plans, workshop as ws
from lape_plan.model import Actor, Role

from .conftest import texts

FAC = Actor(name="Fasi", role=Role.FACILITATOR)


@pytest.fixture
def shop(conn):
    plan_id = plans.plans(conn)[0]["id"]
    areas = [a["id"] for a in plans.tree(conn, plan_id)]
    wid = ws.create(
        conn,
        FAC,
        plan_id,
        "LAPE-akatemia",
        "Mitä tehdään?",
        areas[:2],
        votes_per_participant=3,
        background=["role_group"],
    )
    return wid, ws.get(conn, wid)["code"], areas


def answered(conn, code):
    token = ws.join(conn, code)
    ws.answer_background(conn, token, {})
    return token


def test_background_questions_once_after_joining(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    at = participant(code=code, p=token)
    assert "Olen" in [s.label for s in at.selectbox] and not at.text_area  # the questions come first
    at.selectbox(key="ws_bg_role_group").set_value("young")
    at.button(key="ws_bg_save").click().run()
    assert ws.participant(conn, token)["role_group"] == "young"
    assert at.text_area(key="ws_text") is not None
    assert "ws_bg_role_group" not in [s.key for s in at.selectbox]


def test_text_typed_when_voting_starts_stays_and_can_be_sent(participant, conn, shop):
    wid, code, areas = shop
    token = answered(conn, code)
    ws.propose(conn, answered(conn, code), areas[0], "Nuorisotila")
    at = participant(code=code, p=token)
    ws.set_phase(conn, FAC, wid, "voting")
    at.run()  # the page follows the facilitator; the browser test checks the unsent text stays in the box
    assert any("Äänestys alkoi" in w.value for w in at.warning)
    assert at.radio  # the ballot is there too
    at.text_area(key="ws_text").set_value("Kesken jäänyt ajatus")
    at.button(key="ws_send").click().run()
    assert "Kesken jäänyt ajatus" in [p["text"] for p in ws.proposals(conn, wid)]
    # past the grace period the refused text is shown back, not lost
    conn.execute("update workshops set phase_at = '2020-01-01T00:00:00+00:00' where id = ?", [wid])
    conn.commit()
    at.text_area(key="ws_text").set_value("Toinen ajatus")
    at.button(key="ws_send").click().run()
    assert len(ws.proposals(conn, wid)) == 2
    assert any("ei enää otettu vastaan" in w.value for w in at.warning)
    assert "Toinen ajatus" in [t.value for t in at.text]


def test_second_tap_of_the_same_vote_is_quiet(participant, conn, shop):
    wid, code, areas = shop
    token = answered(conn, code)
    pid = ws.propose(conn, token, areas[0], "Nuorisotila")
    ws.set_phase(conn, FAC, wid, "voting")
    at = participant(code=code, p=token)
    at.radio(key="ws_pick_0").set_value(pid)
    ws.vote(conn, token, pid, 0)  # the first tap got through; this screen still shows version 0
    at.button(key="ws_vote_0").click().run()
    assert not at.error
    assert conn.execute("select count(*) from workshop_votes").fetchone()[0] == 1


def test_feedback_on_the_phone_when_closed(participant, conn, shop):
    wid, code, areas = shop
    token = answered(conn, code)
    ws.set_phase(conn, FAC, wid, "closed")
    at = participant(code=code, p=token)
    at.radio(key="ws_grade").set_value(9)
    at.text_area(key="ws_comment").set_value("Hyvä **päivä**")
    at.button(key="ws_feedback_send").click().run()
    assert ws.feedback(conn, wid)["comments"] == ["Hyvä **päivä**"]
    assert any("arvosanan 9" in i.value for i in at.info) and not at.radio


def test_facilitator_sees_the_localhost_warning_rounds_splits_and_feedback(app, conn, shop):
    wid, code, areas = shop
    people = [answered(conn, code) for _ in range(3)]
    pid = ws.propose(conn, people[0], areas[0], "Nuorisotila")
    ws.set_phase(conn, FAC, wid, "voting")
    for token in people:
        ws.vote(conn, token, pid)
    at = app("pages/workshop.py")
    assert any("Puhelimet eivät pääse" in w.value for w in at.warning)  # AppTest's address is localhost
    assert "Kierros 1/1" in texts(at)
    at.text_area(key="ws_next_question").set_value("Miten nuoret kuullaan?")
    at.button[[b.label for b in at.button].index("Aloita kierros")].click().run()
    w = ws.get(conn, wid)
    assert (w["round"], w["phase"], w["question"]) == (2, "collecting", "Miten nuoret kuullaan?")
    assert "Kierros 2/2" in texts(at) and "Nuorisotila" not in [t.value for t in at.text]  # new round's list
    at.selectbox(key=f"ws_results_round_{wid}").set_value(None).run()  # the whole day
    assert at.dataframe
    ws.set_phase(conn, FAC, wid, "closed")
    ws.give_feedback(conn, people[0], 9, "Kiitos")
    ws.give_feedback(conn, people[1], 8)
    at.run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Arvosanojen keskiarvo"] == "8,5" and metrics["Palautteita"] == "2"
    assert "• Kiitos" in [t.value for t in at.text]


def projector(conn, wid):
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.session_state["user_id"] = conn.execute("select id from users where username = 'admin'").fetchone()[0]
    at.session_state["auth_role"] = "admin"
    at.session_state["last_seen"] = time.time()
    at.run()
    at.switch_page("pages/projector.py").run()
    at.query_params["w"] = str(wid)
    at.run()
    assert not at.exception
    return at


def test_projector_shows_what_is_voted_on_and_results_after_closing(app, conn, shop):
    wid, code, areas = shop
    token = answered(conn, code)
    for i in range(8):
        ws.propose(conn, token, areas[0], f"Ehdotus {i}")
    ws.set_phase(conn, FAC, wid, "voting")
    at = projector(conn, wid)
    assert "Äänestettävänä" in [s.value for s in at.subheader]
    shown = [t.value for t in at.text if t.value.startswith("• Ehdotus")]
    assert 0 < len(shown) <= ws.PROJECTOR_PAGE and any("Sivu" in c.value for c in at.caption)
    assert any(code in t.value for t in at.title)
    ws.set_phase(conn, FAC, wid, "closed")
    at.run()
    assert not any(code in t.value for t in at.title) and not at.get("imgs")  # code and QR gave way


def test_a_split_too_small_to_show_says_so_and_the_projector_shows_the_ranking(app, conn, shop):
    wid, code, areas = shop
    people = {"young": [ws.join(conn, code) for _ in range(4)], "elected": [ws.join(conn, code)]}
    for group, tokens in people.items():
        for token in tokens:
            ws.answer_background(conn, token, {"role_group": group})
    kids = ws.propose(conn, people["young"][0], areas[0], "Lisää nuorisotiloja")
    cut = ws.propose(conn, people["young"][1], areas[0], "Leikataan nuorisotyöstä")
    ws.set_phase(conn, FAC, wid, "voting")
    for token in people["young"]:
        ws.vote(conn, token, kids)
    ws.vote(conn, people["elected"][0], cut)
    ws.set_results_visible(conn, FAC, wid, True)
    ws.set_projector_split(conn, FAC, wid, "role_group")
    at = app("pages/workshop.py")
    assert any("Ääniä ei näytetä ryhmittäin" in i.value for i in at.info)
    screen = projector(conn, wid)
    assert screen.get("vega_lite_chart") and not [m for m in screen.markdown if m.value.startswith("####")]
    # one more group of three: the lone official's vote is counted with the smallest group, said so
    for _ in range(3):
        ws.answer_background(conn, ws.join(conn, code), {"role_group": "parent"})
    at.run()
    assert any("laskettu yhteen ryhmän" in i.value for i in at.info)
    assert not at.exception
