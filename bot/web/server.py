"""`python -m bot serve` on a real socket, whatever its clients do: connection limits (connections.py), short
timeouts, aiohttp's own error responses in the site's layout with its security headers, and a log that
names no visitor and no question unless the log level is DEBUG.

aiohttp answers requests it cannot parse (a 12 KB request line, an unknown method, bad header bytes) itself,
before any application code runs, and logs each with a traceback and the client's address (redteam D7);
it has no hook for that (aio-libs/aiohttp#6463), so its RequestHandler.handle_error is overridden here.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import os
import signal
import sys
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from ..config import RELOAD_POLL_SECONDS
from ..core.questions import MAX_MESSAGE_CHARS
from ..live import LiveKnowledge
from ..render.html import refusal_page
from .app import SECURITY_HEADERS, Site, create_app
from .connections import ACCEPT_BACKLOG, MAX_CONNECTIONS_PER_CLIENT, ConnectionLimits, file_budget
from .ratelimit import client_key
from .site import normalise_base_url

log = logging.getLogger(__name__)

# How long a connection may sit without a complete request: idle between requests (keep-alive), or still
# sending its request line and headers (aiohttp applies its keep-alive timeout to both). Browsers reuse a
# connection within seconds; uvicorn keeps idle ones 5 s, Apache's mod_reqtimeout allows 20 s for headers.
KEEPALIVE_SECONDS = 10.0
# The longest request line the question box can send: 4,000 characters, each up to 3 bytes of UTF-8 and 3
# characters percent-encoded (9), plus the path. aiohttp's default of 8,190 refused a 2,200-character
# Russian question (redteam D7).
MAX_REQUEST_LINE = MAX_MESSAGE_CHARS * 9 + 1024
REPORT_SECONDS = 60.0  # connection refusals and running out of files are logged at most this often
# aiohttp reads and discards an unread request body for up to 10 s after the answer, to keep the connection;
# nothing here reads a body, so a request that sends one is answered and its connection closed instead.
LINGERING_SECONDS = 0.0


class _Reports:
    """A warning that could come thousands of times a second, logged at most once per REPORT_SECONDS."""

    def __init__(self) -> None:
        self._next: dict[str, float] = {}

    def due(self, kind: str) -> bool:
        now = asyncio.get_running_loop().time()
        if now < self._next.get(kind, 0.0):
            return False
        self._next[kind] = now + REPORT_SECONDS
        return True


class _Handler(web.RequestHandler):
    def __init__(self, manager: _Server, **options: Any) -> None:
        super().__init__(manager, **options)
        self._admit = manager.admit

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        if not self._admit(self, transport):  # closed before aiohttp starts reading: no task, no timer
            transport.close()
            return
        super().connection_made(transport)

    def give_way(self) -> None:
        """Make room for a newer connection (connections.py): at once if idle, else after this response."""
        if self._request_in_progress:
            self.close()
        else:
            self.force_close()

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        """The refusal page, with the security headers; a failure of ours is logged with its traceback but
        not the visitor, a malformed request only at DEBUG (its text may be a question)."""
        if status >= 500:  # noqa: PLR2004 - a server error: a bug to fix
            log.error("error answering a request (%d)", status, exc_info=exc)
        log.debug("answered %d to %s: %s", status, request.remote, message or exc)
        if request.writer.output_size > 0:  # as aiohttp's own: a response already started cannot be replaced
            raise ConnectionError("the response was already sent; cannot send the error page")
        response = web.Response(
            status=status, text=refusal_page(status), content_type="text/html", headers=SECURITY_HEADERS
        )
        response.force_close()
        return response


class _Server(web.Server):
    """aiohttp's server with our request handler, and each connection counted against the limits."""

    def __init__(self, made: web.Server, limits: ConnectionLimits, **handler_options: Any) -> None:
        super().__init__(
            made.request_handler,
            request_factory=made.request_factory,
            handler_cancellation=made.handler_cancellation,
            **handler_options,
        )
        self.limits, self._handler_options = limits, handler_options
        self._reports = _Reports()
        self._reported = (0, 0)

    def __call__(self) -> web.RequestHandler:
        return _Handler(self, loop=asyncio.get_running_loop(), **self._handler_options)

    def admit(self, handler: _Handler, transport: asyncio.BaseTransport) -> bool:
        """Whether a new connection may stay (connections.py decides); False: the caller closes it."""
        peer = transport.get_extra_info("peername")
        client = client_key(peer[0] if isinstance(peer, tuple) else None)
        admitted = self.limits.admit(handler, client)
        if not admitted:
            log.debug("closed a connection from %s: %d open already", client, self.limits.of(client))
        self._report()
        return admitted

    def _report(self) -> None:
        if (self.limits.refused, self.limits.evicted) != self._reported and self._reports.due("limits"):
            refused, evicted = self.limits.refused - self._reported[0], self.limits.evicted - self._reported[1]
            self._reported = (self.limits.refused, self.limits.evicted)
            log.warning(
                "connection limits: %d connection(s) closed at once (their client had %d open), %d oldest closed "
                "to stay within %d in all (counted since the last such line; at most one a minute)",
                refused,
                self.limits.per_client,
                evicted,
                self.limits.total,
            )

    def connection_lost(self, handler: web.RequestHandler, exc: BaseException | None = None) -> None:
        if isinstance(handler, _Handler):
            self.limits.release(handler)
        super().connection_lost(handler, exc)


