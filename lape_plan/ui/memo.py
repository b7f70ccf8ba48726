"""Reads memoised for every session of the process: the public pages' shared, short-lived caches."""

from __future__ import annotations

import threading
import time


def shared(seconds: float, max_entries: int = 200):
    """Memoise a read for every session of the process for `seconds`. st.cache_data costs
    about a millisecond a call here (argument hashing, a copy of the value), a third of the
    idea page's own time; this costs microseconds. Callers must not change what it returns."""

    def wrap(fn):
        store: dict = {}
        lock = threading.Lock()

        def cached(*args):
            now = time.monotonic()
            hit = store.get(args)
            if hit is not None and hit[0] > now:
                return hit[1]
            value = fn(*args)
            with lock:
                if len(store) >= max_entries:
                    store.clear()
                store[args] = (now + seconds, value)
            return value

        cached.clear = store.clear
        return cached

    return wrap
