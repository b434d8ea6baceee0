"""`python -m bot doctor`: a preflight of this config against this machine and Discord. One line per check,
saying what is right, or what is wrong and how to fix it; exit 0 only when nothing is wrong.

On this machine: the knowledge loads, the runtime database can be written, a token is set. With Discord,
over REST only (no gateway session): the token, the Message Content intent, the configured servers, each
forum (it exists, is a forum, and the bot has there what its features need: permissions.py), the review
digest channel, the moderator roles, and the slash commands as `run --sync` would register them.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import discord

from ..config import Config
from ..core.engine import Engine
from ..core.store import KnowledgeStore, open_engine
from .permissions import NEEDS, Need, forum_needs, missing, missing_in_posts
from .session import discord_session

SERVERS_LISTED = 5  # servers named in the "in N servers" line; the rest are counted
ROLE_LOOKUP_SERVERS = 25  # with no server in the config, moderator roles are looked for in at most this many
PORTAL = "Developer Portal (https://discord.com/developers/applications) → your application"
COPY_ID = "turn on Developer Mode (User Settings → Advanced), then right-click it → Copy ID"
DIGEST_NEEDS = ("view_channel", "send_messages", "embed_links")  # the weekly digest is an embed in a text channel
SYNC = "run `python -m bot run --sync` once (global commands can take up to an hour to appear)"


class Status(Enum):
    OK = "ok"
    WARN = "warn"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Check:
    status: Status
    text: str
    fix: str = ""

    def line(self) -> str:
        return f"{self.text} — fix: {self.fix}" if self.fix else self.text


def ok(text: str) -> Check:
    return Check(Status.OK, text)


def fail(text: str, fix: str) -> Check:
    return Check(Status.FAIL, text, fix)


# ---- this machine --------------------------------------------------------------------------------


def knowledge_check(config: Config) -> tuple[Check, Engine | None]:
    engine, result = open_engine(config.knowledge_dir, config.thresholds, cache_dir=config.cache_dir)
    if engine is None:
        return fail(
            f"knowledge: {len(result.errors)} error(s) in {config.knowledge_dir}; the bot will not start",
            "run `python -m bot check` and correct what it lists",
        ), None
    entries = len(engine.knowledge.entries)
    return ok(f"knowledge: {entries} entries in {config.knowledge_dir}, no errors"), engine


def database_check(path: Path) -> Check:
    """Can the bot write its runtime data? (It runs without it, but loses review queues, votes and history.)"""
    what = f"runtime database {path}"
    moved = "move it aside (the bot starts a new one) or set data_path"
    if path.is_dir():
        return fail(f"{what} is a folder", "set data_path to a file's path")
    if not path.exists():
        folder = next((p for p in path.parents if p.exists()), path.anchor)
        if Path(folder).is_dir() and _writable(Path(folder)):
            return ok(f"{what}: not there yet, the bot will create it")
        return fail(f"{what} cannot be created ({folder} is not a writable folder)", _own_it(path))
    try:
        with sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=5) as db:
            (verdict,) = db.execute("PRAGMA quick_check").fetchone()
            db.execute("BEGIN IMMEDIATE")  # takes the write lock, as the bot's first write will
            db.rollback()
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorname in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
            return fail(f"{what} is not a usable SQLite database ({error})", moved)
        return fail(f"{what} cannot be written ({error})", _own_it(path))
    if verdict != "ok":
        return fail(f"{what} is damaged ({verdict})", moved)
    return ok(f"{what}: writable")


def _writable(folder: Path) -> bool:
    return os.access(folder, os.W_OK | os.X_OK)


def _own_it(path: Path) -> str:
    return f"let the bot's user write {path.parent} (e.g. chown it to that user), or set data_path"


# ---- Discord ---------------------------------------------------------------------------------------


def _names(needs: Iterable[Need]) -> str:
    return ", ".join(need.name for need in needs)


def _command_signature(command: dict[str, Any]) -> tuple[Any, ...]:
    """What must match between the bot's commands and Discord's: type, name, and options' names (nested)."""
    options = tuple(sorted(_command_signature(o) for o in command.get("options") or []))
    return (int(command.get("type") or 1), command["name"], options)


