"""bot/discord/exts/kb through the fake Discord: moderators grow and fix the knowledge; everyone else is
refused and changes nothing."""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import sqlite3
import sys
import threading
import time
from types import SimpleNamespace

import pytest

from bot.core.loader import load_directory
from bot.core.yaml_edit import entry_record

from ....conftest import KNOWLEDGE, entry_of, snapshot
from ....fakes.fake_discord import MANAGE_GUILD
from ....fakes.harness import (
    LoopWatch,
    callback_for,
    follow_ups,
    reply_to,
    response_to,
    running_bot,
    stored_message,
)

pytestmark = pytest.mark.timeout(90)
MODERATOR = {"permissions": MANAGE_GUILD}


def option(name: str, value: str, kind: int = 3) -> dict[str, object]:
    return {"name": name, "type": kind, "value": value}


def kb(name: str, *options: dict[str, object]) -> list[dict[str, object]]:
    """Options of a /kb subcommand as Discord sends them."""
    return [{"name": name, "type": 1, "options": list(options)}]


async def open_form(fake, subcommand: list, **who) -> str:
    interaction = await fake.slash("kb", subcommand, **who)
    body = (await callback_for(fake, interaction)).body
    assert body["type"] == 9, body  # MODAL
    inputs = [c for row in body["data"]["components"] for c in row["components"]]
    assert len(inputs) <= 5 and all(len(c["label"]) <= 45 for c in inputs)  # Discord's limits for forms
    return body["data"]["custom_id"]


async def submit(fake, form_id: str, values: dict[str, str], **who) -> str:
    interaction = await fake.submit_modal(form_id, values, **who)
    return (await response_to(fake, interaction))["content"]


NEW_ENTRY = {
    "kb:questions": "What is the Zorblax Initiative?\nzorblax initiative explained",
    "kb:answer": "The Zorblax Initiative is a test entry.[^eda-pesco] @everyone",
    "kb:sources": "eda-pesco",
    "kb:tags": "test",
}


async def test_moderator_adds_an_entry_with_the_form_and_members_get_it(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, _):
        form = await open_form(fake, kb("add"), **MODERATOR)
        reply = await submit(fake, form, NEW_ENTRY, **MODERATOR)
        assert reply.startswith("Added `zorblax-initiative")
        await fake.say("whats the zorblax initiative?", mention_bot=True)
        body = (await reply_to(fake, fake.text_channel_id)).body
        assert body["embeds"][0]["title"] == "What is the Zorblax Initiative?"
        assert "@everyone" in body["embeds"][0]["description"] and body["allowed_mentions"]["parse"] == []
    assert entry_of(load_directory(knowledge_copy).knowledge, "zorblax-initiative") is not None


async def test_non_moderators_are_refused_and_nothing_changes(knowledge_copy):
    before = snapshot(knowledge_copy)
    async with running_bot(knowledge_copy) as (fake, _):
        interaction = await fake.slash("kb", kb("add"))
        body = (await callback_for(fake, interaction)).body
        assert body["type"] == 4 and body["data"]["flags"] & 64 and "Only moderators" in body["data"]["content"]
        alias = await fake.slash("kb", kb("alias", option("entry", "pesco-what"), option("question", "hacked")))
        assert "Only moderators" in (await response_to(fake, alias))["content"]
    assert snapshot(knowledge_copy) == before


