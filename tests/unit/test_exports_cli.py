import openpyxl

from lape_plan import cli, db as dbm, plans


def _setup(tmp_path):
    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    return path, plans.plans(dbm.connect(path))[0]["id"]


def test_export_xlsx_and_csv(tmp_path, capsys):
    path, plan_id = _setup(tmp_path)
    out = tmp_path / "plan.xlsx"
    assert (
        cli.main(
            [
                "export",
                "--db",
                str(path),
                "--plan",
                str(plan_id),
                "--format",
                "xlsx",
                "--lang",
                "sv",
                "--municipality",
                "288",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["Försättsblad", "Plan", "Kronoby"]
    csv_out = tmp_path / "plan.csv"
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--format", "csv", "-o", str(csv_out)]) == 0
    assert csv_out.read_bytes().startswith("\ufeffPainopiste;Tavoite".encode())
    assert "wrote" in capsys.readouterr().out


def test_export_unknown_municipality_and_plan(tmp_path, capsys):
    path, plan_id = _setup(tmp_path)
    out = tmp_path / "x.xlsx"
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--municipality", "999", "-o", str(out)]) == 2
    assert "Unknown municipality: 999" in capsys.readouterr().err
    assert cli.main(["export", "--db", str(path), "--plan", "42", "-o", str(out)]) == 2
    assert not out.exists()


def test_import_plan_dry_run_then_apply(tmp_path, capsys):
    path, plan_id = _setup(tmp_path)
    out = tmp_path / "plan.xlsx"
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--editable", "-o", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    wb["Painopisteet"].sheet_state = "visible"  # unhidden to edit it, as the cover says
    wb["Painopisteet"]["F2"] = "Kuvaus Excelistä"
    wb.save(out)
    capsys.readouterr()
    assert cli.main(["import-plan", "--db", str(path), str(out), "--dry-run"]) == 0
    text = capsys.readouterr().out
    assert "changed: 1" in text and "'' -> 'Kuvaus Excelistä'" in text and "dry run: nothing was written" in text
    assert plans.tree(dbm.connect(path), plan_id)[0]["description"] == ""
    assert cli.main(["import-plan", "--db", str(path), str(out)]) == 0
    assert "applied in one transaction" in capsys.readouterr().out
    database = dbm.connect(path)
    assert plans.tree(database, plan_id)[0]["description"] == "Kuvaus Excelistä"
    assert dbm.audit_rows(database, "focus_area")[0]["actor"] == "import-plan (command line)"


def test_import_plan_refuses_a_bad_file_with_rows(tmp_path, capsys):
    path, plan_id = _setup(tmp_path)
    out = tmp_path / "plan.xlsx"
    cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--editable", "-o", str(out)])
    wb = openpyxl.load_workbook(out)
    wb["Toimenpiteet"]["J3"] = "ensi vuonna"
    wb.save(out)
    assert cli.main(["import-plan", "--db", str(path), str(out)]) == 2
    err = capsys.readouterr().err
    assert "The file was not imported: 1 bad row." in err
    assert "Toimenpiteet, row 3: Alkuvuosi: “ensi vuonna” is not a whole number." in err


def test_export_gives_the_councils_copy_unless_editing_sheets_are_asked_for(tmp_path):
    path, plan_id = _setup(tmp_path)
    council, editable, template = tmp_path / "c.xlsx", tmp_path / "e.xlsx", tmp_path / "t.xlsx"
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "-o", str(council)]) == 0
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--editable", "-o", str(editable)]) == 0
    assert cli.main(["export", "--db", str(path), "--plan", str(plan_id), "--template", "-o", str(template)]) == 0
    wb = openpyxl.load_workbook(council)
    assert "Toimenpiteet" not in wb.sheetnames and "Muokkaaminen Excelissä" not in [
        c.value for row in wb["Kansilehti"].iter_rows() for c in row
    ]
    for path_ in (editable, template):
        wb = openpyxl.load_workbook(path_)
        assert wb["Toimenpiteet"].sheet_state == "hidden"
        assert [ws.title for ws in wb.worksheets if ws.sheet_state == "visible"][:2] == ["Kansilehti", "Suunnitelma"]


def test_import_plan_of_a_missing_file_or_a_directory_is_one_error_line(tmp_path, capsys):
    path, _ = _setup(tmp_path)
    capsys.readouterr()
    for name, reason in ((tmp_path / "nope.xlsx", "No such file or directory"), (tmp_path, "Is a directory")):
        assert cli.main(["import-plan", "--db", str(path), str(name)]) == 2
        out = capsys.readouterr()
        assert out.out == "" and out.err == f"error: Cannot use the file {name}: {reason}.\n"
