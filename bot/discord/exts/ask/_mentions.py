"""Messages that ask the bot: a mention, a reply to the bot (a follow-up in its reply chain), `@Bot` in reply
to someone's question, a post author going on in their own post (quietly), and direct messages."""

from __future__ import annotations

import contextlib
import functools

import discord

from ....core.conversation import Conversation
from ....core.questions import asks
from ....render.embeds import how_to_embed
from ...client import FaqBot
from ...delivery import send_retrying_once
from ._answering import Answering
from ._cooldowns import COOLDOWN_REACTION, Cooldowns
from ._follow_ups import FollowUps

DMS_REFUSED = "Sorry, I only answer questions in servers."


class Mentions:
    def __init__(self, bot: FaqBot, answering: Answering, cooldowns: Cooldowns, follow_ups: FollowUps) -> None:
        self.bot, self.answering, self.cooldowns, self.follow_ups = bot, answering, cooldowns, follow_ups

    async def on_message(self, message: discord.Message) -> None:
        """A member's message that is not a new forum post: a DM, or in a server a mention, a reply to the
        bot, or a follow-up by a post's author; anything else only ages the conversations in its channel."""
        if message.guild is None:
            await self._answer_direct_message(message)
            return
        self.follow_ups.count(message)
        replied = self.follow_ups.replied_bot_message(message)
        conversation = self.follow_ups.conversation(message, replied)
        if self.bot.user not in message.mentions and replied is None:
            if self.follow_ups.context(conversation) is not None and self.follow_ups.is_posters_follow_up(message):
                await self.answer_in_reply(message, self.answering.question_in(message), conversation, quietly=True)
            return
        question = self.answering.question_in(message)
        if not question and message.reference is not None and replied is None:
            question = await self._replied_text(message)
        if not question:
            await send_retrying_once(
                functools.partial(message.reply, embed=how_to_embed(), mention_author=False),
                f"the how-to reply to message {message.id}",
            )
            return
        await self.answer_in_reply(message, question, conversation)

    async def _replied_text(self, message: discord.Message) -> str:
        """`@Bot` as a reply to someone's question: the question is the replied-to message."""
        reference = message.reference
        assert reference is not None
        replied = reference.resolved
        if not isinstance(replied, discord.Message) and reference.message_id:
            try:
                replied = await message.channel.fetch_message(reference.message_id)
            except discord.HTTPException:
                return ""
        return self.answering.question_in(replied) if isinstance(replied, discord.Message) else ""

    async def answer_in_reply(
        self,
        message: discord.Message,
        question: str,
        conversation: Conversation | None = None,
        *,
        quietly: bool = False,
    ) -> None:
        """Answer in a reply, as a follow-up in `conversation` if the message continues one. `quietly`: nobody
        asked the bot (a post's author goes on in their post), so only an answer or choices to a question are
        sent: no prompt, no off-topic reply, no ⏳."""
        user_id, channel_id = message.author.id, message.channel.id
        if not quietly and self.cooldowns.take_token(user_id, channel_id):
            with contextlib.suppress(discord.HTTPException):  # silence plus a reaction: a reply adds to the flood
                await message.add_reaction(COOLDOWN_REACTION)
            return
        reply = await self.answering.answer(question, context=self.follow_ups.context(conversation))
        if quietly and not any(asks(part.question) for part in (*reply.answers, *reply.unsure)):
            return  # a remark ("thanks, that helps!"), or a question nothing matched: the bot was not asked
        if quietly and self.cooldowns.take_token(user_id, channel_id):
            return
        sent = await self.answering.reply_with(message, self.answering.messages(reply))
        self.follow_ups.answered(message, question, reply, sent, conversation)
        await self.bot.record(reply.parts, message.jump_url)

    async def _answer_direct_message(self, message: discord.Message) -> None:
        what = f"the reply to direct message {message.id}"
        if not self.bot.config.discord.answer_dms:
            await send_retrying_once(functools.partial(message.channel.send, DMS_REFUSED), what)
            return
        question = self.answering.question_in(message)
        if not question:
            await send_retrying_once(functools.partial(message.channel.send, embed=how_to_embed()), what)
            return
        await self.answer_in_reply(message, question)
