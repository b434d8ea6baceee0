"""Postings: each term's ids (entries or phrasings) in flat arrays, and the sums over them that search needs,
by counting over the whole id range or by binary search, whichever a cost model expects to be cheaper."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .arrays import distinct

DENSE_RATIO = 16  # see sum_by_id and positions
# sums_at's cost model, in ids counted by a bincount: a term's binary-search pass costs as much as counting
# SEARCH_PASS_COST ids, plus LOOKUP_COST per target looked up. Median per question (best of 5 rounds over 800
# `python -m benchmarks speed` questions), always searching / always counting / this model: 3,000 entries
# 0.329 / 0.288 / 0.294 ms, 100,000 entries 1.27 / 1.60 / 1.34 ms (halving both constants: 0.305 / 1.26).
SEARCH_PASS_COST = 2500
LOOKUP_COST = 30


@dataclass(frozen=True, slots=True)
class Postings:
    """Postings of every term in flat arrays (CSR layout): term number → a slice. Ids ascend in a slice."""

    offsets: np.ndarray  # term t's postings are [offsets[t], offsets[t + 1])
    ids: np.ndarray
    values: tuple[np.ndarray, ...] = ()

    @classmethod
    def from_sorted_keys(cls, keys: np.ndarray, id_count: int, term_count: int, *values: np.ndarray) -> Postings:
        """From ascending keys term * id_count + id (values in the same order): no reordering needed."""
        terms, ids = np.divmod(keys, id_count)
        offsets = np.zeros(term_count + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=term_count), out=offsets[1:])
        return cls(offsets, ids.astype(np.int32), tuple(np.asarray(v, dtype=np.float32) for v in values))

    @classmethod
    def build(cls, terms: np.ndarray, ids: np.ndarray, id_count: int, term_count: int) -> Postings:
        """From (term, id) pairs in any order. Sorting packed int64 keys is several times faster than a
        stable argsort of the terms (numpy 2.x, millions of postings)."""
        keys = np.sort(terms.astype(np.int64) * max(id_count, 1) + ids)
        return cls.from_sorted_keys(keys, max(id_count, 1), term_count)

    def span(self, number: int) -> slice:
        return slice(int(self.offsets[number]), int(self.offsets[number + 1]))

    def frequency(self, number: int) -> int:
        return int(self.offsets[number + 1] - self.offsets[number])


def members(sorted_ids: np.ndarray, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of `wanted` occur in `sorted_ids`, and where: a vectorised binary search."""
    if len(sorted_ids) == 0:
        return np.zeros(len(wanted), dtype=bool), np.zeros(len(wanted), dtype=np.int64)
    where = np.minimum(sorted_ids.searchsorted(wanted), len(sorted_ids) - 1)
    return sorted_ids[where] == wanted, where


def positions(sorted_ids: np.ndarray, wanted: np.ndarray, universe: int) -> np.ndarray:
    """Where each of `wanted` is in `sorted_ids`, -1 where absent: through a table over the whole id range
    when the wanted are many against it (a question of common words at 100,000 entries: 0.3 ms instead of
    2.5), else by binary search."""
    if universe <= DENSE_RATIO * len(wanted):
        table = np.full(universe, -1, dtype=np.int64)
        table[sorted_ids] = np.arange(len(sorted_ids))
        found: np.ndarray = table[wanted]
        return found
    hit, where = members(sorted_ids, wanted)
    return np.where(hit, where, -1)


def sum_by_id(ids: np.ndarray, values: list[np.ndarray], universe: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The distinct ids (ascending) and, for each values array, its sum per id. Counting over the whole
    id range is faster while the ids are many; sorting them is, once they are few."""
    if universe <= DENSE_RATIO * len(ids):  # values are positive, so a sum of zero means "absent"
        sums = [np.bincount(ids, weights=v, minlength=universe) for v in values]
        present = (sums[0] > 0).nonzero()[0]  # on a bool array: several times faster than on floats
        return present, [total[present] for total in sums]
    present, inverse = distinct(ids, inverse=True)
    return present, [np.bincount(inverse, weights=v, minlength=len(present)) for v in values]


def sums_at(
    postings: Postings,
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
        weights = np.fromiter(terms.values(), dtype=np.float64, count=len(terms)).repeat(sizes)
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
        hit, where = members(postings.ids[span], targets)
        for total, v in zip(sums, values, strict=True):
            total[hit] += weight if v is None else weight * v[span][where[hit]]
    return sums
