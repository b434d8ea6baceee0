"""A new post in one of the forums: answered once (a post delivered twice, or again after a restart, is not
answered again), in its thread, with the earlier solved threads on its subject."""

from __future__ import annotations

import functools
from collections import OrderedDict
from typing import Any

import discord

from ....core.models import NoAnswer
from ....runtime import RuntimeDataUnavailable
from ...client import FaqBot
from ...delivery import send_retrying_once
from ...replies import with_earlier_threads
from ._answering import Answering
from ._follow_ups import FollowUps

ANSWERED_POSTS_REMEMBERED = 10_000  # forum posts answered, remembered to answer a re-delivered one once


class ForumPosts:
    def __init__(self, bot: FaqBot, answering: Answering, follow_ups: FollowUps) -> None:
        self.bot, self.answering, self.follow_ups = bot, answering, follow_ups
        self.forum_ids = follow_ups.forum_ids
        self._answered: OrderedDict[int, None] = OrderedDict()  # the fallback when runtime data is down

    def is_new_post(self, message: discord.Message) -> bool:
        channel = message.channel
        # a forum post is a thread whose id is its starter message's id
        return (
            getattr(channel, "parent_id", None) in self.forum_ids
            and message.id == channel.id
            and message.guild is not None
        )

    def answered_here(self, post_id: int) -> bool:
        """Answered by this process (the runtime data knows about earlier ones too: `answer` asks it)."""
        return post_id in self._answered

    async def answer(self, message: discord.Message) -> None:
        if message.id in self._answered:  # the same post delivered twice: answer once
            return
        self._answered[message.id] = None
        while len(self._answered) > ANSWERED_POSTS_REMEMBERED:
            self._answered.popitem(last=False)
        try:  # and once across restarts too
            if not await self.bot.runtime_call(self.bot.runtime.claim_post, message.id):
                return
        except RuntimeDataUnavailable:
            pass  # the in-memory record above is all there is until the database is back
        title = getattr(message.channel, "name", None)
        reply = await self.answering.answer(message.content, title)
        assert message.guild is not None  # a forum post
        earlier = await self.bot.solved_threads.earlier(message.guild.id, message.content, title, reply)
        matched = bool(reply.answers or reply.unsure)
        off_topic = not matched and reply.primary.reason is NoAnswer.OFF_TOPIC
        messages: list[dict[str, Any]] = []
        if matched or not (earlier or (off_topic and not self.bot.config.discord.forum_reply_off_topic)):
            messages = self.answering.messages(reply)
        for kwargs in with_earlier_threads(messages, earlier):  # with no entry, the earlier threads alone
            await send_retrying_once(
                functools.partial(message.channel.send, **kwargs), f"the answer to forum post {message.id}"
            )
        self.follow_ups.post_answered(message, reply)
        await self.bot.record(reply.parts, message.jump_url)
