"""The full form's hearing step: the plan's idea consultation and class sessions linked next
to the workshops, their figures shown on the form and in the saved assessment's view."""

import datetime as dt

from lape_plan import assessments as lava, i18n, ideas, plans
from lape_plan.model import SYSTEM, Role

PAGE = "pages/assessments.py"
SURVEY = "Oppilaskuntien kiusaamiskysely joka vuosi"


def test_link_the_idea_consultation_and_a_class(app, conn, make_user):
    plan_id = plans.plans(conn)[0]["id"]
    area = plans.tree(conn, plan_id)[0]["id"]
    measure = conn.execute("select id from measures where title_fi = ?", [SURVEY]).fetchone()[0]
    at = app(
        PAGE,
        user_id=make_user("Kaisa Kokkola", Role.MEMBER, ["272"]),
        auth_role="member",
        lava_target=f"measure:{measure}",
    )
    p = f"lava_measure_{measure}"
    # no idea period yet: the consultation cannot be linked, and no class sessions are offered
    assert at.checkbox(key=f"{p}_hearing_ideas").disabled
    assert at.multiselect(key=f"{p}_idea_class_ids").options == []

    today = i18n.today()
    ideas.set_period(conn, SYSTEM, plan_id, today, today + dt.timedelta(days=7))
    class_id = ideas.open_class(conn, SYSTEM, plan_id, "5C", "grade_3_6")
    code = ideas.get_class(conn, class_id)["code"]
    for text in ("Keinut", "Pidempi välitunti"):
        ideas.submit(conn, plan_id, area, text, class_code=code)
    ideas.submit(conn, plan_id, area, "Perhekahvila", group="parent", client="x")
    at.run()
    assert not at.checkbox(key=f"{p}_hearing_ideas").disabled
    at.checkbox(key=f"{p}_hearing_ideas").check()
    at.multiselect(key=f"{p}_idea_class_ids").select(class_id).run()
    shown = [t.value for t in at.text if "Ideoita" in t.value]
    assert len(shown) == 1 and "Suunnitelman ideakeräys" in shown[0] and "Ideoita: 3" in shown[0]
    assert "Luokka 5C (3.–6. luokka)" in shown[0] and "Ideoita: 2" in shown[0]
    at.button(key=f"{p}_save").click().run()
    assert not at.exception and any("Arviointi tallennettu" in s.value for s in at.success)
    a = lava.for_target(conn, "measure", measure)
    assert (a["hearing_ideas"], a["idea_class_ids"]) == (1, [class_id])
