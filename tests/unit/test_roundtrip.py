"""The Excel round trip: unchanged files change nothing, edits come back exactly,
conflicts are shown and skipped, and every bad file is refused whole."""

import io

import openpyxl
import pytest

from lape_plan import db as dbm, exports, follow_up, i18n, plans, roundtrip
from lape_plan.errors import ImportRejected
from lape_plan.model import SYSTEM, Actor, Role
from tests.helpers import first_plan_id, org_id

ANNA = Actor(name="Anna App", role=Role.ADMIN)
EXCEL = Actor(name="Eero Excel", role=Role.ADMIN)


def _snapshot(db):
    """Everything the import could touch (audit rows included)."""
    return {
        t: [dict(r) for r in db.query(f"select * from {t} order by rowid")]
        for t in ("focus_areas", "goals", "measures", "goal_municipalities", "goal_responsibles", "audit")
    }


def _edit(data, fn):
    wb = openpyxl.load_workbook(io.BytesIO(data))
    fn(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _row_of(ws, item_id):
    return next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == item_id)


def _col(ws, header):
    return next(c.column for c in ws[1] if c.value == header)


def _set(ws, item_id, header, value):
    ws.cell(_row_of(ws, item_id), _col(ws, header)).value = value


@pytest.fixture
def exported(demo_db):
    return exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")


def _shown(problems, lang="en"):
    """Problems as a screen shows them: where, row and the reason in `lang`."""
    return [(p.where, p.row, p.text(lang)) for p in problems]


def _rejected(db, data, lang="en", actor=EXCEL):
    before = _snapshot(db)
    with pytest.raises(ImportRejected) as err:
        roundtrip.apply(db, actor, data, lang)
    assert _snapshot(db) == before  # refused whole: nothing written
    return _shown(err.value.problems, lang)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_unchanged_export_changes_nothing(demo_db, lang):
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), lang)
    before = _snapshot(demo_db)
    result = roundtrip.apply(demo_db, EXCEL, data, "fi")
    assert (result.added, result.changed, result.conflicts) == ([], [], [])
    assert result.unchanged == 4 + 8 + 14
    assert result.applied
    assert _snapshot(demo_db) == before


def test_edited_file_gives_exactly_the_edits(demo_db, exported):
    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][1]
    measure = goal["measures"][0]

    def edit(wb):
        _set(wb["Tavoitteet"], goal["id"], "Otsikko ruotsiksi", "Mobbningen minskar överallt")
        ws = wb["Toimenpiteet"]
        _set(ws, measure["id"], "Loppuvuosi", 2024)
        _set(ws, measure["id"], "Resurssit €", "2 500,50 €")
        _set(ws, measure["id"], "Vastuutaho", "Karleby")  # Swedish name of Kokkola is accepted too
        ws.append(
            [
                None,
                None,
                goal["id"],
                None,
                None,
                "Uusi: kiusaamiskysely vanhemmille",
                "Ny: enkät till föräldrar",
                "",
                "Kannus",
                2022,
                2023,
                "Opetustoimi",
                1200,
            ]
        )

    data = _edit(exported, edit)
    preview = roundtrip.preview(demo_db, EXCEL, data, "fi")
    assert not preview.applied
    assert [c.item_id for c in preview.changed] == [goal["id"], measure["id"]]
    assert preview.changed[0].fields == {
        "Otsikko ruotsiksi": ("Mobbningen minskar i skolor och småbarnspedagogik", "Mobbningen minskar överallt")
    }
    assert preview.changed[1].fields["Loppuvuosi"] == ("2022", "2024")
    assert preview.changed[1].fields["Vastuutaho"] == ("Kannus", "Kokkola")
    assert [c.title for c in preview.added] == ["Uusi: kiusaamiskysely vanhemmille"]
    assert plans.get(demo_db, "measure", measure["id"])["end_year"] == 2022  # preview wrote nothing

    result = roundtrip.apply(demo_db, EXCEL, data, "fi")
    assert result.applied and len(result.changed) == 2 and len(result.added) == 1
    after = plans.get(demo_db, "measure", measure["id"])
    kokkola = next(o for o in plans.organisations(demo_db) if o["code"] == "272")
    assert (after["end_year"], after["resources_eur"], after["responsible_org_id"]) == (2024, 2500.5, kokkola["id"])
    assert after["version"] == measure["version"] + 1 and after["updated_by"] == "Eero Excel"
    assert plans.get(demo_db, "goal", goal["id"])["title_sv"] == "Mobbningen minskar överallt"
    new = plans.tree(demo_db, plan_id)[0]["goals"][1]["measures"][-1]
    assert (new["title_sv"], new["start_year"], new["resources_eur"]) == ("Ny: enkät till föräldrar", 2022, 1200)
    audit = [r for r in dbm.audit_rows(demo_db) if r["actor"] == "Eero Excel"]
    assert sorted((r["entity"], r["action"]) for r in audit) == [
        ("goal", "update"),
        ("measure", "create"),
        ("measure", "update"),
    ]
    # the same file again: nothing more, and the new measure is not added twice
    again = roundtrip.apply(demo_db, EXCEL, data, "fi")
    assert (again.added, again.changed) == ([], []) and len(
        plans.tree(demo_db, plan_id)[0]["goals"][1]["measures"]
    ) == 3
    # the file's versions are stale now, but its rows equal the app's: unchanged, not conflicts
    assert again.conflicts == [] and again.unchanged == 26 + 1
    assert plans.get(demo_db, "measure", measure["id"])["version"] == after["version"]


