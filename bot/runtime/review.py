"""The /kb review queue (table unanswered): questions the bot could not answer well, 👎 votes, and solved
forum threads as candidate entries. A question asked again counts up; a dismissed one stays dismissed."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from ..core.models import Answer, Status
from ..core.solved import SolvedThread
from . import solved_threads, usage
from .database import Database, timestamp
from .rows import ReviewItem, ReviewReason, ReviewState

SCHEMA = {
    1: """
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
    """,
    # 4: a review item may come from a solved thread (solved_threads.py)
    4: """
    ALTER TABLE unanswered ADD COLUMN thread_id INTEGER;
    """,
    # 5: where a question was last asked (a message's or forum post's link), for the moderator reviewing it
    5: """
    ALTER TABLE unanswered ADD COLUMN link TEXT;
    """,
}
QUESTION_CHARS = 500  # a queued question is kept this long: enough to read, bounded in size
NO_SCORE = -1.0  # stored for a 👎 vote, which has no match score; read back as None


def question_key(question: str) -> str:
    return " ".join(question.lower().split())[:QUESTION_CHARS]


def thread_key(thread_id: int) -> str:
    """The review key of a solved thread's candidate. A member's question can never have it: question_key
    joins words with single spaces, so it never holds a tab."""
    return f"thread\t{thread_id}"


class ReviewQueue(Database):
    def record_answer(self, answer: Answer, low_confidence: float, link: str | None = None) -> None:
        """Count uses of answered entries; queue unanswered and shaky questions for review, with the link of the
        message or post they were asked in."""
        if answer.entry is not None:
            entry_id = answer.entry.id
            self._execute(lambda db: usage.count_use(db, entry_id))
        if answer.status is Status.ANSWERED and answer.score >= low_confidence:
            return
        if answer.context is not None:  # "when did they join?" is no phrasing to add: it was read with its thread
            return
        reason = {
            Status.NONE: ReviewReason.UNANSWERED,
            Status.SUGGEST: ReviewReason.UNSURE,
            Status.CLOSEST: ReviewReason.LACKING,
        }.get(answer.status, ReviewReason.LOW_CONFIDENCE)
        best = answer.candidates[0] if answer.candidates else None
        self._queue(answer.question, best.entry.id if best else None, answer.score, reason, link)

    def record_unhelpful(self, question: str, entry_id: str) -> None:
        """A 👎 on an answer: the question goes to review with the entry that did not help."""
        self._queue(question, entry_id, None, ReviewReason.NOT_HELPFUL)

    def _queue(
        self,
        question: str,
        best_entry: str | None,
        score: float | None,
        reason: ReviewReason,
        link: str | None = None,
    ) -> None:
        self._write(
            "INSERT INTO unanswered (question_key, question, count, last_at, best_entry, best_score, reason, link) "
            "VALUES (?, ?, 1, ?, ?, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET count = count + 1, "
            "last_at = excluded.last_at, best_entry = excluded.best_entry, best_score = excluded.best_score, "
            "reason = excluded.reason, link = COALESCE(excluded.link, link), "
            "state = CASE WHEN state = ? THEN state ELSE ? END",
            (
                question_key(question),
                question[:QUESTION_CHARS],
                timestamp(),
                best_entry,
                NO_SCORE if score is None else score,
                reason.value,
                link,
                ReviewState.DISMISSED.value,
                ReviewState.OPEN.value,
            ),
        )

    def review_queue(self, limit: int = 25) -> list[ReviewItem]:
        rows = self._read(
            f"SELECT u.question_key, u.question, u.count, u.last_at, u.best_entry, u.best_score, u.reason, u.link, "  # noqa: S608
            f"{solved_threads.THREAD_COLUMNS} FROM unanswered u "
            "LEFT JOIN solved_threads s ON s.thread_id = u.thread_id "
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
                solved_threads.thread_of(row) if row["thread_id"] is not None else None,
                row["link"],
            )
            for row in rows
        ]

    def close_review(self, key: str, state: ReviewState) -> None:
        self._execute(lambda db: set_state(db, key, state))

    def record_solved(
        self, thread: SolvedThread, solved_by: int, answer_message_id: int, asked: Sequence[str] = ()
    ) -> None:
        """A thread marked as solved (again: the newer solution replaces the older), and its candidate entry in
        /kb review (reopened if it was dealt with), in one transaction. The post's questions as they were
        queued when the bot could not answer them (`asked`) leave the queue: the candidate stands for them."""

        def write(db: sqlite3.Connection) -> None:
            with db:
                db.execute("BEGIN IMMEDIATE")
                solved_threads.keep(db, thread, solved_by, answer_message_id)
                db.execute(
                    "INSERT INTO unanswered (question_key, question, count, last_at, best_entry, best_score, reason, "
                    "thread_id) VALUES (?, ?, 1, ?, NULL, ?, ?, ?) ON CONFLICT (question_key) DO UPDATE SET "
                    "question = excluded.question, last_at = excluded.last_at, state = ?",
                    (
                        thread_key(thread.thread_id),
                        f"{thread.title}\n{thread.question}"[:QUESTION_CHARS],
                        timestamp(),
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

    def forget_thread(self, thread_id: int) -> bool:
        """A deleted thread: no longer solved, no longer a candidate in /kb review, and remembered as deleted (an
        entry made from it stays, citing it: its link is left out of answers). True if it was a solved thread."""

        def write(db: sqlite3.Connection) -> bool:
            with db:
                db.execute("BEGIN IMMEDIATE")
                gone = solved_threads.forget(db, thread_id)
                db.execute(
                    "DELETE FROM unanswered WHERE question_key = ? AND state = ?",
                    (thread_key(thread_id), ReviewState.OPEN.value),
                )
            return gone

        return self._execute(write)


def set_state(db: sqlite3.Connection, key: str, state: ReviewState) -> None:
    db.execute("UPDATE unanswered SET state = ? WHERE question_key = ?", (state.value, key))


def open_count(db: sqlite3.Connection) -> int:
    (row,) = db.execute("SELECT COUNT(*) AS n FROM unanswered WHERE state = ?", (ReviewState.OPEN.value,))
    return int(row["n"])
