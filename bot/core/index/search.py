"""Search: a question → its weighted terms (typos corrected; words no entry has count against it) → candidates
from the postings of its rarer terms, with BM25, the share of the question each explains and its closest
phrasing → a confidence on 0-100, refined by rapidfuzz on the final few and mixed with the classifier's.
Nothing compares the question with every phrasing; the work grows with the postings touched."""

from __future__ import annotations

from itertools import pairwise
from typing import TYPE_CHECKING

import numpy as np
from rapidfuzz import fuzz

from ..language import zipf
from ..models import Candidate
from ..normalize import FILLER, content_words, words
from .arrays import run_firsts
from .phrasing_keys import phrasing_key
from .postings import positions, sum_by_id, sums_at
from .rarity import word_rarity

if TYPE_CHECKING:
    from .inverted_index import Index

# Array methods (a.repeat, a.argmax…) rather than numpy's functions here and in postings.py: each function call
# goes through a Python wrapper, and a question makes about fifteen (3,000 entries: 0.30 → 0.28 ms a message).
RESCORED = 4  # candidates that get the rapidfuzz refinement
# In a large knowledge base, a term found in more than this share of entries (and more than
# COMMON_MIN_DF of them) does not bring in candidates of its own: walking its postings would cost more
# than everything else, and an entry matching only such words is never the best answer.
COMMON_SHARE = 0.02
# 1,000 rather than 2,000: at 3,000 entries template words in a third of the entries stop bringing in
# candidates, 1.3x faster per question, the same best answer for all of 2,000 benchmark questions (a
# runner-up differed for 1.5% of them; `python -m benchmarks speed`).
COMMON_MIN_DF = 1_000
# A question that is one of the entry's phrasings word for word (same terms: overlap and fuzzy score 1)
# keeps the index's own confidence: the classifier spreads its confidence over entries phrased alike.
WORD_FOR_WORD = 0.999


def common_df(entry_count: int) -> int:
    """Terms in more entries than this only rescore candidates found through rarer terms."""
    return max(COMMON_MIN_DF, int(COMMON_SHARE * entry_count))


class PhrasingGroups:
    """The phrasings a question touched, grouped by entry (ids ascending): finds an entry's closest one
    on demand (only the few final candidates ever ask)."""

    def __init__(self, phrasing_ids: np.ndarray, owners: np.ndarray, overlap: np.ndarray) -> None:
        self._starts = run_firsts(owners).nonzero()[0]
        self.entries = owners[self._starts]
        self.best_overlap = np.maximum.reduceat(overlap, self._starts) if len(owners) else overlap
        self._ids, self._overlap = phrasing_ids, overlap

    def best_phrasing(self, group: int) -> int:
        """The closest phrasing of the entry at this position of `entries`."""
        start = self._starts[group]
        end = self._starts[group + 1] if group + 1 < len(self._starts) else len(self._ids)
        return int(self._ids[start + int(self._overlap[start:end].argmax())])


def query_weights(index: Index, question: str) -> tuple[dict[int, float], float, str, list[str]]:
    """Question → {known term number: weight}, the weight of all its terms (known or not), the sorted
    words rapidfuzz compares, and the terms no entry has."""
    w = index.weights
    corrected: set[str] = set()

    def correct(word: str) -> str:
        if word in FILLER or zipf(word) >= w.keep_word_zipf:
            return word
        fixed = index.spelling.correct(word)
        if fixed is None:
            return word
        corrected.add(fixed)
        return fixed

    terms, surfaces = index.normalizer.terms_and_words(content_words(question), correct)
    corrected_terms = {t for w in corrected for t in index.normalizer.terms(w)}
    weights: dict[int, float] = {}
    known: list[str] = []
    unknown: list[str] = []
    total = 0.0
    for t, word in dict(zip(terms, surfaces, strict=True)).items():
        number = index.known(t)
        if number is None:
            if t not in index.filler_terms:
                total += w.unknown * index.blend(1.0, word_rarity(w, word))
                unknown.append(t)
            continue
        weight = float(index.term_weight[number]) * (w.filler if t in index.filler_terms else 1.0)
        total += weight
        weights[number] = weight * (w.corrected if t in corrected_terms else 1.0)
        known.append(t)
    for number in index.vocabulary.pair_numbers_of(dict.fromkeys(pairwise(terms))):
        if number is not None and index.entry_postings.frequency(number):  # a known phrase adds evidence;
            # an unknown one says nothing new
            weights[number] = w.bigram * float(index.term_weight[number])
            total += weights[number]
    return weights, total, " ".join(sorted([*known, *unknown])), unknown


