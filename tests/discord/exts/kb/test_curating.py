"""Whose knowledge it is (bot/discord/servers.py), through the fake Discord with a second server the bot was
invited to by someone else: its admin (every permission there) tries every way into /kb — each subcommand,
autocomplete, each form and button a crafted interaction could reach, a moderator's Mark as solution, the
review digest — and changes nothing; with no curating server named, /kb works only while the bot is in one
server; and the bot can be told to answer only in the servers its operator chose."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.discord.exts.solutions import ONLY_AUTHOR
from bot.discord.servers import COMMAND_NOT_HERE, NOT_ANSWERING_HERE, NOT_CURATED_HERE

from ....conftest import snapshot
from ....fakes.fake_discord import FakeDiscord
from ....fakes.fake_discord.guilds import second_server
from ....fakes.fake_discord.payloads import Permission
from ....fakes.harness import callback_for, embed_of, is_message_post, quiet, reply_to, response_to, running_bot
from .test_cog import MODERATOR, NEW_ENTRY, kb, open_form, option

pytestmark = pytest.mark.timeout(120)
ADMIN = Permission.ADMINISTRATOR | Permission.MANAGE_GUILD  # everything, in their own server
SUBCOMMANDS = {
    "add": kb("add"),
    "edit": kb("edit", option("entry", "pesco-what")),
    "alias": kb("alias", option("entry", "pesco-what"), option("question", "pesco is ours now")),
    "remove": kb("remove", option("entry", "pesco-what")),
    "source add": [{"name": "source", "type": 2, "options": [{"name": "add", "type": 1, "options": []}]}],
    "show": kb("show", option("entry", "pesco-what")),
    "why": kb("why", option("question", "what is pesco")),
    "history": kb("history"),
    "undo": kb("undo", option("entry", "pesco-what")),
    "review": kb("review"),
    "reload": kb("reload"),
    "stale": kb("stale"),
    "stats": kb("stats"),
}
UNANSWERED = "who heads the bureau of frobnication in brussels"


@contextlib.asynccontextmanager
async def two_servers(knowledge_copy, **settings: Any) -> AsyncIterator[tuple[FakeDiscord, Any, str, str]]:
    """The bot in its community's server and in a second one someone else invited it to: (fake, bot, the
    second server's id, its channel)."""
    fake = await FakeDiscord().start()
    try:
        guild_id, channel_id = second_server(fake, "Mallory's Server")
        settings = {"curating_guild_ids": (int(fake.guild_id),), **settings}
        async with running_bot(knowledge_copy, fake=fake, **settings) as (_, bot):
            yield fake, bot, guild_id, channel_id
    finally:
        await fake.stop()


async def test_kb_is_registered_only_in_the_curating_server(knowledge_copy):
    async with two_servers(knowledge_copy) as (fake, _, guild_id, _channel):
        assert "kb" in fake.visible_commands(fake.guild_id)
        assert "kb" not in fake.visible_commands(guild_id)
        assert {"ask", "topics", "Ask the FAQ", "Mark as solution"} <= set(fake.visible_commands(guild_id))