async def test_a_configured_role_makes_a_moderator(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        # the role exists only once the fake has made its guild, so configure it then
        discord_settings = dataclasses.replace(bot.config.discord, moderator_role_ids=(int(fake.moderator_role_id),))
        bot.config = dataclasses.replace(bot.config, discord=discord_settings)
        interaction = await fake.slash(
            "kb",
            kb("alias", option("entry", "pesco-what"), option("question", "pesco tl;dr")),
            roles=[fake.moderator_role_id],
        )
        assert "Added a phrasing" in (await response_to(fake, interaction))["content"]


async def test_the_command_is_registered_for_managers_only(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, _):
        (put,) = fake.find("PUT", r"/applications/\d+/commands$")
        group = next(c for c in put.body if c["name"] == "kb")
        assert str(group["default_member_permissions"]) == str(MANAGE_GUILD)
        names = {o["name"] for o in group["options"]}
        assert {
            "add",
            "edit",
            "alias",
            "remove",
            "source",
            "show",
            "why",
            "history",
            "undo",
            "review",
            "reload",
            "stats",
        } <= names


async def test_concurrent_alias_commands_all_land(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        phrasings = [f"quuxify question number {n}" for n in range(10)]
        interactions = [
            await fake.slash("kb", kb("alias", option("entry", "pesco-what"), option("question", p)), **MODERATOR)
            for p in phrasings
        ]
        replies = await asyncio.gather(*(response_to(fake, i, timeout=30) for i in interactions))
        assert all("Added a phrasing" in r["content"] for r in replies)
        assert all(bot.engine.ask(p).entry.id == "pesco-what" for p in phrasings)
    on_disk = entry_of(load_directory(knowledge_copy).knowledge, "pesco-what").questions
    assert set(phrasings) <= set(on_disk)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"kb:answer": ""}, "answer: must not be empty"),
        ({"kb:answer": "x" * 3999}, "limit is 1800"),
        ({"kb:questions": "   "}, "questions"),
        ({"id": "pesco-what"}, "already exists"),
        ({"kb:sources": "no-such-source"}, "unknown source id 'no-such-source'"),
        ({"kb:review-by": "next spring"}, "review_by: expected an ISO date like 2026-11-01, got 'next spring'"),
    ],
)
async def test_bad_form_input_gets_a_clear_message_and_files_stay_the_same(knowledge_copy, values, message):
    before = snapshot(knowledge_copy)
    async with running_bot(knowledge_copy) as (fake, _):
        values = dict(values)
        options = [option("entry_id", values.pop("id"))] if "id" in values else []
        form = await open_form(fake, kb("add", *options), **MODERATOR)
        reply = await submit(fake, form, {**NEW_ENTRY, **values}, **MODERATOR)
        assert reply.startswith("Not saved") and message in reply
    assert snapshot(knowledge_copy) == before


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.org/file"])
async def test_bad_source_urls_are_refused(knowledge_copy, url):
    before = snapshot(knowledge_copy)
    async with running_bot(knowledge_copy) as (fake, _):
        form = await open_form(
            fake, [{"name": "source", "type": 2, "options": [{"name": "add", "type": 1, "options": []}]}], **MODERATOR
        )
        reply = await submit(
            fake,
            form,
            {
                "kb:source-id": "bad-url",
                "kb:source-title": "T",
                "kb:source-url": url,
                "kb:source-publisher": "P",
                "kb:source-date": "2025",
            },
            **MODERATOR,
        )
        assert reply.startswith("Not saved") and "http" in reply
    assert snapshot(knowledge_copy) == before


async def test_yaml_special_answer_is_stored_verbatim(knowledge_copy):
    answer = "Note: this # is not a comment[^eda-pesco]\n- nor a list[^eda-pesco]\n{{ nor a template }}[^eda-pesco]"
    async with running_bot(knowledge_copy) as (fake, _):
        form = await open_form(fake, kb("add"), **MODERATOR)
        await submit(fake, form, {**NEW_ENTRY, "kb:answer": answer}, **MODERATOR)
    assert entry_of(load_directory(knowledge_copy).knowledge, "zorblax-initiative").answer == answer


async def test_alias_that_belongs_to_another_entry_warns_once_and_names_it(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, _):
        interaction = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-members"), option("question", "What is PESCO?")), **MODERATOR
        )
        content = (await response_to(fake, interaction))["content"]
        assert content.startswith("Added a phrasing to `pesco-members`")
        assert content.count("⚠️") == 1 and "pesco-what" in content
        assert len(fake.find("POST", r"^/webhooks/")) == 1  # no second message repeating the warning


