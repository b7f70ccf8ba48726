import threading

import pytest

from lape_plan import db as dbm, follow_up as fu, plans
from lape_plan.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from lape_plan.model import Actor, Role
from tests.helpers import first_plan_id, measure_titled, org_id

ANNA = Actor(name="Anna", role=Role.ADMIN)
BO = Actor(name="Bo", role=Role.ADMIN)


def _goal(db, title_start):
    return plans.get(
        db, "goal", next(db.query("select id from goals where title_fi like ?", [title_start + "%"]))["id"]
    )


def test_statuses_and_labels_exist():
    from lape_plan import i18n

    assert fu.STATUSES == ("not_started", "on_track", "delayed", "done", "cancelled")
    for status in (*fu.STATUSES, fu.NO_UPDATE, fu.NOT_SCHEDULED):
        for lang in ("fi", "sv", "en"):
            assert i18n.t(f"follow_up.status.{status}", lang)
    assert i18n.t("follow_up.status.delayed", "sv") == "Försenad"


def test_record_and_current(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    assert fu.current(demo_db, first_plan_id(demo_db)) == {}
    v = fu.record(
        demo_db, ANNA, "measure", m["id"], 2022, "on_track", 40, "Kolme koulua aloitti.", "https://example.org/raportti"
    )
    assert v == 1
    cur = fu.current(demo_db, first_plan_id(demo_db))[("measure", m["id"], 2022)]
    assert cur["status"] == "on_track" and cur["progress"] == 40 and cur["narrative"] == "Kolme koulua aloitti."
    assert cur["evidence_url"] == "https://example.org/raportti" and cur["updated_by"] == "Anna"
    assert cur["version"] == 1 and cur["updated_at"]
    v2 = fu.record(demo_db, BO, "measure", m["id"], 2022, "done", expected_version=1)
    assert v2 == 2
    cur = fu.current(demo_db, first_plan_id(demo_db))[("measure", m["id"], 2022)]
    assert cur["status"] == "done" and cur["progress"] == 100 and cur["updated_by"] == "Bo"
    # years are independent: 2023 starts again from "no update"
    assert fu.record(demo_db, ANNA, "measure", m["id"], 2023, "on_track") == 1
    audit = [r for r in dbm.audit_rows(demo_db, "measure", m["id"]) if r["action"] == "status"]
    assert len(audit) == 3


@pytest.mark.parametrize("status", ["delayed", "cancelled"])
def test_delayed_and_cancelled_need_a_narrative(demo_db, status):
    m = measure_titled(demo_db, "Kaveritoiminta")
    with pytest.raises(ValidationError) as err:
        fu.record(demo_db, ANNA, "measure", m["id"], 2022, status, 20, "   ")
    assert err.value.key == "follow_up.error.narrative_required" and err.value.field == "fu_narrative"
    assert fu.current(demo_db, first_plan_id(demo_db)) == {}
    assert fu.record(demo_db, ANNA, "measure", m["id"], 2022, status, 20, "Rahoitus viivästyi.") == 1


@pytest.mark.parametrize(
    "kwargs, key",
    [
        ({"status": "late"}, "follow_up.error.unknown_status"),
        ({"progress": 101}, "follow_up.error.progress"),
        ({"progress": -1}, "follow_up.error.progress"),
        ({"progress": "paljon"}, "follow_up.error.progress"),
        ({"year": 2019}, "error.year_outside_plan"),
        ({"year": 2025}, "error.year_outside_plan"),
        ({"year": "ensi vuonna"}, "error.not_a_year"),
        ({"evidence_url": "javascript:alert(1)"}, "follow_up.error.url"),
        ({"evidence_url": "www.example.org"}, "follow_up.error.url"),
        ({"narrative": "x" * 2001}, "error.too_long"),
    ],
)
def test_bad_input_is_refused(demo_db, kwargs, key):
    m = measure_titled(demo_db, "Kaveritoiminta")
    args = {"status": "on_track", "year": 2022, **kwargs}
    with pytest.raises(ValidationError) as err:
        fu.record(demo_db, ANNA, "measure", m["id"], **args)
    assert err.value.key == key
    assert fu.history(demo_db, "measure", m["id"]) == []


def test_progress_accepts_decimal_comma_and_percent(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "on_track", "42,6 %")
    assert fu.history(demo_db, "measure", m["id"])[0]["progress"] == 43


def test_typical_progress():
    assert fu.typical_progress("not_started") == 0
    assert fu.typical_progress("done", 30) == 100
    assert fu.typical_progress("on_track") == 50
    assert fu.typical_progress("on_track", 70) == 70
    assert fu.typical_progress("delayed") == 25
    assert fu.typical_progress("cancelled", 40) == 40
    assert fu.typical_progress("cancelled") is None


def test_progress_left_empty_keeps_last_years_value(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2021, "on_track", 35)
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "delayed", None, "Kevät jäi väliin.")
    assert fu.current(demo_db, first_plan_id(demo_db))[("measure", m["id"], 2022)]["progress"] == 35


