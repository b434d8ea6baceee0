"""Follow-ups: which conversation a message continues (bot/discord/conversations.py), what it is about, and
what the bot's answer leaves there (bot.core.conversation); and a post author going on in their own post."""

from __future__ import annotations

import discord

from ....core.conversation import Context, Conversation
from ....core.models import Reply
from ...client import FaqBot
from ...conversations import answer_keys, key_of, memory, thread_key


class FollowUps:
    def __init__(self, bot: FaqBot, forum_ids: set[int]) -> None:
        self.bot = bot
        self.forum_ids = forum_ids
        settings = bot.config.discord
        self.conversations = memory(settings.context_messages, settings.context_minutes * 60)

    def count(self, message: discord.Message) -> None:
        """A member's message in a server channel: every conversation there is one message older."""
        assert message.guild is not None
        self.conversations.count_message((message.guild.id, message.channel.id))

    def replied_bot_message(self, message: discord.Message) -> discord.Message | None:
        """The bot's message this one replies to (Discord includes it), if it replies to the bot."""
        replied = message.reference.resolved if message.reference is not None else None
        bot_user = self.bot.user
        if isinstance(replied, discord.Message) and bot_user is not None and replied.author.id == bot_user.id:
            return replied
        return None

    def conversation(self, message: discord.Message, replied: discord.Message | None) -> Conversation | None:
        """The conversation the message continues (its thread, or the reply chain of the bot's message it
        replies to), unless there is none or it has expired."""
        key = key_of(message, replied)
        return self.conversations.recall(key) if key is not None else None

    @staticmethod
    def context(conversation: Conversation | None) -> Context | None:
        return conversation.context if conversation is not None else None

    def answered(
        self,
        message: discord.Message,
        question: str,
        reply: Reply,
        sent: list[discord.Message],
        continues: Conversation | None = None,
    ) -> None:
        """What the bot just answered is what follow-ups there lean on: in a thread, for the whole thread; in a
        channel, for replies to what it sent (each continuing the conversation the question was asked in)."""
        for key in answer_keys(message, sent):
            self.conversations.said(key, question, reply, continues=continues)

    def post_answered(self, post: discord.Message, reply: Reply) -> None:
        """A forum post's answer: what follow-ups in its thread lean on."""
        assert post.guild is not None
        self.conversations.said(thread_key(post.guild.id, post.channel.id), post.content, reply)

    def forget_thread(self, guild_id: int, thread_id: int) -> None:
        self.conversations.forget_place((guild_id, thread_id))

    def is_posters_follow_up(self, message: discord.Message) -> bool:
        """The post's author, in their own post in one of the forums, talking to nobody in particular (not a
        reply to someone, no mention): answered without mentioning the bot, if `forum_follow_ups`."""
        channel = message.channel
        return (
            self.bot.config.discord.forum_follow_ups
            and isinstance(channel, discord.Thread)
            and channel.parent_id in self.forum_ids
            and message.author.id == channel.owner_id
            and message.reference is None
            and not message.mentions
            and not message.role_mentions
            and not message.mention_everyone
        )
