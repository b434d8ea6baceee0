"""bot/core/loader/review_dates.py: partial dates, stale reviews and review-by dates."""

from bot.core.loader import (
    load_texts,
)
from bot.core.models import Severity

from .conftest import GOOD_SOURCE


def test_partial_dates_and_stale_reviews():
    text = (
        GOOD_SOURCE
        + "entries:\n  - id: x\n    questions: [Q?]\n    answer: A.[^s1]\n    sources: [s1]\n    reviewed: 2020-01-01\n"
    )
    result = load_texts({"a.yaml": text})
    assert result.ok
    assert result.knowledge.sources["s1"].date == "2024-11"
    (warning,) = result.problems
    assert warning.severity is Severity.WARNING and "over a year ago" in warning.message


def test_review_by_in_the_past_and_time_sensitive_without_one_warn():
    text = (
        GOOD_SOURCE
        + "entries:\n  - id: x\n    questions: [Q?]\n    answer: A.[^s1]\n"
        + "    sources: [s1]\n    review_by: 2026-01-01\n"
        + "  - id: y\n    questions: [R?]\n    answer: B.[^s1]\n    sources: [s1]\n    tags: [time-sensitive]\n"
        + "  - id: z\n    questions: [S?]\n    answer: C.[^s1]\n    sources: [s1]\n    tags: [time-sensitive]\n"
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
