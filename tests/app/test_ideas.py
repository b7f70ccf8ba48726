import datetime as dt

import pytest

from lape_plan import i18n, ideas, plans
from lape_plan.model import Actor, Role

from .conftest import texts

FAC = Actor(name="Fasi", role=Role.FACILITATOR)
TODAY = i18n.today()


@pytest.fixture
def plan(conn):
    plan_id = plans.plans(conn)[0]["id"]
    ideas.set_period(conn, FAC, plan_id, TODAY, TODAY + dt.timedelta(days=7))
    return plan_id, plans.tree(conn, plan_id)


def test_closed_page_says_so(visitor, conn):
    at = visitor()
    assert "Ideoita ei kerätä juuri nyt" in texts(at)
    assert len(at.sidebar.children) == 0


def test_standard_form_sends_a_pending_idea(visitor, conn, plan):
    plan_id, tree = plan
    at = visitor()
    key = at.session_state["idea_nonce"]
    at.radio(key=f"idea_area_{key}").set_value(tree[1]["id"])
    at.text_area(key=f"idea_text_{key}").set_value("Lisää iltapäiväkerhoja")
    at.selectbox(key=f"idea_group_{key}").set_value("parent")
    at.text_input(key=f"idea_email_{key}").set_value("vanhempi@example.fi")
    at.button(key=f"idea_send_{key}").click().run()
    assert not at.exception
    assert "Kiitos! Ideasi on lähetetty" in texts(at)
    row = next(conn.query("select text, focus_area_id, sender_group, state, simple from ideas"))
    assert row == {
        "text": "Lisää iltapäiväkerhoja",
        "focus_area_id": tree[1]["id"],
        "sender_group": "parent",
        "state": "pending",
        "simple": 0,
    }
    assert conn.execute("select email from idea_contacts").fetchone()[0] == "vanhempi@example.fi"
    assert at.session_state["idea_nonce"] != key  # a fresh, empty form for the next idea


def test_standard_form_keeps_text_when_refused(visitor, conn, plan):
    at = visitor()
    key = at.session_state["idea_nonce"]
    at.text_area(key=f"idea_text_{key}").set_value("Ilman aihetta")
    at.button(key=f"idea_send_{key}").click().run()
    assert "Valitse ensin aihe" in texts(at)
    assert at.text_area(key=f"idea_text_{key}").value == "Ilman aihetta"
    assert conn.execute("select count(*) from ideas").fetchone()[0] == 0


def test_simple_mode_one_thing_per_screen_in_swedish(visitor, conn, plan):
    plan_id, tree = plan
    at = visitor(mode="simple", lang="sv")
    assert at.header[0].value == "Om vad?"
    assert len(at.text_area) == 0  # one thing per screen
    at.button(key=f"idea_pick_{tree[0]['id']}").click().run()
    assert at.header[0].value == "Skriv din idé."
    at.text_area(key="idea_simple_text").set_value("En lekplats nära skolan")
    key = at.session_state["idea_nonce"]
    at.button(key=f"idea_simple_next_{key}").click().run()
    assert at.header[0].value == "Vem är du?"
    at.button(key=f"idea_who_child_{key}").click().run()
    assert at.header[0].value == "Tack! 🎉"
    row = next(conn.query("select text, sender_group, simple, lang from ideas"))
    assert row == {"text": "En lekplats nära skolan", "sender_group": "child", "simple": 1, "lang": "sv"}


