"""A fake Discord (REST v10 + Gateway v10) on 127.0.0.1 that stock discord.py connects to.

It records every request the bot makes, answers the calls a bot needs, echoes the bot's own messages
back as MESSAGE_CREATE (as Discord does), and lets a test inject events (messages, forum posts,
interactions), drop the websocket, invalidate the session, or answer one request with a 429.

Run it by hand for a manual try (see README, "Try it without Discord"):
    python -m tests.fake_discord --port 8765
then POST JSON to /_fake/message {"content": "...", "mention_bot": true} to play a member, to
/_fake/slash {"command": "kb", "options": [...], "moderator": true} to run a slash command, and to
/_fake/modal {"custom_id": ..., "values": {...}, "moderator": true} to submit a form.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

REJECTED_TOKEN = "rejected-token"  # the fake answers 401 to this one, as Discord does to a reset token
JSON = {"Content-Type": "application/json"}  # exactly this: a charset suffix makes discord.py treat it as text
TEXT_CHANNEL, DM_CHANNEL, PUBLIC_THREAD, FORUM_CHANNEL = 0, 1, 11, 15
ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
EVERYONE_PERMISSIONS = 0x0000_0000_0006_4C40  # view, send, read history, add reactions, use app commands...


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


def _json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(status=status, body=json.dumps(data).encode(), headers={**JSON, **(headers or {})})


class FakeDiscord:
    def __init__(self) -> None:
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self.bot_user = {
            "id": str(next(self._ids)),
            "username": "FaqBot",
            "discriminator": "0",
            "avatar": None,
            "bot": True,
            "global_name": None,
        }
        self.application_id = str(next(self._ids))
        self.owner = self.user("owner")
        self.guild_id = str(next(self._ids))
        self.text_channel_id = str(next(self._ids))
        self.forum_channel_id = str(next(self._ids))
        self.dm_channel_id = str(next(self._ids))
        self.moderator_role_id = str(next(self._ids))  # a role with no permissions of its own
        self.requests: list[Recorded] = []
        self.messages: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {
            self.text_channel_id: {
                "id": self.text_channel_id,
                "type": TEXT_CHANNEL,
                "name": "general",
                "position": 0,
                "guild_id": self.guild_id,
            },
            self.forum_channel_id: {
                "id": self.forum_channel_id,
                "type": FORUM_CHANNEL,
                "name": "questions",
                "position": 1,
                "guild_id": self.guild_id,
            },
        }
        self.commands: list[dict[str, Any]] = []
        self.identify_count = 0
        self.resume_count = 0
        self._rate_limits: list[tuple[str, re.Pattern[str], float]] = []
        self._sockets: list[web.WebSocketResponse] = []
        self._session_id = "session-0"
        self._sequence = 0
        self._sent: list[dict[str, Any]] = []  # every dispatched event, for RESUME replay
        self._request_seen = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.app = web.Application()
        self.app.router.add_get("/gateway", self._gateway)
        self.app.router.add_post("/_fake/message", self._control_message)
        self.app.router.add_post("/_fake/slash", self._control_slash)
        self.app.router.add_post("/_fake/modal", self._control_modal)
        self.app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)

    # ---- lifecycle ---------------------------------------------------------------------------------

    async def start(self, port: int = 0) -> FakeDiscord:
        self._runner = web.AppRunner(self.app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # ---- payload builders --------------------------------------------------------------------------

    def user(self, name: str, *, bot: bool = False) -> dict[str, Any]:
        return {
            "id": str(next(self._ids)),
            "username": name,
            "discriminator": "0",
            "avatar": None,
            "bot": bot,
            "global_name": name,
        }

    def member(
        self, user: dict[str, Any], *, roles: list[str] | None = None, permissions: int = EVERYONE_PERMISSIONS
    ) -> dict[str, Any]:
        return {
            "user": user,
            "roles": roles or [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "permissions": str(permissions),
        }

    def _message(self, channel_id: str, author: dict[str, Any], content: str, **extra: Any) -> dict[str, Any]:
        message = {
            "id": extra.pop("id", None) or str(next(self._ids)),
            "channel_id": channel_id,
            "type": 0,
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
            "timestamp": "2026-11-22T00:00:00+00:00",
            "edited_timestamp": None,
            **extra,
        }
        if channel_id != self.dm_channel_id:
            message["guild_id"] = self.guild_id
            if not author.get("bot") or author["id"] != self.bot_user["id"]:
                message.setdefault("member", {k: v for k, v in self.member(author).items() if k != "user"})
        self.messages[message["id"]] = message
        return message

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
            extra["type"] = 19
            extra["message_reference"] = {
                "message_id": reply_to["id"],
                "channel_id": reply_to["channel_id"],
                "guild_id": self.guild_id,
            }
            extra["referenced_message"] = reply_to
        message = self._message(channel_id, author, content, **extra)
        if mention_bot or f"<@{self.bot_user['id']}>" in content:
            message["mentions"] = [self.bot_user]
        if "@everyone" in content:
            message["mention_everyone"] = True
        await self.dispatch("MESSAGE_CREATE", message)
        return message

    async def create_forum_post(
        self, title: str, content: str, *, author: dict[str, Any] | None = None, deliver: int = 1
    ) -> dict[str, Any]:
        """A new post in the forum: THREAD_CREATE, then its starter message (same id) `deliver` times."""
        author = author or self.owner
        thread_id = str(next(self._ids))
        thread = {
            "id": thread_id,
            "type": PUBLIC_THREAD,
            "name": title,
            "parent_id": self.forum_channel_id,
            "guild_id": self.guild_id,
            "owner_id": author["id"],
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "locked": False,
                "archive_timestamp": "2026-11-22T00:00:00+00:00",
            },
            "newly_created": True,
        }
        self.channels[thread_id] = thread
        await self.dispatch("THREAD_CREATE", thread)
        message = self._message(thread_id, author, content, id=thread_id)
        for _ in range(deliver):
            await self.dispatch("MESSAGE_CREATE", message)
        return message

    def _interaction(
        self,
        kind: int,
        data: dict[str, Any],
        *,
        user: dict[str, Any] | None = None,
        channel_id: str | None = None,
        permissions: int = EVERYONE_PERMISSIONS,
        roles: list[str] | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        channel_id = channel_id or self.text_channel_id
        interaction = {
            "id": str(next(self._ids)),
            "application_id": self.application_id,
            "type": kind,
            "token": f"token-{next(self._ids)}",
            "version": 1,
            "guild_id": self.guild_id,
            "channel_id": channel_id,
            "channel": {"id": channel_id, "type": TEXT_CHANNEL, "guild_id": self.guild_id},
            "member": self.member(user or self.owner, roles=roles, permissions=permissions),
            "data": data,
            "locale": "en-GB",
            "guild_locale": "en-GB",
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "entitlements": [],
            "authorizing_integration_owners": {"0": self.guild_id},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        if message is not None:
            interaction["message"] = message
        return interaction

    def _command_id(self, name: str) -> str:
        return next((c["id"] for c in self.commands if c["name"] == name), "0")

    async def slash(self, name: str, options: list[dict[str, Any]] | None = None, **kwargs: Any) -> dict[str, Any]:
        data = {"id": self._command_id(name), "name": name, "type": 1, "options": options or []}
        interaction = self._interaction(2, data, **kwargs)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def autocomplete(self, name: str, options: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        data = {"id": self._command_id(name), "name": name, "type": 1, "options": options}
        interaction = self._interaction(4, data, **kwargs)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def click(
        self, message: dict[str, Any], custom_id: str, *, values: list[str] | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """A button click, or a select-menu choice when `values` is given."""
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": 2 if values is None else 3}
        if values is not None:
            data["values"] = values
        interaction = self._interaction(3, data, message=message, channel_id=message["channel_id"], **kwargs)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    async def submit_modal(self, custom_id: str, values: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]} for k, v in values.items()]
        interaction = self._interaction(5, {"custom_id": custom_id, "components": rows}, **kwargs)
        await self.dispatch("INTERACTION_CREATE", interaction)
        return interaction

    # ---- gateway -----------------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        self._sequence += 1
        payload = {"op": 0, "t": event, "s": self._sequence, "d": data}
        self._sent.append(payload)
        for ws in list(self._sockets):
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.send_str(json.dumps(payload))

    async def drop_connection(self, close_code: int | None = None) -> None:
        """Cut every websocket: a TCP abort (1006) by default, or a close frame with `close_code`."""
        for ws in list(self._sockets):
            if close_code is None:
                transport = ws._req.transport if ws._req is not None else None  # type: ignore[attr-defined]
                if transport is not None:
                    transport.abort()
            else:
                await ws.close(code=close_code)

    async def invalidate_session(self) -> None:
        """op 9 (not resumable): the client must IDENTIFY again, after its 5 s back-off."""
        for ws in list(self._sockets):
            await ws.send_str(json.dumps({"op": 9, "d": False}))

    def _ready(self) -> dict[str, Any]:
        return {
            "v": 10,
            "user": self.bot_user,
            "guilds": [{"id": self.guild_id, "unavailable": True}],
            "session_id": self._session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": self.application_id, "flags": 0},
            "shard": [0, 1],
        }

    def _guild(self) -> dict[str, Any]:
        return {
            "id": self.guild_id,
            "name": "Defence Forum",
            "owner_id": self.owner["id"],
            "unavailable": False,
            "member_count": 2,
            "large": False,
            "features": [],
            "emojis": [],
            "stickers": [],
            "roles": [
                {
                    "id": self.guild_id,
                    "name": "@everyone",
                    "permissions": str(EVERYONE_PERMISSIONS),
                    "position": 0,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                },
                {
                    "id": self.moderator_role_id,
                    "name": "Moderators",
                    "permissions": "0",
                    "position": 1,
                    "color": 0,
                    "hoist": False,
                    "managed": False,
                    "mentionable": False,
                },
            ],
            "channels": [c for c in self.channels.values() if c["type"] != PUBLIC_THREAD],
            "threads": [],
            "members": [self.member(self.bot_user)],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "premium_tier": 0,
        }

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.append(ws)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        try:
            async for frame in ws:
                if frame.type is not WSMsgType.TEXT:
                    continue
                message = json.loads(frame.data)
                op = message.get("op")
                if op == 1:
                    await ws.send_str(json.dumps({"op": 11}))
                elif op == 2:
                    self.identify_count += 1
                    self._session_id = f"session-{self.identify_count}"
                    await self.dispatch("READY", self._ready())
                    await self.dispatch("GUILD_CREATE", self._guild())
                elif op == 6:
                    self.resume_count += 1
                    last = message["d"].get("seq") or 0
                    for payload in self._sent:
                        if payload["s"] > last:
                            await ws.send_str(json.dumps(payload))
                    self._sequence += 1
                    await ws.send_str(json.dumps({"op": 0, "t": "RESUMED", "s": self._sequence, "d": {}}))
        finally:
            self._sockets.remove(ws)
        return ws

    # ---- REST --------------------------------------------------------------------------------------

    def rate_limit_next(self, method: str, path_pattern: str, retry_after: float = 0.3) -> None:
        """Answer the next matching request with a 429 (as Discord does, with Via and retry_after)."""
        self._rate_limits.append((method, re.compile(path_pattern), retry_after))

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

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        raw = await request.read()
        body: Any = None
        if raw:
            if request.content_type == "multipart/form-data":
                body = self._multipart_json(raw, request.headers.get("Content-Type", ""))
            else:
                with contextlib.suppress(ValueError):
                    body = json.loads(raw)
        recorded = Recorded(request.method, path, dict(request.query), body, dict(request.headers))
        async with self._request_seen:
            self.requests.append(recorded)
            self._request_seen.notify_all()
        if request.headers.get("Authorization") == f"Bot {REJECTED_TOKEN}":
            return _json_response({"message": "401: Unauthorized", "code": 0}, status=401)
        for limit in list(self._rate_limits):
            method, pattern, retry_after = limit
            if method == request.method and pattern.search(path):
                self._rate_limits.remove(limit)
                return _json_response(
                    {"message": "You are being rate limited.", "retry_after": retry_after, "global": False},
                    status=429,
                    headers={"Via": "1.1 google"},
                )
        return await self._route(request.method, path, body)

    @staticmethod
    def _multipart_json(raw: bytes, content_type: str) -> Any:
        boundary = content_type.split("boundary=")[-1].strip('"').encode()
        for part in raw.split(b"--" + boundary):
            if b'name="payload_json"' in part:
                return json.loads(part.split(b"\r\n\r\n", 1)[1].rstrip(b"\r\n-"))
        return None

    async def _route(self, method: str, path: str, body: Any) -> web.Response:
        app = self.application_id
        if method == "GET" and path == "/users/@me":
            return _json_response(self.bot_user)
        if method == "GET" and path == "/oauth2/applications/@me":
            return _json_response(
                {
                    "id": app,
                    "name": "FaqBot",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "owner": self.owner,
                    "verify_key": "0" * 64,
                    "flags": 0,
                }
            )
        if method == "GET" and path in ("/gateway/bot", "/gateway"):
            return _json_response(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1},
                }
            )
        if method == "PUT" and re.fullmatch(rf"/applications/{app}(/guilds/\d+)?/commands", path):
            self.commands = [
                {
                    **c,
                    "id": str(next(self._ids)),
                    "application_id": app,
                    "version": "1",
                    "default_member_permissions": c.get("default_member_permissions"),
                }
                for c in body or []
            ]
            return _json_response(self.commands)
        if method == "GET" and re.fullmatch(rf"/applications/{app}(/guilds/\d+)?/commands", path):
            return _json_response(self.commands)
        if method == "POST" and (m := re.fullmatch(r"/channels/(\d+)/messages", path)):
            return await self._bot_message(m[1], body or {})
        if method == "GET" and (m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            message = self.messages.get(m[2])
            return (
                _json_response(message)
                if message
                else _json_response({"message": "Unknown Message", "code": 10008}, 404)
            )
        if method == "PATCH" and (m := re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)):
            message = self.messages.setdefault(m[2], self._message(m[1], self.bot_user, ""))
            message.update({k: v for k, v in (body or {}).items() if k in {"content", "embeds", "components"}})
            return _json_response(message)
        if method == "PUT" and re.fullmatch(r"/channels/\d+/messages/\d+/reactions/[^/]+/@me", path):
            return web.Response(status=204)
        if method == "POST" and (m := re.fullmatch(r"/users/@me/channels", path)):
            return _json_response({"id": self.dm_channel_id, "type": DM_CHANNEL, "recipients": [self.owner]})
        if method == "POST" and (m := re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)):
            kind = (body or {}).get("type", 4)
            response: dict[str, Any] = {
                "interaction": {
                    "id": m[1],
                    "type": kind,
                    "response_message_loading": kind == 5,
                    "response_message_ephemeral": False,
                }
            }
            data = (body or {}).get("data") or {}
            if kind in (4, 7) and isinstance(data, dict):
                message = self._bot_message_from(data)
                message["interaction_metadata"] = {"id": m[1], "type": 2, "user": self.owner}
                response["resource"] = {"type": kind, "message": message}
            return _json_response(response)
        if (m := re.fullmatch(rf"/webhooks/{app}/([^/]+)(/messages/@original)?", path)) and method in ("POST", "PATCH"):
            return _json_response(self._bot_message_from(body or {}, webhook_id=app))
        if method == "GET" and re.fullmatch(rf"/webhooks/{app}/[^/]+/messages/@original", path):
            return _json_response(self._message(self.text_channel_id, self.bot_user, "", webhook_id=app))
        return _json_response({"message": f"fake Discord has no {method} {path}", "code": 0}, 404)

    def _bot_message_from(self, data: dict[str, Any], **extra: Any) -> dict[str, Any]:
        """A message the bot sends through an interaction response or webhook (stored for later clicks)."""
        return self._message(
            self.text_channel_id,
            self.bot_user,
            data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=data.get("components") or [],
            **extra,
        )

    async def _bot_message(self, channel_id: str, body: dict[str, Any]) -> web.Response:
        extra: dict[str, Any] = {"embeds": body.get("embeds") or [], "components": body.get("components") or []}
        reference = body.get("message_reference")
        if reference:
            if str(reference.get("message_id")) in self.messages:  # Discord includes the replied-to message
                extra["referenced_message"] = self.messages[str(reference["message_id"])]
            extra["type"] = 19
            extra["message_reference"] = {**reference, "channel_id": channel_id, "guild_id": self.guild_id}
        message = self._message(channel_id, self.bot_user, body.get("content") or "", **extra)
        await self.dispatch("MESSAGE_CREATE", message)  # Discord echoes the bot's own messages
        return _json_response(message)

    # ---- manual driving ----------------------------------------------------------------------------

    async def _control_message(self, request: web.Request) -> web.Response:
        """{"content": "...", "mention_bot": true} or {"forum_title": "...", "content": "..."}: a member posts."""
        data = await request.json()
        if data.get("forum_title"):
            return await self._sent_in_reply(
                lambda: self.create_forum_post(data["forum_title"], data.get("content", ""))
            )
        return await self._sent_in_reply(
            lambda: self.say(data.get("content", ""), mention_bot=data.get("mention_bot", True))
        )

    async def _sent_in_reply(self, act: Callable[[], Awaitable[Any]]) -> web.Response:
        """Do what a member does, give the bot a moment, then show what it sent back."""
        before = len(self.requests)
        await act()
        for _ in range(50):
            await asyncio.sleep(0.1)
            if any(r.method in ("POST", "PATCH") for r in self.requests[before:]):
                await asyncio.sleep(0.2)  # follow-ups arrive just after the first response
                break
        sent = [r for r in self.requests[before:] if r.method in ("POST", "PATCH")]
        return _json_response([{"path": r.path, "body": r.body} for r in sent])

    async def _control_slash(self, request: web.Request) -> web.Response:
        """{"command": "kb", "options": [...], "moderator": true}: a member runs a slash command."""
        data = await request.json()
        who = {"permissions": MANAGE_GUILD} if data.get("moderator") else {}
        return await self._sent_in_reply(lambda: self.slash(data["command"], data.get("options", []), **who))

    async def _control_modal(self, request: web.Request) -> web.Response:
        """{"custom_id": "kb:form:new", "values": {"kb:questions": "..."}, "moderator": true}: a form is sent."""
        data = await request.json()
        who = {"permissions": MANAGE_GUILD} if data.get("moderator") else {}
        return await self._sent_in_reply(lambda: self.submit_modal(data["custom_id"], data["values"], **who))


async def _serve(port: int) -> None:
    fake = await FakeDiscord().start(port)
    print(f"fake Discord on 127.0.0.1:{fake.port}")
    print(
        f'  api_base = "{fake.api_base}"\n  gateway_url = "{fake.gateway_url}"\n'
        f"  forum_channel_ids = [{fake.forum_channel_id}]",
        flush=True,
    )
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Run the tests' fake Discord server by hand.")
    parser.add_argument("--port", type=int, default=8765)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args().port))
