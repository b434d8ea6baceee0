"""Runtime data in SQLite: the audit log of edits, unanswered questions, votes and usage counts.

None of it is needed to answer questions; it feeds /kb history, undo, review and stats. The schema is
versioned with PRAGMA user_version and created on first start; WAL lets readers and the writer overlap.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .models import Answer, Status
from .store import EditResult

SCHEMA_VERSION = 1
SCHEMA = """
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
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def question_key(question: str) -> str:
    return " ".join(question.lower().split())[:500]


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    user_id: int
    action: str
    entry_id: str
    file: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undone: bool


@dataclass(frozen=True)
class ReviewItem:
    question_key: str
    question: str
    count: int
    last_at: str
    best_entry: str | None
    best_score: float  # -1 for a 👎 vote, which has no score
    reason: str  # unanswered, unsure, low confidence, not helpful


@dataclass(frozen=True)
class Stats:
    most_asked: list[tuple[str, int]]
    votes: dict[str, tuple[int, int]]  # entry id → (helpful, not helpful)
    unanswered_open: int


class RuntimeDataError(Exception):
    pass


class RuntimeData:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA busy_timeout=5000")
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version == 0:
            with self._lock:
                self._db.executescript(f"BEGIN; {SCHEMA} PRAGMA user_version={SCHEMA_VERSION}; COMMIT;")
        elif version > SCHEMA_VERSION:
            raise RuntimeDataError(f"{self.path} has schema version {version}; this bot knows {SCHEMA_VERSION}")

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, parameters: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:  # one connection shared by the event loop and worker threads: one user at a time
            return self._db.execute(sql, parameters)

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, parameters).fetchall()

    # ---- audit ------------------------------------------------------------------------------------

    def record_edit(self, result: EditResult, user_id: int) -> int:
        cursor = self._write(
            "INSERT INTO audit (at, user_id, action, entry_id, file, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                user_id,
                result.action,
                result.entry_id,
                result.file,
                json.dumps(result.before) if result.before is not None else None,
                json.dumps(result.after) if result.after is not None else None,
            ),
        )
        return int(cursor.lastrowid or 0)

    def history(self, entry_id: str | None = None, limit: int = 10) -> list[AuditRow]:
        where, parameters = ("WHERE entry_id = ?", (entry_id,)) if entry_id else ("", ())
        rows = self._read(f"SELECT * FROM audit {where} ORDER BY id DESC LIMIT ?", (*parameters, limit))
        return [self._audit(row) for row in rows]

    def last_change(self, entry_id: str) -> AuditRow | None:
        """The entry's most recent change that has not been undone (undo records are not undoable)."""
        rows = self._read(
            "SELECT * FROM audit WHERE entry_id = ? AND undone = 0 AND action != 'undo' ORDER BY id DESC LIMIT 1",
            (entry_id,),
        )
        return self._audit(rows[0]) if rows else None

    def mark_undone(self, audit_id: int) -> None:
        self._write("UPDATE audit SET undone = 1 WHERE id = ?", (audit_id,))

    @staticmethod
    def _audit(row: tuple[Any, ...]) -> AuditRow:
        id_, at, user_id, action, entry_id, file, before, after, undone = row
        return AuditRow(
            id_,
            at,
            user_id,
            action,
            entry_id,
            file,
            json.loads(before) if before else None,
            json.loads(after) if after else None,
            bool(undone),
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
        reason = {Status.NONE: "unanswered", Status.SUGGEST: "unsure"}.get(answer.status, "low confidence")
        best = answer.candidates[0] if answer.candidates else None
        self._queue(answer.question, best.entry.id if best else None, answer.score, reason)

    def record_unhelpful(self, question: str, entry_id: str) -> None:
        """A 👎 on an answer: the question goes to review with the entry that did not help."""
        self._queue(question, entry_id, -1.0, "not helpful")

    def _queue(self, question: str, best_entry: str | None, score: float, reason: str) -> None:
        self._write(
            "INSERT INTO unanswered (question_key, question, count, last_at, best_entry, best_score, reason) "
            "VALUES (?, ?, 1, ?, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET count = count + 1, "
            "last_at = excluded.last_at, best_entry = excluded.best_entry, best_score = excluded.best_score, "
            "reason = excluded.reason, state = CASE WHEN state = 'dismissed' THEN 'dismissed' ELSE 'open' END",
            (question_key(question), question[:500], _now(), best_entry, score, reason),
        )

    def review_queue(self, limit: int = 25) -> list[ReviewItem]:
        rows = self._read(
            "SELECT question_key, question, count, last_at, best_entry, best_score, reason FROM unanswered "
            "WHERE state = 'open' ORDER BY count DESC, last_at DESC LIMIT ?",
            (limit,),
        )
        return [ReviewItem(*row) for row in rows]

    def close_review(self, key: str, state: str) -> None:
        """`state` is 'dismissed' (never shown again) or 'resolved' (shown again if asked again)."""
        self._write("UPDATE unanswered SET state = ? WHERE question_key = ?", (state, key))

    def record_vote(self, message_id: int, user_id: int, entry_id: str, helpful: bool) -> None:
        """One vote per member per message; voting again changes it."""
        self._write(
            "INSERT INTO votes (message_id, user_id, entry_id, helpful, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (message_id, user_id) DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
            (message_id, user_id, entry_id, int(helpful), _now()),
        )

    def stats(self, limit: int = 10) -> Stats:
        most = self._read("SELECT entry_id, count FROM usage ORDER BY count DESC LIMIT ?", (limit,))
        votes = {
            entry: (int(up), int(down))
            for entry, up, down in self._read(
                "SELECT entry_id, SUM(helpful), SUM(1 - helpful) FROM votes GROUP BY entry_id"
            )
        }
        open_count = self._read("SELECT COUNT(*) FROM unanswered WHERE state = 'open'")[0][0]
        return Stats([(e, int(c)) for e, c in most], votes, int(open_count))
