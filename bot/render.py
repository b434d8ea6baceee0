"""Answer → what Discord shows. The only place embeds are built; everything is trimmed to Discord's limits."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from .core.models import Answer, Entry
from .core.report import OFF_TOPIC, source_line

# Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits)
CONTENT_LIMIT = 2000
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_VALUE_LIMIT = 1024
FIELD_LIMIT = 25
FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000
BUTTON_LABEL_LIMIT = 80

ANSWER_COLOUR = discord.Colour.blue()
SUGGEST_COLOUR = discord.Colour.gold()
OFF_TOPIC_COLOUR = discord.Colour.light_grey()

HOW_TO = (
    "Ask me about European defence cooperation — PESCO, the European Defence Fund and Agency, "
    "EU–NATO relations, and the benefits and challenges of working together.\n"
    "• Mention me with a question: `@me what is PESCO?`\n"
    "• Use `/ask`, or browse what I know with `/topics`."
)


def trim(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _lines_into_fields(embed: discord.Embed, name: str, lines: Sequence[str]) -> None:
    """Add lines as one field, continuing in more fields when one would exceed 1,024 characters."""
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = trim(line, FIELD_VALUE_LIMIT)
        if chunk and size + len(line) + 1 > FIELD_VALUE_LIMIT:
            embed.add_field(name=name, value="\n".join(chunk), inline=False)
            name, chunk, size = f"{name} (continued)", [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk and len(embed.fields) < FIELD_LIMIT:
        embed.add_field(name=name, value="\n".join(chunk), inline=False)


def answer_embed(answer: Answer) -> discord.Embed:
    entry = answer.entry
    assert entry is not None, "answer_embed needs an answered Answer"
    embed = discord.Embed(
        title=trim(entry.title, TITLE_LIMIT), description=trim(entry.answer, DESCRIPTION_LIMIT), colour=ANSWER_COLOUR
    )
    sources = [
        f"**[{n}]** [{discord.utils.escape_markdown(trim(s.title, 200))}]({s.url})"
        + (f" — {discord.utils.escape_markdown(source_line(s)[len(s.title) + 3 :])}" if s.publisher or s.date else "")
        for n, s in enumerate(answer.citations, 1)
    ]
    _lines_into_fields(embed, "Sources", sources)
    if answer.related:
        _lines_into_fields(embed, "Related questions", [f"• {r.title}" for r in answer.related])
    embed.set_footer(text=trim(f"Confidence {answer.score:.0f}/100 · entry {entry.id}", FOOTER_LIMIT))
    return embed


def suggest_embed(answer: Answer) -> discord.Embed:
    lines = [f"**{n}.** {trim(c.entry.title, 300)}" for n, c in enumerate(answer.candidates, 1)]
    return discord.Embed(
        title="Did you mean…",
        description="\n".join(lines) + "\n\nPick one below, or rephrase your question.",
        colour=SUGGEST_COLOUR,
    )


def off_topic_embed(answer: Answer, examples: Sequence[Entry] = ()) -> discord.Embed:
    description = f"{OFF_TOPIC}." + (f" I know about: **{', '.join(answer.topics[:15])}**." if answer.topics else "")
    if examples:
        description += "\n\nTry, for example:\n" + "\n".join(f"• {e.title}" for e in examples[:4])
    return discord.Embed(
        title="I only know about European defence cooperation", description=description, colour=OFF_TOPIC_COLOUR
    )


def how_to_embed() -> discord.Embed:
    return discord.Embed(title="How to ask me", description=HOW_TO, colour=ANSWER_COLOUR)


def topics_pages(topics: Sequence[tuple[str, int]], per_page: int = 15) -> list[discord.Embed]:
    """/topics without a tag: each tag with its number of entries."""
    pages = [topics[i : i + per_page] for i in range(0, len(topics), per_page)] or [[]]
    return [
        discord.Embed(
            title="What I know about",
            description="\n".join(f"• **{tag}** — {count} question{'s' * (count != 1)}" for tag, count in page)
            + "\n\nUse `/topics tag:NAME` to list a topic's questions, or just `/ask`.",
            colour=ANSWER_COLOUR,
        ).set_footer(text=f"Page {n} of {len(pages)}")
        for n, page in enumerate(pages, 1)
    ]


def tag_pages(tag: str, entries: Sequence[Entry], per_page: int = 10) -> list[discord.Embed]:
    """/topics with a tag: the canonical questions filed under it."""
    pages = [entries[i : i + per_page] for i in range(0, len(entries), per_page)] or [[]]
    return [
        discord.Embed(
            title=trim(f"Topic: {tag}", TITLE_LIMIT),
            description="\n".join(f"• {e.title}" for e in page) or "Nothing filed under this topic.",
            colour=ANSWER_COLOUR,
        ).set_footer(text=f"Page {n} of {len(pages)}")
        for n, page in enumerate(pages, 1)
    ]


def button_label(text: str) -> str:
    return trim(text, BUTTON_LABEL_LIMIT)