class DiscordChecks:
    """The checks that need Discord, in order; each yields its lines as soon as it knows them."""

    def __init__(self, config: Config, client: discord.Client) -> None:
        self.config = config
        self.settings = config.discord
        self.client = client
        self.guilds: dict[int, discord.Guild] = {}  # fetched in full (roles, owner), by id
        self.configured: set[int] = set()  # servers the config points at: sync_guild_id, channels' servers
        self.joined: dict[int, discord.Guild] = {}  # the servers the bot is in (partial), by id
        self.tree = discord.app_commands.CommandTree(client)  # to read the registered commands

    async def run(self, commands: list[dict[str, Any]] | None) -> AsyncIterator[Check]:
        user = self.client.user
        assert user is not None
        yield ok(f"token: Discord accepts it (logged in as {user}, id {user.id})")
        yield await self.intent()
        async for check in self.servers():
            yield check
        for channel_id in self.settings.forum_channel_ids:
            async for check in self.forum(channel_id):
                yield check
        if self.settings.review_digest_channel_id:
            yield await self.digest_channel(self.settings.review_digest_channel_id)
        async for check in self.moderator_roles():
            yield check
        if commands is not None:
            yield await self.commands(commands)

    async def intent(self) -> Check:
        flags = (await self.client.application_info()).flags
        if flags.gateway_message_content:
            return ok("Message Content intent: on")
        if flags.gateway_message_content_limited:
            return ok("Message Content intent: on (until 100 servers; then the bot needs Discord's verification)")
        return fail(
            "Message Content intent is off: the bot would not see what members write",
            f"{PORTAL} → Bot → Privileged Gateway Intents → Message Content Intent",
        )

    async def servers(self) -> AsyncIterator[Check]:
        joined = [guild async for guild in self.client.fetch_guilds(limit=None)]
        self.joined = {guild.id: guild for guild in joined}
        if not joined:
            yield fail("the bot is in no server", "invite it: open the link `python -m bot invite` prints")
            return
        names = ", ".join(g.name for g in joined[:SERVERS_LISTED])
        more = f" and {len(joined) - SERVERS_LISTED} more" if len(joined) > SERVERS_LISTED else ""
        yield ok(f"the bot is in {len(joined)} server(s): {names}{more}")
        guild_id = self.settings.sync_guild_id
        if guild_id:
            self.configured.add(guild_id)
            if guild_id in self.joined:
                yield ok(f"sync_guild_id: the bot is in {self.joined[guild_id].name} ({guild_id})")
            else:
                yield fail(
                    f"sync_guild_id: the bot is not in server {guild_id}",
                    f"invite it there (`python -m bot invite --guild {guild_id}`), or correct sync_guild_id",
                )

    async def _guild(self, guild_id: int) -> discord.Guild:
        if guild_id not in self.guilds:
            self.guilds[guild_id] = await self.client.fetch_guild(guild_id)
        return self.guilds[guild_id]

    async def _channel(
        self, key: str, channel_id: int
    ) -> tuple[discord.abc.GuildChannel | discord.Thread | None, Check | None]:
        """The channel, read through its server (so that its permissions can be resolved), or why not."""
        try:
            found = await self.client.fetch_channel(channel_id)
        except discord.NotFound:
            return None, fail(f"{key}: there is no channel {channel_id}", f"copy the channel's id: {COPY_ID}")
        except discord.Forbidden:
            return None, fail(
                f"{key}: the bot cannot see channel {channel_id} (it is not in that channel's server, or the "
                "channel hides itself from the bot)",
                "invite the bot to that server (`python -m bot invite`), or give its role View Channels there",
            )
        if isinstance(found, discord.Thread):
            return None, fail(
                f"{key}: {channel_id} is a thread (a post?), not its channel", f"copy the channel's id: {COPY_ID}"
            )
        if not isinstance(found, discord.abc.GuildChannel):
            return None, fail(f"{key}: {channel_id} is not a server channel", f"copy a server channel's id: {COPY_ID}")
        self.configured.add(found.guild.id)
        guild = await self._guild(found.guild.id)
        return await guild.fetch_channel(channel_id), None  # bound to the server with its roles

    async def _me(self, guild: discord.Guild) -> discord.Member:
        assert self.client.user is not None
        return await guild.fetch_member(self.client.user.id)

    async def forum(self, channel_id: int) -> AsyncIterator[Check]:
        channel, problem = await self._channel("forum_channel_ids", channel_id)
        if problem is not None or channel is None:
            yield problem or fail(f"forum_channel_ids: channel {channel_id} not found", COPY_ID)
            return
        if not isinstance(channel, discord.ForumChannel):
            yield fail(
                f"forum_channel_ids: #{channel.name} ({channel_id}) is a {channel.type.name} channel, not a forum",
                "list forums only there; mentions and /ask work in every channel without configuration",
            )
            return
        # In its posts the bot has the forum's permissions, then the threads' own rule (permissions.py).
        granted = discord.abc.GuildChannel.permissions_for(channel, await self._me(channel.guild))
        lacking = missing_in_posts(granted, forum_needs(self.settings))
        where = f"forum #{channel.name} ({channel.guild.name})"
        if lacking:
            yield fail(
                f"{where}: the bot lacks {_names(lacking)}",
                "allow them for the bot's role in the forum's Edit Channel → Permissions (or server-wide in "
                "Server Settings → Roles)",
            )
        else:
            yield ok(f"{where}: the bot can {_names(forum_needs(self.settings))}")
        tag = self.settings.solved_tag.strip()
        if tag and not any(t.name.casefold() == tag.casefold() for t in channel.available_tags):
            yield Check(
                Status.WARN,
                f"{where} has no “{tag}” tag: Mark as solution will not tag its posts",
                "add the tag in the forum's Edit Channel → Tags, or change solved_tag",
            )

    async def digest_channel(self, channel_id: int) -> Check:
        channel, problem = await self._channel("review_digest_channel_id", channel_id)
        if problem is not None or channel is None:
            return problem or fail(f"review_digest_channel_id: channel {channel_id} not found", COPY_ID)
        if not isinstance(channel, discord.TextChannel):
            return fail(
                f"review_digest_channel_id: #{channel.name} is a {channel.type.name} channel; the digest needs a text "
                "channel",
                "give a text channel's id",
            )
        needs = [need for need in NEEDS if need.flag in DIGEST_NEEDS]
        lacking = missing(channel.permissions_for(await self._me(channel.guild)), needs)
        if lacking:
            return fail(
                f"review digest channel #{channel.name}: the bot lacks {_names(lacking)}",
                "allow them for the bot's role in the channel's Edit Channel → Permissions",
            )
        return ok(f"review digest channel #{channel.name}: the bot can post the digest there")

    async def moderator_roles(self) -> AsyncIterator[Check]:
        wanted = self.settings.moderator_role_ids
        if not wanted:
            return
        servers = self.configured or set(list(self.joined)[:ROLE_LOOKUP_SERVERS])
        roles: dict[int, tuple[str, str]] = {}
        for guild_id in servers:
            if guild_id in self.joined:
                guild = await self._guild(guild_id)
                roles |= {role.id: (role.name, guild.name) for role in guild.roles}
        for role_id in wanted:
            if role_id in roles:
                name, server = roles[role_id]
                yield ok(f"moderator role @{name} ({server})")
            else:
                yield fail(
                    f"moderator_role_ids: no role {role_id} in the bot's configured server(s)",
                    f"copy the role's id (Server Settings → Roles: {COPY_ID})",
                )

    async def commands(self, expected: list[dict[str, Any]]) -> Check:
        guild_id = self.settings.sync_guild_id
        where = f"in server {guild_id}" if guild_id else "globally"
        try:
            registered = await self.tree.fetch_commands(guild=discord.Object(guild_id) if guild_id else None)
        except discord.Forbidden:
            return fail(f"slash commands: cannot read the commands {where}", "invite the bot to that server first")
        have = {_command_signature(dict(c.to_dict())) for c in registered}
        registered_names = {(int(c.type.value), c.name) for c in registered}
        absent = [c["name"] for c in expected if (int(c.get("type") or 1), c["name"]) not in registered_names]
        outdated = [
            c["name"]
            for c in expected
            if (int(c.get("type") or 1), c["name"]) in registered_names and _command_signature(c) not in have
        ]
        if absent or outdated:
            what = "; ".join(
                part
                for part in (
                    f"not registered: {', '.join(absent)}" if absent else "",
                    f"registered with other options (an older version): {', '.join(outdated)}" if outdated else "",
                )
                if part
            )
            return fail(f"slash commands {where}: {what}", SYNC)
        return ok(f"slash commands registered {where}: {', '.join(sorted(c['name'] for c in expected))}")


