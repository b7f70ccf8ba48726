"""Example indicators, goal links and generated values for the example plan.

The values are generated, not statistics: every one is stored with is_example = 1 and
the UI says so wherever they are shown. Sotkanet ids and titles are used only for the
indicators the domain notes list as seen in public code (191, 423, 228); the rest are
custom indicators whose titles end in "(esimerkki)"."""

from __future__ import annotations

import random

from sqlite_utils import Database

from . import plans
from .db import audit, insert_row, now, write
from .model import SYSTEM
from .regions import ensure_regions, plan_regions

FIRST_YEAR, LAST_YEAR = 2015, 2023
NOTE = {
    "fi": "Esimerkkiindikaattori: luvut on tuotettu satunnaisesti esittelyä varten, eivät ole todellisia tilastoja.",
    "sv": "Exempelindikator: siffrorna är slumpmässigt framtagna för demonstration, inte verklig statistik.",
    "en": "Example indicator: the numbers are generated at random for demonstration, not real statistics.",
}
NOTE_SOTKANET = {
    "fi": "Sotkanet-tunnus ja nimi julkisista lähteistä; tämän sovelluksen arvot ovat keksittyjä esimerkkiarvoja, "
    "eivät Sotkanetin tilastoja.",
    "sv": "Sotkanet-id och namn från offentliga källor; värdena i denna app är påhittade exempel, inte Sotkanets "
    "statistik.",
    "en": "Sotkanet id and title from public sources; the values in this app are made-up examples, not Sotkanet's "
    "statistics.",
}

# (source, code, fi, sv, en, unit, direction, decimals, biennial)
INDICATORS = [
    (
        "sotkanet",
        "191",
        "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat, % vastaavanikäisestä väestöstä",
        "Barn och unga 0–17 år placerade utom hemmet, % av befolkningen i samma ålder",
        "Children aged 0–17 placed outside the home, % of the same age group",
        "%",
        "lower",
        1,
        False,
    ),
    (
        "sotkanet",
        "423",
        "Toimeentulotukea saaneet lapsiperheet, % lapsiperheistä",
        "Barnfamiljer som fått utkomststöd, % av barnfamiljerna",
        "Families with children receiving social assistance, % of families with children",
        "%",
        "lower",
        1,
        False,
    ),
    (
        "sotkanet",
        "228",
        "Lasten pienituloisuusaste",
        "Låginkomstgrad bland barn",
        "Child low-income rate",
        "%",
        "lower",
        1,
        False,
    ),
    (
        "custom",
        "EX-FRIEND",
        "Ei yhtään läheistä ystävää, % 8.–9.-luokkalaisista (esimerkki)",
        "Ingen nära vän, % av eleverna i åk 8–9 (exempel)",
        "No close friend, % of pupils in grades 8–9 (example)",
        "%",
        "lower",
        1,
        True,
    ),
    (
        "custom",
        "EX-BULLY",
        "Koulukiusattu vähintään kerran viikossa, % 8.–9.-luokkalaisista (esimerkki)",
        "Mobbad i skolan minst en gång i veckan, % av eleverna i åk 8–9 (exempel)",
        "Bullied at school at least weekly, % of pupils in grades 8–9 (example)",
        "%",
        "lower",
        1,
        True,
    ),
    (
        "custom",
        "EX-INFLUENCE",
        "Kokee voivansa vaikuttaa koulun asioihin, % 8.–9.-luokkalaisista (esimerkki)",
        "Upplever att de kan påverka skolans angelägenheter, % av eleverna i åk 8–9 (exempel)",
        "Feel they can influence school matters, % of pupils in grades 8–9 (example)",
        "%",
        "higher",
        1,
        True,
    ),
    (
        "custom",
        "EX-YOUTHSPACE",
        "Nuorisotilojen käyntikerrat / 1 000 13–17-vuotiasta (esimerkki)",
        "Besök på ungdomslokaler / 1 000 personer 13–17 år (exempel)",
        "Visits to youth centres / 1,000 aged 13–17 (example)",
        "/ 1 000",
        "higher",
        0,
        False,
    ),
    (
        "custom",
        "EX-SWEDISH",
        "Perhetyön asiakasperheet, joille palvelu ruotsiksi, % (esimerkki)",
        "Familjearbetets klientfamiljer som fått tjänsten på svenska, % (exempel)",
        "Family work client families served in Swedish, % (example)",
        "%",
        "higher",
        1,
        False,
    ),
    (
        "custom",
        "EX-ANXIETY",
        "Kohtalainen tai vaikea ahdistuneisuus, % 8.–9.-luokkalaisista (esimerkki)",
        "Måttlig eller svår ångest, % av eleverna i åk 8–9 (exempel)",
        "Moderate or severe anxiety, % of pupils in grades 8–9 (example)",
        "%",
        "lower",
        1,
        True,
    ),
    (
        "custom",
        "EX-DRUNK",
        "Tosi humalassa vähintään kerran kuukaudessa, % 8.–9.-luokkalaisista (esimerkki)",
        "Riktigt berusade minst en gång i månaden, % av eleverna i åk 8–9 (exempel)",
        "Really drunk at least monthly, % of pupils in grades 8–9 (example)",
        "%",
        "lower",
        1,
        True,
    ),
]