def test_stale_version_conflict_carries_the_saved_update(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "delayed", 10, "Annan selitys")
    with pytest.raises(ConflictError) as err:  # Bo's screen showed no update yet
        fu.record(demo_db, BO, "measure", m["id"], 2022, "on_track", 60, "Bon teksti", expected_version=None)
    assert err.value.by == "Anna" and err.value.at
    assert err.value.current["narrative"] == "Annan selitys" and err.value.current["version"] == 1
    with pytest.raises(ConflictError):  # a version from the future is stale too
        fu.record(demo_db, BO, "measure", m["id"], 2022, "on_track", 60, "Bon teksti", expected_version=5)
    assert fu.record(demo_db, BO, "measure", m["id"], 2022, "on_track", 60, "Bon teksti", expected_version=1) == 2


def test_permissions_follow_responsible_organisations(demo_db):
    kokkola, kannus, soite = org_id(demo_db, "272"), org_id(demo_db, "217"), org_id(demo_db, "HVA18")
    member = Actor(name="Kaisa", role=Role.MEMBER, org_ids=frozenset({kokkola}))
    m_kokkola = measure_titled(demo_db, "Kaveritoiminta")  # responsible: Kokkola
    m_kannus = measure_titled(demo_db, "Yhteinen kiusaamisen")  # responsible: Kannus
    assert fu.record(demo_db, member, "measure", m_kokkola["id"], 2022, "on_track") == 1
    with pytest.raises(PermissionDenied):
        fu.record(demo_db, member, "measure", m_kannus["id"], 2022, "on_track")
    goal = _goal(demo_db, "Jokaisella lapsella")  # responsible: Soite and Kokkola
    assert fu.record(demo_db, member, "goal", goal["id"], 2022, "on_track") == 1
    only_soite = _goal(demo_db, "Perheet saavat")
    with pytest.raises(PermissionDenied):
        fu.record(demo_db, member, "goal", only_soite["id"], 2022, "on_track")
    with pytest.raises(PermissionDenied):
        fu.record(demo_db, Actor(name="V", role=Role.VIEWER), "measure", m_kokkola["id"], 2022, "done")
    # a measure without its own organisation belongs to its goal's organisations
    plans.update(demo_db, ANNA, "measure", m_kannus["id"], m_kannus["version"], responsible_org_id=None)
    kannus_member = Actor(name="K", role=Role.MEMBER, org_ids=frozenset({kannus}))
    assert fu.record(demo_db, kannus_member, "measure", m_kannus["id"], 2022, "on_track") == 1  # goal: Kokkola, Kannus
    soite_member = Actor(name="S", role=Role.MEMBER, org_ids=frozenset({soite}))
    with pytest.raises(PermissionDenied):
        fu.record(demo_db, soite_member, "measure", m_kannus["id"], 2022, "on_track")


def test_unknown_or_deleted_item(demo_db):
    with pytest.raises(NotFound):
        fu.record(demo_db, ANNA, "measure", 99999, 2022, "on_track")
    with pytest.raises(ValidationError):
        fu.record(demo_db, ANNA, "focus_area", 1, 2022, "on_track")
    m = measure_titled(demo_db, "Kaveritoiminta")
    plans.delete(demo_db, ANNA, "measure", m["id"], m["version"])
    with pytest.raises(NotFound):
        fu.record(demo_db, ANNA, "measure", m["id"], 2022, "on_track")


