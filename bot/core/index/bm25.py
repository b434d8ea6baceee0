"""BM25 over entries, each entry one document: its phrasings' terms, plus its answer's as a weaker field. Lucene's
idf and ATIRE's term frequency, as bm25s's "lucene" method (weights.py says more; tests/core/index/test_bm25.py
checks the scores against bm25s)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from .analysis import Rows
from .arrays import counts, run_firsts
from .postings import Postings
from .weights import Weights

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .inverted_index import Index


def entry_documents(
    rows: Rows, entry_count: int, term_count: int, by_phrasing: Postings, weights: Weights
) -> tuple[Postings, np.ndarray]:
    """Each entry as one document: its phrasings' terms (`by_phrasing`: the phrasings' postings), plus its
    answer's as a weaker field. Returns the postings (values: term frequency, coverage factor) and each entry's
    length."""
    size = max(entry_count, 1)
    answer_of = np.repeat(np.arange(entry_count, dtype=np.int64), np.diff(rows.answer_starts))
    # (term, entry, field) keys, field 0 for a question's term and 1 for the answer's: runs of equal keys
    # count a field's term frequency, and a pair's question run comes before its answer run. The phrasing
    # postings are already in term order, and phrasings are numbered entry by entry, so the question keys
    # come sorted; a stable sort (timsort) then only merges two sorted runs, 3x faster than sorting all.
    posting_term = np.repeat(np.arange(len(by_phrasing.offsets) - 1, dtype=np.int64), np.diff(by_phrasing.offsets))
    question_keys = (posting_term * size + rows.phrasing_entry[by_phrasing.ids]) * 2
    answer_keys = np.sort((rows.answer_terms.astype(np.int64) * size + answer_of) * 2 + 1)
    keys, found = counts(np.concatenate([question_keys, answer_keys]))
    in_answer = (keys & 1).astype(bool)
    pairs = keys >> 1
    pair_starts = np.flatnonzero(run_firsts(pairs))
    field_weight = np.where(in_answer, weights.answer_field, 1.0)
    tf = np.add.reduceat(found * field_weight, pair_starts) if len(pairs) else np.zeros(0)
    factor = np.where(in_answer[pair_starts], weights.answer_coverage, 1.0)
    postings = Postings.from_sorted_keys(pairs[pair_starts], size, term_count, tf, factor)
    return postings, np.bincount(postings.ids, weights=tf, minlength=entry_count).astype(np.float32)


def idf(frequency: np.ndarray, count: int) -> np.ndarray:
    """Lucene's (as in bm25s), per term: `frequency` entries of `count` have it."""
    result: np.ndarray = np.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
    return result


def max_idf(count: int) -> float:
    """The idf of a term no entry has."""
    return math.log(1 + (count + 0.5) / 0.5)


def saturated(postings: Postings, lengths: np.ndarray, weights: Weights) -> np.ndarray:
    """BM25's saturated term frequency, computed once per posting."""
    norms = weights.k1 * (1 - weights.b + weights.b * lengths / ((lengths.mean() if len(lengths) else 1.0) or 1.0))
    tfs = postings.values[0]
    result: np.ndarray = tfs * (weights.k1 + 1) / (tfs + norms[postings.ids])
    return result


def scores(index: Index, terms: Sequence[str]) -> np.ndarray:
    """Plain BM25 of every entry for these index terms (each weighted by its idf alone): the component the
    ranking builds on."""
    result = np.zeros(len(index.entries))
    for name in terms:
        number = index.term_numbers.get(name)
        if number is not None:
            span = index.entry_postings.span(number)
            np.add.at(result, index.entry_postings.ids[span], index.idf[number] * index.saturated[span])
    return result
