"""bot/discord/exts/ask/_cog.py: /ask, its autocomplete, /topics, Apps → Ask the FAQ, and what the cog
ignores.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import pytest

from ....fakes.harness import (
    callback_for,
    follow_ups,
    is_message_post,
    quiet,
    reply_to,
    running_bot,
    stored_message,
)

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


async def test_slash_ask_answers_publicly_or_privately():
    async with running_bot() as (fake, _):
        interaction = await fake.slash("ask", [{"name": "question", "type": 3, "value": "who is the high rep"}])
        body = (await callback_for(fake, interaction)).body
        assert body["type"] == 4
        assert body["data"]["embeds"][0]["title"] == "Who is the EU High Representative?"
        assert not body["data"].get("flags")
        private = await fake.slash(
            "ask",
            [{"name": "question", "type": 3, "value": "what is pesco"}, {"name": "private", "type": 5, "value": True}],
        )
        assert (await callback_for(fake, private)).body["data"]["flags"] & 64  # ephemeral


async def test_autocomplete_offers_at_most_25_matching_questions():
    async with running_bot() as (fake, _):
        interaction = await fake.autocomplete(
            "ask", [{"name": "question", "type": 3, "value": "pesco", "focused": True}]
        )
        body = (await callback_for(fake, interaction)).body
        choices = body["data"]["choices"]
        assert body["type"] == 8 and 1 <= len(choices) <= 25
        assert all(len(c["name"]) <= 100 for c in choices)
        assert any("PESCO" in c["name"] for c in choices)


async def test_topics_lists_tags_and_a_tags_questions(engine):
    first_nato_question = engine.entries_tagged("nato")[0].title
    async with running_bot() as (fake, _):
        interaction = await fake.slash("topics")
        embed = (await callback_for(fake, interaction)).body["data"]["embeds"][0]
        assert "**PESCO**" in embed["description"] and "**pesco**" not in embed["description"]  # the names members see
        tagged = await fake.slash("topics", [{"name": "tag", "type": 3, "value": "nato"}])
        page = (await callback_for(fake, tagged)).body["data"]["embeds"][0]
        assert page["title"] == "Topic: EU and NATO" and first_nato_question in page["description"]


async def test_ask_the_faq_on_a_message_answers_every_question_in_it_in_a_reply():
    async with running_bot() as (fake, _):
        asked = await fake.say("is ireland in pesco? and who is the eu high representative?")  # no mention
        interaction = await fake.message_command("Ask the FAQ", asked, user=fake.user("helper"))
        acknowledged = (await callback_for(fake, interaction)).body
        assert acknowledged["type"] == 5 and acknowledged["data"]["flags"] & 64  # private "thinking…", at once
        reply = (await reply_to(fake, fake.text_channel_id)).body
        assert str(reply["message_reference"]["message_id"]) == asked["id"]
        assert [e["title"] for e in reply["embeds"]] == ["Is Ireland in PESCO?", "Who is the EU High Representative?"]
        assert (await follow_ups(fake, interaction))[0].body["content"].startswith("Answered: https://discord.com/")
        answer = stored_message(fake, await reply_to(fake, fake.text_channel_id))
        refused = await fake.message_command("Ask the FAQ", answer)  # the bot's own message
        assert "not those of bots" in (await callback_for(fake, refused)).body["data"]["content"]
        assert len(fake.find("POST", rf"/channels/{fake.text_channel_id}/messages")) == 1


async def test_messages_from_bots_are_ignored():
    async with running_bot() as (fake, _):
        other_bot = fake.user("OtherBot", bot=True)
        await fake.say("what is pesco", author=other_bot, mention_bot=True)
        assert await quiet(fake, is_message_post(fake.text_channel_id), 1.0)
