"""Plain data passed between the layers. Frozen so nothing downstream can mutate the knowledge."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .citations import strip_markers


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


def entry_texts(entries: Iterable[Entry]) -> list[str]:
    """The texts the matcher reads, in the one order everything built from them uses: each entry's questions,
    then its answer without its citation markers."""
    texts: list[str] = []
    for entry in entries:
        texts.extend(entry.questions)
        texts.append(strip_markers(entry.answer))  # a source's id is not what the entry says
    return texts


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
    synonym_files: tuple[str, ...] = ()  # the files that define synonyms or topic names (an edit there reloads all)
    topic_names: dict[str, str] = field(default_factory=dict)  # tag → the name members see ("Non-EU partners")

    # Pickled (the engine cache) as columns: 100,000 dataclass objects one by one are several times slower.
    def __getstate__(self) -> tuple[object, ...]:
        columns = tuple(zip(*(tuple(getattr(e, f.name) for f in fields(Entry)) for e in self.entries), strict=True))
        return columns, len(self.entries), self.sources, self.synonyms, self.synonym_files, self.topic_names

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        columns, count, sources, synonyms, synonym_files, topic_names = state
        rows: Iterable[tuple[Any, ...]] = zip(*columns, strict=True) if count else ()
        object.__setattr__(self, "entries", tuple(Entry(*row) for row in rows))
        object.__setattr__(self, "sources", sources)
        object.__setattr__(self, "synonyms", synonyms)
        object.__setattr__(self, "synonym_files", synonym_files)
        object.__setattr__(self, "topic_names", topic_names)


class Status(StrEnum):
    ANSWERED = "answered"
    SUGGEST = "suggest"
    CLOSEST = "closest"  # the question names something no entry explains: the closest entries, said as such
    NONE = "none"


class NoAnswer(StrEnum):
    """Why a question got no answer and no choices."""

    OFF_TOPIC = "off_topic"  # nothing in the knowledge is close
    NO_SUBJECT = "no_subject"  # "Is that true?", "How much?": it does not say what it is about


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
    topics: tuple[str, ...] = ()  # what the bot knows about, by the names members see (the off-topic reply)
    reason: NoAnswer | None = None  # set when status is NONE
    context: str | None = None  # a follow-up: the subject from earlier in the conversation it was matched with
    stated: str | None = None  # read with the member's own statements around it in the same message
    lacking: tuple[str, ...] = ()  # CLOSEST: the specific things asked about that no candidate explains

    @property
    def entry(self) -> Entry | None:
        return self.candidates[0].entry if self.status is Status.ANSWERED else None


MAX_ANSWERS = 3  # distinct entries answered for one message: more is a wall of text, not a reply


@dataclass(frozen=True, slots=True)
class Reply:
    """The answer to a whole message: one Answer per question found in it, in message order."""

    message: str
    parts: tuple[Answer, ...]

    @property
    def answers(self) -> tuple[Answer, ...]:
        """The answered parts, one per entry (the first part that reached it), at most MAX_ANSWERS."""
        return self._one_per_entry()[:MAX_ANSWERS]

    @property
    def left_out(self) -> tuple[Answer, ...]:
        """Answered parts past the MAX_ANSWERS shown, one per entry: named, so the member can ask them again on
        their own (never silently dropped)."""
        return self._one_per_entry()[MAX_ANSWERS:]

    def _one_per_entry(self) -> tuple[Answer, ...]:
        seen: dict[str, Answer] = {}
        for part in self.parts:
            if part.entry is not None:
                seen.setdefault(part.entry.id, part)
        return tuple(seen.values())

    @property
    def unsure(self) -> tuple[Answer, ...]:
        """Parts with did-you-mean choices, unless one of their choices is already answered."""
        answered = {a.entry.id for a in self.answers if a.entry is not None}
        return tuple(
            part
            for part in self.parts
            if part.status is Status.SUGGEST and not answered & {c.entry.id for c in part.candidates}
        )

    @property
    def closest(self) -> tuple[Answer, ...]:
        """Parts that name something no entry explains: the closest entries, said as such."""
        return tuple(part for part in self.parts if part.status is Status.CLOSEST)

    @property
    def shown(self) -> tuple[Answer, ...]:
        """What a reader sees, in message order: every answer, did-you-mean list and closest list; the parts
        that got nothing are listed apart (`unanswered`). With nothing matched, the primary part alone."""
        found = [*self.answers, *self.unsure, *self.closest]
        return tuple(sorted(found, key=self.parts.index)) or (self.primary,)

    @property
    def unanswered(self) -> tuple[Answer, ...]:
        """Parts that got nothing while others got something: the reply names them, moderators review them."""
        if not (self.answers or self.unsure or self.closest):
            return ()
        return tuple(part for part in self.parts if part.status is Status.NONE)

    @property
    def primary(self) -> Answer:
        """What a one-answer reader shows: the first answered part, else the first unsure one, else the first
        closest one, else the part with the best score."""
        return next(iter(self.answers or self.unsure or self.closest), None) or max(self.parts, key=lambda p: p.score)
