"""Every Sotkanet format and the custom template parsed from fixtures; imports are one
transaction, idempotent, and a bad file is refused whole with rows and reasons."""

import io
from pathlib import Path

import openpyxl
import pytest

from lape_plan import cli, indicators, sotkanet
from lape_plan.errors import ImportRejected, PermissionDenied
from lape_plan.model import SYSTEM, Actor, Role

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "indicators"


def _file(name):
    return (name, (FIX / name).read_bytes())


def _state(db):
    """Everything an import can touch."""
    return (
        list(db.query("select * from indicator_values order by 1, 2, 3, 4")),
        list(db.query("select * from indicators order by id")),
        list(db.query("select * from ind_regions order by id")),
    )


def _refused(db, files):
    before = _state(db)
    with pytest.raises(ImportRejected) as err:
        indicators.import_files(db, SYSTEM, files)
    assert _state(db) == before, "a refused import must leave the database untouched"
    return [(p.where, p.row, p.text("en")) for p in err.value.problems]


@pytest.fixture
def base_db(db):
    indicators.import_files(db, SYSTEM, [_file("regions.json"), _file("indicator_191.json")])
    return db


# ---------------------------------------------------------------- parsing each format
def test_json_data_rows_with_both_absolute_value_spellings():
    parsed = sotkanet.parse_file("x.json", (FIX / "sotkanet_191.json").read_bytes())
    assert parsed.kind == "data"
    assert parsed.rows[0][:6] == (191, 964, 2019, "total", 1.9, 210.0)
    assert parsed.rows[2][5] is None  # absValue missing
    assert parsed.rows[3][5] == 180.0  # absolute_value


def test_rest_csv_with_dot_and_comma_decimals():
    dot = sotkanet.parse_file("a.csv", (FIX / "sotkanet_191.csv").read_bytes())
    assert dot.kind == "data" and len(dot.rows) == 7
    assert dot.rows[6][:5] == (191, 658, 2022, "male", 1.35)
    comma = sotkanet.parse_file("b.csv", (FIX / "sotkanet_191_comma.csv").read_bytes())
    assert [r[4] for r in comma.rows] == [1.9, 1.45]
    assert comma.skipped_empty == 1  # a row without a value is not a value


def test_csv_headers_are_matched_tolerantly():
    text = 'Indicator,Region,Year,Gender,Value\n191,964,2020,Total,"2,5"\n'
    parsed = sotkanet.parse_csv("web.csv", text.encode())
    assert parsed.rows[0][:5] == (191, 964, 2020, "total", 2.5)


def test_metadata_one_and_list_with_html_reduced_to_text():
    one = sotkanet.parse_file("m.json", (FIX / "indicator_191.json").read_bytes())
    assert one.kind == "metadata" and len(one.rows) == 1
    row = one.rows[0]
    assert row["source_id"] == "191" and row["value_type"] == "PROS" and row["decimals"] == 1
    assert "<" not in row["description_fi"] and "kodin ulkopuolelle" in row["description_fi"]
    assert "Toinen kappale & loppu." in row["description_fi"]
    assert row["organisation"].startswith("Terveyden") and row["range_end"] == 2023
    many = sotkanet.parse_file("l.json", (FIX / "indicators_list.json").read_bytes())
    assert [r["source_id"] for r in many.rows] == ["423", "228"]
    assert many.rows[1]["unit_fi"] == "%"


def test_regions():
    parsed = sotkanet.parse_file("r.json", (FIX / "regions.json").read_bytes())
    assert parsed.kind == "regions"
    kokkola = next(r for r in parsed.rows if r["code"] == "272")
    assert kokkola["sotkanet_id"] == 9272 and kokkola["title_sv"] == "Karleby" and kokkola["member_of"] == "[964, 658]"


def test_custom_template_csv_and_excel():
    csv_rows = sotkanet.parse_file("t.csv", (FIX / "custom_template.csv").read_bytes())
    assert csv_rows.kind == "template"
    assert csv_rows.rows[0][:5] == ("OMA-1", "272", 2021, "total", 12.5)
    assert csv_rows.rows[1][3] == "total"  # gender left empty
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicator_code", "region_code", "year", "value"])  # gender column is optional
    sheet.append(["OMA-1", 272, 2021, 12.5])
    sheet.append(["OMA-1", "074", 2022, 9])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = sotkanet.parse_file("t.xlsx", buffer.getvalue())
    assert [r[:5] for r in xlsx.rows] == [("OMA-1", "272", 2021, "total", 12.5), ("OMA-1", "074", 2022, "total", 9.0)]


