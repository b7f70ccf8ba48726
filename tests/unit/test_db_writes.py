"""The one way to write: versioned, audited updates (db.save_version / save_changes), the
primary-key lookup (db.get_or_not_found) and the test-time check that every write that
changed data left an audit row (db.write)."""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lape_plan import db as dbm, plans
from lape_plan.errors import ConflictError, NotFound
from lape_plan.model import SYSTEM, Actor, Role

EDITOR = Actor(name="Eeva Editori", role=Role.ADMIN, user_id=None)
PACKAGE = Path(dbm.__file__).parent


@pytest.fixture
def org(db):
    with dbm.write(db):
        org_id = (
            db["organisations"]
            .insert(
                {
                    "kind": "municipality",
                    "name_fi": "Kokkola",
                    "version": 1,
                    "updated_at": "2026-01-01T00:00:00+00:00",
                    "updated_by": "someone",
                }
            )
            .last_pk
        )
        dbm.audit(db, SYSTEM, "organisation", org_id, "create")
    return dbm.get_or_not_found(db, "organisations", org_id, entity="organisation")


def _audit(db):
    return db.execute("select actor, entity, entity_id, action, before, after from audit order by id desc").fetchone()


def test_save_version_bumps_stamps_and_audits(db, org):
    with dbm.write(db):
        version = dbm.save_version(
            db, EDITOR, "organisations", "organisation", org, {"name_fi": "Karleby"}, action="rename"
        )
    row = db["organisations"].get(org["id"])
    assert version == 2 == row["version"]
    assert row["name_fi"] == "Karleby" and row["updated_by"] == "Eeva Editori"
    assert row["updated_at"] != "2026-01-01T00:00:00+00:00"
    actor, entity, entity_id, action, before, after = _audit(db)
    assert (actor, entity, entity_id, action) == ("Eeva Editori", "organisation", org["id"], "rename")
    assert json.loads(before) == {"name_fi": "Kokkola"} and json.loads(after) == {"name_fi": "Karleby"}


def test_save_version_refuses_a_stale_screen_and_writes_nothing(db, org):
    with pytest.raises(ConflictError) as err:
        with dbm.write(db):
            dbm.save_version(
                db, EDITOR, "organisations", "organisation", org, {"name_fi": "Karleby"}, expected_version=0
            )
    assert err.value.by == "someone" and err.value.current["version"] == 1
    assert db["organisations"].get(org["id"])["name_fi"] == "Kokkola"
    assert db["audit"].count == 1  # only the fixture's


def test_save_version_on_a_table_without_stamps_and_another_key(db):
    plan_id = plans.create_plan(db, SYSTEM, "Suunnitelma", 2024, 2027)
    with dbm.write(db):
        db["publications"].insert({"plan_id": plan_id, "published": 1, "version": 1}, pk="plan_id")
        dbm.audit(db, SYSTEM, "publication", plan_id, "publish")
    before = dict(db["publications"].get(plan_id))
    with dbm.write(db):
        version = dbm.save_version(
            db,
            EDITOR,
            "publications",
            "publication",
            before,
            {"published": 0},
            key="plan_id",
            audit_before={"published": 1},
            audit_after=None,
        )
    row = db["publications"].get(plan_id)
    assert (version, row["version"], row["published"]) == (2, 2, 0)
    assert "updated_by" not in row
    assert _audit(db)[2:] == (plan_id, "update", '{"published": 1}', None)


def test_save_changes_writes_nothing_when_nothing_differs(db, org):
    with dbm.write(db):
        version = dbm.save_changes(db, EDITOR, "organisations", "organisation", org, {"name_fi": "Kokkola"})
    assert version == 1 and db["organisations"].get(org["id"])["version"] == 1
    assert db["audit"].count == 1
    with pytest.raises(ConflictError):
        with dbm.write(db):
            dbm.save_changes(db, EDITOR, "organisations", "organisation", org, {"name_fi": "X"}, expected_version=7)


