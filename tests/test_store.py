"""bot.core.store: edits are validated, saved atomically, keep other text intact and serialise."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from bot.core.loader import load_directory
from bot.core.store import EditRefused, KnowledgeStore, parse_entry_form


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_alias_changes_one_line_and_keeps_comments(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    before = (knowledge_copy / "pesco.yaml").read_text().splitlines()
    store.add_alias("pesco-what", "pesco in a nutshell")
    after = (knowledge_copy / "pesco.yaml").read_text().splitlines()
    assert len(after) == len(before) + 1 and after[0] == before[0]  # the file's comment survives
    assert [line for line in after if line not in before] == ["      - pesco in a nutshell"]
    assert store.engine.ask("pesco in a nutshell").entry.id == "pesco-what"


def test_yaml_special_text_round_trips_verbatim(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    answer = "Key: value # not a comment\n- not a list\n{{ not a template }} @everyone 'quotes' \"too\""
    store.add_entry(
        parse_entry_form("special-text", "What about special text?\nspecial yaml text", answer, "eda-pesco")
    )
    loaded = load_directory(knowledge_copy)
    assert loaded.ok
    assert loaded.knowledge.entry("special-text").answer == answer


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (("x-empty", "Q one?", "", "eda-pesco"), "x-empty.answer: must not be empty"),
        (("x-long", "Q one?", "y" * 5000, "eda-pesco"), "limit is 1800"),
        (("x-none", "", "An answer", "eda-pesco"), "x-none.questions"),
        (("pesco-what", "Q one?", "An answer", "eda-pesco"), "already exists"),
        (("x-source", "Q one?", "An answer", "no-such-source"), "unknown source id 'no-such-source'"),
        (("Bad Id!", "Q one?", "An answer", "eda-pesco"), "lower-case slug"),
    ],
)
def test_refused_edits_name_the_field_and_leave_files_untouched(knowledge_copy, form, message):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused) as refused:
        store.add_entry(parse_entry_form(*form))
    assert message in str(refused.value)
    assert snapshot(knowledge_copy) == before


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x"])
def test_non_http_source_urls_are_refused(knowledge_copy, url):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused, match="http"):
        store.add_source({"id": "bad-url", "title": "T", "url": url, "publisher": "P", "date": "2025"})
    assert snapshot(knowledge_copy) == before


def test_a_crash_between_write_and_replace_leaves_the_old_file(knowledge_copy, monkeypatch):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        store.add_alias("pesco-what", "interrupted phrasing")
    monkeypatch.undo()
    assert snapshot(knowledge_copy) == before  # no temp file left behind either
    assert load_directory(knowledge_copy).ok
    assert "interrupted phrasing" not in store.engine.entry("pesco-what").questions


def test_fifty_concurrent_aliases_all_land(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    phrasings = [f"zorblax variant number {n}" for n in range(50)]
    threads = [threading.Thread(target=store.add_alias, args=("pesco-what", p)) for p in phrasings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = load_directory(knowledge_copy).knowledge.entry("pesco-what").questions
    assert set(phrasings) <= set(on_disk)
    assert all(store.engine.ask(p).entry.id == "pesco-what" for p in phrasings[::7])


def test_remove_unlinks_related_entries_and_reload_keeps_old_knowledge_on_error(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    result = store.remove_entry("pesco-members")
    assert "pesco-what" in result.warnings[0]
    assert store.engine.entry("pesco-members") is None and load_directory(knowledge_copy).ok
    (knowledge_copy / "zz.yaml").write_text("entries: [\n")
    with pytest.raises(EditRefused, match="YAML syntax error"):
        store.reload()
    assert store.engine.entry("pesco-what") is not None  # the previous engine stays live
