"""Where the database lives: env LAPE_PLAN_DB, else secrets.toml's `db_path`, else data/lape_plan.db."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "data" / "lape_plan.db"


def secrets() -> dict:
    """secrets.toml as a dict; {} when the file is missing or unreadable.

    Read directly because st.secrets raises when no file exists."""
    for path in (ROOT / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        try:
            with open(path, "rb") as fh:
                return tomllib.load(fh)
        except (FileNotFoundError, tomllib.TOMLDecodeError, PermissionError):
            continue
    return {}


def db_path() -> Path:
    env = os.environ.get("LAPE_PLAN_DB")
    if env:
        return Path(env)
    configured = secrets().get("db_path")
    if configured:
        return Path(configured)
    return DEFAULT_DB
