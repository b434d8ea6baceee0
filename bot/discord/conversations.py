"""What each conversation with the bot is about, so a follow-up ("and when did they join?") is read with the
subject of the bot's last answer there.

A conversation is a thread (a forum post, or any thread: all of it is one conversation) or, in an ordinary
channel, a reply chain (the bot message a member replies to). Its key names the server and the channel, so a
subject never crosses threads or servers. It is forgotten after `max_messages` more messages in its channel, or
`max_age_s` after the answer; at most `capacity` are kept, the least recently used going first. Memory only: a
restart forgets every subject, which costs one follow-up its context. No discord import (tested directly).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..core.models import Context

CONVERSATIONS_REMEMBERED = 10_000  # a few hundred bytes each: a busy server's day, in a few megabytes
WHOLE_THREAD = 0  # the anchor of a thread's conversation (a reply chain's is the bot message it continues)

# (server id, channel or thread id, anchor)
Key = tuple[int, int, int]


@dataclass
class _Remembered:
    context: Context
    at: float  # when the bot answered (the clock's time)
    messages: int = 0  # messages in its channel since


class Conversations:
    def __init__(
        self,
        max_messages: int,
        max_age_s: float,
        *,
        capacity: int = CONVERSATIONS_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_messages, self.max_age_s, self.capacity = max_messages, max_age_s, capacity
        self._clock = clock
        self._remembered: OrderedDict[Key, _Remembered] = OrderedDict()
        self._by_channel: dict[tuple[int, int], set[Key]] = {}

    def __len__(self) -> int:
        return len(self._remembered)

    def remember(self, key: Key, context: Context) -> None:
        """The bot answered in this conversation: follow-ups lean on `context` from now on."""
        self.forget(key)
        self._remembered[key] = _Remembered(context, self._clock())
        self._by_channel.setdefault(_channel(key), set()).add(key)
        while len(self._remembered) > self.capacity:
            self.forget(next(iter(self._remembered)))

    def recall(self, key: Key) -> Context | None:
        """The conversation's subject, unless it has expired (then it is forgotten)."""
        found = self._remembered.get(key)
        if found is None:
            return None
        if found.messages > self.max_messages or self._clock() - found.at > self.max_age_s:
            self.forget(key)
            return None
        self._remembered.move_to_end(key)
        return found.context

    def count_message(self, guild_id: int, channel_id: int) -> None:
        """A member's message in a channel: every conversation there is one message older."""
        for key in self._by_channel.get((guild_id, channel_id), ()):
            self._remembered[key].messages += 1

    def forget(self, key: Key) -> None:
        if self._remembered.pop(key, None) is not None:
            keys = self._by_channel[_channel(key)]
            keys.discard(key)
            if not keys:
                del self._by_channel[_channel(key)]

    def forget_channel(self, guild_id: int, channel_id: int) -> None:
        """A deleted thread or channel: nothing said there is remembered."""
        for key in list(self._by_channel.get((guild_id, channel_id), ())):
            self.forget(key)


def _channel(key: Key) -> tuple[int, int]:
    return key[0], key[1]
