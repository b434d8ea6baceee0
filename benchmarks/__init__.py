"""Benchmarks: answer accuracy on public datasets and speed from 1k to 100k entries, beside BM25 and
rapidfuzz, measured in the same run on the same machine. Entry point: `python -m benchmarks`."""
