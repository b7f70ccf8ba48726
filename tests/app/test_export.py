import io

import openpyxl

from lape_plan import documents, exports, plans
from tests.helpers import org_id, first_plan_id

PAGE = "pages/export.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _edited(conn, fn):
    wb = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(conn, first_plan_id(conn), "fi")))
    fn(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_page_offers_the_downloads_in_the_users_language(app):
    at = app(PAGE, lang="sv")
    assert at.title[0].value == "Tabeller för fullmäktige: export och import"
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels[:3] == ["Excel-arbetsbok", "CSV-tabell", "Tom mall"]
    # the councils' document: Word always, PDF where LibreOffice Writer is installed (else the page says why)
    pdf = documents.pdf_available()
    assert labels[3:] == (
        ["Planen (Word)", "Planen (PDF)", "Årsrapport 2024 (Word)", "Årsrapport 2024 (PDF)"]
        if pdf
        else ["Planen (Word)", "Årsrapport 2024 (Word)"]
    )
    if not documents.pdf_available():
        assert any("LibreOffice Writer" in i.value for i in at.info)
    assert at.file_uploader[0].label == "Redigerad arbetsbok (.xlsx)"


def test_upload_preview_then_apply(app, conn, make_user):
    area = plans.tree(conn, first_plan_id(conn))[0]
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
    assert frame.iloc[0].tolist() == ["Toimenpiteet", "3", "Alkuvuosi: “ensi vuonna” is not a whole number."]
    assert not any(b.key == "exp_apply" for b in at.button)


def _anna_edits_the_first_area(conn) -> dict:
    """An edit made in the app after the export; returns the area as it was exported."""
    from lape_plan.model import Actor, Role

    area = plans.tree(conn, first_plan_id(conn))[0]
    plans.update(
        conn,
        Actor(name="Anna App", role=Role.ADMIN),
        "focus_area",
        area["id"],
        area["version"],
        description="Annan kuvaus",
    )
    return area


def test_conflict_is_shown_with_who_changed_it(app, conn):
    data = _edited(conn, lambda wb: wb["Painopisteet"].cell(2, 6, "Excelin kuvaus"))
    area = _anna_edits_the_first_area(conn)
    at = app(PAGE, lang="en")
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    assert [m.value for m in at.metric] == ["0", "0", "1", "25"]
    assert "changed in the app after the export" in at.warning[-1].value
    frame = at.dataframe[0].value
    assert frame.iloc[0]["Changed in the app by"].startswith("Anna App, ")
    assert frame.iloc[0]["Item"] == f"1 {plans.title_in(area, 'en')}"  # its plan number, not its id
    assert any("no changes to import" in i.value for i in at.info)


def test_preview_is_kept_across_reruns_until_the_database_changes(app, conn, monkeypatch):
    from lape_plan import roundtrip

    calls = []
    real = roundtrip.preview
    monkeypatch.setattr(roundtrip, "preview", lambda *a, **k: calls.append(1) or real(*a, **k))
    data = _edited(conn, lambda wb: wb["Painopisteet"].cell(2, 6, "Excelin kuvaus"))
    at = app(PAGE, lang="en")
    at.file_uploader[0].set_value(("plan.xlsx", data, XLSX)).run()
    at.checkbox(key="exp_all").check().run()  # an unrelated click
    assert len(calls) == 1 and [m.value for m in at.metric] == ["0", "1", "0", "25"]
    _anna_edits_the_first_area(conn)
    at.checkbox(key="exp_all").uncheck().run()
    assert len(calls) == 2 and [m.value for m in at.metric] == ["0", "0", "1", "25"]  # now a conflict


def test_municipality_card_offered_for_the_chosen_municipality(app, conn):
    kokkola = org_id(conn, "272")
    at = app(PAGE, municipality_id=kokkola)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "Kuntakortti: Kokkola (Word)" in labels
    at = app(PAGE)
    assert not any(label.startswith("Kuntakortti") for label in [b.proto.label for b in at.get("download_button")])
    assert any("valitsemalla kunnan" in c.value for c in at.caption)


def test_workshop_report_offered_when_the_plan_has_workshops(app, conn):
    from lape_plan import workshop
    from lape_plan.model import SYSTEM

    area = plans.tree(conn, first_plan_id(conn))[0]
    workshop.create(conn, SYSTEM, first_plan_id(conn), "LAPE-akatemia", focus_area_ids=[area["id"]])
    at = app(PAGE, lang="en")
    assert at.selectbox(key="doc_workshop").value is not None
    assert "Workshop report (Word)" in [b.proto.label for b in at.get("download_button")]


def _member(conn, make_user, codes):
    from lape_plan.model import Role

    return make_user("Kaisa Kokkola", Role.MEMBER, codes)


def test_members_file_applies_their_rows_and_lists_the_rest_as_not_permitted(app, conn, make_user):
    from lape_plan import follow_up

    items = {i["row"]["title_fi"][:14]: i for i in follow_up.items(conn, first_plan_id(conn))}
    own, other = items["Kaveritoiminta"], items["Yhteinen kiusa"]

    def edit(wb):
        ws = wb["Toimenpiteet"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value in (own["id"], other["id"]):
                row[6].value = "Ruotsiksi " + str(row[0].value)  # title in Swedish

    at = app(PAGE, user_id=_member(conn, make_user, ["272"]), auth_role="member")
    at.file_uploader[0].set_value(("plan.xlsx", _edited(conn, edit), XLSX)).run()
    assert not at.exception and not at.error
    assert [m.label for m in at.metric][-1] == "Ei muutosoikeutta" and at.metric[-1].value == "1"
    assert any("koskee kohdetta, josta vastaa toinen organisaatio" in i.value for i in at.info)
    frames = [d.value for d in at.dataframe]
    assert frames[0]["Kohde"].tolist() == [f"{own['number']} {own['row']['title_fi']}"]  # changed: own
    assert frames[1]["Kohde"].tolist() == [f"{other['number']} {other['row']['title_fi']}"]  # not permitted
    at.button(key="exp_apply").click().run()
    assert plans.get(conn, "measure", own["id"])["title_sv"] == f"Ruotsiksi {own['id']}"
    assert plans.get(conn, "measure", other["id"])["title_sv"] != f"Ruotsiksi {other['id']}"


def test_viewer_is_not_offered_the_upload(app, conn, make_user):
    from lape_plan.model import Role

    at = app(PAGE, user_id=make_user("Ville Viewer", Role.VIEWER), auth_role="viewer")
    assert not at.file_uploader
    assert any("Katselijana voit ladata suunnitelman" in i.value for i in at.info)
    assert [b.proto.label for b in at.get("download_button")][0] == "Excel-työkirja"  # downloads stay
