"""bot/discord/exts/ask/_forum_posts.py: a new forum post answered once, in its thread.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import asyncio

import pytest

from ....fakes.harness import (
    embed_of,
    is_message_post,
    quiet,
    reply_to,
    running_bot,
)
from ....messages import CONVERSATION_POST

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
        assert embed["title"] == "I only know about European defence cooperation" and "PESCO" in embed["description"]


async def test_answers_past_the_three_a_reply_shows_are_named_to_ask_again():
    async with running_bot() as (fake, _):
        four = "What is PESCO? What is the European Defence Fund? What is the EDA? And what is the Peace Facility?"
        post = await fake.create_forum_post("Four at once", four)

        def names_the_rest(request) -> bool:
            return is_message_post(post["id"])(request) and any(
                e["title"].startswith("I answer 3 questions at a time") for e in request.body.get("embeds", [])
            )

        await fake.wait_for_request(names_the_rest)
        embeds = [e for sent in fake.find("POST", rf"^/channels/{post['id']}/messages$") for e in sent.body["embeds"]]
        assert len(embeds) == 4 and embeds[-1]["description"] == "• “And what is the Peace Facility?”"


async def test_a_post_is_read_as_one_conversation_and_its_unanswered_part_is_named_and_queued(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        post = await fake.create_forum_post("Denmark, EPF and SAFE", CONVERSATION_POST)

        def names_the_unanswered(request) -> bool:
            return is_message_post(post["id"])(request) and any(
                e["title"] == "I couldn't answer" for e in request.body.get("embeds", [])
            )

        await fake.wait_for_request(names_the_unanswered)  # long answers go on in more messages: the last one
        embeds = [e for sent in fake.find("POST", rf"^/channels/{post['id']}/messages$") for e in sent.body["embeds"]]
        assert [e["title"] for e in embeds] == [
            "When did Denmark join PESCO?",  # "it" read with the statement before it
            "What is the European Peace Facility?",  # the comparison, side by side
            "What is the European Defence Fund?",
            "I have nothing on Mexico specifically",  # Mexico is in no entry: the closest, said as such
            "I couldn't answer",
        ]
        assert embeds[3]["description"].startswith("The closest I have:")
        assert "“And who won the football last night?” — moderators will see it" in embeds[4]["description"]
        queued: dict = {}
        for _ in range(100):  # queued once the reply is sent, never holding it up
            queued = {item.question: item for item in await bot.runtime_call(bot.runtime.review_queue)}
            if len(queued) >= 2:
                break
            await asyncio.sleep(0.05)
        link = f"https://discord.com/channels/{fake.guild_id}/{post['id']}/{post['id']}"
        for question in ("And who won the football last night?", "Can Mexico get SAFE money?"):
            assert queued[question].link == link
