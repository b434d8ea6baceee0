"""Several processes editing one knowledge directory (docs/scaling.md, "Several processes, one knowledge"), as real
processes (tests/core/edit_worker.py): no acknowledged edit is lost, none reported as failed is saved, and
every saved edit has its history, even when its process dies between the save and the history (redteam-3 D1
and the note on the audit row)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.core.edit_lock import LOCK_FILE
from bot.core.journal import JOURNAL_FILE
from bot.core.loader import load_directory
from bot.core.store import KnowledgeStore
from bot.runtime import RuntimeData

from ..conftest import KNOWLEDGE, ROOT, snapshot
from .edit_worker import DIED, PHRASING_ENTRY, recorder

pytestmark = pytest.mark.timeout(180)
EDITS_EACH = 40  # 10 phrasings (each moves the lines below it) and 30 tag edits from a maybe stale view
STARTED_WITHIN_S = 60


def worker(knowledge: Path, database: Path, name: str, user_id: int, mode: str, *extra: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tests.core.edit_worker", str(knowledge), str(database), name, str(user_id), mode]
    return subprocess.Popen([*command, *extra], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def audit_rows(database: Path) -> list[dict[str, object]]:
    return [
        {"user_id": row.user_id, "entry_id": row.entry_id, "before": row.before, "after": row.after}
        for row in reversed(RuntimeData(database).history(limit=10_000))
    ]


def texts_of(entry) -> set[str]:
    return {*entry.questions, *entry.tags} if entry is not None else set()


@pytest.fixture
def knowledge(tmp_path: Path) -> Path:
    directory = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, directory)
    return directory


def test_two_processes_editing_at_once_lose_nothing_acknowledged_and_save_nothing_refused(knowledge, tmp_path):
    database = tmp_path / "bot-data.sqlite3"
    RuntimeData(database).open()
    workers = {
        name: worker(knowledge, database, name, user_id, "race", str(EDITS_EACH))
        for name, user_id in (("a", 101), ("b", 202))
    }
    for process in workers.values():
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    (tmp_path / "go").touch()
    outcomes = {}
    for name, process in workers.items():
        out, err = process.communicate(timeout=150)
        assert process.returncode == 0, err
        outcomes[name] = [json.loads(line) for line in out.splitlines()]
    every = [(name, o) for name, results in outcomes.items() for o in results]
    assert len(every) == 2 * EDITS_EACH
    acknowledged = [(name, o) for name, o in every if o["ok"]]
    refused = [(name, o) for name, o in every if not o["ok"]]
    # each process's phrasings are never refused; its tag edits are, when the other changed the entry first
    assert all(o["error"] == "EditConflict" and o["kind"] == "tag" for _, o in refused), refused
    assert len([o for _, o in acknowledged if o["kind"] == "phrasing"]) == 2 * EDITS_EACH // 4

    loaded = load_directory(knowledge)
    assert loaded.ok, loaded.errors
    on_disk = {entry.id: texts_of(entry) for entry in loaded.knowledge.entries}
    lost = [o for _, o in acknowledged if o["text"] not in on_disk[o["entry"]]]
    saved_anyway = [o for _, o in refused if any(o["text"] in texts for texts in on_disk.values())]
    assert (lost, saved_anyway) == ([], [])

    rows = audit_rows(database)
    user_ids = {"a": 101, "b": 202}
    for name, outcome in acknowledged:  # each saved edit has exactly one history row, by its author
        assert outcome["recorded"], outcome
        (adding,) = [
            r
            for r in rows
            if r["entry_id"] == outcome["entry"] and outcome["text"] in texts_of(r["after"]) - texts_of(r["before"])
        ]
        assert adding["user_id"] == user_ids[name]
    assert len(rows) == len(acknowledged)
    for _, outcome in refused:
        assert not any(outcome["text"] in texts_of(r["after"]) for r in rows)
    assert not (knowledge / JOURNAL_FILE).exists()


def test_an_edit_saved_by_a_process_that_died_before_its_history_is_recorded_by_the_next_start(knowledge, tmp_path):
    database = tmp_path / "bot-data.sqlite3"
    died = worker(knowledge, database, "gone", 303, "die-after-save")
    _, err = died.communicate(timeout=60)
    assert died.returncode == DIED, err
    assert "multiproc gone dies zq" in (knowledge / "pesco.yaml").read_text()
    assert (knowledge / JOURNAL_FILE).exists() and audit_rows(database) == []

    store = KnowledgeStore(knowledge)  # the bot starting again (FaqBot.setup_hook settles)
    store.recorder = recorder(RuntimeData(database))
    store.settle()
    (row,) = audit_rows(database)
    assert row["user_id"] == 303 and row["entry_id"] == PHRASING_ENTRY
    assert "multiproc gone dies zq" in texts_of(row["after"])
    assert not (knowledge / JOURNAL_FILE).exists()


def test_an_edit_whose_process_died_before_the_save_leaves_no_history_and_the_next_edit_settles_it(knowledge, tmp_path):
    database = tmp_path / "bot-data.sqlite3"
    before = snapshot(knowledge)
    died = worker(knowledge, database, "gone", 303, "die-before-save")
    _, err = died.communicate(timeout=60)
    assert died.returncode == DIED, err
    assert (knowledge / JOURNAL_FILE).exists()
    after = snapshot(knowledge)
    assert {name: text for name, text in after.items() if name != JOURNAL_FILE} == before

    store = KnowledgeStore(knowledge)  # another process's next edit settles it first
    store.recorder = recorder(RuntimeData(database))
    store.add_alias("eda-what", "the agency in a nutshell")
    assert not (knowledge / JOURNAL_FILE).exists() and audit_rows(database) == []
    assert (knowledge / LOCK_FILE).exists()