def test_newer_edit_in_the_app_is_a_conflict_and_not_applied(demo_db, exported):
    plan_id = first_plan_id(demo_db)
    area = plans.tree(demo_db, plan_id)[0]
    plans.update(demo_db, ANNA, "focus_area", area["id"], area["version"], title_sv="Ensamhet (Annas text)")
    other = plans.tree(demo_db, plan_id)[1]

    def edit(wb):
        _set(wb["Painopisteet"], area["id"], "Otsikko ruotsiksi", "Ensamhet (Eeros text)")
        _set(wb["Painopisteet"], other["id"], "Kuvaus", "Uusi kuvaus")

    result = roundtrip.apply(demo_db, EXCEL, _edit(exported, edit), "en")
    assert [c.item_id for c in result.conflicts] == [area["id"]]
    conflict = result.conflicts[0]
    assert conflict.by == "Anna App" and conflict.at
    assert conflict.fields == {"Title in Swedish": ("Ensamhet (Annas text)", "Ensamhet (Eeros text)")}
    assert plans.get(demo_db, "focus_area", area["id"])["title_sv"] == "Ensamhet (Annas text)"
    assert [c.item_id for c in result.changed] == [other["id"]]
    assert plans.get(demo_db, "focus_area", other["id"])["description"] == "Uusi kuvaus"


def test_stale_row_that_matches_the_app_is_unchanged(demo_db, exported):
    area = plans.tree(demo_db, first_plan_id(demo_db))[0]
    plans.update(demo_db, ANNA, "focus_area", area["id"], area["version"], description="Annan kuvaus")

    result = roundtrip.apply(
        demo_db, EXCEL, _edit(exported, lambda wb: _set(wb["Painopisteet"], area["id"], "Kuvaus", "Annan kuvaus")), "en"
    )
    assert (result.conflicts, result.changed) == ([], [])


def test_member_may_import_an_unchanged_file_but_not_edit_others_items(demo_db, exported):
    member = Actor(name="Maija", role=Role.MEMBER, org_ids=frozenset({999}))
    assert roundtrip.apply(demo_db, member, exported, "en").unchanged == 26
    area = plans.tree(demo_db, first_plan_id(demo_db))[0]
    before = _snapshot(demo_db)
    result = roundtrip.apply(
        demo_db, member, _edit(exported, lambda wb: _set(wb["Painopisteet"], area["id"], "Kuvaus", "x")), "en"
    )
    assert [(c.sheet, c.row, c.number) for c in result.not_permitted] == [("Painopisteet", 2, "1")]
    assert (result.changed, result.added) == ([], [])
    assert _snapshot(demo_db) == before


def test_viewer_cannot_add_measures(demo_db, exported):
    goal = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]
    viewer = Actor(name="Ville", role=Role.VIEWER)
    data = _edit(exported, lambda wb: wb["Toimenpiteet"].append([None, None, goal["id"], None, None, "Uusi"]))
    before = _snapshot(demo_db)
    result = roundtrip.apply(demo_db, viewer, data, "en")
    assert [(c.row, c.title, c.number) for c in result.not_permitted] == [(16, "Uusi", "new, under 1.1")]
    assert result.added == [] and _snapshot(demo_db) == before
    assert roundtrip.upload_refusal(demo_db, viewer, first_plan_id(demo_db)) == "friction.rt.viewer"


