"""A process that edits a knowledge directory through KnowledgeStore, as one bot process of several does, with
the history in a shared runtime database (tests/core/test_edits_across_processes.py runs it).

    python -m tests.core.edit_worker KNOWLEDGE DATABASE NAME USER_ID MODE [EDITS]

MODE race: print "ready", wait for the file KNOWLEDGE/../go, then make EDITS edits, printing one JSON line
each: {"entry", "text", "kind", "ok", "recorded", "error"}. Every fourth edit adds a phrasing (lines below
it move); the others add a tag to an entry as this process last saw it (expected=its version then), which
another process may have changed meanwhile: then it is refused as a conflict.
MODE die-after-save: add one phrasing and die (exit 17) once it is saved, before its history is written.
MODE die-before-save: add one phrasing and die (exit 17) just before the knowledge file is written."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.core import synced
from bot.core.edits import Audit, EditConflict, EditRefused, EditResult
from bot.core.store import KnowledgeStore
from bot.core.versions import entry_version
from bot.runtime import RuntimeData, RuntimeDataUnavailable

PHRASING_ENTRY = "pesco-what"  # the first entry of pesco.yaml: a phrasing moves every entry below it
TAGGED_ENTRIES = ("pesco-members", "pesco-commitments", "eda-what")
DIED = 17


def recorder(database: RuntimeData) -> synced.journal.Recorder:
    def record(steps: Sequence[EditResult], audit: Audit) -> bool:
        try:
            database.record_edits(steps, audit.user_id, undoes=audit.undoes, resolves=audit.resolves)
        except RuntimeDataUnavailable:
            return False
        return True

    return record


def race(store: KnowledgeStore, name: str, user_id: int, edits: int, go: Path) -> None:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.005)
    audit = Audit(user_id)
    for number in range(edits):
        if number % 4 == 0:
            entry_id, kind, text = PHRASING_ENTRY, "phrasing", f"multiproc {name} {number} zq"
            edit = functools.partial(store.add_alias, entry_id, text, audit=audit)
        else:
            entry_id, kind, text = TAGGED_ENTRIES[number % 3], "tag", f"proc-{name}-{number}"
            seen = store.engine.entry(entry_id)  # as this process last saw it: maybe stale
            assert seen is not None
            tagged = dataclasses.replace(seen, tags=(*seen.tags, text))
            edit = functools.partial(store.replace_entry, tagged, expected=entry_version(seen), audit=audit)
        outcome = {"entry": entry_id, "text": text, "kind": kind, "ok": False, "recorded": False, "error": None}
        try:
            result = edit()
        except (EditConflict, EditRefused, OSError) as error:
            outcome["error"] = type(error).__name__
        else:
            outcome.update(ok=True, recorded=result.recorded)
        print(json.dumps(outcome), flush=True)


def main(arguments: list[str]) -> None:
    knowledge, database, name, user_id, mode = arguments[:5]
    store = KnowledgeStore(Path(knowledge))
    runtime = RuntimeData(database)
    store.recorder = recorder(runtime)
    if mode == "race":
        race(store, name, int(user_id), int(arguments[5]), Path(knowledge).parent / "go")
        return
    if mode == "die-after-save":
        store.recorder = lambda steps, audit: os._exit(DIED)
    elif mode == "die-before-save":
        write = synced.atomic_write

        def die_before_the_knowledge(path: Path, text: str) -> None:
            if path.suffix == ".yaml":
                os._exit(DIED)
            write(path, text)

        synced.atomic_write = die_before_the_knowledge  # type: ignore[assignment]
    store.add_alias(PHRASING_ENTRY, f"multiproc {name} dies zq", audit=Audit(int(user_id)))
    sys.exit("the edit returned: the worker should have died")


if __name__ == "__main__":
    main(sys.argv[1:])
