"""A child and youth indicator set to start from, grouped by the focus areas plans typically have,
and a search over the imported indicator catalogue in Finnish and Swedish.

Sotkanet ids are used only where the domain notes verified them (../shared/DOMAIN.md); the other
indicators are named by their Finnish title and resolved against the imported Sotkanet catalogue
(the /indicators list, imported as metadata or fetched once), so a wrong guess shows as "not in the
catalogue" rather than as a wrong indicator."""

from __future__ import annotations

import re

from sqlite_utils import Database

from . import i18n
from .indicators import text_in

AREAS = ("loneliness_bullying", "participation", "family_support", "substances_mental_health", "poverty")

# (area, Sotkanet id or None, Finnish title, or the start of it, to resolve by)
CHILD_SET = [
    ("loneliness_bullying", None, "Koulukiusattu vähintään kerran viikossa"),
    ("loneliness_bullying", None, "Ei yhtään läheistä ystävää"),
    ("loneliness_bullying", None, "Kokee itsensä yksinäiseksi"),
    ("participation", None, "Kokee voivansa vaikuttaa koulun asioihin"),
    ("participation", None, "Harrastaa jotain vähintään kerran viikossa"),
    ("participation", None, "Koulutuksen ulkopuolelle jääneet 17–24-vuotiaat"),
    ("family_support", 191, "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat"),
    ("family_support", 5495, "Kodin ulkopuolelle sijoitetut 0–6-vuotiaat"),
    ("family_support", 5497, "Kodin ulkopuolelle sijoitetut 7–12-vuotiaat"),
    ("family_support", 5496, "Kodin ulkopuolelle sijoitetut 13–17-vuotiaat"),
    ("family_support", None, "Lastensuojelun avohuollon asiakkaat 0–17-vuotiaat"),
    ("family_support", 179, "Lapsiperheet, % perheistä"),
    ("family_support", 1065, "0–17-vuotiaat, % väestöstä"),
    ("family_support", 127, "Väestö 31.12."),
    ("substances_mental_health", 4, "Psykiatrian laitoshoidon potilaat 0–17-vuotiaat / 1 000 vastaavanikäistä"),
    ("substances_mental_health", None, "Kohtalainen tai vaikea ahdistuneisuus"),
    ("substances_mental_health", None, "Tosi humalassa vähintään kerran kuukaudessa"),
    ("poverty", 228, "Lasten pienituloisuusaste"),
    ("poverty", 423, "Toimeentulotukea saaneet lapsiperheet, % lapsiperheistä"),
    ("poverty", 405, "Toimeentulotukea saaneet 18–24-vuotiaat, % vastaavanikäisestä väestöstä"),
    ("poverty", 181, "Työttömät, % työvoimasta"),
    ("poverty", None, "Nuorisotyöttömät, % 18–24-vuotiaasta työvoimasta"),
]


def normalise(text: str) -> str:
    """Lower case, one kind of dash, single spaces: titles typed and stored differ in these."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", str(text or "").lower())
    return re.sub(r"\s+", " ", text).strip()


def child_set(db: Database, lang: str) -> list[dict]:
    """The set, one dict per indicator: area, area_name, source_id (the verified id, or the id found
    by title), title (the catalogue's in `lang`, else the set's Finnish one), indicator_id (None when
    not in the catalogue) and verified (the id comes from the domain notes)."""
    rows = list(
        db.query("select id, source_id, title_fi, title_sv, title_en from indicators where source = 'sotkanet'")
    )
    by_id = {r["source_id"]: r for r in rows}
    titles = [(normalise(r["title_fi"]), r) for r in rows]
    result = []
    for area, sotkanet_id, title in CHILD_SET:
        found = by_id.get(str(sotkanet_id)) if sotkanet_id else _by_title(titles, title)
        result.append(
            {
                "area": area,
                "area_name": i18n.t(f"indicators.set.area.{area}", lang),
                "source_id": str(sotkanet_id) if sotkanet_id else (found["source_id"] if found else None),
                "title": text_in(found, lang) if found else title,
                "indicator_id": found["id"] if found else None,
                "verified": sotkanet_id is not None,
            }
        )
    return result


def _by_title(titles: list[tuple[str, dict]], title: str) -> dict | None:
    """The catalogue indicator whose Finnish title starts with the given one (the shortest such,
    the least qualified), else None."""
    wanted = normalise(title)
    matches = [row for norm, row in titles if norm.startswith(wanted)]
    if not matches:
        return None
    return min(matches, key=lambda r: (len(r["title_fi"]), int(r["source_id"]) if r["source_id"].isdigit() else 0))


def search(db: Database, query: str, limit: int = 100) -> list[dict]:
    """Indicators whose Finnish, Swedish or English title (or id) contains every word of the query,
    in catalogue order. Dashes and case do not matter."""
    words = [w for w in normalise(query).split(" ") if w][:8]
    if not words:
        return []
    result = []
    for row in db.query(
        "select id, source, source_id, title_fi, title_sv, title_en from indicators "
        "order by source desc, cast(source_id as integer), source_id"
    ):
        haystack = normalise(" ".join(str(row[k] or "") for k in ("source_id", "title_fi", "title_sv", "title_en")))
        if all(w in haystack for w in words):
            result.append(dict(row))
            if len(result) >= limit:
                break
    return result
