"""The fake Discord's state and what a test does with it: members post, run commands, click; the test
waits for what the bot sent. REST is in rest.py, the gateway in gateway.py, payloads in payloads.py."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import payloads
from .gateway import Gateway
from .guilds import GuildRoutes, guild_create, second_server, server_roles
from .limits import FIRST_RESPONSE_S
from .payloads import EVERYONE_PERMISSIONS, ApplicationFlag, ChannelType, CommandType, MessageType
from .rest import Rest

DISCORD_EPOCH_MS = 1_420_070_400_000  # snowflakes count milliseconds from 2015-01-01
SNOWFLAKE_TIME_SHIFT = 22  # the low 22 bits are worker, process and increment


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    files: dict[str, bytes] = field(default_factory=dict)  # attachments, by file name
    at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    """The next `times` requests matching `method` and `path` are answered with `status`."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int
    retry_after: float = 0.0  # for 429: what Discord says to wait


@dataclass
class InteractionState:
    """What Discord remembers of an interaction: when it was created and whether it was acknowledged."""

    token: str
    created: float = field(default_factory=time.monotonic)
    acknowledged: bool = False


class InteractionType:
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class FakeDiscord:
    def __init__(self) -> None:
        self._last_id = 0
        self.bot_user = payloads.user(self.new_id(), "FaqBot", bot=True)
        self.bot_user["global_name"] = None
        self.application_id = self.new_id()
        self.owner = self.user("owner")
        self.guild_id = self.new_id()
        self.text_channel_id = self.new_id()
        self.forum_channel_id = self.new_id()
        self.dm_channel_id = self.new_id()
        self.moderator_role_id = self.new_id()  # a role with no permissions of its own
        self.solved_tag_id = self.new_id()  # the forum's tags: "Solved" and "Question"
        self.question_tag_id = self.new_id()
        self.application_flags = int(ApplicationFlag.GATEWAY_MESSAGE_CONTENT_LIMITED)  # the intent is on
        self.bot_role_id = self.new_id()  # the role Discord gives a bot invited with permissions
        self.other_guild_id = self.new_id()  # a server the bot is not in, with a forum of its own
        self.other_forum_channel_id = self.new_id()
        self.guild_names = {self.guild_id: "Defence Forum", self.other_guild_id: "Another Server"}
        self.bot_guild_ids = [self.guild_id]
        self.guild_owners: dict[str, str] = {}  # a server's owner, if not `owner` (the second server's)
        self.roles = server_roles(self)
        self.bot_member_roles = {self.guild_id: [self.bot_role_id]}
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {
            self.text_channel_id: self._channel(self.text_channel_id, ChannelType.TEXT, "general", 0),
            self.forum_channel_id: {
                **self._channel(self.forum_channel_id, ChannelType.FORUM, "questions", 1),
                "available_tags": [
                    payloads.forum_tag(self.solved_tag_id, "Solved"),
                    payloads.forum_tag(self.question_tag_id, "Question"),
                ],
            },
            self.other_forum_channel_id: {
                **self._channel(self.other_forum_channel_id, ChannelType.FORUM, "elsewhere", 0),
                "guild_id": self.other_guild_id,
                "available_tags": [],
            },
        }
        self.commands: list[dict[str, Any]] = []  # registered globally
        self.guild_commands: dict[str, list[dict[str, Any]]] = {}  # registered for one server, by its id
        # why Discord refused each request it refused: a message over its limits, a late or second
        # acknowledgement, an expired follow-up (the harness asserts none happened)
        self.refused: list[list[str]] = []
        self.interactions: dict[str, InteractionState] = {}  # by interaction id
        self.first_response_s = FIRST_RESPONSE_S  # a test may shorten it, to show what is acknowledged first
        self._faults: list[Fault] = []
        self._request_seen = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.gateway = Gateway(
            lambda: [("READY", self._ready()), *(("GUILD_CREATE", guild_create(self, g)) for g in self.bot_guild_ids)]
        )
        self.rest = Rest(self)
        self.app = web.Application(middlewares=[self.rest.middleware])
        self.app.router.add_get("/gateway", self.gateway.handle)
        self.app.router.add_routes(GuildRoutes(self).routes())
        self.app.router.add_routes(self.rest.routes())

    # ---- lifecycle ---------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeDiscord:
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    # ---- state -------------------------------------------------------------------------------------

    def new_id(self) -> str:
        """A snowflake of the current time, as Discord makes them (discord.py reads creation times from them)."""
        now = (int(time.time() * 1000) - DISCORD_EPOCH_MS) << SNOWFLAKE_TIME_SHIFT
        self._last_id = max(self._last_id + 1, now)
        return str(self._last_id)

    def user(self, name: str, *, bot: bool = False) -> dict[str, Any]:
        return payloads.user(self.new_id(), name, bot=bot)

    def _channel(self, channel_id: str, kind: ChannelType, name: str, position: int) -> dict[str, Any]:
        return {
            "id": channel_id,
            "type": kind,
            "name": name,
            "position": position,
            "guild_id": self.guild_id,
            "parent_id": None,
            "nsfw": False,
            "permission_overwrites": [],  # Discord always sends the list, empty when nothing is overwritten
        }

    def add_channel(self, kind: ChannelType, name: str) -> str:
        """Another channel in the bot's server (a test's text channel where a forum is configured, say)."""
        channel_id = self.new_id()
        self.channels[channel_id] = self._channel(channel_id, kind, name, len(self.channels))
        return channel_id

    def guild_of(self, channel_id: str) -> str:
        """The server a channel (or post) is in."""
        return str(self.channels.get(channel_id, {}).get("guild_id") or self.guild_id)

    async def join_second_server(self, name: str = "Someone Else's Server") -> tuple[str, str]:
        """Someone invites the bot to a server of their own: Discord tells the running bot (GUILD_CREATE) and
        lists it from then on. (Its id, its text channel's id.)"""
        guild_id, channel_id = second_server(self, name)
        joined = guild_create(self, guild_id)
        del joined["unavailable"]  # a server joined, not one coming back from an outage
        await self.dispatch("GUILD_CREATE", joined)
        return guild_id, channel_id

    def message(self, channel_id: str, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
        """A message in a channel, stored so the bot can fetch it and tests can click its buttons."""
        built = payloads.message(extra.pop("id", None) or self.new_id(), channel_id, author, content, **extra)
        if channel_id != self.dm_channel_id:
            built["guild_id"] = self.guild_of(channel_id)
            if author["id"] != self.bot_user["id"]:
                built.setdefault("member", {k: v for k, v in payloads.member(author).items() if k != "user"})
        self.messages[built["id"]] = built
        return built

    def message_from_interaction(self, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """A message the bot sends through an interaction response or webhook."""
        return self.message(
            self.text_channel_id,
            self.bot_user,
            data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            **extra,
        )

    async def record(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        body: Any,
        headers: dict[str, str],
        files: dict[str, bytes] | None = None,
    ) -> None:
        async with self._request_seen:
            self.requests.append(Recorded(method, path, query, body, headers, files or {}))
            self._request_seen.notify_all()

    def fail_next(self, method: str, path_pattern: str, status: int, times: int = 1, retry_after: float = 0.3) -> None:
        """Answer the next `times` matching requests with `status` (a 429 as Discord sends it, with Via and
        retry_after), then serve them again."""
        self._faults.append(Fault(method, re.compile(path_pattern), status, times, retry_after))

    def rate_limit_next(self, method: str, path_pattern: str, retry_after: float = 0.3, times: int = 1) -> None:
        """Answer the next matching request(s) with a 429."""
        self.fail_next(method, path_pattern, 429, times, retry_after)

    def clear_faults(self) -> None:
        """Serve every request again (a storm is over)."""
        self._faults.clear()

    def take_fault(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.path.search(path):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def refuse(self, why: str) -> None:
        self.refused.append([why])

    # ---- gateway -----------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        await self.gateway.dispatch(event, data)

    async def drop_connection(self, close_code: int | None = None) -> None:
        await self.gateway.drop(close_code)

    async def invalidate_session(self) -> None:
        await self.gateway.invalidate_session()

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": guild_id, "unavailable": True} for guild_id in self.bot_guild_ids],
            "session_id": self.gateway.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": self.application_flags},
            "shard": [0, 1],
        }

    # ---- things members do ---------------------------------------------------------------------------

    async def say(
        self,
        content: str,
        *,
        author: dict[str, Any] | None = None,
        channel_id: str | None = None,
        mention_bot: bool = False,
        reply_to: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        author = author or self.owner
        channel_id = channel_id or self.text_channel_id
        if mention_bot:
            content = f"<@{self.bot_user['id']}> {content}"
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["type"] = MessageType.REPLY
            extra["message_reference"] = {
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
                "guild_id": self.guild_of(reply_to["channel_id"]),
            }
            extra["referenced_message"] = reply_to
        said = self.message(channel_id, author, content, **extra)
        if mention_bot or f"<@{self.bot_user['id']}>" in content:
            said["mentions"] = [self.bot_user]
        if "@everyone" in content:
            said["mention_everyone"] = True
        await self.dispatch("MESSAGE_CREATE", said)
        return said

    async def create_forum_post(
        self, title: str, content: str, *, author: dict[str, Any] | None = None, deliver: int = 1
    ) -> dict[str, Any]:
        """A new post in the forum: THREAD_CREATE, then its starter message (same id) `deliver` times.
        With deliver=0 the bot is told nothing, as when a post is made while it is disconnected."""
        author = author or self.owner
        thread = payloads.thread(self.new_id(), title, self.forum_channel_id, self.guild_id, author["id"])
        self.channels[thread["id"]] = thread
        starter = self.message(thread["id"], author, content, id=thread["id"])
        if deliver:
            await self.dispatch("THREAD_CREATE", thread)
        for _ in range(deliver):
            await self.dispatch("MESSAGE_CREATE", starter)
        return starter

    async def delete_thread(self, thread_id: str, *, deliver: bool = True) -> None:
        """A moderator deletes a post: its messages go with it; THREAD_DELETE unless `deliver` is False (the
        bot was away, and finds out from a 404)."""
        thread = self.channels.pop(thread_id)
        for message_id in [m for m, message in self.messages.items() if message["channel_id"] == thread_id]:
            del self.messages[message_id]
        if deliver:
            await self.dispatch(
                "THREAD_DELETE",
                {"id": thread_id, "guild_id": self.guild_id, "parent_id": thread["parent_id"], "type": thread["type"]},
            )

    def archive(self, thread_id: str) -> None:
        """The post goes quiet and Discord archives it (from an hour of inactivity on)."""
        metadata = self.channels[thread_id]["thread_metadata"]
        metadata["archived"] = True
        metadata["archive_timestamp"] = dt.datetime.now(dt.UTC).isoformat()

    def threads(self, *, archived: bool, parent_id: str | None = None) -> list[dict[str, Any]]:
        return [
            channel
            for channel in self.channels.values()
            if channel["type"] == ChannelType.PUBLIC_THREAD
            and channel["thread_metadata"]["archived"] is archived
            and parent_id in (None, channel["parent_id"])
        ]

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        channel_id: str | None = None,
        guild_id: str | None = None,
        permissions: int = EVERYONE_PERMISSIONS,
        roles: list[str] | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """An interaction in `channel_id` (default: #general), in that channel's server unless `guild_id` says
        otherwise (a forged one: Discord never sends that)."""
        channel_id = channel_id or self.text_channel_id
        guild_id = guild_id or self.guild_of(channel_id)
        channel = self.channels.get(channel_id) or {"id": channel_id, "type": ChannelType.TEXT, "guild_id": guild_id}
        interaction = {
            "id": self.new_id(),
            "application_id": self.application_id,
            "type": kind,
            "token": f"token-{self.new_id()}",
            "version": 1,
            "guild_id": guild_id,
            "channel_id": channel_id,
            "channel": dict(channel),
            "member": payloads.member(user or self.owner, roles=roles, permissions=permissions),
            "data": data,
            "locale": "en-GB",
            "guild_locale": "en-GB",
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": guild_id},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        if message is not None:
            interaction["message"] = message
        return interaction

    async def _send_interaction(self, interaction: dict[str, Any]) -> dict[str, Any]:
        """INTERACTION_CREATE; from now on the bot has 3 s for its first response (rest.py enforces it)."""
        self.interactions[interaction["id"]] = InteractionState(interaction["token"])
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    def interaction_by_token(self, token: str) -> InteractionState | None:
        return next((i for i in self.interactions.values() if i.token == token), None)

    def visible_commands(self, guild_id: str) -> list[str]:
        """The command names a member of the server sees: the global ones and the server's own."""
        return [c["name"] for c in (*self.commands, *self.guild_commands.get(guild_id, []))]

    def _command(self, name: str, kind: int, options: dict[str, Any]) -> dict[str, Any]:
        """A command's data as Discord sends it from where `options` (the interaction's) say: with `guild_id`
        when the command is registered for that server. `command_guild_id` forges it (a command registered
        for another server, which Discord would never deliver here)."""
        guild_id = options.get("guild_id") or self.guild_of(options.get("channel_id") or self.text_channel_id)
        own = [c for c in self.guild_commands.get(guild_id, []) if c["name"] == name and c.get("type", 1) == kind]
        found = own or [c for c in self.commands if c["name"] == name and c.get("type", 1) == kind]
        data: dict[str, Any] = {"id": found[0]["id"] if found else "0", "name": name, "type": kind}
        command_guild = options.pop("command_guild_id", None) or (guild_id if own else None)
        if command_guild:
            data["guild_id"] = command_guild
        return data

    async def slash(self, name: str, options: list[dict[str, Any]] | None = None, **kwargs: Any) -> dict[str, Any]:
        data = {**self._command(name, CommandType.CHAT_INPUT, kwargs), "options": options or []}
        return await self._send_interaction(self._interaction(InteractionType.APPLICATION_COMMAND, data, **kwargs))

    async def autocomplete(self, name: str, options: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        data = {**self._command(name, CommandType.CHAT_INPUT, kwargs), "options": options}
        return await self._send_interaction(self._interaction(InteractionType.AUTOCOMPLETE, data, **kwargs))

    async def message_command(self, name: str, target: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """A member picks Apps → `name` on a message: the command gets the message (data.resolved)."""
        kwargs.setdefault("channel_id", target["channel_id"])
        data = {
            **self._command(name, CommandType.MESSAGE, kwargs),
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self._send_interaction(self._interaction(InteractionType.APPLICATION_COMMAND, data, **kwargs))

    async def click(
        self, message: dict[str, Any], custom_id: str, *, values: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A button click, or a select-menu choice when `values` is given."""
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2 if values is None else 3}
        if values is not None:
            data["values"] = values
        kwargs.setdefault("channel_id", message["channel_id"])
        return await self._send_interaction(
            self._interaction(InteractionType.MESSAGE_COMPONENT, data, message=message, **kwargs)
        )

    async def submit_modal(self, custom_id: str, values: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        return await self._send_interaction(
            self._interaction(InteractionType.MODAL_SUBMIT, {"custom_id": custom_id, "components": rows}, **kwargs)
        )

    # ---- what the bot sent -------------------------------------------------------------------------

    async def wait_for_request(
        self, predicate: Callable[[Recorded], bool], timeout: float = 10.0, count: int = 1
    ) -> list[Recorded]:
        async with self._request_seen:
            await asyncio.wait_for(
                self._request_seen.wait_for(lambda: len([r for r in self.requests if predicate(r)]) >= count), timeout
            )
        return [r for r in self.requests if predicate(r)]

    def find(self, method: str, pattern: str) -> list[Recorded]:
        regex = re.compile(pattern)
        return [r for r in self.requests if r.method == method and regex.search(r.path)]