def test_eight_threads_from_the_same_version_one_wins(demo_db, tmp_path):
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "on_track", 10, "Alku")
    path = demo_db.conn.execute("pragma database_list").fetchone()[2]
    barrier = threading.Barrier(8)
    results: list = []

    def worker(n):
        conn = dbm.connect(path)  # one connection per thread, like one per script run
        barrier.wait()
        try:
            results.append(
                (
                    "ok",
                    fu.record(
                        conn,
                        Actor(name=f"User {n}", role=Role.ADMIN),
                        "measure",
                        m["id"],
                        2022,
                        "delayed",
                        20 + n,
                        f"Teksti {n}",
                        expected_version=1,
                    ),
                )
            )
        except ConflictError as err:
            results.append(("conflict", err.by, err.current["narrative"]))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if r[0] == "ok"]
    conflicts = [r for r in results if r[0] == "conflict"]
    assert len(wins) == 1 and wins[0][1] == 2
    assert len(conflicts) == 7
    hist = fu.history(demo_db, "measure", m["id"])
    assert [h["version"] for h in hist] == [2, 1]
    winner = hist[0]
    assert all(c[1] == winner["updated_by"] and c[2] == winner["narrative"] for c in conflicts)
    assert hist[1]["narrative"] == "Alku"


def test_history_newest_first_with_what_changed(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2021, "on_track", 30, "A")
    fu.record(demo_db, BO, "measure", m["id"], 2022, "on_track", 30, "B")
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "on_track", 55, "B", expected_version=1)
    hist = fu.history(demo_db, "measure", m["id"])
    assert [(h["year"], h["version"]) for h in hist] == [(2022, 2), (2022, 1), (2021, 1)]
    assert hist[0]["changed"] == ["progress"] and hist[0]["previous"]["progress"] == 30
    assert hist[1]["changed"] == ["status", "progress", "narrative"] and hist[1]["previous"] is None
    assert hist[0]["updated_by"] == "Anna" and hist[1]["updated_by"] == "Bo"


def test_bulk_is_all_or_nothing(demo_db):
    a, b = measure_titled(demo_db, "Kaveritoiminta"), measure_titled(demo_db, "Harrastamisen")
    good = {"entity": "measure", "item_id": a["id"], "year": 2022, "status": "on_track", "progress": 40}
    bad = {"entity": "measure", "item_id": b["id"], "year": 2022, "status": "delayed", "narrative": ""}
    with pytest.raises(fu.BulkError) as err:
        fu.record_many(demo_db, ANNA, [good, bad])
    assert err.value.index == 1 and err.value.key == "follow_up.error.narrative_required"
    assert isinstance(err.value.error, ValidationError)
    assert fu.current(demo_db, first_plan_id(demo_db)) == {}
    assert dbm.audit_rows(demo_db, "measure", a["id"])[0]["action"] == "create"  # no status audit row either
    bad["narrative"] = "Syksyllä"
    assert fu.record_many(demo_db, ANNA, [good, bad]) == [1, 1]
    assert len(fu.current(demo_db, first_plan_id(demo_db))) == 2


def test_bulk_conflict_rolls_back_everything(demo_db):
    a, b = measure_titled(demo_db, "Kaveritoiminta"), measure_titled(demo_db, "Harrastamisen")
    fu.record(demo_db, BO, "measure", b["id"], 2022, "on_track", 10)
    updates = [
        {"entity": "measure", "item_id": a["id"], "year": 2022, "status": "done"},
        {"entity": "measure", "item_id": b["id"], "year": 2022, "status": "done"},
    ]
    with pytest.raises(fu.BulkError) as err:
        fu.record_many(demo_db, ANNA, updates)
    assert isinstance(err.value.error, ConflictError) and err.value.error.by == "Bo"
    assert ("measure", a["id"], 2022) not in fu.current(demo_db, first_plan_id(demo_db))


