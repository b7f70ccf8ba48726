"""Import problems have one shape: errors.Problem, translated where it is shown."""

import re
from pathlib import Path

import pytest

from lape_plan import i18n
from lape_plan.errors import ImportRejected, Problem, Term, ValidationError

ROOT = Path(__file__).resolve().parents[2]


def test_a_problem_reads_in_every_language_with_its_terms_translated():
    p = Problem(
        "Seuranta",
        4,
        "export.rt.unknown_status",
        {"value": "Melkein", "labels": Term("follow_up.status.done", "follow_up.status.cancelled")},
    )
    assert p.text("en").startswith("unknown status “Melkein”; choose one of: ")
    assert i18n.t("follow_up.status.done", "fi") in p.text("fi")
    assert i18n.t("follow_up.status.cancelled", "sv") in p.text("sv") and ", " in p.text("sv")


def test_a_typed_error_on_a_row_keeps_its_field_translated_at_the_edge():
    p = Problem.of("Tavoitteet", 2, ValidationError("error.required", field="title_fi"))
    assert p.text("en") == "Title in Finnish: this is required."
    assert p.text("fi") != p.text("en")


def test_import_rejected_takes_only_problems():
    with pytest.raises(TypeError):
        ImportRejected([("file.csv", 1, "reason")])
    err = ImportRejected([Problem("a.csv", 1, "indicators.reason.empty_file")] * 2)
    assert err.params["count"] == 2


def test_every_problem_key_in_the_code_exists():
    patterns = [
        re.compile(r"""Problem\(\s*[^,]+,\s*[^,]+,\s*["']([a-z_]+\.[a-z0-9_.]+)["']"""),
        re.compile(r"""_Bad\(\s*["']([a-z_]+\.[a-z0-9_.]+)["']"""),
        re.compile(r"""problems\.add\(\s*[^,]+,\s*[^,]+,\s*["']([a-z_]+\.[a-z0-9_.]+)["']"""),
    ]
    keys = set()
    for path in ROOT.glob("lape_plan/**/*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in patterns:
            keys |= set(pattern.findall(text))
    assert len(keys) > 30, keys
    assert sorted(keys - set(i18n.catalogue())) == []
