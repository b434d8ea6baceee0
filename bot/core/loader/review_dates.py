"""Review dates: entries whose facts need checking (/kb stale, the moderators' weekly digest), and the warnings
`check` gives for reviews over a year old, review-by dates passed and time-sensitive entries without one."""

from __future__ import annotations

import datetime as dt

from ..models import Entry, Knowledge, Problem, Severity

# An entry with this tag states facts that change (counts, office-holders, budgets): it needs a review_by date.
TIME_SENSITIVE_TAG = "time-sensitive"


STALE_AFTER = dt.timedelta(days=365)


def due_for_review(knowledge: Knowledge, until: dt.date) -> list[Entry]:
    """Entries whose facts need checking by `until`: review_by on or before it, or tagged time-sensitive with
    no review_by at all (those first). For /kb stale and the moderators' weekly digest."""
    due = [e for e in knowledge.entries if e.review_by is None and TIME_SENSITIVE_TAG in e.tags]
    dated = [e for e in knowledge.entries if e.review_by is not None and e.review_by <= until]
    return due + sorted(dated, key=lambda e: (e.review_by, e.id))


def review_warnings(knowledge: Knowledge, today: dt.date) -> list[Problem]:
    """Reviews over a year old, review-by dates passed, and time-sensitive entries without one."""
    warnings: list[Problem] = []

    def warn(entry: Entry, key: str, message: str) -> None:
        warnings.append(Problem(entry.file, entry.line, f"{entry.id}.{key}", message, Severity.WARNING))

    for entry in knowledge.entries:
        if entry.reviewed and today - entry.reviewed > STALE_AFTER:
            warn(entry, "reviewed", f"last reviewed {entry.reviewed.isoformat()}, over a year ago")
        if entry.review_by and entry.review_by < today:
            warn(entry, "review_by", f"due for review since {entry.review_by.isoformat()}")
        elif entry.review_by is None and TIME_SENSITIVE_TAG in entry.tags:
            warn(entry, "review_by", f"tagged {TIME_SENSITIVE_TAG} but has no review_by date")
    return warnings
