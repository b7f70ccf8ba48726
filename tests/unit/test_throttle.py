import pytest

from lape_plan import throttle


def test_sliding_window_counts_recent_attempts_only():
    limit = throttle.Throttle(limit=3, window=60)
    for now in (0, 10, 20):
        assert limit.retry_after("a", now=now) == 0
        limit.record("a", now=now)
    assert limit.retry_after("a", now=30) == 30  # the first of the three leaves the window at 60
    assert limit.retry_after("b", now=30) == 0  # other keys are not affected
    assert limit.retry_after("a", now=60) == 0
    limit.record("a", now=60)
    assert limit.retry_after("a", now=61) == 9  # now 10, 20 and 60 are in the window
    limit.clear("a")
    assert limit.retry_after("a", now=61) == 0


def test_memory_is_bounded():
    limit = throttle.Throttle(limit=1, window=60, max_keys=100)
    for i in range(1000):
        limit.record(f"client-{i}", now=i / 100)
    assert len(limit._hits) == 100
    assert limit.retry_after("client-999", now=10) > 0 and limit.retry_after("client-0", now=10) == 0


def test_refuse_says_when_to_try_again():
    throttle.refuse(0)
    with pytest.raises(throttle.TooManyAttempts) as err:
        throttle.refuse(61)
    assert err.value.key == "error.too_many_attempts" and err.value.params == {"minutes": 2}
    with pytest.raises(throttle.TooManyAttempts) as err:
        throttle.refuse(0.5, "error.too_many_joins")
    assert err.value.key == "error.too_many_joins" and err.value.params == {"minutes": 1}
