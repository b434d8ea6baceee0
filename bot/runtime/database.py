"""The runtime data's SQLite connection: opened on first use, migrated in place, and failing fast (one log
line per outage, retried later) when the database cannot be used.

Every call is blocking (SQLite may wait seconds for another process's lock): the bot makes them from one
dedicated worker thread (FaqBot.runtime_call), never on the event loop. The database is opened by `open()`
or on first use, not when the object is made.

The schema is a list of migrations applied in order from PRAGMA user_version, so an old database is upgraded
in place; WAL lets readers and the writer overlap. Each table's statements sit beside the code that owns the
table (its module's SCHEMA: version → statements); `migrations` joins them version by version.

The database is optional, so it may fail: damaged, read-only, locked, on a full disk, missing. Then every
call raises RuntimeDataUnavailable, one line is logged for the whole outage, calls fail fast for
RETRY_AFTER_S, and the next call after that opens the database again (and logs when it is back).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, ClassVar, TypeVar

log = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 5.0  # wait this long for another writer's lock (a backup, the sqlite3 shell) before giving up
# After a failure, calls fail at once for this long, then the database is opened again. A lock or a file a
# person is repairing comes back within seconds to minutes: a retry every 15 s brings history back soon after
# and costs nothing, while failing fast in between keeps calls from queueing behind 5-second lock waits.
RETRY_AFTER_S = 15.0

T = TypeVar("T")


def timestamp() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def migrations(*schemas: Mapping[int, str]) -> tuple[str, ...]:
    """The tables' SCHEMAs (version → statements) joined into one script per version, from version 1: a
    version's statements run in one transaction, in the order the schemas are given. A table's change is
    appended under a new version, never edited (databases in the field ran the old ones)."""
    last = max((version for schema in schemas for version in schema), default=0)
    return tuple("".join(schema.get(version, "") for schema in schemas) for version in range(1, last + 1))


class RuntimeDataError(Exception):
    pass


class RuntimeDataUnavailable(RuntimeDataError):
    """The database cannot be used now (damaged, read-only, locked, disk full...); the reason is the message.
    Answering goes on without it."""


class Database:
    """The one way to the database. The tables' classes extend it with their queries; RuntimeData (package
    __init__) joins them and sets MIGRATIONS."""

    MIGRATIONS: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, path: Path | str, *, busy_timeout_s: float = BUSY_TIMEOUT_S, retry_after_s: float = RETRY_AFTER_S
    ) -> None:
        self.path = Path(path)
        self.busy_timeout_s = busy_timeout_s
        self.retry_after_s = retry_after_s
        self._lock = threading.Lock()  # one connection, one user at a time
        self._db: sqlite3.Connection | None = None
        self._retry_at = 0.0  # while unavailable: no new attempt before this (time.monotonic)
        self._outage: str | None = None  # why it is unavailable, while it is

    @property
    def unavailable(self) -> str | None:
        """Why the database cannot be used, or None if it could be last time it was tried."""
        return self._outage

    def open(self) -> bool:
        """Open (create, upgrade) the database now rather than on first use. False if it cannot be used
        (logged once); it will be tried again later."""
        try:
            self._execute(lambda db: None, writes=False)
        except RuntimeDataUnavailable:
            return False
        return True

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=self.busy_timeout_s, check_same_thread=False, isolation_level=None)
        try:
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode=WAL")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        schema_version = len(self.MIGRATIONS)
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > schema_version:
            raise RuntimeDataError(f"{self.path} has schema version {version}; this bot knows {schema_version}")
        for number in range(version, schema_version):
            # user_version is set inside the same transaction: a crash leaves the old version whole
            db.executescript(f"BEGIN; {self.MIGRATIONS[number]} PRAGMA user_version={number + 1}; COMMIT;")

    def _execute(self, work: Callable[[sqlite3.Connection], T], *, retry_now: bool = False, writes: bool = True) -> T:
        """The one way to the database: every query runs here, with the connection opened if need be.
        RuntimeDataUnavailable if it cannot be used; `retry_now` tries even within the retry delay. An outage
        ends with the first write that succeeds (a read-only or locked database still reads)."""
        with self._lock:
            if self._db is None:
                if self._outage is not None and not retry_now and time.monotonic() < self._retry_at:
                    raise RuntimeDataUnavailable(self._outage)
                try:
                    self._db = self._connect()
                except (sqlite3.Error, OSError, RuntimeDataError) as error:
                    raise self._lost(error) from error
            try:
                result = work(self._db)
            except sqlite3.Error as error:
                raise self._lost(error) from error
            if writes and self._outage is not None:
                log.info("runtime data is back (%s): history, undo, review and stats work again", self.path)
                self._outage = None
            return result

    def _lost(self, error: Exception) -> RuntimeDataUnavailable:
        """Close the connection, fail fast until the retry time, and log once per outage."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
        self._retry_at = time.monotonic() + self.retry_after_s
        reason = str(error) or type(error).__name__
        if self._outage is None:
            log.warning(
                "runtime data unavailable (%s: %s): the bot answers as usual; /kb history, undo, review and "
                "stats wait until it is back (trying again every %g s)",
                self.path,
                reason,
                self.retry_after_s,
            )
        self._outage = reason
        return RuntimeDataUnavailable(reason)

    def _write(self, sql: str, parameters: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self._execute(lambda db: db.execute(sql, parameters))

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return self._execute(lambda db: db.execute(sql, parameters).fetchall(), writes=False)
