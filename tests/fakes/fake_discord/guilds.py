"""The fake's servers over REST, as a bot sees them: the servers it is in (its own, and a second one a test may
invite it to: `FakeDiscord.join_second_server`), one it is not in, their roles,
its own member with the managed role an invite gives it, channels with their permission overwrites. A server
or channel the bot is not in is 403 Missing Access, an unknown one 404, as Discord answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from . import payloads
from .limits import UNKNOWN_CHANNEL
from .payloads import BOT_ROLE_PERMISSIONS, EVERYONE_PERMISSIONS, ChannelType, error, json_response

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
MISSING_ACCESS = 50001
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007


def server_roles(fake: FakeDiscord) -> dict[str, list[dict[str, Any]]]:
    """Each server's roles: @everyone (whose id is the server's), moderators, and the bot's managed role."""
    bot_tags = {"bot_id": fake.bot_user["id"]}  # how Discord marks the role it made for a bot
    return {
        fake.guild_id: [
            payloads.role(fake.guild_id, "@everyone", EVERYONE_PERMISSIONS, 0),
            payloads.role(fake.moderator_role_id, "Moderators", 0, 1),
            payloads.role(fake.bot_role_id, "FaqBot", BOT_ROLE_PERMISSIONS, 2, managed=True, tags=bot_tags),
        ],
        fake.other_guild_id: [payloads.role(fake.other_guild_id, "@everyone", EVERYONE_PERMISSIONS, 0)],
    }


def guild_create(fake: FakeDiscord, guild_id: str) -> dict[str, Any]:
    """The gateway's GUILD_CREATE for a server the bot is in."""
    return {
        **guild_object(fake, guild_id),
        "unavailable": False,
        "member_count": 2,
        "large": False,
        "channels": guild_channels(fake, guild_id),
        "threads": [t for t in fake.threads(archived=False) if t["guild_id"] == guild_id],  # the active ones
        "members": [payloads.member(fake.bot_user, roles=fake.bot_member_roles[guild_id])],
        "voice_states": [],
        "presences": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
    }


def second_server(fake: FakeDiscord, name: str) -> tuple[str, str]:
    """Another server the bot is invited to (by anyone: a bot is public by default), with its own owner,
    roles and a text channel: (its id, the channel's id)."""
    guild_id, channel_id, bot_role_id = fake.new_id(), fake.new_id(), fake.new_id()
    bot_tags = {"bot_id": fake.bot_user["id"]}
    fake.guild_names[guild_id] = name
    fake.guild_owners[guild_id] = fake.user(f"owner of {name}")["id"]
    fake.roles[guild_id] = [
        payloads.role(guild_id, "@everyone", EVERYONE_PERMISSIONS, 0),
        payloads.role(bot_role_id, "FaqBot", BOT_ROLE_PERMISSIONS, 1, managed=True, tags=bot_tags),
    ]
    fake.bot_member_roles[guild_id] = [bot_role_id]
    fake.channels[channel_id] = {**fake._channel(channel_id, ChannelType.TEXT, "general", 0), "guild_id": guild_id}
    fake.bot_guild_ids.append(guild_id)
    return guild_id, channel_id


def guild_object(fake: FakeDiscord, guild_id: str) -> dict[str, Any]:
    """GET /guilds/{id}: the server without the gateway's extras (channels, members, threads...)."""
    return {
        "id": guild_id,
        "name": fake.guild_names[guild_id],
        "icon": None,
        "owner_id": fake.guild_owners.get(guild_id, fake.owner["id"]),
        "roles": fake.roles[guild_id],
        "emojis": [],
        "stickers": [],
        "features": [],
        "premium_tier": 0,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "system_channel_flags": 0,
        "nsfw_level": 0,
        "preferred_locale": "en-GB",
    }


def guild_channels(fake: FakeDiscord, guild_id: str) -> list[dict[str, Any]]:
    """A server's channels (threads are listed elsewhere, as on Discord)."""
    return [
        c for c in fake.channels.values() if c.get("guild_id") == guild_id and c["type"] != ChannelType.PUBLIC_THREAD
    ]


def refused_channel(fake: FakeDiscord, channel_id: str) -> web.Response | None:
    """404 for a channel that does not exist, 403 for one in a server the bot is not in."""
    channel = fake.channels.get(channel_id)
    if channel is None:
        return error(404, "Unknown Channel", UNKNOWN_CHANNEL)
    if channel.get("guild_id") and channel["guild_id"] not in fake.bot_guild_ids:
        return error(403, "Missing Access", MISSING_ACCESS)
    return None


class GuildRoutes:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    def routes(self) -> list[web.RouteDef]:
        guild = f"{API}/guilds/{{guild}}"
        return [
            web.get(f"{API}/users/@me/guilds", self.my_guilds),
            web.get(guild, self.guild),
            web.get(f"{guild}/channels", self.channels),
            web.get(f"{guild}/roles", self.roles),
            web.get(f"{guild}/members/{{user}}", self.member),
        ]

    def _refused(self, guild_id: str) -> web.Response | None:
        if guild_id not in self.fake.guild_names:
            return error(404, "Unknown Guild", UNKNOWN_GUILD)
        if guild_id not in self.fake.bot_guild_ids:
            return error(403, "Missing Access", MISSING_ACCESS)
        return None

    async def my_guilds(self, request: web.Request) -> web.Response:
        fake = self.fake
        return json_response(
            [
                {"id": g, "name": fake.guild_names[g], "icon": None, "owner": False, "permissions": "0", "features": []}
                for g in fake.bot_guild_ids
            ]
        )

    async def guild(self, request: web.Request) -> web.Response:
        guild_id = request.match_info["guild"]
        return self._refused(guild_id) or json_response(guild_object(self.fake, guild_id))

    async def channels(self, request: web.Request) -> web.Response:
        guild_id = request.match_info["guild"]
        return self._refused(guild_id) or json_response(guild_channels(self.fake, guild_id))

    async def roles(self, request: web.Request) -> web.Response:
        guild_id = request.match_info["guild"]
        return self._refused(guild_id) or json_response(self.fake.roles[guild_id])

    async def member(self, request: web.Request) -> web.Response:
        guild_id, user_id = request.match_info["guild"], request.match_info["user"]
        if refused := self._refused(guild_id):
            return refused
        fake = self.fake
        if user_id != fake.bot_user["id"]:
            return error(404, "Unknown Member", UNKNOWN_MEMBER)
        return json_response(
            {
                "user": fake.bot_user,
                "roles": fake.bot_member_roles[guild_id],
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
        )
