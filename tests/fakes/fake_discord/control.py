"""Drive the fake by hand (README, "Try it without Discord"): HTTP endpoints that play a member and
print what the bot sent back."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from .payloads import Permission, json_response
from .server import FakeDiscord, Recorded

SETTLE_STEPS, SETTLE_STEP_S = 50, 0.1  # wait up to 5 s for the bot's first response (and, after a deferral,
FOLLOW_UP_S = 0.2  # its follow-up), then a little longer for follow-ups that arrive just after it
DEFERRED = (5, 6)  # "thinking…" and a deferred update: the message comes as a follow-up


def add_control_routes(fake: FakeDiscord) -> None:
    fake.app[MEMBERS] = {}
    fake.app.router.add_post("/_fake/message", lambda request: _message(fake, request))
    fake.app.router.add_post("/_fake/slash", lambda request: _slash(fake, request))
    fake.app.router.add_post("/_fake/modal", lambda request: _modal(fake, request))


MEMBERS = web.AppKey("members", dict)  # name → user: "user": "alice" is the same member every time


def _who(fake: FakeDiscord, data: dict[str, Any]) -> dict[str, Any]:
    """Who acts: {"moderator": true} for Manage Server, {"user": "alice"} for a named member (default: the
    server's owner)."""
    who: dict[str, Any] = {"permissions": Permission.MANAGE_GUILD} if data.get("moderator") else {}
    if name := data.get("user"):
        members = fake.app[MEMBERS]
        who["user"] = members.get(name) or members.setdefault(name, fake.user(name))
    return who


async def _sent_in_reply(fake: FakeDiscord, act: Callable[[], Awaitable[Any]]) -> web.Response:
    """Do what a member does, give the bot a moment, then show what it sent back."""
    before = len(fake.requests)
    await act()

    def sent() -> list[Recorded]:
        return [r for r in fake.requests[before:] if r.method in ("POST", "PATCH")]

    def answered() -> bool:
        deferred = any(r.path.endswith("/callback") and (r.body or {}).get("type") in DEFERRED for r in sent())
        return any(not deferred or r.path.startswith("/webhooks/") for r in sent())

    for _ in range(SETTLE_STEPS):
        await asyncio.sleep(SETTLE_STEP_S)
        if answered():
            await asyncio.sleep(FOLLOW_UP_S)
            break
    return json_response([{"path": r.path, "body": r.body} for r in sent()])


async def _message(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"content": "...", "mention_bot": true} or {"forum_title": "...", "content": "..."}: a member posts."""
    data = await request.json()
    if data.get("forum_title"):
        return await _sent_in_reply(fake, lambda: fake.create_forum_post(data["forum_title"], data.get("content", "")))
    return await _sent_in_reply(
        fake, lambda: fake.say(data.get("content", ""), mention_bot=data.get("mention_bot", True))
    )


async def _slash(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"command": "kb", "options": [...], "moderator": true}: a member runs a slash command."""
    data = await request.json()
    return await _sent_in_reply(fake, lambda: fake.slash(data["command"], data.get("options", []), **_who(fake, data)))


async def _modal(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"custom_id": "kb:form:new:…", "values": {"kb:questions": "..."}, "moderator": true}: a form is sent
    (the custom_id is the one in the form the bot opened: every opened form has its own)."""
    data = await request.json()
    return await _sent_in_reply(fake, lambda: fake.submit_modal(data["custom_id"], data["values"], **_who(fake, data)))