def test_rollup_average_weights_and_no_made_up_values(demo_db):
    pid = first_plan_id(demo_db)
    goal = _goal(demo_db, "Jokaisella lapsella")
    a, b = measure_titled(demo_db, "Kaveritoiminta"), measure_titled(demo_db, "Harrastamisen")
    r = fu.rollup(demo_db, pid, 2022)
    assert r["progress"] is None and r["counts"]["no_update"] == r["total"] and r["total"] > 0
    fu.record(demo_db, ANNA, "measure", a["id"], 2022, "on_track", 40)
    r = fu.rollup(demo_db, pid, 2022)
    g = next(g for area in r["areas"] for g in area["goals"] if g["goal"]["id"] == goal["id"])
    assert g["progress"] == 40 and g["coverage"] == (1, 2)  # b has no update: left out, not zero
    fu.record(demo_db, ANNA, "measure", b["id"], 2022, "done")
    r = fu.rollup(demo_db, pid, 2022)
    g = next(g for area in r["areas"] for g in area["goals"] if g["goal"]["id"] == goal["id"])
    assert g["progress"] == 70 and g["coverage"] == (2, 2)
    fu.set_weight(demo_db, ANNA, a["id"], 3)
    r = fu.rollup(demo_db, pid, 2022)
    g = next(g for area in r["areas"] for g in area["goals"] if g["goal"]["id"] == goal["id"])
    assert g["progress"] == pytest.approx((40 * 3 + 100) / 4)
    area = next(x for x in r["areas"] if any(gg["goal"]["id"] == goal["id"] for gg in x["goals"]))
    assert area["progress"] == pytest.approx(g["progress"])  # the other goal of the area has no value
    assert r["progress"] == pytest.approx(g["progress"])
    # a cancelled measure drops out of its goal's progress
    fu.record(demo_db, ANNA, "measure", b["id"], 2022, "cancelled", None, "Rahoitus päättyi.", expected_version=1)
    r = fu.rollup(demo_db, pid, 2022)
    g = next(g for area in r["areas"] for g in area["goals"] if g["goal"]["id"] == goal["id"])
    assert g["progress"] == 40 and g["coverage"] == (1, 1)
    assert r["counts"]["cancelled"] == 1 and r["counts"]["on_track"] == 1
    assert sum(r["shares"].values()) == pytest.approx(1.0)
    fu.set_weight(demo_db, ANNA, a["id"], None)
    assert fu.weights(demo_db, pid) == {}


def test_rollup_skips_measures_outside_their_years(demo_db):
    pid = first_plan_id(demo_db)
    r2020 = fu.rollup(demo_db, pid, 2020)
    r2022 = fu.rollup(demo_db, pid, 2022)
    assert r2020["total"] < r2022["total"]  # many measures start in 2021


def test_goal_without_measures_uses_its_own_update(demo_db):
    pid = first_plan_id(demo_db)
    area = plans.tree(demo_db, pid)[0]
    goal_id = plans.add(demo_db, ANNA, "goal", area["id"], title_fi="Uusi tavoite")
    fu.record(demo_db, ANNA, "goal", goal_id, 2022, "on_track", 65)
    r = fu.rollup(demo_db, pid, 2022)
    g = next(g for a in r["areas"] for g in a["goals"] if g["goal"]["id"] == goal_id)
    assert g["progress"] == 65


def test_weight_validation(demo_db):
    a = measure_titled(demo_db, "Kaveritoiminta")
    with pytest.raises(ValidationError):
        fu.set_weight(demo_db, ANNA, a["id"], "raskas")
    with pytest.raises(ValidationError):
        fu.set_weight(demo_db, ANNA, a["id"], -1)
    with pytest.raises(PermissionDenied):
        fu.set_weight(demo_db, Actor(name="V", role=Role.VIEWER), a["id"], 2)


