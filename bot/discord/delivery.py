"""Sending a member's answer through Discord's bad moments. discord.py retries 500, 502, 504 and 524 and
waits out 429s, but gives up at once on a 503 and after five 429s in a row: the member would get nothing.
One more try after a short wait, logged, gets the answer through a brief outage."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import discord

log = logging.getLogger(__name__)

# Discord's 503s and rate-limit bursts pass within a second or so; a longer wait would read as no answer.
RETRY_AFTER_S = 1.0
TOO_MANY_REQUESTS = 429
T = TypeVar("T")


def _worth_another_try(error: discord.HTTPException) -> bool:
    """Discord's side, not the message's: 5xx, or rate limits discord.py stopped waiting out."""
    return isinstance(error, discord.DiscordServerError) or error.status == TOO_MANY_REQUESTS


async def send_retrying_once(send: Callable[[], Awaitable[T]], what: str) -> T:
    """`send()`; if Discord failed it (see above), once more after RETRY_AFTER_S. `what` names it in the log."""
    try:
        return await send()
    except discord.HTTPException as error:
        if not _worth_another_try(error):
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
