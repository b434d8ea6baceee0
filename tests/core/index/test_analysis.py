"""bot/core/index/analysis.py: the bulk build indexes as phrasing-by-phrasing normalisation would."""

from __future__ import annotations

import pytest

from bot.core.index import Index
from bot.core.loader import load_directory
from bot.core.models import Entry

from ...conftest import KNOWLEDGE
from .conftest import assert_bm25_as_bm25s

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