def search(index: Index, question: str, limit: int = 3) -> list[Candidate]:
    """The best `limit` entries for a question, best first, each with a 0-100 confidence."""
    w = index.weights
    weights, total, query_key, _ = query_weights(index, question)
    if not weights:
        return []
    entries, phrasings = index.entry_postings, index.phrasing_postings
    # Candidates come from the rarer terms; very common ones (in a big knowledge base) only add
    # their weight to those candidates, found by binary search instead of walking long postings.
    driving = {n: w for n, w in weights.items() if entries.frequency(n) <= index.common_df} or weights
    common = {n: w for n, w in weights.items() if n not in driving}

    spans = [entries.span(n) for n in driving]
    driving_weights = np.fromiter(driving.values(), dtype=np.float64, count=len(driving))
    repeated = driving_weights.repeat([span.stop - span.start for span in spans])
    entry_ids, (bm25, covered) = sum_by_id(
        np.concatenate([entries.ids[span] for span in spans]),
        [
            repeated * np.concatenate([index.saturated[span] for span in spans]),
            repeated * np.concatenate([index.coverage_factor[span] for span in spans]),
        ],
        len(index.entries),
    )
    if common:
        more_bm25, more_covered = sums_at(
            entries, common, entry_ids, [index.saturated, index.coverage_factor], len(index.entries)
        )
        bm25, covered = bm25 + more_bm25, covered + more_covered

    # Nearest phrasing per entry: idf-weighted Dice overlap of the question with each phrasing.
    # Phrasings are numbered entry by entry, so sorted phrasing ids come grouped by entry.
    touched = [phrasings.ids[phrasings.span(n)] for n in driving]
    contributions = driving_weights.repeat([len(t) for t in touched])
    phrasing_ids, (shared,) = sum_by_id(np.concatenate(touched), [contributions], index.phrasing_count)
    if common:
        shared = shared + sums_at(phrasings, common, phrasing_ids, [None], index.phrasing_count)[0]
    overlap = 2 * shared / (total + index.phrasing_weight[phrasing_ids])
    groups = PhrasingGroups(phrasing_ids, index.phrasing_entry[phrasing_ids], overlap)
    neighbour = np.zeros(len(entry_ids), dtype=np.float32)
    group = positions(groups.entries, entry_ids, len(index.entries))  # each candidate's in groups.entries
    has_group = group >= 0
    neighbour[has_group] = groups.best_overlap[group[has_group]]
    coverage = covered / total
    # until the fuzzy score is computed (below, for the few best), the overlap stands in for it
    shares = w.coverage_share + w.neighbour_share + w.fuzzy_share
    confidence = (w.coverage_share * coverage + (w.neighbour_share + w.fuzzy_share) * neighbour) / shares
    rank = 100 * confidence + w.bm25_rank * bm25 / bm25.max()
    lexical_share = 1.0
    probability = index.classifier.probabilities(words(question)) if index.classifier else None
    if probability is not None:
        lexical_share = 1 - w.classifier_rank
        rank = lexical_share * rank + w.classifier_rank * 100 * probability[entry_ids]
    keep = max(RESCORED, limit)
    top = (-rank).argpartition(keep)[:keep] if len(rank) > keep else np.arange(len(rank))

    refined: list[tuple[float, Candidate]] = []
    # the few finalists as plain floats: numpy scalars make arithmetic in a Python loop several times slower
    finalists = zip(
        entry_ids[top].tolist(),
        group[top].tolist(),
        rank[top].tolist(),
        coverage[top].tolist(),
        neighbour[top].tolist(),
        strict=True,
    )
    for entry_number, group_i, rank_i, coverage_i, neighbour_i in finalists:
        entry = index.entries[entry_number]
        # no phrasing touched: matched through the answer only, so compare with the canonical question
        best = groups.best_phrasing(group_i) if group_i >= 0 else int(index.first_phrasing[entry_number])
        question_text = entry.questions[index.phrasing_question[best]]
        similarity = fuzz.token_sort_ratio(query_key, phrasing_key(index, best), processor=None) / 100
        mean = w.coverage_share * coverage_i + w.neighbour_share * neighbour_i + w.fuzzy_share * similarity
        score = 100 * mean / shares
        adjusted_rank = rank_i + lexical_share * 100 * w.fuzzy_share * (similarity - neighbour_i) / shares
        if probability is not None and min(similarity, neighbour_i) < WORD_FOR_WORD:
            score = (1 - w.classifier_score) * score + w.classifier_score * 100 * float(probability[entry_number])
        refined.append((adjusted_rank, Candidate(entry, round(score, 1), question_text, round(coverage_i, 3))))
    refined.sort(key=lambda item: item[0], reverse=True)
    return [candidate for _, candidate in refined[:limit]]
