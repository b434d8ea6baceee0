"""bot.core.store: edits are validated, saved atomically, keep other text intact and serialise."""

from __future__ import annotations

import dataclasses
import os
import stat
import threading

import pytest

from bot.core.citations import cite_unmarked
from bot.core.loader import load_directory
from bot.core.models import Entry, Source
from bot.core.store import EditAction, EditConflict, EditRefused, KnowledgeStore
from bot.core.versions import changed_fields, entry_version
from bot.core.yaml_edit import entry_record

from ..conftest import entry_of, snapshot


def new_entry(
    entry_id: str = "x-new",
    questions: tuple[str, ...] = ("Q one?",),
    answer: str = "An answer",
    sources: tuple[str, ...] = ("eda-pesco",),
) -> Entry:
    return Entry(entry_id, questions, cite_unmarked(answer, sources), sources)


def test_alias_changes_one_line_and_keeps_comments(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    before = (knowledge_copy / "pesco.yaml").read_text().splitlines()
    result = store.add_alias("pesco-what", "pesco in a nutshell")
    after = (knowledge_copy / "pesco.yaml").read_text().splitlines()
    assert len(after) == len(before) + 1 and after[0] == before[0]  # the file's comment survives
    assert [line for line in after if line not in before] == ["      - pesco in a nutshell"]
    assert store.engine.ask("pesco in a nutshell").entry.id == "pesco-what"
    assert result.action is EditAction.ALIAS and result.after.questions[-1] == "pesco in a nutshell"


def test_yaml_special_text_round_trips_verbatim(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    answer = "Key: value # not a comment\n- not a list\n{{ not a template }} @everyone 'quotes' \"too\""
    answer = cite_unmarked(answer, ["eda-pesco"])
    store.add_entry(new_entry("special-text", ("What about special text?", "special yaml text"), answer))
    loaded = load_directory(knowledge_copy)
    assert loaded.ok
    assert entry_of(loaded.knowledge, "special-text").answer == answer


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (new_entry("x-empty", answer=""), "x-empty.answer: must not be empty"),
        (new_entry("x-long", answer="y" * 5000), "limit is 1800"),
        (new_entry("x-none", questions=()), "x-none.questions"),
        (new_entry("pesco-what"), "already exists"),
        (new_entry("x-source", sources=("no-such-source",)), "unknown source id 'no-such-source'"),
        (new_entry("Bad Id!"), "lower-case slug"),
    ],
)
def test_refused_edits_name_the_field_and_leave_files_untouched(knowledge_copy, entry, message):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused) as refused:
        store.add_entry(entry)
    assert message in str(refused.value)
    assert snapshot(knowledge_copy) == before


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x"])
def test_non_http_source_urls_are_refused(knowledge_copy, url):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused, match="http"):
        store.add_source(Source("bad-url", "T", url, "P", "2025"))
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


