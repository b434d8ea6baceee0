"""The forum threads members marked as solved: kept in the runtime data, held in memory with the index that
matches new posts against them (bot.core.solved), and checked against Discord before one is linked.

The index is rebuilt off the event loop whenever a thread is solved or deleted (or the knowledge it is
compared with changed) and replaces the old one in a single assignment. Without runtime data the threads
solved since the start are still offered, until a restart; a deleted thread (THREAD_DELETE, or a 404 when
checking) is never linked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import discord

from ..core.engine import Engine
from ..core.models import Answer, Reply
from ..core.questions import split_questions
from ..core.solved import EARLIER_THREADS, THREAD_SOURCE_PREFIX, SolvedIndex, SolvedThread
from ..runtime import RuntimeDataUnavailable

if TYPE_CHECKING:
    from .client import FaqBot

log = logging.getLogger(__name__)


class SolvedThreads:
    def __init__(self, bot: FaqBot) -> None:
        self.bot = bot
        self.index = SolvedIndex()
        self._threads: dict[int, SolvedThread] = {}
        self._deleted: set[int] = set()  # solved threads deleted since: never linked, not even as a source
        self._built_for: Engine | None = None  # the knowledge the index compared threads with
        self._rebuilding = asyncio.Lock()  # one rebuild at a time, each from the threads as they are then
        self._refreshing: asyncio.Task[None] | None = None

    def __contains__(self, thread_id: int) -> bool:
        return thread_id in self._threads

    async def load(self) -> None:
        """The threads solved before this start (none if the runtime data is unavailable: it has logged why)."""
        try:
            threads = await self.bot.runtime_call(self.bot.runtime.solved_threads)
            self._deleted.update(await self.bot.runtime_call(self.bot.runtime.deleted_threads))
        except RuntimeDataUnavailable:
            return
        self._threads.update((t.thread_id, t) for t in threads)
        await self.rebuild()

    def linkable(self, answer: Answer) -> Answer:
        """The answer without citations of solved threads deleted since a moderator made an entry from one."""
        if not self._deleted or not any(s.id.startswith(THREAD_SOURCE_PREFIX) for s in answer.citations):
            return answer
        gone = {f"{THREAD_SOURCE_PREFIX}{thread_id}" for thread_id in self._deleted}
        return replace(answer, citations=tuple(s for s in answer.citations if s.id not in gone))

    async def rebuild(self) -> None:
        async with self._rebuilding:
            threads, engine = list(self._threads.values()), self.bot.engine
            self.index = await asyncio.to_thread(SolvedIndex, threads, engine)
            self._built_for = engine

    async def add(self, thread: SolvedThread, solved_by: int, answer_message_id: int) -> bool:
        """Keep a newly solved thread and queue it for /kb review. False if the runtime data is unavailable:
        then it is offered on new posts until a restart, but moderators do not see it in /kb review."""
        self._threads[thread.thread_id] = thread
        try:
            asked = split_questions(thread.question, thread.title) or [thread.question]  # as the post was queued
            await self.bot.runtime_call(self.bot.runtime.record_solved, thread, solved_by, answer_message_id, asked)
            recorded = True
        except RuntimeDataUnavailable:
            recorded = False
        await self.rebuild()
        return recorded

    async def forget(self, thread_id: int) -> None:
        """A deleted thread: never linked again, and no longer a candidate in /kb review."""
        known = self._threads.pop(thread_id, None) is not None
        with contextlib.suppress(RuntimeDataUnavailable):
            known = await self.bot.runtime_call(self.bot.runtime.forget_thread, thread_id) or known
        if known:
            self._deleted.add(thread_id)
            citing = await asyncio.to_thread(_citing, self.bot.engine, f"{THREAD_SOURCE_PREFIX}{thread_id}")
            if citing:
                log.warning(
                    "solved thread %d was deleted: answers of %s no longer link to it; give them another source "
                    "(/kb edit)",
                    thread_id,
                    ", ".join(citing),
                )
            else:
                log.info("solved thread %d was deleted: no longer offered", thread_id)
            await self.rebuild()

    async def earlier(
        self, guild_id: int, message: str, title: str | None, answered: Reply, limit: int = EARLIER_THREADS
    ) -> list[SolvedThread]:
        """This server's solved threads on a new post's subject that still exist (matched off the event loop;
        each checked with Discord unless the bot can see it)."""
        if not self._threads:
            return []
        if self._built_for is not self.bot.engine and not self._rebuilding.locked():
            self._refreshing = asyncio.create_task(self.rebuild())  # the knowledge changed: ready for the next post
        index = self.index
        found = await asyncio.to_thread(index.earlier, guild_id, message, title, answered=answered, limit=limit)
        return [thread for thread in found if await self._still_there(thread)]

    async def _still_there(self, thread: SolvedThread) -> bool:
        if self.bot.get_channel(thread.thread_id) is not None:
            return True
        try:
            await self.bot.fetch_channel(thread.thread_id)  # archived posts are not in the cache
        except discord.NotFound:
            await self.forget(thread.thread_id)
            return False
        except discord.HTTPException:  # not visible to the bot now (permissions, an outage): not linked this time
            return False
        return True


def _citing(engine: Engine, source_id: str) -> list[str]:
    return [entry.id for entry in engine.knowledge.entries if source_id in entry.sources]
