"""Starts the real bot (bot.discord.client.FaqBot, stock discord.py) against the fake Discord."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import sqlite3
import tempfile
import time
import traceback
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import discord
import yarl

from bot.config import Config, DiscordConfig
from bot.discord.client import FaqBot, open_store, point_at_server
from bot.runtime import RuntimeData

from .fake_discord import FakeDiscord, Recorded

T = TypeVar("T")
TOKEN = "fake-token-abc.123"
MESSAGE_RESPONSES = (4, 7)  # interaction callbacks that post or update a message
DEFERRED_RESPONSES = (5, 6)  # "thinking…" and a deferred update: the message comes as a follow-up or edit


class LoopCheckedRuntimeData(RuntimeData):
    """The bot's runtime data, noting every query made on the event loop's thread: there must be none
    (SQLite can wait seconds for a lock; the bot sends its calls to its runtime-data thread)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.on_event_loop: list[str] = []

    def _execute(self, work: Callable[[sqlite3.Connection], T], *, retry_now: bool = False, writes: bool = True) -> T:
        with contextlib.suppress(RuntimeError):  # no running loop: a worker thread, as it should be
            asyncio.get_running_loop()
            self.on_event_loop.append("".join(traceback.format_stack(limit=12)))
        return super()._execute(work, retry_now=retry_now, writes=writes)


class LoopWatch:
    """The longest the event loop went without running a task (a blocked loop stalls every member)."""

    STEP_S = 0.02

    def __init__(self) -> None:
        self.longest = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(self.STEP_S)
            self.longest = max(self.longest, time.monotonic() - before - self.STEP_S)

    async def __aenter__(self) -> LoopWatch:
        self._task = asyncio.create_task(self._watch())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def sent_messages(fake: FakeDiscord) -> list[dict[str, Any]]:
    """The body of every message the bot created or edited, however it sent it."""
    bodies = []
    for r in fake.requests:
        body = r.body if isinstance(r.body, dict) else {}
        if r.path.endswith("/callback"):
            if body.get("type") in MESSAGE_RESPONSES:
                bodies.append(body.get("data") or {})
        elif r.method in ("POST", "PATCH") and ("/messages" in r.path or r.path.startswith("/webhooks/")):
            bodies.append(body)
    return bodies


def assert_never_pings(body: dict[str, Any]) -> None:
    mentions = body.get("allowed_mentions")
    assert mentions is not None and mentions.get("parse") == [], body
    assert not mentions.get("replied_user") and not mentions.get("users") and not mentions.get("roles"), body


@contextlib.asynccontextmanager
async def running_bot(
    knowledge_dir: Path | None = None,
    data_path: Path | None = None,
    *,
    sync: bool = True,
    runtime_options: dict[str, Any] | None = None,
    fake: FakeDiscord | None = None,
    **discord_settings: Any,
) -> AsyncIterator[tuple[FakeDiscord, FaqBot]]:
    """The bot on a fresh fake Discord (or on `fake`, which the caller then stops). Pass the same
    knowledge_dir and data_path (and fake) again to "restart" it. On the way out it checks what every test
    must hold: no message the bot sent could ping anyone, Discord refused nothing, and no runtime-data query
    ran on the event loop."""
    own_fake = fake is None
    fake = fake or await FakeDiscord().start()
    own_data_dir = None
    if data_path is None:
        own_data_dir = tempfile.TemporaryDirectory(prefix="faqbot-", ignore_cleanup_errors=True)
        data_path = Path(own_data_dir.name) / "bot-data.sqlite3"
    settings = {"forum_channel_ids": (int(fake.forum_channel_id),), "data_path": str(data_path), **discord_settings}
    config = Config(discord=DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url, **settings))
    if knowledge_dir is not None:
        config = dataclasses.replace(config, knowledge_dir=knowledge_dir)
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_at_server(config.discord.api_base, config.discord.gateway_url)
    store = open_store(config)
    assert store is not None
    runtime = LoopCheckedRuntimeData(config.data_path, **(runtime_options or {}))
    bot = FaqBot(config, store, runtime, sync_commands=sync, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        yield fake, bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
        if own_fake:
            await fake.stop()
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(saved[1]))
        if own_data_dir is not None:
            own_data_dir.cleanup()
    for body in sent_messages(fake):
        assert_never_pings(body)
    assert fake.refused == [], f"Discord would have refused: {fake.refused}"
    assert runtime.on_event_loop == [], "runtime data used on the event loop:\n" + "\n".join(runtime.on_event_loop)


def is_message_post(channel_id: str) -> Callable[[Recorded], bool]:
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


def is_callback(interaction: dict[str, Any]) -> Callable[[Recorded], bool]:
    return lambda r: (
        r.method == "POST" and r.path == f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    )


async def reply_to(fake: FakeDiscord, channel_id: str, count: int = 1, timeout: float = 10) -> Recorded:
    return (await fake.wait_for_request(is_message_post(channel_id), timeout=timeout, count=count))[count - 1]


async def callback_for(fake: FakeDiscord, interaction: dict[str, Any], timeout: float = 10) -> Recorded:
    return (await fake.wait_for_request(is_callback(interaction), timeout=timeout))[0]


async def no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    """For bot.before_identify_hook: discord.py waits 5 s before every IDENTIFY but the first (Discord's
    identify rate limit); the fake has none, so tests of a new session need not wait."""


async def response_to(fake: FakeDiscord, interaction: dict[str, Any], timeout: float = 10) -> dict[str, Any]:
    """What the member sees in answer to an interaction: the response's message (or modal), or after a
    deferral the first follow-up or edit of the original response."""
    callback = (await callback_for(fake, interaction, timeout)).body
    if callback.get("type") not in DEFERRED_RESPONSES:
        return dict(callback.get("data") or {})
    return dict((await follow_ups(fake, interaction, timeout=timeout))[0].body or {})


async def follow_ups(
    fake: FakeDiscord, interaction: dict[str, Any], count: int = 1, timeout: float = 10
) -> list[Recorded]:
    """The follow-ups and edits of the original response sent with an interaction's token, in order."""
    prefix = f"/webhooks/{fake.application_id}/{interaction['token']}"
    return await fake.wait_for_request(
        lambda r: r.method in ("POST", "PATCH") and r.path.startswith(prefix), timeout=timeout, count=count
    )


async def quiet(fake: FakeDiscord, predicate: Callable[[Recorded], bool], seconds: float = 0.5) -> bool:
    """True if no matching request arrives within `seconds` (for 'the bot stays silent' checks)."""
    with contextlib.suppress(TimeoutError):
        await fake.wait_for_request(predicate, timeout=seconds)
        return False
    return True


def embed_of(recorded: Recorded) -> dict[str, Any]:
    (embed,) = recorded.body["embeds"]
    return embed


def stored_message(fake: FakeDiscord, sent: Recorded) -> dict[str, Any]:
    """The message the fake stored for what the bot sent (to click its buttons): the newest that matches,
    since a refreshed view can look exactly like the one it replaced."""
    body = sent.body.get("data", sent.body) if sent.path.endswith("/callback") else sent.body
    return next(
        m
        for m in reversed(fake.messages.values())
        if m["embeds"] == body.get("embeds") and m["components"] == body.get("components")
    )
