"""The example input files in data/ import into the example plan."""

from pathlib import Path

import pytest

from lape_plan import cli

DATA = Path(__file__).resolve().parents[2] / "data"


@pytest.mark.parametrize("name", ["example_sotkanet_191.csv", "example_custom_indicator.csv"])
def test_example_file_imports(tmp_path, capsys, name):
    path = tmp_path / "d.db"
    cli.main(["init", "--db", str(path), "--demo"])
    assert cli.main(["import-indicators", "--db", str(path), str(DATA / name)]) == 0
    out = capsys.readouterr().out
    assert "refused" not in out and name in out
    assert cli.main(["import-indicators", "--db", str(path), str(DATA / name)]) == 0  # again: nothing new
    assert "new 0\tchanged 0" in capsys.readouterr().out
