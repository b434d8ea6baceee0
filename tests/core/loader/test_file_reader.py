"""bot/core/loader/file_reader.py: one file read against the schema, every problem at once."""

from bot.core.loader import (
    load_texts,
)

from .conftest import GOOD_SOURCE, messages


def test_every_problem_is_reported_at_once():
    text = (
        GOOD_SOURCE
        + """
  - id: Bad_Id
    title: t
    url: javascript:alert(1)
entries:
  - id: one
    questions: []
    answer: ""
    colour: red
  - id: two
    questions: [What?]
    answer: fine[^nope]
    sources: [nope]
    related: [missing]
    reviewed: yesterday
"""
    )
    found = messages(load_texts({"k.yaml": text}))
    keys = {key: (line, message) for _, line, key, message in found}
    assert "slug" in keys["sources[1].id"][1]
    assert "http" in keys["sources[1].url"][1] and keys["sources[1].url"][0] == 11
    assert keys["one.questions"][1] == "must list at least one question"
    assert keys["one.answer"][1] == "must not be empty"
    assert "unknown key" in keys["entries[0].colour"][1]
    assert keys["two.sources"] == (20, "unknown source id 'nope'")
    assert keys["two.related"] == (21, "unknown entry id 'missing'")
    assert "ISO date" in keys["two.reviewed"][1]
    assert len(found) == 8


def test_duplicate_keys_in_an_entry_are_reported():
    text = "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    answer: B\n"
    found = messages(load_texts({"a.yaml": text}))
    assert ("a.yaml", 5, "entries[0].answer", "duplicate key") in found


def test_missing_fields_and_wrong_types():
    text = "entries:\n  - id: x\n  - questions: notalist\n    answer: [1, 2]\n"
    found = messages(load_texts({"a.yaml": text}))
    assert ("a.yaml", 2, "x.questions", "missing: at least one question is required") in found
    assert ("a.yaml", 2, "x.answer", "missing") in found
    assert ("a.yaml", 3, "entries[1].id", "missing") in found
    assert ("a.yaml", 3, "entries[1].questions", "expected a list") in found
    assert ("a.yaml", 4, "entries[1].answer", "expected text") in found
