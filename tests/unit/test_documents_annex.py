"""The plan document's annex of child impact assessments: headings as heading styles, tables
with header rows, the hearing's linked workshops and ideas with their figures, Finnish-only
titles marked in the Swedish document, users' text literal."""

import datetime as dt
import io
import zipfile

import docx
from docx.oxml.ns import qn

from lape_plan import assessments as lava, documents, i18n, ideas, plans, workshop
from lape_plan.model import SYSTEM

HOSTILE = '=HYPERLINK("http://x") **lihava** <w:fldSimple/> {{x}}'


def _annex(data: bytes) -> tuple[list[tuple[str, str]], list]:
    """(style, text) of the paragraphs from the annex heading on, and the annex's tables."""
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    start = next(
        i
        for i, p in enumerate(document.paragraphs)
        if p.style.name == "Heading 1" and p.text.startswith(("Liite", "Bilaga"))
    )
    first = document.paragraphs[start]._p
    tables = [t for t in document.tables if body.index(t._tbl) > body.index(first)]
    return [(p.style.name, p.text) for p in document.paragraphs[start:]], tables


def _rows(table) -> list[list[str]]:
    return [[c.text for c in r.cells] for r in table.rows]


def test_annex_lists_the_assessments_with_their_parts_and_effects(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    paragraphs, tables = _annex(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False))
    assert paragraphs[0] == ("Heading 1", "Liite 1. Lapsivaikutusten arvioinnit")
    assert paragraphs[1][1] == (
        "Suunnitelman tavoitteiden, toimenpiteiden ja päätösten lapsivaikutusten arvioinnit (arviointeja 4)."
    )
    headings = [(s, t) for s, t in paragraphs if s.startswith("Heading")]
    # the example's four assessments in plan order, each a Heading 2; the full one's effects a Heading 3
    assert headings[1:] == [
        ("Heading 2", "Toimenpide: 2.2.1 Liikkuva nuorisotyö kolmessa lähiössä"),
        ("Heading 3", "Odotetut vaikutukset vaihtoehdoittain ja ryhmittäin"),
        ("Heading 2", "Tavoite: 3.1 Perheet saavat tukea varhain ja yhdestä paikasta"),
        ("Heading 2", "Toimenpide: 4.1.1 Chat-palvelu nuorille iltaisin"),
        (
            "Heading 2",
            "Päätös: Kokkolan kaupunginhallitus (esimerkki) 15.2.2021 § 58: "
            "Liikkuvan nuorisotyön käynnistäminen lähiöissä (esimerkki)",
        ),
    ]
    assert len(tables) == 5
    for table in tables:  # a repeated, bold header row
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert all(r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs)
    full = dict(_rows(tables[0])[1:])
    assert _rows(tables[0])[0] == ["Kohta", "Sisältö"]
    assert (full["Vastuutaho"], full["Lomake"], full["Tila"]) == ("Kokkola", "Täysi", "Seurattu")
    assert full["Vertaillut vaihtoehdot"] == "Liikkuva nuorisotyö\nNykyinen nuorisotila keskustassa"
    assert full["Seuranta"].startswith("2023 – Tavoitettujen nuorten määrä")
    assert full["Toteutuivatko odotetut vaikutukset"].startswith("Osittain. Kahdessa lähiössä")
    effects = _rows(tables[1])
    assert effects[0] == ["Vaihtoehto", "Ryhmä", "Kohde", "Suunta", "Perustelu"]
    assert effects[4] == [
        "Nykyinen nuorisotila keskustassa",
        "Pienituloiset perheet",
        "Palvelut",
        "Kielteinen",
        "Matka keskustaan maksaa, eikä bussi kulje iltaisin.",
    ]
    draft = dict(_rows(tables[2])[1:])
    assert draft == {
        "Vastuutaho": "Keski-Pohjanmaan hyvinvointialue (Soite)",
        "Lomake": "Lyhyt",
        "Tila": "Luonnos",
        "Keitä lapsia ja perheitä se koskee": "Alle kouluikäisten lasten perheet (luonnos).",
    }


def test_hearing_shows_the_linked_workshop_and_ideas_with_figures(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    area = plans.tree(demo_db, plan_id)[0]["id"]
    w_id = workshop.create(demo_db, SYSTEM, plan_id, "Nuorten ilta", focus_area_ids=[area], background=["age_band"])
    code = workshop.get(demo_db, w_id)["code"]
    for band in ("13_17", "13_17"):
        workshop.answer_background(demo_db, workshop.join(demo_db, code), {"age_band": band})
    today = i18n.today()
    ideas.set_period(demo_db, SYSTEM, plan_id, today, today + dt.timedelta(days=3))
    ideas.submit(demo_db, plan_id, area, "Nuorisotila", group="young", client="a")
    chat = lava.listing(demo_db, plan_id)[2]["assessment"]
    assert chat["target"] == "measure"
    lava.update(demo_db, SYSTEM, chat["id"], chat["version"], workshop_ids=[w_id], hearing_ideas=True)
    _, tables = _annex(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False))
    hearing = dict(_rows(tables[3])[1:])["Miten lapsia ja nuoria kuultiin"].split("\n")
    assert hearing[0] == "Nuorisovaltuustojen kysely (esimerkki)."
    assert hearing[1].startswith("Nuorten ilta (") and "osallistujia 2" in hearing[1]
    assert hearing[1].endswith("(Ikäryhmä: 13–17 v. 2)")
    assert hearing[2].startswith("Suunnitelman ideakeräys ")
    assert "Ideoita: 1; Lähettäjä: Nuori (13–17 v.) 1" in hearing[2]
    _, tables = _annex(documents.plan_docx(demo_db, plan_id, "sv", with_charts=False))
    hearing = dict(_rows(tables[3])[1:])["Hur barn och unga hördes"].split("\n")
    assert "deltagare 2" in hearing[1] and hearing[2].startswith("Planens idéinsamling ")


def test_swedish_annex_marks_finnish_only_titles_and_keeps_user_text_literal(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    goal = plans.tree(demo_db, plan_id)[2]["goals"][0]
    plans.update(demo_db, SYSTEM, "goal", goal["id"], goal["version"], title_sv="")
    a = lava.for_target(demo_db, "goal", goal["id"])
    lava.update(demo_db, SYSTEM, a["id"], a["version"], affected=HOSTILE)
    data = documents.plan_docx(demo_db, plan_id, "sv", with_charts=False)
    paragraphs, tables = _annex(data)
    assert paragraphs[0] == ("Heading 1", "Bilaga 1. Bedömningar av konsekvenser för barn")
    assert ("Normal", "Bedömningarnas texter visas på det språk de skrevs på.") in paragraphs
    assert ("Heading 2", "Mål: 3.1 Perheet saavat tukea varhain ja yhdestä paikasta [endast på finska]") in paragraphs
    assert ("Heading 2", "Åtgärd: 4.1.1 Chattjänst för unga på kvällar") in paragraphs
    assert dict(_rows(tables[2])[1:])["Vilka barn och familjer det gäller"] == HOSTILE
    body = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert body.count("<w:fldSimple") == 0 and body.count("<w:instrText") == 1  # only the table of contents


def test_no_annex_without_assessments(db):
    plan_id = plans.create_plan(db, SYSTEM, "Tyhjä suunnitelma", 2025, 2028)
    document = docx.Document(io.BytesIO(documents.plan_docx(db, plan_id, "fi")))
    assert not [p for p in document.paragraphs if p.text.startswith("Liite")]
