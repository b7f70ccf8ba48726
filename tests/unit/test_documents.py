"""The plan as the councils' Word document (and PDF where LibreOffice Writer exists):
every document is opened again with python-docx and checked."""

import io
import re
import subprocess
import zipfile

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from lape_plan import chapters, documents, follow_up, plans
from lape_plan.model import SYSTEM
from tests.helpers import org_id

HOSTILE = "=SUM(A1) <script>alert(1)</script> **x** {{x}}"


def _plan(db):
    return plans.plans(db)[0]["id"]


def _open(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    out = [p.text for p in document.paragraphs]
    for table in document.tables:
        out += [cell.text for row in table.rows for cell in row.cells]
    return out


def _xml(data: bytes, part: str = "word/document.xml") -> str:
    return zipfile.ZipFile(io.BytesIO(data)).read(part).decode()


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example plan with its follow-up, as Finnish and Swedish documents (charts included)."""
    from lape_plan import db as dbm, demo

    database = dbm.connect(tmp_path_factory.mktemp("doc") / "doc.db")
    plan_id = demo.load(database, follow_up_example=True)
    return database, plan_id, {lang: documents.plan_docx(database, plan_id, lang) for lang in ("fi", "sv")}


def test_structure_headings_language_toc_page_numbers(example):
    database, plan_id, files = example
    document = _open(files["fi"])
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    chapter_titles = [text for style, text in headings if style == "Heading 1"]
    assert chapter_titles[:2] == ["Hyväksyminen", "Sisällys"]
    assert chapter_titles[2:] == [
        f"{i} {t}"
        for i, t in enumerate(
            [
                "Lasten ja nuorten hyvinvointi ja kasvuolot",
                "Tavoitteet ja toimenpiteet",
                "Voimavarat",
                "Palvelut ja palveluverkosto",
                "Yhteistyö kuntien, hyvinvointialueen ja muiden toimijoiden kesken",
                "Lasten, nuorten ja perheiden kuuleminen",
                "Seuranta ja arviointi",
                "Lastensuojelun tarve ja palvelut",
            ],
            1,
        )
    ] + ["Liite 1. Lapsivaikutusten arvioinnit"]  # the example plan has child impact assessments
    # the plan's own numbers, as the measure tables and the app have them: no chapter prefix
    assert ("Heading 2", "Painopiste 1: Yksinäisyys ja kiusaaminen") in headings
    assert ("Heading 3", "Tavoite 1.1: Jokaisella lapsella on vähintään yksi hyvä ystävä") in headings
    assert ("Heading 2", "Kokkola") in headings  # Kokkola's own part of the wellbeing chapter
    assert document.paragraphs[0].style.name == "Title"
    # the language on the document defaults, none overriding it in a style; core property too
    styles = _xml(files["fi"], "word/styles.xml")
    assert re.findall(r'<w:lang [^>]*w:val="([^"]+)"', styles) == ["fi-FI"]
    assert document.core_properties.language == "fi-FI"
    assert 'w:val="sv-FI"' in _xml(files["sv"], "word/styles.xml")
    body = _xml(files["fi"])
    assert re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", body) == [' TOC \\o "1-2" \\h \\z \\u ']
    toc = [p.text for p in document.paragraphs if p.style.name.startswith("TOC")]
    assert "2 Tavoitteet ja toimenpiteet" in toc and "Painopiste 1: Yksinäisyys ja kiusaaminen" in toc
    footer = (
        _xml(files["fi"], "word/footer1.xml")
        if "word/footer1.xml" in zipfile.ZipFile(io.BytesIO(files["fi"])).namelist()
        else document.sections[0].footer._element.xml
    )
    assert 'w:instr="PAGE"' in footer
    # elements in the order the schema requires (Word refuses some files otherwise)
    settings = _xml(files["fi"], "word/settings.xml")
    assert settings.index("<w:updateFields") < settings.index("<w:compat>")
    assert all(t.index("<w:tblLayout") < t.index("<w:tblLook") for t in re.findall(r"<w:tblPr>.*?</w:tblPr>", body))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_tables_have_header_rows_and_readable_text(example):
    database, plan_id, files = example
    document = _open(files["fi"])
    assert document.styles["Table Text"].font.size >= Pt(9)
    measure_tables = [t for t in document.tables if t.rows[0].cells[1].text == "Toimenpide"]
    assert len(measure_tables) == 8  # one per goal, goal by goal
    for table in document.tables:
        first = table.rows[0]._tr
        assert first.trPr.find(qn("w:tblHeader")) is not None
        assert all(r.bold for c in table.rows[0].cells for p in c.paragraphs for r in p.runs)
        for row in table.rows[1:]:
            assert all(p.style.name == "Table Text" for c in row.cells for p in c.paragraphs)
    first = measure_tables[0]
    assert [c.text for c in first.rows[1].cells] == [
        "1.1.1",
        "Kaveritoiminta kaikkiin alakouluihin",
        "Kokkola",
        "2021–2024",
        "Koulujen oma työ",
        "Valmis (2024), 100 %",
    ]
    approvals = document.tables[0]
    assert [c.text for c in approvals.rows[1].cells] == [
        "Kokkolan kaupunginvaltuusto (esimerkki)",
        "12.3.2020",
        "Kvalt 12.3.2020 § 15",
    ]


def test_goal_indicators_with_charts_alt_text_and_baseline_target_latest(example):
    database, plan_id, files = example
    document = _open(files["fi"])
    pictures = document.inline_shapes
    assert len(pictures) == 11  # one per goal–indicator link of the example plan (eleven)
    alts = [s._inline.docPr.get("descr") for s in pictures]
    assert all(a.startswith("Kaavio: ") and "Lähtötaso" in a and "tavoite" in a for a in alts)
    texts = _texts(document)
    line = next(t for t in texts if t.startswith("Ei yhtään läheistä ystävää") or "→" in t and "(2019)" in t)
    assert re.search(r"\(2019\) → .* \(2024\) → .* \(20\d\d\) — ", line)
    assert "Osa luvuista on keksittyjä esimerkkiarvoja, ei todellisia tilastoja." in texts


def test_swedish_document_marks_finnish_only_text(example):
    database, plan_id, files = example
    texts = _texts(_open(files["sv"]))
    joined = "\n".join(texts)
    assert "2 Mål och åtgärder" in texts
    assert "Varje barn har minst en god vän" in joined
    assert "Jokaisella lapsella" not in joined  # the Finnish title is not mixed in where Swedish exists
    assert "Barnen och de unga i området mår i huvudsak bra" in joined
    assert "Alueen lapset ja nuoret voivat pääosin hyvin" not in joined
    # the cooperation chapter exists only in Finnish: marked, then shown
    i = texts.index("[Texten finns endast på finska.]")
    assert "LAPE-yhteistyöryhmä kokoontuu" in " ".join(texts[i : i + 3])


def test_markdown_becomes_word_structure(demo_db):
    plan_id = _plan(demo_db)
    part = chapters.part(demo_db, plan_id, "resources")
    chapters.save(
        demo_db,
        SYSTEM,
        plan_id,
        "resources",
        None,
        part["version"],
        "Alku **lihava** ja *kursiivi* ja `koodi`.\n\n## Väliotsikko\n\n- yksi\n- kaksi\n\n"
        "1. eka\n2. toka\n\nväli\n\n1. uusi lista\n\n[linkki](https://example.org)",
    )
    document = _open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Alku lihava"))
    block = paragraphs[start : start + 9]
    assert [(p.style.name, p.text) for p in block] == [
        ("Normal", "Alku lihava ja kursiivi ja koodi."),
        ("Heading 3", "Väliotsikko"),
        ("List Bullet", "yksi"),
        ("List Bullet", "kaksi"),
        ("List Number", "eka"),
        ("List Number", "toka"),
        ("Normal", "väli"),
        ("List Number", "uusi lista"),
        ("Normal", "linkki (https://example.org)"),
    ]
    runs = {r.text: r for r in block[0].runs}
    assert runs["lihava"].bold and runs["kursiivi"].italic
    # each numbered list starts again from 1: its own numbering instance
    num = lambda p: p._p.pPr.numPr.numId.val  # noqa: E731
    assert num(block[4]) == num(block[5]) != num(block[7])


def test_hostile_user_text_stays_literal(demo_db):
    plan_id = _plan(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    plans.update(
        demo_db,
        SYSTEM,
        "goal",
        goal["id"],
        goal["version"],
        title_fi=HOSTILE,
        title_sv=HOSTILE,
        description='{{ description }} =HYPERLINK("x")',
    )
    measure = goal["measures"][0]
    plans.update(demo_db, SYSTEM, "measure", measure["id"], measure["version"], title_fi=HOSTILE, resources_text="=1+1")
    part = chapters.part(demo_db, plan_id, "resources")
    chapters.save(
        demo_db,
        SYSTEM,
        plan_id,
        "resources",
        None,
        part["version"],
        "=SUM(A1) <script>alert(1)</script> {{x}} \\*\\*y\\*\\* { PAGE } <w:fldSimple/>",
    )
    data = documents.plan_docx(demo_db, plan_id, "fi", with_charts=False)
    texts = _texts(_open(data))
    assert f"Tavoite 1.1: {HOSTILE}" in texts  # the heading, word for word
    assert any(t.startswith(HOSTILE) for t in texts)  # the measure cell
    assert '{{ description }} =HYPERLINK("x")' in texts and "=1+1" in texts
    assert "=SUM(A1) <script>alert(1)</script> {{x}} **y** { PAGE } <w:fldSimple/>" in texts
    body = _xml(data)
    assert "<script>" not in body and "&lt;script&gt;" in body
    # the only fields are the document's own: the table of contents (and PAGE in the footer)
    assert body.count("<w:fldSimple") == 0 and body.count("<w:instrText") == 1
    assert body.count('w:fldCharType="begin"') == 1


def test_empty_plan_document(db):
    plan_id = plans.create_plan(db, SYSTEM, "Tyhjä suunnitelma", 2025, 2028)
    document = _open(documents.plan_docx(db, plan_id, "sv"))
    texts = _texts(document)
    assert "Tyhjä suunnitelma [endast på finska]" in texts
    assert "Planen har ännu inte godkänts." in texts
    assert texts.count("Kapitlet är ännu inte skrivet.") == 7
    assert not any(t.startswith("8 ") for t in texts)  # no county in this plan: no child welfare chapter
    area = plans.add(db, SYSTEM, "focus_area", plan_id, title_fi="Painopiste", title_sv="Fokus")
    goal = plans.add(db, SYSTEM, "goal", area, title_fi="Vain suomeksi")
    plans.add(db, SYSTEM, "measure", goal, title_fi="Toimi", title_sv="Åtgärda")
    texts = _texts(_open(documents.plan_docx(db, plan_id, "sv")))
    assert "Fokusområde 1: Fokus" in texts and "Mål 1.1: Vain suomeksi [endast på finska]" in texts
    assert "Åtgärda" in texts and "Toimi" not in " ".join(texts)
    # the goals chapter has the new goal, the follow-up chapter its status counts (no updates yet)
    assert texts.count("Kapitlet är ännu inte skrivet.") == 5
    year = follow_up.reporting_year(plans.get_plan(db, plan_id))
    assert f"Status för mål och åtgärder {year}" in texts
    document = _open(documents.plan_docx(db, plan_id, "sv"))
    counts = next(t for t in document.tables if t.rows[0].cells[1].text == "Antal")
    assert [[c.text for c in r.cells] for r in counts.rows] == [["Status", "Antal"], ["Ingen uppdatering", "2"]]


def test_filename():
    plan = {"first_year": 2020, "last_year": 2024}
    assert documents.filename(plan, "sv", "docx") == "lape_plan_2020-2024_sv.docx"
    assert documents.filename(plan, "fi", "pdf") == "lape_suunnitelma_2020-2024_fi.pdf"


@pytest.mark.skipif(not documents.pdf_available(), reason="LibreOffice Writer is not installed")
def test_pdf_text_and_language(example, tmp_path):
    database, plan_id, files = example
    pdf = documents.to_pdf(files["sv"])
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "plan.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    # Swedish throughout; the chapter that exists only in Finnish is marked before its text
    assert "2 Mål och åtgärder" in text and "Varje barn har minst en god vän" in text
    assert "Barnen och de unga i området mår i huvudsak bra" in text
    assert "Alueen lapset ja nuoret voivat pääosin hyvin" not in text
    assert "[Texten finns endast på finska.]" in text
    assert "Sida 2" in text  # the page number field
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Tagged:\s+yes", info)
    assert int(re.search(r"Pages:\s+(\d+)", info)[1]) >= 5
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(path), str(tmp_path / "page")], check=True
    )
    assert next(tmp_path.glob("page*.png")).stat().st_size > 5000


def test_municipality_card(example):
    database, plan_id, _ = example
    kronoby = org_id(database, "288")
    data = documents.municipality_docx(database, plan_id, kronoby, "sv")
    document = _open(data)
    texts = _texts(document)
    assert document.paragraphs[0].text == "Kommunkort: Kronoby"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Mål och åtgärder",
        "Indikatorer: kommunen, välfärdsområdena och hela landet",
        "Resurser för åtgärder som kommunen ansvarar för",
    ]
    # Kronoby's own goal is there and marked, Kokkola's own goal is not
    assert "I Kronoby finns familjetjänster på svenska (kommunens eget)" in texts
    assert "Lågtröskelmötesplatser för unga i Karlebys förorter" not in " ".join(texts)
    assert "– Ungas psykiska hälsotjänster har låg tröskel" not in texts  # goals are not dashed, measures are
    assert any(t.startswith("– Chattjänst för unga") for t in texts)
    comparison = next(t for t in document.tables if t.rows[0].cells[0].text == "Indikator")
    assert [c.text for c in comparison.rows[0].cells][2:] == [
        "Kronoby",
        "Välfärdsområdet i Mellersta Österbotten (Soite)",
        "Österbottens välfärdsområde",
        "Hela landet",
    ]
    for table in document.tables:
        assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert 'w:val="sv-FI"' in _xml(data, "word/styles.xml")
    # Kokkola's card carries its own part of the wellbeing chapter
    texts = _texts(_open(documents.municipality_docx(database, plan_id, org_id(database, "272"), "fi")))
    assert "Kunnan omat osat suunnitelman luvuista" in texts
    assert any(t.startswith("Kokkolan lähiöissä nuorten kohtaamispaikkoja") for t in texts)
    with pytest.raises(Exception):
        documents.municipality_docx(database, plan_id, org_id(database, "HVA18"), "fi")


def test_yearly_report(example):
    database, plan_id, _ = example
    document = _open(documents.year_report_docx(database, plan_id, 2024, "fi"))
    texts = _texts(document)
    assert document.paragraphs[0].text == "Vuosiraportti 2024"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Yhteenveto",
        "Muutokset edelliseen päivitykseen verrattuna",
        "Viivästyneet ja lopetetut",
        "Puuttuvat päivitykset vastuutahoittain",
        "Suunnitelman indikaattorit",
    ]
    assert any(re.fullmatch(r"Suunnitelman eteneminen vuonna 2024: \d+ %", t) for t in texts)
    # the cancelled measure with its narrative, the missing 2024 update under its organisation
    late = next(
        t for t in document.tables if [c.text for c in t.rows[0].cells][2:3] == ["Tila"] and len(t.columns) == 5
    )
    rows = [[c.text for c in r.cells] for r in late.rows[1:]]
    assert ["Peruttu", "Jatkuu osana seurakuntien päihdekasvatusta."] in [[r[2], r[4]] for r in rows]
    assert "Perho (1)" in texts and "Lasten parlamentti vuosittain" in texts
    assert "Valmistui: Etenee → Valmis" in " ".join(texts)
    with pytest.raises(Exception):
        documents.year_report_docx(database, plan_id, 2031, "fi")


def test_hearing_chapter_shows_workshop_participation(demo_db):
    from lape_plan import workshop

    plan_id = _plan(demo_db)
    area = plans.tree(demo_db, plan_id)[0]
    workshop_id = workshop.create(demo_db, SYSTEM, plan_id, HOSTILE, "Mitä nuoret tarvitsevat?", [area["id"]])
    code = workshop.get(demo_db, workshop_id)["code"]
    tokens = [workshop.join(demo_db, code) for _ in range(3)]
    workshop.propose(demo_db, tokens[0], area["id"], "Nuorisotila")
    document = _open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Työpaja ja kysymys")
    assert [c.text for c in table.rows[1].cells][2:] == ["3", "1", "0"]
    assert table.rows[1].cells[0].text == f"{HOSTILE}\nMitä nuoret tarvitsevat?"
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    hearing = headings.index("6 Lasten, nuorten ja perheiden kuuleminen")
    assert headings.index("Työpajat ja osallistujat") == hearing + 1


def test_pdf_conversion_command_and_detection(tmp_path, monkeypatch):
    """LibreOffice is found only with its Writer part, and is called headless with tagged PDF
    export and a profile of its own (a stand-in soffice records its arguments)."""
    program = tmp_path / "program"
    program.mkdir()
    soffice = program / "soffice"
    soffice.write_text(
        '#!/bin/sh\nprintf "%s\\n" "$@" > "$LAPE_ARGS"\n'
        'outdir=$(printf "%s\\n" "$@" | sed -n "/^--outdir$/{n;p}")\n'
        'printf "%%PDF-1.7 fake" > "$outdir/document.pdf"\n'
    )
    soffice.chmod(0o755)
    import os

    monkeypatch.setenv("PATH", f"{program}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("LAPE_ARGS", str(tmp_path / "args"))
    assert not documents.pdf_available()  # soffice without Writer: no PDF
    with pytest.raises(RuntimeError):
        documents.to_pdf(b"docx")
    (program / "libswlo.so").write_bytes(b"")
    assert documents.pdf_available()
    assert documents.to_pdf(b"docx") == b"%PDF-1.7 fake"
    args = (tmp_path / "args").read_text().splitlines()
    assert "--headless" in args and args[args.index("--convert-to") + 1] == (
        'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}'
    )
    assert args[0].startswith("-env:UserInstallation=file:///") and args[-1].endswith("document.docx")


def test_workshop_report(demo_db):
    from lape_plan import workshop

    plan_id = _plan(demo_db)
    area = plans.tree(demo_db, plan_id)[0]
    workshop_id = workshop.create(demo_db, SYSTEM, plan_id, "LAPE-akatemia", "Mitä lapset tarvitsevat?", [area["id"]])
    code = workshop.get(demo_db, workshop_id)["code"]
    tokens = [workshop.join(demo_db, code) for _ in range(4)]
    first = workshop.propose(demo_db, tokens[0], area["id"], "Kaverikummit kouluihin")
    second = workshop.propose(demo_db, tokens[1], area["id"], HOSTILE)
    hidden = workshop.propose(demo_db, tokens[2], area["id"], "Piilotettu ehdotus")
    workshop.set_hidden(demo_db, SYSTEM, hidden, True)
    workshop.set_phase(demo_db, SYSTEM, workshop_id, "voting")
    for token in tokens:
        workshop.vote(demo_db, token, second)
    workshop.vote(demo_db, tokens[0], first)
    workshop.promote(demo_db, SYSTEM, second, title_fi="Kaikilla on kaveri", title_sv="Alla har en kamrat")
    data = documents.workshop_docx(demo_db, workshop_id, "sv")
    document = _open(data)
    assert document.paragraphs[0].text == "Verkstadsrapport: LAPE-akatemia"
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == [
        "Fråga",
        "Deltagande",
        "Resultat efter antal röster",
        "Förslag som blev mål i planen",
    ]
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    assert tables[0][1][1:] == ["4", "4", "2", "5"]  # participants, voters, visible proposals, votes
    assert tables[1][1:] == [
        ["1", HOSTILE, "Ensamhet och mobbning", "4", "Alla har en kamrat"],
        ["2", "Kaverikummit kouluihin", "Ensamhet och mobbning", "1", "–"],
    ]
    assert f"Alla har en kamrat ← {HOSTILE}" in [p.text for p in document.paragraphs]
    (chart,) = document.inline_shapes
    assert chart._inline.docPr.get("descr").startswith("Stapeldiagram: de 2 förslag")
    assert "Piilotettu" not in _xml(data)
    assert _xml(data).count("<w:instrText") == 0 and "<w:fldSimple" not in _xml(data)


def test_outdated_translation_is_marked_in_the_document(demo_db):
    plan_id = _plan(demo_db)
    part = chapters.part(demo_db, plan_id, "services")
    chapters.save(
        demo_db, SYSTEM, plan_id, "services", None, part["version"], "Uusi suomenkielinen teksti.", part["text_sv"]
    )
    texts = _texts(_open(documents.plan_docx(demo_db, plan_id, "sv", with_charts=False)))
    i = texts.index("[Den svenska texten har inte uppdaterats efter den senaste ändringen av den finska.]")
    assert any(t.startswith("Familjecentret samlar tjänsterna") for t in texts[i + 1 : i + 3])
    fi = _texts(_open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False)))
    assert not any(t.startswith("[Suomenkielistä tekstiä ei ole päivitetty") for t in fi)


def test_document_command(tmp_path, capsys):
    from lape_plan import cli, db as dbm, demo

    path = tmp_path / "cli.db"
    plan_id = demo.load(dbm.connect(path))
    out = tmp_path / "card.docx"
    assert (
        cli.main(
            [
                "document",
                "--db",
                str(path),
                "--plan",
                str(plan_id),
                "--kind",
                "card",
                "--municipality",
                "Karleby",
                "--lang",
                "sv",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert _open(out.read_bytes()).paragraphs[0].text == "Kommunkort: Karleby"
    assert (
        cli.main(
            [
                "document",
                "--db",
                str(path),
                "--plan",
                str(plan_id),
                "--kind",
                "report",
                "--year",
                "2023",
                "--no-charts",
                "-o",
                str(tmp_path / "r.docx"),
            ]
        )
        == 0
    )
    assert _open((tmp_path / "r.docx").read_bytes()).paragraphs[0].text == "Vuosiraportti 2023"
    assert cli.main(["document", "--db", str(path), "--plan", str(plan_id), "--kind", "card"]) == 2
    assert "municipality" in capsys.readouterr().err
    if not documents.pdf_available():
        assert (
            cli.main(
                [
                    "document",
                    "--db",
                    str(path),
                    "--plan",
                    str(plan_id),
                    "--format",
                    "pdf",
                    "-o",
                    str(tmp_path / "p.pdf"),
                ]
            )
            == 2
        )
        assert "libreoffice-writer-nogui" in capsys.readouterr().err
        assert not (tmp_path / "p.pdf").exists()


def test_control_characters_from_pasted_text_do_not_break_the_document(demo_db):
    plan_id = _plan(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    plans.update(
        demo_db, SYSTEM, "goal", goal["id"], goal["version"], title_fi="Sivu\x0cvaihto\x07", description="rivi\x0bväli"
    )
    part = chapters.part(demo_db, plan_id, "resources")
    chapters.save(demo_db, SYSTEM, plan_id, "resources", None, part["version"], "Nolla\x00merkki ja\ttabulaattori")
    texts = _texts(_open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False)))
    assert "Tavoite 1.1: Sivuvaihto" in texts and "riviväli" in texts and "Nollamerkki ja\ttabulaattori" in texts


def test_revised_plan_and_yearly_report_list_changes_since_the_approved_version(demo_db):
    from lape_plan import versions

    plan_id = _plan(demo_db)
    plain = _texts(_open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False)))
    assert not any(t.startswith("Muutokset hyväksytyn version") for t in plain)  # never approved: no section
    version = plans.get_plan(demo_db, plan_id)["version"]
    versions.move(
        demo_db, SYSTEM, plan_id, "councils", versions.move(demo_db, SYSTEM, plan_id, "cooperation_group", version)
    )
    plans.add_approval(demo_db, SYSTEM, plan_id, "Kokkolan kaupunginvaltuusto", "2025-02-03", "Kvalt § 9")
    approved = _open(documents.plan_docx(demo_db, plan_id, "fi", with_charts=False))
    cover = approved.tables[0]
    assert [c.text for c in cover.rows[0].cells][-1] == "Versio"
    assert [c.text for c in cover.rows[-1].cells] == ["Kokkolan kaupunginvaltuusto", "3.2.2025", "Kvalt § 9", "1"]
    assert not any(t.startswith("Muutokset hyväksytyn version") for t in _texts(approved))  # nothing changed yet
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    plans.update(demo_db, SYSTEM, "goal", goal["id"], goal["version"], title_fi=HOSTILE)
    for data in (
        documents.plan_docx(demo_db, plan_id, "fi", with_charts=False),
        documents.year_report_docx(demo_db, plan_id, 2024, "fi"),
    ):
        document = _open(data)
        headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
        assert "Muutokset hyväksytyn version 1 jälkeen" in headings
        table = next(t for t in document.tables if t.rows[0].cells[1].text == "Kohta")
        assert [c.text for c in table.rows[1].cells] == [
            "1.1",
            f"Tavoite: {HOSTILE}",
            "muutettu",
            "otsikko suomeksi",
            goal["title_fi"],
            HOSTILE,
        ]
        assert "<script>" not in _xml(data)  # user text only as the text of runs
    sv = _texts(_open(documents.plan_docx(demo_db, plan_id, "sv", with_charts=False)))
    assert "Ändringar sedan den godkända versionen 1" in sv


def test_a_title_longer_than_the_word_property_limit_still_builds(demo_db):
    """Titles may hold 300 characters, and a Swedish document marks a title only in Finnish; Word's
    title property holds 255, so the property is cut, never the document refused."""
    plan = plans.plans(demo_db)[0]
    title = ("Lasten ja nuorten hyvinvointisuunnitelma " * 8)[:290]
    plans.update_plan(demo_db, SYSTEM, plan["id"], plan["version"], title, "", plan["first_year"], plan["last_year"])
    for lang in ("fi", "sv"):
        doc = docx.Document(io.BytesIO(documents.plan_docx(demo_db, plan["id"], lang, with_charts=False)))
        assert doc.core_properties.title == title.strip()[:255]
        assert title.strip() in "\n".join(p.text for p in doc.paragraphs)  # the cover keeps it whole


def test_a_year_report_without_updates_says_so_without_a_percent_sign(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]  # the example plan here has no follow-up
    texts = _texts(docx.Document(io.BytesIO(documents.year_report_docx(demo_db, plan_id, 2021, "sv"))))
    assert "Planens framsteg år 2021: –" in texts
