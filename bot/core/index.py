"""The search structure: built once from the entries, then asked many questions.

A question goes: terms and adjacent-term pairs (normalised, typos corrected against the vocabulary)
→ an inverted index that scores, in one pass over the postings of those terms,
  - BM25 of each entry taken as one document (all its phrasings together),
  - how much of the question's weight each entry covers (words it does not know lower this),
  - the closest single phrasing of each entry (idf-weighted overlap, a nearest-neighbour signal)
→ a confidence on 0-100 from those, refined by rapidfuzz on the final few candidates,
→ mixed, where the knowledge is small enough to train one, with a linear classifier's (classifier.py).
Nothing compares the question with every phrasing; the work grows with the postings touched.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Literal, TypeVar, overload

import numpy as np
from rapidfuzz import fuzz

from . import classifier as linear_classifier
from .citations import strip_markers
from .language import zipf
from .models import Candidate, Entry, entry_texts
from .normalize import FILLER, Normalizer, TextTerms, content_words, run_starts, term, words
from .spelling import SpellingIndex

RESCORED = 4  # candidates that get the rapidfuzz refinement
REMEMBERED_KEYS = 100_000  # phrasing keys kept (~8 MB); then forgotten all at once
_Float = TypeVar("_Float", float, np.ndarray)


@dataclass(frozen=True, slots=True)
class Weights:
    """Every tuned number of the matcher. `python -m benchmarks tune` searches the marked ones on the tuning
    part of tests/data/eval.yaml; the defaults are what it chose (README, "How matching works")."""

    # BM25 as in bm25s's "lucene" method: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), and ATIRE's term
    # frequency tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / mean length)), which ranks exactly as
    # Lucene's (it is (k1 + 1) times it); tests/core/test_index.py checks the scores against bm25s.
    # k1 and b are the customary values; the tuning grid moved nothing by more than a point.
    k1: float = 1.2
    b: float = 0.75
    # The answer text is a second, weaker field: members ask about facts only the answer states ("kaja
    # kallas", "17 billion"). A word found only there counts this much of a phrasing word (tuned):
    answer_field: float = 0.2  # in BM25's term frequency
    answer_coverage: float = 0.6  # in how much of the question an entry explains
    bigram: float = 0.3  # adjacent word pairs: "credit card" is more than "credit" and "card" (tuned)
    corrected: float = 0.8  # a corrected typo counts a little less than the word itself (tuned)
    filler: float = 0.3  # filler the knowledge does use ("tell me about...") counts for little (tuned)
    # A word the knowledge has never seen (after typo correction) says the question is about something
    # else; it weighs this many times a known word of the same rarity (tuned).
    unknown: float = 1.0
    # Word weights. A term's idf says how rare it is in this knowledge; with a few hundred phrasings that is
    # a noisy estimate ("deal", used once, looks as telling as "pesco"). It is blended with the word's
    # rarity in general English (language.py), leaning on English the fewer phrasings there are:
    #     weight = idf_max * (P * idf / idf_max + english_prior * english) / (P + english_prior)
    # P = number of phrasings; english is 0 for words as common as common_zipf, 1 for words as rare as
    # rare_zipf, linear between (all three tuned).
    english_prior: float = 3000.0
    common_zipf: float = 5.5
    rare_zipf: float = 3.0
    keep_word_zipf: float = 3.5  # a real English word this common is never "corrected" ("bot" is not "both")
    # Confidence = weighted mean of coverage, nearest-phrasing overlap and rapidfuzz similarity, each 0-1
    # (shares tuned; they are divided by their sum, so the mean stays on 0-100); ranking adds the entry's
    # BM25 relative to the best one (it knows every phrasing).
    coverage_share: float = 0.30
    neighbour_share: float = 0.60
    fuzzy_share: float = 0.20
    bm25_rank: float = 20.0
    # The linear classifier trained on the phrasings (classifier.py), where the knowledge is small enough:
    # its 0-1 confidence takes these shares of the ranking and of the confidence. Chosen on validation data
    # only (CLINC150's validation split, BANKING77 training phrasings held out of training; `python -m
    # benchmarks accuracy` compares `engine` with `engine-lexical`, the same without it).
    classifier: bool = True
    classifier_rank: float = 0.4
    classifier_score: float = 0.5


# In a large knowledge base, a term found in more than this share of entries (and more than
# COMMON_MIN_DF of them) does not bring in candidates of its own: walking its postings would cost more
# than everything else, and an entry matching only such words is never the best answer.
COMMON_SHARE = 0.02
# 1,000 rather than 2,000: at 3,000 entries template words in a third of the entries stop bringing in
# candidates, 1.3x faster per question, the same best answer for all of 2,000 benchmark questions (a
# runner-up differed for 1.5% of them; `python -m benchmarks speed`).
COMMON_MIN_DF = 1_000
DENSE_RATIO = 16  # see _sum_by_id and _positions
# _sums_at's cost model, in ids counted by a bincount: a term's binary-search pass costs as much as counting
# SEARCH_PASS_COST ids, plus LOOKUP_COST per target looked up. Median per question (best of 5 rounds over 800
# `python -m benchmarks speed` questions), always searching / always counting / this model: 3,000 entries
# 0.329 / 0.288 / 0.294 ms, 100,000 entries 1.27 / 1.60 / 1.34 ms (halving both constants: 0.305 / 1.26).
SEARCH_PASS_COST = 2500
LOOKUP_COST = 30
# A question that is one of the entry's phrasings word for word (same terms: overlap and fuzzy score 1)
# keeps the index's own confidence: the classifier spreads its confidence over entries phrased alike.
WORD_FOR_WORD = 0.999


class _PhrasingGroups:
    """The phrasings a question touched, grouped by entry (ids ascending): finds an entry's closest one
    on demand (only the few final candidates ever ask)."""

    def __init__(self, phrasing_ids: np.ndarray, owners: np.ndarray, overlap: np.ndarray) -> None:
        self._starts = np.flatnonzero(_run_firsts(owners))
        self.entries = owners[self._starts]
        self.best_overlap = np.maximum.reduceat(overlap, self._starts) if len(owners) else overlap
        self._ids, self._overlap = phrasing_ids, overlap

    def best_phrasing(self, group: int) -> int:
        """The closest phrasing of the entry at this position of `entries`."""
        start = self._starts[group]
        end = self._starts[group + 1] if group + 1 < len(self._starts) else len(self._ids)
        return int(self._ids[start + int(np.argmax(self._overlap[start:end]))])


@dataclass(frozen=True, slots=True)
class _Postings:
    """Postings of every term in flat arrays (CSR layout): term number → a slice. Ids ascend in a slice."""

    offsets: np.ndarray  # term t's postings are [offsets[t], offsets[t + 1])
    ids: np.ndarray
    values: tuple[np.ndarray, ...] = ()

    @classmethod
    def from_sorted_keys(cls, keys: np.ndarray, id_count: int, term_count: int, *values: np.ndarray) -> _Postings:
        """From ascending keys term * id_count + id (values in the same order): no reordering needed."""
        terms, ids = np.divmod(keys, id_count)
        offsets = np.zeros(term_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=term_count), out=offsets[1:])
        return cls(offsets, ids.astype(np.int32), tuple(np.asarray(v, dtype=np.float32) for v in values))

    @classmethod
    def build(cls, terms: np.ndarray, ids: np.ndarray, id_count: int, term_count: int) -> _Postings:
        """From (term, id) pairs in any order. Sorting packed int64 keys is several times faster than a
        stable argsort of the terms (numpy 2.x, millions of postings)."""
        keys = np.sort(terms.astype(np.int64) * max(id_count, 1) + ids)
        return cls.from_sorted_keys(keys, max(id_count, 1), term_count)

    def span(self, number: int) -> slice:
        return slice(int(self.offsets[number]), int(self.offsets[number + 1]))

    def frequency(self, number: int) -> int:
        return int(self.offsets[number + 1] - self.offsets[number])


def _members(sorted_ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of `wanted` occur in `sorted_ids`, and where: a vectorised binary search."""
    if len(sorted_ids) == 0:
        return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
    where = np.minimum(np.searchsorted(sorted_ids, wanted), len(sorted_ids) - 1)
    return sorted_ids[where] == wanted, where


