"""bot/core/loader/cross_files.py: ids unique across files."""

from bot.core.loader import (
    load_texts,
)

from .conftest import messages


def test_duplicate_ids_across_files_point_at_the_first():
    entry = "entries:\n  - id: same\n    questions: [Q?]\n    answer: A\n"
    found = messages(load_texts({"a.yaml": entry, "b.yaml": entry}))
    assert found == [("b.yaml", 2, "entries[0].id", "duplicate id 'same' (first at a.yaml:2)")]
