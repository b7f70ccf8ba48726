"""The child and youth indicator set, the search over the catalogue, and fetching Sotkanet's
indicator list and all three genders (recorded responses: no test touches the network)."""

import json
import urllib.parse
from pathlib import Path

from lape_plan import indicator_set, indicators, plans, sotkanet_client
from lape_plan.model import SYSTEM

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "indicators"
LIST = [
    {
        "id": 191,
        "title": {
            "fi": "Kodin ulkopuolelle sijoitetut 0–17-vuotiaat, % vastaavanikäisestä väestöstä",
            "sv": "0–17-åringar placerade utom hemmet, % av befolkningen i samma ålder",
        },
        "primaryValueType": {"code": "PROS", "title": "%"},
        "decimals": 1,
    },
    # a title typed with a hyphen and other case still matches the set's "Koulutuksen ulkopuolelle jääneet 17–24-vuotiaat"
    {
        "id": 3219,
        "title": {
            "fi": "koulutuksen ulkopuolelle jääneet 17-24-vuotiaat, % vastaavanikäisestä väestöstä",
            "sv": "17–24-åringar utanför utbildning, % av befolkningen i samma ålder",
        },
        "primaryValueType": {"code": "PROS", "title": "%"},
        "decimals": 1,
    },
    {
        "id": 3220,
        "title": {
            "fi": "Koulutuksen ulkopuolelle jääneet 17–24-vuotiaat, naiset, % vastaavanikäisestä väestöstä",
            "sv": "Kvinnor utanför utbildning",
        },
        "decimals": 1,
    },
    {"id": 9999, "title": {"fi": "Aikuisten tupakointi", "sv": "Vuxnas rökning"}, "decimals": 1},
]


def test_every_area_has_indicators_and_verified_ids_are_the_domain_notes():
    assert {a for a, _, _ in indicator_set.CHILD_SET} == set(indicator_set.AREAS)
    verified = {i for _, i, _ in indicator_set.CHILD_SET if i}
    assert verified == {191, 5495, 5497, 5496, 4, 228, 423, 405, 179, 1065, 181, 127}


def test_set_resolves_ids_and_titles_against_the_catalogue(db):
    indicators.import_files(db, SYSTEM, [("list.json", json.dumps(LIST).encode())])
    rows = indicator_set.child_set(db, "sv")
    by_title = {r["title"]: r for r in rows}
    placed = next(r for r in rows if r["source_id"] == "191")
    assert placed["verified"] and placed["indicator_id"] and placed["title"].startswith("0–17-åringar placerade")
    assert placed["area_name"] == "Stöd för familjer och barnskydd"
    # resolved by title: the shorter of the two titles that start alike (not the women's figure)
    education = next(r for r in rows if r["source_id"] == "3219")
    assert not education["verified"] and education["area"] == "participation"
    # not in the catalogue: the set's own Finnish title and no id
    assert by_title["Koulukiusattu vähintään kerran viikossa"]["indicator_id"] is None
    assert by_title["Koulukiusattu vähintään kerran viikossa"]["source_id"] is None
    assert next(r for r in rows if r["source_id"] == "5495")["indicator_id"] is None  # verified, not imported


def test_search_in_finnish_and_swedish(db):
    indicators.import_files(db, SYSTEM, [("list.json", json.dumps(LIST).encode())])
    assert [r["source_id"] for r in indicator_set.search(db, "koulutuksen ULKOPUOLELLE 17–24")] == ["3219", "3220"]
    assert [r["source_id"] for r in indicator_set.search(db, "utanför utbildning kvinnor")] == ["3220"]
    assert [r["source_id"] for r in indicator_set.search(db, "191")] == ["191"]
    assert indicator_set.search(db, "   ") == [] and indicator_set.search(db, "xyzzy") == []


class Recorded:
    def __init__(self):
        self.calls = []

    def __call__(self, url, headers, timeout):
        self.calls.append(url)
        parts = urllib.parse.urlsplit(url)
        if parts.path.endswith("/indicators"):
            return json.dumps(LIST).encode()
        if parts.path.endswith("/regions"):
            return (FIX / "recorded" / "regions.json").read_bytes()
        query = urllib.parse.parse_qs(parts.query)
        return (FIX / "recorded" / f"json_{query['indicator'][0]}_{'_'.join(query['years'])}.json").read_bytes()


def test_fetch_catalogue_once_then_from_the_cache(db):
    transport = Recorded()
    client = sotkanet_client.Client(transport=transport)
    report = sotkanet_client.fetch_catalogue(db, SYSTEM, client=client)
    assert report.kind == "metadata" and report.new == 4
    assert sotkanet_client.fetch_catalogue(db, SYSTEM, client=client).unchanged == 4
    assert len(transport.calls) == 1  # the second came from the cache


def test_fetch_asks_for_girls_and_boys_too(demo_db):
    transport = Recorded()
    plan_id = plans.plans(demo_db)[0]["id"]
    sotkanet_client.fetch_live(
        demo_db, SYSTEM, plan_id, [423], [2021, 2022], client=sotkanet_client.Client(transport=transport)
    )
    data = [urllib.parse.parse_qs(urllib.parse.urlsplit(u).query) for u in transport.calls if "/json?" in u]
    assert data and data[0]["genders"] == ["total", "female", "male"]
