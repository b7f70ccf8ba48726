"""The live client against recorded responses: no test touches the network."""

import urllib.error
import urllib.parse
from pathlib import Path

import pytest

from lape_plan import i18n, indicators, plans, sotkanet_client
from lape_plan.model import SYSTEM

RECORDED = Path(__file__).resolve().parents[1] / "fixtures" / "indicators" / "recorded"


class Recorded:
    """A transport that answers from recorded files and remembers every request."""

    def __init__(self):
        self.calls = []

    def __call__(self, url, headers, timeout):
        self.calls.append((url, headers))
        parts = urllib.parse.urlsplit(url)
        if parts.path.endswith("/regions"):
            return (RECORDED / "regions.json").read_bytes()
        if "/indicators/" in parts.path:
            return (RECORDED / f"indicators_{parts.path.rsplit('/', 1)[1]}.json").read_bytes()
        query = urllib.parse.parse_qs(parts.query)
        name = f"json_{query['indicator'][0]}_{'_'.join(query['years'])}.json"
        return (RECORDED / name).read_bytes()


def test_data_url_has_one_years_parameter_per_year():
    client = sotkanet_client.Client()
    url = client.data_url(191, [2019, 2020, 2021])
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
    assert url.startswith("https://sotkanet.fi/rest/1.1/json?")
    assert query["years"] == ["2019", "2020", "2021"] and query["indicator"] == ["191"]
    assert query["genders"] == ["total"] and "," not in url


def test_requests_carry_a_named_user_agent():
    transport = Recorded()
    sotkanet_client.Client(transport=transport).get("https://sotkanet.fi/rest/1.1/regions")
    headers = transport.calls[0][1]
    assert headers["User-Agent"].startswith("lape-plan/") and "python-urllib" not in headers["User-Agent"].lower()


