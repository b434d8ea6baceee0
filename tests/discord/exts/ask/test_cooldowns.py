"""bot/discord/exts/ask/_cooldowns.py: each member's and channel's allowance.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import pytest

from ....fakes.harness import (
    callback_for,
    quiet,
    reply_to,
    running_bot,
)

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


async def test_cooldown_silences_mentions_with_a_reaction_and_tells_slash_users():
    async with running_bot(user_cooldown_count=2, user_cooldown_seconds=60) as (fake, _):
        for _ in range(3):
            await fake.say("what is pesco", mention_bot=True)
        await fake.wait_for_request(lambda r: r.method == "PUT" and "/reactions/" in r.path, timeout=5)
        await reply_to(fake, fake.text_channel_id, count=2)
        assert await quiet(fake, lambda _: len(fake.find("POST", rf"/channels/{fake.text_channel_id}/messages")) > 2)
        interaction = await fake.slash("ask", [{"name": "question", "type": 3, "value": "what is pesco"}])
        data = (await callback_for(fake, interaction)).body["data"]
        assert "try again" in data["content"] and data["flags"] & 64
