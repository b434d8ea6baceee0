"""The whole bot path on the project's fake Discord: questions/s one bot process answers (mention →
reply embed POSTed), with cooldowns off, compared with Discord's own rate limits."""

from __future__ import annotations

import asyncio
import time
from typing import Any

DISCORD_GLOBAL_LIMIT_PER_S = 50  # requests per second per bot token (Discord's documented global limit)
DISCORD_CHANNEL_MESSAGES_PER_5S = 5  # messages per channel per 5 s, observed and widely documented


async def _measure(questions: int) -> dict[str, Any]:
    from tests.fakes.harness import is_message_post, running_bot

    asks = ["what is pesco", "is ireland in pesco", "who is the high rep", "defence spending", "recipe for pancakes"]
    async with running_bot(user_cooldown_count=0, channel_cooldown_count=0) as (fake, _):
        started = time.perf_counter()
        for number in range(questions):
            await fake.say(asks[number % len(asks)], mention_bot=True)
        await fake.wait_for_request(is_message_post(fake.text_channel_id), timeout=120, count=questions)
        elapsed = time.perf_counter() - started
    return {
        "questions": questions,
        "seconds": round(elapsed, 3),
        "qps": round(questions / elapsed, 1),
        "discord_global_limit_per_s": DISCORD_GLOBAL_LIMIT_PER_S,
        "discord_channel_limit_per_s": DISCORD_CHANNEL_MESSAGES_PER_5S / 5,
    }


def run(*, smoke: bool = False, log: Any = print) -> dict[str, Any]:
    result = asyncio.run(_measure(50 if smoke else 500))
    log(
        f"bot end to end: {result['qps']} questions/s ({result['questions']} mentions answered in "
        f"{result['seconds']} s); Discord allows {DISCORD_GLOBAL_LIMIT_PER_S} requests/s per bot"
    )
    return result
