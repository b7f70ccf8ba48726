from lape_plan import cli, db as dbm, demo, follow_up as fu
from lape_plan.model import Actor, Role


def _db(tmp_path):
    path = tmp_path / "cli.db"
    database = dbm.connect(path)
    demo.load(database)
    m = next(database.query("select id from measures where title_fi like 'Kaveritoiminta%'"))["id"]
    fu.record(database, Actor(name="Anna", role=Role.ADMIN), "measure", m, 2021, "on_track", 30)
    fu.record(database, Actor(name="Anna", role=Role.ADMIN), "measure", m, 2022, "delayed", 35, "Kevät jäi väliin")
    return str(path)


def test_status_prints_rollup(tmp_path, capsys):
    path = _db(tmp_path)
    assert cli.main(["follow-up-status", "--db", path, "--year", "2022"]) == 0
    out = capsys.readouterr().out
    assert "\t2022\t35 %" in out.splitlines()[0]
    assert "Viivästynyt\t1\t" in out
    assert "1.1 Jokaisella lapsella on vähintään yksi hyvä ystävä\tEi päivitystä\t35\t1/2" in out


def test_missing_and_fail_flag(tmp_path, capsys):
    path = _db(tmp_path)
    assert cli.main(["follow-up-missing", "--db", path, "--year", "2022", "--lang", "sv"]) == 0
    out = capsys.readouterr().out
    assert "Karleby\t1.2.2\tElevkårernas enkät om mobbning varje år" in out
    assert "1.1.1\t" not in out
    assert cli.main(["follow-up-missing", "--db", path, "--year", "2022", "--fail"]) == 1


def test_summary_lists_changes_only(tmp_path, capsys):
    path = _db(tmp_path)
    assert cli.main(["follow-up-summary", "--db", path, "--year", "2022", "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["1.1.1\tKaveritoiminta kaikkiin alakouluihin\tWorse\tOn track\tDelayed\tKevät jäi väliin"]
    assert cli.main(["follow-up-summary", "--db", path, "--year", "2022", "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 10


def test_bad_year_is_a_clear_error(tmp_path, capsys):
    path = _db(tmp_path)
    assert cli.main(["follow-up-status", "--db", path, "--year", "1999"]) == 2
    assert "1999 is outside the plan period 2020–2024" in capsys.readouterr().err
