"""`python -m bot serve`: the FAQ as web pages and a JSON API, a third adapter over the same Engine.

Read-only by construction: GET and HEAD only (anything else is 405 before routing), no request body is
read, and the security headers go on every response, errors included. The pages are those of
bot/render/html.py; /api/ask returns exactly the CLI's JSON (bot/render/text.py: reply_json).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import math
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

from aiohttp import web

from ..config import RELOAD_POLL_SECONDS
from ..core.engine import Engine
from ..core.questions import MAX_MESSAGE_CHARS
from ..live import LiveKnowledge
from ..render.html import ask_page, entry_page, home_page, not_found_page, topic_page
from ..render.text import reply_json
from .assets import ASSETS, asset
from .ratelimit import RateLimiter

log = logging.getLogger(__name__)

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
RATE_LIMITED = "You are asking very quickly. Please try again in {seconds} s."

LIVE = web.AppKey("live", LiveKnowledge)
LIMITER = web.AppKey("limiter", RateLimiter)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _engine(request: web.Request) -> Engine:
    return request.app[LIVE].engine  # read once per request: a reload swaps it, this request keeps its own


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type=HTML, charset="utf-8")


def _message(request: web.Request) -> str:
    """The `q` parameter, cut where every adapter cuts a message."""
    return request.query.get("q", "").strip()[:MAX_MESSAGE_CHARS]


def _rate_limited(request: web.Request) -> int:
    """0 if the client may ask now, else the whole seconds to wait (for Retry-After)."""
    wait = request.app[LIMITER].take(request.remote or "unknown")
    return math.ceil(wait) if wait else 0


# ---- middleware and headers -----------------------------------------------------------------------------


@web.middleware
async def _guard(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ALLOWED_METHODS:
        raise web.HTTPMethodNotAllowed(request.method, ALLOWED_METHODS)
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return _html(not_found_page(), status=404)


async def _security_headers(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)


# ---- pages ----------------------------------------------------------------------------------------------


async def home(request: web.Request) -> web.Response:
    return _html(home_page(_engine(request)))


async def entry(request: web.Request) -> web.Response:
    page = entry_page(_engine(request), request.match_info["entry_id"])
    if page is None:
        raise web.HTTPNotFound
    return _html(page)


async def topic(request: web.Request) -> web.Response:
    page = topic_page(_engine(request), request.match_info["tag"])
    if page is None:
        raise web.HTTPNotFound
    return _html(page)


async def ask(request: web.Request) -> web.Response:
    message = _message(request)
    engine = _engine(request)
    if not message:
        return _html(ask_page(engine, "", None))
    if wait := _rate_limited(request):
        return web.Response(
            text=RATE_LIMITED.format(seconds=wait), status=429, headers={"Retry-After": str(wait)}, charset="utf-8"
        )

    def answer() -> str:
        return ask_page(engine, message, engine.answer_message(message))

    return _html(await asyncio.to_thread(answer))  # matching is CPU work: keep the event loop free


async def api_ask(request: web.Request) -> web.Response:
    message = _message(request)
    if not message:
        return _json({"error": "missing the question: /api/ask?q=..."}, status=400)
    if wait := _rate_limited(request):
        return _json({"error": "rate limited", "retry_after": wait}, status=429, headers={"Retry-After": str(wait)})
    engine = _engine(request)
    reply = await asyncio.to_thread(engine.answer_message, message)
    return _json(reply_json(reply))


def _json(data: object, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        data, status=status, headers=headers, dumps=lambda obj: json.dumps(obj, ensure_ascii=False)
    )


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
    reload_every: float | None = RELOAD_POLL_SECONDS,
) -> web.Application:
    """The application over the live knowledge; `reload_every=None` turns the file watching off."""
    app = web.Application(middlewares=[_guard], client_max_size=CLIENT_MAX_SIZE)
    app[LIVE] = live
    app[LIMITER] = limiter if limiter is not None else RateLimiter()
    app.on_response_prepare.append(_security_headers)
    app.router.add_get("/", home)
    app.router.add_get("/q/{entry_id}", entry)
    app.router.add_get("/t/{tag}", topic)
    app.router.add_get("/ask", ask)
    app.router.add_get("/api/ask", api_ask)
    app.router.add_get("/static/{name}", static_file)
    if reload_every is not None:
        interval = reload_every

        async def watch_knowledge(app: web.Application) -> AsyncIterator[None]:
            task = asyncio.create_task(app[LIVE].watch(interval))
            yield
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

        app.cleanup_ctx.append(watch_knowledge)
    return app


def _address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


async def _serve(app: web.Application, live: LiveKnowledge, host: str, port: int) -> None:
    runner = web.AppRunner(app, access_log=None)  # no log of visitors' addresses or questions
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0]
        print(f"Serving the FAQ on {_address(host, bound[1])} (Ctrl+C to stop)", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        loop.add_signal_handler(signal.SIGHUP, live.request_reload)
        await stop.wait()
    finally:
        await runner.cleanup()


def run_server(live: LiveKnowledge, host: str, port: int) -> int:
    """`python -m bot serve`: 0 after a clean stop (Ctrl+C, SIGTERM), 2 if it cannot listen."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_serve(create_app(live), live, host, port))
    except OSError as exc:  # the port is taken, the host is not this machine's...
        print(f"cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
