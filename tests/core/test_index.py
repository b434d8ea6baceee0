"""bot/core/index.py: the BM25 it builds on is the named variant (Lucene idf, ATIRE tf), checked against
bm25s on a small corpus, and a question touches postings, not every phrasing."""

from __future__ import annotations

from itertools import pairwise

import bm25s
import numpy as np
import pytest

from bot.core.index import Index, Weights
from bot.core.loader import load_directory
from bot.core.models import Entry
from bot.core.normalize import content_words

from ..conftest import KNOWLEDGE

CORPUS = {
    "pesco": ["What is PESCO?", "pesco explained simply", "which countries are in pesco"],
    "edf": ["How big is the European Defence Fund?", "defence fund money for research"],
    "nato": ["Which EU countries are in NATO?", "nato members in the eu", "is ireland in nato"],
    "army": ["Does the EU have an army?", "eu army plans"],
}


def document(index: Index, questions: list[str]) -> list[str]:
    """An entry as the index sees it: each phrasing's distinct terms and adjacent pairs, phrasing by phrasing."""
    tokens: list[str] = []
    for question in questions:
        terms = index.normalizer.terms_of_words(content_words(question))
        tokens += sorted({*terms, *(f"{a}_{b}" for a, b in pairwise(terms))})
    return tokens


@pytest.mark.parametrize("query", ["pesco countries", "defence fund research", "eu nato members ireland", "army"])
def test_bm25_matches_bm25s_lucene_times_k1_plus_one(query):
    assert_bm25_as_bm25s([Entry(name, tuple(questions), "-") for name, questions in CORPUS.items()], {}, query)


SHIPPED = load_directory(KNOWLEDGE).knowledge


@pytest.mark.parametrize(
    "query",
    [
        "pesco members",
        "european defence fund budget",
        "eu-nato co-operation",
        "who's the high rep",
        "security action for europe loans",
    ],
)
def test_the_bulk_build_indexes_the_shipped_knowledge_as_phrasing_by_phrasing_normalisation_would(query):
    """The index normalises every distinct token once and assembles with numpy; the reference here goes phrasing
    by phrasing through the Normalizer (synonym phrases, hyphens, apostrophes and accents included)."""
    entries = [Entry(e.id, e.questions, "-") for e in SHIPPED.entries]  # "-": BM25 over the questions alone
    assert_bm25_as_bm25s(entries, SHIPPED.synonyms, query)
    index = Index(SHIPPED.entries, SHIPPED.synonyms)
    for entry in SHIPPED.entries:
        for question in entry.questions:
            assert (entry, question) in index.same_phrasing(question)


def assert_bm25_as_bm25s(entries: list[Entry], synonyms: dict[str, tuple[str, ...]], query: str) -> None:
    weights = Weights()
    index = Index(entries, synonyms, weights=weights)
    reference = bm25s.BM25(method="lucene", k1=weights.k1, b=weights.b)
    reference.index([document(index, list(e.questions)) for e in entries], show_progress=False)
    terms = list(index.normalizer.terms(query))
    expected = (weights.k1 + 1) * reference.get_scores(terms)  # ATIRE's tf is (k1 + 1) times Lucene's
    assert np.allclose(index.bm25_scores(terms), expected, rtol=1e-5)
    assert expected.max() > 0


def answers(index: Index, questions: list[str]) -> list[list[tuple[str, float, str, float]]]:
    return [
        [(c.entry.id, c.score, c.matched_question, c.coverage) for c in index.search(question, 4)]
        for question in questions
    ]


PROBES = [
    "what is pesco",
    "which countries are in nato",
    "edf research money",
    "does the eu have an army",
    "new zorblax initiative",
    "is ireland in pesco or nato",
    "pesko countries",
]


def test_an_edited_index_answers_exactly_as_a_fresh_one_after_random_edit_sequences():
    import random

    rng = random.Random(11)
    entries = [Entry(name, tuple(questions), f"About {name}.") for name, questions in CORPUS.items()]
    index = Index(entries)
    words = "zorblax initiative pesco nato fund army ireland research members new plans money eu".split()
    for step in range(40):
        kind = rng.choice(["alias", "answer", "add", "remove", "replace"])
        position = rng.randrange(len(entries)) if entries else 0
        phrase = " ".join(rng.sample(words, 3))
        if kind == "alias" and entries:
            e = entries[position]
            entries[position] = Entry(e.id, (*e.questions, phrase), e.answer)
        elif kind == "answer" and entries:
            e = entries[position]
            entries[position] = Entry(e.id, e.questions, f"{e.answer} {phrase}")
        elif kind == "add":
            entries.insert(position, Entry(f"new-{step}", (f"what is {phrase}", phrase), f"It is {phrase}."))
        elif kind == "remove" and len(entries) > 1:
            entries.pop(position)
        elif entries:
            e = entries[position]
            entries[position] = Entry(e.id, (phrase,), e.answer)
        index = index.updated(entries)
        assert answers(index, PROBES) == answers(Index(entries), PROBES), (step, kind)