def _positions(sorted_ids: np.ndarray, wanted: np.ndarray, universe: int) -> np.ndarray:
    """Where each of `wanted` is in `sorted_ids`, -1 where absent: through a table over the whole id range
    when the wanted are many against it (a question of common words at 100,000 entries: 0.3 ms instead of
    2.5), else by binary search."""
    if universe <= DENSE_RATIO * len(wanted):
        table = np.full(universe, -1, dtype=np.int64)
        table[sorted_ids] = np.arange(len(sorted_ids))
        found: np.ndarray = table[wanted]
        return found
    hit, where = _members(sorted_ids, wanted)
    return np.where(hit, where, -1)


def _sum_by_id(ids: np.ndarray, values: list[np.ndarray], universe: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct ids (ascending) and, for each values array, its sum per id. Counting over the whole
    id range is faster while the ids are many; sorting them is, once they are few."""
    if universe <= DENSE_RATIO * len(ids):  # values are positive, so a sum of zero means "absent"
        sums = [np.bincount(ids, weights=v, minlength=universe) for v in values]
        distinct = np.flatnonzero(sums[0] > 0)  # on a bool array: several times faster than on floats
        return distinct, [total[distinct] for total in sums]
    distinct, inverse = _distinct(ids, inverse=True)
    return distinct, [np.bincount(inverse, weights=v, minlength=len(distinct)) for v in values]


def _sums_at(
    postings: _Postings,
    terms: dict[int, float],
    targets: np.ndarray,
    values: list[np.ndarray | None],
    universe: int,
) -> list[np.ndarray]:
    """For each values array (one value per posting; None: 1 for each), the sum over `terms` of the term's
    weight times its value at each of `targets` (ascending ids; 0 where a term's postings lack it): the common
    terms' long postings. Either counted over the whole id range (one bincount over the universe and the
    postings) or term by term with a binary search per target, whichever the cost model below expects to be
    cheaper."""
    spans = [postings.span(number) for number in terms]
    sizes = [span.stop - span.start for span in spans]
    if universe + sum(sizes) <= len(terms) * (SEARCH_PASS_COST + LOOKUP_COST * len(targets)):
        ids = np.concatenate([postings.ids[span] for span in spans])
        weights = np.repeat(np.fromiter(terms.values(), dtype=np.float64, count=len(terms)), sizes)
        return [
            np.bincount(
                ids,
                weights=weights if v is None else weights * np.concatenate([v[s] for s in spans]),
                minlength=universe,
            )[targets]
            for v in values
        ]
    sums = [np.zeros(len(targets)) for _ in values]
    for weight, span in zip(terms.values(), spans, strict=True):
        hit, where = _members(postings.ids[span], targets)
        for total, v in zip(sums, values, strict=True):
            total[hit] += weight if v is None else weight * v[span][where[hit]]
    return sums


@dataclass(frozen=True, slots=True)
class _Rows:
    """What the index is built from, entry by entry, in flat arrays: each phrasing's distinct terms (and
    adjacent pairs), each answer's terms, and the words behind them. Normalising text is the slow part of
    a build; an edit re-reads only the entries that changed and splices their rows in (Index.updated)."""

    phrasing_terms: np.ndarray  # int32: the term numbers of every phrasing, phrasing after phrasing
    phrasing_starts: np.ndarray  # int64, one more than phrasings: phrasing p's terms are [starts[p], starts[p+1])
    phrasing_entry: np.ndarray  # int32: the entry of each phrasing (phrasings are numbered entry by entry)
    phrasing_question: np.ndarray  # int32: which of its entry's questions it is
    first_phrasing: np.ndarray  # int64, one more than entries: entry e's phrasings are [first[e], first[e+1])
    answer_terms: np.ndarray  # int32: every answer's terms, entry after entry
    answer_starts: np.ndarray  # int64, one more than entries
    surface: Counter[str]  # every word of the questions and answers, counted: the spelling index's vocabulary


_PAIR_SHIFT = 32  # a pair of adjacent words is known by its two term numbers packed: first << 32 | second
_LOW_BITS = (1 << _PAIR_SHIFT) - 1


@dataclass(slots=True)
class _Vocabulary:
    """Every term numbered as it is first met (a number only names a term: the order means nothing): words by
    name, pairs of adjacent words by their two words' numbers packed in one int, in sorted numpy arrays (a
    100,000-entry knowledge has 500,000 pairs: as a dict of ints and lists of their words they took 77 MB, now
    12 MB, which matters while an edit holds two engines). An edited index copies it and numbers on; the
    arrays are never changed in place, so copies share them."""

    numbers: dict[str, int]
    names: list[str]  # number → the word ("" for a pair)
    pair_keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # ascending
    pair_numbers: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # of each key

    def __len__(self) -> int:
        return len(self.names)

    def number_of(self, name: str) -> int:
        number = self.numbers.get(name)
        if number is None:
            number = self.numbers[name] = len(self.names)
            self.names.append(name)
        return number

    def number_pairs(self, keys: np.ndarray) -> np.ndarray:
        """The numbers of distinct pairs given as ascending packed keys; new ones are numbered on."""
        found, position = self._find(keys)
        new = found < 0
        found[new] = len(self.names) + np.arange(int(new.sum()))
        self.names.extend([""] * int(new.sum()))
        self.pair_keys = np.insert(self.pair_keys, position[new], keys[new])
        self.pair_numbers = np.insert(self.pair_numbers, position[new], found[new])
        return found

    def pair_numbers_of(self, pairs: Iterable[tuple[str, str]]) -> list[int | None]:
        """The numbers of these pairs of terms (None for a pair never seen): a question's few pairs, so one
        binary search in numpy and plain Python around it (5 µs; the vectorised _find costs 7)."""
        get = self.numbers.get
        keys = []
        for a, b in pairs:
            first, second = get(a), get(b)
            keys.append(first << _PAIR_SHIFT | second if first is not None and second is not None else -1)
        pair_keys, size = self.pair_keys, len(self.pair_keys)
        return [
            int(self.pair_numbers[at]) if at < size and pair_keys[at] == key else None
            for key, at in zip(keys, pair_keys.searchsorted(keys).tolist(), strict=True)
        ]

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each key's pair number (-1 if unknown) and where it is, or would go, in pair_keys."""
        position = np.searchsorted(self.pair_keys, keys)
        match = position < len(self.pair_keys)
        match[match] = self.pair_keys[position[match]] == keys[match]
        found = np.full(len(keys), -1, dtype=np.int64)
        found[match] = self.pair_numbers[position[match]]
        return found, position

    def pair_words(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every pair's number and its two words' numbers."""
        return self.pair_numbers, self.pair_keys >> _PAIR_SHIFT, self.pair_keys & _LOW_BITS

    def copy(self) -> _Vocabulary:
        return _Vocabulary(dict(self.numbers), list(self.names), self.pair_keys, self.pair_numbers)


def _analyse(
    entries: Sequence[Entry], normalizer: Normalizer, vocabulary: _Vocabulary, prepared: TextTerms | None = None
) -> _Rows:
    """Normalise the entries' text into rows; new terms get the next numbers in `vocabulary`. `prepared`: the
    entries' texts (each entry's questions, then its answer) as TextTerms, if the loader made them. Works in
    bulk (TextTerms.of) and with numpy over flat arrays: 7.1 s -> 4.3 s at 100,000 entries, the same rows as
    phrasing by phrasing (`python -m benchmarks speed`; tests/core/test_index.py compares with the Normalizer)."""
    texts = entry_texts(entries)
    per_entry = np.fromiter((len(e.questions) + 1 for e in entries), dtype=np.int64, count=len(entries))
    entry_starts = run_starts(per_entry)
    text_entry = np.repeat(np.arange(len(entries), dtype=np.int32), per_entry)
    text_question = (np.arange(len(texts)) - np.repeat(entry_starts[:-1], per_entry)).astype(np.int32)
    is_answer = np.zeros(len(texts), dtype=bool)
    is_answer[entry_starts[1:] - 1] = True

    if prepared is None or len(prepared.per_text) != len(texts):
        prepared = TextTerms.of(texts)
    terms, per_text = _numbered(prepared, texts, normalizer, vocabulary)
    text_of = np.repeat(np.arange(len(texts), dtype=np.int64), per_text)
    in_answer = is_answer[text_of]
    kept = ~is_answer & (per_text > 0)  # a phrasing without terms is not indexed
    phrasing_count = int(kept.sum())
    question_terms = terms[~in_answer]
    owner = (np.cumsum(kept) - 1)[text_of[~in_answer]]  # each question term's phrasing

    # adjacent pairs of a phrasing's terms: numbered once per distinct pair
    together = owner[1:] == owner[:-1]
    pair_keys = (question_terms[:-1][together] << _PAIR_SHIFT) | question_terms[1:][together]
    distinct_pairs, pair_of = _distinct(pair_keys, inverse=True)
    pair_numbers = vocabulary.number_pairs(distinct_pairs)
    # each phrasing's distinct terms and pairs
    term_total = len(vocabulary)
    keys = _distinct(
        np.concatenate([owner * term_total + question_terms, owner[:-1][together] * term_total + pair_numbers[pair_of]])
    )
    return _Rows(
        (keys % term_total).astype(np.int32),
        run_starts(np.bincount(keys // max(term_total, 1), minlength=phrasing_count)),
        text_entry[kept],
        text_question[kept],
        run_starts(np.bincount(text_entry[kept], minlength=len(entries))),
        terms[in_answer],
        run_starts(per_text[is_answer]),
        prepared.surface,
    )


def _numbered(
    prepared: TextTerms, texts: Sequence[str], normalizer: Normalizer, vocabulary: _Vocabulary
) -> tuple[np.ndarray, np.ndarray]:
    """The texts' terms as vocabulary numbers with synonym phrases folded (as Normalizer.terms does), text
    after text, and how many each text has."""
    local = np.fromiter(map(vocabulary.number_of, prepared.names), dtype=np.int64, count=len(prepared.names))
    terms, per_text = local[prepared.terms], prepared.per_text.copy()
    if normalizer.phrase_starts:  # only texts with a phrase's first term can change: they go one by one
        bounds = run_starts(per_text)
        starts = [vocabulary.numbers[t] for t in normalizer.phrase_starts if t in vocabulary.numbers]
        text_of = np.repeat(np.arange(len(texts), dtype=np.int64), per_text)
        pieces, cursor = [], 0
        for text_number in np.unique(text_of[np.isin(terms, starts)]).tolist():
            folded = normalizer.terms(texts[text_number])
            numbers = [vocabulary.number_of(name) for name in folded]
            pieces += [terms[cursor : bounds[text_number]], np.asarray(numbers, dtype=np.int64)]
            cursor = bounds[text_number + 1]
            per_text[text_number] = len(numbers)
        if pieces:
            terms = np.concatenate([*pieces, terms[cursor:]])
    return terms, per_text


def _splice(old: _Rows, first: int, end: int, new: _Rows, removed_words: Counter[str]) -> _Rows:
    """Old entries [first, end) (whose words were `removed_words`) replaced by all of `new`'s entries."""
    shift = (new.first_phrasing.size - 1) - (end - first)  # entries gained (or lost, if negative)
    p_first, p_end = int(old.first_phrasing[first]), int(old.first_phrasing[end])
    t_first, t_end = int(old.phrasing_starts[p_first]), int(old.phrasing_starts[p_end])
    a_first, a_end = int(old.answer_starts[first]), int(old.answer_starts[end])
    p_shift = len(new.phrasing_entry) - (p_end - p_first)
    surface = old.surface.copy()
    surface.subtract(removed_words)
    surface.update(new.surface)
    return _Rows(
        np.concatenate([old.phrasing_terms[:t_first], new.phrasing_terms, old.phrasing_terms[t_end:]]),
        np.concatenate(
            [
                old.phrasing_starts[:p_first],
                new.phrasing_starts[:-1] + t_first,
                old.phrasing_starts[p_end:] + (new.phrasing_terms.size - (t_end - t_first)),
            ]
        ),
        np.concatenate([old.phrasing_entry[:p_first], new.phrasing_entry + first, old.phrasing_entry[p_end:] + shift]),
        np.concatenate([old.phrasing_question[:p_first], new.phrasing_question, old.phrasing_question[p_end:]]),
        np.concatenate(
            [old.first_phrasing[:first], new.first_phrasing[:-1] + p_first, old.first_phrasing[end:] + p_shift]
        ),
        np.concatenate([old.answer_terms[:a_first], new.answer_terms, old.answer_terms[a_end:]]),
        np.concatenate(
            [
                old.answer_starts[:first],
                new.answer_starts[:-1] + a_first,
                old.answer_starts[end:] + (new.answer_terms.size - (a_end - a_first)),
            ]
        ),
        +surface,  # drops words no entry has any more
    )


