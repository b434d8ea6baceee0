"""The bot with its runtime data locked, damaged or unusable (bot/discord/client.py runtime_call): members are
answered, edits save, and the event loop is never held up."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

import pytest

from bot.runtime import BUSY_TIMEOUT_S, RuntimeData

from ..fakes.harness import LoopWatch, is_message_post, reply_to, response_to, running_bot, stored_message
from .exts.kb.test_cog import MODERATOR, kb, option


async def test_a_locked_database_holds_up_neither_answers_nor_the_event_loop(tmp_path):
    """Another process holds the write lock (a backup, the sqlite3 shell): the bot's writes wait on their
    own thread; members are answered and /kb answers as if nothing were wrong."""
    data_path = tmp_path / "data.sqlite3"
    async with running_bot(data_path=data_path) as (fake, _), LoopWatch() as loop:
        locker = sqlite3.connect(data_path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            started = time.monotonic()
            for question in ("what is pesco", "is ireland in pesco", "who is the high rep"):
                await fake.say(question, mention_bot=True)
            replies = await fake.wait_for_request(is_message_post(fake.text_channel_id), count=3)
            pesco = next(r for r in replies if r.body["embeds"][0]["title"] == "What is PESCO?")
            vote = await fake.click(stored_message(fake, pesco), "faq:vote:pesco-what:0")
            why = await fake.slash("kb", kb("why", option("question", "what is pesco")), **MODERATOR)
            assert "moderators will look" in (await response_to(fake, vote))["content"]
            assert (await response_to(fake, why))["embeds"]
            # each write waits up to BUSY_TIMEOUT_S (5 s) for the lock: on the event loop, or before each
            # answer, that would show here; on the runtime-data thread it does not
            assert time.monotonic() - started < BUSY_TIMEOUT_S * 0.8
            assert loop.longest < BUSY_TIMEOUT_S / 5
        finally:
            locker.execute("ROLLBACK")
            locker.close()


def _corrupt(path, monkeypatch, held):
    path.write_bytes(b"not a database" * 100)
    return path


def _unopenable(path, monkeypatch, held):
    (path.parent / "file").write_text("a file where a directory should be")
    return path.parent / "file" / "data.sqlite3"


def _locked(path, monkeypatch, held):
    held.append(sqlite3.connect(path, isolation_level=None))
    held[-1].execute("BEGIN EXCLUSIVE")  # another process holds the lock for the whole session
    return path


def _read_only(path, monkeypatch, held):
    RuntimeData(path).open()  # a good database the bot may read but not write (as on a read-only mount)
    connect = sqlite3.connect
    monkeypatch.setattr(sqlite3, "connect", lambda name, **kw: connect(f"file:{name}?mode=ro", uri=True, **kw))
    return path


@pytest.mark.parametrize(
    "break_it", [_corrupt, _unopenable, _locked, _read_only], ids=["corrupt", "unopenable", "locked", "read-only"]
)
async def test_without_runtime_data_the_bot_answers_and_edits_save_saying_undo_is_unavailable(
    knowledge_copy, tmp_path, caplog, monkeypatch, break_it
):
    held: list[sqlite3.Connection] = []
    data_path = break_it(tmp_path / "data.sqlite3", monkeypatch, held)
    async with running_bot(knowledge_copy, data_path, runtime_options={"busy_timeout_s": 0.1}) as (fake, bot):
        await fake.say("what is pesco", mention_bot=True)
        answer = await reply_to(fake, fake.text_channel_id)
        assert answer.body["embeds"][0]["title"] == "What is PESCO?"
        vote = await fake.click(stored_message(fake, answer), "faq:vote:pesco-what:0")
        assert "moderators will look" in (await response_to(fake, vote))["content"]
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco tldr")), **MODERATOR
        )
        content = (await response_to(fake, alias))["content"]
        assert content.startswith("Added a phrasing to `pesco-what`") and "`/kb undo` will not see" in content
        assert bot.engine.ask("pesco tldr").entry.id == "pesco-what"
        for command in ("history", "review", "stats"):
            reply = await response_to(fake, await fake.slash("kb", kb(command), **MODERATOR))
            assert reply["content"].startswith("History, undo, review and stats are unavailable"), command
    for connection in held:
        connection.close()
    assert "pesco tldr" in (knowledge_copy / "pesco.yaml").read_text()
    warnings = [r for r in caplog.records if r.name == "bot.runtime.database" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "the bot answers as usual" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_database_locked_while_running_comes_back_and_history_works_again(knowledge_copy, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.runtime.database")
    data_path = tmp_path / "data.sqlite3"
    options = {"busy_timeout_s": 0.1, "retry_after_s": 0.3}
    async with running_bot(knowledge_copy, data_path, runtime_options=options) as (fake, _):
        locker = sqlite3.connect(data_path, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        first = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "one")), **MODERATOR
        )
        assert "`/kb undo` will not see" in (await response_to(fake, first))["content"]
        locker.execute("ROLLBACK")
        locker.close()
        await asyncio.sleep(0.4)
        second = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "two")), **MODERATOR
        )
        assert "undo" not in (await response_to(fake, second))["content"]
        history = await response_to(
            fake, await fake.slash("kb", kb("history", option("entry", "pesco-what")), **MODERATOR)
        )
        assert len(history["embeds"][0]["fields"]) == 1  # the second change; the first could not be recorded
    assert "runtime data is back" in caplog.text
