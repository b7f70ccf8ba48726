"""Issue 11, item 8: user text is escaped wherever it meets Markdown. Every user text field
holds Markdown that would fetch a remote image, render a link, LaTeX, HTML or bold; each
page's elements that render Markdown (text, captions, headings, alerts, and the labels of
widgets, metrics, expanders and tabs) must show it only in escaped form."""

import pytest

from lape_plan import follow_up as fu, plans, workshop as ws
from lape_plan.model import Actor, Role
from lape_plan.ui.text import md_escape

from .conftest import open_public

HOSTILE = "![x](http://evil/x.png) [link](http://evil) $\\frac{1}{2}$ <b>x</b> **bold**"
# What Markdown would act on; none of it may reach a Markdown element unescaped.
RAW = ["![x](", "[link](", "$\\frac", "<b>", "**bold**"]

TEXT_COLUMNS = {
    "plans": ["title_fi", "title_sv"],
    "organisations": ["name_fi", "name_sv"],
    "focus_areas": ["title_fi", "title_sv", "description"],
    "goals": ["title_fi", "title_sv", "description"],
    "measures": ["title_fi", "title_sv", "description", "resources_text"],
    "approvals": ["body", "reference"],
    "indicators": ["title_fi", "title_sv", "title_en", "unit_fi", "unit_sv", "unit_en"],
    "ind_regions": ["title_fi", "title_sv", "title_en"],
}


def _markdown_texts(node) -> list[str]:
    """The strings of a rendered tree that Streamlit renders as Markdown."""
    found = []
    proto = getattr(node, "proto", None)
    if proto is not None and hasattr(proto, "DESCRIPTOR"):
        fields = proto.DESCRIPTOR.fields_by_name
        kind = getattr(node, "type", "")
        if "body" in fields and kind not in ("code", "text"):  # markdown, captions, headings, alerts
            found.append(proto.body)
        if "label" in fields:  # widgets and metrics
            found.append(proto.label)
        if kind == "radio":  # radio options render Markdown; selectbox options do not
            found.extend(proto.options)
        for block in ("expandable", "tab", "popover"):
            if block in fields and proto.HasField(block):
                found.append(getattr(proto, block).label)
    for child in getattr(node, "children", {}).values():
        found.extend(_markdown_texts(child))
    return found


def _check(at) -> list[str]:
    assert not at.exception, at.exception
    texts = _markdown_texts(at._tree)
    leaks = [t for t in texts if any(raw in t for raw in RAW)]
    assert not leaks, leaks
    return texts


@pytest.fixture
def hostile(conn):
    """Every user text field poisoned; a workshop with proposals; a follow-up narrative."""
    for table, columns in TEXT_COLUMNS.items():
        for column in columns:
            conn.execute(f"update {table} set {column} = ? || ' ' || id", [HOSTILE])
    conn.execute("update users set display_name = ?", [HOSTILE])
    for table in ("focus_areas", "goals", "measures", "plans", "organisations"):
        conn.execute(f"update {table} set updated_by = ?", [HOSTILE])
    conn.conn.commit()
    plan = plans.plans(conn)[0]
    areas = [a["id"] for a in plans.tree(conn, plan["id"])]
    fac = Actor(name=HOSTILE, role=Role.FACILITATOR)
    wid = ws.create(conn, fac, plan["id"], HOSTILE, HOSTILE, areas[:2])
    token = ws.join(conn, ws.get(conn, wid)["code"], HOSTILE[:60])
    ws.propose(conn, token, areas[0], HOSTILE)
    ws.propose(conn, token, areas[1], HOSTILE + " 2")
    measure = conn.execute("select id from measures order by id").fetchone()[0]
    fu.record(
        conn, Actor(name=HOSTILE, role=Role.ADMIN), "measure", measure, fu.reporting_year(plan), "delayed", 10, HOSTILE
    )
    municipality = conn.execute("select id from organisations where kind = 'municipality'").fetchone()[0]
    return {"plan": plan, "workshop": wid, "token": token, "municipality": municipality}


def test_sidebar_and_overview(app, hostile):
    at = app(municipality_id=hostile["municipality"])
    texts = _check(at)
    # the test sees the user text (escaped), so it would see it unescaped too
    assert any(md_escape(HOSTILE) in t for t in at.sidebar.caption.values)
    assert any(md_escape(HOSTILE) in t for t in texts)


