"""Discord API v10 objects as the fake sends them: the smallest payloads stock discord.py accepts."""

from __future__ import annotations

import json
from enum import IntEnum
from typing import Any

from aiohttp import web

JSON = {"Content-Type": "application/json"}  # exactly this: a charset suffix makes discord.py treat it as text
TIMESTAMP = "2026-11-22T00:00:00+00:00"


class ChannelType(IntEnum):
    TEXT = 0
    DM = 1
    PUBLIC_THREAD = 11
    FORUM = 15


class MessageType(IntEnum):
    DEFAULT = 0
    REPLY = 19


class CommandType(IntEnum):
    CHAT_INPUT = 1  # a slash command
    MESSAGE = 3  # a message's context menu (Apps → …)


class Permission(IntEnum):
    """https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags"""

    ADMINISTRATOR = 1 << 3
    MANAGE_GUILD = 1 << 5
    ADD_REACTIONS = 1 << 6
    VIEW_CHANNEL = 1 << 10
    SEND_MESSAGES = 1 << 11
    EMBED_LINKS = 1 << 14
    READ_MESSAGE_HISTORY = 1 << 16
    MANAGE_THREADS = 1 << 34
    SEND_MESSAGES_IN_THREADS = 1 << 38


class ApplicationFlag(IntEnum):
    """https://discord.com/developers/docs/resources/application#application-object-application-flags"""

    GATEWAY_MESSAGE_CONTENT = 1 << 18  # a verified bot with the Message Content intent
    GATEWAY_MESSAGE_CONTENT_LIMITED = 1 << 19  # an unverified one (under 100 servers) with it switched on


class OverwriteType(IntEnum):
    ROLE = 0
    MEMBER = 1


# view, send, add reactions, embed links, mention everyone, external emojis: @everyone's in the fake's server
EVERYONE_PERMISSIONS = 0x0000_0000_0006_4C40
# what the bot's own role gets when it is invited with the link `python -m bot invite` prints (solved_tag set)
BOT_ROLE_PERMISSIONS = (
    Permission.VIEW_CHANNEL
    | Permission.SEND_MESSAGES
    | Permission.SEND_MESSAGES_IN_THREADS
    | Permission.EMBED_LINKS
    | Permission.READ_MESSAGE_HISTORY
    | Permission.ADD_REACTIONS
    | Permission.MANAGE_THREADS
)


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={**JSON, **(headers or {})})


def error(status: int, message: str, code: int = 0) -> web.Response:
    return json_response({"message": message, "code": code}, status)


def user(user_id: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "avatar": None, "bot": bot, "global_name": name}


def member(
    of: dict[str, Any], *, roles: list[str] | None = None, permissions: int = EVERYONE_PERMISSIONS
) -> dict[str, Any]:
    return {
        "user": of,
        "roles": roles or [],
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
        "permissions": str(permissions),
    }


def message(message_id: str, channel_id: str, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
    return {
        "id": message_id,
        "channel_id": channel_id,
        "type": MessageType.DEFAULT,
        "content": content,
        "author": author,
        "mentions": [],
        "mention_roles": [],
        "mention_everyone": False,
        "attachments": [],
        "embeds": [],
        "components": [],
        "pinned": False,
        "tts": False,
        "flags": 0,
        "timestamp": TIMESTAMP,
        "edited_timestamp": None,
        **extra,
    }


def role(role_id: str, name: str, permissions: int, position: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": role_id,
        "name": name,
        "permissions": str(permissions),
        "position": position,
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        **extra,
    }


def overwrite(target_id: str, kind: OverwriteType, *, allow: int = 0, deny: int = 0) -> dict[str, Any]:
    """A channel's permission overwrite for a role or a member, as Discord sends it (bit sets as strings)."""
    return {"id": target_id, "type": int(kind), "allow": str(allow), "deny": str(deny)}


def thread(thread_id: str, name: str, parent_id: str, guild_id: str, owner_id: str) -> dict[str, Any]:
    return {
        "id": thread_id,
        "type": ChannelType.PUBLIC_THREAD,
        "name": name,
        "parent_id": parent_id,
        "guild_id": guild_id,
        "owner_id": owner_id,
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "locked": False,
            "archive_timestamp": TIMESTAMP,
        },
        "newly_created": True,
        "applied_tags": [],
    }


def forum_tag(tag_id: str, name: str) -> dict[str, Any]:
    return {"id": tag_id, "name": name, "moderated": False, "emoji_id": None, "emoji_name": None}


def application(app_id: str, owner: dict[str, Any], flags: int) -> dict[str, Any]:
    return {
        "id": app_id,
        "name": "FaqBot",
        "description": "",
        "icon": None,
        "bot_public": True,
        "bot_require_code_grant": False,
        "owner": owner,
        "verify_key": "0" * 64,
        "flags": flags,
    }
