"""Indicator catalogue, regions, values, goal–indicator links and progress against targets."""
from __future__ import annotations

import json
import logging
import sqlite3
from dataclasses import dataclass, field
from operator import itemgetter

from sqlite_utils import Database

from . import auth, i18n, plans, sotkanet, validation
from .db import audit, get_or_not_found, now, save_changes, save_version, write
from .errors import ImportRejected, NotFound, Problem, ValidationError, require_version
from .model import TEXT_MAX, TITLE_MAX, Actor, OrgKind
from .sotkanet import Parsed, Problems, no_gc, parse_file

log = logging.getLogger(__name__)

# Sotkanet region ids given in the domain notes (the country and the two counties of the example region).
COUNTRY_SOTKANET_ID = 658
COUNTY_SOTKANET_IDS = {"18": 964, "17": 971}
DIRECTIONS = ("higher", "lower")
PROGRESS = ("reached", "on_track", "too_slow", "wrong_way", "within_margin", "no_data")
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
Z95 = 1.959963984540054  # two-sided 95 %


# ---------------------------------------------------------------- small helpers
def text_in(row: dict, lang: str, field_name: str = "title") -> str:
    """The text in the user's language, else Finnish, else English."""
    return row.get(f"{field_name}_{lang}") or row.get(f"{field_name}_fi") or row.get(f"{field_name}_en") or ""


# ---------------------------------------------------------------- regions
def _org_region(org: dict) -> tuple[str, str] | None:
    """The Sotkanet region (category, code) an organisation stands for, if any."""
    code = (org["code"] or "").strip()
    if org["kind"] == OrgKind.MUNICIPALITY and code.isdigit() and len(code) == 3:
        return "KUNTA", code
    if org["kind"] == OrgKind.COUNTY and code.upper().startswith("HVA") and code[3:].isdigit():
        return "HYVINVOINTIALUE", code[3:]
    return None


def ensure_regions(db: Database) -> None:
    """Regions every plan needs: the country, the counties and municipalities of the
    organisations (by their codes), and one "plan area" region per plan. Idempotent."""
    with write(db, audit=False):  # reference data derived from the organisations, not an edit
        existing = {(r["category"], r["code"]) for r in db.query("select category, code from ind_regions")}
        used_ids = {r[0] for r in db.execute("select sotkanet_id from ind_regions where sotkanet_id is not null")}

        def add(category, code, titles, sotkanet_id=None, plan_id=None):
            if (category, code) in existing:
                return
            if sotkanet_id in used_ids:
                sotkanet_id = None
            db["ind_regions"].insert({"category": category, "code": code, "sotkanet_id": sotkanet_id,
                                      "plan_id": plan_id, **titles, "member_of": "[]"})
            existing.add((category, code))

        if not db.execute("select 1 from ind_regions where category = 'MAA'").fetchone():
            add("MAA", "MAA", {"title_fi": "Koko maa", "title_sv": "Hela landet", "title_en": "Whole country"},
                COUNTRY_SOTKANET_ID)
        for org in db.query("select * from organisations"):
            region = _org_region(org)
            if region:
                names = {"title_fi": org["name_fi"], "title_sv": org["name_sv"] or org["name_fi"],
                         "title_en": org["name_fi"]}
                add(*region, names, COUNTY_SOTKANET_IDS.get(region[1]) if region[0] == "HYVINVOINTIALUE" else None)
        for plan in db.query("select id from plans"):
            add("PLAN", f"PLAN{plan['id']}", {"title_fi": "Suunnitelma-alue", "title_sv": "Planområdet",
                                              "title_en": "Plan area"}, plan_id=plan["id"])


def plan_regions(db: Database, plan_id: int, lang: str = "fi", _retry: bool = False) -> list[dict]:
    """Regions a plan's links can be read for: its municipalities, its counties, the whole
    plan area and the whole country, each with `kind` and a display `name`."""
    orgs = plans.organisations(db, plan_id)
    wanted = []
    for org in orgs:
        region = _org_region(org)
        if region:
            wanted.append((*region, "municipality" if region[0] == "KUNTA" else "county", org))
    wanted.append(("PLAN", f"PLAN{plan_id}", "plan", None))
    rows = {(r["category"], r["code"]): r for r in db.query(
        "select * from ind_regions where category in ('KUNTA', 'HYVINVOINTIALUE', 'PLAN', 'MAA')")}
    country = next((r for r in rows.values() if r["category"] == "MAA"), None)
    if country is None or any((c, code) not in rows for c, code, _, _ in wanted):
        if _retry:
            raise RuntimeError("regions of the plan could not be created")
        ensure_regions(db)
        return plan_regions(db, plan_id, lang, _retry=True)
    result = []
    for category, code, kind, org in wanted:
        region = dict(rows[(category, code)])
        region["kind"] = kind
        region["org_id"] = org["id"] if org else None
        region["name"] = plans.org_name(org, lang) if org else i18n.t("indicators.region.plan_area", lang)
        result.append(region)
    country = dict(country)
    country.update(kind="country", org_id=None, name=i18n.t("indicators.region.country", lang))
    result.append(country)
    return result


