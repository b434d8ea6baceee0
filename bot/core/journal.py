"""An edit's history, written ahead of its save, so that a crash between saving a knowledge file and recording
the edit in the runtime history never leaves a saved edit without its history (or history for an edit that
was not saved).

Under the edit lock (edit_lock.py), before each file of an edit is written, the journal (JOURNAL_FILE, in
the knowledge directory) lists who makes the edit and every step so far, the one about to be saved included.
Once the edit is saved and recorded, the journal is removed. The next editor, in any process, settles a
journal it finds (its writer died: the lock was free): the steps the files show as saved are recorded, under
the original author, and the journal is removed. Nothing can edit through the lock in between, so the files
are exactly as the crash left them."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import atomic_write
from .edits import Audit, EditAction, EditResult
from .engine import Engine
from .versions import entry_version
from .yaml_edit import entry_from_record, entry_record

JOURNAL_FILE = ".edit-journal.json"  # hidden, and not *.yaml: the loader never reads it

# Records the steps of one edit as one operation in the history; False if it could not (then the edit stays
# saved and its author is told). Supplied by the adapter that owns the history (bot.runtime).
Recorder = Callable[[Sequence[EditResult], Audit], bool]


@dataclass(frozen=True)
class Pending:
    audit: Audit
    steps: tuple[EditResult, ...]


def write(directory: Path, pending: Pending) -> None:
    record = {
        "audit": {"user_id": pending.audit.user_id, "undoes": pending.audit.undoes, "resolves": pending.audit.resolves},
        "steps": [_step_record(step) for step in pending.steps],
    }
    atomic_write(directory / JOURNAL_FILE, json.dumps(record, ensure_ascii=False))


def read(directory: Path) -> Pending | None:
    """The journal a crashed editor left, or None. A journal that cannot be read (cut short by a full disk)
    counts as none: atomic_write never leaves half of one, so its steps were never saved."""
    try:
        record = json.loads((directory / JOURNAL_FILE).read_text(encoding="utf-8"))
        audit = record["audit"]
        steps = tuple(_step(step) for step in record["steps"])
        return Pending(Audit(int(audit["user_id"]), audit.get("undoes"), audit.get("resolves")), steps)
    except (OSError, ValueError, KeyError, TypeError):  # none (the usual case), or not one of ours
        return None


def clear(directory: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        (directory / JOURNAL_FILE).unlink()


def saved_steps(steps: Sequence[EditResult], engine: Engine) -> list[EditResult]:
    """The steps whose effect the knowledge shows (the engine built from the files as they are)."""
    return [step for step in steps if _is_saved(step, engine)]


def _is_saved(step: EditResult, engine: Engine) -> bool:
    if step.action is EditAction.SOURCE:
        return step.entry_id in engine.knowledge.sources
    return entry_version(engine.entry(step.entry_id)) == entry_version(step.after)


def _step_record(step: EditResult) -> dict[str, Any]:
    return {
        "action": step.action.value,
        "entry_id": step.entry_id,
        "file": step.file,
        "before": entry_record(step.before) if step.before is not None else None,
        "after": entry_record(step.after) if step.after is not None else None,
    }


def _step(record: dict[str, Any]) -> EditResult:
    before, after = record.get("before"), record.get("after")
    return EditResult(
        EditAction(record["action"]),
        str(record["entry_id"]),
        str(record["file"]),
        entry_from_record(before) if before is not None else None,
        entry_from_record(after) if after is not None else None,
    )
