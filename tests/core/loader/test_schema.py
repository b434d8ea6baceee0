"""bot/core/loader/schema.py: the id rule, the dates and the text limits."""

import pytest

from bot.core.loader import (
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MAX_PUBLISHER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_TAG_CHARS,
    MAX_URL_CHARS,
    load_texts,
)

from .conftest import messages


def test_an_id_longer_than_the_id_rule_allows_is_refused():
    long_id = "a" * (MAX_ID_CHARS + 1)
    text = f"entries:\n  - id: {long_id}\n    questions: [Q?]\n    answer: A\n"
    ((_, line, key, message),) = messages(load_texts({"a.yaml": text}))
    assert (line, key) == (2, "entries[0].id") and f"limit is {MAX_ID_CHARS}" in message


def test_over_long_answer_and_unknown_top_level_key():
    text = f"entriez: []\nentries:\n  - id: long\n    questions: [Q?]\n    answer: {'x' * (MAX_ANSWER_CHARS + 1)}\n"
    found = messages(load_texts({"a.yaml": text}))
    assert any(key == "entriez" and "unknown key" in m for _, _, key, m in found)
    assert any(key == "long.answer" and "limit is 1800" in m for _, _, key, m in found)


@pytest.mark.parametrize(
    ("questions", "tags", "key", "limit"),
    [
        (f"[Q?, {'q' * (MAX_QUESTION_CHARS + 1)}]", "[]", "e.questions[1]", MAX_QUESTION_CHARS),
        ("[Q?]", f"[ok, {'t' * (MAX_TAG_CHARS + 1)}]", "e.tags[1]", MAX_TAG_CHARS),
    ],
)
def test_over_long_phrasings_and_tags_name_file_line_and_limit(questions, tags, key, limit):
    text = f"entries:\n  - id: e\n    questions: {questions}\n    tags: {tags}\n    answer: A\n"
    found = messages(load_texts({"a.yaml": text}))
    line = 4 if key.startswith("e.tags") else 3
    assert [(n, k) for _, n, k, _ in found] == [(line, key)] and f"the limit is {limit}" in found[0][3]


@pytest.mark.parametrize(
    ("field", "limit"), [("title", MAX_SOURCE_TITLE_CHARS), ("url", MAX_URL_CHARS), ("publisher", MAX_PUBLISHER_CHARS)]
)
def test_over_long_source_fields_are_refused(field, limit):
    fields = {"title": "T", "url": "https://example.org/a", "publisher": "P"}
    fields[field] = ("https://example.org/" if field == "url" else "") + "x" * (limit + 1)
    lines = "".join(f"    {name}: {text}\n" for name, text in fields.items())
    found = messages(load_texts({"a.yaml": f"sources:\n  - id: s1\n{lines}"}))
    assert len(found) == 1 and found[0][2] == f"sources.s1.{field}" and f"the limit is {limit}" in found[0][3]
