"""Fixtures for the web adapter: the real aiohttp application on a test server, over any knowledge."""

from __future__ import annotations

import contextlib
import re
import select
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core.engine import Engine
from bot.core.store import KnowledgeStore
from bot.live import LiveKnowledge
from bot.web.app import create_app
from bot.web.ratelimit import RateLimiter

from ..conftest import KNOWLEDGE, ROOT

MakeClient = Callable[..., Awaitable[TestClient]]


def live_engine(directory: Path = KNOWLEDGE, engine: Engine | None = None) -> LiveKnowledge:
    return LiveKnowledge(KnowledgeStore(directory, engine=engine))


@pytest.fixture
async def make_client(engine: Engine) -> AsyncIterator[MakeClient]:
    """make_client(directory=..., limiter=..., reload_every=...) → a client of the app on a test server."""
    clients: list[TestClient] = []

    async def make(
        directory: Path = KNOWLEDGE, *, limiter: RateLimiter | None = None, reload_every: float | None = None
    ) -> TestClient:
        # the shipped knowledge never changes during the tests: its engine is built once per session
        live = live_engine(KNOWLEDGE, engine) if directory == KNOWLEDGE else live_engine(directory)
        app = create_app(live, limiter=limiter, reload_every=reload_every)
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


@contextlib.contextmanager
def running(*args: str, ready: re.Pattern[str], cwd: Path = ROOT) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Start a server in a subprocess, wait for the line that gives its address (matched by `ready`, whose
    group 1 is the address), yield (process, address); stop it (SIGINT, then kill) afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-u", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        address, seen = None, []
        deadline = time.monotonic() + STARTUP_SECONDS
        assert process.stdout is not None
        while address is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([process.stdout], [], [], remaining)[0]:
                raise AssertionError(f"no address within {STARTUP_SECONDS} s: {seen}")
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"exited with {process.wait()}: {seen}")
            seen.append(line)
            if match := ready.search(line):
                address = match.group(1)
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


def serve(directory: Path = KNOWLEDGE) -> contextlib.AbstractContextManager[tuple[subprocess.Popen[str], str]]:
    """`python -m bot serve --port 0` as a user runs it, on a free port."""
    return running("-m", "bot", "serve", "--port", "0", "--knowledge", str(directory), ready=SERVE_READY)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where this run's screenshots are (not an earlier run's)."""
    shots = [p for p in ARTIFACTS.glob("*.png") if p.stat().st_mtime >= SESSION_START] if ARTIFACTS.is_dir() else []
    if shots:
        terminalreporter.write_line(f"browser screenshots: {ARTIFACTS} ({len(shots)} files)")
