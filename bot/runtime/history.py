"""The audit log of moderators' edits (table audit): /kb history, and what /kb undo reverts."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Sequence

from ..core.models import Entry
from ..core.store import EditAction, EditResult
from ..core.yaml_edit import entry_from_record, entry_record
from . import review
from .database import Database, RuntimeDataUnavailable, timestamp
from .rows import AuditRow, ReviewState

SCHEMA = {
    1: """
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
    """,
    # 2: the rows one edit wrote (a removal and the related links it removed) share an operation id, the id
    # of its first row, so undo reverts them together; older rows each stand alone
    2: """
    ALTER TABLE audit ADD COLUMN operation INTEGER;
    UPDATE audit SET operation = id;
    CREATE INDEX audit_operation ON audit (operation);
    """,
}
# An audit row is what makes a saved edit undoable: it is worth a short wait (a lock held by a checkpoint or a
# backup's next page is usually gone within a second), but not a long one (the moderator waits for the reply).
AUDIT_ATTEMPTS = 3
AUDIT_RETRY_S = 0.5
# Interpolated into queries (ruff's S608 is silenced there): a constant, never user input.
_AUDIT_COLUMNS = "id, at, user_id, action, entry_id, file, before, after, undone, operation"


class History(Database):
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
                    last = _insert(db, step, user_id, operation or None)
                    operation = operation or last
                if undoes is not None:
                    db.execute("UPDATE audit SET undone = 1 WHERE operation = ?", (undoes,))
                if resolves is not None:
                    review.set_state(db, resolves, ReviewState.RESOLVED)
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

    def history(self, entry_id: str | None = None, limit: int = 10) -> list[AuditRow]:
        if entry_id:
            rows = self._read(
                f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE entry_id = ? ORDER BY id DESC LIMIT ?",  # noqa: S608
                (entry_id, limit),
            )
        else:
            rows = self._read(f"SELECT {_AUDIT_COLUMNS} FROM audit ORDER BY id DESC LIMIT ?", (limit,))  # noqa: S608
        return [_audit_row(row) for row in rows]

    def last_change(self, entry_id: str) -> AuditRow | None:
        """The entry's most recent change that has not been undone (undo records are not undoable)."""
        rows = self._read(
            f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE entry_id = ? AND undone = 0 AND action != ? "  # noqa: S608
            "ORDER BY id DESC LIMIT 1",
            (entry_id, EditAction.UNDO.value),
        )
        return _audit_row(rows[0]) if rows else None

    def operation_rows(self, operation: int) -> list[AuditRow]:
        """Every row one edit wrote, in order (a removal: its unlink steps, then the removal)."""
        rows = self._read(f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE operation = ? ORDER BY id", (operation,))  # noqa: S608
        return [_audit_row(row) for row in rows]

    def mark_undone(self, operation: int) -> None:
        self._write("UPDATE audit SET undone = 1 WHERE operation = ?", (operation,))


def _insert(db: sqlite3.Connection, step: EditResult, user_id: int, operation: int | None) -> int:
    """One audit row; the first row of an operation (`operation` None) is its own operation."""
    cursor = db.execute(
        "INSERT INTO audit (at, user_id, action, entry_id, file, before, after, operation) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            timestamp(),
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


def _audit_row(row: sqlite3.Row) -> AuditRow:
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


def _json(entry: Entry | None) -> str | None:
    return json.dumps(entry_record(entry)) if entry is not None else None


def _entry(text: str | None) -> Entry | None:
    return entry_from_record(json.loads(text)) if text else None
