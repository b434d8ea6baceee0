"""A token bucket per client address, for the pages that run the engine (/ask and /api/ask)."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable

ASK_RATE_PER_SECOND = 0.5  # 30 questions a minute, sustained: far above a person, far below a scraper
ASK_BURST = 10  # a person opening a few answers at once is never refused
TRACKED_CLIENTS = 10_000  # addresses remembered; the least recently seen are forgotten first (flat memory)


class RateLimiter:
    def __init__(
        self,
        rate: float = ASK_RATE_PER_SECOND,
        burst: int = ASK_BURST,
        clock: Callable[[], float] = time.monotonic,
        capacity: int = TRACKED_CLIENTS,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate, self.burst, self._clock, self._capacity = rate, burst, clock, capacity
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, when)

    def take(self, key: str) -> float:
        """Spend one token: 0.0 if the request may go ahead, else the seconds until it could."""
        now = self._clock()
        tokens, when = self._buckets.pop(key, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - when) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self._buckets[key] = (tokens, now)  # re-inserted: the dict's order is least recently seen first
        while len(self._buckets) > self._capacity:
            self._buckets.popitem(last=False)  # forgetting a client only ever gives it a fresh allowance
        return wait

    def __len__(self) -> int:
        return len(self._buckets)
