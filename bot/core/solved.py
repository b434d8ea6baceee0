"""Forum threads a person marked as solved, as a small second knowledge base.

Each solved thread is a pseudo-entry — its title and the questions of its first message are the phrasings,
the reply marked as the solution is the answer text — and is matched by the same Engine as the curated
knowledge: there is no second matching code. Each server's threads get an engine of their own, so a thread
is never offered in another server. None of it enters the knowledge: a moderator may turn a solved thread
into an entry (`draft`), through the same validated form as any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .citations import cite_unmarked
from .engine import Engine, Thresholds
from .loader import MAX_ANSWER_CHARS, MAX_QUESTION_CHARS
from .models import Entry, Knowledge, Reply, Source, Status
from .questions import split_questions

EARLIER_THREADS = 3  # a new post lists at most this many earlier solved threads
THREAD_ENTRY_PREFIX = "thread-"
THREAD_SOURCE_PREFIX = "discord-thread-"
DRAFT_QUESTIONS = 5  # the questions a draft entry starts with: the title and the first message's


@dataclass(frozen=True, slots=True)
class SolvedThread:
    thread_id: int
    guild_id: int
    title: str  # the post's title
    question: str  # the post's first message
    answer: str  # the reply marked as the solution
    helper: str  # its author's name, as the server shows it
    url: str  # the thread's link
    publisher: str  # the server's name
    solved_at: str  # ISO 8601, when it was marked

    @property
    def questions(self) -> tuple[str, ...]:
        """The post's questions as the engine reads them (the title first), without repeats."""
        unique: dict[str, str] = {}
        for question in (self.title, *split_questions(self.question, self.title)):
            text = " ".join(question.split())
            if text:
                unique.setdefault(text.casefold(), text)
        return tuple(unique.values())

    @property
    def entry_id(self) -> str:
        return f"{THREAD_ENTRY_PREFIX}{self.thread_id}"

    def as_entry(self) -> Entry:
        return Entry(self.entry_id, self.questions or (self.title,), self.answer)


@dataclass(frozen=True, slots=True)
class Draft:
    """What the moderator's form starts from: the post's questions, the marked reply, and the thread as the
    source it cites (created together with the entry when the form is saved)."""

    questions: tuple[str, ...]
    answer: str
    source: Source


def draft(thread: SolvedThread) -> Draft:
    solved = dt.datetime.fromisoformat(thread.solved_at).date().isoformat() if thread.solved_at else None
    source = Source(
        f"{THREAD_SOURCE_PREFIX}{thread.thread_id}", thread.title, thread.url, thread.publisher or None, solved
    )
    questions = tuple(q for q in thread.questions if len(q) <= MAX_QUESTION_CHARS)[:DRAFT_QUESTIONS]
    # the reply is what the thread says: each of its paragraphs cites it (the loader requires a marker on each)
    return Draft(questions, cite_unmarked(thread.answer[:MAX_ANSWER_CHARS], [source.id]), source)


class SolvedIndex:
    """The solved threads of every server, each server's matched by an Engine of its own. Immutable: a thread
    solved or deleted builds a new one (off the event loop) that replaces this in one assignment."""

    def __init__(
        self,
        threads: Iterable[SolvedThread] = (),
        knowledge: Engine | None = None,
        thresholds: Thresholds | None = None,
    ) -> None:
        """`knowledge`: the curated knowledge's engine. Its synonyms serve here too, and it says which entries
        each thread's post is about, so that a thread is never offered on another entry's subject."""
        self.threads = {t.thread_id: t for t in threads}
        self.thresholds = thresholds or (knowledge.thresholds if knowledge else Thresholds())
        synonyms = knowledge.knowledge.synonyms if knowledge else {}
        self._subjects: dict[int, frozenset[str]] = {
            t.thread_id: _about(knowledge.answer_message(t.question, t.title)) if knowledge else frozenset()
            for t in self.threads.values()
        }
        by_guild: dict[int, list[Entry]] = {}
        for thread in self.threads.values():
            by_guild.setdefault(thread.guild_id, []).append(thread.as_entry())
        self._engines = {
            guild_id: Engine(Knowledge(tuple(entries), synonyms=dict(synonyms or {})), self.thresholds)
            for guild_id, entries in by_guild.items()
        }

    def __len__(self) -> int:
        return len(self.threads)

    def earlier(
        self,
        guild_id: int,
        message: str,
        title: str | None = None,
        *,
        answered: Reply | None = None,
        limit: int = EARLIER_THREADS,
    ) -> list[SolvedThread]:
        """This server's solved threads on the subject of a new post, best first: those the engine answers
        the post's questions with, then its close choices that explain enough of a question (many threads on
        one subject are alike, so the margin over the runner-up that answering needs is not asked). With
        `answered`, the curated knowledge's reply to the post: a thread whose post the knowledge answers with
        other entries is on another subject ("What is PESCO?" is not answered by a thread about Denmark's
        membership just because both say PESCO)."""
        engine = self._engines.get(guild_id)
        if engine is None:
            return []
        reply = engine.answer_message(message, title)
        found: list[str] = [part.entry.id for part in reply.answers if part.entry is not None]
        t = self.thresholds
        for part in reply.parts:
            if part.status is not Status.NONE:
                found += [c.entry.id for c in part.candidates if c.score >= t.answer and c.coverage >= t.coverage]
        subject = _about(answered) if answered else frozenset()
        by_entry = {thread.entry_id: thread for thread in self.threads.values()}
        threads = [by_entry[entry_id] for entry_id in dict.fromkeys(found) if entry_id in by_entry]
        return [t for t in threads if _same_subject(subject, self._subjects[t.thread_id])][:limit]


def _same_subject(post: frozenset[str], thread: frozenset[str]) -> bool:
    """Unless the knowledge places both on entries, and on different ones."""
    return not post or not thread or bool(post & thread)


def _about(reply: Reply) -> frozenset[str]:
    """The curated entries a post is about: those answering its questions, and the first choice of those it
    was unsure about."""
    return frozenset(part.entry.id for part in reply.answers if part.entry is not None) | frozenset(
        part.candidates[0].entry.id for part in reply.unsure if part.candidates
    )
