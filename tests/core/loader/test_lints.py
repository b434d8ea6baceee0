"""bot/core/loader/lints.py: what check adds: uncited entries, colliding phrasings, tags without a name."""

from bot.core.loader import (
    collisions,
    load_texts,
    uncited,
)
from bot.core.loader.lints import unnamed_topics
from bot.core.models import Severity


def test_uncited_entries_load_but_check_reports_them():
    result = load_texts({"a.yaml": "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n"})
    assert result.ok and len(result.knowledge.entries) == 1
    (problem,) = uncited(result.knowledge)
    assert problem.key == "x.sources" and problem.line == 2


def test_colliding_phrasings_warn_and_name_the_other_entry():
    text = (
        "entries:\n  - id: a\n    questions: [What is PESCO?]\n    answer: A\n"
        "  - id: b\n    questions: [what's pesco]\n    answer: B\n"
    )
    result = load_texts({"k.yaml": text})
    assert result.problems == []  # normalising every phrasing is check's job, not every load's
    (warning,) = collisions(result.knowledge)
    assert warning.severity is Severity.WARNING and "entry 'a'" in warning.message and warning.line == 5


TOPICS = "topics:\n  third-states: Non-EU partners\n  [a, b]: x\n  Bad Tag: y\n  pesco:\n"
ENTRY = "entries:\n  - id: x\n    questions: [Q?]\n    answer: A\n    tags: [third-states, unnamed, time-sensitive]\n"


def test_topics_name_tags_for_members_and_a_bad_one_is_a_file_line_problem():
    result = load_texts({"topics.yaml": TOPICS, "a.yaml": ENTRY})
    assert result.knowledge.topic_names == {"third-states": "Non-EU partners"}
    assert [(p.file, p.line) for p in result.errors] == [("topics.yaml", 3), ("topics.yaml", 4), ("topics.yaml", 5)]
    twice = load_texts({"t.yaml": "topics:\n  x: X\n", "u.yaml": "topics:\n  x: Y\n"})
    assert [(p.file, p.line, p.message) for p in twice.errors] == [("u.yaml", 2, "this tag is named twice")]


def test_check_warns_about_a_tag_members_would_see_without_a_name():
    knowledge = load_texts({"topics.yaml": "topics:\n  third-states: Non-EU partners\n", "a.yaml": ENTRY}).knowledge
    (warning,) = unnamed_topics(knowledge)
    assert (warning.severity, warning.file, warning.line) == (Severity.WARNING, "a.yaml", 2)
    assert "'unnamed'" in warning.message  # the moderators' flag time-sensitive is no topic
    assert unnamed_topics(load_texts({"a.yaml": ENTRY}).knowledge) == []  # no names at all: tags are shown as such