def test_downloadable_templates_parse_back():
    for name, data in (("t.csv", sotkanet.template_csv()), ("t.xlsx", sotkanet.template_xlsx())):
        parsed = sotkanet.parse_file(name, data)
        assert parsed.kind == "template"
        assert [r[:5] for r in parsed.rows] == [("OMA-1", "272", 2023, "total", 12.5)], name


# ---------------------------------------------------------------- importing
def test_import_reports_new_then_unchanged_then_changed(base_db):
    reports = indicators.import_files(base_db, SYSTEM, [_file("sotkanet_191.csv")])
    assert (reports[0].new, reports[0].changed, reports[0].unchanged) == (7, 0, 0)
    again = indicators.import_files(base_db, SYSTEM, [_file("sotkanet_191.csv")])
    assert (again[0].new, again[0].changed, again[0].unchanged) == (0, 0, 7)
    comma = indicators.import_files(base_db, SYSTEM, [_file("sotkanet_191_comma.csv")])
    assert (comma[0].new, comma[0].changed, comma[0].unchanged) == (1, 0, 1)
    json_rows = indicators.import_files(base_db, SYSTEM, [_file("sotkanet_191.json")])
    # the same rows as the CSV except the country's 2021 value
    assert (json_rows[0].new, json_rows[0].changed, json_rows[0].unchanged) == (1, 0, 5)
    county = base_db.execute("select id from ind_regions where sotkanet_id = 964").fetchone()[0]
    ind = base_db.execute("select id from indicators where source_id = '191'").fetchone()[0]
    assert indicators.values_by_year(base_db, ind, county) == {2019: 1.9, 2020: 1.8, 2021: 1.7, 2022: 1.6, 2023: 1.45}
    assert base_db.execute("select count(*) from audit where entity = 'indicator_import'").fetchone()[0] == 5


def test_one_upload_can_carry_regions_metadata_and_data(db):
    reports = indicators.import_files(
        db, SYSTEM, [_file("sotkanet_191.json"), _file("indicator_191.json"), _file("regions.json")]
    )
    assert [r.kind for r in reports] == ["regions", "metadata", "data"]
    assert reports[2].new == 6
    metadata_again = indicators.import_files(db, SYSTEM, [_file("indicator_191.json")])
    assert (metadata_again[0].new, metadata_again[0].changed, metadata_again[0].unchanged) == (0, 0, 1)


def test_regions_file_attaches_sotkanet_ids_to_the_plan_municipalities(demo_db):
    kokkola = demo_db.execute("select id from ind_regions where category = 'KUNTA' and code = '272'").fetchone()[0]
    report = indicators.import_files(demo_db, SYSTEM, [_file("regions.json")])[0]
    assert report.new == 1 and report.changed >= 2  # Helsinki is new; Kokkola and Kruunupyy gain their ids
    row = demo_db.execute(
        "select id, sotkanet_id from ind_regions where category = 'KUNTA' and code = '272'"
    ).fetchone()
    assert tuple(row) == (kokkola, 9272)
    country = demo_db.execute("select count(*) from ind_regions where category = 'MAA'").fetchone()[0]
    assert country == 1


def test_custom_template_import(demo_db):
    indicators.add_custom(demo_db, SYSTEM, "oma-1", "Oma kysely", direction="lower")
    report = indicators.import_files(demo_db, SYSTEM, [_file("custom_template.csv")])[0]
    assert report.kind == "template" and report.new == 5
    codes = {r["code"]: r["id"] for r in demo_db.query("select id, code from ind_regions")}
    ind = demo_db.execute("select id from indicators where source_id = 'OMA-1'").fetchone()[0]
    assert indicators.values_by_year(demo_db, ind, codes["272"]) == {2021: 12.5, 2022: 13.0}
    assert indicators.values_by_year(demo_db, ind, codes["18"]) == {2022: 11.0}
    assert indicators.values_by_year(demo_db, ind, codes["288"], "female") == {2022: 14.0}
    plan_area = codes["PLAN1"]
    text = "indicator_code;region_code;year;value\nOMA-1;PLAN1;2023;9,5\nOMA-1;plan1;2022;9,9\n"
    assert indicators.import_files(demo_db, SYSTEM, [("p.csv", text.encode())])[0].new == 2
    assert indicators.values_by_year(demo_db, ind, plan_area) == {2022: 9.9, 2023: 9.5}