def test_class_session_by_code(visitor, conn, plan):
    plan_id, tree = plan
    class_id = ideas.open_class(conn, FAC, plan_id, "3A", "grade_3_6", cap=1)
    code = ideas.get_class(conn, class_id)["code"]
    at = visitor(**{"class": ""})
    at.text_input(key="idea_class_code").set_value(code.lower())
    at.button(key="idea_class_go").click().run()
    assert "Luokka 3A (3.–6. luokka)" in texts(at)
    at.button(key=f"idea_pick_{tree[2]['id']}").click().run()
    at.text_area(key="idea_simple_text").set_value("Pidempi välitunti")
    at.button(key=f"idea_simple_send_{at.session_state['idea_nonce']}").click().run()
    assert at.header[0].value == "Kiitos! 🎉"
    row = next(conn.query("select class_id, grade_band, sender_group from ideas"))
    assert row == {"class_id": class_id, "grade_band": "grade_3_6", "sender_group": "child"}
    at.button(key="idea_again").click().run()
    at.button(key=f"idea_pick_{tree[2]['id']}").click().run()
    at.text_area(key="idea_simple_text").set_value("Toinen")
    at.button(key=f"idea_simple_send_{at.session_state['idea_nonce']}").click().run()
    assert "Luokan ideat ovat täynnä" in texts(at)
    assert conn.execute("select count(*) from ideas").fetchone()[0] == 1


def test_wrong_class_code(visitor, conn, plan):
    at = visitor(**{"class": "QQQQQQ"})
    assert "Koodilla QQQQQQ ei löydy avointa luokkaa" in texts(at)
    assert at.text_input(key="idea_class_code")


# ---------------------------------------------------------------- moderation page
def test_moderator_publishes_answers_and_links(app, conn, plan):
    plan_id, tree = plan
    idea_id = ideas.submit(conn, plan_id, tree[0]["id"], "Kiusaamiseen puututtava", client="x", email="a@b.fi")
    at = app("pages/ideas_admin.py")
    assert "Kiusaamiseen puututtava" in texts(at)
    at.button(key=f"idea_pub_{idea_id}_1").click().run()
    assert ideas.get(conn, idea_id)["state"] == "published"
    at.segmented_control(key="idea_state_filter").set_value("published").run()
    goal = tree[0]["goals"][0]
    prefix = f"idea_answer_{idea_id}"
    at.selectbox(key=prefix + "_status").set_value("adopted")
    at.text_area(key=prefix + "_text").set_value("Tästä tuli tavoite")
    at.selectbox(key=prefix + "_link").set_value(("goal", goal["id"]))
    at.button(key=f"FormSubmitter:{prefix}-{'Tallenna vastaus'}").click().run()
    assert not at.exception
    row = ideas.get(conn, idea_id)
    assert (row["status"], row["answer"], row["goal_id"]) == ("adopted", "Tästä tuli tavoite", goal["id"])
    assert "Tästä tuli tavoite" in texts(at)
    assert "a@b.fi" in texts(at)  # for the moderator, to send the answer
    assert [d.label for d in at.get("download_button")] == ["Lataa Excel", "Lataa CSV"]


def test_moderator_hides_with_reason_and_stale_screen_is_refused(app, conn, plan):
    plan_id, tree = plan
    idea_id = ideas.submit(conn, plan_id, tree[0]["id"], "Matti 5B on tyhmä", client="x")
    at = app("pages/ideas_admin.py")
    ideas.edit(conn, FAC, idea_id, 1, "5B")  # another moderator, meanwhile
    prefix = f"idea_hide_{idea_id}"
    at.text_input(key=prefix + "_reason").set_value("Loukkaava")
    at.button(key=f"FormSubmitter:{prefix}-Piilota idea").click().run()
    assert "Fasi" in texts(at)  # who saved in between
    assert ideas.get(conn, idea_id)["state"] == "pending"
    assert at.text_input(key=prefix + "_reason").value == "Loukkaava"  # the typed reason stays
    at.button(key=f"FormSubmitter:{prefix}-Piilota idea").click().run()  # saving again is deliberate
    row = ideas.get(conn, idea_id)
    assert (row["state"], row["hidden_reason"], row["text"]) == ("hidden", "Loukkaava", "5B")


