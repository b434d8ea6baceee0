"""How many connections `serve` holds at once: a cap per client, and a total that fits its file descriptors.

Every open connection is a file descriptor. Without limits one client holding idle connections used them
all, and then the server could not accept anyone else (redteam D5: 1,050 idle connections under a 1,024
file limit took it offline). So a client past its cap has each new connection closed at once, and when the
total reaches what the file limit leaves room for, the oldest connection is closed gracefully (a request in
progress finishes first) to make room for the new one: whoever holds connections longest gives way.
"""

from __future__ import annotations

import logging
import resource
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger(__name__)

# Ten browsers at HTTP/1.1's 6 connections each behind one address (an office, a school, a carrier's NAT);
# a reverse proxy in front of the server is exempt (`serve --proxy`, app.Site.proxies).
MAX_CONNECTIONS_PER_CLIENT = 64
# File descriptors kept out of the connection budget. In one turn of its loop asyncio accepts up to the
# listening backlog before any of those connections can be refused, and a refused connection keeps its
# descriptor for up to four turns (accepted, its transport made, connection_made refusing it, the close done)
# while the next turns accept more: four times the backlog, by that count. Plus the process's own (standard
# streams, the listening socket, the event loop's, knowledge files being reloaded, the loader's helper: 9 at
# rest, measured in /proc/PID/fd). Twice a backlog of 64 let tests/web/test_serve.py's 300 idle connections
# under a 256-file limit hit EMFILE once in a CI run on a loaded machine (not reproduced in five runs beside
# three busy processes); a backlog of 32 (aiohttp's default is 128) keeps the larger reserve as small as before.
ACCEPT_BACKLOG = 32
FD_RESERVE = 4 * ACCEPT_BACKLOG + 32
# Enough for any FAQ, and a bound on memory too (an idle connection costs the process ~5 KB: 1,000 of them
# added 5 MB of RSS, measured): the soft file limit is raised toward the hard one only as far as this needs.
CONNECTION_CEILING = 10_000
LOW_CONNECTION_BUDGET = 1_000  # below this, warn at start: the common default limit of 1,024 files is low


@dataclass(frozen=True, slots=True)
class FileBudget:
    limit: int  # the soft RLIMIT_NOFILE the server runs with
    raised_from: int | None  # the soft limit before serve raised it, if it did
    connections: int  # connections that fit at once

    @property
    def low(self) -> bool:
        return self.connections < LOW_CONNECTION_BUDGET

    def describe(self) -> str:
        raised = f" (raised from {self.raised_from})" if self.raised_from else ""
        return f"{self.connections} connections at once within the file limit of {self.limit}{raised}"


def file_budget() -> FileBudget:
    """The file limit, raised toward the hard limit as far as CONNECTION_CEILING needs (any process may
    raise its own soft limit up to the hard one), and the connections that fit in it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = CONNECTION_CEILING + FD_RESERVE
    raised_from = None
    if soft != resource.RLIM_INFINITY and soft < wanted:
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if target > soft:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
                soft, raised_from = target, soft
            except (ValueError, OSError) as error:  # a sandbox may refuse: keep the limit we have
                log.debug("could not raise the file limit: %s", error)
    limit = wanted if soft == resource.RLIM_INFINITY else soft
    return FileBudget(limit, raised_from, max(1, min(CONNECTION_CEILING, limit - FD_RESERVE)))


class Connection(Hashable, Protocol):
    def give_way(self) -> None:
        """Close now if idle, else once the request in progress is answered."""


class ConnectionLimits:
    """Counts open connections by client; says which to refuse and which to close to make room."""

    def __init__(self, per_client: int, total: int, exempt: frozenset[str] = frozenset()) -> None:
        if per_client < 1 or total < 1:
            raise ValueError("per_client and total must be >= 1")
        self.per_client, self.total, self.exempt = per_client, total, exempt
        self._open: dict[Connection, str] = {}  # connection → client, oldest first
        self._by_client: Counter[str] = Counter()
        self.refused = 0  # connections closed at once: their client was at its cap
        self.evicted = 0  # oldest connections closed to make room within the total

    def admit(self, connection: Connection, client: str) -> bool:
        """True if the connection may stay (counted until release); False if its client is at its cap and
        the caller must close it. At the total, the oldest connection is closed to make room."""
        if client not in self.exempt and self._by_client[client] >= self.per_client:
            self.refused += 1
            return False
        while len(self._open) >= self.total:
            oldest = next(iter(self._open))
            self.release(oldest)  # forgotten now: the room is the new connection's
            oldest.give_way()
            self.evicted += 1
        self._open[connection] = client
        self._by_client[client] += 1
        return True

    def release(self, connection: Connection) -> None:
        client = self._open.pop(connection, None)
        if client is not None:
            self._by_client[client] -= 1
            if not self._by_client[client]:
                del self._by_client[client]

    def __len__(self) -> int:
        return len(self._open)

    def of(self, client: str) -> int:
        return self._by_client[client]
