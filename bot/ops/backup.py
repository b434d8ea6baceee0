"""`python -m bot backup DEST`: a consistent copy of the runtime database, safe while the bot runs.

SQLite's online backup API copies one snapshot (a WAL reader never blocks the bot's writes); the copy is
written beside the destination, checked with `PRAGMA integrity_check`, then renamed into place, so a
failed or interrupted backup leaves no half file and never replaces a good one."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

SOURCE_ERRORS = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}  # the database being copied is broken, not the copy
BUSY_TIMEOUT_S = 10.0  # the bot holds its write lock for milliseconds; wait out a long one rather than fail


class BackupError(Exception):
    """The backup could not be made; the message says which file and why. Nothing was left behind."""


@dataclass(frozen=True, slots=True)
class Backup:
    source: Path
    target: Path
    size: int


def target_path(source: Path, destination: Path) -> Path:
    """A folder gets a new file named after the database and the time; a file path is used as it is."""
    if destination.is_dir():
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%SZ")
        return destination / f"{source.stem}-{stamp}{source.suffix}"
    return destination


def _open_source(source: Path) -> sqlite3.Connection:
    if source.is_dir():
        raise BackupError(f"{source} is a folder, not the runtime database (check data_path)")
    if not source.is_file():
        raise BackupError(f"no runtime database at {source} (the bot creates it when it first starts; check data_path)")
    try:  # read-only: a backup never changes, creates or upgrades the bot's database
        return sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as error:
        raise BackupError(f"cannot open {source} ({error})") from None


def backup(source: Path, destination: Path, *, replace: bool = False) -> Backup:
    target = target_path(source, destination)
    if target.exists() and not replace:
        raise BackupError(f"{target} already exists (give another name, or --replace to overwrite it)")
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.closing(_open_source(source)) as reading:
        try:
            partial.unlink(missing_ok=True)  # left by a backup that was killed: never mixed into this one
            writing = sqlite3.connect(partial)
        except (sqlite3.Error, OSError) as error:  # a missing folder, no permission
            raise BackupError(f"cannot write {target} ({_reason(error)})") from None
        try:
            with contextlib.closing(writing):
                reading.backup(writing)  # all pages in one step: one consistent snapshot
                writing.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, not WAL's three
                (verdict,) = writing.execute("PRAGMA integrity_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"the copy of {source} fails SQLite's integrity check ({verdict}); kept nothing")
            os.replace(partial, target)
        except sqlite3.Error as error:
            if error.sqlite_errorname in SOURCE_ERRORS:
                raise BackupError(f"cannot copy {source}: {error} (check data_path)") from None
            raise BackupError(f"cannot write {target} ({_reason(error)})") from None  # no space, say
        except OSError as error:
            raise BackupError(f"cannot write {target} ({_reason(error)})") from None
        finally:
            partial.unlink(missing_ok=True)
    return Backup(source, target, target.stat().st_size)


def _reason(error: Exception) -> str:
    return error.strerror if isinstance(error, OSError) and error.strerror else str(error)
