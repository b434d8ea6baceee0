"""bot/core/loader/answer_card.py: an answer must fit one Discord embed with its sources."""

from bot.core.loader import (
    MAX_ANSWER_CARD_CHARS,
    load_texts,
)

from .conftest import messages


def test_an_answer_too_long_to_show_with_its_sources_is_refused_at_its_line():
    sources = "".join(
        f"  - {{id: s{n}, title: {'T' * 150}, url: https://example.org/{'p' * 200}, publisher: {'P' * 60}}}\n"
        for n in range(8)
    )
    cited = ", ".join(f"s{n}" for n in range(8))
    markers = "".join(f"[^s{n}]" for n in range(8))
    entry = f"entries:\n  - id: e\n    questions: [Q?]\n    sources: [{cited}]\n    answer: {'a' * 1768}{markers}\n"
    found = messages(load_texts({"a.yaml": "sources:\n" + sources + entry}))
    assert [(line, key) for _, line, key, _ in found] == [(14, "e.answer")]
    assert f"Discord shows at most {MAX_ANSWER_CARD_CHARS}" in found[0][3] and "8 sources" in found[0][3]
    fewer = entry.replace(f"[{cited}]", "[s0, s1, s2]").replace(markers, "[^s0][^s1][^s2]")
    assert messages(load_texts({"a.yaml": "sources:\n" + sources + fewer})) == []
