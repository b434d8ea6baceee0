"""bot/core/index/search.py: rapidfuzz refines only the final few candidates, on text normalised once."""

from __future__ import annotations

import rapidfuzz.fuzz

from bot.core.index import search


def test_fuzzy_scoring_only_touches_a_few_candidates(engine, monkeypatch):
    calls = []
    real = rapidfuzz.fuzz.token_sort_ratio

    def counting(*args, **kwargs):
        calls.append(args)
        assert kwargs.get("processor") is None  # text is normalised once, not per comparison
        return real(*args, **kwargs)

    monkeypatch.setattr(search.fuzz, "token_sort_ratio", counting)
    engine.ask("what are the benefits of defence cooperation")
    phrasings = sum(len(e.questions) for e in engine.knowledge.entries)
    assert 0 < len(calls) <= search.RESCORED < phrasings / 10
