"""bot/discord/views.py: did-you-mean and vote buttons (persistent across restarts) and the pager."""

from __future__ import annotations

import pytest

from ..fakes.harness import callback_for, embed_of, reply_to, running_bot, stored_message

pytestmark = pytest.mark.timeout(60)


async def test_did_you_mean_buttons_then_a_click_shows_that_answer_in_place():
    async with running_bot() as (fake, _):
        await fake.say("pesco projects", mention_bot=True)
        sent = await reply_to(fake, fake.text_channel_id)
        assert embed_of(sent)["title"] == "Did you mean…"
        buttons = [b for row in sent.body["components"] for b in row["components"]]
        assert 2 <= len(buttons) <= 3 and all(b["custom_id"].startswith("faq:pick:") for b in buttons)
        click = await fake.click(stored_message(fake, sent), "faq:pick:pesco-projects-count")
        body = (await callback_for(fake, click)).body
        assert body["type"] == 7  # UPDATE_MESSAGE: the answer replaces the choices
        assert body["data"]["embeds"][0]["title"] == "How many PESCO projects are there?"
        votes = [b["custom_id"] for row in body["data"]["components"] for b in row["components"]]
        assert votes == ["faq:vote:pesco-projects-count:1", "faq:vote:pesco-projects-count:0"]


async def test_did_you_mean_click_works_after_a_restart():
    async with running_bot() as (fake, _):  # a fresh bot process that never sent these buttons
        button = {
            "type": 2,
            "style": 1,
            "label": "1. Which countries are in PESCO?",
            "custom_id": "faq:pick:pesco-members",
        }
        message = fake.message(
            fake.text_channel_id, fake.bot_user, "", components=[{"type": 1, "components": [button]}]
        )
        click = await fake.click(message, "faq:pick:pesco-members")
        body = (await callback_for(fake, click)).body
        assert body["data"]["embeds"][0]["title"] == "Which countries are in PESCO?"


async def test_a_click_on_a_removed_entry_says_so_privately():
    async with running_bot() as (fake, _):
        button = {"type": 2, "style": 1, "label": "1. Gone", "custom_id": "faq:pick:no-such-entry"}
        message = fake.message(
            fake.text_channel_id, fake.bot_user, "", components=[{"type": 1, "components": [button]}]
        )
        body = (await callback_for(fake, await fake.click(message, "faq:pick:no-such-entry"))).body
        assert body["data"]["flags"] & 64 and "no longer exists" in body["data"]["content"]


async def test_only_the_member_who_asked_can_turn_the_topics_pages():
    async with running_bot() as (fake, bot):
        many = [f"topic-{n}" for n in range(40)]  # more topics than one page holds
        bot.engine.topics = tuple(many) + bot.engine.topics
        interaction = await fake.slash("topics")
        sent = await callback_for(fake, interaction)
        message = stored_message(fake, sent)
        next_button = next(
            b["custom_id"] for row in message["components"] for b in row["components"] if "Next" in b["label"]
        )
        stranger = fake.user("stranger")
        refused = await callback_for(fake, await fake.click(message, next_button, user=stranger))
        assert refused.body["type"] == 4 and refused.body["data"]["flags"] & 64
        assert "yourself" in refused.body["data"]["content"]
        turned = await callback_for(fake, await fake.click(message, next_button))
        assert turned.body["type"] == 7 and "Page 2 of" in turned.body["data"]["embeds"][0]["footer"]["text"]


def test_buttons_and_forms_for_the_longest_allowed_id_fit_discords_custom_id_limit():
    import re

    from bot.core.loader import MAX_ID_CHARS
    from bot.core.models import Entry
    from bot.discord.exts.kb._forms import FORM_TEMPLATE, EntryForm, SourceForm
    from bot.discord.views import CUSTOM_ID_LIMIT, PickSuggestion, VoteButton

    longest = "a" * MAX_ID_CHARS
    for item in (PickSuggestion(longest), VoteButton(longest, True), VoteButton(longest, False)):
        assert len(item.custom_id) <= CUSTOM_ID_LIMIT  # discord.py would raise before that, too
    entry = Entry(longest, ("Q?",), "A.")
    forms = [EntryForm(None, 1, existing=entry), EntryForm(None, 1), SourceForm(None, 1)]
    for form in forms:
        assert re.fullmatch(FORM_TEMPLATE, form.custom_id) and len(form.custom_id) <= CUSTOM_ID_LIMIT
    assert re.fullmatch(FORM_TEMPLATE, forms[0].custom_id)["entry_id"] == longest
    assert len({EntryForm(None, 1).custom_id for _ in range(100)}) == 100  # every opened form has its own


async def test_a_vote_on_an_answer_whose_entry_was_removed_is_refused_privately_and_stores_nothing():
    async with running_bot() as (fake, bot):
        button = {"type": 2, "style": 2, "emoji": {"name": "👎"}, "custom_id": "faq:vote:no-such-entry:0"}
        message = fake.message(
            fake.text_channel_id, fake.bot_user, "", components=[{"type": 1, "components": [button]}]
        )
        body = (await callback_for(fake, await fake.click(message, "faq:vote:no-such-entry:0"))).body
        assert body["data"]["flags"] & 64 and "removed" in body["data"]["content"]
        stats = await bot.runtime_call(bot.runtime.stats)
        assert stats.votes == {} and stats.unanswered_open == 0
