"""Every cited URL fetched once, politely: HEAD first (GET where a site refuses HEAD), redirects followed one at a
time and recorded, a few requests at a time overall and per site, each within a timeout. `sources check` and
/kb links share it; the one module besides the web server that imports aiohttp (its client)."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from http import HTTPStatus
from importlib import metadata

import aiohttp
from yarl import URL

from ..core.models import Knowledge
from .link_report import Hop, LinkCheckSettings, LinkReport, LinkResult, build_report, citations_by_url

MAX_REDIRECTS = 10  # aiohttp's and lychee's default: a chain longer than that is a loop
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Servers that refuse HEAD yet serve the page to GET say so with these (405 and 501 by the RFC, 403 by WAFs).
HEAD_REFUSED_STATUSES = frozenset({403, 405, 501})
HTTP_SCHEMES = frozenset({"http", "https"})


def user_agent() -> str:
    """Names the project and what it is doing, so a site's operator who sees the requests knows whose they are."""
    try:
        version = metadata.version("defence-faq-bot")
    except metadata.PackageNotFoundError:  # a checkout that was never `pip install`ed
        version = "dev"
    return f"defence-faq-bot/{version} (link check of the sources a cited FAQ links to; about weekly)"


class _TooManyRedirects(Exception):
    """A chain of more than MAX_REDIRECTS redirects, or one that comes back to an address it passed."""


class _BadRedirect(Exception):
    """A redirect to something that is not an http(s) address."""


class _HeadRefused(Exception):
    """The site answered HEAD with one of HEAD_REFUSED_STATUSES: ask with GET."""


# What keeps a link from being answered, as opposed to a fault of the check (which should surface, not be
# reported as a dead link): aiohttp's errors, the socket's, timeouts, addresses yarl cannot read, our redirect rules.
NO_ANSWER = (aiohttp.ClientError, OSError, TimeoutError, ValueError, _TooManyRedirects, _BadRedirect)


@dataclass(frozen=True)
class _Answer:
    status: int
    url: URL
    hops: tuple[Hop, ...]


class _Checker:
    def __init__(self, session: aiohttp.ClientSession, settings: LinkCheckSettings) -> None:
        self._session = session
        self._settings = settings
        self._timeout = aiohttp.ClientTimeout(total=settings.timeout_s)
        self._in_flight = asyncio.Semaphore(settings.concurrency)
        self._per_host: defaultdict[str, asyncio.Semaphore] = defaultdict(lambda: asyncio.Semaphore(settings.per_host))

    @asynccontextmanager
    async def _turn(self, host: str) -> AsyncIterator[None]:
        """Wait for a turn at the site, then for one of the overall slots: a URL waiting on a busy site holds no
        slot another site's URL could use."""
        async with self._per_host[host], self._in_flight:
            yield

    async def _request(self, method: str, url: URL) -> tuple[int, str | None]:
        """One request, no redirect followed; the body is never read (closing the response drops it)."""
        async with (
            self._turn(url.host or ""),
            self._session.request(method, url, allow_redirects=False, timeout=self._timeout) as response,
        ):
            return response.status, response.headers.get(aiohttp.hdrs.LOCATION)

    async def _follow(self, method: str, url: URL) -> _Answer:
        """Ask for `url`, following its redirects hop by hop (each hop takes its own turn at its own site)."""
        hops: list[Hop] = []
        seen = {url}
        while True:
            status, location = await self._request(method, url)
            if method == "HEAD" and status in HEAD_REFUSED_STATUSES:
                raise _HeadRefused
            if status not in REDIRECT_STATUSES or location is None:
                return _Answer(status, url, tuple(hops))
            target = url.join(URL(location)).with_fragment(None)
            if target.scheme not in HTTP_SCHEMES:
                raise _BadRedirect(location)
            if len(hops) == MAX_REDIRECTS or target in seen:
                raise _TooManyRedirects
            hops.append(Hop(str(url), status, str(target)))
            seen.add(target)
            url = target

    async def _head_then_get(self, url: URL) -> tuple[str, _Answer]:
        try:
            return "HEAD", await self._follow("HEAD", url)
        except (
            _HeadRefused,
            aiohttp.ServerDisconnectedError,
            aiohttp.ClientConnectionResetError,
            aiohttp.ClientOSError,
        ) as error:
            if isinstance(error, aiohttp.ClientConnectorError):  # could not even connect: GET cannot either
                raise
            # else refused, or the connection dropped or reset: sites that cannot do HEAD do that too
        return "GET", await self._follow("GET", url)

    async def check(self, cited: str) -> LinkResult:
        try:
            url = URL(cited).with_fragment(None)  # the fragment is the browser's business, never sent
            method, answer = await self._head_then_get(url)
        except NO_ANSWER as error:  # the link's verdict, not the check's failure
            error_kind, detail = _failure(error, self._settings.timeout_s)
            return LinkResult(cited, None, cited, error=error_kind, detail=detail)
        final_url = cited if answer.url == url else str(answer.url)  # back where it started: not elsewhere
        return LinkResult(
            cited, answer.status, final_url, answer.hops, method=method, detail=_status_text(answer.status)
        )


def _status_text(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"  # the standard phrase: a site's own reason text is anything
    except ValueError:
        return str(status)


def _failure(error: BaseException, timeout_s: float) -> tuple[str, str]:
    """Why there was no answer: (a short kind for scripts, the same in words)."""
    if isinstance(error, TimeoutError):  # aiohttp's own timeout errors are TimeoutErrors too
        return "timeout", f"no answer within {timeout_s:g} s"
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return "dns", "the site's name does not resolve"
    if isinstance(error, aiohttp.ClientSSLError):
        return "tls", f"the site's certificate or TLS failed ({error})"
    if isinstance(error, aiohttp.ClientConnectorError) and isinstance(error.os_error, ConnectionRefusedError):
        return "refused", "the connection was refused"
    if isinstance(error, _TooManyRedirects):
        return "redirects", f"a redirect loop, or more than {MAX_REDIRECTS} redirects"
    if isinstance(error, _BadRedirect):
        return "invalid", f"a redirect to a non-web address ({error})"
    if isinstance(error, ValueError):  # yarl's and aiohttp's InvalidURL
        return "invalid", f"not a valid address ({error})"
    return "connection", str(error) or type(error).__name__


async def check_urls(urls: Iterable[str], settings: LinkCheckSettings | None = None) -> list[LinkResult]:
    """Each distinct URL fetched once, in one session (its connections reused between a site's pages)."""
    settings = settings or LinkCheckSettings()
    connector = aiohttp.TCPConnector(limit=settings.concurrency, limit_per_host=settings.per_host)
    async with aiohttp.ClientSession(connector=connector, headers={"User-Agent": user_agent()}) as session:
        checker = _Checker(session, settings)
        return list(await asyncio.gather(*(checker.check(url) for url in dict.fromkeys(urls))))


async def check_knowledge(knowledge: Knowledge, settings: LinkCheckSettings | None = None) -> LinkReport:
    """Every URL the knowledge's sources give, with the sources and entries that cite it."""
    citations = await asyncio.to_thread(citations_by_url, knowledge)  # a pass over every entry: not on the loop
    started = time.monotonic()
    results = await check_urls(citations, settings)
    return build_report(results, citations, time.monotonic() - started)
