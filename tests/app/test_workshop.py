import time

import pyarrow as pa
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
    wid = ws.create(conn, FAC, plan_id, "Syysseminaari", "Mitä tehdään?", areas[:2], votes_per_participant=3)
    return wid, ws.get(conn, wid)["code"], areas


# ---------------------------------------------------------------- participant page
def test_join_by_code_keeps_identity_in_url(participant, conn, shop):
    wid, code, _ = shop
    at = participant(code=code)
    assert at.text_input(key="ws_code").value == code
    assert len(at.sidebar.children) == 0  # no plan selectors, no name field: nothing but the form
    at.text_input(key="ws_name").set_value("Anna")
    at.button(key="ws_join").click().run()
    token = at.query_params["p"]
    person = ws.participant(conn, token)
    assert person["workshop_id"] == wid and person["name"] == "Anna"
    assert at.title[0].value == "Syysseminaari"
    # a reload with the same URL is the same participant
    again = participant(code=code, p=token)
    assert again.title[0].value == "Syysseminaari"
    assert conn.execute("select count(*) from workshop_participants").fetchone()[0] == 1


def test_unknown_code_is_refused_and_kept(participant, conn, shop):
    at = participant()
    at.text_input(key="ws_code").set_value("zzz999")
    at.button(key="ws_join").click().run()
    assert any("ZZZ999" in e.value for e in at.error)
    assert at.text_input(key="ws_code").value == "zzz999"
    assert "p" not in at.query_params
    assert conn.execute("select count(*) from workshop_participants").fetchone()[0] == 0


def test_closed_code_answers_as_unknown_and_wrong_codes_are_throttled(participant, conn, shop, monkeypatch):
    from lape_plan import throttle

    wid, code, _ = shop
    at = participant()

    def join_with(value):
        at.text_input(key="ws_code").set_value(value)
        at.button(key="ws_join").click().run()
        return [e.value for e in at.error]

    unknown = join_with("ZZZ999")
    ws.set_phase(conn, FAC, wid, "closed")
    assert join_with(code) == [unknown[0].replace("ZZZ999", code)]
    ws.set_phase(conn, FAC, wid, "collecting")
    for _ in range(throttle.JOIN.limit - 2):
        join_with("ZZZ999")
    refused = join_with(code)  # the right code, but this client has guessed too often
    assert refused and "Liian monta väärää koodia" in refused[0] and "p" not in at.query_params
    assert conn.execute("select count(*) from workshop_participants").fetchone()[0] == 0


def test_bad_token_shows_error_and_join_form(participant, shop):
    at = participant(code=shop[1], p="forged")
    assert any("Liity uudelleen" in e.value for e in at.error)
    assert at.button(key="ws_join")


