"""Indicator catalogue, import, values and goal–indicator links (regions in regions.py, the progress
method in progress.py, the live Sotkanet client in sotkanet_client.py)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter

from sqlite_utils import Database

from . import auth, i18n, plans, sotkanet, validation
from .db import audit, get_or_not_found, insert_row, now, save_changes, save_version, write
from .errors import ImportRejected, NotFound, ValidationError, require_version
from .model import TEXT_MAX, TITLE_MAX, Actor
from .progress import DIRECTIONS, assess, interval, people, progress_label, proportion_scale
from .regions import ensure_regions, plan_regions, region_code_map, region_name
from .sotkanet import Parsed, Problems, no_gc, parse_file

log = logging.getLogger(__name__)

GENDER_TOTAL = "total"
# What a goal link can follow: the total, one gender, or the gap girls minus boys.
LINK_GENDERS = ("total", "female", "male", "gap")
NOISE_UNITS = ("points", "relative")
# Smallest number of people behind a municipality's value that is shown (Sotkanet's own
# small-number practice); school health survey indicators should be set to 15.
DEFAULT_MIN_COUNT = 5
SURVEY_MIN_COUNT = 15
# Suggested noise thresholds for survey indicators when the number who answered is unknown
# (guidance for the School Health Promotion study's municipal users), percentage points.
SURVEY_NOISE_SMALL, SURVEY_NOISE_LARGE = 5.0, 2.0


# ---------------------------------------------------------------- small helpers
def text_in(row: dict, lang: str, field_name: str = "title") -> str:
    """The text in the user's language, else Finnish, else English."""
    return row.get(f"{field_name}_{lang}") or row.get(f"{field_name}_fi") or row.get(f"{field_name}_en") or ""


# ---------------------------------------------------------------- catalogue
def catalogue(db: Database) -> list[dict]:
    """Every indicator with its number of values and year range."""
    sql = """select i.*, s.n values_count, s.first_year, s.last_year, s.example_values
               from indicators i left join (
                 select indicator_id, count(*) n, min(year) first_year, max(year) last_year,
                        max(is_example) example_values
                   from indicator_values group by indicator_id) s on s.indicator_id = i.id
              order by i.source desc, cast(i.source_id as integer), i.source_id"""
    return [dict(r) for r in db.query(sql)]


def choices(db: Database) -> list[dict]:
    """Indicators to pick from (no value counts: cheap on a national-scale database)."""
    return [
        dict(r)
        for r in db.query(
            "select id, source, source_id, title_fi, title_sv, title_en from indicators "
            "order by source desc, cast(source_id as integer), source_id"
        )
    ]


def get_indicator(db: Database, indicator_id: int) -> dict:
    return get_or_not_found(db, "indicators", indicator_id, entity="indicator")


def find_indicator(db: Database, ref) -> dict:
    """An indicator by its Sotkanet id or custom code (as typed on the command line)."""
    ref = str(ref or "").strip()
    rows = list(
        db.query(
            "select * from indicators where (source = 'sotkanet' and source_id = ?) "
            "or (source = 'custom' and upper(source_id) = upper(?)) order by source desc",
            [ref, ref],
        )
    )
    if not rows:
        raise NotFound("error.not_found", entity="indicator", id=ref)
    return rows[0]


def indicator_label(row: dict, lang: str) -> str:
    prefix = f"{row['source_id']} " if row["source"] == "sotkanet" else f"{row['source_id']}: "
    return prefix + text_in(row, lang)


def unit_in(row: dict, lang: str) -> str:
    return text_in(row, lang, "unit") or (row.get("value_type") or "")


def add_custom(
    db: Database,
    actor: Actor,
    code,
    title_fi,
    title_sv="",
    title_en="",
    unit_fi="",
    direction="higher",
    decimals=1,
    description_fi="",
    is_example=False,
) -> int:
    """A local indicator (e.g. a municipality's own survey), filled through the custom template."""
    auth.require_plan_editor(actor)
    code = plans.clean_text(code, "ind_code", required=True, max_len=40).upper()
    if any(c.isspace() or c in ";,\"'" for c in code):
        raise ValidationError("indicators.error.bad_code", field="ind_code", code=code)
    if direction not in DIRECTIONS:
        raise ValidationError("error.invalid", field="ind_direction")
    decimals = validation.whole(decimals, "ind_decimals", value=decimals)
    if not 0 <= decimals <= 4:
        raise ValidationError("error.invalid", field="ind_decimals")
    row = {
        "source": "custom",
        "source_id": code,
        "title_fi": plans.clean_text(title_fi, "title_fi", required=True, max_len=TITLE_MAX),
        "title_sv": plans.clean_text(title_sv, "title_sv", max_len=TITLE_MAX),
        "title_en": plans.clean_text(title_en, "ind_title_en", max_len=TITLE_MAX),
        "unit_fi": plans.clean_text(unit_fi, "ind_unit", max_len=80),
        "description_fi": plans.clean_text(description_fi, "description", max_len=TEXT_MAX, multiline=True),
        "direction": direction,
        "decimals": decimals,
        "is_example": int(bool(is_example)),
        "version": 1,
        "updated_at": now(),
        "updated_by": actor.name,
    }
    with write(db):
        if db.execute("select 1 from indicators where source = 'custom' and source_id = ?", [code]).fetchone():
            raise ValidationError("indicators.error.duplicate_code", field="ind_code", code=code)
        indicator_id = insert_row(db, "indicators", row)
        audit(db, actor, "indicator", indicator_id, "create", after=row)
    return indicator_id