async def test_an_edit_survives_a_restart_and_undo_restores_the_previous_text(knowledge_copy, tmp_path):
    data = tmp_path / "data.sqlite3"
    async with running_bot(knowledge_copy, data) as (fake, _):
        form = await open_form(fake, kb("edit", option("entry", "strategic-compass")), **MODERATOR)
        reply = await submit(
            fake,
            form,
            {
                "kb:questions": "What is the Strategic Compass?\nstrategic compass",
                "kb:answer": "A rewritten answer.[^eeas-rdc-factsheet]",
                "kb:sources": "eeas-rdc-factsheet",
                "kb:tags": "basics",
            },
            **MODERATOR,
        )
        assert reply.startswith("Saved `strategic-compass`")
    async with running_bot(knowledge_copy, data) as (fake, bot):  # a restart: new process state, same files
        assert bot.engine.entry("strategic-compass").answer == "A rewritten answer.[^eeas-rdc-factsheet]"
        history = await fake.slash("kb", kb("history", option("entry", "strategic-compass")), **MODERATOR)
        embed = (await response_to(fake, history))["embeds"][0]
        assert (
            "edit strategic-compass" in embed["fields"][0]["name"]
            and "+    A rewritten answer.[^eeas-rdc-factsheet]" in embed["fields"][0]["value"]
        )
        undo = await fake.slash("kb", kb("undo", option("entry", "strategic-compass")), **MODERATOR)
        assert "Reverted" in (await response_to(fake, undo))["content"]
        assert "approved on **21 March 2022**" in bot.engine.entry("strategic-compass").answer
    assert (knowledge_copy / "basics.yaml").read_text() == (KNOWLEDGE / "basics.yaml").read_text()


