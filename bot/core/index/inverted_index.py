"""Index: the search structure, built once from the entries (or from an edited index, analysing only the
entries that changed), holding everything search reads.

A question goes: terms and adjacent-term pairs (normalised, typos corrected against the vocabulary)
→ an inverted index that scores, in one pass over the postings of those terms,
  - BM25 of each entry taken as one document (all its phrasings together),
  - how much of the question's weight each entry covers (words it does not know lower this),
  - the closest single phrasing of each entry (idf-weighted overlap, a nearest-neighbour signal)
→ a confidence on 0-100 from those, refined by rapidfuzz on the final few candidates,
→ mixed, where the knowledge is small enough to train one, with a linear classifier's (classifier.py).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from .. import classifier as linear_classifier
from ..language import zipf
from ..models import Candidate, Entry
from ..normalize import FILLER, Normalizer, TextTerms, term
from ..spelling import SpellingIndex
from . import bm25, phrasing_keys, search
from .analysis import Rows, analyse, splice, words_of
from .postings import Postings
from .rarity import Blend, english_rarity
from .vocabulary import Vocabulary
from .weights import Weights


class Index:
    """Other code asks its methods; its attributes are this package's, read by search.py, bm25.py and
    phrasing_keys.py."""

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
        self.vocabulary = Vocabulary({}, [])
        self.term_numbers = self.vocabulary.numbers
        self._assemble(analyse(self.entries, self.normalizer, self.vocabulary, text_terms))
        self.classifier = linear_classifier.train(self.entries) if self.weights.classifier else None

    def updated(self, entries: Sequence[Entry]) -> Index:
        """The index of `entries`, an edited version of this one's: only the entries whose questions or
        answer changed are normalised again; the rest is vectorised reassembly. Gives the same answers as a
        fresh Index(entries) (tests/core/index/test_inverted_index.py checks random edit sequences)."""
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
        updated.vocabulary = self.vocabulary.copy()  # this index may still be answering: its own stays
        updated.term_numbers = updated.vocabulary.numbers
        changed = analyse(new_entries[first : len(new_entries) - tail], self.normalizer, updated.vocabulary)
        end = len(self.entries) - tail
        updated._assemble(splice(self.rows, first, end, changed, words_of(self.entries[first:end])), self)
        same_questions = [e.questions for e in self.entries] == [e.questions for e in new_entries]
        if same_questions or not self.weights.classifier:  # it learns from the questions alone
            updated.classifier = self.classifier
        else:
            updated.classifier = linear_classifier.train(new_entries)
        return updated

    def _assemble(self, rows: Rows, previous: Index | None = None) -> None:
        """Everything searching needs, from the rows: postings, weights, BM25 norms, spelling index (with
        `previous`, an edit: its spelling index is updated rather than rebuilt)."""
        w = self.weights
        self.rows = rows
        term_count = len(self.vocabulary)
        phrasing_count = len(rows.phrasing_entry)
        words = rows.surface + Counter(self.normalizer.synonym_words)  # a synonym's words are known words too
        # The spelling index and the words' English rarity are Python loops over the vocabulary, the postings
        # mostly numpy sorts, which let go of the interpreter lock: they are built side by side.
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="index-words") as pool:
            spelling = pool.submit(lambda: previous.spelling.updated(words) if previous else SpellingIndex(words))
            english = pool.submit(english_rarity, w, self.vocabulary, words)
            phrasing_of = np.repeat(np.arange(phrasing_count, dtype=np.int32), np.diff(rows.phrasing_starts))
            self.phrasing_entry = rows.phrasing_entry
            self.phrasing_postings = Postings.build(rows.phrasing_terms, phrasing_of, phrasing_count, term_count)
            self.entry_postings, lengths = bm25.entry_documents(
                rows, len(self.entries), term_count, self.phrasing_postings, w
            )
            self.spelling: SpellingIndex = spelling.result()
            english_word_rarity = english.result()
        count = max(len(self.entries), 1)
        frequency = np.diff(self.entry_postings.offsets).astype(np.float64)
        self.idf = idf = bm25.idf(frequency, count)
        idf_max = bm25.max_idf(count)
        self.blend = Blend(w, idf_max, float(phrasing_count))  # P, the evidence, is the number of phrasings
        self.term_weight = self.blend(idf / idf_max, english_word_rarity)
        self.coverage_factor = self.entry_postings.values[1]
        self.saturated = bm25.saturated(self.entry_postings, lengths, w)
        self.common_df = search.common_df(count)

        self.phrasing_question = rows.phrasing_question
        self.first_phrasing = rows.first_phrasing[:-1]
        scaled = self.term_weight.copy()
        scaled[self.vocabulary.pair_numbers] *= w.bigram
        self.phrasing_weight = np.bincount(
            phrasing_of, weights=scaled[rows.phrasing_terms], minlength=phrasing_count
        ).astype(np.float32)
        self.filler_terms = {term(w) for w in FILLER}
        self.remembered_keys: dict[int, str] = {}  # phrasing → its key (phrasing_keys.py)

    def known(self, name: str) -> int | None:
        """The term's number if some entry has it (an edit can leave a numbered term no entry uses)."""
        number = self.term_numbers.get(name)
        return number if number is not None and self.entry_postings.frequency(number) else None

    def same_phrasing(self, question: str) -> list[tuple[Entry, str]]:
        """Entries with a phrasing the matcher cannot tell from this question, and that phrasing."""
        return phrasing_keys.same_phrasing(self, question)

    def bm25_scores(self, terms: Sequence[str]) -> np.ndarray:
        """Plain BM25 of every entry for these index terms: exposed so tests can check it against bm25s."""
        return bm25.scores(self, terms)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def phrasing_count(self) -> int:
        return len(self.phrasing_entry)

    def entries_with(self, word: str, limit: int) -> tuple[list[Entry], float]:
        """Up to `limit` entries whose texts have this word's term, and the share of all entries that do."""
        terms = self.normalizer.terms(word)
        number = self.known(terms[0]) if terms else None
        if number is None:
            return [], 0.0
        span = self.entry_postings.span(number)
        found = [self.entries[i] for i in self.entry_postings.ids[span][:limit].tolist()]
        return found, (span.stop - span.start) / len(self.entries)

    def correct_spelling(self, word: str) -> str:
        """The knowledge's word a typo stands for (the matcher's correction), else the word itself."""
        return word if zipf(word) >= self.weights.keep_word_zipf else self.spelling.correct(word) or word

    def unknown_terms(self, question: str) -> list[str]:
        """The question's terms that no entry has, after typo correction (filler words aside)."""
        return search.query_weights(self, question)[3]

    def search(self, question: str, limit: int = 3) -> list[Candidate]:
        """The best `limit` entries for a question, best first, each with a 0-100 confidence (search.py)."""
        return search.search(self, question, limit)
