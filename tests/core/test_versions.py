"""bot.core.versions: what version of an entry an edit was made from, and what changed since."""

from __future__ import annotations

import dataclasses

from bot.core.loader import load_directory
from bot.core.versions import ABSENT, changed_fields, entry_version

from ..conftest import KNOWLEDGE

ENTRY = load_directory(KNOWLEDGE).knowledge.entries[0]


def test_the_version_follows_what_the_entry_says_not_where_it_is():
    moved = dataclasses.replace(ENTRY, file="elsewhere.yaml", line=999)
    assert entry_version(moved) == entry_version(ENTRY) and len(entry_version(ENTRY)) == 16
    new_phrasing = dataclasses.replace(ENTRY, questions=(*ENTRY.questions, "one more way to ask"))
    assert entry_version(new_phrasing) != entry_version(ENTRY)
    assert entry_version(None) == ABSENT


def test_changed_fields_names_what_differs_in_file_order():
    changed = dataclasses.replace(ENTRY, answer="Rewritten.", questions=(*ENTRY.questions, "another"))
    assert changed_fields(ENTRY, changed) == ("questions", "answer")
    assert changed_fields(ENTRY, ENTRY) == ()
    assert "answer" in changed_fields(ENTRY, None)
