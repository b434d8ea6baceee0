"""bot/discord/replies.py: a reply to several questions fits Discord's per-message limits without losing a
source: one embed per answer, its own 👍/👎, did-you-mean buttons for unsure parts, more messages if needed."""

from __future__ import annotations

from bot.core.models import Answer, Candidate, Entry, NoAnswer, Reply, Source, Status
from bot.discord.replies import reply_messages

from ..fakes.fake_discord.limits import message_problems


def answered(entry_id: str, answer_chars: int = 300, sources: int = 3) -> Answer:
    cited = tuple(
        Source(f"{entry_id}-s{n}", "A source title " * 10, "https://e.org/" + "p" * 200, "Pub", "2025")
        for n in range(sources)
    )
    entry = Entry(entry_id, (f"What is {entry_id}?",), "A" * answer_chars, tuple(s.id for s in cited))
    return Answer(f"question about {entry_id}", Status.ANSWERED, (Candidate(entry, 80.0, entry.title),), 80.0, cited)


def unsure(*entry_ids: str) -> Answer:
    found = tuple(Candidate(Entry(i, (f"What is {i}?",), "x"), 40.0, "q") for i in entry_ids)
    return Answer("which one?", Status.SUGGEST, found, 40.0)


def as_payload(kwargs) -> dict:
    body = {"embeds": [e.to_dict() for e in kwargs["embeds"]]}
    if "view" in kwargs:
        body["components"] = kwargs["view"].to_components()
    return body


def test_one_answer_is_one_embed_with_its_two_vote_buttons():
    (message,) = reply_messages(Reply("q", (answered("a"),)))
    body = as_payload(message)
    assert len(body["embeds"]) == 1 and "author" not in body["embeds"][0]
    (row,) = body["components"]
    assert [b["custom_id"] for b in row["components"]] == ["faq:vote:a:1", "faq:vote:a:0"]


def test_several_questions_get_numbered_embeds_votes_per_answer_and_choices_for_the_unsure_one():
    reply = Reply("q", (answered("a"), unsure("x", "y"), answered("b")))
    (message,) = reply_messages(reply)
    body = as_payload(message)
    assert [e["author"]["name"][:2] for e in body["embeds"]] == ["1.", "2.", "3."]
    rows = [[b["custom_id"] for b in row["components"]] for row in body["components"]]
    assert rows == [["faq:vote:a:1", "faq:vote:a:0"], ["faq:pick:x", "faq:pick:y"], ["faq:vote:b:1", "faq:vote:b:0"]]
    assert message_problems(body) == []


def test_answers_too_big_for_one_message_continue_in_another_and_keep_every_source():
    reply = Reply("q", tuple(answered(name, answer_chars=1500, sources=6) for name in ("a", "b", "c")))
    messages = reply_messages(reply)
    assert len(messages) >= 2
    for message in messages:
        assert message_problems(as_payload(message)) == []
    sources = "".join(f["value"] for m in messages for e in m["embeds"] for f in e.to_dict()["fields"])
    assert all(f"**[{n}]**" in sources for n in range(1, 7))
    assert sum(len(m["embeds"]) for m in messages) == 3


def test_no_subject_and_off_topic_get_their_own_reply():
    prompt = Answer("is that true?", Status.NONE, (), 0.0, reason=NoAnswer.NO_SUBJECT)
    (message,) = reply_messages(Reply("is that true?", (prompt,)))
    assert message["embeds"][0].title == "What is it about?" and "view" not in message
    off = Answer("pizza", Status.NONE, (), 10.0, topics=("pesco",), reason=NoAnswer.OFF_TOPIC)
    (message,) = reply_messages(Reply("pizza", (off,)))
    assert "pesco" in message["embeds"][0].description
