"""The engine: one immutable snapshot of the knowledge and its index, and the rule that turns ranked
candidates into one of three outcomes — answered, did-you-mean, or off-topic — with citations as plain data."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from .conversation import Context
from .index import Index, Weights
from .loader import TIME_SENSITIVE_TAG
from .memory import collector_paused
from .models import Answer, Candidate, Entry, Knowledge, NoAnswer, Reply, Status
from .normalize import TextTerms
from .questions import MAX_MESSAGE_CHARS, asks, has_subject, split_questions

# Tags that organise the knowledge for moderators, not topics a member browses.
HIDDEN_TAGS = frozenset({TIME_SENSITIVE_TAG})


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When to answer, suggest or abstain. Confidence is on 0-100 (see index.py). The defaults were
    chosen with `python -m benchmarks tune` on the tuning part of tests/data/eval.yaml."""

    answer: float = 31.0  # answer only at or above this confidence...
    margin: float = 6.0  # ...and this far ahead of the runner-up
    suggest: float = 31.0  # below this, nothing is close enough to offer
    max_suggestions: int = 3
    coverage: float = 0.4  # ...and only if the entry explains this share of the question's words

    def __post_init__(self) -> None:
        if not 0 <= self.suggest <= self.answer <= 100:  # noqa: PLR2004 - the confidence scale
            raise ValueError("thresholds need 0 <= suggest <= answer <= 100")
        if self.margin < 0 or not 1 <= self.max_suggestions <= 5 or not 0 <= self.coverage <= 1:  # noqa: PLR2004
            raise ValueError("margin must be >= 0, max_suggestions between 1 and 5, min_coverage between 0 and 1")