def set_direction(db: Database, actor: Actor, indicator_id: int, direction: str | None, expected_version: int) -> int:
    """Which way is better. Sotkanet metadata does not say, so a person decides."""
    auth.require_plan_editor(actor)
    if direction not in (*DIRECTIONS, None):
        raise ValidationError("error.invalid", field="ind_direction")
    with write(db):
        before = get_indicator(db, indicator_id)
        require_version(before, expected_version)
        if before["direction"] == direction:
            return before["version"]
        return save_version(db, actor, "indicators", "indicator", before, {"direction": direction})


def set_trust(
    db: Database,
    actor: Actor,
    indicator_id: int,
    noise_threshold,
    noise_unit: str | None,
    min_count,
    expected_version: int,
) -> int:
    """How far an indicator's values are trusted, set by a person: the noise threshold used when
    the number of people behind a value is unknown (None: every change counts), its unit
    ("points": the indicator's own units, "relative": percent of the baseline), and the smallest
    number of people behind a municipality's value that is shown (None: DEFAULT_MIN_COUNT)."""
    auth.require_plan_editor(actor)
    threshold = validation.decimal(noise_threshold, "ind_noise_threshold")
    if threshold is not None and not 0 < threshold <= 1000:
        raise ValidationError("error.invalid", field="ind_noise_threshold")
    noise_unit = noise_unit or "points"
    if noise_unit not in NOISE_UNITS:
        raise ValidationError("error.invalid", field="ind_noise_unit")
    if min_count in (None, ""):
        minimum = None
    else:
        minimum = validation.whole(min_count, "ind_min_count", value=min_count)
        if not 1 <= minimum <= 10000:
            raise ValidationError("error.invalid", field="ind_min_count")
    after = {
        "noise_threshold": threshold,
        "noise_unit": noise_unit if threshold is not None else None,
        "min_count": minimum,
    }
    with write(db):
        before = get_indicator(db, indicator_id)
        require_version(before, expected_version)
        old = {k: before[k] for k in after}
        if old == after:
            return before["version"]
        return save_version(db, actor, "indicators", "indicator", before, after)


# ---------------------------------------------------------------- import
@dataclass
class FileReport:
    name: str
    kind: str
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    skipped_empty: int = 0
    indicators: set = field(default_factory=set)


def import_files(
    db: Database, actor: Actor, files, is_example: bool = False, limits: sotkanet.Limits | None = None
) -> list[FileReport]:
    """Import files given as (name, bytes) in one transaction, regions and metadata
    before data so one upload can carry all. Any bad row refuses every file. An upload
    beyond `limits` (the page's unless the command line passes its own) is refused
    before any of it is read."""
    auth.require_plan_editor(actor)
    files = list(files)
    limits = limits or sotkanet.PAGE
    sotkanet.check_upload(files, limits)
    parsed, problems = [], Problems()
    for name, data in files:
        try:
            parsed.append(parse_file(name, data, problems, limits))
        except ImportRejected as err:  # the file could not be read at all
            for item in err.problems:
                problems.items.append(item)
    return import_parsed(db, actor, parsed, is_example=is_example, problems=problems)


_ORDER = {"regions": 0, "metadata": 1, "data": 2, "template": 2}


