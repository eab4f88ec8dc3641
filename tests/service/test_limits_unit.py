"""Admission control units: token bucket refill and bounded memory, in-flight cap."""

from __future__ import annotations

import pytest

from service.errors import BusyError, RateLimitedError
from service.limits import InflightCap, RateLimiter


def test_token_bucket_refills_and_says_when() -> None:
    rl = RateLimiter(per_minute=2)
    rl.take(1, now=0.0)
    rl.take(1, now=0.0)
    with pytest.raises(RateLimitedError) as exc:
        rl.take(1, now=1.0)
    assert 1 <= exc.value.retry_after <= 30
    rl.take(1, now=31.0)  # one token back after 30 s
    rl.take(2, now=1.0)  # other users are not affected


def test_bucket_memory_is_bounded_against_many_keys() -> None:
    rl = RateLimiter(per_minute=10, max_keys=100)
    for k in range(1000):
        rl.take(k, now=float(k))  # a new key per second: old buckets have long refilled
    assert len(rl) <= 100


def test_inflight_cap_refuses_beyond_cap_and_recovers() -> None:
    cap = InflightCap(2, retry_after_s=3)
    cap.acquire()
    cap.acquire()
    with pytest.raises(BusyError) as exc:
        cap.acquire()
    assert exc.value.retry_after == 3
    cap.release()
    cap.acquire()
    assert cap.inflight == 2
