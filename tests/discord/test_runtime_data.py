"""bot/discord/runtime_data.py: the audit log, the review queue, votes and usage in SQLite."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time

import pytest

from bot.core.models import Answer, Candidate, Entry, Status
from bot.core.solved import SolvedThread
from bot.core.store import EditAction, EditResult
from bot.discord.runtime_data import (
    BUSY_TIMEOUT_S,
    MIGRATIONS,
    SCHEMA_VERSION,
    ReviewReason,
    ReviewState,
    RuntimeData,
    RuntimeDataError,
    RuntimeDataUnavailable,
)

from ..fakes.harness import LoopWatch, is_message_post, reply_to, response_to, running_bot, stored_message
from .exts.kb.test_cog import MODERATOR, kb, option

ENTRY = Entry("pesco-what", ("What is PESCO?",), "An answer.", ("s",))


@pytest.fixture
def data(tmp_path):
    runtime = RuntimeData(tmp_path / "data.sqlite3")
    yield runtime
    runtime.close()


def unanswered(question: str) -> Answer:
    return Answer(question, Status.NONE, (), 12.0)


def test_a_dismissed_question_stays_dismissed_when_asked_again(data):
    data.record_answer(unanswered("what about bananas"), 50)
    (item,) = data.review_queue()
    assert item.reason is ReviewReason.UNANSWERED and item.best_score == 12.0
    data.close_review(item.question_key, ReviewState.DISMISSED)
    data.record_answer(unanswered("What about  BANANAS"), 50)
    assert data.review_queue() == []


def test_a_resolved_question_comes_back_when_asked_again(data):
    data.record_answer(unanswered("what about apples"), 50)
    data.close_review(data.review_queue()[0].question_key, ReviewState.RESOLVED)
    data.record_answer(unanswered("what about apples"), 50)
    (item,) = data.review_queue()
    assert item.count == 2


def test_a_thumbs_down_queues_the_question_without_a_score(data):
    data.record_unhelpful("is pesco an army", "pesco-what")
    (item,) = data.review_queue()
    assert item.reason is ReviewReason.NOT_HELPFUL and item.best_score is None and item.best_entry == "pesco-what"


def test_confident_answers_count_usage_and_shaky_ones_are_queued(data):
    confident = Answer("what is pesco", Status.ANSWERED, (Candidate(ENTRY, 90.0, "What is PESCO?"),), 90.0)
    shaky = Answer("pesco?", Status.ANSWERED, (Candidate(ENTRY, 45.0, "What is PESCO?"),), 45.0)
    data.record_answer(confident, 50)
    data.record_answer(shaky, 50)
    assert data.stats().most_asked == [("pesco-what", 2)]
    assert [i.reason for i in data.review_queue()] == [ReviewReason.LOW_CONFIDENCE]


def test_last_change_skips_undone_changes_and_undo_records(data):
    edit = EditResult(EditAction.ALIAS, "pesco-what", "k.yaml", ENTRY, ENTRY)
    first = data.record_edit(edit, 1)
    second = data.record_edit(edit, 1)
    data.mark_undone(second)
    data.record_edit(EditResult(EditAction.UNDO, "pesco-what", "k.yaml", ENTRY, ENTRY), 1)
    change = data.last_change("pesco-what")
    assert change is not None and change.id == first and change.before == ENTRY
    data.mark_undone(first)
    assert data.last_change("pesco-what") is None
    assert [row.action for row in data.history("pesco-what")] == [EditAction.UNDO, EditAction.ALIAS, EditAction.ALIAS]


def test_votes_one_per_member_per_message(data):
    data.record_vote(1, 7, "pesco-what", True)
    data.record_vote(1, 7, "pesco-what", False)  # changed their mind
    data.record_vote(1, 8, "pesco-what", True)
    assert data.stats().votes == {"pesco-what": (1, 1)}


def test_a_new_database_gets_every_migration_and_a_newer_one_is_refused(tmp_path):
    path = tmp_path / "data.sqlite3"
    runtime = RuntimeData(path)
    assert not path.exists()  # opened on first use (from the bot's runtime-data thread), not when made
    runtime.open()
    runtime.close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    newer = RuntimeData(path)
    assert newer.open() is False  # not used (the bot runs on without it), and not damaged either
    with pytest.raises(RuntimeDataError, match="schema version"):
        newer.stats()


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


def test_an_unusable_database_raises_unavailable_logs_once_and_is_opened_again_later(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.discord.runtime_data")
    path = tmp_path / "data.sqlite3"
    path.write_bytes(b"not a database" * 100)
    data = RuntimeData(path, retry_after_s=0.2)
    assert data.open() is False
    with pytest.raises(RuntimeDataUnavailable, match="not a database"):
        data.stats()  # within the retry delay: fails at once, without trying the file again
    with pytest.raises(RuntimeDataUnavailable):
        data.record_vote(1, 2, "pesco-what", True)
    warnings = [r for r in caplog.records if r.name == "bot.discord.runtime_data" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "unavailable" in warnings[0].getMessage()
    assert "Traceback" not in caplog.text
    path.unlink()  # a person moves the damaged file away
    time.sleep(0.25)
    assert data.stats().unanswered_open == 0  # opened again (a new, empty database)...
    data.record_vote(1, 2, "pesco-what", True)  # ...and back once a write succeeds
    assert data.unavailable is None and "is back" in caplog.text
    data.close()


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
    warnings = [r for r in caplog.records if r.name == "bot.discord.runtime_data" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "the bot answers as usual" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_a_database_locked_while_running_comes_back_and_history_works_again(knowledge_copy, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="bot.discord.runtime_data")
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


def test_an_edits_rows_share_one_operation_and_undo_marks_them_together(data):
    unlink = EditResult(EditAction.UNLINK, "other", "k.yaml", ENTRY, ENTRY)
    remove = EditResult(EditAction.REMOVE, "pesco-what", "k.yaml", ENTRY, None)
    last = data.record_edits([unlink, remove], 1)
    (removal,) = data.history("pesco-what")
    assert removal.id == last and [r.action for r in data.operation_rows(removal.operation)] == [
        EditAction.UNLINK,
        EditAction.REMOVE,
    ]
    data.record_edits([EditResult(EditAction.UNDO, "pesco-what", "k.yaml", None, ENTRY)], 1, undoes=removal.operation)
    assert data.last_change("pesco-what") is None and data.last_change("other") is None


def test_an_old_database_is_upgraded_in_place_and_its_rows_stand_alone(tmp_path):
    path = tmp_path / "data.sqlite3"
    with sqlite3.connect(path) as db:  # a database as the first version of the bot left it
        db.executescript(f"{MIGRATIONS[0]} PRAGMA user_version=1;")
        db.execute(
            "INSERT INTO audit (at, user_id, action, entry_id, file, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
            ("2026-01-01T00:00:00+00:00", 1, "alias", "pesco-what", "k.yaml", None, None),
        )
    data = RuntimeData(path)
    (row,) = data.history()
    assert row.operation == row.id and data.last_change("pesco-what") == row
    data.close()


def test_a_solved_thread_is_kept_queued_for_review_once_and_forgotten_when_deleted(data):
    thread = SolvedThread(42, 7, "Danes", "When did Denmark join?", "May 2023.", "bob", "https://x/42", "Forum", "2026")
    data.record_solved(thread, solved_by=1, answer_message_id=43)
    data.record_solved(thread, solved_by=1, answer_message_id=44)  # marked again: one thread, one review item
    assert data.solved_threads() == [thread]
    (item,) = data.review_queue()
    assert item.reason is ReviewReason.SOLVED and item.thread == thread
    assert item.question == "Danes\nWhen did Denmark join?" and item.best_entry is None
    data.record_answer(unanswered("thread 42"), 50.0)  # a member's question never takes a thread's key
    assert len(data.review_queue()) == 2
    assert data.forget_thread(42) is True and data.forget_thread(42) is False
    assert data.deleted_threads() == [42]  # an entry made from it no longer links to it
    assert data.solved_threads() == [] and [i.question for i in data.review_queue()] == ["thread 42"]
