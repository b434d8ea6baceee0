"""The one validator: every problem at once, each with file, line and key."""

from pathlib import Path

import pytest

from bot.core.loader import (
    MAX_ANSWER_CARD_CHARS,
    MAX_ANSWER_CHARS,
    MAX_ID_CHARS,
    MAX_PUBLISHER_CHARS,
    MAX_QUESTION_CHARS,
    MAX_SOURCE_TITLE_CHARS,
    MAX_TAG_CHARS,
    MAX_URL_CHARS,
    collisions,
    load_directory,
    load_texts,
    uncited,
)
from bot.core.models import Severity

from ..conftest import KNOWLEDGE

GOOD_SOURCE = """
sources:
  - id: s1
    title: A source
    url: https://example.org/a
    publisher: Someone
    date: 2024-11
"""


def messages(result):
    return [(p.file, p.line, p.key, p.message) for p in result.errors]


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


def test_yaml_syntax_error_names_file_and_line():
    result = load_texts({"a.yaml": "entries:\n  - id: x\n    questions: [a\n"})
    ((file, line, _, message),) = messages(result)
    assert file == "a.yaml" and line == 4 and "YAML syntax error" in message


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
    answer: fine
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


def test_an_id_longer_than_the_id_rule_allows_is_refused():
    long_id = "a" * (MAX_ID_CHARS + 1)
    text = f"entries:\n  - id: {long_id}\n    questions: [Q?]\n    answer: A\n"
    ((_, line, key, message),) = messages(load_texts({"a.yaml": text}))
    assert (line, key) == (2, "entries[0].id") and f"limit is {MAX_ID_CHARS}" in message


def test_duplicate_ids_across_files_point_at_the_first():
    entry = "entries:\n  - id: same\n    questions: [Q?]\n    answer: A\n"
    found = messages(load_texts({"a.yaml": entry, "b.yaml": entry}))
    assert found == [("b.yaml", 2, "entries[0].id", "duplicate id 'same' (first at a.yaml:2)")]


def test_over_long_answer_and_unknown_top_level_key():
    text = f"entriez: []\nentries:\n  - id: long\n    questions: [Q?]\n    answer: {'x' * (MAX_ANSWER_CHARS + 1)}\n"
    found = messages(load_texts({"a.yaml": text}))
    assert any(key == "entriez" and "unknown key" in m for _, _, key, m in found)
    assert any(key == "long.answer" and "limit is 1800" in m for _, _, key, m in found)


def test_missing_fields_and_wrong_types():
    text = "entries:\n  - id: x\n  - questions: notalist\n    answer: [1, 2]\n"
    found = messages(load_texts({"a.yaml": text}))
    assert ("a.yaml", 2, "x.questions", "missing: at least one question is required") in found
    assert ("a.yaml", 2, "x.answer", "missing") in found
    assert ("a.yaml", 3, "entries[1].id", "missing") in found
    assert ("a.yaml", 3, "entries[1].questions", "expected a list") in found
    assert ("a.yaml", 4, "entries[1].answer", "expected text") in found


def test_uncited_entries_load_but_check_reports_them():
    result = load_texts({"a.yaml": "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n"})
    assert result.ok and len(result.knowledge.entries) == 1
    (problem,) = uncited(result.knowledge)
    assert problem.key == "x.sources" and problem.line == 2


def test_partial_dates_and_stale_reviews():
    text = (
        GOOD_SOURCE
        + "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    sources: [s1]\n    reviewed: 2020-01-01\n"
    )
    result = load_texts({"a.yaml": text})
    assert result.ok
    assert result.knowledge.sources["s1"].date == "2024-11"
    (warning,) = result.problems
    assert warning.severity is Severity.WARNING and "over a year ago" in warning.message


def test_colliding_phrasings_warn_and_name_the_other_entry():
    text = (
        "entries:\n  - id: a\n    questions: [What is PESCO?]\n    answer: A\n"
        "  - id: b\n    questions: [what's pesco]\n    answer: B\n"
    )
    result = load_texts({"k.yaml": text})
    assert result.problems == []  # normalising every phrasing is check's job, not every load's
    (warning,) = collisions(result.knowledge)
    assert warning.severity is Severity.WARNING and "entry 'a'" in warning.message and warning.line == 5


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("reviewed: 2026-02-30", "expected an ISO date like 2026-11-01, got '2026-02-30'"),
        ("reviewed: !custom 2026-01-01", "unsupported YAML tag '!custom'"),
        ("reviewed: !!python/name:os.system", "unsupported YAML tag 'tag:yaml.org,2002:python/name:os.system'"),
        ("answer: *anchor", "YAML aliases"),
    ],
)
def test_hand_edited_values_are_file_line_problems_not_crashes(value, message):
    text = f"entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    {value}\n"
    found = [(p.line, p.message) for p in load_texts({"a.yaml": text}).problems]
    assert any(line == 5 and message in text_ for line, text_ in found), found


def test_missing_directory_and_empty_directory(tmp_path: Path):
    assert "not found" in load_directory(tmp_path / "nope").errors[0].message
    assert "no *.yaml" in load_directory(tmp_path).errors[0].message


def test_review_by_in_the_past_and_time_sensitive_without_one_warn():
    text = (
        GOOD_SOURCE
        + "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    sources: [s1]\n    review_by: 2026-01-01\n"
        + "  - id: y\n    questions: [R?]\n    answer: B\n    sources: [s1]\n    tags: [time-sensitive]\n"
        + "  - id: z\n    questions: [S?]\n    answer: C\n    sources: [s1]\n    tags: [time-sensitive]\n"
        + "    review_by: 2027-06-01\n"
    )
    import datetime as dt

    result = load_texts({"a.yaml": text}, today=dt.date(2026, 12, 1))
    assert result.ok
    assert result.knowledge.entries[0].review_by == dt.date(2026, 1, 1)
    warnings = {(p.key, p.message) for p in result.problems}
    assert warnings == {
        ("x.review_by", "due for review since 2026-01-01"),
        ("y.review_by", "tagged time-sensitive but has no review_by date"),
    }


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


def test_an_answer_too_long_to_show_with_its_sources_is_refused_at_its_line():
    sources = "".join(
        f"  - {{id: s{n}, title: {'T' * 150}, url: https://example.org/{'p' * 200}, publisher: {'P' * 60}}}\n"
        for n in range(8)
    )
    cited = ", ".join(f"s{n}" for n in range(8))
    entry = f"entries:\n  - id: e\n    questions: [Q?]\n    sources: [{cited}]\n    answer: {'a' * 1800}\n"
    found = messages(load_texts({"a.yaml": "sources:\n" + sources + entry}))
    assert [(line, key) for _, line, key, _ in found] == [(14, "e.answer")]
    assert f"Discord shows at most {MAX_ANSWER_CARD_CHARS}" in found[0][3] and "8 sources" in found[0][3]
    fewer = entry.replace(f"[{cited}]", "[s0, s1, s2]")
    assert messages(load_texts({"a.yaml": "sources:\n" + sources + fewer})) == []
