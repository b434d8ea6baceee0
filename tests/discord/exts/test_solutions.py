"""bot/discord/exts/solutions.py through the fake Discord: a post's author (or a moderator) marks the reply that
solved it; the post is tagged and the helper thanked; new posts on the subject are pointed to it; a moderator
turns it into an entry through the form; a deleted post is never linked again."""

from __future__ import annotations

import logging
import time

import pytest

from bot.core.loader import load_directory

from ...conftest import entry_of
from ...fakes.fake_discord import FakeDiscord
from ...fakes.harness import callback_for, follow_ups, is_message_post, quiet, reply_to, response_to, running_bot
from .kb.test_cog import MODERATOR, kb

pytestmark = pytest.mark.timeout(60)

ALPINE_OWL = "Can someone explain the Alpine Owl exercise and who ran it?"
HELPER_ANSWER = (
    "“Alpine Owl” is a winter mountain-rescue exercise that a few alpine armies run together; it is local, "
    "and no EU programme funds it."
)


async def post_and_solve(fake: FakeDiscord, poster: dict, helper: dict) -> tuple[dict, dict, dict]:
    """A post nobody's entry answers, a member's reply, and the poster marking it as the solution."""
    post = await fake.create_forum_post("Alpine Owl", ALPINE_OWL, author=poster)
    assert await quiet(fake, is_message_post(post["id"]), 0.5)  # off-topic: no answer (queued for review)
    solution = await fake.say(HELPER_ANSWER, author=helper, channel_id=post["id"])
    marked = await fake.message_command("Mark as solution", solution, user=poster)
    return post, solution, marked


def earlier_threads(fake: FakeDiscord, sent) -> list[str]:
    return [e["description"] for e in sent.body["embeds"] if e["title"] == "Solved before in this forum"]


async def test_marking_a_solution_tags_thanks_and_points_later_posts_to_the_thread(knowledge_copy):
    async with running_bot(knowledge_copy, solved_tag="Solved") as (fake, bot):
        poster, helper = fake.user("poster"), fake.user("helper")
        post, solution, marked = await post_and_solve(fake, poster, helper)
        acknowledged = (await callback_for(fake, marked)).body
        assert acknowledged["type"] == 5 and acknowledged["data"]["flags"] & 64  # private "thinking…", at once
        (tagged,) = await fake.wait_for_request(lambda r: r.method == "PATCH" and r.path == f"/channels/{post['id']}")
        assert tagged.body["applied_tags"] == [fake.solved_tag_id]
        thanks = (await reply_to(fake, post["id"])).body
        assert thanks["content"] == "✅ Marked as the solution by poster. Thanks, **helper**, for the help!"
        assert str(thanks["message_reference"]["message_id"]) == solution["id"]
        told = (await follow_ups(fake, marked))[0].body["content"]
        assert told.startswith("Marked as the solution") and "/kb review" in told

        later = await fake.create_forum_post("Owls", "Who ran the Alpine Owl exercise?", author=fake.user("newcomer"))
        (pointed,) = earlier_threads(fake, await reply_to(fake, later["id"]))  # no entry: the thread alone
        assert f"[Alpine Owl](https://discord.com/channels/{fake.guild_id}/{post['id']})" in pointed
        assert "solution by helper" in pointed

        await fake.delete_thread(post["id"])  # THREAD_DELETE: never linked again, and gone from /kb review
        again = await fake.create_forum_post("Owls again", "Who ran the Alpine Owl exercise?")
        assert await quiet(fake, is_message_post(again["id"]))
        assert [item.thread for item in await bot.runtime_call(bot.runtime.review_queue)] == [None]