# (goal index in demo.GOALS, indicator code, region: "plan" / "county:18" / kuntanumero,
#  baseline 2019, latest 2023, target 2024) — chosen so that every progress class appears.
LINKS = [
    (0, "EX-FRIEND", "plan", 10.0, 8.3, 8.0),  # on track
    (1, "EX-BULLY", "plan", 7.0, 7.8, 5.0),  # wrong way
    (2, "EX-INFLUENCE", "plan", 40.0, 42.0, 55.0),  # too slow
    (3, "EX-YOUTHSPACE", "272", 120.0, 180.0, 160.0),  # reached
    (4, "191", "county:18", 1.9, 1.5, 1.4),  # on track
    (4, "423", "county:18", 8.0, 7.9, 6.0),  # too slow
    (5, "EX-SWEDISH", "288", 35.0, None, 60.0),  # not enough data (first measured 2019)
    (6, "EX-ANXIETY", "plan", 11.0, 13.0, 9.0),  # wrong way
    (7, "EX-DRUNK", "plan", 9.0, 6.5, 6.0),  # on track
    (4, "228", "272", 12.0, 9.8, 10.0),  # reached
    (1, "EX-BULLY", "217", 10.0, 8.3, 5.0),  # within the margin of error (60 answered)
]
# Number of people measured behind the values of a linked region, each year: the counts are
# stored as Sotkanet's absolute value, so the interval and the test of the change apply.
PEOPLE = {("EX-BULLY", "217"): 60}


def _key(source: str, code: str) -> str:
    return f"{source}:{code}"


def load(db: Database, plan_id: int) -> bool:
    """Add the example indicators, links and values; False when the plan already has links."""
    from . import indicators

    tree = plans.tree(db, plan_id)
    goals = [g for area in tree for g in area["goals"]]
    goal_ids = [g["id"] for g in goals]
    if not goal_ids:
        return False
    marks = ",".join("?" * len(goal_ids))
    if db.execute(f"select 1 from goal_indicators where goal_id in ({marks})", goal_ids).fetchone():
        return False
    with write(db):
        ensure_regions(db)
        regions = plan_regions(db, plan_id)
        ids = _indicators(db)
        rng = random.Random(2020)
        by_region_key = {}
        for r in regions:
            if r["kind"] == "municipality":
                by_region_key[r["code"]] = r
            elif r["kind"] == "county":
                by_region_key[f"county:{r['code']}"] = r
            else:
                by_region_key[r["kind"]] = r
        linked = {(code, region): (base, latest) for _, code, region, base, latest, _ in LINKS}
        rows = []
        for source, code, *_rest, biennial in INDICATORS:
            spec = next((v for (c, _), v in linked.items() if c == code), (10.0, 9.0))
            for region_key, region in by_region_key.items():
                exact = linked.get((code, region_key))
                rows += _values(
                    rng,
                    ids[_key(source, code)],
                    region["id"],
                    exact or spec,
                    exact is not None,
                    biennial,
                    region["kind"],
                    PEOPLE.get((code, region_key)),
                )
        db.conn.executemany("insert or ignore into indicator_values values (?, ?, ?, ?, ?, ?, 1)", rows)
        for goal_index, code, region_key, _base, _latest, target in LINKS:
            source = "custom" if code.startswith("EX-") else "sotkanet"
            region_id = by_region_key[region_key]["id"]
            indicator_id = ids[_key(source, code)]
            baseline = indicators.values_by_year(db, indicator_id, region_id).get(2019)
            row = {
                "goal_id": goal_ids[goal_index],
                "indicator_id": indicator_id,
                "region_id": region_id,
                "baseline_year": 2019,
                "baseline_value": baseline,
                "target_year": 2024,
                "target_value": target,
                "version": 1,
                "updated_at": now(),
                "updated_by": SYSTEM.name,
            }
            link_id = insert_row(db, "goal_indicators", row)
            audit(db, SYSTEM, "goal_indicator", link_id, "create", after=row)
    return True