def import_parsed(
    db: Database, actor: Actor, parsed: list[Parsed], is_example: bool = False, problems: Problems | None = None
) -> list[FileReport]:
    """Store parsed files in one transaction. Problems found here (unknown indicator or region,
    conflicting duplicates) join those found while parsing, and any problem rolls it all back."""
    auth.require_plan_editor(actor)
    reports = []
    problems = problems or Problems()
    across = _Across.of(parsed)
    with write(db):
        ensure_regions(db)
        for item in sorted(parsed, key=lambda p: _ORDER[p.kind]):
            report = FileReport(item.name, item.kind, skipped_empty=item.skipped_empty)
            if item.kind == "regions":
                try:
                    _import_regions(db, item, report, problems)
                except sqlite3.IntegrityError as err:  # two regions of the file meet one stored region
                    log.warning("regions file %s clashes with the stored regions: %s", item.name, err)
                    problems.add(item.name, "", "uploads.regions_clash", detail=str(err)[:120])
                    break  # the transaction is rolled back below
            elif item.kind == "metadata":
                _import_metadata(db, item, report, is_example)
            else:
                with no_gc():  # still look for problems only the database can tell, to list them all at once
                    _import_values(db, item, report, problems, is_example, bool(problems.items), across)
            reports.append(report)
        if problems.items:
            problems.raise_if_any()  # rolls the whole transaction back
        audit(
            db,
            actor,
            "indicator_import",
            None,
            "import",
            after=[
                {"file": r.name, "kind": r.kind, "new": r.new, "changed": r.changed, "unchanged": r.unchanged}
                for r in reports
            ],
        )
    return reports


def _import_regions(db, item: Parsed, report: FileReport, problems: Problems) -> None:
    by_sotkanet = {
        r["sotkanet_id"]: dict(r) for r in db.query("select * from ind_regions where sotkanet_id is not null")
    }
    by_code = {(r["category"], r["code"]): dict(r) for r in db.query("select * from ind_regions")}
    for row in item.rows:
        current = by_sotkanet.get(row["sotkanet_id"]) or by_code.get((row["category"], row["code"]))
        if current is None:
            db["ind_regions"].insert(row)
            report.new += 1
        elif any(current.get(k) != v for k, v in row.items()):
            clash = by_code.get((row["category"], row["code"]))
            if clash and clash["id"] != current["id"]:
                # a region made from an organisation code meets its Sotkanet row: keep the one in use
                db["ind_regions"].update(clash["id"], {"sotkanet_id": None})
                db["ind_regions"].update(
                    current["id"], {"category": "OLD", "code": f"OLD{current['id']}", "sotkanet_id": None}
                )  # its id moves to the clash
                db["ind_regions"].update(clash["id"], row)
            else:
                db["ind_regions"].update(current["id"], row)
            report.changed += 1
        else:
            report.unchanged += 1


_META_FIELDS = (
    "title_fi",
    "title_sv",
    "title_en",
    "description_fi",
    "description_sv",
    "description_en",
    "value_type",
    "unit_fi",
    "unit_sv",
    "unit_en",
    "decimals",
    "organisation",
    "data_updated",
    "range_start",
    "range_end",
)


def _import_metadata(db, item: Parsed, report: FileReport, is_example: bool) -> None:
    for row in item.rows:
        current = db.execute(
            "select id from indicators where source = ? and source_id = ?", [row["source"], row["source_id"]]
        ).fetchone()
        if current is None:
            db["indicators"].insert(
                {**row, "is_example": int(is_example), "version": 1, "updated_at": now(), "updated_by": "import"}
            )
            report.new += 1
            continue
        before = get_indicator(db, current[0])
        changes = {k: row[k] for k in _META_FIELDS if before.get(k) != row.get(k)}
        if not is_example and before["is_example"]:
            changes["is_example"] = 0
        if changes:  # one audit row for the whole import (import_parsed), as for values
            db["indicators"].update(
                current[0], {**changes, "version": before["version"] + 1, "updated_at": now(), "updated_by": "import"}
            )
            report.changed += 1
        else:
            report.unchanged += 1
        report.indicators.add(current[0])


@dataclass
class _Across:
    """Keys of the upload's earlier value files, to refuse one given again with another value
    (otherwise the later file would silently win). Kept only for the indicators that more than
    one file names: the usual upload, one file or one indicator a file, keeps nothing."""

    shared: set  # indicators as the files name them: (template?, Sotkanet id or upper-case code)
    first: dict = field(default_factory=dict)  # (indicator, region, year, gender) -> (value, abs, file, line)

    @classmethod
    def of(cls, parsed: list[Parsed]) -> _Across | None:
        values = [item for item in parsed if item.kind in ("data", "template")]
        if len(values) < 2:
            return None
        seen: set = set()
        shared: set = set()
        for item in values:
            template = item.kind == "template"
            names = {(template, _indicator_key(ind, template)) for ind in set(map(itemgetter(0), item.rows))}
            shared |= seen & names
            seen |= names
        return cls(shared) if shared else None

    def check(self, name: str, item: Parsed, mapped: list[tuple], problems: Problems) -> None:
        template = item.kind == "template"
        shared, first = self.shared, self.first
        for (i, r, year, gender, value, abs_value, _), (ind, reg, *_rest, line) in zip(mapped, item.rows):
            if (template, _indicator_key(ind, template)) not in shared:
                continue
            key = (i, r, year, gender)
            earlier = first.setdefault(key, (value, abs_value, name, line))
            # repeats inside one file are the duplicate check's (_import_values); equal values pass, as there
            if earlier[2] != name and earlier[:2] != (value, abs_value):
                problems.add(
                    name,
                    line,
                    "indicators.reason.duplicate_across",
                    indicator=ind,
                    region=_shown(reg),
                    year=year,
                    gender=gender,
                    file=earlier[2],
                    line=earlier[3],
                )


