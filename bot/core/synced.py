"""The knowledge on disk and the engine built from it, kept in step (the base of the store): files changed on
disk are taken in (by their sizes and modification times, or by their text when another process saved),
an edit runs under the edit lock on the files as they are (edit_lock.py), each save is written ahead to the
journal and its steps recorded as one operation (journal.py), and the new engine is cached in the background."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import cache, journal
from .atomic import atomic_write
from .edit_lock import Held, locked
from .edits import Audit, EditRefused, EditResult
from .engine import Engine, Thresholds
from .loader import LoadResult, knowledge_files, load_texts, reload_texts

log = logging.getLogger(__name__)

Fingerprint = dict[str, tuple[int, int]]  # file → (modification time in ns, size)


def fingerprint(directory: Path) -> Fingerprint:
    """The knowledge files as seen from outside: any save changes this, and no file is read."""
    try:
        return {str(path): ((st := path.stat()).st_mtime_ns, st.st_size) for path in knowledge_files(directory)}
    except OSError:  # a file vanished mid-listing (an editor's save): the next look sees the new state
        return {}


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _texts(directory: Path) -> dict[str, str]:
    return {str(path): path.read_text(encoding="utf-8") for path in knowledge_files(directory)}


def _digests(directory: Path) -> dict[str, bytes]:
    # of the bytes, as _digest's of the text they decode to: a file that is not UTF-8 is then the loader's to
    # report (a problem at its line), not a UnicodeDecodeError here
    return {
        str(path): hashlib.blake2b(path.read_bytes(), digest_size=16).digest() for path in knowledge_files(directory)
    }


@dataclass
class _Operation:
    """One edit in progress, under the edit lock: who makes it (None: no history kept) and its saved steps."""

    held: Held
    audit: Audit | None
    saved: list[EditResult] = field(default_factory=list)


class SyncedKnowledge:
    """The engine (`engine`) and the knowledge files it was built from, in step. Subclasses say how the
    engine is built from the directory (`_open`) and make the edits (KnowledgeStore)."""

    def __init__(
        self,
        directory: Path,
        thresholds: Thresholds | None = None,
        new_entries_file: str = "community.yaml",
        *,
        cache_dir: Path | None = None,
        engine: Engine | None = None,
    ) -> None:
        """Loads the directory (EditRefused if it has errors), or takes `engine`, already built from it."""
        self.directory = Path(directory)
        self.thresholds = thresholds or Thresholds()
        self.new_entries_path = self.directory / new_entries_file
        self.cache_dir = cache_dir
        self.recorder: journal.Recorder | None = None  # the history of edits (bot.runtime), if kept
        self._lock = threading.Lock()
        self._cache_state = threading.Lock()  # guards the two below
        self._cache_wanted = False
        self._cache_writer: threading.Thread | None = None
        self._seen: Fingerprint = fingerprint(self.directory)
        self._digests = _digests(self.directory)
        self._last_save = ""  # the edit lock's token as this store last saw it (edit_lock.py)
        self._operation: _Operation | None = None
        self.engine = engine if engine is not None else self._engine_from_disk()[0]

    def _open(self) -> tuple[Engine | None, LoadResult]:
        """An engine built from the directory as it is (None, and the problems, if it has errors)."""
        raise NotImplementedError

    # ---- reading and validating -------------------------------------------------------------------

    def _read(self, name: str) -> str:
        path = Path(name)
        return path.read_text(encoding="utf-8") if path.is_file() else ""

    def _engine_from_disk(self) -> tuple[Engine, LoadResult]:
        """The files as they are now, validated; EditRefused if any is broken. What they were is noted first:
        a file saved meanwhile is then only read once more, never missed."""
        seen, digests = fingerprint(self.directory), _digests(self.directory)
        engine, result = self._open()
        if engine is None:
            raise EditRefused(result.errors)
        self._seen, self._digests = seen, digests
        return engine, result

    def _apply(self, changed: dict[str, str]) -> tuple[Engine, LoadResult]:
        """The engine with `changed` files' texts, validated: incrementally when the synonyms stay."""
        names = sorted({str(p) for p in knowledge_files(self.directory)} | set(changed))
        knowledge = self.engine.knowledge
        result = reload_texts(knowledge, names, changed)
        if result is None:  # synonyms may change: everything is read and indexed again
            result = load_texts({name: changed.get(name) or self._read(name) for name in names})
        if result.errors:
            raise EditRefused(result.errors)
        if result.knowledge.synonyms == knowledge.synonyms:
            return self.engine.updated(result.knowledge), result
        return Engine(result.knowledge, self.thresholds), result

    def _catch_up(self, *, exact: bool = False) -> bool:
        """Take in files that changed on disk since they were read (called with the lock held): those whose
        size or modification time changed, or with `exact`, those whose text did (another process saved under
        the edit lock, maybe within one clock tick of the last save)."""
        now = fingerprint(self.directory)
        if now == self._seen and not exact:
            return False
        if set(self._seen) - set(now):  # a file was deleted: read everything again
            self.engine, _ = self._engine_from_disk()
            return True
        if exact:
            texts = _texts(self.directory)
            changed = {name: text for name, text in texts.items() if _digest(text) != self._digests.get(name)}
        else:
            changed = {name: self._read(name) for name in now if now[name] != self._seen.get(name)}
        if changed:
            self.engine, _ = self._apply(changed)
            self._digests.update({name: _digest(text) for name, text in changed.items()})
        self._seen = now
        if changed:
            self._save_cache()
        return bool(changed)

    def _commit(
        self, changed: dict[str, str], describe: Callable[[Engine, LoadResult], Sequence[EditResult]]
    ) -> Sequence[EditResult]:
        """Validate with `changed` applied; write only if valid; then swap the engine in one assignment.
        `describe` gives the steps this save makes, from the new engine: they go into the journal (and the
        edit lock's token changes) before any file is written."""
        engine, result = self._apply(changed)
        steps = describe(engine, result)
        operation = self._operation
        assert operation is not None, "a save happens only inside _edit"
        self._last_save = operation.held.new_save()
        if operation.audit is not None:
            journal.write(self.directory, journal.Pending(operation.audit, (*operation.saved, *steps)))
        for name, text in changed.items():
            atomic_write(Path(name), text)
        self._seen.update({k: v for k, v in fingerprint(self.directory).items() if k in changed})
        self._digests.update({name: _digest(text) for name, text in changed.items()})
        self.engine = engine
        operation.saved.extend(steps)
        self._save_cache()
        return steps

    def _save_cache(self) -> None:
        """Other processes (and the next start) find the new engine warm. Written in the background by one
        thread at a time: edits in quick succession write only the newest engine, and never two at once
        (each write pickles the whole engine, which at 100k entries takes seconds and memory)."""
        if self.cache_dir is None:
            return
        with self._cache_state:
            self._cache_wanted = True
            if self._cache_writer is None:
                self._cache_writer = threading.Thread(
                    target=self._write_cache, args=(self.cache_dir,), name="engine-cache", daemon=True
                )
                self._cache_writer.start()

    def _write_cache(self, cache_dir: Path) -> None:
        while True:
            with self._cache_state:
                if not self._cache_wanted:
                    self._cache_writer = None
                    return
                self._cache_wanted = False
            with self._lock:  # the engine and the files it was built from, seen together
                if fingerprint(self.directory) != self._seen:
                    continue  # changed behind our back: reload_if_changed takes it in and asks again
                engine = self.engine
                try:
                    files = [(str(p), p.read_bytes()) for p in knowledge_files(self.directory)]
                except OSError as error:  # a file removed or unreadable since the check: the next change asks again
                    log.warning("engine cache not written: %s", error)
                    continue
            cache.save(cache_dir, cache.key(files, None), engine)

    # ---- one edit at a time, with its history -----------------------------------------------------

    def _edit(self, audit: Audit | None, work: Callable[[], EditResult]) -> EditResult:
        """Run `work` under the edit lock, on the knowledge as it is on disk; its steps are recorded as one
        operation by `audit`'s author (with the recorder; `recorded` says whether they were)."""
        with self._lock, locked(self.directory) as held:
            self._catch_up(exact=held.last_save() != self._last_save)
            self._settle(journal.read(self.directory))
            operation = self._operation = _Operation(held, audit if self.recorder else None)
            try:
                result = work()
            except BaseException:
                self._settle_after_failure()
                raise
            finally:
                self._operation = None
            return replace(result, recorded=self._record(operation.audit, operation.saved))

    def _record(self, audit: Audit | None, steps: Sequence[EditResult]) -> bool:
        try:
            return bool(audit is not None and steps and self.recorder and self.recorder(steps, audit))
        finally:
            journal.clear(self.directory)

    def _settle(self, pending: journal.Pending | None) -> None:
        """Record the steps a crashed edit saved (the engine is the files as they are) and drop its journal.
        Without a recorder (a script) the journal is left for the bot to settle."""
        if pending is None or self.recorder is None:
            return
        saved = journal.saved_steps(pending.steps, self.engine)
        if saved and not self._record(pending.audit, saved):
            log.warning("%d saved step(s) of an interrupted edit could not be recorded in the history", len(saved))
        journal.clear(self.directory)

    def _settle_after_failure(self) -> None:
        """An edit failed part-way (refused at a later step, a full disk...): record the steps that landed."""
        pending = journal.read(self.directory)
        if pending is None:
            return
        try:
            self._catch_up(exact=True)
        except (EditRefused, OSError, ValueError):  # the next editor settles it
            log.warning("an edit failed and its saved steps wait for the next edit to be recorded", exc_info=True)
            return
        self._settle(pending)

    def settle(self) -> None:
        """At start: record what an edit saved just before its process died (every edit also does this first).
        Without a journal there is nothing to do, and a folder only read is left as it is."""
        if self.recorder is None or not (self.directory / journal.JOURNAL_FILE).exists():
            return
        with self._lock, locked(self.directory) as held:
            self._catch_up(exact=held.last_save() != self._last_save)
            self._last_save = held.last_save()
            self._settle(journal.read(self.directory))

    def reload(self) -> LoadResult:
        """Re-read every file (/kb reload). A broken file raises EditRefused; the old engine stays."""
        with self._lock:
            self.engine, result = self._engine_from_disk()
            return result

    def reload_if_changed(self) -> bool:
        """Blocking (run it off the event loop): take in files changed on disk. True if the engine changed.
        A broken file raises EditRefused and the old engine stays; the next call tries again."""
        with self._lock:
            return self._catch_up()
