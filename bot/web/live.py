"""The engine a server answers with, reloaded when the knowledge files change.

Every couple of seconds a worker thread compares the knowledge files' names, sizes and modification times
with what it saw last; on a change (or on SIGHUP) it loads the directory with the same validator as
`python -m bot check`. A broken edit is logged in one line and the previous engine stays live; the new
engine replaces the old in a single assignment, so a request being answered keeps the one it started with.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from pathlib import Path

from ..core.engine import Engine, Thresholds
from ..core.loader import knowledge_files
from ..core.store import open_engine

log = logging.getLogger(__name__)

RELOAD_POLL_SECONDS = 2.0  # an edit shows within two seconds; a stat() of a few files costs nothing

Fingerprint = tuple[tuple[str, int, int], ...]


def fingerprint(directory: Path) -> Fingerprint:
    """The knowledge files as seen from outside: any save changes this, no file is read."""
    try:
        files = knowledge_files(directory)
        return tuple((path.name, (st := path.stat()).st_mtime_ns, st.st_size) for path in files)
    except OSError:  # the directory or a file vanished mid-listing: try again next poll
        return ()


def _one_line(text: str) -> str:
    return " ".join(text.split())


class LiveEngine:
    def __init__(self, directory: Path, engine: Engine, thresholds: Thresholds | None = None) -> None:
        self.directory = directory
        self.engine = engine
        self.thresholds = thresholds
        self._seen = fingerprint(directory)
        self._lock = threading.Lock()  # one reload at a time (the poll and SIGHUP may coincide)
        self._forced = False
        self._wake: asyncio.Event | None = None

    def reload_if_changed(self) -> bool:
        """Blocking (run it in a thread): reload when the files changed since last seen. True if swapped."""
        with self._lock:
            now = fingerprint(self.directory)
            if now == self._seen:
                return False
            changed = {name for name, *_ in set(now) - set(self._seen)}
            self._seen = now
            return self._load(changed)

    def reload(self) -> bool:
        """Blocking: reload whatever the files' state. True if the new knowledge is live."""
        with self._lock:
            self._seen = fingerprint(self.directory)
            return self._load(set())

    def _load(self, changed: set[str]) -> bool:
        try:
            engine, result = open_engine(self.directory, self.thresholds)
        except (OSError, ValueError) as exc:  # removed between listing and reading; not UTF-8
            log.error("knowledge not reloaded, the previous version stays live: %s", _one_line(str(exc)))
            return False
        if engine is None:
            # The edited file's own error first: other files' errors are usually its consequences.
            first = min(result.errors, key=lambda problem: Path(problem.file).name not in changed)
            log.error(
                "knowledge not reloaded, the previous version stays live: %s (%d error(s); see python -m bot check)",
                _one_line(str(first)),
                len(result.errors),
            )
            return False
        self.engine = engine
        log.info("knowledge reloaded: %d entries", len(engine.knowledge.entries))
        return True

    def request_reload(self) -> None:
        """From a signal handler (SIGHUP): reload now, changed or not."""
        self._forced = True
        if self._wake is not None:
            self._wake.set()

    async def watch(self, interval: float = RELOAD_POLL_SECONDS) -> None:
        """Poll until cancelled; the loading runs off the event loop."""
        self._wake = asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):  # the poll interval passed without a SIGHUP
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            self._wake.clear()
            forced, self._forced = self._forced, False
            try:
                await asyncio.to_thread(self.reload if forced else self.reload_if_changed)
            except Exception:  # one bad poll must not end reloading for the server's lifetime
                log.exception("knowledge reload failed; will try again")
