"""Indicator imports that used to take a wrong value silently: region codes Excel stored as
numbers, a key given by two files of one upload, formulas without a saved result, "_" inside
numbers, UTF-16 without a BOM; and the command line's missing files. Each is refused whole,
with file, row and reason."""

import io
import json
import zipfile

import openpyxl
import pytest

from lape_plan import cli, db as dbm, indicators, sotkanet
from lape_plan.errors import ImportRejected
from lape_plan.model import Actor, Role
from tests.unit.test_indicators_import import FIX, _file, _state

HEADER = "indicator;region;year;gender;primary value;absolute value\n"
EDITOR = Actor(name="Ilona Indikaattori", role=Role.ADMIN)


def _refused(db, files):
    before = _state(db)
    with pytest.raises(ImportRejected) as err:
        indicators.import_files(db, EDITOR, files)
    assert _state(db) == before, "a refused import must leave the database untouched"
    return err.value.problems


def _shown(problems):
    return [(p.where, p.row, p.text("en")) for p in problems]


def _xlsx(rows, header=sotkanet.TEMPLATE_HEADER) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "values"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _edit_sheet(data: bytes, edit) -> bytes:
    """The workbook with its first sheet's XML changed by `edit` (bytes -> bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            dst.writestr(info, edit(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def _values(db, code="OMA-1"):
    return [
        tuple(r.values())
        for r in db.query(
            "select r.category, r.code, v.year, v.gender, v.value from indicator_values v "
            "join indicators i on i.id = v.indicator_id join ind_regions r on r.id = v.region_id "
            "where i.source_id = ? order by v.year",
            [code],
        )
    ]


@pytest.fixture
def base_db(db):
    indicators.import_files(db, EDITOR, [_file("regions.json"), _file("indicator_191.json")])
    return db


@pytest.fixture
def custom_db(demo_db):
    """The example plan's regions (municipalities 074, 272 …, counties 17 and 18) and OMA-1."""
    indicators.add_custom(demo_db, EDITOR, "oma-1", "Oma kysely")
    return demo_db


def _add_municipality_018(db):
    regions = [{"id": 9018, "code": "018", "category": "KUNTA", "title": {"fi": "Askola"}, "memberOf": []}]
    indicators.import_files(db, EDITOR, [("regions.json", json.dumps(regions).encode())])


# ---------------------------------------------------------------- region codes stored as numbers
def test_a_code_stored_as_a_number_takes_the_region_that_exists(custom_db):
    """18 is the county (no municipality 018 here), 74 the municipality 074 (no county 74)."""
    data = _xlsx([["OMA-1", 18, 2022, "total", 7.5], ["OMA-1", 74, 2023, "total", 8.5], ["OMA-1", 272.0, 2024, "", 9]])
    assert indicators.import_files(custom_db, EDITOR, [("t.xlsx", data)])[0].new == 3
    assert _values(custom_db) == [
        ("HYVINVOINTIALUE", "18", 2022, "total", 7.5),
        ("KUNTA", "074", 2023, "total", 8.5),
        ("KUNTA", "272", 2024, "total", 9.0),
    ]


def test_a_number_that_matches_a_county_and_a_municipality_is_refused(custom_db):
    _add_municipality_018(custom_db)
    problems = _refused(
        custom_db, [("t.xlsx", _xlsx([["OMA-1", "18", 2021, "total", 1], ["OMA-1", 18, 2022, "total", 2]]))]
    )
    assert [(p.where, p.row, p.key) for p in problems] == [("t.xlsx / values", 3, "indicators.reason.ambiguous_region")]
    assert "18, 018" in problems[0].text("en") and "HVA18" in problems[0].text("fi")
    assert "tekstinä" in problems[0].text("fi") and "som text" in problems[0].text("sv")
    # typed as text, each code names one region
    data = _xlsx([["OMA-1", "18", 2021, "total", 1], ["OMA-1", "018", 2022, "total", 2]])
    assert indicators.import_files(custom_db, EDITOR, [("t.xlsx", data)])[0].new == 2
    assert [v[:3] for v in _values(custom_db)] == [("HYVINVOINTIALUE", "18", 2021), ("KUNTA", "018", 2022)]


