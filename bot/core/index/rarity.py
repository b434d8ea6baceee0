"""Word weights: how telling a word is. Its idf in this knowledge is blended with its rarity in general English
(language.py), leaning on English the fewer phrasings there are (the formula and its tuning: weights.py)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from ..language import zipf
from ..normalize import term
from .vocabulary import Vocabulary
from .weights import Weights

_Float = TypeVar("_Float", float, np.ndarray)


@dataclass(frozen=True, slots=True)
class Blend:
    """weight = idf_max * (P * idf / idf_max + english_prior * english) / (P + english_prior)."""

    weights: Weights
    idf_max: float  # the idf of a term no entry has
    evidence: float  # P: the number of phrasings

    def __call__(self, knowledge_rarity: _Float, english_rarity: _Float) -> _Float:
        """The word weight, for arrays of terms or (in plain floats: numpy scalars cost microseconds in a
        question's loop) one word."""
        prior = self.weights.english_prior
        return self.idf_max * (self.evidence * knowledge_rarity + prior * english_rarity) / (self.evidence + prior)


def english_rarity(weights: Weights, vocabulary: Vocabulary, surface: Counter[str]) -> np.ndarray:
    """Per term, 0-1: how rare its most common written form is in English; a pair takes its words' mean."""
    common = np.full(len(vocabulary), weights.rare_zipf)
    numbers = vocabulary.numbers
    for word in surface:
        number = numbers.get(term(word))
        if number is not None:
            common[number] = max(common[number], zipf(word))
    rarity = np.clip(_rarity(weights, common), 0.0, 1.0)
    pairs, first, second = vocabulary.pair_words()
    rarity[pairs] = (rarity[first] + rarity[second]) / 2
    return rarity


def word_rarity(weights: Weights, word: str) -> float:
    """One word's English rarity, 0-1 (a word no entry has: it still says how telling the question's word is)."""
    return min(1.0, max(0.0, float(_rarity(weights, zipf(word)))))


def _rarity(weights: Weights, common: np.ndarray | float) -> np.ndarray | float:
    return (weights.common_zipf - common) / (weights.common_zipf - weights.rare_zipf)
