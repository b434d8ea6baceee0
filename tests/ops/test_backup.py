"""bot/ops/backup.py through `python -m bot backup DEST`: a consistent copy of the runtime database while
it is in use, as one self-contained file; nothing half-written and nothing overwritten by mistake."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest

from bot.exit_codes import Exit


@pytest.fixture
def live_database(tmp_path):
    """The bot's database as a running bot leaves it: WAL mode, committed rows still in the WAL (not yet
    checkpointed), and a write transaction open."""
    path = tmp_path / "data" / "bot-data.sqlite3"
    path.parent.mkdir()
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.execute("CREATE TABLE audit (what TEXT)")
    db.executemany("INSERT INTO audit VALUES (?)", [(f"edit {n}",) for n in range(100)])
    db.execute("BEGIN IMMEDIATE")
    db.execute("INSERT INTO audit VALUES ('not committed yet')")
    yield path
    db.rollback()
    db.close()


def config_for(tmp_path: Path, database: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text(f'[discord]\ndata_path = "{database}"\n')
    return config


def rows(path: Path) -> list[str]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return [what for (what,) in db.execute("SELECT what FROM audit")]


def test_a_backup_of_a_database_in_use_is_a_consistent_single_file(run, tmp_path, live_database):
    backups = tmp_path / "backups"
    backups.mkdir()
    result = run("backup", str(backups), "--config", str(config_for(tmp_path, live_database)))
    assert result.returncode == Exit.OK, result.stderr
    (copy,) = backups.iterdir()
    assert copy.name.startswith("bot-data-") and copy.suffix == ".sqlite3"
    assert result.stdout == f"{live_database} → {copy} ({copy.stat().st_size:,} bytes, integrity ok)\n"
    assert rows(copy) == [f"edit {n}" for n in range(100)]  # the WAL's committed rows, not the open write
    with contextlib.closing(sqlite3.connect(copy)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("delete",)


def test_a_destination_ending_in_a_slash_is_a_folder_made_for_it(run, tmp_path, live_database):
    backups = tmp_path / "not-yet" / "backups"
    result = run("backup", f"{backups}/", "--config", str(config_for(tmp_path, live_database)))
    assert result.returncode == Exit.OK, result.stderr
    (copy,) = backups.iterdir()  # a folder with the timestamped copy, never a file named "backups"
    assert copy.name.startswith("bot-data-")


def test_an_existing_file_is_kept_unless_replace_is_given(run, tmp_path, live_database):
    target = tmp_path / "backup.sqlite3"
    target.write_bytes(b"an older backup")
    config = str(config_for(tmp_path, live_database))
    refused = run("backup", str(target), "--config", config)
    assert refused.returncode == Exit.FILE and "already exists" in refused.stderr and "--replace" in refused.stderr
    assert target.read_bytes() == b"an older backup"
    assert run("backup", str(target), "--replace", "--config", config).returncode == Exit.OK
    assert len(rows(target)) == 100


@pytest.mark.parametrize(
    ("make", "destination", "message"),
    [
        (lambda db: None, "out.sqlite3", "no runtime database at"),
        (lambda db: db.write_bytes(b"not a database" * 100), "out.sqlite3", "file is not a database"),
        (lambda db: db.mkdir(), "out.sqlite3", "is a folder, not the runtime database"),
        (lambda db: sqlite3.connect(db).close(), "missing-folder/out.sqlite3", "cannot write"),
    ],
    ids=["missing", "not-a-database", "a-folder", "no-such-destination-folder"],
)
def test_what_cannot_be_backed_up_is_one_line_and_exit_4(run, tmp_path, make, destination, message):
    database = tmp_path / "bot-data.sqlite3"
    make(database)
    result = run("backup", str(tmp_path / destination), "--config", str(config_for(tmp_path, database)))
    assert result.returncode == Exit.FILE and result.stdout == ""
    assert result.stderr.startswith("error: ") and message in result.stderr and result.stderr.count("\n") == 1
    assert not (tmp_path / "out.sqlite3").exists() and not list(tmp_path.glob(".*.partial"))