def test_members_file_applies_their_rows_and_lists_the_rest_as_not_permitted(demo_db, exported):
    """A member's file with a row outside their organisations is not refused whole: what
    they may change is applied, the rest is listed as not permitted, by plan number."""
    plan_id = first_plan_id(demo_db)
    kokkola = org_id(demo_db, "272")
    member = Actor(name="Kaisa", role=Role.MEMBER, org_ids=frozenset({kokkola}))
    items = {i["row"]["title_fi"][:14]: i for i in follow_up.items(demo_db, plan_id)}
    own, other = items["Kaveritoiminta"], items["Yhteinen kiusa"]
    assert kokkola in own["responsible_ids"] and kokkola not in other["responsible_ids"]

    def edit(wb):
        _set(wb["Toimenpiteet"], own["id"], "Otsikko ruotsiksi", "Kamratverksamhet överallt")
        _set(wb["Toimenpiteet"], other["id"], "Otsikko ruotsiksi", "Inte min")

    preview = roundtrip.preview(demo_db, member, _edit(exported, edit), "en")
    assert [c.number for c in preview.changed] == [own["number"]]
    assert [(c.number, c.entity) for c in preview.not_permitted] == [(other["number"], "measure")]
    result = roundtrip.apply(demo_db, member, _edit(exported, edit), "en")
    assert plans.get(demo_db, "measure", own["id"])["title_sv"] == "Kamratverksamhet överallt"
    assert plans.get(demo_db, "measure", other["id"])["title_sv"] != "Inte min"
    assert len(result.not_permitted) == 1 and result.applied


def test_a_bad_value_still_refuses_a_members_file_whole(demo_db, exported):
    member = Actor(name="Kaisa", role=Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    measure = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]["measures"][0]

    def edit(wb):
        _set(wb["Toimenpiteet"], measure["id"], "Otsikko ruotsiksi", "Kamratverksamhet")
        _set(wb["Toimenpiteet"], measure["id"], "Loppuvuosi", "ensi vuonna")

    problems = _rejected(demo_db, _edit(exported, edit), actor=member)
    assert len(problems) == 1 and "is not a whole number" in problems[0][2]


def test_upload_is_offered_only_to_those_who_may_change_something(demo_db):
    plan_id = first_plan_id(demo_db)
    assert roundtrip.upload_refusal(demo_db, ANNA, plan_id) is None  # a coordinator
    assert roundtrip.upload_refusal(demo_db, Actor(name="V", role=Role.VIEWER), plan_id) == "friction.rt.viewer"
    member = Actor(name="K", role=Role.MEMBER, org_ids=frozenset({org_id(demo_db, "272")}))
    assert roundtrip.upload_refusal(demo_db, member, plan_id) is None
    outsider = Actor(name="O", role=Role.MEMBER, org_ids=frozenset({999}))
    assert roundtrip.upload_refusal(demo_db, outsider, plan_id) == "friction.rt.no_items"


# ---------------------------------------------------------------- bad files
def test_every_bad_row_is_listed_and_nothing_is_written(demo_db, exported):
    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    measure = goal["measures"][0]

    def edit(wb):
        ws = wb["Toimenpiteet"]
        _set(ws, measure["id"], "Loppuvuosi", "ensi vuonna")  # text in a number
        row = _row_of(ws, goal["measures"][1]["id"])
        ws.cell(row, _col(ws, "Resurssit €")).value = "paljon"
        ws.cell(row, _col(ws, "Otsikko suomeksi")).value = "Muutettu otsikko"  # a valid edit in the same file
        _set(wb["Tavoitteet"], goal["id"], "Otsikko suomeksi", "")  # required text removed
        ws.append([99999, 1, goal["id"], None, None, "Tuntematon"])  # unknown id
        ws.append([None, None, 88888, None, None, "Uusi tuntemattomaan"])  # unknown goal
        ws.append([None, None, goal["id"], None, None, "Uusi", "", "", "Tuntematon kunta"])  # unknown org
        ws.append([None, None, goal["id"], None, None, "Väärä vuosi", "", "", "", 2019])  # outside the plan
        ws.append([None, None, goal["id"], None, None, "=1+1"])  # a formula typed into a cell
        _set(wb["Painopisteet"], plans.tree(demo_db, plan_id)[1]["id"], "Versio", "x")

    problems = _rejected(demo_db, _edit(exported, edit))
    reasons = {(sheet, row): reason for sheet, row, reason in problems}
    m_row = 2
    assert "“ensi vuonna” is not a whole number" in reasons[("Toimenpiteet", m_row)]
    assert "“paljon” is not a number" in reasons[("Toimenpiteet", m_row + 1)]
    assert reasons[("Tavoitteet", 2)] == "Title in Finnish: this is required."
    assert reasons[("Toimenpiteet", 16)] == "Measure 99999 is not in this plan (or was deleted)."
    assert reasons[("Toimenpiteet", 17)] == "Goal 88888 is not in this plan (or was deleted)."
    assert reasons[("Toimenpiteet", 18)] == "unknown responsible organisation “Tuntematon kunta”."
    assert "2019" in reasons[("Toimenpiteet", 19)]
    assert "formula" in reasons[("Toimenpiteet", 20)]
    assert "“x” is not a whole number" in reasons[("Painopisteet", 3)]
    assert len(problems) == 9


