"""Phrasing keys: a phrasing's terms (not pairs) sorted and joined by spaces, as Normalizer.phrasing_key: what
rapidfuzz compares and what makes two phrasings the same; and the entries a question cannot be told from."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import Entry

if TYPE_CHECKING:
    from .inverted_index import Index

REMEMBERED_KEYS = 100_000  # phrasing keys kept (~8 MB); then forgotten all at once


def phrasing_key(index: Index, phrasing: int) -> str:
    """Made when asked (only a question's few finalists need one) and remembered: the same phrasings keep coming
    back as finalists."""
    keys = index.remembered_keys
    key = keys.get(phrasing)
    if key is None:
        if len(keys) >= REMEMBERED_KEYS:
            keys.clear()
        rows, names = index.rows, index.vocabulary.names
        numbers = rows.phrasing_terms[rows.phrasing_starts[phrasing] : rows.phrasing_starts[phrasing + 1]]
        key = keys[phrasing] = " ".join(sorted(names[n] for n in numbers.tolist() if names[n]))
    return key


def same_phrasing(index: Index, question: str) -> list[tuple[Entry, str]]:
    """Entries with a phrasing the matcher cannot tell from this question (the same set of terms), and that
    phrasing: the collision rule of loader/lints.py collisions, asked of one question through the postings."""
    key = index.normalizer.phrasing_key(question)
    numbers = [index.known(t) for t in key.split()]
    if not numbers or None in numbers:
        return []
    postings = index.phrasing_postings
    rarest = min((n for n in numbers if n is not None), key=postings.frequency)
    found = []
    for phrasing in postings.ids[postings.span(rarest)]:
        if phrasing_key(index, phrasing) == key:
            entry = index.entries[index.phrasing_entry[phrasing]]
            found.append((entry, entry.questions[index.phrasing_question[phrasing]]))
    return found
