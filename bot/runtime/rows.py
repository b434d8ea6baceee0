"""The runtime data's rows as the rest of the product takes them (renderers, cogs, pages): plain data, no SQL."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..core.models import Entry
from ..core.solved import SolvedThread
from ..core.store import EditAction


class ReviewReason(StrEnum):
    UNANSWERED = "unanswered"
    UNSURE = "unsure"
    LOW_CONFIDENCE = "low confidence"
    NOT_HELPFUL = "not helpful"
    SOLVED = "solved thread"  # a member marked a reply in a forum post as its solution
    LACKING = "names what the knowledge lacks"  # answered with the closest entries: "nothing on Japan specifically"


class ReviewState(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"  # shown again if asked again
    DISMISSED = "dismissed"  # never shown again


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: str
    user_id: int
    action: EditAction
    entry_id: str
    file: str
    before: Entry | None
    after: Entry | None
    undone: bool
    operation: int  # the id of the first row its edit wrote (a removal's unlink steps share it)


@dataclass(frozen=True)
class ReviewItem:
    question_key: str
    question: str
    count: int
    last_at: str
    best_entry: str | None
    best_score: float | None  # None for a 👎 vote, which has no score
    reason: ReviewReason
    thread: SolvedThread | None = None  # the solved thread it comes from (question, marked reply, link)
    link: str | None = None  # the message or forum post it was last asked in


@dataclass(frozen=True)
class Stats:
    most_asked: list[tuple[str, int]]
    votes: dict[str, tuple[int, int]]  # entry id → (helpful, not helpful)
    unanswered_open: int
