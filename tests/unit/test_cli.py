import re
from pathlib import Path

import pytest

from lape_plan import cli, db as dbm, plans

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands():
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sub.choices


def test_every_command_has_help_db_option_and_readme_line():
    commands = _commands()
    assert "init" in commands
    for name, parser in commands.items():
        assert parser.description, name
        assert "--db" in parser.format_help(), name
        assert re.search(rf"^\| `{re.escape(name)}[ `]", README, re.M), f"README does not document {name}"


def test_every_output_option_is_spelled_o_output():
    # One spelling for the file or folder a command writes, so scripts need not remember which command
    # takes which; no hidden alias of an older spelling either.
    for name, parser in _commands().items():
        for action in parser._actions:
            flags = set(action.option_strings)
            if flags & {"-o", "--out", "--output", "--output-file", "--out-dir"} or action.dest in {"out", "output"}:
                assert action.option_strings == ["-o", "--output"], (name, action.option_strings)


def test_init_with_demo_is_idempotent(tmp_path, capsys):
    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert len(plans.plans(dbm.connect(path))) == 1
    assert cli.main(["plans", "--db", str(path)]) == 0
    assert "AIKAA LAPSELLE" in capsys.readouterr().out


def test_help_exits_cleanly(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    assert "init" in capsys.readouterr().out


@pytest.mark.parametrize(
    "command",
    [
        ["follow-up-status"],
        ["follow-up-missing"],
        ["follow-up-summary"],
        ["follow-up-status", "--plan", "7"],
        ["fetch-sotkanet", "--indicators", "191", "--years", "2020"],
        ["example-indicators"],
        ["workshop-results", "1"],
        ["export", "--plan", "1", "--format", "csv", "-o", "out.csv"],
    ],
)
def test_commands_on_an_empty_database_say_so_and_fail(tmp_path, monkeypatch, capsys, command):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "empty.db"
    assert cli.main(["init", "--db", str(path)]) == 0
    capsys.readouterr()
    assert cli.main([*command, "--db", str(path)]) == 2  # an IndexError would propagate here
    captured = capsys.readouterr()
    message = captured.err + captured.out
    assert re.search(r"^error: .*(no (example )?plan|not found)", message, re.M), message
    assert not (tmp_path / "out.csv").exists()


def test_indicator_trust_shows_and_sets(tmp_path, capsys):
    from lape_plan import indicators

    path = tmp_path / "cli.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    assert cli.main(["indicator-trust", "--db", str(path), "ex-bully"]) == 0
    assert "EX-BULLY\tnoise threshold none\tmin count 5\tcounts give n: yes" in capsys.readouterr().out
    assert cli.main(["indicator-trust", "--db", str(path), "EX-BULLY", "--noise", "2,5", "--min-count", "15"]) == 0
    assert "noise threshold 2.5 points\tmin count 15" in capsys.readouterr().out
    assert cli.main(["indicator-trust", "--db", str(path), "EX-BULLY", "--noise-unit", "relative"]) == 0
    row = indicators.find_indicator(dbm.connect(path), "EX-BULLY")
    assert (row["noise_threshold"], row["noise_unit"], row["min_count"]) == (2.5, "relative", 15)
    assert cli.main(["indicator-trust", "--db", str(path), "EX-BULLY", "--min-count", "lots"]) == 2
    assert cli.main(["indicator-trust", "--db", str(path), "nope"]) == 2


def test_a_file_or_database_the_command_cannot_use_is_one_line(tmp_path, capsys):
    path = tmp_path / "lape.db"
    assert cli.main(["init", "--db", str(path), "--demo"]) == 0
    capsys.readouterr()
    assert cli.main(["export", "--db", str(path), "--plan", "1", "-o", str(tmp_path)]) == 2  # a folder
    assert capsys.readouterr().err == f"error: Cannot use the file {tmp_path}: Is a directory.\n"
    (tmp_path / "notes.db").write_text("muistiinpanoja")
    assert cli.main(["plans", "--db", str(tmp_path / "notes.db")]) == 2
    assert capsys.readouterr().err.startswith(f"error: Cannot use the database {tmp_path / 'notes.db'}: ")


def test_an_argument_that_names_nothing_exits_2_with_one_line(tmp_path, capsys):
    path = str(tmp_path / "lape.db")
    assert cli.main(["init", "--db", path, "--demo"]) == 0
    capsys.readouterr()
    for argv, message in (
        (["create-user", "--db", path, "maija", "--org", "999", "--password-stdin"], "no organisation with code 999"),
        (["set-password", "--db", path, "nobody", "--password-stdin"], "no user nobody"),
        (["assessments", "--db", path, "--org", "999"], "no organisation with code 999"),
        (["workshops", "--db", path, "--plan", "99"], "Item not found (it may have been deleted)."),
    ):
        assert cli.main(argv) == 2, argv
        assert capsys.readouterr().err == f"error: {message}\n"


def test_a_mistyped_database_path_is_an_error_not_a_new_database(tmp_path, capsys):
    missing = tmp_path / "notthere.db"
    for argv in (["plans"], ["follow-up-status"], ["export", "--plan", "1", "-o", str(tmp_path / "x.xlsx")]):
        assert cli.main([*argv, "--db", str(missing)]) == 2, argv
        assert capsys.readouterr().err == (
            f"error: no database at {missing}: give --db or LAPE_PLAN_DB, or run init first\n"
        )
    assert not missing.exists()
    assert cli.main(["init", "--db", str(missing)]) == 0 and missing.exists()  # init starts one
