"""bot/core/conversation.py: what a reply leaves as context, a conversation's turns, and the memory of many
(per place, expiring, bounded)."""

from __future__ import annotations

from bot.core.conversation import (
    MAX_TURNS,
    Context,
    Conversation,
    Conversations,
    context_after,
    context_of,
)
from bot.core.models import Answer, Candidate, Entry, Reply, Status

from ..fakes.clock import Clock

DENMARK = Context("denmark-joins-pesco", "Denmark PESCO")  # what its canonical question names
NATO = Context("eu-nato-membership-overlap", "eu countries nato")
DENMARK_ENTRY = Entry("denmark-joins-pesco", ("When did Denmark join PESCO?",), "In 2023.")
PESCO = Entry("pesco-what", ("What is PESCO?",), "A framework.")


def answered(message: str, *entries: Entry) -> Reply:
    return Reply(message, tuple(Answer(message, Status.ANSWERED, (Candidate(e, 90.0, e.title),)) for e in entries))


def unanswered(message: str) -> Reply:
    return Reply(message, (Answer(message, Status.NONE, ()),))


def thread(channel: int) -> tuple[int, int, int]:
    return 1, channel, 0


def channel_of(key: tuple[int, int, int]) -> tuple[int, int]:
    return key[0], key[1]


def test_a_reply_leaves_its_first_answered_entry_and_what_its_question_names():
    assert context_of(answered("denmark?", DENMARK_ENTRY, PESCO)) == DENMARK
    unnamed = Entry("spending", ("how much do countries spend on defence?",), "A lot.")
    assert context_of(answered("spending?", unnamed)) == Context("spending", "countries spend defence")
    assert context_of(unanswered("best pizza in rome")) is None
    assert context_after(NATO, answered("denmark?", DENMARK_ENTRY)) == DENMARK
    assert context_after(NATO, unanswered("thanks!")) == NATO  # a remark leaves the subject as it was


def test_a_context_goes_through_a_form_field_and_back_and_a_forged_one_is_refused():
    assert Context.from_dict(DENMARK.as_dict()) == DENMARK
    assert Context.from_dict(Context(None, "pesco").as_dict()) == Context(None, "pesco")
    assert Context.from_dict({}) is None and Context.from_dict({"entry": "", "subject": ""}) is None
    assert Context.from_dict({"entry": ["x"], "subject": "pesco"}) is None
    assert Context.from_dict({"entry": "x", "subject": "pesco " * 1000}) is None


def test_a_conversation_keeps_its_last_turns_and_what_it_is_about():
    conversation = Conversation().after("when did denmark join pesco", answered("q", DENMARK_ENTRY))
    conversation = conversation.after("thanks!", unanswered("thanks!"))
    assert conversation.context == DENMARK and [t.said for t in conversation.turns] == [
        "when did denmark join pesco",
        "thanks!",
    ]
    for n in range(MAX_TURNS):
        conversation = conversation.after(f"more {n}", unanswered("more"))
    assert len(conversation.turns) == MAX_TURNS and conversation.turns[-1].said == f"more {MAX_TURNS - 1}"


def test_a_subject_never_crosses_places_or_keys():
    memory = Conversations(10, 600, place_of=channel_of)
    memory.remember(thread(100), Conversation(DENMARK))
    memory.remember(thread(200), Conversation(NATO))
    assert memory.context(thread(100)) == DENMARK and memory.context(thread(200)) == NATO
    assert memory.context((2, 100, 0)) is None  # the same channel id in another server
    assert memory.context((1, 100, 555)) is None  # a reply chain in that channel is its own conversation
    memory.forget_place((1, 100))  # the post was deleted
    assert memory.context(thread(100)) is None and memory.context(thread(200)) == NATO


def test_a_subject_expires_after_so_many_messages_or_minutes_and_a_new_answer_renews_it():
    clock = Clock()
    memory = Conversations(2, 60, clock=clock, place_of=channel_of)
    key = thread(100)
    memory.remember(key, Conversation(DENMARK))
    memory.count_message((1, 100))
    memory.count_message((1, 100))
    memory.count_message((1, 999))  # elsewhere: does not count
    assert memory.context(key) == DENMARK
    memory.count_message((1, 100))
    assert memory.context(key) is None and len(memory) == 0
    memory.remember(key, Conversation(DENMARK))
    clock.now = 61
    assert memory.context(key) is None
    memory.remember(key, Conversation(NATO))
    clock.now = 100
    assert memory.context(key) == NATO


def test_memory_is_bounded_least_recently_used_first():
    memory = Conversations(10, 600, capacity=2, place_of=channel_of)
    memory.remember((1, 1, 0), Conversation(DENMARK))
    memory.remember((1, 2, 0), Conversation(DENMARK))
    assert memory.context((1, 1, 0)) == DENMARK  # used: now the most recent
    memory.remember((1, 3, 0), Conversation(NATO))
    assert len(memory) == 2 and memory.context((1, 2, 0)) is None and memory.context((1, 1, 0)) == DENMARK
    memory.count_message((1, 2))  # a forgotten conversation's place: nothing to age


def test_what_is_said_renews_a_conversation_only_when_the_bot_answered():
    clock = Clock()
    memory: Conversations[str] = Conversations(10, 60, clock=clock)  # any key; each its own place
    memory.said("cli", "pesco?", unanswered("pesco?"))
    assert memory.recall("cli") is None  # nothing answered, nothing was being talked about: no conversation
    memory.said("cli", "when did denmark join pesco", answered("q", DENMARK_ENTRY))
    clock.now = 50
    memory.said("cli", "thanks!", unanswered("thanks!"))  # a turn, but no new answer: the age runs on
    conversation = memory.recall("cli")
    assert conversation is not None and conversation.context == DENMARK and len(conversation.turns) == 2
    clock.now = 61
    assert memory.recall("cli") is None


def test_a_reply_chain_continues_the_conversation_of_the_message_replied_to():
    memory: Conversations[str] = Conversations(10, 60)
    memory.said("first answer", "when did denmark join pesco", answered("q", DENMARK_ENTRY))
    earlier = memory.recall("first answer")
    memory.said("second answer", "what is it?", answered("q", PESCO), continues=earlier)
    conversation = memory.recall("second answer")
    assert conversation is not None and conversation.context == Context("pesco-what", "PESCO")
    assert [t.said for t in conversation.turns] == ["when did denmark join pesco", "what is it?"]