async def test_a_deleted_post_the_bot_was_not_told_about_is_found_gone_when_checked(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        post, _, marked = await post_and_solve(fake, fake.user("poster"), fake.user("helper"))
        await follow_ups(fake, marked)
        assert fake.find("PATCH", rf"^/channels/{post['id']}$") == []  # no solved_tag configured: no tag
        await fake.delete_thread(post["id"], deliver=False)
        bot.get_guild(int(fake.guild_id))._remove_thread(bot.get_channel(int(post["id"])))  # as after a restart
        later = await fake.create_forum_post("Owls", "Who ran the Alpine Owl exercise?")
        assert await quiet(fake, is_message_post(later["id"]))
        assert fake.find("GET", rf"^/channels/{post['id']}$")  # looked up: 404
        assert int(post["id"]) not in bot.solved_threads


async def test_only_the_posts_author_or_a_moderator_may_mark_a_solution(knowledge_copy):
    async with running_bot(knowledge_copy, solved_tag="Solved") as (fake, bot):
        poster, helper = fake.user("poster"), fake.user("helper")
        post = await fake.create_forum_post("Alpine Owl", ALPINE_OWL, author=poster)
        solution = await fake.say(HELPER_ANSWER, author=helper, channel_id=post["id"])
        by_helper = await fake.message_command("Mark as solution", solution, user=helper)
        refusal = (await follow_ups(fake, by_helper))[0].body
        assert refusal["content"] == "Only the post's author or a moderator can mark its solution."
        assert refusal["flags"] & 64  # private
        question = await fake.message_command("Mark as solution", fake.messages[post["id"]], user=poster)
        assert "question itself" in (await follow_ups(fake, question))[0].body["content"]
        assert fake.find("PATCH", r"^/channels/") == []
        assert all(item.thread is None for item in await bot.runtime_call(bot.runtime.review_queue))  # none queued
        assert not [r for r in fake.requests if is_message_post(post["id"])(r)]
        by_moderator = await fake.message_command("Mark as solution", solution, user=fake.user("mod"), **MODERATOR)
        assert (await follow_ups(fake, by_moderator))[0].body["content"].startswith("Marked as the solution")


async def test_a_moderator_turns_a_solved_thread_into_an_entry_with_one_click_and_later_posts_get_it(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        post, _, marked = await post_and_solve(fake, fake.user("poster"), fake.user("helper"))
        await follow_ups(fake, marked)
        review = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        (embed,) = review["embeds"]
        assert embed["title"] == "Review 1 of 1: a solved thread" and HELPER_ANSWER[:40] in embed["fields"][0]["value"]
        message = next(m for m in fake.messages.values() if m["components"] == review["components"])
        form = (await callback_for(fake, await fake.click(message, "kb:review:new", **MODERATOR))).body["data"]
        prefilled = {c["custom_id"]: c.get("value") for row in form["components"] for c in row["components"]}
        source_id = f"discord-thread-{post['id']}"
        assert prefilled["kb:questions"] == f"Alpine Owl\n{ALPINE_OWL}"
        assert prefilled["kb:answer"] == f"{HELPER_ANSWER}[^{source_id}]"  # the reply, citing its thread
        assert prefilled["kb:sources"] == source_id
        assert entry_of(bot.engine.knowledge, "alpine-owl-exercise") is None  # nothing enters the knowledge unreviewed
        values = {**prefilled, "kb:questions": "What is the Alpine Owl exercise?\nWho ran the Alpine Owl exercise?"}
        saved = await response_to(fake, await fake.submit_modal(form["custom_id"], values, **MODERATOR))
        assert (
            saved["content"].startswith("Added `alpine-owl-exercise`")
            and f"With the source `{source_id}`" in saved["content"]
        )
        assert await bot.runtime_call(bot.runtime.review_queue) == []

        later = await fake.create_forum_post("Owls", "Who ran the Alpine Owl exercise?")
        sent = await reply_to(fake, later["id"])
        answer = sent.body["embeds"][0]
        assert (
            answer["title"] == "What is the Alpine Owl exercise?" and f"/{post['id']})" in answer["fields"][0]["value"]
        )
        assert "alpine owl" in earlier_threads(fake, sent)[0].lower()  # and the thread it came from

        await fake.delete_thread(post["id"])  # the entry stays (moderators own it); its link to the post goes
        last = await fake.create_forum_post("Owls?", "Who ran the Alpine Owl exercise?")
        sent = await reply_to(fake, last["id"])
        assert sent.body["embeds"][0]["title"] == "What is the Alpine Owl exercise?" and not earlier_threads(fake, sent)
        assert post["id"] not in str(sent.body) and "Sources" not in str(sent.body["embeds"][0].get("fields"))
    knowledge = load_directory(knowledge_copy).knowledge
    assert knowledge.sources[source_id].url == f"https://discord.com/channels/{fake.guild_id}/{post['id']}"
    assert knowledge.sources[source_id].publisher == "Defence Forum"


async def test_without_runtime_data_posts_are_answered_and_solutions_marked_with_one_log_line(tmp_path, caplog):
    broken = tmp_path / "data.sqlite3"
    broken.write_bytes(b"not a database" * 100)
    caplog.set_level(logging.INFO)
    async with running_bot(data_path=broken, runtime_options={"busy_timeout_s": 0.1}) as (fake, _):
        poster = fake.user("poster")
        denmark = await fake.create_forum_post("Denmark", "Is Denmark in PESCO?", author=poster)
        assert (await reply_to(fake, denmark["id"])).body["embeds"][0]["title"] == "When did Denmark join PESCO?"
        await fake.say("when did they join?", author=poster, channel_id=denmark["id"])
        await reply_to(fake, denmark["id"], count=2)
        _, _, marked = await post_and_solve(fake, poster, fake.user("helper"))
        assert "not see it in `/kb review`" in (await follow_ups(fake, marked))[0].body["content"]
        started = time.monotonic()
        later = await fake.create_forum_post("Owls", "Who ran the Alpine Owl exercise?")
        assert earlier_threads(fake, await reply_to(fake, later["id"]))
        assert time.monotonic() - started < 5
    warnings = [r for r in caplog.records if r.name == "bot.runtime.database" and r.levelname == "WARNING"]
    assert len(warnings) == 1 and "the bot answers as usual" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
