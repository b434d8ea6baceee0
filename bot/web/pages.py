"""Pages rendered once per knowledge version, off the event loop, and kept within a memory budget.

The home page of 10,000 entries is 3 MB and takes 0.1-0.2 s to render; rendered on the event loop at every
request, a flood of it slowed /api/ask from 2 ms to 1-2 s (redteam D6). Here a page is rendered in one
worker thread of its own (so renders never take the threads answering questions), once per engine: a
reload brings a new engine and the pages are rendered afresh. Requests for a page being rendered wait for
that one render.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from ..core.engine import Engine
from ..core.versions import entry_version

# The 3 MB home page of 10,000 entries (30 MB at 100,000) fits with room for the entry pages people read;
# past the budget the least recently served pages are dropped and rendered again when asked for.
PAGE_CACHE_BYTES = 64 * 1024 * 1024
VERSION_HEX_CHARS = 12  # shown by /healthz: enough to tell two versions apart at a glance

Render = Callable[[], str | bytes | None]


class PageCache:
    def __init__(self, budget_bytes: int = PAGE_CACHE_BYTES) -> None:
        self.budget_bytes = budget_bytes
        self._engine: Engine | None = None
        self._pages: OrderedDict[str, bytes] = OrderedDict()  # least recently served first
        self._bytes = 0
        self._rendering: dict[str, asyncio.Future[bytes | None]] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="render-page")
        self.renders = 0  # pages rendered rather than served from the cache

    async def get(self, engine: Engine, key: str, render: Render) -> bytes | None:
        """The page `key` of this engine, UTF-8: from the cache, else rendered by `render` in the page
        thread (None: there is no such page, and nothing is kept)."""
        if engine is not self._engine:  # a reload: every page may have changed
            self._engine, self._rendering = engine, {}
            self._pages.clear()
            self._bytes = 0
        if (page := self._pages.get(key)) is not None:
            self._pages.move_to_end(key)
            return page
        pending = self._rendering.get(key)
        if pending is None:
            pending = asyncio.get_running_loop().run_in_executor(self._executor, _encoded, render)
            self.renders += 1
            self._rendering[key] = pending
            pending.add_done_callback(lambda done: self._rendered(engine, key, done))
        return await asyncio.shield(pending)  # a client that goes away does not cancel others' render

    def _rendered(self, engine: Engine, key: str, done: asyncio.Future[bytes | None]) -> None:
        if engine is not self._engine or self._rendering.get(key) is not done:
            return  # rendered from an engine since replaced: served to its waiters, not kept
        del self._rendering[key]
        page = None if done.cancelled() or done.exception() else done.result()
        if page is None or len(page) > self.budget_bytes:
            return
        self._pages[key] = page
        self._bytes += len(page)
        while self._bytes > self.budget_bytes:
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= len(dropped)

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

    def __len__(self) -> int:
        return len(self._pages)

    def __iter__(self) -> Iterator[str]:
        return iter(self._pages)


def _encoded(render: Render) -> bytes | None:
    page = render()
    return page.encode("utf-8") if isinstance(page, str) else page


def knowledge_version(engine: Engine) -> str:
    """A short hash of what the knowledge says (each entry's version, and the sources): the same files give
    the same version on every server; any edit gives another."""
    digest = hashlib.sha256()
    for entry in engine.knowledge.entries:
        digest.update(entry_version(entry).encode())
    for source_id in sorted(engine.knowledge.sources):
        source = engine.knowledge.sources[source_id]
        digest.update(repr((source.id, source.title, source.url, source.publisher, source.date)).encode())
    return digest.hexdigest()[:VERSION_HEX_CHARS]
