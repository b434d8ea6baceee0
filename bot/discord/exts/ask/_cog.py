"""The Ask cog: what members run (/ask, /topics, Apps → Ask the FAQ) and the events it listens to, each
handed to the module for its job (mentions, forum posts, catch-up, follow-ups)."""

from __future__ import annotations

import asyncio
import functools
import logging

import discord
from discord import app_commands
from discord.ext import commands

from ....render.embeds import CHOICE_NAME_LIMIT, CHOICES, tag_pages, topics_pages, trim
from ...client import FaqBot
from ...delivery import send_retrying_once
from ...views import Pager, PickSuggestion, VoteButton
from ._answering import Answering
from ._catch_up import CatchUp
from ._cooldowns import Cooldowns, asking_quickly
from ._follow_ups import FollowUps
from ._forum_posts import ForumPosts
from ._mentions import Mentions

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # autocomplete looks at this much of what is typed
DEFER_AFTER_SECONDS = 2.0  # Discord allows 3 s for the first response
TOPICS_REFUSAL = "Run `/topics` yourself to browse."
ASK_THE_FAQ = "Ask the FAQ"  # the message command (Apps → Ask the FAQ)
NOT_FROM_BOTS = "I answer members' messages, not those of bots (mine included)."
NOTHING_TO_ANSWER = "That message has no text I could answer."


class Ask(commands.Cog):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        self.answering = Answering(bot)
        self.cooldowns = Cooldowns(bot.config.discord)
        self.follow_ups = FollowUps(bot, set(bot.config.discord.forum_channel_ids))
        self.forum_posts = ForumPosts(bot, self.answering, self.follow_ups)
        self.catching_up = CatchUp(bot, self.forum_posts)
        self.mentions = Mentions(bot, self.answering, self.cooldowns, self.follow_ups)
        self.ask_menu = app_commands.ContextMenu(name=ASK_THE_FAQ, callback=self.ask_about_message)

    async def cog_load(self) -> None:
        # the buttons under answers and did-you-mean choices, understood after a restart too
        self.bot.add_dynamic_items(PickSuggestion, VoteButton)
        self.bot.tree.add_command(self.ask_menu)  # a cog cannot declare a context menu with a decorator

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickSuggestion, VoteButton)
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    # ---- events ------------------------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None:  # other bots and our own echoes
            return
        if self.forum_posts.is_new_post(message):
            await self.forum_posts.answer(message)
            return
        await self.mentions.on_message(message)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.follow_ups.forget_thread(payload.guild_id, payload.thread_id)

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """READY, not RESUMED: a new session, and Discord replays nothing that happened before it (a RESUME
        would have). Look in the forums for posts created while the bot was away."""
        await self.catching_up.catch_up(shard_id)

    # ---- Apps → Ask the FAQ on any message -----------------------------------------------------------

    async def ask_about_message(self, interaction: discord.Interaction[FaqBot], message: discord.Message) -> None:
        """Anyone may ask the FAQ about any member's message: the bot replies to that message as if it had
        been mentioned there (every question in it, in its conversation), and tells the asker privately."""
        question = self.answering.question_in(message)
        refusal = NOT_FROM_BOTS if message.author.bot else NOTHING_TO_ANSWER if not question else None
        wait = 0.0 if refusal else self.cooldowns.take_token(interaction.user.id, interaction.channel_id or 0)
        if refusal or wait:
            await interaction.response.send_message(refusal or asking_quickly(wait), ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # Discord allows 3 s; sending may take more
        conversation = self.follow_ups.conversation(message, self.follow_ups.replied_bot_message(message))
        reply = await self.answering.answer(question, context=self.follow_ups.context(conversation))
        try:
            sent = await self.answering.reply_with(message, self.answering.messages(reply))
        except discord.HTTPException as error:
            log.warning("could not answer message %d for Ask the FAQ (HTTP %s)", message.id, error.status)
            await interaction.followup.send("I could not reply to that message (see the bot's log).", ephemeral=True)
            return
        self.follow_ups.answered(message, question, reply, sent, conversation)
        await interaction.followup.send(f"Answered: {sent[0].jump_url}", ephemeral=True)
        await self.bot.record(reply.parts, message.jump_url)

    # ---- slash commands -----------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about European defence cooperation")
    @app_commands.describe(
        question="Your question, e.g. What is PESCO?",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def ask_command(self, interaction: discord.Interaction[FaqBot], question: str, private: bool = False) -> None:
        wait = self.cooldowns.take_token(interaction.user.id, interaction.channel_id or 0)
        if wait:
            await interaction.response.send_message(asking_quickly(wait), ephemeral=True)
            return
        work = asyncio.create_task(self.answering.answer(question))
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
        if not done:  # a very large knowledge base: acknowledge within Discord's 3 s, answer after
            await interaction.response.defer(ephemeral=private, thinking=True)
        reply = await work
        for kwargs in self.answering.messages(reply):
            if interaction.response.is_done():  # a follow-up can be sent again; a first response could not
                await send_retrying_once(
                    functools.partial(interaction.followup.send, **kwargs, ephemeral=private),
                    f"the /ask answer to interaction {interaction.id}",
                )
            else:
                await interaction.response.send_message(**kwargs, ephemeral=private)
        await self.bot.record(reply.parts)

    @ask_command.autocomplete("question")
    async def ask_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        engine = self.bot.engine
        if current.strip():
            found = await asyncio.to_thread(engine.candidates, current[:MAX_QUESTION_CHARS], CHOICES)
            titles = [c.entry.title for c in found]
        else:
            titles = [e.title for e in engine.knowledge.entries[:CHOICES]]
        return [app_commands.Choice(name=trim(t, CHOICE_NAME_LIMIT), value=trim(t, CHOICE_NAME_LIMIT)) for t in titles]

    @app_commands.command(name="topics", description="Browse what the bot knows about, by topic")
    @app_commands.describe(tag="A topic to list the questions of (leave empty for all topics)")
    async def topics_command(self, interaction: discord.Interaction[FaqBot], tag: str | None = None) -> None:
        engine = self.bot.engine
        if tag:
            typed = tag.strip().lower()  # the tag autocomplete gives, or a topic's name typed out
            found = next((t for t in engine.topics if typed in {t, engine.topic_name(t).lower()}), typed)
            pages = tag_pages(engine.topic_name(found), engine.entries_tagged(found))
        else:
            pages = topics_pages([(engine.topic_name(t), count) for t, count in engine.topic_counts()])
        view = Pager(pages, interaction.user.id, TOPICS_REFUSAL) if len(pages) > 1 else discord.utils.MISSING
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=True)

    @topics_command.autocomplete("tag")
    async def tag_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        needle, engine = current.strip().lower(), self.bot.engine
        named = [(t, engine.topic_name(t)) for t in engine.topics]
        return [app_commands.Choice(name=n, value=t) for t, n in named if needle in t or needle in n.lower()][:CHOICES]
