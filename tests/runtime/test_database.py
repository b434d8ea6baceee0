"""bot/runtime/database.py: opened on first use, migrated in place, unavailable without crashing."""

from __future__ import annotations

import logging
import sqlite3
import time

import pytest

from bot.runtime import MIGRATIONS, SCHEMA_VERSION, RuntimeData, RuntimeDataError, RuntimeDataUnavailable


def test_a_new_database_gets_every_migration_and_a_newer_one_is_refused(tmp_path):
    path = tmp_path / "data.sqlite3"
    runtime = RuntimeData(path)
    assert not path.exists()  # opened on first use (from the bot's runtime-data thread), not when made
    runtime.open()
    runtime.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer = RuntimeData(path)
    assert newer.open() is False  # not used (the bot runs on without it), and not damaged either
    with pytest.raises(RuntimeDataError, match="schema version"):
        newer.stats()


def test_an_unusable_database_raises_unavailable_logs_once_and_is_opened_again_later(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.runtime.database")
    path = tmp_path / "data.sqlite3"
    path.write_bytes(b"not a database" * 100)
    data = RuntimeData(path, retry_after_s=0.2)
    assert data.open() is False
    with pytest.raises(RuntimeDataUnavailable, match="not a database"):
        data.stats()  # within the retry delay: fails at once, without trying the file again
    with pytest.raises(RuntimeDataUnavailable):
        data.record_vote(1, 2, "pesco-what", True)
    warnings = [r for r in caplog.records if r.name == "bot.runtime.database" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    assert "Traceback" not in caplog.text
    path.unlink()  # a person moves the damaged file away
    time.sleep(0.25)
    assert data.stats().unanswered_open == 0  # opened again (a new, empty database)...
    data.record_vote(1, 2, "pesco-what", True)  # ...and back once a write succeeds
    assert data.unavailable is None and "is back" in caplog.text
    data.close()


def test_an_old_database_is_upgraded_in_place_and_its_rows_stand_alone(tmp_path):
    path = tmp_path / "data.sqlite3"
    with sqlite3.connect(path) as db:  # a database as the first version of the bot left it
        db.executescript(f"{MIGRATIONS[0]} PRAGMA user_version=1;")
        db.execute(
            "INSERT INTO audit (at, user_id, action, entry_id, file, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("2026-01-01T00:00:00+00:00", 1, "alias", "pesco-what", "k.yaml", None, None),
        )
    data = RuntimeData(path)
    (row,) = data.history()
    assert row.operation == row.id and data.last_change("pesco-what") == row
    data.close()
