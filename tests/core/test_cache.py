"""bot/core/cache.py: a warm start gives the same answers without building; anything different or broken
is not used (and said so in one log line); the cache is never needed."""

from __future__ import annotations

import logging
import shutil
import threading
import time

import pytest

from bot.core import cache
from bot.core.index import Index
from bot.core.store import KnowledgeStore, open_engine

QUESTIONS = ["what is pesco", "is ireland in nato", "zorblax", "how much is the edf", "Is that true?"]


def answers(engine):
    return [
        [(p.status, p.entry.id if p.entry else None, p.score) for p in engine.answer_message(q).parts]
        for q in QUESTIONS
    ]


@pytest.fixture
def builds(monkeypatch):
    counted = []
    real = Index.__init__
    monkeypatch.setattr(Index, "__init__", lambda self, *a, **k: counted.append(1) or real(self, *a, **k))
    return counted


def test_a_warm_start_answers_exactly_as_a_cold_one_without_building(knowledge_copy, tmp_path, builds):
    cold, _ = open_engine(knowledge_copy, cache_dir=tmp_path / "cache")
    assert len(builds) == 1 and len(list((tmp_path / "cache").iterdir())) == 1
    warm, _ = open_engine(knowledge_copy, cache_dir=tmp_path / "cache")
    assert len(builds) == 1  # taken from the cache
    assert answers(warm) == answers(cold)


def test_a_changed_file_or_another_directory_is_another_key(knowledge_copy, tmp_path, builds):
    open_engine(knowledge_copy, cache_dir=tmp_path / "cache")
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(knowledge_copy, elsewhere)
    engine, _ = open_engine(elsewhere, cache_dir=tmp_path / "cache")
    assert len(builds) == 2  # same bytes, other place: entries remember their files, so no sharing
    assert {e.file for e in engine.knowledge.entries} <= {str(p) for p in elsewhere.iterdir()}
    path = knowledge_copy / "pesco.yaml"
    path.write_text(path.read_text().replace("whats pesco", "whats pesco?"))
    open_engine(knowledge_copy, cache_dir=tmp_path / "cache")
    assert len(builds) == 3


def test_a_broken_cache_file_is_ignored_with_one_line_and_rebuilt(knowledge_copy, tmp_path, caplog, builds):
    directory = tmp_path / "cache"
    open_engine(knowledge_copy, cache_dir=directory)
    (cached,) = directory.iterdir()
    cached.write_bytes(b"not a pickle at all")
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        engine, _ = open_engine(knowledge_copy, cache_dir=directory)
    assert engine is not None and len(builds) == 2
    (record,) = caplog.records
    assert "ignoring the engine cache" in record.getMessage() and "\n" not in record.getMessage()
    open_engine(knowledge_copy, cache_dir=directory)
    assert len(builds) == 2  # rebuilt and written again


def test_an_unwritable_cache_never_stops_loading(knowledge_copy, tmp_path, caplog):
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        engine, _ = open_engine(knowledge_copy, cache_dir=blocked / "cache")
    assert engine is not None and "could not write the engine cache" in caplog.text


def test_the_default_place_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.default_directory() == tmp_path / "defence-faq-bot"


def test_edits_in_quick_succession_leave_the_newest_engine_cached_under_its_files(knowledge_copy, tmp_path, builds):
    directory = tmp_path / "cache"
    store = KnowledgeStore(knowledge_copy, cache_dir=directory)
    phrasings = [f"does the {word} committee approve pesco projects" for word in ("amber", "cobalt", "crimson")]
    for phrasing in phrasings:
        store.add_alias("pesco-what", phrasing)
    deadline = time.monotonic() + 30
    while any(t.name == "engine-cache" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)
    built = len(builds)
    warm, _ = open_engine(knowledge_copy, cache_dir=directory)
    assert len(builds) == built  # the edited files' engine was found in the cache
    assert warm is not None and all(warm.ask(p).entry.id == "pesco-what" for p in phrasings)
    assert len(list(directory.iterdir())) <= cache.KEEP


def test_the_key_covers_the_code_of_the_core_s_packages_too(monkeypatch, tmp_path):
    """A cached engine is pickled objects: a change in any module that shapes them (bot/core/index/*.py too)
    must give another key, or a stale engine would be loaded."""
    from bot.core import cache

    code = tmp_path / "core"
    (code / "index").mkdir(parents=True)
    (code / "engine.py").write_text("engine")
    (code / "index" / "search.py").write_text("search")
    monkeypatch.setattr(cache, "_CODE", code)
    before = cache._code_hash()
    (code / "index" / "search.py").write_text("search, changed")
    assert cache._code_hash() != before
