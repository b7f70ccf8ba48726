"""The package as installed (pyproject.toml) carries every file the app reads at run time."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _matches(relative: Path, patterns) -> bool:
    # setuptools globs: '**' spans directories; PurePath.full_match (3.13) is not available on 3.11
    for pattern in patterns:
        if "**" in pattern:
            prefix = pattern.split("**", 1)[0]
            if relative.as_posix().startswith(prefix):
                return True
        elif relative.match(pattern) and len(relative.parts) == len(Path(pattern).parts):
            return True
    return False


def test_every_data_file_of_the_package_is_package_data():
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["lape_plan"]
    package = ROOT / "lape_plan"
    data_files = [
        p.relative_to(package)
        for p in package.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    ]
    assert data_files, "the locale files should be found"
    missing = [str(p) for p in data_files if not _matches(p, patterns)]
    assert not missing, f"not in [tool.setuptools.package-data] of pyproject.toml: {missing}"


def test_console_command_is_the_module_command():
    from lape_plan import cli

    target = PYPROJECT["project"]["scripts"]["lape-plan"]
    module, func = target.split(":")
    assert module == "lape_plan.cli" and getattr(cli, func) is cli.main


def test_dependencies_name_every_pinned_requirement():
    pinned = {
        line.split("==")[0].strip().lower()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if "==" in line
    }
    declared = {
        d.split(">")[0].split("<")[0].split("=")[0].strip().lower() for d in PYPROJECT["project"]["dependencies"]
    }
    assert pinned == declared
