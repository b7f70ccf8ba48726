"""The full assessment's hearing step linked to the plan's workshops, idea consultation and
class sessions, with their participation figures: stored like the other parts (versions,
validation), and shown in the Excel sheet with the figures."""

import datetime as dt
import io

import openpyxl
import pytest

from lape_plan import assessments as lava, exports, i18n, ideas, plans, workshop
from lape_plan.errors import ValidationError
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import org_id

ADMIN = Actor("Anna Admin", Role.ADMIN)
SURVEY = "Oppilaskuntien kiusaamiskysely joka vuosi"


@pytest.fixture
def heard(demo_db):
    """A workshop asking the age band (3 participants), the idea consultation with ideas by
    group and municipality, and a class session of grades 3–6 in Kokkola with 2 ideas."""
    db = demo_db
    plan_id = plans.plans(db)[0]["id"]
    area = plans.tree(db, plan_id)[0]["id"]
    kokkola = org_id(db, "272")
    w_id = workshop.create(db, ADMIN, plan_id, "Nuorten ilta", focus_area_ids=[area], background=["age_band"])
    code = workshop.get(db, w_id)["code"]
    for band in ("13_17", "13_17", "under_13"):
        workshop.answer_background(db, workshop.join(db, code), {"age_band": band})
    today = i18n.today()
    ideas.set_period(db, SYSTEM, plan_id, today - dt.timedelta(days=1), today + dt.timedelta(days=6))
    ideas.submit(db, plan_id, area, "Nuorisotila", group="young", municipality_id=kokkola, client="a")
    ideas.submit(db, plan_id, area, "Perhekahvila", group="parent", client="a")
    hidden = ideas.submit(db, plan_id, area, "Roskapostia", group="young", client="a")
    ideas.hide(db, ADMIN, hidden, 1, "roskaposti")
    class_id = ideas.open_class(db, ADMIN, plan_id, "5C", "grade_3_6", municipality_id=kokkola)
    class_code = ideas.get_class(db, class_id)["code"]
    for text in ("Keinut", "Pidempi välitunti"):
        ideas.submit(db, plan_id, area, text, class_code=class_code)
    measure = db.execute("select id from measures where title_fi = ?", [SURVEY]).fetchone()[0]
    return {"db": db, "plan": plan_id, "workshop": w_id, "class": class_id, "measure": measure}


def test_the_hearing_links_workshops_the_consultation_and_classes_with_figures(heard):
    db, plan_id = heard["db"], heard["plan"]
    a_id = lava.create(
        db,
        ADMIN,
        "measure",
        heard["measure"],
        form="full",
        workshop_ids=[heard["workshop"]],
        hearing_ideas=True,
        idea_class_ids=[heard["class"]],
    )
    a = lava.get(db, a_id)
    assert (a["workshop_ids"], a["hearing_ideas"], a["idea_class_ids"]) == ([heard["workshop"]], 1, [heard["class"]])
    links = lava.hearing_links(a, lava.hearing_sources(db, plan_id, "fi"))
    assert len(links) == 3
    # workshop participants by their answer to the background question asked
    assert links[0].startswith("Nuorten ilta (") and "osallistujia 3" in links[0]
    assert links[0].endswith("(Ikäryhmä: alle 13 v. 1, 13–17 v. 2)")  # in the options' order
    # the whole consultation: 4 ideas (the hidden one does not count) by sender, grade band and municipality
    assert links[1].startswith("Suunnitelman ideakeräys ")
    assert "Ideoita: 4" in links[1] and "Nuori (13–17 v.) 1" in links[1] and "Vanhempi 1" in links[1]
    assert "3.–6. luokka 2" in links[1] and "Kokkola 3" in links[1] and "Ei kerrottu 1" in links[1]
    # the class session: its own ideas, its band and municipality in its name
    assert links[2].startswith("Luokka 5C (3.–6. luokka), ") and ", Kokkola: Ideoita: 2" in links[2]
    sv = lava.hearing_links(a, lava.hearing_sources(db, plan_id, "sv"))
    assert sv[1].startswith("Planens idéinsamling ") and "Idéer: 4" in sv[1] and "Karleby 3" in sv[1]


def test_links_are_versioned_and_checked(heard, demo_db):
    db = heard["db"]
    a_id = lava.create(db, ADMIN, "measure", heard["measure"], form="full", hearing_ideas=True)
    assert lava.update(db, ADMIN, a_id, 1, hearing_ideas=True) == 1  # nothing changed
    assert lava.update(db, ADMIN, a_id, 1, idea_class_ids=[heard["class"]]) == 2
    assert lava.update(db, ADMIN, a_id, 2, hearing_ideas=False) == 3
    a = lava.get(db, a_id)
    assert (a["hearing_ideas"], a["idea_class_ids"]) == (0, [heard["class"]])
    # a class session of another plan, or none at all, is refused and nothing changes
    other = plans.create_plan(db, ADMIN, "Toinen suunnitelma", 2025, 2028)
    today = i18n.today()
    ideas.set_period(db, SYSTEM, other, today, today)
    foreign = ideas.open_class(db, ADMIN, other, "1A", "grade_1_2")
    for bad in ([foreign], [heard["class"] + 99]):
        with pytest.raises(ValidationError) as err:
            lava.update(db, ADMIN, a_id, 3, idea_class_ids=bad)
        assert err.value.params["field"] == "lava_idea_class_ids"
    assert lava.get(db, a_id)["version"] == 3


def test_the_excel_sheet_shows_the_linked_figures(heard):
    db, plan_id = heard["db"], heard["plan"]
    lava.create(
        db,
        ADMIN,
        "measure",
        heard["measure"],
        form="full",
        hearing="Oppilaskunnat kuultiin",
        hearing_ideas=True,
        idea_class_ids=[heard["class"]],
    )
    wb = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(db, plan_id, "fi")))
    rows = [[c.value for c in r] for r in wb["Lapsivaikutukset"].iter_rows()]
    hearing = rows[0].index("Lasten kuuleminen")
    row = next(r for r in rows if SURVEY in str(r[0]))
    lines = row[hearing].split("\n")
    assert lines[0] == "Oppilaskunnat kuultiin"
    assert lines[1].startswith("Suunnitelman ideakeräys ") and "Ideoita: 4" in lines[1]
    assert lines[2].startswith("Luokka 5C") and "Ideoita: 2" in lines[2]