def region_name(db: Database, region_id: int, lang: str) -> str:
    row = db.execute("select category, title_fi, title_sv, title_en from ind_regions where id = ?", [region_id]).fetchone()
    if not row:
        return "–"
    if row[0] == "PLAN":
        return i18n.t("indicators.region.plan_area", lang)
    if row[0] == "MAA":
        return i18n.t("indicators.region.country", lang)
    return text_in({"title_fi": row[1], "title_sv": row[2], "title_en": row[3]}, lang)


def _region_code_map(db: Database) -> dict[str, int]:
    """Codes the custom template accepts: kuntanumero, county code (18 or HVA18), MAA, PLAN<id>."""
    codes: dict[str, int] = {}
    for r in db.query("select id, category, code from ind_regions"):
        code = r["code"].upper()
        if r["category"] == "KUNTA":
            codes[code] = r["id"]
        elif r["category"] == "HYVINVOINTIALUE":
            codes.setdefault(code, r["id"])
            codes["HVA" + code] = r["id"]
        elif r["category"] == "MAA":
            codes.update({code: r["id"], "MAA": r["id"]})
        elif r["category"] == "PLAN":
            codes[code] = r["id"]
    return codes


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
    return [dict(r) for r in db.query(
        "select id, source, source_id, title_fi, title_sv, title_en from indicators "
        "order by source desc, cast(source_id as integer), source_id")]


def get_indicator(db: Database, indicator_id: int) -> dict:
    return get_or_not_found(db, "indicators", indicator_id, entity="indicator")


def find_indicator(db: Database, ref) -> dict:
    """An indicator by its Sotkanet id or custom code (as typed on the command line)."""
    ref = str(ref or "").strip()
    rows = list(db.query("select * from indicators where (source = 'sotkanet' and source_id = ?) "
                         "or (source = 'custom' and upper(source_id) = upper(?)) order by source desc", [ref, ref]))
    if not rows:
        raise NotFound("error.not_found", entity="indicator", id=ref)
    return rows[0]


def indicator_label(row: dict, lang: str) -> str:
    prefix = f"{row['source_id']} " if row["source"] == "sotkanet" else f"{row['source_id']}: "
    return prefix + text_in(row, lang)


def unit_in(row: dict, lang: str) -> str:
    return text_in(row, lang, "unit") or (row.get("value_type") or "")


def add_custom(db: Database, actor: Actor, code, title_fi, title_sv="", title_en="", unit_fi="", direction="higher",
               decimals=1, description_fi="", is_example=False) -> int:
    """A local indicator (e.g. a municipality's own survey), filled through the custom template."""
    auth.require_plan_editor(actor)
    code = plans.clean_text(code, "ind_code", required=True, max_len=40).upper()
    if any(c.isspace() or c in ";,\"'" for c in code):
        raise ValidationError("indicators.error.bad_code", field="ind_code", code=code)
    if direction not in DIRECTIONS:
        raise ValidationError("error.invalid", field="ind_direction")
    try:
        decimals = int(decimals)
    except (TypeError, ValueError):
        raise ValidationError("error.not_a_number", field="ind_decimals", value=decimals) from None
    if not 0 <= decimals <= 4:
        raise ValidationError("error.invalid", field="ind_decimals")
    row = {
        "source": "custom", "source_id": code,
        "title_fi": plans.clean_text(title_fi, "title_fi", required=True, max_len=TITLE_MAX),
        "title_sv": plans.clean_text(title_sv, "title_sv", max_len=TITLE_MAX),
        "title_en": plans.clean_text(title_en, "ind_title_en", max_len=TITLE_MAX),
        "unit_fi": plans.clean_text(unit_fi, "ind_unit", max_len=80),
        "description_fi": plans.clean_text(description_fi, "description", max_len=TEXT_MAX, multiline=True),
        "direction": direction, "decimals": decimals, "is_example": int(bool(is_example)),
        "version": 1, "updated_at": now(), "updated_by": actor.name,
    }
    with write(db):
        if db.execute("select 1 from indicators where source = 'custom' and source_id = ?", [code]).fetchone():
            raise ValidationError("indicators.error.duplicate_code", field="ind_code", code=code)
        indicator_id = db["indicators"].insert(row).last_pk
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


def set_trust(db: Database, actor: Actor, indicator_id: int, noise_threshold, noise_unit: str | None,
              min_count, expected_version: int) -> int:
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
    after = {"noise_threshold": threshold, "noise_unit": noise_unit if threshold is not None else None,
             "min_count": minimum}
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


def import_files(db: Database, actor: Actor, files, is_example: bool = False,
                 limits: sotkanet.Limits | None = None) -> list[FileReport]:
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