def _indicators(db: Database) -> dict[str, int]:
    ids = {}
    for source, code, fi, sv, en, unit, direction, decimals, _ in INDICATORS:
        row = db.execute("select id from indicators where source = ? and source_id = ?", [source, code]).fetchone()
        if row:
            ids[_key(source, code)] = row[0]
            continue
        note = NOTE_SOTKANET if source == "sotkanet" else NOTE
        ids[_key(source, code)] = insert_row(
            db,
            "indicators",
            {
                "source": source,
                "source_id": code,
                "title_fi": fi,
                "title_sv": sv,
                "title_en": en,
                "unit_fi": unit,
                "unit_sv": unit,
                "unit_en": unit.replace(" 000", ",000"),
                "decimals": decimals,
                "direction": direction,
                **{f"description_{lang}": text for lang, text in note.items()},
                "organisation": "THL" if source == "sotkanet" else "",
                "is_example": 1,
                "version": 1,
                "updated_at": now(),
                "updated_by": SYSTEM.name,
            },
        )
    return ids


def _values(rng, indicator_id, region_id, spec, exact, biennial, kind, people=None) -> list[tuple]:
    """Made-up yearly values. For a linked region the 2019 and 2023 values are exactly the
    designed ones (so each example link shows a known progress class); others scatter around."""
    base, latest = spec
    scale = 1.0 if exact else {"country": 1.05, "county": 0.98, "plan": 1.0}.get(kind, rng.uniform(0.75, 1.3))
    rows = []
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        if biennial and year % 2 == 0:
            continue
        if latest is None:  # measured once, in the baseline year
            if year != 2019 or not exact:
                continue
            value = base
        elif year <= 2019:
            value = base * scale + (0 if exact and year == 2019 else rng.uniform(-0.04, 0.04) * base)
        else:
            step = (latest - base) * (year - 2019) / 4
            noise = 0 if exact and year == 2023 else rng.uniform(-0.03, 0.03) * base
            value = (base + step) * scale + noise
        value = round(max(value, 0.0), 1)
        rows.append((indicator_id, region_id, year, "total", value, round(value * people / 100) if people else None))
    return rows


def sotkanet_csv(db: Database, indicator_source_id: str = "191") -> bytes:
    """The example values of one Sotkanet indicator for regions with a Sotkanet id, in
    Sotkanet's REST CSV layout (an example upload file; values are made up)."""
    lines = ["indicator;region;year;gender;primary value;absolute value"]
    sql = """select r.sotkanet_id, v.year, v.gender, v.value from indicator_values v
               join indicators i on i.id = v.indicator_id join ind_regions r on r.id = v.region_id
              where i.source = 'sotkanet' and i.source_id = ? and r.sotkanet_id is not null
              order by r.sotkanet_id, v.year"""
    for region, year, gender, value in db.execute(sql, [indicator_source_id]):
        lines.append(f"{indicator_source_id};{region};{year};{gender};{value};")
    return ("\n".join(lines) + "\n").encode("utf-8")
