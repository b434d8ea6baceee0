"""bot/discord/exts/ask/_follow_ups.py and bot/discord/conversations.py: follow-ups in threads and reply
chains.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import time

import pytest

from ....fakes.fake_discord import FakeDiscord
from ....fakes.harness import (
    embed_of,
    is_message_post,
    quiet,
    reply_to,
    running_bot,
    stored_message,
)

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


def reply_in(fake: FakeDiscord, channel_id: str, after: float):
    return lambda r: is_message_post(channel_id)(r) and r.at > after


async def test_a_follow_up_in_a_post_is_answered_with_the_subject_of_the_bots_answer():
    async with running_bot() as (fake, _):
        poster, other = fake.user("poster"), fake.user("other")
        post = await fake.create_forum_post("Denmark", "Is Denmark in PESCO?", author=poster)
        assert embed_of(await reply_to(fake, post["id"]))["footer"]["text"].endswith("entry denmark-joins-pesco")
        said = time.monotonic()
        await fake.say("when did they join?", author=other, channel_id=post["id"])  # someone else, no mention
        assert await quiet(fake, reply_in(fake, post["id"], said))
        await fake.say("when did they join?", author=poster, channel_id=post["id"])  # the poster needs no mention
        embed = embed_of(await reply_to(fake, post["id"], count=2))
        assert (
            "**23 May 2023**" in embed["description"] and "follow-up about “Denmark PESCO”" in embed["footer"]["text"]
        )
        await fake.say("is that still true?", author=other, channel_id=post["id"], mention_bot=True)
        assert embed_of(await reply_to(fake, post["id"], count=3))["title"] == "When did Denmark join PESCO?"
        said = time.monotonic()
        await fake.say("thanks, that helps!", author=poster, channel_id=post["id"])  # nothing to answer: silence
        assert await quiet(fake, reply_in(fake, post["id"], said))


async def test_replying_to_the_bots_answer_in_a_channel_continues_that_conversation():
    async with running_bot() as (fake, _):
        await fake.say("is denmark in pesco?", mention_bot=True)
        answer = stored_message(fake, await reply_to(fake, fake.text_channel_id))
        await fake.say("when did they join?", reply_to=answer)  # a reply to the bot, no mention
        assert "**23 May 2023**" in embed_of(await reply_to(fake, fake.text_channel_id, count=2))["description"]
        await fake.say("is that still true?", mention_bot=True)  # not in that reply chain: no subject
        assert embed_of(await reply_to(fake, fake.text_channel_id, count=3))["title"] == "What is it about?"


async def test_context_never_crosses_threads_and_expires_after_so_many_messages():
    async with running_bot(context_messages=2) as (fake, _):
        poster = fake.user("poster")
        denmark = await fake.create_forum_post("Denmark", "Is Denmark in PESCO?", author=poster)
        await reply_to(fake, denmark["id"])
        pancakes = await fake.create_forum_post("Pancakes", "best recipe for pancakes?", author=poster)
        await fake.say("is that still true?", author=poster, channel_id=pancakes["id"], mention_bot=True)
        assert embed_of(await reply_to(fake, pancakes["id"]))["title"] == "What is it about?"  # not Denmark's
        for remark in ("nice", "cool"):  # two more messages in the Denmark post: its subject is forgotten
            await fake.say(remark, author=fake.user("someone"), channel_id=denmark["id"])
        await fake.say("is that still true?", author=poster, channel_id=denmark["id"], mention_bot=True)
        assert embed_of(await reply_to(fake, denmark["id"], count=2))["title"] == "What is it about?"
