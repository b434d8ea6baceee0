"""The bot end to end: real discord.py client ⇄ tests/fake_discord.py on 127.0.0.1 (REST + websocket)."""

from __future__ import annotations

import asyncio
import json
import os
import sys

import pytest

from .conftest import ROOT, run_cli
from .discord_harness import TOKEN, callback_for, is_message_post, quiet, reply_to, running_bot
from .fake_discord import REJECTED_TOKEN, FakeDiscord

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


def embed_of(recorded):
    (embed,) = recorded.body["embeds"]
    return embed


def assert_never_pings(body):
    assert body["allowed_mentions"] == {"parse": []} or body["allowed_mentions"].get("parse") == []
    assert not body["allowed_mentions"].get("replied_user")


async def test_mention_gets_a_cited_embed_reply_that_pings_nobody():
    async with running_bot() as (fake, _):
        question = await fake.say("what's pesco?", mention_bot=True)
        sent = await reply_to(fake, fake.text_channel_id)
        body = sent.body
        assert str(body["message_reference"]["message_id"]) == question["id"]
        assert_never_pings(body)
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


async def test_command_sync_carries_ask_with_its_options():
    async with running_bot() as (fake, _):
        (put,) = fake.find("PUT", r"/applications/\d+/commands$")
        commands = {c["name"]: c for c in put.body}
        assert {"ask", "topics"} <= set(commands)
        options = {o["name"]: o for o in commands["ask"]["options"]}
        assert options["question"]["required"] is True and options["question"]["autocomplete"] is True
        assert options["private"]["type"] == 5 and not options["private"].get("required")


async def test_slash_ask_answers_publicly_or_privately():
    async with running_bot() as (fake, _):
        interaction = await fake.slash("ask", [{"name": "question", "type": 3, "value": "who is the high rep"}])
        body = (await callback_for(fake, interaction)).body
        assert body["type"] == 4
        assert body["data"]["embeds"][0]["title"] == "Who is the EU High Representative?"
        assert not body["data"].get("flags")
        assert_never_pings(body["data"])
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


async def test_did_you_mean_buttons_then_a_click_shows_that_answer_in_place():
    async with running_bot() as (fake, _):
        await fake.say("defence spending", mention_bot=True)
        sent = await reply_to(fake, fake.text_channel_id)
        assert embed_of(sent)["title"] == "Did you mean…"
        buttons = [b for row in sent.body["components"] for b in row["components"]]
        assert 2 <= len(buttons) <= 3 and all(b["custom_id"].startswith("faq:pick:") for b in buttons)
        message = next(m for m in fake.messages.values() if m["embeds"] == sent.body["embeds"])
        click = await fake.click(message, "faq:pick:nato-spending-target")
        body = (await callback_for(fake, click)).body
        assert body["type"] == 7  # UPDATE_MESSAGE: the answer replaces the choices
        assert body["data"]["embeds"][0]["title"] == "What is NATO's defence spending target?"
        votes = [b["custom_id"] for row in body["data"]["components"] for b in row["components"]]
        assert votes == ["faq:vote:nato-spending-target:1", "faq:vote:nato-spending-target:0"]


async def test_did_you_mean_click_works_after_a_restart():
    async with running_bot() as (fake, _):  # a fresh bot process that never sent these buttons
        button = {
            "type": 2,
            "style": 1,
            "label": "1. Which countries are in PESCO?",
            "custom_id": "faq:pick:pesco-members",
        }
        message = fake._message(
            fake.text_channel_id, fake.bot_user, "", components=[{"type": 1, "components": [button]}]
        )
        click = await fake.click(message, "faq:pick:pesco-members")
        body = (await callback_for(fake, click)).body
        assert body["data"]["embeds"][0]["title"] == "Which countries are in PESCO?"


async def test_messages_from_bots_are_ignored():
    async with running_bot() as (fake, _):
        other_bot = fake.user("OtherBot", bot=True)
        await fake.say("what is pesco", author=other_bot, mention_bot=True)
        assert await quiet(fake, is_message_post(fake.text_channel_id), 1.0)


async def test_everyone_in_a_question_is_not_echoed_as_a_ping():
    async with running_bot() as (fake, _):
        await fake.say("@everyone what is pesco <@&123456789012345678>", mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        assert_never_pings(body)
        assert "@everyone" not in json.dumps(body) and "<@&" not in json.dumps(body)


async def test_cooldown_silences_mentions_with_a_reaction_and_tells_slash_users():
    async with running_bot(user_cooldown_count=2, user_cooldown_seconds=60) as (fake, _):
        for _ in range(3):
            await fake.say("what is pesco", mention_bot=True)
        await fake.wait_for_request(lambda r: r.method == "PUT" and "/reactions/" in r.path, timeout=5)
        await reply_to(fake, fake.text_channel_id, count=2)
        assert await quiet(fake, lambda r: len(fake.find("POST", rf"/channels/{fake.text_channel_id}/messages")) > 2)
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


async def test_still_answers_after_the_websocket_drops_and_after_an_invalid_session():
    async with running_bot() as (fake, _):
        await fake.drop_connection()  # TCP abort mid-session: discord.py RESUMEs
        await asyncio.sleep(0.3)
        await fake.say("what is pesco", mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        assert fake.resume_count >= 1
        await fake.invalidate_session()  # not resumable: discord.py IDENTIFYs again after ~5 s
        deadline = asyncio.get_running_loop().time() + 15
        while fake.identify_count < 2 and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        assert fake.identify_count == 2
        await asyncio.sleep(0.2)
        await fake.say("is malta in pesco", mention_bot=True)
        assert (
            embed_of(await reply_to(fake, fake.text_channel_id, count=2))["title"]
            == "Which EU country is not in PESCO?"
        )


async def test_a_429_on_the_reply_is_retried_and_the_reply_arrives():
    async with running_bot() as (fake, _):
        fake.rate_limit_next("POST", rf"^/channels/{fake.text_channel_id}/messages$", retry_after=0.3)
        await fake.say("what is pesco", mention_bot=True)
        attempts = await fake.wait_for_request(is_message_post(fake.text_channel_id), count=2)
        assert attempts[1].at - attempts[0].at >= 0.25
        assert embed_of(attempts[1])["title"] == "What is PESCO?"


def test_missing_token_exits_2_with_one_clear_line(tmp_path):
    result = run_cli("run", "--config", str(tmp_path / "none.toml"))
    assert result.returncode == 2 and "config file not found" in result.stderr
    env_free = run_cli("run")
    assert env_free.returncode == 2
    assert env_free.stderr.strip().count("\n") == 0 and "DISCORD_TOKEN" in env_free.stderr
    assert "Traceback" not in env_free.stderr and TOKEN not in env_free.stderr


async def test_rejected_token_exits_2_with_one_clear_line_and_no_token(tmp_path):
    fake = await FakeDiscord().start()
    try:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[discord]\napi_base = "{fake.api_base}"\ngateway_url = "{fake.gateway_url}"\n'
            f'data_path = "{tmp_path / "data.sqlite3"}"\n'
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            env={**os.environ, "DISCORD_TOKEN": REJECTED_TOKEN},
            cwd=str(ROOT),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    finally:
        await fake.stop()
    assert process.returncode == 2
    lines = [line for line in stderr.decode().splitlines() if line.startswith("error:")]
    assert lines == [lines[0]] and "rejected the token" in lines[0]
    assert "Traceback" not in stderr.decode() and REJECTED_TOKEN not in stderr.decode()