def import_parsed(db: Database, actor: Actor, parsed: list[Parsed], is_example: bool = False,
                  problems: Problems | None = None) -> list[FileReport]:
    """Store parsed files in one transaction. Problems found here (unknown indicator or region,
    conflicting duplicates) join those found while parsing, and any problem rolls it all back."""
    auth.require_plan_editor(actor)
    reports = []
    problems = problems or Problems()
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
                    _import_values(db, item, report, problems, is_example, check_only=bool(problems.items))
            reports.append(report)
        if problems.items:
            problems.raise_if_any()  # rolls the whole transaction back
        audit(db, actor, "indicator_import", None, "import", after=[
            {"file": r.name, "kind": r.kind, "new": r.new, "changed": r.changed, "unchanged": r.unchanged}
            for r in reports])
    return reports


def _import_regions(db, item: Parsed, report: FileReport, problems: Problems) -> None:
    by_sotkanet = {r["sotkanet_id"]: dict(r) for r in db.query("select * from ind_regions where sotkanet_id is not null")}
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
                db["ind_regions"].update(current["id"], {"category": "OLD", "code": f"OLD{current['id']}",
                                                         "sotkanet_id": None})  # its id moves to the clash
                db["ind_regions"].update(clash["id"], row)
            else:
                db["ind_regions"].update(current["id"], row)
            report.changed += 1
        else:
            report.unchanged += 1


_META_FIELDS = ("title_fi", "title_sv", "title_en", "description_fi", "description_sv", "description_en", "value_type",
                "unit_fi", "unit_sv", "unit_en", "decimals", "organisation", "data_updated", "range_start", "range_end")


def _import_metadata(db, item: Parsed, report: FileReport, is_example: bool) -> None:
    for row in item.rows:
        current = db.execute("select id from indicators where source = ? and source_id = ?",
                             [row["source"], row["source_id"]]).fetchone()
        if current is None:
            db["indicators"].insert({**row, "is_example": int(is_example), "version": 1, "updated_at": now(),
                                     "updated_by": "import"})
            report.new += 1
            continue
        before = get_indicator(db, current[0])
        changes = {k: row[k] for k in _META_FIELDS if before.get(k) != row.get(k)}
        if not is_example and before["is_example"]:
            changes["is_example"] = 0
        if changes:  # one audit row for the whole import (import_parsed), as for values
            db["indicators"].update(current[0], {**changes, "version": before["version"] + 1,
                                                 "updated_at": now(), "updated_by": "import"})
            report.changed += 1
        else:
            report.unchanged += 1
        report.indicators.add(current[0])


def _import_values(db, item: Parsed, report: FileReport, problems: Problems, is_example: bool,
                   check_only: bool = False) -> None:
    name = item.name
    if item.kind == "data":
        indicator_ids = {int(r[1]): r[0] for r in db.execute(
            "select id, source_id from indicators where source = 'sotkanet'")}
        region_ids = {r[0]: r[1] for r in db.execute(
            "select sotkanet_id, id from ind_regions where sotkanet_id is not null")}
        unknown_indicator, unknown_region = "indicators.reason.unknown_indicator", "indicators.reason.unknown_region"
    else:
        indicator_ids = {r[1].upper(): r[0] for r in db.execute(
            "select id, source_id from indicators where source = 'custom'")}
        region_ids = _region_code_map(db)
        unknown_indicator, unknown_region = "indicators.reason.unknown_custom", "indicators.reason.unknown_region_code"
    flag = int(is_example)
    template = item.kind == "template"
    ind_get, reg_get = indicator_ids.get, region_ids.get
    mapped = []
    append = mapped.append
    for ind, reg, year, gender, value, abs_value, line in item.rows:
        if template:
            ind, reg = ind.upper(), reg.upper()
        i = ind_get(ind)
        if i is None:
            problems.add(name, line, unknown_indicator, value=ind)
            continue
        r = reg_get(reg)
        if r is None:
            problems.add(name, line, unknown_region, value=reg)
            continue
        append((i, r, year, gender, value, abs_value, flag))
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
            problems.add(name, line, "indicators.reason.duplicate", indicator=ind, region=reg, year=year, gender=gender)
    if problems.items or check_only:
        return
    _store_values(db, [(*key, value, abs_value, flag) for key, (value, abs_value) in keyed.items()], report)


def _store_values(db, rows: list[tuple], report: FileReport) -> None:
    """Insert or update rows with unique keys, counting new, changed and unchanged ones.
    Raises sqlite3.IntegrityError when a key repeats."""
    ids = sorted(set(map(itemgetter(0), rows)))
    marks = ",".join("?" * len(ids))
    if not ids or not db.execute(f"select 1 from indicator_values where indicator_id in ({marks}) limit 1",
                                 ids).fetchone():
        db.conn.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?)", rows)
        report.new += len(rows)
        return
    # Values are stored already: compare with them row by row. Inserts alone would not
    # notice a repeated key that is stored already, so look for repeats first.
    if len(set(map(itemgetter(0, 1, 2, 3), rows))) != len(rows):
        raise sqlite3.IntegrityError("a key repeats")
    existing: dict[tuple, tuple] = {}
    for indicator_id in ids:
        for r in db.execute("select region_id, year, gender, value, abs_value, is_example from indicator_values "
                            "where indicator_id = ?", [indicator_id]):
            existing[(indicator_id, r[0], r[1], r[2])] = (r[3], r[4], r[5])
    new, changed = [], []
    for row in rows:
        old = existing.get(row[:4])
        if old is None:
            new.append(row)
        elif old != row[4:]:
            changed.append((*row[4:], *row[:4]))
    db.conn.executemany("insert into indicator_values values (?, ?, ?, ?, ?, ?, ?)", new)
    db.conn.executemany("update indicator_values set value = ?, abs_value = ?, is_example = ? where indicator_id = ? "
                        "and region_id = ? and year = ? and gender = ?", changed)
    report.new += len(new)
    report.changed += len(changed)
    report.unchanged += len(rows) - len(new) - len(changed)