def _indicator_key(ind, template: bool):
    return ind.upper() if template else ind


def _shown(reg) -> str:
    """A region as the file gave it: a code stored as a number comes as its candidates (sotkanet.numeric_code)."""
    return reg[0] if type(reg) is tuple else reg


def _import_values(
    db,
    item: Parsed,
    report: FileReport,
    problems: Problems,
    is_example: bool,
    check_only: bool = False,
    across: _Across | None = None,
) -> None:
    name = item.name
    if item.kind == "data":
        indicator_ids = {
            int(r[1]): r[0] for r in db.execute("select id, source_id from indicators where source = 'sotkanet'")
        }
        region_ids = {
            r[0]: r[1] for r in db.execute("select sotkanet_id, id from ind_regions where sotkanet_id is not null")
        }
        unknown_indicator, unknown_region = "indicators.reason.unknown_indicator", "indicators.reason.unknown_region"
    else:
        indicator_ids = {
            r[1].upper(): r[0] for r in db.execute("select id, source_id from indicators where source = 'custom'")
        }
        region_ids = region_code_map(db)
        unknown_indicator, unknown_region = "indicators.reason.unknown_custom", "indicators.reason.unknown_region_code"
    flag = int(is_example)
    template = item.kind == "template"
    ind_get, reg_get = indicator_ids.get, region_ids.get
    mapped: list[tuple] = []
    append = mapped.append
    for ind, reg, year, gender, value, abs_value, line in item.rows:
        if template:
            ind = ind.upper()
        i = ind_get(ind)
        if i is None:
            problems.add(name, line, unknown_indicator, value=ind)
            continue
        if template and type(reg) is tuple:  # a code stored as a number, e.g. county 18 or municipality 018
            found = {code: reg_get(code) for code in reg if reg_get(code) is not None}
            if len(set(found.values())) > 1:
                problems.add(name, line, "indicators.reason.ambiguous_region", value=reg[0], codes=", ".join(found))
                continue
            r = next(iter(found.values()), None)
            reg = reg[0]
        else:
            if template:
                reg = reg.upper()
            r = reg_get(reg)
        if r is None:
            problems.add(name, line, unknown_region, value=reg)
            continue
        append((i, r, year, gender, value, abs_value, flag))
    if problems.items:
        return
    if across is not None:
        across.check(name, item, mapped, problems)
        if problems.items:
            return
    report.indicators.update(set(map(itemgetter(0), mapped)))
    if not check_only:
        # Most files repeat no key: store them in one pass. The primary key refuses a key
        # given twice; then the careful path below sorts harmless repeats from conflicts.
        db.execute("savepoint values_import")
        try:
            _store_values(db, mapped, report)
        except sqlite3.IntegrityError:
            db.execute("rollback to values_import")
            db.execute("release values_import")
        else:
            db.execute("release values_import")
            return
    keyed: dict[tuple, tuple] = {}
    for (i, r, year, gender, value, abs_value, _), (ind, reg, *_rest, line) in zip(mapped, item.rows):
        key = (i, r, year, gender)
        previous = keyed.get(key)
        if previous is None:
            keyed[key] = (value, abs_value)
        elif previous != (value, abs_value):
            problems.add(
                name, line, "indicators.reason.duplicate", indicator=ind, region=_shown(reg), year=year, gender=gender
            )
    if problems.items or check_only:
        return
    _store_values(db, [(*key, value, abs_value, flag) for key, (value, abs_value) in keyed.items()], report)


