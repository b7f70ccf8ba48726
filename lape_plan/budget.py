"""Child budgeting: planned and actual euros of each measure per year, where the money
comes from, what kind of spending it is, and how much of it reaches children and
families directly; roll-ups per organisation, focus area, year and the plan period.

One row of `budget_lines` per measure and year, versioned like the plan's items: a
screen that showed version n may only save version n + 1.

Roll-up rules (`rollup`):
- only measures that are not deleted (nor their goal or focus area), and only the
  years within each measure's own years; a municipality gives shared goals plus its own;
- a measure-year is *cancelled* when the measure's latest follow-up status up to that
  year is "cancelled": its planned euros leave the planned total (shown apart as
  `cancelled_planned`), its actual euros stay in the actual total (money spent is spent);
- a measure with no euros in any year is listed in `without_euros` and never counted
  as zero; per year, `measures` and `with_euros` give the coverage;
- the preventive share is (preventive + early support) / euros whose kind is given,
  for planned and actual euros separately; None when no euros have a kind;
- euros reaching children directly: Σ euros × share over the rows with a share,
  divided by the euros of those rows.
A measure's euros count for its own responsible organisation, else its goal's when
the goal has exactly one; otherwise they are shown as "several or none" (None)."""

from __future__ import annotations

from sqlite_utils import Database

from . import auth, follow_up, plans, validation
from .db import audit, insert_row, now, save_changes, write
from .errors import NotFound, PermissionDenied, ValidationError, require_version
from .model import Actor, Role

SOURCES = ("own", "state", "project", "other")  # own budget, state grant, EU or other project funding, other
KINDS = ("preventive", "early_support", "corrective")
PREVENTIVE = ("preventive", "early_support")
UNSET = ""  # the group of euros without a source or kind
FIELDS = ("planned_eur", "actual_eur", "source", "kind", "direct_share")
_PUBLIC = ("id", "measure_id", "year", *FIELDS, "is_example", "version", "updated_at", "updated_by")


# ---------------------------------------------------------------- validation
def _share(value) -> float | None:
    if value in (None, ""):
        return None
    try:
        share = float(str(value).replace(",", ".").replace("%", "").replace("\u00a0", "").strip())
    except ValueError:
        raise ValidationError("error.not_a_number", field="direct_share", value=value) from None
    if share != share or not 0 <= share <= 100:  # NaN or out of range
        raise ValidationError("budget.error.share", field="direct_share", value=value)
    return share


def _code(value, allowed: tuple, field: str) -> str | None:
    if value in (None, ""):
        return None
    if value not in allowed:
        raise ValidationError("budget.error.unknown_code", field=field, value=value)
    return value


def clean(values: dict) -> dict:
    """The five fields checked and normalised, or ValidationError naming the field."""
    return {
        "planned_eur": validation.euros(values.get("planned_eur"), "planned_eur"),
        "actual_eur": validation.euros(values.get("actual_eur"), "actual_eur"),
        "source": _code(values.get("source"), SOURCES, "funding_source"),
        "kind": _code(values.get("kind"), KINDS, "spending_kind"),
        "direct_share": _share(values.get("direct_share")),
    }


def measure_years(db: Database, measure: dict) -> list[int]:
    """The years a measure runs: its own start–end, the plan period where not given."""
    plan = plans.plan_of(db, "measure", measure["id"])
    return list(range(measure["start_year"] or plan["first_year"], (measure["end_year"] or plan["last_year"]) + 1))


def check_year(db: Database, measure: dict, year) -> int:
    years = measure_years(db, measure)
    value = validation.whole(year, "budget_year", "error.not_a_year", value=year)
    if value not in years:
        raise ValidationError(
            "budget.error.year_outside_measure", field="budget_year", year=value, first=years[0], last=years[-1]
        )
    return value


# ---------------------------------------------------------------- reading and writing one line
def get(db: Database, measure_id: int, year: int) -> dict | None:
    rows = list(db.query("select * from budget_lines where measure_id = ? and year = ?", [measure_id, year]))
    return {k: rows[0][k] for k in _PUBLIC} if rows else None


def lines_of(db: Database, measure_id: int) -> list[dict]:
    """A measure's lines, by year."""
    return [
        {k: r[k] for k in _PUBLIC}
        for r in db.query("select * from budget_lines where measure_id = ? order by year", [measure_id])
    ]


