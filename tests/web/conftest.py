"""Fixtures for the web adapter: the real aiohttp application on a test server, over any knowledge."""

from __future__ import annotations

import contextlib
import queue
import re
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.engine import Engine
from bot.core.store import KnowledgeStore
from bot.live import LiveKnowledge
from bot.web.app import Site, create_app
from bot.web.connections import MAX_CONNECTIONS_PER_CLIENT, ConnectionLimits
from bot.web.pages import PageCache
from bot.web.ratelimit import RateLimiter
from bot.web.server import KEEPALIVE_SECONDS, connection_limits, serving

from ..conftest import KNOWLEDGE, ROOT

MakeClient = Callable[..., Awaitable[TestClient]]


def live_engine(directory: Path = KNOWLEDGE, engine: Engine | None = None) -> LiveKnowledge:
    return LiveKnowledge(KnowledgeStore(directory, engine=engine))


@pytest.fixture
async def make_client(engine: Engine) -> AsyncIterator[MakeClient]:
    """make_client(directory=..., limiter=..., page_limiter=..., reload_every=..., site=..., pages=...) → a
    client of the app on aiohttp's test server."""
    clients: list[TestClient] = []

    async def make(
        directory: Path = KNOWLEDGE,
        *,
        limiter: RateLimiter | None = None,
        page_limiter: RateLimiter | None = None,
        reload_every: float | None = None,
        site: Site | None = None,
        pages: PageCache | None = None,
    ) -> TestClient:
        # the shipped knowledge never changes during the tests: its engine is built once per session
        live = live_engine(KNOWLEDGE, engine) if directory == KNOWLEDGE else live_engine(directory)
        app = create_app(
            live, limiter=limiter, page_limiter=page_limiter, reload_every=reload_every, site=site, pages=pages
        )
        client = TestClient(TestServer(app))
        await client.start_server()
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.close()


@pytest.fixture
async def client(make_client: MakeClient) -> TestClient:
    return await make_client()


SESSION_START = time.time()
ARTIFACTS = Path(__file__).parent / "artifacts"  # the browser tests' screenshots (git-ignored)
STARTUP_SECONDS = 30  # a cold start imports numpy and builds the index: well under this on a slow CI machine


def _address_line(process: subprocess.Popen[str], ready: re.Pattern[str]) -> str:
    """Wait for the line `ready` matches; what came before it is kept in process.startup_lines. Lines are
    read by a thread: select() on the pipe would miss a line already read into the file object's buffer
    with the one before it (a log line printed just before the address)."""
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    process.startup_lines = seen  # for the tests to read

    def read_until_ready() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
            if ready.search(line):
                return
        lines.put("")  # the process exited

    threading.Thread(target=read_until_ready, daemon=True).start()
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no address within {STARTUP_SECONDS} s: {seen}") from None
        if not line:
            raise AssertionError(f"exited with {process.wait()}: {seen}")
        seen.append(line)
        if match := ready.search(line):
            return match.group(1)


@contextlib.contextmanager
def running(
    *args: str, ready: re.Pattern[str], cwd: Path = ROOT, open_files: int | None = None
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start a server in a subprocess, wait for the line that gives its address (matched by `ready`, whose
    group 1 is the address), yield (process, address); stop it (SIGINT, then kill) afterwards. `open_files`:
    the subprocess's file limit (soft and hard, as `prlimit --nofile=N:N`)."""

    def limit_files() -> None:
        if open_files is not None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (open_files, open_files))

    process = subprocess.Popen(
        [sys.executable, "-u", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=limit_files if open_files is not None else None,
    )
    try:
        address = _address_line(process, ready)
        yield process, address
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdout:
            process.stdout.close()


SERVE_READY = re.compile(r"Serving the FAQ on (http://\S+/)")


def serve(
    directory: Path = KNOWLEDGE, *options: str, open_files: int | None = None
) -> contextlib.AbstractContextManager[tuple[subprocess.Popen[str], str]]:
    """`python -m bot serve --port 0` as a user runs it, on a free port."""
    return running(
        "-m",
        "bot",
        "serve",
        "--port",
        "0",
        "--knowledge",
        str(directory),
        *options,
        ready=SERVE_READY,
        open_files=open_files,
    )


class Served:
    """The app served by bot/web/server.py on 127.0.0.1 (the real server, not aiohttp's test one)."""

    def __init__(self, host: str, port: int, limits: ConnectionLimits) -> None:
        self.host, self.port, self.limits = host, port, limits
        self.url = f"http://{host}:{port}"


@pytest.fixture
async def hardened(engine: Engine) -> AsyncIterator[Callable[..., Awaitable[Served]]]:
    """hardened(directory=..., per_client=..., total=..., keepalive_seconds=..., site=..., limiter=...)"""
    stack = contextlib.AsyncExitStack()

    async def start(
        directory: Path = KNOWLEDGE,
        *,
        per_client: int = MAX_CONNECTIONS_PER_CLIENT,
        total: int = 1000,
        keepalive_seconds: float = KEEPALIVE_SECONDS,
        site: Site | None = None,
        limiter: RateLimiter | None = None,
    ) -> Served:
        live = live_engine(KNOWLEDGE, engine) if directory == KNOWLEDGE else live_engine(directory)
        app = create_app(live, reload_every=None, site=site, limiter=limiter)
        limits = connection_limits(site or Site(), total, per_client)
        host, port = await stack.enter_async_context(
            serving(app, "127.0.0.1", 0, limits, keepalive_seconds=keepalive_seconds)
        )
        return Served(host, port, limits)

    async with stack:
        yield start


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where this run's screenshots are (not an earlier run's)."""
    shots = [p for p in ARTIFACTS.glob("*.png") if p.stat().st_mtime >= SESSION_START] if ARTIFACTS.is_dir() else []
    if shots:
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS} ({len(shots)} files)")
