"""bot/core/loader/lints.py: what check adds: uncited entries, colliding phrasings."""

from bot.core.loader import (
    collisions,
    load_texts,
    uncited,
)
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