def allowed(db: Database, actor: Actor, measure_id: int) -> bool:
    """Whether `actor` may change the measure's euros (the UI's read-only view); save() checks again."""
    try:
        auth.require_org_editor(actor, follow_up.responsible_orgs(db, "measure", plans.get(db, "measure", measure_id)))
    except PermissionDenied:
        return False
    return True


def save(
    db: Database,
    actor: Actor,
    measure_id: int,
    year: int,
    expected_version: int | None = None,
    is_example: bool = False,
    **values,
) -> int:
    """Store a measure's euros of one year; returns the version now current.

    `values`: planned_eur, actual_eur, source, kind, direct_share (text as typed, or
    numbers). `expected_version`: what the user's screen showed (None or 0: no line yet).
    Permissions as for the measure's follow-up status (auth.require_org_editor)."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise TypeError(f"unknown budget fields {sorted(unknown)}")
    fields = clean(values)
    with write(db):
        measure = plans.get(db, "measure", measure_id)
        year = check_year(db, measure, year)
        auth.require_org_editor(actor, follow_up.responsible_orgs(db, "measure", measure))
        before = get(db, measure_id, year)
        if before is None:
            if expected_version:
                raise NotFound("error.not_found", entity="budget", id=f"{measure_id}/{year}")
            row = {
                "measure_id": measure_id,
                "year": year,
                **fields,
                "is_example": int(bool(is_example)),
                "version": 1,
                "updated_at": now(),
                "updated_by": actor.name,
            }
            line_id = insert_row(db, "budget_lines", row)
            audit(db, actor, "budget", line_id, "create", after={"measure_id": measure_id, "year": year, **fields})
            return 1
        require_version(before, expected_version or 0)
        if all(before[k] == v for k, v in fields.items()):
            return before["version"]
        # a person's edit of an example line makes it theirs
        return save_changes(
            db, actor, "budget_lines", "budget", before, {**fields, "is_example": int(bool(is_example))}
        )


# ---------------------------------------------------------------- roll-up
class Totals:
    """Euros of one group (a year, an organisation, a focus area, the period...)."""

    __slots__ = (
        "planned",
        "actual",
        "cancelled_planned",
        "lines",
        "by_source",
        "by_kind",
        "direct_planned",
        "share_planned",
        "direct_actual",
        "share_actual",
        "has_planned",
        "has_actual",
    )

    def __init__(self):
        self.planned = self.actual = self.cancelled_planned = 0.0
        self.lines = 0  # measure-years with euros
        self.by_source = {s: [0.0, 0.0] for s in (*SOURCES, UNSET)}  # source -> [planned, actual]
        self.by_kind = {k: [0.0, 0.0] for k in (*KINDS, UNSET)}
        self.direct_planned = self.share_planned = self.direct_actual = self.share_actual = 0.0
        self.has_planned = self.has_actual = False  # any euros given at all: else shown as "–", not 0 €

    def add(self, r) -> None:
        """One group row: source (None: not grouped by source), kind, cancelled, measure-years
        with euros, planned, actual, direct planned, planned with a share, the same actual."""
        source, kind, cancelled, lines, planned, actual, d_planned, s_planned, d_actual, s_actual = r
        self.has_planned |= planned is not None
        self.has_actual |= actual is not None
        planned, actual = planned or 0.0, actual or 0.0
        self.lines += lines
        if cancelled:
            self.cancelled_planned += planned
            planned = d_planned = s_planned = 0.0
        self.planned += planned
        self.actual += actual
        if source is not None:
            self.by_source[source][0] += planned
            self.by_source[source][1] += actual
        self.by_kind[kind][0] += planned
        self.by_kind[kind][1] += actual
        self.direct_planned += d_planned or 0.0
        self.share_planned += s_planned or 0.0
        self.direct_actual += d_actual or 0.0
        self.share_actual += s_actual or 0.0

    def shown(self, which: int) -> float | None:
        """Planned (0) or actual (1) euros, None when no one gave any (not the same as 0 €)."""
        if which == 0:
            return self.planned if self.has_planned else None
        return self.actual if self.has_actual else None

    def preventive_share(self, which: int) -> float | None:
        """(Preventive + early support) / euros with a kind; which: 0 planned, 1 actual."""
        known = sum(self.by_kind[k][which] for k in KINDS)
        return sum(self.by_kind[k][which] for k in PREVENTIVE) / known if known else None

    def direct_share(self, which: int) -> float | None:
        base = self.share_planned if which == 0 else self.share_actual
        return (self.direct_planned if which == 0 else self.direct_actual) / base if base else None


_SCOPE = "(g.scope = 'shared' or exists (select 1 from goal_municipalities gm where gm.goal_id = g.id and gm.org_id = :muni))"
_FROM = (
    f"from budget_lines b join measures m on m.id = b.measure_id and {plans.counts_sql('m')} "
    f"join goals g on g.id = m.goal_id and {plans.counts_sql('g')} "
    "join focus_areas f on f.id = g.focus_area_id and f.deleted_at is null join plans p on p.id = f.plan_id "
)
# A line counts in its measure's years, inside the plan period (a measure kept from a longer period).
_WHERE = (
    "where f.plan_id = :p and b.year between coalesce(m.start_year, p.first_year) and coalesce(m.end_year, p.last_year) "
    "and b.year between p.first_year and p.last_year"
)
# The organisation: the measure's own, else its goal's when the goal has exactly one.
_GOAL_ORG = (
    "left join (select goal_id, min(org_id) org_id from goal_responsibles group by goal_id "
    "having count(*) = 1) gr on gr.goal_id = g.id "
)
# Cancelled: the measure's latest status in its own years up to the line's year is "cancelled"
# (a status from before a measure was rescheduled counts nowhere, as in follow-up). Looked up
# (through the unique index) only for measures that were ever cancelled.
_CANCELLED = (
    "case when b.measure_id in (select item_id from status_updates where entity = 'measure' "
    "and status = 'cancelled') then coalesce((select u.status = 'cancelled' from status_updates u "
    "where u.entity = 'measure' and u.item_id = b.measure_id "
    "and u.year between coalesce(m.start_year, p.first_year) and b.year "
    "order by u.year desc, u.version desc limit 1), 0) else 0 end"
)
_SUMS = (
    "count(planned_eur) + count(actual_eur) - count(planned_eur * actual_eur), sum(planned_eur), "
    "sum(actual_eur), sum(planned_eur * direct_share / 100.0), sum(planned_eur * (direct_share >= 0)), "
    "sum(actual_eur * direct_share / 100.0), sum(actual_eur * (direct_share >= 0))"
)


def rollup(db: Database, plan_id: int, municipality_id: int | None = None) -> dict:
    """Planned and actual euros of a plan: the period and each year (by source and kind),
    each organisation and focus area (by kind), the measures without euros and how many
    run each year. See the module's text for the rules."""
    plan = plans.get_plan(db, plan_id)
    params = {"p": plan_id, "muni": municipality_id}
    scope = f" and {_SCOPE}" if municipality_id else ""
    # The lines are read once into a temporary table and grouped there twice: by year,
    # source and kind, and by organisation, focus area and kind. The groups are few, so
    # the Python side stays small however many lines the plan has.
    groups = db.execute(
        "with x as materialized (select b.year, coalesce(m.responsible_org_id, gr.org_id) org_id, f.id area_id, "
        f"coalesce(b.source, '') source, coalesce(b.kind, '') kind, {_CANCELLED} cancelled, b.planned_eur, "
        f"b.actual_eur, b.direct_share {_FROM}{_GOAL_ORG}{_WHERE}{scope}) "
        f"select year, null, source, kind, cancelled, {_SUMS} from x group by year, source, kind, cancelled "
        f"union all select org_id, area_id, null, kind, cancelled, {_SUMS} from x "
        "group by org_id, area_id, kind, cancelled",
        params,
    ).fetchall()
    years = follow_up.plan_years(plan)
    total = Totals()
    by_year = {y: Totals() for y in years}
    by_org: dict[int | None, Totals] = {}
    by_area: dict[int, Totals] = {}
    cancelled_years = 0
    for key, area_id, *r in groups:
        if r[0] is not None:  # by year, source and kind
            total.add(r)
            by_year[key].add(r)
            cancelled_years += r[3] if r[2] else 0
        else:
            (by_org.get(key) or by_org.setdefault(key, Totals())).add(r)
            (by_area.get(area_id) or by_area.setdefault(area_id, Totals())).add(r)
    # Measures in scope: how many run each year, and which have no euros at all.
    measures = db.execute(
        "select m.id, m.title_fi, m.title_sv, m.start_year, m.end_year, f.id, "
        "exists (select 1 from budget_lines b where b.measure_id = m.id "
        "and (b.planned_eur is not null or b.actual_eur is not null)) "
        f"from measures m join goals g on g.id = m.goal_id and {plans.counts_sql('g')} "
        "join focus_areas f on f.id = g.focus_area_id and f.deleted_at is null "
        f"where f.plan_id = :p and {plans.counts_sql('m')}{scope}",
        params,
    ).fetchall()
    running = dict.fromkeys(years, 0)
    without = []
    for m_id, title_fi, title_sv, start, end, area_id, has_euros in measures:
        for y in range(max(start or years[0], years[0]), min(end or years[-1], years[-1]) + 1):  # in the period
            running[y] += 1
        if not has_euros:
            without.append({"id": m_id, "title_fi": title_fi, "title_sv": title_sv, "focus_area_id": area_id})
    return {
        "plan_id": plan_id,
        "years": years,
        "total": total,
        "by_year": by_year,
        "by_org": by_org,
        "by_area": by_area,
        "measures": len(measures),
        "running": running,
        "without_euros": without,
        "cancelled_years": cancelled_years,
    }