def _words_of(entries: Iterable[Entry]) -> Counter[str]:
    """The words of the entries' questions and answers (what _analyse counts into `surface`)."""
    found: Counter[str] = Counter()
    for entry in entries:
        for question in entry.questions:
            found.update(content_words(question))
        found.update(content_words(strip_markers(entry.answer)))
    return found


def _run_firsts(ordered: np.ndarray) -> np.ndarray:
    """True where a run of equal values starts (np.r_[True, a[1:] != a[:-1]] without np.r_'s 10 µs)."""
    first = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


@overload
def _distinct(keys: np.ndarray) -> np.ndarray: ...
@overload
def _distinct(keys: np.ndarray, *, inverse: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...
def _distinct(keys: np.ndarray, *, inverse: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """np.unique(keys) (with return_inverse), by sorting: numpy 2.x's np.unique hashes integers, 6x slower on
    millions of them."""
    if not inverse:
        ordered = np.sort(keys)
        distinct: np.ndarray = ordered[_run_firsts(ordered)]
        return distinct
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = _run_firsts(ordered)
    where = np.empty(len(keys), dtype=np.int64)
    where[order] = np.cumsum(first) - 1
    return ordered[first], where


def _counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (ascending) and how often each occurs. np.unique does the same, several times slower
    on millions of values (numpy 2.x): a sort and a mask are all it needs. The sort is stable (timsort)
    because callers pass sorted runs, which it merges in linear time."""
    if not len(keys):
        return keys, keys
    ordered = np.sort(keys, kind="stable")
    starts = np.flatnonzero(_run_firsts(ordered))
    return ordered[starts], np.diff(starts, append=len(ordered))


class Index:
    def __init__(
        self,
        entries: Sequence[Entry],
        synonyms: Mapping[str, Iterable[str]] | None = None,
        weights: Weights | None = None,
        *,
        text_terms: TextTerms | None = None,
    ) -> None:
        """`text_terms`: the entries' texts already made terms (LoadResult.text_terms), or None."""
        self.weights = weights or Weights()
        self.entries = tuple(entries)
        self.normalizer = Normalizer(synonyms)
        self._vocabulary = _Vocabulary({}, [])
        self._term_numbers = self._vocabulary.numbers
        self._assemble(_analyse(self.entries, self.normalizer, self._vocabulary, text_terms))
        self.classifier = linear_classifier.train(self.entries) if self.weights.classifier else None

    def updated(self, entries: Sequence[Entry]) -> Index:
        """The index of `entries`, an edited version of this one's: only the entries whose questions or
        answer changed are normalised again; the rest is vectorised reassembly. Gives the same answers as a
        fresh Index(entries) (tests/core/test_index.py checks random edit sequences)."""
        new_entries = tuple(entries)

        def same(a: Entry, b: Entry) -> bool:
            return a.questions == b.questions and a.answer == b.answer

        first = 0
        limit = min(len(self.entries), len(new_entries))
        while first < limit and same(self.entries[first], new_entries[first]):
            first += 1
        tail = 0
        while tail < limit - first and same(self.entries[-1 - tail], new_entries[-1 - tail]):
            tail += 1
        updated = object.__new__(Index)
        updated.weights, updated.entries, updated.normalizer = self.weights, new_entries, self.normalizer
        updated._vocabulary = self._vocabulary.copy()  # this index may still be answering: its own stays
        updated._term_numbers = updated._vocabulary.numbers
        changed = _analyse(new_entries[first : len(new_entries) - tail], self.normalizer, updated._vocabulary)
        end = len(self.entries) - tail
        updated._assemble(_splice(self._rows, first, end, changed, _words_of(self.entries[first:end])), self)
        same_questions = [e.questions for e in self.entries] == [e.questions for e in new_entries]
        if same_questions or not self.weights.classifier:  # it learns from the questions alone
            updated.classifier = self.classifier
        else:
            updated.classifier = linear_classifier.train(new_entries)
        return updated

    def _assemble(self, rows: _Rows, previous: Index | None = None) -> None:
        """Everything searching needs, from the rows: postings, weights, BM25 norms, spelling index (with
        `previous`, an edit: its spelling index is updated rather than rebuilt)."""
        w = self.weights
        self._rows = rows
        term_count = len(self._vocabulary)
        phrasing_count = len(rows.phrasing_entry)
        words = rows.surface + Counter(self.normalizer.synonym_words)  # a synonym's words are known words too
        # The spelling index and the words' English rarity are Python loops over the vocabulary, the postings
        # mostly numpy sorts, which let go of the interpreter lock: they are built side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-words") as pool:
            spelling = pool.submit(lambda: previous._spelling.updated(words) if previous else SpellingIndex(words))
            english = pool.submit(self._english_rarity, words)
            phrasing_of = np.repeat(np.arange(phrasing_count, dtype=np.int32), np.diff(rows.phrasing_starts))
            self._phrasing_entry = rows.phrasing_entry
            self._phrasing_postings = _Postings.build(rows.phrasing_terms, phrasing_of, phrasing_count, term_count)
            self._entry_postings, lengths = self._entry_documents(rows)
            self._spelling: SpellingIndex = spelling.result()
            english_rarity = english.result()
        count = max(len(self.entries), 1)
        frequency = np.diff(self._entry_postings.offsets).astype(np.float64)
        self._idf = idf = np.log(1 + (count - frequency + 0.5) / (frequency + 0.5))  # Lucene's (as in bm25s)
        self._idf_max = math.log(1 + (count + 0.5) / 0.5)  # the idf of a term no entry has
        self._evidence = float(phrasing_count)  # P in the blend above
        self._weight = self._blend(idf / self._idf_max, english_rarity)
        # BM25's saturated term frequency, computed once per posting
        norms = w.k1 * (1 - w.b + w.b * lengths / ((lengths.mean() if len(lengths) else 1.0) or 1.0))
        tfs, self._coverage_factor = self._entry_postings.values
        self._saturated = tfs * (w.k1 + 1) / (tfs + norms[self._entry_postings.ids])
        # terms in more entries than this only rescore candidates found through rarer terms
        self._common_df = max(COMMON_MIN_DF, int(COMMON_SHARE * count))

        self._phrasing_question = rows.phrasing_question
        self._first_phrasing = rows.first_phrasing[:-1]
        term_weight = self._weight.copy()
        term_weight[self._vocabulary.pair_numbers] *= w.bigram
        self._phrasing_weight = np.bincount(
            phrasing_of, weights=term_weight[rows.phrasing_terms], minlength=phrasing_count
        ).astype(np.float32)
        self._filler_terms = {term(w) for w in FILLER}
        self._keys: dict[int, str] = {}  # phrasing → its key (_phrasing_key)

    def _entry_documents(self, rows: _Rows) -> tuple[_Postings, np.ndarray]:
        """Each entry as one document: its phrasings' terms, plus its answer's as a weaker field.
        Returns the postings (values: term frequency, coverage factor) and each entry's length."""
        size = max(len(self.entries), 1)
        answer_of = np.repeat(np.arange(len(self.entries), dtype=np.int64), np.diff(rows.answer_starts))
        # (term, entry, field) keys, field 0 for a question's term and 1 for the answer's: runs of equal keys
        # count a field's term frequency, and a pair's question run comes before its answer run. The phrasing
        # postings are already in term order, and phrasings are numbered entry by entry, so the question keys
        # come sorted; a stable sort (timsort) then only merges two sorted runs, 3x faster than sorting all.
        by_phrasing = self._phrasing_postings
        posting_term = np.repeat(np.arange(len(by_phrasing.offsets) - 1, dtype=np.int64), np.diff(by_phrasing.offsets))
        question_keys = (posting_term * size + rows.phrasing_entry[by_phrasing.ids]) * 2
        answer_keys = np.sort((rows.answer_terms.astype(np.int64) * size + answer_of) * 2 + 1)
        keys, counts = _counts(np.concatenate([question_keys, answer_keys]))
        in_answer = (keys & 1).astype(bool)
        pairs = keys >> 1
        pair_starts = np.flatnonzero(_run_firsts(pairs))
        field_weight = np.where(in_answer, self.weights.answer_field, 1.0)
        tf = np.add.reduceat(counts * field_weight, pair_starts) if len(pairs) else np.zeros(0)
        factor = np.where(in_answer[pair_starts], self.weights.answer_coverage, 1.0)
        postings = _Postings.from_sorted_keys(pairs[pair_starts], size, len(self._vocabulary), tf, factor)
        return postings, np.bincount(postings.ids, weights=tf, minlength=len(self.entries)).astype(np.float32)

    def _blend(self, knowledge_rarity: _Float, english_rarity: _Float) -> _Float:
        """The word weight above, for arrays of terms or (in plain floats: numpy scalars cost microseconds in
        a question's loop) one word."""
        prior = self.weights.english_prior
        return self._idf_max * (self._evidence * knowledge_rarity + prior * english_rarity) / (self._evidence + prior)

    def _english_rarity(self, surface: Counter[str]) -> np.ndarray:
        """Per term, 0-1: how rare its most common written form is in English; a pair takes its words' mean."""
        common = np.full(len(self._vocabulary), self.weights.rare_zipf)
        numbers = self._term_numbers
        for word in surface:
            number = numbers.get(term(word))
            if number is not None:
                common[number] = max(common[number], zipf(word))
        rarity = np.clip(self._rarity(common), 0.0, 1.0)
        pairs, first, second = self._vocabulary.pair_words()
        rarity[pairs] = (rarity[first] + rarity[second]) / 2
        return rarity

    def _rarity(self, common: np.ndarray | float) -> np.ndarray | float:
        w = self.weights
        return (w.common_zipf - common) / (w.common_zipf - w.rare_zipf)

    def _word_rarity(self, word: str) -> float:
        return min(1.0, max(0.0, float(self._rarity(zipf(word)))))

    def _known(self, name: str) -> int | None:
        """The term's number if some entry has it (an edit can leave a numbered term no entry uses)."""
        number = self._term_numbers.get(name)
        return number if number is not None and self._entry_postings.frequency(number) else None

    def _phrasing_key(self, phrasing: int) -> str:
        """Its terms (not pairs) sorted and joined by spaces, as Normalizer.phrasing_key: what rapidfuzz compares
        and what makes two phrasings the same. Made when asked (only a question's few finalists need one) and
        remembered: the same phrasings keep coming back as finalists."""
        key = self._keys.get(phrasing)
        if key is None:
            if len(self._keys) >= REMEMBERED_KEYS:
                self._keys.clear()
            rows, names = self._rows, self._vocabulary.names
            numbers = rows.phrasing_terms[rows.phrasing_starts[phrasing] : rows.phrasing_starts[phrasing + 1]]
            key = self._keys[phrasing] = " ".join(sorted(names[n] for n in numbers.tolist() if names[n]))
        return key

    def same_phrasing(self, question: str) -> list[tuple[Entry, str]]:
        """Entries with a phrasing the matcher cannot tell from this question (the same set of terms), and
        that phrasing: the collision rule of loader.collisions, asked of one question through the postings."""
        key = self.normalizer.phrasing_key(question)
        numbers = [self._known(t) for t in key.split()]
        if not numbers or None in numbers:
            return []
        postings = self._phrasing_postings
        rarest = min((n for n in numbers if n is not None), key=postings.frequency)
        found = []
        for phrasing in postings.ids[postings.span(rarest)]:
            if self._phrasing_key(phrasing) == key:
                entry = self.entries[self._phrasing_entry[phrasing]]
                found.append((entry, entry.questions[self._phrasing_question[phrasing]]))
        return found

    def bm25_scores(self, terms: Sequence[str]) -> np.ndarray:
        """Plain BM25 of every entry for these index terms (each weighted by its idf alone): the component
        the ranking builds on, exposed so tests can check it against bm25s."""
        scores = np.zeros(len(self.entries))
        for name in terms:
            number = self._term_numbers.get(name)
            if number is not None:
                span = self._entry_postings.span(number)
                np.add.at(scores, self._entry_postings.ids[span], self._idf[number] * self._saturated[span])
        return scores

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def phrasing_count(self) -> int:
        return len(self._phrasing_entry)

    def _query_weights(self, question: str) -> tuple[dict[int, float], float, str, list[str]]:
        """Question → {known term number: weight}, the weight of all its terms (known or not), the sorted
        words rapidfuzz compares, and the terms no entry has."""
        w = self.weights
        corrected: set[str] = set()

        def correct(word: str) -> str:
            if word in FILLER or zipf(word) >= w.keep_word_zipf:
                return word
            fixed = self._spelling.correct(word)
            if fixed is None:
                return word
            corrected.add(fixed)
            return fixed

        terms, surfaces = self.normalizer.terms_and_words(content_words(question), correct)
        corrected_terms = {t for w in corrected for t in self.normalizer.terms(w)}
        weights: dict[int, float] = {}
        known: list[str] = []
        unknown: list[str] = []
        total = 0.0
        for t, word in dict(zip(terms, surfaces, strict=True)).items():
            number = self._known(t)
            if number is None:
                if t not in self._filler_terms:
                    total += w.unknown * self._blend(1.0, self._word_rarity(word))
                    unknown.append(t)
                continue
            weight = float(self._weight[number]) * (w.filler if t in self._filler_terms else 1.0)
            total += weight
            weights[number] = weight * (w.corrected if t in corrected_terms else 1.0)
            known.append(t)
        for number in self._vocabulary.pair_numbers_of(dict.fromkeys(pairwise(terms))):
            if number is not None and self._entry_postings.frequency(number):  # a known phrase adds evidence;
                # an unknown one says nothing new
                weights[number] = w.bigram * float(self._weight[number])
                total += weights[number]
        return weights, total, " ".join(sorted([*known, *unknown])), unknown

    def entries_with(self, word: str, limit: int) -> tuple[list[Entry], float]:
        """Up to `limit` entries whose texts have this word's term, and the share of all entries that do."""
        number = self._known(self.normalizer.terms(word)[0]) if self.normalizer.terms(word) else None
        if number is None:
            return [], 0.0
        span = self._entry_postings.span(number)
        found = [self.entries[i] for i in self._entry_postings.ids[span][:limit].tolist()]
        return found, (span.stop - span.start) / len(self.entries)

    def correct_spelling(self, word: str) -> str:
        """The knowledge's word a typo stands for (the matcher's correction), else the word itself."""
        return word if zipf(word) >= self.weights.keep_word_zipf else self._spelling.correct(word) or word

    def unknown_terms(self, question: str) -> list[str]:
        """The question's terms that no entry has, after typo correction (filler words aside)."""
        return self._query_weights(question)[3]

    def search(self, question: str, limit: int = 3) -> list[Candidate]:
        """The best `limit` entries for a question, best first, each with a 0-100 confidence."""
        w = self.weights
        weights, total, query_key, _ = self._query_weights(question)
        if not weights:
            return []
        entries, phrasings = self._entry_postings, self._phrasing_postings
        # Candidates come from the rarer terms; very common ones (in a big knowledge base) only add
        # their weight to those candidates, found by binary search instead of walking long postings.
        driving = {n: w for n, w in weights.items() if entries.frequency(n) <= self._common_df} or weights
        common = {n: w for n, w in weights.items() if n not in driving}

        spans = [entries.span(n) for n in driving]
        driving_weights = np.fromiter(driving.values(), dtype=np.float64, count=len(driving))
        repeated = np.repeat(driving_weights, [span.stop - span.start for span in spans])
        entry_ids, (bm25, covered) = _sum_by_id(
            np.concatenate([entries.ids[span] for span in spans]),
            [
                repeated * np.concatenate([self._saturated[span] for span in spans]),
                repeated * np.concatenate([self._coverage_factor[span] for span in spans]),
            ],
            len(self.entries),
        )
        if common:
            more_bm25, more_covered = _sums_at(
                entries, common, entry_ids, [self._saturated, self._coverage_factor], len(self.entries)
            )
            bm25, covered = bm25 + more_bm25, covered + more_covered

        # Nearest phrasing per entry: idf-weighted Dice overlap of the question with each phrasing.
        # Phrasings are numbered entry by entry, so sorted phrasing ids come grouped by entry.
        touched = [phrasings.ids[phrasings.span(n)] for n in driving]
        contributions = np.repeat(driving_weights, [len(t) for t in touched])
        phrasing_ids, (shared,) = _sum_by_id(np.concatenate(touched), [contributions], self.phrasing_count)
        if common:
            shared = shared + _sums_at(phrasings, common, phrasing_ids, [None], self.phrasing_count)[0]
        overlap = 2 * shared / (total + self._phrasing_weight[phrasing_ids])
        groups = _PhrasingGroups(phrasing_ids, self._phrasing_entry[phrasing_ids], overlap)
        neighbour = np.zeros(len(entry_ids), dtype=np.float32)
        group = _positions(groups.entries, entry_ids, len(self.entries))  # each candidate's in groups.entries
        has_group = group >= 0
        neighbour[has_group] = groups.best_overlap[group[has_group]]
        coverage = covered / total
        # until the fuzzy score is computed (below, for the few best), the overlap stands in for it
        shares = w.coverage_share + w.neighbour_share + w.fuzzy_share
        confidence = (w.coverage_share * coverage + (w.neighbour_share + w.fuzzy_share) * neighbour) / shares
        rank = 100 * confidence + w.bm25_rank * bm25 / bm25.max()
        lexical_share = 1.0
        probability = self.classifier.probabilities(words(question)) if self.classifier else None
        if probability is not None:
            lexical_share = 1 - w.classifier_rank
            rank = lexical_share * rank + w.classifier_rank * 100 * probability[entry_ids]
        keep = max(RESCORED, limit)
        top = np.argpartition(-rank, keep)[:keep] if len(rank) > keep else np.arange(len(rank))

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
            entry = self.entries[entry_number]
            # no phrasing touched: matched through the answer only, so compare with the canonical question
            best = groups.best_phrasing(group_i) if group_i >= 0 else int(self._first_phrasing[entry_number])
            question_text = entry.questions[self._phrasing_question[best]]
            similarity = fuzz.token_sort_ratio(query_key, self._phrasing_key(best), processor=None) / 100
            mean = w.coverage_share * coverage_i + w.neighbour_share * neighbour_i + w.fuzzy_share * similarity
            score = 100 * mean / shares
            adjusted_rank = rank_i + lexical_share * 100 * w.fuzzy_share * (similarity - neighbour_i) / shares
            if probability is not None and min(similarity, neighbour_i) < WORD_FOR_WORD:
                score = (1 - w.classifier_score) * score + w.classifier_score * 100 * float(probability[entry_number])
            refined.append((adjusted_rank, Candidate(entry, round(score, 1), question_text, round(coverage_i, 3))))
        refined.sort(key=lambda item: item[0], reverse=True)
        return [candidate for _, candidate in refined[:limit]]
