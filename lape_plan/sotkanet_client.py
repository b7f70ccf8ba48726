"""The live Sotkanet REST client (occasional queries, responses cached in the database) and the
fetches that import its answers; the formats it reads are parsed by sotkanet.py."""

from __future__ import annotations

import datetime as dt
import os
import time
import urllib.error
import urllib.parse
import urllib.request

from sqlite_utils import Database

from . import auth, indicators
from .db import now, write
from .errors import ImportRejected, LapeError, Problem
from .model import Actor
from .regions import plan_regions
from .sotkanet import Parsed, parse_json

BASE_URL = "https://sotkanet.fi/rest/1.1"
USER_AGENT = "lape-plan/1.0 (children and youth wellbeing plan dashboard; occasional queries)"


class SotkanetUnavailable(LapeError):
    key = "indicators.error.offline"


class SotkanetHTTPError(SotkanetUnavailable):
    """Sotkanet answered, with an HTTP error status: reachable, but no data (404: no such
    indicator or resource; 5xx: trouble on its side)."""

    key = "sotkanet.error.http"


def _urllib_transport(url: str, headers: dict, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (fixed https base)
        return response.read()


class Client:
    """Occasional queries to the Sotkanet REST API. `transport(url, headers, timeout) -> bytes`
    can be replaced (tests pass recorded responses; nothing in the tests touches the network)."""

    def __init__(
        self,
        base_url: str = BASE_URL,
        user_agent: str = USER_AGENT,
        transport=None,
        timeout: float = 20,
        sleep=time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.user_agent = user_agent
        self.transport = transport or _urllib_transport
        self.timeout = timeout
        self.sleep = sleep

    def data_url(self, indicator_id: int, years, genders=("total",)) -> str:
        # Sotkanet refuses comma lists: one years= (and genders=) parameter per value.
        params = [("indicator", int(indicator_id))] + [("years", int(y)) for y in years]
        params += [("genders", g) for g in genders]
        return f"{self.base_url}/json?{urllib.parse.urlencode(params)}"

    def indicator_url(self, indicator_id: int) -> str:
        return f"{self.base_url}/indicators/{int(indicator_id)}"

    def regions_url(self) -> str:
        return f"{self.base_url}/regions"

    def get(self, url: str) -> bytes:
        """The response body. An HTTP error status is told apart from no connection at all
        (HTTPError is a URLError too); 429 and 5xx are tried once more after a pause."""
        headers = {"User-Agent": self.user_agent, "Accept": "application/json"}
        for attempt in (1, 2):
            try:
                return self.transport(url, headers, self.timeout)
            except urllib.error.HTTPError as err:
                status, reason = err.code, str(err.reason or "")[:100]
                if attempt == 1 and (status == 429 or 500 <= status < 600):
                    self.sleep(_retry_after(err))
                    continue
                raise SotkanetHTTPError(
                    "sotkanet.error.not_found" if status in (404, 410) else None, status=status, reason=reason
                ) from None
            except (urllib.error.URLError, OSError, TimeoutError) as err:
                raise SotkanetUnavailable(reason=str(getattr(err, "reason", err))[:200]) from None
        raise AssertionError("unreachable: the second attempt returns or raises")


def _retry_after(err) -> float:
    """Seconds to wait before the one retry: the server's Retry-After when it is short, else 1 s."""
    try:
        return min(max(float((err.headers or {}).get("Retry-After") or 1), 0), 10)
    except (TypeError, ValueError):
        return 1.0


def _fetch_parsed(db: Database, client, url: str, max_age_hours: float) -> Parsed:
    """A parsed response, from the cache when it is young enough. Only responses that parse
    are cached, so a broken answer is asked for again next time."""
    row = db.execute("select body, fetched_at from sotkanet_cache where url = ?", [url]).fetchone()
    if row:
        age = dt.datetime.now(dt.timezone.utc) - dt.datetime.fromisoformat(row[1])
        if age.total_seconds() < max_age_hours * 3600:
            return parse_json(url, row[0])
    body = client.get(url).decode("utf-8", "replace")
    parsed = parse_json(url, body)
    with write(db, audit=False):  # a cache of public data
        db.table("sotkanet_cache").upsert({"url": url, "fetched_at": now(), "body": body}, pk="url")
    return parsed


def fetch_live(
    db: Database, actor: Actor, plan_id: int, indicator_ids, years, client=None, max_age_hours: float = 24
) -> list[indicators.FileReport]:
    """Fetch indicators from the Sotkanet REST API (metadata when missing, regions when the
    plan's municipalities have no Sotkanet ids yet, data with one `years=` per year), keep
    only the plan's regions and import it all in one transaction. Responses are cached."""
    auth.require_plan_editor(actor)
    client = client or Client(base_url=_base_url() or BASE_URL)
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
        data = _fetch_parsed(
            db, client, client.data_url(indicator_id, years, genders=("total", "female", "male")), max_age_hours
        )
        data.rows = [r for r in data.rows if r[1] in wanted]  # the endpoint returns every region
        parsed.append(data)
    return indicators.import_parsed(db, actor, parsed)


def fetch_catalogue(db: Database, actor: Actor, client=None, max_age_hours: float = 24 * 30) -> indicators.FileReport:
    """Sotkanet's whole indicator list (/indicators, metadata of ~3,700 indicators), fetched once a
    month at most and imported as metadata, so that the child set resolves and search finds them."""
    auth.require_plan_editor(actor)
    client = client or Client(base_url=_base_url() or BASE_URL)
    parsed = _fetch_parsed(db, client, f"{client.base_url}/indicators", max_age_hours)
    if parsed.kind != "metadata":
        raise ImportRejected([Problem(parsed.name, 1, "indicators.reason.not_metadata")])
    return indicators.import_parsed(db, actor, [parsed])[0]


def _base_url() -> str | None:
    return os.environ.get("LAPE_SOTKANET_URL") or None