def test_missing_grouped_by_organisation(demo_db):
    pid = first_plan_id(demo_db)
    kokkola = org_id(demo_db, "272")
    groups = fu.missing(demo_db, pid, 2022)
    kokkola_group = next(g for g in groups if g["org_id"] == kokkola)
    before = len(kokkola_group["items"])
    a = measure_titled(demo_db, "Kaveritoiminta")
    assert any(i["entity"] == "measure" and i["id"] == a["id"] for i in kokkola_group["items"])
    fu.record(demo_db, ANNA, "measure", a["id"], 2022, "on_track")
    groups = fu.missing(demo_db, pid, 2022, org_id=kokkola)
    assert [g["org_id"] for g in groups] == [kokkola]
    assert len(groups[0]["items"]) == before - 1
    assert not any(i["entity"] == "measure" and i["id"] == a["id"] for i in groups[0]["items"])
    # not scheduled in 2020 (starts 2021), so not missing then
    assert not any(
        i["id"] == a["id"] and i["entity"] == "measure" for g in fu.missing(demo_db, pid, 2020) for i in g["items"]
    )
    sizes = [len(g["items"]) for g in fu.missing(demo_db, pid, 2022)]
    assert sizes == sorted(sizes, reverse=True)


def test_items_filters(demo_db):
    pid = first_plan_id(demo_db)
    kokkola, kruunupyy = org_id(demo_db, "272"), org_id(demo_db, "288")
    everything = fu.items(demo_db, pid)
    assert len([i for i in everything if i["entity"] == "goal"]) == 8
    assert len([i for i in everything if i["entity"] == "measure"]) == 14
    mine = fu.items(demo_db, pid, org_id=kokkola)
    assert mine and all(kokkola in i["responsible_ids"] or i["entity"] == "goal" for i in mine)
    assert {i["number"] for i in mine if i["entity"] == "measure"} >= {"1.1.1", "1.2.2"}
    local = fu.items(demo_db, pid, municipality_id=kruunupyy)
    assert not any("Kokkolan lähiöissä" in i["row"]["title_fi"] for i in local)
    area = plans.tree(demo_db, pid)[3]
    assert {i["focus_area"]["id"] for i in fu.items(demo_db, pid, focus_area_id=area["id"])} == {area["id"]}


def test_year_summary(demo_db):
    pid = first_plan_id(demo_db)
    a, b = measure_titled(demo_db, "Kaveritoiminta"), measure_titled(demo_db, "Harrastamisen")
    c = measure_titled(demo_db, "Lasten parlamentti")
    d = measure_titled(demo_db, "Chat-palvelu")
    fu.record(demo_db, ANNA, "measure", a["id"], 2021, "on_track", 30)
    fu.record(demo_db, ANNA, "measure", a["id"], 2022, "delayed", 35, "Syy")
    fu.record(demo_db, ANNA, "measure", b["id"], 2021, "on_track", 50)
    fu.record(demo_db, ANNA, "measure", b["id"], 2022, "done")
    fu.record(demo_db, ANNA, "measure", c["id"], 2021, "on_track", 50)
    fu.record(demo_db, ANNA, "measure", c["id"], 2022, "on_track", 50)
    fu.record(demo_db, ANNA, "measure", d["id"], 2022, "on_track", 10)
    rows = fu.year_summary(demo_db, pid, 2022)
    by_id = {(r["entity"], r["item_id"]): r for r in rows}
    assert by_id[("measure", a["id"])]["change"] == "worse"
    assert by_id[("measure", a["id"])]["previous_status"] == "on_track"
    assert by_id[("measure", b["id"])]["change"] == "completed"
    assert by_id[("measure", c["id"])]["change"] == "unchanged"
    assert by_id[("measure", d["id"])]["change"] == "started"
    assert by_id[("measure", d["id"])]["previous_status"] == fu.NO_UPDATE
    changes = [r["change"] for r in rows]
    first_quiet = next(i for i, ch in enumerate(changes) if ch in ("unchanged", "no_update"))
    assert all(ch in ("unchanged", "no_update") for ch in changes[first_quiet:])
    assert changes.count("unchanged") == 1


