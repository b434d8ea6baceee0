"""bot/runtime/review.py: the /kb review queue, and solved threads as its candidates."""

from __future__ import annotations

from bot.core.models import Answer, Candidate, Status
from bot.core.solved import SolvedThread
from bot.runtime import ReviewReason, ReviewState

from .conftest import ENTRY, unanswered


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
