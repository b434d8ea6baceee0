"""The index's vocabulary: every term and every pair of adjacent words numbered as first met."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

PAIR_SHIFT = 32  # a pair of adjacent words is known by its two term numbers packed: first << 32 | second
_LOW_BITS = (1 << PAIR_SHIFT) - 1


@dataclass(slots=True)
class Vocabulary:
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
            keys.append(first << PAIR_SHIFT | second if first is not None and second is not None else -1)
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
        return self.pair_numbers, self.pair_keys >> PAIR_SHIFT, self.pair_keys & _LOW_BITS

    def copy(self) -> Vocabulary:
        return Vocabulary(dict(self.numbers), list(self.names), self.pair_keys, self.pair_numbers)
