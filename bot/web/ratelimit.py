"""A token bucket per client: one for the answers (/ask, /api/ask), one for the pages; and who a client is."""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict
from collections.abc import Callable

ASK_RATE_PER_SECOND = 0.5  # 30 questions a minute, sustained: far above a person, far below a scraper
ASK_BURST = 10  # a person opening a few answers at once is never refused
# Pages are cheaper than answers (rendered once per knowledge version) but a flood of the 3 MB home page of
# 10,000 entries still costs the server (redteam D6): 2 a second sustained outpaces any reader and a polite
# crawler; 30 at once covers a person opening a topic's questions in tabs.
PAGE_RATE_PER_SECOND = 2.0
PAGE_BURST = 30
TRACKED_CLIENTS = 10_000  # addresses remembered; the least recently seen are forgotten first (flat memory)
IPV6_CLIENT_PREFIX = 64  # one IPv6 subscriber gets a whole /64: its addresses are one client


def client_key(address: str | None) -> str:
    """The client an address belongs to, for every per-client limit: the address itself, or for IPv6 its
    /64 (one machine can take any address in its /64, so counting addresses would not limit it)."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])  # a link-local address may carry its interface
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:1.2.3.4 is the IPv4 client 1.2.3.4
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(ip)


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
