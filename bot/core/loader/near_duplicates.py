"""Answers two entries give in nearly the same words (a `check` warning): found without comparing every pair.

Each answer becomes word trigrams (markers, case and punctuation aside). Trigrams that many answers share are
boilerplate ("according to the European Defence Agency") and are set aside; of the rest, each answer keeps its
few with the smallest hashes (a bottom-k sketch, as MinHash does). Two answers nearly alike share most of their
trigrams, so almost surely one of those few: only answers that do are compared, by rapidfuzz's ratio. The work
grows with the number of answers, not with its square (a trigram kept is in at most MAX_BUCKET answers).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import combinations

from rapidfuzz import fuzz

from ..citations import strip_markers
from ..models import Entry

NEAR_DUPLICATE_RATIO = 90.0  # rapidfuzz's ratio (0-100) of the two answers' words from which they are one text
SKETCH_SIZE = 8  # trigrams kept per answer
MIN_SHARED = 2  # of them, for two answers to be compared
MAX_BUCKET = 50  # a trigram in more answers than this is boilerplate, not kept
_WORD = re.compile(r"\w+")


def words_of(answer: str) -> str:
    return " ".join(_WORD.findall(strip_markers(answer).lower()))


def near_duplicates(entries: Sequence[Entry]) -> list[tuple[Entry, Entry, float]]:
    """(earlier entry, later entry, ratio) for each pair of answers nearly the same, in load order."""
    texts = [words_of(entry.answer) for entry in entries]
    trigrams = [_trigrams(text) for text in texts]
    document_frequency = Counter(t for grams in trigrams for t in grams)
    buckets: defaultdict[int, list[int]] = defaultdict(list)
    for number, grams in enumerate(trigrams):
        for kept in sorted(t for t in grams if document_frequency[t] <= MAX_BUCKET)[:SKETCH_SIZE]:
            buckets[kept].append(number)
    shared = Counter(pair for members in buckets.values() for pair in combinations(members, 2))
    found = []
    for (first, second), count in sorted(shared.items()):
        # nearly alike, two answers of a few trigrams or more share several of their smallest
        if count < min(MIN_SHARED, len(trigrams[first]), len(trigrams[second])):
            continue
        ratio = fuzz.ratio(texts[first], texts[second], score_cutoff=NEAR_DUPLICATE_RATIO)
        if ratio:
            found.append((entries[first], entries[second], ratio))
    return found


def _trigrams(text: str) -> set[int]:
    """The hashes of the text's word trigrams (of the text itself when it has fewer than three words)."""
    words = text.split()
    return {hash(gram) for gram in zip(words, words[1:], words[2:], strict=False)} or ({hash(text)} if text else set())
