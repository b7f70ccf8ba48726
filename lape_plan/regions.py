"""Regions the indicators are read for: the country, counties and municipalities by their
codes, and one "plan area" region per plan (Sotkanet's region categories plus PLAN)."""

from __future__ import annotations

import json

from sqlite_utils import Database

from . import i18n, plans
from .db import write
from .model import OrgKind

# Sotkanet region ids given in the domain notes (the country and the two counties of the example region).
COUNTRY_SOTKANET_ID = 658
COUNTY_SOTKANET_IDS = {"18": 964, "17": 971}


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
            db.table("ind_regions").insert(
                {
                    "category": category,
                    "code": code,
                    "sotkanet_id": sotkanet_id,
                    "plan_id": plan_id,
                    **titles,
                    "member_of": "[]",
                }
            )
            existing.add((category, code))

        if not db.execute("select 1 from ind_regions where category = 'MAA'").fetchone():
            add(
                "MAA",
                "MAA",
                {"title_fi": "Koko maa", "title_sv": "Hela landet", "title_en": "Whole country"},
                COUNTRY_SOTKANET_ID,
            )
        for org in db.query("select * from organisations"):
            region = _org_region(org)
            if region:
                names = {
                    "title_fi": org["name_fi"],
                    "title_sv": org["name_sv"] or org["name_fi"],
                    "title_en": org["name_fi"],
                }
                add(*region, names, COUNTY_SOTKANET_IDS.get(region[1]) if region[0] == "HYVINVOINTIALUE" else None)
        for plan in db.query("select id from plans"):
            add(
                "PLAN",
                f"PLAN{plan['id']}",
                {"title_fi": "Suunnitelma-alue", "title_sv": "Planområdet", "title_en": "Plan area"},
                plan_id=plan["id"],
            )


def plan_regions(db: Database, plan_id: int, lang: str = "fi", _retry: bool = False) -> list[dict]:
    """Regions a plan's links can be read for: its municipalities, its counties, the whole
    plan area and the whole country, each with `kind` and a display `name`."""
    orgs = plans.organisations(db, plan_id)
    wanted: list[tuple[str, str, str, dict | None]] = []  # category, code, kind, organisation
    for org in orgs:
        region = _org_region(org)
        if region:
            wanted.append((*region, "municipality" if region[0] == "KUNTA" else "county", org))
    wanted.append(("PLAN", f"PLAN{plan_id}", "plan", None))
    rows = {
        (r["category"], r["code"]): r
        for r in db.query("select * from ind_regions where category in ('KUNTA', 'HYVINVOINTIALUE', 'PLAN', 'MAA')")
    }
    country = next((r for r in rows.values() if r["category"] == "MAA"), None)
    if country is None or any((c, code) not in rows for c, code, _, _ in wanted):
        if _retry:
            raise RuntimeError("regions of the plan could not be created")
        ensure_regions(db)
        return plan_regions(db, plan_id, lang, _retry=True)
    result = []
    for category, code, kind, owner in wanted:
        entry = dict(rows[(category, code)])
        entry["kind"] = kind
        entry["org_id"] = owner["id"] if owner else None
        entry["name"] = plans.org_name(owner, lang) if owner else i18n.t("indicators.region.plan_area", lang)
        result.append(entry)
    country = dict(country)
    country.update(kind="country", org_id=None, name=i18n.t("indicators.region.country", lang))
    result.append(country)
    return result


def region_name(db: Database, region_id: int, lang: str) -> str:
    row = db.execute(
        "select category, title_fi, title_sv, title_en from ind_regions where id = ?", [region_id]
    ).fetchone()
    if not row:
        return "–"
    if row[0] == "PLAN":
        return i18n.t("indicators.region.plan_area", lang)
    if row[0] == "MAA":
        return i18n.t("indicators.region.country", lang)
    # the region's name in the language, else Finnish, else English
    return {"fi": row[1], "sv": row[2], "en": row[3]}.get(lang) or row[1] or row[3] or ""


def region_code_map(db: Database) -> dict[str, int]:
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


def regions_json(db: Database) -> list[dict]:
    """Stored regions in Sotkanet's /regions shape (for exports and tests)."""
    return [
        {
            "id": r["sotkanet_id"],
            "code": r["code"],
            "category": r["category"],
            "title": {k: r[f"title_{k}"] for k in ("fi", "sv", "en")},
            "memberOf": json.loads(r["member_of"] or "[]"),
        }
        for r in db.query("select * from ind_regions where sotkanet_id is not null order by sotkanet_id")
    ]