def test_fetch_keeps_the_plan_regions_and_caches(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    transport = Recorded()
    client = sotkanet_client.Client(transport=transport)
    reports = sotkanet_client.fetch_live(demo_db, SYSTEM, plan_id, [423], [2021, 2022], client=client)
    kinds = {r.kind: r for r in reports}
    assert set(kinds) == {"regions", "data"}  # 423 is in the example catalogue already: no metadata fetch
    # Helsinki (9091) is not in the plan and is dropped; the county, Kokkola and the country stay
    assert kinds["data"].new + kinds["data"].changed + kinds["data"].unchanged == 4
    kokkola = demo_db.execute("select id from ind_regions where sotkanet_id = 9272").fetchone()[0]
    ind = demo_db.execute("select id from indicators where source_id = '423'").fetchone()[0]
    assert indicators.values_by_year(demo_db, ind, kokkola)[2022] == 8.8
    assert (
        demo_db.execute(
            "select is_example from indicator_values where indicator_id = ? and region_id = ? and year = 2022",
            [ind, kokkola],
        ).fetchone()[0]
        == 0
    )
    calls = len(transport.calls)
    sotkanet_client.fetch_live(demo_db, SYSTEM, plan_id, [423], [2021, 2022], client=client)
    assert len(transport.calls) == calls, "a second fetch within a day is answered from the cache"


def test_fetch_brings_missing_metadata(db):
    transport = Recorded()
    from lape_plan import demo

    plan_id = demo.load(db)
    db.execute("delete from goal_indicators")
    db.execute("delete from indicator_values")
    db.execute("delete from indicators")
    sotkanet_client.fetch_live(
        db, SYSTEM, plan_id, [423], [2021, 2022], client=sotkanet_client.Client(transport=transport)
    )
    assert any("/indicators/423" in url for url, _ in transport.calls)
    row = db.execute("select title_sv, is_example from indicators where source_id = '423'").fetchone()
    assert tuple(row) == ("Barnfamiljer som fått utkomststöd, % av barnfamiljerna", 0)


def test_offline_is_a_clear_error_and_changes_nothing(demo_db):
    def offline(url, headers, timeout):
        raise urllib.error.URLError("Name or service not known")

    plan_id = plans.plans(demo_db)[0]["id"]
    before = demo_db.execute("select count(*) from indicator_values").fetchone()[0]
    with pytest.raises(sotkanet_client.SotkanetUnavailable) as err:
        sotkanet_client.fetch_live(
            demo_db, SYSTEM, plan_id, [191], [2022], client=sotkanet_client.Client(transport=offline)
        )
    assert "Name or service not known" in err.value.params["reason"]
    assert demo_db.execute("select count(*) from indicator_values").fetchone()[0] == before


def test_a_bad_response_is_refused(demo_db):
    def broken(url, headers, timeout):
        return b"<html>maintenance</html>"

    plan_id = plans.plans(demo_db)[0]["id"]
    from lape_plan.errors import ImportRejected

    with pytest.raises(ImportRejected):
        sotkanet_client.fetch_live(
            demo_db, SYSTEM, plan_id, [191], [2022], client=sotkanet_client.Client(transport=broken)
        )
    assert demo_db.execute("select count(*) from sotkanet_cache").fetchone()[0] == 0  # asked again next time


# ---------------------------------------------------------------- HTTP errors and the one retry
class Answers:
    """A transport that answers each call with the next item: bytes, or an exception to raise."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self, url, headers, timeout):
        self.calls += 1
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _http(status, reason="", headers=None):
    import email.message

    message = email.message.Message()
    for k, v in (headers or {}).items():
        message[k] = v
    return urllib.error.HTTPError("https://sotkanet.fi/rest/1.1/json", status, reason, message, None)


def test_404_is_not_reported_as_unreachable():
    """Regression: HTTPError is a URLError, so a 404 was shown as 'could not be reached'."""

    transport = Answers(_http(404, "Not Found"))
    with pytest.raises(sotkanet_client.SotkanetHTTPError) as err:
        sotkanet_client.Client(transport=transport, sleep=lambda s: None).get(
            "https://sotkanet.fi/rest/1.1/indicators/999999"
        )
    assert transport.calls == 1, "a 404 is not retried"
    text = i18n.error_text(err.value, "en")
    assert "HTTP 404" in text and "could not be reached" not in text
    assert "HTTP 404" in i18n.error_text(err.value, "fi")
    assert isinstance(err.value, sotkanet_client.SotkanetUnavailable)  # pages and CLI still catch it as before


def test_server_error_is_retried_once_then_reported_with_its_status():
    waits = []
    transport = Answers(_http(503, "Service Unavailable"), _http(502, "Bad Gateway"))
    with pytest.raises(sotkanet_client.SotkanetHTTPError) as err:
        sotkanet_client.Client(transport=transport, sleep=waits.append).get("https://sotkanet.fi/rest/1.1/regions")
    assert transport.calls == 2 and waits == [1.0]
    assert err.value.params["status"] == 502 and "Bad Gateway" in i18n.error_text(err.value, "en")


@pytest.mark.parametrize("first", [_http(500, "Internal Server Error"), _http(429, "Too Many", {"Retry-After": "3"})])
def test_one_retry_recovers_from_a_passing_error(first):
    waits = []
    transport = Answers(first, b"[]")
    assert (
        sotkanet_client.Client(transport=transport, sleep=waits.append).get("https://sotkanet.fi/rest/1.1/regions")
        == b"[]"
    )
    assert transport.calls == 2 and waits == [3.0 if first.code == 429 else 1.0]


def test_no_connection_is_still_unreachable_and_not_retried():
    transport = Answers(urllib.error.URLError("Name or service not known"))
    with pytest.raises(sotkanet_client.SotkanetUnavailable) as err:
        sotkanet_client.Client(transport=transport, sleep=lambda s: None).get("https://sotkanet.fi/rest/1.1/regions")
    assert not isinstance(err.value, sotkanet_client.SotkanetHTTPError) and transport.calls == 1


def test_fetch_of_an_unknown_indicator_says_so(demo_db):
    plan_id = plans.plans(demo_db)[0]["id"]
    transport = Answers(_http(404, "Not Found"))
    with pytest.raises(sotkanet_client.SotkanetHTTPError):
        sotkanet_client.fetch_live(
            demo_db,
            SYSTEM,
            plan_id,
            [999999],
            [2022],
            client=sotkanet_client.Client(transport=transport, sleep=lambda s: None),
        )
