"""`python -m bot serve`'s application: the FAQ as web pages and a JSON API, a third adapter over the Engine.

Read-only by construction: GET and HEAD only (anything else is 405 before routing), no request body is
read, and the security headers go on every response (server.py adds them to aiohttp's own errors too).
Pages come from bot/render/html.py, rendered once per knowledge version off the event loop (pages.py);
/api/ask returns exactly the CLI's JSON (bot/render/text.py: reply_json). Every client has two token
buckets (ratelimit.py): one for questions, one for pages; /healthz, robots.txt and the static files are
never limited.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from aiohttp import hdrs, web

from ..config import RELOAD_POLL_SECONDS
from ..core.conversation import Context
from ..core.engine import Engine
from ..core.questions import MAX_MESSAGE_CHARS
from ..live import LiveKnowledge
from ..render.html import (
    SERVER_URLS,
    TOO_MANY_PAGES,
    TOO_MANY_QUESTIONS,
    Page,
    Urls,
    ask_page,
    entry_page,
    home_page,
    message_page,
    not_found_page,
    tag_slug,
    topic_page,
)
from ..render.text import reply_json
from .assets import ASSETS, asset
from .crawlers import robots_txt, sitemap_xml
from .pages import PageCache, knowledge_version
from .ratelimit import ASK_BURST, ASK_RATE_PER_SECOND, PAGE_BURST, PAGE_RATE_PER_SECOND, RateLimiter, client_key

ALLOWED_METHODS = ("GET", "HEAD")
CLIENT_MAX_SIZE = 1024  # bytes of request body: nothing here reads a body, so any real one is refused
ASSET_MAX_AGE = 3600  # seconds a browser may keep style.css before asking again: edits show within the hour
SECURITY_HEADERS = {
    # No inline script or style anywhere; nothing loaded from another origin; not framable.
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
HTML = "text/html"


@dataclass(frozen=True, slots=True)
class Site:
    """Where the server is published, as its operator says (`serve --base-url`, `--proxy`)."""

    base_url: str | None = None  # https://faq.example.org (no final slash): canonical links, sitemap.xml
    proxies: frozenset[str] = frozenset()  # reverse proxies whose X-Forwarded-For names the real client

    def page(self, path: str) -> Page:
        return Page(SERVER_URLS, f"{self.base_url}/{path}" if self.base_url else None)


LIVE = web.AppKey("live", LiveKnowledge)
ASK_LIMITER = web.AppKey("ask_limiter", RateLimiter)
PAGE_LIMITER = web.AppKey("page_limiter", RateLimiter)
PAGES = web.AppKey("pages", PageCache)
SITE = web.AppKey("site", Site)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _engine(request: web.Request) -> Engine:
    return request.app[LIVE].engine  # read once per request: a reload swaps it, this request keeps its own


def _html(
    body: str | bytes, status: int = 200, headers: dict[str, str] | None = None, content_type: str = HTML
) -> web.Response:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return web.Response(body=data, status=status, content_type=content_type, charset="utf-8", headers=headers)


def _message(request: web.Request) -> str:
    """The `q` parameter, cut where every adapter cuts a message."""
    return request.query.get("q", "").strip()[:MAX_MESSAGE_CHARS]


def _conversation(request: web.Request) -> Context | None:
    """What a follow-up leans on: the `entry` and `subject` fields the previous answer page (or API reply's
    `conversation`) handed back. Checked, as anything a client sends: a forged one is only ever a subject."""
    return Context.from_dict({"entry": request.query.get("entry", ""), "subject": request.query.get("subject", "")})


def client_of(request: web.Request) -> str:
    """Who is asking, for the rate limits: the connection's address, or for a trusted reverse proxy the
    address it appended last to X-Forwarded-For (any earlier ones came from the client and prove nothing)."""
    remote = request.remote or ""
    if remote in request.app[SITE].proxies:
        forwarded = ",".join(request.headers.getall(hdrs.X_FORWARDED_FOR, ())).split(",")[-1].strip()
        remote = forwarded or remote
    return client_key(remote)


def _wait(limiter: RateLimiter, request: web.Request) -> int:
    """0 if the client may go ahead now, else the whole seconds to wait (for Retry-After)."""
    wait = limiter.take(client_of(request))
    return math.ceil(wait) if wait else 0


def _too_many(text: str, wait: int) -> web.Response:
    title = "Too many requests"
    return _html(message_page(title, text.format(seconds=wait)), status=429, headers={"Retry-After": str(wait)})


async def _cached_page(
    request: web.Request, key: str, render: Callable[[Engine], str | None], content_type: str = HTML
) -> web.Response:
    """A page of the site: rate-limited per client, served from the cache or rendered off the event loop;
    the 404 page when `render` finds nothing."""
    if wait := _wait(request.app[PAGE_LIMITER], request):
        return _too_many(TOO_MANY_PAGES, wait)
    engine = _engine(request)
    body = await request.app[PAGES].get(engine, key, lambda: render(engine))
    if body is None:
        return await _not_found(request)
    return _html(body, content_type=content_type)


async def _not_found(request: web.Request) -> web.Response:
    body = await request.app[PAGES].get(_engine(request), "404", not_found_page)
    assert body is not None, "the 404 page always renders"
    return _html(body, status=404)


# ---- middleware and headers -----------------------------------------------------------------------------


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ALLOWED_METHODS:
        raise web.HTTPMethodNotAllowed(request.method, ALLOWED_METHODS)
    try:
        return await handler(request)
    except web.HTTPNotFound:  # an address no route knows costs a page too
        if wait := _wait(request.app[PAGE_LIMITER], request):
            return _too_many(TOO_MANY_PAGES, wait)
        return await _not_found(request)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


# ---- pages ----------------------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    site = request.app[SITE]
    return await _cached_page(request, "/", lambda engine: home_page(engine, site.page("")))


async def entry(request: web.Request) -> web.Response:
    entry_id, site = request.match_info["entry_id"], request.app[SITE]
    return await _cached_page(
        request, f"/q/{entry_id}", lambda engine: entry_page(engine, entry_id, site.page(f"q/{entry_id}"))
    )


async def topic(request: web.Request) -> web.Response:
    tag, site = request.match_info["tag"], request.app[SITE]

    def render(engine: Engine) -> str | None:  # asked by its tag or its slug, the page's address is the slug's
        return topic_page(engine, tag, site.page(f"t/{tag_slug(tag)}"))

    return await _cached_page(request, f"/t/{tag}", render)


async def ask(request: web.Request) -> web.Response:
    message = _message(request)
    engine = _engine(request)
    if not message:
        return await _cached_page(request, "/ask", lambda engine: ask_page(engine, "", None))
    if wait := _wait(request.app[ASK_LIMITER], request):
        return _too_many(TOO_MANY_QUESTIONS, wait)

    before = _conversation(request)

    def answer() -> str:
        return ask_page(engine, message, engine.answer_message(message, context=before), before)

    return _html(await asyncio.to_thread(answer))  # matching is CPU work: keep the event loop free


async def api_ask(request: web.Request) -> web.Response:
    message = _message(request)
    if not message:
        return _json({"error": "missing the question: /api/ask?q=..."}, status=400)
    if wait := _wait(request.app[ASK_LIMITER], request):
        return _json({"error": "rate limited", "retry_after": wait}, status=429, headers={"Retry-After": str(wait)})
    engine = _engine(request)
    before = _conversation(request)
    reply = await asyncio.to_thread(functools.partial(engine.answer_message, message, context=before))
    return _json(reply_json(reply, before))


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        data, status=status, headers=headers, dumps=lambda obj: json.dumps(obj, ensure_ascii=False)
    )


async def sitemap(request: web.Request) -> web.Response:
    base = request.app[SITE].base_url

    def render(engine: Engine) -> str | None:  # absolute addresses: only the operator knows the public one
        return sitemap_xml(engine, base, Urls(f"{base}/")) if base else None

    return await _cached_page(request, "/sitemap.xml", render, content_type="application/xml")


async def robots(request: web.Request) -> web.Response:
    return web.Response(text=robots_txt(request.app[SITE].base_url, server=True), content_type="text/plain")


async def healthz(request: web.Request) -> web.Response:
    """For monitors: never rate-limited, and cheap (worked out once per knowledge version)."""
    engine = _engine(request)

    def health() -> str:
        entries = len(engine.knowledge.entries)
        return json.dumps({"status": "ok", "entries": entries, "knowledge_version": knowledge_version(engine)})

    body = await request.app[PAGES].get(engine, "healthz", health)
    return web.Response(body=body, content_type="application/json", headers={"Cache-Control": "no-store"})


async def static_file(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in ASSETS:
        raise web.HTTPNotFound
    return web.Response(
        body=asset(name),
        content_type=ASSETS[name],
        charset="utf-8",
        headers={"Cache-Control": f"public, max-age={ASSET_MAX_AGE}"},
    )


# ---- the application ------------------------------------------------------------------------------------


def create_app(
    live: LiveKnowledge,
    *,
    limiter: RateLimiter | None = None,
    page_limiter: RateLimiter | None = None,
    reload_every: float | None = RELOAD_POLL_SECONDS,
    site: Site | None = None,
    pages: PageCache | None = None,
) -> web.Application:
    """The application over the live knowledge, polling its files every `reload_every` seconds (None: never;
    a SIGHUP, LiveKnowledge.request_reload, reloads them either way).
    `limiter` limits the questions (/ask, /api/ask), `page_limiter` everything else a client browses."""
    app = web.Application(middlewares=[_guard], client_max_size=CLIENT_MAX_SIZE)
    app[LIVE] = live
    app[ASK_LIMITER] = limiter if limiter is not None else RateLimiter(ASK_RATE_PER_SECOND, ASK_BURST)
    app[PAGE_LIMITER] = page_limiter if page_limiter is not None else RateLimiter(PAGE_RATE_PER_SECOND, PAGE_BURST)
    app[SITE] = site if site is not None else Site()
    app[PAGES] = pages if pages is not None else PageCache()
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", home)
    app.router.add_get("/q/{entry_id}", entry)
    app.router.add_get("/t/{tag}", topic)
    app.router.add_get("/ask", ask)
    app.router.add_get("/api/ask", api_ask)
    app.router.add_get("/static/{name}", static_file)
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/robots.txt", robots)
    app.router.add_get("/sitemap.xml", sitemap)

    async def close_pages(app: web.Application) -> None:
        app[PAGES].close()

    app.on_cleanup.append(close_pages)
    interval = reload_every if reload_every is not None else math.inf  # not polled: only a SIGHUP reloads

    async def watch_knowledge(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(app[LIVE].watch(interval))
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(watch_knowledge)
    return app