def test_propose_then_refusals_keep_text(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    at = participant(code=code, p=token)
    at.selectbox(key="ws_area").set_value(areas[1])
    at.text_area(key="ws_text").set_value("Kerhoja kaikkiin kouluihin")
    at.button(key="ws_send").click().run()
    props = ws.proposals(conn, wid)
    assert [(p["text"], p["focus_area_id"]) for p in props] == [("Kerhoja kaikkiin kouluihin", areas[1])]
    assert at.text_area(key="ws_text").value == ""
    assert any("Kiitos" in s.value for s in at.success)
    assert "Kerhoja kaikkiin kouluihin" in texts(at)
    # the same again (a double submit): refused, text kept, nothing stored twice
    at.text_area(key="ws_text").set_value("kerhoja  kaikkiin kouluihin")
    at.button(key="ws_send").click().run()
    assert at.error and at.text_area(key="ws_text").value == "kerhoja  kaikkiin kouluihin"
    at.text_area(key="ws_text").set_value("   ")
    at.button(key="ws_send").click().run()
    assert any("pakollinen" in e.value for e in at.error)
    assert len(ws.proposals(conn, wid)) == 1


def test_user_text_is_not_rendered_as_markup(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    ws.propose(conn, token, areas[0], "**lihava** <b>html</b>")
    ws.set_phase(conn, FAC, wid, "voting")
    at = participant(code=code, p=token)
    options = at.radio[0].options
    assert any("\\*\\*lihava\\*\\*" in o and "\\<b\\>" in o for o in options)


def test_vote_with_budget(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    pids = [ws.propose(conn, token, areas[0], f"Ehdotus {i}") for i in range(2)]
    ws.set_phase(conn, FAC, wid, "voting")
    at = participant(code=code, p=token)
    assert "Ääniä jäljellä: 3/3" in at.radio[0].label
    at.button(key="ws_vote_0").click().run()  # nothing picked
    assert any("Valitse ensin" in w.value for w in at.warning)
    at.radio(key="ws_pick_0").set_value(pids[1])
    at.button(key="ws_vote_0").click().run()
    assert ws.my_votes(conn, ws.participant(conn, token)["id"]) == {pids[1]: 1}
    assert "Ääniä jäljellä: 2/3" in at.radio[0].label
    assert any(o.startswith("Ehdotus 1") and o.endswith("ääniäsi 1") for o in at.radio[0].options)
    # the form now carries the new version; the same proposal again is refused (one vote each)
    at.radio(key="ws_pick_1").set_value(pids[1])
    at.button(key="ws_vote_1").click().run()
    assert any("enintään 1" in e.value for e in at.error)
    at.radio(key="ws_pick_1").set_value(pids[1])
    at.button(key="ws_unvote_1").click().run()
    assert ws.my_votes(conn, ws.participant(conn, token)["id"]) == {}


def test_closed_workshop_thanks(participant, conn, shop):
    wid, code, _ = shop
    token = ws.join(conn, code)
    ws.set_phase(conn, FAC, wid, "closed")
    at = participant(code=code, p=token)
    assert any("päättynyt" in s.value for s in at.success)


def test_participant_page_in_swedish(participant, conn, shop):
    at = participant(code=shop[1], lang="sv")
    assert at.title[0].value == "Delta i workshopen"


# ---------------------------------------------------------------- facilitator and projector
def test_facilitator_creates_workshop(app, conn, make_user):
    from lape_plan.model import Role

    at = app("pages/workshop.py", user_id=make_user("Fasi", Role.FACILITATOR), auth_role="facilitator")
    at.text_input[0].set_value("Kevään työpaja")
    at.text_area[0].set_value("Mikä auttaa nuoria?")
    at.number_input[0].set_value(4)
    [b for b in at.button if b.label == "Luo työpaja"][0].click().run()
    assert not at.exception
    w = ws.for_plan(conn, plans.plans(conn)[0]["id"])[0]
    assert (w["title"], w["votes_per_participant"], w["created_by"]) == ("Kevään työpaja", 4, "Fasi")
    assert len(ws.get(conn, w["id"])["focus_area_ids"]) == 4
    assert any(w["code"] in h.value for h in at.header)
    assert len(at.get("image")) == 1  # the QR code


def test_facilitator_refuses_bad_workshop_and_keeps_text(app, conn):
    at = app("pages/workshop.py")
    at.text_area[0].set_value("Kysymys jää talteen")
    [b for b in at.button if b.label == "Luo työpaja"][0].click().run()
    assert any("Työpajan nimi" in e.value for e in at.error)
    assert at.text_area[0].value == "Kysymys jää talteen"
    assert ws.for_plan(conn, plans.plans(conn)[0]["id"]) == []


def test_facilitator_phases_moderation_and_promote(app, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code, "Anna")
    pid = ws.propose(conn, token, areas[0], "Nuorisotila joka kylään")
    at = app("pages/workshop.py")
    assert "Nuorisotila joka kylään" in texts(at)
    assert any("kirjoittanut Anna" in c.value for c in at.caption)
    at.segmented_control[0].set_value("voting").run()
    assert ws.get(conn, wid)["phase"] == "voting"
    ws.vote(conn, token, pid, 0)
    at.button(key=f"ws_hide_{pid}").click().run()
    assert ws.get_proposal(conn, pid)["hidden"] == 1
    at.button(key=f"ws_hide_{pid}").click().run()
    assert ws.get_proposal(conn, pid)["hidden"] == 0
    at.button(key=f"ws_promote_{pid}").click().run()
    goal_id = ws.get_proposal(conn, pid)["goal_id"]
    assert plans.get(conn, "goal", goal_id)["title_fi"] == "Nuorisotila joka kylään"
    assert plans.get(conn, "goal", goal_id)["draft"] == 1
    assert any("Tavoiteluonnos" in s.value for s in at.success)
    assert at.button(key=f"ws_promote_{pid}").disabled
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Lataa Excel", "Lataa CSV"]


def test_promote_asks_first_and_can_make_a_draft_measure_under_a_chosen_goal(app, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    pid = ws.propose(conn, token, areas[0], "Kerho joka kouluun")
    goal = plans.tree(conn, plans.plans(conn)[0]["id"])[1]["goals"][0]
    at = app("pages/workshop.py")
    # the popover is the confirmation: opening it and choosing writes nothing
    at.radio(key=f"ws_promote_as_{pid}").set_value("measure").run()
    assert at.selectbox(key=f"ws_promote_goal_{pid}").value is None  # no goal chosen for the facilitator
    assert at.button(key=f"ws_promote_{pid}").disabled
    at.selectbox(key=f"ws_promote_goal_{pid}").set_value(goal["id"]).run()
    assert ws.get_proposal(conn, pid)["measure_id"] is None
    at.button(key=f"ws_promote_{pid}").click().run()
    measure_id = ws.get_proposal(conn, pid)["measure_id"]
    measure = plans.get(conn, "measure", measure_id)
    assert (measure["goal_id"], measure["draft"], measure["title_fi"]) == (goal["id"], 1, "Kerho joka kouluun")
    assert any("Toimenpideluonnos" in s.value for s in at.success)
    assert any("toimenpideluonnoksena tavoitteen alle" in c.value for c in at.caption)
    assert at.button(key=f"ws_promote_{pid}").disabled


def test_facilitator_merges_duplicates(app, conn, shop):
    wid, code, areas = shop
    a, b = ws.join(conn, code), ws.join(conn, code)
    keep = ws.propose(conn, a, areas[0], "Kerhoja")
    dup = ws.propose(conn, b, areas[0], "Lisää kerhoja")
    ws.set_phase(conn, FAC, wid, "voting")
    ws.vote(conn, a, keep, 0)
    ws.vote(conn, a, dup, 1)
    at = app("pages/workshop.py")
    # no default target: nothing is chosen and the merge cannot be confirmed until one is
    assert at.selectbox(key=f"ws_keep_{dup}").value is None
    assert at.button(key=f"ws_merge_{dup}").disabled
    at.selectbox(key=f"ws_keep_{dup}").set_value(keep).run()
    assert ws.get_proposal(conn, dup)["merged_into"] is None  # choosing is not merging
    at.button(key=f"ws_merge_{dup}").click().run()
    assert ws.get_proposal(conn, dup)["merged_into"] == keep
    assert {p["id"]: p["votes"] for p in ws.proposals(conn, wid)}[keep] == 1
    assert "↳ yhdistetty: Lisää kerhoja" in texts(at)


def test_projector_hides_results_until_revealed(app, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    pid = ws.propose(conn, token, areas[0], "Nuorisotila")
    ws.set_phase(conn, FAC, wid, "voting")
    ws.vote(conn, token, pid, 0)
    at = AppTest.from_file("../../app.py", default_timeout=30)
    at.session_state["user_id"] = conn.execute("select id from users where username = 'admin'").fetchone()[0]
    at.session_state["auth_role"] = "admin"
    at.session_state["last_seen"] = time.time()
    at.query_params["w"] = str(wid)
    at.run()
    at.switch_page("pages/projector.py").run()
    assert not at.exception
    at.query_params["w"] = str(wid)
    at.run()
    assert any(code in t.value for t in at.title)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Osallistujia"] == "1" and metrics["Ääniä"] == "1"
    assert any("paljastetaan" in i.value for i in at.info)
    assert not at.get("vega_lite_chart")
    ws.set_results_visible(conn, FAC, wid, True)
    at.run()
    proto = at.get("vega_lite_chart")[0].proto
    frame = pa.ipc.open_stream(proto.datasets[0].data.data).read_pandas()
    assert list(frame["proposal"]) == ["1. Nuorisotila"] and list(frame["votes"]) == [1]


def test_plan_editor_shows_goal_origin(app, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    pid = ws.propose(conn, token, areas[0], "Nuorisotila")
    ws.set_phase(conn, FAC, wid, "voting")
    ws.vote(conn, token, pid, 0)
    goal_id = ws.promote(conn, FAC, pid)
    at = app("pages/plan_editor.py")
    at.button(key=f"sel_goal_{goal_id}").click().run()
    assert any("Syysseminaari" in c.value and "ääniä 1" in c.value for c in at.caption)


def test_a_locked_database_is_reported_and_counts_nothing(participant, conn, shop, monkeypatch):
    import sqlite3

    wid, code, areas = shop
    token = ws.join(conn, code)
    pid = ws.propose(conn, token, areas[0], "Ehdotus")
    ws.set_phase(conn, FAC, wid, "voting")

    def locked(*args, **kwargs):
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ws, "vote", locked)  # before the page binds it to the button
    at = participant(code=code, p=token)
    at.radio(key="ws_pick_0").set_value(pid)
    at.button(key="ws_vote_0").click().run()
    assert not at.exception
    assert any("ruuhkainen" in e.value for e in at.error)
    assert conn.execute("select count(*) from workshop_votes").fetchone()[0] == 0


# ---------------------------------------------------------------- one participant per browser, cap, join count
def test_joining_again_in_the_same_session_resumes_the_participant(participant, conn, shop):
    wid, code, areas = shop
    at = participant(code=code)
    at.button(key="ws_join").click().run()
    token = at.query_params["p"]
    pid = ws.propose(conn, token, areas[0], "Kerhoja")
    ws.set_phase(conn, FAC, wid, "voting")
    ws.vote(conn, token, pid, 0)
    # the link without the token, the code typed again: the same participant, the same budget
    del at.query_params["p"]
    at.run()
    assert at.query_params["p"] == token
    assert any("Tervetuloa takaisin" in i.value for i in at.info)
    assert "Ääniä jäljellä: 2/3" in at.radio[0].label
    assert ws.participant_count(conn, wid) == 1


def test_full_workshop_refuses_a_join_with_a_clear_message(participant, conn, shop):
    wid, code, areas = shop
    w = ws.get(conn, wid)
    ws.update_settings(
        conn, FAC, wid, w["title"], w["question"], w["focus_area_ids"], 3, False, False, max_participants=1
    )
    ws.join(conn, code)
    at = participant(code=code)
    at.button(key="ws_join").click().run()
    assert any("täynnä (1 osallistuja)" in e.value for e in at.error)
    assert "p" not in at.query_params and ws.participant_count(conn, wid) == 1


def test_facilitator_sets_a_cap_and_sees_the_join_count(app, conn, shop):
    wid, code, areas = shop
    ws.join(conn, code)
    ws.join(conn, code)
    at = app("pages/workshop.py")
    assert {m.label: m.value for m in at.metric}["Osallistujia"] == "2"
    cap = [n for n in at.number_input if n.label.startswith("Osallistujia enintään")][-1]
    cap.set_value(40)
    [b for b in at.button if b.label == "Tallenna"][-1].click().run()
    assert not at.exception
    assert ws.get(conn, wid)["max_participants"] == 40
    assert {m.label: m.value for m in at.metric}["Osallistujia"] == "2 / 40"


def test_moderator_edit_of_a_stale_proposal_shows_theirs_and_saving_again_keeps_mine(app, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code, "Anna")
    pid = ws.propose(conn, token, areas[0], "Nuorisotila joka kylän")
    at = app("pages/workshop.py")
    prefix = f"ws_edit_{pid}"
    ws.edit(conn, Actor(name="Toinen Fasi", role=Role.FACILITATOR), pid, 1, "Nuorisotila jokaiseen kylään")
    at.text_area(key=prefix + "_text").set_value("Nuorisotila joka kylään")
    at.button(key=f"FormSubmitter:{prefix}_form-Tallenna").click().run()
    assert not at.exception, at.exception
    assert any("Toinen Fasi" in e.value for e in at.error)  # who saved in between
    assert any("Nuorisotila jokaiseen kylään" in x.value for x in at.text)  # and their text
    assert at.text_area(key=prefix + "_text").value == "Nuorisotila joka kylään"  # mine stays
    assert ws.get_proposal(conn, pid)["text"] == "Nuorisotila jokaiseen kylään"
    at.button(key=f"FormSubmitter:{prefix}_form-Tallenna").click().run()  # saving again is deliberate
    assert ws.get_proposal(conn, pid)["text"] == "Nuorisotila joka kylään"
    assert [s.value for s in at.success] == ["Tallennettu."]
    assert at.text_area(key=prefix + "_text").value == "Nuorisotila joka kylään"  # opened again from the saved row


# ---------------------------------------------------------------- review fixes
def test_settings_saved_over_a_colleagues_are_refused_naming_them_and_kept(app, conn, shop):
    wid, code, areas = shop
    at = app("pages/workshop.py")
    prefix = f"ws_settings_{wid}"
    w = ws.get(conn, wid)
    colleague = Actor(name="Toinen Fasi", role=Role.FACILITATOR)
    ws.update_settings(
        conn,
        colleague,
        wid,
        w["title"],
        "Uusi kysymys",
        w["focus_area_ids"],
        3,
        False,
        True,
        expected_version=w["version"],
    )
    at.text_input(key=prefix + "_title").set_value("Syysseminaari 2")
    at.button(key=f"FormSubmitter:{prefix}_form-Tallenna").click().run()
    assert not at.exception, at.exception
    assert any("Toinen Fasi" in e.value for e in at.error)  # who saved in between
    assert at.text_input(key=prefix + "_title").value == "Syysseminaari 2"  # mine stays
    assert "Uusi kysymys" in texts(at)  # theirs beside mine
    w = ws.get(conn, wid)
    assert (w["title"], w["question"], w["moderate_first"]) == ("Syysseminaari", "Uusi kysymys", 1)
    at.button(key=prefix + "_rebase").click().run()  # saving on top of theirs is deliberate
    assert not at.exception, at.exception
    assert ws.get(conn, wid)["title"] == "Syysseminaari 2"
    assert [s.value for s in at.success] == ["Tallennettu."]


def test_settings_form_follows_a_phase_change(app, conn, shop):
    wid, code, areas = shop
    at = app("pages/workshop.py")
    prefix = f"ws_settings_{wid}"
    ws.set_phase(conn, Actor(name="Toinen Fasi", role=Role.FACILITATOR), wid, "voting")  # moves the version only
    at.run()
    at.text_input(key=prefix + "_title").set_value("Syysseminaari 2")
    at.button(key=f"FormSubmitter:{prefix}_form-Tallenna").click().run()
    assert not at.exception and not at.error
    assert ws.get(conn, wid)["title"] == "Syysseminaari 2"


def test_too_many_proposals_are_refused_and_the_text_stays(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    for i in range(ws.PROPOSALS_PER_ROUND):
        ws.propose(conn, token, areas[0], f"Ehdotus {i}")
    at = participant(code=code, p=token)
    at.text_area(key="ws_text").set_value("Vielä yksi ajatus")
    at.button(key="ws_send").click().run()
    assert any("enimmäismäärä" in e.value for e in at.error)
    assert at.text_area(key="ws_text").value == "Vielä yksi ajatus"
    assert len(ws.proposals(conn, wid)) == ws.PROPOSALS_PER_ROUND


def test_a_vote_on_a_hidden_proposal_comes_back_to_the_phone(participant, conn, shop):
    wid, code, areas = shop
    token = ws.join(conn, code)
    pids = [ws.propose(conn, token, areas[0], f"Ehdotus {i}") for i in range(2)]
    ws.set_phase(conn, FAC, wid, "voting")
    ws.vote(conn, token, pids[0], 0)
    ws.set_hidden(conn, FAC, pids[0], True)
    at = participant(code=code, p=token)
    assert "Ääniä jäljellä: 3/3" in at.radio[0].label
    assert [o for o in at.radio[0].options] == ["Ehdotus 1"]
