"""Per-client attempt limits (sign-in, workshop join codes, ideas sent): a sliding window of failed
attempts per key.

Kept in memory, per process, not in the database: counting an attempt then takes no
write lock (workshop votes queue on that lock) and leaves no rows to clean up. The app
runs as one Streamlit process, so every session sees the same counts; a restart clears
them, and several server processes would each count on their own."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from .errors import LapeError


class TooManyAttempts(LapeError):
    """Refused without looking at the attempt; `minutes`: when the client may try again."""

    key = "error.too_many_attempts"


class Throttle:
    """At most `limit` recorded attempts per key within `window` seconds."""

    def __init__(self, limit: int, window: float, max_keys: int = 20_000):
        self.limit = limit
        self.window = window
        self.max_keys = max_keys  # a bound on memory: oldest keys go first
        self._hits: OrderedDict[object, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def _recent(self, key, now: float) -> deque[float] | None:
        hits = self._hits.get(key)
        if hits is None:
            return None
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if not hits:
            del self._hits[key]
            return None
        return hits

    def retry_after(self, key, now: float | None = None) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._recent(key, now)
            if hits is None or len(hits) < self.limit:
                return 0.0
            return hits[-self.limit] + self.window - now

    def record(self, key, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._recent(key, now)
            if hits is None:
                hits = self._hits[key] = deque(maxlen=self.limit)
            hits.append(now)
            self._hits.move_to_end(key)
            while len(self._hits) > self.max_keys:
                self._hits.popitem(last=False)

    def clear(self, key) -> None:
        with self._lock:
            self._hits.pop(key, None)

    def reset(self) -> None:
        with self._lock:
            self._hits.clear()


def refuse(wait: float, key: str | None = None) -> None:
    """Raise TooManyAttempts (message `key`) when `wait` (from retry_after) is positive."""
    if wait > 0:
        raise TooManyAttempts(key, minutes=max(1, math.ceil(wait / 60)))


# Sign-in failures: per client (network address, else browser session) over all usernames,
# and per client and username. Successful sign-ins are not counted. There is no lock of the
# account itself, which anyone knowing the username could keep closed for its owner.
LOGIN_CLIENT = Throttle(limit=10, window=15 * 60)
LOGIN_ACCOUNT = Throttle(limit=5, window=15 * 60)
# Wrong workshop join codes per client. Generous: a room of participants may share one
# address (the venue's network) and mistype the code; 31^6 codes stay out of reach.
JOIN = Throttle(limit=30, window=10 * 60)
# Ideas sent on the public idea page per client (stored ones are counted). A class session is
# bounded by its cap instead: a school's pupils often share one address.
IDEAS = Throttle(limit=20, window=10 * 60)

ALL = (LOGIN_CLIENT, LOGIN_ACCOUNT, JOIN, IDEAS)


def reset_all() -> None:
    for throttle in ALL:
        throttle.reset()