def _store_values(db, rows: list[tuple], report: FileReport) -> None:
    """Insert or update rows with unique keys, counting new, changed and unchanged ones.
    Raises sqlite3.IntegrityError when a key repeats."""
    ids = sorted(set(map(itemgetter(0), rows)))
    marks = ",".join("?" * len(ids))
    if (
        not ids
        or not db.execute(f"select 1 from indicator_values where indicator_id in ({marks}) limit 1", ids).fetchone()
    ):
        db.conn.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?)", rows)
        report.new += len(rows)
        return
    # Values are stored already: compare with them row by row. Inserts alone would not
    # notice a repeated key that is stored already, so look for repeats first.
    if len(set(map(itemgetter(0, 1, 2, 3), rows))) != len(rows):
        raise sqlite3.IntegrityError("a key repeats")
    existing: dict[tuple, tuple] = {}
    for indicator_id in ids:
        for r in db.execute(
            "select region_id, year, gender, value, abs_value, is_example from indicator_values where indicator_id = ?",
            [indicator_id],
        ):
            existing[(indicator_id, r[0], r[1], r[2])] = (r[3], r[4], r[5])
    new, changed = [], []
    for row in rows:
        old = existing.get(row[:4])
        if old is None:
            new.append(row)
        elif old != row[4:]:
            changed.append((*row[4:], *row[:4]))
    db.conn.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?)", new)
    db.conn.executemany(
        "update indicator_values set value = ?, abs_value = ?, is_example = ? where indicator_id = ? "
        "and region_id = ? and year = ? and gender = ?",
        changed,
    )
    report.new += len(new)
    report.changed += len(changed)
    report.unchanged += len(rows) - len(new) - len(changed)


# ---------------------------------------------------------------- reading values
def series(db: Database, indicator_id: int, region_ids, gender: str = GENDER_TOTAL) -> list[dict]:
    region_ids = list(region_ids)
    if not region_ids:
        return []
    marks = ", ".join("?" * len(region_ids))
    sql = (
        f"select region_id, year, value, is_example from indicator_values where indicator_id = ? "
        f"and region_id in ({marks}) and gender = ? order by region_id, year"
    )
    return [dict(r) for r in db.query(sql, [indicator_id, *region_ids, gender])]


def values_by_year(db: Database, indicator_id: int, region_id: int, gender: str = GENDER_TOTAL) -> dict[int, float]:
    return {
        r[0]: r[1]
        for r in db.execute(
            "select year, value from indicator_values where indicator_id = ? and region_id = ? and gender = ?",
            [indicator_id, region_id, gender],
        )
    }


def years(db: Database, indicator_id: int, region_ids, gender: str = GENDER_TOTAL) -> list[int]:
    if gender == "gap":
        both = set(years(db, indicator_id, region_ids, "female")) & set(years(db, indicator_id, region_ids, "male"))
        return sorted(both)
    return sorted({r["year"] for r in series(db, indicator_id, region_ids, gender)})


def genders(db: Database, indicator_id: int) -> list[str]:
    """Genders with values for an indicator, total first."""
    found = {
        r[0] for r in db.execute("select distinct gender from indicator_values where indicator_id = ?", [indicator_id])
    }
    return [g for g in ("total", "female", "male") if g in found]


def comparison(
    db: Database, plan_id: int, indicator_id: int, year: int, lang: str, gender: str = GENDER_TOTAL
) -> list[dict]:
    """One indicator and year for every region of the plan, the counties and the country, each
    with its interval (low, high) and whether it is too few to show (then value is None)."""
    regions = plan_regions(db, plan_id, lang)
    indicator = get_indicator(db, indicator_id)
    by_region = {
        r["region_id"]: r
        for r in trusted_series(db, indicator, [r["id"] for r in regions], gender)
        if r["year"] == year
    }
    result = []
    for region in regions:
        row = by_region.get(region["id"])
        if row is None:
            continue
        hidden = row["too_few"]
        result.append(
            {
                "region": region["name"],
                "kind": region["kind"],
                "value": None if hidden else row["value"],
                "low": None if hidden else row["low"],
                "high": None if hidden else row["high"],
                "too_few": hidden,
                "is_example": row["is_example"],
            }
        )
    return result


def trust(indicator: dict) -> dict:
    """The settings that decide how far an indicator's values are trusted."""
    unit = indicator.get("noise_unit") or "points"
    return {
        "scale": proportion_scale(indicator),
        "threshold": indicator.get("noise_threshold"),
        "unit": unit,
        "min_count": indicator.get("min_count") if indicator.get("min_count") is not None else DEFAULT_MIN_COUNT,
    }


