"""Weights: every tuned number of the matcher, with where each came from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Weights:
    """Every tuned number of the matcher. `python -m benchmarks tune` searches the marked ones on the tuning
    part of tests/data/eval.yaml; the defaults are what it chose (docs/matching.md)."""

    # BM25 as in bm25s's "lucene" method: idf = ln(1 + (N - df + 0.5) / (df + 0.5)), and ATIRE's term
    # frequency tf * (k1 + 1) / (tf + k1 * (1 - b + b * length / mean length)), which ranks exactly as
    # Lucene's (it is (k1 + 1) times it); tests/core/index/test_bm25.py checks the scores against bm25s.
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