def trend(r: dict) -> list[dict]:
    """Per year: planned and actual euros and the preventive share of each (the chart's data)."""
    return [
        {
            "year": y,
            "planned": t.shown(0),
            "actual": t.shown(1),
            "preventive_planned": t.preventive_share(0),
            "preventive_actual": t.preventive_share(1),
            "with_euros": t.lines,
            "measures": r["running"][y],
        }
        for y, t in r["by_year"].items()
    ]


def read_rows(db: Database, plan_id: int, municipality_id: int | None = None) -> list[tuple]:
    """The plan's lines in scope as plain rows (the benchmark's baseline and the CSV)."""
    scope = f" and {_SCOPE}" if municipality_id else ""
    return db.execute(f"select b.* {_FROM}{_WHERE}{scope}", {"p": plan_id, "muni": municipality_id}).fetchall()


# ---------------------------------------------------------------- the example plan
# Made-up euros, flagged is_example: (measure title prefix, planned euros in its first
# year, yearly change, actual / planned, source, kind, direct share %). One measure is
# left without euros and one is cancelled in the example follow-up, so that both show.
EXAMPLE = [
    ("Kaveritoiminta", 8000, 0.10, 0.95, "own", "preventive", 90),
    ("Harrastamisen Suomen malli", 40000, 0.25, 0.90, "state", "preventive", 100),
    ("Lasten parlamentti", 5000, 0.0, 1.00, "own", "preventive", 100),
    ("Liikkuva nuorisotyö", 40000, 0.05, 1.05, "project", "early_support", 80),
    ("Perhekeskus", 50000, 0.05, 1.02, "own", "early_support", 70),
    ("Vanhempainryhmät", 4000, 0.0, 0.85, "project", "preventive", 100),
    ("Ruotsinkielinen perhetyöntekijä", 90000, -0.15, 1.00, "own", "corrective", 90),
    ("Chat-palvelu", 30000, 0.20, 0.95, "state", "early_support", 100),
    ("Päihdekasvatus", 6000, 0.0, 1.00, "own", "preventive", 100),
    ("Rippikoulujen", 3000, 0.0, 0.50, "other", "preventive", 100),
]
EXAMPLE_ACTOR = Actor(name="Yhteistyöryhmä (esimerkki)", role=Role.ADMIN)


def load_example(db: Database, plan_id: int) -> int:
    """Example euros for measures of the example plan, through save() like a person's
    entry, flagged is_example. Actual euros up to the year before the reporting year.
    Returns the lines added; none when the plan has any already."""
    if read_rows(db, plan_id)[:1]:
        return 0
    reporting = follow_up.reporting_year(plans.get_plan(db, plan_id))
    added = 0
    with write(db):
        measures = [m for a in plans.tree(db, plan_id) for g in a["goals"] for m in g["measures"]]
        for prefix, first, change, spent, source, kind, direct in EXAMPLE:
            for m in [m for m in measures if m["title_fi"].startswith(prefix)][:1]:
                for i, year in enumerate(measure_years(db, m)):
                    planned = round(first * (1 + change) ** i, -2)
                    save(
                        db,
                        EXAMPLE_ACTOR,
                        m["id"],
                        year,
                        is_example=True,
                        planned_eur=planned,
                        actual_eur=round(planned * spent, -2) if year < reporting else None,
                        source=source,
                        kind=kind,
                        direct_share=direct,
                    )
                    added += 1
    return added
