"""The steps every way of asking shares: the question in a message, matched off the event loop, rendered
into messages (one renderer for every outcome), and sent as a reply chain."""

from __future__ import annotations

import asyncio
import functools
import re
from typing import Any

import discord

from ....core.conversation import Context
from ....core.models import Reply
from ...client import FaqBot
from ...delivery import send_retrying_once
from ...replies import reply_messages


class Answering:
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot

    async def answer(self, message: str, title: str | None = None, context: Context | None = None) -> Reply:
        """Match in a worker thread (the index must not hold up the event loop); record with `bot.record`
        once the reply is sent. `context`: the conversation's subject, for follow-ups."""
        engine = self.bot.engine
        return await asyncio.to_thread(functools.partial(engine.answer_message, message, title, context=context))

    def messages(self, reply: Reply) -> list[dict[str, Any]]:
        """What to send for any outcome (usually one message): one renderer for every way of asking."""
        return reply_messages(reply, self.bot.engine.knowledge.entries, self.bot.solved_threads.linkable)

    def question_in(self, message: discord.Message) -> str:
        """The message's text with the bot's mentions taken out."""
        assert self.bot.user is not None
        mention = re.compile(rf"<@!?{self.bot.user.id}>")
        return mention.sub(" ", message.content).strip()

    async def reply_with(self, message: discord.Message, messages: list[dict[str, Any]]) -> list[discord.Message]:
        """Send the messages as a reply to `message`, each further one replying to the one before."""
        what = f"the reply to message {message.id}"
        sent: list[discord.Message] = []
        for kwargs in messages:  # over Discord's limits for one message: the rest follows, nothing dropped
            to = sent[-1] if sent else message
            sent.append(await send_retrying_once(functools.partial(to.reply, **kwargs, mention_author=False), what))
        return sent
