"""Widgets whose empty state would show Streamlit's own English placeholder ("Choose an
option", "Choose options") carry one from the catalogue instead."""
import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("lape_plan/ui/*.py"), ROOT / "app.py"])


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
                "selectbox", "multiselect"):
            yield node


def _can_be_empty(call: ast.Call) -> bool:
    if call.func.attr == "multiselect":
        return True
    keywords = {k.arg: k.value for k in call.keywords}
    if isinstance(keywords.get("index"), ast.Constant) and keywords["index"].value is None:
        return True
    options = call.args[1] if len(call.args) > 1 else keywords.get("options")
    return any(isinstance(n, ast.Constant) and n.value is None for n in ast.walk(options)) if options else False


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_empty_choices_have_a_translated_placeholder(path):
    missing = [f"{path.name}:{c.lineno}" for c in _calls(path)
               if _can_be_empty(c) and "placeholder" not in {k.arg for k in c.keywords}]
    assert not missing, missing


def test_the_scan_finds_the_widgets():
    assert sum(1 for p in SOURCES for _ in _calls(p)) >= 20
