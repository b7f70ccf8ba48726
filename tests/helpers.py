"""Look-ups that many tests share, on the example plan (`demo_db`, or the database of an
AppTest's `conn`). Ones that differ in meaning stay private to their test file."""

from lape_plan import plans


def first_plan_id(db) -> int:
    return plans.plans(db)[0]["id"]


def org_id(db, code: str) -> int:
    """An organisation's id by its code ("272" Kokkola, "217" Kannus …)."""
    return db.execute("select id from organisations where code = ?", [code]).fetchone()[0]


def measure_titled(db, title_start: str) -> dict:
    """The first measure whose Finnish title starts with `title_start`, as a row."""
    return dict(next(db.query("select * from measures where title_fi like ?", [title_start + "%"])))


def first_goal(db, plan_id: int | None = None) -> dict:
    """The first goal of the plan's (default: the first plan's) first focus area, from the plan tree."""
    return plans.tree(db, plan_id or first_plan_id(db))[0]["goals"][0]
