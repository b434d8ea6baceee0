"""bot/discord/runtime_data.py: the audit log, the review queue, votes and usage in SQLite."""

from __future__ import annotations

import sqlite3
import time

import pytest

from bot.core.models import Answer, Candidate, Entry, Status
from bot.core.store import EditAction, EditResult
from bot.discord.runtime_data import SCHEMA_VERSION, ReviewReason, ReviewState, RuntimeData, RuntimeDataError

from ..fakes.harness import LoopWatch, reply_to, response_to, running_bot, stored_message
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
    with pytest.raises(RuntimeDataError, match="schema version"):
        RuntimeData(path).open()


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
            first = await reply_to(fake, fake.text_channel_id)
            vote = await fake.click(stored_message(fake, first), "faq:vote:pesco-what:0")
            why = await fake.slash("kb", kb("why", option("question", "what is pesco")), **MODERATOR)
            await reply_to(fake, fake.text_channel_id, count=3)
            assert "moderators will look" in (await response_to(fake, vote))["content"]
            assert (await response_to(fake, why))["embeds"]
            assert time.monotonic() - started < 2.0  # each write waits up to 5 s for the lock, elsewhere
            assert loop.longest < 0.5
        finally:
            locker.execute("ROLLBACK")
            locker.close()