def test_year_summary_compares_with_the_latest_earlier_update(demo_db):
    # on track 60 % in 2022, nothing in 2023, delayed 30 % in 2024: worse, not a first update
    pid = first_plan_id(demo_db)
    a, b = measure_titled(demo_db, "Kaveritoiminta"), measure_titled(demo_db, "Harrastamisen")
    fu.record(demo_db, ANNA, "measure", a["id"], 2022, "on_track", 60)
    fu.record(demo_db, ANNA, "measure", a["id"], 2024, "delayed", 30, "Syy")
    fu.record(demo_db, ANNA, "measure", b["id"], 2024, "on_track", 20)
    by_id = {(r["entity"], r["item_id"]): r for r in fu.year_summary(demo_db, pid, 2024)}
    gap = by_id[("measure", a["id"])]
    assert gap["change"] == "worse"
    assert (gap["previous_status"], gap["previous_progress"], gap["previous_year"]) == ("on_track", 60, 2022)
    first = by_id[("measure", b["id"])]
    assert first["change"] == "started" and first["previous_status"] == fu.NO_UPDATE
    assert first["previous_year"] is None
    # the year right before still wins over older ones
    fu.record(demo_db, ANNA, "measure", a["id"], 2023, "delayed", 30, "Syy")
    gap = next(r for r in fu.year_summary(demo_db, pid, 2024) if r["item_id"] == a["id"] and r["entity"] == "measure")
    assert (gap["change"], gap["previous_year"]) == ("unchanged", 2023)


def test_a_status_outside_the_measures_own_years_is_refused(demo_db):
    from lape_plan import i18n

    m = plans.get(demo_db, "measure", measure_titled(demo_db, "Kaveritoiminta")["id"])
    plans.update(demo_db, ANNA, "measure", m["id"], m["version"], start_year=2021, end_year=2022)
    for year in (2020, 2023, 2024):  # inside the plan period, outside the measure's years
        with pytest.raises(ValidationError) as err:
            fu.record(demo_db, ANNA, "measure", m["id"], year, "cancelled", narrative="Lopetettu")
        assert err.value.key == "follow_up.error.year_outside_measure" and err.value.field == "fu_year"
        assert (err.value.params["first"], err.value.params["last"]) == (2021, 2022)
    assert i18n.t("follow_up.error.year_outside_measure", "sv", **err.value.params) == (
        "År 2024 hör inte till åtgärdens år 2021–2022."
    )
    good = {"entity": "measure", "item_id": m["id"], "year": 2022, "status": "on_track"}
    bad = {"entity": "measure", "item_id": m["id"], "year": 2024, "status": "done"}
    with pytest.raises(fu.BulkError) as bulk:
        fu.record_many(demo_db, ANNA, [good, bad])
    assert bulk.value.index == 1 and bulk.value.key == "follow_up.error.year_outside_measure"
    assert fu.history(demo_db, "measure", m["id"]) == []
    assert fu.record(demo_db, ANNA, "measure", m["id"], 2021, "on_track") == 1
    # goals have no years of their own: any plan year
    assert fu.record(demo_db, ANNA, "goal", m["goal_id"], 2020, "on_track") == 1


def test_reporting_year():
    import datetime as dt

    plan = {"first_year": 2020, "last_year": 2024}
    assert fu.reporting_year(plan, dt.date(2022, 5, 1)) == 2022
    assert fu.reporting_year(plan, dt.date(2026, 5, 1)) == 2024
    assert fu.reporting_year(plan, dt.date(2018, 5, 1)) == 2020


@pytest.mark.parametrize("year", [None, "", "  "])
def test_a_reporting_year_is_never_empty(year):
    # Blank text once passed as an empty year and came back as None.
    with pytest.raises(ValidationError) as err:
        fu.check_year(year, {"first_year": 2020, "last_year": 2024})
    assert err.value.key == "error.not_a_year"


def test_current_for_some_years(demo_db):
    pid = first_plan_id(demo_db)
    m = measure_titled(demo_db, "Kaveritoiminta")
    fu.record(demo_db, ANNA, "measure", m["id"], 2021, "on_track", 30)
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "on_track", 40)
    fu.record(demo_db, ANNA, "measure", m["id"], 2022, "done", expected_version=1)
    assert set(fu.current(demo_db, pid)) == {("measure", m["id"], 2021), ("measure", m["id"], 2022)}
    only = fu.current(demo_db, pid, [2022])
    assert list(only) == [("measure", m["id"], 2022)] and only[("measure", m["id"], 2022)]["version"] == 2
    assert fu.current(demo_db, pid, []) == {}


