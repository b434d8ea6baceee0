"""Which conversation a Discord message belongs to: the keys of bot.core.conversation's memory on Discord.

A conversation is a thread (a forum post, or any thread: all of it is one conversation) or, in an ordinary
channel, a reply chain (the bot message a member replies to). Its key names the server and the channel, so a
subject never crosses threads or servers; the channel is its place (messages there age it).
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from ..core.conversation import Conversations

WHOLE_THREAD = 0  # the anchor of a thread's conversation (a reply chain's is the bot message it continues)

# (server id, channel or thread id, anchor)
Key = tuple[int, int, int]


def channel_of(key: Key) -> tuple[int, int]:
    """The place of a conversation: its server and channel (or thread)."""
    return key[0], key[1]


def memory(max_messages: int, max_age_s: float) -> Conversations[Key]:
    return Conversations(max_messages, max_age_s, place_of=channel_of)


def thread_key(guild_id: int, thread_id: int) -> Key:
    return guild_id, thread_id, WHOLE_THREAD


def key_of(message: discord.Message, replied: discord.Message | None) -> Key | None:
    """The conversation a message belongs to: its thread (a forum post, any thread), or in a channel the reply
    chain it continues (`replied`: the bot message it replies to); None for a message that starts afresh."""
    if message.guild is None:
        return None
    if isinstance(message.channel, discord.Thread):
        return thread_key(message.guild.id, message.channel.id)
    return (message.guild.id, message.channel.id, replied.id) if replied is not None else None


def answer_keys(message: discord.Message, sent: Sequence[discord.Message]) -> list[Key]:
    """Where follow-ups to the bot's answer to `message` (the messages it `sent`) lean on it: in a thread, the
    whole thread; in a channel, replies to any message it sent. None in DMs."""
    if message.guild is None:
        return []
    if isinstance(message.channel, discord.Thread):
        return [thread_key(message.guild.id, message.channel.id)]
    return [(message.guild.id, message.channel.id, answer.id) for answer in sent]
