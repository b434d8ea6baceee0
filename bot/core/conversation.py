"""A conversation with the bot: what was said in it, what it is about, and when it is forgotten. Every adapter
keeps its conversations here (Discord: threads and reply chains, bot/discord/conversations.py); the engine
reads a follow-up with what its conversation is about (Engine.ask's `context`).

- Context: what a conversation is about (the entry answered last and the words of its subject), and the rule
  for what a reply leaves as context (context_of, context_after). As a small plain dict (as_dict, from_dict) it
  can travel in a hidden form field.
- Conversation: the member's turns (what each said, what each was answered with) and its Context.
- Conversations: the memory of many, each under any hashable key, in some place (a channel: `place_of`). A
  conversation is forgotten after `max_messages` more messages in its place, or `max_age_s` after its last
  answer; at most `capacity` are kept, the least recently used going first. Memory only: a restart forgets
  every conversation, which costs one follow-up its context.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from .models import Entry, Reply
from .questions import MAX_MESSAGE_CHARS, subject_of
from .specifics import names

CONVERSATIONS_REMEMBERED = 10_000  # a few hundred bytes each: a busy server's day, in a few megabytes
MAX_TURNS = 10  # turns a conversation keeps: the context needs only the last answer; the rest is for people

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Context:
    """What a follow-up in a conversation leans on: the entry answered last and the words of its subject."""

    entry_id: str | None
    subject: str
    stated: bool = False  # the member's own words (statements before a question), not a previous answer's subject

    @classmethod
    def about(cls, entry: Entry) -> Context:
        """The context an answer with this entry leaves: what its canonical question names ("When was PESCO
        launched?" → "PESCO": what "it" in "how many countries are in it?" stands for), else its subject words."""
        return cls(entry.id, names(entry.title) or subject_of(entry.title))

    def as_dict(self) -> dict[str, str]:
        """As plain text fields (a web form's hidden fields, a JSON body); from_dict reads them back."""
        return {"entry": self.entry_id or "", "subject": self.subject}

    @classmethod
    def from_dict(cls, fields: Mapping[str, object]) -> Context | None:
        """A context as_dict made, come back from a client (so checked: text only, no longer than a message the
        engine reads); None if it is not one, or is about nothing."""
        entry, subject = fields.get("entry", ""), fields.get("subject", "")
        if not isinstance(entry, str) or not isinstance(subject, str):
            return None
        if len(entry) > MAX_MESSAGE_CHARS or len(subject) > MAX_MESSAGE_CHARS or not (entry or subject):
            return None
        return cls(entry or None, subject)


def context_of(reply: Reply) -> Context | None:
    """What a follow-up to this reply leans on: the first answered entry and the subject words of its
    canonical question (None when nothing was answered: a follow-up then stands on its own)."""
    entry = reply.answers[0].entry if reply.answers else None
    return Context.about(entry) if entry is not None else None


def context_after(before: Context | None, reply: Reply) -> Context | None:
    """What a conversation is about after this reply: what the reply leaves, or, when it answered nothing (an
    off-topic remark, choices), what it was about before."""
    return context_of(reply) or before


@dataclass(frozen=True, slots=True)
class Turn:
    said: str  # the member's message
    reply: Reply  # what the bot answered it with


@dataclass(frozen=True, slots=True)
class Conversation:
    context: Context | None = None
    turns: tuple[Turn, ...] = ()  # the last MAX_TURNS, oldest first

    def after(self, said: str, reply: Reply) -> Conversation:
        """This conversation with one more turn, about what the reply leaves it about (context_after)."""
        return Conversation(context_after(self.context, reply), (*self.turns, Turn(said, reply))[-MAX_TURNS:])


@dataclass
class _Remembered:
    conversation: Conversation
    at: float  # when the bot last answered in it (the clock's time)
    messages: int = 0  # messages in its place since


def _itself(key: Hashable) -> Hashable:
    return key


class Conversations(Generic[K]):
    def __init__(
        self,
        max_messages: int,
        max_age_s: float,
        *,
        capacity: int = CONVERSATIONS_REMEMBERED,
        clock: Callable[[], float] = time.monotonic,
        place_of: Callable[[K], Hashable] = _itself,
    ) -> None:
        """`place_of`: where a key's conversation happens (messages there age it; forget_place forgets it)."""
        self.max_messages, self.max_age_s, self.capacity = max_messages, max_age_s, capacity
        self._clock = clock
        self._place_of = place_of
        self._remembered: OrderedDict[K, _Remembered] = OrderedDict()
        self._by_place: dict[Hashable, set[K]] = {}

    def __len__(self) -> int:
        return len(self._remembered)

    def remember(self, key: K, conversation: Conversation) -> None:
        """From now on this is the conversation at `key`: its age and message count start again."""
        self.forget(key)
        self._remembered[key] = _Remembered(conversation, self._clock())
        self._by_place.setdefault(self._place_of(key), set()).add(key)
        while len(self._remembered) > self.capacity:
            self.forget(next(iter(self._remembered)))

    def said(self, key: K, said: str, reply: Reply, *, continues: Conversation | None = None) -> None:
        """A member said `said` in the conversation at `key` and the bot replied `reply`. A reply that leaves a
        context goes on as the conversation at `key`, which is answered now (remember); with none there yet, it
        `continues` this one (a reply chain: the conversation of the bot message replied to). A reply that
        answered nothing is only a turn of a conversation already there: it neither renews it nor starts one
        (a follow-up then stands on its own, as before)."""
        found = self._live(key)
        if context_of(reply) is not None:
            before = found.conversation if found else continues or Conversation()
            self.remember(key, before.after(said, reply))
        elif found is not None:
            found.conversation = found.conversation.after(said, reply)

    def recall(self, key: K) -> Conversation | None:
        """The conversation at `key`, unless it has expired (then it is forgotten)."""
        found = self._live(key)
        if found is None:
            return None
        self._remembered.move_to_end(key)
        return found.conversation

    def context(self, key: K) -> Context | None:
        """What the conversation at `key` is about (recall), if anything."""
        conversation = self.recall(key)
        return conversation.context if conversation else None

    def count_message(self, place: Hashable) -> None:
        """A member's message in a place: every conversation there is one message older."""
        for key in self._by_place.get(place, ()):
            self._remembered[key].messages += 1

    def forget(self, key: K) -> None:
        if self._remembered.pop(key, None) is not None:
            place = self._place_of(key)
            keys = self._by_place[place]
            keys.discard(key)
            if not keys:
                del self._by_place[place]

    def forget_place(self, place: Hashable) -> None:
        """A deleted thread or channel: nothing said there is remembered."""
        for key in list(self._by_place.get(place, ())):
            self.forget(key)

    def _live(self, key: K) -> _Remembered | None:
        """The conversation at `key` as remembered, unless it has expired (then it is forgotten)."""
        found = self._remembered.get(key)
        if found is not None and (found.messages > self.max_messages or self._clock() - found.at > self.max_age_s):
            self.forget(key)
            return None
        return found
