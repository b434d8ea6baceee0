"""bot/core/index/bm25.py: the BM25 the ranking builds on is the named variant (Lucene idf, ATIRE tf), checked
against bm25s."""

from __future__ import annotations

import pytest

from bot.core.models import Entry

from .conftest import CORPUS, assert_bm25_as_bm25s


@pytest.mark.parametrize("query", ["pesco countries", "defence fund research", "eu nato members ireland", "army"])
def test_bm25_matches_bm25s_lucene_times_k1_plus_one(query):
    assert_bm25_as_bm25s([Entry(name, tuple(questions), "-") for name, questions in CORPUS.items()], {}, query)
