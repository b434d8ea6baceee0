"""Apps → "Mark as solution" on a reply in a forum post: the post's author or a moderator marks the reply that
solved it. The post gets the forum's solved tag (if configured), the helper is thanked by name (no ping), and
the thread becomes an earlier solved thread for new posts on its subject and a candidate entry in /kb review.
Nothing enters the knowledge until a moderator saves it through the entry form. Deleted posts are forgotten."""

from __future__ import annotations

import datetime as dt
import functools
import logging

import discord
from discord import app_commands
from discord.ext import commands

from ...core.solved import SolvedThread
from ..client import FaqBot
from ..delivery import send_retrying_once
from .kb._checks import is_moderator, tell, thinking

log = logging.getLogger(__name__)

MARK_AS_SOLUTION = "Mark as solution"
APPLIED_TAGS_LIMIT = 5  # Discord's limit of tags on one post
NOT_IN_A_POST = "Mark a solution on a reply in a post of one of the FAQ's forums."
ONLY_AUTHOR = "Only the post's author or a moderator can mark its solution."
NOT_THE_QUESTION = "That is the question itself: mark the reply that solved it."
NOT_A_BOTS = "Mark a member's reply: the bot's own answers come from the FAQ already."
NO_TEXT = "That reply has no text to keep as a solution."
NOT_QUEUED = (
    "Moderators will not see it in `/kb review` for now: the runtime database is unavailable (the bot's log says "
    "why). New posts on the subject are still pointed to it until the bot restarts."
)


def _name(member: discord.abc.User) -> str:
    """A member's name as the server shows it, as text: never a mention, never markdown."""
    return discord.utils.escape_markdown(discord.utils.escape_mentions(member.display_name))


class Solutions(commands.Cog):
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        self.mark_menu = app_commands.ContextMenu(name=MARK_AS_SOLUTION, callback=self.mark_as_solution)
        app_commands.guild_only()(self.mark_menu)

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.mark_menu)  # a cog cannot declare a context menu with a decorator

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.mark_menu.name, type=self.mark_menu.type)

    async def mark_as_solution(self, interaction: discord.Interaction[FaqBot], message: discord.Message) -> None:
        await thinking(interaction)  # private, at once: fetching the post and tagging it may take longer than 3 s
        thread = interaction.channel
        if not isinstance(thread, discord.Thread) or thread.parent_id not in self.bot.config.discord.forum_channel_ids:
            await tell(interaction, NOT_IN_A_POST)
            return
        if interaction.user.id != thread.owner_id and not is_moderator(interaction):
            await tell(interaction, ONLY_AUTHOR)
            return
        refusal = (
            NOT_THE_QUESTION
            if message.id == thread.id
            else NOT_A_BOTS
            if message.author.bot
            else NO_TEXT
            if not message.content.strip()
            else None
        )
        if refusal:
            await tell(interaction, refusal)
            return
        solved = SolvedThread(
            thread.id,
            thread.guild.id,
            thread.name,
            await self._first_message(thread),
            message.content,
            message.author.display_name,
            thread.jump_url,
            thread.guild.name,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        tag_note = await self._apply_solved_tag(thread)
        await self._thank(interaction, message)
        queued = await self.bot.solved_threads.add(solved, interaction.user.id, message.id)
        notes = [note for note in (tag_note, None if queued else NOT_QUEUED) if note]
        done = "Marked as the solution; moderators can add it to the FAQ from `/kb review`." if queued else "Marked."
        await tell(interaction, "\n".join((done, *notes)))

    async def _first_message(self, thread: discord.Thread) -> str:
        """The post's question: its first message (whose id is the thread's)."""
        starter = thread.starter_message
        if starter is None:
            try:
                starter = await thread.fetch_message(thread.id)
            except discord.HTTPException:  # deleted: the title is the question
                return ""
        return starter.content

    async def _apply_solved_tag(self, thread: discord.Thread) -> str | None:
        """Tag the post with the forum's solved tag; what the marker should know if that could not be done."""
        name = self.bot.config.discord.solved_tag.strip()
        forum = thread.parent
        if not name or not isinstance(forum, discord.ForumChannel):
            return None
        tag = next((t for t in forum.available_tags if t.name.casefold() == name.casefold()), None)
        if tag is None:
            return f"This forum has no “{name}” tag, so the post is not tagged (a moderator can add one)."
        if tag in thread.applied_tags:
            return None
        if len(thread.applied_tags) >= APPLIED_TAGS_LIMIT:
            return f"The post already has {APPLIED_TAGS_LIMIT} tags, Discord's most, so “{tag.name}” was not added."
        try:
            await thread.add_tags(tag, reason="a reply was marked as the solution")
        except discord.Forbidden:
            return f"I could not tag the post “{tag.name}”: I need the Manage Threads permission."
        except discord.HTTPException as error:
            log.warning("could not tag post %d as solved (HTTP %s)", thread.id, error.status)
            return f"Discord did not take the “{tag.name}” tag; add it by hand."
        return None

    async def _thank(self, interaction: discord.Interaction[FaqBot], message: discord.Message) -> None:
        """In the post, as a reply to the solution: the helper's name, written out (pings nobody)."""
        helper, marker = _name(message.author), _name(interaction.user)
        if message.author.id == interaction.user.id:
            text = f"✅ {marker} marked this as the solution."
        else:
            text = f"✅ Marked as the solution by {marker}. Thanks, **{helper}**, for the help!"
        try:
            await send_retrying_once(
                functools.partial(message.reply, text, mention_author=False), f"the thanks for message {message.id}"
            )
        except discord.HTTPException as error:
            log.warning("could not thank the helper in post %s (HTTP %s)", message.channel.id, error.status)

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        await self.bot.solved_threads.forget(payload.thread_id)


async def setup(bot: FaqBot) -> None:
    await bot.add_cog(Solutions(bot))
