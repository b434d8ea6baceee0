"""How often each entry was answered (table usage): the most asked in /kb stats."""

from __future__ import annotations

import sqlite3

SCHEMA = {
    1: """
    CREATE TABLE usage (
        entry_id TEXT PRIMARY KEY,
        count INTEGER NOT NULL
    );
    """,
}


def count_use(db: sqlite3.Connection, entry_id: str) -> None:
    db.execute(
        "INSERT INTO usage (entry_id, count) VALUES (?, 1) ON CONFLICT (entry_id) DO UPDATE SET count = count + 1",
        (entry_id,),
    )


def most_asked(db: sqlite3.Connection, limit: int) -> list[tuple[str, int]]:
    rows = db.execute("SELECT entry_id, count FROM usage ORDER BY count DESC LIMIT ?", (limit,))
    return [(row["entry_id"], int(row["count"])) for row in rows]