# ---------------------------------------------------------------- reading values
def series(db: Database, indicator_id: int, region_ids, gender: str = GENDER_TOTAL) -> list[dict]:
    region_ids = list(region_ids)
    if not region_ids:
        return []
    marks = ", ".join("?" * len(region_ids))
    sql = (f"select region_id, year, value, is_example from indicator_values where indicator_id = ? "
           f"and region_id in ({marks}) and gender = ? order by region_id, year")
    return [dict(r) for r in db.query(sql, [indicator_id, *region_ids, gender])]


def values_by_year(db: Database, indicator_id: int, region_id: int, gender: str = GENDER_TOTAL) -> dict[int, float]:
    return {r[0]: r[1] for r in db.execute(
        "select year, value from indicator_values where indicator_id = ? and region_id = ? and gender = ?",
        [indicator_id, region_id, gender])}


def years(db: Database, indicator_id: int, region_ids, gender: str = GENDER_TOTAL) -> list[int]:
    if gender == "gap":
        both = set(years(db, indicator_id, region_ids, "female")) & set(years(db, indicator_id, region_ids, "male"))
        return sorted(both)
    return sorted({r["year"] for r in series(db, indicator_id, region_ids, gender)})


def genders(db: Database, indicator_id: int) -> list[str]:
    """Genders with values for an indicator, total first."""
    found = {r[0] for r in db.execute("select distinct gender from indicator_values where indicator_id = ?",
                                      [indicator_id])}
    return [g for g in ("total", "female", "male") if g in found]


def comparison(db: Database, plan_id: int, indicator_id: int, year: int, lang: str,
               gender: str = GENDER_TOTAL) -> list[dict]:
    """One indicator and year for every region of the plan, the counties and the country, each
    with its interval (low, high) and whether it is too few to show (then value is None)."""
    regions = plan_regions(db, plan_id, lang)
    indicator = get_indicator(db, indicator_id)
    by_region = {r["region_id"]: r for r in trusted_series(db, indicator, [r["id"] for r in regions], gender)
                 if r["year"] == year}
    result = []
    for region in regions:
        row = by_region.get(region["id"])
        if row is None:
            continue
        hidden = row["too_few"]
        result.append({"region": region["name"], "kind": region["kind"], "value": None if hidden else row["value"],
                       "low": None if hidden else row["low"], "high": None if hidden else row["high"],
                       "too_few": hidden, "is_example": row["is_example"]})
    return result


def trust(indicator: dict) -> dict:
    """The settings that decide how far an indicator's values are trusted."""
    unit = indicator.get("noise_unit") or "points"
    return {"scale": proportion_scale(indicator), "threshold": indicator.get("noise_threshold"), "unit": unit,
            "min_count": indicator.get("min_count") if indicator.get("min_count") is not None else DEFAULT_MIN_COUNT}


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
    municipal = {r[0] for r in db.execute(f"select id from ind_regions where category = 'KUNTA' and id in ({marks})",
                                          region_ids)}
    wanted = ("female", "male") if gender == "gap" else ((gender, "female", "male") if gender == GENDER_TOTAL
                                                           else (gender,))
    cells: dict[tuple, dict] = {}
    for region_id, year, g, value, abs_value, example in db.execute(
            f"select region_id, year, gender, value, abs_value, is_example from indicator_values "
            f"where indicator_id = ? and region_id in ({marks}) and gender in ({', '.join('?' * len(wanted))}) "
            f"order by region_id, year", [indicator["id"], *region_ids, *wanted]):
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
            rows.append({"region_id": region_id, "year": year, "value": f - m, "n": None, "low": low, "high": high,
                         "too_few": local and (small(cell, "female") or small(cell, "male")),
                         "is_example": max(ef, em), "female": f, "male": m, "n_female": nf, "n_male": nm})
            continue
        if gender not in cell:
            continue
        value, n, _, example = cell[gender]
        too_few = local and (small(cell, gender) or (gender == GENDER_TOTAL and (small(cell, "female")
                                                                                  or small(cell, "male"))))
        low, high = interval(value, n, scale)
        rows.append({"region_id": region_id, "year": year, "value": value, "n": n, "low": low, "high": high,
                     "too_few": too_few, "is_example": example})
    return rows


