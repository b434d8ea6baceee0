"""Runtime data in SQLite: the audit log of edits, questions for review, votes and usage counts.

None of it is needed to answer questions; it feeds /kb history, undo, review and stats. The schema is a
list of migrations applied in order from PRAGMA user_version, so an old database is upgraded in place;
WAL lets readers and the writer overlap.

Every call is blocking (SQLite may wait seconds for another process's lock): the bot makes them from one
dedicated worker thread (FaqBot.runtime_call), never on the event loop. The database is opened by `open()`
or on first use, not when the object is made.

The database is optional, so it may fail: damaged, read-only, locked, on a full disk, missing. Then every
call raises RuntimeDataUnavailable, one line is logged for the whole outage, calls fail fast for
RETRY_AFTER_S, and the next call after that opens the database again (and logs when it is back).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from ..core.models import Answer, Entry, Status
from ..core.solved import SolvedThread
from ..core.store import EditAction, EditResult
from ..core.yaml_edit import entry_from_record, entry_record

log = logging.getLogger(__name__)

# Each item upgrades the schema by one version; append, never edit (databases in the field ran the old ones).
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        user_id INTEGER NOT NULL,
        action TEXT NOT NULL,
        entry_id TEXT NOT NULL,
        file TEXT NOT NULL,
        before TEXT,
        after TEXT,
        undone INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX audit_entry ON audit (entry_id, id);
    CREATE TABLE unanswered (
        question_key TEXT PRIMARY KEY,
        question TEXT NOT NULL,
        count INTEGER NOT NULL,
        last_at TEXT NOT NULL,
        best_entry TEXT,
        best_score REAL NOT NULL,
        reason TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'open'
    );
    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    CREATE TABLE usage (
        entry_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL
    );
    """,
    # 2: the rows one edit wrote (a removal and the related links it removed) share an operation id, the id
    # of its first row, so undo reverts them together; older rows each stand alone
    """
    ALTER TABLE audit ADD COLUMN operation INTEGER;
    UPDATE audit SET operation = id;
    CREATE INDEX audit_operation ON audit (operation);
    """,
    # 3: the forum posts the bot has handled (answered, or chose not to), so a restart neither answers one
    # twice nor misses one; and small settings, such as when the bot began watching the forums
    """
    CREATE TABLE forum_posts (
        post_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL
    );
    CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    # 4: forum threads a member marked as solved (earlier threads for new posts, candidates for /kb review); a
    # review item may come from one (thread_id); solved threads deleted since (an entry citing one drops the link)
    """
    CREATE TABLE solved_threads (
        thread_id INTEGER PRIMARY KEY,
        guild_id INTEGER NOT NULL,
        title TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        helper TEXT NOT NULL,
        url TEXT NOT NULL,
        publisher TEXT NOT NULL,
        solved_at TEXT NOT NULL,
        solved_by INTEGER NOT NULL,
        answer_message_id INTEGER NOT NULL
    );
    ALTER TABLE unanswered ADD COLUMN thread_id INTEGER;
    CREATE TABLE deleted_threads (
        thread_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
QUESTION_CHARS = 500  # a queued question is kept this long: enough to read, bounded in size
BUSY_TIMEOUT_S = 5.0  # wait this long for another writer's lock (a backup, the sqlite3 shell) before giving up
# After a failure, calls fail at once for this long, then the database is opened again. A lock or a file a
# person is repairing comes back within seconds to minutes: a retry every 15 s brings history back soon after
# and costs nothing, while failing fast in between keeps calls from queueing behind 5-second lock waits.
RETRY_AFTER_S = 15.0
# An audit row is what makes a saved edit undoable: it is worth a short wait (a lock held by a checkpoint or a
# backup's next page is usually gone within a second), but not a long one (the moderator waits for the reply).
AUDIT_ATTEMPTS = 3
AUDIT_RETRY_S = 0.5
NO_SCORE = -1.0  # stored for a 👎 vote, which has no match score; read back as None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def question_key(question: str) -> str:
    return " ".join(question.lower().split())[:QUESTION_CHARS]


def thread_key(thread_id: int) -> str:
    """The review key of a solved thread's candidate. A member's question can never have it: question_key
    joins words with single spaces, so it never holds a tab."""
    return f"thread\t{thread_id}"


class ReviewReason(StrEnum):
    UNANSWERED = "unanswered"
    UNSURE = "unsure"
    LOW_CONFIDENCE = "low confidence"
    NOT_HELPFUL = "not helpful"
    SOLVED = "solved thread"  # a member marked a reply in a forum post as its solution


class ReviewState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # shown again if asked again
    DISMISSED = "dismissed"  # never shown again


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    user_id: int
    action: EditAction
    entry_id: str
    file: str
    before: Entry | None
    after: Entry | None
    undone: bool
    operation: int  # the id of the first row its edit wrote (a removal's unlink steps share it)


@dataclass(frozen=True)
class ReviewItem:
    question_key: str
    question: str
    count: int
    last_at: str
    best_entry: str | None
    best_score: float | None  # None for a 👎 vote, which has no score
    reason: ReviewReason
    thread: SolvedThread | None = None  # the solved thread it comes from (question, marked reply, link)


@dataclass(frozen=True)
class Stats:
    most_asked: list[tuple[str, int]]
    votes: dict[str, tuple[int, int]]  # entry id → (helpful, not helpful)
    unanswered_open: int


class RuntimeDataError(Exception):
    pass


class RuntimeDataUnavailable(RuntimeDataError):
    """The database cannot be used now (damaged, read-only, locked, disk full...); the reason is the message.
    Answering goes on without it."""


def _json(entry: Entry | None) -> str | None:
    return json.dumps(entry_record(entry)) if entry is not None else None


def _entry(text: str | None) -> Entry | None:
    return entry_from_record(json.loads(text)) if text else None


T = TypeVar("T")


class RuntimeData:
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
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RuntimeDataError(f"{self.path} has schema version {version}; this bot knows {SCHEMA_VERSION}")
        for number in range(version, SCHEMA_VERSION):
            # user_version is set inside the same transaction: a crash leaves the old version whole
            db.executescript(f"BEGIN; {MIGRATIONS[number]} PRAGMA user_version={number + 1}; COMMIT;")

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

    # ---- audit ------------------------------------------------------------------------------------

    def record_edits(
        self,
        steps: Sequence[EditResult],
        user_id: int,
        *,
        undoes: int | None = None,
        resolves: str | None = None,
        attempts: int = AUDIT_ATTEMPTS,
    ) -> int:
        """Audit the steps of one saved edit as one operation, mark the operation it `undoes` as undone and
        close the review item it `resolves`, all in one transaction (all of it is recorded, or none). A saved
        edit that is not audited cannot be undone, so a failure is retried `attempts` times, AUDIT_RETRY_S
        apart, even while the database is in its retry delay; RuntimeDataUnavailable if it still fails. The
        last row's id."""

        def write(db: sqlite3.Connection) -> int:
            db.execute("BEGIN IMMEDIATE")
            try:
                operation = last = 0
                for step in steps:
                    last = self._insert_audit(db, step, user_id, operation or None)
                    operation = operation or last
                if undoes is not None:
                    db.execute("UPDATE audit SET undone = 1 WHERE operation = ?", (undoes,))
                if resolves is not None:
                    db.execute(
                        "UPDATE unanswered SET state = ? WHERE question_key = ?", (ReviewState.RESOLVED.value, resolves)
                    )
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
            return last

        for attempt in range(1, attempts + 1):
            try:
                return self._execute(write, retry_now=True)
            except RuntimeDataUnavailable:
                if attempt == attempts:
                    raise
                time.sleep(AUDIT_RETRY_S)
        raise AssertionError("unreachable: the last attempt returns or raises")

    def record_edit(self, result: EditResult, user_id: int) -> int:
        return self.record_edits([result], user_id)

    @staticmethod
    def _insert_audit(db: sqlite3.Connection, step: EditResult, user_id: int, operation: int | None) -> int:
        """One audit row; the first row of an operation (`operation` None) is its own operation."""
        cursor = db.execute(
            "INSERT INTO audit (at, user_id, action, entry_id, file, before, after, operation) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                user_id,
                step.action.value,
                step.entry_id,
                step.file,
                _json(step.before),
                _json(step.after),
                operation,
            ),
        )
        row_id = int(cursor.lastrowid or 0)
        if operation is None:
            db.execute("UPDATE audit SET operation = id WHERE id = ?", (row_id,))
        return row_id

    # Interpolated into queries (ruff's S608 is silenced there): a constant, never user input.
    _AUDIT_COLUMNS = "id, at, user_id, action, entry_id, file, before, after, undone, operation"

    def history(self, entry_id: str | None = None, limit: int = 10) -> list[AuditRow]:
        if entry_id:
            rows = self._read(
                f"SELECT {self._AUDIT_COLUMNS} FROM audit WHERE entry_id = ? ORDER BY id DESC LIMIT ?",  # noqa: S608
                (entry_id, limit),
            )
        else:
            rows = self._read(f"SELECT {self._AUDIT_COLUMNS} FROM audit ORDER BY id DESC LIMIT ?", (limit,))  # noqa: S608
        return [self._audit(row) for row in rows]

    def last_change(self, entry_id: str) -> AuditRow | None:
        """The entry's most recent change that has not been undone (undo records are not undoable)."""
        rows = self._read(
            f"SELECT {self._AUDIT_COLUMNS} FROM audit WHERE entry_id = ? AND undone = 0 AND action != ? "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            (entry_id, EditAction.UNDO.value),
        )
        return self._audit(rows[0]) if rows else None

    def operation_rows(self, operation: int) -> list[AuditRow]:
        """Every row one edit wrote, in order (a removal: its unlink steps, then the removal)."""
        rows = self._read(f"SELECT {self._AUDIT_COLUMNS} FROM audit WHERE operation = ? ORDER BY id", (operation,))  # noqa: S608
        return [self._audit(row) for row in rows]

    def mark_undone(self, operation: int) -> None:
        self._write("UPDATE audit SET undone = 1 WHERE operation = ?", (operation,))

    @staticmethod
    def _audit(row: sqlite3.Row) -> AuditRow:
        return AuditRow(
            row["id"],
            row["at"],
            row["user_id"],
            EditAction(row["action"]),
            row["entry_id"],
            row["file"],
            _entry(row["before"]),
            _entry(row["after"]),
            bool(row["undone"]),
            int(row["operation"]),
        )

    # ---- questions, votes, usage ------------------------------------------------------------------

    def record_answer(self, answer: Answer, low_confidence: float) -> None:
        """Count uses of answered entries; queue unanswered and shaky questions for review."""
        if answer.entry is not None:
            self._write(
                "INSERT INTO usage (entry_id, count) VALUES (?, 1) "
                "ON CONFLICT (entry_id) DO UPDATE SET count = count + 1",
                (answer.entry.id,),
            )
        if answer.status is Status.ANSWERED and answer.score >= low_confidence:
            return
        if answer.context is not None:  # "when did they join?" is no phrasing to add: it was read with its thread
            return
        reason = {Status.NONE: ReviewReason.UNANSWERED, Status.SUGGEST: ReviewReason.UNSURE}.get(
            answer.status, ReviewReason.LOW_CONFIDENCE
        )
        best = answer.candidates[0] if answer.candidates else None
        self._queue(answer.question, best.entry.id if best else None, answer.score, reason)

    def record_unhelpful(self, question: str, entry_id: str) -> None:
        """A 👎 on an answer: the question goes to review with the entry that did not help."""
        self._queue(question, entry_id, None, ReviewReason.NOT_HELPFUL)

    def _queue(self, question: str, best_entry: str | None, score: float | None, reason: ReviewReason) -> None:
        self._write(
            "INSERT INTO unanswered (question_key, question, count, last_at, best_entry, best_score, reason) "
            "VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET count = count + 1, "
            "last_at = excluded.last_at, best_entry = excluded.best_entry, best_score = excluded.best_score, "
            "reason = excluded.reason, state = CASE WHEN state = ? THEN state ELSE ? END",
            (
                question_key(question),
                question[:QUESTION_CHARS],
                _now(),
                best_entry,
                NO_SCORE if score is None else score,
                reason.value,
                ReviewState.DISMISSED.value,
                ReviewState.OPEN.value,
            ),
        )

    def review_queue(self, limit: int = 25) -> list[ReviewItem]:
        rows = self._read(
            f"SELECT u.question_key, u.question, u.count, u.last_at, u.best_entry, u.best_score, u.reason, "  # noqa: S608
            f"{self._THREAD_COLUMNS} FROM unanswered u LEFT JOIN solved_threads s ON s.thread_id = u.thread_id "
            "WHERE u.state = ? ORDER BY u.count DESC, u.thread_id IS NULL, u.last_at DESC LIMIT ?",
            (ReviewState.OPEN.value, limit),
        )
        return [
            ReviewItem(
                row["question_key"],
                row["question"],
                row["count"],
                row["last_at"],
                row["best_entry"],
                None if row["best_score"] == NO_SCORE else row["best_score"],
                ReviewReason(row["reason"]),
                self._thread(row) if row["thread_id"] is not None else None,
            )
            for row in rows
        ]

    def close_review(self, key: str, state: ReviewState) -> None:
        self._write("UPDATE unanswered SET state = ? WHERE question_key = ?", (state.value, key))

    def record_vote(self, message_id: int, user_id: int, entry_id: str, helpful: bool) -> None:
        """One vote per member per message; voting again changes it."""
        self._write(
            "INSERT INTO votes (message_id, user_id, entry_id, helpful, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (message_id, user_id) DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
            (message_id, user_id, entry_id, int(helpful), _now()),
        )

    # ---- solved threads ---------------------------------------------------------------------------

    # Interpolated into queries (ruff's S608 is silenced there): a constant, never user input.
    _THREAD_COLUMNS = (
        "s.thread_id, s.guild_id, s.title, s.question AS thread_question, s.answer, s.helper, s.url, s.publisher, "
        "s.solved_at"
    )

    def record_solved(
        self, thread: SolvedThread, solved_by: int, answer_message_id: int, asked: Sequence[str] = ()
    ) -> None:
        """A thread marked as solved (again: the newer solution replaces the older), and its candidate entry in
        /kb review (reopened if it was dealt with), in one transaction. The post's questions as they were
        queued when the bot could not answer them (`asked`) leave the queue: the candidate stands for them."""

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN IMMEDIATE")
                db.execute(
                    "INSERT OR REPLACE INTO solved_threads (thread_id, guild_id, title, question, answer, helper, "
                    "url, publisher, solved_at, solved_by, answer_message_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        thread.thread_id,
                        thread.guild_id,
                        thread.title,
                        thread.question,
                        thread.answer,
                        thread.helper,
                        thread.url,
                        thread.publisher,
                        thread.solved_at,
                        solved_by,
                        answer_message_id,
                    ),
                )
                db.execute(
                    "INSERT INTO unanswered (question_key, question, count, last_at, best_entry, best_score, reason, "
                    "thread_id) VALUES (?, ?, 1, ?, NULL, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET "
                    "question = excluded.question, last_at = excluded.last_at, state = ?",
                    (
                        thread_key(thread.thread_id),
                        f"{thread.title}\n{thread.question}"[:QUESTION_CHARS],
                        _now(),
                        NO_SCORE,
                        ReviewReason.SOLVED.value,
                        thread.thread_id,
                        ReviewState.OPEN.value,
                    ),
                )
                db.executemany(
                    "UPDATE unanswered SET state = ? WHERE question_key = ? AND state = ?",
                    [(ReviewState.RESOLVED.value, question_key(q), ReviewState.OPEN.value) for q in asked],
                )

        self._execute(write)

    def solved_threads(self) -> list[SolvedThread]:
        rows = self._read(f"SELECT {self._THREAD_COLUMNS} FROM solved_threads s ORDER BY s.thread_id")  # noqa: S608
        return [self._thread(row) for row in rows]

    def forget_thread(self, thread_id: int) -> bool:
        """A deleted thread: no longer solved, no longer a candidate in /kb review, and remembered as deleted (an
        entry made from it stays, citing it: its link is left out of answers). True if it was a solved thread."""

        def write(db: sqlite3.Connection) -> bool:
            with db:
                db.execute("BEGIN IMMEDIATE")
                gone = db.execute("DELETE FROM solved_threads WHERE thread_id = ?", (thread_id,)).rowcount
                db.execute(
                    "DELETE FROM unanswered WHERE question_key = ? AND state = ?",
                    (thread_key(thread_id), ReviewState.OPEN.value),
                )
                if gone:
                    db.execute(
                        "INSERT OR IGNORE INTO deleted_threads (thread_id, at) VALUES (?, ?)", (thread_id, _now())
                    )
            return gone > 0

        return self._execute(write)

    def deleted_threads(self) -> list[int]:
        return [int(row["thread_id"]) for row in self._read("SELECT thread_id FROM deleted_threads")]

    @staticmethod
    def _thread(row: sqlite3.Row) -> SolvedThread:
        return SolvedThread(
            int(row["thread_id"]),
            int(row["guild_id"]),
            row["title"],
            row["thread_question"],
            row["answer"],
            row["helper"],
            row["url"],
            row["publisher"],
            row["solved_at"],
        )

    # ---- forum posts ------------------------------------------------------------------------------

    def claim_post(self, post_id: int) -> bool:
        """True the first time a forum post is claimed for answering, False ever after (across restarts)."""
        cursor = self._write("INSERT OR IGNORE INTO forum_posts (post_id, at) VALUES (?, ?)", (post_id, _now()))
        return cursor.rowcount == 1

    def forget_posts(self, before_id: int) -> None:
        """Forget posts older than the snowflake `before_id` (too old to be caught up on again anyway)."""
        self._write("DELETE FROM forum_posts WHERE post_id < ?", (before_id,))

    def watching_since(self, now: dt.datetime) -> dt.datetime:
        """When the bot began watching the forums: `now` the first time it is asked, the same time ever after.
        Posts from before it are never caught up on (adding the bot does not answer a forum's history)."""
        self._write("INSERT OR IGNORE INTO meta (key, value) VALUES ('forums_watched_since', ?)", (now.isoformat(),))
        (row,) = self._read("SELECT value FROM meta WHERE key = 'forums_watched_since'")
        return dt.datetime.fromisoformat(row["value"])

    def stats(self, limit: int = 10) -> Stats:
        most = self._read("SELECT entry_id, count FROM usage ORDER BY count DESC LIMIT ?", (limit,))
        votes = {
            row["entry_id"]: (int(row["up"]), int(row["down"]))
            for row in self._read(
                "SELECT entry_id, SUM(helpful) AS up, SUM(1 - helpful) AS down FROM votes GROUP BY entry_id"
            )
        }
        open_count = self._read("SELECT COUNT(*) AS n FROM unanswered WHERE state = ?", (ReviewState.OPEN.value,))
        return Stats([(row["entry_id"], int(row["count"])) for row in most], votes, int(open_count[0]["n"]))