class Engine:
    """Edits build a new Engine and swap it in; readers keep the one they started with."""

    def __init__(
        self,
        knowledge: Knowledge,
        thresholds: Thresholds | None = None,
        weights: Weights | None = None,
        *,
        index: Index | None = None,
        text_terms: TextTerms | None = None,
    ) -> None:
        """`text_terms`: the entries' texts already made terms by the loader (LoadResult.text_terms)."""
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        if index is None:
            with collector_paused():
                index = Index(knowledge.entries, knowledge.synonyms, weights, text_terms=text_terms)
        self.index = index
        self._by_id = {entry.id: entry for entry in knowledge.entries}
        self._tag_counts = Counter(tag for entry in knowledge.entries for tag in entry.tags if tag not in HIDDEN_TAGS)
        self.topics: tuple[str, ...] = tuple(tag for tag, _ in self._tag_counts.most_common())

    def updated(self, knowledge: Knowledge) -> Engine:
        """The engine of an edited knowledge set with the same synonyms: only what changed is indexed again."""
        assert knowledge.synonyms == self.knowledge.synonyms, "synonyms changed: build a new Engine"
        with collector_paused():
            index = self.index.updated(knowledge.entries)
        return Engine(knowledge, self.thresholds, index=index)

    def entry(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def entries_tagged(self, tag: str) -> list[Entry]:
        return [entry for entry in self.knowledge.entries if tag in entry.tags]

    def topic_counts(self) -> list[tuple[str, int]]:
        """Each topic (tag) with its number of entries, most entries first."""
        return [(tag, self._tag_counts[tag]) for tag in self.topics]

    def candidates(self, question: str, limit: int) -> list[Candidate]:
        """The best `limit` entries for a question, whatever their confidence (autocomplete, /kb why)."""
        return self.index.search(question, limit=limit)

    def answer_message(self, message: str, title: str | None = None, *, context: Context | None = None) -> Reply:
        """Every question in a member's message (a forum post's title is its first line), each matched on
        its own; in a conversation, with the `context` of its previous answer (see `ask`)."""
        message = message[:MAX_MESSAGE_CHARS]
        questions = split_questions(message, title) or [message]
        return Reply(message, tuple(self.ask(question, context) for question in questions))

    def ask(self, question: str, context: Context | None = None) -> Answer:
        """One question. A question with no subject of its own ("Is that true?") is never matched alone: any
        entry would be a guess.

        In a conversation, `context` (`context_of` the previous reply) decides what such a question is about:
        - with no subject at all ("is that still true?", "why not?", "how much is it?"), it asks about the
          previous answer itself: that entry is answered again (if it still exists);
        - not answered on its own, but every word of it known to the knowledge ("when did they join?", "how
          much money does it have?"), it is matched again with the previous subject's words before it: kept
          if that answers it, or, when it got choices alone, if that offers choices;
        - answered on its own ("what about Switzerland?"), off-topic with words the knowledge lacks ("who won
          the football?"), or not a question at all ("thanks!"), it stands alone: the context never turns
          small talk into an answer.
        Measured on the follow-ups in tests/core/test_engine.py: the subject's words beat the previous
        question or the entry's title, which drag the earlier entry back in ("when was it launched?"). The
        classifier's confidence leaves vague follow-ups below the choices' threshold on their own, so "no
        choices" alone no longer means off-topic; a word the knowledge has never seen still does."""
        alone = self._ask(question)
        if context is None or alone.status is Status.ANSWERED or not asks(question):
            return alone
        if alone.reason is NoAnswer.OFF_TOPIC and self.index.unknown_terms(question):
            return alone
        if alone.reason is NoAnswer.NO_SUBJECT:
            again = self.answer_entry(context.entry_id, question) if context.entry_id else None
            if again is not None:
                return replace(again, context=context.subject)
        if not context.subject:
            return alone
        within = self._ask(f"{context.subject} {question}")
        accepted = {Status.ANSWERED} if alone.reason is NoAnswer.OFF_TOPIC else {Status.ANSWERED, Status.SUGGEST}
        if within.status not in accepted:
            return alone  # nothing (better) even with the context: never a guess
        return replace(within, question=question, context=context.subject)

    def _ask(self, question: str) -> Answer:
        if not has_subject(question):
            return Answer(question, Status.NONE, (), 0.0, topics=self.topics, reason=NoAnswer.NO_SUBJECT)
        return self.decide(question, self.index.search(question, limit=max(self.thresholds.max_suggestions, 2)))

    def decide(self, question: str, candidates: list[Candidate]) -> Answer:
        """The rule (as RoboDanny's fuzzy.py: answer only when the best clearly beats the rest): answered
        if the best is confident enough, clearly ahead of every other candidate, and explains enough of
        the question; else up to max_suggestions choices if any is plausible; else off-topic."""
        t = self.thresholds
        top = candidates[0] if candidates else None
        runner_up = max((c.score for c in candidates[1:]), default=0.0)
        if top and top.score >= t.answer and top.score - runner_up >= t.margin and top.coverage >= t.coverage:
            return self.answer_with(question, top)
        plausible = tuple(
            sorted(
                (c for c in candidates[: t.max_suggestions] if c.score >= t.suggest),
                key=lambda c: c.score,
                reverse=True,
            )
        )
        best = top.score if top else 0.0
        if plausible:
            return Answer(question, Status.SUGGEST, plausible, best, topics=self.topics)
        return Answer(question, Status.NONE, (), best, topics=self.topics, reason=NoAnswer.OFF_TOPIC)

    def answer_with(self, question: str, candidate: Candidate) -> Answer:
        """The answer for one chosen entry: also what a did-you-mean click shows."""
        entry = candidate.entry
        citations = tuple(self.knowledge.sources[s] for s in entry.sources if s in self.knowledge.sources)
        related = tuple(r for r in (self._by_id.get(i) for i in entry.related) if r is not None)
        return Answer(question, Status.ANSWERED, (candidate,), candidate.score, citations, related, self.topics)

    def answer_entry(self, entry_id: str, question: str = "") -> Answer | None:
        entry = self._by_id.get(entry_id)
        if entry is None:
            return None
        return self.answer_with(question or entry.title, Candidate(entry, 100.0, entry.title))