def link_values(db: Database, indicator: dict, region_id: int,
                gender: str = GENDER_TOTAL) -> tuple[dict, dict, dict | None]:
    """(year -> value, year -> people measured, year -> gap row or None) a link's progress is read
    from. Values too few to show are left out. A gap link follows the size of the gap |girls - boys|."""
    rows = [r for r in trusted_series(db, indicator, [region_id], gender) if not r["too_few"]]
    if gender == "gap":
        return {r["year"]: abs(r["value"]) for r in rows}, {}, {r["year"]: r for r in rows}
    return {r["year"]: r["value"] for r in rows}, {r["year"]: r["n"] for r in rows if r["n"]}, None


def has_example_values(db: Database, indicator_ids=None) -> bool:
    if indicator_ids is None:
        return bool(db.execute("select 1 from indicator_values where is_example = 1 limit 1").fetchone())
    return any(db.execute("select 1 from indicator_values where indicator_id = ? and is_example = 1 limit 1",
                          [i]).fetchone() for i in set(indicator_ids))


# ---------------------------------------------------------------- uncertainty
def proportion_scale(indicator: dict) -> float | None:
    """100 when the indicator's values are percentages of people (Sotkanet's value type PROS, or a
    custom indicator whose unit is "%"), so that the count behind a value tells how many were
    measured; None otherwise."""
    value_type = (indicator.get("value_type") or "").strip().upper()
    if value_type == "PROS":
        return 100.0
    if not value_type and (indicator.get("unit_fi") or "").strip() == "%":
        return 100.0
    return None


def people(value, abs_value, scale) -> int | None:
    """The number of people measured behind a percentage: n = count × 100 / value. Unknown
    without the count, for a value of 0 (any n fits) or for values that are not percentages."""
    if scale is None or abs_value is None or value is None or value <= 0 or abs_value < 0 or value > scale:
        return None
    return max(1, round(abs_value * scale / value))