def test_duplicate_rows_with_the_same_value_are_harmless(base_db):
    text = "indicator;region;year;gender;primary value\n191;964;2020;total;1.8\n191;964;2020;total;1.8\n"
    assert indicators.import_files(base_db, SYSTEM, [("d.csv", text.encode())])[0].new == 1
    # and again once the value is stored: still one value, unchanged
    report = indicators.import_files(base_db, SYSTEM, [("d.csv", text.encode())])[0]
    assert (report.new, report.changed, report.unchanged) == (0, 0, 1)


def test_conflicting_duplicates_are_refused_when_the_key_is_stored_already(base_db):
    indicators.import_files(base_db, SYSTEM, [_file("sotkanet_191.csv")])
    text = HEADER + "191;964;2020;total;1.8;\n191;964;2020;total;2.8;\n"
    problems = _refused(base_db, [("d.csv", text.encode())])
    assert problems[0][:2] == ("d.csv", 3) and "different values" in problems[0][2]


# ---------------------------------------------------------------- bad files
HEADER = "indicator;region;year;gender;primary value;absolute value\n"


@pytest.mark.parametrize(
    "name, content, row, reason",
    [
        ("missing.csv", "indicator;region;gender;primary value\n191;964;total;1.5\n", 1, "Missing columns: year"),
        ("text.csv", HEADER + "191;964;2020;total;1.5;\n191;964;2021;total;paljon;\n", 3, "“paljon” is not a number"),
        (
            "region.csv",
            HEADER + "191;964;2020;total;1.5;\n191;123456;2021;total;1.5;\n",
            3,
            "Unknown Sotkanet region 123456",
        ),
        ("indicator.csv", HEADER + "5555;964;2020;total;1.5;\n", 2, "Indicator 5555 is not in the catalogue"),
        ("dup.csv", HEADER + "191;964;2020;total;1.5;\n191;964;2020;total;1.6;\n", 3, "appears with different values"),
        ("year.csv", HEADER + "191;964;vuosi;total;1.5;\n", 2, "is not a year"),
        ("gender.csv", HEADER + "191;964;2020;both;1.5;\n", 2, "Unknown gender"),
        ("short.csv", HEADER + "191;964\n", 2, "The row has 2 columns"),
        ("empty.csv", "", "", "The file is empty"),
        ("header_only.csv", HEADER, "", "no data rows"),
        ("bad.json", '[{"indicator": 191, "region": 964,', 1, "Invalid JSON"),
        (
            "fields.json",
            '[{"indicator": 191, "region": 964, "year": 2020, "gender": "total"}]',
            1,
            "Missing fields: value",
        ),
        (
            "text.json",
            '[{"indicator": 191, "region": 964, "year": 2020, "gender": "total", "value": "n/a"}]',
            1,
            "is not a number",
        ),
    ],
)
def test_bad_file_is_refused_whole_with_row_and_reason(base_db, name, content, row, reason):
    problems = _refused(base_db, [(name, content.encode("utf-8"))])
    assert any(p[0] == name and p[1] == row and reason in p[2] for p in problems), problems


def test_wrong_encoding_is_refused(base_db):
    latin1 = (HEADER + "191;964;2020;total;1.5;\n# Pietarsaari – Jakobstad ä\n").encode("latin-1", "replace")
    latin1 = latin1.replace(b"?", b"\xe4")
    problems = _refused(base_db, [("latin.csv", latin1)])
    assert problems[0][0] == "latin.csv" and problems[0][1] == 3 and "not UTF-8" in problems[0][2]