def test_a_saved_file_keeps_its_permissions(knowledge_copy):
    path = knowledge_copy / "pesco.yaml"
    path.chmod(0o644)
    KnowledgeStore(knowledge_copy).add_alias("pesco-what", "pesco in brief")
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_concurrent_aliases_all_land(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    phrasings = [f"zorblax variant number {n}" for n in range(10)]
    threads = [threading.Thread(target=store.add_alias, args=("pesco-what", p)) for p in phrasings]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    on_disk = entry_of(load_directory(knowledge_copy).knowledge, "pesco-what").questions
    assert set(phrasings) <= set(on_disk)
    assert all(store.engine.ask(p).entry.id == "pesco-what" for p in phrasings)


def test_remove_unlinks_related_entries_and_reload_keeps_old_knowledge_on_error(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    result = store.remove_entry("pesco-members")
    assert "pesco-what" in result.warnings[0]
    assert {step.entry_id for step in result.unlinked} >= {"pesco-what"}
    assert all(step.action is EditAction.UNLINK for step in result.unlinked)
    assert store.engine.entry("pesco-members") is None and load_directory(knowledge_copy).ok
    (knowledge_copy / "zz.yaml").write_text("entries: [\n")
    with pytest.raises(EditRefused, match="YAML syntax error"):
        store.reload()
    assert store.engine.entry("pesco-what") is not None  # the previous engine stays live


def test_undo_of_an_edit_restores_the_file_byte_for_byte(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    before = snapshot(knowledge_copy)
    original = store.engine.entry("strategic-compass")
    edited = store.replace_entry(
        Entry(original.id, original.questions, cite_unmarked("A rewritten answer.", original.sources), original.sources)
    )
    store.restore_entry(edited.entry_id, edited.before, edited.file)
    assert snapshot(knowledge_copy) == before


def test_edits_indexed_incrementally_answer_exactly_as_a_fresh_load(knowledge_copy, monkeypatch):
    import random

    from bot.core.index import Index
    from bot.core.store import open_engine

    rng = random.Random(5)
    store = KnowledgeStore(knowledge_copy)
    full_builds = []
    real_init = Index.__init__
    monkeypatch.setattr(Index, "__init__", lambda self, *a, **k: full_builds.append(1) or real_init(self, *a, **k))
    probes = ["what is pesco", "zorblax frobnication", "is ireland in nato", "edf money", "who is kallas"]
    ids = [e.id for e in store.engine.knowledge.entries]
    for step in range(8):
        kind = rng.choice(["alias", "edit", "add", "remove"])
        entry = store.engine.entry(rng.choice(ids))
        if kind == "alias":
            store.add_alias(entry.id, f"zorblax frobnication {step}")
        elif kind == "edit":
            store.replace_entry(
                dataclasses.replace(entry, answer=cite_unmarked(f"Rewritten {step}: zorblax.", entry.sources))
            )
        elif kind == "add":
            store.add_entry(new_entry(f"zorblax-{step}", (f"What is zorblax {step}?", "zorblax frobnication")))
        elif entry.id not in {"pesco-what"}:
            store.remove_entry(entry.id)
            ids.remove(entry.id)
        builds = len(full_builds)
        fresh, _ = open_engine(knowledge_copy)
        full_builds[builds:] = []  # the fresh engine is the only full build allowed
        for question in probes:
            got, want = store.engine.candidates(question, 3), fresh.candidates(question, 3)
            assert [(c.entry.id, c.score) for c in got] == [(c.entry.id, c.score) for c in want], (step, kind)
        assert store.engine.knowledge == fresh.knowledge
    assert full_builds == []  # every edit was indexed incrementally


def test_a_hand_edit_is_taken_in_before_the_next_edit_and_by_reload_if_changed(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    path = knowledge_copy / "pesco.yaml"
    path.write_text(
        path.read_text().replace("      - whats pesco\n", "      - whats pesco\n      - hand made phrasing\n")
    )
    assert store.reload_if_changed() is True and store.reload_if_changed() is False
    assert store.engine.answer_message("hand made phrasing").primary.entry.id == "pesco-what"
    path.write_text(path.read_text().replace("      - hand made phrasing\n", "      - hand made again\n"))
    store.add_alias("pesco-what", "alias after the hand edit")  # works on the file as it is now
    questions = store.engine.entry("pesco-what").questions
    assert "hand made again" in questions and "alias after the hand edit" in questions


def test_an_edit_made_from_an_older_version_is_refused_and_writes_nothing(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    seen = store.engine.entry("pesco-members")
    version = entry_version(seen)
    store.add_alias("pesco-members", "whos in the pesco club")  # someone else's edit, meanwhile
    before = snapshot(knowledge_copy)
    mine = dataclasses.replace(seen, answer="My rewrite, from the old text.")
    with pytest.raises(EditConflict) as conflict:
        store.replace_entry(mine, expected=version)
    assert conflict.value.current.questions[-1] == "whos in the pesco club"
    assert changed_fields(seen, conflict.value.current) == ("questions",)
    with pytest.raises(EditConflict):
        store.add_alias("pesco-members", "another", expected=version)
    assert snapshot(knowledge_copy) == before
    current = store.engine.entry("pesco-members")
    assert store.replace_entry(
        dataclasses.replace(current, answer=cite_unmarked("Mine.", current.sources)), expected=entry_version(current)
    ).after


def test_undo_and_remove_check_the_version_too(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    added = store.add_alias("pesco-what", "pesco tl;dr")
    store.add_alias("pesco-what", "a change the history does not know about")
    with pytest.raises(EditConflict):  # undoing the first would silently drop the second
        store.restore_entry("pesco-what", added.before, added.file, expected=entry_version(added.after))
    with pytest.raises(EditConflict):
        store.remove_entry("pesco-what", expected=entry_version(added.after))
    assert store.engine.entry("pesco-what") is not None


def test_undoing_a_removal_puts_back_the_related_links_it_took_where_they_were(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    before = records(knowledge_copy)
    removed = store.remove_entry("european-defence-community")
    assert [u.entry_id for u in removed.unlinked] == ["myth-edc-created-2016"]
    restored = store.restore_entry(
        "european-defence-community",
        removed.before,
        removed.file,
        expected=entry_version(None),
        relink=[u.before for u in removed.unlinked],
    )
    assert [r.entry_id for r in restored.relinked] == ["myth-edc-created-2016"]
    assert "put back the related links from: myth-edc-created-2016" in restored.warnings
    assert records(knowledge_copy) == before  # the entry back (at the end of its file), each link where it was


def records(directory):
    return {e.id: entry_record(e) for e in load_directory(directory).knowledge.entries}


def test_an_entry_and_the_thread_it_cites_land_together_or_not_at_all(knowledge_copy):
    store = KnowledgeStore(knowledge_copy)
    thread = Source(
        "discord-thread-42", "Danish PESCO membership", "https://discord.com/channels/1/42", "Forum", "2026-01-02"
    )
    before = snapshot(knowledge_copy)
    with pytest.raises(EditRefused, match="answer"):  # the entry is refused: the source is not added either
        store.add_entry(new_entry(answer="", sources=(thread.id,)), new_sources=[thread])
    assert snapshot(knowledge_copy) == before and thread.id not in store.engine.knowledge.sources
    result = store.add_entry(new_entry(sources=(thread.id,)), new_sources=[thread])
    assert [step.entry_id for step in result.added_sources] == [thread.id]
    assert store.engine.knowledge.sources[thread.id].url == thread.url
    knowledge = load_directory(knowledge_copy).knowledge
    assert entry_of(knowledge, "x-new").sources == (thread.id,) and thread.id in knowledge.sources
    uncited = store.add_entry(new_entry("x-other"), new_sources=[dataclasses.replace(thread, id="discord-thread-43")])
    assert uncited.added_sources == () and "discord-thread-43" not in store.engine.knowledge.sources
