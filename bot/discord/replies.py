"""A Reply → the Discord messages that carry it: one embed per answered question (each with its numbered
sources and 👍/👎), buttons for did-you-mean and closest-I-have parts, the parts it could not answer named
last, and Discord's per-message limits respected by starting another message rather than dropping a source."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from ..core.models import Answer, Entry, NoAnswer, Reply, Status
from ..core.solved import SolvedThread
from ..render.embeds import (
    ACTION_ROWS,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    answer_embed,
    closest_embed,
    earlier_threads_embed,
    left_out_embed,
    no_subject_embed,
    off_topic_embed,
    suggest_embed,
    unanswered_embed,
)
from .views import PickSuggestion, VoteButton


@dataclass
class _Block:
    """One embed and the row of buttons that belongs to it."""

    embed: discord.Embed
    buttons: Sequence[discord.ui.Item[Any]] = ()


def _unchanged(answer: Answer) -> Answer:
    return answer


def _blocks(reply: Reply, examples: Sequence[Entry], linkable: Callable[[Answer], Answer]) -> list[_Block]:
    shown = [part for part in reply.shown if part.status is not Status.NONE]
    several = len(shown) > 1

    def number(part: Answer) -> int | None:
        return shown.index(part) + 1 if several else None

    blocks = []
    for part in shown:
        if part.entry is not None:
            label = str(number(part)) if several else None
            votes = [VoteButton(part.entry.id, helpful, label) for helpful in (True, False)]
            blocks.append(_Block(answer_embed(linkable(part), number(part)), votes))
        else:
            picks = [PickSuggestion(c.entry.id, f"{n}. {c.entry.title}") for n, c in enumerate(part.candidates, 1)]
            shown_as = closest_embed if part.status is Status.CLOSEST else suggest_embed
            blocks.append(_Block(shown_as(part, number(part)), picks))
    if blocks and reply.left_out:
        blocks.append(_Block(left_out_embed(reply.left_out)))
    if blocks and reply.unanswered:
        blocks.append(_Block(unanswered_embed(reply.unanswered)))
    if not blocks:
        primary = reply.primary
        if primary.reason is NoAnswer.NO_SUBJECT:
            blocks.append(_Block(no_subject_embed()))
        else:
            blocks.append(_Block(off_topic_embed(primary, examples)))
    return blocks


def reply_messages(
    reply: Reply, examples: Sequence[Entry] = (), linkable: Callable[[Answer], Answer] = _unchanged
) -> list[dict[str, Any]]:
    """The keyword arguments of each message to send, in order (usually one). `linkable` leaves out of an answer
    the citations that must not be linked (a deleted thread)."""
    messages: list[list[_Block]] = [[]]
    for block in _blocks(reply, examples, linkable):
        current = messages[-1]
        full = (
            len(current) >= min(EMBEDS_PER_MESSAGE, ACTION_ROWS)
            or sum(len(b.embed) for b in current) + len(block.embed) > EMBED_TOTAL_LIMIT
        )
        if current and full:
            messages.append([block])
        else:
            current.append(block)
    return [_message(blocks) for blocks in messages]


def _message(blocks: list[_Block]) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"embeds": [b.embed for b in blocks]}
    if any(b.buttons for b in blocks):
        view = discord.ui.View(timeout=None)
        for row, block in enumerate(blocks):
            for button in block.buttons:
                button.row = row
                view.add_item(button)
        kwargs["view"] = view
    return kwargs


def with_earlier_threads(messages: list[dict[str, Any]], threads: Sequence[SolvedThread]) -> list[dict[str, Any]]:
    """The messages of a reply with the earlier solved threads added: to the last message when it has room
    (Discord's embeds per message and characters in all), else as one more message; alone if there was no
    reply."""
    if not threads:
        return messages
    embed = earlier_threads_embed(threads)
    if messages:
        embeds: list[discord.Embed] = messages[-1].get("embeds", [])
        if len(embeds) < EMBEDS_PER_MESSAGE and sum(map(len, embeds)) + len(embed) <= EMBED_TOTAL_LIMIT:
            return [*messages[:-1], {**messages[-1], "embeds": [*embeds, embed]}]
    return [*messages, {"embeds": [embed]}]
