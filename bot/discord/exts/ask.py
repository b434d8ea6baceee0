"""Questions from members: mentions, replies to the bot, follow-ups in a conversation, /ask, /topics, the
"Ask the FAQ" message command, forum posts (with earlier solved threads on their subject) and DMs."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import logging
import re
from collections import OrderedDict
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from ...core.engine import context_of
from ...core.models import Context, NoAnswer, Reply
from ...core.questions import asks
from ...render.embeds import CHOICE_NAME_LIMIT, CHOICES, how_to_embed, tag_pages, topics_pages, trim
from ...runtime import RuntimeDataUnavailable
from ..client import FaqBot
from ..conversations import WHOLE_THREAD, Conversations, Key
from ..delivery import send_retrying_once
from ..replies import reply_messages, with_earlier_threads
from ..views import Pager, PickSuggestion, VoteButton

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000  # autocomplete looks at this much of what is typed
DEFER_AFTER_SECONDS = 2.0  # Discord allows 3 s for the first response
ANSWERED_POSTS_REMEMBERED = 10_000  # forum posts answered, remembered to answer a re-delivered one once
# After a new gateway session, posts created while the bot was away are answered if they are at most this old:
# an older question has had a day of people's answers, and a bot back from a long outage should not flood.
CATCH_UP_WINDOW = dt.timedelta(hours=24)
CATCH_UP_MAX_POSTS = 50  # at most this many per catch-up (each is a fetch and a reply, paced by Discord's limits)
# Recently archived posts to look through per forum, newest first: one request (Discord's page size is 100),
# and more than a day's worth in all but the busiest forums (the look stops at the first one too old anyway).
ARCHIVED_POSTS_LOOKED_AT = 100
POSTS_FORGOTTEN_AFTER = 2 * CATCH_UP_WINDOW  # the handled-post record keeps no more than catch-up needs
COOLDOWN_REACTION = "⏳"
TOPICS_REFUSAL = "Run `/topics` yourself to browse."
ASK_THE_FAQ = "Ask the FAQ"  # the message command (Apps → Ask the FAQ)
NOT_FROM_BOTS = "I answer members' messages, not those of bots (mine included)."
NOTHING_TO_ANSWER = "That message has no text I could answer."


def cooldown(rate: int, per: float) -> commands.CooldownMapping[int] | None:
    """discord.py's token buckets, keyed by an id we pass in (a member's, a channel's); None = no limit.
    The mapping forgets buckets idle for a whole window, so memory stays flat."""
    return commands.CooldownMapping.from_cooldown(rate, per, lambda key: key) if rate > 0 else None


class Ask(commands.Cog):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        settings = bot.config.discord
        self.per_member = cooldown(settings.user_cooldown_count, settings.user_cooldown_seconds)
        self.per_channel = cooldown(settings.channel_cooldown_count, settings.channel_cooldown_seconds)
        self.forum_ids = set(settings.forum_channel_ids)
        self._answered_posts: OrderedDict[int, None] = OrderedDict()  # the fallback when runtime data is down
        self._started = discord.utils.utcnow()  # watching the forums since, when runtime data cannot say
        self.conversations = Conversations(settings.context_messages, settings.context_minutes * 60)
        self.ask_menu = app_commands.ContextMenu(name=ASK_THE_FAQ, callback=self.ask_about_message)

    async def cog_load(self) -> None:
        # the buttons under answers and did-you-mean choices, understood after a restart too
        self.bot.add_dynamic_items(PickSuggestion, VoteButton)
        self.bot.tree.add_command(self.ask_menu)  # a cog cannot declare a context menu with a decorator

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickSuggestion, VoteButton)
        self.bot.tree.remove_command(self.ask_menu.name, type=self.ask_menu.type)

    # ---- shared steps -------------------------------------------------------------------------------

    async def answer(self, message: str, title: str | None = None, context: Context | None = None) -> Reply:
        """Match in a worker thread (the index must not hold up the event loop); record with `bot.record`
        once the reply is sent. `context`: the conversation's subject, for follow-ups."""
        engine = self.bot.engine
        return await asyncio.to_thread(functools.partial(engine.answer_message, message, title, context=context))

    def take_token(self, user_id: int, channel_id: int) -> float:
        """Spend one question from the member's and the channel's allowance: 0.0 if allowed, else the
        seconds until it would be."""
        waits = [
            mapping.update_rate_limit(key)
            for mapping, key in ((self.per_member, user_id), (self.per_channel, channel_id))
            if mapping
        ]
        return max((w for w in waits if w), default=0.0)

    def messages(self, reply: Reply) -> list[dict[str, Any]]:
        """What to send for any outcome (usually one message): one renderer for every way of asking."""
        return reply_messages(reply, self.bot.engine.knowledge.entries, self.bot.solved_threads.linkable)

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
        self.conversations.count_message(message.guild.id, message.channel.id)
        replied = self._replied_bot_message(message)
        context = self._context(message, replied)
        if self.bot.user not in message.mentions and replied is None:
            if context is not None and self._is_posters_follow_up(message):
                await self._answer_message(message, self._question_from_mention(message), context, quietly=True)
            return
        question = self._question_from_mention(message)
        if not question and message.reference is not None and replied is None:
            question = await self._replied_text(message)
        if not question:
            await send_retrying_once(
                functools.partial(message.reply, embed=how_to_embed(), mention_author=False),
                f"the how-to reply to message {message.id}",
            )
            return
        await self._answer_message(message, question, context)

    def _replied_bot_message(self, message: discord.Message) -> discord.Message | None:
        """The bot's message this one replies to (Discord includes it), if it replies to the bot."""
        replied = message.reference.resolved if message.reference is not None else None
        bot_user = self.bot.user
        if isinstance(replied, discord.Message) and bot_user is not None and replied.author.id == bot_user.id:
            return replied
        return None

    @staticmethod
    def _conversation(message: discord.Message, replied: discord.Message | None) -> Key | None:
        """The conversation a message belongs to: its thread (a forum post, any thread), or in a channel the
        reply chain it continues (the bot message it replies to); None for a message that starts afresh."""
        if message.guild is None:
            return None
        if isinstance(message.channel, discord.Thread):
            return message.guild.id, message.channel.id, WHOLE_THREAD
        return (message.guild.id, message.channel.id, replied.id) if replied is not None else None

    def _context(self, message: discord.Message, replied: discord.Message | None) -> Context | None:
        key = self._conversation(message, replied)
        return self.conversations.recall(key) if key is not None else None

    def _remember(self, message: discord.Message, reply: Reply, sent: list[discord.Message]) -> None:
        """What the bot just answered is what follow-ups there lean on: in a thread, for the whole thread; in a
        channel, for replies to what it sent."""
        context = context_of(reply)
        if context is None or message.guild is None:
            return
        if isinstance(message.channel, discord.Thread):
            self.conversations.remember((message.guild.id, message.channel.id, WHOLE_THREAD), context)
            return
        for answer in sent:
            self.conversations.remember((message.guild.id, message.channel.id, answer.id), context)

    def _is_posters_follow_up(self, message: discord.Message) -> bool:
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

    async def _answer_message(
        self, message: discord.Message, question: str, context: Context | None = None, *, quietly: bool = False
    ) -> None:
        """Answer in a reply. `quietly`: nobody asked the bot (a post's author goes on in their post), so only
        an answer or choices to a question are sent: no prompt, no off-topic reply, no ⏳."""
        if not quietly and self.take_token(message.author.id, message.channel.id):
            with contextlib.suppress(discord.HTTPException):  # silence plus a reaction: a reply adds to the flood
                await message.add_reaction(COOLDOWN_REACTION)
            return
        reply = await self.answer(question, context=context)
        if quietly and not any(asks(part.question) for part in (*reply.answers, *reply.unsure)):
            return  # a remark ("thanks, that helps!"), or a question nothing matched: the bot was not asked
        if quietly and self.take_token(message.author.id, message.channel.id):
            return
        sent = await self._reply_with(message, self.messages(reply))
        self._remember(message, reply, sent)
        await self.bot.record(reply.parts)

    async def _reply_with(self, message: discord.Message, messages: list[dict[str, Any]]) -> list[discord.Message]:
        """Send the messages as a reply to `message`, each further one replying to the one before."""
        what = f"the reply to message {message.id}"
        sent: list[discord.Message] = []
        for kwargs in messages:  # over Discord's limits for one message: the rest follows, nothing dropped
            to = sent[-1] if sent else message
            sent.append(await send_retrying_once(functools.partial(to.reply, **kwargs, mention_author=False), what))
        return sent

    async def _answer_direct_message(self, message: discord.Message) -> None:
        what = f"the reply to direct message {message.id}"
        if not self.bot.config.discord.answer_dms:
            await send_retrying_once(
                functools.partial(message.channel.send, "Sorry, I only answer questions in servers."), what
            )
            return
        question = self._question_from_mention(message)
        if not question:
            await send_retrying_once(functools.partial(message.channel.send, embed=how_to_embed()), what)
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
        try:  # and once across restarts too
            if not await self.bot.runtime_call(self.bot.runtime.claim_post, message.id):
                return
        except RuntimeDataUnavailable:
            pass  # the in-memory record above is all there is until the database is back
        title = getattr(message.channel, "name", None)
        reply = await self.answer(message.content, title)
        assert message.guild is not None  # a forum post
        earlier = await self.bot.solved_threads.earlier(message.guild.id, message.content, title, reply)
        matched = bool(reply.answers or reply.unsure)
        off_topic = not matched and reply.primary.reason is NoAnswer.OFF_TOPIC
        messages: list[dict[str, Any]] = []
        if matched or not (earlier or (off_topic and not self.bot.config.discord.forum_reply_off_topic)):
            messages = self.messages(reply)
        for kwargs in with_earlier_threads(messages, earlier):  # with no entry, the earlier threads alone
            await send_retrying_once(
                functools.partial(message.channel.send, **kwargs), f"the answer to forum post {message.id}"
            )
        if context := context_of(reply):
            self.conversations.remember((message.guild.id, message.channel.id, WHOLE_THREAD), context)
        await self.bot.record(reply.parts)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        self.conversations.forget_channel(payload.guild_id, payload.thread_id)

    # ---- catching up after a new session -----------------------------------------------------------

    @commands.Cog.listener()
    async def on_shard_ready(self, shard_id: int) -> None:
        """READY, not RESUMED: a new session, and Discord replays nothing that happened before it (a RESUME
        would have). Look in the forums for posts created while the bot was away."""
        await self.catch_up(shard_id)

    async def catch_up(self, shard_id: int) -> None:
        forums = [
            channel
            for channel in map(self.bot.get_channel, self.forum_ids)
            if isinstance(channel, discord.ForumChannel) and channel.guild.shard_id == shard_id
        ]
        if not forums:
            return
        horizon = await self._catch_up_horizon()
        try:
            posts = await self._posts_since(forums, horizon)
        except discord.HTTPException as error:
            log.warning("could not list the forum posts to catch up on (HTTP %s)", error.status)
            return
        looked_at = 0
        for thread in posts[:CATCH_UP_MAX_POSTS]:
            if thread.id in self._answered_posts:
                continue
            try:
                starter = await thread.fetch_message(thread.id)  # a post's first message has the post's id
            except discord.HTTPException:  # deleted since, or not readable: nothing to answer
                continue
            if not starter.author.bot:
                await self._answer_forum_post(starter)  # which skips any answered before a restart
                looked_at += 1
        if looked_at:
            log.info("caught up on %d forum post(s) created while the bot was away", looked_at)

    async def _catch_up_horizon(self) -> dt.datetime:
        """Posts created before this are not caught up on: older than the window, or older than the bot's
        watch over the forums (kept in the runtime data; since this process started if that is down)."""
        now = discord.utils.utcnow()
        runtime = self.bot.runtime
        try:
            since = await self.bot.runtime_call(runtime.watching_since, self._started)
            await self.bot.runtime_call(runtime.forget_posts, discord.utils.time_snowflake(now - POSTS_FORGOTTEN_AFTER))
        except RuntimeDataUnavailable:
            since = self._started
        return max(since, now - CATCH_UP_WINDOW)

    async def _posts_since(self, forums: list[discord.ForumChannel], horizon: dt.datetime) -> list[discord.Thread]:
        """The posts (threads) of these forums created after `horizon`, oldest first: the active ones, and the
        recently archived ones (an inactive post is archived after as little as an hour)."""
        found: dict[int, discord.Thread] = {}
        for guild in {forum.guild for forum in forums}:
            forum_ids = {forum.id for forum in forums if forum.guild == guild}
            found.update((t.id, t) for t in await guild.active_threads() if t.parent_id in forum_ids)
        for forum in forums:
            async for thread in forum.archived_threads(limit=ARCHIVED_POSTS_LOOKED_AT):
                if thread.archive_timestamp < horizon:  # newest archived first: the rest are older still
                    break
                found[thread.id] = thread
        return sorted((t for t in found.values() if discord.utils.snowflake_time(t.id) > horizon), key=lambda t: t.id)

    # ---- Apps → Ask the FAQ on any message -----------------------------------------------------------

    async def ask_about_message(self, interaction: discord.Interaction[FaqBot], message: discord.Message) -> None:
        """Anyone may ask the FAQ about any member's message: the bot replies to that message as if it had
        been mentioned there (every question in it, in its conversation), and tells the asker privately."""
        question = self._question_from_mention(message)
        refusal = NOT_FROM_BOTS if message.author.bot else NOTHING_TO_ANSWER if not question else None
        wait = 0.0 if refusal else self.take_token(interaction.user.id, interaction.channel_id or 0)
        if refusal or wait:
            refusal = refusal or f"You're asking quickly — please try again in {wait:.0f} s."
            await interaction.response.send_message(refusal, ephemeral=True)
            return
        await interaction.response.defer(ephemeral=True, thinking=True)  # Discord allows 3 s; sending may take more
        reply = await self.answer(question, context=self._context(message, self._replied_bot_message(message)))
        try:
            sent = await self._reply_with(message, self.messages(reply))
        except discord.HTTPException as error:
            log.warning("could not answer message %d for Ask the FAQ (HTTP %s)", message.id, error.status)
            await interaction.followup.send("I could not reply to that message (see the bot's log).", ephemeral=True)
            return
        self._remember(message, reply, sent)
        await interaction.followup.send(f"Answered: {sent[0].jump_url}", ephemeral=True)
        await self.bot.record(reply.parts)

    # ---- slash commands -----------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about European defence cooperation")
    @app_commands.describe(
        question="Your question, e.g. What is PESCO?",
        private="Only you see the answer (default: everyone in the channel)",
    )
    async def ask_command(self, interaction: discord.Interaction[FaqBot], question: str, private: bool = False) -> None:
        wait = self.take_token(interaction.user.id, interaction.channel_id or 0)
        if wait:
            await interaction.response.send_message(
                f"You're asking quickly — please try again in {wait:.0f} s.", ephemeral=True
            )
            return
        work = asyncio.create_task(self.answer(question))
        done, _ = await asyncio.wait({work}, timeout=DEFER_AFTER_SECONDS)
        if not done:  # a very large knowledge base: acknowledge within Discord's 3 s, answer after
            await interaction.response.defer(ephemeral=private, thinking=True)
        reply = await work
        for kwargs in self.messages(reply):
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
            pages = tag_pages(tag, engine.entries_tagged(tag.strip().lower()))
        else:
            pages = topics_pages(engine.topic_counts())
        view = Pager(pages, interaction.user.id, TOPICS_REFUSAL) if len(pages) > 1 else discord.utils.MISSING
        await interaction.response.send_message(embed=pages[0], view=view, ephemeral=True)

    @topics_command.autocomplete("tag")
    async def tag_autocomplete(
        self, interaction: discord.Interaction[FaqBot], current: str
    ) -> list[app_commands.Choice[str]]:
        needle = current.strip().lower()
        return [app_commands.Choice(name=t, value=t) for t in self.bot.engine.topics if needle in t][:CHOICES]


async def setup(bot: FaqBot) -> None:
    await bot.add_cog(Ask(bot))
