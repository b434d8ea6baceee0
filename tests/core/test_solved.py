"""bot.core.solved: solved forum threads matched by the same engine, per server, on the same subject only."""

from __future__ import annotations

from bot.core.citations import cite_unmarked
from bot.core.solved import SolvedIndex, SolvedThread, draft


def thread(thread_id: int, title: str, question: str, guild_id: int = 10) -> SolvedThread:
    return SolvedThread(
        thread_id,
        guild_id,
        title,
        question,
        f"The answer marked in thread {thread_id}.",
        "alice",
        f"https://discord.com/channels/{guild_id}/{thread_id}",
        "Defence Forum",
        "2026-01-02T10:00:00+00:00",
    )


DENMARK = thread(1, "Danish PESCO membership", "Hi all, when exactly did Denmark become part of PESCO? Thanks")
DRONES = thread(2, "Drone wall", "What is the EU drone wall idea and who proposed it?")
ELSEWHERE = thread(3, "Denmark and PESCO", "When did Denmark join PESCO?", guild_id=11)


def test_a_new_post_finds_solved_threads_on_its_subject_in_its_own_server_only(engine):
    index = SolvedIndex([DENMARK, DRONES, ELSEWHERE], engine)

    def earlier(title: str, message: str, guild_id: int = 10) -> list[int]:
        found = index.earlier(guild_id, message, title, answered=engine.answer_message(message, title))
        return [t.thread_id for t in found]

    assert earlier("Danes", "when did the danes join pesco") == [1]  # the knowledge's synonyms serve here too
    assert earlier("Drones", "tell me about the drone wall") == [2]  # a subject the knowledge has no entry on
    assert earlier("Pizza", "best pizza in rome?") == []
    assert earlier("PESCO", "What is PESCO?") == []  # the knowledge places it on another entry
    assert earlier("Denmark", "When did Denmark join PESCO?", guild_id=11) == [3]
    assert earlier("Denmark", "When did Denmark join PESCO?", guild_id=12) == []
    assert SolvedIndex([], engine).earlier(10, "When did Denmark join PESCO?") == []


def test_a_draft_starts_from_the_posts_questions_the_marked_reply_and_the_thread_as_source():
    made = draft(DENMARK)
    assert made.questions == ("Danish PESCO membership", "Hi all, when exactly did Denmark become part of PESCO?")
    assert made.answer == cite_unmarked(DENMARK.answer, ["discord-thread-1"])  # each paragraph cites the thread
    assert made.source.id == "discord-thread-1" and made.source.url == DENMARK.url
    assert (made.source.title, made.source.publisher, made.source.date) == (
        DENMARK.title,
        "Defence Forum",
        "2026-01-02",
    )