def test_a_code_stored_as_a_number_with_a_fraction_is_refused(custom_db):
    """272.6 was cut to 272: a value taken for a municipality no one named."""
    problems = _refused(custom_db, [("t.xlsx", _xlsx([["OMA-1", 272.6, 2023, "total", 3]]))])
    assert _shown(problems) == [
        ("t.xlsx / values", 2, "Unknown region code 272.6 (municipality number, county code, MAA or a PLAN code).")
    ]


def test_the_downloaded_template_formats_the_whole_code_columns_as_text():
    sheet = openpyxl.load_workbook(io.BytesIO(sotkanet.template_xlsx())).active
    assert [sheet.column_dimensions[c].number_format for c in "ABC"] == ["@", "@", "General"]
    assert sheet["B2"].number_format == "@" and sheet["B2"].value == "272"
    assert sheet["B1"].value == "region_code"  # the header keeps its own style


# ---------------------------------------------------------------- one key in two files of one upload
def test_a_key_in_two_files_with_different_values_is_refused_naming_both(base_db):
    first = ("a.csv", (HEADER + "191;964;2019;total;1.4;\n191;964;2020;total;1.5;\n").encode())
    second = ("b.csv", (HEADER + "191;964;2021;total;1.7;\n191;964;2020;total;9.9;\n").encode())
    problems = _refused(base_db, [first, second])
    assert _shown(problems) == [
        (
            "b.csv",
            3,
            "The same indicator 191, region 964, year 2020 and gender total appears with different values "
            "(also in a.csv, row 3).",
        )
    ]
    assert "tiedostossa a.csv, rivi 3" in problems[0].text("fi") and "filen a.csv, rad 3" in problems[0].text("sv")
    json_rows = ("c.json", b'[{"indicator": 191, "region": 964, "year": 2020, "gender": "total", "value": 7.7}]')
    assert [(p.where, p.row) for p in _refused(base_db, [first, json_rows])] == [("c.json", 1)]


def test_a_key_in_two_files_with_the_same_value_passes_as_in_one_file(base_db):
    first = ("a.csv", (HEADER + "191;964;2020;total;1.5;\n").encode())
    second = ("b.json", b'[{"indicator": 191, "region": 964, "year": 2020, "gender": "total", "value": 1.50}]')
    reports = indicators.import_files(base_db, EDITOR, [first, second])
    assert [(r.new, r.changed, r.unchanged) for r in reports] == [(1, 0, 0), (0, 0, 1)]
    assert [tuple(r.values()) for r in base_db.query("select year, value from indicator_values")] == [(2020, 1.5)]


def test_other_indicators_in_other_files_are_not_compared(base_db):
    indicators.import_files(base_db, EDITOR, [_file("indicators_list.json")])
    first = ("a.csv", (HEADER + "191;964;2020;total;1.5;\n").encode())
    second = ("b.csv", (HEADER + "423;964;2020;total;9.9;\n").encode())
    assert [r.new for r in indicators.import_files(base_db, EDITOR, [first, second])] == [1, 1]


def test_template_files_meet_on_the_region_not_on_how_it_is_written(custom_db):
    """HVA18 in one file and 18 (a number, in Excel) in the other are the same county."""
    csv_file = ("a.csv", b"indicator_code;region_code;year;value\noma-1;HVA18;2023;1\n")
    xlsx_file = ("b.xlsx", _xlsx([["OMA-1", 18, 2023, "total", 2]]))
    problems = _refused(custom_db, [csv_file, xlsx_file])
    assert [(p.where, p.row, p.key) for p in problems] == [("b.xlsx / values", 2, "indicators.reason.duplicate_across")]
    assert "region 18," in problems[0].text("en") and "also in a.csv, row 2" in problems[0].text("en")


# ---------------------------------------------------------------- formulas without a saved result
def test_a_formula_without_a_saved_result_is_refused_not_skipped(custom_db):
    """openpyxl and pandas write formulas without results; data_only read them as empty."""
    data = _xlsx([["OMA-1", "272", 2022, "total", 12.5], ["OMA-1", "272", 2023, "total", "=10+2.5"]])
    problems = _refused(custom_db, [("t.xlsx", data)])
    assert _shown(problems) == [
        ("t.xlsx / values", 3, "Column value: a formula without a saved result. Open the file in Excel and save it.")
    ]
    assert "tallenna" in problems[0].text("fi") and "spara" in problems[0].text("sv")


