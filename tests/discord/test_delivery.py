"""bot/discord/delivery.py: an answer Discord failed with a 503, or with more 429s than discord.py waits out,
is sent once more after a short wait (and logged), so a brief outage does not cost a member their answer."""

from __future__ import annotations

import logging

import pytest

from bot.discord.delivery import RETRY_AFTER_S

from ..fakes.harness import embed_of, running_bot

pytestmark = pytest.mark.timeout(60)
DISCORD_PY_429_TRIES = 5  # discord.py gives up after this many 429s in a row


@pytest.mark.parametrize(
    ("status", "times"), [(503, 1), (429, DISCORD_PY_429_TRIES)], ids=["503", "429s discord.py gives up on"]
)
async def test_a_reply_discord_failed_is_sent_once_more_after_a_short_wait(caplog, status, times):
    caplog.set_level(logging.INFO, logger="bot.discord.delivery")
    async with running_bot() as (fake, _):
        path = rf"^/channels/{fake.text_channel_id}/messages$"
        fake.fail_next("POST", path, status, times=times, retry_after=0.05)
        await fake.say("what is pesco", mention_bot=True)
        attempts = await fake.wait_for_request(
            lambda r: r.path == f"/channels/{fake.text_channel_id}/messages", count=times + 1
        )
        assert attempts[-1].at - attempts[-2].at >= RETRY_AFTER_S * 0.9
        assert embed_of(attempts[-1])["title"] == "What is PESCO?"
    assert f"failed (HTTP {status}); trying once more" in caplog.text and "second try" in caplog.text


async def test_a_forum_answer_discord_failed_is_sent_once_more():
    async with running_bot() as (fake, _):
        fake.fail_next("POST", r"^/channels/\d+/messages$", 503)
        post = await fake.create_forum_post("Denmark and PESCO", "When did Denmark join PESCO?")
        attempts = await fake.wait_for_request(lambda r: r.path == f"/channels/{post['id']}/messages", count=2)
        assert embed_of(attempts[1])["title"] == "When did Denmark join PESCO?"