def test_bad_rows_are_all_listed_and_nothing_from_other_files_is_kept(base_db):
    bad = HEADER + "191;964;2020;total;x;\n191;964;2021;total;y;\n191;99999;2022;total;1;\n"
    problems = _refused(base_db, [_file("indicators_list.json"), ("bad.csv", bad.encode())])
    assert [p[1] for p in problems] == [2, 3, 4]
    assert not base_db.execute("select 1 from indicators where source_id = '423'").fetchone()


def test_database_errors_inside_one_upload_roll_back_every_file(base_db):
    """Parsing passes; the unknown region is found while importing, after the metadata went in."""
    good_meta = _file("indicators_list.json")
    bad = HEADER + "423;964;2020;total;1;\n423;77777;2020;total;1;\n"
    problems = _refused(base_db, [good_meta, ("late.csv", bad.encode())])
    assert problems[0][:2] == ("late.csv", 3)


def test_problem_list_is_capped(base_db):
    rows = "".join(f"191;964;{1990 + i % 100};total;x{i};\n" for i in range(500))
    problems = _refused(base_db, [("many.csv", (HEADER + rows).encode())])
    assert len(problems) == sotkanet.MAX_PROBLEMS + 1 and "300 more" in problems[-1][2]


def test_template_with_unknown_code_or_region_is_refused(demo_db):
    indicators.add_custom(demo_db, SYSTEM, "OMA-1", "Oma")
    text = "indicator_code;region_code;year;value\nOMA-2;272;2021;1\nOMA-1;999;2021;1\n"
    problems = _refused(demo_db, [("t.csv", text.encode())])
    assert [p[1] for p in problems] == [2, 3]
    assert "No custom indicator OMA-2" in problems[0][2] and "Unknown region code 999" in problems[1][2]


def test_not_an_excel_file(base_db):
    problems = _refused(base_db, [("t.xlsx", b"not a workbook")])
    assert "not an Excel workbook" in problems[0][2]


def test_problems_are_translated_where_they_are_shown(base_db):
    with pytest.raises(ImportRejected) as err:
        indicators.import_files(base_db, SYSTEM, [("x.csv", (HEADER + "191;964;2020;total;x;\n").encode())])
    problem = err.value.problems[0]
    assert (problem.where, problem.row, problem.key) == ("x.csv", 2, "indicators.reason.not_a_number")
    assert "ei ole luku" in problem.text("fi") and "är inte ett tal" in problem.text("sv")


def test_import_problems_have_one_shape():
    from lape_plan.errors import Problem

    with pytest.raises(TypeError):
        ImportRejected([("x.csv", 1, "a reason already in English")])
    assert ImportRejected([Problem("x.csv", 1, "indicators.reason.empty_file")]).params["count"] == 1


def test_import_needs_a_plan_editor(base_db):
    with pytest.raises(PermissionDenied):
        indicators.import_files(base_db, Actor("Viewer", Role.VIEWER), [_file("sotkanet_191.csv")])


def test_cli_import(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert (
        cli.main(
            [
                "import-indicators",
                "--db",
                str(path),
                str(FIX / "regions.json"),
                str(FIX / "indicator_191.json"),
                str(FIX / "sotkanet_191.csv"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "sotkanet_191.csv\tdata\tnew 7\tchanged 0\tunchanged 0" in out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "191;964;2020;total;x;\n", encoding="utf-8")
    assert cli.main(["import-indicators", "--db", str(path), str(bad)]) == 2
    err = capsys.readouterr().err  # the one way the command line lists import problems
    assert "The file was not imported: 1 bad row." in err
    assert "  bad.csv, row 2: Column value: “x” is not a number." in err


def test_cli_example_and_offline_fetch(tmp_path, capsys, monkeypatch):
    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert cli.main(["example-indicators", "--db", str(path), "--csv", str(tmp_path / "ex.csv")]) == 0
    out = capsys.readouterr().out
    assert "already has indicator links" in out and "made-up example values" in out
    assert (
        (tmp_path / "ex.csv").read_text().startswith("indicator;region;year;gender;primary value;absolute value\n191;")
    )
    monkeypatch.setenv("LAPE_SOTKANET_URL", "http://127.0.0.1:9/rest/1.1")  # a closed local port
    assert cli.main(["fetch-sotkanet", "--db", str(path), "--indicators", "191", "--years", "2022-2023"]) == 3
    assert "Sotkanet could not be reached" in capsys.readouterr().out
