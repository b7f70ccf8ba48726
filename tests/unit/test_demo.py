"""The example plan's follow-up: loaded with the plan on first start, through the
app's own write function."""

from lape_plan import cli, db as dbm, demo, follow_up as fu, plans


def _example(db):
    return demo.load(db, follow_up_example=True)


def test_example_follow_up_counts_per_year(db):
    plan_id = _example(db)
    counts = {y: fu.rollup(db, plan_id, y)["counts"] for y in range(2020, 2025)}
    assert counts[2020] == {"not_started": 6, "on_track": 6, "delayed": 0, "done": 0, "cancelled": 0, "no_update": 0}
    assert counts[2022]["delayed"] == 4 and counts[2022]["done"] == 1
    assert counts[2024] == {"not_started": 0, "on_track": 9, "delayed": 2, "done": 6, "cancelled": 1, "no_update": 1}
    progress = [fu.rollup(db, plan_id, y)["progress"] for y in range(2020, 2025)]
    assert progress == sorted(progress) and 0 < progress[0] < progress[-1] < 100


def test_example_goal_status_follows_its_measures(db):
    plan_id = _example(db)
    cur = fu.current(db, plan_id)
    goals = {g["title_fi"]: g for a in plans.tree(db, plan_id) for g in a["goals"]}
    suburbs = goals["Kokkolan lähiöissä on matalan kynnyksen kohtaamispaikkoja nuorille"]["id"]
    # its only measure ended done in 2023; the goal stays done in 2024
    assert [cur[("goal", suburbs, y)]["status"] for y in range(2020, 2025)] == [
        "not_started",
        "on_track",
        "delayed",
        "done",
        "done",
    ]
    hobbies = goals["Jokaisella lapsella on vähintään yksi hyvä ystävä"]["id"]
    assert cur[("goal", hobbies, 2024)]["status"] == "delayed"  # one measure done, one delayed
    assert cur[("goal", hobbies, 2024)]["narrative"]


def test_example_updates_are_dated_and_audited_like_reports(db):
    plan_id = _example(db)
    rows = [dict(r) for r in db.query("select * from status_updates")]
    assert len(rows) == 94 and len(fu.current(db, plan_id)) == 94
    assert all(r["updated_at"].startswith(f"{r['year'] + 1}-01-15") for r in rows)
    assert all(r["narrative"] for r in rows if r["status"] in fu.NEEDS_NARRATIVE)
    assert {r["updated_by"] for r in rows if r["entity"] == "goal"} == {"Yhteistyöryhmä (esimerkki)"}
    assert "Kokkola (esimerkki)" in {r["updated_by"] for r in rows}
    assert db.execute("select count(*) from audit where action = 'status'").fetchone()[0] == 94


def test_example_leaves_one_update_missing(db):
    plan_id = _example(db)
    missing = fu.missing(db, plan_id, 2024)
    assert [(m["organisation"]["name_fi"], [i["row"]["title_fi"] for i in m["items"]]) for m in missing] == [
        ("Perho", ["Lasten parlamentti vuosittain"])
    ]


def test_example_follow_up_only_with_a_new_plan(db):
    plan_id = demo.load(db)
    assert db.execute("select count(*) from status_updates").fetchone()[0] == 0
    assert _example(db) == plan_id  # the plan exists: nothing is added to it
    assert db.execute("select count(*) from status_updates").fetchone()[0] == 0


def test_init_demo_loads_the_example_follow_up(tmp_path):
    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert dbm.connect(path).execute("select count(*) from status_updates").fetchone()[0] == 94
