"""The search structure: built once from the entries, then asked many questions.

A question goes: terms (normalised, typos corrected against the vocabulary) → an inverted index
that scores, in one pass over the postings of the question's terms,
  - BM25 of each entry taken as one document (all its phrasings together),
  - how much of the question's weight each entry covers (words it does not know lower this),
  - the closest single phrasing of each entry (idf-weighted overlap, a nearest-neighbour signal)
→ a confidence on 0-100 from those, refined by rapidfuzz on the final few candidates.
Nothing compares the question with every phrasing; the work grows with the postings touched.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import pairwise

import numpy as np
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from .models import Candidate, Entry
from .normalize import FILLER, Normalizer, content_words, term

K1 = 1.2
B = 0.75
RESCORED = 8  # candidates that get the rapidfuzz refinement
CORRECTED_WEIGHT = 0.8  # a corrected typo counts a little less than the word itself
FILLER_WEIGHT = 0.3  # filler the knowledge does use ("tell me about...") still counts for little
# The answer text is a second, weaker field: members ask about facts that only the answer states
# ("kaja kallas", "17 billion"). It counts this much of a phrasing word, for BM25 and for coverage.
ANSWER_FIELD = 0.2
BIGRAM_WEIGHT = 0.3  # adjacent word pairs: "credit card" is more than "credit" and "card"
# A word the knowledge has never seen (after typo correction) says the question is about something
# else; it weighs this many times the rarest known word.
UNKNOWN_WEIGHT = 1.3
ANSWER_COVERAGE = 0.6

# Confidence = weighted mean of three signals, each on 0-1 (weights tuned on tests/data/eval.yaml
# and the CLINC150 validation split; see benchmarks/).
W_COVERAGE, W_NEIGHBOUR, W_FUZZY = 0.20, 0.60, 0.20
# Ranking adds the entry's BM25 relative to the best one: it knows every phrasing, not just one.
W_BM25_RANK = 30.0


def _bigrams(terms: tuple[str, ...]) -> list[str]:
    return [f"{a}_{b}" for a, b in pairwise(terms)]


class SpellingIndex:
    """Symmetric-delete lookup (as in SymSpell): unknown word → the nearest known word, without a scan."""

    def __init__(self, frequency: Mapping[str, int]) -> None:
        self._frequency = frequency
        self._deletes: dict[str, list[str]] = defaultdict(list)
        for word in frequency:
            if len(word) >= 4:
                for variant in self._variants(word):
                    self._deletes[variant].append(word)

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def correct(self, word: str) -> str | None:
        """The closest known word within 1 edit (2 for long words), most frequent first; None if none."""
        if word in self._frequency or len(word) < 3 or word.isdigit() or word in FILLER:
            return None
        limit = 1 if len(word) < 8 else 2
        best: tuple[int, int, str] | None = None
        for variant in self._variants(word):
            for known in self._deletes.get(variant, ()):
                distance = OSA.distance(word, known, score_cutoff=limit)  # a swap of two letters is one edit
                if distance <= limit:
                    rank = (distance, -self._frequency[known], known)
                    if best is None or rank < best:
                        best = rank
        return best[2] if best else None


class _PhrasingGroups:
    """The phrasings a question touched, grouped by entry: finds an entry's closest phrasing on demand."""

    def __init__(self, entries: np.ndarray, starts: np.ndarray, phrasing_ids: np.ndarray, overlap: np.ndarray) -> None:
        self.entries, self._starts, self._ids, self._overlap = entries, starts, phrasing_ids, overlap

    @classmethod
    def empty(cls) -> _PhrasingGroups:
        nothing = np.zeros(0, dtype=np.int32)
        return cls(nothing, nothing, nothing, np.zeros(0, dtype=np.float32))

    def best_phrasing(self, entry_number: int) -> int | None:
        position = int(np.searchsorted(self.entries, entry_number))
        if position >= len(self.entries) or self.entries[position] != entry_number:
            return None
        start = self._starts[position]
        end = self._starts[position + 1] if position + 1 < len(self._starts) else len(self._ids)
        return int(self._ids[start + int(np.argmax(self._overlap[start:end]))])


