"""bot/discord/conversations.py: a conversation's subject, per server and channel, expiring and bounded."""

from __future__ import annotations

from bot.core.models import Context
from bot.discord.conversations import WHOLE_THREAD, Conversations

from ..fakes.clock import Clock

DENMARK = Context("denmark-joins-pesco", "denmark join pesco")
NATO = Context("eu-nato-membership-overlap", "eu countries nato")


def test_a_subject_never_crosses_threads_or_servers():
    memory = Conversations(10, 600)
    memory.remember((1, 100, WHOLE_THREAD), DENMARK)
    memory.remember((1, 200, WHOLE_THREAD), NATO)
    assert memory.recall((1, 100, WHOLE_THREAD)) == DENMARK and memory.recall((1, 200, WHOLE_THREAD)) == NATO
    assert memory.recall((2, 100, WHOLE_THREAD)) is None  # the same channel id in another server
    assert memory.recall((1, 100, 555)) is None  # a reply chain in that channel is its own conversation
    memory.forget_channel(1, 100)  # the post was deleted
    assert memory.recall((1, 100, WHOLE_THREAD)) is None and memory.recall((1, 200, WHOLE_THREAD)) == NATO


def test_a_subject_expires_after_so_many_messages_or_minutes_and_a_new_answer_renews_it():
    clock = Clock()
    memory = Conversations(2, 60, clock=clock)
    key = (1, 100, WHOLE_THREAD)
    memory.remember(key, DENMARK)
    memory.count_message(1, 100)
    memory.count_message(1, 100)
    memory.count_message(1, 999)  # elsewhere: does not count
    assert memory.recall(key) == DENMARK
    memory.count_message(1, 100)
    assert memory.recall(key) is None and len(memory) == 0
    memory.remember(key, DENMARK)
    clock.now = 61
    assert memory.recall(key) is None
    memory.remember(key, NATO)
    clock.now = 100
    assert memory.recall(key) == NATO


def test_memory_is_bounded_least_recently_used_first():
    memory = Conversations(10, 600, capacity=2)
    memory.remember((1, 1, 0), DENMARK)
    memory.remember((1, 2, 0), DENMARK)
    assert memory.recall((1, 1, 0)) == DENMARK  # used: now the most recent
    memory.remember((1, 3, 0), NATO)
    assert len(memory) == 2 and memory.recall((1, 2, 0)) is None and memory.recall((1, 1, 0)) == DENMARK
    memory.count_message(1, 2)  # a forgotten conversation's channel: nothing to age