async def test_the_admin_of_another_server_changes_nothing_by_any_kb_path(knowledge_copy, caplog):
    mallory = {"permissions": ADMIN}
    async with two_servers(knowledge_copy) as (fake, bot, guild_id, channel_id):
        mallory["user"] = fake.user("mallory")
        there = {"channel_id": channel_id, **mallory}
        # what the community's moderators have open: forms, a removal to confirm, the review queue
        forms = [await open_form(fake, subcommand, **MODERATOR) for subcommand in (kb("add"), SUBCOMMANDS["edit"])]
        forms.append(await open_form(fake, SUBCOMMANDS["source add"], **MODERATOR))
        removal = await response_to(fake, await fake.slash("kb", SUBCOMMANDS["remove"], **MODERATOR))
        await fake.say(UNANSWERED, mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        review = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        before = snapshot(knowledge_copy)

        refusals = []
        for name, subcommand in SUBCOMMANDS.items():
            # as Discord would send it there (no /kb in that server), and forged as the community's command
            for forged in ({}, {"command_guild_id": fake.guild_id}):
                callback = (await callback_for(fake, await fake.slash("kb", subcommand, **there, **forged))).body
                assert callback["type"] == 4, (name, callback)  # a message, never a form
                assert callback["data"]["flags"] & 64, name  # private
                refusals.append(callback["data"]["content"])
        assert set(refusals) == {COMMAND_NOT_HERE, NOT_CURATED_HERE}
        focused = kb("edit", {"name": "entry", "type": 3, "value": "pesco", "focused": True})
        completion = await fake.autocomplete("kb", focused, command_guild_id=fake.guild_id, **there)
        assert (await callback_for(fake, completion)).body["data"]["choices"] == []

        for form in forms:  # mallory, and the form's own moderator acting from the other server
            for who in (there, {"channel_id": channel_id, "permissions": ADMIN}):
                submitted = await fake.submit_modal(form, NEW_ENTRY, **who)
                assert (await response_to(fake, submitted))["content"] == NOT_CURATED_HERE
        buttons = [(removal, "kb:remove:confirm", None), (removal, "kb:remove:cancel", None)]
        buttons += [(review, custom_id, None) for custom_id in ("kb:review:new", "kb:review:dismiss", "kb:review:next")]
        buttons.append((review, "kb:review:alias", ["hr-vp-who"]))
        for shown, custom_id, values in buttons:
            message = next(m for m in fake.messages.values() if m["components"] == shown["components"])
            clicked = await fake.click(message, custom_id, values=values, **there)
            assert (await response_to(fake, clicked))["content"] == NOT_CURATED_HERE, custom_id

        # a moderator's power in Mark as solution: none for an admin of another server
        post = await fake.create_forum_post("Denmark", "When did Denmark join PESCO?")
        await reply_to(fake, post["id"])
        answer = await fake.say("It joined in 2023.", author=fake.user("bob"), channel_id=post["id"])
        marked = await fake.message_command("Mark as solution", answer, guild_id=guild_id, **mallory)
        assert (await response_to(fake, marked))["content"] == ONLY_AUTHOR

        cog = bot.get_cog("Kb")
        bot.config = dataclasses.replace(
            bot.config, discord=dataclasses.replace(bot.config.discord, review_digest_channel_id=int(channel_id))
        )
        assert await cog.send_review_digest(dt.date(2027, 2, 20)) is False
        assert await quiet(fake, is_message_post(channel_id))
        assert snapshot(knowledge_copy) == before
        assert await bot.runtime_call(bot.runtime.history) == []
        assert len(await bot.runtime_call(bot.runtime.review_queue)) == 1  # nothing dismissed or resolved
    assert "its channel is not in a server that curates the knowledge" in caplog.text


async def test_with_no_curating_server_named_kb_works_in_the_only_server_and_is_refused_naming_the_key_in_two(
    knowledge_copy, caplog
):
    caplog.set_level(logging.WARNING, logger="bot.discord.servers")
    async with running_bot(knowledge_copy) as (fake, bot):
        alias = kb("alias", option("entry", "pesco-what"), option("question", "pesco in brief"))
        assert (await response_to(fake, await fake.slash("kb", alias, **MODERATOR)))["content"].startswith("Added")
        await fake.join_second_server()  # someone else invites the bot to their server
        for _ in range(100):
            if len(bot.guilds) == 2:
                break
            await asyncio.sleep(0.02)
        before = snapshot(knowledge_copy)
        again = kb("alias", option("entry", "pesco-what"), option("question", "pesco at a glance"))
        refusal = (await response_to(fake, await fake.slash("kb", again, **MODERATOR)))["content"]
        assert "I am in 2 servers" in refusal and "`curating_guild_ids`" in refusal and "Nothing was changed" in refusal
        form = await fake.slash("kb", kb("add"), **MODERATOR)
        assert (await callback_for(fake, form)).body["type"] == 4  # no form either
        assert snapshot(knowledge_copy) == before
    assert "in 2 servers and curating_guild_ids is not set" in caplog.text


async def test_the_bot_answers_only_in_the_servers_listed_and_logs_the_others_once(knowledge_copy, caplog):
    caplog.set_level(logging.WARNING, logger="bot.discord.servers")
    fake = await FakeDiscord().start()
    try:
        guild_id, channel_id = second_server(fake, "Mallory's Server")
        async with running_bot(knowledge_copy, fake=fake, answer_guild_ids=(int(fake.guild_id),)):
            await fake.say("what is pesco", mention_bot=True, channel_id=channel_id)
            assert await quiet(fake, is_message_post(channel_id), seconds=1.0)
            ask = await fake.slash("ask", [option("question", "what is pesco")], channel_id=channel_id)
            assert (await response_to(fake, ask))["content"] == NOT_ANSWERING_HERE
            await fake.say("what is pesco", mention_bot=True)  # in the community's server: answered
            assert embed_of(await reply_to(fake, fake.text_channel_id))["title"] == "What is PESCO?"
    finally:
        await fake.stop()
    silent = [r for r in caplog.records if "stays silent" in r.getMessage()]
    assert len(silent) == 1 and guild_id in silent[0].getMessage()  # once, however often it hears from there
