"""numpy helpers the index is built with: distinct values, their counts, where runs start (sorting beats
numpy 2.x's hashing np.unique on millions of integers)."""

from __future__ import annotations

from typing import Literal, overload

import numpy as np


def run_firsts(ordered: np.ndarray) -> np.ndarray:
    """True where a run of equal values starts (np.r_[True, a[1:] != a[:-1]] without np.r_'s 10 µs)."""
    first = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        first[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return first


@overload
def distinct(keys: np.ndarray) -> np.ndarray: ...
@overload
def distinct(keys: np.ndarray, *, inverse: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...
def distinct(keys: np.ndarray, *, inverse: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """np.unique(keys) (with return_inverse), by sorting: numpy 2.x's np.unique hashes integers, 6x slower on
    millions of them."""
    if not inverse:
        ordered = np.sort(keys)
        distinct: np.ndarray = ordered[run_firsts(ordered)]
        return distinct
    order = keys.argsort(kind="stable")
    ordered = keys[order]
    first = run_firsts(ordered)
    where = np.empty(len(keys), dtype=np.int64)
    where[order] = first.cumsum() - 1
    return ordered[first], where


def counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys (ascending) and how often each occurs. np.unique does the same, several times slower
    on millions of values (numpy 2.x): a sort and a mask are all it needs. The sort is stable (timsort)
    because callers pass sorted runs, which it merges in linear time."""
    if not len(keys):
        return keys, keys
    ordered = np.sort(keys, kind="stable")
    starts = np.flatnonzero(run_firsts(ordered))
    return ordered[starts], np.diff(starts, append=len(ordered))
