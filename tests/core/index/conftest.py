"""What the index's tests share: a small corpus, an entry as the index sees it, and the check against bm25s."""

from __future__ import annotations

from itertools import pairwise

import bm25s
import numpy as np

from bot.core.index import Index, Weights
from bot.core.models import Entry
from bot.core.normalize import content_words

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


def assert_bm25_as_bm25s(entries: list[Entry], synonyms: dict[str, tuple[str, ...]], query: str) -> None:
    weights = Weights()
    index = Index(entries, synonyms, weights=weights)
    reference = bm25s.BM25(method="lucene", k1=weights.k1, b=weights.b)
    reference.index([document(index, list(e.questions)) for e in entries], show_progress=False)
    terms = list(index.normalizer.terms(query))
    expected = (weights.k1 + 1) * reference.get_scores(terms)  # ATIRE's tf is (k1 + 1) times Lucene's
    assert np.allclose(index.bm25_scores(terms), expected, rtol=1e-5)
    assert expected.max() > 0
