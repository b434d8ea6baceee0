"""bot/live.py: the answering engine follows the knowledge files, and a broken edit changes nothing."""

from __future__ import annotations

import logging
import os

from bot.core.store import fingerprint

from .conftest import live_engine


def test_the_fingerprint_changes_with_any_save_and_reads_no_file(knowledge_copy):
    before = fingerprint(knowledge_copy)
    assert set(before) == {str(p) for p in knowledge_copy.glob("*.yaml")}
    path = knowledge_copy / "pesco.yaml"
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))  # same size, same text, saved again
    assert fingerprint(knowledge_copy) != before
    assert fingerprint(knowledge_copy / "missing") == {}


def test_reload_only_when_something_changed(knowledge_copy):
    live = live_engine(knowledge_copy)
    first = live.engine
    assert live.reload_if_changed() is False and live.engine is first
    (knowledge_copy / "extra.yaml").write_text("synonyms:\n  pesco: [pesky]\n")
    assert live.reload_if_changed() is True and live.engine is not first
    assert live.engine.ask("what is pesky").entry.id == "pesco-what"


def test_a_broken_file_keeps_the_previous_engine_and_names_the_problem(knowledge_copy, caplog):
    live = live_engine(knowledge_copy)
    first = live.engine
    (knowledge_copy / "corrections.yaml").write_text("entries: [")
    with caplog.at_level(logging.ERROR, logger="bot.live"):
        assert live.reload_if_changed() is False
    assert live.engine is first
    (record,) = caplog.records
    assert record.getMessage().startswith("knowledge not reloaded, the previous version stays live: ")
    # the edited file's own error, not the other files' errors that follow from it
    assert "corrections.yaml:2: error: YAML syntax error" in record.getMessage()
    assert live.reload_if_changed() is False and len(caplog.records) == 1  # logged once, not every poll


def test_a_file_that_is_not_utf8_is_one_logged_line_too(knowledge_copy, caplog):
    live = live_engine(knowledge_copy)
    (knowledge_copy / "latin1.yaml").write_bytes("entries: []\n# caf\xe9\n".encode("latin-1"))
    with caplog.at_level(logging.ERROR, logger="bot.live"):
        assert live.reload() is False
    assert len(caplog.records) == 1 and "\n" not in caplog.records[0].getMessage()