def trusted_series(db: Database, indicator: dict, region_ids, gender: str = GENDER_TOTAL) -> list[dict]:
    """Yearly values of regions with what is known of their uncertainty, ordered by region and year:
    region_id, year, value, n (people measured, when known), low and high (95 % Wilson interval,
    when n is known), too_few (a municipality's value based on fewer people than the indicator's
    minimum: not to be shown) and is_example. gender "gap" gives girls minus boys (with female,
    male, n_female, n_male), its interval Newcombe's hybrid score interval of a difference.

    A municipality's total is too few also when its girls' or boys' count is below the minimum
    (the survey rule of at least 15 girls and 15 boys)."""
    region_ids = list(region_ids)
    if not region_ids:
        return []
    settings = trust(indicator)
    scale, minimum = settings["scale"], settings["min_count"]
    marks = ", ".join("?" * len(region_ids))
    municipal = {
        r[0] for r in db.execute(f"select id from ind_regions where category = 'KUNTA' and id in ({marks})", region_ids)
    }
    wanted = (
        ("female", "male") if gender == "gap" else ((gender, "female", "male") if gender == GENDER_TOTAL else (gender,))
    )
    cells: dict[tuple, dict] = {}
    for region_id, year, g, value, abs_value, example in db.execute(
        f"select region_id, year, gender, value, abs_value, is_example from indicator_values "
        f"where indicator_id = ? and region_id in ({marks}) and gender in ({', '.join('?' * len(wanted))}) "
        f"order by region_id, year",
        [indicator["id"], *region_ids, *wanted],
    ):
        n = people(value, abs_value, scale)
        count = n if scale is not None else abs_value
        cells.setdefault((region_id, year), {})[g] = (value, n, count, example)

    def small(cell, g):
        return cell.get(g) is not None and cell[g][2] is not None and cell[g][2] < minimum

    rows = []
    for (region_id, year), cell in cells.items():
        local = region_id in municipal
        if gender == "gap":
            if "female" not in cell or "male" not in cell:
                continue
            (f, nf, _, ef), (m, nm, _, em) = cell["female"], cell["male"]
            low = high = None
            if nf and nm and scale is not None:
                lf, uf = interval(f, nf, scale)
                lm, um = interval(m, nm, scale)
                d = f - m
                low, high = d - ((f - lf) ** 2 + (um - m) ** 2) ** 0.5, d + ((uf - f) ** 2 + (m - lm) ** 2) ** 0.5
            rows.append(
                {
                    "region_id": region_id,
                    "year": year,
                    "value": f - m,
                    "n": None,
                    "low": low,
                    "high": high,
                    "too_few": local and (small(cell, "female") or small(cell, "male")),
                    "is_example": max(ef, em),
                    "female": f,
                    "male": m,
                    "n_female": nf,
                    "n_male": nm,
                }
            )
            continue
        if gender not in cell:
            continue
        value, n, _, example = cell[gender]
        too_few = local and (
            small(cell, gender) or (gender == GENDER_TOTAL and (small(cell, "female") or small(cell, "male")))
        )
        low, high = interval(value, n, scale)
        rows.append(
            {
                "region_id": region_id,
                "year": year,
                "value": value,
                "n": n,
                "low": low,
                "high": high,
                "too_few": too_few,
                "is_example": example,
            }
        )
    return rows


def link_values(
    db: Database, indicator: dict, region_id: int, gender: str = GENDER_TOTAL
) -> tuple[dict, dict, dict | None]:
    """(year -> value, year -> people measured, year -> gap row or None) a link's progress is read
    from. Values too few to show are left out. A gap link follows the size of the gap |girls - boys|."""
    rows = [r for r in trusted_series(db, indicator, [region_id], gender) if not r["too_few"]]
    if gender == "gap":
        return {r["year"]: abs(r["value"]) for r in rows}, {}, {r["year"]: r for r in rows}
    return {r["year"]: r["value"] for r in rows}, {r["year"]: r["n"] for r in rows if r["n"]}, None


def has_example_values(db: Database, indicator_ids=None) -> bool:
    if indicator_ids is None:
        return bool(db.execute("select 1 from indicator_values where is_example = 1 limit 1").fetchone())
    return any(
        db.execute("select 1 from indicator_values where indicator_id = ? and is_example = 1 limit 1", [i]).fetchone()
        for i in set(indicator_ids)
    )


# ---------------------------------------------------------------- goal–indicator links
def _goal_plan(db, goal_id: int) -> tuple[dict, dict]:
    goal = plans.get(db, "goal", goal_id)
    return goal, plans.plan_of(db, "goal", goal_id)


