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
