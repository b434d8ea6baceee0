"""The fake's REST API v10: one aiohttp route per endpoint a bot uses, and a middleware that records
every request, answers a rejected token with 401 and injects the faults (429, 503...) a test asked for.
Interactions are held to Discord's rules: the first response within 3 s, only one, follow-ups for 15 min."""

from __future__ import annotations

import contextlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .guilds import MISSING_ACCESS, refused_channel
from .limits import (
    ALREADY_ACKNOWLEDGED,
    APPLIED_TAGS,
    FOLLOW_UP_S,
    UNKNOWN_CHANNEL,
    UNKNOWN_INTERACTION,
    UNKNOWN_WEBHOOK,
    message_problems,
    modal_problems,
)
from .payloads import ChannelType, MessageType, application, error, json_response

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
BODY = web.RequestKey("body", object)  # the parsed JSON body, read once by the middleware
REJECTED_TOKEN = "rejected-token"  # the fake answers 401 to this one, as Discord does to a reset token
UNKNOWN_MESSAGE = 10008
INVALID_FORM_BODY = 50035
TOO_MANY_REQUESTS = 429


FILENAME = re.compile(rb'filename="([^"]*)"')


def _multipart(raw: bytes, content_type: str) -> tuple[Any, dict[str, bytes]]:
    """The payload_json part and the attached files of a multipart body."""
    boundary = content_type.split("boundary=")[-1].strip('"').encode()
    payload, files = None, {}
    for part in raw.split(b"--" + boundary):
        if b"\r\n\r\n" not in part:
            continue
        head, content = part.split(b"\r\n\r\n", 1)
        content = content.removesuffix(b"\r\n")
        if b'name="payload_json"' in head:
            payload = json.loads(content)
        elif named := FILENAME.search(head):
            files[named[1].decode()] = content
    return payload, files


async def _body(request: web.Request) -> tuple[Any, dict[str, bytes]]:
    raw = await request.read()
    if not raw:
        return None, {}
    if request.content_type == "multipart/form-data":
        return _multipart(raw, request.headers.get("Content-Type", ""))
    with contextlib.suppress(ValueError):
        return json.loads(raw), {}
    return None, {}


