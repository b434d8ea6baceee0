"""bot/render/text.py: what the CLI prints, and the JSON contract tooling parses."""

from __future__ import annotations

from bot.core.models import Answer, Status
from bot.render.text import answer_json, answer_text


def test_an_answer_has_its_numbered_sources_and_related_questions(engine):
    text = answer_text(engine.answer_entry("pesco-what"))
    assert text.startswith("What is PESCO?\n\n")
    assert "\nSources:\n  [1] " in text and "\n      https://" in text
    assert "\nRelated: " in text and text.endswith("(confidence 100/100)")


def test_off_topic_names_topics_and_never_an_entry(engine):
    answer = engine.ask("best pizza in rome")
    obj = answer_json(answer)
    assert (obj["status"], obj["entry_id"], obj["answer"], obj["citations"], obj["suggestions"]) == (
        "none",
        None,
        None,
        [],
        [],
    )
    assert "pesco" in answer_text(answer)
    assert answer_text(Answer("x", Status.NONE, ())).endswith("cooperation.")