class Index:
    def __init__(self, entries: Sequence[Entry], synonyms: Mapping[str, Iterable[str]] | None = None) -> None:
        self.entries = tuple(entries)
        self.normalizer = Normalizer(synonyms)
        surface: Counter[str] = Counter({w: 0 for w in self.normalizer.synonym_words})
        entry_counts: dict[str, list[tuple[int, float, float]]] = defaultdict(list)  # (entry, tf, coverage factor)
        phrasing_postings: dict[str, list[int]] = defaultdict(list)
        phrasing_terms: list[tuple[str, ...]] = []
        phrasing_keys: list[str] = []  # sorted terms: what rapidfuzz compares, prepared once
        phrasing_entry: list[int] = []
        phrasing_question: list[int] = []
        lengths: list[float] = []

        for entry_number, entry in enumerate(self.entries):
            counts: Counter[str] = Counter()
            for question_number, question in enumerate(entry.questions):
                surface.update(content_words(question))
                unigrams = self.normalizer.terms(question)
                terms = tuple(dict.fromkeys([*unigrams, *_bigrams(unigrams)]))
                if not terms:
                    continue
                counts.update(terms)
                for t in terms:
                    phrasing_postings[t].append(len(phrasing_entry))
                phrasing_terms.append(terms)
                phrasing_keys.append(" ".join(sorted(set(unigrams))))
                phrasing_entry.append(entry_number)
                phrasing_question.append(question_number)
            answer_words = content_words(entry.answer)
            surface.update(answer_words)
            answer_counts = Counter(self.normalizer.terms(" ".join(answer_words)))
            combined = {t: counts.get(t, 0) + ANSWER_FIELD * answer_counts.get(t, 0) for t in counts | answer_counts}
            lengths.append(sum(combined.values()))
            for t, tf in combined.items():
                entry_counts[t].append((entry_number, tf, 1.0 if t in counts else ANSWER_COVERAGE))

        count = max(len(self.entries), 1)
        average = (sum(lengths) / count) or 1.0
        self._idf = {t: math.log(1 + (count - len(p) + 0.5) / (len(p) + 0.5)) for t, p in entry_counts.items()}
        # an unknown word is rarer than any known one: it weighs as a term no entry has
        self._unknown_idf = UNKNOWN_WEIGHT * math.log(1 + (count + 0.5) / 0.5)
        # per term: the entries holding it, their saturated BM25 tf part, and the phrasings holding it
        self._entry_postings: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for t, rows in entry_counts.items():
            ids = np.fromiter((e for e, _, _ in rows), dtype=np.int32, count=len(rows))
            tfs = np.fromiter((tf for _, tf, _ in rows), dtype=np.float32, count=len(rows))
            factors = np.fromiter((f for _, _, f in rows), dtype=np.float32, count=len(rows))
            norms = K1 * (1 - B + B * np.asarray([lengths[e] for e, _, _ in rows], dtype=np.float32) / average)
            self._entry_postings[t] = (ids, tfs * (K1 + 1) / (tfs + norms), factors)
        self._phrasing_postings = {t: np.asarray(p, dtype=np.int32) for t, p in phrasing_postings.items()}
        self._phrasing_keys = phrasing_keys
        self._first_phrasing = np.searchsorted(phrasing_entry, np.arange(len(self.entries)))
        self._phrasing_entry = np.asarray(phrasing_entry, dtype=np.int32)
        self._phrasing_question = np.asarray(phrasing_question, dtype=np.int32)
        self._phrasing_weight = np.asarray(
            [sum(self._idf[t] * (BIGRAM_WEIGHT if "_" in t else 1.0) for t in terms) for terms in phrasing_terms],
            dtype=np.float32,
        )
        self._spelling = SpellingIndex(surface)
        self._filler_terms = {term(w) for w in FILLER}

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def phrasing_count(self) -> int:
        return len(self._phrasing_entry)

    def _query_weights(self, question: str) -> tuple[dict[str, float], float, str]:
        """Question → {known term: weight}, the weight of all its terms (known or not) and their key."""
        corrected: set[str] = set()

        def correct(word: str) -> str:
            fixed = self._spelling.correct(word)
            if fixed is None:
                return word
            corrected.add(fixed)
            return fixed

        terms = self.normalizer.terms(question, correct)
        corrected_terms = {t for w in corrected for t in self.normalizer.terms(w)}
        weights: dict[str, float] = {}
        unknown: list[str] = []
        total = 0.0
        for t in dict.fromkeys(terms):
            idf = self._idf.get(t)
            if idf is None:
                if t not in self._filler_terms:
                    total += self._unknown_idf
                    unknown.append(t)
            else:
                if t in self._filler_terms:
                    idf *= FILLER_WEIGHT
                total += idf
                weights[t] = idf * (CORRECTED_WEIGHT if t in corrected_terms else 1.0)
        for bigram in dict.fromkeys(_bigrams(terms)):
            idf = self._idf.get(bigram)
            if idf is not None:  # a known phrase adds evidence; an unknown one says nothing new
                weights[bigram] = BIGRAM_WEIGHT * idf
                total += BIGRAM_WEIGHT * idf
        unigram_key = " ".join(sorted([*(t for t in weights if "_" not in t), *unknown]))
        return weights, total, unigram_key

    def search(self, question: str, limit: int = 3) -> list[Candidate]:
        """The best `limit` entries for a question, best first, each with a 0-100 confidence."""
        weights, total, query_key = self._query_weights(question)
        if not weights:
            return []
        size = len(self.entries)
        bm25 = np.zeros(size, dtype=np.float32)
        covered = np.zeros(size, dtype=np.float32)
        touched: list[np.ndarray] = []
        touched_weights: list[float] = []
        for t, weight in weights.items():
            ids, saturated, factors = self._entry_postings[t]
            bm25[ids] += weight * saturated
            covered[ids] += weight * factors
            phrasings = self._phrasing_postings.get(t)
            if phrasings is not None:
                touched.append(phrasings)
                touched_weights.append(weight)
        entry_ids = np.flatnonzero(bm25)

        # Nearest phrasing per entry: idf-weighted Dice overlap of the question with each phrasing.
        # Phrasings are numbered entry by entry, so sorted phrasing ids come grouped by entry.
        neighbour_of = np.zeros(size, dtype=np.float32)
        groups = _PhrasingGroups.empty()
        if touched:
            ids = np.concatenate(touched)
            lengths = np.fromiter((len(p) for p in touched), dtype=np.int64, count=len(touched))
            contributions = np.repeat(np.asarray(touched_weights, dtype=np.float32), lengths)
            if self.phrasing_count <= 64 * len(ids):  # dense: one pass over all phrasings beats a sort
                shared_all = np.bincount(ids, weights=contributions, minlength=self.phrasing_count)
                phrasing_ids = np.flatnonzero(shared_all)
                shared = shared_all[phrasing_ids]
            else:
                phrasing_ids, inverse = np.unique(ids, return_inverse=True)
                shared = np.bincount(inverse, weights=contributions)
            overlap = 2 * shared / (total + self._phrasing_weight[phrasing_ids])
            owners = self._phrasing_entry[phrasing_ids]
            starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
            groups = _PhrasingGroups(owners[starts], starts, phrasing_ids, overlap)
            neighbour_of[groups.entries] = np.maximum.reduceat(overlap, starts)
        neighbour = neighbour_of[entry_ids]
        coverage = covered[entry_ids] / total
        # until the fuzzy score is computed (below, for the few best), the overlap stands in for it
        confidence = W_COVERAGE * coverage + (W_NEIGHBOUR + W_FUZZY) * neighbour
        rank = 100 * confidence + W_BM25_RANK * bm25[entry_ids] / bm25[entry_ids].max()
        keep = max(RESCORED, limit)
        top = np.argpartition(-rank, keep)[:keep] if len(rank) > keep else np.arange(len(rank))

        refined: list[tuple[float, Candidate]] = []
        for i in top:
            entry_number = int(entry_ids[i])
            entry = self.entries[entry_number]
            best = groups.best_phrasing(entry_number)
            if best is None:  # matched through the answer only: compare with the canonical question
                best = int(self._first_phrasing[entry_number])
            question_text = entry.questions[self._phrasing_question[best]]
            similarity = fuzz.token_sort_ratio(query_key, self._phrasing_keys[best], processor=None) / 100
            score = 100 * (W_COVERAGE * coverage[i] + W_NEIGHBOUR * neighbour[i] + W_FUZZY * similarity)
            adjusted_rank = float(rank[i] + 100 * W_FUZZY * (similarity - neighbour[i]))
            refined.append((adjusted_rank, Candidate(entry, round(float(score), 1), question_text)))
        refined.sort(key=lambda item: item[0], reverse=True)
        return [candidate for _, candidate in refined[:limit]]
