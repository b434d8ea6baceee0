"""Cited sites on 127.0.0.1 that answer the ways real ones do: 200, redirects (301, 302, 308, a loop), 404, 500,
never (past any timeout), HEAD refused with 405 or 403, or the connection reset on HEAD. It records every request
(method, path, User-Agent) and the most requests a site had in flight at once."""

from __future__ import annotations

import asyncio
import socket
import struct
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from bot.core.loader import load_directory

SLOW_S = 0.2  # long enough for requests to pile up at a site if the checker let them


@dataclass(frozen=True)
class Seen:
    method: str
    host: str
    path: str
    user_agent: str


class LinkSites:
    def __init__(self) -> None:
        self.requests: list[Seen] = []
        self.in_flight: Counter[str] = Counter()  # per site (host:port)
        self.most_in_flight: Counter[str] = Counter()
        self.most_in_flight_overall = 0
        self._released = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.ports: dict[str, int] = {}
        app = web.Application(middlewares=[self._record])
        app.router.add_route("*", "/ok/{name:.*}", self.ok)
        app.router.add_route("*", "/ok", self.ok)
        app.router.add_route("*", "/moved", redirect(301, "/ok"))
        app.router.add_route("*", "/temporary", redirect(302, "/ok"))
        app.router.add_route("*", "/moved-then-gone", redirect(308, "/gone"))
        app.router.add_route("*", "/loop", redirect(301, "/loop"))
        app.router.add_route("*", "/to-ftp", redirect(301, "ftp://example.invalid/file"))
        app.router.add_route("*", "/gone", status(404))
        app.router.add_route("*", "/broken", status(500))
        app.router.add_route("*", "/never", self.never)
        app.router.add_route("*", "/no-head", self.head_refused(405))
        app.router.add_route("*", "/head-forbidden", self.head_refused(403))
        app.router.add_route("*", "/reset-on-head", self.reset_on_head)
        app.router.add_route("*", "/slow/{name}", self.slow)
        self.app = app

    async def start(self, *hosts: str) -> LinkSites:
        """Serve on 127.0.0.1, and on other loopback addresses (127.0.0.2...) as further sites."""
        self._runner = web.AppRunner(self.app, handle_signals=False, handler_cancellation=True)
        await self._runner.setup()
        for host in hosts or ("127.0.0.1",):
            site = web.TCPSite(self._runner, host, 0)
            await site.start()
            self.ports[host] = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._released.set()  # the never-answering handlers return, so the server can stop at once
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.ports[host]}{path}"

    def seen(self, path: str) -> list[str]:
        """The methods of the requests for `path`, in order."""
        return [r.method for r in self.requests if r.path == path]

    @web.middleware
    async def _record(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.requests.append(Seen(request.method, request.host, request.path, request.headers.get("User-Agent", "")))
        return await handler(request)

    async def ok(self, request: web.Request) -> web.Response:
        return web.Response(text="a cited page")

    async def never(self, request: web.Request) -> web.Response:
        await self._released.wait()
        return web.Response(text="too late")

    def head_refused(self, code: int) -> web.Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=code) if request.method == "HEAD" else web.Response(text="a cited page")

        return handler

    async def reset_on_head(self, request: web.Request) -> web.Response:
        if request.method == "HEAD":  # a reset, not a polite close: linger 0 makes close() send RST
            sock = request.transport.get_extra_info("socket") if request.transport else None
            if sock is not None:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            if request.transport is not None:
                request.transport.abort()
        return web.Response(text="a cited page")

    async def slow(self, request: web.Request) -> web.Response:
        site = request.host
        self.in_flight[site] += 1
        self.most_in_flight[site] = max(self.most_in_flight[site], self.in_flight[site])
        self.most_in_flight_overall = max(self.most_in_flight_overall, sum(self.in_flight.values()))
        try:
            await asyncio.sleep(SLOW_S)
        finally:
            self.in_flight[site] -= 1
        return web.Response(text="a slow page")


def redirect(code: int, location: str) -> web.Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=code, headers={"Location": location})

    return handler


def status(code: int) -> web.Handler:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=code, text="an error page")

    return handler


def point_sources_at(directory: Path, sites: LinkSites, planted: dict[str, str]) -> None:
    """Rewrite a knowledge copy's sources to cite the local sites: each source its own page on /ok/, except the
    `planted` ones ({source id: path}, e.g. "/gone"). The files change only in their url lines."""
    for source in load_directory(directory).knowledge.sources.values():
        path = Path(source.file)
        text = path.read_text(encoding="utf-8")
        new_url = sites.url(planted.get(source.id, f"/ok/{source.id}"))
        assert text.count(f"url: {source.url}\n") == 1, source
        path.write_text(text.replace(f"url: {source.url}\n", f"url: {new_url}\n"), encoding="utf-8")
