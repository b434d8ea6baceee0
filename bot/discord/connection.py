"""Where Discord is (discord.com, or a compatible server), and what a failed connection to it means: one line
saying what to do, and the exit code (run, invite, doctor).

discord.py raises aiohttp's and its own exceptions as they come; these are the ones an operator meets when
starting the bot (no network, a wrong api_base, a reset token, Discord down, a Cloudflare block) and what each
one almost always means. The token never appears: none of these exceptions carries it.
"""

from __future__ import annotations

from dataclasses import dataclass

import discord
import yarl

from ..config import DiscordConfig
from ..exit_codes import Exit

TOO_MANY_REQUESTS = 429
DISCORD_API = discord.http.Route.BASE  # discord.com's, as discord.py has it before anyone points it elsewhere


def point_at_server(api_base: str | None, gateway_url: str | None) -> None:
    """Use a Discord-compatible server instead of discord.com (self-hosted, or the tests' fake).

    discord.py keeps these as process-wide class attributes; with AutoShardedBot and no shard_count,
    the gateway address is the one the server's GET /gateway/bot returns.
    """
    if api_base:
        discord.http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


@dataclass(frozen=True, slots=True)
class Failure:
    code: Exit
    message: str


def _reason(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror and not _from_aiohttp(error):
        return error.strerror  # "Connection reset by peer", not "[Errno 104] Connection reset by peer"
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) < 200 else text[:199] + "…"  # noqa: PLR2004 - one line on a terminal, roughly


def _from_aiohttp(error: BaseException) -> bool:
    """One of aiohttp's client errors, which discord.py lets through. Known by its module, not imported: only
    the web server imports aiohttp (tests/core/test_purity.py)."""
    return any(cls.__module__.startswith("aiohttp.") for cls in type(error).__mro__)


def explain(error: BaseException, config: DiscordConfig) -> Failure | None:
    """The one-line meaning of an error met while connecting, or None for an error that is not about the
    connection (a bug: let it show its traceback)."""
    base = (config.api_base or DISCORD_API).rstrip("/")
    token_env = config.token_env
    if isinstance(error, discord.LoginFailure):
        return Failure(
            Exit.USAGE,
            f"Discord rejected the token in {token_env}; reset it in the Developer Portal (your application → "
            "Bot → Reset Token), put the new one in the environment and try again",
        )
    if isinstance(error, discord.PrivilegedIntentsRequired):
        return Failure(
            Exit.USAGE,
            "enable the Message Content intent for this bot in the Developer Portal (your application → Bot → "
            "Privileged Gateway Intents)",
        )
    if isinstance(error, discord.DiscordServerError):
        return Failure(
            Exit.UNREACHABLE,
            f"Discord answered {error.status} at {base}: it is having trouble; try again later "
            "(https://discordstatus.com)",
        )
    if isinstance(error, discord.HTTPException) and error.status == TOO_MANY_REQUESTS:
        return Failure(
            Exit.UNREACHABLE,
            "Discord refuses requests from this address for now (429 with no retry time: usually a temporary "
            "Cloudflare block after many failed requests, e.g. a restart loop with a bad token); wait an hour",
        )
    if isinstance(error, discord.HTTPException):
        return Failure(
            Exit.UNREACHABLE,
            f"{base} answered {error.status} ({_reason(error)}): is api_base the address of a Discord API (…/api/v10)?",
        )
    if isinstance(error, discord.GatewayNotFound):
        return Failure(Exit.UNREACHABLE, "Discord's gateway could not be found; try again later")
    if isinstance(error, ValueError) and _from_aiohttp(error):  # aiohttp's InvalidURL
        return Failure(Exit.UNREACHABLE, f"cannot use {base} as Discord's address ({_reason(error)}); check api_base")
    if _from_aiohttp(error) or isinstance(error, OSError | TimeoutError):
        return Failure(
            Exit.UNREACHABLE,
            f"cannot reach Discord at {base} ({_reason(error)}); check the network connection, a proxy or "
            "firewall, and api_base in the config",
        )
    return None
