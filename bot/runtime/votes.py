"""Members' 👍/👎 on answers (table votes): one vote per member per message."""

from __future__ import annotations

import sqlite3

from .database import Database, timestamp

SCHEMA = {
    1: """
    CREATE TABLE votes (
        message_id INTEGER NOT NULL,
        user_id INTEGER NOT NULL,
        entry_id TEXT NOT NULL,
        helpful INTEGER NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (message_id, user_id)
    );
    """,
}


class Votes(Database):
    def record_vote(self, message_id: int, user_id: int, entry_id: str, helpful: bool) -> None:
        """One vote per member per message; voting again changes it."""
        self._write(
            "INSERT INTO votes (message_id, user_id, entry_id, helpful, at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (message_id, user_id) DO UPDATE SET helpful = excluded.helpful, at = excluded.at",
            (message_id, user_id, entry_id, int(helpful), timestamp()),
        )


def tally(db: sqlite3.Connection) -> dict[str, tuple[int, int]]:
    """Entry id → (helpful, not helpful)."""
    rows = db.execute("SELECT entry_id, SUM(helpful) AS up, SUM(1 - helpful) AS down FROM votes GROUP BY entry_id")
    return {row["entry_id"]: (int(row["up"]), int(row["down"])) for row in rows}