def test_problems_are_in_the_users_language(demo_db, exported):
    data = _edit(exported, lambda wb: wb["Toimenpiteet"].append([12345, 1, 1]))
    problems = _rejected(demo_db, data, "sv")
    assert problems == [("Toimenpiteet", 16, "Åtgärd 12345 finns inte i denna plan (eller har raderats).")]


def test_missing_required_column(demo_db, exported):
    problems = _rejected(demo_db, _edit(exported, lambda wb: wb["Toimenpiteet"].delete_cols(10)))
    assert problems == [("Toimenpiteet", 1, "the column “Alkuvuosi” is missing.")]


def test_renamed_sheet(demo_db, exported):
    def rename(wb):
        wb["Tavoitteet"].title = "Goals"

    problems = _rejected(demo_db, _edit(exported, rename))
    assert problems == [
        ("Tavoitteet", 0, "the sheet is missing or was renamed (in its place: Goals); restore the original name.")
    ]


def test_reordered_sheets(demo_db, exported):
    def reorder(wb):
        wb.move_sheet("Toimenpiteet", offset=-1)

    problems = _rejected(demo_db, _edit(exported, reorder))
    assert ("Tavoitteet", 0, "the sheet was moved from position 4 to 5; restore the original order.") in problems
    assert ("Toimenpiteet", 0, "the sheet was moved from position 5 to 4; restore the original order.") in problems


def test_not_a_workbook_and_not_ours(demo_db):
    problems = _rejected(demo_db, b"focus;goal\n1;2\n")
    assert "not an Excel workbook" in problems[0][2]
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    problems = _rejected(demo_db, buf.getvalue())
    assert "_lape is missing" in problems[0][2]


def test_duplicate_rows_and_goal_moves_are_refused(demo_db, exported):
    goal = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]
    other_goal = plans.tree(demo_db, first_plan_id(demo_db))[1]["goals"][0]

    def edit(wb):
        ws = wb["Toimenpiteet"]
        ws.append([c.value for c in ws[2]])
        _set(ws, goal["measures"][1]["id"], "Tavoitteen tunniste", other_goal["id"])

    problems = _rejected(demo_db, _edit(exported, edit))
    reasons = [r for _, _, r in problems]
    assert any("appears twice" in r for r in reasons)
    assert any("cannot be changed by file" in r for r in reasons)


def test_version_ahead_of_the_database_is_refused(demo_db, exported):
    area = plans.tree(demo_db, first_plan_id(demo_db))[0]
    problems = _rejected(demo_db, _edit(exported, lambda wb: _set(wb["Painopisteet"], area["id"], "Versio", 7)))
    assert "newer than the app's (1)" in problems[0][2]


def test_blank_template_adds_measures(demo_db):
    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[2]["goals"][0]
    template = exports.plan_workbook(demo_db, plan_id, "sv", blank=True)
    data = _edit(
        template,
        lambda wb: wb["Åtgärder"].append(
            [
                None,
                None,
                goal["id"],
                None,
                None,
                "Perhekeskuksen aukioloajat iltaan",
                "Familjecentret öppet på kvällar",
                "",
                "HVA18",
                2023,
                2024,
            ]
        ),
    )
    result = roundtrip.apply(demo_db, SYSTEM, data, "sv")
    assert [c.title for c in result.added] == ["Familjecentret öppet på kvällar"]
    assert (
        plans.tree(demo_db, plan_id)[2]["goals"][0]["measures"][-1]["title_fi"] == "Perhekeskuksen aukioloajat iltaan"
    )