def test_plan_editor_delete_confirmation_last_saved_and_conflict(app, conn, hostile):
    goal = conn.execute("select id from goals order by id").fetchone()[0]
    at = app("pages/plan_editor.py")
    _check(at)
    at.button(key=f"sel_goal_{goal}").click().run()
    texts = _check(at)
    assert any(md_escape(HOSTILE) in t for t in at.caption.values)  # last saved by
    [b for b in at.button if b.label == "Poista"][0].click().run()
    assert any(md_escape(HOSTILE) in w for w in at.warning.values)  # the delete confirmation
    _check(at)
    # someone saves the goal meanwhile: the stale save names them
    plans.update(
        conn,
        Actor(name=HOSTILE + " toinen", role=Role.ADMIN),
        "goal",
        goal,
        plans.get(conn, "goal", goal)["version"],
        description="heidän",
    )
    at.text_area(key=f"ed_goal_{goal}_description").set_value("minun")
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert any(md_escape(HOSTILE) in e for e in at.error.values)
    _check(at)
    assert texts


def test_chapters_last_saved_by(app, conn, hostile):
    from lape_plan import chapters

    plan_id = hostile["plan"]["id"]
    part = chapters.part(conn, plan_id, "resources")
    chapters.save(conn, Actor(name=HOSTILE, role=Role.ADMIN), plan_id, "resources", None, part["version"], "Teksti")
    at = app("pages/chapters.py")
    at.selectbox(key="ch_kind").set_value("resources").run()
    _check(at)
    assert any(md_escape(HOSTILE) in c for c in at.caption.values)  # the name is there, escaped


def test_follow_up(app, conn, hostile):
    at = app("pages/follow_up.py", municipality_id=hostile["municipality"])
    _check(at)


def test_export_municipality_note(app, hostile):
    at = app("pages/export.py", municipality_id=hostile["municipality"])
    _check(at)
    assert any(md_escape(HOSTILE) in i for i in at.info.values)


@pytest.mark.parametrize("view", ["charts", "import", "catalogue"])
def test_indicators(app, hostile, view):
    at = app("pages/indicators.py")
    at.radio(key="ind_view").set_value(view).run()
    _check(at)


def test_workshop_facilitator_page(app, hostile):
    at = app("pages/workshop.py")
    _check(at)


def test_projector_focus_area_labels(app, conn, hostile):
    ws.set_phase(conn, Actor(name="Fasi", role=Role.FACILITATOR), hostile["workshop"], "voting")
    at = app("pages/projector.py", ws_id=hostile["workshop"])
    texts = _check(at)
    metric_labels = [m.label for m in at.metric]
    assert sum(md_escape(HOSTILE) in label for label in metric_labels) == 2  # the two focus areas
    assert texts


def test_plan_settings_and_admin(app, hostile):
    _check(app("pages/plan_settings.py"))
    _check(app("pages/admin.py"))


def test_created_and_updated_usernames_are_escaped_in_the_messages(app, conn):
    at = app("pages/admin.py")
    at.text_input(key="nu_username").set_value("[link](http://evil) **bold**")
    at.text_input(key="nu_password").set_value("long-enough-password")
    [b for b in at.button if b.label == "Luo käyttäjä"][0].click().run()
    assert len(at.success) == 1 and "luotu" in at.success[0].value
    _check(at)
    user_id = conn.execute("select id from users where username like '[link]%'").fetchone()[0]
    at.selectbox(key="eu_id").set_value(user_id).run()
    [b for b in at.button if b.label == "Tallenna"][0].click().run()
    assert len(at.success) == 1 and "tallennettu" in at.success[0].value
    _check(at)


@pytest.mark.parametrize("phase", ["collecting", "voting", "closed"])
def test_participant_page(conn, db_path, hostile, phase):
    ws.set_phase(conn, Actor(name="Fasi", role=Role.FACILITATOR), hostile["workshop"], phase)
    at = open_public("join", code=ws.get(conn, hostile["workshop"])["code"], p=hostile["token"])
    texts = _check(at)
    assert any(md_escape(HOSTILE) in t for t in texts)