class Rest:
    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake

    @web.middleware
    async def middleware(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if not request.path.startswith(API):
            return await handler(request)
        path = request.path[len(API) :]
        body, files = await _body(request)
        request[BODY] = body
        await self.fake.record(request.method, path, dict(request.query), body, dict(request.headers), files)
        if request.headers.get("Authorization") == f"Bot {REJECTED_TOKEN}":
            return error(401, "401: Unauthorized")
        fault = self.fake.take_fault(request.method, path)
        if fault is not None and fault.status == TOO_MANY_REQUESTS:  # with Via and retry_after, as Discord does
            return json_response(
                {"message": "You are being rate limited.", "retry_after": fault.retry_after, "global": False},
                status=TOO_MANY_REQUESTS,
                headers={"Via": "1.1 google"},
            )
        if fault is not None:
            return error(fault.status, f"{fault.status}: injected by the test")
        return await handler(request)

    def routes(self) -> list[web.RouteDef]:
        app = self.fake.application_id
        commands = rf"/applications/{app}{{guild:(/guilds/\d+)?}}/commands"
        message = "/channels/{channel}/messages/{message}"
        webhook = f"/webhooks/{app}/{{token}}"
        return [
            web.get(f"{API}/users/@me", self.me),
            web.get(f"{API}/oauth2/applications/@me", self.application),
            web.get(f"{API}/gateway/bot", self.gateway),
            web.get(f"{API}/gateway", self.gateway),
            web.put(API + commands, self.put_commands),
            web.get(API + commands, self.get_commands),
            web.get(f"{API}/channels/{{channel}}", self.get_channel),
            web.patch(f"{API}/channels/{{channel}}", self.patch_channel),
            web.post(f"{API}/channels/{{channel}}/messages", self.post_message),
            web.get(API + message, self.get_message),
            web.patch(API + message, self.patch_message),
            web.put(f"{API}{message}/reactions/{{emoji}}/@me", self.react),
            web.post(f"{API}/users/@me/channels", self.open_dm),
            web.get(f"{API}/guilds/{{guild}}/threads/active", self.active_threads),
            web.get(f"{API}/channels/{{channel}}/threads/archived/public", self.archived_threads),
            web.post(f"{API}/interactions/{{interaction}}/{{token}}/callback", self.interaction_callback),
            web.post(API + webhook, self.webhook_message),
            web.patch(f"{API}{webhook}/messages/@original", self.webhook_message),
            web.get(f"{API}{webhook}/messages/@original", self.original_message),
            web.route("*", f"{API}/{{tail:.*}}", self.not_found),
        ]

    async def me(self, request: web.Request) -> web.Response:
        return json_response(self.fake.bot_user)

    async def application(self, request: web.Request) -> web.Response:
        return json_response(application(self.fake.application_id, self.fake.owner, self.fake.application_flags))

    async def gateway(self, request: web.Request) -> web.Response:
        limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limits})

    def _commands_refused(self, request: web.Request) -> web.Response | None:
        """A server's commands can be registered only in a server the bot is in."""
        guild_id = request.match_info["guild"].removeprefix("/guilds/")
        if guild_id and guild_id not in self.fake.bot_guild_ids:
            return error(403, "Missing Access", MISSING_ACCESS)
        return None

    async def put_commands(self, request: web.Request) -> web.Response:
        if refused := self._commands_refused(request):
            return refused
        fake = self.fake
        commands = [
            {
                "description": "",  # Discord gives message commands an empty one
                **command,
                "id": fake.new_id(),
                "application_id": fake.application_id,
                "version": "1",
                "default_member_permissions": command.get("default_member_permissions"),
            }
            for command in request[BODY] or []
        ]
        guild_id = request.match_info["guild"].removeprefix("/guilds/")
        if guild_id:
            fake.guild_commands[guild_id] = commands
        else:
            fake.commands = commands
        return json_response(commands)

    async def get_commands(self, request: web.Request) -> web.Response:
        if refused := self._commands_refused(request):
            return refused
        guild_id = request.match_info["guild"].removeprefix("/guilds/")
        return json_response(self.fake.guild_commands.get(guild_id, []) if guild_id else self.fake.commands)

    def _refused(self, body: dict[str, Any]) -> web.Response | None:
        """Discord's 400 for a message over its limits; recorded so a test can say what was refused."""
        problems = message_problems(body)
        if not problems:
            return None
        self.fake.refused.append(problems)
        return error(400, "Invalid Form Body: " + "; ".join(problems), INVALID_FORM_BODY)

    def _known_channel(self, channel_id: str) -> bool:
        return channel_id in self.fake.channels or channel_id == self.fake.dm_channel_id

    async def get_channel(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        return refused_channel(self.fake, channel_id) or json_response(self.fake.channels[channel_id])

    async def patch_channel(self, request: web.Request) -> web.Response:
        """Edit a channel; for a forum post, its tags (`applied_tags`): at most 5, each one of its forum's."""
        fake = self.fake
        channel = fake.channels.get(request.match_info["channel"])
        if channel is None:
            return error(404, "Unknown Channel", UNKNOWN_CHANNEL)
        body = request[BODY] or {}
        if "applied_tags" in body:
            tags = [str(t) for t in body["applied_tags"]]
            forum = fake.channels.get(channel.get("parent_id") or "", {})
            known = {tag["id"] for tag in forum.get("available_tags", [])}
            if len(tags) > APPLIED_TAGS or not set(tags) <= known:
                self.fake.refused.append([f"applied_tags: {tags} (at most {APPLIED_TAGS}, of {sorted(known)})"])
                return error(400, "Invalid Form Body: applied_tags", INVALID_FORM_BODY)
            channel["applied_tags"] = tags
        channel.update({k: v for k, v in body.items() if k in {"name"}})
        if channel["type"] == ChannelType.PUBLIC_THREAD:
            await fake.dispatch("THREAD_UPDATE", channel)
        return json_response(channel)

    async def post_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        body = request[BODY] or {}
        if not self._known_channel(channel_id):  # a deleted post, say
            return error(404, "Unknown Channel", UNKNOWN_CHANNEL)
        if refused := self._refused(body):
            return refused
        fake = self.fake
        extra: dict[str, Any] = {"embeds": body.get("embeds") or [], "components": body.get("components") or []}
        reference = body.get("message_reference")
        if reference:
            if str(reference.get("message_id")) in fake.messages:  # Discord includes the replied-to message
                extra["referenced_message"] = fake.messages[str(reference["message_id"])]
            extra["type"] = MessageType.REPLY
            extra["message_reference"] = {**reference, "channel_id": channel_id, "guild_id": fake.guild_of(channel_id)}
        sent = fake.message(channel_id, fake.bot_user, body.get("content") or "", **extra)
        await fake.dispatch("MESSAGE_CREATE", sent)  # Discord echoes the bot's own messages
        return json_response(sent)

    async def get_message(self, request: web.Request) -> web.Response:
        found = self.fake.messages.get(request.match_info["message"])
        return json_response(found) if found else error(404, "Unknown Message", UNKNOWN_MESSAGE)

    async def patch_message(self, request: web.Request) -> web.Response:
        fake = self.fake
        message_id = request.match_info["message"]
        found = fake.messages.get(message_id) or fake.message(request.match_info["channel"], fake.bot_user, "")
        found.update({k: v for k, v in (request[BODY] or {}).items() if k in {"content", "embeds", "components"}})
        return json_response(found)

    async def react(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def open_dm(self, request: web.Request) -> web.Response:
        fake = self.fake
        return json_response({"id": fake.dm_channel_id, "type": ChannelType.DM, "recipients": [fake.owner]})

    def _refuse(self, status: int, code: int, why: str) -> web.Response:
        self.fake.refuse(why)
        return error(status, why, code)

    async def active_threads(self, request: web.Request) -> web.Response:
        return json_response({"threads": self.fake.threads(archived=False), "members": []})

    async def archived_threads(self, request: web.Request) -> web.Response:
        """Newest archived first, as Discord lists them (one page: the fake never has more)."""
        threads = self.fake.threads(archived=True, parent_id=request.match_info["channel"])
        threads.sort(key=lambda t: t["thread_metadata"]["archive_timestamp"], reverse=True)
        return json_response({"threads": threads, "members": [], "has_more": False})

    async def interaction_callback(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        kind = body.get("type", 4)
        interaction_id = request.match_info["interaction"]
        state = self.fake.interactions.get(interaction_id)
        if state is None or state.token != request.match_info["token"]:
            return self._refuse(404, UNKNOWN_INTERACTION, f"Unknown interaction {interaction_id}")
        if state.acknowledged:
            return self._refuse(
                400, ALREADY_ACKNOWLEDGED, f"Interaction has already been acknowledged ({interaction_id}, type {kind})"
            )
        late = time.monotonic() - state.created
        if late > self.fake.first_response_s:
            return self._refuse(
                404, UNKNOWN_INTERACTION, f"Unknown interaction: first response {late:.1f} s after {interaction_id}"
            )
        response: dict[str, Any] = {
            "interaction": {
                "id": interaction_id,
                "type": kind,
                "response_message_loading": kind == 5,
                "response_message_ephemeral": False,
            }
        }
        data = body.get("data") or {}
        if kind in (4, 7) and isinstance(data, dict) and (refused := self._refused(data)):
            return refused
        if kind == 9 and (problems := modal_problems(data)):  # MODAL
            self.fake.refused.append(problems)
            return error(400, "Invalid Form Body: " + "; ".join(problems), INVALID_FORM_BODY)
        state.acknowledged = True
        if kind in (4, 7) and isinstance(data, dict):  # a message is created or updated: give it back
            sent = self.fake.message_from_interaction(data)
            sent["interaction_metadata"] = {"id": interaction_id, "type": 2, "user": self.fake.owner}
            response["resource"] = {"type": kind, "message": sent}
        return json_response(response)

    def _webhook_refused(self, request: web.Request) -> web.Response | None:
        """Follow-ups and edits need an acknowledged interaction's token, younger than 15 minutes."""
        state = self.fake.interaction_by_token(request.match_info["token"])
        if state is None or not state.acknowledged:
            return self._refuse(
                404, UNKNOWN_WEBHOOK, f"Unknown Webhook: {request.method} {request.path} before any response"
            )
        if time.monotonic() - state.created > FOLLOW_UP_S:
            return self._refuse(404, UNKNOWN_WEBHOOK, f"Unknown Webhook: the token of {request.path} has expired")
        return None

    async def webhook_message(self, request: web.Request) -> web.Response:
        if refused := self._webhook_refused(request) or self._refused(request[BODY] or {}):
            return refused
        return json_response(
            self.fake.message_from_interaction(request[BODY] or {}, webhook_id=self.fake.application_id)
        )

    async def original_message(self, request: web.Request) -> web.Response:
        if refused := self._webhook_refused(request):
            return refused
        fake = self.fake
        return json_response(fake.message(fake.text_channel_id, fake.bot_user, "", webhook_id=fake.application_id))

    async def not_found(self, request: web.Request) -> web.Response:
        return error(404, f"fake Discord has no {request.method} {request.path[len(API) :]}")
