"""The search structure: built once from the entries, then asked many questions. Index and Weights are the
names the rest of the code uses; each module holds one step:

  inverted_index.py  Index: built from entries, or from an edited index by splicing; what search reads
  weights.py         Weights: every tuned number, with where it came from
  vocabulary.py      terms and adjacent-word pairs, numbered
  analysis.py        entries → rows of term numbers, in bulk; an edit's rows spliced in
  postings.py        each term's ids in flat arrays, and the sums over them (with a cost model)
  arrays.py          numpy helpers: distinct values, counts, run starts
  rarity.py          word weights: idf blended with the word's rarity in English
  bm25.py            each entry as one document: BM25 (Lucene idf, ATIRE tf)
  search.py          question → weighted terms → candidates → confidence (rapidfuzz, the classifier)
  phrasing_keys.py   a phrasing's sorted terms, remembered; the entries a question cannot be told from
"""

from __future__ import annotations

from .inverted_index import Index
from .weights import Weights

__all__ = ["Index", "Weights"]
