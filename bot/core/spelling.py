"""Typo correction against the knowledge's own vocabulary, without comparing with every word."""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz.distance import OSA

from .normalize import FILLER

MIN_CORRECTED_LENGTH = 3  # "eu", "uk", "hr": too short to tell a typo from another word
MIN_INDEXED_LENGTH = 4  # shorter known words are not correction targets: one edit reaches too many
LONG_WORD = 8  # from this length a word may be two edits away (one for shorter words)


class SpellingIndex:
    """Symmetric-delete lookup (as in SymSpell): unknown word → the nearest known word, without a scan."""

    def __init__(self, frequency: Mapping[str, int]) -> None:
        self._frequency = dict(frequency)
        # variant → its words joined by a space (words have none): a dict of strings is several times
        # faster to save and load (the engine cache) than one of lists, and most variants have one word
        self._deletes: dict[str, str] = {}
        for word in frequency:
            if len(word) >= MIN_INDEXED_LENGTH:
                self._add(word)

    def updated(self, frequency: Mapping[str, int]) -> SpellingIndex:
        """The index for a new vocabulary that differs from this one in a few words (an edit): copies the
        lookup tables and changes only those words' variants. Same result as SpellingIndex(frequency)."""
        new = object.__new__(SpellingIndex)
        new._frequency = dict(frequency)
        new._deletes = dict(self._deletes)
        gone = [w for w in self._frequency if w not in new._frequency and len(w) >= MIN_INDEXED_LENGTH]
        added = [w for w in new._frequency if w not in self._frequency and len(w) >= MIN_INDEXED_LENGTH]
        for word in gone:
            for variant in self._variants(word):
                rest = [w for w in new._deletes.get(variant, "").split() if w != word]
                if rest:
                    new._deletes[variant] = " ".join(rest)
                else:
                    new._deletes.pop(variant, None)
        for word in added:
            new._add(word)
        return new

    def _add(self, word: str) -> None:
        for variant in self._variants(word):
            known = self._deletes.get(variant)
            self._deletes[variant] = f"{known} {word}" if known else word

    @staticmethod
    def _variants(word: str) -> set[str]:
        return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}

    def correct(self, word: str) -> str | None:
        """The closest known word within 1 edit (2 for long words), most frequent first; None if none."""
        if word in self._frequency or len(word) < MIN_CORRECTED_LENGTH or word.isdigit() or word in FILLER:
            return None
        limit = 1 if len(word) < LONG_WORD else 2
        best: tuple[int, int, str] | None = None
        for variant in self._variants(word):
            for known in self._deletes.get(variant, "").split():
                distance = OSA.distance(word, known, score_cutoff=limit)  # a swap of two letters is one edit
                if distance <= limit:
                    rank = (distance, -self._frequency[known], known)
                    if best is None or rank < best:
                        best = rank
        return best[2] if best else None
