"""Widgets whose empty state would show Streamlit's own English placeholder ("Choose an
option", "Choose options") carry one from the catalogue instead."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("lape_plan/ui/*.py"), ROOT / "app.py"])


def _calls(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("selectbox", "multiselect")
        ):
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
    missing = [
        f"{path.name}:{c.lineno}"
        for c in _calls(path)
        if _can_be_empty(c) and "placeholder" not in {k.arg for k in c.keywords}
    ]
    assert not missing, missing


def test_the_scan_finds_the_widgets():
    assert sum(1 for p in SOURCES for _ in _calls(p)) >= 20


def _named_calls(path: Path, name: str):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == name:
            yield node


def test_every_uploader_states_its_real_limit_beside_it():
    """Streamlit's uploader says "200MB per file" in English (or the server's limit); the note
    beside it states, in the user's language, the types and the limit the uploader applies."""
    uploaders = 0
    for path in SOURCES:
        notes = sorted(_named_calls(path, "upload_note"), key=lambda c: c.lineno)
        for call in _named_calls(path, "file_uploader"):
            uploaders += 1
            note = max((n for n in notes if n.lineno < call.lineno), key=lambda n: n.lineno, default=None)
            assert note is not None and call.lineno - note.lineno <= 3, f"{path.name}:{call.lineno}: no note"
            kw = {k.arg: ast.unparse(k.value) for k in call.keywords}
            assert ast.unparse(note.args[1]) == kw.get("type"), f"{path.name}:{call.lineno}: other types"
            note_mb = ast.unparse(note.args[2]) if len(note.args) > 2 else None
            assert note_mb == kw.get("max_upload_size"), f"{path.name}:{call.lineno}: other limit"
    assert uploaders >= 3


def test_multiselects_offer_no_english_select_all():
    """Streamlit adds an English "Select all" to a multiselect's list unless told not to."""
    calls = [(p, c) for p in SOURCES for c in _calls(p) if c.func.attr == "multiselect"]
    missing = [
        f"{p.name}:{c.lineno}"
        for p, c in calls
        if not any(
            k.arg == "select_all" and isinstance(k.value, ast.Constant) and k.value.value is False for k in c.keywords
        )
    ]
    assert len(calls) >= 10 and not missing, missing


# Functions that only read and may take the actor the page's guard read on this run.
ACTOR_READS = {"allowed", "preview", "may_edit", "require_plan_editor", "upload_refusal"}


def _actor_passed_to(path: Path):
    """Names of the functions a page or UI helper hands `ctx.actor` to."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                if isinstance(arg, ast.Attribute) and arg.attr == "actor" and isinstance(arg.value, ast.Name):
                    func = node.func
                    yield f"{path.name}:{node.lineno}", func.attr if isinstance(func, ast.Attribute) else func.id


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_writes_take_the_actor_read_at_the_moment_of_the_write(path):
    """Callbacks run before the guard with the screen's actor: writes use ctx.writer()
    (lape_plan.ui.guard.fresh_actor), so only reads may be handed ctx.actor."""
    writes = [where for where, name in _actor_passed_to(path) if name not in ACTOR_READS]
    assert not writes, writes


def test_the_actor_scan_finds_the_reads():
    assert sum(1 for p in SOURCES for _ in _actor_passed_to(p)) >= 3
