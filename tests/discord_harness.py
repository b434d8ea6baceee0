"""Starts the real bot (bot.client.FaqBot, stock discord.py) against tests/fake_discord.py."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import discord
import yarl

from bot.client import FaqBot, load_engine, point_at_server
from bot.config import Config, DiscordConfig

from .fake_discord import FakeDiscord, Recorded

TOKEN = "fake-token-abc.123"


@contextlib.asynccontextmanager
async def running_bot(
    knowledge_dir: Path | None = None, **discord_settings: Any
) -> AsyncIterator[tuple[FakeDiscord, FaqBot]]:
    fake = await FakeDiscord().start()
    settings = {"forum_channel_ids": (int(fake.forum_channel_id),), **discord_settings}
    config = Config(discord=DiscordConfig(api_base=fake.api_base, gateway_url=fake.gateway_url, **settings))
    if knowledge_dir is not None:
        config = dataclasses.replace(config, knowledge_dir=knowledge_dir)
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_at_server(config.discord.api_base, config.discord.gateway_url)
    engine = load_engine(config)
    assert engine is not None
    bot = FaqBot(config, engine, guild_ready_timeout=0.05)
    task = asyncio.create_task(bot.start(TOKEN))
    try:
        await asyncio.wait_for(bot.wait_until_ready(), timeout=10)
        yield fake, bot
    finally:
        await bot.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, timeout=5)
        await fake.stop()
        discord.http.Route.BASE = saved[0]
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(str(saved[1]))


def is_message_post(channel_id: str) -> Any:
    return lambda r: r.method == "POST" and r.path == f"/channels/{channel_id}/messages"


def is_callback(interaction: dict[str, Any]) -> Any:
    return lambda r: (
        r.method == "POST" and r.path == f"/interactions/{interaction['id']}/{interaction['token']}/callback"
    )


async def reply_to(fake: FakeDiscord, channel_id: str, count: int = 1, timeout: float = 10) -> Recorded:
    return (await fake.wait_for_request(is_message_post(channel_id), timeout=timeout, count=count))[count - 1]


async def callback_for(fake: FakeDiscord, interaction: dict[str, Any], timeout: float = 10) -> Recorded:
    return (await fake.wait_for_request(is_callback(interaction), timeout=timeout))[0]


async def quiet(fake: FakeDiscord, predicate: Any, seconds: float = 0.5) -> bool:
    """True if no matching request arrives within `seconds` (for 'the bot stays silent' checks)."""
    with contextlib.suppress(TimeoutError):
        await fake.wait_for_request(predicate, timeout=seconds)
        return False
    return True