def wilson(p: float, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion p observed among n people."""
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * ((p * (1 - p) / n + z2n / (4 * n)) ** 0.5)
    return max(0.0, centre - half), min(1.0, centre + half)


def interval(value: float, n: int | None, scale: float | None) -> tuple[float, float] | tuple[None, None]:
    """The 95 % interval of a percentage value in its own units, or (None, None) without n."""
    if n is None or scale is None:
        return None, None
    low, high = wilson(min(max(value / scale, 0.0), 1.0), n)
    return low * scale, high * scale


def two_proportion_z(p1: float, n1: int, p2: float, n2: int) -> float:
    """The pooled two-proportion z statistic of the change p1 -> p2 (0 when nothing varies)."""
    pooled = (p1 * n1 + p2 * n2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    return 0.0 if variance <= 0 else (p2 - p1) / variance ** 0.5


def noise_limit(baseline_value: float, threshold, unit) -> float | None:
    """The change a person set as noise for an indicator, in the indicator's units."""
    if threshold is None:
        return None
    return threshold * abs(baseline_value) / 100 if unit == "relative" else threshold


def change_is_noise(baseline_value, baseline_n, latest_value, latest_n, scale, threshold=None,
                    unit="points") -> tuple[bool, str | None]:
    """(is the change from baseline to latest within the margin of error, the rule used).

    With the number of people behind both values known, the change is noise when the pooled
    two-proportion z-test does not reject "no change" at the 5 % level (|z| < 1.96): rule "test".
    Otherwise, with a threshold set for the indicator, when |latest - baseline| is below it:
    rule "threshold". With neither, every change counts (rule None)."""
    if None in (baseline_value, latest_value):
        return False, None
    if scale is not None and baseline_n and latest_n:
        z = two_proportion_z(baseline_value / scale, baseline_n, latest_value / scale, latest_n)
        return abs(z) < Z95, "test"
    limit = noise_limit(baseline_value, threshold, unit)
    if limit is None:
        return False, None
    return abs(latest_value - baseline_value) < limit, "threshold"


def gap_change_is_noise(before: dict, after: dict, scale, threshold=None, unit="points") -> tuple[bool, str | None]:
    """Like change_is_noise for the gap girls minus boys: with all four counts known, a Wald test
    of the change of the gap (its variance the sum of the four values' p(1-p)/n); else the threshold."""
    counts = [before.get("n_female"), before.get("n_male"), after.get("n_female"), after.get("n_male")]
    if scale is not None and all(counts):
        shares = [before["female"] / scale, before["male"] / scale, after["female"] / scale, after["male"] / scale]
        variance = sum(p * (1 - p) / n for p, n in zip(shares, counts))
        change = abs(after["value"]) - abs(before["value"])
        return (variance <= 0 and change == 0) or (variance > 0 and abs(change) / scale < Z95 * variance ** 0.5), "test"
    limit = noise_limit(before["value"], threshold, unit)
    if limit is None:
        return False, None
    return abs(abs(after["value"]) - abs(before["value"])) < limit, "threshold"


# ---------------------------------------------------------------- progress
@dataclass
class Assessment:
    progress: str
    baseline_value: float | None
    latest_year: int | None
    latest_value: float | None
    observed_per_year: float | None = None
    needed_per_year: float | None = None
    rule: str | None = None  # how "within the margin" was decided: "test", "threshold" or None


def evaluate(direction, baseline_year, baseline_value, latest_year, latest_value, target_year, target_value,
             within_margin: bool = False) -> str:
    """Classify progress toward a target (method in the README, "Progress evaluation").

    direction: "higher" or "lower" is better; None infers it from target vs baseline.
    within_margin: the change since the baseline is not distinguishable from zero."""
    return assess_points(direction, baseline_year, baseline_value, latest_year, latest_value, target_year,
                         target_value, within_margin)[0]


def assess_points(direction, baseline_year, baseline_value, latest_year, latest_value, target_year, target_value,
                  within_margin: bool = False):
    """(progress class, observed good change per year, needed good change per year)."""
    if None in (baseline_year, baseline_value, latest_year, latest_value, target_year, target_value):
        return "no_data", None, None
    if direction not in DIRECTIONS:
        if target_value == baseline_value:
            return "no_data", None, None
        direction = "higher" if target_value > baseline_value else "lower"
    sign = 1 if direction == "higher" else -1
    eps = 1e-9 * max(1.0, abs(target_value), abs(baseline_value))
    if sign * (latest_value - target_value) >= -eps:
        return "reached", None, None
    if latest_year <= baseline_year:
        return "no_data", None, None  # a single data point: no trend yet
    observed = sign * (latest_value - baseline_value) / (latest_year - baseline_year)
    if within_margin:
        return "within_margin", observed, None
    if observed < -eps:
        return "wrong_way", observed, None
    if abs(observed) <= eps or latest_year >= target_year:
        return "too_slow", observed, None
    needed = sign * (target_value - latest_value) / (target_year - latest_year)
    return ("on_track" if observed >= needed - eps else "too_slow"), observed, needed


def assess(values: dict[int, float], direction, baseline_year, baseline_value, target_year, target_value,
           counts: dict[int, int] | None = None, scale: float | None = None, threshold=None,
           unit="points", gaps: dict[int, dict] | None = None) -> Assessment:
    """Progress of one link from the values of its region by year. Missing years are fine:
    the latest value is the most recent year at or after the baseline year. `counts` (year ->
    people measured) and `scale` allow the test of the change; `threshold` and `unit` are the
    indicator's noise threshold; `gaps` (year -> gap row) switches to the gap's test."""
    counts = counts or {}
    data_baseline = values.get(baseline_year) if baseline_year is not None else None
    if baseline_value is None and baseline_year is not None:
        baseline_value = data_baseline
    later = [y for y in values if baseline_year is None or y >= baseline_year]
    latest_year = max(later) if later else None
    latest_value = values.get(latest_year) if latest_year is not None else None
    # the count of the baseline year applies only when the baseline is that year's value
    same = data_baseline is not None and baseline_value is not None and abs(data_baseline - baseline_value) < 1e-9
    if gaps is not None and same and latest_year in gaps and baseline_year in gaps:
        within, rule = gap_change_is_noise(gaps[baseline_year], gaps[latest_year], scale, threshold, unit)
    else:
        within, rule = change_is_noise(baseline_value, counts.get(baseline_year) if same else None, latest_value,
                                       counts.get(latest_year), scale, threshold, unit)
    progress, observed, needed = assess_points(direction, baseline_year, baseline_value, latest_year, latest_value,
                                               target_year, target_value, within)
    return Assessment(progress, baseline_value, latest_year, latest_value, observed, needed,
                      rule if progress == "within_margin" else None)


def progress_label(progress: str, lang: str) -> str:
    return i18n.t(f"indicators.progress.{progress}", lang)


# ---------------------------------------------------------------- goal–indicator links
def _goal_plan(db, goal_id: int) -> tuple[dict, dict]:
    goal = plans.get(db, "goal", goal_id)
    return goal, plans.plan_of(db, "goal", goal_id)


def _link_fields(db, plan: dict, goal_id: int, data: dict, link_id: int | None = None) -> dict:
    try:
        indicator_id = int(data.get("indicator_id"))
    except (TypeError, ValueError):
        raise ValidationError("error.required", field="ind_indicator") from None
    indicator = get_indicator(db, indicator_id)
    try:
        region_id = int(data.get("region_id"))
    except (TypeError, ValueError):
        raise ValidationError("error.required", field="ind_region") from None
    if region_id not in {r["id"] for r in plan_regions(db, plan["id"])}:
        raise ValidationError("indicators.error.region_not_in_plan", field="ind_region")
    baseline_year = validation.year(data.get("baseline_year"), "ind_baseline_year", required=True)
    target_year = validation.year(data.get("target_year"), "ind_target_year", required=True)
    if target_year <= baseline_year:
        raise ValidationError("indicators.error.target_before_baseline", field="ind_target_year",
                              baseline=baseline_year, target=target_year)
    gender = data.get("gender") or GENDER_TOTAL
    if gender not in LINK_GENDERS:
        raise ValidationError("error.invalid", field="ind_link_gender")
    baseline_value = validation.decimal(data.get("baseline_value"), "ind_baseline_value")
    if baseline_value is None:  # prefilled from the data of that year, when there is any
        baseline_value = link_values(db, indicator, region_id, gender)[0].get(baseline_year)
    target_value = validation.decimal(data.get("target_value"), "ind_target_value", required=True)
    if gender == "gap" and target_value < 0:  # a gap link follows the size of the gap
        raise ValidationError("indicators.error.gap_target_negative", field="ind_target_value")
    clash = db.execute("select id from goal_indicators where goal_id = ? and indicator_id = ? and region_id = ? "
                       "and gender = ? and id is not ?", [goal_id, indicator_id, region_id, gender, link_id]).fetchone()
    if clash:
        raise ValidationError("indicators.error.duplicate_link", field="ind_indicator")
    return {"goal_id": goal_id, "indicator_id": indicator_id, "region_id": region_id, "gender": gender,
            "baseline_year": baseline_year, "baseline_value": baseline_value,
            "target_year": target_year, "target_value": target_value}


def add_link(db: Database, actor: Actor, goal_id: int, **data) -> int:
    goal, plan = _goal_plan(db, goal_id)
    auth.require_org_editor(actor, goal["responsible_ids"])
    with write(db):
        row = _link_fields(db, plan, goal_id, data)
        row.update({"version": 1, "updated_at": now(), "updated_by": actor.name})
        link_id = db["goal_indicators"].insert(row).last_pk
        audit(db, actor, "goal_indicator", link_id, "create", after=row)
    return link_id


def get_link(db: Database, link_id: int) -> dict:
    return get_or_not_found(db, "goal_indicators", link_id, entity="goal_indicator")


def update_link(db: Database, actor: Actor, link_id: int, expected_version: int, **data) -> int:
    with write(db):
        before = get_link(db, link_id)
        goal, plan = _goal_plan(db, before["goal_id"])
        auth.require_org_editor(actor, goal["responsible_ids"])
        require_version(before, expected_version)
        merged = {**before, **data}
        row = _link_fields(db, plan, before["goal_id"], merged, link_id)
        return save_changes(db, actor, "goal_indicators", "goal_indicator", before, row, row=row)


def delete_link(db: Database, actor: Actor, link_id: int, expected_version: int) -> None:
    with write(db):
        before = get_link(db, link_id)
        goal, _ = _goal_plan(db, before["goal_id"])
        auth.require_org_editor(actor, goal["responsible_ids"])
        require_version(before, expected_version)
        db["goal_indicators"].delete(link_id)
        audit(db, actor, "goal_indicator", link_id, "delete", before=before)


def links(db: Database, plan_id: int, lang: str = "fi", goal_id: int | None = None,
          municipality_id: int | None = None) -> list[dict]:
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
        indicator = {"id": row["indicator_id"], "value_type": row["value_type"], "unit_fi": row["unit_fi"],
                     "noise_threshold": row["noise_threshold"], "noise_unit": row["noise_unit"],
                     "min_count": row["min_count"]}
        settings = trust(indicator)
        values, counts, gaps = link_values(db, indicator, row["region_id"], row["gender"])
        direction = "lower" if row["gender"] == "gap" else row["direction"]  # a smaller gap is better
        result = assess(values, direction, row["baseline_year"], row["baseline_value"], row["target_year"],
                        row["target_value"], counts, settings["scale"], settings["threshold"], settings["unit"], gaps)
        latest_n = counts.get(result.latest_year)
        low, high = (interval(result.latest_value, latest_n, settings["scale"]) if result.latest_value is not None
                     else (None, None))
        if gaps and result.latest_year in gaps and gaps[result.latest_year]["low"] is not None:
            gap = gaps[result.latest_year]
            low, high = (gap["low"], gap["high"]) if gap["value"] >= 0 else (-gap["high"], -gap["low"])
        example = db.execute("select max(is_example) from indicator_values where indicator_id = ? and region_id = ?",
                             [row["indicator_id"], row["region_id"]]).fetchone()[0]
        row.update(
            indicator_title=text_in(row, lang) + group_suffix(row["gender"], lang),
            region_name=names.get(row["region_id"]) or region_name(db, row["region_id"], lang),
            unit=unit_in(row, lang), goal_title=plans.title_in({"title_fi": row["goal_title_fi"],
                                                                "title_sv": row["goal_title_sv"]}, lang),
            baseline_value=result.baseline_value, latest_year=result.latest_year, latest_value=result.latest_value,
            progress=result.progress, progress_label=progress_label(result.progress, lang),
            observed_per_year=result.observed_per_year, needed_per_year=result.needed_per_year,
            values=values, example_values=bool(example), latest_n=latest_n, latest_low=low, latest_high=high,
            margin_rule=result.rule,
        )
    return rows


def group_suffix(gender: str, lang: str) -> str:
    """" (Girls)" and the like after a link's indicator title; nothing for the total."""
    return "" if gender == GENDER_TOTAL else f" ({i18n.t(f'indicators.link_gender.{gender}', lang)})"


def goal_indicator_rows(db: Database, plan_id: int, lang: str) -> list[dict]:
    """One dict per goal–indicator link of the plan, for exports."""
    keys = ("goal_id", "indicator_id", "indicator_title", "region_name", "unit", "baseline_year", "baseline_value",
            "target_year", "target_value", "latest_year", "latest_value", "progress", "progress_label")
    return [{k: row[k] for k in keys} | {"example_values": row["example_values"]} for row in links(db, plan_id, lang)]


def load_example(db: Database, plan_id: int) -> None:
    """Example indicators, links and generated values for the example plan (idempotent)."""
    from . import indicator_examples

    indicator_examples.load(db, plan_id)


def regions_json(db: Database) -> list[dict]:
    """Stored regions in Sotkanet's /regions shape (for exports and tests)."""
    return [{"id": r["sotkanet_id"], "code": r["code"], "category": r["category"],
             "title": {k: r[f"title_{k}"] for k in ("fi", "sv", "en")}, "memberOf": json.loads(r["member_of"] or "[]")}
            for r in db.query("select * from ind_regions where sotkanet_id is not null order by sotkanet_id")]


# ---------------------------------------------------------------- live Sotkanet
def _fetch_parsed(db: Database, client, url: str, max_age_hours: float) -> Parsed:
    """A parsed response, from the cache when it is young enough. Only responses that parse
    are cached, so a broken answer is asked for again next time."""
    import datetime as dt

    from .sotkanet import parse_json

    row = db.execute("select body, fetched_at from sotkanet_cache where url = ?", [url]).fetchone()
    if row:
        age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(row[1])
        if age.total_seconds() < max_age_hours * 3600:
            return parse_json(url, row[0])
    body = client.get(url).decode("utf-8", "replace")
    parsed = parse_json(url, body)
    with write(db, audit=False):  # a cache of public data
        db["sotkanet_cache"].upsert({"url": url, "fetched_at": now(), "body": body}, pk="url")
    return parsed


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


def fetch_live(db: Database, actor: Actor, plan_id: int, indicator_ids, years, client=None,
               max_age_hours: float = 24) -> list[FileReport]:
    """Fetch indicators from the Sotkanet REST API (metadata when missing, regions when the
    plan's municipalities have no Sotkanet ids yet, data with one `years=` per year), keep
    only the plan's regions and import it all in one transaction. Responses are cached."""
    from . import sotkanet

    auth.require_plan_editor(actor)
    client = client or sotkanet.Client(**({"base_url": _base_url()} if _base_url() else {}))
    parsed: list[Parsed] = []
    regions = plan_regions(db, plan_id)
    if any(r["sotkanet_id"] is None for r in regions if r["kind"] in ("municipality", "county")):
        parsed.append(_fetch_parsed(db, client, client.regions_url(), max_age_hours * 30))
    known = {r[0] for r in db.execute("select source_id from indicators where source = 'sotkanet'")}
    for indicator_id in indicator_ids:
        if str(indicator_id) not in known:
            parsed.append(_fetch_parsed(db, client, client.indicator_url(indicator_id), max_age_hours))
    wanted_codes = {(r["category"], r["code"]) for r in regions}
    region_rows = next((p.rows for p in parsed if p.kind == "regions"), None)
    if region_rows is not None:
        wanted = {r["sotkanet_id"] for r in region_rows if (r["category"], r["code"]) in wanted_codes}
    else:
        wanted = set()
    wanted |= {r["sotkanet_id"] for r in regions if r["sotkanet_id"] is not None}
    for indicator_id in indicator_ids:
        # all three genders: the girls' and boys' values give the gap and the survey's small-number rule
        data = _fetch_parsed(db, client, client.data_url(indicator_id, years, genders=("total", "female", "male")),
                             max_age_hours)
        data.rows = [r for r in data.rows if r[1] in wanted]  # the endpoint returns every region
        parsed.append(data)
    return import_parsed(db, actor, parsed)


def fetch_catalogue(db: Database, actor: Actor, client=None, max_age_hours: float = 24 * 30) -> FileReport:
    """Sotkanet's whole indicator list (/indicators, metadata of ~3,700 indicators), fetched once a
    month at most and imported as metadata, so that the child set resolves and search finds them."""
    from . import sotkanet

    auth.require_plan_editor(actor)
    client = client or sotkanet.Client(**({"base_url": _base_url()} if _base_url() else {}))
    parsed = _fetch_parsed(db, client, f"{client.base_url}/indicators", max_age_hours)
    if parsed.kind != "metadata":
        raise ImportRejected([Problem(parsed.name, 1, "indicators.reason.not_metadata")])
    return import_parsed(db, actor, [parsed])[0]


def _base_url() -> str | None:
    import os

    return os.environ.get("LAPE_SOTKANET_URL") or None
