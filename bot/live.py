"""The knowledge an adapter answers from, kept in step with the files: for the Discord bot and the web server.

Every couple of seconds a worker thread asks the store whether the knowledge files changed (names, sizes,
modification times — nothing is read unless something changed); a change made by hand, by `git pull` or by
another bot process sharing the directory is validated with the same rules as `python -m bot check` and
indexed incrementally. A broken edit is logged in one line (once, not at every poll) and the previous
engine stays live; the new engine replaces the old in a single assignment, so a question being answered
keeps the engine it started with. SIGHUP (or /kb reload) reloads everything at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from pathlib import Path

from .config import RELOAD_POLL_SECONDS
from .core.engine import Engine
from .core.store import EditRefused, Fingerprint, KnowledgeStore, fingerprint

log = logging.getLogger(__name__)


def _one_line(text: str) -> str:
    return " ".join(text.split())


class LiveKnowledge:
    def __init__(self, store: KnowledgeStore) -> None:
        self.store = store
        self._failed: Fingerprint | None = None  # the files' state that last failed: logged once
        self._loaded: Fingerprint = fingerprint(store.directory)  # the files' state last taken in
        self._forced = False
        self._wake: asyncio.Event | None = None

    @property
    def engine(self) -> Engine:
        return self.store.engine

    @property
    def directory(self) -> Path:
        return self.store.directory

    def reload_if_changed(self) -> bool:
        """Blocking (run it in a thread): take in changed files. True if the engine changed."""
        return self._run(self.store.reload_if_changed)

    def reload(self) -> bool:
        """Blocking: read everything again, changed or not. True if the new knowledge is live."""
        return self._run(lambda: bool(self.store.reload()))

    def _run(self, step: Callable[[], bool]) -> bool:
        state = fingerprint(self.store.directory)
        try:
            changed = step()
        except EditRefused as refused:
            if state != self._failed:
                self._failed = state
                edited = {name for name, seen in state.items() if self._loaded.get(name) != seen}
                # the edited file's own error first: other files' errors usually follow from it
                first = min(refused.problems, key=lambda p: p.file not in edited, default=None)
                log.error(
                    "knowledge not reloaded, the previous version stays live: %s (%d error(s); see `python -m bot "
                    "check`)",
                    _one_line(str(first)),
                    len(refused.problems),
                )
            return False
        except (OSError, ValueError) as error:  # removed between listing and reading; not UTF-8
            if state != self._failed:
                self._failed = state
                log.error("knowledge not reloaded, the previous version stays live: %s", _one_line(str(error)))
            return False
        self._failed, self._loaded = None, state
        if changed:
            log.info("knowledge reloaded: %d entries", len(self.engine.knowledge.entries))
        return changed

    def request_reload(self) -> None:
        """From a signal handler (SIGHUP): reload now, changed or not."""
        self._forced = True
        if self._wake is not None:
            self._wake.set()

    async def watch(self, interval: float = RELOAD_POLL_SECONDS) -> None:
        """Poll until cancelled; the work runs off the event loop."""
        self._wake = asyncio.Event()
        while True:
            with contextlib.suppress(TimeoutError):  # the poll interval passed without a SIGHUP
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            self._wake.clear()
            forced, self._forced = self._forced, False
            try:
                await asyncio.to_thread(self.reload if forced else self.reload_if_changed)
            except Exception:  # one bad poll must not end reloading for the process's lifetime
                log.exception("knowledge reload failed; will try again")
