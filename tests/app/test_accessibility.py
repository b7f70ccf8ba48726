"""Page-level accessibility and first-use wording, without a browser."""

from streamlit.testing.v1 import AppTest

from lape_plan import db as dbm

from .conftest import open_public


def test_first_start_is_headed_as_creating_the_administrator_with_fields_in_order(tmp_path, monkeypatch):
    path = tmp_path / "empty.db"
    dbm.connect(path)  # no accounts yet
    monkeypatch.setenv("LAPE_PLAN_DB", str(path))
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Luo ylläpitäjän tunnus"
    assert [w.label for w in at.text_input] == ["Nimi", "Käyttäjätunnus", "Salasana", "Salasana uudelleen"]


def test_sign_in_form_keeps_its_heading_and_links_the_statement(db_path):
    at = AppTest.from_file("../../app.py", default_timeout=30).run()
    assert at.title[0].value == "Kirjaudu sisään"
    assert [w.label for w in at.text_input] == ["Käyttäjätunnus", "Salasana"]
    assert any(link.label == "Saavutettavuusseloste" for link in at.get("page_link"))


def test_statement_page_is_public_in_each_language(db_path):
    for lang, heading in (
        ("fi", "Saavutettavuusseloste"),
        ("sv", "Tillgänglighetsutlåtande"),
        ("en", "Accessibility statement"),
    ):
        at = open_public("accessibility", lang=lang)
        assert at.title[0].value == heading
        assert "306/2019" in " ".join(m.value for m in at.markdown)


def test_follow_up_heatmap_has_alt_text_and_a_table(app):
    at = app("pages/follow_up.py")
    alts = [c.proto.alt for c in at.get("vega_lite_chart")]
    assert any(a.startswith("Seurantakartta: ") for a in alts), alts
    assert "Näytä samat tiedot taulukkona" in [e.label for e in at.expander]


def test_every_chart_on_the_overview_has_alt_text(app):
    at = app()
    alts = [c.proto.alt for c in at.get("vega_lite_chart")]
    assert alts and all(alts), alts


def test_follow_up_evidence_is_a_link(app, conn):
    from lape_plan import follow_up as fu
    from lape_plan.model import Actor, Role

    m = next(conn.query("select * from measures where title_fi like 'Kaveritoiminta%'"))
    fu.record(
        conn,
        Actor(name="Anna", role=Role.ADMIN),
        "measure",
        m["id"],
        2022,
        "on_track",
        30,
        evidence_url="https://example.org/muistio",
    )
    at = app("pages/follow_up.py", fu_item=f"measure:{m['id']}", fu_year=2022)
    links = [b.proto for b in at.get("link_button")]
    assert [(link.url, link.label) for link in links] == [
        ("https://example.org/muistio", "Näyttö: https://example.org/muistio")
    ]


def test_follow_up_item_picker_says_which_items_are_not_scheduled_for_the_year(app):
    at = app("pages/follow_up.py", fu_year=2024)
    picker = at.selectbox(key="_w_fu_item")
    options = picker.options
    measure_3 = [o for o in options if o.startswith("1.2.1 ")]  # scheduled 2020–2022 in the example plan
    assert measure_3 and measure_3[0].endswith("– Ei ajoitettu tälle vuodelle")
    assert not [o for o in options if o.startswith("1.1.1 ")][0].endswith("tälle vuodelle")  # 2021–2024


def test_rollup_is_a_text_table_with_titles_escaped(app, conn):
    """The roll-up is an HTML table (its cells wrap on a phone and at 200 % text), whose cells
    render Markdown: a goal's title shows only in escaped form."""
    from lape_plan.ui.text import md_escape

    hostile = "[link](http://evil) **bold**"
    goal = next(conn.query("select id from goals order by id limit 1"))
    conn.execute("update goals set title_fi = ? where id = ?", [hostile, goal["id"]])
    conn.commit()
    at = app()
    table = at.table[0].value
    assert list(table.columns) == ["Kohde", "Tila", "Edistyminen", "Päivitetyt toimenpiteet"]
    items = " ".join(table["Kohde"])
    assert md_escape(hostile) in items and "[link](" not in items and "**bold**" not in items
