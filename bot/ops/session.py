"""A logged-in REST session with Discord for the operator tools: the token from the environment, the
configured api_base, no gateway connection (nothing is received, no other session is disturbed)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import discord

from ..config import Config
from ..discord.connection import point_at_server


@contextlib.asynccontextmanager
async def discord_session(config: Config, token: str) -> AsyncIterator[discord.Client]:
    """A discord.Client logged in over REST only. Errors are discord.py's (connection.explain words them)."""
    saved = discord.http.Route.BASE  # process-wide: put back afterwards, for a caller that runs more
    point_at_server(config.discord.api_base, None)
    client = discord.Client(intents=discord.Intents(guilds=True))  # no gateway, but discord.py warns without it
    try:
        await client.login(token)
        yield client
    finally:
        await client.close()
        discord.http.Route.BASE = saved


async def application_id(config: Config, token: str) -> int:
    """The application's id, asked of Discord with the bot's token (for the invite link)."""
    async with discord_session(config, token) as client:
        assert client.application_id is not None  # login() read the application
        return client.application_id