def test_shared_goal_editing_bumps_the_plan_version(demo_db):
    plan = plans.plans(demo_db)[0]
    plans.set_shared_goal_editing(demo_db, SYSTEM, plan["id"], "coordinators")
    after = plans.get_plan(demo_db, plan["id"])
    assert after["version"] == plan["version"] + 1 and after["shared_goal_editing"] == "coordinators"
    assert _audit(demo_db)[1:4] == ("plan", plan["id"], "update")
    # a plan form opened before the change is stale now
    with pytest.raises(ConflictError):
        plans.update_plan(
            demo_db,
            SYSTEM,
            plan["id"],
            plan["version"],
            plan["title_fi"],
            plan["title_sv"],
            plan["first_year"],
            plan["last_year"],
        )
    # setting the same value again changes nothing
    plans.set_shared_goal_editing(demo_db, SYSTEM, plan["id"], "coordinators")
    assert plans.get_plan(demo_db, plan["id"])["version"] == after["version"]


def test_get_or_not_found(db, org):
    assert dbm.get_or_not_found(db, "organisations", org["id"], entity="organisation")["name_fi"] == "Kokkola"
    with pytest.raises(NotFound) as err:
        dbm.get_or_not_found(db, "organisations", 999, entity="organisation")
    assert err.value.key == "error.not_found" and err.value.params == {"entity": "organisation", "id": 999}
    with pytest.raises(NotFound):
        dbm.get_or_not_found(db, "organisations", org["id"], entity="organisation", where="kind = 'county'")


# ---------------------------------------------------------------- the audit check of db.write
def test_the_check_is_on_in_tests():
    assert dbm.CHECK_AUDIT


def test_a_write_without_audit_row_is_refused_and_rolled_back(db):
    with pytest.raises(dbm.UnauditedWrite):
        with dbm.write(db):
            db["organisations"].insert({"kind": "other", "name_fi": "Ei kirjattu", "version": 1})
    assert db["organisations"].count == 0
    assert not db.conn.in_transaction


def test_a_raw_update_without_audit_row_is_refused(db, org):
    with pytest.raises(dbm.UnauditedWrite):
        with dbm.write(db):
            db.execute("update organisations set name_fi = 'X' where id = ?", [org["id"]])
    assert db["organisations"].get(org["id"])["name_fi"] == "Kokkola"


def test_audited_opted_out_and_read_only_writes_pass(db, org, monkeypatch):
    with dbm.write(db):
        dbm.save_version(db, EDITOR, "organisations", "organisation", org, {"name_fi": "Karleby"})
    with dbm.write(db, audit=False):  # e.g. a session row
        db["organisations"].insert({"kind": "other", "name_fi": "Välimuisti", "version": 1})
    with dbm.write(db):  # nothing changed: nothing to audit
        db.execute("select count(*) from organisations").fetchone()
    assert db["organisations"].count == 2
    monkeypatch.setattr(dbm, "CHECK_AUDIT", False)  # production: no extra queries, no check
    with dbm.write(db):
        db["organisations"].insert({"kind": "other", "name_fi": "Ilman tarkistusta", "version": 1})
    assert db["organisations"].count == 3


def test_known_migrations_are_public(db):
    known = dbm.known_migrations()
    assert next(iter(known)) == "0001_plan_core" and callable(known["0001_plan_core"].fn)
    assert set(known) == {m.name for m in dbm.migrations.applied(db)}


# ---------------------------------------------------------------- module seams
def test_auth_does_not_import_plans():
    """auth imported private helpers of plans, which imports auth: the cycle is gone."""
    code = "import sys, lape_plan.auth; print('lape_plan.plans' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=PACKAGE.parent)
    assert out.stdout.strip() == "False"


def _private_uses(path: Path, modules: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level and node.module:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.add(f"{node.module.rsplit('.', 1)[-1]}.{alias.name}")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.add(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    modules = {p.stem for p in PACKAGE.glob("*.py")} | {"dbm", "fu", "lava"}
    found = set()
    for path in [*PACKAGE.glob("*.py"), *PACKAGE.glob("ui/*.py"), *PACKAGE.glob("charts/*.py")]:
        name = path.relative_to(PACKAGE).with_suffix("").as_posix().replace("/", ".")
        found |= {(name, use) for use in _private_uses(path, modules - {path.stem})}
    assert not found, sorted(found)
