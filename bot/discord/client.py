"""The Discord adapter's composition root: builds the bot from config and runs it."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import pkgutil
import signal
import sys
from collections.abc import Callable, Coroutine, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

import discord
from discord.ext import commands

from ..config import Config
from ..core.engine import Engine
from ..core.models import Answer
from ..core.store import Audit, EditRefused, EditResult, KnowledgeStore
from ..exit_codes import Exit
from ..live import LiveKnowledge
from ..logs import LogFileError, setup_logging
from ..runtime import RuntimeData, RuntimeDataUnavailable
from . import exts
from .connection import explain, point_at_server
from .delivery import attempts_trace
from .servers import FaqTree, ServerLog, answers_in, joined_servers
from .solved_threads import SolvedThreads

log = logging.getLogger(__name__)

# Answers whose confidence is less than this above the answer threshold also go to /kb review: they were
# right often enough to answer, wrong often enough to deserve a moderator's look (10 points ≈ the band where
# the tuning set's wrong answers fell, see `python -m bot eval`).
LOW_CONFIDENCE_MARGIN = 10.0
P = ParamSpec("P")
T = TypeVar("T")


def extensions() -> list[str]:
    """Every cog under bot.discord.exts (a module or package whose name does not start with "_")."""
    return [
        module.name
        for module in pkgutil.iter_modules(exts.__path__, prefix=f"{exts.__name__}.")
        if not module.name.rsplit(".", 1)[-1].startswith("_")
    ]


class FaqBot(commands.AutoShardedBot):
    """Answers from `store.engine`; moderators' edits swap that engine in one assignment."""

    def __init__(
        self,
        config: Config,
        store: KnowledgeStore,
        runtime: RuntimeData,
        *,
        sync_commands: bool = False,
        **options: Any,
    ) -> None:
        # a text-only bot: discord.py's "voice will NOT be supported" warnings are noise here
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        intents = discord.Intents.default()
        intents.message_content = True  # privileged: enable it in the Developer Portal (README)
        discord_config = config.discord
        if discord_config.shard_ids:  # else discord.py runs the shards Discord recommends
            options["shard_ids"] = list(discord_config.shard_ids)
        super().__init__(
            command_prefix=commands.when_mentioned,  # no prefix commands; mentions are handled by the cog
            help_command=None,
            intents=intents,
            allowed_mentions=discord.AllowedMentions.none(),  # every message and response: never ping anyone
            http_trace=attempts_trace(),  # one retry policy: a reply makes at most delivery.MAX_ATTEMPTS requests
            tree_cls=FaqTree,  # commands only where the bot answers (servers.py)
            shard_count=discord_config.shard_count,
            **options,
        )
        self.config = config
        self.store = store
        self.runtime = runtime
        self.sync_commands = sync_commands
        self._watching: asyncio.Task[None] | None = None
        # SQLite blocks (up to its busy timeout when another process holds the lock): its calls run on one
        # thread of their own, so they neither stall the event loop nor take the threads that answer questions
        self._runtime_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="runtime-data")
        self._runtime_closed = False
        self.solved_threads = SolvedThreads(self)  # forum threads members marked as solved
        store.recorder = self._record_edit  # every edit's history, written with its save (core/journal.py)
        self.server_log = ServerLog(discord_config)

    @property
    def engine(self) -> Engine:
        return self.store.engine

    async def runtime_call(self, method: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Call a RuntimeData method (or any function that uses it) on the runtime-data thread."""
        if self._runtime_closed:  # a handler still running while the bot shuts down
            raise RuntimeDataUnavailable("the bot is shutting down")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._runtime_worker, functools.partial(method, *args, **kwargs))

    def _record_edit(self, steps: Sequence[EditResult], audit: Audit) -> bool:
        """The store's recorder (called in the editing thread, under the edit lock): the steps of one edit as
        one operation in the history. False if they could not be written: the edit stays saved and the
        moderator is told; an unexpected failure is logged, never mistaken for an unsaved edit."""
        try:
            self.runtime.record_edits(steps, audit.user_id, undoes=audit.undoes, resolves=audit.resolves)
        except RuntimeDataUnavailable:
            return False  # retried already; RuntimeData has logged the outage once
        except Exception:
            log.exception("could not record a saved edit in the history")
            return False
        return True

    async def record(self, answers: Iterable[Answer], link: str | None = None) -> None:
        """Usage counts, and unanswered or shaky questions for /kb review (with `link`, the message or post they
        were asked in): after the answer is sent, never holding it up."""
        low_confidence = self.store.thresholds.answer + LOW_CONFIDENCE_MARGIN

        def record_all() -> None:
            for answer in answers:
                self.runtime.record_answer(answer, low_confidence, link)

        try:
            await self.runtime_call(record_all)
        except RuntimeDataUnavailable:
            pass  # optional to answering; RuntimeData has logged the outage once
        except Exception:
            log.exception("could not record the question for review")

    async def setup_hook(self) -> None:
        await self.runtime_call(self.runtime.open)  # if it cannot be opened: one line logged, the bot runs on
        try:  # an edit saved just before a crash gets its history now
            await asyncio.to_thread(self.store.settle)
        except (OSError, EditRefused) as error:  # a read-only knowledge folder (no edits), a broken file
            log.warning("could not look for an interrupted edit in %s: %s", self.store.directory, error)
        await self.solved_threads.load()
        for extension in extensions():
            await self.load_extension(extension)
        if self.config.reload_seconds > 0:  # hand edits, git pulls, other shards' moderators
            self._watching = asyncio.create_task(LiveKnowledge(self.store).watch(self.config.reload_seconds))
        if self.sync_commands:
            await self._sync()
        else:
            log.info("slash commands not synced this time (run with --sync after installing or upgrading the bot)")

    async def _sync(self) -> None:
        """Register the slash commands with Discord: only on request, as discord.py advises (it is rate
        limited, and global commands take up to an hour to reach every server). /kb goes only to the curating
        servers when they are named (servers.py); `sync_guild_id` also gets the global ones, at once."""
        test_guild = self.config.discord.sync_guild_id
        guild_ids = set(self.config.discord.curating_guild_ids)
        if test_guild:
            self.tree.copy_global_to(guild=discord.Object(id=test_guild))
            guild_ids.add(test_guild)
        else:
            log.info("synced %d application command(s)", len(await self.tree.sync()))
        for guild_id in sorted(guild_ids):
            try:
                synced = await self.tree.sync(guild=discord.Object(id=guild_id))
            except discord.Forbidden:
                log.error(
                    "could not register the commands in server %d: the bot is not in it (or was invited without "
                    "the applications.commands scope); see `python -m bot invite --guild %d`",
                    guild_id,
                    guild_id,
                )
                continue
            log.info("synced %d application command(s) to guild %d", len(synced), guild_id)

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: questions are handled by the Ask cog's listener, not the command parser."""

    def dispatch(self, event_name: str, /, *args: Any, **kwargs: Any) -> None:
        """Messages from a server the bot does not answer in (`answer_guild_ids`) go no further."""
        if event_name == "message" and args and isinstance(args[0], discord.Message):
            guild = args[0].guild
            if guild is not None and not answers_in(self.config.discord, guild.id):
                return
        super().dispatch(event_name, *args, **kwargs)

    async def on_guild_join(self, guild: discord.Guild) -> None:
        self.server_log.joined(guild, joined_servers(self, self.config.discord))

    on_guild_available = on_guild_join  # back from an outage (or, after a new session, seen again)

    async def close(self) -> None:
        if self._watching is not None:
            self._watching.cancel()
        await super().close()
        if not self._runtime_closed:  # close() may be called twice (a signal, then `async with`)
            self._runtime_closed = True  # no new calls; the ones queued finish, then the database closes
            await asyncio.get_running_loop().run_in_executor(self._runtime_worker, self.runtime.close)
            self._runtime_worker.shutdown(wait=False)

    async def on_ready(self) -> None:
        assert self.user is not None
        joined = joined_servers(self, self.config.discord)
        for guild in self.guilds:
            self.server_log.joined(guild, joined)
        log.info(
            "ready as %s (id %s) in %d server(s), %d shard(s)",
            self.user,
            self.user.id,
            len(self.guilds),
            self.shard_count or 1,
        )


async def command_payloads(config: Config, store: KnowledgeStore) -> list[dict[str, Any]]:
    """The application commands `run --sync` registers, as discord.py sends them, without connecting (for
    `doctor` to compare with what Discord has)."""
    bot = FaqBot(dataclasses.replace(config, reload_seconds=0), store, RuntimeData(config.data_path))
    try:
        for extension in extensions():
            await bot.load_extension(extension)
        return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    finally:  # never started, so not close(): AutoShardedBot.close() expects shards that were launched
        for extension in list(bot.extensions):
            await bot.unload_extension(extension)  # stops any task a cog started
        bot._runtime_worker.shutdown(wait=False)  # no call was ever queued: it has no thread


def open_store(config: Config) -> KnowledgeStore | None:
    try:
        return KnowledgeStore(
            config.knowledge_dir, config.thresholds, config.discord.new_entries_file, cache_dir=config.cache_dir
        )
    except EditRefused as refused:
        for problem in refused.problems:
            log.error("%s", problem)
        return None


def run_bot(config: Config, *, sync_commands: bool = False) -> int:
    token = config.token()
    if token is None:
        print(
            f"error: no bot token: set the {config.discord.token_env} environment variable "
            "(see README, 'Add it to your server')",
            file=sys.stderr,
        )
        return Exit.USAGE
    try:
        setup_logging(config)
    except LogFileError as error:
        print(f"error: {error}", file=sys.stderr)
        return Exit.FILE
    store = open_store(config)
    if store is None:
        print(f"error: the knowledge in {config.knowledge_dir} has errors; run `python -m bot check`", file=sys.stderr)
        return Exit.PROBLEMS
    runtime = RuntimeData(config.data_path)
    point_at_server(config.discord.api_base, config.discord.gateway_url)

    async def main() -> None:
        async with FaqBot(config, store, runtime, sync_commands=sync_commands) as bot:
            _handle_signals(bot)
            await bot.start(token)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass  # Ctrl+C: the bot closed cleanly on the way out of `async with`
    except Exception as error:
        failure = explain(error, config.discord)
        if failure is None:
            raise
        if config.log_file is not None:  # the one line also goes where the operator reads the log
            log.error("%s", failure.message)
        print(f"error: {failure.message}", file=sys.stderr)
        return failure.code
    return Exit.OK


def _handle_signals(bot: FaqBot) -> None:
    """SIGTERM (systemctl stop) closes the bot cleanly; SIGHUP (systemctl reload) reads the knowledge again."""
    loop = asyncio.get_running_loop()
    running: set[asyncio.Task[Any]] = set()  # the loop keeps only weak references to tasks

    def start(work: Coroutine[Any, Any, Any]) -> None:
        task = loop.create_task(work)
        running.add(task)
        task.add_done_callback(running.discard)

    loop.add_signal_handler(signal.SIGTERM, lambda: start(bot.close()))
    loop.add_signal_handler(signal.SIGHUP, lambda: start(asyncio.to_thread(LiveKnowledge(bot.store).reload)))
