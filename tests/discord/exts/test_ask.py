"""bot/discord/exts/ask.py end to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST +
websocket). Every session also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py)."""

from __future__ import annotations

import json
import time

import pytest

from ...fakes.fake_discord import FakeDiscord
from ...fakes.harness import (
    callback_for,
    embed_of,
    follow_ups,
    is_message_post,
    no_identify_wait,
    quiet,
    reply_to,
    running_bot,
    stored_message,
)

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


async def test_messages_from_bots_are_ignored():
    async with running_bot() as (fake, _):
        other_bot = fake.user("OtherBot", bot=True)
        await fake.say("what is pesco", author=other_bot, mention_bot=True)
        assert await quiet(fake, is_message_post(fake.text_channel_id), 1.0)


async def test_everyone_in_a_question_is_not_echoed_as_a_ping():
    async with running_bot() as (fake, _):
        await fake.say("@everyone what is pesco <@&123456789012345678>", mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        assert body["allowed_mentions"]["parse"] == []
        assert "@everyone" not in json.dumps(body) and "<@&" not in json.dumps(body)


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


async def test_a_5000_character_question_is_answered_within_limits():
    async with running_bot() as (fake, _):
        await fake.say("what is pesco " + "really " * 700, mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        embed = body["embeds"][0]
        assert len(embed.get("description", "")) <= 4096 and len(embed["title"]) <= 256
        assert len(body.get("content") or "") <= 2000


async def test_topics_lists_tags_and_a_tags_questions():
    async with running_bot() as (fake, _):
        interaction = await fake.slash("topics")
        embed = (await callback_for(fake, interaction)).body["data"]["embeds"][0]
        assert "**pesco**" in embed["description"]
        tagged = await fake.slash("topics", [{"name": "tag", "type": 3, "value": "nato"}])
        assert (
            "Which EU countries are in NATO?"
            in (await callback_for(fake, tagged)).body["data"]["embeds"][0]["description"]
        )


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


async def test_forum_posts_made_while_the_session_was_lost_are_answered_when_a_new_one_starts():
    async with running_bot() as (fake, bot):
        bot.before_identify_hook = no_identify_wait
        answered = await fake.create_forum_post("Denmark and PESCO", "When did Denmark join PESCO?")
        await reply_to(fake, answered["id"])
        # the session is lost (op 9): a new one starts with IDENTIFY, and Discord replays nothing
        active = await fake.create_forum_post("Ireland", "Is Ireland in PESCO?", deliver=0)
        quiet_post = await fake.create_forum_post("NATO", "Which EU countries are not in NATO?", deliver=0)
        fake.archive(quiet_post["id"])  # inactive posts are archived, from an hour on
        by_a_bot = await fake.create_forum_post("Bot", "What is PESCO?", author=fake.user("bot", bot=True), deliver=0)
        await fake.invalidate_session()
        assert embed_of(await reply_to(fake, active["id"]))["title"] == "Is Ireland in PESCO?"
        assert "NATO" in embed_of(await reply_to(fake, quiet_post["id"]))["title"]
        assert fake.identify_count == 2
        assert await quiet(fake, lambda r: r.method == "POST" and r.path.endswith(f"{by_a_bot['id']}/messages"))
        assert len(fake.find("POST", rf"/channels/{answered['id']}/messages")) == 1


async def test_forum_posts_made_while_the_bot_was_stopped_are_answered_after_a_restart_and_only_those(tmp_path):
    fake = await FakeDiscord().start()
    data_path = tmp_path / "data.sqlite3"
    try:
        async with running_bot(data_path=data_path, fake=fake):
            answered = await fake.create_forum_post("Denmark and PESCO", "When did Denmark join PESCO?")
            await reply_to(fake, answered["id"])
        while_stopped = await fake.create_forum_post("Ireland", "Is Ireland in PESCO?", deliver=0)
        restarted = time.monotonic()
        async with running_bot(data_path=data_path, fake=fake):  # a new process: only the database remembers
            assert embed_of(await reply_to(fake, while_stopped["id"]))["title"] == "Is Ireland in PESCO?"
            assert await quiet(fake, lambda r: r.at > restarted and answered["id"] in r.path and r.method == "POST")
        assert len(fake.find("POST", rf"/channels/{answered['id']}/messages")) == 1
    finally:
        await fake.stop()


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
            "**23 May 2023**" in embed["description"]
            and "follow-up about “denmark join pesco”" in embed["footer"]["text"]
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
