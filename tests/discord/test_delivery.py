"""bot/discord/delivery.py: one retry policy for members' answers. A 503 (which discord.py gives up on at once)
is sent once more after a short wait; what discord.py retries itself (429s, 502s) is not retried on top; and
in a storm a reply makes at most MAX_ATTEMPTS requests in all (redteam-3 D12: a 429 storm made 10)."""

from __future__ import annotations

import logging

import pytest

from bot.discord.delivery import MAX_ATTEMPTS, RETRY_AFTER_S

from ..fakes.harness import embed_of, is_message_post, reply_to, running_bot

pytestmark = pytest.mark.timeout(60)
STORM = 20  # more failures in a row than any reply may meet


async def test_a_reply_discord_failed_with_a_503_is_sent_once_more_after_a_short_wait(caplog):
    caplog.set_level(logging.INFO, logger="bot.discord.delivery")
    async with running_bot() as (fake, _):
        fake.fail_next("POST", rf"^/channels/{fake.text_channel_id}/messages$", 503)
        await fake.say("what is pesco", mention_bot=True)
        attempts = await fake.wait_for_request(is_message_post(fake.text_channel_id), count=2)
        assert attempts[1].at - attempts[0].at >= RETRY_AFTER_S * 0.9
        assert embed_of(attempts[1])["title"] == "What is PESCO?"
    assert "failed (HTTP 503); trying once more" in caplog.text and "second try" in caplog.text


@pytest.mark.parametrize(
    ("status", "attempts"),
    [(429, MAX_ATTEMPTS), (502, MAX_ATTEMPTS), (503, 2)],
    ids=["429s: discord.py's waits cut short", "502s: discord.py's retries cut short", "503s: one more try"],
)
async def test_in_a_storm_a_reply_makes_at_most_three_attempts_and_the_bot_goes_on(caplog, status, attempts):
    caplog.set_level(logging.INFO, logger="bot.discord.delivery")
    async with running_bot() as (fake, _):
        path = rf"^/channels/{fake.text_channel_id}/messages$"
        fake.fail_next("POST", path, status, times=STORM, retry_after=0.05)
        await fake.say("what is pesco", mention_bot=True)
        await fake.wait_for_request(is_message_post(fake.text_channel_id), count=attempts)
        with pytest.raises(TimeoutError):  # and no more, however long the storm lasts
            await fake.wait_for_request(
                is_message_post(fake.text_channel_id), count=attempts + 1, timeout=RETRY_AFTER_S + 1.5
            )
        fake.clear_faults()  # the storm is over
        await fake.say("what is edf", mention_bot=True)  # the next reply goes through at once
        answer = await reply_to(fake, fake.text_channel_id, count=attempts + 1)
        assert embed_of(answer)["title"] != ""
    if status != 503:
        assert f"{MAX_ATTEMPTS} attempts, the last HTTP {status}); giving up" in caplog.text
        assert "trying once more" not in caplog.text


async def test_a_forum_answer_discord_failed_is_sent_once_more():
    async with running_bot() as (fake, _):
        fake.fail_next("POST", r"^/channels/\d+/messages$", 503)
        post = await fake.create_forum_post("Denmark and PESCO", "When did Denmark join PESCO?")
        attempts = await fake.wait_for_request(lambda r: r.path == f"/channels/{post['id']}/messages", count=2)
        assert embed_of(attempts[1])["title"] == "When did Denmark join PESCO?"