class _Runner(web.AppRunner):
    def __init__(self, app: web.Application, limits: ConnectionLimits, **handler_options: Any) -> None:
        super().__init__(app)
        self._limits, self._handler_options = limits, handler_options

    async def _make_server(self) -> web.Server:  # the one place aiohttp builds its server: ours instead
        return _Server(await super()._make_server(), self._limits, **self._handler_options)


@contextlib.asynccontextmanager
async def serving(
    app: web.Application,
    host: str,
    port: int,
    limits: ConnectionLimits,
    *,
    keepalive_seconds: float = KEEPALIVE_SECONDS,
    visitors_logged: bool = False,
) -> AsyncIterator[tuple[str, int]]:
    """The app listening on host:port (0: a free port) until the block ends; yields the bound address."""
    runner = _Runner(
        app,
        limits,
        keepalive_timeout=keepalive_seconds,
        max_line_size=MAX_REQUEST_LINE,
        lingering_time=LINGERING_SECONDS,
        access_log=logging.getLogger("aiohttp.access") if visitors_logged else None,
    )
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port, backlog=ACCEPT_BACKLOG).start()
        bound = runner.addresses[0]
        yield bound[0], bound[1]
    finally:
        await runner.cleanup()


def connection_limits(site: Site, total: int, per_client: int = MAX_CONNECTIONS_PER_CLIENT) -> ConnectionLimits:
    """The limits for this site: its reverse proxies carry many clients' connections, so have no cap."""
    return ConnectionLimits(per_client, total, frozenset(map(client_key, site.proxies)))


def _quiet_out_of_files(reports: _Reports) -> Any:
    """asyncio logs 'socket.accept() out of system resource' with a traceback for every connection it cannot
    accept (3.2 million lines in 100 s in redteam D5): one line a minute says the same."""

    def handle(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        if context.get("message") != "socket.accept() out of system resource":
            loop.default_exception_handler(context)
        elif reports.due("accept"):
            log.error("cannot accept connections: %s (at most one such line a minute)", context.get("exception"))

    return handle


class BadOption(ValueError):
    """A `serve` option that cannot be used; the message says which and why."""


def site_options(base_url: str | None, proxies: list[str] | None) -> Site:
    """`serve --base-url URL --proxy ADDRESS...` checked: BadOption with a one-line message."""
    try:
        base = normalise_base_url(base_url) if base_url else None
    except ValueError as error:
        raise BadOption(str(error)) from None
    trusted = set()
    for proxy in proxies or ():
        try:
            trusted.add(str(ipaddress.ip_address(proxy)))
        except ValueError:
            raise BadOption(f"--proxy must be the proxy's IP address, like 127.0.0.1, not {proxy!r}") from None
    return Site(base, frozenset(trusted))


def _address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


async def _serve(
    live: LiveKnowledge, host: str, port: int, reload_every: float | None, site: Site, debug: bool
) -> None:
    budget = file_budget()
    if budget.low:
        log.warning("only %s: raise the limit (ulimit -n 4096; LimitNOFILE= for a systemd service)", budget.describe())
    else:
        log.info("%s", budget.describe())
    limits = connection_limits(site, budget.connections)
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_quiet_out_of_files(_Reports()))
    app = create_app(live, reload_every=reload_every, site=site)
    async with serving(app, host, port, limits, visitors_logged=debug) as (_, bound_port):
        print(f"Serving the FAQ on {_address(host, bound_port)} (Ctrl+C to stop)", flush=True)
        stop = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGHUP, live.request_reload)
        await stop.wait()


def run_server(
    live: LiveKnowledge,
    host: str,
    port: int,
    *,
    reload_every: float | None = RELOAD_POLL_SECONDS,
    site: Site | None = None,
    log_level: str = "INFO",
) -> int:
    """`python -m bot serve`: 0 after a clean stop (Ctrl+C, SIGTERM), 2 if it cannot listen. Visitors'
    addresses and requests are logged only at log_level DEBUG."""
    level = logging.getLevelNamesMapping().get(log_level.upper(), logging.INFO)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if reload_every is None:
        log.info("not watching the knowledge files (reload_seconds = 0): kill -HUP %d reloads them", os.getpid())
    try:
        asyncio.run(_serve(live, host, port, reload_every, site or Site(), debug=level <= logging.DEBUG))
    except OSError as exc:  # the port is taken, the host is not this machine's...
        print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
