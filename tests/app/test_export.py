import io

import openpyxl

from lape_plan import exports, plans

PAGE = "pages/export.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_id(conn):
    return plans.plans(conn)[0]["id"]


def _edited(conn, fn):
    wb = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(conn, _plan_id(conn), "fi")))
    fn(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_page_offers_the_downloads_in_the_users_language(app):
    at = app(PAGE, lang="sv")
    assert at.title[0].value == "Tabeller för fullmäktige: export och import"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Excel-arbetsbok", "CSV-tabell", "Tom mall"]
    assert at.file_uploader[0].label == "Redigerad arbetsbok (.xlsx)"


def test_upload_preview_then_apply(app, conn, make_user):
    area = plans.tree(conn, _plan_id(conn))[0]
    data = _edited(conn, lambda wb: wb["Painopisteet"].cell(2, 6, "Kuvaus Excelistä"))
    at = app(PAGE, user_id=make_user("Kaisa Kanslia"))
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["0", "1", "0", "25"]
    assert plans.get(conn, "focus_area", area["id"])["description"] == ""  # preview only
    at.button(key="exp_apply").click().run()
    assert not at.exception
    assert plans.get(conn, "focus_area", area["id"])["description"] == "Kuvaus Excelistä"
    assert plans.get(conn, "focus_area", area["id"])["updated_by"] == "Kaisa Kanslia"
    assert "Lisätty: 0, muutettu: 1," in at.success[0].value
    assert not any(b.key == "exp_apply" for b in at.button)  # the upload is cleared: no double apply


def test_bad_file_is_refused_with_rows(app, conn):
    data = _edited(conn, lambda wb: wb["Toimenpiteet"].cell(3, 10, "ensi vuonna"))
    at = app(PAGE, lang="en")
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    assert not at.exception
    assert "The file was not imported: 1 bad row." in at.error[0].value  # singular: one row
    frame = at.dataframe[0].value
    assert frame.iloc[0].tolist() == ["Toimenpiteet", 3, "Alkuvuosi: “ensi vuonna” is not a whole number."]
    assert not any(b.key == "exp_apply" for b in at.button)


def test_conflict_is_shown_with_who_changed_it(app, conn):
    from lape_plan.model import Actor

    data = _edited(conn, lambda wb: wb["Painopisteet"].cell(2, 6, "Excelin kuvaus"))
    area = plans.tree(conn, _plan_id(conn))[0]
    plans.update(conn, Actor(name="Anna App"), "focus_area", area["id"], area["version"], description="Annan kuvaus")
    at = app(PAGE, lang="en")
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    assert [m.value for m in at.metric] == ["0", "0", "1", "25"]
    assert "changed in the app after the export" in at.warning[-1].value
    frame = at.dataframe[0].value
    assert frame.iloc[0]["Changed in the app by"].startswith("Anna App, ")
    assert any("no changes to import" in i.value for i in at.info)


def test_preview_is_kept_across_reruns_until_the_database_changes(app, conn, monkeypatch):
    from lape_plan import roundtrip
    from lape_plan.model import Actor

    calls = []
    real = roundtrip.preview
    monkeypatch.setattr(roundtrip, "preview", lambda *a, **k: calls.append(1) or real(*a, **k))
    data = _edited(conn, lambda wb: wb["Painopisteet"].cell(2, 6, "Excelin kuvaus"))
    at = app(PAGE, lang="en")
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    at.checkbox(key="exp_all").check().run()  # an unrelated click
    assert len(calls) == 1 and [m.value for m in at.metric] == ["0", "1", "0", "25"]
    area = plans.tree(conn, _plan_id(conn))[0]
    plans.update(conn, Actor(name="Anna App"), "focus_area", area["id"], area["version"], description="Annan kuvaus")
    at.checkbox(key="exp_all").uncheck().run()
    assert len(calls) == 2 and [m.value for m in at.metric] == ["0", "0", "1", "25"]  # now a conflict
