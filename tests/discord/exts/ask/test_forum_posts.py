"""bot/discord/exts/ask/_forum_posts.py: a new forum post answered once, in its thread.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import pytest

from ....fakes.harness import (
    embed_of,
    is_message_post,
    quiet,
    reply_to,
    running_bot,
)

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


async def test_new_forum_post_gets_one_answer_in_its_thread_even_if_delivered_twice():
    async with running_bot() as (fake, _):
        post = await fake.create_forum_post("Denmark and PESCO", "When did Denmark join PESCO?", deliver=2)
        sent = await reply_to(fake, post["id"])
        assert embed_of(sent)["title"] == "When did Denmark join PESCO?"
        assert await quiet(fake, lambda r: is_message_post(post["id"])(r) and r is not sent, 1.0)
        assert len(fake.find("POST", rf"/channels/{post['id']}/messages")) == 1


async def test_off_topic_forum_post_gets_no_reply_but_chat_gets_the_topics():
    async with running_bot() as (fake, _):
        post = await fake.create_forum_post("Pancakes", "best recipe for pancakes with blueberries?")
        assert await quiet(fake, is_message_post(post["id"]), 1.0)
        await fake.say("best recipe for pancakes?", mention_bot=True)
        embed = embed_of(await reply_to(fake, fake.text_channel_id))
        assert embed["title"] == "I only know about European defence cooperation" and "pesco" in embed["description"]
