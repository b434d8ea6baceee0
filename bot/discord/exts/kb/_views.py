"""Buttons and menus of /kb: confirm a removal, and work through the review queue. Each click is
acknowledged at once (the message is updated, or the update deferred) before anything is saved or read."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import discord

from ....core.models import Candidate, Entry
from ....core.solved import draft
from ....core.versions import entry_version
from ....render.embeds import SELECT_OPTION_LIMIT, SELECT_OPTIONS, review_embed, trim
from ....runtime import ReviewItem, ReviewState, RuntimeDataUnavailable
from ._checks import UNAVAILABLE, conflict_text, failure_text, refused, tell
from ._forms import EntryForm

if TYPE_CHECKING:
    from ...client import FaqBot
    from ._cog import Kb

log = logging.getLogger(__name__)

CONFIRM_TIMEOUT_S = 300
REVIEW_TIMEOUT_S = 900
QUOTED_QUESTION_CHARS = 200


class ModeratorView(discord.ui.View):
    async def interaction_check(self, interaction: discord.Interaction[Any]) -> bool:
        return not await refused(interaction)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        log.error("a /kb button failed", exc_info=error)
        await tell(interaction, failure_text(interaction))


class ConfirmRemove(ModeratorView):
    def __init__(self, cog: Kb, entry: Entry) -> None:
        super().__init__(timeout=CONFIRM_TIMEOUT_S)
        self.cog, self.entry, self.entry_id = cog, entry, entry.id

    @discord.ui.button(label="Remove", style=discord.ButtonStyle.danger, custom_id="kb:remove:confirm")
    async def confirm(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content=f"Removing `{self.entry_id}`…", view=None)
        await self.cog.apply(
            interaction,
            interaction.client.store.remove_entry,
            self.entry_id,
            expected=entry_version(self.entry),
            conflict=lambda changed: conflict_text(
                changed, self.entry, "you asked to remove it", "Look at it again with `/kb show` first."
            ),
        )

    @discord.ui.button(label="Cancel", style=discord.ButtonStyle.secondary, custom_id="kb:remove:cancel")
    async def cancel(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        self.stop()
        await interaction.response.edit_message(content="Nothing removed.", view=None)


class ReviewView(ModeratorView):
    """One queued question at a time: add it as a phrasing of an entry, start a new entry, or dismiss."""

    def __init__(self, cog: Kb, items: list[ReviewItem], position: int, candidates: Sequence[Candidate]) -> None:
        super().__init__(timeout=REVIEW_TIMEOUT_S)
        self.cog, self.items, self.position = cog, items, position
        self.offered = {c.entry.id: c.entry for c in candidates}  # as shown: a pick of a changed one is refused
        options = [
            discord.SelectOption(
                label=trim(c.entry.title, SELECT_OPTION_LIMIT),
                value=c.entry.id,
                description=trim(f"{c.entry.id} · {c.score:.0f}", SELECT_OPTION_LIMIT),
            )
            for c in candidates
        ]
        if options:
            self.select: discord.ui.Select[ReviewView] = discord.ui.Select(
                placeholder="Add as a phrasing of…", options=options, custom_id="kb:review:alias"
            )
            self.select.callback = self.add_as_phrasing  # type: ignore[method-assign,assignment]
            self.add_item(self.select)

    @classmethod
    async def build(cls, cog: Kb, items: list[ReviewItem], position: int = 0) -> ReviewView:
        """The view for items[position], with the entries its question comes closest to (matched in a worker
        thread, off the event loop)."""
        question = phrasing(items[position])
        candidates = (
            await asyncio.to_thread(cog.bot.engine.candidates, question, SELECT_OPTIONS) if question.strip() else []
        )
        return cls(cog, items, position, candidates)

    def embed(self) -> discord.Embed:
        return review_embed(self.items[self.position], self.position, len(self.items))

    async def _advance(self, interaction: discord.Interaction[FaqBot], note: str) -> None:
        """Show the next item in place of this one (the click was deferred: the message is edited)."""
        remaining = [i for n, i in enumerate(self.items) if n != self.position]
        if not remaining:
            await interaction.edit_original_response(
                content=f"{note}\nThe review queue is empty.", embed=None, view=None
            )
            return
        view = await ReviewView.build(self.cog, remaining, min(self.position, len(remaining) - 1))
        await interaction.edit_original_response(content=note, embed=view.embed(), view=view)

    async def add_as_phrasing(self, interaction: discord.Interaction[FaqBot]) -> None:
        await interaction.response.defer()  # an update of this message will follow
        item = self.items[self.position]
        entry_id = self.select.values[0]
        store, seen = interaction.client.store, self.offered.get(entry_id)
        saved = await self.cog.apply(
            interaction,
            store.add_alias,
            entry_id,
            phrasing(item),
            resolves=item.question_key,
            announce=False,
            expected=entry_version(seen),
            conflict=lambda changed: conflict_text(
                changed, seen, "this review was shown", "The choices are updated: look at them again."
            ),
        )
        if saved is None:  # refused (told why): show the same question with choices as they are now
            view = await ReviewView.build(self.cog, self.items, self.position)
            await interaction.edit_original_response(embed=view.embed(), view=view)
        else:
            quoted = trim(phrasing(item), QUOTED_QUESTION_CHARS)
            note = "\n".join((f"Added “{quoted}” as a phrasing of `{entry_id}`.", *saved.notes))
            await self._advance(interaction, note)

    @discord.ui.button(label="New entry", style=discord.ButtonStyle.primary, custom_id="kb:review:new", row=1)
    async def new_entry(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        item = self.items[self.position]  # resolved when the form is saved: an abandoned form leaves it queued
        if item.thread is None:
            form = EntryForm(self.cog, interaction.user.id, first_question=item.question, review_key=item.question_key)
        else:  # a solved thread: its questions, the marked reply, and the thread as the source, created on save
            started = draft(item.thread)
            form = EntryForm(
                self.cog,
                interaction.user.id,
                first_question="\n".join(started.questions),
                review_key=item.question_key,
                draft_answer=started.answer,
                draft_sources=started.source.id,
                new_sources=(started.source,),
            )
        await interaction.response.send_modal(form)

    @discord.ui.button(label="Dismiss", style=discord.ButtonStyle.secondary, custom_id="kb:review:dismiss", row=1)
    async def dismiss(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        item = self.items[self.position]
        bot = interaction.client
        try:
            await bot.runtime_call(bot.runtime.close_review, item.question_key, ReviewState.DISMISSED)
        except RuntimeDataUnavailable:
            await tell(interaction, UNAVAILABLE)
            return
        await self._advance(interaction, "Dismissed.")

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary, custom_id="kb:review:next", row=1)
    async def next_item(self, interaction: discord.Interaction[FaqBot], button: discord.ui.Button[Any]) -> None:
        await interaction.response.defer()
        view = await ReviewView.build(self.cog, self.items, (self.position + 1) % len(self.items))
        await interaction.edit_original_response(embed=view.embed(), view=view)


def phrasing(item: ReviewItem) -> str:
    """What "add as a phrasing" adds: the question as asked; for a solved thread, its post's first question
    (its title when the post asks nothing else)."""
    if item.thread is None:
        return item.question
    questions = item.thread.questions
    return questions[1] if len(questions) > 1 else questions[0]