def _link_fields(db, plan: dict, goal_id: int, data: dict, link_id: int | None = None) -> dict:
    indicator_id = validation.whole(data.get("indicator_id"), "ind_indicator", "error.required")
    indicator = get_indicator(db, indicator_id)
    region_id = validation.whole(data.get("region_id"), "ind_region", "error.required")
    if region_id not in {r["id"] for r in plan_regions(db, plan["id"])}:
        raise ValidationError("indicators.error.region_not_in_plan", field="ind_region")
    baseline_year = validation.year(data.get("baseline_year"), "ind_baseline_year", required=True)
    target_year = validation.year(data.get("target_year"), "ind_target_year", required=True)
    if target_year <= baseline_year:
        raise ValidationError(
            "indicators.error.target_before_baseline",
            field="ind_target_year",
            baseline=baseline_year,
            target=target_year,
        )
    gender = data.get("gender") or GENDER_TOTAL
    if gender not in LINK_GENDERS:
        raise ValidationError("error.invalid", field="ind_link_gender")
    baseline_value = validation.decimal(data.get("baseline_value"), "ind_baseline_value")
    if baseline_value is None:  # prefilled from the data of that year, when there is any
        baseline_value = link_values(db, indicator, region_id, gender)[0].get(baseline_year)
    target_value = validation.decimal(data.get("target_value"), "ind_target_value", required=True)
    if gender == "gap" and target_value < 0:  # a gap link follows the size of the gap
        raise ValidationError("indicators.error.gap_target_negative", field="ind_target_value")
    clash = db.execute(
        "select id from goal_indicators where goal_id = ? and indicator_id = ? and region_id = ? "
        "and gender = ? and id is not ?",
        [goal_id, indicator_id, region_id, gender, link_id],
    ).fetchone()
    if clash:
        raise ValidationError("indicators.error.duplicate_link", field="ind_indicator")
    return {
        "goal_id": goal_id,
        "indicator_id": indicator_id,
        "region_id": region_id,
        "gender": gender,
        "baseline_year": baseline_year,
        "baseline_value": baseline_value,
        "target_year": target_year,
        "target_value": target_value,
    }


def add_link(db: Database, actor: Actor, goal_id: int, **data) -> int:
    with write(db):  # the goal and the actor's rights as they are when the row is written
        goal, plan = _goal_plan(db, goal_id)
        plans.authorise(db, actor, "goal", goal)  # a goal's targets are the goal's: reserved with it
        row = _link_fields(db, plan, goal_id, data)
        row.update({"version": 1, "updated_at": now(), "updated_by": actor.name})
        link_id = insert_row(db, "goal_indicators", row)
        audit(db, actor, "goal_indicator", link_id, "create", after=row)
    return link_id


def get_link(db: Database, link_id: int) -> dict:
    return get_or_not_found(db, "goal_indicators", link_id, entity="goal_indicator")


def update_link(db: Database, actor: Actor, link_id: int, expected_version: int, **data) -> int:
    with write(db):
        before = get_link(db, link_id)
        goal, plan = _goal_plan(db, before["goal_id"])
        plans.authorise(db, actor, "goal", goal)
        require_version(before, expected_version)
        merged = {**before, **data}
        row = _link_fields(db, plan, before["goal_id"], merged, link_id)
        return save_changes(db, actor, "goal_indicators", "goal_indicator", before, row, row=row)


def delete_link(db: Database, actor: Actor, link_id: int, expected_version: int) -> None:
    with write(db):
        before = get_link(db, link_id)
        goal, _ = _goal_plan(db, before["goal_id"])
        plans.authorise(db, actor, "goal", goal)
        require_version(before, expected_version)
        db.table("goal_indicators").delete(link_id)
        audit(db, actor, "goal_indicator", link_id, "delete", before=before)


