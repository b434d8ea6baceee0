"""Sending a member's answer through Discord's bad moments, under one retry policy.

discord.py already retries: it waits out 429s (what Discord says to wait) and retries 500, 502, 504 and 524,
up to five tries each; it gives up at once on a 503. So a reply is sent again only after a 503, once, after a
short wait (logged): nothing discord.py retried is retried on top. And in a storm a reply makes at most
MAX_ATTEMPTS requests in all, discord.py's own retries included: every request the bot makes is seen by an
aiohttp trace on its HTTP session (`attempts_trace`, given to the client as `http_trace`), which counts a
reply's requests and ends discord.py's retry loop when the reply's last attempt fails (ReplyAttemptsSpent).
Hammering a rate-limited Discord costs every reply that waits behind it, and can get the bot banned."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TypeVar

import aiohttp
import discord

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3  # requests per reply, retries included: a brief outage passes, a storm is not fed
# Discord's 503s pass within a second or so; a longer wait would read as no answer.
RETRY_AFTER_S = 1.0
SERVICE_UNAVAILABLE = 503  # the one failure discord.py gives up on at once
RETRIED_BY_DISCORD_PY = frozenset({429, 500, 502, 504, 524})
T = TypeVar("T")


@dataclass
class _Attempts:
    made: int = 0


# The reply being sent in this task, if any: set around a reply's sending, read by the trace's callbacks
# (aiohttp runs them in the task that makes the request).
_reply: ContextVar[_Attempts | None] = ContextVar("reply_attempts", default=None)


class ReplyAttemptsSpent(discord.HTTPException):
    """A reply's MAX_ATTEMPTS requests all failed with what discord.py would have retried (a 429 storm)."""


async def _request_started(
    session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestStartParams
) -> None:
    attempts = _reply.get()
    if attempts is not None:
        attempts.made += 1


async def _request_ended(
    session: aiohttp.ClientSession, context: SimpleNamespace, params: aiohttp.TraceRequestEndParams
) -> None:
    """Raised here, the error ends discord.py's retry loop (aiohttp closes the response); it reaches the
    reply's sender as an HTTPException, like any failure discord.py gives up on."""
    attempts, status = _reply.get(), params.response.status
    if attempts is not None and attempts.made >= MAX_ATTEMPTS and status in RETRIED_BY_DISCORD_PY:
        raise ReplyAttemptsSpent(params.response, f"{attempts.made} attempts, the last HTTP {status}")


def attempts_trace() -> aiohttp.TraceConfig:
    """The trace that holds every reply to MAX_ATTEMPTS requests (the bot's `http_trace`)."""
    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(_request_started)
    trace.on_request_end.append(_request_ended)
    return trace


async def send_retrying_once(send: Callable[[], Awaitable[T]], what: str) -> T:
    """`send()`, one reply; after a 503, once more after RETRY_AFTER_S if it has attempts left. `what` names
    it in the log."""
    attempts = _Attempts()
    token = _reply.set(attempts)
    try:
        try:
            return await send()
        except discord.HTTPException as error:
            if isinstance(error, ReplyAttemptsSpent):
                log.error("%s failed (%s); giving up", what, error.text)
            if error.status != SERVICE_UNAVAILABLE or attempts.made >= MAX_ATTEMPTS:
                raise
            log.warning("%s failed (HTTP %s); trying once more in %g s", what, error.status, RETRY_AFTER_S)
        await asyncio.sleep(RETRY_AFTER_S)
        try:
            sent = await send()
        except discord.HTTPException as error:
            log.error("%s failed again (HTTP %s); giving up", what, error.status)
            raise
        log.info("%s sent at the second try", what)
        return sent
    finally:
        _reply.reset(token)
