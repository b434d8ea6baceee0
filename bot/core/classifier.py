"""A linear classifier trained on the knowledge's own phrasings: a second opinion that index.py mixes into
its ranking and its confidence.

Features of a text: its folded words (normalize.words, stopwords kept), adjacent word pairs, and the
character 2- to 4-grams of each word padded with spaces (" pesco " → " p", "pe", ..., "co "), which
share evidence between inflections and survive typos. Each occurrence of a feature adds its idf (so term
frequency counts linearly), and a text's vector is divided by the square root of the sum of its
occurrences' squared idf. That norm is a sum over words, so everything a known word contributes can be
added up once, after training. MIN_PHRASINGS = 2 (features of a single phrasing left out) would halve the
model's memory (CLINC150: 14 → 8 MB, training peak 120 → 94 MB) for ~0.2 points less on every validation
set tried, so it stays at 1.

Model: a Crammer–Singer multi-class linear SVM, one problem for all entries (scikit-learn's LinearSVC on
liblinear), with a loose stopping tolerance: at CLINC150 size (150 entries, 15,000 phrasings) it trains
in ~3 s, where one-vs-rest needs 7-17 s for the same accuracy. scikit-learn (and scipy) are needed for
training only, and imported only then. The fitted weights become one row of entry scores per known word
(its own and its character n-grams' weights, times their idf), per word pair, and per character n-gram
(for words first met in a question); a question is scored with numpy alone by adding a dozen rows.

Training time and memory grow with entries × phrasings, so a classifier is built only for knowledge of
MIN_ENTRIES to MAX_ENTRIES entries and up to MAX_WORK entries × phrasings; above that, or without
scikit-learn, the index works alone.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import numpy as np

from .models import Entry
from .normalize import words

MIN_ENTRIES = 3  # with two, liblinear folds the model into one row; the index needs no help there
MAX_ENTRIES = 1_000
# Training costs ~1.2-1.6 µs per entry × phrasing (2 vCPU): CLINC150's 150 × 15,000 = 2.25M takes ~3 s;
# 1,000 synthetic entries × 5,000 phrasings = 5M, ~8 s and ~180 MB at its peak; 2,000 × 10,000, ~33 s and
# ~520 MB. Above this the index works alone: ~4-5 s at most, off the event loop (store.py runs edits in a thread).
MAX_WORK = 3_000_000
CHAR_NGRAMS = (2, 4)
MIN_PHRASINGS = 1  # a feature (word, pair or n-gram) found in fewer phrasings is left out (2: see below)
C = 1.0  # SVM regularisation: larger fits the phrasings more closely
TOLERANCE = 0.3  # liblinear's stopping tolerance: its default 0.1 costs ~1.5x the time for the same accuracy
# Decision values → a 0-1 confidence per entry: a softmax at this temperature. Crammer–Singer puts the
# right entry at least 1 ahead of the others on the phrasings it was trained on, so the scale carries
# over from one knowledge base to another.
TEMPERATURE = 0.15
UNKNOWN_CACHE = 100_000  # members' words not in the knowledge whose rows are remembered


def _char_grams(word: str) -> list[str]:
    padded = f" {word} "
    low, high = CHAR_NGRAMS
    return [padded[i : i + n] for n in range(low, min(high, len(padded)) + 1) for i in range(len(padded) - n + 1)]


def _pair(first: str, second: str) -> str:
    return f"{first} {second}"  # words never contain spaces, n-grams of one word never hold two


class _Features:
    """The feature vocabulary and the weighting: fitted on the phrasings (fit), applied to other texts
    (transform, which the tests use to check Classifier.decision against scikit-learn)."""

    def __init__(self) -> None:
        # every feature: "|word" for a word itself, "a|b" for a pair, the bare n-gram for an n-gram ("|" is in
        # no word and no n-gram)
        self.index: dict[str, int] = {}
        self.of_word: dict[str, list[int]] = {}  # word → its features, with repeats
        self.idf = np.zeros(0)

    def fit(self, texts: Sequence[list[str]]) -> Any:
        """The weighted feature matrix of the phrasings (each given as its words), learning the features."""
        index, of_word = self.index, self.of_word
        flat: list[int] = []  # every text's feature numbers, one after the other
        ends: list[int] = []
        for found in texts:
            for word in found:
                known = of_word.get(word)
                if known is None:
                    known = of_word[word] = [index.setdefault(f, len(index)) for f in (f"|{word}", *_char_grams(word))]
                flat.extend(known)
            flat.extend(index.setdefault(f"{a}|{b}", len(index)) for a, b in pairwise(found))
            ends.append(len(flat))
        counts = self._counts(np.asarray(flat, dtype=np.int64), np.asarray(ends, dtype=np.int64))
        frequency = np.bincount(counts.indices, minlength=len(index))
        keep = frequency >= MIN_PHRASINGS
        if not keep.all():  # forget features too rare to generalise: half of them, and of the model's memory
            number = np.cumsum(keep) - 1
            self.index = {f: int(number[i]) for f, i in index.items() if keep[i]}
            self.of_word = {w: [int(number[i]) for i in ids if keep[i]] for w, ids in of_word.items()}
            counts, frequency = counts[:, keep], frequency[keep]
        self.idf = np.log((1 + len(texts)) / (1 + frequency)) + 1
        return self._weigh(counts)

    def transform(self, texts: Sequence[list[str]]) -> Any:
        """The same for other texts, features not learned left out."""
        documents = [
            [
                i
                for i in (
                    *(self.index.get(f, -1) for w in found for f in (f"|{w}", *_char_grams(w))),
                    *(self.index.get(f"{a}|{b}", -1) for a, b in pairwise(found)),
                )
                if i >= 0
            ]
            for found in texts
        ]
        flat = np.asarray([i for document in documents for i in document], dtype=np.int64)
        return self._weigh(self._counts(flat, np.cumsum([len(d) for d in documents], dtype=np.int64)))

    def _counts(self, flat: np.ndarray, ends: np.ndarray) -> Any:
        from scipy import sparse

        counts = sparse.csr_matrix(
            (np.ones(len(flat)), flat, np.concatenate(([0], ends))), shape=(len(ends), len(self.index))
        )
        counts.sum_duplicates()
        return counts

    def _weigh(self, counts: Any) -> Any:
        """Each occurrence adds the feature's idf; a text is divided by sqrt(sum of its occurrences' idf²)."""
        from scipy import sparse

        norms = np.sqrt(np.asarray(counts.multiply((self.idf**2)[None, :]).sum(axis=1)).ravel())
        return sparse.diags(1 / np.maximum(norms, 1e-12)) @ counts.multiply(self.idf[None, :]).tocsr()


class Classifier:
    """Scores every entry for a question's words. Immutable once trained (apart from a cache of unknown
    words' rows), so threads may share it."""

    def __init__(
        self,
        rows: dict[str, int],
        matrix: np.ndarray,
        norms: np.ndarray,
        intercept: np.ndarray,
        grams: dict[str, int],
    ) -> None:
        self._rows = rows  # known word, or word pair "a b" → row of `matrix`
        self._matrix = matrix  # rows × entries, float16: each row's contribution to the entries' scores
        self._norms = norms  # per row: the sum of squared idf it stands for
        self._intercept = intercept
        self._grams = grams  # character n-gram → row, for words the knowledge does not have
        self._unknown: dict[str, tuple[np.ndarray, float]] = {}

    @property
    def size(self) -> int:
        """The number of entries it scores."""
        return len(self._intercept)

    # ---- training -----------------------------------------------------------------------------------

    @classmethod
    def train(cls, questions: Sequence[Sequence[list[str]]]) -> Classifier | None:
        """A classifier from each entry's phrasings, given as their folded words (normalize.words); None
        when there are too few or too many entries or phrasings, or scikit-learn is not installed."""
        fitted = cls._fit(questions)
        return fitted[0] if fitted else None

    @classmethod
    def _fit(
        cls, questions: Sequence[Sequence[list[str]]], *, keep_model: bool = False
    ) -> tuple[Classifier, Any, _Features] | None:
        """The classifier, with the scikit-learn model (whole only if keep_model) and the features it was
        fitted on: the tests compare them."""
        if not trainable(len(questions), sum(len(texts) for texts in questions)):
            return None
        try:
            from scipy import sparse
            from sklearn.exceptions import ConvergenceWarning
            from sklearn.svm import LinearSVC
        except ImportError:
            return None
        features = _Features()
        matrix = features.fit([found for texts in questions for found in texts])
        labels = np.repeat(np.arange(len(questions)), [len(texts) for texts in questions])
        model = LinearSVC(C=C, multi_class="crammer_singer", tol=TOLERANCE, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # the loose tolerance is deliberate
            model.fit(matrix, labels)
        # what one occurrence of a feature adds to each entry's score, features × entries
        weighted = np.multiply(model.coef_.T, features.idf[:, None], dtype=np.float32)
        if not keep_model:
            model.coef_ = None  # the largest array: free it as soon as possible

        # one row per known word (its own feature and its n-grams together), per pair, per n-gram
        words = list(features.of_word)
        spans = [features.of_word[w] for w in words]
        word_rows = sparse.csr_matrix(
            (
                np.ones(sum(map(len, spans)), dtype=np.float32),
                np.fromiter((i for span in spans for i in span), dtype=np.int64),
                np.concatenate(([0], np.cumsum(list(map(len, spans))))),
            ),
            shape=(len(words), len(features.index)),
        )
        pairs = {f.replace("|", " "): i for f, i in features.index.items() if "|" in f[1:]}
        grams = {f: i for f, i in features.index.items() if "|" not in f}
        pair_ids = np.fromiter(pairs.values(), dtype=np.int64, count=len(pairs))
        gram_ids = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
        first_pair, first_gram = len(words), len(words) + len(pairs)
        matrix = np.empty((first_gram + len(grams), len(questions)), dtype=np.float16)
        matrix[:first_pair] = word_rows @ weighted
        matrix[first_pair:first_gram] = weighted[pair_ids]
        matrix[first_gram:] = weighted[gram_ids]
        square = features.idf**2
        rows = {w: i for i, w in enumerate(words)}
        rows.update({p: first_pair + i for i, p in enumerate(pairs)})
        classifier = cls(
            rows,
            matrix,
            np.concatenate([word_rows @ square, square[pair_ids], square[gram_ids]]).astype(np.float32),
            model.intercept_.astype(np.float32),
            {g: first_gram + i for i, g in enumerate(grams)},
        )
        return classifier, model, features

    # ---- scoring ------------------------------------------------------------------------------------

    def _unknown_word(self, word: str) -> tuple[np.ndarray, float] | None:
        found = self._unknown.get(word)
        if found is None:
            rows = [r for r in map(self._grams.get, _char_grams(word)) if r is not None]
            if not rows:
                return None
            found = (self._matrix[rows].sum(axis=0, dtype=np.float32), float(self._norms[rows].sum()))
            if len(self._unknown) < UNKNOWN_CACHE:
                self._unknown[word] = found
        return found

    def decision(self, found: list[str]) -> np.ndarray | None:
        """Every entry's decision value for a question's folded words (normalize.words); None when
        nothing in the question is known."""
        rows = [r for r in map(self._rows.get, [*found, *(_pair(a, b) for a, b in pairwise(found))]) if r is not None]
        unknown = [u for u in map(self._unknown_word, (w for w in found if w not in self._rows)) if u is not None]
        if not rows and not unknown:
            return None
        total = self._matrix[rows].sum(axis=0, dtype=np.float32)
        square = float(self._norms[rows].sum())
        for vector, norm in unknown:
            total += vector
            square += norm
        if square <= 0:  # only words whose every feature was too rare to keep
            return None
        scores: np.ndarray = total / math.sqrt(square) + self._intercept
        return scores

    def probabilities(self, found: list[str]) -> np.ndarray | None:
        """A 0-1 confidence per entry, summing to 1: the softmax of the decision values at TEMPERATURE."""
        scores = self.decision(found)
        if scores is None:
            return None
        exponent = np.exp((scores - scores.max()) / TEMPERATURE)
        result: np.ndarray = exponent / exponent.sum()
        return result


def trainable(entries: int, phrasings: int) -> bool:
    """Whether a knowledge of this size gets a classifier (see the module doc)."""
    return MIN_ENTRIES <= entries <= MAX_ENTRIES and entries * phrasings <= MAX_WORK


def train(entries: Sequence[Entry]) -> Classifier | None:
    """A classifier for these entries (their questions are the phrasings), or None (see Classifier.train)."""
    if not trainable(len(entries), sum(len(entry.questions) for entry in entries)):
        return None  # before the words: at 100k entries, splitting them alone would take seconds
    return Classifier.train([[words(q) for q in entry.questions] for entry in entries])
