"""The entries as rows of term numbers, what the index is built from: analysed in bulk for a new index, and
only the changed entries analysed and spliced in for an edit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from ..citations import strip_markers
from ..models import Entry, entry_texts
from ..normalize import Normalizer, TextTerms, content_words, run_starts
from .arrays import distinct
from .vocabulary import PAIR_SHIFT, Vocabulary


@dataclass(frozen=True, slots=True)
class Rows:
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


def analyse(
    entries: Sequence[Entry], normalizer: Normalizer, vocabulary: Vocabulary, prepared: TextTerms | None = None
) -> Rows:
    """Normalise the entries' text into rows; new terms get the next numbers in `vocabulary`. `prepared`: the
    entries' texts (each entry's questions, then its answer) as TextTerms, if the loader made them. Works in
    bulk (TextTerms.of) and with numpy over flat arrays: 7.1 s -> 4.3 s at 100,000 entries, the same rows as
    phrasing by phrasing (`python -m benchmarks speed`; tests/core/index/test_analysis.py compares with the
    Normalizer)."""
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
    pair_keys = (question_terms[:-1][together] << PAIR_SHIFT) | question_terms[1:][together]
    distinct_pairs, pair_of = distinct(pair_keys, inverse=True)
    pair_numbers = vocabulary.number_pairs(distinct_pairs)
    # each phrasing's distinct terms and pairs
    term_total = len(vocabulary)
    keys = distinct(
        np.concatenate([owner * term_total + question_terms, owner[:-1][together] * term_total + pair_numbers[pair_of]])
    )
    return Rows(
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
    prepared: TextTerms, texts: Sequence[str], normalizer: Normalizer, vocabulary: Vocabulary
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


def splice(old: Rows, first: int, end: int, new: Rows, removed_words: Counter[str]) -> Rows:
    """Old entries [first, end) (whose words were `removed_words`) replaced by all of `new`'s entries."""
    shift = (new.first_phrasing.size - 1) - (end - first)  # entries gained (or lost, if negative)
    p_first, p_end = int(old.first_phrasing[first]), int(old.first_phrasing[end])
    t_first, t_end = int(old.phrasing_starts[p_first]), int(old.phrasing_starts[p_end])
    a_first, a_end = int(old.answer_starts[first]), int(old.answer_starts[end])
    p_shift = len(new.phrasing_entry) - (p_end - p_first)
    surface = old.surface.copy()
    surface.subtract(removed_words)
    surface.update(new.surface)
    return Rows(
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


def words_of(entries: Iterable[Entry]) -> Counter[str]:
    """The words of the entries' questions and answers (what analyse counts into `surface`)."""
    found: Counter[str] = Counter()
    for entry in entries:
        for question in entry.questions:
            found.update(content_words(question))
        found.update(content_words(strip_markers(entry.answer)))
    return found
