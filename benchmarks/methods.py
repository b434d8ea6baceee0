"""The engine and the two baselines a user would otherwise reach for, behind one small interface."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.engine import Engine
from bot.core.index import Weights
from bot.core.models import Knowledge, Status


@dataclass(frozen=True)
class Prediction:
    entry_id: str | None  # the best entry, whatever its score
    score: float  # that entry's score on the method's own scale
    abstained: bool | None = None  # the method's own "none" outcome, where it has one


class EngineMethod:
    """The engine as shipped: the lexical index with the trained classifier mixed in (where it trains)."""

    name = "engine"
    weights = Weights()

    def __init__(self, knowledge: Knowledge) -> None:
        self.engine = Engine(knowledge, weights=self.weights)

    def predict(self, question: str) -> Prediction:
        best = self.engine.candidates(question, 1)
        abstained = self.engine.ask(question).status is Status.NONE
        return Prediction(best[0].entry.id, best[0].score, abstained) if best else Prediction(None, 0.0, abstained)

    def predict_message(self, message: str) -> Prediction:
        """The utterance as a member's message (what `ask --json` and Discord do): read into its questions
        (statements as context, references, comparisons), and the entry ranked first for the part the reply
        leads with, whatever its confidence — the same measure as `predict`, through the message path."""
        primary = self.engine.answer_message(message).primary
        around = primary.stated or primary.context
        read = f"{around}\n{primary.question}" if around else primary.question
        best = self.engine.candidates(read, 1)
        abstained = primary.status is Status.NONE
        return Prediction(best[0].entry.id, best[0].score, abstained) if best else Prediction(None, 0.0, abstained)

    def top(self, question: str) -> str | None:
        """The timed path: what answering costs (`Engine.ask`), nothing more."""
        answer = self.engine.ask(question)
        return answer.candidates[0].entry.id if answer.candidates else None


class LexicalEngineMethod(EngineMethod):
    """The engine without the classifier: the lexical index alone."""

    name = "engine-lexical"
    weights = Weights(classifier=False)


class BM25Method:
    """bm25s with one document per entry (all its phrasings concatenated): the stronger BM25 setup."""

    name = "bm25s"

    def __init__(self, knowledge: Knowledge) -> None:
        import bm25s

        self._bm25s = bm25s
        self.ids = [entry.id for entry in knowledge.entries]
        corpus = [" ".join(entry.questions) for entry in knowledge.entries]
        self.retriever = bm25s.BM25()
        self.retriever.index(bm25s.tokenize(corpus, stopwords="en", show_progress=False), show_progress=False)

    def predict_many(self, questions: Sequence[str]) -> list[Prediction]:
        tokens = self._bm25s.tokenize(list(questions), stopwords="en", show_progress=False)
        # n_threads=0: in this thread (1 would start a thread pool on every call, a few ms each)
        docs, scores = self.retriever.retrieve(tokens, k=1, show_progress=False, n_threads=0)
        return [Prediction(self.ids[int(d[0])], float(s[0])) for d, s in zip(docs, scores, strict=True)]

    def predict(self, question: str) -> Prediction:
        return self.predict_many([question])[0]

    def top(self, question: str) -> str | None:
        return self.predict(question).entry_id


class RapidfuzzMethod:
    """rapidfuzz process.extractOne with token_set_ratio over every phrasing: the linear scan. The choices are
    prepared once (default_process at build time) and each question once, then matched with processor=None:
    the same scores as passing processor=default_process, without processing every choice on every call."""

    name = "rapidfuzz"

    def __init__(self, knowledge: Knowledge) -> None:
        from rapidfuzz import fuzz, process, utils

        self._extract, self._scorer, self._processor = process.extractOne, fuzz.token_set_ratio, utils.default_process
        self.choices = [self._processor(q) for entry in knowledge.entries for q in entry.questions]
        self.owners = [entry.id for entry in knowledge.entries for _ in entry.questions]

    def predict(self, question: str) -> Prediction:
        found = self._extract(self._processor(question), self.choices, scorer=self._scorer, processor=None)
        return Prediction(self.owners[found[2]], float(found[1])) if found else Prediction(None, 0.0)

    def top(self, question: str) -> str | None:
        return self.predict(question).entry_id


METHODS = {m.name: m for m in (EngineMethod, LexicalEngineMethod, BM25Method, RapidfuzzMethod)}
