"""The audit log and "saved by" lines in the reader's language."""

import ast
from pathlib import Path

from lape_plan import db as dbm, i18n

ROOT = Path(__file__).resolve().parents[2]


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _audit_calls(source: str) -> list[tuple]:
    """(entity, action) of each audit(db, actor, entity, id, action, ...) call with a literal
    action (entity None when it is not a literal)."""
    return [
        (_literal(node.args[2]), _literal(node.args[4]))
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", getattr(node.func, "attr", None)) == "audit"
        and len(node.args) >= 5
        and _literal(node.args[4])
    ]


def _versioned_saves(source: str) -> list[tuple]:
    """(entity, action) of each save_version/save_changes call: they write the audit row
    (entity: the fourth argument; action: `action=`, "update" when not given)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) in ("save_version", "save_changes")
            and len(node.args) >= 4
        ):
            entity = node.args[3].value if isinstance(node.args[3], ast.Constant) else None
            action = next(
                (k.value.value for k in node.keywords if k.arg == "action" and isinstance(k.value, ast.Constant)),
                "update",
            )
            found.append((entity, action))
    return found


def test_every_audited_entity_and_action_has_a_label_in_each_language():
    sources = [p.read_text() for p in (ROOT / "lape_plan").rglob("*.py")]
    found = [pair for source in sources for pair in _audit_calls(source) + _versioned_saves(source)]
    entities = {e for e, _ in found if e} | {"focus_area", "goal", "measure"}  # the plan items' own calls
    actions = {a for _, a in found}
    assert {"restore", "status", "vote", "join", "login_failed", "promote"} <= actions  # the scan works
    cat = i18n.catalogue()
    for prefix, codes in (("audit.entity", entities), ("audit.action", actions)):
        for code in codes:
            assert set(cat.get(f"{prefix}.{code}", {})) == {"fi", "sv", "en"}, f"{prefix}.{code}"


def test_label_falls_back_to_the_stored_code():
    assert i18n.label("audit.action", "update", "sv") == "Ändring"
    assert i18n.label("audit.action", "from_a_newer_version", "fi") == "from_a_newer_version"


def test_actor_names():
    assert i18n.actor_name("system", "fi") == "järjestelmä"
    assert i18n.actor_name("participant #12", "sv") == "deltagare #12"
    assert i18n.actor_name("participant", "en") == "participant"
    assert i18n.actor_name("Maija Meikäläinen", "fi") == "Maija Meikäläinen"
    assert i18n.actor_name("system administrator", "fi") == "system administrator"
    assert i18n.actor_name(None, "fi") == ""


def test_audit_text():
    assert dbm.audit_text('{"title_fi": "Uusi", "end_year": null}') == "title_fi: Uusi\nend_year: –"
    assert dbm.audit_text(None) == "" and dbm.audit_text("not json") == "not json"
