"""The fake holds interactions to Discord's rules, so a bot that passes against it passes against Discord:
one first response within 3 s, never a second one, follow-ups only after it and for 15 minutes."""

from __future__ import annotations

import aiohttp
import pytest

from .fake_discord import FakeDiscord
from .fake_discord.limits import ALREADY_ACKNOWLEDGED, FIRST_RESPONSE_S, UNKNOWN_INTERACTION, UNKNOWN_WEBHOOK

pytestmark = pytest.mark.timeout(30)


async def test_a_late_or_second_acknowledgement_is_refused_and_follow_ups_need_one():
    fake = await FakeDiscord().start()
    try:
        async with aiohttp.ClientSession() as http:

            async def post(path: str, body: dict) -> tuple[int, int | None]:
                async with http.post(f"{fake.api_base}{path}", json=body) as response:
                    return response.status, (await response.json()).get("code")

            def callback(interaction: dict) -> str:
                return f"/interactions/{interaction['id']}/{interaction['token']}/callback"

            on_time, late = await fake.slash("ask"), await fake.slash("ask")
            follow_up = f"/webhooks/{fake.application_id}/{on_time['token']}"
            assert await post(follow_up, {"content": "before any response"}) == (404, UNKNOWN_WEBHOOK)
            assert (await post(callback(on_time), {"type": 5}))[0] == 200  # deferred: "thinking…"
            assert (await post(follow_up, {"content": "the answer"}))[0] == 200
            assert await post(callback(on_time), {"type": 4, "data": {"content": "again"}}) == (
                400,
                ALREADY_ACKNOWLEDGED,
            )
            fake.interactions[late["id"]].created -= FIRST_RESPONSE_S  # as if 3 s had passed
            assert await post(callback(late), {"type": 4, "data": {"content": "late"}}) == (404, UNKNOWN_INTERACTION)
        assert len(fake.refused) == 3
        assert "already been acknowledged" in fake.refused[1][0] and "first response" in fake.refused[2][0]
    finally:
        await fake.stop()


async def test_forum_posts_take_only_their_forums_tags_and_a_deleted_post_is_gone():
    fake = await FakeDiscord().start()
    try:
        post = await fake.create_forum_post("Denmark", "When did Denmark join PESCO?")
        async with aiohttp.ClientSession() as http:
            channel = f"{fake.api_base}/channels/{post['id']}"
            async with http.patch(channel, json={"applied_tags": [fake.solved_tag_id]}) as response:
                assert response.status == 200 and (await response.json())["applied_tags"] == [fake.solved_tag_id]
            async with http.patch(channel, json={"applied_tags": ["1"]}) as response:
                assert response.status == 400
            await fake.delete_thread(post["id"])
            async with http.get(channel) as response:
                assert response.status == 404 and (await response.json())["code"] == 10003
        assert len(fake.refused) == 1 and "applied_tags" in fake.refused[0][0]
        assert post["id"] not in fake.messages
    finally:
        await fake.stop()
