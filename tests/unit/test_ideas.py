import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from lape_plan import db as dbm
from lape_plan import i18n, ideas, plans, throttle, workshop
from lape_plan.errors import ConflictError, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role

FAC = Actor(name="Fasilitaattori", role=Role.FACILITATOR)
TEACHER = Actor(name="Opettaja", role=Role.MEMBER, user_id=77)
OTHER_TEACHER = Actor(name="Toinen", role=Role.MEMBER, user_id=78)
VIEWER = Actor(name="Lukija", role=Role.VIEWER, user_id=79)
TODAY = i18n.today()


@pytest.fixture
def setup(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    tree = plans.tree(demo_db, plan_id)
    ideas.set_period(demo_db, FAC, plan_id, TODAY - dt.timedelta(days=1), TODAY + dt.timedelta(days=30))
    return demo_db, plan_id, tree


def send(db, plan_id, area, text="Lisää nuorisotiloja iltaisin", **kw):
    kw.setdefault("client", "ip:test")
    return ideas.submit(db, plan_id, area, text, **kw)


# ---------------------------------------------------------------- sending
def test_submit_stores_pending_with_contact_apart(setup):
    db, plan_id, tree = setup
    muni = plans.organisations(db, plan_id, kind="municipality")[0]["id"]
    idea_id = send(db, plan_id, tree[0]["id"], group="young", municipality_id=muni, email="Nuori@Example.fi")
    row = ideas.get(db, idea_id)
    assert (row["state"], row["status"], row["sender_group"], row["municipality_id"]) == (
        "pending",
        "received",
        "young",
        muni,
    )
    assert (
        db.execute("select email from idea_contacts where idea_id = ?", [idea_id]).fetchone()[0] == "nuori@example.fi"
    )
    audit = json.dumps(dbm.audit_rows(db, entity="idea", entity_id=idea_id))
    assert "example.fi" not in audit and "answer_by_email" in audit


@pytest.mark.parametrize(
    "text,key", [("", "error.required"), ("\u200b \u2060", "error.required"), ("x" * 501, "error.too_long")]
)
def test_submit_length_and_invisible_text(setup, text, key):
    db, plan_id, tree = setup
    with pytest.raises(ValidationError) as e:
        send(db, plan_id, tree[0]["id"], text)
    assert e.value.key == key


def test_submit_500_characters_is_fine(setup):
    db, plan_id, tree = setup
    assert send(db, plan_id, tree[0]["id"], "x" * 500)


@pytest.mark.parametrize(
    "kw,key",
    [
        ({"group": "teacher"}, "error.invalid"),
        ({"email": "no-at-sign"}, "ideas.error.email"),
        ({"municipality_id": 999999}, "error.invalid"),
    ],
)
def test_submit_refuses_bad_optional_fields(setup, kw, key):
    db, plan_id, tree = setup
    with pytest.raises(ValidationError) as e:
        send(db, plan_id, tree[0]["id"], **kw)
    assert e.value.key == key


def test_submit_refuses_area_of_another_plan_and_closed_period(setup):
    db, plan_id, tree = setup
    other = plans.create_plan(db, FAC, "Toinen", 2025, 2028)
    with pytest.raises(ValidationError) as e:
        ideas.set_period(db, FAC, other, TODAY, TODAY - dt.timedelta(days=1))
    assert e.value.key == "ideas.error.period_order"
    with pytest.raises(ValidationError) as e:
        send(db, other, tree[0]["id"])
    assert e.value.key == "ideas.error.closed"
    ideas.set_period(db, FAC, other, TODAY, TODAY)
    with pytest.raises(ValidationError) as e:
        send(db, other, tree[0]["id"])
    assert e.value.key == "ideas.error.focus_area"
    ideas.set_period(db, FAC, plan_id, TODAY - dt.timedelta(days=9), TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError) as e:
        send(db, plan_id, tree[0]["id"])
    assert e.value.key == "ideas.error.closed"
    assert [p["id"] for p in ideas.open_plans(db)] == [other]


def test_same_submission_key_stores_once(setup):
    db, plan_id, tree = setup
    first = send(db, plan_id, tree[0]["id"], submission_key="abc")
    again = send(db, plan_id, tree[0]["id"], "other text", submission_key="abc")
    assert first == again
    assert db.execute("select count(*) from ideas").fetchone()[0] == 1


def test_throttle_per_client(setup):
    db, plan_id, tree = setup
    for n in range(throttle.IDEAS.limit):
        send(db, plan_id, tree[0]["id"], f"idea {n}", client="ip:1")
    with pytest.raises(throttle.TooManyAttempts) as e:
        send(db, plan_id, tree[0]["id"], "one more", client="ip:1")
    assert e.value.key == "ideas.error.too_many"
    send(db, plan_id, tree[0]["id"], "another client", client="ip:2")
    assert db.execute("select count(*) from ideas").fetchone()[0] == throttle.IDEAS.limit + 1


def test_set_period_needs_moderator_and_current_version(setup):
    db, plan_id, _ = setup
    with pytest.raises(PermissionDenied):
        ideas.set_period(db, TEACHER, plan_id, TODAY, TODAY)
    version = ideas.period(db, plan_id)["version"]
    ideas.set_period(db, FAC, plan_id, TODAY, TODAY, expected_version=version)
    with pytest.raises(ConflictError):
        ideas.set_period(db, FAC, plan_id, TODAY, TODAY + dt.timedelta(days=2), expected_version=version)


# ---------------------------------------------------------------- class sessions
def test_class_session_code_band_and_cap(setup):
    db, plan_id, tree = setup
    muni = plans.organisations(db, plan_id, kind="municipality")[1]["id"]
    with pytest.raises(PermissionDenied):
        ideas.open_class(db, VIEWER, plan_id, "5B", "grade_3_6")
    class_id = ideas.open_class(db, TEACHER, plan_id, "5B", "grade_3_6", cap=3, municipality_id=muni)
    code = ideas.get_class(db, class_id)["code"]
    assert len(code) == workshop.CODE_LENGTH and set(code) <= set(workshop.CODE_ALPHABET)
    for n in range(3):  # one device, far above nothing: the cap, not the client throttle, bounds a class
        idea = ideas.submit(
            db, None, tree[1]["id"], f"idea {n}", class_code=code.lower(), client="ip:school", email="x@y.fi"
        )
    row = ideas.get(db, idea)
    assert (row["class_id"], row["grade_band"], row["sender_group"], row["municipality_id"], row["plan_id"]) == (
        class_id,
        "grade_3_6",
        "child",
        muni,
        plan_id,
    )
    assert db.execute("select count(*) from idea_contacts").fetchone()[0] == 0  # pupils leave no address
    with pytest.raises(ValidationError) as e:
        ideas.submit(db, None, tree[1]["id"], "fourth", class_code=code)
    assert e.value.key == "ideas.error.class_full"
    assert ideas.figures(db, plan_id)["by_band"] == {"grade_3_6": 3}


def test_class_close_and_unknown_codes(setup):
    db, plan_id, tree = setup
    class_id = ideas.open_class(db, TEACHER, plan_id, "8A", "grade_7_9")
    code = ideas.get_class(db, class_id)["code"]
    with pytest.raises(PermissionDenied):
        ideas.close_class(db, OTHER_TEACHER, class_id)
    assert ideas.classes(db, plan_id, OTHER_TEACHER) == []
    assert [c["id"] for c in ideas.classes(db, plan_id, FAC)] == [class_id]
    ideas.close_class(db, TEACHER, class_id)
    with pytest.raises(ValidationError) as e:
        ideas.submit(db, None, tree[0]["id"], "late", class_code=code)
    assert e.value.key == "ideas.error.class_code"
    for _ in range(throttle.JOIN.limit):
        with pytest.raises(ValidationError):
            ideas.find_class(db, "ZZZZZZ", client="ip:guess")
    with pytest.raises(throttle.TooManyAttempts):
        ideas.find_class(db, code, client="ip:guess")


# ---------------------------------------------------------------- moderation
def test_publish_hide_and_stale_screens(setup):
    db, plan_id, tree = setup
    idea_id = send(db, plan_id, tree[0]["id"])
    with pytest.raises(PermissionDenied):
        ideas.publish(db, TEACHER, idea_id, 1)
    v = ideas.publish(db, FAC, idea_id, 1)
    with pytest.raises(ConflictError):
        ideas.hide(db, FAC, idea_id, 1, "vanha näkymä")
    with pytest.raises(ValidationError) as e:
        ideas.hide(db, FAC, idea_id, v, " ")
    assert e.value.key == "error.required"
    v = ideas.hide(db, FAC, idea_id, v, "Sisältää nimen")
    row = ideas.get(db, idea_id)
    assert (row["state"], row["hidden_reason"], row["version"]) == ("hidden", "Sisältää nimen", v)
    actions = [a["action"] for a in dbm.audit_rows(db, entity="idea", entity_id=idea_id)]
    assert actions == ["hide", "publish", "create"]


def test_answer_statuses_and_links(setup):
    db, plan_id, tree = setup
    idea_id = send(db, plan_id, tree[0]["id"])
    with pytest.raises(ValidationError) as e:
        ideas.answer(db, FAC, idea_id, 1, "considering", "Selvitämme")
    assert e.value.key == "ideas.error.not_published"
    v = ideas.publish(db, FAC, idea_id, 1)
    with pytest.raises(ValidationError) as e:
        ideas.answer(db, FAC, idea_id, v, "declined", "")
    assert e.value.key == "error.required"
    with pytest.raises(ValidationError) as e:
        ideas.answer(db, FAC, idea_id, v, "adopted", "Tuli tavoitteeksi")
    assert e.value.key == "ideas.error.link"
    other = plans.create_plan(db, FAC, "Toinen", 2025, 2028)
    area = plans.add(db, FAC, "focus_area", other, title_fi="Muu")
    foreign_goal = plans.add(db, FAC, "goal", area, title_fi="Vieras")
    with pytest.raises(ValidationError):
        ideas.answer(db, FAC, idea_id, v, "adopted", "x", goal_id=foreign_goal)
    goal = tree[0]["goals"][0]
    v = ideas.answer(db, FAC, idea_id, v, "adopted", "Otettiin tavoitteeksi", goal_id=goal["id"])
    assert ideas.get(db, idea_id)["goal_id"] == goal["id"]
    measure = goal["measures"][0]
    v = ideas.answer(db, FAC, idea_id, v, "adopted", "Toimenpiteeksi", measure_id=measure["id"])
    row = ideas.get(db, idea_id)
    assert (row["goal_id"], row["measure_id"]) == (None, measure["id"])
    ideas.answer(db, FAC, idea_id, v, "declined", "Ei rahoitusta")
    row = ideas.get(db, idea_id)
    assert (row["status"], row["answer"], row["measure_id"]) == ("declined", "Ei rahoitusta", None)


def test_merge_duplicates(setup):
    db, plan_id, tree = setup
    a, b, c = (send(db, plan_id, tree[0]["id"], t) for t in ("Skeittipuisto", "skeittipuisto ", "Skeittiparkki"))
    assert ideas.likely_duplicates(ideas.ideas_for(db, plan_id, FAC)) == {b: a}
    ideas.merge(db, FAC, c, b)
    ideas.merge(db, FAC, b, a)  # what was merged into b follows it to a
    assert {r["id"]: r["merged_into"] for r in db.query("select id, merged_into from ideas")} == {a: None, b: a, c: a}
    with pytest.raises(ValidationError) as e:
        ideas.merge(db, FAC, a, b)
    assert e.value.key == "ideas.error.merged"
    with pytest.raises(ValidationError):
        ideas.merge(db, FAC, a, a)
    with pytest.raises(ValidationError) as e:
        ideas.publish(db, FAC, b, ideas.get(db, b)["version"])
    assert e.value.key == "ideas.error.merged"
    assert [r["similar"] for r in ideas.ideas_for(db, plan_id, FAC) if r["id"] == a] == [2]


def test_edit_versioned(setup):
    db, plan_id, tree = setup
    idea_id = send(db, plan_id, tree[0]["id"], "Minä Matti haluan lisää kerhoja")
    v = ideas.edit(db, FAC, idea_id, 1, "Haluan lisää kerhoja", tree[1]["id"])
    with pytest.raises(ConflictError) as e:
        ideas.edit(db, FAC, idea_id, 1, "toinen korjaus")
    assert e.value.current["text"] == "Haluan lisää kerhoja"
    assert (ideas.get(db, idea_id)["focus_area_id"], v) == (tree[1]["id"], 2)


def test_contact_only_for_moderators_and_deletable(setup):
    db, plan_id, tree = setup
    idea_id = send(db, plan_id, tree[0]["id"], email="a@b.fi")
    with pytest.raises(PermissionDenied):
        ideas.contact(db, TEACHER, idea_id)
    assert ideas.contact(db, FAC, idea_id) == "a@b.fi"
    assert ideas.delete_contact(db, FAC, idea_id) is True
    assert ideas.contact(db, FAC, idea_id) is None
    assert ideas.delete_contact(db, FAC, idea_id) is False


def test_staff_who_do_not_moderate_see_published_only(setup):
    db, plan_id, tree = setup
    shown = send(db, plan_id, tree[0]["id"], "julkinen", email="a@b.fi")
    send(db, plan_id, tree[0]["id"], "odottaa")
    ideas.publish(db, FAC, shown, 1)
    rows = ideas.ideas_for(db, plan_id, TEACHER)
    assert [(r["text"], r["has_contact"]) for r in rows] == [("julkinen", 0)]
    assert len(ideas.ideas_for(db, plan_id, FAC)) == 2


# ---------------------------------------------------------------- what the public sees
def test_published_outcomes_only_published_and_nothing_private(setup):
    db, plan_id, tree = setup
    muni = plans.organisations(db, plan_id, kind="municipality")[0]["id"]
    area1, area2 = tree[0], tree[1]
    secret = "SALAINEN@example.fi"
    published = send(db, plan_id, area2["id"], "Julkaistu idea", group="child", municipality_id=muni, email=secret)
    send(db, plan_id, area1["id"], "ODOTTAA moderointia")
    hidden = send(db, plan_id, area1["id"], "PIILOTETTU, Matti Meikäläinen 040123")
    dup = send(db, plan_id, area2["id"], "YHDISTETTY kaksoiskappale")
    adopted = send(db, plan_id, area1["id"], "Tavoitteeksi tullut")
    v = ideas.publish(db, FAC, published, 1)
    ideas.answer(db, FAC, published, v, "declined", "Ei tällä kaudella")
    ideas.hide(db, FAC, hidden, 1, "HENKILÖTIETOJA")
    ideas.merge(db, FAC, dup, published)
    v = ideas.publish(db, FAC, adopted, 1)
    goal = area1["goals"][0]
    ideas.answer(db, FAC, adopted, v, "adopted", "Tuli tavoitteeksi", goal_id=goal["id"])
    out = ideas.published_outcomes(db, plan_id, "fi")
    assert [a["focus_area_id"] for a in out] == [area1["id"], area2["id"]]  # the plan's order
    by_id = {i["id"]: i for a in out for i in a["ideas"]}
    assert set(by_id) == {published, adopted}
    assert by_id[adopted]["link"] == {"kind": "goal", "id": goal["id"], "title": goal["title_fi"]}
    assert by_id[published]["status"] == "declined" and by_id[published]["answer"] == "Ei tällä kaudella"
    assert set(by_id[published]) == {"id", "text", "status", "status_label", "answer", "link"}
    dumped = json.dumps(out, ensure_ascii=False)
    for leak in (
        "SALAINEN",
        "example.fi",
        "ODOTTAA",
        "PIILOTETTU",
        "HENKILÖTIETOJA",
        "YHDISTETTY",
        FAC.name,
        "participant",
        "child",
    ):
        assert leak not in dumped, leak
    assert ideas.published_outcomes(db, plan_id, "sv")[0]["ideas"][0]["status_label"] == "Blev en del av planen"
    plans.delete(db, FAC, "goal", goal["id"], plans.get(db, "goal", goal["id"])["version"])
    assert {i["id"]: i["link"] for a in ideas.published_outcomes(db, plan_id, "fi") for i in a["ideas"]}[
        adopted
    ] is None  # a deleted goal is not named


def test_figures_count_groups_bands_municipalities_and_workshops(setup):
    db, plan_id, tree = setup
    munis = [m["id"] for m in plans.organisations(db, plan_id, kind="municipality")]
    send(db, plan_id, tree[0]["id"], "a", group="child", municipality_id=munis[0])
    send(db, plan_id, tree[0]["id"], "b", group="parent", municipality_id=munis[0], simple=True)
    spam = send(db, plan_id, tree[1]["id"], "spam")
    ideas.hide(db, FAC, spam, 1, "roskaa")
    code = ideas.get_class(db, ideas.open_class(db, TEACHER, plan_id, "9C", "grade_7_9"))["code"]
    ideas.submit(db, None, tree[1]["id"], "c", class_code=code)
    wid = workshop.create(db, FAC, plan_id, "Paja", "", [tree[0]["id"]])
    for n in range(3):
        workshop.join(db, workshop.get(db, wid)["code"], f"P{n}")
    f = ideas.figures(db, plan_id)
    assert f["ideas"] == 3 and f["simple"] == 1 and f["classes"] == 1
    assert f["by_group"] == {"child": 1, "parent": 1, "young": 1}
    assert f["by_band"] == {"": 2, "grade_7_9": 1}
    assert f["by_municipality"][munis[0]] == 2
    assert (f["workshops"], f["workshop_participants"]) == (1, 3)
    rows = ideas.figure_rows(db, plan_id, "sv")
    assert ("Årskurser", "Årskurs 7–9", 1) in rows


def test_export_formula_safe_without_email(setup):
    db, plan_id, tree = setup
    idea_id = send(db, plan_id, tree[0]["id"], '=HYPERLINK("http://x")', email="piilo@example.fi")
    v = ideas.publish(db, FAC, idea_id, 1)
    ideas.answer(db, FAC, idea_id, v, "considering", "+selvitetään")
    text = ideas.export_csv(db, plan_id, "fi").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][3] == "Idea" and rows[1][3].startswith("'=HYPERLINK")
    assert rows[1][10] == "'+selvitetään" and "example.fi" not in text
    book = load_workbook(io.BytesIO(ideas.export_xlsx(db, plan_id, "sv")))
    sheet = book.active
    assert sheet.title == "Idéer"
    cell = sheet.cell(row=2, column=4)
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_area_icons_have_labels_and_differ():
    icons = [
        ideas.area_icon({"title_fi": t}, i)
        for i, t in enumerate(
            ("Yksinäisyys ja kiusaaminen", "Osallisuus", "Lapsiperheiden tuki", "Päihteet ja mielenterveys", "Muu")
        )
    ]
    assert icons[:4] == ["🤝", "🙋", "👨‍👩‍👧", "💚"] and len(set(icons)) == 5


def test_cli_open_figures_export(tmp_path, capsys):
    from lape_plan import cli

    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert cli.main(["ideas-open", "--db", str(path), "2026-01-01", "2026-12-31"]) == 0
    database = dbm.connect(path)
    plan_id = plans.plans(database)[0]["id"]
    assert ideas.period(database, plan_id)["closes_on"] == "2026-12-31"
    assert cli.main(["ideas-open", "--db", str(path), "2026-12-31", "2026-01-01"]) == 2
    assert cli.main(["ideas-figures", "--db", str(path), "--lang", "en"]) == 0
    assert "Ideas\t\t0" in capsys.readouterr().out
    out = tmp_path / "ideas.csv"
    assert cli.main(["ideas-export", "--db", str(path), "--format", "csv", "-o", str(out)]) == 0
    assert out.read_bytes().startswith("\ufeffNro;".encode())