def test_hostile_text_survives_the_round_trip_as_text(demo_db, exported):
    measure = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]["measures"][0]

    def edit(wb):
        cell = wb["Toimenpiteet"].cell(_row_of(wb["Toimenpiteet"], measure["id"]), 8)
        cell.value = "=cmd|' /C calc'!A0"
        cell.data_type = "s"  # typed as text (Excel: a leading apostrophe)

    roundtrip.apply(demo_db, EXCEL, _edit(exported, edit), "en")
    assert plans.get(demo_db, "measure", measure["id"])["description"] == "=cmd|' /C calc'!A0"
    again = openpyxl.load_workbook(io.BytesIO(exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")))
    cell = again["Toimenpiteet"].cell(_row_of(again["Toimenpiteet"], measure["id"]), 8)
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s" and cell.quotePrefix


# ---------------------------------------------------------------- follow-up
def _status_row(ws, entity_label, item_id, year):
    e, i, y = _col(ws, "Kohde"), _col(ws, "Kohteen tunniste"), _col(ws, "Vuosi")
    return next(
        r[0].row
        for r in ws.iter_rows(min_row=2)
        if r[e - 1].value == entity_label and r[i - 1].value == item_id and r[y - 1].value == year
    )


def _set_status(ws, item_id, year, entity="Toimenpide", **values):
    row = _status_row(ws, entity, item_id, year)
    for header, value in values.items():
        ws.cell(row, _col(ws, header)).value = value
    return row


def test_statuses_and_narratives_come_back(demo_db):
    from lape_plan import follow_up

    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    measure = goal["measures"][0]
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2021, "on_track", progress=40, narrative="Alkoi")
    data = exports.plan_workbook(demo_db, plan_id, "fi")

    def edit(wb):
        ws = wb["Seuranta"]
        _set_status(
            ws, measure["id"], 2021, **{"Kuvaus toteutumisesta": "Alkoi kaikissa kouluissa", "Edistyminen %": "55 %"}
        )
        _set_status(ws, measure["id"], 2022, Tilanne="Viivästynyt", **{"Kuvaus toteutumisesta": "Kaksi koulua"})
        _set_status(ws, goal["id"], 2022, entity="Tavoite", Tilanne="Klar")  # a Swedish label is understood too

    result = roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "fi")
    assert [(c.entity, c.item_id, c.year) for c in result.changed] == [("measure", measure["id"], 2021)]
    assert result.changed[0].fields == {
        "Kuvaus toteutumisesta": ("Alkoi", "Alkoi kaikissa kouluissa"),
        "Edistyminen %": ("40", "55"),
    }
    assert sorted((c.entity, c.year) for c in result.added) == [("goal", 2022), ("measure", 2022)]
    current = follow_up.current(demo_db, plan_id)
    m2021 = current[("measure", measure["id"], 2021)]
    assert (m2021["narrative"], m2021["progress"], m2021["version"], m2021["updated_by"]) == (
        "Alkoi kaikissa kouluissa",
        55,
        2,
        "Eero Excel",
    )
    assert current[("measure", measure["id"], 2022)]["status"] == "delayed"
    assert current[("goal", goal["id"], 2022)]["status"] == "done"
    assert len(follow_up.history(demo_db, "measure", measure["id"])) == 3
    # the same file again changes nothing
    again = roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "fi")
    assert (again.added, again.changed, again.conflicts) == ([], [], [])


def test_status_written_in_the_app_after_export_is_a_conflict(demo_db):
    from lape_plan import follow_up

    plan_id = first_plan_id(demo_db)
    measure = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][0]
    data = exports.plan_workbook(demo_db, plan_id, "fi")
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2023, "done")
    result = roundtrip.apply(
        demo_db, EXCEL, _edit(data, lambda wb: _set_status(wb["Seuranta"], measure["id"], 2023, Tilanne="Etenee")), "en"
    )
    assert [(c.item_id, c.year, c.by) for c in result.conflicts] == [(measure["id"], 2023, "Anna App")]
    assert follow_up.current(demo_db, plan_id)[("measure", measure["id"], 2023)]["status"] == "done"


def test_bad_status_rows_are_refused(demo_db):
    from lape_plan import follow_up

    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    m1, m2 = goal["measures"]
    follow_up.record(demo_db, ANNA, "measure", m2["id"], 2022, "on_track")
    data = exports.plan_workbook(demo_db, plan_id, "fi")
    rows = {}

    def edit(wb):
        ws = wb["Seuranta"]
        rows["unknown"] = _set_status(ws, m1["id"], 2021, Tilanne="Melkein valmis")
        rows["progress"] = _set_status(ws, m1["id"], 2022, Tilanne="Etenee", **{"Edistyminen %": "puolet"})
        rows["narrative"] = _set_status(ws, m1["id"], 2023, Tilanne="Viivästynyt")  # needs a narrative
        rows["removed"] = _set_status(ws, m2["id"], 2022, Tilanne=None)
        rows["no_status"] = _set_status(ws, m2["id"], 2023, **{"Kuvaus toteutumisesta": "Teksti ilman tilaa"})
        rows["range"] = _set_status(ws, m1["id"], 2024, Tilanne="Etenee", **{"Edistyminen %": 150})
        ws.append(["Toimenpide", m1["id"], None, None, 2031, "Valmis"])
        ws.append(["Kokous", m1["id"], None, None, 2022, "Valmis"])

    before = _snapshot(demo_db)
    with pytest.raises(ImportRejected) as err:
        roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "en")
    assert _snapshot(demo_db) == before
    reasons = {row: reason for sheet, row, reason in _shown(err.value.problems) if sheet == "Seuranta"}
    assert reasons[rows["unknown"]].startswith("unknown status “Melkein valmis”; choose one of: Not started")
    assert "“puolet” is not a whole number" in reasons[rows["progress"]]
    assert reasons[rows["narrative"]] == i18n_error("follow_up.error.narrative_required", status="delayed")
    assert "cannot be removed" in reasons[rows["removed"]]
    assert reasons[rows["no_status"]] == i18n.t("export.rt.status_needed", "en")
    assert rows["range"] in reasons
    last = max(reasons)
    assert "unknown item type “Kokous”" in reasons[last] and "2031" in reasons[last - 1]
    assert len(err.value.problems) == 8