async def test_review_shows_an_unanswered_question_and_add_as_phrasing_makes_it_answerable(knowledge_copy):
    question = "who heads the bureau of frobnication in brussels"
    async with running_bot(knowledge_copy) as (fake, bot):
        await fake.say(question, mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        review = await fake.slash("kb", kb("review"), **MODERATOR)
        body = await response_to(fake, review)
        assert question in body["embeds"][0]["description"]
        message = next(m for m in fake.messages.values() if m["components"] == body["components"])
        choose = await fake.click(message, "kb:review:alias", values=["hr-vp-who"], **MODERATOR)
        assert "as a phrasing of `hr-vp-who`" in (await response_to(fake, choose))["content"]
        assert bot.engine.ask(question).entry.id == "hr-vp-who"
        assert await bot.runtime_call(bot.runtime.review_queue) == []


async def test_reload_after_a_hand_edit_and_a_broken_file_keeps_the_old_knowledge(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        path = knowledge_copy / "pesco.yaml"
        path.write_text(
            path.read_text().replace(
                "      - pesco explained\n", "      - pesco explained\n      - hand edited pesco\n"
            )
        )
        ok = await fake.slash("kb", kb("reload"), **MODERATOR)
        assert "Reloaded" in (await response_to(fake, ok))["content"]
        assert bot.engine.ask("hand edited pesco").entry.id == "pesco-what"
        (knowledge_copy / "broken.yaml").write_text("entries:\n  - id: [\n")
        bad = await fake.slash("kb", kb("reload"), **MODERATOR)
        content = (await response_to(fake, bad))["content"]
        assert "Not reloaded" in content and "broken.yaml" in content
        assert bot.engine.ask("hand edited pesco").entry.id == "pesco-what"


async def test_votes_and_usage_feed_stats(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, _):
        await fake.say("what is pesco", mention_bot=True)
        sent = await reply_to(fake, fake.text_channel_id)
        message = next(m for m in fake.messages.values() if m["embeds"] == sent.body["embeds"])
        vote = await fake.click(message, "faq:vote:pesco-what:0")
        assert "moderators will look" in (await response_to(fake, vote))["content"]
        stats = await fake.slash("kb", kb("stats"), **MODERATOR)
        fields = {f["name"]: f["value"] for f in (await response_to(fake, stats))["embeds"][0]["fields"]}
        assert "`pesco-what` — 1" in fields["Most asked"] and "👎 1" in fields["Votes"]
        review = await fake.slash("kb", kb("review"), **MODERATOR)
        embed = (await response_to(fake, review))["embeds"][0]
        assert embed["description"] == "**what is pesco**"  # the question asked, without the mention
        assert {"name": "Why here", "value": "not helpful", "inline": True} in embed["fields"]


async def test_remove_asks_to_confirm_then_removes(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        interaction = await fake.slash("kb", kb("remove", option("entry", "european-defence-community")), **MODERATOR)
        body = await response_to(fake, interaction)
        assert "myth-edc-created-2016" in body["content"]  # the entry that links to it is named
        message = next(m for m in fake.messages.values() if m["components"] == body["components"])
        confirm = await fake.click(message, "kb:remove:confirm", **MODERATOR)
        assert "Removing" in (await response_to(fake, confirm))["content"]  # at once, and the buttons go
        assert "Removed" in (await follow_ups(fake, confirm))[0].body["content"]
        assert bot.engine.entry("european-defence-community") is None
    assert load_directory(knowledge_copy).ok


async def test_a_form_submitted_by_someone_else_is_refused_and_stays_open_for_its_moderator(knowledge_copy):
    before = snapshot(knowledge_copy)
    async with running_bot(knowledge_copy) as (fake, bot):
        form = await open_form(fake, kb("add"), **MODERATOR)  # opened by a moderator...
        member = fake.user("member")
        reply = await submit(fake, form, NEW_ENTRY, user=member)  # ...submitted by someone who is not one
        assert "Only moderators" in reply
        other_moderator = fake.user("other-moderator")
        assert "another moderator" in await submit(fake, form, NEW_ENTRY, user=other_moderator, **MODERATOR)
        assert bot.engine.entry("zorblax-initiative") is None
        assert snapshot(knowledge_copy) == before
        assert (await submit(fake, form, NEW_ENTRY, **MODERATOR)).startswith("Added `zorblax-initiative`")


async def test_two_moderators_with_the_same_form_open_both_save(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        second = {**MODERATOR, "user": fake.user("second-moderator")}
        form_a = await open_form(fake, kb("add"), **MODERATOR)
        form_b = await open_form(fake, kb("add"), **second)
        edit_a = await open_form(fake, kb("edit", option("entry", "pesco-what")), **MODERATOR)
        edit_b = await open_form(fake, kb("edit", option("entry", "pesco-what")), **second)
        assert len({form_a, form_b, edit_a, edit_b}) == 4
        assert (await submit(fake, form_a, NEW_ENTRY, **MODERATOR)).startswith("Added `zorblax-initiative`")
        other = {**NEW_ENTRY, "kb:questions": "What is the Quuxly Pact?"}
        assert (await submit(fake, form_b, other, **second)).startswith("Added `quuxly-pact`")
        assert bot.engine.entry("zorblax-initiative") and bot.engine.entry("quuxly-pact")


async def test_undo_reverts_the_last_change_and_never_undoes_an_undo(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        for phrasing in ("first extra phrasing", "second extra phrasing"):
            alias = await fake.slash(
                "kb", kb("alias", option("entry", "pesco-what"), option("question", phrasing)), **MODERATOR
            )
            await response_to(fake, alias)
        for _ in range(2):
            undo = await fake.slash("kb", kb("undo", option("entry", "pesco-what")), **MODERATOR)
            assert "Reverted" in (await response_to(fake, undo))["content"]
        questions = bot.engine.entry("pesco-what").questions
        assert "first extra phrasing" not in questions and "second extra phrasing" not in questions
        third = await fake.slash("kb", kb("undo", option("entry", "pesco-what")), **MODERATOR)
        assert "No change to undo" in (await response_to(fake, third))["content"]
    assert (knowledge_copy / "pesco.yaml").read_text() == (KNOWLEDGE / "pesco.yaml").read_text()


SLOW_SAVE_S = 0.5  # every save in the next test takes this long...
SHORT_DEADLINE_S = 0.3  # ...and the fake's first-response deadline is this much: only acknowledging first passes


def _slowly(operation, *args, **kwargs):
    time.sleep(SLOW_SAVE_S)  # in the worker thread the store runs in, as a large re-index would
    return operation(*args, **kwargs)


async def test_every_kb_step_acknowledges_at_once_and_answers_after_a_slow_save(knowledge_copy, monkeypatch):
    async with running_bot(knowledge_copy) as (fake, bot), LoopWatch() as loop:
        fake.first_response_s = SHORT_DEADLINE_S
        for name in ("add_alias", "add_entry", "remove_entry", "restore_entry", "reload"):
            monkeypatch.setattr(bot.store, name, functools.partial(_slowly, getattr(bot.store, name)))

        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco?!")), **MODERATOR
        )
        assert "Added a phrasing" in (await response_to(fake, alias))["content"]
        form = await open_form(fake, kb("add"), **MODERATOR)
        assert (await submit(fake, form, NEW_ENTRY, **MODERATOR)).startswith("Added `zorblax-initiative")
        undo = await fake.slash("kb", kb("undo", option("entry", "zorblax-initiative")), **MODERATOR)
        assert "Reverted" in (await response_to(fake, undo))["content"]
        reload = await fake.slash("kb", kb("reload"), **MODERATOR)
        assert "Reloaded" in (await response_to(fake, reload))["content"]

        await fake.say("who heads the bureau of frobnication", mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        review = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        message = next(m for m in fake.messages.values() if m["components"] == review["components"])
        choose = await fake.click(message, "kb:review:alias", values=["hr-vp-who"], **MODERATOR)
        assert "as a phrasing of `hr-vp-who`" in (await response_to(fake, choose))["content"]

        remove = await response_to(
            fake, await fake.slash("kb", kb("remove", option("entry", "pesco-what")), **MODERATOR)
        )
        message = next(m for m in fake.messages.values() if m["components"] == remove["components"])
        confirm = await fake.click(message, "kb:remove:confirm", **MODERATOR)
        assert "Removed" in (await follow_ups(fake, confirm))[0].body["content"]
        assert loop.longest < SLOW_SAVE_S * 0.9  # the saves ran off the event loop (each would stall it that long)
    # on the way out, the harness asserts that Discord refused no late or second acknowledgement


async def test_an_audit_row_that_meets_a_lock_is_retried_and_undo_sees_the_edit(knowledge_copy, tmp_path):
    data_path = tmp_path / "data.sqlite3"
    async with running_bot(knowledge_copy, data_path, runtime_options={"busy_timeout_s": 0.1}) as (fake, bot):
        locker = sqlite3.connect(data_path, isolation_level=None, check_same_thread=False)
        locker.execute("BEGIN IMMEDIATE")  # a backup holds the write lock for a moment, over the save
        threading.Timer(0.3, locker.close).start()  # closing releases the lock
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco in brief")), **MODERATOR
        )
        content = (await response_to(fake, alias))["content"]
        assert content.startswith("Added a phrasing to `pesco-what`") and "undo" not in content
        undo = await fake.slash("kb", kb("undo", option("entry", "pesco-what")), **MODERATOR)
        assert "Reverted" in (await response_to(fake, undo))["content"]
        assert "pesco in brief" not in bot.engine.entry("pesco-what").questions


async def test_a_failure_after_the_save_never_says_the_files_are_unchanged(knowledge_copy, monkeypatch):
    async with running_bot(knowledge_copy) as (fake, bot):

        def broken(*args, **kwargs):
            raise ValueError("a bug after the save")

        monkeypatch.setattr(bot.runtime, "record_edits", broken)
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco in brief")), **MODERATOR
        )
        content = (await response_to(fake, alias))["content"]
        assert content.startswith("Added a phrasing to `pesco-what`") and "`/kb undo` will not see" in content
        assert "unchanged" not in content
        # a bug once saved, before the reply (in the module the bot loaded: each start imports the cog anew)
        monkeypatch.setattr(sys.modules[type(bot.get_cog("Kb")).__module__], "DONE", SimpleNamespace(get=broken))
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco at a glance")), **MODERATOR
        )
        content = (await response_to(fake, alias))["content"]
        assert content.startswith("Saved `pesco-what`, but something went wrong after saving")
    text = (knowledge_copy / "pesco.yaml").read_text()
    assert "pesco in brief" in text and "pesco at a glance" in text


async def test_a_form_saved_over_a_newer_version_is_refused_naming_what_changed_and_giving_the_text_back(
    knowledge_copy,
):
    async with running_bot(knowledge_copy) as (fake, bot):
        form = await open_form(fake, kb("edit", option("entry", "pesco-members")), **MODERATOR)
        other = {**MODERATOR, "user": fake.user("other-moderator")}
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-members"), option("question", "whos in the pesco club")), **other
        )
        assert "Added a phrasing" in (await response_to(fake, alias))["content"]
        typed = {
            "kb:questions": "Which countries are in PESCO?",
            "kb:answer": "My careful rewrite of the members answer.",
            "kb:sources": "eda-pesco",
            "kb:tags": "pesco",
        }
        submitted = await fake.submit_modal(form, typed, **MODERATOR)
        (reply,) = await follow_ups(fake, submitted)
        assert reply.body["content"].startswith(
            "Not saved — `pesco-members` has changed (questions) since you opened the form."
        )
        assert "attached" in reply.body["content"]
        (given_back,) = reply.files.values()
        assert "My careful rewrite of the members answer." in given_back.decode()
        assert "whos in the pesco club" in bot.engine.entry("pesco-members").questions
    text = (knowledge_copy / "pesco.yaml").read_text()
    assert "whos in the pesco club" in text and "My careful rewrite" not in text


async def test_review_add_as_phrasing_of_an_entry_changed_meanwhile_is_refused_and_the_choices_refresh(
    knowledge_copy,
):
    question = "who heads the bureau of frobnication in brussels"
    async with running_bot(knowledge_copy) as (fake, bot):
        await fake.say(question, mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        review = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        alias = await fake.slash(
            "kb",
            kb("alias", option("entry", "hr-vp-who"), option("question", "who is the eu foreign chief")),
            **MODERATOR,
        )
        await response_to(fake, alias)
        message = next(m for m in fake.messages.values() if m["components"] == review["components"])
        choose = await fake.click(message, "kb:review:alias", values=["hr-vp-who"], **MODERATOR)
        refused, refreshed = await follow_ups(fake, choose, count=2)
        assert "`hr-vp-who` has changed (questions) since this review was shown" in refused.body["content"]
        assert question not in bot.engine.entry("hr-vp-who").questions
        again = await fake.click(stored_message(fake, refreshed), "kb:review:alias", values=["hr-vp-who"], **MODERATOR)
        assert "as a phrasing of `hr-vp-who`" in (await response_to(fake, again))["content"]


async def test_undo_refuses_when_the_entry_changed_since_its_last_recorded_change(knowledge_copy):
    async with running_bot(knowledge_copy) as (fake, bot):
        alias = await fake.slash(
            "kb", kb("alias", option("entry", "pesco-what"), option("question", "pesco tl;dr")), **MODERATOR
        )
        await response_to(fake, alias)
        path = knowledge_copy / "pesco.yaml"
        path.write_text(path.read_text().replace("      - pesco tl;dr\n", "      - pesco tl;dr\n      - by hand\n"))
        await response_to(fake, await fake.slash("kb", kb("reload"), **MODERATOR))
        undo = await fake.slash("kb", kb("undo", option("entry", "pesco-what")), **MODERATOR)
        content = (await response_to(fake, undo))["content"]
        assert content.startswith("Not undone — `pesco-what` has changed (questions) since its last recorded change")
        assert "by hand" in bot.engine.entry("pesco-what").questions


async def test_undoing_a_removal_brings_back_the_related_links_and_nothing_else_is_left_to_undo(knowledge_copy):
    before = load_directory(knowledge_copy).knowledge.entries
    async with running_bot(knowledge_copy) as (fake, bot):
        remove = await response_to(
            fake, await fake.slash("kb", kb("remove", option("entry", "european-defence-community")), **MODERATOR)
        )
        message = next(m for m in fake.messages.values() if m["components"] == remove["components"])
        confirm = await fake.click(message, "kb:remove:confirm", **MODERATOR)
        assert "Removed" in (await follow_ups(fake, confirm))[0].body["content"]
        assert "european-defence-community" not in bot.engine.entry("myth-edc-created-2016").related
        undo = await fake.slash("kb", kb("undo", option("entry", "european-defence-community")), **MODERATOR)
        content = (await response_to(fake, undo))["content"]
        assert "Reverted" in content and "put back the related links from: myth-edc-created-2016" in content
        assert "european-defence-community" in bot.engine.entry("myth-edc-created-2016").related
        again = await fake.slash("kb", kb("undo", option("entry", "myth-edc-created-2016")), **MODERATOR)
        assert "No change to undo" in (await response_to(fake, again))["content"]
    after = load_directory(knowledge_copy).knowledge.entries
    assert {entry_record(e)["id"]: entry_record(e) for e in after} == {
        entry_record(e)["id"]: entry_record(e) for e in before
    }


async def test_review_new_entry_resolves_the_question_only_when_its_form_is_saved(knowledge_copy):
    question = "what is the zorblax initiative"
    async with running_bot(knowledge_copy) as (fake, _):
        await fake.say(question, mention_bot=True)
        await reply_to(fake, fake.text_channel_id)
        review = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        message = next(m for m in fake.messages.values() if m["components"] == review["components"])
        opened = (await callback_for(fake, await fake.click(message, "kb:review:new", **MODERATOR))).body
        assert opened["type"] == 9  # the form; the moderator closes it without saving...
        again = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        assert question in again["embeds"][0]["description"]  # ...and the question is still waiting
        saved = await submit(fake, opened["data"]["custom_id"], {**NEW_ENTRY, "kb:questions": question}, **MODERATOR)
        assert saved.startswith("Added `zorblax-initiative`")
        empty = await response_to(fake, await fake.slash("kb", kb("review"), **MODERATOR))
        assert empty["content"].startswith("Nothing to review")


async def test_the_form_takes_a_review_by_date_and_stale_and_the_digest_list_what_is_due(knowledge_copy):
    import datetime as dt

    async with running_bot(knowledge_copy, review_digest_channel_id=None) as (fake, bot):
        form = await open_form(fake, kb("add", option("entry_id", "zorblax-due")), **MODERATOR)
        reply = await submit(fake, form, {**NEW_ENTRY, "kb:review-by": "2026-01-15"}, **MODERATOR)
        assert reply.startswith("Added `zorblax-due`") and "due for review since 2026-01-15" in reply
        assert bot.engine.entry("zorblax-due").review_by == dt.date(2026, 1, 15)
        edit = await fake.slash("kb", kb("edit", option("entry", "zorblax-due")), **MODERATOR)
        prefilled = [
            c for row in (await callback_for(fake, edit)).body["data"]["components"] for c in row["components"]
        ]
        assert {"custom_id": "kb:review-by", "value": "2026-01-15"}.items() <= next(
            c for c in prefilled if c["custom_id"] == "kb:review-by"
        ).items()
        stale = (await response_to(fake, await fake.slash("kb", kb("stale"), **MODERATOR)))["embeds"][0]
        assert "`zorblax-due`" in stale["description"] and "overdue since 2026-01-15" in stale["description"]
        assert "`pesco-what`" not in stale["description"]  # its review_by is months ahead
        cog = bot.get_cog("Kb")
        assert await cog.send_review_digest(dt.date(2026, 12, 1)) is False  # no channel configured: off
        bot.config = dataclasses.replace(
            bot.config,
            discord=dataclasses.replace(bot.config.discord, review_digest_channel_id=int(fake.text_channel_id)),
        )
        today = dt.date(2026, 12, 7)
        falling_due = min(  # the first entry of the shipped knowledge falling due within the two weeks
            (e.review_by, e.id) for e in bot.engine.knowledge.entries if e.review_by and today < e.review_by
        )
        assert await cog.send_review_digest(today) is True
        digest = await reply_to(fake, fake.text_channel_id)
        (embed,) = digest.body["embeds"]
        assert embed["title"].startswith("Weekly review digest") and "due by 2026-12-21" in embed["title"]
        assert "`zorblax-due`" in embed["description"]
        assert f"`{falling_due[1]}`" in embed["description"] and f"due {falling_due[0]}" in embed["description"]


async def test_an_entry_with_more_phrasings_than_the_form_holds_is_edited_and_keeps_them_all(knowledge_copy):
    phrasings = [f"question number {n} about the zorblax initiative, {'in many words ' * 20}" for n in range(20)]
    assert len("\n".join(phrasings)) > 4000  # more than one text input of a Discord form holds
    lines = "".join(f"      - {p.strip()}\n" for p in phrasings)
    (knowledge_copy / "big.yaml").write_text(
        f"entries:\n  - id: zorblax\n    questions:\n{lines}    answer: Old.[^eda-pesco]\n    sources: [eda-pesco]\n"
    )
    async with running_bot(knowledge_copy) as (fake, bot):
        interaction = await fake.slash("kb", kb("edit", option("entry", "zorblax")), **MODERATOR)
        body = (await callback_for(fake, interaction)).body
        inputs = [c["custom_id"] for row in body["data"]["components"] for c in row["components"]]
        assert "kb:questions" not in inputs and body["data"]["title"] == "Edit entry (questions kept as is)"
        reply = await submit(
            fake, body["data"]["custom_id"], {"kb:answer": "New.[^eda-pesco]", "kb:sources": "eda-pesco"}, **MODERATOR
        )
        assert reply.startswith("Saved `zorblax`") and not fake.refused
        assert bot.engine.entry("zorblax").questions == tuple(p.strip() for p in phrasings)
        assert bot.engine.entry("zorblax").answer == "New.[^eda-pesco]"


async def test_an_answer_that_would_not_fit_discord_with_its_sources_is_refused_and_files_stay_the_same(knowledge_copy):
    long_sources = "".join(
        f"  - {{id: long-{n}, title: {'T' * 280}, url: https://example.org/{'p' * 400}, publisher: {'P' * 150}}}\n"
        for n in range(6)
    )
    (knowledge_copy / "long-sources.yaml").write_text("sources:\n" + long_sources)
    before = snapshot(knowledge_copy)
    async with running_bot(knowledge_copy) as (fake, _):
        form = await open_form(fake, kb("add"), **MODERATOR)
        cited = ", ".join(f"long-{n}" for n in range(6))
        reply = await submit(fake, form, {**NEW_ENTRY, "kb:answer": "x" * 1800, "kb:sources": cited}, **MODERATOR)
        assert reply.startswith("Not saved") and "Discord shows at most 5400" in reply
        assert "What you typed is attached" in reply  # nothing typed is lost
    assert snapshot(knowledge_copy) == before