def test_cancelled_goal_is_left_out_of_its_focus_area(demo_db):
    pid = first_plan_id(demo_db)
    g1, g2 = _goal(demo_db, "Jokaisella lapsella"), _goal(demo_db, "Kiusaaminen vähenee")
    fu.record(demo_db, ANNA, "measure", measure_titled(demo_db, "Kaveritoiminta")["id"], 2022, "on_track", 40)
    fu.record(demo_db, ANNA, "measure", measure_titled(demo_db, "Oppilaskuntien")["id"], 2022, "done")
    area = fu.rollup(demo_db, pid, 2022)["areas"][0]
    assert area["progress"] == pytest.approx(70)  # mean of 40 and 100
    fu.record(demo_db, ANNA, "goal", g2["id"], 2022, "cancelled", None, "Yhdistetty tavoitteeseen 1.1")
    area = fu.rollup(demo_db, pid, 2022)["areas"][0]
    assert area["progress"] == pytest.approx(40)
    assert [g["goal"]["id"] for g in area["goals"]] == [g1["id"], g2["id"]]  # still listed


def test_stale_version_on_an_item_year_without_update_is_a_conflict(demo_db):
    m = measure_titled(demo_db, "Kaveritoiminta")
    # the screen showed version 2 of the 2023 update, but the item-year has none (a restore, another file)
    with pytest.raises(ConflictError) as err:
        fu.record(demo_db, BO, "measure", m["id"], 2023, "on_track", 60, "Bon teksti", expected_version=2)
    assert err.value.key == "follow_up.error.update_gone" and err.value.current == {}
    assert fu.current(demo_db, first_plan_id(demo_db)).get(("measure", m["id"], 2023)) is None


def test_rollup_follows_the_organisation_filter(demo_db):
    pid = first_plan_id(demo_db)
    kokkola, kannus = org_id(demo_db, "272"), org_id(demo_db, "217")
    fu.record(
        demo_db, ANNA, "measure", measure_titled(demo_db, "Kaveritoiminta")["id"], 2022, "on_track", 40
    )  # Kokkola's
    fu.record(demo_db, ANNA, "measure", measure_titled(demo_db, "Yhteinen kiusaamisen")["id"], 2022, "done")  # Kannus'
    whole, only_kannus = fu.rollup(demo_db, pid, 2022), fu.rollup(demo_db, pid, 2022, org_id=kannus)
    assert only_kannus["total"] < whole["total"]
    assert only_kannus["counts"]["done"] == 1 and only_kannus["counts"]["on_track"] == 0
    assert whole["counts"]["done"] == 1 and whole["counts"]["on_track"] == 1
    # what Kannus answers for, exactly: its goals and measures, not a goal kept only as its measures' frame
    expected = [
        i for i in fu.items(demo_db, pid, org_id=kannus) if kannus in i["responsible_ids"] and 2022 in i["years"]
    ]
    assert only_kannus["total"] == len(expected)
    assert fu.rollup(demo_db, pid, 2022, org_id=kokkola)["counts"]["on_track"] == 1


def test_may_edit_follows_the_rule_record_applies(demo_db):
    pid = first_plan_id(demo_db)
    kokkola = org_id(demo_db, "272")
    member = Actor(name="Kaisa", role=Role.MEMBER, org_ids=frozenset({kokkola}))
    for item in fu.items(demo_db, pid):
        allowed = fu.may_edit(member, item)
        year = item["years"][0]
        if allowed:
            assert fu.record(demo_db, member, item["entity"], item["id"], year, "on_track") >= 1
        else:
            with pytest.raises(PermissionDenied):
                fu.record(demo_db, member, item["entity"], item["id"], year, "on_track")
    assert not fu.may_edit(Actor(name="V", role=Role.VIEWER), fu.items(demo_db, pid)[0])
