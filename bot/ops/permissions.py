"""The Discord permissions the bot needs, each with what it is for: one list that the invite link and
`doctor` both read, so the bot asks for exactly what its enabled features use, and the two never disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from ..config import DiscordConfig

# The bits of https://discord.com/developers/docs/topics/permissions (tests/ops/test_permissions.py holds them
# equal to discord.py's). Written here so that the CLI's --help need not import discord.py.
BITS = {
    "add_reactions": 1 << 6,
    "view_channel": 1 << 10,
    "send_messages": 1 << 11,
    "embed_links": 1 << 14,
    "read_message_history": 1 << 16,
    "manage_threads": 1 << 34,
    "send_messages_in_threads": 1 << 38,
}


class Granted(Protocol):
    """discord.Permissions, as far as these checks read it."""

    @property
    def send_messages_in_threads(self) -> bool: ...


def _always(_: DiscordConfig) -> bool:
    return True


def _cooldowns_on(config: DiscordConfig) -> bool:
    return config.user_cooldown_count > 0 or config.channel_cooldown_count > 0


def _solved_tag_set(config: DiscordConfig) -> bool:
    return bool(config.solved_tag.strip())


@dataclass(frozen=True, slots=True)
class Need:
    flag: str  # the discord.Permissions attribute
    why: str
    in_forums: bool = True  # checked in each configured forum, where the bot answers inside posts
    when: Callable[[DiscordConfig], bool] = _always  # the feature that needs it is enabled
    unless: str = ""  # what turns the feature off, for the invite's explanation

    @property
    def name(self) -> str:
        """As Discord's server settings show it."""
        return NAMES.get(self.flag, self.flag.replace("_", " ").title())

    @property
    def value(self) -> int:
        return BITS[self.flag]


NAMES = {"view_channel": "View Channels", "send_messages_in_threads": "Send Messages in Threads"}
NEEDS = (
    Need("view_channel", "see the channels and forum posts it answers in"),
    Need("send_messages", "reply to mentions in text channels, and post the review digest", in_forums=False),
    Need("send_messages_in_threads", "answer in forum posts and other threads"),
    Need("embed_links", "every answer is an embed, with its sources as links"),
    Need(
        "read_message_history",
        "read the message a mention replies to, and find the forum posts made while it was offline",
    ),
    Need(
        "add_reactions",
        "mark a question over the cooldown with ⏳ instead of replying",
        when=_cooldowns_on,
        unless="user_cooldown_count and channel_cooldown_count are 0",
    ),
    Need(
        "manage_threads",
        "put solved_tag on members' forum posts (Mark as solution)",
        when=_solved_tag_set,
        unless="solved_tag is empty",
    ),
)
# In a forum post the bot replies in a thread: with no Send Messages in Threads it cannot embed either
# (discord.py's Thread.permissions_for, after Discord's implicit permissions).
NEEDS_SENDING_IN_THREADS = ("embed_links",)


def needed(config: DiscordConfig) -> list[Need]:
    """What the enabled features need, server-wide (the invite link's permissions)."""
    return [need for need in NEEDS if need.when(config)]


def not_needed(config: DiscordConfig) -> list[Need]:
    return [need for need in NEEDS if not need.when(config)]


def forum_needs(config: DiscordConfig) -> list[Need]:
    """What the bot needs in each configured forum."""
    return [need for need in needed(config) if need.in_forums]


def total(needs: Iterable[Need]) -> int:
    """The permissions integer of an invite link."""
    value = 0
    for need in needs:
        value |= need.value
    return value


def missing_in_posts(granted: Granted, needs: Iterable[Need]) -> list[Need]:
    """The needs `granted` (the bot's permissions in a forum) lacks for replying inside the forum's posts."""
    can_send = granted.send_messages_in_threads
    return [
        need
        for need in needs
        if not getattr(granted, need.flag) or (need.flag in NEEDS_SENDING_IN_THREADS and not can_send)
    ]


def missing(granted: Granted, needs: Iterable[Need]) -> list[Need]:
    return [need for need in needs if not getattr(granted, need.flag)]
