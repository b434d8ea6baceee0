"""After a new gateway session (READY, not RESUMED: Discord replays nothing from before it), the forum posts
created while the bot was away are answered: within CATCH_UP_WINDOW, at most CATCH_UP_MAX_POSTS."""

from __future__ import annotations

import datetime as dt
import logging

import discord

from ....runtime import RuntimeDataUnavailable
from ...client import FaqBot
from ._forum_posts import ForumPosts

log = logging.getLogger(__name__)

# After a new gateway session, posts created while the bot was away are answered if they are at most this old:
# an older question has had a day of people's answers, and a bot back from a long outage should not flood.
CATCH_UP_WINDOW = dt.timedelta(hours=24)
CATCH_UP_MAX_POSTS = 50  # at most this many per catch-up (each is a fetch and a reply, paced by Discord's limits)
# Recently archived posts to look through per forum, newest first: one request (Discord's page size is 100),
# and more than a day's worth in all but the busiest forums (the look stops at the first one too old anyway).
ARCHIVED_POSTS_LOOKED_AT = 100
POSTS_FORGOTTEN_AFTER = 2 * CATCH_UP_WINDOW  # the handled-post record keeps no more than catch-up needs


class CatchUp:
    def __init__(self, bot: FaqBot, forum_posts: ForumPosts) -> None:
        self.bot, self.forum_posts = bot, forum_posts
        self._started = discord.utils.utcnow()  # watching the forums since, when runtime data cannot say

    async def catch_up(self, shard_id: int) -> None:
        forums = [
            channel
            for channel in map(self.bot.get_channel, self.forum_posts.forum_ids)
            if isinstance(channel, discord.ForumChannel) and channel.guild.shard_id == shard_id
        ]
        if not forums:
            return
        horizon = await self._horizon()
        try:
            posts = await self._posts_since(forums, horizon)
        except discord.HTTPException as error:
            log.warning("could not list the forum posts to catch up on (HTTP %s)", error.status)
            return
        looked_at = 0
        for thread in posts[:CATCH_UP_MAX_POSTS]:
            if self.forum_posts.answered_here(thread.id):
                continue
            try:
                starter = await thread.fetch_message(thread.id)  # a post's first message has the post's id
            except discord.HTTPException:  # deleted since, or not readable: nothing to answer
                continue
            if not starter.author.bot:
                await self.forum_posts.answer(starter)  # which skips any answered before a restart
                looked_at += 1
        if looked_at:
            log.info("caught up on %d forum post(s) created while the bot was away", looked_at)

    async def _horizon(self) -> dt.datetime:
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

    @staticmethod
    async def _posts_since(forums: list[discord.ForumChannel], horizon: dt.datetime) -> list[discord.Thread]:
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