def i18n_error(key, **params):
    from lape_plan.errors import ValidationError

    return i18n.error_text(ValidationError(key, field="fu_narrative", **params), "en")


def test_zip_bomb_is_refused_before_unpacking(demo_db, monkeypatch):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * 3_000_000)
    monkeypatch.setattr(roundtrip, "MAX_UNPACKED", 2_000_000)
    problems = _rejected(demo_db, buf.getvalue())
    assert "more than 2 MB" in problems[0][2]


def test_item_deleted_in_the_app_after_export_is_a_conflict_not_a_bad_file(demo_db):
    from lape_plan import follow_up

    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    measure, other = goal["measures"]
    data = exports.plan_workbook(demo_db, plan_id, "fi")
    plans.delete(demo_db, ANNA, "measure", measure["id"], measure["version"])

    def edit(wb):
        _set(wb["Toimenpiteet"], other["id"], "Kuvaus", "Muokattu")
        _set_status(wb["Seuranta"], measure["id"], 2022, Tilanne="Valmis")

    result = roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "en")
    assert [(c.sheet, c.item_id, c.by) for c in result.conflicts] == [
        ("Toimenpiteet", measure["id"], "Anna App"),
        ("Seuranta", measure["id"], "Anna App"),
    ]
    assert "deleted in the app" in result.conflicts[0].fields
    assert [c.item_id for c in result.changed] == [other["id"]]
    assert ("measure", measure["id"], 2022) not in follow_up.current(demo_db, plan_id)
    assert plans.deleted_items(demo_db, plan_id)[0]["id"] == measure["id"]  # still deleted


def test_a_row_holding_only_a_formula_is_reported(demo_db, exported):
    def edit(wb):
        wb["Toimenpiteet"].cell(16, 8).value = '=HYPERLINK("http://evil.example","x")'

    problems = _rejected(demo_db, _edit(exported, edit))
    assert problems == [("Toimenpiteet", 16, "the column “Kuvaus” holds a formula; type the value as text.")]


def test_formula_in_a_column_only_for_reading_is_ignored(demo_db, exported):
    def edit(wb):
        wb["Toimenpiteet"]["E2"] = "=C2"  # the goal's title, a reference column

    result = roundtrip.apply(demo_db, EXCEL, _edit(exported, edit), "en")
    assert (result.changed, result.added) == ([], []) and result.unchanged == 26


# ---------------------------------------------------------------- edits in the app after the export
def test_status_recorded_in_the_app_after_export_is_not_a_removal(demo_db):
    plan_id = first_plan_id(demo_db)
    measure = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][0]
    area = plans.tree(demo_db, plan_id)[1]
    data = exports.plan_workbook(demo_db, plan_id, "fi")  # no status for 2023 yet
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2023, "on_track", progress=50, narrative="Annan")

    # The Excel user never touched that row: their other edits apply, the status stays.
    result = roundtrip.apply(
        demo_db, EXCEL, _edit(data, lambda wb: _set(wb["Painopisteet"], area["id"], "Kuvaus", "Eeron kuvaus")), "en"
    )
    assert [c.item_id for c in result.changed] == [area["id"]] and result.conflicts == []
    assert result.unchanged == 25 + 1  # the other items, and the status row counts as unchanged
    assert plans.get(demo_db, "focus_area", area["id"])["description"] == "Eeron kuvaus"
    now = follow_up.current(demo_db, plan_id)[("measure", measure["id"], 2023)]
    assert (now["status"], now["narrative"], now["version"]) == ("on_track", "Annan", 1)

    # They typed into that row without a status: a conflict naming who recorded it, not applied.
    def narrative(wb):
        _set_status(wb["Seuranta"], measure["id"], 2023, **{"Kuvaus toteutumisesta": "Eeron teksti"})

    result = roundtrip.apply(demo_db, EXCEL, _edit(data, narrative), "en")
    conflicts = [c for c in result.conflicts if c.sheet == "Seuranta"]  # the area: Eero's own edit since
    assert [(c.item_id, c.year, c.by) for c in conflicts] == [(measure["id"], 2023, "Anna App")]
    assert conflicts[0].fields["Implementation narrative"] == ("Annan", "Eeron teksti")
    assert follow_up.current(demo_db, plan_id)[("measure", measure["id"], 2023)]["narrative"] == "Annan"