def links(
    db: Database, plan_id: int, lang: str = "fi", goal_id: int | None = None, municipality_id: int | None = None
) -> list[dict]:
    """Links of the plan's goals (not deleted), in plan order, each with its indicator,
    region name, latest value and progress class."""
    sql = """select l.*, g.title_fi goal_title_fi, g.title_sv goal_title_sv, g.scope goal_scope,
                    i.source, i.source_id, i.title_fi, i.title_sv, i.title_en, i.unit_fi, i.unit_sv, i.unit_en,
                    i.value_type, i.decimals, i.direction, i.is_example indicator_is_example,
                    i.noise_threshold, i.noise_unit, i.min_count
               from goal_indicators l join goals g on g.id = l.goal_id
               join focus_areas f on f.id = g.focus_area_id join indicators i on i.id = l.indicator_id
              where f.plan_id = ? and f.deleted_at is null and """
    # one goal's links (its form in the plan editor) also for a draft; the plan's only for goals that count
    sql += "g.deleted_at is null" if goal_id is not None else plans.counts_sql("g")
    args: list = [plan_id]
    if goal_id is not None:
        sql += " and l.goal_id = ?"
        args.append(goal_id)
    sql += " order by f.position, g.position, g.id, l.id"
    rows = [dict(r) for r in db.query(sql, args)]
    if municipality_id is not None:
        allowed = {g["id"] for a in plans.tree(db, plan_id, municipality_id) for g in a["goals"]}
        rows = [r for r in rows if r["goal_id"] in allowed]
    names = {r["id"]: r["name"] for r in plan_regions(db, plan_id, lang)}
    for row in rows:
        indicator = {
            "id": row["indicator_id"],
            "value_type": row["value_type"],
            "unit_fi": row["unit_fi"],
            "noise_threshold": row["noise_threshold"],
            "noise_unit": row["noise_unit"],
            "min_count": row["min_count"],
        }
        settings = trust(indicator)
        values, counts, gaps = link_values(db, indicator, row["region_id"], row["gender"])
        direction = "lower" if row["gender"] == "gap" else row["direction"]  # a smaller gap is better
        result = assess(
            values,
            direction,
            row["baseline_year"],
            row["baseline_value"],
            row["target_year"],
            row["target_value"],
            counts,
            settings["scale"],
            settings["threshold"],
            settings["unit"],
            gaps,
        )
        latest_n = counts.get(result.latest_year)
        low, high = (
            interval(result.latest_value, latest_n, settings["scale"])
            if result.latest_value is not None
            else (None, None)
        )
        if gaps and result.latest_year in gaps and gaps[result.latest_year]["low"] is not None:
            gap = gaps[result.latest_year]
            low, high = (gap["low"], gap["high"]) if gap["value"] >= 0 else (-gap["high"], -gap["low"])
        example = db.execute(
            "select max(is_example) from indicator_values where indicator_id = ? and region_id = ?",
            [row["indicator_id"], row["region_id"]],
        ).fetchone()[0]
        row.update(
            indicator_title=text_in(row, lang) + group_suffix(row["gender"], lang),
            region_name=names.get(row["region_id"]) or region_name(db, row["region_id"], lang),
            unit=unit_in(row, lang),
            goal_title=plans.title_in({"title_fi": row["goal_title_fi"], "title_sv": row["goal_title_sv"]}, lang),
            baseline_value=result.baseline_value,
            latest_year=result.latest_year,
            latest_value=result.latest_value,
            progress=result.progress,
            progress_label=progress_label(result.progress, lang),
            observed_per_year=result.observed_per_year,
            needed_per_year=result.needed_per_year,
            values=values,
            example_values=bool(example),
            latest_n=latest_n,
            latest_low=low,
            latest_high=high,
            margin_rule=result.rule,
            both_worse=_both_worse(gaps, row["direction"], row["baseline_year"], result.latest_year),
        )
    return rows


def _both_worse(gaps: dict | None, direction: str | None, baseline_year, latest_year) -> bool:
    """A gap link whose gap narrowed (or held) while girls and boys both moved the wrong way: its
    progress class follows the gap alone, which a council would read as good news."""
    if not gaps or direction not in DIRECTIONS or baseline_year not in gaps or latest_year not in gaps:
        return False
    sign = 1 if direction == "lower" else -1  # the sign of a change for the worse
    before, after = gaps[baseline_year], gaps[latest_year]
    narrowed = abs(after["value"]) <= abs(before["value"])
    return narrowed and all(sign * (after[g] - before[g]) > 0 for g in ("female", "male"))


def group_suffix(gender: str, lang: str) -> str:
    """ " (Girls)" and the like after a link's indicator title; nothing for the total."""
    return "" if gender == GENDER_TOTAL else f" ({i18n.t(f'indicators.link_gender.{gender}', lang)})"


def goal_indicator_rows(db: Database, plan_id: int, lang: str) -> list[dict]:
    """One dict per goal–indicator link of the plan, for exports."""
    keys = (
        "goal_id",
        "indicator_id",
        "indicator_title",
        "region_name",
        "unit",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "latest_year",
        "latest_value",
        "progress",
        "progress_label",
    )
    return [{k: row[k] for k in keys} | {"example_values": row["example_values"]} for row in links(db, plan_id, lang)]


def load_example(db: Database, plan_id: int) -> None:
    """Example indicators, links and generated values for the example plan (idempotent)."""
    from . import indicator_examples

    indicator_examples.load(db, plan_id)


def parse_years(text) -> list[int]:
    """'2019-2023', '2019–2023' or '2019, 2021, 2023' -> years (at most 30)."""
    raw = str(text or "").replace("–", "-").replace(" ", "")
    try:
        if "-" in raw and "," not in raw:
            first, last = (int(x) for x in raw.split("-", 1))
            result = list(range(first, last + 1))
        else:
            result = sorted({int(x) for x in raw.split(",") if x})
    except ValueError:
        raise ValidationError("indicators.error.bad_years", field="ind_years", value=text) from None
    if not result or len(result) > 30 or not all(1990 <= y <= 2100 for y in result):
        raise ValidationError("indicators.error.bad_years", field="ind_years", value=text)
    return result


def parse_ids(text) -> list[int]:
    try:
        ids = sorted({int(x) for x in str(text or "").replace(";", ",").replace(" ", ",").split(",") if x})
    except ValueError:
        raise ValidationError("error.not_a_number", field="ind_indicator", value=text) from None
    if not ids or len(ids) > 20:
        raise ValidationError("error.required", field="ind_indicator")
    return ids
