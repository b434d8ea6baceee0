"""Whose knowledge it is: the servers whose moderators curate it, and the servers the bot answers in.

A bot is public by default: anyone can add it to a server they own, where they have Manage Server. So the
permission alone cannot decide who edits the answers every member of the real community and every web
visitor reads: /kb, a moderator's Apps → Mark as solution and the review digest work only in the servers
`curating_guild_ids` names, whatever a member's permissions elsewhere. With none named, they work while the
bot is in exactly one server (a new bot's usual start), and are refused, naming the key to set, once it is in
more. With `answer_guild_ids`, the bot answers only there (and in the curating servers), and says once in its
log that it stays silent in any other.

Discord itself keeps /kb out of other servers when curating servers are named (the command is registered
only in them: FaqBot._sync); the checks here refuse anything that arrives anyway."""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING

import discord
from discord import app_commands

from ..config import DiscordConfig

if TYPE_CHECKING:
    from .client import FaqBot

log = logging.getLogger(__name__)

CURATING_KEY = "curating_guild_ids"
ANSWER_KEY = "answer_guild_ids"
NOT_CURATED_HERE = (
    "The FAQ's knowledge is curated from another server: `/kb` and moderators' actions do not work here, "
    "whatever your permissions. Nothing was changed."
)
SEVERAL_SERVERS = (
    "I am in {count} servers, so I cannot tell whose moderators curate the knowledge: my operator must set "
    f"`{CURATING_KEY}` under [discord] in config.toml to that server's id. Nothing was changed."
)
UNKNOWN_SERVERS = (
    "I cannot yet see every server I am in (I am starting, or run as several processes), so I cannot tell "
    f"whose moderators curate the knowledge: my operator should set `{CURATING_KEY}` under [discord] in "
    "config.toml. Nothing was changed."
)
NOT_ANSWERING_HERE = "I answer only in the servers my operator chose, and this is not one of them."
COMMAND_NOT_HERE = "That command does not work in this server."


def curation_refusal(config: DiscordConfig, guild_id: int | None, joined: Collection[int] | None) -> str | None:
    """None if the knowledge may be curated from the server `guild_id` (None: a DM); else why not, for the
    member. `joined`: the servers the bot is in, or None while it cannot know them all."""
    named = config.curating_guild_ids
    if guild_id is None:
        return NOT_CURATED_HERE
    if named:
        return None if guild_id in named else NOT_CURATED_HERE
    if joined is None:
        return UNKNOWN_SERVERS
    if len(joined) != 1:
        return SEVERAL_SERVERS.format(count=len(joined))
    return None if guild_id in joined else NOT_CURATED_HERE


def joined_servers(client: discord.Client, config: DiscordConfig) -> list[int] | None:
    """The servers the bot is in, or None if it cannot know them all: when this process runs only some of the
    shards (`shard_ids`), each of which sees only its own servers, or before every shard is ready. (One shard's
    READY lists all its servers, and no interaction arrives before it.)"""
    if config.shard_ids or client.user is None:
        return None
    if (client.shard_count or 1) > 1 and not client.is_ready():
        return None
    return [guild.id for guild in client.guilds]


def answers_in(config: DiscordConfig, guild_id: int | None) -> bool:
    """Whether the bot answers in this server (DMs: `answer_dms` decides)."""
    listed = config.answer_guild_ids
    return not listed or guild_id is None or guild_id in listed or guild_id in config.curating_guild_ids


class ServerLog:
    """Says once per server, in the log, what the bot will not do there."""

    def __init__(self, config: DiscordConfig) -> None:
        self.config = config
        self._told: set[tuple[str, int]] = set()

    def joined(self, guild: discord.Guild, joined: Collection[int] | None) -> None:
        if not answers_in(self.config, guild.id) and ("silent", guild.id) not in self._told:
            self._told.add(("silent", guild.id))
            log.warning(
                "in server %r (%d), which %s does not list: the bot stays silent there (remove it from that "
                "server, or list it)",
                guild.name,
                guild.id,
                ANSWER_KEY,
            )
        several = ("several", len(joined) if joined is not None else 0)
        if not self.config.curating_guild_ids and several[1] > 1 and several not in self._told:
            self._told.add(several)
            log.warning(
                "in %d servers and %s is not set: /kb and the review digest are refused everywhere until it "
                "names the server whose moderators curate the knowledge",
                several[1],
                CURATING_KEY,
            )


class FaqTree(app_commands.CommandTree["FaqBot"]):
    """The bot's command tree: commands run only where the bot answers, and a command it does not have in a
    server (/kb outside the curating servers, say) gets a private line instead of silence."""

    async def interaction_check(self, interaction: discord.Interaction[FaqBot], /) -> bool:
        if answers_in(interaction.client.config.discord, interaction.guild_id):
            return True
        if interaction.type is discord.InteractionType.application_command:
            await interaction.response.send_message(NOT_ANSWERING_HERE, ephemeral=True)
        return False

    async def on_error(self, interaction: discord.Interaction[FaqBot], error: app_commands.AppCommandError, /) -> None:
        if isinstance(error, app_commands.CommandNotFound):
            if interaction.type is discord.InteractionType.application_command:
                await interaction.response.send_message(COMMAND_NOT_HERE, ephemeral=True)
            return
        await super().on_error(interaction, error)
