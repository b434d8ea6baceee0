"""bot.core.yaml_edit: the files are rewritten only where an item changes, and exactly as a person writes."""

from __future__ import annotations

import dataclasses
import difflib
from pathlib import Path

import pytest

from bot.core.loader import load_directory, load_texts
from bot.core.yaml_edit import ItemMoved, append_item, entry_record, replace_item, source_record

from ..conftest import KNOWLEDGE

SHIPPED = load_directory(KNOWLEDGE)
FILES = {e.file for e in SHIPPED.knowledge.entries} | {s.file for s in SHIPPED.knowledge.sources.values()}
TEXTS = {path: Path(path).read_text(encoding="utf-8") for path in FILES}


@pytest.mark.parametrize("entry", SHIPPED.knowledge.entries, ids=lambda e: e.id)
def test_writing_an_unchanged_entry_back_changes_no_byte(entry):
    assert replace_item(TEXTS[entry.file], entry.line, entry_record(entry), item_id=entry.id) == TEXTS[entry.file]


def test_writing_unchanged_sources_back_changes_no_byte():
    for source in SHIPPED.knowledge.sources.values():
        written = replace_item(TEXTS[source.file], source.line, source_record(source), item_id=source.id)
        assert written == TEXTS[source.file], source.id


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_a_new_phrasing_is_a_one_line_diff_and_a_new_answer_touches_only_the_answer():
    entry = SHIPPED.knowledge.entries[0]
    text = TEXTS[entry.file]
    with_phrasing = dataclasses.replace(entry, questions=(*entry.questions, "a new phrasing"))
    assert changed_lines(text, replace_item(text, entry.line, entry_record(with_phrasing), item_id=entry.id)) == [
        "+      - a new phrasing"
    ]
    with_answer = dataclasses.replace(entry, answer="One line.\nAnother line.")
    changed = changed_lines(text, replace_item(text, entry.line, entry_record(with_answer), item_id=entry.id))
    assert "+      One line." in changed and "+      Another line." in changed
    assert all(line.startswith("-      ") or line.startswith("+      ") for line in changed)  # answer lines only


def test_removing_an_item_leaves_the_rest_valid():
    entry = SHIPPED.knowledge.entries[1]
    text = replace_item(TEXTS[entry.file], entry.line, None, item_id=entry.id)
    others = {name: body for name, body in TEXTS.items() if name != entry.file}
    result = load_texts({entry.file: text, **others})
    assert entry.id not in {e.id for e in result.knowledge.entries}
    assert len(result.knowledge.entries) == len(SHIPPED.knowledge.entries) - 1
    assert [p for p in result.errors if "related" not in p.key] == []  # only links to the removed entry break


def test_removing_the_last_item_of_a_list_leaves_an_empty_list_and_a_valid_file():
    text = "sources: []\n\nentries:\n  - id: only\n    questions: [Only?]\n    answer: a\n# the end\n"
    removed = replace_item(text, 4, None, item_id="only")
    assert removed == "sources: []\n\nentries: []\n# the end\n"
    result = load_texts({"k.yaml": removed})
    assert result.ok and result.knowledge.entries == ()
    record = {"id": "again", "questions": ["Again?"], "answer": "b"}
    assert load_texts({"k.yaml": append_item(removed, "entries", record)}).knowledge.entries[0].id == "again"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "# only a comment\n",
        "sources: []\nentries: []\n",
        "entries:\n  - id: a\n    questions: [A?]\n    answer: a\n",
    ],
)
def test_appending_an_entry_to_any_file_gives_valid_yaml(text):
    record = {"id": "new-one", "questions": ["New?", "new one"], "answer": "Yes: new.\nSecond line", "tags": ["x"]}
    result = load_texts({"k.yaml": append_item(text, "entries", record)})
    assert result.ok, result.errors
    added = result.knowledge.entries[-1]
    assert (added.id, added.questions, added.answer, added.tags) == (
        "new-one",
        ("New?", "new one"),
        "Yes: new.\nSecond line",
        ("x",),
    )


def test_a_stale_line_number_is_refused_and_never_rewrites_another_item():
    """redteam-3 D1: another process's save moved the entry, and the old line fell on a phrasing (a plain
    string: once `TypeError: 'str' object does not support item deletion`) or on another entry."""
    entry, neighbour = SHIPPED.knowledge.entries[0], SHIPPED.knowledge.entries[1]
    text = TEXTS[entry.file]
    phrasing_line = entry.line + 2  # `id:`, `questions:`, then its first phrasing
    assert text.splitlines()[phrasing_line - 1].lstrip().startswith("- ")
    record = entry_record(dataclasses.replace(entry, questions=(*entry.questions, "new")))
    stale = {
        "a phrasing": phrasing_line,
        "another entry": neighbour.line,
        "past the end": len(text.splitlines()) + 5,
        "the file's head": 1,
    }
    for where, line in stale.items():
        for new in (record, None):
            with pytest.raises(ItemMoved, match=entry.id if where != "past the end" else "past the end"):
                replace_item(text, line, new, item_id=entry.id)