def test_clearing_a_status_updated_in_the_app_since_is_a_conflict(demo_db):
    plan_id = first_plan_id(demo_db)
    measure = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][0]
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2022, "on_track")
    data = exports.plan_workbook(demo_db, plan_id, "fi")  # the status at version 1
    clear = _edit(data, lambda wb: _set_status(wb["Seuranta"], measure["id"], 2022, Tilanne=None))
    # Cleared in the file's own version: a removal, refused as before.
    assert "cannot be removed" in _rejected(demo_db, clear)[0][2]
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2022, "done", expected_version=1)
    result = roundtrip.apply(demo_db, EXCEL, clear, "en")
    assert [(c.item_id, c.by) for c in result.conflicts] == [(measure["id"], "Anna App")]
    assert result.conflicts[0].fields["Status"] == ("Done", "")
    assert follow_up.current(demo_db, plan_id)[("measure", measure["id"], 2022)]["status"] == "done"


# ---------------------------------------------------------------- new rows sharing a measure's title
def _new_row(goal_id, title, description="", end_year=2023, eur=1000):
    return [None, None, goal_id, None, None, title, "", description, "Kannus", 2022, end_year, "", eur]


def test_new_measure_row_corrected_after_upload_is_refused_not_dropped(demo_db, exported):
    plan_id = first_plan_id(demo_db)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]

    def add(description, end_year):
        return _edit(
            exported, lambda wb: wb["Toimenpiteet"].append(_new_row(goal["id"], "Uusi kerho", description, end_year))
        )

    assert len(roundtrip.apply(demo_db, EXCEL, add("Kuvaus", 2023), "en").added) == 1
    new = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][-1]
    # the same row again: unchanged, not added twice
    again = roundtrip.apply(demo_db, EXCEL, add("Kuvaus", 2023), "en")
    assert (again.added, again.changed, again.unchanged) == ([], [], 26 + 1)
    # the row corrected in the file: refused with where to edit it instead, nothing written
    problems = _rejected(demo_db, add("Korjattu kuvaus", 2024))
    assert problems == [
        (
            "Toimenpiteet",
            16,
            f"a measure with this title exists under the goal ({new['number']}, id {new['id']}); "
            "edit its row instead of adding a new one.",
        )
    ]
    stored = plans.get(demo_db, "measure", new["id"])
    assert (stored["description"], stored["end_year"]) == ("Kuvaus", 2023)


def test_another_new_measure_sharing_a_title_is_refused(demo_db, exported):
    goal = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]
    existing = goal["measures"][0]
    data = _edit(
        exported,
        lambda wb: wb["Toimenpiteet"].append(_new_row(goal["id"], existing["title_fi"].upper(), "Eri toimenpide")),
    )
    problems = _rejected(demo_db, data, "fi")
    assert problems == [
        (
            "Toimenpiteet",
            16,
            f"tavoitteella on jo toimenpide tällä otsikolla ({existing['number']}, tunniste {existing['id']}); "
            "muokkaa sen riviä äläkä lisää uutta.",
        )
    ]
    # two new rows of one title in one file: the second is refused, naming the first
    twice = _edit(
        exported,
        lambda wb: (
            wb["Toimenpiteet"].append(_new_row(goal["id"], "Uusi kerho", "A")),
            wb["Toimenpiteet"].append(_new_row(goal["id"], "Uusi kerho", "B")),
        ),
    )
    assert _rejected(demo_db, twice) == [
        (
            "Toimenpiteet",
            17,
            "row 16 already adds a measure with this title under the same goal; give the measures different titles.",
        )
    ]


