"""The budget sheet of the plan workbook and its round trip."""

import io

import openpyxl
import pytest

from lape_plan import budget, exports, i18n, roundtrip
from lape_plan.errors import ImportRejected
from lape_plan.model import Actor, Role
from tests.helpers import first_plan_id, measure_titled

ANNA = Actor(name="Anna App", role=Role.ADMIN)
EXCEL = Actor(name="Eero Excel", role=Role.ADMIN)
SHEET = "Lapsibudjetti"


def _edit(data, fn):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    fn(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row(ws, measure_id, year):
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == measure_id and r[4].value == year)


def _set(ws, measure_id, year, **values):
    cols = {c.value: c.column for c in ws[1]}
    for header, value in values.items():
        ws.cell(_row(ws, measure_id, year), cols[header.replace("_", " ")]).value = value


def _lines(db):
    return [dict(r) for r in db.query("select * from budget_lines order by id")]


@pytest.fixture
def kaveri(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    budget.save(
        demo_db, ANNA, m["id"], 2022, planned_eur=1000, actual_eur=900, source="own", kind="preventive", direct_share=80
    )
    return m


def test_budget_sheet_lists_every_measure_year_with_labels_and_lists(demo_db, kaveri):
    wb = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")))
    assert wb.sheetnames[-3:] == [
        SHEET,
        i18n.t("assessments.sheet", "fi"),
        exports.META_SHEET,
    ]  # before the assessments sheet
    ws = wb[SHEET]
    headers = [c.value for c in ws[1]]
    assert headers[:10] == [
        "Toimenpiteen tunniste",
        "Nro",
        "Toimenpide",
        "Toimenpiteen vastuutaho",
        "Vuosi",
        "Suunnitellut eurot",
        "Toteutuneet eurot",
        "Rahoituslähde",
        "Menon luonne",
        "Suoraan lapsille, %",
    ]
    row = [c.value for c in ws[_row(ws, kaveri["id"], 2022)]]
    assert row[5:11] == [1000, 900, "Oma talousarvio", "Ehkäisevä", 80, 1]
    assert ws.cell(_row(ws, kaveri["id"], 2022), 6).number_format == '#,##0 "€"'
    assert [c.value for c in ws[_row(ws, kaveri["id"], 2023)]][5:11] == [None, None, None, None, None, None]
    assert {_r for _r in range(2, ws.max_row + 1) if ws.cell(_r, 1).value == kaveri["id"]} and not any(
        ws.cell(r, 1).value == kaveri["id"] and ws.cell(r, 5).value == 2020 for r in range(2, ws.max_row + 1)
    )
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation]
    assert '"Oma talousarvio,Valtionavustus,EU- tai muu hankerahoitus,Muu rahoitus"' in lists
    assert '"Ehkäisevä,Varhainen tuki,Korjaava"' in lists


def test_unchanged_file_changes_nothing(demo_db, kaveri):
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "sv")
    before = _lines(demo_db)
    result = roundtrip.apply(demo_db, EXCEL, data, "en")
    assert result.unchanged == 4 + 8 + 14 + 1 and not result.changed and not result.added
    assert _lines(demo_db) == before


def test_euros_source_kind_and_share_come_back(demo_db, kaveri):
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")

    def edit(wb):
        ws = wb[SHEET]
        # labels in any language, euros and shares as people type them
        _set(
            ws,
            kaveri["id"],
            2022,
            Suunnitellut_eurot="1 500,50 €",
            Toteutuneet_eurot=None,
            Rahoituslähde="Statsunderstöd",
            Menon_luonne="early support",
            **{"Suoraan lapsille,_%": "55 %"},
        )
        _set(ws, kaveri["id"], 2023, Suunnitellut_eurot=2000, Rahoituslähde="Muu rahoitus", Menon_luonne="Korjaava")

    preview = roundtrip.preview(demo_db, EXCEL, _edit(data, edit), "fi")
    assert [(c.sheet, c.year) for c in preview.changed] == [(SHEET, 2022)]
    assert preview.changed[0].fields["Suunnitellut eurot"] == ("1\u00a0000 €", "1\u00a0500,5 €")
    assert [(c.sheet, c.year, c.entity) for c in preview.added] == [(SHEET, 2023, "measure")]
    assert budget.get(demo_db, kaveri["id"], 2023) is None  # the preview wrote nothing
    roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "fi")
    line = budget.get(demo_db, kaveri["id"], 2022)
    assert (
        line["planned_eur"],
        line["actual_eur"],
        line["source"],
        line["kind"],
        line["direct_share"],
        line["version"],
        line["updated_by"],
    ) == (1500.5, None, "state", "early_support", 55, 2, "Eero Excel")
    new = budget.get(demo_db, kaveri["id"], 2023)
    assert (new["planned_eur"], new["source"], new["kind"]) == (2000, "other", "corrective")
    assert (
        demo_db.execute("select count(*) from audit where entity = 'budget' and actor = 'Eero Excel'").fetchone()[0]
        == 2
    )