async def discord_checks(config: Config, token: str, commands: list[dict[str, Any]] | None) -> AsyncIterator[Check]:
    """Everything that needs Discord; a rejected token is a failed check, other errors propagate (the CLI
    words them with connection.explain)."""
    try:
        async with discord_session(config, token) as client:
            async for check in DiscordChecks(config, client).run(commands):
                yield check
    except discord.LoginFailure:
        yield fail(
            f"token: Discord rejects the token in {config.discord.token_env}",
            f"{PORTAL} → Bot → Reset Token, and put the new one in the environment",
        )


async def checks(config: Config) -> AsyncIterator[Check]:
    """Every check, in order: this machine first, then Discord (skipped without a token)."""
    knowledge, engine = knowledge_check(config)
    yield knowledge
    yield database_check(config.data_path)
    token = config.token()
    if token is None:
        yield fail(
            f"no bot token: {config.discord.token_env} is not set, so nothing on Discord was checked",
            f"export {config.discord.token_env}='…' (the token from {PORTAL} → Bot → Reset Token)",
        )
        return
    commands = None
    if engine is not None:
        from ..discord.client import command_payloads  # the bot itself: its cogs declare the commands

        store = KnowledgeStore(config.knowledge_dir, config.thresholds, engine=engine, cache_dir=config.cache_dir)
        commands = await command_payloads(config, store)
    async for check in discord_checks(config, token, commands):
        yield check
    if commands is None:
        yield Check(Status.WARN, "slash commands: not checked, the knowledge has errors (see above)")
