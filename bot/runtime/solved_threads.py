"""Forum threads a member marked as solved (table solved_threads), and solved threads deleted since (table
deleted_threads): earlier threads for new posts, and links an entry made from one drops. Marking and deleting
also change the thread's candidate in /kb review: review.py does both tables in one transaction."""

from __future__ import annotations

import sqlite3

from ..core.solved import SolvedThread
from .database import Database, timestamp

SCHEMA = {
    # 4: forum threads a member marked as solved (earlier threads for new posts, candidates for /kb review);
    # solved threads deleted since (an entry citing one drops the link)
    4: """
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
    CREATE TABLE deleted_threads (
        thread_id INTEGER PRIMARY KEY,
        at TEXT NOT NULL
    );
    """,
}
# A solved thread's columns as `thread_of` reads them, the table aliased `s` (review.py joins it).
# Interpolated into queries (ruff's S608 is silenced there): a constant, never user input.
THREAD_COLUMNS = (
    "s.thread_id, s.guild_id, s.title, s.question AS thread_question, s.answer, s.helper, s.url, s.publisher, "
    "s.solved_at"
)


class SolvedThreads(Database):
    def solved_threads(self) -> list[SolvedThread]:
        rows = self._read(f"SELECT {THREAD_COLUMNS} FROM solved_threads s ORDER BY s.thread_id")  # noqa: S608
        return [thread_of(row) for row in rows]

    def deleted_threads(self) -> list[int]:
        return [int(row["thread_id"]) for row in self._read("SELECT thread_id FROM deleted_threads")]


def keep(db: sqlite3.Connection, thread: SolvedThread, solved_by: int, answer_message_id: int) -> None:
    """The thread as solved (again: the newer solution replaces the older)."""
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


def forget(db: sqlite3.Connection, thread_id: int) -> bool:
    """A deleted thread is no longer solved, and is remembered as deleted if it was. True if it was solved."""
    gone = db.execute("DELETE FROM solved_threads WHERE thread_id = ?", (thread_id,)).rowcount
    if gone:
        db.execute("INSERT OR IGNORE INTO deleted_threads (thread_id, at) VALUES (?, ?)", (thread_id, timestamp()))
    return gone > 0


def thread_of(row: sqlite3.Row) -> SolvedThread:
    """A row read with THREAD_COLUMNS."""
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