def test_bad_rows_refuse_the_whole_file(demo_db, kaveri):
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")
    chat = measure_titled(demo_db, "Chat")

    def edit(wb):
        ws = wb[SHEET]
        _set(ws, kaveri["id"], 2022, Suunnitellut_eurot=-5)
        _set(ws, kaveri["id"], 2023, **{"Suoraan lapsille,_%": 150})
        _set(ws, kaveri["id"], 2024, Rahoituslähde="Lotto")
        _set(ws, chat["id"], 2022, Toteutuneet_eurot="paljon")
        ws.append([kaveri["id"], None, None, None, 2020, 100])  # before the measure's years

    before = _lines(demo_db)
    with pytest.raises(ImportRejected) as err:
        roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "en")
    assert _lines(demo_db) == before
    reasons = {p.row: p.text("en") for p in err.value.problems if p.where == SHEET}
    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    assert reasons[_row(ws, kaveri["id"], 2022)] == "Planned euros: the value cannot be negative."
    assert reasons[_row(ws, kaveri["id"], 2023)] == (
        "Directly to children and families, %: “150” is not a share between 0 and 100 %."
    )
    assert reasons[_row(ws, kaveri["id"], 2024)].startswith(
        "Rahoituslähde: unknown value “Lotto”; choose one of: Own budget,"
    )  # the column as in the file
    assert reasons[_row(ws, chat["id"], 2022)] == "Actual euros: “paljon” is not a number."
    assert reasons[ws.max_row + 1] == "The year 2020 is not within the measure's years 2021–2024."
    assert len(reasons) == 5


def test_newer_edit_in_the_app_is_a_conflict(demo_db, kaveri):
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")
    budget.save(
        demo_db,
        ANNA,
        kaveri["id"],
        2022,
        expected_version=1,
        planned_eur=1100,
        actual_eur=900,
        source="own",
        kind="preventive",
        direct_share=80,
    )
    result = roundtrip.apply(
        demo_db, EXCEL, _edit(data, lambda wb: _set(wb[SHEET], kaveri["id"], 2022, Suunnitellut_eurot=1200)), "fi"
    )
    assert [(c.sheet, c.by) for c in result.conflicts] == [(SHEET, "Anna App")]
    assert budget.get(demo_db, kaveri["id"], 2022)["planned_eur"] == 1100
    # the original file too: its stale 1000 differs from the app's 1100
    again = roundtrip.apply(demo_db, EXCEL, data, "fi")
    assert [c.sheet for c in again.conflicts] == [SHEET] and not again.changed


def test_euros_entered_in_the_app_after_the_export_leave_an_empty_row_unchanged(demo_db, kaveri):
    """As with statuses: a row that had no euros in the file and was left empty is no edit, so the
    app's newer euros are neither a conflict nor removed."""
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")
    budget.save(demo_db, ANNA, kaveri["id"], 2023, planned_eur=5000)
    result = roundtrip.apply(demo_db, EXCEL, data, "fi")
    assert (result.added, result.changed, result.conflicts) == ([], [], [])
    assert budget.get(demo_db, kaveri["id"], 2023)["planned_eur"] == 5000


@pytest.mark.libreoffice
def test_libreoffice_saved_file_comes_back_unchanged(demo_db, kaveri, tmp_path):
    from tests.unit.test_exports_render import _soffice

    budget.save(
        demo_db,
        ANNA,
        kaveri["id"],
        2023,
        planned_eur="1250,5",
        source="project",
        kind="early_support",
        direct_share="33,3",
    )
    path = tmp_path / "in" / "plan_sv.xlsx"
    path.parent.mkdir()
    path.write_bytes(exports.plan_workbook(demo_db, first_plan_id(demo_db), "sv"))
    saved = _soffice(tmp_path, "xlsx:Calc MS Excel 2007 XML", path)
    result = roundtrip.preview(demo_db, EXCEL, saved.read_bytes(), "sv")
    assert (result.added, result.changed, result.conflicts) == ([], [], [])
    assert result.unchanged == 4 + 8 + 14 + 2
