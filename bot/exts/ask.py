"""Questions from members: mentions, replies that mention the bot, /ask, /topics, forum posts and DMs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections import Counter, OrderedDict
from typing import Any

import discord
from discord import app_commands
from discord.app_commands import Cooldown
from discord.ext import commands

from ..client import FaqBot
from ..core.models import Answer, Status
from ..render import answer_embed, how_to_embed, off_topic_embed, suggest_embed, tag_pages, topics_pages, trim
from ..views import Pager, suggestion_view, vote_view

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MAX_QUESTION_CHARS = 1000  # longer questions are cut: the rest adds noise, not meaning
AUTOCOMPLETE_CHOICES = 25  # Discord's maximum
CHOICE_NAME_LIMIT = 100
DEFER_AFTER_SECONDS = 2.0  # Discord allows 3 s for the first response
ANSWERED_POSTS_REMEMBERED = 10_000
COOLDOWN_REACTION = "⏳"


class Cooldowns:
    """Token buckets per key (a user id, a channel id); old buckets are pruned so memory stays flat."""

    def __init__(self, rate: int, per: float) -> None:
        self.rate, self.per = rate, per
        self._buckets: dict[int, Cooldown] = {}

    def retry_after(self, key: int) -> float:
        """0 if allowed (and counted), else the seconds to wait."""
        if self.rate <= 0:
            return 0.0
        now = time.time()
        if len(self._buckets) > 10_000:
            self._buckets = {k: b for k, b in self._buckets.items() if now - b._last < self.per}
        bucket = self._buckets.setdefault(key, Cooldown(self.rate, self.per))
        return bucket.update_rate_limit(now) or 0.0


class Ask(commands.Cog):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        settings = bot.config.discord
        self.user_cooldowns = Cooldowns(settings.user_cooldown_count, settings.user_cooldown_seconds)
        self.channel_cooldowns = Cooldowns(settings.channel_cooldown_count, settings.channel_cooldown_seconds)
        self.forum_ids = set(settings.forum_channel_ids)
        self._answered_posts: OrderedDict[int, None] = OrderedDict()

    # ---- shared steps -------------------------------------------------------------------------------

    def ask(self, question: str) -> Answer:
        answer = self.bot.engine.ask(question[:MAX_QUESTION_CHARS])
        self.bot.record(answer)
        return answer

    def on_cooldown(self, user_id: int, channel_id: int) -> float:
        return max(self.user_cooldowns.retry_after(user_id), self.channel_cooldowns.retry_after(channel_id))

    def reply_parts(self, answer: Answer) -> dict[str, Any]:
        """The kwargs of a reply for any outcome: one renderer, one place that picks the view."""
        if answer.entry is not None:
            return {"embed": answer_embed(answer), "view": vote_view(answer.entry.id)}
        if answer.status is Status.SUGGEST:
            return {"embed": suggest_embed(answer), "view": suggestion_view(answer)}
        examples = self.bot.engine.knowledge.entries[:4]
        return {"embed": off_topic_embed(answer, examples)}

    def _question_from_mention(self, message: discord.Message) -> str:
        assert self.bot.user is not None
        mention = re.compile(rf"<@!?{self.bot.user.id}>")
        return mention.sub(" ", message.content).strip()

    # ---- messages: mentions, replies, DMs, forum posts ----------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None:  # other bots and our own echoes
            return
        if self._is_new_forum_post(message):
            await self._answer_forum_post(message)
            return
        if message.guild is None:
            await self._answer_direct_message(message)
            return
        if self.bot.user not in message.mentions:
            return
        question = self._question_from_mention(message)
        if not question and message.reference is not None:
            question = await self._replied_text(message)
        if not question:
            await message.reply(embed=how_to_embed(), mention_author=False, allowed_mentions=NO_PINGS)
            return
        await self._answer_message(message, question)

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
        return self._question_from_mention(replied) if isinstance(replied, discord.Message) else ""

    async def _answer_message(self, message: discord.Message, question: str) -> None:
        if self.on_cooldown(message.author.id, message.channel.id):
            with contextlib.suppress(discord.HTTPException):  # silence plus a reaction: a reply adds to the flood
                await message.add_reaction(COOLDOWN_REACTION)
            return
        answer = self.ask(question)
        await message.reply(**self.reply_parts(answer), mention_author=False, allowed_mentions=NO_PINGS)

    async def _answer_direct_message(self, message: discord.Message) -> None:
        if not self.bot.config.discord.answer_dms:
            await message.channel.send("Sorry, I only answer questions in servers.", allowed_mentions=NO_PINGS)
            return
        question = self._question_from_mention(message)
        if not question:
            await message.channel.send(embed=how_to_embed(), allowed_mentions=NO_PINGS)
            return
        await self._answer_message(message, question)

    def _is_new_forum_post(self, message: discord.Message) -> bool:
        channel = message.channel
        # a forum post is a thread whose id is its starter message's id
        return (
            getattr(channel, "parent_id", None) in self.forum_ids
            and message.id == channel.id
            and message.guild is not None
        )

    async def _answer_forum_post(self, message: discord.Message) -> None:
        if message.id in self._answered_posts:  # the same post delivered twice: answer once
            return
        self._answered_posts[message.id] = None
        while len(self._answered_posts) > ANSWERED_POSTS_REMEMBERED:
            self._answered_posts.popitem(last=False)
        title = getattr(message.channel, "name", "") or ""
        answer = self.ask(f"{title}\n{message.content}".strip())
        if answer.status is Status.NONE and not self.bot.config.discord.forum_reply_off_topic:
            return
        await message.channel.send(**self.reply_parts(answer), allowed_mentions=NO_PINGS)

    # ---- slash commands -----------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about European defence cooperation")
    @app_commands.describe(
        question="Your question, e.g. What is PESCO?",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def ask_command(self, interaction: discord.Interaction[FaqBot], question: str, private: bool = False) -> None:
        wait = self.on_cooldown(interaction.user.id, interaction.channel_id or 0)
        if wait:
            await interaction.response.send_message(
                f"You're asking quickly — please try again in {wait:.0f} s.", ephemeral=True, allowed_mentions=NO_PINGS
            )
            return
        work = asyncio.create_task(asyncio.to_thread(self.ask, question))
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
        if not done:  # a very large knowledge base: acknowledge within Discord's 3 s, answer after
            await interaction.response.defer(ephemeral=private, thinking=True)
        answer = await work
        parts = self.reply_parts(answer)
        if interaction.response.is_done():
            await interaction.followup.send(**parts, ephemeral=private, allowed_mentions=NO_PINGS)
        else:
            await interaction.response.send_message(**parts, ephemeral=private, allowed_mentions=NO_PINGS)

    @ask_command.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        engine = self.bot.engine
        if current.strip():
            titles = [c.entry.title for c in engine.index.search(current[:MAX_QUESTION_CHARS], AUTOCOMPLETE_CHOICES)]
        else:
            titles = [e.title for e in engine.knowledge.entries[:AUTOCOMPLETE_CHOICES]]
        return [app_commands.Choice(name=trim(t, CHOICE_NAME_LIMIT), value=trim(t, CHOICE_NAME_LIMIT)) for t in titles]

    @app_commands.command(name="topics", description="Browse what the bot knows about, by topic")
    @app_commands.describe(tag="A topic to list the questions of (leave empty for all topics)")
    async def topics_command(self, interaction: discord.Interaction[FaqBot], tag: str | None = None) -> None:
        engine = self.bot.engine
        if tag:
            pages = tag_pages(tag, engine.entries_tagged(tag.strip().lower()))
        else:
            counts = Counter(t for e in engine.knowledge.entries for t in e.tags)
            pages = topics_pages([(t, counts[t]) for t in engine.topics])
        view = Pager(pages, interaction.user.id) if len(pages) > 1 else discord.utils.MISSING
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=True, allowed_mentions=NO_PINGS)

    @topics_command.autocomplete("tag")
    async def tag_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower()
        return [app_commands.Choice(name=t, value=t) for t in self.bot.engine.topics if needle in t][
            :AUTOCOMPLETE_CHOICES
        ]


async def setup(bot: FaqBot) -> None:
    await bot.add_cog(Ask(bot))
