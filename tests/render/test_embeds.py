"""bot/render/embeds.py: answers fit Discord's limits whatever the knowledge holds."""

from __future__ import annotations

import discord

from bot.core.loader import MAX_ANSWER_CARD_CHARS, MAX_ANSWER_CHARS, answer_card_chars
from bot.core.models import Answer, Candidate, Entry, Source, Status
from bot.render.embeds import (
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_VALUE_LIMIT,
    TITLE_LIMIT,
    WHY_CANDIDATES,
    answer_embed,
    tag_pages,
    topics_pages,
    why_embed,
    why_text,
)


def test_long_text_is_trimmed_to_each_limit():
    entry = Entry("long", ("Q" * 500,), "A" * 5000, ("s",))
    sources = tuple(Source(f"s{n}", "T" * 400, "https://e.org/" + "p" * 300, "P" * 200, "2025") for n in range(8))
    embed = answer_embed(Answer("q", Status.ANSWERED, (Candidate(entry, 80.0, "q"),), 80.0, sources))
    assert len(embed.title) <= TITLE_LIMIT and len(embed.description) <= DESCRIPTION_LIMIT
    assert all(len(field.value) <= FIELD_VALUE_LIMIT for field in embed.fields)
    numbers = "".join(field.value for field in embed.fields)
    assert all(f"**[{n}]**" in numbers for n in range(1, 9))  # every source kept, across continued fields


def test_pages_number_themselves():
    pages = topics_pages([(f"tag{n}", n) for n in range(40)])
    assert len(pages) == 3 and pages[-1].footer.text == "Page 3 of 3"
    assert (
        isinstance(tag_pages("empty", [])[0], discord.Embed)
        and "Nothing filed" in tag_pages("empty", [])[0].description
    )


def test_an_answer_the_loader_accepts_fits_discord_untrimmed_with_the_longest_question_and_footer():
    sources = {
        f"s{n}": Source(f"s{n}", "T*_" * 100, "https://e.org/" + "p" * 300, "P" * 200, "2025-01-01") for n in range(3)
    }
    related = {f"r{n}": Entry(f"r{n}", ("R" * 400,), "-") for n in range(3)}
    entry = Entry("edge", ("Q" * 300,), "", tuple(sources), related=tuple(related))
    room = MAX_ANSWER_CARD_CHARS - answer_card_chars(entry, sources, related)
    entry = Entry("edge", ("Q" * 300,), "A" * min(room, MAX_ANSWER_CHARS), tuple(sources), related=tuple(related))
    assert answer_card_chars(entry, sources, related) <= MAX_ANSWER_CARD_CHARS  # what the loader accepts
    answer = Answer(
        "x" * 500,
        Status.ANSWERED,
        (Candidate(entry, 80.0, "q"),),
        80.0,
        tuple(sources.values()),
        tuple(related.values()),
        context="c" * 200,
    )
    embed = answer_embed(answer, part=6)
    assert len(embed) <= EMBED_TOTAL_LIMIT and embed.description == entry.answer  # not shortened


def test_why_explains_the_matching_it_is_handed_and_marks_the_entry_asked_about():
    pesco = Entry("pesco-what", ("What is PESCO?",), "A framework.")
    card = Entry("card-what", ("What is CARD?",), "A review.")
    candidates = [Candidate(pesco, 72.4, "whats pesco"), Candidate(card, 31.0, "What is CARD?")]
    answer = Answer("pesco?", Status.SUGGEST, tuple(candidates), 72.4)
    embed = why_embed("pesco?", answer, candidates)
    assert embed.title == "Why: pesco?"
    assert embed.description.splitlines() == [
        "Outcome: **suggest** (confidence 72)",
        "`pesco-what` 72 — matched “whats pesco”",
        "`card-what` 31 — matched “What is CARD?”",
    ]
    marked = why_text(answer, candidates, "card-what").splitlines()
    assert marked[2] == "→ `card-what` 31 — matched “What is CARD?”"
    missing = why_text(answer, candidates, "edf-what").splitlines()
    assert missing[-1] == f"`edf-what` is not among the best {WHY_CANDIDATES} for this question."
