"""bot/web/ratelimit.py: a token bucket per client, with a clock the test controls."""

from __future__ import annotations

import pytest

from bot.web.ratelimit import RateLimiter

from ..fakes.clock import Clock


def test_a_burst_then_one_request_per_refill():
    clock = Clock(1000.0)
    limiter = RateLimiter(rate=0.5, burst=3, clock=clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(2.0)  # one token takes 1 / 0.5 s to come back
    clock.now += 2.0
    assert limiter.take("a") == 0.0 and limiter.take("a") > 0


def test_clients_have_separate_buckets():
    limiter = RateLimiter(rate=0.1, burst=1, clock=Clock(1000.0))
    assert limiter.take("a") == 0.0 and limiter.take("a") > 0
    assert limiter.take("b") == 0.0


def test_a_refused_request_does_not_spend_a_token():
    clock = Clock(1000.0)
    limiter = RateLimiter(rate=1.0, burst=1, clock=clock)
    limiter.take("a")
    for _ in range(5):
        assert limiter.take("a") == pytest.approx(1.0)
    clock.now += 1.0
    assert limiter.take("a") == 0.0


def test_memory_stays_flat_forgetting_the_least_recently_seen():
    clock = Clock(1000.0)
    limiter = RateLimiter(rate=0.01, burst=1, clock=clock, capacity=3)
    for key in "abcd":
        limiter.take(key)
    assert len(limiter) == 3
    assert limiter.take("a") == 0.0  # forgotten: a fresh allowance, never a wrong refusal
    assert limiter.take("d") > 0  # remembered


def test_nonsense_settings_are_refused():
    with pytest.raises(ValueError, match="rate"):
        RateLimiter(rate=0, burst=1)