# ---------------------------------------------------------------- percent-formatted cells
def test_percent_formatted_cells_are_read_as_the_percent_they_show(demo_db):
    from lape_plan import budget

    plan_id = first_plan_id(demo_db)
    measure = plans.tree(demo_db, plan_id)[0]["goals"][0]["measures"][0]
    budget.save(demo_db, ANNA, measure["id"], 2022, planned_eur=10000, direct_share=20)
    budget.save(demo_db, ANNA, measure["id"], 2023, planned_eur=10000, direct_share=20)
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2022, "on_track", progress=40)
    follow_up.record(demo_db, ANNA, "measure", measure["id"], 2023, "on_track", progress=40)
    data = exports.plan_workbook(demo_db, plan_id, "fi")

    def typed(ws, row, header, value, number_format):  # "40 %" typed in Excel: 0.4 shown as a percent
        cell = ws.cell(row, _col(ws, header))
        cell.value, cell.number_format = value, number_format

    def edit(wb):
        ws = wb["Lapsibudjetti"]
        rows = {r[4].value: r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == measure["id"]}
        typed(ws, rows[2022], "Suoraan lapsille, %", 0.4, "0%")
        typed(ws, rows[2023], "Suoraan lapsille, %", 0.07, "0.00%")  # 7.000000000000001 unrounded
        ws = wb["Seuranta"]
        typed(ws, _status_row(ws, "Toimenpide", measure["id"], 2022), "Edistyminen %", 1, "0%")
        typed(ws, _status_row(ws, "Toimenpide", measure["id"], 2023), "Edistyminen %", 0.55, "0.00%")

    result = roundtrip.apply(demo_db, EXCEL, _edit(data, edit), "en")
    assert result.applied and result.conflicts == []
    assert [budget.get(demo_db, measure["id"], y)["direct_share"] for y in (2022, 2023)] == [40, 7]
    current = follow_up.current(demo_db, plan_id)
    assert [current[("measure", measure["id"], y)]["progress"] for y in (2022, 2023)] == [100, 55]
    # the export's own format ('0" %"') only shows a sign: an unchanged file changes nothing
    before = _snapshot(demo_db)
    again = roundtrip.apply(demo_db, EXCEL, exports.plan_workbook(demo_db, plan_id, "fi"), "en")
    assert (again.changed, again.added, again.conflicts) == ([], [], []) and _snapshot(demo_db) == before


@pytest.mark.parametrize(
    ("number_format", "percent"),
    [
        ("0%", True),
        ("0.00%", True),
        ("#,##0.0 %", True),
        ('0" %"', False),
        ("0\\%", False),
        ("General", False),
        (None, False),
    ],
)
def test_percent_number_formats(number_format, percent):
    assert roundtrip._percent_format(number_format) is percent


# ---------------------------------------------------------------- organisations sharing a name
@pytest.fixture
def two_named_alike(demo_db):
    plan_id = first_plan_id(demo_db)
    kokkola = plans.add_organisation(demo_db, SYSTEM, "other", "Sivistystoimi", code="SIV-KOK")
    kannus = plans.add_organisation(demo_db, SYSTEM, "other", "Sivistystoimi", code="SIV-KAN")
    for o in (kokkola, kannus):
        plans.add_plan_organisation(demo_db, SYSTEM, plan_id, o)
    goal = plans.tree(demo_db, plan_id)[0]["goals"][0]
    m1 = plans.add(demo_db, SYSTEM, "measure", goal["id"], title_fi="Kokkolan kerho", responsible_org_id=kokkola)
    m2 = plans.add(demo_db, SYSTEM, "measure", goal["id"], title_fi="Kannuksen kerho", responsible_org_id=kannus)
    return kokkola, kannus, m1, m2


def test_unchanged_file_keeps_organisations_that_share_a_name(demo_db, two_named_alike):
    kokkola, kannus, m1, m2 = two_named_alike
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")
    before = _snapshot(demo_db)
    result = roundtrip.apply(demo_db, EXCEL, data, "en")
    assert (result.changed, result.conflicts) == ([], []) and _snapshot(demo_db) == before
    assert [plans.get(demo_db, "measure", m)["responsible_org_id"] for m in (m1, m2)] == [kokkola, kannus]


def test_a_name_of_several_organisations_asks_for_the_code(demo_db, two_named_alike):
    kokkola, kannus, m1, m2 = two_named_alike
    measure = plans.tree(demo_db, first_plan_id(demo_db))[0]["goals"][0]["measures"][0]  # Kannus's, not theirs
    data = exports.plan_workbook(demo_db, first_plan_id(demo_db), "fi")
    edited = _edit(data, lambda wb: _set(wb["Toimenpiteet"], measure["id"], "Vastuutaho", "sivistystoimi"))
    assert _rejected(demo_db, edited) == [
        (
            "Toimenpiteet",
            _row_of(openpyxl.load_workbook(io.BytesIO(data))["Toimenpiteet"], measure["id"]),
            "“sivistystoimi” is the name of more than one organisation; "
            "type the code of the one you mean: SIV-KAN, SIV-KOK.",
        )
    ]
    result = roundtrip.apply(
        demo_db, EXCEL, _edit(data, lambda wb: _set(wb["Toimenpiteet"], measure["id"], "Vastuutaho", "SIV-KOK")), "en"
    )
    assert [c.item_id for c in result.changed] == [measure["id"]]
    assert plans.get(demo_db, "measure", measure["id"])["responsible_org_id"] == kokkola
