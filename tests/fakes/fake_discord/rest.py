"""The fake's REST API v10: one aiohttp route per endpoint a bot uses, and a middleware that records
every request, answers a rejected token with 401 and injects the 429s a test asked for."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .limits import message_problems
from .payloads import ChannelType, MessageType, application, error, json_response

if TYPE_CHECKING:
    from .server import FakeDiscord

API = "/api/v10"
BODY = web.RequestKey("body", object)  # the parsed JSON body, read once by the middleware
REJECTED_TOKEN = "rejected-token"  # the fake answers 401 to this one, as Discord does to a reset token
UNKNOWN_MESSAGE = 10008
INVALID_FORM_BODY = 50035


def _multipart_json(raw: bytes, content_type: str) -> Any:
    boundary = content_type.split("boundary=")[-1].strip('"').encode()
    for part in raw.split(b"--" + boundary):
        if b'name="payload_json"' in part:
            return json.loads(part.split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n-"))
    return None


async def _body(request: web.Request) -> Any:
    raw = await request.read()
    if not raw:
        return None
    if request.content_type == "multipart/form-data":
        return _multipart_json(raw, request.headers.get("Content-Type", ""))
    with contextlib.suppress(ValueError):
        return json.loads(raw)
    return None


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
        body = await _body(request)
        request[BODY] = body
        await self.fake.record(request.method, path, dict(request.query), body, dict(request.headers))
        if request.headers.get("Authorization") == f"Bot {REJECTED_TOKEN}":
            return error(401, "401: Unauthorized")
        retry_after = self.fake.take_rate_limit(request.method, path)
        if retry_after is not None:  # with Via and retry_after, as Discord does: discord.py retries it
            return json_response(
                {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                status=429,
                headers={"Via": "1.1 google"},
            )
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
            web.post(f"{API}/channels/{{channel}}/messages", self.post_message),
            web.get(API + message, self.get_message),
            web.patch(API + message, self.patch_message),
            web.put(f"{API}{message}/reactions/{{emoji}}/@me", self.react),
            web.post(f"{API}/users/@me/channels", self.open_dm),
            web.post(f"{API}/interactions/{{interaction}}/{{token}}/callback", self.interaction_callback),
            web.post(API + webhook, self.webhook_message),
            web.patch(f"{API}{webhook}/messages/@original", self.webhook_message),
            web.get(f"{API}{webhook}/messages/@original", self.original_message),
            web.route("*", f"{API}/{{tail:.*}}", self.not_found),
        ]

    async def me(self, request: web.Request) -> web.Response:
        return json_response(self.fake.bot_user)

    async def application(self, request: web.Request) -> web.Response:
        return json_response(application(self.fake.application_id, self.fake.owner))

    async def gateway(self, request: web.Request) -> web.Response:
        limits = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return json_response({"url": self.fake.gateway_url, "shards": 1, "session_start_limit": limits})

    async def put_commands(self, request: web.Request) -> web.Response:
        fake = self.fake
        fake.commands = [
            {
                **command,
                "id": fake.new_id(),
                "application_id": fake.application_id,
                "version": "1",
                "default_member_permissions": command.get("default_member_permissions"),
            }
            for command in request[BODY] or []
        ]
        return json_response(fake.commands)

    async def get_commands(self, request: web.Request) -> web.Response:
        return json_response(self.fake.commands)

    def _refused(self, body: dict[str, Any]) -> web.Response | None:
        """Discord's 400 for a message over its limits; recorded so a test can say what was refused."""
        problems = message_problems(body)
        if not problems:
            return None
        self.fake.refused.append(problems)
        return error(400, "Invalid Form Body: " + "; ".join(problems), INVALID_FORM_BODY)

    async def post_message(self, request: web.Request) -> web.Response:
        channel_id = request.match_info["channel"]
        body = request[BODY] or {}
        if refused := self._refused(body):
            return refused
        fake = self.fake
        extra: dict[str, Any] = {"embeds": body.get("embeds") or [], "components": body.get("components") or []}
        reference = body.get("message_reference")
        if reference:
            if str(reference.get("message_id")) in fake.messages:  # Discord includes the replied-to message
                extra["referenced_message"] = fake.messages[str(reference["message_id"])]
            extra["type"] = MessageType.REPLY
            extra["message_reference"] = {**reference, "channel_id": channel_id, "guild_id": fake.guild_id}
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

    async def interaction_callback(self, request: web.Request) -> web.Response:
        body = request[BODY] or {}
        kind = body.get("type", 4)
        interaction_id = request.match_info["interaction"]
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
        if kind in (4, 7) and isinstance(data, dict):  # a message is created or updated: give it back
            sent = self.fake.message_from_interaction(data)
            sent["interaction_metadata"] = {"id": interaction_id, "type": 2, "user": self.fake.owner}
            response["resource"] = {"type": kind, "message": sent}
        return json_response(response)

    async def webhook_message(self, request: web.Request) -> web.Response:
        if refused := self._refused(request[BODY] or {}):
            return refused
        return json_response(
            self.fake.message_from_interaction(request[BODY] or {}, webhook_id=self.fake.application_id)
        )

    async def original_message(self, request: web.Request) -> web.Response:
        fake = self.fake
        return json_response(fake.message(fake.text_channel_id, fake.bot_user, "", webhook_id=fake.application_id))

    async def not_found(self, request: web.Request) -> web.Response:
        return error(404, f"fake Discord has no {request.method} {request.path[len(API) :]}")
