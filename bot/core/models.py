"""Plain data passed between the layers. Frozen so nothing downstream can mutate the knowledge."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    title: str
    url: str
    publisher: str | None = None
    date: str | None = None  # ISO 8601, as precise as the source is: 2017-12-11, 2024-11 or 2013
    file: str = ""
    line: int = 0


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    reviewed: dt.date | None = None  # when a person last checked the entry against its sources
    review_by: dt.date | None = None  # when its time-sensitive facts need checking again
    file: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        """The first question is the canonical one shown as the answer's title."""
        return self.questions[0]


# The keys a knowledge file may give an entry or a source: the fields above, less where they were read from.
_POSITION = ("file", "line")
ENTRY_KEYS = tuple(f.name for f in fields(Entry) if f.name not in _POSITION)
SOURCE_KEYS = tuple(f.name for f in fields(Source) if f.name not in _POSITION)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int
    key: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        """The full form `check` prints: file:line: severity [key]: message."""
        where = f"{self.file}:{self.line}" if self.line else self.file
        key = f" [{self.key}]" if self.key else ""
        return f"{where}: {self.severity}{key}: {self.message}"

    def short(self) -> str:
        """The form a moderator reads after an edit: the key and the message, no file."""
        return f"{self.key}: {self.message}" if self.key else self.message


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything loaded from a knowledge directory, already cross-checked."""

    entries: tuple[Entry, ...]
    sources: dict[str, Source] = field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)


class Status(StrEnum):
    ANSWERED = "answered"
    SUGGEST = "suggest"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Candidate:
    """One ranked entry for a question, with the phrasing that matched it best."""

    entry: Entry
    score: float  # confidence, 0-100 (see index.py for how it is made)
    matched_question: str
    coverage: float = 1.0  # share of the question's weight this entry explains, 0-1


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    status: Status
    candidates: tuple[Candidate, ...]  # the answered entry, or the did-you-mean choices; empty for none
    score: float = 0.0  # confidence of the best match found, even when it was too weak to offer
    citations: tuple[Source, ...] = ()
    related: tuple[Entry, ...] = ()
    topics: tuple[str, ...] = ()  # what the bot knows about, for the off-topic reply

    @property
    def entry(self) -> Entry | None:
        return self.candidates[0].entry if self.status is Status.ANSWERED else None