def test_member_reads_published_only_and_opens_a_class(app, conn, plan, make_user):
    plan_id, tree = plan
    shown = ideas.submit(conn, plan_id, tree[0]["id"], "Julkaistu", client="x", email="salainen@b.fi")
    ideas.submit(conn, plan_id, tree[0]["id"], "Odottava", client="x")
    ideas.publish(conn, FAC, shown, 1)
    member = make_user("Opettaja", Role.MEMBER)
    at = app("pages/ideas_admin.py", user_id=member, auth_role="member")
    page = texts(at)
    assert "Julkaistu" in page and "Odottava" not in page and "salainen" not in page
    assert not [b for b in at.button if str(b.key or "").startswith("idea_pub_")]
    assert not at.get("download_button")
    form_inputs = [w for w in at.text_input if w.label == "Luokka"]
    form_inputs[0].set_value("5B")
    at.button(key="FormSubmitter:idea_class_new-Avaa luokalle koodi").click().run()
    assert not at.exception
    assert [c["label"] for c in ideas.classes(conn, plan_id, Actor("x", Role.ADMIN))] == ["5B"]


def test_focus_area_names_are_shown_as_text(visitor, conn, plan):
    plan_id, tree = plan
    area = tree[0]
    plans.update(conn, FAC, "focus_area", area["id"], area["version"], title_fi="**Iso** [linkki](http://x)")
    at = visitor()
    options = at.radio(key=f"idea_area_{at.session_state['idea_nonce']}").options
    assert any(o.endswith(r"\*\*Iso\*\* \[linkki\]\(http\://x\)") for o in options), options


def test_moderator_saves_the_period_and_a_refused_one_keeps_the_text(app, conn, plan):
    plan_id, _ = plan
    at = app("pages/ideas_admin.py")
    [intro] = [a for a in at.text_area if a.label == "Saateteksti idea-sivulle"]
    intro.set_value("Kerro ideasi!")
    at.button(key=f"FormSubmitter:idea_period_{plan_id}_form-Tallenna keruuaika").click().run()
    assert not at.exception, at.exception
    assert (ideas.period(conn, plan_id)["intro"], ideas.period(conn, plan_id)["version"]) == ("Kerro ideasi!", 2)
    assert "Keruuaika tallennettu." in [s.value for s in at.success]
    at.run()
    assert "Keruuaika tallennettu." not in [s.value for s in at.success]  # shown once
    # closing before opening is refused; the typed text stays
    [intro] = [a for a in at.text_area if a.label == "Saateteksti idea-sivulle"]
    intro.set_value("Uusi saate")
    [closes] = [d for d in at.date_input if d.label == "Sulkeutuu"]
    closes.set_value(TODAY - dt.timedelta(days=1))
    at.button(key=f"FormSubmitter:idea_period_{plan_id}_form-Tallenna keruuaika").click().run()
    assert not at.exception, at.exception
    assert [e.value for e in at.error] == ["Sulkeutumispäivä ei voi olla ennen avautumispäivää."]
    assert [a.value for a in at.text_area if a.label == "Saateteksti idea-sivulle"] == ["Uusi saate"]
    assert ideas.period(conn, plan_id)["intro"] == "Kerro ideasi!"


def test_a_period_saved_meanwhile_by_someone_else_is_not_overwritten_unawares(app, conn, plan):
    plan_id, _ = plan
    at = app("pages/ideas_admin.py")
    [intro] = [a for a in at.text_area if a.label == "Saateteksti idea-sivulle"]
    intro.set_value("Minun saatteeni")
    ideas.set_period(conn, FAC, plan_id, TODAY, TODAY + dt.timedelta(days=14), "Fasin saate")
    submit = f"FormSubmitter:idea_period_{plan_id}_form-Tallenna keruuaika"
    at.button(key=submit).click().run()
    assert not at.exception, at.exception
    [error] = [e.value for e in at.error]
    assert "Fasi" in error  # who saved in between
    assert ideas.period(conn, plan_id)["intro"] == "Fasin saate"  # theirs is kept
    assert [a.value for a in at.text_area if a.label == "Saateteksti idea-sivulle"] == ["Minun saatteeni"]
    at.button(key=submit).click().run()  # saving again is deliberate: on top of theirs
    assert not at.exception, at.exception
    assert ideas.period(conn, plan_id)["intro"] == "Minun saatteeni"
    assert "Keruuaika tallennettu." in [s.value for s in at.success]
