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
QUIET_S = 1.5  # a message the bot may rightly not answer (a member's remark in a post): wait this long
DEFERRED = (5, 6)  # "thinking…" and a deferred update: the message comes as a follow-up


def add_control_routes(fake: FakeDiscord) -> None:
    fake.app[MEMBERS] = {}
    fake.app.router.add_post("/_fake/message", lambda request: _message(fake, request))
    fake.app.router.add_post("/_fake/slash", lambda request: _slash(fake, request))
    fake.app.router.add_post("/_fake/modal", lambda request: _modal(fake, request))
    fake.app.router.add_post("/_fake/context_menu", lambda request: _context_menu(fake, request))
    fake.app.router.add_post("/_fake/click", lambda request: _click(fake, request))
    fake.app.router.add_post("/_fake/delete_thread", lambda request: _delete_thread(fake, request))


MEMBERS = web.AppKey("members", dict)  # name → user: "user": "alice" is the same member every time


def _who(fake: FakeDiscord, data: dict[str, Any]) -> dict[str, Any]:
    """Who acts: {"moderator": true} for Manage Server, {"user": "alice"} for a named member (default: the
    server's owner)."""
    who: dict[str, Any] = {"permissions": Permission.MANAGE_GUILD} if data.get("moderator") else {}
    if name := data.get("user"):
        members = fake.app[MEMBERS]
        who["user"] = members.get(name) or members.setdefault(name, fake.user(name))
    return who


def _author(fake: FakeDiscord, data: dict[str, Any]) -> dict[str, Any]:
    return _who(fake, data).get("user") or fake.owner


async def _sent_in_reply(
    fake: FakeDiscord, act: Callable[[], Awaitable[Any]], *, posts: bool = False, quiet_s: float | None = None
) -> web.Response:
    """Do what a member does, give the bot a moment, then show what it sent back (as a list). If the member
    `posts` a message, the answer is {"message": {"id", "channel_id"}, "sent": [...]} so that later steps can
    name it. `quiet_s`: how long to wait when the bot may rightly say nothing."""
    before = len(fake.requests)
    made = await act()

    def sent() -> list[Recorded]:
        return [r for r in fake.requests[before:] if r.method in ("POST", "PATCH")]

    def answered() -> bool:
        deferred = any(r.path.endswith("/callback") and (r.body or {}).get("type") in DEFERRED for r in sent())
        return any(not deferred or r.path.startswith("/webhooks/") for r in sent())

    steps = SETTLE_STEPS if quiet_s is None else max(1, round(quiet_s / SETTLE_STEP_S))
    for _ in range(steps):
        await asyncio.sleep(SETTLE_STEP_S)
        if answered():
            await asyncio.sleep(FOLLOW_UP_S)
            break
    bodies = [{"method": r.method, "path": r.path, "body": r.body} for r in sent()]
    if posts:
        return json_response({"message": {"id": made["id"], "channel_id": made["channel_id"]}, "sent": bodies})
    return json_response(bodies)


async def _message(fake: FakeDiscord, request: web.Request) -> web.Response:
    """A member posts: {"content": "...", "mention_bot": true} in #general; {"forum_title": "...", "content":
    "..."} starts a forum post; {"channel_id": THREAD, "content": "...", "reply_to": MESSAGE} says something in a
    post (no mention unless "mention_bot": true). "user": "alice" names the member (default: the owner)."""
    data = await request.json()
    author = _author(fake, data)
    if data.get("forum_title"):
        return await _sent_in_reply(
            fake,
            lambda: fake.create_forum_post(data["forum_title"], data.get("content", ""), author=author),
            posts=True,
        )
    channel_id = str(data.get("channel_id") or fake.text_channel_id)
    reply_to = fake.messages.get(str(data.get("reply_to") or ""))
    mention = data.get("mention_bot", channel_id == fake.text_channel_id)
    return await _sent_in_reply(
        fake,
        lambda: fake.say(
            data.get("content", ""), author=author, channel_id=channel_id, mention_bot=mention, reply_to=reply_to
        ),
        posts=True,
        quiet_s=None if mention else QUIET_S,
    )


async def _context_menu(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"command": "Mark as solution", "message_id": "...", "user": "alice"}: Apps → a command on a message."""
    data = await request.json()
    target = fake.messages[str(data["message_id"])]
    return await _sent_in_reply(fake, lambda: fake.message_command(data["command"], target, **_who(fake, data)))


async def _click(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"custom_id": "kb:review:new", "moderator": true}: a click on the newest message with that button (or
    "message_id"); "values": [...] chooses in a select menu."""
    data = await request.json()
    custom_id = data["custom_id"]
    if data.get("message_id"):
        message = fake.messages[str(data["message_id"])]
    else:
        message = next(
            m
            for m in reversed(fake.messages.values())
            if any(c.get("custom_id") == custom_id for row in m.get("components") or [] for c in row["components"])
        )
    return await _sent_in_reply(
        fake, lambda: fake.click(message, custom_id, values=data.get("values"), **_who(fake, data))
    )


async def _delete_thread(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"thread_id": "..."}: a moderator deletes a forum post."""
    data = await request.json()
    return await _sent_in_reply(fake, lambda: fake.delete_thread(str(data["thread_id"])), quiet_s=QUIET_S)


async def _slash(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"command": "kb", "options": [...], "moderator": true}: a member runs a slash command."""
    data = await request.json()
    return await _sent_in_reply(fake, lambda: fake.slash(data["command"], data.get("options", []), **_who(fake, data)))


async def _modal(fake: FakeDiscord, request: web.Request) -> web.Response:
    """{"custom_id": "kb:form:new:…", "values": {"kb:questions": "..."}, "moderator": true}: a form is sent
    (the custom_id is the one in the form the bot opened: every opened form has its own)."""
    data = await request.json()
    return await _sent_in_reply(fake, lambda: fake.submit_modal(data["custom_id"], data["values"], **_who(fake, data)))
