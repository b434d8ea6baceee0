"""What `python -m bot check` reports beyond loading's problems: entries that cite no source, phrasings two
entries share after normalisation (collisions; an edit asks the index about its own phrasings), tags without
the name members see, and the audit warnings (audit.py)."""

from __future__ import annotations

import datetime as dt

from ..models import Entry, Knowledge, Problem, Severity
from ..normalize import Normalizer
from .audit import audit
from .review_dates import TIME_SENSITIVE_TAG


def check_lints(knowledge: Knowledge, today: dt.date | None = None, *, complete: bool = True) -> list[Problem]:
    """Everything `check` adds to loading's problems. They need the whole knowledge (or normalise every
    phrasing), so a moderator's edit does not wait for them. `complete`: False while a file cannot be read,
    when a source its entries cite would look unused."""
    today = today or dt.datetime.now(dt.UTC).date()
    found = uncited(knowledge) + collisions(knowledge) + unnamed_topics(knowledge)
    return found + audit(knowledge, today, complete=complete)


def uncited(knowledge: Knowledge) -> list[Problem]:
    """The shipped knowledge must cite every entry; the engine itself does not insist."""
    return [
        Problem(e.file, e.line, f"{e.id}.sources", "entry cites no source") for e in knowledge.entries if not e.sources
    ]


def unnamed_topics(knowledge: Knowledge) -> list[Problem]:
    """Once the knowledge names its topics (`topics:`), a tag members would see without a name is worth a line."""
    if not knowledge.topic_names:
        return []
    first_use: dict[str, tuple[str, int, str]] = {}
    for e in knowledge.entries:
        for tag in e.tags:
            first_use.setdefault(tag, (e.file, e.line, e.id))
    return [
        Problem(file, line, f"{entry_id}.tags", f"tag {tag!r} has no name under `topics:`", Severity.WARNING)
        for tag, (file, line, entry_id) in first_use.items()
        if tag not in knowledge.topic_names and tag != TIME_SENSITIVE_TAG  # a flag for moderators, not a topic
    ]


def collision_message(question: str, other_question: str, other_id: str) -> str:
    return f"{question!r} collides with {other_question!r} of entry {other_id!r}"


def collisions(knowledge: Knowledge) -> list[Problem]:
    """Phrasings two entries share after normalisation: the matcher cannot tell those entries apart. (It
    normalises every phrasing, so `check` asks for it; an edit asks the index about its own phrasings.)"""
    warnings: list[Problem] = []
    normalizer = Normalizer(knowledge.synonyms)
    owner: dict[str, tuple[Entry, str]] = {}
    for entry in knowledge.entries:
        for question in entry.questions:
            key = normalizer.phrasing_key(question)
            if not key:
                continue
            seen = owner.setdefault(key, (entry, question))
            if seen[0].id != entry.id:
                message = collision_message(question, seen[1], seen[0].id)
                warnings.append(Problem(entry.file, entry.line, f"{entry.id}.questions", message, Severity.WARNING))
    return warnings