def test_a_gender_formula_without_a_result_is_not_taken_for_the_total(custom_db):
    problems = _refused(custom_db, [("t.xlsx", _xlsx([["OMA-1", "272", 2023, '=IF(TRUE,"female")', 12.5]]))])
    assert [(p.row, p.params["column"]) for p in problems] == [(2, "gender")]


def test_formulas_with_saved_results_and_in_unread_columns_are_fine(custom_db):
    data = _xlsx(
        [["OMA-1", "272", 2022, "total", "=10+2.5", "=A1"], ["OMA-1", "272", 2023, "total", '=""', None]],
        header=[*sotkanet.TEMPLATE_HEADER, "note"],
    )

    def saved(xml: bytes) -> bytes:  # as Excel saves them: 12.5, and an empty text result
        xml = xml.replace(b"<f>10+2.5</f><v></v>", b"<f>10+2.5</f><v>12.5</v>")
        return xml.replace(b'<c r="E3"><f>""</f><v></v></c>', b'<c r="E3" t="str"><f>""</f><v></v></c>')

    report = indicators.import_files(custom_db, EDITOR, [("t.xlsx", _edit_sheet(data, saved))])[0]
    assert (report.new, report.skipped_empty) == (1, 1)  # F2's formula has no result, and no one reads it
    assert _values(custom_db) == [("KUNTA", "272", 2022, "total", 12.5)]


# ---------------------------------------------------------------- "_" inside numbers
@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("v.csv", HEADER + "191;964;2020;total;1_5;\n", "Column value: “1_5” is not a number."),
        ("y.csv", HEADER + "191;964;2_020;total;1.5;\n", "“2_020” is not a year."),
        ("a.csv", HEADER + "191;964;2020;total;1.5;1_0\n", "Column absolute value: “1_0” is not a number."),
        ("i.csv", HEADER + "1_91;964;2020;total;1.5;\n", "is not a Sotkanet id number"),
        ("j.json", '[{"indicator": 191, "region": 964, "year": 2020, "gender": "total", "value": "1_5"}]', "“1_5”"),
    ],
)
def test_underscores_in_numbers_are_refused(base_db, name, content, reason):
    problems = _shown(_refused(base_db, [(name, content.encode())]))
    assert len(problems) == 1 and problems[0][0] == name and reason in problems[0][2], problems


def test_an_underscore_in_the_header_or_a_text_column_still_imports(base_db):
    text = "indicator_id;region_id;year;gender;primary_value\n191;964;2020;total;1.5\n191;964;2021;total;1,6\n"
    assert indicators.import_files(base_db, EDITOR, [("h.csv", text.encode())])[0].new == 2


# ---------------------------------------------------------------- encodings
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_refused_as_not_utf8(base_db, encoding):
    """It decoded (NULs are valid UTF-8) and was refused for 'missing columns'."""
    data = (HEADER + "191;964;2020;total;1.5;\n").encode(encoding)
    assert _shown(_refused(base_db, [("u.csv", data)])) == [
        ("u.csv", 1, "The file is not UTF-8 text (save it as UTF-8).")
    ]
    with_bom = (HEADER + "191;964;2020;total;1.5;\n").encode("utf-16")
    assert indicators.import_files(base_db, EDITOR, [("u.csv", with_bom)])[0].new == 1


# ---------------------------------------------------------------- command line
def test_cli_import_of_a_missing_file_or_a_directory_is_one_line(tmp_path, capsys):
    path = tmp_path / "cli.db"
    good = str(FIX / "regions.json")
    for missing in (str(tmp_path / "nope.csv"), str(tmp_path)):
        assert cli.main(["import-indicators", "--db", str(path), good, missing]) == 2
        captured = capsys.readouterr()
        assert captured.out == ""
        assert captured.err.strip().splitlines() == [
            f"error: Cannot use the file {missing}: "
            + ("No such file or directory." if missing.endswith(".csv") else "Is a directory.")
        ]
    database = dbm.connect(path)
    assert not database.execute("select 1 from audit where entity = 'indicator_import'").fetchone()
    assert cli.main(["import-indicators", "--db", str(path), good]) == 0
    assert "regions.json\tregions\tnew" in capsys.readouterr().out
