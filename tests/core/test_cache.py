"""bot/core/cache.py: a warm start gives the same answers without building; anything different or broken
is not used (and said so in one log line); the cache is never needed, and no error reading it stops anything."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from bot.core import cache
from bot.core.index import Index
from bot.core.store import KnowledgeStore, open_engine

from ..conftest import ROOT

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


def wait_for_the_cache_writer():
    deadline = time.monotonic() + 30
    while any(t.name == "engine-cache" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.01)


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
    wait_for_the_cache_writer()
    built = len(builds)
    warm, _ = open_engine(knowledge_copy, cache_dir=directory)
    assert len(builds) == built  # the edited files' engine was found in the cache
    assert warm is not None and all(warm.ask(p).entry.id == "pesco-what" for p in phrasings)
    assert len(list(directory.iterdir())) <= cache.KEEP


def test_a_knowledge_file_unreadable_while_the_cache_is_written_is_one_line_and_the_next_edit_is_cached(
    knowledge_copy, tmp_path, monkeypatch, caplog, builds
):
    """A file removed or locked between the edit and the cache write (a test's folder removed, an editor's
    rename) costs that one write, not every later one."""
    real_read = Path.read_bytes
    refused: list[Path] = []

    def read_bytes(path: Path) -> bytes:
        if threading.current_thread().name == "engine-cache" and not refused:
            refused.append(path)
            raise PermissionError(13, "Permission denied", str(path))
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    directory = tmp_path / "cache"
    store = KnowledgeStore(knowledge_copy, cache_dir=directory)
    with caplog.at_level(logging.WARNING, logger="bot.core.synced"):
        for word in ("amber", "cobalt"):
            store.add_alias("pesco-what", f"does the {word} committee approve pesco projects")
            wait_for_the_cache_writer()
    assert refused and "engine cache not written: [Errno 13] Permission denied" in caplog.text
    built = len(builds)
    warm, _ = open_engine(knowledge_copy, cache_dir=directory)
    assert len(builds) == built  # the second edit's engine was cached
    assert warm is not None and warm.ask("does the cobalt committee approve pesco projects").entry.id == "pesco-what"


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


def test_a_folder_where_the_cache_file_should_be_is_one_line_and_a_build(knowledge_copy, tmp_path, caplog, builds):
    directory = tmp_path / "cache"
    open_engine(knowledge_copy, cache_dir=directory)
    (cached,) = directory.iterdir()
    cached.unlink()
    cached.mkdir()
    with caplog.at_level(logging.WARNING, logger="bot.core.cache"):
        engine, _ = open_engine(knowledge_copy, cache_dir=directory)
    assert engine is not None and len(builds) == 2
    reading = [r.getMessage() for r in caplog.records if "ignoring the engine cache" in r.getMessage()]
    assert len(reading) == 1 and "Is a directory" in reading[0] and "\n" not in reading[0]
    assert answers(engine) == answers(open_engine(knowledge_copy)[0])


def test_an_unreadable_cache_directory_never_stops_the_cli(tmp_path):
    """Redteam D3: `ask` as a user who cannot read the cache directory answered with a PermissionError
    traceback. Root reads anything, so as root the CLI runs as nobody (setpriv), as the redteam did."""
    base = Path(tempfile.mkdtemp(prefix="locked-cache-"))
    try:
        base.chmod(0o755)
        locked = base / "defence-faq-bot"
        locked.mkdir()
        locked.chmod(0)
        as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] if os.geteuid() == 0 else []
        result = subprocess.run(
            [*as_nobody, sys.executable, "-m", "bot", "ask", "--json", "what is pesco"],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "XDG_CACHE_HOME": str(base), "HOME": str(base)},
            timeout=60,
            check=False,
        )
    finally:
        locked.chmod(0o700)
        shutil.rmtree(base)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["entry_id"] == "pesco-what"
    assert "Traceback" not in result.stderr
    (reading,) = [line for line in result.stderr.splitlines() if "ignoring the engine cache" in line]
    assert "Permission denied" in reading
