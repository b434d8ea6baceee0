"""bot/discord/exts/ask/_mentions.py: mentions, replies to the bot, DMs.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import json

import pytest

from ....fakes.harness import embed_of, reply_to, running_bot

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


async def test_mention_gets_a_cited_embed_reply_that_pings_nobody():
    async with running_bot() as (fake, _):
        question = await fake.say("what's pesco?", mention_bot=True)
        sent = await reply_to(fake, fake.text_channel_id)
        body = sent.body
        assert str(body["message_reference"]["message_id"]) == question["id"]
        assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
        embed = embed_of(sent)
        assert embed["title"] == "What is PESCO?"
        assert "Permanent Structured Cooperation" in embed["description"]
        sources = next(f for f in embed["fields"] if f["name"] == "Sources")
        assert "**[1]** [Council Decision (CFSP) 2017/2315" in sources["value"] and "](https://" in sources["value"]
        assert "Council of the EU" in sources["value"] and "2017-12-11" in sources["value"]
        assert any(f["name"] == "Related questions" for f in embed["fields"])
        assert embed["footer"]["text"].startswith("Confidence ")


async def test_reply_that_mentions_the_bot_answers_the_replied_message():
    async with running_bot() as (fake, _):
        original = await fake.say("is ireland in pesco or not?")
        await fake.say("", mention_bot=True, reply_to=original)
        embed = embed_of(await reply_to(fake, fake.text_channel_id))
        assert embed["title"] == "Is Ireland in PESCO?"


async def test_empty_mention_gets_how_to():
    async with running_bot() as (fake, _):
        await fake.say("", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id))["title"] == "How to ask me"


async def test_everyone_in_a_question_is_not_echoed_as_a_ping():
    async with running_bot() as (fake, _):
        await fake.say("@everyone what is pesco <@&123456789012345678>", mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        assert body["allowed_mentions"]["parse"] == []
        assert "@everyone" not in json.dumps(body) and "<@&" not in json.dumps(body)


async def test_a_5000_character_question_is_answered_within_limits():
    async with running_bot() as (fake, _):
        await fake.say("what is pesco " + "really " * 700, mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        embed = body["embeds"][0]
        assert len(embed.get("description", "")) <= 4096 and len(embed["title"]) <= 256
        assert len(body.get("content") or "") <= 2000


async def test_dms_answered_or_refused_per_config():
    async with running_bot() as (fake, _):
        await fake.say("what is pesco", channel_id=fake.dm_channel_id)
        assert embed_of(await reply_to(fake, fake.dm_channel_id))["title"] == "What is PESCO?"
    async with running_bot(answer_dms=False) as (fake, _):
        await fake.say("what is pesco", channel_id=fake.dm_channel_id)
        assert "only answer questions in servers" in (await reply_to(fake, fake.dm_channel_id)).body["content"]


async def test_a_message_with_two_questions_gets_one_reply_answering_both_with_sources():
    async with running_bot() as (fake, _):
        await fake.say("hi! what is pesco? and who is the eu high representative now? thanks", mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        titles = [e["title"] for e in body["embeds"]]
        assert titles == ["What is PESCO?", "Who is the EU High Representative?"]
        assert all(any(f["name"] == "Sources" for f in e["fields"]) for e in body["embeds"])
        assert [e["author"]["name"][:2] for e in body["embeds"]] == ["1.", "2."]
        assert len(body["components"]) == 2  # 👍/👎 for each answer


async def test_a_question_with_no_subject_gets_the_prompt_and_markup_is_not_words():
    async with running_bot() as (fake, _):
        await fake.say("Is that true?", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id))["title"] == "What is it about?"
        await fake.say("<@&123456789012345678> <#42> what is pesco \u200b<:pesco:1234>", mention_bot=True)
        assert embed_of(await reply_to(fake, fake.text_channel_id, count=2))["title"] == "What is PESCO?"
