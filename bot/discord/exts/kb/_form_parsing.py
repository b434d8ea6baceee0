"""What a moderator typed into a /kb form → the Entry or Source the store validates. No discord import:
the validator (bot.core.loader) decides what is acceptable; this only reads the fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ....core.loader import MAX_ID_CHARS, SLUG, parse_date
from ....core.models import Entry, Problem, Source
from ....core.store import EditRefused

# Words that say nothing about an entry, left out of an id made from its first question.
_ID_FILLER = frozenset({"what", "is", "the", "a", "an", "of", "does", "do"})
ID_FALLBACK = "entry"


def slug_from(question: str, taken: Callable[[str], bool]) -> str:
    """A new entry id from its first question: lower-case words joined by hyphens, made unique, within the
    id rule's length (room is left for a "-2" suffix)."""
    words = re.findall(r"[a-z0-9]+", question.lower())
    room = MAX_ID_CHARS - len("-99")
    base = "-".join(w for w in words if w not in _ID_FILLER)[:room].strip("-") or ID_FALLBACK
    candidate, number = base, 2
    while taken(candidate):
        candidate, number = f"{base}-{number}", number + 1
    assert SLUG.match(candidate) and len(candidate) <= MAX_ID_CHARS
    return candidate


def _ids(text: str) -> tuple[str, ...]:
    return tuple(part for part in re.split(r"[,\s]+", text) if part)


def parse_entry_form(
    entry_id: str,
    questions: str,
    answer: str,
    sources: str,
    tags: str = "",
    related: tuple[str, ...] = (),
    reviewed: dt.date | None = None,
    review_by: str = "",
) -> Entry:
    """The add/edit form's fields → an Entry (whatever it holds; the store's validation judges it). A
    review-by date that is not a date is refused here, worded as the loader words it."""
    try:
        review_date = parse_date(review_by) if review_by.strip() else None
    except ValueError as error:
        raise EditRefused([Problem("", 0, f"{entry_id.strip()}.review_by", str(error))]) from None
    return Entry(
        id=entry_id.strip(),
        questions=tuple(q.strip() for q in questions.splitlines() if q.strip()),
        answer=answer.strip(),
        sources=_ids(sources),
        tags=tuple(t.strip().lower() for t in tags.split(",") if t.strip()),
        related=related,
        reviewed=reviewed or dt.datetime.now(dt.UTC).date(),
        review_by=review_date,
    )


def parse_source_form(source_id: str, title: str, url: str, publisher: str, date: str) -> Source:
    return Source(source_id.strip(), title.strip(), url.strip(), publisher.strip() or None, date.strip() or None)
