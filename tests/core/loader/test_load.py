"""bot/core/loader/load.py: a directory → Knowledge and every problem."""

from pathlib import Path

from bot.core.loader import (
    load_directory,
    uncited,
)

from ...conftest import KNOWLEDGE


def test_shipped_knowledge_is_valid_cited_and_big_enough():
    result = load_directory(KNOWLEDGE)
    assert result.errors == []
    assert uncited(result.knowledge) == []
    entries = result.knowledge.entries
    assert len(entries) >= 45
    assert all(len(e.questions) >= 3 for e in entries)
    for entry in entries:
        for source_id in entry.sources:
            source = result.knowledge.sources[source_id]
            assert source.title and source.url and source.publisher and source.date, source_id


def test_missing_directory_and_empty_directory(tmp_path: Path):
    assert "not found" in load_directory(tmp_path / "nope").errors[0].message
    assert "no *.yaml" in load_directory(tmp_path).errors[0].message
