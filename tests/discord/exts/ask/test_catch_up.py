"""bot/discord/exts/ask/_catch_up.py: forum posts made while the bot was away are answered after a new
session.

End to end: the real discord.py client ⇄ the fake Discord on 127.0.0.1 (REST + websocket); every session
also checks that nothing the bot sent could ping anyone (tests/fakes/harness.py).
"""

from __future__ import annotations

import time

import pytest

from ....fakes.fake_discord import FakeDiscord
from ....fakes.harness import (
    embed_of,
    no_identify_wait,
    quiet,
    reply_to,
    running_bot,
)

pytestmark = pytest.mark.timeout(60)  # every wait inside also has its own, shorter timeout


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
